/**
 * Unit tests of the memory benchmark's pieces on small inputs (no server,
 * no long run): the Zipf sampler, redis-benchmark's CSV, the /proc readers,
 * INFO, request templates, the RESP reply parser and the report helpers.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spreadStep, zipfKeys, zipfRank, zipfTable } from "./zipf.ts";
import { parseBenchmarkCsv } from "./redis_benchmark.ts";
import {
  parseCpuSeconds,
  parseMeminfo,
  parseRss,
  procCpuSeconds,
  procRss,
} from "./sys.ts";
import { parseInfo, RespConn, RespError } from "./resp.ts";
import {
  d,
  KEY,
  keyOf,
  template,
  VALUE,
  valueOf,
  writeRequest,
} from "./load.ts";
import { cell, count, markdownTable, ratio, summarize } from "./stats.ts";
import { parseNodeHelp } from "./procs.ts";
import { parseSuiteArgs } from "./main.ts";

Deno.test("zipf: the distribution is Zipf's and the sampler replays", () => {
  const t = zipfTable(1000, 0.99);
  assert.equal(t.cdf[999], 1);
  for (let i = 1; i < 1000; i++) assert.ok(t.cdf[i] > t.cdf[i - 1]);
  // P(rank 0) / P(rank 1) = 2^0.99.
  const p0 = t.cdf[0];
  const p1 = t.cdf[1] - t.cdf[0];
  assert.ok(Math.abs(p0 / p1 - Math.pow(2, 0.99)) < 1e-9);
  assert.equal(zipfRank(t, 0), 0);
  assert.equal(zipfRank(t, p0), 0);
  assert.equal(zipfRank(t, p0 + 1e-12), 1);
  assert.equal(zipfRank(t, 0.999999999999), 999);

  const a = zipfKeys(t, 7);
  const b = zipfKeys(t, 7);
  const counts = new Map<number, number>();
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const k = a();
    assert.equal(k, b());
    assert.ok(k >= 0 && k < 1000 && Number.isInteger(k));
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  // The hottest key is drawn about p0 of the time (±5 standard deviations).
  const hottest = Math.max(...counts.values());
  const sd = Math.sqrt(n * p0 * (1 - p0));
  assert.ok(Math.abs(hottest - n * p0) < 5 * sd, `${hottest} vs ${n * p0}`);
  assert.ok(counts.size > 900, `only ${counts.size} distinct keys`);
});

Deno.test("zipf: ranks map to distinct keys", () => {
  for (const n of [1, 1000, 1024, 5_000, 65_536]) {
    const step = spreadStep(n);
    const seen = new Set<number>();
    for (let r = 0; r < n; r++) seen.add((r * step) % n);
    assert.equal(seen.size, n);
  }
});

Deno.test("redis-benchmark --csv output is parsed", () => {
  const out = [
    '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
    '"GET","131061.59","0.203","0.048","0.191","0.287","0.399","2.175"',
    "",
  ].join("\n");
  const rows = parseBenchmarkCsv(out);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0], {
    test: "GET",
    rps: 131061.59,
    avgMs: 0.203,
    p50Ms: 0.191,
    p99Ms: 0.399,
    maxMs: 2.175,
  });
  assert.throws(() => parseBenchmarkCsv("GET: 1000 requests per second"));
});

Deno.test("/proc readers", () => {
  assert.equal(parseRss("Name:\tx\nVmRSS:\t  2048 kB\n"), 2048 * 1024);
  assert.throws(() => parseRss("Name: x\n"));
  const stat =
    "123 (a (weird) name) S 1 123 123 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 1 0 5 0 0";
  assert.equal(parseCpuSeconds(stat), 3);
  assert.equal(
    parseMeminfo("MemTotal: 100 kB\nMemAvailable:   64 kB\n", "MemAvailable"),
    64 * 1024,
  );
  assert.ok(procRss(Deno.pid) > 1024 * 1024);
  assert.ok(procCpuSeconds(Deno.pid) >= 0);
});

Deno.test("INFO is parsed", () => {
  const m = parseInfo(
    "# Memory\r\nused_memory:1000\r\nused_memory_human:1K\r\n\r\n# Stats\r\nevicted_keys:3\r\n",
  );
  assert.equal(m.get("used_memory"), "1000");
  assert.equal(m.get("evicted_keys"), "3");
  assert.equal(m.size, 3);
});

Deno.test("request templates write keys and values of the right sizes", () => {
  const t = template(["SET", KEY, VALUE, "EX", "3"]);
  const out = new Uint8Array(t.bytes.length);
  writeRequest(t, 42, out, 0);
  const text = new TextDecoder().decode(out);
  assert.equal(keyOf(42).length, 16);
  assert.equal(valueOf(42).length, 32);
  assert.equal(
    text,
    `*5\r\n$3\r\nSET\r\n$16\r\n${keyOf(42)}\r\n$32\r\n${
      valueOf(42)
    }\r\n$2\r\nEX\r\n$1\r\n3\r\n`,
  );
  const h = template(["HSET", ["h:", d(3, (i) => i * 2)]]);
  const hb = new Uint8Array(h.bytes.length);
  writeRequest(h, 7, hb, 0);
  assert.equal(
    new TextDecoder().decode(hb),
    "*2\r\n$4\r\nHSET\r\n$5\r\nh:014\r\n",
  );
});

Deno.test("RESP replies are parsed across arbitrary splits", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const replies = new TextEncoder().encode(
    "$3\r\nabc\r\n$-1\r\n+OK\r\n-ERR x\r\n:5\r\n*2\r\n$1\r\na\r\n:1\r\n" +
      "$3\r\nxyz\r\n$-1\r\n+OK\r\n-OOM no\r\n",
  );
  const serve = (async () => {
    const c = await listener.accept();
    const buf = new Uint8Array(4096);
    await c.read(buf); // the requests; answers do not depend on them
    for (let i = 0; i < replies.length; i += 3) {
      await c.write(replies.subarray(i, i + 3));
      await new Promise((r) => setTimeout(r, 1));
    }
    await c.read(buf).catch(() => null);
    c.close();
  })();
  const conn = await RespConn.connect(port);
  try {
    const r = await conn.pipeline([["A"], ["B"], ["C"], ["D"], ["E"], ["F"]]);
    assert.deepEqual(r.slice(0, 3), ["abc", null, "OK"]);
    assert.ok(r[3] instanceof RespError && r[3].message === "ERR x");
    assert.deepEqual(r.slice(4), [5, ["a", 1]]);
    const c = await conn.countReplies(4);
    assert.equal(c.bulk, 1);
    assert.equal(c.nil, 1);
    assert.equal(c.status, 1);
    assert.equal(c.errors, 1);
    assert.equal(c.firstError, "OOM no");
    assert.deepEqual([...c.present], [1, 0, 0, 0]);
  } finally {
    conn.close();
    await serve;
    listener.close();
  }
});

Deno.test("report helpers", () => {
  assert.deepEqual(summarize([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
  assert.equal(summarize([NaN]), undefined);
  assert.equal(cell([152.04, 150, 160], 1, " B"), "152.0 B (150.0–160.0)");
  assert.equal(cell([]), "n/m");
  assert.equal(ratio([90], [100]), "0.90×");
  assert.equal(count(10_000_000), "10M");
  assert.equal(count(200_000), "200k");
  assert.equal(
    markdownTable(["a", ">b"], [["x", "1"]]),
    "| a | b |\n| --- | --: |\n| x | 1 |",
  );
});

Deno.test("node --help and suite flags", () => {
  const f = parseNodeHelp(
    "  --maxmemory <bytes|kb|mb|gb>  limit\n  --maxmemory-policy <p>  policy\n",
  );
  assert.equal(f.maxmemory, true);
  assert.equal(f.maxmemoryPolicy, true);
  const g = parseNodeHelp("  --maxmemory-policy <p>\n  --port <n>\n");
  assert.equal(g.maxmemory, false);
  const a = parseSuiteArgs(["memory", "--quick", "--only", "1,4"]);
  assert.deepEqual(a.names, ["memory"]);
  assert.equal(a.options.rounds, 1);
  assert.deepEqual([...a.options.only], [1, 4]);
  assert.equal(parseSuiteArgs(["memory"]).options.rounds, 3);
  assert.throws(() => parseSuiteArgs(["nope"]));
  assert.throws(() => parseSuiteArgs(["memory", "--rounds", "0"]));
});
