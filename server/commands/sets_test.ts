import assert from "node:assert/strict";
import { ALL_BYTES, err, harness, WRONGTYPE_ERR } from "./_testing.ts";

const NOT_INT = err("ERR value is not an integer or out of range");
const SYNTAX = err("ERR syntax error");
const POSITIVE = err("ERR value is out of range, must be positive");

type H = ReturnType<typeof harness>;

function sorted(h: H, name: string, ...args: string[]): unknown {
  const reply = h.call(name, ...args);
  return Array.isArray(reply) ? [...reply].sort() : reply;
}

Deno.test("SADD, SREM, SCARD, SISMEMBER, SMISMEMBER", () => {
  const h = harness();
  assert.equal(h.call("SADD", "s", "a", "b", "a"), 2);
  assert.equal(h.call("SADD", "s", "b", "c"), 1);
  assert.equal(h.call("SCARD", "s"), 3);
  assert.equal(h.call("SISMEMBER", "s", "a"), 1);
  assert.equal(h.call("SISMEMBER", "s", "z"), 0);
  assert.deepEqual(h.call("SMISMEMBER", "s", "a", "z", "c", "a"), [1, 0, 1, 1]);
  assert.equal(h.call("SREM", "s", "a", "z", "a"), 1);
  assert.deepEqual(sorted(h, "SMEMBERS", "s"), ["b", "c"]);
  assert.equal(h.call("SREM", "s", "b", "c"), 2);
  assert.equal(h.call("EXISTS", "s"), 0, "an emptied set is deleted");
  assert.equal(h.call("SREM", "s", "a"), 0);
  assert.equal(h.call("SCARD", "s"), 0);
  assert.equal(h.call("SISMEMBER", "s", "a"), 0);
  assert.deepEqual(h.call("SMISMEMBER", "s", "a", "b"), [0, 0]);
  assert.equal(h.call("TYPE", "s"), "none");
  h.call("SADD", "s", "x");
  assert.equal(h.call("TYPE", "s"), "set");
});

Deno.test("Set commands answer WRONGTYPE for other types", () => {
  const h = harness();
  h.call("SET", "str", "v");
  h.call("HSET", "hash", "f", "v");
  h.call("RPUSH", "list", "a");
  h.call("SADD", "s", "a");
  const commands: string[][] = [
    ["SADD", "a"],
    ["SREM", "a"],
    ["SMEMBERS"],
    ["SISMEMBER", "a"],
    ["SMISMEMBER", "a"],
    ["SCARD"],
    ["SPOP"],
    ["SPOP", "0"],
    ["SRANDMEMBER"],
    ["SRANDMEMBER", "1"],
    ["SMOVE", "s", "a"],
    ["SINTER"],
    ["SINTER", "s"],
    ["SINTER", "nokey"],
    ["SUNION", "s"],
    ["SDIFF", "s"],
    ["SSCAN", "0"],
    ["SSCAN", "0", "BADOPTION"],
  ];
  for (const key of ["str", "hash", "list"]) {
    for (const [name, ...rest] of commands) {
      assert.deepEqual(
        h.call(name, key, ...rest),
        WRONGTYPE_ERR,
        `${name} ${key}`,
      );
    }
    // A wrong type anywhere among the inputs, even after a missing key.
    for (const name of ["SINTER", "SUNION", "SDIFF"]) {
      assert.deepEqual(h.call(name, "nokey", key), WRONGTYPE_ERR, name);
      assert.deepEqual(h.call(name, "s", key), WRONGTYPE_ERR, name);
      assert.deepEqual(h.call(`${name}STORE`, "d", "s", key), WRONGTYPE_ERR);
      assert.deepEqual(
        h.call(`${name}STORE`, "d", "nokey", key),
        WRONGTYPE_ERR,
      );
    }
    assert.deepEqual(h.call("SINTERCARD", "2", "nokey", key), WRONGTYPE_ERR);
    assert.deepEqual(h.call("SMOVE", "s", key, "a"), WRONGTYPE_ERR);
    assert.equal(h.call("SMOVE", "nokey", key, "a"), 0);
  }
  assert.equal(h.call("EXISTS", "d"), 0);
  assert.deepEqual(h.call("SMEMBERS", "s"), ["a"]);
});

