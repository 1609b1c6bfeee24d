/**
 * The set commands, with Redis 7.0's semantics and error texts: SADD, SREM,
 * SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE, SINTER,
 * SUNION, SDIFF, SINTERSTORE, SUNIONSTORE, SDIFFSTORE, SINTERCARD, SSCAN.
 *
 * A set key holds a {@linkcode ByteSet}, changed in place: writes keep the
 * key's TTL, and a set emptied by SREM, SPOP or SMOVE deletes its key. The
 * STORE commands replace their destination whatever its type, dropping its
 * TTL, and delete it when the result is empty. A missing key is an empty
 * set; a key of another type anywhere among the inputs is WRONGTYPE.
 *
 * SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count reply a set (RESP3
 * `~`), SRANDMEMBER with a count an array, as Redis 7.0 does.
 *
 * Deliberate differences from Redis: a negative SRANDMEMBER count may ask
 * for at most `RANDOM_COUNT_LIMIT` members and `RANDOM_REPLY_BYTES_LIMIT`
 * bytes (see `_collections.ts`); member order and SSCAN cursors differ
 * (Redis lists integer sets sorted, other sets in hash order; see
 * {@linkcode ByteSet}).
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
  type Reply,
  set,
} from "@cachemir/protocol";
import type {
  ArgvView,
  CommandContext,
  DirectHandler,
  Handler,
  ReplyOut,
} from "./types.ts";
import { isWord, NUMKEYS_NOT_POSITIVE, SYNTAX_ERROR } from "./common.ts";
import {
  bytesArray,
  bytesSet,
  checkReplyBytes,
  hasCommand,
  isWrongType,
  lookup,
  lookupOrCreate,
  MUST_BE_POSITIVE,
  parsePositiveCount,
  parseRandomCount,
  randomCount,
  removeCommand,
  scanCommand,
  sizeCommand,
} from "./_collections.ts";
import { parseInt64 } from "./numbers.ts";
import { ByteSet } from "../store/set.ts";

const EMPTY_SET: Reply = Object.freeze(set([]));
const TOO_MANY_KEYS: ErrorReply = Object.freeze(
  error("ERR Number of keys can't be greater than number of args"),
);
const LIMIT_NEGATIVE: ErrorReply = Object.freeze(
  error("ERR LIMIT can't be negative"),
);

/** SADD key member [member ...] */
function saddCommand(ctx: CommandContext, args: string[]): Reply {
  const target = lookupOrCreate(ctx, args[0], ByteSet);
  if (isWrongType(target)) return target;
  let added = 0;
  for (let i = 1; i < args.length; i++) if (target.add(args[i])) added++;
  ctx.store.changes += added;
  return int(added);
}

/**
 * SADD on a big set, from the read buffer: members already there are found
 * without making strings. A missing key, a small set still packed and a
 * key of another type go to SADD's handler.
 */
function saddDirect(
  ctx: CommandContext,
  argv: ArgvView,
  out: ReplyOut,
): boolean {
  const o = argv.offsets;
  const b = argv.bytes;
  const set = ctx.store.readCollection(b, o[0], o[1]);
  if (!(set instanceof ByteSet)) return false;
  let added = 0;
  for (let i = 2; i < 2 * argv.count; i += 2) {
    if (set.addBytes(b, o[i], o[i + 1])) added++;
  }
  ctx.store.changes += added;
  out.integer(added);
  return true;
}

/** SMEMBERS key */
function smembersCommand(ctx: CommandContext, args: string[]): Reply {
  const members = lookup(ctx, args[0], ByteSet);
  if (members === undefined) return EMPTY_SET;
  if (isWrongType(members)) return members;
  return bytesSet(members.members());
}

/** SMISMEMBER key member [member ...] */
function smismemberCommand(ctx: CommandContext, args: string[]): Reply {
  const members = lookup(ctx, args[0], ByteSet);
  if (isWrongType(members)) return members;
  const out: Reply[] = new Array(args.length - 1);
  for (let i = 1; i < args.length; i++) {
    out[i - 1] = int(members?.has(args[i]) ? 1 : 0);
  }
  return array(out);
}

