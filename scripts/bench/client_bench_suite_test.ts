/**
 * Unit tests of the client benchmark's pieces that need no server: the
 * seeded operation sequence, the load loop (on an in-memory driver), the
 * node's binary port, ratios, targets, tables and the chart's points.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  addClientSample,
  binaryPortOf,
  clientDetailTable,
  type ClientFigures,
  clientRatioPoints,
  clientRatios,
  clientRatioTable,
  type ClientSamples,
  clientTargetMet,
  FULL_CLIENT_SIZES,
  latencyHistogram,
  mulberry32,
  opSequence,
  QUICK_CLIENT_SIZES,
  runLoad,
  valueOf,
} from "./client_bench_suite.ts";

Deno.test("client: the sizes are issue 9's (50 callers, 80% GET, 100k keys, 32 B and 1 KB)", () => {
  for (const z of [FULL_CLIENT_SIZES, QUICK_CLIENT_SIZES]) {
    assert.equal(z.callers, 50);
    assert.equal(z.getFraction, 0.8);
    assert.equal(z.keyspace, 100_000);
    assert.deepEqual(z.valueSizes, [32, 1024]);
  }
  assert.ok(QUICK_CLIENT_SIZES.operations < FULL_CLIENT_SIZES.operations);
});

Deno.test("client: the PRNG is seeded and in [0, 1)", () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const c = mulberry32(43);
  const xs = Array.from({ length: 1000 }, a);
  assert.deepEqual(xs, Array.from({ length: 1000 }, b));
  assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, c));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

Deno.test("client: the operation sequence is fixed, ~80% GET, keys in range", () => {
  const n = 100_000;
  const s = opSequence(n, 1000, 0.8, 9);
  const t = opSequence(n, 1000, 0.8, 9);
  assert.deepEqual(s.keys, t.keys);
  assert.deepEqual(s.sets, t.sets);
  assert.equal(s.keys.length, n);
  let sets = 0;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    assert.ok(s.keys[i] < 1000);
    seen.add(s.keys[i]);
    sets += s.sets[i];
  }
  assert.ok(Math.abs(sets / n - 0.2) < 0.01, String(sets / n));
  assert.equal(seen.size, 1000); // uniform: every key is used
  const other = opSequence(n, 1000, 0.8, 10);
  assert.notDeepEqual(other.keys.slice(0, 20), s.keys.slice(0, 20));
});

Deno.test("client: runLoad runs each operation of its range once, callers concurrent", async () => {
  const seq = opSequence(1000, 50, 0.8, 1);
  const store = new Map<string, string>();
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const tick = async (): Promise<void> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 0));
    inFlight--;
  };
  const driver = {
    async get(k: string) {
      calls.push(`GET ${k}`);
      await tick();
      return store.get(k) ?? null;
    },
    async set(k: string, v: string) {
      calls.push(`SET ${k}`);
      await tick();
      store.set(k, v);
      if (k === "key:0") throw new Error("boom");
      return "OK";
    },
  };
  const h = latencyHistogram();
  const r = await runLoad(driver, seq, [100, 600], 10, "vv", h);
  assert.equal(r.done, 500);
  assert.equal(h.totalCount, 500);
  assert.equal(calls.length, 500);
  assert.equal(maxInFlight, 10);
  const expected = Array.from(
    { length: 500 },
    (_, i) => `${seq.sets[100 + i] ? "SET" : "GET"} key:${seq.keys[100 + i]}`,
  );
  assert.deepEqual(calls, expected); // started in sequence order
  const failing = expected.filter((c) => c === "SET key:0").length;
  assert.equal(r.errors, failing);
  if (failing > 0) assert.equal(r.firstError, "boom");
  // A warm-up records nothing.
  const w = await runLoad(driver, seq, [0, 10], 50, "v");
  assert.equal(w.done, 10);
});

Deno.test("client: the histogram gives µs percentiles", () => {
  const h = latencyHistogram();
  for (let i = 1; i <= 1000; i++) h.recordValue(i);
  assert.equal(h.getValueAtPercentile(50), 500);
  assert.equal(h.getValueAtPercentile(99.9), 999);
});

Deno.test("client: the node's binary port is its --port", () => {
  assert.equal(
    binaryPortOf([
      "deno",
      "run",
      "-A",
      "server/main.ts",
      "--host",
      "127.0.0.1",
      "--port",
      "41234",
      "--resp-port",
      "41235",
      "",
    ]),
    41234,
  );
  assert.throws(() => binaryPortOf(["deno", "--resp-port", "1"]), /--port/);
});

function fig(ops: number, p999: number, o: Partial<ClientFigures> = {}) {
  return {
    ops,
    p50Ms: 0.5,
    p99Ms: 1,
    p999Ms: p999,
    serverCpuUs: 10,
    clientCpuUs: 20,
    connections: 1,
    ...o,
  };
}

function samples(): ClientSamples {
  const s: ClientSamples = new Map();
  for (const [ops, p] of [[10_000, 4], [12_000, 3], [11_000, 5]]) {
    addClientSample(s, 32, "ioredis", fig(ops, p));
  }
  for (const [ops, p] of [[15_000, 3], [14_000, 2], [16_000, 4]]) {
    addClientSample(s, 32, "CacheMirClient", fig(ops, p, { connections: 2 }));
  }
  addClientSample(s, 1024, "ioredis", fig(10_000, 2));
  addClientSample(s, 1024, "CacheMirClient", fig(20_000, 3));
  return s;
}

Deno.test("client: ratios are of medians; targets are ops ≥ 1.3× and p99.9 ≤ 1×", () => {
  const s = samples();
  const r = clientRatios(s.get(32)!);
  assert.equal(r.ops, 15_000 / 11_000);
  assert.equal(r.p999, 3 / 4);
  assert.equal(r.serverCpu, 1);
  assert.equal(clientTargetMet(r), "yes");
  assert.equal(
    clientTargetMet(clientRatios(s.get(1024)!)),
    "no (p99.9)",
  );
  assert.equal(
    clientTargetMet({ ...r, ops: 1.2, p999: 1.1 }),
    "no (ops/s, p99.9)",
  );
  assert.equal(
    clientTargetMet(clientRatios({ ioredis: [], CacheMirClient: [] })),
    "n/m",
  );
});

Deno.test("client: the tables hold every size and side, median (min–max)", () => {
  const s = samples();
  const summary = clientRatioTable([32, 1024, 64], s).split("\n");
  assert.equal(summary.length, 2 + 3);
  assert.match(summary[0], /ops\/s ratio .* p99\.9 ratio/);
  assert.match(summary[2], /^\| 32 \| 11,000 \| 15,000 \| 1\.36× \|/);
  assert.match(summary[2], /\| yes \|$/);
  assert.match(summary[3], /\| 2\.00× .*\| no \(p99\.9\) \|$/);
  assert.match(summary[4], /^\| 64 \| n\/m \| n\/m \| n\/m \|/);
  const detail = clientDetailTable([32, 1024], s).split("\n");
  assert.equal(detail.length, 2 + 4);
  assert.match(
    detail[2],
    /^\| 32 \| ioredis → Redis \| 11,000 \(10,000–12,000\) \| 0\.500 \| 1\.000 \| 4\.000 \(3\.000–5\.000\) \| 10\.00 \| 20\.00 \| 1 \|$/,
  );
  assert.match(
    detail[3],
    /^\| 32 \| CacheMirClient → CacheMir \| 15,000 .*\| 2 \|$/,
  );
  const points = clientRatioPoints([32, 1024], s);
  assert.equal(points.length, 3 * 2);
  assert.deepEqual(
    points.map((p) => [p.measure.split(" ")[1], p.series]),
    [
      ["ops/s", "-d 32"],
      ["ops/s", "-d 1024"],
      ["p99.9", "-d 32"],
      ["p99.9", "-d 1024"],
      ["server", "-d 32"],
      ["server", "-d 1024"],
    ],
  );
});

Deno.test("client: values have the workload's size and are not one repeated byte", () => {
  for (const size of [32, 1024]) {
    const v = valueOf(size);
    assert.equal(new TextEncoder().encode(v).length, size);
    assert.ok(new Set(v).size > 10);
    assert.equal(v, valueOf(size));
  }
});
