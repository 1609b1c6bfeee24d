/**
 * The command table shared by the node and the client: every command's name,
 * opcode, arity, flags and key positions, as plain data.
 *
 * Arity and key positions follow Redis's `COMMAND INFO` conventions: they count
 * the command name as argument 0, a negative arity `-n` means "at least n",
 * `firstKey` is 1-based (0 = the command takes no key) and `lastKey` -1 means
 * "the last argument".
 *
 * @module
 */

/**
 * A property of a command.
 *
 * - `readonly`: never modifies the keyspace.
 * - `write`: may modify the keyspace.
 * - `denyoom`: may grow memory, so it is refused with `OOM command not
 *   allowed when used memory > 'maxmemory'.` while the node is over its
 *   memory limit and cannot evict enough (Redis's `denyoom`, on the same
 *   commands as Redis 7.0: SET, INCR, HSET, LPUSH, SADD...; not GETEX,
 *   SMOVE or the commands that only delete).
 * - `retry`: safe to send again after a network failure that left its fate
 *   unknown (running it twice leaves the same state as running it once).
 * - `connection`: about the connection or the node, not about keys.
 * - `admin`: affects the whole node (FLUSHALL).
 * - `random`: the reply is chosen at random (RANDOMKEY, SPOP, ...).
 * - `unordered`: the reply holds a collection in no defined order.
 * - `noauth`: runs before the connection has authenticated (Redis's
 *   `no-auth`: AUTH, HELLO, QUIT, RESET); every other command is refused
 *   with `NOAUTH` on a node with a password until AUTH succeeds.
 * - `blocking`: may wait for a key to be written (BLPOP, BLMOVE, BLMPOP...):
 *   the connection answers nothing else until it is served or times out, so
 *   a client sends it on a connection of its own.
 */
export type CommandFlag =
  | "readonly"
  | "write"
  | "denyoom"
  | "retry"
  | "connection"
  | "admin"
  | "random"
  | "unordered"
  | "noauth"
  | "blocking";

/**
 * How a client that spreads keys over many nodes joins the per-node replies
 * of a multi-key command split by node.
 *
 * - `array`: one reply element per key, joined back in the caller's key order (MGET).
 * - `sum`: integer replies are added (DEL, EXISTS, UNLINK).
 * - `ok`: every part replies OK (MSET).
 */
export type CommandJoin = "array" | "sum" | "ok";

/**
 * How a client spread over many nodes sends a command without keys, and how
 * it answers from the nodes' replies: Redis's `request_policy` and
 * `response_policy` command tips, as one word.
 *
 * - `first-up`: to one node, the first that is up (PING, ECHO, HELLO, ...).
 * - `sum`: to every node; the integer replies are added (DBSIZE; Redis's
 *   `all_shards` + `agg_sum`).
 * - `concat`: to every node; the array replies are concatenated (KEYS;
 *   `all_shards`).
 * - `all-succeed`: to every node, and fails if one is down or fails
 *   (FLUSHALL; `all_shards` + `all_succeeded`).
 * - `walk`: to one node after the other, with a cursor that says which
 *   (SCAN; `special`).
 * - `random`: to nodes in random order until one has an answer that is not
 *   null (RANDOMKEY; `special`).
 * - `top`: to every node; the replies, arrays of `[member, score]` pairs
 *   highest score first, are merged by member (the scores of a member
 *   several nodes list are added), sorted by score and cut to the count the
 *   command's first argument asks for, 10 without one (HOTKEYS).
 */
export type RoutePolicy =
  | "first-up"
  | "sum"
  | "concat"
  | "all-succeed"
  | "walk"
  | "random"
  | "top";

/**
 * The name of every command in {@linkcode COMMANDS}, upper-case: a typo in
 * a name written in code fails to compile.
 */
