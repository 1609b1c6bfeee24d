/**
 * The hash commands, with Redis 7.0's semantics and error texts: HSET,
 * HMSET, HSETNX, HGET, HMGET, HGETALL, HDEL, HEXISTS, HLEN, HKEYS, HVALS,
 * HINCRBY, HINCRBYFLOAT, HSTRLEN, HRANDFIELD, HSCAN.
 *
 * A hash key holds a {@linkcode ByteHash}, changed in place: writes keep the
 * key's TTL, and a hash emptied by HDEL deletes its key. Every command
 * answers WRONGTYPE for a key of another type, after checking its own
 * arguments where Redis does (HINCRBY's increment, HRANDFIELD's count).
 *
 * Deliberate differences from Redis: a negative HRANDFIELD count may ask
 * for at most `RANDOM_COUNT_LIMIT` fields and `RANDOM_REPLY_BYTES_LIMIT`
 * bytes (see `_collections.ts`; Redis would try to build any reply, up to
 * running out of memory); the order of a hash that has held more than 128
 * fields, and HSCAN cursors, differ (see {@linkcode ByteHash}).
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
  map,
  NULL,
  OK,
  type Reply,
} from "@cachemir/protocol";
import type {
  ArgvView,
  CommandContext,
  DirectHandler,
  Handler,
  ReplyOut,
} from "./types.ts";
import {
  arityError,
  formatInt,
  intReply,
  isWord,
  NOT_FLOAT,
  NOT_INTEGER,
  OVERFLOW,
  SYNTAX_ERROR,
} from "./common.ts";
import {
  bytesArray,
  checkReplyBytes,
  hasCommand,
  isWrongType,
  lookup,
  lookupOrCreate,
  parseRandomCount,
  randomCount,
  removeCommand,
  scanCommand,
  sizeCommand,
} from "./_collections.ts";
import {
  addInt64,
  incrByFloat,
  parseInt64,
  parseLongDouble,
} from "./numbers.ts";
import { ByteHash } from "../store/hash.ts";

const HSET_ARITY: ErrorReply = arityError("hset");
const HMSET_ARITY: ErrorReply = arityError("hmset");
const HASH_NOT_INTEGER: ErrorReply = Object.freeze(
  error("ERR hash value is not an integer"),
);
const HASH_NOT_FLOAT: ErrorReply = Object.freeze(
  error("ERR hash value is not a float"),
);
const INCR_NAN_OR_INFINITY: ErrorReply = Object.freeze(
  error("ERR value is NaN or Infinity"),
);
const RESULT_NAN_OR_INFINITY: ErrorReply = Object.freeze(
  error("ERR increment would produce NaN or Infinity"),
);
const OUT_OF_RANGE: ErrorReply = Object.freeze(
  error("ERR value is out of range"),
);
const EMPTY_MAP: Reply = Object.freeze(map([]));

/** Largest |count| of HRANDFIELD WITHVALUES (Redis's `LONG_MAX / 2`). */
const WITHVALUES_MAX = 4611686018427387903n;

/**
 * Sets the pairs `args[1], args[2], ...` (HSET, HMSET): how many are new,
 * or WRONGTYPE. Every pair counts as a change, new, changed or not, as in
 * Redis.
 */
function setPairs(ctx: CommandContext, args: string[]): number | ErrorReply {
  const hash = lookupOrCreate(ctx, args[0], ByteHash);
  if (isWrongType(hash)) return hash;
  let added = 0;
  for (let i = 1; i < args.length; i += 2) {
    if (hash.set(args[i], args[i + 1])) added++;
  }
  ctx.store.changes += (args.length - 1) / 2;
  return added;
}

/** HSET key field value [field value ...] */
function hsetCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length % 2 === 0) return HSET_ARITY;
  const added = setPairs(ctx, args);
  return typeof added === "number" ? int(added) : added;
}

/**
 * HSET on a big hash, from the read buffer: fields already there are found
 * without making strings (only their new values are). A missing key, a
 * small hash still packed, a key of another type and an odd number of
 * arguments go to HSET's handler.
 */
