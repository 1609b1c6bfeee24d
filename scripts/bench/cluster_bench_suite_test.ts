/**
 * Unit tests of the cluster benchmark's pieces that need no server: the
 * workloads and the table.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type ClusterFigures,
  clusterKey,
  type ClusterSamples,
  clusterTable,
  clusterWorkloads,
  FULL_CLUSTER_SIZES,
  QUICK_CLUSTER_SIZES,
  totalUs,
} from "./cluster_bench_suite.ts";

const fig = (perNodeUs: number[], rps = 1000): ClusterFigures => ({
  rps,
  p99Ms: 1,
  perNodeUs,
  errors: 0,
});

Deno.test("cluster: SET then GET of 32 B values at -P 1 and 16", () => {
  const w = clusterWorkloads(FULL_CLUSTER_SIZES);
  assert.deepEqual(
    w.map((x) => `${x.test} ${x.size} ${x.pipeline} ${x.requests}`),
    [
      "set 32 1 200000",
      "get 32 1 200000",
      "set 32 16 1000000",
      "get 32 16 1000000",
    ],
  );
  const q = clusterWorkloads(QUICK_CLUSTER_SIZES);
  assert.ok(q.every((x, i) => x.requests < w[i].requests));
  assert.deepEqual(FULL_CLUSTER_SIZES.nodeCounts, [1, 2]);
});

Deno.test("cluster: totals, per-node split and the ratio to 1 node", () => {
  const z = { ...FULL_CLUSTER_SIZES, pipelines: [16], tests: ["get"] };
  const [w] = clusterWorkloads(z);
  const samples: ClusterSamples = new Map([
    [clusterKey(1, w), [fig([2]), fig([2.2]), fig([1.8])]],
    [clusterKey(2, w), [fig([1, 1.2], 1500), fig([1.1, 1.1], 1700)]],
  ]);
  assert.ok(Math.abs(totalUs(fig([1, 1.2])) - 2.2) < 1e-9);
  const lines = clusterTable(z, samples).split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0], /per node µs\/req \| vs 1 node \|/);
  assert.equal(
    lines[2],
    "| GET | 16 | 1 | 1,000 | 2.00 (1.80–2.20) | 2.00 (1.80–2.20) | 1.00× | 1.000 | 0 |",
  );
  assert.equal(
    lines[3],
    "| GET | 16 | 2 | 1,600 (1,500–1,700) | 2.20 | 1.05 (1.00–1.10) + 1.15 (1.10–1.20) | 1.10× | 1.000 | 0 |",
  );
});