export type CommandName =
  | "HELLO"
  | "PING"
  | "ECHO"
  | "QUIT"
  | "DBSIZE"
  | "FLUSHALL"
  | "FLUSHDB"
  | "COMMAND"
  | "CONFIG"
  | "CLIENT"
  | "SELECT"
  | "INFO"
  | "TIME"
  | "RESET"
  | "AUTH"
  | "SLOWLOG"
  | "MEMORY"
  | "SHUTDOWN"
  | "FUNCTION"
  | "DUMP"
  | "RESTORE"
  | "HOTKEYS"
  | "GET"
  | "SET"
  | "SETNX"
  | "SETEX"
  | "PSETEX"
  | "GETSET"
  | "GETDEL"
  | "GETEX"
  | "MGET"
  | "MSET"
  | "MSETNX"
  | "INCR"
  | "DECR"
  | "INCRBY"
  | "DECRBY"
  | "INCRBYFLOAT"
  | "APPEND"
  | "STRLEN"
  | "GETRANGE"
  | "SETRANGE"
  | "SETBIT"
  | "GETBIT"
  | "BITCOUNT"
  | "BITPOS"
  | "BITOP"
  | "BITFIELD"
  | "BITFIELD_RO"
  | "LCS"
  | "SUBSTR"
  | "DEL"
  | "UNLINK"
  | "EXISTS"
  | "TYPE"
  | "EXPIRE"
  | "PEXPIRE"
  | "EXPIREAT"
  | "PEXPIREAT"
  | "TTL"
  | "PTTL"
  | "EXPIRETIME"
  | "PEXPIRETIME"
  | "PERSIST"
  | "RENAME"
  | "RENAMENX"
  | "KEYS"
  | "SCAN"
  | "RANDOMKEY"
  | "OBJECT"
  | "COPY"
  | "TOUCH"
  | "HSET"
  | "HSETNX"
  | "HGET"
  | "HMGET"
  | "HGETALL"
  | "HDEL"
  | "HEXISTS"
  | "HLEN"
  | "HKEYS"
  | "HVALS"
  | "HINCRBY"
  | "HINCRBYFLOAT"
  | "HSTRLEN"
  | "HRANDFIELD"
  | "HSCAN"
  | "HMSET"
  | "LPUSH"
  | "RPUSH"
  | "LPUSHX"
  | "RPUSHX"
  | "LPOP"
  | "RPOP"
  | "LLEN"
  | "LRANGE"
  | "LINDEX"
  | "LSET"
  | "LREM"
  | "LTRIM"
  | "LINSERT"
  | "LPOS"
  | "LMOVE"
  | "RPOPLPUSH"
  | "BLPOP"
  | "BRPOP"
  | "BRPOPLPUSH"
  | "BLMOVE"
  | "LMPOP"
  | "BLMPOP"
  | "SADD"
  | "SREM"
  | "SMEMBERS"
  | "SISMEMBER"
  | "SMISMEMBER"
  | "SCARD"
  | "SPOP"
  | "SRANDMEMBER"
  | "SMOVE"
  | "SINTER"
  | "SUNION"
  | "SDIFF"
  | "SINTERSTORE"
  | "SUNIONSTORE"
  | "SDIFFSTORE"
  | "SINTERCARD"
  | "SSCAN";

/** Where a command's keys are among its arguments. */
export interface KeySpec {
  /** 1-based index of the first key (0 = no keys). */
  readonly first: number;
  /** Index of the last key; -1 = the last argument, -2 = the one before it. */
  readonly last: number;
  /** Distance between two keys (2 for MSET's key value pairs). */
  readonly step: number;
  /**
   * When set, the argument at this index holds the number of keys, which
   * start at `first` (SINTERCARD numkeys key ...).
   */
  readonly countAt?: number;
}

/** One row of the command table. */
export interface CommandInfo {
  /** Upper-case name, as Redis spells it. */
  readonly name: string;
  /** The opcode on the binary protocol. */
  readonly opcode: number;
  /** Redis-style arity: counts the name; negative means "at least". */
  readonly arity: number;
  /** Properties of the command. */
  readonly flags: readonly CommandFlag[];
  /** Key positions. */
  readonly keys: KeySpec;
  /** Set on multi-key commands a client may split by node. */
  readonly join?: CommandJoin;
  /**
   * Set on every command without keys (`keys.first` 0): how a client spread
   * over many nodes routes it and joins the replies.
   */
  readonly route?: RoutePolicy;
}

