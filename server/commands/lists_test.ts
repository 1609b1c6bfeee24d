import assert from "node:assert/strict";
import { NULL_ARRAY } from "@cachemir/protocol";
import {
  ALL_BYTES,
  err,
  harness,
  plain as plainOf,
  WRONGTYPE_ERR,
} from "./_testing.ts";

const NOT_INT = err("ERR value is not an integer or out of range");
const SYNTAX = err("ERR syntax error");
const POSITIVE = err("ERR value is out of range, must be positive");

/** A harness with a string at "str" and the list "l" = a b c d e. */
function withList(): ReturnType<typeof harness> {
  const h = harness();
  h.call("SET", "str", "v");
  h.call("RPUSH", "l", "a", "b", "c", "d", "e");
  return h;
}

function range(h: ReturnType<typeof harness>, key: string): unknown {
  return h.call("LRANGE", key, "0", "-1");
}

Deno.test("LPUSH, RPUSH, LPUSHX, RPUSHX push every element in order", () => {
  const h = harness();
  assert.equal(h.call("LPUSHX", "l", "a"), 0);
  assert.equal(h.call("RPUSHX", "l", "a"), 0);
  assert.equal(h.call("EXISTS", "l"), 0);
  assert.equal(h.call("RPUSH", "l", "c", "d"), 2);
  assert.equal(h.call("LPUSH", "l", "b", "a"), 4);
  assert.equal(h.call("RPUSHX", "l", "e", "f"), 6);
  assert.equal(h.call("LPUSHX", "l", "0"), 7);
  assert.deepEqual(range(h, "l"), ["0", "a", "b", "c", "d", "e", "f"]);
  assert.equal(h.call("TYPE", "l"), "list");
  assert.deepEqual(
    h.call("RPUSH", "l"),
    err("ERR wrong number of arguments for 'rpush' command"),
  );
  assert.deepEqual(
    h.call("LPUSHX", "l"),
    err("ERR wrong number of arguments for 'lpushx' command"),
  );
});

Deno.test("List commands answer WRONGTYPE for other types", () => {
  const h = harness();
  h.call("SET", "str", "v");
  h.call("HSET", "hash", "f", "v");
  h.call("SADD", "set", "m");
  h.call("RPUSH", "l", "x");
  const commands: string[][] = [
    ["LPUSH", "a"],
    ["RPUSH", "a"],
    ["LPUSHX", "a"],
    ["RPUSHX", "a"],
    ["LPOP"],
    ["RPOP"],
    ["LPOP", "0"],
    ["RPOP", "2"],
    ["LLEN"],
    ["LRANGE", "0", "-1"],
    ["LINDEX", "0"],
    ["LINDEX", "abc"],
    ["LSET", "0", "x"],
    ["LSET", "abc", "x"],
    ["LREM", "0", "x"],
    ["LTRIM", "0", "-1"],
    ["LINSERT", "BEFORE", "a", "b"],
    ["LPOS", "a"],
    ["LPOS", "a", "COUNT", "0"],
    ["LMOVE", "l", "LEFT", "RIGHT"],
    ["RPOPLPUSH", "l"],
  ];
  for (const key of ["str", "hash", "set"]) {
    for (const [name, ...rest] of commands) {
      assert.deepEqual(
        h.call(name, key, ...rest),
        WRONGTYPE_ERR,
        `${name} ${key}`,
      );
    }
    // The destination of LMOVE / RPOPLPUSH is checked before the pop.
    assert.deepEqual(
      h.call("LMOVE", "l", key, "LEFT", "RIGHT"),
      WRONGTYPE_ERR,
    );
    assert.deepEqual(h.call("RPOPLPUSH", "l", key), WRONGTYPE_ERR);
    assert.deepEqual(range(h, "l"), ["x"]);
  }
});

