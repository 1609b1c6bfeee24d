// CacheMirClient over several fake nodes on 127.0.0.1 (needs --allow-net):
// routing, splits and joins, keyless commands, failover, retries, replicas,
// discovery. Real node processes: tests/cluster_*_test.ts.
import assert from "node:assert/strict";
import {
  array,
  bytes,
  commandByName,
  commandByOpcode,
  int,
  NULL,
  OK,
  type Reply,
  status,
} from "@cachemir/protocol";
import { CacheMirClient } from "./client.ts";
import { HashRing } from "./ring.ts";
import {
  ConnectionError,
  CrossSlotError,
  NodeDownError,
  TimeoutError,
} from "./errors.ts";
import { ClientErrorEvent, NodeEvent } from "./events.ts";
import type { Resolver } from "./discovery.ts";
import { FakeNode, type Received, tick } from "./_test_utils.ts";

/** A fake node with a tiny keyspace: enough commands to test routing. */
class KvNode {
  readonly data = new Map<string, string>();
  readonly node: FakeNode;
  /** When false, the node answers HELLO only (hung). */
  answering = true;

  constructor() {
    this.node = new FakeNode((r) =>
      this.answering ? this.#answer(r) : undefined
    );
  }

  get address(): string {
    return this.node.address;
  }

  /** Requests received, by command name, HELLO and PING left out. */
  commands(): string[] {
    return this.node.received
      .map((r) => commandByOpcode(r.opcode)?.name ?? "CALL")
      .filter((n) => n !== "HELLO" && n !== "PING");
  }

  received(name: string): Received[] {
    const opcode = commandByName(name)!.opcode;
    return this.node.received.filter((r) => r.opcode === opcode);
  }

  #answer(r: Received): Reply | undefined {
    const a = r.args;
    const d = this.data;
    const value = (k: string): Reply => d.has(k) ? bytes(d.get(k)!) : NULL;
    switch (commandByOpcode(r.opcode)?.name) {
      case "PING":
        return status("PONG");
      case "GET":
        return value(a[0]);
      case "SET":
        d.set(a[0], a[1]);
        return OK;
      case "INCR": {
        const n = Number(d.get(a[0]) ?? "0") + 1;
        d.set(a[0], String(n));
        return int(n);
      }
      case "MGET":
        return array(a.map(value));
      case "MSET":
        for (let i = 0; i < a.length; i += 2) d.set(a[i], a[i + 1]);
        return OK;
      case "DEL":
      case "UNLINK":
        return int(a.filter((k) => d.delete(k)).length);
      case "EXISTS":
        return int(a.filter((k) => d.has(k)).length);
      case "RENAME":
        d.set(a[1], d.get(a[0])!);
        d.delete(a[0]);
        return OK;
      case "PEXPIRE": // the TTL cap of a failover write (no expiry here)
        return int(d.has(a[0]) ? 1 : 0);
      case "DBSIZE":
        return int(d.size);
      case "KEYS":
        return array([...d.keys()].map((k) => bytes(k)));
      case "FLUSHALL":
        d.clear();
        return OK;
      case "RANDOMKEY":
        return d.size === 0 ? NULL : bytes([...d.keys()][0]);
      case "SCAN": {
        // Cursor = position in the sorted keys, 2 keys per call.
        const keys = [...d.keys()].sort();
        const at = Number(a[0]);
        const next = at + 2 >= keys.length ? 0 : at + 2;
        return array([
          bytes(String(next)),
          array(keys.slice(at, at + 2).map((k) => bytes(k))),
        ]);
      }
      default:
        return undefined;
    }
  }

  close(): Promise<void> {
    return this.node.close();
  }
}

async function withNodes(
  n: number,
  fn: (nodes: KvNode[]) => Promise<void>,
): Promise<void> {
  const nodes = Array.from({ length: n }, () => new KvNode());
  try {
    await fn(nodes);
  } finally {
    await Promise.all(nodes.map((k) => k.close()));
  }
}

