import assert from "node:assert/strict";
import { ALL_BYTES, err, harness } from "./_testing.ts";
import { ActiveExpiry } from "../store/expiry.ts";

const NOT_INT = err("ERR value is not an integer or out of range");
const SYNTAX = err("ERR syntax error");

Deno.test("DEL and UNLINK count the keys they delete", () => {
  const h = harness();
  h.call("MSET", "a", "1", "b", "2");
  h.call("RPUSH", "l", "x");
  assert.equal(h.call("DEL", "a", "a", "nokey"), 1);
  assert.equal(h.call("UNLINK", "b", "l", "a"), 2);
  assert.equal(h.call("DBSIZE"), 0);
  assert.deepEqual(
    h.call("DEL"),
    err("ERR wrong number of arguments for 'del' command"),
  );
});

Deno.test("EXISTS counts a key named twice twice", () => {
  const h = harness();
  h.call("SET", "a", "1");
  assert.equal(h.call("EXISTS", "a", "a", "a", "nokey"), 3);
  assert.equal(h.call("EXISTS", "nokey"), 0);
});

Deno.test("TYPE answers a status word for every type", () => {
  const h = harness();
  h.call("SET", "s", "v");
  h.call("HSET", "hash", "f", "v");
  h.call("RPUSH", "list", "x");
  h.call("SADD", "set", "m");
  assert.equal(h.call("TYPE", "s"), "string");
  assert.equal(h.call("TYPE", "hash"), "hash");
  assert.equal(h.call("TYPE", "list"), "list");
  assert.equal(h.call("TYPE", "set"), "set");
  assert.equal(h.call("TYPE", "nokey"), "none");
  assert.equal(h.run("TYPE", "s").kind, "status");
});

Deno.test("EXPIRE family: set, read back, relative and absolute", () => {
  const h = harness();
  const now = h.now;
  h.call("SET", "k", "v");
  assert.equal(h.call("EXPIRE", "k", "100"), 1);
  assert.equal(h.call("TTL", "k"), 100);
  assert.equal(h.call("PTTL", "k"), 100_000);
  assert.equal(h.call("EXPIRETIME", "k"), now / 1000 + 100);
  assert.equal(h.call("PEXPIRETIME", "k"), now + 100_000);
  assert.equal(h.call("PEXPIRE", "k", "1500"), 1);
  assert.equal(h.call("PTTL", "k"), 1500);
  assert.equal(h.call("TTL", "k"), 2); // rounded to the nearest second
  assert.equal(h.call("EXPIREAT", "k", String(now / 1000 + 30)), 1);
  assert.equal(h.call("TTL", "k"), 30);
  assert.equal(h.call("PEXPIREAT", "k", String(now + 40)), 1);
  assert.equal(h.call("PTTL", "k"), 40);
  assert.equal(h.call("TTL", "k"), 0);
  assert.equal(h.call("EXPIRE", "nokey", "10"), 0);
  assert.equal(h.call("TTL", "nokey"), -2);
  assert.equal(h.call("PTTL", "nokey"), -2);
  assert.equal(h.call("EXPIRETIME", "nokey"), -2);
  assert.equal(h.call("PEXPIRETIME", "nokey"), -2);
  h.call("SET", "p", "v");
  assert.equal(h.call("TTL", "p"), -1);
  assert.equal(h.call("PTTL", "p"), -1);
  assert.equal(h.call("EXPIRETIME", "p"), -1);
  assert.equal(h.call("PEXPIRETIME", "p"), -1);
});

Deno.test("EXPIRE with a time in the past or now deletes the key", () => {
  const h = harness();
  for (
    const args of [
      ["EXPIRE", "-1"],
      ["EXPIRE", "0"],
      ["PEXPIRE", "0"],
      ["EXPIREAT", "1"],
      ["PEXPIREAT", String(h.now)],
      ["EXPIRE", "-9223372036854775"],
      ["PEXPIRE", "-9223372036854775808"],
      ["PEXPIREAT", "-9223372036854775808"],
    ]
  ) {
    h.call("SET", "k", "v");
    assert.equal(h.call(args[0], "k", args[1]), 1, args.join(" "));
    assert.equal(h.call("EXISTS", "k"), 0, args.join(" "));
  }
});

