/**
 * `keyspace_hits` and `keyspace_misses` against Redis: the same commands
 * sent to a redis-server and a CacheMir node, and after each one the two
 * counters of INFO stats must have moved alike. Reads count each key they
 * look up; writes do not, but for those that read their key first (GETDEL,
 * GETEX, GETSET); TTL's second look and RANDOMKEY do not count.
 */

import assert from "node:assert/strict";
import { RespClient } from "../_helpers/resp_client.ts";
import { startRespNode } from "../_helpers/resp_node.ts";
import { startRedis } from "./_harness.ts";

const COMMANDS: readonly (readonly string[])[] = [
  ["SET", "a", "1"],
  ["GET", "a"],
  ["GET", "missing"],
  ["MGET", "a", "b", "c"],
  ["EXISTS", "a", "b"],
  ["TYPE", "a"],
  ["TTL", "a"],
  ["PTTL", "nope"],
  ["STRLEN", "a"],
  ["HSET", "h", "f", "v"],
  ["HGET", "h", "f"],
  ["HGET", "h", "g"],
  ["HMGET", "h", "f", "g"],
  ["SCARD", "nokey"],
  ["LRANGE", "nokey", "0", "-1"],
  ["INCR", "n"],
  ["GETRANGE", "a", "0", "0"],
  ["SET", "a", "2", "NX"],
  ["HGETALL", "h"],
  ["SISMEMBER", "s", "x"],
  ["RANDOMKEY"],
  ["GETDEL", "a"],
  ["GETDEL", "a"],
  ["GETSET", "x", "z"],
  ["GETEX", "h"],
  ["EXPIRE", "h", "100"],
  ["EXPIRETIME", "h"],
  ["HLEN", "h"],
  ["OBJECT", "ENCODING", "h"],
  ["SMISMEMBER", "s", "a", "b"],
  ["LINDEX", "nokey", "0"],
];

/** The two counters from INFO stats. */
async function counters(c: RespClient): Promise<string> {
  const info = String(await c.call("INFO", "stats"));
  return ["keyspace_hits", "keyspace_misses"].map((f) =>
    new RegExp(`^${f}:(\\d+)`, "m").exec(info)?.[1] ?? "?"
  ).join("/");
}

Deno.test("keyspace_hits and keyspace_misses move as Redis's do", async () => {
  const redisProcess = await startRedis();
  const nodeServer = await startRespNode({ logLevel: "error" });
  const redis = await RespClient.connect(redisProcess.port);
  const node = await RespClient.connect(nodeServer.respPort);
  try {
    for (const c of [redis, node]) await c.call("CONFIG", "RESETSTAT");
    for (const command of COMMANDS) {
      await redis.call(...command);
      await node.call(...command);
      assert.equal(
        await counters(node),
        await counters(redis),
        `after ${command.join(" ")}`,
      );
    }
  } finally {
    redis.close();
    node.close();
    await nodeServer.close();
    await redisProcess.stop();
  }
});
