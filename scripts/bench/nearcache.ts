/**
 * `deno task bench nearcache`: the client's near cache (issue 14). One node
 * process, one benchmark process; 50 concurrent callers read keys drawn
 * from Zipf(0.99) over 100,000 keys (100-byte values), through a
 * `CacheMirClient` with `nearCache.maxEntries` 10,000 and through one
 * without: ops/s and p99 side by side. Then the same with 10% of the
 * operations writes, sent by a second client (no near cache). During the
 * run with writes, the invalidation window: from a write's ack at the
 * writer to the invalidation's arrival at the reader (a push that arrives
 * before the ack counts 0), p50, p99 and max, timed on writes of the 256
 * most read keys.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { CacheMirClient } from "../../client/mod.ts";
import { startNode } from "./procs.ts";
import { zipfRank, zipfTable } from "./zipf.ts";
import { markdownTable, num } from "./stats.ts";
import type { SubBenchmarkResult } from "./result.ts";

/** Options of {@linkcode NearCacheBench}. */
export interface NearCacheBenchOptions {
  /** Rounds (each with a fresh node); medians are reported. */
  readonly rounds: number;
  /** Short runs. */
  readonly quick: boolean;
  /** Seconds per case (and at most that of warm-up), overriding `quick`'s 3 and the default 10. */
  readonly secondsPerCase?: number;
}

/** One workload's medians, with and without the near cache. */
export interface NearCacheFigures {
  readonly workload: "reads only" | "10% writes";
  readonly withoutOpsPerSec: number;
  readonly withOpsPerSec: number;
  /** Reads the near cache answered, of all its reads (0–1). */
  readonly hitRate: number;
}

/** What {@linkcode NearCacheBench.run} returns. */
export interface NearCacheBenchResult extends SubBenchmarkResult {
  /** Both workloads' figures. */
  readonly figures: readonly NearCacheFigures[];
  /** The invalidation windows timed, ms, sorted. */
  readonly windows: readonly number[];
}

const KEYS = 100_000;
const CALLERS = 50;
const MAX_ENTRIES = 10_000;
const VALUE = "v".repeat(100);
/** Keys drawn from the distribution before a case (a power of two). */
const DRAWS = 1 << 18;
/** Each caller yields to I/O once every this many + 1 operations. */
const YIELD_MASK = 63;
/** The most read keys the invalidation window is timed on. */
const PROBES = 256;

interface RunResult {
  readonly opsPerSec: number;
  readonly p99Ms: number;
  readonly hitRate: number;
  /** Invalidation windows, ms (only with writes and the near cache). */
  readonly windows: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** The near-cache benchmark. */
export class NearCacheBench {
  #options: NearCacheBenchOptions;

  /**
   * @param options Rounds and size.
   */
  constructor(options: NearCacheBenchOptions) {
    this.#options = options;
  }

