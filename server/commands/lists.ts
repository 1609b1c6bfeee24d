/**
 * The list commands, with Redis 7.0's semantics and error texts: LPUSH,
 * RPUSH, LPUSHX, RPUSHX, LPOP, RPOP (with a count), LLEN, LRANGE, LINDEX,
 * LSET, LREM, LTRIM, LINSERT, LPOS (RANK COUNT MAXLEN), LMOVE, RPOPLPUSH,
 * LMPOP, and the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP.
 *
 * A blocking command first runs as its non-blocking form; when none of its
 * keys holds a list it answers a {@linkcode Blocked} (the node makes the
 * client wait: `server/blocking.ts`), whose retry runs that form again once
 * a key was written.
 *
 * A list key holds a {@linkcode ByteList}, changed in place: writes keep the
 * key's TTL, and a list emptied by a pop, LREM, LTRIM or LMOVE deletes its
 * key. Pushes and pops at either end are O(1) at any length. Arguments are
 * checked in Redis's order: some commands check their numbers before the
 * key's type (LRANGE, LTRIM, LREM, LPOP's count), others after it (LINDEX,
 * LSET).
 *
 * @module
 */

import {
  array,
  bytes,
  EMPTY_ARRAY,
  error,
  type ErrorReply,
  int,
  NULL,
  NULL_ARRAY,
  OK,
  type Reply,
} from "@cachemir/protocol";
import type { CommandContext, Handler } from "./types.ts";
import { Blocked } from "../blocking.ts";
import {
  arityError,
  isWord,
  NO_SUCH_KEY,
  NOT_INTEGER,
  NUMKEYS_NOT_POSITIVE,
  SYNTAX_ERROR,
} from "./common.ts";
import {
  isWrongType,
  lookup,
  lookupOrCreate,
  MUST_BE_POSITIVE,
  parsePositiveCount,
} from "./_collections.ts";
import { INT64_MIN, parseInt64, parseLongDouble } from "./numbers.ts";
import { ByteList } from "../store/list.ts";

const LPOP_ARITY: ErrorReply = arityError("lpop");
const RPOP_ARITY: ErrorReply = arityError("rpop");
const INDEX_OUT_OF_RANGE: ErrorReply = Object.freeze(
  error("ERR index out of range"),
);
const RANK_ZERO: ErrorReply = Object.freeze(
  error(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  ),
);
const COUNT_NEGATIVE: ErrorReply = Object.freeze(
  error("ERR COUNT can't be negative"),
);
const MAXLEN_NEGATIVE: ErrorReply = Object.freeze(
  error("ERR MAXLEN can't be negative"),
);

/** LPUSH, RPUSH, LPUSHX, RPUSHX key element [element ...] */
function push(
  ctx: CommandContext,
  args: string[],
  left: boolean,
  onlyIfExists: boolean,
): Reply {
  const list = onlyIfExists
    ? lookup(ctx, args[0], ByteList)
    : lookupOrCreate(ctx, args[0], ByteList);
  if (list === undefined) return int(0);
  if (isWrongType(list)) return list;
  let length = list.length;
  if (left) {
    for (let i = 1; i < args.length; i++) length = list.pushLeft(args[i]);
  } else {
    for (let i = 1; i < args.length; i++) length = list.pushRight(args[i]);
  }
  ctx.store.changes += args.length - 1;
  return int(length);
}

/** LPUSH key element [element ...] */
function lpushCommand(ctx: CommandContext, args: string[]): Reply {
  return push(ctx, args, true, false);
}

/** RPUSH key element [element ...] */
function rpushCommand(ctx: CommandContext, args: string[]): Reply {
  return push(ctx, args, false, false);
}

/** LPUSHX key element [element ...] */
function lpushxCommand(ctx: CommandContext, args: string[]): Reply {
  return push(ctx, args, true, true);
}

/** RPUSHX key element [element ...] */
function rpushxCommand(ctx: CommandContext, args: string[]): Reply {
  return push(ctx, args, false, true);
}