Deno.test("LPOP and RPOP without a count: one element or NULL", () => {
  const h = withList();
  assert.equal(h.call("LPOP", "l"), "a");
  assert.equal(h.call("RPOP", "l"), "e");
  assert.deepEqual(range(h, "l"), ["b", "c", "d"]);
  assert.equal(h.call("LPOP", "nokey"), null);
  assert.equal(h.run("LPOP", "nokey").kind, "null");
  assert.notEqual(h.run("LPOP", "nokey"), NULL_ARRAY);
  h.call("RPOP", "l");
  h.call("RPOP", "l");
  assert.equal(h.call("EXISTS", "l"), 1);
  assert.equal(h.call("LPOP", "l"), "b");
  assert.equal(h.call("EXISTS", "l"), 0, "an emptied list is deleted");
});

Deno.test("LPOP and RPOP with a count: count rules as Redis 7.0", () => {
  const h = withList();
  // A missing key is a null *array*; a count of 0 on a list an empty array.
  assert.equal(h.run("LPOP", "nokey", "2"), NULL_ARRAY);
  assert.equal(h.run("RPOP", "nokey", "0"), NULL_ARRAY);
  assert.deepEqual(h.call("LPOP", "l", "0"), []);
  assert.equal(h.run("LPOP", "l", "0").kind, "array");
  assert.deepEqual(h.call("LPOP", "l", "2"), ["a", "b"]);
  assert.deepEqual(h.call("RPOP", "l", "2"), ["e", "d"]);
  assert.deepEqual(h.call("RPOP", "l", "9223372036854775807"), ["c"]);
  assert.equal(h.call("EXISTS", "l"), 0);
  assert.equal(h.run("RPOP", "l", "1"), NULL_ARRAY);
  // Errors: the count is checked before the type.
  for (const bad of ["-1", "abc", "1.5", "9223372036854775808", ""]) {
    assert.deepEqual(h.call("LPOP", "l", bad), POSITIVE, bad);
    assert.deepEqual(h.call("RPOP", "str", bad), POSITIVE, bad);
  }
  assert.deepEqual(h.call("LPOP", "str", "0"), WRONGTYPE_ERR);
  assert.deepEqual(
    h.call("LPOP", "l", "1", "2"),
    err("ERR wrong number of arguments for 'lpop' command"),
  );
  assert.deepEqual(
    h.call("RPOP", "l", "1", "2"),
    err("ERR wrong number of arguments for 'rpop' command"),
  );
});

Deno.test("LLEN and LRANGE with negative and out-of-range indexes", () => {
  const h = withList();
  assert.equal(h.call("LLEN", "l"), 5);
  assert.equal(h.call("LLEN", "nokey"), 0);
  const cases: [string, string, string[]][] = [
    ["0", "-1", ["a", "b", "c", "d", "e"]],
    ["1", "2", ["b", "c"]],
    ["-2", "-1", ["d", "e"]],
    ["-100", "100", ["a", "b", "c", "d", "e"]],
    ["-100", "0", ["a"]],
    ["3", "1", []],
    ["5", "10", []],
    ["-1", "-2", []],
    ["0", "-6", []],
    ["9223372036854775807", "-9223372036854775808", []],
    ["-9223372036854775808", "9223372036854775807", ["a", "b", "c", "d", "e"]],
  ];
  for (const [start, stop, expected] of cases) {
    assert.deepEqual(
      h.call("LRANGE", "l", start, stop),
      expected,
      `${start} ${stop}`,
    );
  }
  assert.deepEqual(h.call("LRANGE", "nokey", "0", "-1"), []);
  // The indexes are checked before the type.
  assert.deepEqual(h.call("LRANGE", "str", "a", "1"), NOT_INT);
  assert.deepEqual(h.call("LRANGE", "nokey", "0", "1.5"), NOT_INT);
  assert.deepEqual(h.call("LRANGE", "str", "0", "1"), WRONGTYPE_ERR);
});

