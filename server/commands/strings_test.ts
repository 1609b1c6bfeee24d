import assert from "node:assert/strict";
import { ALL_BYTES, err, harness, WRONGTYPE_ERR } from "./_testing.ts";

const SYNTAX = err("ERR syntax error");
const NOT_INT = err("ERR value is not an integer or out of range");
const NOT_FLOAT = err("ERR value is not a valid float");

/** A harness with a list at "lst". */
function withList(): ReturnType<typeof harness> {
  const h = harness();
  h.call("RPUSH", "lst", "a", "b");
  return h;
}

Deno.test("GET returns the value, NULL for a missing key", () => {
  const h = harness();
  assert.equal(h.call("GET", "k"), null);
  h.call("SET", "k", "v");
  assert.equal(h.call("GET", "k"), "v");
  assert.equal(h.call("get", "k"), "v");
});

Deno.test("GET and SET are binary-safe for every byte in keys and values", () => {
  const h = harness();
  for (let b = 0; b < 256; b++) {
    const c = String.fromCharCode(b);
    assert.equal(h.call("SET", `k${c}`, `${c}v${c}`), "OK");
  }
  assert.equal(h.call("SET", ALL_BYTES, ALL_BYTES + ALL_BYTES), "OK");
  for (let b = 0; b < 256; b++) {
    const c = String.fromCharCode(b);
    assert.equal(h.call("GET", `k${c}`), `${c}v${c}`);
  }
  assert.equal(h.call("GET", ALL_BYTES), ALL_BYTES + ALL_BYTES);
  assert.equal(h.call("STRLEN", ALL_BYTES), 512);
  assert.equal(h.call("DBSIZE"), 257);
});

Deno.test("SET options: NX, XX, GET and their combinations", () => {
  const h = harness();
  assert.equal(h.call("SET", "k", "v", "XX"), null);
  assert.equal(h.call("SET", "k", "v", "NX"), "OK");
  assert.equal(h.call("SET", "k", "w", "nx"), null);
  assert.equal(h.call("GET", "k"), "v");
  assert.equal(h.call("SET", "k", "w", "xx"), "OK");
  assert.equal(h.call("SET", "k", "v2", "GET"), "w");
  assert.equal(h.call("SET", "k", "v3", "nx", "get"), "v2"); // not set
  assert.equal(h.call("GET", "k"), "v2");
  assert.equal(h.call("SET", "k2", "v", "NX", "GET"), null); // set
  assert.equal(h.call("GET", "k2"), "v");
  assert.equal(h.call("SET", "k", "v4", "XX", "GET"), "v2");
  assert.equal(h.call("SET", "missing", "v", "XX", "GET"), null);
  assert.equal(h.call("EXISTS", "missing"), 0);
  assert.deepEqual(h.call("SET", "k", "v", "NX", "XX"), SYNTAX);
  assert.deepEqual(h.call("SET", "k", "v", "XX", "NX"), SYNTAX);
  assert.deepEqual(h.call("SET", "k", "v", "foo"), SYNTAX);
  assert.deepEqual(h.call("SET", "k", "v", "NXX"), SYNTAX);
});

Deno.test("SET options: EX PX EXAT PXAT KEEPTTL and Redis's errors", () => {
  const h = harness();
  const now = h.now;
  assert.equal(h.call("SET", "k", "v", "EX", "10"), "OK");
  assert.equal(h.call("PTTL", "k"), 10_000);
  assert.equal(h.call("SET", "k", "v", "PX", "1500"), "OK");
  assert.equal(h.call("PTTL", "k"), 1_500);
  assert.equal(h.call("SET", "k", "v", "EXAT", String(now / 1000 + 20)), "OK");
  assert.equal(h.call("PEXPIRETIME", "k"), now + 20_000);
  assert.equal(h.call("SET", "k", "v", "PXAT", String(now + 30)), "OK");
  assert.equal(h.call("PEXPIRETIME", "k"), now + 30);
  assert.equal(h.call("SET", "k", "w", "KEEPTTL"), "OK");
  assert.equal(h.call("PEXPIRETIME", "k"), now + 30);
  assert.equal(h.call("SET", "k", "x"), "OK");
  assert.equal(h.call("TTL", "k"), -1);
  // The last EX wins when repeated, as in Redis.
  assert.equal(h.call("SET", "k", "v", "EX", "10", "EX", "20"), "OK");
  assert.equal(h.call("TTL", "k"), 20);
  // Conflicts and missing values are syntax errors.
  for (
    const args of [
      ["EX", "10", "PX", "10"],
      ["EX", "10", "KEEPTTL"],
      ["KEEPTTL", "EX", "10"],
      ["EXAT", "10", "PXAT", "10"],
      ["EX"],
      ["PX"],
      ["PERSIST"],
      ["GET", "EX"],
    ]
  ) {
    assert.deepEqual(h.call("SET", "k", "v", ...args), SYNTAX, args.join(" "));
  }
  // Times must be positive integers that fit in ms.
  for (
    const [opt, t] of [
      ["EX", "0"],
      ["EX", "-1"],
      ["PX", "0"],
      ["EXAT", "0"],
      ["EX", "9223372036854775807"],
      ["EX", "9223372036854775"],
      ["EX", "9223372036854776"],
      ["PX", "9223372036854775807"],
    ]
  ) {
    assert.deepEqual(
      h.call("SET", "k", "v", opt, t),
      err("ERR invalid expire time in 'set' command"),
      `${opt} ${t}`,
    );
  }
  assert.deepEqual(h.call("SET", "k", "v", "EX", "abc"), NOT_INT);
  assert.deepEqual(h.call("SET", "k", "v", "EX", "1.5"), NOT_INT);
  // Far-future absolute times are fine, to the ms.
  assert.equal(h.call("SET", "k", "v", "PXAT", "9223372036854775807"), "OK");
  assert.equal(h.call("PEXPIRETIME", "k"), 9223372036854775807n);
  assert.equal(h.call("SET", "k", "v", "EXAT", "9223372036854775"), "OK");
  assert.equal(h.call("PEXPIRETIME", "k"), 9223372036854775000n);
  // A past absolute time: OK, and the key is gone.
  assert.equal(h.call("SET", "k", "v", "EXAT", "1"), "OK");
  assert.equal(h.call("EXISTS", "k"), 0);
});