/** LPOP, RPOP key [count] */
function pop(ctx: CommandContext, args: string[], left: boolean): Reply {
  if (args.length > 2) return left ? LPOP_ARITY : RPOP_ARITY;
  const hasCount = args.length === 2;
  let count = 0;
  if (hasCount) {
    count = parsePositiveCount(args[1]);
    if (count < 0) return MUST_BE_POSITIVE;
  }
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return hasCount ? NULL_ARRAY : NULL;
  if (isWrongType(list)) return list;
  if (!hasCount) {
    const value = (left ? list.popLeft() : list.popRight()) as string;
    if (list.length === 0) ctx.store.delete(args[0]);
    ctx.store.changes++;
    return bytes(value);
  }
  const n = Math.min(count, list.length);
  const out: Reply[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = bytes((left ? list.popLeft() : list.popRight()) as string);
  }
  if (list.length === 0) ctx.store.delete(args[0]);
  ctx.store.changes += n;
  return n === 0 ? EMPTY_ARRAY : array(out);
}

/** LPOP key [count] */
function lpopCommand(ctx: CommandContext, args: string[]): Reply {
  return pop(ctx, args, true);
}

/** RPOP key [count] */
function rpopCommand(ctx: CommandContext, args: string[]): Reply {
  return pop(ctx, args, false);
}

/** LLEN key */
function llenCommand(ctx: CommandContext, args: string[]): Reply {
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return int(0);
  if (isWrongType(list)) return list;
  return int(list.length);
}

/** LRANGE key start stop */
function lrangeCommand(ctx: CommandContext, args: string[]): Reply {
  const s = parseInt64(args[1]);
  if (s === undefined) return NOT_INTEGER;
  const e = parseInt64(args[2]);
  if (e === undefined) return NOT_INTEGER;
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return EMPTY_ARRAY;
  if (isWrongType(list)) return list;
  // Only comparisons with the length remain: an int64 as a double will do.
  const length = list.length;
  let start = Number(s);
  let stop = Number(e);
  if (start < 0) start += length;
  if (stop < 0) stop += length;
  if (start < 0) start = 0;
  if (stop >= length) stop = length - 1;
  if (start > stop) return EMPTY_ARRAY;
  const out: Reply[] = new Array(stop - start + 1);
  for (let i = start; i <= stop; i++) {
    out[i - start] = bytes(list.index(i) as string);
  }
  return array(out);
}

/** LINDEX key index */
function lindexCommand(ctx: CommandContext, args: string[]): Reply {
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return NULL;
  if (isWrongType(list)) return list;
  const index = parseInt64(args[1]);
  if (index === undefined) return NOT_INTEGER;
  const value = list.index(Number(index));
  return value === undefined ? NULL : bytes(value);
}

/** LSET key index element */
function lsetCommand(ctx: CommandContext, args: string[]): Reply {
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return NO_SUCH_KEY;
  if (isWrongType(list)) return list;
  const index = parseInt64(args[1]);
  if (index === undefined) return NOT_INTEGER;
  if (!list.set(Number(index), args[2])) return INDEX_OUT_OF_RANGE;
  ctx.store.changes++;
  return OK;
}

/** LREM key count element */
function lremCommand(ctx: CommandContext, args: string[]): Reply {
  const count = parseInt64(args[1]);
  if (count === undefined) return NOT_INTEGER;
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return int(0);
  if (isWrongType(list)) return list;
  // -INT64_MIN overflows in Redis and removes every match: so does a
  // count beyond any length.
  const removed = list.remove(Number(count), args[2]);
  if (list.length === 0) ctx.store.delete(args[0]);
  ctx.store.changes += removed;
  return int(removed);
}

/** LTRIM key start stop */
function ltrimCommand(ctx: CommandContext, args: string[]): Reply {
  const start = parseInt64(args[1]);
  if (start === undefined) return NOT_INTEGER;
  const stop = parseInt64(args[2]);
  if (stop === undefined) return NOT_INTEGER;
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return OK;
  if (isWrongType(list)) return list;
  const before = list.length;
  list.trim(Number(start), Number(stop));
  if (list.length === 0) ctx.store.delete(args[0]);
  ctx.store.changes += before - list.length; // the elements trimmed
  return OK;
}

