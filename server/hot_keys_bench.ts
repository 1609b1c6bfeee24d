/**
 * What the hot-key sketch costs on the hottest path: GET and SET of a small
 * value through {@linkcode CommandTable.executeView} (the direct forms,
 * with the table's default counters), with the sketch off (`sample: 0`), at
 * its default (one request in 16 recorded) and recording every request
 * (`sample: 1`: the cost of one recorded key). The keys are drawn from
 * 100,000, so the sketch sees many keys. Each iteration runs 1000
 * commands: the time per command is the time shown divided by 1000; on a
 * shared machine, compare the minimums.
 *
 * The variants share the table's code: in one process, the first to run
 * shapes what the JIT compiles for the others. To compare them, run each in
 * its own process:
 * `deno bench -A --filter "/GET.*sketch off/" server/hot_keys_bench.ts`,
 * then `"/GET.*1 in 16/"` and `"/GET.*every request/"`.
 *
 * Run: `deno bench -A server/hot_keys_bench.ts`
 *
 * @module
 */

import { CommandTable } from "./commands/table.ts";
import { Keyspace } from "./store/keyspace.ts";
import type { ArgvView } from "./commands/types.ts";
import { CountingOut, tableContext } from "./commands/_testing.ts";
import { HotKeys } from "./hot_keys.ts";

/** Commands per iteration: the time per command is the time shown / 1000. */
const BATCH = 1000;
/** Distinct keys the requests cycle through. */
const KEYS = 100_000;

/**
 * One request's arguments in place for each of `KEYS` keys (value `xxx`
 * after the key with `withValue`), `BATCH` requests to a buffer, side by
 * side as a pipelined read buffer holds them.
 */
function requests(withValue: boolean): ArgvView[] {
  const out: ArgvView[] = [];
  for (let first = 0; first < KEYS; first += BATCH) {
    let text = "";
    const at: number[] = [];
    for (let i = first; i < first + BATCH; i++) {
      at.push(text.length);
      text += `key:${String(i).padStart(12, "0")}${withValue ? "xxx" : ""}`;
    }
    const bytes = new TextEncoder().encode(text);
    for (const start of at) {
      out.push({
        bytes,
        count: withValue ? 2 : 1,
        offsets: withValue
          ? new Int32Array([start, 16, start + 16, 3])
          : new Int32Array([start, 16]),
      });
    }
  }
  return out;
}

/** A table with a sketch sampling one request in `sample`, over `KEYS` keys. */
function setup(sample: number) {
  const table = new CommandTable({ hotKeys: new HotKeys({ sample }) });
  const store = new Keyspace();
  for (let i = 0; i < KEYS; i++) {
    store.set(`key:${String(i).padStart(12, "0")}`, "xxx");
  }
  const ctx = tableContext(table, store);
  return { table, ctx, out: new CountingOut() };
}

const GETS = requests(false);
const SETS = requests(true);

const VARIANTS: [label: string, sample: number][] = [
  ["sketch off", 0],
  ["sketch, 1 in 16 (default)", 16],
  ["sketch, every request", 1],
];

for (const [label, sample] of VARIANTS) {
  const { table, ctx, out } = setup(sample);
  let at = 0;
  Deno.bench({
    name: `GET x${BATCH} ${label}`,
    group: "GET",
    baseline: sample === 0,
    fn: () => {
      for (let i = 0; i < BATCH; i++) {
        table.executeView(ctx, "GET", GETS[at], out);
        at = at + 1 === KEYS ? 0 : at + 1;
      }
    },
  });
  Deno.bench({
    name: `SET x${BATCH} ${label}`,
    group: "SET",
    baseline: sample === 0,
    fn: () => {
      for (let i = 0; i < BATCH; i++) {
        table.executeView(ctx, "SET", SETS[at], out);
        at = at + 1 === KEYS ? 0 : at + 1;
      }
    },
  });
}
