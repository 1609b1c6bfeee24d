import assert from "node:assert/strict";
import { warmUpTable } from "./warmup_bench.ts";

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
