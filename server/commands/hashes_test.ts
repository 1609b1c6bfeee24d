import assert from "node:assert/strict";
import { ALL_BYTES, err, harness, WRONGTYPE_ERR } from "./_testing.ts";

const NOT_INT = err("ERR value is not an integer or out of range");
const NOT_FLOAT = err("ERR value is not a valid float");
const SYNTAX = err("ERR syntax error");

/** A harness with a string at "str". */
function withString(): ReturnType<typeof harness> {
  const h = harness();
  h.call("SET", "str", "v");
  return h;
}

Deno.test("HSET and HMSET count new fields, replace values, check arity", () => {
  const h = harness();
  assert.equal(h.call("HSET", "h", "a", "1", "b", "2"), 2);
  assert.equal(h.call("HSET", "h", "a", "3", "c", "4", "c", "5"), 1);
  assert.deepEqual(h.call("HGETALL", "h"), [["a", "3"], ["b", "2"], [
    "c",
    "5",
  ]]);
  assert.deepEqual(
    h.call("HSET", "h", "a", "1", "b"),
    err("ERR wrong number of arguments for 'hset' command"),
  );
  assert.deepEqual(
    h.call("HSET", "h", "a"),
    err("ERR wrong number of arguments for 'hset' command"),
  );
  assert.equal(h.call("HMSET", "h", "d", "6"), "OK");
  assert.deepEqual(
    h.call("HMSET", "h", "a", "1", "b"),
    err("ERR wrong number of arguments for 'hmset' command"),
  );
  assert.equal(h.call("HLEN", "h"), 4);
  assert.equal(h.call("TYPE", "h"), "hash");
});

Deno.test("HSET and friends answer WRONGTYPE for other types", () => {
  const h = withString();
  h.call("RPUSH", "list", "a");
  h.call("SADD", "set", "a");
  const commands: string[][] = [
    ["HSET", "f", "v"],
    ["HMSET", "f", "v"],
    ["HSETNX", "f", "v"],
    ["HGET", "f"],
    ["HMGET", "f", "g"],
    ["HGETALL"],
    ["HDEL", "f"],
    ["HEXISTS", "f"],
    ["HLEN"],
    ["HKEYS"],
    ["HVALS"],
    ["HINCRBY", "f", "1"],
    ["HINCRBYFLOAT", "f", "1"],
    ["HSTRLEN", "f"],
    ["HRANDFIELD"],
    ["HRANDFIELD", "1"],
    ["HRANDFIELD", "-1", "WITHVALUES"],
    ["HSCAN", "0"],
    ["HSCAN", "0", "BADOPTION"],
  ];
  for (const key of ["str", "list", "set"]) {
    for (const [name, ...rest] of commands) {
      assert.deepEqual(
        h.call(name, key, ...rest),
        WRONGTYPE_ERR,
        `${name} ${key}`,
      );
    }
  }
  assert.equal(h.call("GET", "str"), "v");
});

Deno.test("HGET, HMGET, HEXISTS, HSTRLEN, HLEN on present and missing keys", () => {
  const h = harness();
  assert.equal(h.call("HGET", "h", "a"), null);
  assert.deepEqual(h.call("HMGET", "h", "a", "b"), [null, null]);
  assert.equal(h.call("HEXISTS", "h", "a"), 0);
  assert.equal(h.call("HSTRLEN", "h", "a"), 0);
  assert.equal(h.call("HLEN", "h"), 0);
  assert.equal(h.call("EXISTS", "h"), 0, "reads create nothing");
  h.call("HSET", "h", "a", "hello", "b", "");
  assert.equal(h.call("HGET", "h", "a"), "hello");
  assert.equal(h.call("HGET", "h", "b"), "");
  assert.equal(h.call("HGET", "h", "c"), null);
  assert.deepEqual(h.call("HMGET", "h", "c", "a", "b", "a"), [
    null,
    "hello",
    "",
    "hello",
  ]);
  assert.equal(h.call("HEXISTS", "h", "b"), 1);
  assert.equal(h.call("HSTRLEN", "h", "a"), 5);
  assert.equal(h.call("HSTRLEN", "h", "b"), 0);
  assert.equal(h.call("HLEN", "h"), 2);
});