Deno.test("LINDEX and LSET with negative and out-of-range indexes", () => {
  const h = withList();
  assert.equal(h.call("LINDEX", "l", "0"), "a");
  assert.equal(h.call("LINDEX", "l", "-1"), "e");
  assert.equal(h.call("LINDEX", "l", "-5"), "a");
  assert.equal(h.call("LINDEX", "l", "-6"), null);
  assert.equal(h.call("LINDEX", "l", "5"), null);
  assert.equal(h.call("LINDEX", "l", "9223372036854775807"), null);
  assert.equal(h.call("LINDEX", "l", "-9223372036854775808"), null);
  assert.deepEqual(h.call("LINDEX", "l", "abc"), NOT_INT);
  // LINDEX and LSET look the key up before they read the index.
  assert.equal(h.call("LINDEX", "nokey", "abc"), null);
  assert.deepEqual(h.call("LINDEX", "str", "abc"), WRONGTYPE_ERR);
  assert.equal(h.call("LSET", "l", "-5", "A"), "OK");
  assert.equal(h.call("LSET", "l", "4", "E"), "OK");
  assert.deepEqual(range(h, "l"), ["A", "b", "c", "d", "E"]);
  const outOfRange = err("ERR index out of range");
  assert.deepEqual(h.call("LSET", "l", "5", "x"), outOfRange);
  assert.deepEqual(h.call("LSET", "l", "-6", "x"), outOfRange);
  assert.deepEqual(h.call("LSET", "l", "abc", "x"), NOT_INT);
  assert.deepEqual(h.call("LSET", "nokey", "abc", "x"), err("ERR no such key"));
  assert.deepEqual(h.call("LSET", "str", "abc", "x"), WRONGTYPE_ERR);
});

Deno.test("LREM removes from the head, the tail or everywhere", () => {
  const h = harness();
  const fill = (): void => {
    h.call("DEL", "l");
    h.call("RPUSH", "l", "x", "a", "x", "b", "x", "c", "x");
  };
  fill();
  assert.equal(h.call("LREM", "l", "2", "x"), 2);
  assert.deepEqual(range(h, "l"), ["a", "b", "x", "c", "x"]);
  fill();
  assert.equal(h.call("LREM", "l", "-3", "x"), 3);
  assert.deepEqual(range(h, "l"), ["x", "a", "b", "c"]);
  fill();
  assert.equal(h.call("LREM", "l", "0", "x"), 4);
  assert.deepEqual(range(h, "l"), ["a", "b", "c"]);
  assert.equal(h.call("LREM", "l", "0", "zz"), 0);
  fill();
  assert.equal(h.call("LREM", "l", "-9223372036854775808", "x"), 4);
  assert.equal(h.call("LREM", "l", "9223372036854775807", "a"), 1);
  h.call("DEL", "l");
  h.call("RPUSH", "l", "x", "x");
  assert.equal(h.call("LREM", "l", "0", "x"), 2);
  assert.equal(h.call("EXISTS", "l"), 0, "an emptied list is deleted");
  assert.equal(h.call("LREM", "nokey", "0", "x"), 0);
  h.call("SET", "str", "v");
  assert.deepEqual(h.call("LREM", "nokey", "abc", "x"), NOT_INT);
  assert.deepEqual(h.call("LREM", "str", "abc", "x"), NOT_INT);
  assert.deepEqual(h.call("LREM", "str", "0", "x"), WRONGTYPE_ERR);
});

Deno.test("LTRIM keeps a range, deletes an emptied list", () => {
  const h = withList();
  assert.equal(h.call("LTRIM", "l", "1", "-2"), "OK");
  assert.deepEqual(range(h, "l"), ["b", "c", "d"]);
  assert.equal(h.call("LTRIM", "l", "-100", "100"), "OK");
  assert.deepEqual(range(h, "l"), ["b", "c", "d"]);
  assert.equal(
    h.call("LTRIM", "l", "-9223372036854775808", "9223372036854775807"),
    "OK",
  );
  assert.deepEqual(range(h, "l"), ["b", "c", "d"]);
  assert.equal(h.call("LTRIM", "l", "2", "1"), "OK");
  assert.equal(h.call("EXISTS", "l"), 0);
  assert.equal(h.call("LTRIM", "nokey", "0", "1"), "OK");
  h.call("RPUSH", "l", "a", "b");
  assert.equal(h.call("LTRIM", "l", "5", "10"), "OK");
  assert.equal(h.call("EXISTS", "l"), 0);
  assert.deepEqual(h.call("LTRIM", "str", "a", "1"), NOT_INT);
  assert.deepEqual(h.call("LTRIM", "nokey", "0", "b"), NOT_INT);
  assert.deepEqual(h.call("LTRIM", "str", "0", "1"), WRONGTYPE_ERR);
});

