/**
 * INFO commandstats, errorstats and latencystats, `total_error_replies`,
 * SLOWLOG and CONFIG RESETSTAT against Redis: the same commands sent to a
 * redis-server and a CacheMir node, then the two compared. Times differ by
 * nature: for them the test compares names and shapes; counts (calls,
 * rejected and failed calls, errors by kind) must be equal.
 */

import assert from "node:assert/strict";
import { RespClient, type RespValue } from "../_helpers/resp_client.ts";
import { startRespNode } from "../_helpers/resp_node.ts";
import { startRedis } from "./_harness.ts";

/**
 * Commands run on both servers: successes, errors replied by a command
 * (WRONGTYPE, ERR), refusals before running (arity, OOM), unknown commands
 * and subcommands, containers counted by subcommand (`config|get`).
 */
const COMMANDS: readonly (readonly string[])[] = [
  ["SET", "a", "1"],
  ["GET", "a"],
  ["GET", "a"],
  ["GET", "missing"],
  ["INCR", "a"],
  ["RPUSH", "l", "x", "y"],
  ["GET", "l"], // WRONGTYPE
  ["HSET", "l", "f", "v"], // WRONGTYPE
  ["INCR", "l"], // WRONGTYPE
  ["GET"], // arity: rejected
  ["GET", "a", "b"], // arity: rejected
  ["NOSUCHCOMMAND", "x"], // unknown: an ERR only
  ["CONFIG", "GET", "maxmemory"],
  ["CONFIG", "GET"], // config|get arity: rejected
  ["CONFIG", "NOSUCH"], // unknown subcommand: an ERR only
  ["CONFIG", "SET", "maxmemory-samples", "x"], // ran, failed
  ["OBJECT", "ENCODING", "l"],
  ["SLOWLOG", "LEN"],
  ["SLOWLOG", "GET", "-2"], // ran, failed
  ["INCRBY", "a", "notanumber"], // ERR, failed
  ["LRANGE", "l", "0", "-1"],
  ["SADD", "s", "m"],
  ["SMEMBERS", "s"],
  ["DEL", "s"],
  // Over maxmemory with noeviction: a write that grows memory is refused.
  ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
  ["CONFIG", "SET", "maxmemory", "1"],
  ["SET", "b", "2"], // OOM: rejected
  ["DEL", "a"], // runs: DEL is not denyoom
  ["CONFIG", "SET", "maxmemory", "0"],
  ["PING"],
  ["ECHO", "hi"],
];