Deno.test("HSETNX sets only absent fields", () => {
  const h = harness();
  assert.equal(h.call("HSETNX", "h", "a", "1"), 1);
  assert.equal(h.call("HSETNX", "h", "a", "2"), 0);
  assert.equal(h.call("HSETNX", "h", "b", "3"), 1);
  assert.deepEqual(h.call("HGETALL", "h"), [["a", "1"], ["b", "3"]]);
});

Deno.test("HGETALL is a map, HKEYS and HVALS arrays, in insertion order", () => {
  const h = harness();
  assert.equal(h.run("HGETALL", "h").kind, "map");
  assert.deepEqual(h.call("HGETALL", "h"), []);
  assert.deepEqual(h.call("HKEYS", "h"), []);
  assert.deepEqual(h.call("HVALS", "h"), []);
  h.call("HSET", "h", "z", "1", "y", "2", "x", "3");
  h.call("HDEL", "h", "y");
  h.call("HSET", "h", "y", "4", "z", "5");
  assert.equal(h.run("HGETALL", "h").kind, "map");
  assert.deepEqual(h.call("HGETALL", "h"), [["z", "5"], ["x", "3"], [
    "y",
    "4",
  ]]);
  assert.deepEqual(h.call("HKEYS", "h"), ["z", "x", "y"]);
  assert.deepEqual(h.call("HVALS", "h"), ["5", "3", "4"]);
  assert.equal(h.run("HKEYS", "h").kind, "array");
});

Deno.test("HDEL counts deleted fields and deletes an emptied hash", () => {
  const h = harness();
  assert.equal(h.call("HDEL", "h", "a"), 0);
  h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
  assert.equal(h.call("HDEL", "h", "a", "a", "nofield"), 1);
  assert.equal(h.call("HLEN", "h"), 2);
  assert.equal(h.call("HDEL", "h", "b", "c", "b"), 2);
  assert.equal(h.call("EXISTS", "h"), 0);
});

Deno.test("Hash writes keep the key's TTL", () => {
  const h = harness();
  h.call("HSET", "h", "a", "1", "n", "1");
  h.call("EXPIRE", "h", "100");
  const writes: string[][] = [
    ["HSET", "b", "2"],
    ["HMSET", "c", "3"],
    ["HSETNX", "d", "4"],
    ["HDEL", "b"],
    ["HINCRBY", "n", "5"],
    ["HINCRBYFLOAT", "n", "0.5"],
  ];
  for (const [name, ...rest] of writes) {
    h.call(name, "h", ...rest);
    assert.equal(h.call("TTL", "h"), 100, name);
  }
  assert.deepEqual(h.call("HGETALL", "h"), [["a", "1"], ["n", "6.5"], [
    "c",
    "3",
  ], ["d", "4"]]);
  h.now += 100_001;
  assert.equal(h.call("HGET", "h", "a"), null);
  // A write to an expired hash starts a new, persistent one.
  assert.equal(h.call("HSET", "h", "x", "1"), 1);
  assert.deepEqual(h.call("HGETALL", "h"), [["x", "1"]]);
  assert.equal(h.call("TTL", "h"), -1);
});

