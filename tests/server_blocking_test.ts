/**
 * The blocking list commands on a real node, over the RESP port: one
 * connection blocks, another writes (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
 * BLMPOP), timeouts, fairness, pipelined requests behind a blocked one,
 * CLIENT UNBLOCK, CLIENT KILL, a waiter that hangs up, the node stopping,
 * and INFO's `blocked_clients`.
 */

import assert from "node:assert/strict";
import { setupLogging } from "../server/log.ts";
import { commandInfo } from "@cachemir/protocol";
import { untilBlockedClients } from "./_helpers/eventually.ts";
import { RawClient } from "./_helpers/raw_client.ts";
import { encodeCommands, RespClient } from "./_helpers/resp_client.ts";
import { startRespNode, withRespNode } from "./_helpers/resp_node.ts";

setupLogging("error");

const NULL_ARRAY = { nullArray: true };

/** An error reply's text (fails on any other reply). */
function errorOf(v: unknown): string {
  assert.ok(v !== null && typeof v === "object" && "error" in v, String(v));
  return (v as { error: string }).error;
}

/** INFO clients' `blocked_clients`. */
async function blockedClients(c: RespClient): Promise<number> {
  const info = await c.call("INFO", "clients") as string;
  const m = /blocked_clients:(\d+)/.exec(info);
  assert.ok(m, info);
  return Number(m[1]);
}

/** Waits (bounded) until `n` clients are blocked. */
function waitBlocked(c: RespClient, n: number): Promise<void> {
  return untilBlockedClients(c, n, "the node");
}

Deno.test("BLPOP blocks until a push; pipelined commands behind it wait", async () => {
  await withRespNode(async (_node, c) => {
    const waiter = await RespClient.connect(_node.respPort);
    try {
      await waiter.write(
        encodeCommands([["BLPOP", "q1", "q2", "0"], ["PING"]]),
      );
      await waitBlocked(c, 1);
      assert.equal(await c.call("RPUSH", "q2", "a", "b"), 2);
      assert.deepEqual(await waiter.read(), ["q2", "a"]);
      assert.deepEqual(await waiter.read(), { status: "PONG" });
      assert.deepEqual(await c.call("LRANGE", "q2", "0", "-1"), ["b"]);
      assert.equal(await blockedClients(c), 0);
    } finally {
      waiter.close();
    }
  });
});

Deno.test("one LPUSH of 3 values serves 2 waiters, first blocked first", async () => {
  await withRespNode(async (node, c) => {
    const w1 = await RespClient.connect(node.respPort);
    const w2 = await RespClient.connect(node.respPort);
    try {
      await w1.write(encodeCommands([["BRPOP", "q", "0"]]));
      await waitBlocked(c, 1);
      await w2.write(encodeCommands([["BRPOP", "q", "0"]]));
      await waitBlocked(c, 2);
      assert.equal(await c.call("LPUSH", "q", "x", "y", "z"), 3);
      assert.deepEqual(await w1.read(), ["q", "x"]);
      assert.deepEqual(await w2.read(), ["q", "y"]);
      assert.deepEqual(await c.call("LRANGE", "q", "0", "-1"), ["z"]);
    } finally {
      w1.close();
      w2.close();
    }
  });
});