Deno.test("SMEMBERS, SINTER, SUNION, SDIFF and SPOP count reply sets", () => {
  const h = harness();
  assert.equal(h.run("SMEMBERS", "nokey").kind, "set");
  assert.equal(h.run("SINTER", "nokey").kind, "set");
  assert.equal(h.run("SPOP", "nokey", "2").kind, "set");
  h.call("SADD", "s", "a", "b");
  for (
    const args of [
      ["SMEMBERS", "s"],
      ["SINTER", "s"],
      ["SUNION", "s"],
      ["SDIFF", "s"],
      ["SPOP", "s", "1"],
    ]
  ) {
    assert.equal(h.run(args[0], ...args.slice(1)).kind, "set", args[0]);
  }
  assert.equal(h.run("SRANDMEMBER", "s", "5").kind, "array");
  assert.equal(h.run("SMISMEMBER", "s", "a").kind, "array");
});

Deno.test("SPOP removes random members; counts as Redis 7.0", () => {
  const h = harness();
  assert.equal(h.call("SPOP", "s"), null);
  assert.deepEqual(h.call("SPOP", "s", "0"), []);
  assert.deepEqual(h.call("SPOP", "s", "3"), []);
  const members = Array.from({ length: 100 }, (_, i) => `m${i}`);
  h.call("SADD", "s", ...members);
  assert.deepEqual(h.call("SPOP", "s", "0"), []);
  const one = h.call("SPOP", "s") as string;
  assert.ok(members.includes(one));
  assert.equal(h.call("SISMEMBER", "s", one), 0);
  const some = h.call("SPOP", "s", "30") as string[];
  assert.equal(new Set(some).size, 30);
  assert.ok(!some.includes(one));
  assert.equal(h.call("SCARD", "s"), 69);
  const rest = h.call("SPOP", "s", "9223372036854775807") as string[];
  assert.equal(rest.length, 69);
  assert.deepEqual([one, ...some, ...rest].sort(), members.sort());
  assert.equal(h.call("EXISTS", "s"), 0);
  h.call("SADD", "s", "x");
  assert.equal(h.call("SPOP", "s"), "x");
  assert.equal(h.call("EXISTS", "s"), 0, "an emptied set is deleted");
  h.call("SET", "str", "v");
  for (const bad of ["-1", "abc", "1.5", ""]) {
    assert.deepEqual(h.call("SPOP", "s", bad), POSITIVE);
    assert.deepEqual(h.call("SPOP", "str", bad), POSITIVE);
  }
  assert.deepEqual(h.call("SPOP", "str", "0"), WRONGTYPE_ERR);
  assert.deepEqual(h.call("SPOP", "s", "1", "2"), SYNTAX);
});

Deno.test("SRANDMEMBER count rules: distinct, whole set, repeats", () => {
  const h = harness();
  assert.equal(h.call("SRANDMEMBER", "s"), null);
  assert.deepEqual(h.call("SRANDMEMBER", "s", "5"), []);
  assert.deepEqual(h.call("SRANDMEMBER", "s", "-5"), []);
  const members = Array.from({ length: 60 }, (_, i) => `m${i}`);
  h.call("SADD", "s", ...members);
  assert.ok(members.includes(h.call("SRANDMEMBER", "s") as string));
  assert.deepEqual(h.call("SRANDMEMBER", "s", "0"), []);
  for (const n of [1, 5, 20, 21, 45, 59]) {
    const got = h.call("SRANDMEMBER", "s", String(n)) as string[];
    assert.equal(got.length, n);
    assert.equal(new Set(got).size, n);
    for (const m of got) assert.ok(members.includes(m));
  }
  assert.deepEqual(h.call("SRANDMEMBER", "s", "60"), members);
  assert.deepEqual(h.call("SRANDMEMBER", "s", "1000"), members);
  const repeated = h.call("SRANDMEMBER", "s", "-1000") as string[];
  assert.equal(repeated.length, 1000);
  assert.ok(new Set(repeated).size > 40);
  assert.equal(h.call("SCARD", "s"), 60, "nothing is removed");
  // Every member comes out of single picks.
  const seen = new Set<unknown>();
  for (let i = 0; i < 2000; i++) seen.add(h.call("SRANDMEMBER", "s"));
  assert.equal(seen.size, 60);
});