Deno.test("LINSERT before and after the first pivot", () => {
  const h = harness();
  h.call("SET", "str", "v");
  h.call("RPUSH", "l", "a", "c", "a");
  assert.equal(h.call("LINSERT", "l", "BEFORE", "c", "b"), 4);
  assert.equal(h.call("LINSERT", "l", "after", "a", "a2"), 5);
  assert.equal(h.call("LINSERT", "l", "Before", "zz", "x"), -1);
  assert.deepEqual(range(h, "l"), ["a", "a2", "b", "c", "a"]);
  assert.equal(h.call("LINSERT", "nokey", "BEFORE", "a", "b"), 0);
  assert.equal(h.call("EXISTS", "nokey"), 0);
  assert.deepEqual(h.call("LINSERT", "l", "middle", "a", "b"), SYNTAX);
  assert.deepEqual(h.call("LINSERT", "str", "middle", "a", "b"), SYNTAX);
  assert.deepEqual(h.call("LINSERT", "str", "AFTER", "a", "b"), WRONGTYPE_ERR);
});

Deno.test("LPOS with RANK, COUNT and MAXLEN", () => {
  const h = harness();
  h.call("RPUSH", "l", "a", "b", "a", "c", "a");
  const cases: [string[], unknown][] = [
    [[], 0],
    [["RANK", "1"], 0],
    [["RANK", "2"], 2],
    [["RANK", "-1"], 4],
    [["RANK", "-3"], 0],
    [["RANK", "4"], null],
    [["RANK", "-4"], null],
    [["RANK", "9223372036854775807"], null],
    [["RANK", "-9223372036854775807"], null],
    [["COUNT", "0"], [0, 2, 4]],
    [["COUNT", "2"], [0, 2]],
    [["COUNT", "9223372036854775807"], [0, 2, 4]],
    [["RANK", "-1", "COUNT", "2"], [4, 2]],
    [["RANK", "2", "COUNT", "0"], [2, 4]],
    [["COUNT", "0", "MAXLEN", "3"], [0, 2]],
    [["RANK", "-1", "MAXLEN", "2", "COUNT", "0"], [4]],
    [["MAXLEN", "1"], 0],
    [["MAXLEN", "1", "RANK", "-1"], 4],
    [["MAXLEN", "9223372036854775807"], 0],
    [["COUNT", "1", "COUNT", "2"], [0, 2]],
    [["RANK", "2", "RANK", "-1"], 4],
    [["count", "0", "rank", "3"], [4]],
    [["RANK", "-4", "COUNT", "0"], []],
    // Redis negates INT64_MIN into itself: every match from the tail.
    [["RANK", "-9223372036854775808"], 4],
    [["RANK", "-9223372036854775808", "COUNT", "1"], [4, 2, 0]],
    [["RANK", "-9223372036854775808", "COUNT", "2", "MAXLEN", "4"], [4, 2]],
  ];
  for (const [options, expected] of cases) {
    assert.deepEqual(
      h.call("LPOS", "l", "a", ...options),
      expected,
      options.join(" "),
    );
  }
  assert.equal(h.call("LPOS", "l", "z"), null);
  assert.deepEqual(h.call("LPOS", "l", "z", "COUNT", "1"), []);
  assert.equal(h.call("LPOS", "nokey", "a"), null);
  assert.deepEqual(h.call("LPOS", "nokey", "a", "COUNT", "0"), []);
});

Deno.test("LPOS option errors come before the key's type", () => {
  const h = harness();
  h.call("SET", "str", "v");
  const rankZero = err(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  );
  const cases: [string[], unknown][] = [
    [["RANK", "0"], rankZero],
    [["RANK", "abc"], NOT_INT],
    [["RANK", "9223372036854775808"], NOT_INT],
    [["COUNT", "-1"], err("ERR COUNT can't be negative")],
    [["COUNT", "abc"], err("ERR COUNT can't be negative")],
    [["MAXLEN", "-1"], err("ERR MAXLEN can't be negative")],
    [["MAXLEN", "abc"], err("ERR MAXLEN can't be negative")],
    [["FOO"], SYNTAX],
    [["RANK"], SYNTAX],
    [["COUNT", "1", "MAXLEN"], SYNTAX],
  ];
  for (const [options, expected] of cases) {
    for (const key of ["str", "nokey"]) {
      assert.deepEqual(
        h.call("LPOS", key, "a", ...options),
        expected,
        options.join(" "),
      );
    }
  }
  assert.deepEqual(h.call("LPOS", "str", "a", "RANK", "1"), WRONGTYPE_ERR);
});

