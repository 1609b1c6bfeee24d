/**
 * CLIENT TRACKING against Redis: a redis-server and a CacheMir node get the
 * same script on two connections each — a tracking one (RESP3, and apart a
 * RESP2 one) and another that writes — and every byte the tracking
 * connection receives (replies and `>2 invalidate` pushes, errors) must be
 * the same. After each step the tracking connection sends PING and what it
 * received up to PONG is compared: a push sent before the PING's reply
 * arrives before it on both. HELLO's and CLIENT ID's replies differ by
 * design and are not compared. Then `redis-cli -3` with CLIENT TRACKING ON
 * prints the invalidate push the same from both.
 */

import assert from "node:assert/strict";
import { startRespNode } from "../_helpers/resp_node.ts";
import { startRedis } from "./_harness.ts";

/** `T` runs on the tracking connection, `O` on the other one. */
type Step = readonly ["T" | "O" | "T!", ...string[]];

function encode(args: readonly string[]): Uint8Array {
  let s = `*${args.length}\r\n`;
  for (const a of args) {
    s += `$${new TextEncoder().encode(a).length}\r\n${a}\r\n`;
  }
  return new TextEncoder().encode(s);
}

/** Reads until the bytes end with `end`. */
async function readUntil(conn: Deno.Conn, end: string): Promise<string> {
  const buf = new Uint8Array(65536);
  let text = "";
  while (!text.endsWith(end)) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`closed after ${JSON.stringify(text)}`);
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return text;
}

/** Runs a script; returns what the tracking connection got at each step. */
async function run(port: number, steps: readonly Step[]): Promise<string[]> {
  const t = await Deno.connect({ hostname: "127.0.0.1", port });
  const o = await Deno.connect({ hostname: "127.0.0.1", port });
  const seen: string[] = [];
  try {
    for (const [who, ...args] of steps) {
      if (who === "O") {
        await o.write(encode(args));
        // One reply line or bulk: every O command here answers in one line.
        await readUntil(o, "\r\n");
      } else {
        await t.write(encode(args));
        await t.write(encode(["PING"]));
        const got = await readUntil(t, "+PONG\r\n");
        // "T!": a reply that differs by design (HELLO, CLIENT ID).
        seen.push(who === "T!" ? "(not compared)" : got);
      }
    }
  } finally {
    t.close();
    o.close();
  }
  return seen;
}