const NO_KEYS: KeySpec = Object.freeze({ first: 0, last: 0, step: 0 });
const KEY1: KeySpec = Object.freeze({ first: 1, last: 1, step: 1 });
const KEY12: KeySpec = Object.freeze({ first: 1, last: 2, step: 1 });
const ALL_KEYS: KeySpec = Object.freeze({ first: 1, last: -1, step: 1 });

function cmd(
  name: CommandName,
  opcode: number,
  arity: number,
  flags: CommandFlag[],
  keys: KeySpec = KEY1,
  join?: CommandJoin,
): CommandInfo {
  const info: CommandInfo = join === undefined
    ? { name, opcode, arity, flags: Object.freeze(flags), keys }
    : { name, opcode, arity, flags: Object.freeze(flags), keys, join };
  return Object.freeze(info);
}

/** A command without keys, and how a cluster routes it. */
function keyless(
  name: CommandName,
  opcode: number,
  arity: number,
  flags: CommandFlag[],
  route: RoutePolicy,
): CommandInfo {
  return Object.freeze({
    name,
    opcode,
    arity,
    flags: Object.freeze(flags),
    keys: NO_KEYS,
    route,
  });
}

const R: CommandFlag[] = ["readonly", "retry"];
const W: CommandFlag[] = ["write"];
const WR: CommandFlag[] = ["write", "retry"];
/** Writes that may grow memory: refused with OOM over the limit. */
const D: CommandFlag[] = ["write", "denyoom"];
const DR: CommandFlag[] = ["write", "denyoom", "retry"];
/** Blocking writes: may wait for a key (BLPOP...); a client sends them on a connection of their own. */
const WB: CommandFlag[] = ["write", "blocking"];
const DB: CommandFlag[] = ["write", "denyoom", "blocking"];
const C: CommandFlag[] = ["connection", "retry"];
/** Connection commands a client may send before AUTH (Redis's `no-auth`). */
const CN: CommandFlag[] = ["connection", "retry", "noauth"];

/** The opcode of CALL: the first argument is the command's name. */
export const OPCODE_CALL = 0x0000;