  /**
   * Runs every case, each round on a fresh node.
   *
   * @returns The Markdown report and the figures in it.
   */
  async run(): Promise<NearCacheBenchResult> {
    const seconds = this.#options.secondsPerCase ??
      (this.#options.quick ? 3 : 10);
    const cases = [
      { name: "reads only", near: false, writes: 0 },
      { name: "reads only", near: true, writes: 0 },
      { name: "10% writes", near: false, writes: 0.1 },
      { name: "10% writes", near: true, writes: 0.1 },
    ];
    const results: RunResult[][] = cases.map(() => []);
    for (let round = 0; round < this.#options.rounds; round++) {
      const node = await startNode();
      try {
        const address = `127.0.0.1:${node.binaryPort}`;
        await populate(address);
        for (const [i, c] of cases.entries()) {
          results[i].push(await runCase(address, c.near, c.writes, seconds));
        }
      } finally {
        await node.stop();
      }
    }
    const rows: string[][] = [];
    const figures: NearCacheFigures[] = [];
    for (const writes of [0, 0.1]) {
      const without = results[
        cases.findIndex((c) => c.writes === writes && !c.near)
      ];
      const withNear = results[
        cases.findIndex((c) => c.writes === writes && c.near)
      ];
      const ops0 = median(without.map((r) => r.opsPerSec));
      const ops1 = median(withNear.map((r) => r.opsPerSec));
      const hitRate = median(withNear.map((r) => r.hitRate));
      figures.push({
        workload: writes === 0 ? "reads only" : "10% writes",
        withoutOpsPerSec: ops0,
        withOpsPerSec: ops1,
        hitRate,
      });
      rows.push([
        writes === 0 ? "reads only" : "10% writes (second client)",
        num(ops0),
        num(median(without.map((r) => r.p99Ms)), 2),
        num(ops1),
        num(median(withNear.map((r) => r.p99Ms)), 2),
        `${num(100 * hitRate, 1)}%`,
        `${num(ops1 / ops0, 1)}×`,
      ]);
    }
    const windows = results[3].flatMap((r) => r.windows).sort((a, b) => a - b);
    const markdown = [
      "## Near cache (issue 14)",
      "",
      `One node process; ${CALLERS} concurrent callers in one process; keys from Zipf(0.99) over ${
        num(KEYS)
      } keys of ${VALUE.length} bytes; nearCache.maxEntries ${
        num(MAX_ENTRIES)
      }; ${seconds} s per case, ${this.#options.rounds} round(s), medians.`,
      "",
      markdownTable(
        [
          "workload",
          ">without: ops/s",
          ">without: p99 ms",
          ">with: ops/s",
          ">with: p99 ms",
          ">near-cache hit rate",
          ">speed-up",
        ],
        rows,
      ),
      "",
      `Invalidation window (a write's ack at the writer → the invalidation at the reader), ${
        num(windows.length)
      } writes of keys the reader held (the ${PROBES} most read keys): p50 ${
        num(percentile(windows, 0.5), 3)
      } ms, p99 ${num(percentile(windows, 0.99), 3)} ms, max ${
        num(windows[windows.length - 1] ?? NaN, 3)
      } ms.`,
      "",
    ].join("\n");
    return { markdown, figures, windows };
  }
}

/** Writes the 100,000 keys. */
async function populate(address: string): Promise<void> {
  const client = new CacheMirClient({ nodes: address });
  try {
    await client.flushall();
    const batch: Record<string, string> = {};
    let n = 0;
    for (let i = 0; i < KEYS; i++) {
      batch[`key:${i}`] = VALUE;
      if (++n === 1000) {
        await client.mset(batch);
        for (const k of Object.keys(batch)) delete batch[k];
        n = 0;
      }
    }
    if (n > 0) await client.mset(batch);
  } finally {
    await client.close();
  }
}

/** One case: 50 callers for `seconds`. */
async function runCase(
  address: string,
  near: boolean,
  writes: number,
  seconds: number,
): Promise<RunResult> {
  // Keys drawn beforehand: the callers' loop costs little besides the reads.
  const table = zipfTable(KEYS, 0.99);
  const draws = Array.from(
    { length: DRAWS },
    () => `key:${zipfRank(table, Math.random())}`,
  );
  // The invalidation window is timed on the PROBES most read keys (the
  // most written too): per probe, whether the reader holds it (read since
  // its last invalidation: the node tells it of those), the ack time of a
  // write waiting for its push, and the invalidations received. Typed arrays, no per-operation Map or Set: a Set of every
  // key held, added to on each read and deleted from on each push, cost the
  // run with writes more than the near cache did.
  const probeOf = new Map<string, number>(
    Array.from({ length: PROBES }, (_, i) => [`key:${i}`, i]),
  );
  const held = new Uint8Array(PROBES);
  const pending = new Float64Array(PROBES); // 0: none
  const pushes = new Uint32Array(PROBES); // invalidations received
  const windows: number[] = [];
  const reader = new CacheMirClient({
    nodes: address,
    ...(near
      ? {
        nearCache: {
          maxEntries: MAX_ENTRIES,
          onInvalidate: writes > 0
            ? (keys) => {
              const t = performance.now();
              for (const k of keys ?? []) {
                const i = probeOf.get(k);
                if (i === undefined) continue;
                // Told once: the node tracks it again when it is read again.
                held[i] = 0;
                pushes[i]++;
                if (pending[i] !== 0) {
                  windows.push(Math.max(0, t - pending[i]));
                  pending[i] = 0;
                }
              }
            }
            : undefined,
        },
      }
      : {}),
  });
  const writer = new CacheMirClient({ nodes: address });
  try {
    // Warm both: connections open, the near cache filled as in steady state.
    const warmEnd = performance.now() + Math.min(1000, seconds * 1000);
    await callers(async (c) => {
      let at = c * 4099;
      while (performance.now() < warmEnd) {
        await reader.get(draws[at++ & (DRAWS - 1)]);
        if ((at & YIELD_MASK) === 0) await yieldToIo();
      }
    });
    const latencies: number[] = [];
    let ops = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    let done = false;
    await callers(async (c) => {
      let at = c * 7919;
      while (!done) {
        const key = draws[at++ & (DRAWS - 1)];
        // One operation in 8 is timed (p99 from them): the clock costs.
        const timed = (at & 7) === 0;
        const t0 = timed ? performance.now() : 0;
        if (writes > 0 && Math.random() < writes) {
          // Timed only when the reader held the key when the write was
          // sent: its read's reply had come back, so the node had tracked it.
          const i = near ? probeOf.get(key) : undefined;
          const timedWindow = i !== undefined && held[i] === 1;
          const pushesBefore = timedWindow ? pushes[i] : 0;
          await writer.set(key, VALUE);
          const t1 = performance.now();
          if (timedWindow && pending[i] === 0) {
            // A push that came before the ack counts 0.
            if (pushes[i] !== pushesBefore) windows.push(0);
            else pending[i] = t1;
          }
          if (timed) latencies.push(t1 - t0);
        } else {
          // Held once the read is back, unless a push for the key came
          // meanwhile: the node may then have forgotten it, and a write
          // timed against a push the node never sends ran 250 ms.
          const i = near && writes > 0 ? probeOf.get(key) : undefined;
          const pushesBefore = i === undefined ? 0 : pushes[i];
          await reader.get(key);
          if (timed) latencies.push(performance.now() - t0);
          if (i !== undefined && pushes[i] === pushesBefore) held[i] = 1;
        }
        ops++;
        if ((at & YIELD_MASK) === 0) {
          if (performance.now() >= end) done = true;
          // A caller whose reads all hit never yields: let the others and the I/O run.
          await yieldToIo();
        }
      }
    });
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const s = reader.nearCacheStats();
    return {
      opsPerSec: ops / elapsed,
      p99Ms: percentile(latencies, 0.99),
      hitRate: s === undefined ? 0 : s.hits / Math.max(1, s.hits + s.misses),
      windows,
    };
  } finally {
    await reader.close();
    await writer.close();
  }
}

/**
 * Lets timers and I/O run. Not `setTimeout(r, 0)`: nested zero timeouts are
 * clamped (about 2 ms a yield here), which capped the loop far below what
 * the near cache serves; `setImmediate` costs about 5 µs.
 */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function callers(body: (caller: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: CALLERS }, (_, i) => body(i)));
}
