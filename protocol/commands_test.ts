import assert from "node:assert/strict";
import {
  commandByName,
  commandByOpcode,
  COMMANDS,
  hasFlag,
  keyPositions,
} from "./commands.ts";

Deno.test("COMMANDS has unique names and opcodes in their family's range", () => {
  const names = new Set(COMMANDS.map((c) => c.name));
  const opcodes = new Set(COMMANDS.map((c) => c.opcode));
  assert.equal(names.size, COMMANDS.length);
  assert.equal(opcodes.size, COMMANDS.length);
  for (const c of COMMANDS) {
    assert.ok(c.opcode > 0 && c.opcode <= 0x05ff, c.name);
    assert.equal(c.name, c.name.toUpperCase());
    assert.notEqual(c.arity, 0, c.name);
    assert.ok(!(hasFlag(c, "readonly") && hasFlag(c, "write")), c.name);
  }
});

Deno.test("commandByName() is case-insensitive; commandByOpcode() inverts it", () => {
  assert.equal(commandByName("get")?.opcode, 0x0100);
  assert.equal(commandByName("GeT")?.name, "GET");
  assert.equal(commandByName("nope"), undefined);
  for (const c of COMMANDS) assert.equal(commandByOpcode(c.opcode), c);
});

Deno.test("keyPositions() follows Redis key specs", () => {
  const pos = (name: string, argc: number, count?: number) =>
    keyPositions(commandByName(name)!, argc, count);
  assert.deepEqual(pos("GET", 1), [0]);
  assert.deepEqual(pos("PING", 0), []);
  assert.deepEqual(pos("MGET", 3), [0, 1, 2]);
  assert.deepEqual(pos("MSET", 6), [0, 2, 4]);
  assert.deepEqual(pos("RENAME", 2), [0, 1]);
  assert.deepEqual(pos("SET", 4), [0]);
  assert.deepEqual(pos("SINTERSTORE", 3), [0, 1, 2]);
  assert.deepEqual(pos("SINTERCARD", 5, 2), [1, 2]);
  assert.deepEqual(pos("SINTERCARD", 3, 9), [1, 2]);
  assert.deepEqual(pos("LMOVE", 4), [0, 1]);
});

Deno.test("hasFlag() marks only repeat-safe commands for retry", () => {
  for (const name of ["GET", "SET", "DEL", "EXPIRE", "MGET", "HSET", "SADD"]) {
    assert.ok(hasFlag(commandByName(name)!, "retry"), name);
  }
  for (
    const name of [
      "INCR",
      "LPUSH",
      "APPEND",
      "INCRBYFLOAT",
      "LPOP",
      "SPOP",
      "GETDEL",
      "RENAME",
      "LMOVE",
      "SDIFFSTORE",
    ]
  ) {
    assert.ok(!hasFlag(commandByName(name)!, "retry"), name);
  }
});

Deno.test("denyoom marks exactly the commands Redis 7.0.15 marks", () => {
  // From `redis-cli COMMAND INFO <name>` against redis-server 7.0.15.
  const expected = [
    "SET",
    "SETNX",
    "SETEX",
    "PSETEX",
    "GETSET",
    "MSET",
    "MSETNX",
    "INCR",
    "DECR",
    "INCRBY",
    "DECRBY",
    "INCRBYFLOAT",
    "APPEND",
    "SETRANGE",
    "HSET",
    "HSETNX",
    "HINCRBY",
    "HINCRBYFLOAT",
    "HMSET",
    "LPUSH",
    "RPUSH",
    "LPUSHX",
    "RPUSHX",
    "LSET",
    "LINSERT",
    "LMOVE",
    "RPOPLPUSH",
    "SADD",
    "SINTERSTORE",
    "SUNIONSTORE",
    "SDIFFSTORE",
  ];
  const marked = COMMANDS.filter((c) => hasFlag(c, "denyoom")).map((c) =>
    c.name
  );
  assert.deepEqual(marked.sort(), expected.sort());
  for (const c of COMMANDS) {
    if (hasFlag(c, "denyoom")) assert.ok(hasFlag(c, "write"), c.name);
  }
  // Not denyoom in Redis, though they write.
  for (const name of ["GETEX", "SMOVE", "DEL", "GETDEL", "SPOP", "LPOP"]) {
    assert.ok(!hasFlag(commandByName(name)!, "denyoom"), name);
  }
});

Deno.test("OBJECT is a read-only command whose key is its second argument", () => {
  const object = commandByName("object")!;
  assert.equal(object.opcode, 0x0212);
  assert.equal(object.arity, -2);
  assert.ok(hasFlag(object, "readonly") && hasFlag(object, "retry"));
  assert.deepEqual(keyPositions(object, 2), [1]);
  assert.deepEqual(keyPositions(object, 1), []); // OBJECT HELP
});