function byAddress(nodes: KvNode[]): Map<string, KvNode> {
  return new Map(nodes.map((n) => [n.address, n]));
}

const KEYS = Array.from({ length: 60 }, (_, i) => `key:${i}`);

Deno.test("CacheMirClient routes each key to the node nodeFor() names", async () => {
  await withNodes(3, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
    });
    for (const k of KEYS) await client.set(k, `v-${k}`);
    const at = byAddress(nodes);
    for (const k of KEYS) {
      assert.equal(at.get(client.nodeFor(k))!.data.get(k), `v-${k}`, k);
      assert.equal(await client.get(k), `v-${k}`);
    }
    for (const n of nodes) {
      assert.ok(n.data.size > 5, `${n.address} holds ${n.data.size} keys`);
    }
    const owner = client.nodeFor("{user:1}:a");
    for (const k of ["{user:1}:b", "{user:1}:cart", "x{user:1}"]) {
      assert.equal(client.nodeFor(k), owner, k);
    }
    assert.deepEqual(client.nodes(), nodes.map((n) => n.address));
  });
});

Deno.test("CacheMirClient splits mget/mset/del/exists/unlink by node and joins in order", async () => {
  await withNodes(3, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
    });
    const data: Record<string, string> = {};
    for (const k of KEYS) data[k] = `v-${k}`;
    assert.equal(await client.mset(data), "OK");
    for (const n of nodes) {
      assert.equal(n.received("MSET").length, 1, "one MSET per node");
    }
    const wanted = [...KEYS].reverse().concat(["missing", KEYS[0]]);
    assert.deepEqual(
      await client.mget(wanted),
      wanted.map((k) => data[k] ?? null),
    );
    for (const n of nodes) assert.equal(n.received("MGET").length, 1);
    assert.deepEqual(
      (await client.mgetBuffer(["key:1", "nope"])).map((b) =>
        b === null ? null : new TextDecoder().decode(b)
      ),
      ["v-key:1", null],
    );
    assert.equal(await client.exists(KEYS.concat(["missing"])), 60);
    assert.equal(await client.del(KEYS.slice(0, 30)), 30);
    assert.equal(await client.unlink(KEYS.slice(25, 40)), 10);
    assert.equal(await client.exists(KEYS), 20);
    assert.equal(
      await client.call("exists", "key:50", "key:51", "key:0"),
      2,
      "call() splits too",
    );
    // Keys on one node: sent whole, not split.
    const [a, b] = ["{t}:a", "{t}:b"];
    await client.mset(a, "1", b, "2");
    const owner = byAddress(nodes).get(client.nodeFor(a))!;
    assert.deepEqual(owner.received("MSET").at(-1)!.args, [a, "1", b, "2"]);
  });
});

Deno.test("CacheMirClient rejects single-node commands whose keys span nodes with CrossSlotError", async () => {
  await withNodes(3, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
    });
    let other = "k2";
    for (let i = 0; client.nodeFor(other) === client.nodeFor("k1"); i++) {
      other = `k2-${i}`;
    }
    await assert.rejects(client.rename("k1", other), (e: unknown) => {
      assert.ok(e instanceof CrossSlotError);
      assert.equal(e.code, "CROSSSLOT");
      assert.equal(e.command, "RENAME");
      assert.deepEqual(e.addresses, [
        client.nodeFor("k1"),
        client.nodeFor(other),
      ]);
      assert.match(
        e.message,
        /^CROSSSLOT Keys in request don't hash to the same node: RENAME has keys on .*; put them under one hash tag/,
      );
      return true;
    });
    await assert.rejects(
      client.call("smove", "k1", other, "m"),
      CrossSlotError,
    );
    await assert.rejects(
      client.msetnx({ k1: "a", [other]: "b" }),
      CrossSlotError,
    );
    await assert.rejects(
      client.call("sintercard", "2", "k1", other),
      CrossSlotError,
      "SINTERCARD's numkeys is read",
    );
    for (const n of nodes) {
      assert.deepEqual(n.commands(), [], "nothing was sent");
    }
    await client.set("{doc}:draft", "text");
    assert.equal(await client.rename("{doc}:draft", "{doc}:final"), "OK");
    assert.equal(await client.get("{doc}:final"), "text");
  });
});