Deno.test("LMOVE and RPOPLPUSH move between lists, rotate one list", () => {
  const h = harness();
  h.call("RPUSH", "src", "a", "b", "c");
  assert.equal(h.call("LMOVE", "src", "dst", "LEFT", "RIGHT"), "a");
  assert.equal(h.call("LMOVE", "src", "dst", "right", "left"), "c");
  assert.deepEqual(range(h, "dst"), ["c", "a"]);
  assert.equal(h.call("RPOPLPUSH", "src", "dst"), "b");
  assert.equal(h.call("EXISTS", "src"), 0, "an emptied source is deleted");
  assert.deepEqual(range(h, "dst"), ["b", "c", "a"]);
  assert.equal(h.call("LMOVE", "src", "dst", "LEFT", "LEFT"), null);
  assert.equal(h.call("RPOPLPUSH", "src", "dst"), null);
  assert.equal(h.call("EXISTS", "src"), 0);
  // Same key: a rotation; a one-element list survives it.
  assert.equal(h.call("LMOVE", "dst", "dst", "LEFT", "RIGHT"), "b");
  assert.deepEqual(range(h, "dst"), ["c", "a", "b"]);
  assert.equal(h.call("LMOVE", "dst", "dst", "RIGHT", "LEFT"), "b");
  assert.deepEqual(range(h, "dst"), ["b", "c", "a"]);
  assert.equal(h.call("LMOVE", "dst", "dst", "LEFT", "LEFT"), "b");
  assert.equal(h.call("RPOPLPUSH", "dst", "dst"), "a");
  assert.deepEqual(range(h, "dst"), ["a", "b", "c"]);
  h.call("RPUSH", "one", "x");
  assert.equal(h.call("RPOPLPUSH", "one", "one"), "x");
  assert.deepEqual(range(h, "one"), ["x"]);
  assert.deepEqual(h.call("LMOVE", "dst", "x", "LEFT", "UP"), SYNTAX);
  assert.deepEqual(h.call("LMOVE", "dst", "x", "DOWN", "LEFT"), SYNTAX);
  assert.deepEqual(h.call("LMOVE", "nokey", "x", "DOWN", "LEFT"), SYNTAX);
});

Deno.test("List writes keep TTLs; a created destination has none", () => {
  const h = withList();
  h.call("EXPIRE", "l", "100");
  const writes: string[][] = [
    ["LPUSH", "x"],
    ["RPUSH", "y"],
    ["LPUSHX", "x"],
    ["RPUSHX", "y"],
    ["LPOP"],
    ["RPOP", "1"],
    ["LSET", "0", "z"],
    ["LREM", "1", "z"],
    ["LTRIM", "0", "-1"],
    ["LINSERT", "BEFORE", "b", "a"],
    ["LMOVE", "l", "LEFT", "RIGHT"],
    ["RPOPLPUSH", "l"],
  ];
  for (const [name, ...rest] of writes) {
    h.call(name, "l", ...rest);
    assert.equal(h.call("TTL", "l"), 100, name);
  }
  assert.equal(h.call("LMOVE", "l", "other", "LEFT", "LEFT"), "a");
  assert.equal(h.call("TTL", "other"), -1);
  h.call("EXPIRE", "other", "50");
  const tail = h.call("LINDEX", "l", "-1");
  assert.equal(h.call("RPOPLPUSH", "l", "other"), tail);
  assert.equal(h.call("LINDEX", "other", "0"), tail);
  assert.equal(h.call("TTL", "other"), 50);
  assert.equal(h.call("TTL", "l"), 100);
  h.now += 100_001;
  assert.equal(h.call("LLEN", "l"), 0);
  assert.equal(h.call("RPUSH", "l", "new"), 1);
  assert.equal(h.call("TTL", "l"), -1);
});