function hsetDirect(
  ctx: CommandContext,
  argv: ArgvView,
  out: ReplyOut,
): boolean {
  if (argv.count % 2 === 0) return false;
  const o = argv.offsets;
  const b = argv.bytes;
  const hash = ctx.store.readCollection(b, o[0], o[1]);
  if (!(hash instanceof ByteHash)) return false;
  let added = 0;
  for (let i = 2; i < 2 * argv.count; i += 4) {
    if (hash.setBytes(b, o[i], o[i + 1], o[i + 2], o[i + 3])) added++;
  }
  ctx.store.changes += (argv.count - 1) / 2;
  out.integer(added);
  return true;
}

/** HMSET key field value [field value ...] */
function hmsetCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length % 2 === 0) return HMSET_ARITY;
  const added = setPairs(ctx, args);
  return typeof added === "number" ? OK : added;
}

/** HSETNX key field value */
function hsetnxCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const hash = lookup(ctx, args[0], ByteHash);
  if (hash === undefined) {
    store.set(args[0], ByteHash.from([[args[1], args[2]]]));
    store.changes++;
    return int(1);
  }
  if (isWrongType(hash)) return hash;
  if (!hash.setIfAbsent(args[1], args[2])) return int(0);
  store.changes++;
  return int(1);
}

/** HGET key field */
function hgetCommand(ctx: CommandContext, args: string[]): Reply {
  const hash = lookup(ctx, args[0], ByteHash);
  if (hash === undefined) return NULL;
  if (isWrongType(hash)) return hash;
  const value = hash.get(args[1]);
  return value === undefined ? NULL : bytes(value);
}

/** HMGET key field [field ...] */
function hmgetCommand(ctx: CommandContext, args: string[]): Reply {
  const hash = lookup(ctx, args[0], ByteHash);
  if (isWrongType(hash)) return hash;
  const out: Reply[] = new Array(args.length - 1);
  for (let i = 1; i < args.length; i++) {
    const value = hash?.get(args[i]);
    out[i - 1] = value === undefined ? NULL : bytes(value);
  }
  return array(out);
}

/** HGETALL key: a map (RESP2 flattens it to field, value, ...). */
function hgetallCommand(ctx: CommandContext, args: string[]): Reply {
  const hash = lookup(ctx, args[0], ByteHash);
  if (hash === undefined) return EMPTY_MAP;
  if (isWrongType(hash)) return hash;
  const flat = hash.fieldsAndValues();
  const out: [Reply, Reply][] = new Array(flat.length >>> 1);
  for (let i = 0; i < flat.length; i += 2) {
    out[i >>> 1] = [bytes(flat[i]), bytes(flat[i + 1])];
  }
  return map(out);
}

/** HKEYS key */
function hkeysCommand(ctx: CommandContext, args: string[]): Reply {
  const hash = lookup(ctx, args[0], ByteHash);
  if (hash === undefined) return EMPTY_ARRAY;
  if (isWrongType(hash)) return hash;
  return bytesArray(hash.fields());
}

/** HVALS key */
function hvalsCommand(ctx: CommandContext, args: string[]): Reply {
  const hash = lookup(ctx, args[0], ByteHash);
  if (hash === undefined) return EMPTY_ARRAY;
  if (isWrongType(hash)) return hash;
  return bytesArray(hash.values());
}

/** HSTRLEN key field */
function hstrlenCommand(ctx: CommandContext, args: string[]): Reply {
  const hash = lookup(ctx, args[0], ByteHash);
  if (hash === undefined) return int(0);
  if (isWrongType(hash)) return hash;
  return int(hash.get(args[1])?.length ?? 0);
}

/** HINCRBY key field increment */
function hincrbyCommand(ctx: CommandContext, args: string[]): Reply {
  const incr = parseInt64(args[2]);
  if (incr === undefined) return NOT_INTEGER;
  const hash = lookup(ctx, args[0], ByteHash);
  if (isWrongType(hash)) return hash;
  const old = hash?.get(args[1]);
  let current: number | bigint = 0;
  if (old !== undefined) {
    const v = parseInt64(old);
    if (v === undefined) return HASH_NOT_INTEGER;
    current = v;
  }
  const sum = addInt64(current, incr);
  if (sum === undefined) return OVERFLOW;
  const text = formatInt(sum);
  if (hash === undefined) {
    ctx.store.set(args[0], ByteHash.from([[args[1], text]]));
  } else {
    hash.set(args[1], text);
  }
  ctx.store.changes++;
  return intReply(sum);
}