const RESP3: readonly Step[] = [
  ["T!", "HELLO", "3"],
  ["T", "CLIENT", "TRACKINGINFO"],
  ["T", "CLIENT", "GETREDIR"],
  ["T", "CLIENT", "TRACKING", "ON"],
  ["T", "CLIENT", "TRACKINGINFO"],
  ["T", "CLIENT", "GETREDIR"],
  ["T", "GET", "k"],
  ["O", "SET", "k", "v"],
  ["T", "GET", "k"],
  ["T", "SET", "k", "w"], // its own write: the push follows the reply
  ["T", "MGET", "a", "b"],
  ["O", "MSET", "a", "1", "b", "2"],
  ["T", "GET", "k"],
  ["O", "DEL", "k"],
  ["T", "STRLEN", "k"],
  ["O", "APPEND", "k", "x"],
  ["T", "EXISTS", "k"],
  ["O", "EXPIRE", "k", "100"],
  // Collections changed in place: a small (packed) hash and a list.
  ["T", "HGET", "h", "f"],
  ["O", "HSET", "h", "f", "1"],
  ["T", "HGET", "h", "f"],
  ["O", "HSET", "h", "f", "2"],
  ["T", "HGETALL", "h"],
  ["O", "HDEL", "h", "f"],
  ["T", "LRANGE", "l", "0", "-1"],
  ["O", "RPUSH", "l", "a"],
  ["T", "LLEN", "l"],
  ["O", "RPUSH", "l", "b"],
  ["T", "SISMEMBER", "s", "m"],
  ["O", "SADD", "s", "m"],
  ["T", "SCARD", "s"],
  ["O", "SADD", "s", "n"],
  ["T", "GET", "j"],
  ["O", "FLUSHALL"],
  ["T", "CLIENT", "TRACKING", "OFF"],
  ["T", "CLIENT", "TRACKINGINFO"],
  ["T", "GET", "k"],
  ["O", "SET", "k", "z"],
  // Errors, as Redis words them.
  ["T", "CLIENT", "TRACKING"],
  ["T", "CLIENT", "TRACKING", "maybe"],
  ["T", "CLIENT", "TRACKING", "ON", "FOO"],
  ["T", "CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"],
  ["T", "CLIENT", "TRACKING", "ON", "OPTIN", "BCAST"],
  ["T", "CLIENT", "TRACKING", "ON", "PREFIX", "a"],
  ["T", "CLIENT", "TRACKING", "ON", "PREFIX"],
  ["T", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab"],
  ["T", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "a"],
  ["T", "CLIENT", "TRACKING", "ON", "REDIRECT", "abc"],
  ["T", "CLIENT", "TRACKING", "ON", "REDIRECT", "99999"],
  ["T", "CLIENT", "CACHING", "yes"],
  // OPTIN: only the command after CLIENT CACHING yes is tracked.
  ["T", "CLIENT", "TRACKING", "ON", "OPTIN"],
  ["T", "CLIENT", "TRACKING", "ON", "OPTOUT"],
  ["T", "CLIENT", "TRACKING", "ON", "BCAST"],
  ["T", "CLIENT", "CACHING", "no"],
  ["T", "CLIENT", "CACHING", "maybe"],
  ["T", "GET", "o1"],
  ["O", "SET", "o1", "1"],
  ["T", "CLIENT", "CACHING", "yes"],
  ["T", "CLIENT", "TRACKINGINFO"],
  ["T", "GET", "o2"],
  ["O", "SET", "o2", "1"],
  ["T", "CLIENT", "TRACKING", "OFF"],
  // BCAST with a prefix, NOLOOP.
  ["T", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "NOLOOP"],
  ["T", "CLIENT", "TRACKINGINFO"],
  ["T", "CLIENT", "GETREDIR"],
  ["O", "SET", "user:1", "x"],
  ["O", "SET", "order:1", "x"],
  ["T", "SET", "user:2", "y"],
  ["T", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "us"],
  ["T", "CLIENT", "TRACKING", "OFF"],
  // RESET turns tracking off.
  ["T", "CLIENT", "TRACKING", "ON"],
  ["T!", "RESET"],
  ["T", "CLIENT", "TRACKINGINFO"],
];

const RESP2: readonly Step[] = [
  ["T", "CLIENT", "TRACKING", "ON"],
  ["T", "CLIENT", "TRACKINGINFO"],
  ["T", "GET", "k"],
  ["O", "SET", "k", "v"],
  ["T", "GET", "k"],
];

Deno.test("compat: CLIENT TRACKING's replies, errors and invalidation pushes as Redis sends them", async () => {
  const redis = await startRedis();
  const node = await startRespNode();
  try {
    for (const [name, steps] of [["RESP3", RESP3], ["RESP2", RESP2]] as const) {
      const expected = await run(redis.port, steps);
      const actual = await run(node.respPort, steps);
      let i = 0;
      for (const [who, ...args] of steps) {
        if (who === "O") continue;
        assert.equal(
          JSON.stringify(actual[i]),
          JSON.stringify(expected[i]),
          `${name}: ${args.join(" ")}`,
        );
        i++;
      }
      // The script met pushes: it tests something.
      if (name === "RESP3") {
        assert.ok(actual.some((s) => s.includes(">2\r\n$10\r\ninvalidate")));
      }
    }
  } finally {
    await node.close();
    await redis.stop();
  }
});

/**
 * `redis-cli -3 --show-pushes yes`: CLIENT TRACKING ON and GET k, then
 * another client writes k, then PING; what it prints.
 */
async function redisCli(port: number, key: string): Promise<string> {
  const child = new Deno.Command("redis-cli", {
    args: ["-3", "--show-pushes", "yes", "-h", "127.0.0.1", "-p", String(port)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const reader = child.stdout.getReader();
  let out = "";
  await stdin.write(
    new TextEncoder().encode(`CLIENT TRACKING ON\nGET ${key}\n`),
  );
  // Its two replies: OK, then the value (an empty line for nil).
  while (out.split("\n").length < 3) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  const other = await Deno.connect({ hostname: "127.0.0.1", port });
  await other.write(encode(["SET", key, "from another client"]));
  await readUntil(other, "\r\n");
  other.close();
  await stdin.write(new TextEncoder().encode("PING\n"));
  await stdin.close();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  await child.status;
  await child.stderr.cancel();
  return out;
}

Deno.test("compat: redis-cli -3 with CLIENT TRACKING ON receives the invalidate push from the RESP port", async () => {
  const redis = await startRedis();
  const node = await startRespNode();
  try {
    const fromRedis = await redisCli(redis.port, "cli:k");
    const fromNode = await redisCli(node.respPort, "cli:k");
    assert.equal(fromNode, fromRedis);
    assert.match(fromNode, /invalidate\ncli:k\nPONG/);
  } finally {
    await node.close();
    await redis.stop();
  }
});