Deno.test("SET GET on a wrong type: WRONGTYPE and nothing is set", () => {
  const h = withList();
  assert.deepEqual(h.call("SET", "lst", "v", "GET"), WRONGTYPE_ERR);
  assert.equal(h.call("TYPE", "lst"), "list");
  // Plain SET overwrites any type.
  assert.equal(h.call("SET", "lst", "v"), "OK");
  assert.equal(h.call("TYPE", "lst"), "string");
});

Deno.test("SET keys expire lazily with the clock", () => {
  const h = harness();
  h.call("SET", "k", "v", "PX", "100");
  h.now += 100;
  assert.equal(h.call("GET", "k"), "v");
  h.now += 1;
  assert.equal(h.call("GET", "k"), null);
  assert.equal(h.call("DBSIZE"), 0);
});

Deno.test("SETNX, SETEX, PSETEX", () => {
  const h = harness();
  assert.equal(h.call("SETNX", "k", "v"), 1);
  assert.equal(h.call("SETNX", "k", "w"), 0);
  assert.equal(h.call("GET", "k"), "v");
  assert.equal(h.call("SETEX", "k", "10", "x"), "OK");
  assert.equal(h.call("GET", "k"), "x");
  assert.equal(h.call("TTL", "k"), 10);
  assert.equal(h.call("PSETEX", "k", "1500", "y"), "OK");
  assert.equal(h.call("PTTL", "k"), 1500);
  assert.deepEqual(
    h.call("SETEX", "k", "0", "v"),
    err("ERR invalid expire time in 'setex' command"),
  );
  assert.deepEqual(
    h.call("SETEX", "k", "-5", "v"),
    err("ERR invalid expire time in 'setex' command"),
  );
  assert.deepEqual(
    h.call("PSETEX", "k", "0", "v"),
    err("ERR invalid expire time in 'psetex' command"),
  );
  assert.deepEqual(h.call("SETEX", "k", "abc", "v"), NOT_INT);
  assert.deepEqual(
    h.call("SETEX", "k", "1"),
    err("ERR wrong number of arguments for 'setex' command"),
  );
  const l = withList();
  assert.equal(l.call("SETNX", "lst", "v"), 0);
  assert.equal(l.call("SETEX", "lst", "10", "v"), "OK"); // overwrites
});

Deno.test("GETSET returns the old value and clears the TTL", () => {
  const h = harness();
  assert.equal(h.call("GETSET", "k", "v"), null);
  h.call("EXPIRE", "k", "100");
  assert.equal(h.call("GETSET", "k", "w"), "v");
  assert.equal(h.call("GET", "k"), "w");
  assert.equal(h.call("TTL", "k"), -1);
  assert.deepEqual(withList().call("GETSET", "lst", "v"), WRONGTYPE_ERR);
});

Deno.test("GETDEL returns and deletes", () => {
  const h = withList();
  assert.equal(h.call("GETDEL", "k"), null);
  h.call("SET", "k", "v");
  assert.equal(h.call("GETDEL", "k"), "v");
  assert.equal(h.call("EXISTS", "k"), 0);
  assert.deepEqual(h.call("GETDEL", "lst"), WRONGTYPE_ERR);
  assert.equal(h.call("EXISTS", "lst"), 1);
});

Deno.test("GETEX sets, changes or removes the TTL", () => {
  const h = harness();
  assert.equal(h.call("GETEX", "k"), null);
  h.call("SET", "k", "v");
  assert.equal(h.call("GETEX", "k"), "v");
  assert.equal(h.call("GETEX", "k", "EX", "10"), "v");
  assert.equal(h.call("TTL", "k"), 10);
  assert.equal(h.call("GETEX", "k", "PX", "2000"), "v");
  assert.equal(h.call("PTTL", "k"), 2000);
  assert.equal(h.call("GETEX", "k", "EXAT", String(h.now / 1000 + 50)), "v");
  assert.equal(h.call("TTL", "k"), 50);
  assert.equal(h.call("GETEX", "k", "PXAT", String(h.now + 70)), "v");
  assert.equal(h.call("PTTL", "k"), 70);
  assert.equal(h.call("GETEX", "k", "PERSIST"), "v");
  assert.equal(h.call("TTL", "k"), -1);
  // A past absolute time deletes the key after replying its value.
  assert.equal(h.call("GETEX", "k", "EXAT", "1"), "v");
  assert.equal(h.call("EXISTS", "k"), 0);
  h.call("SET", "k", "v");
  assert.equal(h.call("GETEX", "k", "PXAT", String(h.now)), "v");
  assert.equal(h.call("EXISTS", "k"), 0);
  // Errors, in Redis's order: syntax first, then missing key, then type,
  // then the time.
  h.call("SET", "k", "v");
  for (
    const args of [
      ["PERSIST", "EX", "10"],
      ["EX", "10", "PERSIST"],
      ["NX"],
      ["KEEPTTL"],
      ["GET"],
      ["EX"],
    ]
  ) {
    assert.deepEqual(h.call("GETEX", "k", ...args), SYNTAX, args.join(" "));
  }
  assert.equal(h.call("GETEX", "nokey", "EX", "abc"), null);
  assert.deepEqual(h.call("GETEX", "k", "EX", "abc"), NOT_INT);
  assert.deepEqual(
    h.call("GETEX", "k", "EX", "0"),
    err("ERR invalid expire time in 'getex' command"),
  );
  assert.equal(h.call("TTL", "k"), -1);
  const l = withList();
  assert.deepEqual(l.call("GETEX", "lst", "EX", "abc"), WRONGTYPE_ERR);
});

