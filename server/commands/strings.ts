/**
 * The string commands, with Redis 7's semantics and error texts: GET, SET,
 * SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, INCR,
 * DECR, INCRBY, DECRBY, INCRBYFLOAT, APPEND, STRLEN, GETRANGE, SETRANGE.
 *
 * Values are byte strings (one char per byte). Every command that reads a
 * value checks its type first and answers WRONGTYPE for a collection.
 *
 * @module
 */

import {
  array,
  bytes,
  type BytesReply,
  error,
  type ErrorReply,
  int,
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
  expireTimeOf,
  formatInt,
  intReply,
  invalidExpireTime,
  isWord,
  MAX_STRING_LENGTH,
  NAN_OR_INFINITY,
  NOT_FLOAT,
  NOT_INTEGER,
  OVERFLOW,
  setExpireTime,
  STRING_TOO_LONG,
  SYNTAX_ERROR,
  WRONGTYPE,
} from "./common.ts";
import {
  addInt64,
  incrByFloat,
  INT64_MIN,
  parseInt64,
  parseSmallInt,
} from "./numbers.ts";

const EMPTY_BYTES: BytesReply = Object.freeze(bytes(""));
const OFFSET_OUT_OF_RANGE: ErrorReply = Object.freeze(
  error("ERR offset is out of range"),
);
const DECREMENT_OVERFLOW: ErrorReply = Object.freeze(
  error("ERR decrement would overflow"),
);

// Flags of SET and GETEX options (Redis's OBJ_SET_* / OBJ_* flags).
const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

/** Options fit in the bits below this; the expire argument's index above. */
const OPTION_FLAGS = 512;

/** The flags of a {@linkcode parseOptions} result. */
function optionFlags(parsed: number): number {
  return parsed % OPTION_FLAGS;
}

/** The index of the EX/PX/EXAT/PXAT value in a {@linkcode parseOptions} result, or -1. */
function expireArgOf(parsed: number): number {
  return Math.floor(parsed / OPTION_FLAGS) - 1;
}

/**
 * Parses SET's or GETEX's options from `args[start]` on, with the exact
 * rules of Redis's `parseExtendedStringArgumentsOrReply` (which options
 * exclude which, an option repeated is allowed).
 *
 * @returns The flags and the index of the expire value, in one number
 * (read them with {@linkcode optionFlags} and {@linkcode expireArgOf}), or
 * -1 for a syntax error.
 */
function parseOptions(args: string[], start: number, isSet: boolean): number {
  let flags = 0;
  let expireArg = -1;
  for (let j = start; j < args.length; j++) {
    const opt = args[j];
    const hasNext = j < args.length - 1;
    if (opt.length === 2) {
      if (isWord(opt, "nx") && !(flags & XX) && isSet) {
        flags |= NX;
        continue;
      }
      if (isWord(opt, "xx") && !(flags & NX) && isSet) {
        flags |= XX;
        continue;
      }
      if (
        isWord(opt, "ex") && hasNext &&
        !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT))
      ) {
        flags |= EX;
        expireArg = ++j;
        continue;
      }
      if (
        isWord(opt, "px") && hasNext &&
        !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT))
      ) {
        flags |= PX;
        expireArg = ++j;
        continue;
      }
    } else if (opt.length === 3) {
      if (isWord(opt, "get") && isSet) {
        flags |= GET;
        continue;
      }
    } else if (opt.length === 4) {
      if (
        isWord(opt, "exat") && hasNext &&
        !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT))
      ) {
        flags |= EXAT;
        expireArg = ++j;
        continue;
      }
      if (
        isWord(opt, "pxat") && hasNext &&
        !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX))
      ) {
        flags |= PXAT;
        expireArg = ++j;
        continue;
      }
    } else if (opt.length === 7) {
      if (
        isWord(opt, "keepttl") && isSet && !(flags & (PERSIST | ANY_EXPIRE))
      ) {
        flags |= KEEPTTL;
        continue;
      }
      if (
        isWord(opt, "persist") && !isSet && !(flags & (ANY_EXPIRE | KEEPTTL))
      ) {
        flags |= PERSIST;
        continue;
      }
    }
    return -1;
  }
  return flags + OPTION_FLAGS * (expireArg + 1);
}

/** The absolute time of an EX/PX/EXAT/PXAT option, or an error reply. */
function optionExpireTime(
  ctx: CommandContext,
  flags: number,
  arg: string,
  command: string,
): number | bigint | ErrorReply {
  const at = setExpireTime(
    arg,
    (flags & (EX | EXAT)) !== 0,
    (flags & (EX | PX)) !== 0,
    ctx.store.now(),
  );
  if (at === "integer") return NOT_INTEGER;
  if (at === "invalid") return invalidExpireTime(command);
  return at;
}

