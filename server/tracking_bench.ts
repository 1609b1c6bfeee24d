/**
 * What the tracking table costs a tracked read, and a write of a tracked
 * key, under churn: one session reads keys drawn from Zipf(0.99) over
 * 100,000 keys, named by their bytes in a request buffer as the store
 * hands them over, and one operation in 10 is a change of a key (which
 * forgets it: the next read tracks it again) — the near cache's steady
 * state. Each iteration runs 1000 operations: the time per operation is
 * the time shown divided by 1000; on a shared machine, compare the
 * minimums.
 *
 * Measured (3 alternated runs, means per 1000): 500–530 µs; the table as
 * it was before (a string made of each key read, keys in a `Map`),
 * 754–865 µs.
 *
 * Run: `deno bench -A server/tracking_bench.ts`
 *
 * @module
 */

import { TRACKING_DEFAULTS, TrackingTable } from "./tracking.ts";
import { ByteSpan } from "./store/byte_span.ts";
import { seededRandom } from "../tests/_helpers/prng.ts";
import { zipfRank, zipfTable } from "../scripts/bench/zipf.ts";

/** Operations per iteration: the time per operation is the time shown / 1000. */
const BATCH = 1000;
const KEYS = 100_000;
/** Draws made beforehand (a power of two). */
const DRAWS = 1 << 20;

/** Zipf(s) ranks over `n` keys, drawn with a seeded generator. */
function zipfDraws(n: number, s: number, count: number): Int32Array {
  const table = zipfTable(n, s);
  const random = seededRandom(42);
  const out = new Int32Array(count);
  for (let d = 0; d < count; d++) out[d] = zipfRank(table, random());
  return out;
}

const encoder = new TextEncoder();
const keyBytes = Array.from(
  { length: KEYS },
  (_, i) => encoder.encode(`key:${i}`),
);
const names = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
const draws = zipfDraws(KEYS, 0.99, DRAWS);
const request = new Uint8Array(64);
const span = new ByteSpan();

const table = new TrackingTable({
  deliver: () => {},
  maxKeys: () => 1_000_000,
});
table.enable(1, TRACKING_DEFAULTS);
let at = 0;

Deno.bench({
  name:
    `tracking: ${BATCH} reads and changes (1 in 10), Zipf(0.99) over ${KEYS} keys`,
  fn: () => {
    for (let i = 0; i < BATCH; i++) {
      const k = draws[at++ & (DRAWS - 1)];
      if (i % 10 === 0) {
        table.changed(names[k]);
      } else {
        const bytes = keyBytes[k];
        request.set(bytes);
        table.read(1, span.set(request, 0, bytes.length));
      }
    }
  },
});