/** SPOP key [count] */
function spopCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2) return SYNTAX_ERROR;
  if (args.length === 1) {
    const members = lookup(ctx, args[0], ByteSet);
    if (members === undefined) return NULL;
    if (isWrongType(members)) return members;
    const member = members.pop() as string;
    if (members.size === 0) ctx.store.delete(args[0]);
    ctx.store.changes++;
    return bytes(member);
  }
  const count = parsePositiveCount(args[1]);
  if (count < 0) return MUST_BE_POSITIVE;
  const members = lookup(ctx, args[0], ByteSet);
  if (members === undefined) return EMPTY_SET;
  if (isWrongType(members)) return members;
  if (count === 0) return EMPTY_SET;
  const popped = members.popMany(count);
  if (members.size === 0) ctx.store.delete(args[0]);
  ctx.store.changes += popped.length;
  return bytesSet(popped);
}

/** SRANDMEMBER key [count] */
function srandmemberCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2) return SYNTAX_ERROR;
  if (args.length === 1) {
    const members = lookup(ctx, args[0], ByteSet);
    if (members === undefined) return NULL;
    if (isWrongType(members)) return members;
    return bytes(members.random() as string);
  }
  const n = parseRandomCount(args[1]);
  if (typeof n === "object") return n;
  const members = lookup(ctx, args[0], ByteSet);
  if (members === undefined) return EMPTY_ARRAY;
  if (isWrongType(members)) return members;
  const count = randomCount("srandmember", n, members.size);
  if (typeof count !== "number") return count;
  if (count === 0) return EMPTY_ARRAY;
  const picked = members.randomMembers(count);
  return checkReplyBytes("srandmember", count, picked) ?? bytesArray(picked);
}

/** SMOVE source destination member */
function smoveCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const source = lookup(ctx, args[0], ByteSet);
  let target = lookup(ctx, args[1], ByteSet);
  if (source === undefined) return int(0);
  if (isWrongType(source)) return source;
  if (isWrongType(target)) return target;
  const member = args[2];
  if (source === target) return int(source.has(member) ? 1 : 0);
  if (!source.delete(member)) return int(0);
  if (source.size === 0) store.delete(args[0]);
  if (target === undefined) {
    target = new ByteSet();
    store.set(args[1], target);
  }
  // One change for the removal, one more when the member was not there.
  store.changes += target.add(member) ? 2 : 1;
  return int(1);
}

/**
 * The sets at `keys[from...to)`, `null` for a missing key, or WRONGTYPE
 * when any key holds another type (Redis checks every key).
 */
function lookupAll(
  ctx: CommandContext,
  keys: readonly string[],
  from: number,
  to: number,
): (ByteSet | null)[] | ErrorReply {
  const out: (ByteSet | null)[] = new Array(to - from);
  for (let i = from; i < to; i++) {
    const found = lookup(ctx, keys[i], ByteSet);
    if (found === undefined) out[i - from] = null;
    else if (found instanceof ByteSet) out[i - from] = found;
    else return found;
  }
  return out;
}

/**
 * Stores a STORE command's result at `dst` (replacing any value and TTL),
 * or deletes `dst` when it is empty.
 */
function store(ctx: CommandContext, dst: string, result: ByteSet): Reply {
  if (result.size === 0) {
    if (ctx.store.delete(dst)) ctx.store.changes++;
    return int(0);
  }
  ctx.store.set(dst, result);
  ctx.store.changes++;
  return int(result.size);
}

/** SINTER, SINTERSTORE, SINTERCARD. */
function intersect(
  ctx: CommandContext,
  args: string[],
  from: number,
  to: number,
  mode: "reply" | "store" | "card",
  limit = 0,
): Reply {
  const sets = lookupAll(ctx, args, from, to);
  if (!Array.isArray(sets)) return sets;
  if (sets.includes(null)) {
    if (mode === "store") return store(ctx, args[0], new ByteSet());
    return mode === "card" ? int(0) : EMPTY_SET;
  }
  const present = sets as ByteSet[];
  if (mode === "card") {
    return int(ByteSet.intersectionSize(present, limit));
  }
  const members = ByteSet.intersection(present);
  if (mode === "store") return store(ctx, args[0], ByteSet.from(members));
  return bytesSet(members);
}

