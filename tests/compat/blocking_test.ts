/**
 * The blocking list commands against Redis: the same scenarios, each with
 * several connections (some block, one writes), run on a redis-server and
 * on a CacheMir node, and the transcripts of replies compared. Covers the
 * argument errors, immediate answers, timeouts (RESP2 and RESP3 nulls),
 * first-blocked-first-served, one push serving many, BLMOVE chains,
 * WRONGTYPE on resume, pipelined requests behind a blocked one, CLIENT
 * UNBLOCK and INFO's `blocked_clients`.
 */

import assert from "node:assert/strict";
import {
  encodeCommands,
  RespClient,
  type RespValue,
} from "../_helpers/resp_client.ts";
import { startRespNode } from "../_helpers/resp_node.ts";
import { untilBlockedClients } from "../_helpers/eventually.ts";
import { startRedis } from "./_harness.ts";

/** What a scenario sees: connections to one server, opened on demand. */
interface Scene {
  /** A new connection. */
  connect(): Promise<RespClient>;
  /** Waits (bounded) until INFO reports `n` blocked clients. */
  blocked(n: number): Promise<void>;
}

type Scenario = (s: Scene, log: RespValue[]) => Promise<void>;

/** Sends commands without reading (the connection blocks on the first). */
async function send(c: RespClient, ...commands: string[][]): Promise<void> {
  await c.write(encodeCommands(commands));
}

async function read(c: RespClient): Promise<RespValue> {
  const r = await c.read();
  assert.ok(r !== undefined, "connection closed");
  return r;
}