Deno.test("SRANDMEMBER errors and CacheMir's bound on repeated picks", () => {
  const h = harness();
  h.call("SET", "str", "v");
  h.call("SADD", "s", "a");
  assert.deepEqual(h.call("SRANDMEMBER", "s", "abc"), NOT_INT);
  assert.deepEqual(h.call("SRANDMEMBER", "str", "abc"), NOT_INT);
  assert.deepEqual(h.call("SRANDMEMBER", "s", "1", "2"), SYNTAX);
  assert.deepEqual(h.call("SRANDMEMBER", "str", "1", "2"), SYNTAX);
  assert.deepEqual(
    h.call("SRANDMEMBER", "nokey", "-9223372036854775808"),
    err(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    ),
  );
  assert.deepEqual(h.call("SRANDMEMBER", "nokey", "-9223372036854775807"), []);
  const reply = h.call("SRANDMEMBER", "s", "-1048577") as { error: string };
  assert.match(reply.error, /^ERR srandmember count is out of range/);
  h.call("SADD", "big", "x".repeat(1 << 20));
  const big = h.call("SRANDMEMBER", "big", "-300") as { error: string };
  assert.match(big.error, /^ERR srandmember reply of \d+ bytes exceeds/);
});

Deno.test("SMOVE between sets, within one set, to a new set", () => {
  const h = harness();
  h.call("SADD", "a", "x", "y");
  assert.equal(h.call("SMOVE", "a", "b", "x"), 1);
  assert.deepEqual(h.call("SMEMBERS", "a"), ["y"]);
  assert.deepEqual(h.call("SMEMBERS", "b"), ["x"]);
  assert.equal(h.call("SMOVE", "a", "b", "zz"), 0);
  assert.equal(h.call("SMOVE", "nokey", "b", "x"), 0);
  assert.equal(h.call("SMOVE", "a", "a", "y"), 1);
  assert.equal(h.call("SMOVE", "a", "a", "zz"), 0);
  h.call("SADD", "b", "y");
  assert.equal(h.call("SMOVE", "a", "b", "y"), 1, "already in the target");
  assert.equal(h.call("EXISTS", "a"), 0, "an emptied source is deleted");
  assert.deepEqual(sorted(h, "SMEMBERS", "b"), ["x", "y"]);
});

Deno.test("SINTER, SUNION, SDIFF treat a missing key as an empty set", () => {
  const h = harness();
  h.call("SADD", "a", "1", "2", "3", "4");
  h.call("SADD", "b", "3", "4", "5");
  h.call("SADD", "c", "4", "6");
  assert.deepEqual(sorted(h, "SINTER", "a", "b"), ["3", "4"]);
  assert.deepEqual(sorted(h, "SINTER", "a", "b", "c"), ["4"]);
  assert.deepEqual(sorted(h, "SINTER", "a", "nokey"), []);
  assert.deepEqual(sorted(h, "SINTER", "a"), ["1", "2", "3", "4"]);
  assert.deepEqual(sorted(h, "SINTER", "a", "a"), ["1", "2", "3", "4"]);
  assert.deepEqual(sorted(h, "SUNION", "a", "b", "nokey"), [
    "1",
    "2",
    "3",
    "4",
    "5",
  ]);
  assert.deepEqual(sorted(h, "SUNION", "nokey"), []);
  assert.deepEqual(sorted(h, "SDIFF", "a", "b"), ["1", "2"]);
  assert.deepEqual(sorted(h, "SDIFF", "a", "b", "c"), ["1", "2"]);
  assert.deepEqual(sorted(h, "SDIFF", "a", "nokey"), ["1", "2", "3", "4"]);
  assert.deepEqual(sorted(h, "SDIFF", "nokey", "a"), []);
  assert.deepEqual(sorted(h, "SDIFF", "a", "a"), []);
  assert.deepEqual(sorted(h, "SDIFF", "b", "c", "a"), ["5"]);
});

