/**
 * A node with a password over TCP: the binary port's admission (in place
 * and by CALL), the client's `password` option, CONFIG SET requirepass,
 * refused attempts counted and logged with the peer's address, and
 * protected mode at start. The RESP texts are compared with redis-server
 * in tests/compat/auth_test.ts.
 */

import assert from "node:assert/strict";
import {
  commandByName,
  type ErrorReply,
  errorText,
  type Reply,
} from "@cachemir/protocol";
import { CacheMirClient, ConnectionError, ReplyError } from "@cachemir/client";
import { setupLogging } from "../server/log.ts";
import { RawClient } from "./_helpers/raw_client.ts";
import { RespClient } from "./_helpers/resp_client.ts";
import { startRespNode } from "./_helpers/resp_node.ts";

const op = (name: string): number => commandByName(name)!.opcode;
const text = (r: Reply): string =>
  r.kind === "error" ? errorText(r as ErrorReply) : JSON.stringify(r);
const NOAUTH = "NOAUTH Authentication required.";
const WRONGPASS =
  "WRONGPASS invalid username-password pair or user is disabled.";

Deno.test("binary port: only HELLO, AUTH, QUIT and RESET run before AUTH", async () => {
  setupLogging("error");
  const node = await startRespNode({ requirepass: "s3cret" });
  const c = await RawClient.connect(node.port);
  try {
    const hello = await c.call(op("HELLO"), "1");
    assert.equal(hello.kind, "map");
    assert.equal(text(await c.call(op("PING"))), NOAUTH);
    // In place (GET's direct form) and by name (CALL).
    assert.equal(text(await c.call(op("GET"), "k")), NOAUTH);
    assert.equal(text(await c.call(op("SET"), "k", "v")), NOAUTH);
    assert.equal(text(await c.call(0x0000, "GET", "k")), NOAUTH);
    assert.equal(text(await c.call(op("AUTH"), "wrong")), WRONGPASS);
    assert.equal(text(await c.call(op("AUTH"), "default", "wrong")), WRONGPASS);
    assert.deepEqual(await c.call(op("AUTH"), "s3cret"), { kind: "ok" });
    assert.deepEqual(await c.call(op("SET"), "k", "v"), { kind: "ok" });
    assert.equal(
      text(await c.call(op("GET"), "k")),
      '{"kind":"bytes","value":{"0":118}}',
    );
    assert.equal(node.keyspace.size, 1);
    assert.equal(node.stats.authFailures, 2);
  } finally {
    c.close();
    await node.close();
  }
});

Deno.test("the client's password option authenticates every connection", async () => {
  setupLogging("error");
  const node = await startRespNode({ requirepass: "s3cret" });
  try {
    {
      await using client = new CacheMirClient({
        nodes: [node.address],
        password: "s3cret",
        maxConnections: 3,
      });
      // Enough in flight to open more than one connection.
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => client.set(`k${i}`, "v")),
      );
      assert.equal(await client.get("k7"), "v");
      assert.equal(await client.dbsize(), 200);
    }
    {
      await using client = new CacheMirClient({
        nodes: [node.address],
        retry: { attempts: 1 },
      });
      await assert.rejects(client.get("k1"), (e: Error) => {
        assert.ok(e instanceof ReplyError, String(e));
        assert.equal(e.message, NOAUTH);
        return true;
      });
    }
    {
      await using client = new CacheMirClient({
        nodes: [node.address],
        password: "wrong",
        retry: { attempts: 1 },
      });
      await assert.rejects(client.get("k1"), (e: Error) => {
        assert.ok(e instanceof ConnectionError, String(e));
        assert.match(e.message, /AUTH failed: WRONGPASS invalid/);
        return true;
      });
    }
  } finally {
    await node.close();
  }
});

Deno.test("CONFIG SET requirepass applies to new connections; refusals are counted and logged with the peer", async () => {
  const lines: string[] = [];
  setupLogging("warn", (line) => lines.push(line));
  const node = await startRespNode();
  const before = await RespClient.connect(node.respPort);
  try {
    assert.deepEqual(await before.call("CONFIG", "GET", "requirepass"), [
      "requirepass",
      "",
    ]);
    assert.deepEqual(await before.call("CONFIG", "SET", "requirepass", "p2"), {
      status: "OK",
    });
    assert.deepEqual(await before.call("CONFIG", "GET", "requirepass"), [
      "requirepass",
      "p2",
    ]);
    // As in Redis: a connection made before the password stays in.
    assert.deepEqual(await before.call("PING"), { status: "PONG" });
    const after = await RespClient.connect(node.respPort);
    assert.deepEqual(await after.call("PING"), { error: NOAUTH });
    assert.deepEqual(await after.call("AUTH", "nope"), { error: WRONGPASS });
    assert.deepEqual(await after.call("AUTH", "p2"), { status: "OK" });
    assert.deepEqual(await after.call("PING"), { status: "PONG" });
    const info = String(await after.call("INFO", "stats"));
    assert.match(info, /^acl_access_denied_auth:1\r$/m);
    const auth = lines.filter((l) => l.includes("Authentication"));
    assert.equal(auth.length, 1, lines.join(""));
    assert.match(
      auth[0],
      /\[WRN\] cachemir·node: Authentication failed for client \d+ from 127\.0\.0\.1:\d+/,
    );
    // No password again: everyone is let in.
    node.reconfigure({ requirepass: "" });
    const third = await RespClient.connect(node.respPort);
    assert.deepEqual(await third.call("PING"), { status: "PONG" });
    third.close();
    after.close();
  } finally {
    before.close();
    await node.close();
    setupLogging("error");
  }
});