Deno.test("MGET, MSET, MSETNX", () => {
  const h = withList();
  assert.equal(h.call("MSET", "a", "1", "b", "2"), "OK");
  assert.deepEqual(h.call("MGET", "a", "lst", "nokey", "b", "a"), [
    "1",
    null,
    null,
    "2",
    "1",
  ]);
  assert.deepEqual(
    h.call("MSET", "a", "1", "b"),
    err("ERR wrong number of arguments for 'mset' command"),
  );
  assert.deepEqual(
    h.call("MSETNX", "a", "1", "b"),
    err("ERR wrong number of arguments for 'msetnx' command"),
  );
  h.call("EXPIRE", "a", "100");
  assert.equal(h.call("MSET", "a", "x"), "OK");
  assert.equal(h.call("TTL", "a"), -1); // MSET clears TTLs
  assert.equal(h.call("MSETNX", "c", "3", "a", "y"), 0);
  assert.equal(h.call("EXISTS", "c"), 0);
  assert.equal(h.call("MSETNX", "c", "3", "d", "4", "c", "5"), 1);
  assert.deepEqual(h.call("MGET", "c", "d"), ["5", "4"]);
  assert.equal(h.call("MSETNX", "lst", "v"), 0);
});

Deno.test("INCR, DECR, INCRBY, DECRBY with int64 limits", () => {
  const h = harness();
  assert.equal(h.call("INCR", "n"), 1);
  assert.equal(h.call("INCRBY", "n", "41"), 42);
  assert.equal(h.call("DECR", "n"), 41);
  assert.equal(h.call("DECRBY", "n", "-9"), 50);
  assert.equal(h.call("GET", "n"), "50");
  assert.equal(h.call("DECR", "m"), -1);
  h.call("SET", "n", "9223372036854775806");
  assert.equal(h.call("INCRBY", "n", "1"), 9223372036854775807n);
  assert.equal(h.call("GET", "n"), "9223372036854775807");
  const overflow = err("ERR increment or decrement would overflow");
  assert.deepEqual(h.call("INCRBY", "n", "1"), overflow);
  assert.deepEqual(h.call("INCR", "n"), overflow);
  assert.equal(h.call("GET", "n"), "9223372036854775807");
  h.call("SET", "n", "-9223372036854775808");
  assert.deepEqual(h.call("DECR", "n"), overflow);
  assert.deepEqual(
    h.call("DECRBY", "n", "-9223372036854775808"),
    err("ERR decrement would overflow"),
  );
  assert.deepEqual(h.call("DECRBY", "n", "9223372036854775808"), NOT_INT);
  h.call("SET", "n", "9007199254740991");
  assert.equal(h.call("INCR", "n"), 9007199254740992n);
  assert.equal(h.call("DECR", "n"), 9007199254740991);
  for (const bad of [" 1", "+1", "01", "-0", "1.5", "abc", ""]) {
    h.call("SET", "n", bad);
    assert.deepEqual(h.call("INCR", "n"), NOT_INT, JSON.stringify(bad));
  }
  assert.deepEqual(h.call("INCRBY", "n", "abc"), NOT_INT);
  // INCR keeps the TTL.
  h.call("SET", "t", "1", "EX", "100");
  h.call("INCR", "t");
  assert.equal(h.call("TTL", "t"), 100);
  const l = withList();
  assert.deepEqual(l.call("INCR", "lst"), WRONGTYPE_ERR);
  assert.deepEqual(l.call("DECRBY", "lst", "1"), WRONGTYPE_ERR);
  // The increment is parsed before the key's type is checked.
  assert.deepEqual(l.call("INCRBY", "lst", "abc"), NOT_INT);
});

Deno.test("INCRBYFLOAT uses long double arithmetic and Redis's errors", () => {
  const h = harness();
  h.call("SET", "f", "10.5");
  assert.equal(h.call("INCRBYFLOAT", "f", "0.1"), "10.6");
  assert.equal(h.call("GET", "f"), "10.6");
  assert.equal(h.call("INCRBYFLOAT", "g", "1e-30"), "0");
  assert.equal(h.call("INCRBYFLOAT", "g", "0x10"), "16");
  assert.equal(h.call("INCRBYFLOAT", "g", "-16.5"), "-0.5");
  assert.deepEqual(
    h.call("INCRBYFLOAT", "g", "inf"),
    err("ERR increment would produce NaN or Infinity"),
  );
  assert.deepEqual(h.call("INCRBYFLOAT", "g", "nan"), NOT_FLOAT);
  assert.deepEqual(h.call("INCRBYFLOAT", "g", "1e5000"), NOT_FLOAT);
  h.call("SET", "s", "abc");
  assert.deepEqual(h.call("INCRBYFLOAT", "s", "1"), NOT_FLOAT);
  h.call("SET", "t", "1", "EX", "100");
  assert.equal(h.call("INCRBYFLOAT", "t", "1.5"), "2.5");
  assert.equal(h.call("TTL", "t"), 100);
  const l = withList();
  assert.deepEqual(l.call("INCRBYFLOAT", "lst", "1"), WRONGTYPE_ERR);
  assert.deepEqual(l.call("INCRBYFLOAT", "lst", "abc"), WRONGTYPE_ERR);
});