Deno.test("SINTERSTORE, SUNIONSTORE, SDIFFSTORE replace the destination", () => {
  const h = harness();
  h.call("SADD", "a", "1", "2", "3");
  h.call("SADD", "b", "2", "3", "4");
  h.call("SET", "d", "string");
  h.call("EXPIRE", "d", "100");
  assert.equal(h.call("SINTERSTORE", "d", "a", "b"), 2);
  assert.equal(h.call("TYPE", "d"), "set");
  assert.equal(h.call("TTL", "d"), -1, "the destination's TTL is dropped");
  assert.deepEqual(sorted(h, "SMEMBERS", "d"), ["2", "3"]);
  assert.equal(h.call("SUNIONSTORE", "d", "a", "b"), 4);
  assert.deepEqual(sorted(h, "SMEMBERS", "d"), ["1", "2", "3", "4"]);
  assert.equal(h.call("SDIFFSTORE", "d", "a", "b"), 1);
  assert.deepEqual(sorted(h, "SMEMBERS", "d"), ["1"]);
  // The destination may be an input.
  assert.equal(h.call("SUNIONSTORE", "a", "a", "b"), 4);
  assert.equal(h.call("SDIFFSTORE", "a", "a", "b"), 1);
  assert.deepEqual(h.call("SMEMBERS", "a"), ["1"]);
  // An empty result deletes the destination.
  for (
    const args of [
      ["SINTERSTORE", "d", "a", "nokey"],
      ["SINTERSTORE", "d", "a", "b"],
      ["SUNIONSTORE", "d", "nokey"],
      ["SDIFFSTORE", "d", "b", "b"],
      ["SDIFFSTORE", "d", "nokey", "b"],
    ]
  ) {
    h.call("SADD", "d", "x");
    assert.equal(h.call(args[0], ...args.slice(1)), 0, args.join(" "));
    assert.equal(h.call("EXISTS", "d"), 0, args.join(" "));
  }
  // The stored set is a copy: changing an input later changes nothing.
  h.call("SUNIONSTORE", "copy", "b");
  h.call("SADD", "b", "new");
  assert.equal(h.call("SCARD", "copy"), 3);
});