/**
 * GET key. The reply views the record's bytes (no string is made): the
 * connection copies them into its output before the next command runs.
 */
function getCommand(ctx: CommandContext, args: string[]): Reply {
  const v = ctx.store.getView(args[0]);
  if (v === undefined) return NULL;
  if (!(v instanceof Uint8Array)) return WRONGTYPE;
  return bytes(v);
}

/**
 * GET key, from the request's bytes to the output's: the key is looked up
 * where it sits in the read buffer and the value copied from its record
 * into the output, with no string, view or reply object made.
 */
function getDirect(
  ctx: CommandContext,
  argv: ArgvView,
  out: ReplyOut,
): boolean {
  const o = argv.offsets;
  const v = ctx.store.readString(argv.bytes, o[0], o[1]);
  if (v === undefined) out.reply(NULL);
  else if (v === false) out.reply(WRONGTYPE);
  else out.bulk(v.bytes, v.start, v.length);
  return true;
}

/**
 * `SET key value` and `SET key value EX|PX n`, from the read buffer into
 * the record. Other options, and an `n` that is not a valid time of at
 * most 15 digits, are left to SET's handler (its errors).
 */
function setDirect(
  ctx: CommandContext,
  argv: ArgvView,
  out: ReplyOut,
): boolean {
  const n = argv.count;
  const o = argv.offsets;
  const b = argv.bytes;
  let at: number | undefined;
  if (n === 4) {
    const opt = o[4];
    const unit = b[opt] | 0x20;
    if (
      o[5] !== 2 || (unit !== 0x65 && unit !== 0x70) ||
      (b[opt + 1] | 0x20) !== 0x78
    ) {
      return false; // not EX or PX
    }
    const v = parseSmallInt(b, o[6], o[6] + o[7]);
    if (Number.isNaN(v)) return false;
    const t = expireTimeOf(v, unit === 0x65, true, ctx.store.now());
    if (typeof t !== "number") return false;
    at = t;
  } else if (n !== 2) {
    return false;
  }
  ctx.store.writeString(b, o[0], o[1], b, o[2], o[3], at);
  out.reply(OK);
  return true;
}

/** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL] */
function setCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const key = args[0];
  if (args.length === 2) {
    store.set(key, args[1]);
    return OK;
  }
  const parsed = parseOptions(args, 2, true);
  if (parsed < 0) return SYNTAX_ERROR;
  const flags = optionFlags(parsed);
  const expireArg = expireArgOf(parsed);
  let at: number | bigint | undefined;
  if (expireArg >= 0) {
    const t = optionExpireTime(ctx, flags, args[expireArg], "set");
    if (typeof t === "object") return t;
    at = t;
  }
  let old: Reply = NULL;
  if (flags & GET) {
    const v = store.get(key);
    if (v !== undefined && typeof v !== "string") return WRONGTYPE;
    if (v !== undefined) old = bytes(v);
  }
  if (flags & (NX | XX)) {
    const found = flags & GET ? old !== NULL : store.has(key);
    if (((flags & NX) && found) || ((flags & XX) && !found)) {
      return flags & GET ? old : NULL;
    }
  }
  if (at !== undefined) store.set(key, args[1], at);
  else if (flags & KEEPTTL) store.replace(key, args[1]);
  else store.set(key, args[1]);
  return flags & GET ? old : OK;
}

/** SETNX key value */
function setnxCommand(ctx: CommandContext, args: string[]): Reply {
  if (ctx.store.has(args[0])) return int(0);
  ctx.store.set(args[0], args[1]);
  return int(1);
}

function setexGeneric(
  ctx: CommandContext,
  args: string[],
  seconds: boolean,
  command: string,
): Reply {
  const at = setExpireTime(args[1], seconds, true, ctx.store.now());
  if (at === "integer") return NOT_INTEGER;
  if (at === "invalid") return invalidExpireTime(command);
  ctx.store.set(args[0], args[2], at);
  return OK;
}

/** SETEX key seconds value */
function setexCommand(ctx: CommandContext, args: string[]): Reply {
  return setexGeneric(ctx, args, true, "setex");
}

/** PSETEX key milliseconds value */
function psetexCommand(ctx: CommandContext, args: string[]): Reply {
  return setexGeneric(ctx, args, false, "psetex");
}

/** GETSET key value */
function getsetCommand(ctx: CommandContext, args: string[]): Reply {
  const v = ctx.store.get(args[0]);
  if (v !== undefined && typeof v !== "string") return WRONGTYPE;
  ctx.store.set(args[0], args[1]);
  return v === undefined ? NULL : bytes(v);
}

