// The client's near cache against real nodes (in this process, over TCP):
// another client's writes, expiry, eviction, FLUSHALL, a killed node and a
// remap each reach it; the test awaits pending invalidations with
// nearCacheSettled() instead of sleeping.
import assert from "node:assert/strict";
import { CacheMirClient } from "../client/mod.ts";
import { ClientConnection } from "../client/connection.ts";
import { cacheKey } from "../client/_near.ts";
import { commandInfo, toByteString } from "@cachemir/protocol";
import { CacheNode } from "../server/node.ts";
import type { NodeConfig } from "../server/config.ts";

async function startNode(config: Partial<NodeConfig> = {}): Promise<CacheNode> {
  const node = new CacheNode({
    host: "127.0.0.1",
    port: 0,
    maxmemory: 0,
    ...config,
  });
  await node.start();
  return node;
}

const address = (n: CacheNode): string => `127.0.0.1:${n.port}`;

/** Polls `check` (bounded: it gives up after `tries`), awaiting invalidations between tries. */
async function eventually(
  client: CacheMirClient,
  check: () => Promise<boolean>,
  what: string,
  tries = 200,
): Promise<void> {
  for (let i = 0; i < tries; i++) {
    await client.nearCacheSettled();
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`never happened: ${what}`);
}

Deno.test("near cache: another client's writes, read after awaiting invalidations, over thousands of writes", async () => {
  const nodes = [await startNode(), await startNode()];
  const reader = new CacheMirClient({
    nodes: nodes.map(address),
    nearCache: { maxEntries: 1000 },
  });
  const writer = new CacheMirClient({ nodes: nodes.map(address) });
  try {
    const keys = Array.from({ length: 20 }, (_, i) => `nc:loop:${i}`);
    const latest = new Map<string, number>();
    const hashLatest: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) {
      const key = keys[i % keys.length];
      await writer.set(key, String(i));
      latest.set(key, i);
      await reader.nearCacheSettled();
      // Read the key just written and a few others: each must be the last write.
      for (const k of [key, keys[(i * 7) % keys.length]]) {
        const want = latest.get(k);
        const got = await reader.get(k);
        assert.equal(
          got,
          want === undefined ? null : String(want),
          `${k} at ${i}`,
        );
      }
      // The same through a hash, field by field and whole.
      if (i % 3 === 0) {
        const field = `f${i % 5}`;
        await writer.hset("nc:loop:hash", { [field]: String(i) });
        hashLatest[field] = String(i);
        await reader.nearCacheSettled();
        assert.equal(await reader.hget("nc:loop:hash", field), String(i));
        if (i % 2 === 0) {
          assert.deepEqual(await reader.hgetall("nc:loop:hash"), hashLatest);
        }
        const other = `f${(i * 7) % 5}`;
        assert.equal(
          await reader.hget("nc:loop:hash", other),
          hashLatest[other] ?? null,
        );
      }
    }
    const values = await reader.mget(keys);
    assert.deepEqual(values, keys.map((k) => String(latest.get(k))));
    const totals = reader.nearCacheStats()!;
    assert.ok(totals.hits > 0, "some reads were near-cache hits");
    assert.ok(totals.invalidations > 0, "invalidations arrived");
    const perNode = reader.stats().map((s) => s.nearCache!);
    assert.equal(perNode.reduce((n, s) => n + s.hits, 0), totals.hits);
  } finally {
    await reader.close();
    await writer.close();
    for (const n of nodes) await n.close();
  }
});