Deno.test("SINTERCARD counts the intersection, with LIMIT", () => {
  const h = harness();
  h.call("SET", "str", "v");
  h.call("SADD", "a", "1", "2", "3", "4");
  h.call("SADD", "b", "2", "3", "4", "5");
  assert.equal(h.call("SINTERCARD", "2", "a", "b"), 3);
  assert.equal(h.call("SINTERCARD", "1", "a"), 4);
  assert.equal(h.call("SINTERCARD", "2", "a", "b", "LIMIT", "2"), 2);
  assert.equal(h.call("SINTERCARD", "2", "a", "b", "limit", "0"), 3);
  assert.equal(h.call("SINTERCARD", "2", "a", "b", "LIMIT", "9"), 3);
  assert.equal(
    h.call("SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "0"),
    3,
  );
  assert.equal(h.call("SINTERCARD", "2", "a", "nokey"), 0);
  assert.equal(h.run("SINTERCARD", "1", "a").kind, "int");
  const numkeys = err("ERR numkeys should be greater than 0");
  for (const n of ["0", "-1", "abc", "9223372036854775808"]) {
    assert.deepEqual(h.call("SINTERCARD", n, "a"), numkeys, n);
  }
  assert.deepEqual(
    h.call("SINTERCARD", "2", "a"),
    err("ERR Number of keys can't be greater than number of args"),
  );
  assert.deepEqual(h.call("SINTERCARD", "1", "a", "LIMIT"), SYNTAX);
  assert.deepEqual(h.call("SINTERCARD", "1", "a", "FOO", "1"), SYNTAX);
  for (const bad of ["-1", "abc"]) {
    assert.deepEqual(
      h.call("SINTERCARD", "1", "str", "LIMIT", bad),
      err("ERR LIMIT can't be negative"),
    );
  }
  assert.deepEqual(h.call("SINTERCARD", "1", "str"), WRONGTYPE_ERR);
  // "LIMIT" among the keys is a key.
  assert.equal(h.call("SINTERCARD", "2", "a", "LIMIT"), 0);
});

Deno.test("Set writes keep TTLs; SMOVE keeps both", () => {
  const h = harness();
  h.call("SADD", "s", "a", "b", "c", "d");
  h.call("SADD", "t", "z");
  h.call("EXPIRE", "s", "100");
  h.call("EXPIRE", "t", "50");
  for (
    const args of [
      ["SADD", "s", "e"],
      ["SREM", "s", "e"],
      ["SPOP", "s"],
      ["SPOP", "s", "1"],
    ]
  ) {
    h.call(args[0], ...args.slice(1));
    assert.equal(h.call("TTL", "s"), 100, args[0]);
  }
  const member = (h.call("SMEMBERS", "s") as string[])[0];
  assert.equal(h.call("SMOVE", "s", "t", member), 1);
  assert.equal(h.call("TTL", "s"), 100);
  assert.equal(h.call("TTL", "t"), 50);
  assert.equal(h.call("SCARD", "t"), 2);
});

/** Runs SSCAN to completion; returns every member seen and the steps. */
function sscanAll(
  h: H,
  key: string,
  options: string[] = [],
  between?: (step: number) => void,
): { members: string[]; steps: number } {
  const members: string[] = [];
  let cursor = "0";
  for (let step = 1; step < 100_000; step++) {
    const [next, found] = h.call("SSCAN", key, cursor, ...options) as [
      string,
      string[],
    ];
    members.push(...found);
    cursor = next;
    if (cursor === "0") return { members, steps: step };
    between?.(step);
  }
  throw new Error("SSCAN did not finish");
}

Deno.test("SSCAN: small sets whole, big ones in steps, every member", () => {
  const h = harness();
  assert.deepEqual(h.call("SSCAN", "s", "0"), ["0", []]);
  assert.deepEqual(h.call("SSCAN", "s", "abc"), err("ERR invalid cursor"));
  h.call("SADD", "s", "a", "b", "c");
  assert.deepEqual(h.call("SSCAN", "s", "7", "COUNT", "1"), [
    "0",
    ["a", "b", "c"],
  ]);
  assert.deepEqual(h.call("SSCAN", "s", "0", "MATCH", "b"), ["0", ["b"]]);
  assert.deepEqual(h.call("SSCAN", "s", "0", "COUNT", "0"), SYNTAX);
  assert.deepEqual(h.call("SSCAN", "s", "0", "COUNT", "x"), NOT_INT);
  assert.deepEqual(h.call("SSCAN", "s", "0", "TYPE", "set"), SYNTAX);
  assert.deepEqual(h.call("SSCAN", "nokey", "0", "TYPE", "set"), ["0", []]);
  const n = 3000;
  const all = Array.from({ length: n }, (_, i) => `m${i}`);
  h.call("SADD", "big", ...all);
  const { members, steps } = sscanAll(h, "big", ["COUNT", "100"]);
  assert.equal(steps, 30);
  assert.deepEqual(members.sort(), all.slice().sort());
  assert.equal(sscanAll(h, "big", ["MATCH", "m2??"]).members.length, 100);
  // Members present for the whole scan are all returned under changes.
  const seen = new Set(
    sscanAll(h, "big", ["COUNT", "50"], (step) => {
      h.call("SREM", "big", `m${2 * step + 1}`);
      h.call("SPOP", "big", "0");
      h.call("SADD", "big", `new${step}`, `new${step}b`);
    }).members,
  );
  for (let i = 0; i < n; i += 2) assert.ok(seen.has(`m${i}`), `m${i}`);
});

Deno.test("Set commands are binary-safe", () => {
  const h = harness();
  assert.equal(h.call("SADD", ALL_BYTES, ALL_BYTES, "\x00", ""), 3);
  assert.equal(h.call("SISMEMBER", ALL_BYTES, ALL_BYTES), 1);
  assert.equal(h.call("SISMEMBER", ALL_BYTES, ""), 1);
  assert.deepEqual(sorted(h, "SINTER", ALL_BYTES, ALL_BYTES), [
    "",
    "\x00",
    ALL_BYTES,
  ]);
  assert.equal(h.call("SMOVE", ALL_BYTES, "\xff", "\x00"), 1);
  assert.deepEqual(h.call("SMEMBERS", "\xff"), ["\x00"]);
  assert.deepEqual(h.call("SSCAN", ALL_BYTES, "0", "MATCH", "\x00*"), [
    "0",
    [ALL_BYTES],
  ]);
});