Deno.test("HINCRBY with int64 limits and Redis's errors", () => {
  const h = withString();
  assert.equal(h.call("HINCRBY", "h", "n", "5"), 5);
  assert.equal(h.call("HINCRBY", "h", "n", "-7"), -2);
  assert.equal(h.call("HGET", "h", "n"), "-2");
  h.call("HSET", "h", "max", "9223372036854775806");
  assert.equal(h.call("HINCRBY", "h", "max", "1"), 9223372036854775807n);
  assert.deepEqual(
    h.call("HINCRBY", "h", "max", "1"),
    err("ERR increment or decrement would overflow"),
  );
  h.call("HSET", "h", "min", "-9223372036854775807");
  assert.equal(h.call("HINCRBY", "h", "min", "-1"), -9223372036854775808n);
  assert.deepEqual(
    h.call("HINCRBY", "h", "min", "-1"),
    err("ERR increment or decrement would overflow"),
  );
  for (const bad of ["foo", "007", " 1", "+1", "1.0", "", "-0"]) {
    h.call("HSET", "h", "bad", bad);
    assert.deepEqual(
      h.call("HINCRBY", "h", "bad", "1"),
      err("ERR hash value is not an integer"),
      `value ${JSON.stringify(bad)}`,
    );
  }
  assert.deepEqual(h.call("HINCRBY", "h", "n", "x"), NOT_INT);
  assert.deepEqual(h.call("HINCRBY", "h", "n", "1.5"), NOT_INT);
  assert.deepEqual(h.call("HINCRBY", "h", "n", "9223372036854775808"), NOT_INT);
  // The increment is checked before the type, and errors create nothing.
  assert.deepEqual(h.call("HINCRBY", "str", "n", "x"), NOT_INT);
  assert.deepEqual(h.call("HINCRBY", "nokey", "n", "x"), NOT_INT);
  assert.equal(h.call("EXISTS", "nokey"), 0);
  assert.equal(
    h.call("HINCRBY", "new", "f", "-9223372036854775808"),
    -9223372036854775808n,
  );
});

Deno.test("HINCRBYFLOAT uses long double arithmetic and Redis's errors", () => {
  const h = withString();
  assert.equal(h.call("HINCRBYFLOAT", "h", "f", "10.5"), "10.5");
  assert.equal(h.call("HINCRBYFLOAT", "h", "f", "0.1"), "10.6");
  assert.equal(h.call("HINCRBYFLOAT", "h", "f", "-5"), "5.6");
  assert.equal(h.call("HINCRBYFLOAT", "h", "g", "1e5"), "100000");
  assert.equal(
    h.call("HINCRBYFLOAT", "h", "g", "0.1"),
    "100000.10000000000000142",
  );
  h.call("HSET", "h", "x", "0x10");
  assert.equal(h.call("HINCRBYFLOAT", "h", "x", "1"), "17");
  assert.equal(h.call("HINCRBYFLOAT", "h", "x", "-17"), "0");
  assert.equal(h.run("HINCRBYFLOAT", "h", "x", "1").kind, "bytes");
  for (const bad of ["abc", " 1.5", "1.5 ", "", "nan"]) {
    h.call("HSET", "h", "bad", bad);
    assert.deepEqual(
      h.call("HINCRBYFLOAT", "h", "bad", "1"),
      err("ERR hash value is not a float"),
      `value ${JSON.stringify(bad)}`,
    );
  }
  assert.deepEqual(h.call("HINCRBYFLOAT", "h", "f", "abc"), NOT_FLOAT);
  assert.deepEqual(h.call("HINCRBYFLOAT", "h", "f", "nan"), NOT_FLOAT);
  assert.deepEqual(h.call("HINCRBYFLOAT", "h", "f", " 1"), NOT_FLOAT);
  assert.deepEqual(
    h.call("HINCRBYFLOAT", "h", "f", "inf"),
    err("ERR value is NaN or Infinity"),
  );
  assert.deepEqual(
    h.call("HINCRBYFLOAT", "nokey", "f", "-Infinity"),
    err("ERR value is NaN or Infinity"),
  );
  assert.equal(h.call("EXISTS", "nokey"), 0);
  h.call("HSET", "h", "big", "1e4932");
  assert.deepEqual(
    h.call("HINCRBYFLOAT", "h", "big", "1e4932"),
    err("ERR increment would produce NaN or Infinity"),
  );
  h.call("HSET", "h", "inf", "inf");
  assert.deepEqual(
    h.call("HINCRBYFLOAT", "h", "inf", "1"),
    err("ERR increment would produce NaN or Infinity"),
  );
  assert.equal(h.call("HGET", "h", "big"), "1e4932");
  // The increment is checked before the type.
  assert.deepEqual(h.call("HINCRBYFLOAT", "str", "f", "x"), NOT_FLOAT);
  assert.deepEqual(h.call("HINCRBYFLOAT", "str", "f", "1"), WRONGTYPE_ERR);
});

