/**
 * DUMP payloads cross between CacheMir and a real redis-server: CacheMir's
 * (RDB's plain types) restore on Redis with the same contents, and Redis's
 * strings (plain, integer, LZF-compressed) and plain sets restore on
 * CacheMir; Redis's packed collections are refused with `Bad data format`.
 */

import assert from "node:assert/strict";
import { setupLogging } from "../../server/log.ts";
import { withServers } from "./_harness.ts";

setupLogging("error");

const WRITES: readonly (readonly string[])[] = [
  ["SET", "s", "hello"],
  ["SET", "n", "12345"],
  ["SET", "z", "a".repeat(300)],
  ["SET", "b", "\x00\xff\r\n"],
  ["RPUSH", "l", "a", "", "127", "x".repeat(70)],
  ["SADD", "t", "1", "2", "-3"],
  ["SADD", "w", "a", "b"],
  ["HSET", "h", "f", "v", "g", "12"],
];

/**
 * Keys Redis 7.0 dumps in a packed type (quicklist, intset, listpack):
 * CacheMir reads RDB's plain types only. A set of words is a hashtable in
 * Redis, dumped as a plain set.
 */
const PACKED_BY_REDIS = new Set(["l", "t", "h"]);

/** A key's contents, by type, in a comparable order. */
async function contents(
  c: { call(...args: string[]): Promise<unknown> },
  key: string,
): Promise<unknown> {
  const type = await c.call("TYPE", key);
  switch ((type as { status?: string }).status ?? type) {
    case "string":
      return await c.call("GET", key);
    case "list":
      return await c.call("LRANGE", key, "0", "-1");
    case "set":
      return ((await c.call("SMEMBERS", key)) as string[]).sort();
    case "hash":
      return ((await c.call("HGETALL", key)) as string[]).join("\n");
    default:
      return type;
  }
}

Deno.test("compat: CacheMir's DUMP restores on Redis, and Redis's strings restore on CacheMir", async () => {
  await withServers(async (redis, node) => {
    for (const write of WRITES) {
      await redis.call(...write);
      await node.call(...write);
    }
    for (const write of WRITES) {
      const key = write[1];
      const ours = await node.call("DUMP", key) as string;
      assert.equal(typeof ours, "string", key);
      assert.deepEqual(
        await redis.call("RESTORE", `from-cachemir:${key}`, "0", ours),
        { status: "OK" },
        key,
      );
      assert.deepEqual(
        await contents(redis, `from-cachemir:${key}`),
        await contents(redis, key),
        key,
      );
      const theirs = await redis.call("DUMP", key) as string;
      const restored = await node.call(
        "RESTORE",
        `from-redis:${key}`,
        "0",
        theirs,
      );
      if (PACKED_BY_REDIS.has(key)) {
        assert.deepEqual(restored, { error: "ERR Bad data format" }, key);
      } else {
        assert.deepEqual(restored, { status: "OK" }, key);
        assert.deepEqual(
          await contents(node, `from-redis:${key}`),
          await contents(node, key),
          key,
        );
      }
    }
  });
});