Deno.test("EXPIRE NX XX GT LT follow Redis 7's rules", () => {
  const h = harness();
  h.call("SET", "a", "1");
  assert.equal(h.call("EXPIRE", "a", "100", "XX"), 0); // no TTL yet
  assert.equal(h.call("EXPIRE", "a", "100", "GT"), 0); // none = infinite
  assert.equal(h.call("EXPIRE", "a", "100", "LT"), 1);
  assert.equal(h.call("EXPIRE", "a", "50", "NX"), 0);
  assert.equal(h.call("EXPIRE", "a", "50", "xx", "gt"), 0);
  assert.equal(h.call("EXPIRE", "a", "500", "Xx", "Gt"), 1);
  assert.equal(h.call("TTL", "a"), 500);
  assert.equal(h.call("EXPIRE", "a", "500", "GT"), 0); // not greater
  assert.equal(h.call("EXPIRE", "a", "500", "LT"), 0); // not less
  assert.equal(h.call("EXPIRE", "a", "400", "lt"), 1);
  assert.equal(h.call("PERSIST", "a"), 1);
  assert.equal(h.call("EXPIRE", "a", "0", "GT"), 0);
  assert.equal(h.call("EXISTS", "a"), 1);
  assert.equal(h.call("EXPIRE", "a", "0", "NX"), 1);
  assert.equal(h.call("EXISTS", "a"), 0);
  const nx = err(
    "ERR NX and XX, GT or LT options at the same time are not compatible",
  );
  assert.deepEqual(h.call("EXPIRE", "a", "10", "NX", "XX"), nx);
  assert.deepEqual(h.call("EXPIRE", "a", "10", "NX", "GT"), nx);
  assert.deepEqual(h.call("EXPIRE", "a", "10", "LT", "NX"), nx);
  assert.deepEqual(
    h.call("EXPIRE", "a", "10", "GT", "LT"),
    err("ERR GT and LT options at the same time are not compatible"),
  );
  assert.deepEqual(
    h.call("EXPIRE", "a", "10", "foo"),
    err("ERR Unsupported option foo"),
  );
  // Options are checked before the time.
  assert.deepEqual(
    h.call("EXPIRE", "a", "abc", "foo"),
    err("ERR Unsupported option foo"),
  );
  assert.deepEqual(
    h.call("EXPIRE", "a", "10", "a\r\nb\x00c"),
    err("ERR Unsupported option a  b"),
  );
  assert.deepEqual(h.call("EXPIRE", "a", "abc"), NOT_INT);
});

Deno.test("EXPIRE overflow checks match Redis", () => {
  const h = harness();
  h.call("SET", "a", "1");
  const cases: [string, string, string][] = [
    ["EXPIRE", "9223372036854775807", "expire"],
    ["EXPIRE", "9223372036854775", "expire"], // x1000 + now overflows
    ["EXPIRE", "9223372036854774", "expire"],
    ["EXPIRE", "-9223372036854775808", "expire"],
    ["EXPIRE", "-9223372036854776", "expire"],
    ["PEXPIRE", "9223372036854775807", "pexpire"],
    ["PEXPIRE", "9223372036854775806", "pexpire"],
    ["EXPIREAT", "9223372036854776", "expireat"],
  ];
  for (const [cmd, t, name] of cases) {
    assert.deepEqual(
      h.call(cmd, "a", t),
      err(`ERR invalid expire time in '${name}' command`),
      `${cmd} ${t}`,
    );
  }
  assert.equal(h.call("TTL", "a"), -1);
  assert.equal(h.call("PEXPIREAT", "a", "9223372036854775807"), 1);
  assert.equal(h.call("PEXPIRETIME", "a"), 9223372036854775807n);
  assert.equal(h.call("EXPIRETIME", "a"), 9223372036854776n);
  assert.equal(h.call("PTTL", "a"), 9223372036854775807n - BigInt(h.now));
  assert.equal(h.call("EXPIREAT", "a", "9223372036854775"), 1);
  assert.equal(h.call("PEXPIRETIME", "a"), 9223372036854775000n);
  assert.equal(h.call("PEXPIREAT", "a", "9223372036854775307"), 1);
  assert.equal(h.call("EXPIRETIME", "a"), 9223372036854775n);
  assert.equal(h.call("EXPIRE", "a", "100", "LT"), 1);
  assert.equal(h.call("TTL", "a"), 100);
});