Deno.test("HRANDFIELD without a count: one field or NULL", () => {
  const h = harness();
  assert.equal(h.call("HRANDFIELD", "h"), null);
  h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
  const seen = new Set<unknown>();
  for (let i = 0; i < 200; i++) seen.add(h.call("HRANDFIELD", "h"));
  assert.deepEqual([...seen].sort(), ["a", "b", "c"]);
  assert.equal(h.run("HRANDFIELD", "h").kind, "bytes");
});

Deno.test("HRANDFIELD count rules: distinct, whole hash, repeats, zero", () => {
  const h = harness();
  assert.deepEqual(h.call("HRANDFIELD", "h", "3"), []);
  assert.deepEqual(h.call("HRANDFIELD", "h", "-3", "WITHVALUES"), []);
  const fields = Array.from({ length: 50 }, (_, i) => `f${i}`);
  h.call("HSET", "h", ...fields.flatMap((f, i) => [f, `v${i}`]));
  assert.deepEqual(h.call("HRANDFIELD", "h", "0"), []);
  assert.deepEqual(h.call("HRANDFIELD", "h", "0", "WITHVALUES"), []);
  for (const n of [1, 2, 10, 16, 17, 40, 49]) {
    const got = h.call("HRANDFIELD", "h", String(n)) as string[];
    assert.equal(got.length, n);
    assert.equal(new Set(got).size, n, `count ${n} gives distinct fields`);
    for (const f of got) assert.ok(fields.includes(f));
  }
  // A count of at least the size returns the whole hash, in order.
  assert.deepEqual(h.call("HRANDFIELD", "h", "50"), fields);
  assert.deepEqual(h.call("HRANDFIELD", "h", "9223372036854775807"), fields);
  // A negative count may repeat fields.
  const repeated = h.call("HRANDFIELD", "h", "-500") as string[];
  assert.equal(repeated.length, 500);
  assert.ok(new Set(repeated).size < 50 + 1);
  assert.ok(new Set(repeated).size > 30);
  // WITHVALUES pairs each field with its value.
  const pairs = h.call("HRANDFIELD", "h", "-20", "withvalues") as string[][];
  assert.equal(pairs.length, 20);
  for (const [f, v] of pairs) assert.equal(v, `v${f.slice(1)}`);
  const distinct = h.call("HRANDFIELD", "h", "20", "WITHVALUES") as string[][];
  assert.equal(new Set(distinct.map(([f]) => f)).size, 20);
});

Deno.test("HRANDFIELD WITHVALUES reply shapes: pairs on RESP3 and binary, flat on RESP2", () => {
  for (const dialect of ["binary", "resp3", "resp2"] as const) {
    const h = harness({ dialect });
    h.call("HSET", "h", "a", "1");
    const reply = h.run("HRANDFIELD", "h", "-2", "WITHVALUES");
    assert.equal(reply.kind, "array");
    if (dialect === "resp2") {
      assert.deepEqual(h.call("HRANDFIELD", "h", "-2", "WITHVALUES"), [
        "a",
        "1",
        "a",
        "1",
      ]);
      assert.deepEqual(h.call("HRANDFIELD", "h", "5", "WITHVALUES"), [
        "a",
        "1",
      ]);
    } else {
      assert.deepEqual(h.call("HRANDFIELD", "h", "-2", "WITHVALUES"), [
        ["a", "1"],
        ["a", "1"],
      ]);
      assert.deepEqual(h.call("HRANDFIELD", "h", "5", "WITHVALUES"), [[
        "a",
        "1",
      ]]);
    }
  }
});

