/**
 * A node's connection limits over TCP: `maxclients` (Redis's refusal on
 * both ports, INFO's `rejected_connections`) and `timeout` (idle
 * connections closed), and both through CONFIG GET/SET.
 */

import assert from "node:assert/strict";
import { commandByName, type ErrorReply, errorText } from "@cachemir/protocol";
import { CacheMirClient, ConnectionError } from "@cachemir/client";
import { setupLogging } from "../server/log.ts";
import { eventually, infoField } from "./_helpers/eventually.ts";
import { RawClient } from "./_helpers/raw_client.ts";
import { RespClient } from "./_helpers/resp_client.ts";
import { startRespNode } from "./_helpers/resp_node.ts";

const op = (name: string): number => commandByName(name)!.opcode;

setupLogging("error");

Deno.test("a connection over maxclients gets Redis's error and is closed, on both ports", async () => {
  const node = await startRespNode({ maxclients: 2 });
  const a = await RespClient.connect(node.respPort);
  const b = await RawClient.connect(node.port);
  try {
    assert.deepEqual(await a.call("PING"), { status: "PONG" });
    assert.deepEqual(await b.call(op("PING")), {
      kind: "status",
      value: "PONG",
    });
    // RESP: the error comes at once, without a request, as from Redis.
    const c = await RespClient.connect(node.respPort);
    assert.deepEqual(await c.read(), {
      error: "ERR max number of clients reached",
    });
    assert.equal(await c.read(), undefined);
    c.close();
    // Binary: the first request is answered with an error frame (its id
    // and opcode), then the connection closes.
    const d = await RawClient.connect(node.port);
    const id = await d.send(op("HELLO"), ["1"]);
    const refused = await d.read();
    assert.equal(refused?.id, id);
    assert.equal(refused?.opcode, op("HELLO"));
    assert.equal(
      errorText(refused!.reply as ErrorReply),
      "ERR max number of clients reached",
    );
    assert.equal(await d.read(), undefined);
    d.close();
    const info = await a.call("INFO", "stats");
    assert.equal(infoField(info, "rejected_connections"), "2");
    assert.equal(infoField(info, "total_connections_received"), "2");
    assert.equal(node.connectionCount, 2);
    // Once a client leaves, another is let in.
    b.close();
    await eventually(() => node.connectionCount === 1, "b's close", 5_000);
    const e = await RespClient.connect(node.respPort);
    assert.deepEqual(await e.call("PING"), { status: "PONG" });
    e.close();
    assert.deepEqual(await a.call("CONFIG", "RESETSTAT"), { status: "OK" });
    assert.equal(
      infoField(await a.call("INFO", "stats"), "rejected_connections"),
      "0",
    );
  } finally {
    a.close();
    b.close();
    await node.close();
  }
});

Deno.test("CONFIG GET/SET maxclients and timeout, with Redis's errors", async () => {
  const node = await startRespNode();
  const a = await RespClient.connect(node.respPort);
  try {
    assert.deepEqual(await a.call("CONFIG", "GET", "maxclients"), [
      "maxclients",
      "10000",
    ]);
    assert.deepEqual(await a.call("CONFIG", "GET", "timeout"), [
      "timeout",
      "0",
    ]);
    assert.deepEqual(await a.call("CONFIG", "SET", "maxclients", "abc"), {
      error:
        "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer",
    });
    assert.deepEqual(await a.call("CONFIG", "SET", "maxclients", "0"), {
      error:
        "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive",
    });
    assert.deepEqual(await a.call("CONFIG", "SET", "timeout", "-1"), {
      error:
        "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive",
    });
    // All or nothing: a bad value leaves the good one unset.
    assert.deepEqual(
      await a.call("CONFIG", "SET", "timeout", "5", "maxclients", "x"),
      {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer",
      },
    );
    assert.deepEqual(await a.call("CONFIG", "GET", "timeout"), [
      "timeout",
      "0",
    ]);
    assert.deepEqual(await a.call("CONFIG", "SET", "maxclients", "1"), {
      status: "OK",
    });
    assert.deepEqual(await a.call("CONFIG", "GET", "maxclients"), [
      "maxclients",
      "1",
    ]);
    const b = await RespClient.connect(node.respPort);
    assert.deepEqual(await b.read(), {
      error: "ERR max number of clients reached",
    });
    b.close();
    node.reconfigure({ maxclients: 3 });
    assert.deepEqual(await a.call("CONFIG", "GET", "maxclients"), [
      "maxclients",
      "3",
    ]);
  } finally {
    a.close();
    await node.close();
  }
});

Deno.test("timeout closes connections idle that long, and only those", async () => {
  const node = await startRespNode({ timeout: 1 });
  const busy = await RespClient.connect(node.respPort);
  const idle = await RespClient.connect(node.respPort);
  const binaryIdle = await RawClient.connect(node.port);
  try {
    assert.deepEqual(await idle.call("PING"), { status: "PONG" });
    assert.deepEqual(await binaryIdle.call(op("PING")), {
      kind: "status",
      value: "PONG",
    });
    const started = Date.now();
    const closed = idle.read();
    const binaryClosed = binaryIdle.read();
    // The busy client sends a command every 200 ms for 2 s.
    while (Date.now() - started < 2_000) {
      assert.deepEqual(await busy.call("PING"), { status: "PONG" });
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await closed, undefined);
    assert.equal(await binaryClosed, undefined);
    assert.equal(node.connectionCount, 1);
    assert.deepEqual(await busy.call("CONFIG", "GET", "timeout"), [
      "timeout",
      "1",
    ]);
    // timeout 0: never.
    assert.deepEqual(await busy.call("CONFIG", "SET", "timeout", "0"), {
      status: "OK",
    });
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(await busy.call("PING"), { status: "PONG" });
  } finally {
    busy.close();
    idle.close();
    binaryIdle.close();
    await node.close();
  }
});

Deno.test("the client's connection over maxclients fails with the node's text", async () => {
  const node = await startRespNode({ maxclients: 1 });
  const a = await RespClient.connect(node.respPort);
  try {
    assert.deepEqual(await a.call("PING"), { status: "PONG" });
    await using client = new CacheMirClient({
      nodes: [node.address],
      retry: { attempts: 1 },
    });
    await assert.rejects(client.get("k"), (e: Error) => {
      assert.ok(e instanceof ConnectionError, String(e));
      assert.match(
        e.message,
        /HELLO failed: ERR max number of clients reached/,
      );
      return true;
    });
  } finally {
    a.close();
    await node.close();
  }
});
