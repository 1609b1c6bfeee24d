/**
 * Unit tests of the binary benchmark's pieces that need no server: the
 * workloads, binary_load's settings, the ratio, the tables and the chart's
 * points.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  addBinarySample,
  binaryDetailTable,
  type BinaryFigures,
  binaryRatioPoints,
  type BinarySamples,
  binaryTable,
  binaryWorkloads,
  cpuRatio,
  FULL_BINARY_SIZES,
  loadOptions,
  QUICK_BINARY_SIZES,
} from "./binary_bench_suite.ts";

const fig = (cpuUs: number, rps = 1000): BinaryFigures => ({
  rps,
  p50Ms: 0.5,
  p99Ms: 2,
  cpuUs,
  errors: 0,
});

Deno.test("binary: workloads are SET then GET at every size and depth", () => {
  const w = binaryWorkloads(FULL_BINARY_SIZES);
  assert.equal(w.length, 2 * 2 * 2);
  assert.deepEqual(w.slice(0, 2).map((x) => x.test), ["set", "get"]);
  assert.deepEqual(
    w.map((x) => `${x.size}/${x.pipeline}/${x.requests}`).filter((_, i) =>
      i % 2 === 0
    ),
    ["32/1/200000", "32/16/1000000", "1024/1/200000", "1024/16/1000000"],
  );
  const q = binaryWorkloads(QUICK_BINARY_SIZES);
  assert.ok(q.every((x, i) => x.requests < w[i].requests));
  assert.throws(
    () => binaryWorkloads({ ...FULL_BINARY_SIZES, pipelines: [4] }),
    /-P 4/,
  );
  assert.deepEqual(loadOptions(w[1], FULL_BINARY_SIZES, [7379]), {
    ports: [7379],
    test: "get",
    size: 32,
    pipeline: 1,
    clients: 50,
    requests: 200_000,
    keyspace: 100_000,
  });
});

Deno.test("binary: CPU ratio, tables and chart points", () => {
  const z = { ...FULL_BINARY_SIZES, sizes: [32], pipelines: [16] };
  const w = binaryWorkloads(z);
  const samples: BinarySamples = new Map();
  for (const c of [1.0, 1.2, 1.1]) {
    addBinarySample(samples, w[0], "Redis", fig(c));
  }
  for (const c of [0.9, 1.0, 2.0]) {
    addBinarySample(samples, w[0], "CacheMir", fig(c, 2000));
  }
  addBinarySample(samples, w[1], "Redis", fig(2));
  addBinarySample(samples, w[1], "CacheMir", fig(3));
  const s = samples.get("set -d 32 -P 16")!;
  assert.equal(cpuRatio(s).toFixed(3), (1.0 / 1.1).toFixed(3));
  assert.ok(Number.isNaN(cpuRatio({ Redis: [], CacheMir: [fig(1)] })));
  const table = binaryTable(w, samples).split("\n");
  assert.equal(table.length, 4);
  assert.match(
    table[0],
    /node CPU µs\/req \(binary\) \| Redis CPU µs\/req \(RESP\)/,
  );
  assert.equal(
    table[2],
    "| SET | 32 | 16 | 1.00 (0.90–2.00) | 1.10 (1.00–1.20) | 0.91× | ≤ 1.0× | yes | 2,000 | 1,000 |",
  );
  assert.match(
    table[3],
    /^\| GET \| 32 \| 16 \| 3\.00 \| 2\.00 \| 1\.50× \| ≤ 1\.0× \| no \|/,
  );
  const detail = binaryDetailTable(w, samples).split("\n");
  assert.equal(detail.length, 2 + 4);
  assert.match(detail[3], /node \(binary_load\) \| 0\.500 \| 2\.000 \| 0 \|$/);
  const points = binaryRatioPoints(w, samples);
  assert.equal(points.length, 2);
  assert.equal(points[1].test, "GET");
  assert.equal(points[1].series, "-P 16 · -d 32");
  assert.equal(points[1].ratio, 1.5);
});