Deno.test("APPEND and STRLEN", () => {
  const h = harness();
  assert.equal(h.call("STRLEN", "k"), 0);
  assert.equal(h.call("APPEND", "k", "ab"), 2);
  assert.equal(h.call("APPEND", "k", "\x00\xff"), 4);
  assert.equal(h.call("GET", "k"), "ab\x00\xff");
  assert.equal(h.call("STRLEN", "k"), 4);
  h.call("EXPIRE", "k", "100");
  h.call("APPEND", "k", "c");
  assert.equal(h.call("TTL", "k"), 100);
  const l = withList();
  assert.deepEqual(l.call("APPEND", "lst", "x"), WRONGTYPE_ERR);
  assert.deepEqual(l.call("STRLEN", "lst"), WRONGTYPE_ERR);
});

Deno.test("GETRANGE with negative and out-of-range indices", () => {
  const h = harness();
  h.call("SET", "k", "Hello World");
  const cases: [string, string, string][] = [
    ["0", "4", "Hello"],
    ["-5", "-1", "World"],
    ["0", "-1", "Hello World"],
    ["-100", "100", "Hello World"],
    ["5", "3", ""],
    ["-1", "-2", ""],
    ["20", "30", ""],
    ["0", "0", "H"],
    ["-1", "-1", "d"],
    ["-9223372036854775807", "-9223372036854775808", ""],
    ["-9223372036854775808", "-9223372036854775807", "H"],
    ["9223372036854775806", "9223372036854775807", ""],
    ["0", "9223372036854775807", "Hello World"],
  ];
  for (const [s, e, expected] of cases) {
    assert.equal(h.call("GETRANGE", "k", s, e), expected, `${s} ${e}`);
  }
  assert.equal(h.call("GETRANGE", "nokey", "0", "-1"), "");
  h.call("SET", "e", "");
  assert.equal(h.call("GETRANGE", "e", "0", "-1"), "");
  assert.deepEqual(h.call("GETRANGE", "k", "abc", "1"), NOT_INT);
  assert.deepEqual(
    h.call("GETRANGE", "k", "0", "9223372036854775808"),
    NOT_INT,
  );
  const l = withList();
  assert.deepEqual(l.call("GETRANGE", "lst", "0", "1"), WRONGTYPE_ERR);
  assert.deepEqual(l.call("GETRANGE", "lst", "x", "1"), NOT_INT);
});

Deno.test("SETRANGE pads with zero bytes and enforces the size limit", () => {
  const h = harness();
  assert.equal(h.call("SETRANGE", "k", "5", ""), 0);
  assert.equal(h.call("EXISTS", "k"), 0);
  assert.equal(h.call("SETRANGE", "k", "3", "ab"), 5);
  assert.equal(h.call("GET", "k"), "\x00\x00\x00ab");
  assert.equal(h.call("SETRANGE", "k", "1", "XYZW"), 5);
  assert.equal(h.call("GET", "k"), "\x00XYZW");
  assert.equal(h.call("SETRANGE", "k", "7", "!"), 8);
  assert.equal(h.call("GET", "k"), "\x00XYZW\x00\x00!");
  assert.equal(h.call("SETRANGE", "k", "0", "12"), 8);
  assert.equal(h.call("GET", "k"), "12YZW\x00\x00!");
  assert.equal(h.call("SETRANGE", "k", "100", ""), 8);
  assert.deepEqual(
    h.call("SETRANGE", "k", "-1", "x"),
    err("ERR offset is out of range"),
  );
  assert.deepEqual(h.call("SETRANGE", "k", "abc", "x"), NOT_INT);
  const tooLong = err(
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
  );
  assert.deepEqual(h.call("SETRANGE", "k", "536870912", "x"), tooLong);
  assert.deepEqual(
    h.call("SETRANGE", "k", "9223372036854775807", "x"),
    tooLong,
  );
  assert.equal(h.call("SETRANGE", "k", "9223372036854775807", ""), 8);
  h.call("EXPIRE", "k", "100");
  h.call("SETRANGE", "k", "0", "z");
  assert.equal(h.call("TTL", "k"), 100);
  const l = withList();
  assert.deepEqual(l.call("SETRANGE", "lst", "0", "x"), WRONGTYPE_ERR);
  assert.deepEqual(l.call("SETRANGE", "lst", "0", ""), WRONGTYPE_ERR);
});

Deno.test("String commands answer WRONGTYPE on hashes, lists and sets and change nothing", () => {
  const h = harness();
  h.call("HSET", "hash", "f", "v");
  h.call("RPUSH", "list", "a", "b");
  h.call("SADD", "set", "m");
  const reads: string[][] = [
    ["GET"],
    ["GETDEL"],
    ["GETEX"],
    ["GETEX", "EX", "10"],
    ["GETEX", "PERSIST"],
    ["GETSET", "v"],
    ["SET", "v", "GET"],
    ["SET", "v", "NX", "GET"],
    ["INCR"],
    ["DECR"],
    ["INCRBY", "1"],
    ["DECRBY", "1"],
    ["INCRBYFLOAT", "1.5"],
    ["APPEND", "x"],
    ["STRLEN"],
    ["GETRANGE", "0", "-1"],
    ["SETRANGE", "0", "x"],
    ["SETRANGE", "1", ""],
  ];
  for (const key of ["hash", "list", "set"]) {
    h.call("EXPIRE", key, "100");
    for (const [name, ...rest] of reads) {
      assert.deepEqual(
        h.call(name, key, ...rest),
        WRONGTYPE_ERR,
        `${name} ${key} ${rest.join(" ")}`,
      );
    }
    assert.equal(h.call("TYPE", key), key);
    assert.equal(h.call("TTL", key), 100);
    // Commands that do not read the value: MGET, SETNX, MSETNX, SET NX/XX.
    assert.deepEqual(h.call("MGET", key, "nokey"), [null, null]);
    assert.equal(h.call("SETNX", key, "v"), 0);
    assert.equal(h.call("MSETNX", key, "v", "other", "v"), 0);
    assert.equal(h.call("SET", key, "v", "NX"), null);
    assert.equal(h.call("TYPE", key), key);
  }
  assert.deepEqual(h.call("HGETALL", "hash"), [["f", "v"]]);
  assert.deepEqual(h.call("LRANGE", "list", "0", "-1"), ["a", "b"]);
  assert.deepEqual(h.call("SMEMBERS", "set"), ["m"]);
  // SET without GET, SETEX, PSETEX and MSET replace any type.
  assert.equal(h.call("SET", "hash", "1", "XX"), "OK");
  assert.equal(h.call("SETEX", "list", "10", "2"), "OK");
  assert.equal(h.call("MSET", "set", "3"), "OK");
  assert.deepEqual(h.call("MGET", "hash", "list", "set"), ["1", "2", "3"]);
  assert.equal(h.call("TTL", "hash"), -1);
  assert.equal(h.call("TTL", "list"), 10);
});