Deno.test("TTL keys expire lazily as the clock moves", () => {
  const h = harness();
  h.call("SET", "k", "v", "PX", "1000");
  h.now += 400;
  assert.equal(h.call("PTTL", "k"), 600);
  assert.equal(h.call("TTL", "k"), 1);
  h.now += 600;
  assert.equal(h.call("PTTL", "k"), 0);
  assert.equal(h.call("TTL", "k"), 0);
  h.now += 1;
  assert.equal(h.call("TTL", "k"), -2);
  assert.equal(h.call("GET", "k"), null);
});

Deno.test("TTL keys are reclaimed by the active expire cycle", () => {
  const h = harness();
  for (let i = 0; i < 200; i++) h.call("SET", `k${i}`, "v", "PX", "100");
  h.call("SET", "p", "v");
  h.now += 101;
  assert.equal(h.call("DBSIZE"), 201); // not reclaimed yet, as in Redis
  new ActiveExpiry(h.store).runCycle();
  assert.equal(h.call("DBSIZE"), 1);
});

Deno.test("PERSIST removes a TTL", () => {
  const h = harness();
  assert.equal(h.call("PERSIST", "nokey"), 0);
  h.call("SET", "k", "v");
  assert.equal(h.call("PERSIST", "k"), 0);
  h.call("EXPIRE", "k", "10");
  assert.equal(h.call("PERSIST", "k"), 1);
  assert.equal(h.call("TTL", "k"), -1);
});

Deno.test("RENAME and RENAMENX", () => {
  const h = harness();
  const noKey = err("ERR no such key");
  assert.deepEqual(h.call("RENAME", "nokey", "b"), noKey);
  assert.deepEqual(h.call("RENAMENX", "nokey", "b"), noKey);
  assert.deepEqual(h.call("RENAME", "nokey", "nokey"), noKey);
  h.call("SET", "a", "1", "PX", "5000");
  assert.equal(h.call("RENAME", "a", "a"), "OK");
  assert.equal(h.call("RENAMENX", "a", "a"), 0);
  assert.equal(h.call("RENAME", "a", "b"), "OK");
  assert.equal(h.call("EXISTS", "a"), 0);
  assert.equal(h.call("GET", "b"), "1");
  assert.equal(h.call("PTTL", "b"), 5000);
  h.call("SET", "c", "3");
  assert.equal(h.call("RENAMENX", "b", "c"), 0);
  assert.equal(h.call("RENAMENX", "b", "d"), 1);
  assert.equal(h.call("PTTL", "d"), 5000);
  assert.equal(h.call("RENAME", "c", "d"), "OK");
  assert.equal(h.call("GET", "d"), "3");
  assert.equal(h.call("TTL", "d"), -1);
  h.call("RPUSH", "l", "x");
  assert.equal(h.call("RENAME", "l", "l2"), "OK");
  assert.equal(h.call("TYPE", "l2"), "list");
  assert.equal(h.call("RENAME", ALL_BYTES, "x") !== "OK", true);
  h.call("SET", ALL_BYTES, "v");
  assert.equal(h.call("RENAME", ALL_BYTES, "\x00"), "OK");
  assert.equal(h.call("GET", "\x00"), "v");
});