/** Every command the protocol defines, in opcode order. */
export const COMMANDS: readonly CommandInfo[] = Object.freeze([
  // 0x00xx connection and server
  keyless("HELLO", 0x0001, -1, CN, "first-up"),
  keyless("PING", 0x0002, -1, C, "first-up"),
  keyless("ECHO", 0x0003, 2, C, "first-up"),
  keyless("QUIT", 0x0004, -1, CN, "first-up"),
  keyless("DBSIZE", 0x0005, 1, ["readonly", "retry"], "sum"),
  keyless("FLUSHALL", 0x0006, -1, ["write", "retry", "admin"], "all-succeed"),
  keyless("FLUSHDB", 0x0007, -1, ["write", "retry", "admin"], "all-succeed"),
  keyless("COMMAND", 0x0008, -1, C, "first-up"),
  keyless("CONFIG", 0x0009, -2, ["connection", "admin"], "first-up"),
  keyless("CLIENT", 0x000a, -2, C, "first-up"),
  keyless("SELECT", 0x000b, 2, C, "first-up"),
  keyless("INFO", 0x000c, -1, C, "first-up"),
  keyless("TIME", 0x000d, 1, C, "first-up"),
  keyless("RESET", 0x000e, 1, CN, "first-up"),
  keyless("AUTH", 0x000f, -2, ["connection", "noauth"], "first-up"),
  keyless("SLOWLOG", 0x0010, -2, ["connection", "admin"], "first-up"),
  // MEMORY USAGE key goes to the key's node; MEMORY STATS | HELP | DOCTOR
  // have no key (to any node).
  cmd("MEMORY", 0x0011, -2, R, { first: 2, last: 2, step: 1 }),
  // Stops the node (every node, from a client spread over many).
  keyless("SHUTDOWN", 0x0012, -1, ["connection", "admin"], "all-succeed"),
  // FUNCTION FLUSH | LIST | HELP: CacheMir holds no function library.
  keyless("FUNCTION", 0x0013, -2, ["connection", "admin"], "all-succeed"),
  // The node's hottest keys now (a CacheMir command): every node's, merged.
  keyless("HOTKEYS", 0x0020, -1, C, "top"),

  // 0x01xx strings
  cmd("GET", 0x0100, 2, R),
  cmd("SET", 0x0101, -3, DR),
  cmd("SETNX", 0x0102, 3, DR),
  cmd("SETEX", 0x0103, 4, DR),
  cmd("PSETEX", 0x0104, 4, DR),
  cmd("GETSET", 0x0105, 3, D),
  cmd("GETDEL", 0x0106, 2, W),
  cmd("GETEX", 0x0107, -2, WR),
  cmd("MGET", 0x0108, -2, R, ALL_KEYS, "array"),
  cmd("MSET", 0x0109, -3, DR, { first: 1, last: -1, step: 2 }, "ok"),
  cmd("MSETNX", 0x010a, -3, D, { first: 1, last: -1, step: 2 }),
  cmd("INCR", 0x010b, 2, D),
  cmd("DECR", 0x010c, 2, D),
  cmd("INCRBY", 0x010d, 3, D),
  cmd("DECRBY", 0x010e, 3, D),
  cmd("INCRBYFLOAT", 0x010f, 3, D),
  cmd("APPEND", 0x0110, 3, D),
  cmd("STRLEN", 0x0111, 2, R),
  cmd("GETRANGE", 0x0112, 4, R),
  cmd("SETRANGE", 0x0113, 4, DR),
  // Setting a bit twice leaves what setting it once does.
  cmd("SETBIT", 0x0114, 4, DR),
  cmd("GETBIT", 0x0115, 3, R),
  cmd("BITCOUNT", 0x0116, -2, R),
  cmd("BITPOS", 0x0117, -3, R),
  // Not "retry": BITOP NOT k k run twice gives k back.
  cmd("BITOP", 0x0118, -4, D, { first: 2, last: -1, step: 1 }),
  // Not "retry": INCRBY counts twice.
  cmd("BITFIELD", 0x0119, -2, D),
  cmd("BITFIELD_RO", 0x011a, -2, R),
  cmd("LCS", 0x011b, -3, R, KEY12),
  // GETRANGE's name before Redis 2.0.
  cmd("SUBSTR", 0x011c, 4, R),

  // 0x02xx keys of any type
  cmd("DEL", 0x0200, -2, WR, ALL_KEYS, "sum"),
  cmd("UNLINK", 0x0201, -2, WR, ALL_KEYS, "sum"),
  cmd("EXISTS", 0x0202, -2, R, ALL_KEYS, "sum"),
  cmd("TYPE", 0x0203, 2, R),
  cmd("EXPIRE", 0x0204, -3, WR),
  cmd("PEXPIRE", 0x0205, -3, WR),
  cmd("EXPIREAT", 0x0206, -3, WR),
  cmd("PEXPIREAT", 0x0207, -3, WR),
  cmd("TTL", 0x0208, 2, R),
  cmd("PTTL", 0x0209, 2, R),
  cmd("EXPIRETIME", 0x020a, 2, R),
  cmd("PEXPIRETIME", 0x020b, 2, R),
  cmd("PERSIST", 0x020c, 2, WR),
  cmd("RENAME", 0x020d, 3, W, KEY12),
  cmd("RENAMENX", 0x020e, 3, W, KEY12),
  keyless("KEYS", 0x020f, 2, ["readonly", "retry", "unordered"], "concat"),
  keyless("SCAN", 0x0210, -2, ["readonly", "retry", "unordered"], "walk"),
  keyless("RANDOMKEY", 0x0211, 1, ["readonly", "retry", "random"], "random"),
  // OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT key, OBJECT HELP.
  cmd("OBJECT", 0x0212, -2, R, { first: 2, last: 2, step: 1 }),
  // COPY source destination [DB 0] [REPLACE]: run twice, it leaves one copy.
  cmd("COPY", 0x0213, -3, DR, KEY12),
  cmd("TOUCH", 0x0214, -2, R, ALL_KEYS, "sum"),
  cmd("DUMP", 0x0216, 2, R),
  // RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ n].
  cmd("RESTORE", 0x0217, -4, D),

  // 0x03xx hashes
  cmd("HSET", 0x0300, -4, DR),
  cmd("HSETNX", 0x0301, 4, DR),
  cmd("HGET", 0x0302, 3, R),
  cmd("HMGET", 0x0303, -3, R),
  cmd("HGETALL", 0x0304, 2, ["readonly", "retry", "unordered"]),
  cmd("HDEL", 0x0305, -3, WR),
  cmd("HEXISTS", 0x0306, 3, R),
  cmd("HLEN", 0x0307, 2, R),
  cmd("HKEYS", 0x0308, 2, ["readonly", "retry", "unordered"]),
  cmd("HVALS", 0x0309, 2, ["readonly", "retry", "unordered"]),
  cmd("HINCRBY", 0x030a, 4, D),
  cmd("HINCRBYFLOAT", 0x030b, 4, D),
  cmd("HSTRLEN", 0x030c, 3, R),
  cmd("HRANDFIELD", 0x030d, -2, ["readonly", "retry", "random"]),
  cmd("HSCAN", 0x030e, -3, ["readonly", "retry", "unordered"]),
  cmd("HMSET", 0x030f, -4, DR),

  // 0x04xx lists
  cmd("LPUSH", 0x0400, -3, D),
  cmd("RPUSH", 0x0401, -3, D),
  cmd("LPUSHX", 0x0402, -3, D),
  cmd("RPUSHX", 0x0403, -3, D),
  cmd("LPOP", 0x0404, -2, W),
  cmd("RPOP", 0x0405, -2, W),
  cmd("LLEN", 0x0406, 2, R),
  cmd("LRANGE", 0x0407, 4, R),
  cmd("LINDEX", 0x0408, 3, R),
  cmd("LSET", 0x0409, 4, DR),
  cmd("LREM", 0x040a, 4, W),
  cmd("LTRIM", 0x040b, 4, W),
  cmd("LINSERT", 0x040c, 5, D),
  cmd("LPOS", 0x040d, -3, R),
  cmd("LMOVE", 0x040e, 5, D, KEY12),
  cmd("RPOPLPUSH", 0x040f, 3, D, KEY12),
  // The blocking pops: keys, then the timeout in seconds (last argument).
  cmd("BLPOP", 0x0410, -3, WB, { first: 1, last: -2, step: 1 }),
  cmd("BRPOP", 0x0411, -3, WB, { first: 1, last: -2, step: 1 }),
  cmd("BRPOPLPUSH", 0x0412, 4, DB, KEY12),
  cmd("BLMOVE", 0x0413, 6, DB, KEY12),
  // LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
  cmd("LMPOP", 0x0414, -4, W, { first: 2, last: -1, step: 1, countAt: 1 }),
  // BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
  cmd("BLMPOP", 0x0415, -5, WB, { first: 3, last: -1, step: 1, countAt: 2 }),

  // 0x05xx sets
  cmd("SADD", 0x0500, -3, DR),
  cmd("SREM", 0x0501, -3, WR),
  cmd("SMEMBERS", 0x0502, 2, ["readonly", "retry", "unordered"]),
  cmd("SISMEMBER", 0x0503, 3, R),
  cmd("SMISMEMBER", 0x0504, -3, R),
  cmd("SCARD", 0x0505, 2, R),
  cmd("SPOP", 0x0506, -2, ["write", "random"]),
  cmd("SRANDMEMBER", 0x0507, -2, ["readonly", "retry", "random"]),
  cmd("SMOVE", 0x0508, 4, WR, KEY12),
  cmd("SINTER", 0x0509, -2, ["readonly", "retry", "unordered"], ALL_KEYS),
  cmd("SUNION", 0x050a, -2, ["readonly", "retry", "unordered"], ALL_KEYS),
  cmd("SDIFF", 0x050b, -2, ["readonly", "retry", "unordered"], ALL_KEYS),
  cmd("SINTERSTORE", 0x050c, -3, DR, ALL_KEYS),
  cmd("SUNIONSTORE", 0x050d, -3, DR, ALL_KEYS),
  // Not "retry": SDIFFSTORE a b a run twice stores b − (b − a), not b − a.
  cmd("SDIFFSTORE", 0x050e, -3, D, ALL_KEYS),
  cmd("SINTERCARD", 0x050f, -3, R, { first: 2, last: -1, step: 1, countAt: 1 }),
  cmd("SSCAN", 0x0510, -3, ["readonly", "retry", "unordered"]),
]);