// ---- the bit commands, LCS, SUBSTR -------------------------------------------

const BIT_OFFSET = err("ERR bit offset is not an integer or out of range");

Deno.test("SETBIT grows the string with zero bytes and answers the old bit", () => {
  const h = harness();
  assert.equal(h.call("SETBIT", "b", "1", "1"), 0);
  assert.equal(h.call("GET", "b"), "\x40");
  assert.equal(h.call("SETBIT", "b", "1", "1"), 1);
  assert.equal(h.call("SETBIT", "b", "23", "1"), 0);
  assert.equal(h.call("GET", "b"), "\x40\x00\x01");
  assert.equal(h.call("SETBIT", "b", "1", "0"), 1);
  assert.equal(h.call("GET", "b"), "\x00\x00\x01");
  // A string that outgrows its slot moves, its bytes and expiry with it.
  h.call("SET", "v", "ab", "PX", "5000");
  assert.equal(h.call("SETBIT", "v", String(8 * 300 + 7), "1"), 0);
  const v = h.call("GET", "v") as string;
  assert.equal(v.length, 301);
  assert.equal(v.slice(0, 2), "ab");
  assert.equal(v.charCodeAt(300), 1);
  assert.equal(v.slice(2, 300), "\0".repeat(298));
  assert.equal(h.call("PTTL", "v"), 5000);
});

Deno.test("SETBIT and GETBIT: Redis's errors, in Redis's order", () => {
  const h = withList();
  const BIT = err("ERR bit is not an integer or out of range");
  assert.deepEqual(h.call("SETBIT", "k", "-1", "1"), BIT_OFFSET);
  assert.deepEqual(h.call("SETBIT", "k", "1x", "1"), BIT_OFFSET);
  assert.deepEqual(h.call("SETBIT", "k", "4294967296", "1"), BIT_OFFSET);
  assert.deepEqual(h.call("SETBIT", "k", "0", "2"), BIT);
  assert.deepEqual(h.call("SETBIT", "k", "0", "-1"), BIT);
  assert.deepEqual(h.call("SETBIT", "k", "0", "x"), BIT);
  assert.deepEqual(h.call("SETBIT", "lst", "x", "1"), BIT_OFFSET);
  assert.deepEqual(h.call("SETBIT", "lst", "0", "1"), WRONGTYPE_ERR);
  assert.deepEqual(h.call("GETBIT", "lst", "x"), BIT_OFFSET);
  assert.deepEqual(h.call("GETBIT", "lst", "0"), WRONGTYPE_ERR);
  assert.equal(h.call("EXISTS", "k"), 0);
});

Deno.test("GETBIT reads bits, 0 past the end and for a missing key", () => {
  const h = harness();
  h.call("SET", "k", "\x80\x01");
  assert.equal(h.call("GETBIT", "k", "0"), 1);
  assert.equal(h.call("GETBIT", "k", "1"), 0);
  assert.equal(h.call("GETBIT", "k", "15"), 1);
  assert.equal(h.call("GETBIT", "k", "16"), 0);
  assert.equal(h.call("GETBIT", "k", "100000"), 0);
  assert.equal(h.call("GETBIT", "missing", "3"), 0);
});

Deno.test("BITCOUNT: whole string, byte and bit ranges, negative indexes", () => {
  const h = withList();
  h.call("SET", "s", "foobar");
  assert.equal(h.call("BITCOUNT", "s"), 26);
  assert.equal(h.call("BITCOUNT", "s", "1", "1"), 6);
  assert.equal(h.call("BITCOUNT", "s", "1", "1", "bit"), 1);
  assert.equal(h.call("BITCOUNT", "s", "5", "30", "BIT"), 17);
  assert.equal(h.call("BITCOUNT", "s", "1", "-2"), 18);
  assert.equal(h.call("BITCOUNT", "s", "-2", "1"), 0);
  assert.equal(h.call("BITCOUNT", "s", "0", "1000"), 26);
  assert.equal(h.call("BITCOUNT", "s", "-1", "-2", "bits"), 0); // before BIT|BYTE
  assert.equal(
    h.call("BITCOUNT", "s", "-9223372036854775808", "9223372036854775807"),
    26,
  );
  assert.equal(h.call("BITCOUNT", "missing", "a", "b"), 0);
  h.call("SET", "e", "");
  assert.equal(h.call("BITCOUNT", "e"), 0);
  assert.equal(h.call("BITCOUNT", "e", "0", "-1"), 0);
  assert.deepEqual(h.call("BITCOUNT", "s", "1"), SYNTAX);
  assert.deepEqual(h.call("BITCOUNT", "s", "1", "2", "3"), SYNTAX);
  assert.deepEqual(h.call("BITCOUNT", "s", "1", "2", "bit", "x"), SYNTAX);
  assert.deepEqual(h.call("BITCOUNT", "s", "a", "1"), NOT_INT);
  assert.deepEqual(h.call("BITCOUNT", "lst"), WRONGTYPE_ERR);
});