Deno.test("KEYS matches Redis globs, binary-safe", () => {
  const h = harness();
  h.call("MSET", "", "e", "a", "1", "ab", "2", "abc", "3", "b\x00\xff", "4");
  const keys = (p: string): unknown =>
    (h.call("KEYS", p) as string[]).slice().sort();
  assert.deepEqual(keys("*"), ["", "a", "ab", "abc", "b\x00\xff"]);
  assert.deepEqual(keys("**"), ["a", "ab", "abc", "b\x00\xff"]);
  assert.deepEqual(keys("a*"), ["a", "ab", "abc"]);
  assert.deepEqual(keys("?"), ["a"]);
  assert.deepEqual(keys("b?\xff"), ["b\x00\xff"]);
  assert.deepEqual(keys("[ab]*"), ["a", "ab", "abc", "b\x00\xff"]);
  assert.deepEqual(keys("nomatch"), []);
  h.call("SET", "gone", "v", "PX", "1");
  h.now += 2;
  assert.deepEqual(keys("g*"), []);
});

function scanAll(
  h: ReturnType<typeof harness>,
  ...options: string[]
): string[] {
  const seen: string[] = [];
  let cursor = "0";
  for (let i = 0; i < 10_000; i++) {
    const [next, keys] = h.call("SCAN", cursor, ...options) as [
      string,
      string[],
    ];
    seen.push(...keys);
    cursor = next;
    if (cursor === "0") return seen;
  }
  throw new Error("SCAN did not finish");
}

Deno.test("SCAN iterates every key with MATCH, COUNT and TYPE", () => {
  const h = harness();
  for (let i = 0; i < 100; i++) h.call("SET", `k${i}`, "v");
  h.call("RPUSH", "list", "x");
  h.call("RPUSH", "kl", "x");
  const all = scanAll(h);
  assert.equal(all.length, 102);
  assert.equal(new Set(all).size, 102);
  assert.equal(scanAll(h, "COUNT", "7").length, 102);
  assert.equal(scanAll(h, "MATCH", "k1*").length, 11);
  assert.equal(scanAll(h, "MATCH", "*").length, 102);
  assert.deepEqual(scanAll(h, "TYPE", "LIST").sort(), ["kl", "list"]);
  assert.deepEqual(scanAll(h, "TYPE", "list", "MATCH", "k*"), ["kl"]);
  assert.deepEqual(scanAll(h, "TYPE", "hash"), []);
  assert.deepEqual(scanAll(h, "TYPE", "nosuchtype"), []);
  // A first page of COUNT n visits at least n keys, and a few more only when
  // the last home slot looked at holds several (Redis returns a whole bucket
  // the same way); the keys' hash seed is random.
  const [cursor, page] = h.call("SCAN", "0", "COUNT", "5") as [
    string,
    string[],
  ];
  assert.notEqual(cursor, "0");
  assert.ok(page.length >= 5 && page.length <= 8, `${page.length} keys`);
  // COUNT larger than the keyspace: one page, cursor 0.
  const [c2, p2] = h.call("SCAN", "0", "COUNT", "1000") as [string, string[]];
  assert.equal(c2, "0");
  assert.equal(p2.length, 102);
});

