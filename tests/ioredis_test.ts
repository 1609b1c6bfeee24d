/**
 * ioredis (pinned in deno.json), a widely used Redis client, against a
 * node's RESP port: its handshake (HELLO 3, CLIENT SETINFO, INFO ready
 * check), common commands, pipelines and error replies.
 */

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { setupLogging } from "../server/log.ts";
import { startRespNode } from "./_helpers/resp_node.ts";

setupLogging("error");

Deno.test("ioredis runs its common commands against a node", async () => {
  const node = await startRespNode();
  const redis = new Redis({
    host: "127.0.0.1",
    port: node.respPort,
    connectionName: "ioredis-test",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null, // a test must not reconnect forever
  });
  try {
    await redis.connect();
    assert.equal(redis.status, "ready");
    assert.equal(await redis.client("GETNAME"), "ioredis-test");

    assert.equal(await redis.set("user:1", "alice", "EX", 100), "OK");
    assert.equal(await redis.get("user:1"), "alice");
    const ttl = await redis.ttl("user:1");
    assert.ok(ttl > 98 && ttl <= 100, String(ttl));
    assert.equal(await redis.get("missing"), null);

    assert.equal(await redis.incr("counter"), 1);
    assert.equal(await redis.incrby("counter", 41), 42);
    assert.equal(await redis.incrbyfloat("float", "1.5"), "1.5");

    assert.equal(await redis.mset({ a: "1", b: "2", c: "3" }), "OK");
    assert.deepEqual(await redis.mget("a", "b", "nope", "c"), [
      "1",
      "2",
      null,
      "3",
    ]);
    assert.equal(await redis.exists("a", "b", "nope"), 2);
    assert.equal(await redis.del("a", "b", "nope"), 2);
    assert.equal(await redis.expire("c", 50), 1);
    const cTtl = await redis.pttl("c");
    assert.ok(cTtl > 49_000 && cTtl <= 50_000, String(cTtl));
    assert.equal(await redis.persist("c"), 1);
    assert.equal(await redis.ttl("c"), -1);

    const bin = Buffer.from([0, 13, 10, 255, 128]);
    assert.equal(await redis.set(bin, bin), "OK");
    assert.deepEqual(await redis.getBuffer(bin), bin);

    const results = await redis.pipeline()
      .set("p1", "x")
      .append("p1", "yz")
      .get("p1")
      .strlen("p1")
      .incr("p1")
      .exec();
    assert.deepEqual(results?.slice(0, 4), [
      [null, "OK"],
      [null, 3],
      [null, "xyz"],
      [null, 3],
    ]);
    const [incrError] = results![4];
    assert.equal(
      (incrError as Error).message,
      "ERR value is not an integer or out of range",
    );

    await assert.rejects(
      redis.incr("user:1"),
      { message: "ERR value is not an integer or out of range" },
    );
    await assert.rejects(
      redis.call("NOSUCHCOMMAND", "x"),
      {
        message:
          "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ",
      },
    );
    assert.equal(await redis.dbsize(), 6);
    assert.deepEqual(
      (await redis.keys("p*")).sort(),
      ["p1"],
    );
    assert.equal(await redis.quit(), "OK");
  } finally {
    redis.disconnect();
    await node.close();
  }
});