Deno.test("HRANDFIELD argument errors in Redis's order", () => {
  const h = withString();
  h.call("HSET", "h", "a", "1");
  assert.deepEqual(h.call("HRANDFIELD", "h", "abc"), NOT_INT);
  assert.deepEqual(h.call("HRANDFIELD", "str", "abc"), NOT_INT);
  assert.deepEqual(h.call("HRANDFIELD", "h", "1", "foo"), SYNTAX);
  assert.deepEqual(h.call("HRANDFIELD", "str", "1", "foo"), SYNTAX);
  assert.deepEqual(h.call("HRANDFIELD", "h", "1", "WITHVALUES", "x"), SYNTAX);
  assert.deepEqual(
    h.call("HRANDFIELD", "h", "-9223372036854775808"),
    err(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    ),
  );
  for (const n of ["-4611686018427387904", "4611686018427387904"]) {
    assert.deepEqual(
      h.call("HRANDFIELD", "nokey", n, "WITHVALUES"),
      err("ERR value is out of range"),
    );
  }
  assert.deepEqual(
    h.call("HRANDFIELD", "nokey", "4611686018427387903", "WITHVALUES"),
    [],
  );
  assert.deepEqual(
    h.call("HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"),
    [
      ["a", "1"],
    ],
  );
  // CacheMir's own bound on repeated picks (Redis would exhaust memory).
  assert.deepEqual(h.call("HRANDFIELD", "nokey", "-9223372036854775807"), []);
  const tooMany = h.call("HRANDFIELD", "h", "-9223372036854775807");
  assert.match((tooMany as { error: string }).error, /^ERR hrandfield count/);
  assert.equal(
    (h.call("HRANDFIELD", "h", "-1048576") as string[]).length,
    1048576,
  );
});

Deno.test("HRANDFIELD refuses a negative count whose reply is too large", () => {
  const h = harness();
  h.call("HSET", "h", "f", "x".repeat(1024 * 1024));
  const reply = h.call("HRANDFIELD", "h", "-300", "WITHVALUES");
  assert.match(
    (reply as { error: string }).error,
    /^ERR hrandfield reply of 314573[0-9]{3} bytes exceeds the limit of 268435456 bytes$/,
  );
  assert.equal((h.call("HRANDFIELD", "h", "-200") as string[]).length, 200);
});

/** Runs HSCAN to completion; returns every field and value seen. */
function hscanAll(
  h: ReturnType<typeof harness>,
  key: string,
  options: string[] = [],
  between?: (step: number) => void,
): { pairs: [string, string][]; steps: number } {
  const pairs: [string, string][] = [];
  let cursor = "0";
  for (let step = 1; step < 100_000; step++) {
    const [next, flat] = h.call("HSCAN", key, cursor, ...options) as [
      string,
      string[],
    ];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
    cursor = next;
    if (cursor === "0") return { pairs, steps: step };
    between?.(step);
  }
  throw new Error("HSCAN did not finish");
}

Deno.test("HSCAN returns a small hash whole, in order, whatever the cursor and COUNT", () => {
  const h = harness();
  assert.deepEqual(h.call("HSCAN", "h", "0"), ["0", []]);
  assert.deepEqual(h.call("HSCAN", "h", "0", "BADOPTION"), ["0", []]);
  h.call("HSET", "h", "a", "1", "b", "2", "c", "3");
  for (const cursor of ["0", "5", "-1", "18446744073709551615", ""]) {
    assert.deepEqual(h.call("HSCAN", "h", cursor, "COUNT", "1"), [
      "0",
      ["a", "1", "b", "2", "c", "3"],
    ]);
  }
  assert.deepEqual(h.call("HSCAN", "h", "0", "MATCH", "[ab]"), [
    "0",
    ["a", "1", "b", "2"],
  ]);
  assert.deepEqual(h.call("HSCAN", "h", "0", "MATCH", "z*", "COUNT", "5"), [
    "0",
    [],
  ]);
  const reply = h.run("HSCAN", "h", "0");
  assert.equal(reply.kind, "array");
  if (reply.kind === "array") assert.equal(reply.value[0].kind, "bytes");
});