Deno.test("SCAN errors and cursors as Redis parses them", () => {
  const h = harness();
  h.call("SET", "k", "v");
  const invalid = err("ERR invalid cursor");
  for (
    const c of ["abc", " 0", "0 ", "18446744073709551616", "-", "+", "1.5"]
  ) {
    assert.deepEqual(h.call("SCAN", c), invalid, JSON.stringify(c));
  }
  // strtoul accepts these; they start the scan over ("-1" and 2^64 - 1 are
  // past every position, which this node takes as a start).
  for (const c of ["", "+0", "-1", "18446744073709551615"]) {
    assert.deepEqual(h.call("SCAN", c), ["0", ["k"]], JSON.stringify(c));
  }
  // Any other number is a position, as in Redis: a step from there.
  const step = h.call("SCAN", "12345") as [string, string[]];
  assert.ok(step[1].length <= 1);
  assert.deepEqual(h.call("SCAN", "0", "COUNT", "0"), SYNTAX);
  assert.deepEqual(h.call("SCAN", "0", "COUNT", "-1"), SYNTAX);
  assert.deepEqual(h.call("SCAN", "0", "COUNT", "abc"), NOT_INT);
  assert.deepEqual(h.call("SCAN", "0", "TYPE"), SYNTAX);
  assert.deepEqual(h.call("SCAN", "0", "MATCH"), SYNTAX);
  assert.deepEqual(h.call("SCAN", "0", "foo", "bar"), SYNTAX);
  assert.deepEqual(h.call("SCAN", "abc", "COUNT", "0"), invalid);
  assert.equal(h.run("SCAN", "0").kind, "array");
});

Deno.test("RANDOMKEY returns a live key or NULL", () => {
  const h = harness();
  assert.equal(h.call("RANDOMKEY"), null);
  h.call("MSET", "a", "1", "b", "2");
  h.call("SET", "gone", "v", "PX", "1");
  h.now += 2;
  const seen = new Set<unknown>();
  for (let i = 0; i < 200; i++) seen.add(h.call("RANDOMKEY"));
  assert.deepEqual([...seen].sort(), ["a", "b"]);
});

Deno.test("Key commands work on hashes, lists and sets", () => {
  const h = harness();
  const now = h.now;
  const make = (): void => {
    h.call("SET", "str", "v");
    h.call("HSET", "hash", "f", "v");
    h.call("RPUSH", "list", "a", "b");
    h.call("SADD", "set", "m", "n");
  };
  make();
  const all = ["str", "hash", "list", "set"];
  assert.equal(h.call("EXISTS", ...all, "nokey"), 4);
  assert.deepEqual((h.call("KEYS", "*") as string[]).sort(), all.sort());
  for (const type of ["string", "hash", "list", "set"]) {
    const key = type === "string" ? "str" : type;
    assert.equal(h.call("TYPE", key), type);
    assert.deepEqual(scanAll(h, "TYPE", type), [key]);
    // Expiry: set, read back, persist, and lazy deletion.
    assert.equal(h.call("EXPIRE", key, "10"), 1);
    assert.equal(h.call("TTL", key), 10);
    assert.equal(h.call("PEXPIRETIME", key), now + 10_000);
    assert.equal(h.call("PERSIST", key), 1);
    assert.equal(h.call("TTL", key), -1);
    assert.equal(h.call("PEXPIRE", key, "5"), 1);
  }
  h.now += 6;
  assert.equal(h.call("DBSIZE"), 4); // not reclaimed yet, as in Redis
  assert.equal(h.call("EXISTS", ...all), 0);
  assert.equal(h.call("DBSIZE"), 0);
  assert.equal(h.call("HGET", "hash", "f"), null);
  assert.equal(h.call("LLEN", "list"), 0);
  assert.equal(h.call("SCARD", "set"), 0);
  assert.equal(h.call("RANDOMKEY"), null);
  // A collection renamed keeps its value and its TTL; it replaces any type.
  make();
  h.call("EXPIRE", "list", "100");
  assert.equal(h.call("RENAME", "list", "str"), "OK");
  assert.equal(h.call("TYPE", "str"), "list");
  assert.deepEqual(h.call("LRANGE", "str", "0", "-1"), ["a", "b"]);
  assert.equal(h.call("TTL", "str"), 100);
  assert.equal(h.call("RENAMENX", "hash", "set"), 0);
  assert.equal(h.call("RENAMENX", "hash", "hash2"), 1);
  assert.deepEqual(h.call("HGETALL", "hash2"), [["f", "v"]]);
  assert.equal(h.call("RANDOMKEY") !== null, true);
  assert.equal(h.call("DEL", "str", "hash2", "set", "nokey"), 3);
  assert.equal(h.call("DBSIZE"), 0);
  // SET and the STORE commands replace a collection and its TTL.
  make();
  h.call("EXPIRE", "hash", "100");
  assert.equal(h.call("SET", "hash", "x"), "OK");
  assert.equal(h.call("TYPE", "hash"), "string");
  assert.equal(h.call("TTL", "hash"), -1);
  assert.equal(h.call("FLUSHALL"), "OK");
  assert.equal(h.call("DBSIZE"), 0);
});