const BY_NAME = new Map<string, CommandInfo>(
  COMMANDS.map((c) => [c.name, c]),
);
const BY_OPCODE = new Map<number, CommandInfo>(
  COMMANDS.map((c) => [c.opcode, c]),
);

/**
 * Looks a command up by name, in any case.
 *
 * @param name The command name, e.g. `"get"` or `"GET"`.
 * @returns The command's row, or `undefined` when the protocol has no such command.
 *
 * @example Find GET's opcode
 * ```ts
 * import { commandByName } from "@cachemir/protocol";
 * console.log(commandByName("get")?.opcode); // 256
 * ```
 */
export function commandByName(name: string): CommandInfo | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toUpperCase());
}

/**
 * A command's row, by a name the type system knows: the way code names a
 * command (a typo fails to compile, and the opcode is read from the table).
 *
 * @param name The command name, upper-case, e.g. `"GET"`.
 * @returns The command's row.
 * @throws {Error} Never for a {@linkcode CommandName}: the table holds a row
 * for each (the error names a protocol package out of step with its types).
 *
 * @example GET's opcode, without writing it
 * ```ts
 * import { commandInfo } from "@cachemir/protocol";
 * console.log(commandInfo("GET").opcode.toString(16)); // "100"
 * ```
 */
export function commandInfo(name: CommandName): CommandInfo {
  const info = BY_NAME.get(name);
  if (info === undefined) {
    throw new Error(
      `Command table has no ${name}: the protocol package is out of step with its CommandName type`,
    );
  }
  return info;
}