Deno.test("BITPOS: first set or clear bit, ranges, the end given or not", () => {
  const h = withList();
  h.call("SET", "s", "\xff\xf0\x00");
  assert.equal(h.call("BITPOS", "s", "0"), 12);
  assert.equal(h.call("BITPOS", "s", "1"), 0);
  assert.equal(h.call("BITPOS", "s", "1", "2"), -1);
  assert.equal(h.call("BITPOS", "s", "0", "1", "-1", "bit"), 12);
  assert.equal(h.call("BITPOS", "s", "1", "3", "10", "BIT"), 3);
  h.call("SET", "ones", "\xff\xff");
  assert.equal(h.call("BITPOS", "ones", "0"), 16); // past the end
  assert.equal(h.call("BITPOS", "ones", "0", "0"), 16);
  assert.equal(h.call("BITPOS", "ones", "0", "0", "-1"), -1); // end given
  assert.equal(h.call("BITPOS", "ones", "0", "0", "-1", "bit"), -1);
  assert.equal(h.call("BITPOS", "missing", "0"), 0);
  assert.equal(h.call("BITPOS", "missing", "1", "x", "y"), -1);
  h.call("SET", "e", "");
  assert.equal(h.call("BITPOS", "e", "0"), -1);
  assert.equal(h.call("BITPOS", "e", "1"), -1);
  const BIT_ARG = err("ERR The bit argument must be 1 or 0.");
  assert.deepEqual(h.call("BITPOS", "s", "2"), BIT_ARG);
  assert.deepEqual(h.call("BITPOS", "s", "x"), NOT_INT);
  assert.deepEqual(h.call("BITPOS", "s", "0", "x"), NOT_INT);
  assert.deepEqual(h.call("BITPOS", "s", "0", "1", "x"), NOT_INT);
  assert.deepEqual(h.call("BITPOS", "s", "0", "1", "2", "bits"), SYNTAX);
  assert.deepEqual(h.call("BITPOS", "s", "0", "1", "2", "bit", "x"), SYNTAX);
  assert.deepEqual(h.call("BITPOS", "lst", "0"), WRONGTYPE_ERR);
  assert.deepEqual(h.call("BITPOS", "lst", "2"), BIT_ARG);
});

Deno.test("BITOP AND OR XOR NOT: zero padding, missing keys, the empty result", () => {
  const h = withList();
  h.call("SET", "a", "\x01\x02\xff\xff");
  h.call("SET", "b", "\x01\x02\xff");
  assert.equal(h.call("BITOP", "AND", "r", "a", "b"), 4);
  assert.equal(h.call("GET", "r"), "\x01\x02\xff\x00");
  assert.equal(h.call("BITOP", "or", "r", "a", "b"), 4);
  assert.equal(h.call("GET", "r"), "\x01\x02\xff\xff");
  assert.equal(h.call("BITOP", "Xor", "r", "a", "b"), 4);
  assert.equal(h.call("GET", "r"), "\x00\x00\x00\xff");
  assert.equal(h.call("BITOP", "AND", "r", "missing", "a"), 4);
  assert.equal(h.call("GET", "r"), "\x00\x00\x00\x00");
  assert.equal(h.call("BITOP", "NOT", "a", "a"), 4);
  assert.equal(h.call("GET", "a"), "\xfe\xfd\x00\x00");
  // No input bytes: the destination is deleted.
  h.call("SET", "e", "");
  assert.equal(h.call("BITOP", "OR", "r", "e", "missing"), 0);
  assert.equal(h.call("EXISTS", "r"), 0);
  // The result is a fresh string: no expiry.
  h.call("SET", "t", "x", "EX", "100");
  h.call("BITOP", "OR", "t", "b");
  assert.equal(h.call("TTL", "t"), -1);
  assert.deepEqual(h.call("BITOP", "NAND", "r", "a"), SYNTAX);
  assert.deepEqual(
    h.call("BITOP", "NOT", "r", "a", "b"),
    err("ERR BITOP NOT must be called with a single source key."),
  );
  assert.deepEqual(h.call("BITOP", "AND", "r", "a", "lst"), WRONGTYPE_ERR);
});

Deno.test("BITFIELD GET SET INCRBY: signed and unsigned fields at any offset", () => {
  const h = harness();
  assert.deepEqual(h.call("BITFIELD", "f", "SET", "u8", "0", "255"), [0]);
  assert.deepEqual(h.call("BITFIELD", "f", "GET", "u8", "0"), [255]);
  assert.deepEqual(h.call("BITFIELD", "f", "GET", "i8", "0"), [-1]);
  assert.deepEqual(
    h.call("BITFIELD", "f", "GET", "u4", "4", "GET", "i3", "5"),
    [
      15,
      -1,
    ],
  );
  assert.deepEqual(h.call("BITFIELD", "f", "INCRBY", "u8", "#1", "10"), [10]);
  assert.equal(h.call("GET", "f"), "\xff\x0a");
  assert.deepEqual(
    h.call("BITFIELD", "f", "SET", "i64", "3", "-9223372036854775808"),
    [-553942754166571008n],
  );
  assert.deepEqual(h.call("BITFIELD", "f", "GET", "i64", "3"), [
    -9223372036854775808n,
  ]);
  assert.deepEqual(h.call("BITFIELD", "f", "GET", "u63", "3"), [
    4611686018427387904n,
  ]);
  assert.equal(h.call("GET", "f"), "\xf0" + "\0".repeat(8));
  assert.deepEqual(h.call("BITFIELD", "missing", "GET", "u16", "100"), [0]);
  assert.equal(h.call("EXISTS", "missing"), 0);
  assert.deepEqual(h.call("BITFIELD", "f"), []);
});

