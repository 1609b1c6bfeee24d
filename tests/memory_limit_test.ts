// The memory limit end to end (issue 8): real node processes started with
// --maxmemory, filled until Redis's OOM error over RESP and the binary port,
// CONFIG SET of the limit and policy at run time, INFO's memory fields.
// Behaviour only: no byte counts are asserted, so that any keyspace
// (the Map one, the off-heap one) passes.
import assert from "node:assert/strict";
import { CacheMirClient, ReplyError } from "@cachemir/client";
import {
  freePort,
  type NodeProcess,
  startNodeProcess,
} from "./_helpers/node_process.ts";
import { RespClient, type RespValue } from "./_helpers/resp_client.ts";

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

/** Starts a node with a RESP port, retrying when the port found free was taken. */
async function startNode(flags: string[]): Promise<NodeProcess> {
  for (let attempt = 1;; attempt++) {
    try {
      return await startNodeProcess([
        "--resp-port",
        String(freePort()),
        ...flags,
      ]);
    } catch (e) {
      if (attempt >= 5 || !/in use/i.test(String(e))) throw e;
    }
  }
}

/** INFO's `field:value` lines as a map. */
async function info(
  client: RespClient,
  section: string,
): Promise<Map<string, string>> {
  const text = await client.call("INFO", section);
  assert.equal(typeof text, "string");
  const out = new Map<string, string>();
  for (const line of (text as string).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) {
      out.set(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return out;
}

function num(fields: Map<string, string>, name: string): number {
  const v = fields.get(name);
  assert.ok(v !== undefined, `INFO has ${name}`);
  assert.match(v, /^\d+$/, name);
  return Number(v);
}

function isError(r: RespValue): r is { error: string } {
  return typeof r === "object" && r !== null && "error" in r;
}

const VALUE = "v".repeat(1000);

/**
 * SETs `fill:<n>` keys with 1000-byte values, 100 per pipeline, until one is
 * refused. The rest of that pipeline may still be written (the buffers
 * counted shrink as it is read), so every OK is counted.
 *
 * @returns How many were written, the last one written, and the first
 * refusal.
 */
async function fillUntilRefused(
  client: RespClient,
  maxKeys: number,
): Promise<{ written: number; last: string; refusal: RespValue }> {
  let written = 0;
  let last = "";
  let refusal: RespValue | undefined;
  for (let n = 0; n < maxKeys && refusal === undefined; n += 100) {
    const batch = Array.from(
      { length: 100 },
      (_, i) => ["SET", `fill:${n + i}`, VALUE],
    );
    const replies = await client.pipeline(batch);
    replies.forEach((r, i) => {
      if (isError(r)) {
        refusal ??= r;
      } else {
        assert.deepEqual(r, { status: "OK" });
        written++;
        last = batch[i][1];
      }
    });
  }
  if (refusal === undefined) throw new Error(`${maxKeys} SETs and no refusal`);
  return { written, last, refusal };
}

Deno.test("a node with noeviction refuses writes past maxmemory with Redis's OOM, and still serves reads and deletes", async () => {
  const proc = await startNode([
    "--maxmemory",
    "64mb",
    "--maxmemory-policy",
    "noeviction",
  ]);
  const client = await RespClient.connect(proc.respPort);
  try {
    assert.match(proc.log(), /maxmemory 64\.0 MiB \(--maxmemory\)/);
    assert.deepEqual(await client.call("CONFIG", "GET", "maxmemory*"), [
      "maxmemory",
      String(64 * 1024 * 1024),
      "maxmemory-policy",
      "noeviction",
      "maxmemory-samples",
      "5",
    ]);
    // Whatever the keyspace holds when empty, leave room for about 4 MiB
    // more: lowering the limit at run time works.
    const empty = num(await info(client, "memory"), "used_memory");
    assert.ok(empty > 0 && empty < 32 * 1024 * 1024, `used_memory ${empty}`);
    const limit = empty + 4 * 1024 * 1024;
    assert.deepEqual(
      await client.call("CONFIG", "SET", "maxmemory", String(limit)),
      { status: "OK" },
    );
    const { written, last, refusal } = await fillUntilRefused(
      client,
      200_000,
    );
    assert.deepEqual(refusal, { error: OOM });
    assert.ok(written > 0, "some keys fit under the limit");

    const memory = await info(client, "memory");
    assert.equal(num(memory, "maxmemory"), limit);
    assert.equal(memory.get("maxmemory_policy"), "noeviction");
    assert.ok(num(memory, "used_memory_peak") >= num(memory, "used_memory"));
    // The refusal came with a pipeline's buffers counted; half the room
    // makes sure the node stays over the limit for what follows.
    const half = empty + 2 * 1024 * 1024;
    assert.deepEqual(
      await client.call("CONFIG", "SET", "maxmemory", String(half)),
      { status: "OK" },
    );
    assert.ok(num(await info(client, "memory"), "used_memory") > half);

    // Every denyoom command is refused; reads and deletes go on.
    for (
      const command of [
        ["SET", "fill:0", "x"],
        ["APPEND", "fill:0", "x"],
        ["INCR", "counter"],
        ["HSET", "h", "f", "v"],
        ["RPUSH", "l", "a"],
        ["SADD", "s", "m"],
        ["MSET", "a", "1", "b", "2"],
      ]
    ) {
      assert.deepEqual(
        await client.call(...command),
        { error: OOM },
        command[0],
      );
    }
    assert.equal(await client.call("GET", "fill:0"), VALUE);
    assert.equal(await client.call("STRLEN", last), 1000);
    assert.equal(await client.call("EXISTS", "fill:1", "fill:2"), 2);
    assert.equal(await client.call("EXPIRE", "fill:2", "100"), 1); // not denyoom
    assert.equal(await client.call("DEL", "fill:1"), 1);
    assert.equal(await client.call("GET", "fill:1"), null);
    assert.equal(await client.call("DBSIZE"), written - 1);
    assert.equal(num(await info(client, "stats"), "evicted_keys"), 0);

    // The binary port refuses too, with the same text.
    await using binary = new CacheMirClient({ nodes: [proc.address] });
    await assert.rejects(binary.set("bin", "v"), (e: unknown) => {
      assert.ok(e instanceof ReplyError);
      assert.equal(e.message, OOM);
      return true;
    });
    assert.equal(await binary.get("fill:0"), VALUE);
    await binary.close();

    // Raising the limit at run time lets writes in again; so does no limit.
    assert.deepEqual(await client.call("CONFIG", "SET", "maxmemory", "0"), {
      status: "OK",
    });
    assert.deepEqual(await client.call("SET", "after", "1"), { status: "OK" });
    // Lowering it below what is held refuses writes again (noeviction).
    assert.deepEqual(await client.call("CONFIG", "SET", "maxmemory", "1kb"), {
      status: "OK",
    });
    assert.deepEqual(await client.call("SET", "after", "2"), { error: OOM });
    assert.equal(await client.call("GET", "after"), "1");
    // After FLUSHALL (a write that is not denyoom) at the original room,
    // writes fit again.
    assert.deepEqual(await client.call("FLUSHALL"), { status: "OK" });
    assert.deepEqual(
      await client.call("CONFIG", "SET", "maxmemory", String(limit)),
      { status: "OK" },
    );
    assert.deepEqual(await client.call("SET", "again", "1"), { status: "OK" });
  } finally {
    client.close();
    const status = await proc.stop();
    assert.equal(status.code, 0, proc.log());
  }
});

Deno.test("CONFIG SET changes the policy and limit at run time; INFO memory reports them", async () => {
  const proc = await startNode(["--maxmemory", "256mb"]);
  const client = await RespClient.connect(proc.respPort);
  try {
    const memory = await info(client, "memory");
    assert.equal(memory.get("maxmemory_policy"), "allkeys-lru"); // default
    assert.equal(num(memory, "maxmemory"), 256 * 1024 * 1024);
    assert.equal(memory.get("maxmemory_human"), "256.00M");
    for (
      const name of [
        "used_memory",
        "used_memory_rss",
        "used_memory_peak",
        "total_system_memory",
      ]
    ) {
      assert.ok(num(memory, name) > 0, name);
    }
    assert.match(memory.get("used_memory_human")!, /^\d+(B|\.\d\d[KMG])$/);
    assert.match(memory.get("mem_fragmentation_ratio")!, /^\d+\.\d\d$/);
    assert.match(memory.get("allocator_frag_ratio")!, /^\d+\.\d\d$/);
    assert.ok(Number(memory.get("allocator_frag_ratio")) >= 1);

    assert.deepEqual(
      await client.call(
        "CONFIG",
        "SET",
        "maxmemory-policy",
        "allkeys-lfu",
        "maxmemory",
        "128MB",
        "maxmemory-samples",
        "10",
        "lfu-log-factor",
        "5",
        "lfu-decay-time",
        "2",
      ),
      { status: "OK" },
    );
    const after = await info(client, "memory");
    assert.equal(after.get("maxmemory_policy"), "allkeys-lfu");
    assert.equal(num(after, "maxmemory"), 128 * 1024 * 1024);
    assert.deepEqual(
      await client.call("CONFIG", "GET", "maxmemory-samples", "lfu-*"),
      [
        "maxmemory-samples",
        "10",
        "lfu-log-factor",
        "5",
        "lfu-decay-time",
        "2",
      ],
    );
    // OBJECT FREQ works under an LFU policy, IDLETIME under the others.
    await client.call("SET", "k", "v");
    assert.equal(typeof await client.call("OBJECT", "FREQ", "k"), "number");
    assert.ok(isError(await client.call("OBJECT", "IDLETIME", "k")));
    await client.call("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
    assert.equal(typeof await client.call("OBJECT", "IDLETIME", "k"), "number");
    assert.equal(await client.call("OBJECT", "ENCODING", "k"), "embstr");

    assert.deepEqual(
      await client.call("CONFIG", "SET", "maxmemory-policy", "lru"),
      {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
      },
    );
    assert.deepEqual(await client.call("CONFIG", "SET", "maxmemory", "1.5gb"), {
      error:
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
    });
  } finally {
    client.close();
    await proc.stop();
  }
});

Deno.test("used_memory counts the connections' buffers", async () => {
  const proc = await startNode(["--maxmemory", "256mb"]);
  const client = await RespClient.connect(proc.respPort);
  const others: RespClient[] = [];
  try {
    const before = num(await info(client, "memory"), "used_memory");
    for (let i = 0; i < 10; i++) {
      const c = await RespClient.connect(proc.respPort);
      others.push(c);
      assert.deepEqual(await c.call("PING"), { status: "PONG" });
    }
    const after = num(await info(client, "memory"), "used_memory");
    // Each connection holds at least its 64 KiB read buffer.
    assert.ok(
      after - before >= 10 * 64 * 1024,
      `used_memory ${before} → ${after} with 10 more connections`,
    );
    assert.ok(num(await info(client, "memory"), "mem_clients_normal") > 0);
  } finally {
    for (const c of others) c.close();
    client.close();
    await proc.stop();
  }
});

Deno.test("a node started without --maxmemory takes 75% of the memory it may use, and says so", async () => {
  const proc = await startNode([]);
  const client = await RespClient.connect(proc.respPort);
  try {
    assert.match(
      proc.log(),
      /maxmemory \d+\.\d [GM]iB \(75% of (physical memory|the cgroup's memory limit) \d+\.\d [GM]iB\); set --maxmemory/,
    );
    const memory = await info(client, "memory");
    const max = num(memory, "maxmemory");
    assert.ok(max > 0, "a limit is set");
    assert.ok(max <= num(memory, "total_system_memory"));
    assert.equal(memory.get("maxmemory_policy"), "allkeys-lru");
  } finally {
    client.close();
    await proc.stop();
  }
});