Deno.test("CacheMirClient keyless commands: dbsize sums, keys concatenates, flushall reaches all", async () => {
  await withNodes(3, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
    });
    assert.equal(await client.randomkey(), null, "empty everywhere");
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, "v"])));
    assert.equal(await client.dbsize(), 60);
    assert.deepEqual((await client.keys("*")).sort(), [...KEYS].sort());
    assert.ok(KEYS.includes((await client.randomkey())!));
    assert.equal(await client.ping(), "PONG");
    assert.equal(nodes[0].node.received.at(-1)!.opcode, 0x0002, "first node");
    assert.equal(await client.flushall(), "OK");
    for (const n of nodes) assert.equal(n.data.size, 0);
    assert.equal(await client.dbsize(), 0);
  });
});

Deno.test("CacheMirClient.scan() walks every node with a composite cursor", async () => {
  await withNodes(3, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
    });
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, "v"])));
    const seen: string[] = [];
    const cursors: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor);
      seen.push(...keys);
      cursors.push(next);
      cursor = next;
    } while (cursor !== "0");
    assert.deepEqual(seen.sort(), [...KEYS].sort());
    // Node order is by address; the low 10 bits of a cursor name the node.
    const order = nodes.map((n) => n.address).sort();
    const sizes = order.map((a) => byAddress(nodes).get(a)!.data.size);
    assert.equal(
      cursors.length,
      sizes.reduce((n, size) => n + Math.max(1, Math.ceil(size / 2)), 0),
      "2 keys per call, node by node",
    );
    const first = BigInt(cursors[0]);
    if (sizes[0] > 2) {
      assert.equal(first, 2n * 1024n, "node 0's own cursor 2, node index 0");
    } else {
      assert.equal(first, 1n, "node 1, from its start");
    }
    const iterated: string[] = [];
    for await (const k of client.scanIterator()) iterated.push(k);
    assert.deepEqual(iterated.sort(), [...KEYS].sort());
    assert.equal(
      byAddress(nodes).get(order[2])!.received("SCAN").length > 0,
      true,
    );
    await assert.rejects(client.scan("abc"), /ERR invalid cursor/);
  });
});

Deno.test("CacheMirClient remaps a down node's keys, probes it, and takes it back", async () => {
  await withNodes(3, async (nodes) => {
    const events: string[] = [];
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
      commandTimeoutMs: 60,
      failureThreshold: 2,
      healthCheckIntervalMs: 30,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    for (const type of ["nodeDown", "nodeUp"]) {
      client.addEventListener(type, (e) => {
        assert.ok(e instanceof NodeEvent);
        events.push(`${e.type} ${e.address}`);
      });
    }
    const victim = nodes[1];
    const key = KEYS.find((k) => client.nodeFor(k) === victim.address)!;
    victim.answering = false; // hung
    const started = performance.now();
    assert.equal(await client.set(key, "v"), "OK", "retried elsewhere");
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
    assert.deepEqual(events, [`nodeDown ${victim.address}`]);
    assert.equal(
      client.stats().find((s) => s.address === victim.address)!.state,
      "down",
    );
    const standIn = nodes.find((n) => n.data.get(key) === "v")!;
    assert.notEqual(standIn, victim);
    assert.equal(await client.get(key), "v", "read from the stand-in");
    assert.equal(client.nodeFor(key), victim.address, "nodeFor is the owner");
    const stats = client.stats().find((s) => s.address === victim.address)!;
    assert.ok(stats.retries >= 1, `retries ${stats.retries}`);
    assert.ok(stats.timeouts >= 1);

    victim.answering = true;
    for (let i = 0; i < 100 && events.length < 2; i++) await tick(10);
    assert.deepEqual(events, [
      `nodeDown ${victim.address}`,
      `nodeUp ${victim.address}`,
    ]);
    assert.equal(await client.get(key), null, "the owner again (a miss)");
  });
});