Deno.test("BITFIELD OVERFLOW WRAP SAT FAIL, applied to the operations after it", () => {
  const h = harness();
  assert.deepEqual(
    h.call(
      "BITFIELD",
      "o",
      "INCRBY",
      "u2",
      "100",
      "1",
      "OVERFLOW",
      "FAIL",
      "INCRBY",
      "u2",
      "102",
      "5",
      "overflow",
      "sat",
      "INCRBY",
      "u2",
      "104",
      "-5",
      "OVERFLOW",
      "wrap",
      "INCRBY",
      "i4",
      "108",
      "100",
    ),
    [1, null, 0, 4],
  );
  assert.deepEqual(
    h.call(
      "BITFIELD",
      "p",
      "SET",
      "u8",
      "0",
      "-1",
      "OVERFLOW",
      "SAT",
      "SET",
      "u8",
      "8",
      "-1",
      "SET",
      "i8",
      "16",
      "200",
      "OVERFLOW",
      "FAIL",
      "SET",
      "i8",
      "24",
      "200",
    ),
    [0, 0, 0, null],
  );
  assert.equal(h.call("GET", "p"), "\xff\xff\x7f\x00");
  // int64 arithmetic at the edges.
  assert.deepEqual(
    h.call(
      "BITFIELD",
      "n",
      "SET",
      "i64",
      "0",
      "-9223372036854775808",
      "INCRBY",
      "i64",
      "0",
      "-1",
      "OVERFLOW",
      "SAT",
      "INCRBY",
      "i64",
      "0",
      "-1",
      "OVERFLOW",
      "WRAP",
      "INCRBY",
      "u63",
      "64",
      "9223372036854775807",
      "INCRBY",
      "u63",
      "64",
      "2",
    ),
    [0, 9223372036854775807n, 9223372036854775806n, 9223372036854775807n, 1],
  );
});

Deno.test("BITFIELD and BITFIELD_RO: Redis's errors, parsed before anything runs", () => {
  const h = withList();
  const TYPE = err(
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
  );
  h.call("SET", "s", "foobar");
  assert.deepEqual(h.call("BITFIELD", "s", "GET"), SYNTAX);
  assert.deepEqual(h.call("BITFIELD", "s", "GET", "i8"), SYNTAX);
  assert.deepEqual(h.call("BITFIELD", "s", "foo"), SYNTAX);
  assert.deepEqual(h.call("BITFIELD", "s", "SET", "i8", "0"), SYNTAX);
  assert.deepEqual(h.call("BITFIELD", "s", "OVERFLOW"), SYNTAX);
  assert.deepEqual(
    h.call("BITFIELD", "s", "OVERFLOW", "foo"),
    err("ERR Invalid OVERFLOW type specified"),
  );
  // The width is read up to a NUL byte, as Redis's strlen() reads it.
  assert.deepEqual(h.call("BITFIELD", "s", "GET", "u8\0x", "0"), [102]);
  for (const t of ["I8", "u64", "i65", "i0", "u", "i08", "8", "", "i\x008"]) {
    assert.deepEqual(h.call("BITFIELD", "s", "GET", t, "0"), TYPE, t);
  }
  assert.deepEqual(h.call("BITFIELD", "s", "GET", "i8", "-1"), BIT_OFFSET);
  assert.deepEqual(h.call("BITFIELD", "s", "GET", "u1", "#-1"), BIT_OFFSET);
  assert.deepEqual(h.call("BITFIELD", "s", "GET", "i8", "#x"), BIT_OFFSET);
  assert.deepEqual(
    h.call("BITFIELD", "s", "GET", "i8", "#9223372036854775807"),
    BIT_OFFSET,
  );
  // #n × bits wraps at 64 bits, as Redis's multiplication does.
  assert.deepEqual(
    h.call("BITFIELD", "s", "GET", "i8", "#2305843009213693952"),
    [102],
  );
  assert.deepEqual(h.call("BITFIELD", "s", "SET", "i8", "0", "x"), NOT_INT);
  assert.deepEqual(
    h.call("BITFIELD", "lst", "SET", "i8", "0", "1", "GET", "x", "0"),
    TYPE,
  );
  assert.deepEqual(h.call("BITFIELD", "lst", "GET", "i8", "0"), WRONGTYPE_ERR);
  assert.deepEqual(
    h.call("BITFIELD", "lst", "SET", "i8", "0", "1"),
    WRONGTYPE_ERR,
  );
  const RO = err("ERR BITFIELD_RO only supports the GET subcommand");
  assert.deepEqual(h.call("BITFIELD_RO", "s", "GET", "u8", "0"), [102]);
  assert.deepEqual(h.call("BITFIELD_RO", "s", "SET", "i8", "0", "1"), RO);
  assert.deepEqual(h.call("BITFIELD_RO", "lst", "INCRBY", "i8", "0", "1"), RO);
  assert.deepEqual(
    h.call("BITFIELD_RO", "lst", "GET", "i8", "0"),
    WRONGTYPE_ERR,
  );
  assert.equal(h.call("GET", "s"), "foobar");
});

Deno.test("strings changed in place are raw, as Redis reports them", () => {
  const h = harness();
  h.call("SET", "n", "1234");
  assert.equal(h.call("OBJECT", "ENCODING", "n"), "int");
  assert.equal(h.call("SETRANGE", "n", "0", ""), 4);
  assert.equal(h.call("OBJECT", "ENCODING", "n"), "int");
  assert.equal(h.call("SETRANGE", "n", "0", "2"), 4);
  assert.equal(h.call("OBJECT", "ENCODING", "n"), "raw");
  h.call("SET", "n", "12");
  assert.equal(h.call("APPEND", "n", "3"), 3);
  assert.equal(h.call("OBJECT", "ENCODING", "n"), "raw");
  assert.equal(h.call("GET", "n"), "123");
  assert.equal(h.call("INCR", "n"), 124);
  assert.equal(h.call("OBJECT", "ENCODING", "n"), "int");
  h.call("APPEND", "fresh", "5");
  assert.equal(h.call("OBJECT", "ENCODING", "fresh"), "int");
  h.call("SETBIT", "bits", "1", "1");
  assert.equal(h.call("OBJECT", "ENCODING", "bits"), "raw");
  h.call("BITOP", "OR", "dest", "fresh");
  assert.equal(h.call("OBJECT", "ENCODING", "dest"), "raw");
  h.call("RENAME", "dest", "moved");
  assert.equal(h.call("OBJECT", "ENCODING", "moved"), "raw");
  h.call("COPY", "moved", "copied");
  assert.equal(h.call("OBJECT", "ENCODING", "copied"), "raw");
  h.call("SET", "copied", "5");
  assert.equal(h.call("OBJECT", "ENCODING", "copied"), "int");
});