Deno.test("List commands are binary-safe", () => {
  const h = harness();
  assert.equal(h.call("RPUSH", ALL_BYTES, ALL_BYTES, "\x00", "\xff\xfe"), 3);
  assert.deepEqual(range(h, ALL_BYTES), [ALL_BYTES, "\x00", "\xff\xfe"]);
  assert.equal(h.call("LPOS", ALL_BYTES, "\x00"), 1);
  assert.equal(h.call("LINSERT", ALL_BYTES, "AFTER", "\x00", "\r\n"), 4);
  assert.equal(h.call("LREM", ALL_BYTES, "0", ALL_BYTES), 1);
  assert.equal(h.call("LMOVE", ALL_BYTES, "\x00", "LEFT", "LEFT"), "\x00");
  assert.deepEqual(range(h, ALL_BYTES), ["\r\n", "\xff\xfe"]);
  assert.equal(h.call("LINDEX", "\x00", "0"), "\x00");
});

Deno.test("Lists of a million elements push, pop and index at both ends", () => {
  const h = harness();
  const n = 1_000_000;
  const chunk = Array.from({ length: 10_000 }, (_, i) => `e${i}`);
  for (let i = 0; i < n; i += chunk.length) h.call("RPUSH", "big", ...chunk);
  assert.equal(h.call("LLEN", "big"), n);
  assert.equal(h.call("LINDEX", "big", "-1"), "e9999");
  assert.equal(h.call("LINDEX", "big", "500000"), "e0");
  assert.deepEqual(h.call("LRANGE", "big", "-2", "-1"), ["e9998", "e9999"]);
  assert.equal(h.call("LPUSH", "big", "head"), n + 1);
  assert.equal(h.call("LPOP", "big"), "head");
  assert.equal(h.call("RPOP", "big"), "e9999");
  assert.equal(h.call("LPOP", "big"), "e0");
  assert.deepEqual(h.call("LPOP", "big", "3"), ["e1", "e2", "e3"]);
  assert.equal(h.call("LTRIM", "big", "0", "9"), "OK");
  assert.deepEqual(h.call("LRANGE", "big", "0", "-1"), chunk.slice(4, 14));
});

Deno.test("BLPOP, BRPOP pop from the first key holding a list, else block", () => {
  const h = withList();
  assert.deepEqual(h.call("BLPOP", "none", "l", "0"), ["l", "a"]);
  assert.deepEqual(h.call("BRPOP", "none", "l", "1.5"), ["l", "e"]);
  assert.deepEqual(h.call("BLPOP", "none", "other", "0.25"), {
    blocked: ["none", "other"],
    timeoutMs: 250,
  });
  assert.deepEqual(h.call("BLPOP", "none", "str", "l", "0"), WRONGTYPE_ERR);
  // The retry pops once the key holds a list.
  const blocked = h.run("BRPOP", "q", "0");
  assert.equal(blocked.kind, "blocked");
  if (blocked.kind !== "blocked") return;
  assert.equal(blocked.retry(), undefined);
  h.call("RPUSH", "q", "x", "y");
  assert.deepEqual(plainOf(blocked.retry()!), ["q", "y"]);
});

Deno.test("blocking timeouts: seconds as a float, truncated to ms, Redis's errors", () => {
  const h = harness();
  const timeout = (t: string): unknown => h.call("BLPOP", "k", t);
  assert.deepEqual(timeout("0"), { blocked: ["k"], timeoutMs: 0 });
  assert.deepEqual(timeout("0.001"), { blocked: ["k"], timeoutMs: 1 });
  assert.deepEqual(timeout("0.0001"), { blocked: ["k"], timeoutMs: 0 });
  assert.deepEqual(timeout("-0"), { blocked: ["k"], timeoutMs: 0 });
  assert.deepEqual(timeout("0x10"), { blocked: ["k"], timeoutMs: 16000 });
  const negative = err("ERR timeout is negative");
  assert.deepEqual(timeout("-1"), negative);
  assert.deepEqual(timeout("inf"), negative);
  assert.deepEqual(timeout("9223372036854776"), negative);
  const notFloat = err("ERR timeout is not a float or out of range");
  assert.deepEqual(timeout("abc"), notFloat);
  assert.deepEqual(timeout("nan"), notFloat);
  assert.deepEqual(h.call("BRPOPLPUSH", "a", "b", "x"), notFloat);
  assert.deepEqual(h.call("BLMOVE", "a", "b", "up", "left", "x"), SYNTAX);
  assert.deepEqual(h.call("BLMOVE", "a", "b", "left", "left", "-1"), negative);
  assert.deepEqual(h.call("BLMPOP", "-1", "1", "k", "left"), negative);
});

