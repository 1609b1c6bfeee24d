/**
 * What the command table's bookkeeping (commandstats, errorstats,
 * latencystats, the slow log's check: two clock reads and a few counters
 * per command) costs on the hottest path: GET and SET of a small value
 * through {@linkcode CommandTable.executeView} (the direct forms), with the
 * counters and without them (`counting: false`), and with every run timed
 * (`timingSample: 1`, as Redis does) or one in 16 (the default). Each
 * iteration runs 1000 commands: the time per command is the time shown
 * divided by 1000; on a shared machine, compare the minimums.
 *
 * Run: `deno bench -A server/commands/table_bench.ts`
 *
 * @module
 */

import { CommandTable } from "./table.ts";
import { Keyspace } from "../store/keyspace.ts";
import { argvView, CountingOut, tableContext } from "./_testing.ts";

/** An output that only counts what it is given. */

function setup(counting: boolean, timingSample: number) {
  const table = new CommandTable({ counting, timingSample });
  const store = new Keyspace();
  store.set("key:000000000042", "xxx");
  const ctx = tableContext(table, store);
  return { table, ctx, out: new CountingOut() };
}

/** Commands per iteration: the time per command is the time shown / 1000. */
const BATCH = 1000;

const GET = argvView("key:000000000042");
const SET = argvView("key:000000000042", "xxx");

const VARIANTS: [label: string, counting: boolean, timingSample: number][] = [
  ["without stats", false, 1],
  ["with stats (1 run in 16 timed)", true, 16],
  ["with stats (every run timed)", true, 1],
];

for (const [label, counting, timingSample] of VARIANTS) {
  const { table, ctx, out } = setup(counting, timingSample);
  Deno.bench({
    name: `table GET x${BATCH} ${label}`,
    group: "GET",
    baseline: !counting,
    fn: () => {
      for (let i = 0; i < BATCH; i++) table.executeView(ctx, "GET", GET, out);
    },
  });
  Deno.bench({
    name: `table SET x${BATCH} ${label}`,
    group: "SET",
    baseline: !counting,
    fn: () => {
      for (let i = 0; i < BATCH; i++) table.executeView(ctx, "SET", SET, out);
    },
  });
}