/** GETDEL key */
function getdelCommand(ctx: CommandContext, args: string[]): Reply {
  const v = ctx.store.get(args[0]);
  if (v === undefined) return NULL;
  if (typeof v !== "string") return WRONGTYPE;
  ctx.store.delete(args[0]);
  return bytes(v);
}

/** GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST] */
function getexCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const key = args[0];
  const parsed = args.length === 1 ? 0 : parseOptions(args, 1, false);
  if (parsed < 0) return SYNTAX_ERROR;
  const flags = optionFlags(parsed);
  const arg = expireArgOf(parsed);
  const v = store.get(key);
  if (v === undefined) return NULL;
  if (typeof v !== "string") return WRONGTYPE;
  if (args.length === 1) return bytes(v);
  if (arg >= 0) {
    const at = optionExpireTime(ctx, flags, args[arg], "getex");
    if (typeof at === "object") return at;
    if ((flags & (EXAT | PXAT)) && at <= store.now()) store.delete(key);
    else store.setExpire(key, at);
  } else if (flags & PERSIST) {
    store.persist(key);
  }
  return bytes(v);
}

/** MGET key [key ...] */
function mgetCommand(ctx: CommandContext, args: string[]): Reply {
  const out: Reply[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    // Views of records: MGET writes nothing, so they stay valid until the
    // reply is written.
    const v = ctx.store.getView(args[i]);
    out[i] = v instanceof Uint8Array ? bytes(v) : NULL;
  }
  return array(out);
}

const MSET_ARITY: ErrorReply = arityError("mset");
const MSETNX_ARITY: ErrorReply = arityError("msetnx");

/** MSET key value [key value ...] */
function msetCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length % 2 !== 0) return MSET_ARITY;
  for (let i = 0; i < args.length; i += 2) ctx.store.set(args[i], args[i + 1]);
  return OK;
}

/** MSET from the read buffer into the records. */
function msetDirect(
  ctx: CommandContext,
  argv: ArgvView,
  out: ReplyOut,
): boolean {
  const n = argv.count;
  if (n % 2 !== 0) return false;
  const o = argv.offsets;
  const b = argv.bytes;
  const store = ctx.store;
  for (let i = 0; i < 2 * n; i += 4) {
    store.writeString(b, o[i], o[i + 1], b, o[i + 2], o[i + 3]);
  }
  out.reply(OK);
  return true;
}

/** MSETNX key value [key value ...] */
function msetnxCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length % 2 !== 0) return MSETNX_ARITY;
  for (let i = 0; i < args.length; i += 2) {
    if (ctx.store.has(args[i])) return int(0);
  }
  for (let i = 0; i < args.length; i += 2) ctx.store.set(args[i], args[i + 1]);
  return int(1);
}

/** Adds `incr` to the integer at `key` (INCR, DECR, INCRBY, DECRBY). */
function incrDecr(
  ctx: CommandContext,
  key: string,
  incr: number | bigint,
): Reply {
  const store = ctx.store;
  const v = store.get(key);
  let current: number | bigint | undefined = 0;
  if (v !== undefined) {
    if (typeof v !== "string") return WRONGTYPE;
    current = parseInt64(v);
    if (current === undefined) return NOT_INTEGER;
  }
  const sum = addInt64(current, incr);
  if (sum === undefined) return OVERFLOW;
  store.replace(key, formatInt(sum));
  return intReply(sum);
}

/**
 * INCR key on the request's bytes: the value is parsed where it sits in
 * its record and the sum written back as digits. Values of more than 15
 * bytes, and those that are not integers, go to INCR's handler (bigints,
 * Redis's errors).
 */
function incrDirect(
  ctx: CommandContext,
  argv: ArgvView,
  out: ReplyOut,
): boolean {
  const o = argv.offsets;
  const store = ctx.store;
  const v = store.readString(argv.bytes, o[0], o[1]);
  if (v === false) {
    out.reply(WRONGTYPE);
    return true;
  }
  let current = 0;
  if (v !== undefined) {
    current = parseSmallInt(v.bytes, v.start, v.start + v.length);
    if (Number.isNaN(current)) return false;
  }
  const sum = current + 1; // |current| < 10^15: exact
  store.writeInteger(argv.bytes, o[0], o[1], sum);
  out.integer(sum);
  return true;
}

/** INCR key */
function incrCommand(ctx: CommandContext, args: string[]): Reply {
  return incrDecr(ctx, args[0], 1);
}

/** DECR key */
function decrCommand(ctx: CommandContext, args: string[]): Reply {
  return incrDecr(ctx, args[0], -1);
}

