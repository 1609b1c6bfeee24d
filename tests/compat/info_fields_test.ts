/**
 * INFO against Redis: the fields an operator reads (the sections and names
 * issue 11 lists) are present in the same sections on both servers, and
 * the counters that count the same thing move alike for the same requests
 * — `total_commands_processed` and `total_net_input_bytes` exactly (both
 * servers read the same bytes).
 */

import assert from "node:assert/strict";
import { RespClient } from "../_helpers/resp_client.ts";
import { startRespNode } from "../_helpers/resp_node.ts";
import { startRedis } from "./_harness.ts";

/** The fields an operator expects, by section. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  Server: [
    "redis_version",
    "process_id",
    "run_id",
    "tcp_port",
    "uptime_in_seconds",
    "executable",
    "config_file",
  ],
  Clients: [
    "connected_clients",
    "maxclients",
    "blocked_clients",
    "tracking_clients",
  ],
  Memory: [
    "used_memory",
    "used_memory_rss",
    "used_memory_peak",
    "maxmemory",
    "maxmemory_policy",
  ],
  Stats: [
    "total_connections_received",
    "total_commands_processed",
    "instantaneous_ops_per_sec",
    "total_net_input_bytes",
    "total_net_output_bytes",
    "instantaneous_input_kbps",
    "instantaneous_output_kbps",
    "rejected_connections",
    "expired_keys",
    "evicted_keys",
    "keyspace_hits",
    "keyspace_misses",
    "total_error_replies",
    "tracking_total_keys",
  ],
  CPU: ["used_cpu_sys", "used_cpu_user"],
  Keyspace: ["db0"],
};

/** INFO's text as section -> field -> value. */
async function info(
  c: RespClient,
  ...args: string[]
): Promise<Map<string, Map<string, string>>> {
  const text = String(await c.call("INFO", ...args));
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    if (line.startsWith("# ")) {
      current = new Map();
      sections.set(line.slice(2), current);
    } else if (line.includes(":")) {
      const at = line.indexOf(":");
      current.set(line.slice(0, at), line.slice(at + 1));
    }
  }
  return sections;
}

Deno.test("INFO has the operator's fields in Redis's sections, and its counters move as Redis's", async () => {
  const redisProcess = await startRedis();
  const nodeServer = await startRespNode({ logLevel: "error" });
  const redis = await RespClient.connect(redisProcess.port);
  const node = await RespClient.connect(nodeServer.respPort);
  try {
    for (const c of [redis, node]) {
      await c.call("SET", "k", "v");
      await c.call("CONFIG", "RESETSTAT");
    }
    const before = [await info(redis), await info(node)];
    for (const [section, fields] of Object.entries(FIELDS)) {
      for (
        const [server, sections] of [["redis", before[0]], [
          "cachemir",
          before[1],
        ]] as const
      ) {
        for (const field of fields) {
          assert.ok(
            sections.get(section)?.has(field),
            `${server}: INFO has no ${field} in # ${section}`,
          );
        }
      }
    }
    // The default sections come in Redis's order (those CacheMir has).
    const order = [...before[1].keys()];
    const redisOrder = [...before[0].keys()].filter((s) => order.includes(s));
    assert.deepEqual(order, redisOrder);
    const requests: string[][] = [
      ["SET", "a", "x".repeat(100)],
      ["GET", "a"],
      ["HSET", "h", "f", "v"],
      ["INCR", "n"],
      ["GET", "missing"],
      ["NOSUCHCOMMAND"],
    ];
    for (const r of requests) {
      await redis.call(...r).catch(() => {});
      await node.call(...r).catch(() => {});
    }
    const after = [await info(redis), await info(node)];
    const moved = (i: number, field: string): number =>
      Number(after[i].get("Stats")!.get(field)) -
      Number(before[i].get("Stats")!.get(field));
    for (
      const field of [
        "total_commands_processed",
        "total_net_input_bytes",
        "total_error_replies",
        "keyspace_hits",
        "keyspace_misses",
      ]
    ) {
      assert.equal(moved(1, field), moved(0, field), field);
    }
    assert.ok(moved(1, "total_net_output_bytes") > 0);
    // tracking-table-max-keys: Redis's default, and CONFIG SET changes it.
    for (const c of [redis, node]) {
      assert.deepEqual(
        await c.call("CONFIG", "GET", "tracking-table-max-keys"),
        [
          "tracking-table-max-keys",
          "1000000",
        ],
      );
      await c.call("CONFIG", "SET", "tracking-table-max-keys", "10");
      assert.deepEqual(
        await c.call("CONFIG", "GET", "tracking-table-max-keys"),
        [
          "tracking-table-max-keys",
          "10",
        ],
      );
    }
    // CONFIG RESETSTAT zeroes the byte counters on both.
    for (const c of [redis, node]) await c.call("CONFIG", "RESETSTAT");
    const reset = [await info(redis, "stats"), await info(node, "stats")];
    for (const r of reset) {
      // Only INFO's own request was read since.
      assert.ok(Number(r.get("Stats")!.get("total_net_input_bytes")) < 64);
    }
  } finally {
    redis.close();
    node.close();
    await nodeServer.close();
    await redisProcess.stop();
  }
});