Deno.test("OBJECT ENCODING reports Redis 7.0's encodings", () => {
  const h = harness();
  const enc = (key: string): unknown => h.call("OBJECT", "ENCODING", key);
  const cases: [string, string][] = [
    ["123", "int"],
    ["-9223372036854775808", "int"],
    ["9223372036854775807", "int"],
    ["9223372036854775808", "embstr"], // past int64
    ["0123", "embstr"], // not canonical
    ["+5", "embstr"],
    ["-0", "embstr"],
    [" 1", "embstr"],
    ["1.5", "embstr"],
    ["", "embstr"],
    ["x".repeat(44), "embstr"],
    ["x".repeat(45), "raw"],
  ];
  for (const [value, encoding] of cases) {
    h.call("SET", "s", value);
    assert.equal(enc("s"), encoding, JSON.stringify(value));
  }
  h.call("RPUSH", "l", "a");
  assert.equal(enc("l"), "quicklist");
  h.call("HSET", "h", "f", "v".repeat(64));
  assert.equal(enc("h"), "listpack");
  h.call("HSET", "h", "g", "v".repeat(65));
  assert.equal(enc("h"), "hashtable");
  h.call("HSET", "hk", "f".repeat(65), "v");
  assert.equal(enc("hk"), "hashtable");
  const fields = Array.from({ length: 512 }, (_, i) => [`f${i}`, "v"]).flat();
  h.call("HSET", "big", ...fields);
  assert.equal(enc("big"), "listpack");
  h.call("HSET", "big", "one", "more");
  assert.equal(enc("big"), "hashtable");
  const ints = Array.from({ length: 512 }, (_, i) => String(i - 100));
  h.call("SADD", "ints", ...ints);
  assert.equal(enc("ints"), "intset");
  h.call("SADD", "ints", "1000");
  assert.equal(enc("ints"), "hashtable");
  h.call("SADD", "words", "1", "a");
  assert.equal(enc("words"), "hashtable");
  h.call("SADD", "lead", "01");
  assert.equal(enc("lead"), "hashtable");
  assert.equal(enc("missing"), null);
});

