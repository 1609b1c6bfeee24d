/**
 * OBJECT ENCODING against a real redis-server, after fresh writes (where
 * Redis's encoding depends on the value only): strings around the int,
 * embstr and raw bounds, hashes around 512 fields and 64-byte fields and
 * values, sets around 512 integers, lists; then after histories where
 * Redis's encoding depends on what was done (a hashtable that shrinks stays
 * one, APPEND and SETRANGE make `raw`, CONFIG SET of the thresholds). The
 * random differential test compares encodings by type only (INCRBYFLOAT,
 * the bit commands and reads after a lowered threshold still differ).
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

/**
 * Histories whose encoding Redis fixes by what was done, not by the value
 * alone: a hash or set past the thresholds stays a hashtable when it
 * shrinks (and through RENAME), APPEND and SETRANGE leave a `raw` string,
 * and CONFIG SET of the thresholds (and their `*-ziplist-*` names) decides
 * the next writes' encodings. Each history runs on both servers, then the
 * key's encoding is compared exactly.
 */
const HISTORIES: readonly { key: string; run: readonly string[][] }[] = [
  {
    key: "h:shrunk",
    run: [
      ["HSET", "h:shrunk", ...range(513, (i) => [`f${i}`, "v"])],
      ["HDEL", "h:shrunk", ...range(510, (i) => [`f${i}`])],
    ],
  },
  {
    key: "h:long-then-short",
    run: [
      ["HSET", "h:long-then-short", "f", "v".repeat(65)],
      ["HSET", "h:long-then-short", "f", "v"],
    ],
  },
  {
    key: "t:shrunk",
    run: [
      ["SADD", "t:shrunk", ...range(513, (i) => [String(i)])],
      ["SREM", "t:shrunk", ...range(500, (i) => [String(i)])],
    ],
  },
  {
    key: "t:word-removed",
    run: [["SADD", "t:word-removed", "1", "a"], [
      "SREM",
      "t:word-removed",
      "a",
    ]],
  },
  {
    key: "t:renamed",
    run: [
      ["SADD", "t:from", "1", "a"],
      ["SREM", "t:from", "a"],
      ["RENAME", "t:from", "t:renamed"],
    ],
  },
  {
    key: "t:recreated",
    run: [
      ["SADD", "t:recreated", "a"],
      ["DEL", "t:recreated"],
      ["SADD", "t:recreated", "1"],
    ],
  },
  {
    key: "s:append",
    run: [["SET", "s:append", "12"], ["APPEND", "s:append", "3"]],
  },
  { key: "s:append-new", run: [["APPEND", "s:append-new", "12"]] },
  {
    key: "s:setrange",
    run: [["SET", "s:setrange", "1234"], ["SETRANGE", "s:setrange", "0", "2"]],
  },
  {
    key: "s:setrange-nothing",
    run: [["SET", "s:setrange-nothing", "1234"], [
      "SETRANGE",
      "s:setrange-nothing",
      "0",
      "",
    ]],
  },
  { key: "s:setrange-new", run: [["SETRANGE", "s:setrange-new", "2", "ab"]] },
  {
    key: "s:raw-renamed",
    run: [
      ["SET", "s:raw-from", "a"],
      ["APPEND", "s:raw-from", "b"],
      ["RENAME", "s:raw-from", "s:raw-renamed"],
    ],
  },
  {
    key: "s:raw-overwritten",
    run: [
      ["SET", "s:raw-overwritten", "a"],
      ["APPEND", "s:raw-overwritten", "b"],
      ["SET", "s:raw-overwritten", "5"],
    ],
  },
  {
    key: "h:entries-4",
    run: [
      ["CONFIG", "SET", "hash-max-listpack-entries", "4"],
      ["HSET", "h:entries-4", ...range(4, (i) => [`f${i}`, "v"])],
    ],
  },
  {
    key: "h:entries-5",
    run: [
      ["CONFIG", "SET", "hash-max-ziplist-entries", "4"],
      ["HSET", "h:entries-5", ...range(5, (i) => [`f${i}`, "v"])],
      ["CONFIG", "SET", "hash-max-listpack-entries", "512"],
    ],
  },
  {
    key: "h:value-9",
    run: [
      ["CONFIG", "SET", "hash-max-ziplist-value", "8"],
      ["HSET", "h:value-9", "f", "123456789"],
      ["CONFIG", "SET", "hash-max-listpack-value", "64"],
    ],
  },
  {
    key: "h:value-8",
    run: [
      ["CONFIG", "SET", "hash-max-listpack-value", "8"],
      ["HSET", "h:value-8", "f", "12345678"],
      ["CONFIG", "SET", "hash-max-listpack-value", "64"],
    ],
  },
  {
    key: "t:intset-3",
    run: [
      ["CONFIG", "SET", "set-max-intset-entries", "2"],
      ["SADD", "t:intset-3", "1", "2", "3"],
      ["CONFIG", "SET", "set-max-intset-entries", "512"],
    ],
  },
  {
    key: "l:fill-1",
    run: [
      ["CONFIG", "SET", "list-max-ziplist-size", "1"],
      ["CONFIG", "SET", "list-compress-depth", "1"],
      ["RPUSH", "l:fill-1", "a", "b", "c"],
      ["CONFIG", "SET", "list-max-listpack-size", "-2"],
      ["CONFIG", "SET", "list-compress-depth", "0"],
    ],
  },
];

Deno.test("compat: OBJECT ENCODING after histories (shrinking, APPEND, SETRANGE, CONFIG SET thresholds) matches Redis's", async () => {
  await withServers(async (redis, node) => {
    for (const { key, run } of HISTORIES) {
      for (const command of run) {
        assert.deepEqual(
          await node.call(...command),
          await redis.call(...command),
          `${key}: ${command.slice(0, 3).join(" ")}`,
        );
      }
      const want = await redis.call("OBJECT", "ENCODING", key);
      assert.equal(typeof want, "string", `${key}: ${JSON.stringify(want)}`);
      assert.deepEqual(await node.call("OBJECT", "ENCODING", key), want, key);
    }
    for (
      const name of [
        "hash-max-listpack-entries",
        "hash-max-ziplist-value",
        "set-max-intset-entries",
        "list-max-listpack-size",
        "list-compress-depth",
      ]
    ) {
      assert.deepEqual(
        await node.call("CONFIG", "GET", name),
        await redis.call("CONFIG", "GET", name),
        name,
      );
    }
  });
});