Deno.test('CacheMirClient with onNodeDown: "fail" rejects a down node\'s keys at once', async () => {
  await withNodes(2, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
      onNodeDown: "fail",
      failureThreshold: 1,
      healthCheckIntervalMs: 10_000,
      commandTimeoutMs: 50,
      retry: { attempts: 1 },
    });
    const victim = nodes[0];
    const key = KEYS.find((k) => client.nodeFor(k) === victim.address)!;
    const other = KEYS.find((k) => client.nodeFor(k) !== victim.address)!;
    victim.answering = false;
    await assert.rejects(client.get(key), TimeoutError);
    const started = performance.now();
    await assert.rejects(client.get(key), (e: unknown) => {
      assert.ok(e instanceof NodeDownError);
      assert.equal(e.address, victim.address);
      assert.match(
        e.message,
        /which owns the key, is down \(onNodeDown is "fail"\)/,
      );
      return true;
    });
    assert.ok(performance.now() - started < 20, "rejected without waiting");
    assert.equal(await client.set(other, "v"), "OK", "other nodes work");
    await assert.rejects(client.dbsize(), NodeDownError, "fan-out needs all");
  });
});

Deno.test("CacheMirClient retries only commands safe to repeat", async () => {
  await withNodes(1, async ([kv]) => {
    await using client = new CacheMirClient({
      nodes: [kv.address],
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      failureThreshold: 100,
    });
    await client.set("n", "1");
    let drops = 0;
    const drop = async () => {
      await tick(15);
      kv.node.dropConnections();
      drops++;
    };
    kv.answering = false;
    const get = client.get("n");
    await drop(); // attempt 1 lost
    kv.answering = true;
    assert.equal(await get, "1", "GET sent again");
    assert.equal(kv.received("GET").length, 2);

    kv.answering = false;
    const incr = client.incr("n").then(() => assert.fail("resolved"), (e) => e);
    await drop();
    kv.answering = true;
    const e = await incr;
    assert.ok(e instanceof ConnectionError, String(e));
    assert.equal(kv.received("INCR").length, 1, "INCR is never repeated");
    assert.equal(kv.data.get("n"), "1");
    assert.equal(client.stats()[0].retries, 1);
    assert.equal(drops, 2);
  });
});

Deno.test("CacheMirClient retries an unsent command whatever its flags", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dead = `127.0.0.1:${listener.addr.port}`;
  listener.close();
  await withNodes(1, async ([kv]) => {
    await using client = new CacheMirClient({
      nodes: [dead, kv.address],
      failureThreshold: 1,
      healthCheckIntervalMs: 10_000,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const errors: string[] = [];
    client.addEventListener("error", (e) => {
      assert.ok(e instanceof ClientErrorEvent);
      errors.push(`${e.address}: ${e.error.message.slice(0, 14)}`);
    });
    const key = KEYS.find((k) => client.nodeFor(k) === dead)!;
    assert.equal(await client.incr(key), 1, "refused, never sent: retried");
    assert.equal(kv.data.get(key), "1");
    assert.deepEqual(errors, [`${dead}: Cannot connect`]);
  });
});

Deno.test("CacheMirClient with replicas: 2 writes to two nodes and reads from the first up", async () => {
  await withNodes(3, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
      replicas: 2,
      failureThreshold: 1,
      commandTimeoutMs: 50,
      healthCheckIntervalMs: 10_000,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, `v-${k}`])));
    await client.set("single", "s");
    const copies = (k: string) => nodes.filter((n) => n.data.has(k)).length;
    for (const k of KEYS.concat("single")) assert.equal(copies(k), 2, k);
    assert.equal(await client.incr("counter"), 1);
    assert.equal(copies("counter"), 2);
    const owner = byAddress(nodes).get(client.nodeFor("single"))!;
    const gets = () => nodes.map((n) => n.received("GET").length);
    const before = gets();
    assert.equal(await client.get("single"), "s");
    const after = gets();
    assert.equal(
      after[nodes.indexOf(owner)] - before[nodes.indexOf(owner)],
      1,
      "reads go to the owner",
    );
    assert.equal(await client.dbsize(), 2 * 62, "each copy counts");

    owner.answering = false; // the owner hangs: reads go to the replica
    assert.equal(await client.get("single"), "s");
    assert.deepEqual(
      await client.mget(KEYS),
      KEYS.map((k) => `v-${k}`),
      "no key lost",
    );
    assert.equal(await client.del(KEYS), 60, "deletes count each key once");
  });
});