/** SINTER key [key ...] */
function sinterCommand(ctx: CommandContext, args: string[]): Reply {
  return intersect(ctx, args, 0, args.length, "reply");
}

/** SINTERSTORE destination key [key ...] */
function sinterstoreCommand(ctx: CommandContext, args: string[]): Reply {
  return intersect(ctx, args, 1, args.length, "store");
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
function sintercardCommand(ctx: CommandContext, args: string[]): Reply {
  const numkeys = parseInt64(args[0]);
  if (numkeys === undefined || numkeys < 1) return NUMKEYS_NOT_POSITIVE;
  if (numkeys > args.length - 1) return TOO_MANY_KEYS;
  const end = 1 + Number(numkeys);
  let limit = 0;
  for (let j = end; j < args.length; j++) {
    if (isWord(args[j], "limit") && j < args.length - 1) {
      const n = parseInt64(args[++j]);
      if (n === undefined || n < 0) return LIMIT_NEGATIVE;
      limit = Number(n);
    } else {
      return SYNTAX_ERROR;
    }
  }
  return intersect(ctx, args, 1, end, "card", limit);
}

/** SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE. */
function unionOrDiff(
  ctx: CommandContext,
  args: string[],
  from: number,
  diff: boolean,
): Reply {
  const sets = lookupAll(ctx, args, from, args.length);
  if (!Array.isArray(sets)) return sets;
  const isStore = from === 1;
  let result: ByteSet | string[];
  if (!diff) {
    result = ByteSet.union(sets.filter((s) => s !== null) as ByteSet[]);
  } else if (sets[0] === null) {
    result = [];
  } else {
    const others = sets.slice(1).filter((s) => s !== null) as ByteSet[];
    result = ByteSet.difference(sets[0], others);
  }
  if (isStore) {
    return store(
      ctx,
      args[0],
      result instanceof ByteSet ? result : ByteSet.from(result),
    );
  }
  return bytesSet(result instanceof ByteSet ? result.members() : result);
}

/** SUNION key [key ...] */
function sunionCommand(ctx: CommandContext, args: string[]): Reply {
  return unionOrDiff(ctx, args, 0, false);
}

/** SUNIONSTORE destination key [key ...] */
function sunionstoreCommand(ctx: CommandContext, args: string[]): Reply {
  return unionOrDiff(ctx, args, 1, false);
}

/** SDIFF key [key ...] */
function sdiffCommand(ctx: CommandContext, args: string[]): Reply {
  return unionOrDiff(ctx, args, 0, true);
}

/** SDIFFSTORE destination key [key ...] */
function sdiffstoreCommand(ctx: CommandContext, args: string[]): Reply {
  return unionOrDiff(ctx, args, 1, true);
}

/** The set commands' handlers, by upper-case name. */
export const SET_HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  SADD: saddCommand,
  SREM: removeCommand(ByteSet),
  SMEMBERS: smembersCommand,
  SISMEMBER: hasCommand(ByteSet),
  SMISMEMBER: smismemberCommand,
  SCARD: sizeCommand(ByteSet),
  SPOP: spopCommand,
  SRANDMEMBER: srandmemberCommand,
  SMOVE: smoveCommand,
  SINTER: sinterCommand,
  SINTERSTORE: sinterstoreCommand,
  SINTERCARD: sintercardCommand,
  SUNION: sunionCommand,
  SUNIONSTORE: sunionstoreCommand,
  SDIFF: sdiffCommand,
  SDIFFSTORE: sdiffstoreCommand,
  SSCAN: scanCommand(ByteSet, false),
});

/** The allocation-free forms of the set commands, by name. */
export const SET_DIRECT_HANDLERS: Readonly<Record<string, DirectHandler>> =
  Object.freeze({ SADD: saddDirect });