/** INCRBY key increment */
function incrbyCommand(ctx: CommandContext, args: string[]): Reply {
  const incr = parseInt64(args[1]);
  if (incr === undefined) return NOT_INTEGER;
  return incrDecr(ctx, args[0], incr);
}

/** DECRBY key decrement */
function decrbyCommand(ctx: CommandContext, args: string[]): Reply {
  const decr = parseInt64(args[1]);
  if (decr === undefined) return NOT_INTEGER;
  if (decr === INT64_MIN) return DECREMENT_OVERFLOW;
  return incrDecr(ctx, args[0], -decr);
}

/** INCRBYFLOAT key increment */
function incrbyfloatCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const v = store.get(args[0]);
  if (v !== undefined && typeof v !== "string") return WRONGTYPE;
  const r = incrByFloat(v, args[1]);
  if ("error" in r) return r.error === "nan" ? NAN_OR_INFINITY : NOT_FLOAT;
  store.replace(args[0], r.value);
  return bytes(r.value);
}

/** APPEND key value */
function appendCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const v = store.get(args[0]);
  if (v === undefined) {
    store.set(args[0], args[1]);
    return int(args[1].length);
  }
  if (typeof v !== "string") return WRONGTYPE;
  if (v.length + args[1].length > MAX_STRING_LENGTH) return STRING_TOO_LONG;
  const next = v + args[1];
  store.replace(args[0], next);
  store.markRaw(args[0]); // edited in place: Redis's raw encoding
  return int(next.length);
}

/** STRLEN key */
function strlenCommand(ctx: CommandContext, args: string[]): Reply {
  const v = ctx.store.get(args[0]);
  if (v === undefined) return int(0);
  if (typeof v !== "string") return WRONGTYPE;
  return int(v.length);
}

/** GETRANGE key start end */
function getrangeCommand(ctx: CommandContext, args: string[]): Reply {
  const s = parseInt64(args[1]);
  if (s === undefined) return NOT_INTEGER;
  const e = parseInt64(args[2]);
  if (e === undefined) return NOT_INTEGER;
  const v = ctx.store.get(args[0]);
  if (v === undefined) return EMPTY_BYTES;
  if (typeof v !== "string") return WRONGTYPE;
  if (s < 0 && e < 0 && s > e) return EMPTY_BYTES;
  // Beyond this point only comparisons with the length remain, for which a
  // huge int64 as a double is precise enough.
  const len = v.length;
  let start = Number(s);
  let end = Number(e);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return EMPTY_BYTES;
  return bytes(v.slice(start, end + 1));
}

/** SETRANGE key offset value */
function setrangeCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const o = parseInt64(args[1]);
  if (o === undefined) return NOT_INTEGER;
  if (o < 0) return OFFSET_OUT_OF_RANGE;
  const value = args[2];
  const v = store.get(args[0]);
  if (v !== undefined && typeof v !== "string") return WRONGTYPE;
  if (value.length === 0) return int(v === undefined ? 0 : v.length);
  if (typeof o === "bigint" || o + value.length > MAX_STRING_LENGTH) {
    return STRING_TOO_LONG;
  }
  if (v === undefined) {
    const next = "\0".repeat(o) + value;
    store.set(args[0], next);
    store.markRaw(args[0]); // made by an edit: Redis's raw encoding
    return int(next.length);
  }
  const next = v.length >= o
    ? v.slice(0, o) + value + v.slice(o + value.length)
    : v + "\0".repeat(o - v.length) + value;
  store.replace(args[0], next);
  store.markRaw(args[0]); // edited in place: Redis's raw encoding
  return int(next.length);
}

/** The string commands' handlers, by upper-case name. */
export const STRING_HANDLERS: Readonly<Record<string, Handler>> = Object
  .freeze({
    GET: getCommand,
    SET: setCommand,
    SETNX: setnxCommand,
    SETEX: setexCommand,
    PSETEX: psetexCommand,
    GETSET: getsetCommand,
    GETDEL: getdelCommand,
    GETEX: getexCommand,
    MGET: mgetCommand,
    MSET: msetCommand,
    MSETNX: msetnxCommand,
    INCR: incrCommand,
    DECR: decrCommand,
    INCRBY: incrbyCommand,
    DECRBY: decrbyCommand,
    INCRBYFLOAT: incrbyfloatCommand,
    APPEND: appendCommand,
    STRLEN: strlenCommand,
    GETRANGE: getrangeCommand,
    SETRANGE: setrangeCommand,
  });

/** The allocation-free forms of the hottest string commands, by name. */
export const STRING_DIRECT_HANDLERS: Readonly<Record<string, DirectHandler>> =
  Object.freeze({
    GET: getDirect,
    SET: setDirect,
    MSET: msetDirect,
    INCR: incrDirect,
  });