Deno.test("CacheMirClient.addNode() moves keys only to the new node; removeNode() moves them back", async () => {
  await withNodes(4, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.slice(0, 3).map((n) => n.address),
    });
    const added: string[] = [];
    client.addEventListener("nodeAdded", (e) => added.push(e.address));
    client.addEventListener("nodeRemoved", (e) => added.push(`-${e.address}`));
    const many = Array.from({ length: 2000 }, (_, i) => `m:${i}`);
    const before = many.map((k) => client.nodeFor(k));
    assert.equal(client.addNode(nodes[3].address), nodes[3].address);
    const after = many.map((k) => client.nodeFor(k));
    let moved = 0;
    for (let i = 0; i < many.length; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      assert.equal(after[i], nodes[3].address, "moved only to the new node");
    }
    assert.ok(moved > 300 && moved < 700, `${moved} of 2000 moved`);
    assert.equal(client.removeNode(nodes[3].address), true);
    assert.equal(client.removeNode(nodes[3].address), false);
    assert.deepEqual(many.map((k) => client.nodeFor(k)), before);
    assert.deepEqual(added, [nodes[3].address, `-${nodes[3].address}`]);
    assert.equal(client.nodes().length, 3);
  });
});

Deno.test('CacheMirClient with hashing: "jump" spreads keys and routes them', async () => {
  await withNodes(3, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
      hashing: "jump",
    });
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, "v"])));
    for (const n of nodes) assert.ok(n.data.size > 5);
    for (const k of KEYS) {
      assert.ok(byAddress(nodes).get(client.nodeFor(k))!.data.has(k));
    }
  });
});

Deno.test("CacheMirClient's probes option maps keys as a HashRing with those probes", async () => {
  await withNodes(3, async (nodes) => {
    const addresses = nodes.map((n) => n.address);
    await using client = new CacheMirClient({ nodes: addresses, probes: 3 });
    const three = new HashRing({ nodes: addresses, probes: 3 });
    const sixteen = new HashRing({ nodes: addresses });
    let differs = 0;
    for (const k of KEYS) {
      assert.equal(client.nodeFor(k), three.nodeFor(k));
      if (three.nodeFor(k) !== sixteen.nodeFor(k)) differs++;
    }
    assert.ok(differs > 0, "3 and 16 probes map the keys alike");
  });
  assert.throws(
    () => new CacheMirClient({ nodes: ["127.0.0.1:1"], probes: 65 }),
    RangeError,
  );
});