Deno.test("APPEND and SETRANGE write in the record, keeping the expiry", () => {
  const h = harness();
  h.call("SET", "k", "hello", "PX", "9000");
  assert.equal(h.call("APPEND", "k", " world".repeat(100)), 605);
  assert.equal(h.call("SETRANGE", "k", "0", "J"), 605);
  assert.equal(h.call("SETRANGE", "k", "700", "\xff"), 701);
  const v = h.call("GET", "k") as string;
  assert.equal(v.slice(0, 11), "Jello world");
  assert.equal(v.slice(605, 700), "\0".repeat(95));
  assert.equal(v.charCodeAt(700), 0xff);
  assert.equal(h.call("PTTL", "k"), 9000);
  assert.equal(h.call("SETRANGE", "new", "0", ""), 0);
  assert.equal(h.call("EXISTS", "new"), 0);
  assert.equal(h.call("SETRANGE", "new", "2", "ab"), 4);
  assert.equal(h.call("GET", "new"), "\0\0ab");
  assert.equal(h.call("TTL", "new"), -1);
});

Deno.test("LCS: the subsequence, LEN, IDX with MINMATCHLEN and WITHMATCHLEN", () => {
  const h = withList();
  h.call("SET", "a", "ohmytext");
  h.call("SET", "b", "mynewtext");
  assert.equal(h.call("LCS", "a", "b"), "mytext");
  assert.equal(h.call("LCS", "a", "b", "LEN"), 6);
  assert.deepEqual(h.call("LCS", "a", "b", "IDX"), [
    ["matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]]],
    ["len", 6],
  ]);
  assert.deepEqual(
    h.call("LCS", "a", "b", "idx", "minmatchlen", "4", "withmatchlen"),
    [["matches", [[[4, 7], [5, 8], 4]]], ["len", 6]],
  );
  assert.equal(h.call("LCS", "a", "missing"), "");
  assert.equal(h.call("LCS", "missing", "missing", "LEN"), 0);
  assert.deepEqual(
    h.call("LCS", "a", "lst"),
    err("ERR The specified keys must contain string values"),
  );
  assert.deepEqual(
    h.call("LCS", "a", "b", "LEN", "IDX"),
    err("ERR If you want both the length and indexes, please just use IDX."),
  );
  assert.deepEqual(h.call("LCS", "a", "b", "foo"), SYNTAX);
  assert.deepEqual(h.call("LCS", "a", "b", "MINMATCHLEN"), SYNTAX);
  assert.deepEqual(h.call("LCS", "a", "b", "MINMATCHLEN", "x"), NOT_INT); // Its table would pass proto-max-bulk-len: refused before any work, as
  // Redis refuses it (12,001² × 4 bytes > 512 MiB).
  h.call("SET", "long1", "a".repeat(12_000));
  h.call("SET", "long2", "a".repeat(12_000));
  assert.deepEqual(
    h.call("LCS", "long1", "long2", "LEN"),
    err(
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    ),
  );
});

Deno.test("SUBSTR is GETRANGE", () => {
  const h = harness();
  h.call("SET", "k", "Hello World");
  assert.equal(h.call("SUBSTR", "k", "0", "4"), "Hello");
  assert.equal(h.call("SUBSTR", "k", "-5", "-1"), "World");
  assert.deepEqual(h.call("SUBSTR", "k", "x", "1"), NOT_INT);
  assert.deepEqual(
    h.call("SUBSTR", "k", "1"),
    err("ERR wrong number of arguments for 'substr' command"),
  );
});

Deno.test("over maxmemory with noeviction, SETBIT BITFIELD BITOP COPY are refused and reads go on", () => {
  const h = harness();
  h.call("SET", "s", "foobar");
  h.call("SETBIT", "big", String(8 * 200_000), "1"); // ~200 KB of record
  const used = h.store.memoryStats().used;
  h.store.configureMemory({ maxmemory: used - 1000, policy: "noeviction" });
  const OOM = err("OOM command not allowed when used memory > 'maxmemory'.");
  for (
    const line of [
      ["SETBIT", "big", String(8 * 400_000), "1"],
      ["BITFIELD", "big", "SET", "u8", "0", "1"],
      ["BITOP", "NOT", "n", "s"],
      ["COPY", "s", "s2"],
      ["SETRANGE", "s", "0", "x"],
    ]
  ) {
    assert.deepEqual(h.call(line[0], ...line.slice(1)), OOM, line[0]);
  }
  assert.equal(h.call("STRLEN", "big"), 200_001);
  assert.equal(h.call("BITCOUNT", "s"), 26);
  assert.equal(h.call("GETBIT", "big", String(8 * 200_000)), 1);
  assert.deepEqual(h.call("BITFIELD_RO", "s", "GET", "u8", "0"), [102]);
  assert.equal(h.call("LCS", "s", "big", "LEN"), 0);
  assert.equal(h.call("TOUCH", "s"), 1);
  assert.equal(h.call("DEL", "big"), 1); // frees: writes go on
  assert.equal(h.call("SETBIT", "small", "7", "1"), 0);
});