/** LINSERT key BEFORE | AFTER pivot element */
function linsertCommand(ctx: CommandContext, args: string[]): Reply {
  let after: boolean;
  if (isWord(args[1], "after")) after = true;
  else if (isWord(args[1], "before")) after = false;
  else return SYNTAX_ERROR;
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return int(0);
  if (isWrongType(list)) return list;
  const length = list.insert(args[2], args[3], after);
  if (length > 0) ctx.store.changes++;
  return int(length);
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
function lposCommand(ctx: CommandContext, args: string[]): Reply {
  let rank = 1;
  let count = -1; // -1: no COUNT option, reply one index or NULL
  let maxLen = 0;
  for (let j = 2; j < args.length; j++) {
    const opt = args[j];
    const more = j < args.length - 1;
    if (more && isWord(opt, "rank")) {
      const n = parseInt64(args[++j]);
      if (n === undefined) return NOT_INTEGER;
      if (n === 0) return RANK_ZERO;
      // Redis negates INT64_MIN into itself: it then matches from the
      // first match at the tail and never reaches a COUNT (see below).
      rank = n === INT64_MIN ? -Infinity : Number(n);
    } else if (more && isWord(opt, "count")) {
      const n = parseInt64(args[++j]);
      if (n === undefined || n < 0) return COUNT_NEGATIVE;
      count = Number(n);
    } else if (more && isWord(opt, "maxlen")) {
      const n = parseInt64(args[++j]);
      if (n === undefined || n < 0) return MAXLEN_NEGATIVE;
      maxLen = Number(n);
    } else {
      return SYNTAX_ERROR;
    }
  }
  const list = lookup(ctx, args[0], ByteList);
  if (list === undefined) return count < 0 ? NULL : EMPTY_ARRAY;
  if (isWrongType(list)) return list;
  let wanted = count < 0 ? 1 : count;
  if (rank === -Infinity) {
    rank = -1;
    if (count >= 0) wanted = 0;
  }
  // A rank beyond the length finds nothing; keep it an integer for positions().
  if (rank > list.length) rank = list.length + 1;
  if (rank < -list.length) rank = -list.length - 1;
  const found = list.positions(args[1], { rank, count: wanted, maxLen });
  if (count < 0) return found.length === 0 ? NULL : int(found[0]);
  const out: Reply[] = new Array(found.length);
  for (let i = 0; i < found.length; i++) out[i] = int(found[i]);
  return array(out);
}

/**
 * LMOVE and RPOPLPUSH: pops from `src`, pushes to `dst`; one change, unless
 * `counts` is false (BLMOVE served once blocked: Redis 7.0 counts none).
 */
function move(
  ctx: CommandContext,
  src: string,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
  counts = true,
): Reply {
  const store = ctx.store;
  const source = lookup(ctx, src, ByteList);
  if (source === undefined) return NULL;
  if (isWrongType(source)) return source;
  // When src and dst are the same key this is the same list: a rotation.
  let target = lookup(ctx, dst, ByteList);
  if (isWrongType(target)) return target;
  const value = (fromLeft ? source.popLeft() : source.popRight()) as string;
  if (target === undefined) {
    target = new ByteList();
    store.set(dst, target);
  }
  if (toLeft) target.pushLeft(value);
  else target.pushRight(value);
  if (source.length === 0) store.delete(src);
  if (counts) store.changes++;
  return bytes(value);
}

/** Reads LEFT or RIGHT: `true` for LEFT, `undefined` for neither. */
function side(arg: string): boolean | undefined {
  if (isWord(arg, "left")) return true;
  if (isWord(arg, "right")) return false;
  return undefined;
}

/** LMOVE source destination LEFT | RIGHT LEFT | RIGHT */
function lmoveCommand(ctx: CommandContext, args: string[]): Reply {
  const from = side(args[2]);
  if (from === undefined) return SYNTAX_ERROR;
  const to = side(args[3]);
  if (to === undefined) return SYNTAX_ERROR;
  return move(ctx, args[0], args[1], from, to);
}

/** RPOPLPUSH source destination */
function rpoplpushCommand(ctx: CommandContext, args: string[]): Reply {
  return move(ctx, args[0], args[1], false, true);
}

const TIMEOUT_NOT_FLOAT: ErrorReply = Object.freeze(
  error("ERR timeout is not a float or out of range"),
);
const TIMEOUT_NEGATIVE: ErrorReply = Object.freeze(
  error("ERR timeout is negative"),
);
const COUNT_NOT_POSITIVE: ErrorReply = Object.freeze(
  error("ERR count should be greater than 0"),
);

/** 2^63: a timeout of this many ms or more overflows Redis's `long long`. */
const INT64_LIMIT = 2 ** 63;

/**
 * Reads a blocking command's timeout, in seconds as a float, into ms as
 * Redis does: the product is truncated (0.0001 s is 0: forever), and a
 * product past a signed 64-bit integer (`inf` too) wraps to a negative.
 *
 * @param arg The argument.
 * @returns The timeout in ms (0 = forever), or Redis's error.
 */
export function parseTimeout(arg: string): number | ErrorReply {
  const v = parseLongDouble(arg);
  if (v === undefined) return TIMEOUT_NOT_FLOAT;
  if (v.kind !== "finite") return TIMEOUT_NEGATIVE;
  const seconds = Number(v.mant) * 2 ** v.exp;
  const ms = Math.trunc(seconds * 1000);
  if (ms >= INT64_LIMIT || (v.neg && ms > 0)) return TIMEOUT_NEGATIVE;
  return v.neg ? 0 : ms;
}

/**
 * One attempt of BLPOP/BRPOP: `undefined` when no key holds a list. The
 * pop is a change when it is the command's own (`counts`); served once
 * blocked it is none, as in Redis 7.0.
 */
function popFirst(
  ctx: CommandContext,
  keys: readonly string[],
  left: boolean,
  counts: boolean,
): Reply | undefined {
  for (const key of keys) {
    const list = lookup(ctx, key, ByteList);
    if (list === undefined) continue;
    if (isWrongType(list)) return list;
    const value = (left ? list.popLeft() : list.popRight()) as string;
    if (list.length === 0) ctx.store.delete(key);
    if (counts) ctx.store.changes++;
    return array([bytes(key), bytes(value)]);
  }
  return undefined;
}

/** BLPOP, BRPOP key [key ...] timeout */
function blockingPop(
  ctx: CommandContext,
  args: string[],
  left: boolean,
): Reply | Blocked {
  const timeout = parseTimeout(args[args.length - 1]);
  if (typeof timeout !== "number") return timeout;
  const keys = args.slice(0, -1);
  return popFirst(ctx, keys, left, true) ??
    new Blocked(keys, timeout, () => popFirst(ctx, keys, left, false));
}

/** BLPOP key [key ...] timeout */
function blpopCommand(ctx: CommandContext, args: string[]): Reply | Blocked {
  return blockingPop(ctx, args, true);
}

/** BRPOP key [key ...] timeout */
function brpopCommand(ctx: CommandContext, args: string[]): Reply | Blocked {
  return blockingPop(ctx, args, false);
}

/**
 * One attempt of BLMOVE/BRPOPLPUSH: `undefined` while the source is empty.
 * A change when `counts` (not once blocked: see {@linkcode move}).
 */
function tryMove(
  ctx: CommandContext,
  src: string,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
  counts: boolean,
): Reply | undefined {
  const reply = move(ctx, src, dst, fromLeft, toLeft, counts);
  return reply.kind === "null" ? undefined : reply;
}

/** BLMOVE and BRPOPLPUSH once their arguments are read. */
function blockingMove(
  ctx: CommandContext,
  src: string,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
  timeout: number,
): Reply | Blocked {
  return tryMove(ctx, src, dst, fromLeft, toLeft, true) ??
    new Blocked(
      [src],
      timeout,
      () => tryMove(ctx, src, dst, fromLeft, toLeft, false),
      [dst],
    );
}

/** BLMOVE source destination LEFT | RIGHT LEFT | RIGHT timeout */
function blmoveCommand(ctx: CommandContext, args: string[]): Reply | Blocked {
  const from = side(args[2]);
  if (from === undefined) return SYNTAX_ERROR;
  const to = side(args[3]);
  if (to === undefined) return SYNTAX_ERROR;
  const timeout = parseTimeout(args[4]);
  if (typeof timeout !== "number") return timeout;
  return blockingMove(ctx, args[0], args[1], from, to, timeout);
}

/** BRPOPLPUSH source destination timeout */
function brpoplpushCommand(
  ctx: CommandContext,
  args: string[],
): Reply | Blocked {
  const timeout = parseTimeout(args[2]);
  if (typeof timeout !== "number") return timeout;
  return blockingMove(ctx, args[0], args[1], false, true, timeout);
}

/** LMPOP's and BLMPOP's arguments after the timeout. */
interface MpopArgs {
  readonly keys: readonly string[];
  readonly left: boolean;
  readonly count: number;
}

/** Reads `numkeys key [key ...] LEFT | RIGHT [COUNT count]` from `at`. */
function parseMpop(args: string[], at: number): MpopArgs | ErrorReply {
  const n = parseInt64(args[at]);
  if (n === undefined || n <= 0n) return NUMKEYS_NOT_POSITIVE;
  const whereAt = at + 1 + Number(n);
  if (n >= BigInt(args.length) || whereAt >= args.length) return SYNTAX_ERROR;
  const left = side(args[whereAt]);
  if (left === undefined) return SYNTAX_ERROR;
  let count = -1;
  for (let j = whereAt + 1; j < args.length; j++) {
    if (count === -1 && isWord(args[j], "count") && j + 1 < args.length) {
      const c = parseInt64(args[++j]);
      if (c === undefined || c <= 0n) return COUNT_NOT_POSITIVE;
      count = Number(c);
    } else {
      return SYNTAX_ERROR;
    }
  }
  return {
    keys: args.slice(at + 1, whereAt),
    left,
    count: count === -1 ? 1 : count,
  };
}

/** One attempt of LMPOP: `undefined` when no key holds a list. */
function mpop(ctx: CommandContext, m: MpopArgs): Reply | undefined {
  for (const key of m.keys) {
    const list = lookup(ctx, key, ByteList);
    if (list === undefined) continue;
    if (isWrongType(list)) return list;
    const n = Math.min(m.count, list.length);
    const out: Reply[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = bytes((m.left ? list.popLeft() : list.popRight()) as string);
    }
    if (list.length === 0) ctx.store.delete(key);
    ctx.store.changes += n; // served once blocked too (BLMPOP), as in Redis
    return array([bytes(key), array(out)]);
  }
  return undefined;
}

/** LMPOP numkeys key [key ...] LEFT | RIGHT [COUNT count] */
function lmpopCommand(ctx: CommandContext, args: string[]): Reply {
  const m = parseMpop(args, 0);
  if ("kind" in m) return m;
  return mpop(ctx, m) ?? NULL_ARRAY;
}

/** BLMPOP timeout numkeys key [key ...] LEFT | RIGHT [COUNT count] */
function blmpopCommand(ctx: CommandContext, args: string[]): Reply | Blocked {
  // Redis reads the rest before the timeout.
  const m = parseMpop(args, 1);
  if ("kind" in m) return m;
  const timeout = parseTimeout(args[0]);
  if (typeof timeout !== "number") return timeout;
  return mpop(ctx, m) ??
    new Blocked(m.keys, timeout, () => mpop(ctx, m));
}

/** The list commands' handlers, by upper-case name. */
export const LIST_HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  LPUSH: lpushCommand,
  RPUSH: rpushCommand,
  LPUSHX: lpushxCommand,
  RPUSHX: rpushxCommand,
  LPOP: lpopCommand,
  RPOP: rpopCommand,
  LLEN: llenCommand,
  LRANGE: lrangeCommand,
  LINDEX: lindexCommand,
  LSET: lsetCommand,
  LREM: lremCommand,
  LTRIM: ltrimCommand,
  LINSERT: linsertCommand,
  LPOS: lposCommand,
  LMOVE: lmoveCommand,
  RPOPLPUSH: rpoplpushCommand,
  LMPOP: lmpopCommand,
  BLPOP: blpopCommand,
  BRPOP: brpopCommand,
  BLMOVE: blmoveCommand,
  BRPOPLPUSH: brpoplpushCommand,
  BLMPOP: blmpopCommand,
});