/** INFO's `field:value` lines of one section, by field. */
async function section(
  c: RespClient,
  name: string,
): Promise<Map<string, string>> {
  const text = String(await c.call("INFO", name));
  const out = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) {
      out.set(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return out;
}

/** A cmdstat value without its times: `calls=..,rejected_calls=..,failed_calls=..`. */
function counts(value: string): string {
  const m = value.match(
    /^calls=(\d+),usec=(\d+),usec_per_call=(\d+\.\d\d),rejected_calls=(\d+),failed_calls=(\d+)$/,
  );
  assert.ok(m !== null, `cmdstat shape: ${value}`);
  return `calls=${m[1]},rejected_calls=${m[4]},failed_calls=${m[5]}`;
}

const LATENCY = /^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/;

async function bothRun(
  redis: RespClient,
  node: RespClient,
  command: readonly string[],
): Promise<[RespValue, RespValue]> {
  return [await redis.call(...command), await node.call(...command)];
}

/** Redis and a node on free ports, both with their statistics reset. */
async function servers() {
  const redisProcess = await startRedis();
  const nodeServer = await startRespNode({ logLevel: "error" });
  const redis = await RespClient.connect(redisProcess.port);
  const node = await RespClient.connect(nodeServer.respPort);
  for (const c of [redis, node]) await c.call("CONFIG", "RESETSTAT");
  return {
    redis,
    node,
    close: async () => {
      redis.close();
      node.close();
      await nodeServer.close();
      await redisProcess.stop();
    },
  };
}

Deno.test("INFO commandstats, errorstats, latencystats and total_error_replies count as Redis's do", async () => {
  const { redis, node, close } = await servers();
  try {
    for (const command of COMMANDS) {
      const [r, n] = await bothRun(redis, node, command);
      // The replies' kinds agree (both errors or both not), so the counts
      // below compare like with like.
      const isError = (v: RespValue) =>
        typeof v === "object" && v !== null && "error" in v;
      assert.equal(
        isError(n),
        isError(r),
        `${command.join(" ")}: ${JSON.stringify([r, n])}`,
      );
    }
    const [rc, nc] = [
      await section(redis, "commandstats"),
      await section(node, "commandstats"),
    ];
    assert.deepEqual([...nc.keys()].sort(), [...rc.keys()].sort());
    for (const [name, value] of rc) {
      assert.equal(counts(nc.get(name)!), counts(value), name);
    }
    assert.deepEqual(
      [...(await section(node, "errorstats"))].sort(),
      [...(await section(redis, "errorstats"))].sort(),
    );
    const [rl, nl] = [
      await section(redis, "latencystats"),
      await section(node, "latencystats"),
    ];
    assert.deepEqual([...nl.keys()].sort(), [...rl.keys()].sort());
    for (const [name, value] of nl) assert.match(value, LATENCY, name);
    for (const value of rl.values()) assert.match(value, LATENCY);
    const stats = [await section(redis, "stats"), await section(node, "stats")];
    assert.equal(
      stats[1].get("total_error_replies"),
      stats[0].get("total_error_replies"),
    );
    // INFO with no section leaves commandstats and latencystats out, as
    // Redis does; errorstats is in it.
    const titles = async (c: RespClient) =>
      [...String(await c.call("INFO")).matchAll(/^# (\w+)\r$/gm)]
        .map((m) => m[1])
        .filter((t) => /stats$/.test(t));
    assert.deepEqual(await titles(node), await titles(redis));
  } finally {
    await close();
  }
});

Deno.test("CONFIG RESETSTAT zeroes commandstats, errorstats, latencystats and total_error_replies, as Redis", async () => {
  const { redis, node, close } = await servers();
  try {
    for (const command of COMMANDS.slice(0, 12)) {
      await bothRun(redis, node, command);
    }
    await bothRun(redis, node, ["CONFIG", "RESETSTAT"]);
    for (const name of ["commandstats", "errorstats", "latencystats"]) {
      const [r, n] = [await section(redis, name), await section(node, name)];
      assert.deepEqual(
        [...n.keys()].sort(),
        [...r.keys()].sort(),
        name,
      );
    }
    const [r, n] = [
      await section(redis, "commandstats"),
      await section(node, "commandstats"),
    ];
    // RESETSTAT itself and the INFO calls since.
    for (const [name, value] of r) {
      assert.equal(counts(n.get(name)!), counts(value), name);
    }
    assert.equal(
      (await section(node, "stats")).get("total_error_replies"),
      "0",
    );
  } finally {
    await close();
  }
});

/** Checks one SLOWLOG GET entry's shape; returns what must equal Redis's. */
function entryShape(entry: RespValue): RespValue {
  assert.ok(Array.isArray(entry) && entry.length === 6, JSON.stringify(entry));
  const [id, time, micros, argv, peer, name] = entry;
  assert.equal(typeof id, "number");
  assert.equal(typeof time, "number");
  assert.ok(Math.abs((time as number) - Date.now() / 1000) < 600);
  assert.equal(typeof micros, "number");
  assert.ok((micros as number) >= 0);
  assert.match(String(peer), /^127\.0\.0\.1:\d+$/);
  return [argv, name];
}

Deno.test("SLOWLOG GET, LEN and RESET reply as Redis's with slowlog-log-slower-than 0", async () => {
  const { redis, node, close } = await servers();
  try {
    const same = async (...command: string[]) => {
      const [r, n] = await bothRun(redis, node, command);
      assert.deepEqual(n, r, command.join(" "));
      return n;
    };
    await same("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await same("CONFIG", "GET", "slowlog-max-len");
    await same("SLOWLOG", "RESET");
    await same("CLIENT", "SETNAME", "differ");
    await same("SET", "k", "v");
    await same("get", "k");
    await same("RPUSH", "l", ...Array.from({ length: 40 }, (_, i) => `${i}`));
    await same("SET", "long", "x".repeat(200));
    await same("AUTH", "nopass"); // an error; its argument redacted
    await same("GET"); // refused: not logged
    await same("NOSUCH"); // unknown: not logged
    await same("SLOWLOG", "LEN");
    const [r, n] = await bothRun(redis, node, ["SLOWLOG", "GET", "-1"]);
    assert.ok(Array.isArray(r) && Array.isArray(n));
    assert.deepEqual(n.map(entryShape), r.map(entryShape));
    // Ids count down by one from the newest.
    const ids = n.map((e) => (e as number[])[0]);
    ids.forEach((id, i) => assert.equal(id, ids[0] - i));
    const [r2, n2] = await bothRun(redis, node, ["SLOWLOG", "GET", "2"]);
    assert.deepEqual(
      (n2 as RespValue[]).map(entryShape),
      (r2 as RespValue[]).map(entryShape),
    );
    await same("SLOWLOG", "GET", "-2");
    await same("SLOWLOG", "GET", "1", "2");
    await same("SLOWLOG", "LEN", "x");
    await same("SLOWLOG", "RESET");
    await same("SLOWLOG", "LEN");
    await same("CONFIG", "SET", "slowlog-max-len", "2");
    await same("PING");
    await same("PING");
    await same("PING");
    await same("SLOWLOG", "LEN");
    await same("CONFIG", "SET", "slowlog-log-slower-than", "-1");
    await same("SLOWLOG", "RESET");
    await same("PING");
    await same("SLOWLOG", "LEN");
    await same("CONFIG", "SET", "slowlog-log-slower-than", "-2");
    await same("CONFIG", "SET", "slowlog-max-len", "-1");
    await same("SLOWLOG", "HELP");
  } finally {
    await close();
  }
});
