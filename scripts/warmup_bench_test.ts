import assert from "node:assert/strict";
import { warmUpTable } from "./warmup_bench.ts";
import { run } from "../tests/_helpers/run.ts";

Deno.test("warmUpTable: both runs' hit ratios side by side, a dash for an empty bucket", () => {
  const table = warmUpTable(
    [{ atMs: 0, hits: 8, misses: 2 }, { atMs: 250, hits: 0, misses: 0 }],
    [{ atMs: 0, hits: 10, misses: 0 }],
    250,
  );
  assert.deepEqual(table.split("\n").slice(2), [
    "| 0–250 ms | 80.0% | 100.0% |",
    "| 250–500 ms | — | — |",
  ]);
});

Deno.test("deno task warmup refuses a bad flag before it starts a node", async () => {
  const main = new URL("./warmup_bench.ts", import.meta.url).pathname;
  for (
    const [flag, value, expected] of [
      ["--keys", "abc", 'Invalid --keys "abc": expected an integer from 1 to'],
      [
        "--seconds",
        "0",
        'Invalid --seconds "0": expected an integer from 1 to',
      ],
      ["--reads", "1.5", 'Invalid --reads "1.5": expected 0 to 1'],
    ]
  ) {
    const r = await run(Deno.execPath(), ["run", "-A", main, flag, value], {
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 2, `${flag} ${value}: ${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.includes(expected), r.stderr);
  }
});