Deno.test("CacheMirClient discovers nodes through a resolver and follows its answers", async () => {
  await withNodes(3, async (nodes) => {
    const ports = new Set(nodes.map((n) => n.node.port));
    assert.equal(ports.size, 3);
    // Fake DNS: the nodes listen on different ports, so each "address" is
    // 127.0.0.1 and the port comes from the name being asked.
    let answer = ["127.0.0.1"];
    let lookups = 0;
    const resolver: Resolver = (name, type) => {
      lookups++;
      assert.equal(name, "cache.test");
      return type === "A"
        ? Promise.resolve(answer)
        : Promise.reject(new Error("no AAAA"));
    };
    const port = nodes[0].node.port;
    const events: string[] = [];
    await using client = new CacheMirClient({
      nodes: [`dns:cache.test:${port}`, nodes[1].address],
      resolver,
      discoveryIntervalMs: 60_000,
    });
    client.addEventListener("nodeAdded", (e) => events.push(`+${e.address}`));
    client.addEventListener("nodeRemoved", (e) => events.push(`-${e.address}`));
    client.addEventListener(
      "error",
      (e) => events.push(`! ${e.error.message}`),
    );
    assert.deepEqual(client.nodes(), [nodes[1].address], "static first");
    await client.set("k", "v"); // waits for nothing: one node is known
    await client.refreshNodes();
    assert.deepEqual(
      client.nodes().sort(),
      [nodes[0].address, nodes[1].address].sort(),
    );
    assert.deepEqual(events, [`+${nodes[0].address}`]);

    answer = [];
    await client.refreshNodes();
    assert.deepEqual(client.nodes().length, 2, "a failed lookup keeps nodes");
    assert.match(
      events.at(-1)!,
      /^! Cannot discover nodes from dns:cache\.test:\d+: the name has no A or AAAA records/,
    );

    answer = ["127.0.0.2"]; // nothing listens there, but it is a node now
    await client.refreshNodes();
    assert.ok(client.nodes().includes(`127.0.0.2:${port}`));
    assert.ok(!client.nodes().includes(nodes[0].address), "gone from DNS");
    assert.ok(client.nodes().includes(nodes[1].address), "static nodes stay");
    assert.ok(lookups >= 6);
  });
});

Deno.test("CacheMirClient with only dns: nodes waits for the first answer", async () => {
  await withNodes(1, async ([kv]) => {
    const { promise, resolve } = Promise.withResolvers<string[]>();
    const resolver: Resolver = (_name, type) =>
      type === "A" ? promise : Promise.resolve([]);
    await using client = new CacheMirClient({
      nodes: `dns:cache.test:${kv.node.port}`,
      resolver,
    });
    assert.deepEqual(client.nodes(), []);
    const pending = client.set("k", "v");
    await tick(10);
    assert.equal(kv.data.size, 0);
    resolve(["127.0.0.1"]);
    assert.equal(await pending, "OK");
    assert.equal(kv.data.get("k"), "v");

    const failing = new CacheMirClient({
      nodes: "dns:nowhere.test",
      resolver: () => Promise.reject(new Error("NXDOMAIN")),
    });
    await assert.rejects(
      failing.get("k"),
      /Cannot send GET: the client has no nodes \(Cannot discover nodes from dns:nowhere\.test:7379: NXDOMAIN\)/,
    );
    await failing.close();

    const silent = new CacheMirClient({
      nodes: "dns:slow.test:7400",
      resolver: () => new Promise(() => {}), // never answers
      connectTimeoutMs: 50,
    });
    await assert.rejects(silent.get("k"), (e: unknown) => {
      assert.ok(e instanceof TimeoutError);
      assert.equal(e.operation, "discover");
      assert.equal(
        e.message,
        "Discovering nodes from dns:slow.test:7400 timed out after 50 ms",
      );
      return true;
    });
    await silent.close();
  });
});

