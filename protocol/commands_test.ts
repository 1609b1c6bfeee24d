import assert from "node:assert/strict";
import {
  commandByName,
  commandByOpcode,
  commandInfo,
  type CommandName,
  COMMANDS,
  hasFlag,
  keyPositions,
  type RoutePolicy,
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
  assert.deepEqual(pos("BITOP", 4), [1, 2, 3]); // BITOP op dest src...
  assert.deepEqual(pos("COPY", 4), [0, 1]);
  assert.deepEqual(pos("LCS", 3), [0, 1]);
  assert.deepEqual(pos("TOUCH", 3), [0, 1, 2]);
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
      "BITFIELD",
      "BITOP",
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
    "SETBIT",
    "BITOP",
    "BITFIELD",
    "COPY",
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
    "BRPOPLPUSH",
    "BLMOVE",
    "SADD",
    "SINTERSTORE",
    "SUNIONSTORE",
    "SDIFFSTORE",
    "RESTORE",
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

Deno.test("CommandName lists exactly the table's names; commandInfo() finds each", () => {
  // A Record over the union: a name missing here, or one not in the union,
  // fails to compile; the table must hold the same names.
  const names: Record<CommandName, true> = {
    HELLO: true,
    PING: true,
    ECHO: true,
    QUIT: true,
    DBSIZE: true,
    FLUSHALL: true,
    FLUSHDB: true,
    COMMAND: true,
    CONFIG: true,
    CLIENT: true,
    SELECT: true,
    INFO: true,
    TIME: true,
    RESET: true,
    AUTH: true,
    MEMORY: true,
    SHUTDOWN: true,
    HOTKEYS: true,
    SLOWLOG: true,
    FUNCTION: true,
    GET: true,
    SET: true,
    SETNX: true,
    SETEX: true,
    PSETEX: true,
    GETSET: true,
    GETDEL: true,
    GETEX: true,
    MGET: true,
    MSET: true,
    MSETNX: true,
    INCR: true,
    DECR: true,
    INCRBY: true,
    DECRBY: true,
    INCRBYFLOAT: true,
    APPEND: true,
    STRLEN: true,
    GETRANGE: true,
    SETRANGE: true,
    SETBIT: true,
    GETBIT: true,
    BITCOUNT: true,
    BITPOS: true,
    BITOP: true,
    BITFIELD: true,
    BITFIELD_RO: true,
    LCS: true,
    SUBSTR: true,
    DEL: true,
    UNLINK: true,
    EXISTS: true,
    TYPE: true,
    EXPIRE: true,
    PEXPIRE: true,
    EXPIREAT: true,
    PEXPIREAT: true,
    TTL: true,
    PTTL: true,
    EXPIRETIME: true,
    PEXPIRETIME: true,
    PERSIST: true,
    RENAME: true,
    RENAMENX: true,
    KEYS: true,
    SCAN: true,
    RANDOMKEY: true,
    OBJECT: true,
    COPY: true,
    TOUCH: true,
    DUMP: true,
    RESTORE: true,
    HSET: true,
    HSETNX: true,
    HGET: true,
    HMGET: true,
    HGETALL: true,
    HDEL: true,
    HEXISTS: true,
    HLEN: true,
    HKEYS: true,
    HVALS: true,
    HINCRBY: true,
    HINCRBYFLOAT: true,
    HSTRLEN: true,
    HRANDFIELD: true,
    HSCAN: true,
    HMSET: true,
    LPUSH: true,
    RPUSH: true,
    LPUSHX: true,
    RPUSHX: true,
    LPOP: true,
    RPOP: true,
    LLEN: true,
    LRANGE: true,
    LINDEX: true,
    LSET: true,
    LREM: true,
    LTRIM: true,
    LINSERT: true,
    LPOS: true,
    LMOVE: true,
    RPOPLPUSH: true,
    BLPOP: true,
    BRPOP: true,
    BRPOPLPUSH: true,
    BLMOVE: true,
    LMPOP: true,
    BLMPOP: true,
    SADD: true,
    SREM: true,
    SMEMBERS: true,
    SISMEMBER: true,
    SMISMEMBER: true,
    SCARD: true,
    SPOP: true,
    SRANDMEMBER: true,
    SMOVE: true,
    SINTER: true,
    SUNION: true,
    SDIFF: true,
    SINTERSTORE: true,
    SUNIONSTORE: true,
    SDIFFSTORE: true,
    SINTERCARD: true,
    SSCAN: true,
  };
  assert.deepEqual(
    COMMANDS.map((c) => c.name).sort(),
    Object.keys(names).sort(),
  );
  for (const name of Object.keys(names) as CommandName[]) {
    assert.equal(commandInfo(name).name, name);
  }
  assert.throws(
    () => commandInfo("NOPE" as CommandName),
    /Command table has no NOPE/,
  );
});

Deno.test("every command without keys has a route policy, and only those", () => {
  const routes: Record<string, RoutePolicy> = {};
  for (const c of COMMANDS) {
    if (c.keys.first === 0) {
      assert.ok(c.route !== undefined, `${c.name} has no route policy`);
      routes[c.name] = c.route;
    } else {
      assert.equal(c.route, undefined, `${c.name} has keys and a route`);
    }
  }
  assert.equal(routes.DBSIZE, "sum");
  assert.equal(routes.KEYS, "concat");
  assert.equal(routes.FLUSHALL, "all-succeed");
  assert.equal(routes.FLUSHDB, "all-succeed");
  assert.equal(routes.SCAN, "walk");
  assert.equal(routes.RANDOMKEY, "random");
  assert.equal(routes.HOTKEYS, "top");
  assert.equal(routes.PING, "first-up");
});