Deno.test("OBJECT FREQ and IDLETIME depend on the policy; missing keys are null", () => {
  const h = harness();
  h.call("SET", "k", "v");
  assert.deepEqual(
    h.call("OBJECT", "FREQ", "k"),
    err(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    ),
  );
  assert.equal(h.call("OBJECT", "FREQ", "missing"), null);
  assert.equal(typeof h.call("OBJECT", "IDLETIME", "k"), "number");
  assert.equal(h.call("OBJECT", "IDLETIME", "missing"), null);
  h.call("CONFIG", "SET", "maxmemory-policy", "volatile-lfu");
  assert.equal(typeof h.call("OBJECT", "freq", "k"), "number");
  assert.equal(h.call("OBJECT", "freq", "missing"), null);
  assert.deepEqual(
    h.call("OBJECT", "IDLETIME", "k"),
    err(
      "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    ),
  );
  assert.equal(h.call("OBJECT", "IDLETIME", "missing"), null);
});

Deno.test("OBJECT REFCOUNT, HELP and errors as Redis", () => {
  const h = harness();
  h.call("SET", "k", "v");
  assert.equal(h.call("OBJECT", "REFCOUNT", "k"), 1);
  assert.equal(h.call("OBJECT", "REFCOUNT", "missing"), null);
  const help = h.call("OBJECT", "HELP") as string[];
  assert.equal(
    help[0],
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  );
  assert.equal(help.length, 15);
  assert.deepEqual(
    h.call("OBJECT"),
    err("ERR wrong number of arguments for 'object' command"),
  );
  assert.deepEqual(
    h.call("OBJECT", "foo"),
    err("ERR unknown subcommand 'foo'. Try OBJECT HELP."),
  );
  assert.deepEqual(
    h.call("OBJECT", "encoding"),
    err("ERR wrong number of arguments for 'object|encoding' command"),
  );
  assert.deepEqual(
    h.call("OBJECT", "encoding", "a", "b"),
    err("ERR wrong number of arguments for 'object|encoding' command"),
  );
  assert.deepEqual(
    h.call("OBJECT", "help", "x"),
    err("ERR wrong number of arguments for 'object|help' command"),
  );
});

Deno.test("COPY copies a value of every type with its expiry; REPLACE; Redis's errors", () => {
  const h = harness();
  h.call("SET", "s", "v\x00\xff", "PX", "7000");
  h.call("RPUSH", "l", "a", "b");
  h.call("HSET", "h", "f", "1", "g", "2");
  h.call("SADD", "t", "1", "2", "x");
  assert.equal(h.call("COPY", "s", "s2"), 1);
  assert.equal(h.call("GET", "s2"), "v\x00\xff");
  assert.equal(h.call("PTTL", "s2"), 7000);
  assert.equal(h.call("COPY", "l", "l2"), 1);
  assert.equal(h.call("COPY", "h", "h2", "DB", "0"), 1);
  assert.equal(h.call("COPY", "t", "t2"), 1);
  assert.equal(h.call("TTL", "l2"), -1);
  // The copies share nothing with their sources.
  h.call("RPUSH", "l2", "c");
  h.call("HSET", "h2", "f", "changed");
  h.call("SREM", "t2", "x");
  assert.deepEqual(h.call("LRANGE", "l", "0", "-1"), ["a", "b"]);
  assert.deepEqual(h.call("LRANGE", "l2", "0", "-1"), ["a", "b", "c"]);
  assert.equal(h.call("HGET", "h", "f"), "1");
  assert.equal(h.call("HGET", "h2", "f"), "changed");
  assert.equal(h.call("SCARD", "t"), 3);
  assert.equal(h.call("SCARD", "t2"), 2);
  // An existing destination: 0 unless REPLACE, which takes any type.
  assert.equal(h.call("COPY", "s", "l2"), 0);
  assert.equal(h.call("TYPE", "l2"), "list");
  assert.equal(h.call("COPY", "s", "l2", "replace"), 1);
  assert.equal(h.call("GET", "l2"), "v\x00\xff");
  assert.equal(h.call("COPY", "missing", "x"), 0);
  assert.equal(h.call("EXISTS", "x"), 0);
  assert.deepEqual(
    h.call("COPY", "s", "s"),
    err("ERR source and destination objects are the same"),
  );
  assert.deepEqual(
    h.call("COPY", "s", "x", "DB", "1"),
    err("ERR DB index is out of range"),
  );
  assert.deepEqual(h.call("COPY", "s", "x", "DB", "x"), NOT_INT);
  assert.deepEqual(
    h.call("COPY", "s", "x", "DB", "2147483648"),
    err(
      "ERR value is out of range, value must between -2147483648 and 2147483647",
    ),
  );
  assert.deepEqual(h.call("COPY", "s", "x", "DB"), SYNTAX);
  assert.deepEqual(h.call("COPY", "s", "x", "foo"), SYNTAX);
  assert.equal(h.call("EXISTS", "x"), 0);
});

Deno.test("TOUCH counts the keys that exist (twice if named twice) and resets idle time", () => {
  const h = harness();
  h.call("SET", "a", "1");
  h.call("RPUSH", "b", "x");
  h.now += 5000;
  assert.equal(h.call("OBJECT", "IDLETIME", "a"), 5);
  assert.equal(h.call("TOUCH", "a", "b", "missing", "a"), 3);
  assert.equal(h.call("OBJECT", "IDLETIME", "a"), 0);
  assert.equal(h.call("TOUCH", "missing"), 0);
});

Deno.test("OBJECT ENCODING reads the store: APPEND and SETRANGE make raw, a shrunk hashtable stays one", () => {
  const h = harness();
  h.call("SET", "n", "12");
  assert.equal(h.call("OBJECT", "ENCODING", "n"), "int");
  h.call("APPEND", "n", "3");
  assert.equal(h.call("OBJECT", "ENCODING", "n"), "raw");
  h.call("SET", "r", "1234");
  h.call("SETRANGE", "r", "0", "");
  assert.equal(h.call("OBJECT", "ENCODING", "r"), "int");
  h.call("SETRANGE", "r", "0", "2");
  assert.equal(h.call("OBJECT", "ENCODING", "r"), "raw");
  h.call("SADD", "s", "1", "a");
  h.call("SREM", "s", "a");
  assert.equal(h.call("OBJECT", "ENCODING", "s"), "hashtable");
  h.call("SADD", "t", "1");
  assert.equal(h.call("OBJECT", "ENCODING", "t"), "intset");
});

Deno.test("DUMP and RESTORE round-trip a value with its TTL; RESTORE checks in Redis's order", () => {
  const h = harness();
  h.call("RPUSH", "l", "a", "b", "127");
  h.call("SET", "s", "v");
  const payload = h.call("DUMP", "l") as string;
  assert.equal(h.call("DUMP", "missing"), null);
  assert.equal(h.call("RESTORE", "l2", "0", payload), "OK");
  assert.deepEqual(h.call("LRANGE", "l2", "0", "-1"), ["a", "b", "127"]);
  assert.equal(h.call("TTL", "l2"), -1);
  assert.deepEqual(
    h.call("RESTORE", "l2", "0", payload),
    err("BUSYKEY Target key name already exists."),
  );
  assert.equal(h.call("RESTORE", "s", "5000", payload, "REPLACE"), "OK");
  assert.equal(h.call("TYPE", "s"), "list");
  assert.equal(h.call("PTTL", "s"), 5000);
  const at = String(h.now + 9000);
  assert.equal(
    h.call("RESTORE", "abs", at, payload, "ABSTTL", "IDLETIME", "10"),
    "OK",
  );
  assert.equal(h.call("PTTL", "abs"), 9000);
  assert.equal(h.call("OBJECT", "IDLETIME", "abs"), 10);
  // A time already past restores nothing and, with REPLACE, deletes.
  assert.equal(
    h.call("RESTORE", "s", String(h.now - 1), payload, "ABSTTL", "REPLACE"),
    "OK",
  );
  assert.equal(h.call("EXISTS", "s"), 0);
  for (
    const [args, e] of [
      [["0", payload, "FOO"], "ERR syntax error"],
      [["0", payload, "IDLETIME", "1", "FREQ", "1"], "ERR syntax error"],
      [["0", payload, "IDLETIME"], "ERR syntax error"],
      [
        ["0", payload, "IDLETIME", "-1"],
        "ERR Invalid IDLETIME value, must be >= 0",
      ],
      [
        ["0", payload, "FREQ", "256"],
        "ERR Invalid FREQ value, must be >= 0 and <= 255",
      ],
      [["x", payload], "ERR value is not an integer or out of range"],
      [["-1", payload], "ERR Invalid TTL value, must be >= 0"],
      [["0", "garbage"], "ERR DUMP payload version or checksum are wrong"],
    ] as const
  ) {
    assert.deepEqual(h.call("RESTORE", "new", ...args), err(e), args.join());
  }
  assert.equal(h.call("EXISTS", "new"), 0);
});
