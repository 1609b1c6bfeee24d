/**
 * CLIENT KILL, CLIENT NO-EVICT, SHUTDOWN ABORT and MEMORY against Redis: a
 * redis-server and a CacheMir node get the same commands, and the replies
 * (errors above all) must be the same. No command here may stop either
 * server: SHUTDOWN is only sent in forms that fail. MEMORY USAGE's bytes
 * and MEMORY STATS's numbers differ by design (different stores): for them
 * the kind of reply is compared, and STATS's field names must be Redis's.
 */

import assert from "node:assert/strict";
import { RespClient, type RespValue } from "../_helpers/resp_client.ts";
import { startRespNode } from "../_helpers/resp_node.ts";
import { startRedis } from "./_harness.ts";
import { show } from "./_compare.ts";

const COMMANDS: readonly (readonly string[])[] = [
  ["SET", "k", "v"],
  ["CLIENT", "KILL"],
  ["CLIENT", "KILL", "1.2.3.4:5"],
  ["CLIENT", "KILL", "id"],
  ["CLIENT", "KILL", "ID", "abc"],
  ["CLIENT", "KILL", "ID", "0"],
  ["CLIENT", "KILL", "ID", "-1"],
  ["CLIENT", "KILL", "ID", "999999"],
  ["CLIENT", "KILL", "ADDR", "1.2.3.4:5"],
  ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"],
  ["CLIENT", "KILL", "SKIPME", "maybe"],
  ["CLIENT", "KILL", "ID", "1", "SKIPME"],
  ["CLIENT", "KILL", "FOO", "bar"],
  ["CLIENT", "KILL", "TYPE", "foo"],
  ["CLIENT", "KILL", "TYPE", "foo", "ID", "0"],
  ["CLIENT", "KILL", "TYPE", "pubsub"],
  ["CLIENT", "KILL", "USER", "nobody"],
  ["CLIENT", "KILL", "MAXAGE", "10"],
  ["CLIENT", "NO-EVICT"],
  ["CLIENT", "NO-EVICT", "on"],
  ["CLIENT", "NO-EVICT", "OFF"],
  ["CLIENT", "NO-EVICT", "maybe"],
  ["CLIENT", "NO-EVICT", "on", "off"],
  ["SHUTDOWN", "ABORT"],
  ["SHUTDOWN", "abort", "ABORT"],
  ["SHUTDOWN", "foo"],
  ["SHUTDOWN", "NOSAVE", "SAVE"],
  ["SHUTDOWN", "ABORT", "NOW"],
  ["SHUTDOWN", "SAVE", "ABORT"],
  ["SHUTDOWN", "SAVE", "FORCE", "ABORT"],
  ["MEMORY"],
  ["MEMORY", "foo"],
  ["MEMORY", "USAGE"],
  ["MEMORY", "USAGE", "nokey"],
  ["MEMORY", "USAGE", "k"],
  ["MEMORY", "USAGE", "k", "SAMPLES"],
  ["MEMORY", "USAGE", "k", "SAMPLES", "x"],
  ["MEMORY", "USAGE", "k", "SAMPLES", "-1"],
  ["MEMORY", "USAGE", "k", "SAMPLES", "0"],
  ["MEMORY", "USAGE", "k", "foo", "1"],
  ["MEMORY", "USAGE", "k", "extra"],
  ["MEMORY", "usage", "k", "samples", "5", "samples", "3"],
  ["MEMORY", "STATS", "x"],
  ["MEMORY", "HELP", "x"],
  ["MEMORY", "DOCTOR", "x"],
  ["PING"],
];

/** Integers differ by design for MEMORY USAGE on a key: compare the kind. */
function comparable(command: readonly string[], reply: RespValue): string {
  if (command[0] === "MEMORY" && typeof reply === "number") return "integer";
  return show(reply);
}

/** MEMORY STATS's top-level field names (RESP2: a flat list of pairs). */
function statsFields(reply: RespValue): string[] {
  assert.ok(Array.isArray(reply), show(reply));
  const names: string[] = [];
  for (let i = 0; i < reply.length; i += 2) names.push(String(reply[i]));
  return names;
}

Deno.test("compat: CLIENT KILL, NO-EVICT, SHUTDOWN ABORT and MEMORY answer as Redis does", async () => {
  const redis = await startRedis();
  const node = await startRespNode({ logLevel: "error" });
  const r = await RespClient.connect(redis.port);
  const n = await RespClient.connect(node.respPort);
  try {
    for (const [i, command] of COMMANDS.entries()) {
      const expected = await r.call(...command);
      const actual = await n.call(...command);
      assert.equal(
        comparable(command, actual),
        comparable(command, expected),
        `command ${i}: ${command.join(" ")}`,
      );
    }
    // MEMORY STATS: every field CacheMir reports is one of Redis's, in
    // Redis's order.
    const ours = statsFields(await n.call("MEMORY", "STATS"));
    const theirs = statsFields(await r.call("MEMORY", "STATS"));
    const missing = ours.filter((f) => !theirs.includes(f));
    assert.deepEqual(missing, [], "fields Redis does not have");
    assert.deepEqual(
      ours,
      theirs.filter((f) => ours.includes(f)),
      "the same order as Redis",
    );
    for (
      const f of [
        "peak.allocated",
        "total.allocated",
        "startup.allocated",
        "keys.count",
        "keys.bytes-per-key",
        "dataset.bytes",
      ]
    ) {
      assert.ok(ours.includes(f), f);
    }
    // MEMORY HELP: an array of status lines on both.
    const help = await n.call("MEMORY", "HELP");
    assert.ok(Array.isArray(help) && help.length > 4);
    assert.ok(Array.isArray(await r.call("MEMORY", "HELP")));
    // Both servers are still up.
    assert.deepEqual(await r.call("PING"), { status: "PONG" });
    assert.deepEqual(await n.call("PING"), { status: "PONG" });
  } finally {
    r.close();
    n.close();
    await node.close();
    await redis.stop();
  }
});

Deno.test("compat: CLIENT KILL of another connection, both forms, as Redis replies", async () => {
  const redis = await startRedis();
  const node = await startRespNode({ logLevel: "error" });
  try {
    for (const port of [redis.port, node.respPort]) {
      const a = await RespClient.connect(port);
      const b = await RespClient.connect(port);
      const c = await RespClient.connect(port);
      try {
        const bId = await b.call("CLIENT", "ID");
        const cInfo = String(await c.call("CLIENT", "INFO"));
        const cAddr = /addr=(\S+)/.exec(cInfo)![1];
        assert.equal(await a.call("CLIENT", "KILL", "ID", String(bId)), 1);
        assert.equal(await b.read(), undefined);
        assert.deepEqual(await a.call("CLIENT", "KILL", cAddr), {
          status: "OK",
        });
        assert.equal(await c.read(), undefined);
        assert.deepEqual(await a.call("CLIENT", "KILL", cAddr), {
          error: "ERR No such client",
        });
        // SKIPME yes (the default) spares the caller.
        const aId = await a.call("CLIENT", "ID");
        assert.equal(await a.call("CLIENT", "KILL", "ID", String(aId)), 0);
        // SKIPME no: the caller gets its reply, then is closed.
        assert.equal(
          await a.call("CLIENT", "KILL", "ID", String(aId), "SKIPME", "no"),
          1,
        );
        assert.equal(await a.read(), undefined);
      } finally {
        a.close();
        b.close();
        c.close();
      }
    }
  } finally {
    await node.close();
    await redis.stop();
  }
});