Deno.test("CacheMirClient.stats() reports every node's counters and pool", async () => {
  await withNodes(2, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
    });
    await Promise.all(KEYS.map((k) => client.set(k, "v")));
    for (let i = 0; i < 4; i++) {
      await Promise.all(KEYS.map((k) => client.get(k)));
    }
    const stats = client.stats();
    assert.deepEqual(stats.map((s) => s.address), nodes.map((n) => n.address));
    assert.equal(stats.reduce((n, s) => n + s.requests, 0), 300);
    for (const s of stats) {
      assert.equal(s.state, "up");
      assert.equal(s.weight, 1);
      assert.equal(s.errors, 0);
      assert.equal(s.timeouts, 0);
      assert.equal(s.retries, 0);
      assert.ok(s.latency.samples > 0);
      assert.ok(s.latency.p50 >= 0 && s.latency.p50 <= s.latency.p99);
      // ~30 commands at once per node: a second connection opens past 32.
      assert.ok(s.pool.open >= 1 && s.pool.open <= 2, `${s.pool.open} open`);
      assert.deepEqual(s.pool, {
        open: s.pool.open,
        inUse: 0,
        idle: s.pool.open,
        waiting: 0,
        inFlight: 0,
        maxConnections: 4,
      });
    }
  });
});

Deno.test("CacheMirClient.close() stops everything; later calls reject", async () => {
  await withNodes(2, async (nodes) => {
    const client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
      commandTimeoutMs: 40,
      failureThreshold: 1,
      healthCheckIntervalMs: 5,
      retry: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    nodes[0].answering = false;
    const key = KEYS.find((k) => client.nodeFor(k) === nodes[0].address)!;
    const pending = client.get(key).catch((e) => e); // will wait 10 s to retry
    await tick(80);
    const started = performance.now();
    await client.close();
    assert.ok(await pending instanceof TimeoutError, "the wait ends at close");
    assert.ok(performance.now() - started < 1000);
    await assert.rejects(
      client.get("k"),
      /Cannot send GET: the client is closed/,
    );
    assert.throws(() => client.addNode("127.0.0.1:1"), /the client is closed/);
  });
});

Deno.test("CacheMirClient() validates its options", () => {
  const nodes = ["127.0.0.1:7379"];
  assert.throws(() => new CacheMirClient({ nodes: [] }), /no nodes given/);
  assert.throws(
    () => new CacheMirClient({ nodes, hashing: "x" as "ring" }),
    /Invalid hashing: "x" \(must be "ring" or "jump"\)/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes, onNodeDown: "skip" as "fail" }),
    /Invalid onNodeDown: "skip"/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes, replicas: 0 }),
    /Invalid replicas: 0 \(must be an integer from 1 to 16\)/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes, failureThreshold: 1.5 }),
    /Invalid failureThreshold/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes, healthCheckIntervalMs: 0 }),
    /Invalid healthCheckIntervalMs: 0/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes, retry: { attempts: 0 } }),
    /Invalid retry.attempts/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes: ["dns::1"] }),
    /Invalid node spec "dns::1"/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes: [{ address: "h:1", weight: -1 }] }),
    /weight must be a positive finite number/,
  );
  assert.throws(
    () =>
      new CacheMirClient({
        nodes: [{ address: "h:1", weight: 1.5 }],
        hashing: "jump",
      }),
    /jump hashing needs a whole-number weight/,
  );
});

Deno.test("CacheMirClient.stats() counts each node's hits and misses from GET-family replies", async () => {
  await withNodes(2, async (nodes) => {
    await using client = new CacheMirClient({
      nodes: nodes.map((n) => n.address),
    });
    const [k1, k2] = KEYS.filter((k) => client.nodeFor(k) === nodes[0].address);
    await client.set(k1, "v");
    assert.equal(await client.get(k1), "v"); // hit
    assert.equal(await client.get(k2), null); // miss
    assert.deepEqual(await client.mget(k1, k2, k2), ["v", null, null]);
    assert.equal(await client.getBuffer(k2), null); // miss
    await client.set(k2, "w"); // not counted
    const s = client.stats().find((n) => n.address === nodes[0].address)!;
    assert.deepEqual({ hits: s.hits, misses: s.misses }, {
      hits: 2,
      misses: 4,
    });
    const other = client.stats().find((n) => n.address === nodes[1].address)!;
    assert.deepEqual({ hits: other.hits, misses: other.misses }, {
      hits: 0,
      misses: 0,
    });
  });
});
