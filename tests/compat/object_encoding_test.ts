/**
 * OBJECT ENCODING against a real redis-server, after fresh writes (where
 * Redis's encoding depends on the value only): strings around the int,
 * embstr and raw bounds, hashes around 512 fields and 64-byte fields and
 * values, sets around 512 integers, lists. The random differential test
 * compares encodings by type only, since Redis's also depend on history.
 */

import assert from "node:assert/strict";
import { setupLogging } from "../../server/log.ts";
import { withServers } from "./_harness.ts";

setupLogging("error");

function range(n: number, f: (i: number) => string[]): string[] {
  return Array.from({ length: n }, (_, i) => f(i)).flat();
}

/** Fresh writes, each to its own key, then OBJECT ENCODING of that key. */
const CASES: readonly (readonly string[])[] = [
  ["SET", "s:int", "123"],
  ["SET", "s:neg", "-5"],
  ["SET", "s:min", "-9223372036854775808"],
  ["SET", "s:max", "9223372036854775807"],
  ["SET", "s:past", "9223372036854775808"],
  ["SET", "s:lead", "0123"],
  ["SET", "s:plus", "+5"],
  ["SET", "s:minus0", "-0"],
  ["SET", "s:space", " 1"],
  ["SET", "s:float", "1.5"],
  ["SET", "s:empty", ""],
  ["SET", "s:44", "x".repeat(44)],
  ["SET", "s:45", "x".repeat(45)],
  ["SET", "s:bin", "\x00\xff"],
  ["SETEX", "s:ex", "1000", "7"],
  ["MSET", "s:m1", "5", "s:m2", "hello"],
  ["GETSET", "s:gs", "5"],
  ["INCR", "s:incr"],
  ["RPUSH", "l:one", "a"],
  ["LPUSH", "l:many", ...range(200, (i) => [`e${i}`])],
  ["HSET", "h:small", "f", "v"],
  ["HSET", "h:64", "f", "v".repeat(64)],
  ["HSET", "h:65", "f", "v".repeat(65)],
  ["HSET", "h:key65", "f".repeat(65), "v"],
  ["HSET", "h:512", ...range(512, (i) => [`f${i}`, "v"])],
  ["HSET", "h:513", ...range(513, (i) => [`f${i}`, "v"])],
  ["SADD", "t:ints", "1", "2", "-3"],
  ["SADD", "t:512", ...range(512, (i) => [String(i)])],
  ["SADD", "t:513", ...range(513, (i) => [String(i)])],
  ["SADD", "t:word", "a"],
  ["SADD", "t:mixed", "1", "a"],
  ["SADD", "t:lead", "01"],
  ["SADD", "t:big", "9223372036854775808"],
];

Deno.test("compat: OBJECT ENCODING after fresh writes matches Redis's", async () => {
  await withServers(async (redis, node) => {
    for (const write of CASES) {
      const keys = write[0] === "MSET" ? [write[1], write[3]] : [write[1]];
      assert.deepEqual(
        await node.call(...write),
        await redis.call(...write),
        write.slice(0, 2).join(" "),
      );
      for (const k of keys) {
        const want = await redis.call("OBJECT", "ENCODING", k);
        assert.equal(typeof want, "string", `${k}: ${JSON.stringify(want)}`);
        assert.deepEqual(await node.call("OBJECT", "ENCODING", k), want, k);
      }
    }
    assert.deepEqual(
      await node.call("OBJECT", "ENCODING", "missing"),
      await redis.call("OBJECT", "ENCODING", "missing"),
    );
  });
});