Deno.test("BLMOVE, BRPOPLPUSH move at once or block on the source", () => {
  const h = withList();
  assert.equal(h.call("BLMOVE", "l", "d", "LEFT", "RIGHT", "0"), "a");
  assert.equal(h.call("BRPOPLPUSH", "l", "d", "0"), "e");
  assert.deepEqual(range(h, "d"), ["e", "a"]);
  assert.deepEqual(h.call("BRPOPLPUSH", "none", "d", "2"), {
    blocked: ["none"],
    timeoutMs: 2000,
  });
  assert.deepEqual(h.call("BRPOPLPUSH", "str", "d", "0"), WRONGTYPE_ERR);
  assert.deepEqual(h.call("BRPOPLPUSH", "l", "str", "0"), WRONGTYPE_ERR);
  assert.deepEqual(range(h, "l"), ["b", "c", "d"]);
});

Deno.test("LMPOP and BLMPOP: numkeys, LEFT/RIGHT, COUNT, Redis's errors", () => {
  const h = withList();
  assert.deepEqual(h.call("LMPOP", "2", "none", "l", "LEFT"), ["l", ["a"]]);
  assert.deepEqual(h.call("LMPOP", "1", "l", "RIGHT", "COUNT", "2"), [
    "l",
    ["e", "d"],
  ]);
  assert.equal(h.run("LMPOP", "1", "none", "LEFT"), NULL_ARRAY);
  assert.deepEqual(h.call("LMPOP", "2", "str", "l", "LEFT"), WRONGTYPE_ERR);
  assert.deepEqual(
    h.call("BLMPOP", "0", "1", "l", "LEFT", "COUNT", "10"),
    ["l", ["b", "c"]],
  );
  assert.equal(h.call("EXISTS", "l"), 0);
  assert.deepEqual(h.call("BLMPOP", "3", "2", "a", "b", "LEFT"), {
    blocked: ["a", "b"],
    timeoutMs: 3000,
  });
  const numkeys = err("ERR numkeys should be greater than 0");
  assert.deepEqual(h.call("LMPOP", "0", "k", "LEFT"), numkeys);
  assert.deepEqual(h.call("LMPOP", "x", "k", "LEFT"), numkeys);
  assert.deepEqual(h.call("BLMPOP", "1", "0", "k", "LEFT"), numkeys);
  // BLMPOP reads its other arguments before its timeout, as Redis does.
  assert.deepEqual(h.call("BLMPOP", "-1", "0", "k", "LEFT"), numkeys);
  assert.deepEqual(h.call("LMPOP", "5", "k", "LEFT"), SYNTAX);
  assert.deepEqual(h.call("LMPOP", "1", "k", "MIDDLE"), SYNTAX);
  assert.deepEqual(h.call("LMPOP", "1", "k", "LEFT", "FOO", "1"), SYNTAX);
  assert.deepEqual(
    h.call("LMPOP", "1", "k", "LEFT", "COUNT", "1", "COUNT", "2"),
    SYNTAX,
  );
  const count = err("ERR count should be greater than 0");
  assert.deepEqual(h.call("LMPOP", "1", "k", "LEFT", "COUNT", "0"), count);
  assert.deepEqual(h.call("LMPOP", "1", "k", "LEFT", "COUNT", "x"), count);
  assert.deepEqual(
    h.call("LMPOP", "1", "k"),
    err("ERR wrong number of arguments for 'lmpop' command"),
  );
});
