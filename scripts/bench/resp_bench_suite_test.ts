/**
 * Unit tests of the resp benchmark's pieces that need no server: the
 * workloads, redis-benchmark's flags, targets, ratios, tables and the
 * chart's points.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  addSample,
  benchmarkArgs,
  detailTable,
  FULL_RESP_SIZES,
  gcTarget,
  gcTargetCell,
  QUICK_RESP_SIZES,
  ratioTable,
  RESP_TESTS,
  respRatioPoints,
  type RespSamples,
  respTarget,
  respWorkloads,
  type RunFigures,
  targetMet,
  testTitle,
  workloadRatios,
} from "./resp_bench_suite.ts";

Deno.test("resp: workloads cover every test, size and depth; LPUSH before RPOP", () => {
  const w = respWorkloads(FULL_RESP_SIZES);
  assert.equal(w.length, 8 * 2 * 2);
  assert.deepEqual(RESP_TESTS, [
    "set",
    "get",
    "incr",
    "lpush",
    "rpop",
    "sadd",
    "hset",
    "mset",
  ]);
  for (const size of [32, 1024]) {
    for (const pipeline of [1, 16]) {
      const group = w.filter((x) => x.size === size && x.pipeline === pipeline);
      assert.deepEqual(group.map((x) => x.test), RESP_TESTS);
      const n = FULL_RESP_SIZES.requests[pipeline];
      for (const x of group) {
        assert.equal(x.requests, x.test === "mset" ? n / 4 : n);
      }
    }
  }
  const quick = respWorkloads(QUICK_RESP_SIZES);
  assert.equal(quick.length, w.length);
  assert.ok(quick.every((q, i) => q.requests < w[i].requests));
  assert.throws(
    () => respWorkloads({ ...FULL_RESP_SIZES, pipelines: [4] }),
    /-P 4/,
  );
});

Deno.test("resp: redis-benchmark gets one test per run and -r 100000", () => {
  const args = benchmarkArgs(
    { test: "hset", size: 1024, pipeline: 16, requests: 1000 },
    FULL_RESP_SIZES,
  );
  assert.deepEqual(args, [
    "-t",
    "hset",
    "-r",
    "100000",
    "-d",
    "1024",
    "-P",
    "16",
    "-c",
    "50",
    "-n",
    "1000",
  ]);
});

Deno.test("resp: targets by depth, and whether they are met", () => {
  assert.deepEqual(respTarget(1), { minOps: 1.0, maxP99: 1.5 });
  assert.deepEqual(respTarget(16), { minOps: 0.7, maxP99: 2 });
  const r = (ops: number, p99: number) => ({ ops, p99, p50: 1, cpu: 1 });
  assert.equal(targetMet(r(1.0, 1.5), 1), "yes");
  assert.equal(targetMet(r(0.99, 1.5), 1), "no (ops/s)");
  assert.equal(targetMet(r(0.7, 2.1), 16), "no (p99)");
  assert.equal(targetMet(r(0.5, 3), 16), "no (ops/s, p99)");
  assert.equal(targetMet(r(NaN, 1), 16), "n/m");
  assert.equal(testTitle("mset"), "MSET (10 keys)");
  assert.equal(testTitle("lpush"), "LPUSH");
});

function fig(rps: number, p99Ms: number, cpuUs: number): RunFigures {
  return { rps, p50Ms: p99Ms / 2, p99Ms, cpuUs };
}

function samples(): RespSamples {
  const s: RespSamples = new Map();
  const w = { test: "get", size: 32, pipeline: 1, requests: 100 };
  for (const [redis, node] of [[100, 90], [120, 60], [110, 99]]) {
    addSample(s, w, "Redis", fig(redis, 1, 10));
    addSample(s, w, "CacheMir", fig(node, 1.2, 15));
  }
  return s;
}

Deno.test("resp: ratios are of the medians", () => {
  const r = workloadRatios(samples().get("get -d 32 -P 1")!);
  assert.ok(Math.abs(r.ops - 90 / 110) < 1e-12);
  assert.ok(Math.abs(r.p99 - 1.2) < 1e-12);
  assert.ok(Math.abs(r.cpu - 1.5) < 1e-12);
  const none = workloadRatios({ Redis: [], CacheMir: [fig(1, 1, 1)] });
  assert.ok(Number.isNaN(none.ops));
});

Deno.test("resp: tables and chart points", () => {
  const w = [
    { test: "get", size: 32, pipeline: 1, requests: 100 },
    { test: "set", size: 1024, pipeline: 16, requests: 1000 },
  ];
  const s = samples();
  const table = ratioTable(w, s).split("\n");
  assert.equal(table.length, 4);
  assert.match(table[0], /^\| test \| -d \| -P \| Redis ops\/s \|/);
  assert.equal(
    table[2],
    "| GET | 32 | 1 | 110 | 90 | 0.82× | 1.20× | 1.50× | ops/s ≥ 1.0×, p99 ≤ 1.5× | no (ops/s) | n/m | n/m |  |",
  );
  assert.equal(
    table[3],
    "| SET | 1024 | 16 | n/m | n/m | n/m | n/m | n/m | ops/s ≥ 0.7×, p99 ≤ 2.0× | n/m | n/m | n/m | ≤ 1: n/m |",
  );
  const detail = detailTable(w, s).split("\n");
  assert.equal(detail.length, 2 + 4);
  assert.equal(
    detail[2],
    "| GET | 32 | 1 | 100 | Redis | 110 (100–120) | 0.500 | 1.000 | 10.00 | – | – |",
  );
  assert.equal(
    detail[3],
    "| GET | 32 | 1 | 100 | CacheMir | 90 (60–99) | 0.600 | 1.200 | 15.00 | n/m | n/m |",
  );
  const points = respRatioPoints(w, s);
  assert.equal(points.length, 4);
  assert.deepEqual(points[0], {
    measure: "resp: ops/s (higher is better)",
    test: "GET",
    series: "-P 1 · -d 32",
    ratio: 90 / 110,
  });
  assert.equal(points[3].series, "-P 16 · -d 1024");
  assert.ok(Number.isNaN(points[3].ratio));
});

Deno.test("resp: scavenges per 1M requests, the ≤ 1 target at -P 16 GET/SET", () => {
  const get16 = { test: "get", size: 32, pipeline: 16, requests: 1_000_000 };
  const set16 = { ...get16, test: "set" };
  assert.equal(gcTarget(get16), 1);
  assert.equal(gcTarget(set16), 1);
  assert.equal(gcTarget({ ...get16, pipeline: 1 }), undefined);
  assert.equal(gcTarget({ ...get16, test: "incr" }), undefined);
  const gc = (scavengesPerM: number, fullGcsPerM: number): RunFigures => ({
    ...fig(100, 1, 1),
    scavengesPerM,
    fullGcsPerM,
  });
  assert.equal(gcTargetCell(get16, [gc(0, 0), gc(1, 0), gc(3, 0)]), "≤ 1: yes");
  assert.equal(gcTargetCell(get16, [gc(2, 0), gc(1.5, 0)]), "≤ 1: no");
  assert.equal(gcTargetCell(get16, [fig(1, 1, 1)]), "≤ 1: n/m");
  assert.equal(gcTargetCell({ ...get16, pipeline: 1 }, [gc(0, 0)]), "");
  const s: RespSamples = new Map();
  for (const [sc, full] of [[12, 0], [10, 1], [30, 0]]) {
    addSample(s, get16, "Redis", fig(200, 1, 1));
    addSample(s, get16, "CacheMir", gc(sc, full));
  }
  const row = ratioTable([get16], s).split("\n")[2];
  assert.match(
    row,
    /\| 12\.0 \(10\.0–30\.0\) \| 0\.0 \(0\.0–1\.0\) \| ≤ 1: no \|$/,
  );
  const detail = detailTable([get16], s).split("\n");
  assert.match(detail[2], /\| Redis \|.*\| – \| – \|$/);
  assert.match(
    detail[3],
    /\| CacheMir \|.*\| 12\.0 \(10\.0–30\.0\) \| 0\.0 \(0\.0–1\.0\) \|$/,
  );
});