/**
 * Looks a command up by opcode.
 *
 * @param opcode The opcode from a frame header.
 * @returns The command's row, or `undefined` for an unknown opcode.
 *
 * @example Name an opcode
 * ```ts
 * import { commandByOpcode } from "@cachemir/protocol";
 * console.log(commandByOpcode(0x0100)?.name); // "GET"
 * ```
 */
export function commandByOpcode(opcode: number): CommandInfo | undefined {
  return BY_OPCODE.get(opcode);
}

/**
 * Lists the positions of a command's keys among its arguments (the name not
 * counted: position 0 is the first argument after the name).
 *
 * @param info The command's row.
 * @param argc The number of arguments, the name not counted.
 * @param countArg When `info.keys.countAt` is set, the integer value of that
 * argument (the number of keys); ignored otherwise.
 * @returns Positions in `args` that hold keys, in order; empty for keyless commands.
 *
 * @example MSET's keys
 * ```ts
 * import { commandByName, keyPositions } from "@cachemir/protocol";
 * console.log(keyPositions(commandByName("MSET")!, 4)); // [0, 2]
 * ```
 */
export function keyPositions(
  info: CommandInfo,
  argc: number,
  countArg?: number,
): number[] {
  const { first, last, step, countAt } = info.keys;
  if (first === 0) return [];
  const out: number[] = [];
  let end: number;
  if (countAt !== undefined) {
    const n = countArg ?? 0;
    end = Math.min(first - 1 + n, argc) - 1;
  } else {
    end = last < 0 ? argc + last : last - 1; // argc + last: -1 → argc - 1
  }
  for (let i = first - 1; i <= end && i < argc; i += step) out.push(i);
  return out;
}

/**
 * Tells whether a command has a flag.
 *
 * @param info The command's row.
 * @param flag The flag to test.
 * @returns `true` when the command has the flag.
 *
 * @example Is GET safe to retry?
 * ```ts
 * import { commandByName, hasFlag } from "@cachemir/protocol";
 * console.log(hasFlag(commandByName("GET")!, "retry")); // true
 * console.log(hasFlag(commandByName("INCR")!, "retry")); // false
 * ```
 */
export function hasFlag(info: CommandInfo, flag: CommandFlag): boolean {
  return info.flags.includes(flag);
}