Deno.test("HSCAN option and cursor errors", () => {
  const h = harness();
  h.call("HSET", "h", "a", "1");
  const invalid = err("ERR invalid cursor");
  for (const c of ["abc", " 0", "18446744073709551616", "-", "1.5"]) {
    assert.deepEqual(h.call("HSCAN", "h", c), invalid, c);
    assert.deepEqual(h.call("HSCAN", "nokey", c), invalid, c);
  }
  assert.deepEqual(h.call("HSCAN", "h", "0", "COUNT", "0"), SYNTAX);
  assert.deepEqual(h.call("HSCAN", "h", "0", "COUNT", "-1"), SYNTAX);
  assert.deepEqual(h.call("HSCAN", "h", "0", "COUNT", "abc"), NOT_INT);
  assert.deepEqual(h.call("HSCAN", "h", "0", "COUNT"), SYNTAX);
  assert.deepEqual(h.call("HSCAN", "h", "0", "MATCH"), SYNTAX);
  assert.deepEqual(h.call("HSCAN", "h", "0", "NOVALUES"), SYNTAX);
  assert.deepEqual(h.call("HSCAN", "h", "0", "TYPE", "hash"), SYNTAX);
});

Deno.test("HSCAN of a big hash: COUNT-sized steps, every field, under changes", () => {
  const h = harness();
  const n = 5000;
  const args: string[] = [];
  for (let i = 0; i < n; i++) args.push(`f${i}`, `v${i}`);
  h.call("HSET", "big", ...args);
  const { pairs, steps } = hscanAll(h, "big", ["COUNT", "100"]);
  assert.equal(pairs.length, n);
  assert.equal(steps, 50);
  for (const [f, v] of pairs) assert.equal(v, `v${f.slice(1)}`);
  const matched = hscanAll(h, "big", ["MATCH", "f1*", "COUNT", "500"]).pairs;
  assert.equal(matched.length, 1111);
  // Fields present for the whole scan are all returned, whatever is added
  // or deleted between the steps.
  const kept = new Set<string>();
  for (let i = 0; i < n; i += 2) kept.add(`f${i}`);
  let added = 0;
  const seen = hscanAll(h, "big", ["COUNT", "37"], (step) => {
    h.call("HDEL", "big", `f${2 * step + 1}`, `f${4 * step + 1}`);
    h.call("HSET", "big", `new${added++}`, "x");
  }).pairs.map(([f]) => f);
  const seenSet = new Set(seen);
  for (const f of kept) assert.ok(seenSet.has(f), f);
});

Deno.test("Hash commands are binary-safe in keys, fields and values", () => {
  const h = harness();
  const key = ALL_BYTES;
  assert.equal(h.call("HSET", key, ALL_BYTES, ALL_BYTES + "!", "\x00", ""), 2);
  assert.equal(h.call("HGET", key, ALL_BYTES), ALL_BYTES + "!");
  assert.equal(h.call("HSTRLEN", key, ALL_BYTES), 257);
  assert.deepEqual(h.call("HKEYS", key), [ALL_BYTES, "\x00"]);
  assert.equal(h.call("HEXISTS", key, "\x00"), 1);
  assert.equal(h.call("HINCRBY", key, "\xff", "3"), 3);
  assert.deepEqual(h.call("HSCAN", key, "0", "MATCH", "\xff"), [
    "0",
    ["\xff", "3"],
  ]);
  assert.equal(h.call("HDEL", key, ALL_BYTES, "\x00", "\xff"), 3);
  assert.equal(h.call("EXISTS", key), 0);
});

Deno.test("Hashes past 128 fields keep working as their order changes", () => {
  const h = harness();
  const fields = Array.from({ length: 300 }, (_, i) => `f${i}`);
  h.call("HSET", "h", ...fields.flatMap((f) => [f, f]));
  for (let i = 0; i < 300; i += 3) h.call("HDEL", "h", `f${i}`);
  assert.equal(h.call("HLEN", "h"), 200);
  const all = h.call("HGETALL", "h") as [string, string][];
  assert.equal(all.length, 200);
  assert.deepEqual(
    all.map(([f]) => f).sort(),
    fields.filter((_, i) => i % 3 !== 0).sort(),
  );
  for (const [f, v] of all) assert.equal(f, v);
  assert.deepEqual(
    h.call("HKEYS", "h"),
    all.map(([f]) => f),
    "HKEYS in HGETALL's order",
  );
  assert.deepEqual(h.call("HVALS", "h"), all.map(([, v]) => v));
});