Deno.test("near cache: a client never reads a value older than one it has read", async () => {
  const node = await startNode();
  const reader = new CacheMirClient({
    nodes: address(node),
    nearCache: {},
    maxConnections: 4,
  });
  const writer = new CacheMirClient({ nodes: address(node) });
  try {
    const key = "nc:monotonic";
    await writer.set(key, "0");
    let stop = false;
    const writes = (async () => {
      for (let i = 1; i <= 2000; i++) await writer.set(key, String(i));
      stop = true;
    })();
    // Many readers at once, over several connections, never settling.
    let seen = 0;
    let reads = 0;
    const readers = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const v = Number(await reader.get(key));
        assert.ok(v >= seen, `read ${v} after having read ${seen}`);
        seen = v;
        reads++;
        // A hit resolves without I/O: let the writes (and pushes) through.
        if (reads % 4 === 0) await new Promise((r) => setTimeout(r, 0));
      }
    });
    await Promise.all([writes, ...readers]);
    await reader.nearCacheSettled();
    assert.equal(await reader.get(key), "2000");
    assert.ok(reads > 0);
  } finally {
    await reader.close();
    await writer.close();
    await node.close();
  }
});

Deno.test("near cache: read-your-writes, MGET and Buffer forms", async () => {
  const node = await startNode();
  const client = new CacheMirClient({ nodes: address(node), nearCache: {} });
  try {
    assert.equal(await client.get("nc:ryw"), null);
    assert.equal(await client.get("nc:ryw"), null); // a cached miss
    await client.set("nc:ryw", "1");
    assert.equal(await client.get("nc:ryw"), "1"); // no settling needed
    await client.append("nc:ryw", "2");
    assert.equal(await client.get("nc:ryw"), "12");
    await client.del("nc:ryw");
    assert.equal(await client.get("nc:ryw"), null);
    await client.mset({ "nc:a": "x", "nc:b": "y" });
    assert.deepEqual(await client.mget("nc:a", "nc:b", "nc:c"), [
      "x",
      "y",
      null,
    ]);
    assert.deepEqual(await client.mget("nc:a", "nc:b", "nc:c"), [
      "x",
      "y",
      null,
    ]);
    const buf = await client.getBuffer("nc:a");
    assert.deepEqual(buf, new TextEncoder().encode("x"));
    buf![0] = 0; // the caller's copy
    assert.equal(await client.get("nc:a"), "x");
    await client.set("nc:é", "ü");
    assert.equal(await client.get("nc:é"), "ü");
    assert.equal(await client.get("nc:é"), "ü");
    const s = client.nearCacheStats()!;
    assert.ok(s.hits >= 5, `hits ${s.hits}`);
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("near cache: HGET and HGETALL are cached and invalidated by another client's writes; types stay Redis's", async () => {
  const node = await startNode();
  const reader = new CacheMirClient({ nodes: address(node), nearCache: {} });
  const writer = new CacheMirClient({ nodes: address(node) });
  try {
    await writer.hset("nc:h", { name: "Ada", born: "1815" });
    assert.equal(await reader.hget("nc:h", "name"), "Ada");
    assert.equal(await reader.hget("nc:h", "nope"), null);
    let s = reader.nearCacheStats()!;
    assert.equal(await reader.hget("nc:h", "name"), "Ada");
    assert.equal(await reader.hget("nc:h", "nope"), null);
    assert.equal(reader.nearCacheStats()!.hits, s.hits + 2);
    const all = await reader.hgetall("nc:h");
    assert.deepEqual(all, { name: "Ada", born: "1815" });
    all.name = "changed by the caller";
    s = reader.nearCacheStats()!;
    assert.deepEqual(await reader.hgetall("nc:h"), {
      name: "Ada",
      born: "1815",
    });
    assert.equal(await reader.hget("nc:h", "born"), "1815"); // from the whole hash
    assert.equal(reader.nearCacheStats()!.hits, s.hits + 2);
    // Another client's write reaches it.
    await writer.hset("nc:h", { name: "Grace" });
    await reader.nearCacheSettled();
    assert.equal(await reader.hget("nc:h", "name"), "Grace");
    await writer.hdel("nc:h", "born");
    await reader.nearCacheSettled();
    assert.deepEqual(await reader.hgetall("nc:h"), { name: "Grace" });
    // Its own writes at once.
    await reader.hset("nc:h", { name: "Barbara" });
    assert.equal(await reader.hget("nc:h", "name"), "Barbara");
    // A missing key is an empty hash; GET of a hash still fails, and MGET
    // (nil for a hash) does not make it a missing string.
    assert.deepEqual(await reader.hgetall("nc:none"), {});
    assert.equal(await reader.hget("nc:none", "f"), null);
    assert.deepEqual(await reader.mget("nc:h"), [null]);
    await assert.rejects(reader.get("nc:h"), /WRONGTYPE/);
    await assert.rejects(reader.get("nc:h"), /WRONGTYPE/);
    await writer.set("nc:s", "v");
    assert.equal(await reader.get("nc:s"), "v");
    await assert.rejects(reader.hget("nc:s", "f"), /WRONGTYPE/);
    await assert.rejects(reader.hgetall("nc:s"), /WRONGTYPE/);
    assert.equal(await reader.get("nc:s"), "v");
  } finally {
    await reader.close();
    await writer.close();
    await node.close();
  }
});

Deno.test("near cache: expiry, eviction and FLUSHALL on the node each invalidate", async (t) => {
  const node = await startNode({
    maxmemory: 4 * 1024 * 1024,
    maxmemoryPolicy: "allkeys-lru",
  });
  const reader = new CacheMirClient({ nodes: address(node), nearCache: {} });
  const writer = new CacheMirClient({ nodes: address(node) });
  try {
    await t.step("expiry", async () => {
      await writer.set("nc:exp", "v", { px: 200 });
      assert.equal(await reader.get("nc:exp"), "v");
      assert.equal(await reader.get("nc:exp"), "v"); // cached (ttlMs is 60 s)
      await eventually(
        reader,
        async () => (await reader.get("nc:exp")) === null,
        "the expired key's invalidation",
      );
    });
    await t.step("eviction", async () => {
      await writer.set("nc:evict", "old");
      assert.equal(await reader.get("nc:evict"), "old");
      const big = "x".repeat(64 * 1024);
      for (let i = 0; i < 400 && (await writer.exists("nc:evict")) === 1; i++) {
        await writer.set(`nc:filler:${i}`, big);
      }
      assert.equal(await writer.exists("nc:evict"), 0, "the key was evicted");
      await reader.nearCacheSettled();
      assert.equal(await reader.get("nc:evict"), null);
    });
    await t.step("FLUSHALL", async () => {
      await writer.set("nc:flush", "v");
      assert.equal(await reader.get("nc:flush"), "v");
      await writer.flushall();
      await reader.nearCacheSettled();
      assert.equal(await reader.get("nc:flush"), null);
    });
  } finally {
    await reader.close();
    await writer.close();
    await node.close();
  }
});

Deno.test("near cache: a killed node's values go, so its replacement's are read", async () => {
  let node = await startNode();
  const port = node.port;
  const reader = new CacheMirClient({
    nodes: address(node),
    nearCache: {},
    retry: { attempts: 1 },
  });
  try {
    await reader.set("nc:kill", "before");
    await new CacheMirClient({ nodes: address(node) }).close();
    assert.equal(await reader.get("nc:kill"), "before");
    assert.equal(await reader.get("nc:kill"), "before"); // cached
    await node.close();
    // The same address, another node whose value differs.
    node = await startNode({ port });
    await using other = new CacheMirClient({ nodes: address(node) });
    await other.set("nc:kill", "after");
    await eventually(
      reader,
      async () => (await reader.get("nc:kill").catch(() => "")) === "after",
      "the new node's value",
    );
    assert.ok(reader.stats()[0].nearCache!.invalidations >= 1);
  } finally {
    await reader.close();
    await node.close();
  }
});

Deno.test("near cache: a remap (node added or removed) drops what was cached", async () => {
  const a = await startNode();
  const b = await startNode();
  const probe = new CacheMirClient({ nodes: [address(a), address(b)] });
  // A key that moves to b once b joins.
  let key = "";
  for (let i = 0; i < 1000 && key === ""; i++) {
    if (probe.nodeFor(`nc:remap:${i}`) === address(b)) key = `nc:remap:${i}`;
  }
  await probe.close();
  assert.notEqual(key, "");
  const reader = new CacheMirClient({ nodes: address(a), nearCache: {} });
  await using onA = new CacheMirClient({ nodes: address(a) });
  await using onB = new CacheMirClient({ nodes: address(b) });
  try {
    await onA.set(key, "on a");
    await onB.set(key, "on b");
    assert.equal(await reader.get(key), "on a");
    assert.equal(await reader.get(key), "on a");
    reader.addNode(address(b));
    assert.equal(reader.nodeFor(key), address(b));
    assert.equal(await reader.get(key), "on b");
    reader.removeNode(address(b));
    assert.equal(await reader.get(key), "on a");
  } finally {
    await reader.close();
    await a.close();
    await b.close();
  }
});

Deno.test("near cache: the binary port pushes invalidation frames to a tracking connection", async () => {
  const node = await startNode({ trackingTableMaxKeys: 3 });
  const target = { hostname: "127.0.0.1", port: node.port };
  const tracked = await ClientConnection.connect(target);
  const other = await ClientConnection.connect(target);
  const pushes: (string[] | null)[] = [];
  tracked.onPush = (keys) =>
    pushes.push(keys === null ? null : keys.map((k) => toByteString(k)));
  const op = (name: string) => commandInfo(name as "GET").opcode;
  const ok = () => true;
  try {
    await tracked.send(op("CLIENT"), ["TRACKING", "ON"], ok);
    await tracked.send(op("GET"), ["b:1"], ok);
    await other.send(op("SET"), ["b:1", "x"], ok);
    await tracked.send(op("PING"), [], ok); // the push came before this reply
    assert.deepEqual(pushes, [["b:1"]]);
    // Past --tracking-table-max-keys 3, the oldest tracked keys are invalidated.
    for (const k of ["b:2", "b:3", "b:4", "b:5"]) {
      await tracked.send(op("GET"), [k], ok);
    }
    await tracked.send(op("PING"), [], ok);
    assert.deepEqual(pushes.slice(1), [["b:2"]]);
    await other.send(op("FLUSHALL"), [], ok);
    await tracked.send(op("PING"), [], ok);
    assert.deepEqual(pushes.at(-1), null);
    // Replies still match their commands around the pushes.
    assert.equal(await tracked.send(op("ECHO"), ["e"], (r) => r.kind), "bytes");
  } finally {
    await tracked.close();
    await other.close();
    await node.close();
  }
});

/** "\uFEFFa" in UTF-8: a key that starts with what a decoder may take for a byte-order mark. */
const BOM_A = new Uint8Array([0xef, 0xbb, 0xbf, 0x61]);

Deno.test("near cache: a leading U+FEFF is part of a key, a field and a value (never dropped as a byte-order mark)", async () => {
  assert.notEqual(cacheKey(BOM_A), cacheKey("a"));
  assert.equal(cacheKey(BOM_A), "\uFEFFa");
  const node = await startNode();
  const reader = new CacheMirClient({ nodes: address(node), nearCache: {} });
  const writer = new CacheMirClient({ nodes: address(node) });
  try {
    // Two keys, two entries.
    await writer.set(BOM_A, "bom");
    await writer.set("a", "plain");
    assert.equal(await reader.get(BOM_A), "bom");
    assert.equal(await reader.get("a"), "plain");
    // The push names the key by its bytes: it reaches the entry.
    await writer.set("\uFEFFa", "2");
    await reader.nearCacheSettled();
    assert.equal(await reader.get("\uFEFFa"), "2");
    assert.equal(await reader.get(BOM_A), "2");
    // A value read as bytes, then as text, keeps its first character.
    await writer.set("nc:bom:v", "\uFEFFx");
    await reader.getBuffer("nc:bom:v");
    assert.equal(await reader.get("nc:bom:v"), "\uFEFFx");
    // A hash read whole answers HGET as the node would.
    await writer.hset("nc:bom:h", { "\uFEFFf": "1", v: "\uFEFFy", a: "plain" });
    await reader.hgetall("nc:bom:h");
    assert.equal(await reader.hget("nc:bom:h", "f"), null);
    assert.equal(await reader.hget("nc:bom:h", "v"), "\uFEFFy");
    assert.equal(await reader.hget("nc:bom:h", BOM_A), null);
    assert.equal(await reader.hget("nc:bom:h", "\uFEFFf"), "1");
    assert.equal(await reader.hget("nc:bom:h", "a"), "plain");
  } finally {
    await reader.close();
    await writer.close();
    await node.close();
  }
});

Deno.test("near cache: missing keys read by HGET, HGETALL, GET and MGET, then created, and keys changing type", async () => {
  const node = await startNode();
  const reader = new CacheMirClient({
    nodes: address(node),
    nearCache: {},
    maxConnections: 3,
  });
  const writer = new CacheMirClient({ nodes: address(node) });
  try {
    assert.deepEqual(await reader.hgetall("nc:m1"), {});
    assert.equal(await reader.hget("nc:m2", "f"), null);
    assert.equal(await reader.get("nc:m3"), null);
    assert.deepEqual(await reader.mget("nc:m4"), [null]);
    await writer.hset("nc:m1", { f: "1" });
    await writer.hset("nc:m2", { f: "2" });
    await writer.set("nc:m3", "3");
    await writer.set("nc:m4", "4");
    await reader.nearCacheSettled();
    assert.deepEqual(await reader.hgetall("nc:m1"), { f: "1" });
    assert.equal(await reader.hget("nc:m1", "f"), "1");
    assert.equal(await reader.hget("nc:m2", "f"), "2");
    assert.equal(await reader.get("nc:m3"), "3");
    assert.deepEqual(await reader.mget("nc:m4", "nc:m3"), ["4", "3"]);
    await writer.del("nc:m1");
    await writer.set("nc:m1", "s");
    await writer.del("nc:m3");
    await writer.hset("nc:m3", { g: "h" });
    await reader.nearCacheSettled();
    assert.equal(await reader.get("nc:m1"), "s");
    await assert.rejects(reader.hget("nc:m1", "f"), /WRONGTYPE/);
    assert.equal(await reader.hget("nc:m3", "g"), "h");
    await assert.rejects(reader.get("nc:m3"), /WRONGTYPE/);
    // A field read missing, then written.
    assert.equal(await reader.hget("nc:m2", "x"), null);
    await writer.hset("nc:m2", { x: "X" });
    await reader.nearCacheSettled();
    assert.equal(await reader.hget("nc:m2", "x"), "X");
    assert.equal(await reader.hget("nc:m2", "f"), "2");
  } finally {
    await reader.close();
    await writer.close();
    await node.close();
  }
});

Deno.test("near cache: connections of blocking commands closing do not drop what was cached", async () => {
  const node = await startNode();
  const client = new CacheMirClient({
    nodes: [address(node)],
    nearCache: {},
  });
  try {
    await client.set("nc:kept", "v");
    assert.equal(await client.get("nc:kept"), "v"); // cached
    // More blocking commands at once than the pool keeps idle connections
    // for (4): the extra connections close when their commands end.
    const pops = Array.from(
      { length: 8 },
      (_, i) => client.blpop(`nc:empty:${i}`, 0.05),
    );
    assert.deepEqual(await Promise.all(pops), new Array(8).fill(null));
    const before = client.nearCacheStats()!;
    assert.equal(await client.get("nc:kept"), "v");
    const after = client.nearCacheStats()!;
    assert.equal(after.hits, before.hits + 1, "still cached");
    assert.equal(after.invalidations, before.invalidations);
  } finally {
    await client.close();
    await node.close();
  }
});