const SCENARIOS: Record<string, Scenario> = {
  "argument errors and immediate answers": async (s, log) => {
    const c = await s.connect();
    const commands: string[][] = [
      ["RPUSH", "l", "a", "b", "c", "d", "e"],
      ["SET", "str", "v"],
      ["BLPOP", "none", "l", "0"],
      ["BRPOP", "none", "l", "1"],
      ["BLPOP", "str", "l", "0"],
      ["BLPOP", "none", "str", "0"],
      ["BLPOP", "k", "-1"],
      ["BLPOP", "k", "abc"],
      ["BLPOP", "k", "inf"],
      ["BLPOP", "k", "nan"],
      ["BLPOP", "k", "9223372036854776"],
      ["BLPOP", "k"],
      ["BRPOPLPUSH", "l", "d", "x"],
      ["BRPOPLPUSH", "l", "d", "0"],
      ["BRPOPLPUSH", "str", "d", "0"],
      ["BRPOPLPUSH", "l", "str", "0"],
      ["BLMOVE", "l", "d", "LEFT", "UP", "0"],
      ["BLMOVE", "l", "d", "LEFT", "RIGHT", "-0.5"],
      ["BLMOVE", "l", "d", "LEFT", "RIGHT", "0"],
      ["LRANGE", "d", "0", "-1"],
      ["RPUSH", "m", "1", "2", "3", "4"],
      ["LMPOP", "2", "none", "m", "LEFT"],
      ["LMPOP", "1", "m", "RIGHT", "COUNT", "2"],
      ["LMPOP", "1", "none", "LEFT"],
      ["LMPOP", "2", "str", "m", "LEFT"],
      ["LMPOP", "0", "m", "LEFT"],
      ["LMPOP", "x", "m", "LEFT"],
      ["LMPOP", "5", "m", "LEFT"],
      ["LMPOP", "1", "m", "MIDDLE"],
      ["LMPOP", "1", "m", "LEFT", "COUNT", "0"],
      ["LMPOP", "1", "m", "LEFT", "COUNT", "1", "COUNT", "1"],
      ["LMPOP", "1", "m", "LEFT", "FOO", "1"],
      ["LMPOP", "1", "m"],
      ["BLMPOP", "0", "1", "m", "LEFT", "COUNT", "9"],
      ["BLMPOP", "-1", "1", "m", "LEFT"],
      ["BLMPOP", "0", "0", "m", "LEFT"],
      ["BLMPOP", "x", "1", "m", "LEFT"],
      ["BLMPOP", "inf", "1", "m", "LEFT", "COUNT", "0"],
      ["BLMPOP", "-1", "0", "m", "LEFT"],
      ["BLPOP", "none", "0.01"],
      ["BRPOP", "none", "0.01"],
      ["BRPOPLPUSH", "none", "d", "0.01"],
      ["BLMOVE", "none", "d", "RIGHT", "LEFT", "0.01"],
      ["BLMPOP", "0.01", "2", "none", "none2", "RIGHT"],
      ["CLIENT", "UNBLOCK", "x"],
      ["CLIENT", "UNBLOCK", "1", "LATER"],
      ["CLIENT", "UNBLOCK", "999999"],
      ["CLIENT", "UNBLOCK", "1", "TIMEOUT", "extra"],
      ["CLIENT", "UNBLOCK"],
    ];
    for (const cmd of commands) log.push(await c.call(...cmd));
  },

  "RESP3 timeouts answer null": async (s, log) => {
    const c = await s.connect();
    await c.call("HELLO", "3");
    log.push(await c.call("BLPOP", "none", "0.01"));
    log.push(await c.call("BRPOPLPUSH", "none", "d", "0.01"));
    log.push(await c.call("BLMPOP", "0.01", "1", "none", "LEFT"));
  },

  "one push serves the waiters in the order they blocked": async (s, log) => {
    const c = await s.connect();
    const w1 = await s.connect();
    const w2 = await s.connect();
    const w3 = await s.connect();
    await send(w1, ["BRPOP", "q", "0"]);
    await s.blocked(1);
    await send(w2, ["BLPOP", "other", "q", "0"]);
    await s.blocked(2);
    await send(w3, ["BLMPOP", "0", "1", "q", "LEFT", "COUNT", "5"]);
    await s.blocked(3);
    log.push(await c.call("LPUSH", "q", "x", "y", "z", "t"));
    log.push(await read(w1), await read(w2), await read(w3));
    log.push(await c.call("EXISTS", "q"));
  },

  "BLMOVE chains, circular and self-referential BRPOPLPUSH": async (
    s,
    log,
  ) => {
    const c = await s.connect();
    const w1 = await s.connect();
    const w2 = await s.connect();
    await send(w1, ["BLMOVE", "l1", "l2", "RIGHT", "LEFT", "0"]);
    await s.blocked(1);
    await send(w2, ["BLMOVE", "l2", "l3", "LEFT", "RIGHT", "0"]);
    await s.blocked(2);
    log.push(await c.call("RPUSH", "l1", "foo"));
    log.push(await read(w1), await read(w2));
    log.push(await c.call("LRANGE", "l3", "0", "-1"));
    await send(w1, ["BRPOPLPUSH", "c1", "c2", "0"]);
    await s.blocked(1);
    await send(w2, ["BRPOPLPUSH", "c2", "c1", "0"]);
    await s.blocked(2);
    log.push(await c.call("RPUSH", "c1", "bar"));
    log.push(await read(w1), await read(w2));
    log.push(await c.call("LRANGE", "c1", "0", "-1"));
    await send(w1, ["BRPOPLPUSH", "self", "self", "0"]);
    await s.blocked(1);
    log.push(await c.call("RPUSH", "self", "x"));
    log.push(await read(w1), await c.call("LRANGE", "self", "0", "-1"));
  },

  "WRONGTYPE on resume leaves the element, the next waiter gets it": async (
    s,
    log,
  ) => {
    const c = await s.connect();
    const w1 = await s.connect();
    const w2 = await s.connect();
    log.push(await c.call("SET", "t1", "string"));
    await send(w1, ["BRPOPLPUSH", "src", "t1", "0"]);
    await s.blocked(1);
    await send(w2, ["BRPOPLPUSH", "src", "t2", "0"]);
    await s.blocked(2);
    log.push(await c.call("RPUSH", "src", "a", "b"));
    log.push(await read(w1), await read(w2));
    log.push(await c.call("LRANGE", "src", "0", "-1"));
    log.push(await c.call("LRANGE", "t2", "0", "-1"));
  },

  "pipelined requests behind a blocked one wait for it": async (s, log) => {
    const c = await s.connect();
    const w = await s.connect();
    await send(w, ["BLPOP", "p", "0"], ["PING"], ["LPUSH", "after", "1"], [
      "LLEN",
      "after",
    ]);
    await s.blocked(1);
    log.push(await c.call("EXISTS", "after"));
    log.push(await c.call("RPUSH", "p", "v"));
    for (let i = 0; i < 4; i++) log.push(await read(w));
  },

  "CLIENT UNBLOCK, then the client still works": async (s, log) => {
    const c = await s.connect();
    const w = await s.connect();
    const id = String(await w.call("CLIENT", "ID"));
    await send(w, ["BLPOP", "u", "0"]);
    await s.blocked(1);
    log.push(await c.call("CLIENT", "UNBLOCK", id));
    log.push(await read(w));
    await send(w, ["BLMOVE", "u", "v", "LEFT", "LEFT", "0"]);
    await s.blocked(1);
    log.push(await c.call("CLIENT", "UNBLOCK", id, "TIMEOUT"));
    log.push(await read(w));
    await send(w, ["BLMPOP", "0", "1", "u", "LEFT"]);
    await s.blocked(1);
    log.push(await c.call("CLIENT", "UNBLOCK", id, "ERROR"));
    log.push(await read(w));
    log.push(await c.call("CLIENT", "UNBLOCK", id));
    await send(w, ["BLPOP", "u", "0"]);
    await s.blocked(1);
    log.push(await c.call("LPUSH", "u", "foo"));
    log.push(await read(w));
  },

  "a waiter that hangs up is forgotten": async (s, log) => {
    const c = await s.connect();
    const w = await s.connect();
    await send(w, ["BLPOP", "h", "0"]);
    await s.blocked(1);
    w.close();
    await s.blocked(0);
    log.push(await c.call("RPUSH", "h", "kept"));
    log.push(await c.call("LRANGE", "h", "0", "-1"));
  },
};

/** Runs a scenario against the server on `port`. */
async function transcript(
  port: number,
  scenario: Scenario,
): Promise<RespValue[]> {
  const opened: RespClient[] = [];
  const admin = await RespClient.connect(port);
  opened.push(admin);
  const scene: Scene = {
    connect: async () => {
      const c = await RespClient.connect(port);
      opened.push(c);
      return c;
    },
    blocked: (n) => untilBlockedClients(admin, n, `port ${port}`),
  };
  try {
    await admin.call("FLUSHALL");
    const log: RespValue[] = [];
    await scenario(scene, log);
    return log;
  } finally {
    for (const c of opened) c.close();
  }
}

Deno.test("blocking list commands: CacheMir answers as Redis 7.0 does", async (t) => {
  const redis = await startRedis();
  const node = await startRespNode();
  try {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      await t.step(name, async () => {
        const theirs = await transcript(redis.port, scenario);
        const ours = await transcript(node.respPort, scenario);
        assert.deepEqual(ours, theirs);
      });
    }
  } finally {
    await node.close();
    await redis.stop();
  }
});