/** HINCRBYFLOAT key field increment */
function hincrbyfloatCommand(ctx: CommandContext, args: string[]): Reply {
  const incr = parseLongDouble(args[2]);
  if (incr === undefined) return NOT_FLOAT;
  if (incr.kind !== "finite") return INCR_NAN_OR_INFINITY;
  const hash = lookup(ctx, args[0], ByteHash);
  if (isWrongType(hash)) return hash;
  const old = hash?.get(args[1]);
  const r = incrByFloat(old, args[2]);
  if ("error" in r) {
    return r.error === "value" ? HASH_NOT_FLOAT : RESULT_NAN_OR_INFINITY;
  }
  if (hash === undefined) {
    ctx.store.set(args[0], ByteHash.from([[args[1], r.value]]));
  } else {
    hash.set(args[1], r.value);
  }
  ctx.store.changes++;
  return bytes(r.value);
}

/**
 * HRANDFIELD's reply from `[field, value, ...]`: flat on RESP2, pairs on
 * RESP3 and the binary protocol.
 */
function withValuesReply(ctx: CommandContext, flat: string[]): Reply {
  if (ctx.session.dialect === "resp2") return bytesArray(flat);
  const out: Reply[] = new Array(flat.length >>> 1);
  for (let i = 0; i < flat.length; i += 2) {
    out[i >>> 1] = array([bytes(flat[i]), bytes(flat[i + 1])]);
  }
  return array(out);
}

/** HRANDFIELD key [count [WITHVALUES]] */
function hrandfieldCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 1) {
    const hash = lookup(ctx, args[0], ByteHash);
    if (hash === undefined) return NULL;
    if (isWrongType(hash)) return hash;
    return bytes(hash.randomField()!);
  }
  const n = parseRandomCount(args[1]);
  if (typeof n === "object") return n;
  if (
    args.length > 3 || (args.length === 3 && !isWord(args[2], "withvalues"))
  ) {
    return SYNTAX_ERROR;
  }
  const withValues = args.length === 3;
  if (withValues && (n > WITHVALUES_MAX || n < -WITHVALUES_MAX)) {
    return OUT_OF_RANGE;
  }
  const hash = lookup(ctx, args[0], ByteHash);
  if (hash === undefined) return EMPTY_ARRAY;
  if (isWrongType(hash)) return hash;
  const count = randomCount("hrandfield", n, hash.size);
  if (typeof count !== "number") return count;
  if (count === 0) return EMPTY_ARRAY;
  const picked = hash.randomFields(count, withValues);
  return checkReplyBytes("hrandfield", count, picked) ??
    (withValues ? withValuesReply(ctx, picked) : bytesArray(picked));
}

/** The hash commands' handlers, by upper-case name. */
export const HASH_HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  HSET: hsetCommand,
  HMSET: hmsetCommand,
  HSETNX: hsetnxCommand,
  HGET: hgetCommand,
  HMGET: hmgetCommand,
  HGETALL: hgetallCommand,
  HDEL: removeCommand(ByteHash),
  HEXISTS: hasCommand(ByteHash),
  HLEN: sizeCommand(ByteHash),
  HKEYS: hkeysCommand,
  HVALS: hvalsCommand,
  HSTRLEN: hstrlenCommand,
  HINCRBY: hincrbyCommand,
  HINCRBYFLOAT: hincrbyfloatCommand,
  HRANDFIELD: hrandfieldCommand,
  HSCAN: scanCommand(ByteHash, true),
});

/** The allocation-free forms of the hash commands, by name. */
export const HASH_DIRECT_HANDLERS: Readonly<Record<string, DirectHandler>> =
  Object.freeze({ HSET: hsetDirect });