Deno.test("BLMOVE chains into a BLPOP on its destination in one turn", async () => {
  await withRespNode(async (node, c) => {
    const w1 = await RespClient.connect(node.respPort);
    const w2 = await RespClient.connect(node.respPort);
    try {
      await w1.write(
        encodeCommands([["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]]),
      );
      await waitBlocked(c, 1);
      await w2.write(encodeCommands([["BLPOP", "dst", "0"]]));
      await waitBlocked(c, 2);
      await c.call("RPUSH", "src", "v");
      assert.equal(await w1.read(), "v");
      assert.deepEqual(await w2.read(), ["dst", "v"]);
      assert.equal(await c.call("EXISTS", "src", "dst"), 0);
    } finally {
      w1.close();
      w2.close();
    }
  });
});

Deno.test("timeouts answer a null array; bad timeouts are refused", async () => {
  await withRespNode(async (_node, c) => {
    assert.deepEqual(await c.call("BLPOP", "none", "0.01"), NULL_ARRAY);
    assert.deepEqual(
      await c.call("BRPOPLPUSH", "none", "d", "0.01"),
      NULL_ARRAY,
    );
    assert.deepEqual(
      await c.call("BLMOVE", "none", "d", "LEFT", "LEFT", "0.01"),
      NULL_ARRAY,
    );
    assert.deepEqual(
      await c.call("BLMPOP", "0.01", "1", "none", "LEFT"),
      NULL_ARRAY,
    );
    assert.match(
      errorOf(await c.call("BLPOP", "k", "-1")),
      /ERR timeout is negative/,
    );
    assert.match(
      errorOf(await c.call("BLPOP", "k", "soon")),
      /ERR timeout is not a float or out of range/,
    );
    assert.equal(await blockedClients(c), 0);
  });
});

Deno.test("BRPOPLPUSH onto a wrong-type destination: WRONGTYPE, the element stays", async () => {
  await withRespNode(async (node, c) => {
    const w = await RespClient.connect(node.respPort);
    try {
      await c.call("SET", "target", "string");
      await w.write(encodeCommands([["BRPOPLPUSH", "src", "target", "0"]]));
      await waitBlocked(c, 1);
      await c.call("RPUSH", "src", "a", "b");
      assert.match(errorOf(await w.read()), /WRONGTYPE/);
      assert.deepEqual(await c.call("LRANGE", "src", "0", "-1"), ["a", "b"]);
    } finally {
      w.close();
    }
  });
});

Deno.test("CLIENT UNBLOCK: timeout reply, UNBLOCKED error, 0 when not blocked", async () => {
  await withRespNode(async (node, c) => {
    const w = await RespClient.connect(node.respPort);
    try {
      const id = await w.call("CLIENT", "ID") as number;
      await w.write(encodeCommands([["BLPOP", "l", "0"]]));
      await waitBlocked(c, 1);
      assert.match(
        await c.call("CLIENT", "LIST", "ID", String(id)) as string,
        / flags=b /,
      );
      assert.equal(await c.call("CLIENT", "UNBLOCK", String(id)), 1);
      assert.deepEqual(await w.read(), NULL_ARRAY);
      await w.write(encodeCommands([["BLMPOP", "0", "1", "l", "RIGHT"]]));
      await waitBlocked(c, 1);
      assert.equal(
        await c.call("CLIENT", "UNBLOCK", String(id), "ERROR"),
        1,
      );
      assert.match(
        errorOf(await w.read()),
        /UNBLOCKED client unblocked via CLIENT UNBLOCK/,
      );
      assert.equal(await c.call("CLIENT", "UNBLOCK", String(id)), 0);
      assert.match(
        errorOf(await c.call("CLIENT", "UNBLOCK", String(id), "LATER")),
        /ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR/,
      );
      // Still usable.
      await w.write(encodeCommands([["BLPOP", "l", "0"]]));
      await waitBlocked(c, 1);
      await c.call("LPUSH", "l", "foo");
      assert.deepEqual(await w.read(), ["l", "foo"]);
    } finally {
      w.close();
    }
  });
});

Deno.test("a waiter that hangs up or is killed is forgotten, and takes nothing", async () => {
  await withRespNode(async (node, c) => {
    const gone = await RespClient.connect(node.respPort);
    await gone.write(encodeCommands([["BLPOP", "k", "0"]]));
    await waitBlocked(c, 1);
    gone.close();
    await waitBlocked(c, 0);
    const killed = await RespClient.connect(node.respPort);
    const id = await killed.call("CLIENT", "ID") as number;
    await killed.write(encodeCommands([["BLPOP", "k", "0"]]));
    await waitBlocked(c, 1);
    assert.equal(await c.call("CLIENT", "KILL", "ID", String(id)), 1);
    assert.equal(await killed.read(), undefined);
    killed.close();
    await waitBlocked(c, 0);
    await c.call("RPUSH", "k", "v");
    assert.deepEqual(await c.call("LRANGE", "k", "0", "-1"), ["v"]);
  });
});

Deno.test("the node stopping closes a blocked client's connection", async () => {
  const node = await startRespNode();
  const c = await RespClient.connect(node.respPort);
  const w = await RespClient.connect(node.respPort);
  try {
    await w.write(encodeCommands([["BLPOP", "k", "0"]]));
    await waitBlocked(c, 1);
    c.close();
    await node.close();
    assert.equal(await w.read(), undefined);
  } finally {
    w.close();
  }
});

Deno.test("the binary port blocks too, and holds the frames behind a blocked one", async () => {
  await withRespNode(async (node, c) => {
    const op = (name: Parameters<typeof commandInfo>[0]): number =>
      commandInfo(name).opcode;
    const w = await RawClient.connect(node.port);
    try {
      const first = await w.send(op("BLMPOP"), ["0", "2", "a", "b", "LEFT"]);
      const second = await w.send(op("PING"), []);
      await waitBlocked(c, 1);
      await c.call("RPUSH", "b", "x", "y");
      const served = await w.read();
      assert.equal(served?.id, first);
      assert.equal(served?.opcode, op("BLMPOP"));
      assert.equal(served?.reply.kind, "array");
      const pong = await w.read();
      assert.equal(pong?.id, second);
      assert.deepEqual(pong?.reply, { kind: "status", value: "PONG" });
      const timedOut = await w.call(op("BRPOPLPUSH"), "none", "d", "0.01");
      assert.equal(timedOut.kind, "null");
    } finally {
      w.close();
    }
  });
});

Deno.test("a blocked client is not closed as idle (--timeout)", async () => {
  const node = await startRespNode({ timeout: 1 });
  const c = await RespClient.connect(node.respPort);
  const w = await RespClient.connect(node.respPort);
  try {
    await w.write(encodeCommands([["BLPOP", "idle", "0"]]));
    await waitBlocked(c, 1);
    // Past the idle timeout (checked every 250 ms) while blocked; the other
    // connection keeps itself active meanwhile.
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 300));
      await c.call("PING");
    }
    assert.equal(await blockedClients(c), 1);
    await c.call("RPUSH", "idle", "v");
    assert.deepEqual(await w.read(), ["idle", "v"]);
  } finally {
    c.close();
    w.close();
    await node.close();
  }
});
