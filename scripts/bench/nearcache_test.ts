/**
 * The near-cache benchmark, run short against a real node: it reports both
 * workloads with and without the near cache, a hit rate, and invalidation
 * windows. Figures are printed, never asserted against a target.
 *
 * @module
 */

import assert from "node:assert/strict";
import { NearCacheBench } from "./nearcache.ts";

Deno.test("bench nearcache: a short run reports both workloads, a hit rate and invalidation windows", async () => {
  const result = await new NearCacheBench({
    rounds: 1,
    quick: true,
    secondsPerCase: 0.5,
  }).run();
  console.log(result.markdown);
  assert.deepEqual(result.figures.map((f) => f.workload), [
    "reads only",
    "10% writes",
  ]);
  for (const f of result.figures) {
    assert.ok(f.withoutOpsPerSec > 0 && f.withOpsPerSec > 0, f.workload);
    // Zipf(0.99) over 100,000 keys with room for 10,000: most reads hit.
    assert.ok(f.hitRate > 0.3 && f.hitRate < 1, `hit rate ${f.hitRate}`);
  }
  assert.ok(result.windows.length > 0, "writes of held keys were timed");
  assert.ok(result.windows.every((w) => w >= 0));
  assert.match(result.markdown, /\| reads only +\|/);
  assert.match(result.markdown, /Invalidation window/);
});
