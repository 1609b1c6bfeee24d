import assert from "node:assert/strict";
import { HttpEndpoints } from "../http_endpoints.ts";
import {
  busiestLatency,
  type DashboardSnapshot,
  InfoSampler,
  keysOf,
  summarize,
} from "./page.ts";

Deno.test("InfoSampler: a node's numbers from INFO, hit ratio over the last interval", () => {
  const sampler = new InfoSampler();
  const info = (hits: number, misses: number) => ({
    stats: {
      instantaneous_ops_per_sec: "1200",
      keyspace_hits: String(hits),
      keyspace_misses: String(misses),
      evicted_keys: "7",
    },
    memory: { used_memory: "1048576", maxmemory: "4194304" },
    clients: { connected_clients: "3" },
    keyspace: { db0: "keys=10,expires=2,avg_ttl=0", db1: "keys=5,expires=0" },
    hotkeys: { hotkey_0: "key=a,count=9" },
  });
  const first = sampler.sample("h:1", info(30, 10), "", 0.25);
  assert.deepEqual(
    [first.up, first.opsPerSec, first.hitRatio, first.keys, first.ringShare],
    [true, 1200, 0.75, 15, 0.25],
  );
  assert.deepEqual(
    [first.usedMemory, first.maxMemory, first.connections, first.evictions],
    [1048576, 4194304, 3, 7],
  );
  assert.deepEqual(first.hotKeys, [["hotkey_0", "key=a,count=9"]]);
  assert.equal(first.latency, null);
  // 10 more lookups, 1 hit: 10 %.
  assert.equal(sampler.sample("h:1", info(31, 19)).hitRatio, 0.1);
  // No lookups since: no ratio.
  assert.equal(sampler.sample("h:1", info(31, 19)).hitRatio, null);
  const down = sampler.sample("h:1", undefined, "connection refused");
  assert.deepEqual([down.up, down.error, down.keys], [
    false,
    "connection refused",
    null,
  ]);
  // Without a hotkeys section (an older node): null, shown as a dash.
  assert.equal(sampler.sample("h:2", { stats: {} }).hotKeys, null);
});

Deno.test("keysOf and busiestLatency read INFO keyspace, commandstats and latencystats", () => {
  assert.equal(keysOf({}), null);
  assert.equal(keysOf({ keyspace: {} }), 0);
  assert.equal(busiestLatency({}), null);
  assert.equal(
    busiestLatency({ commandstats: { cmdstat_get: "calls=3,usec=1" } }),
    null,
  );
});

Deno.test("summarize: totals over the nodes that are up", () => {
  const s = new InfoSampler();
  const snap = summarize("cluster", [
    s.sample("a:1", {
      stats: {
        instantaneous_ops_per_sec: "10",
        keyspace_hits: "3",
        keyspace_misses: "1",
      },
      keyspace: { db0: "keys=4,expires=0" },
    }),
    s.sample("b:1", {
      stats: {
        instantaneous_ops_per_sec: "30",
        keyspace_hits: "1",
        keyspace_misses: "3",
      },
      keyspace: { db0: "keys=6,expires=0" },
    }),
    s.sample("c:1", undefined, "timeout"),
  ], 5);
  assert.deepEqual(
    [snap.time, snap.up, snap.down, snap.opsPerSec, snap.hitRatio, snap.keys],
    [5, 2, 1, 40, 0.5, 10],
  );
});

Deno.test("a node's HTTP port serves the dashboard at / with its own data", async () => {
  let password = "";
  const http = new HttpEndpoints({
    hostname: "127.0.0.1",
    port: 0,
    info: () =>
      "# Server\r\ncachemir_binary_port:7379\r\n# Stats\r\ninstantaneous_ops_per_sec:42\r\n" +
      "keyspace_hits:1\r\nkeyspace_misses:1\r\n# Keyspace\r\ndb0:keys=9,expires=0\r\n",
    phase: () => "serving",
    password: () => password,
  });
  const base = `http://127.0.0.1:${http.port}`;
  try {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await page.text(), /<script src="dashboard\/uplot\.js">/);
    for (const asset of ["app.js", "uplot.js", "uplot.css"]) {
      const res = await fetch(`${base}/dashboard/${asset}`);
      assert.equal(res.status, 200, asset);
      assert.ok((await res.text()).length > 100, asset);
    }
    const data: DashboardSnapshot =
      await (await fetch(`${base}/dashboard/data`))
        .json();
    assert.equal(data.scope, "node");
    assert.equal(data.nodes.length, 1);
    assert.equal(data.nodes[0].address, "127.0.0.1:7379");
    assert.deepEqual([data.opsPerSec, data.keys, data.hitRatio], [42, 9, 0.5]);
    password = "s3cret";
    const refused = await fetch(`${base}/dashboard/data`);
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
    const allowed = await fetch(`${base}/`, {
      headers: { authorization: `Bearer ${password}` },
    });
    assert.equal(allowed.status, 200);
    await allowed.body?.cancel();
  } finally {
    await http.close();
  }
});
