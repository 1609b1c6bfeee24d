import assert from "node:assert/strict";
import { LatencyWindow } from "./_latency.ts";

Deno.test("LatencyWindow.percentiles() uses the nearest rank", () => {
  const w = new LatencyWindow(1000);
  assert.deepEqual(w.percentiles([50, 99]), [NaN, NaN]);
  for (let i = 100; i >= 1; i--) w.record(i); // 1..100 in reverse
  assert.equal(w.count, 100);
  assert.deepEqual(w.percentiles([50, 99, 100, 1]), [50, 99, 100, 1]);
});

Deno.test("LatencyWindow keeps only the last samples", () => {
  const w = new LatencyWindow(4);
  for (const ms of [1000, 1000, 1000, 1, 2, 3, 4]) w.record(ms);
  assert.equal(w.count, 4);
  assert.deepEqual(w.percentiles([50, 100]), [2, 4]);
});
