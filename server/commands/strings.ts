/**
 * The string commands, with Redis 7's semantics and error texts: GET, SET,
 * SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, INCR,
 * DECR, INCRBY, DECRBY, INCRBYFLOAT, APPEND, STRLEN, GETRANGE (and its old
 * name SUBSTR), SETRANGE, LCS, and the bit commands: SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
 *
 * The bit commands work on the value's bytes in its record: SETBIT and
 * BITFIELD's writes pad the string with zero bytes in place
 * ({@linkcode Keyspace.writableString}) and read or write only the bytes
 * they address; the readers (GETBIT, BITCOUNT, BITPOS, BITFIELD_RO, LCS)
 * read views of the records. Offsets are limited as Redis limits them by
 * `proto-max-bulk-len`, here by the longest string value
 * ({@linkcode MAX_STRING_LENGTH}).
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
  countBits,
  fieldValue,
  findBit,
  type Overflow,
  readBits,
  writeBits,
} from "./_bits.ts";
import { lcs } from "./_lcs.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { ByteSpan } from "../store/byte_span.ts";
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
  ctx.store.changes++;
  out.reply(OK);
  return true;
}

/** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL] */
function setCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const key = args[0];
  if (args.length === 2) {
    store.set(key, args[1]);
    store.changes++;
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
  store.changes++;
  return flags & GET ? old : OK;
}

/** SETNX key value */
function setnxCommand(ctx: CommandContext, args: string[]): Reply {
  if (ctx.store.has(args[0])) return int(0);
  ctx.store.set(args[0], args[1]);
  ctx.store.changes++;
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
  ctx.store.changes++;
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
  ctx.store.changes++;
  return v === undefined ? NULL : bytes(v);
}

/** GETDEL key */
function getdelCommand(ctx: CommandContext, args: string[]): Reply {
  const v = ctx.store.get(args[0]);
  if (v === undefined) return NULL;
  if (typeof v !== "string") return WRONGTYPE;
  ctx.store.delete(args[0]);
  ctx.store.changes++;
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
    store.changes++;
  } else if ((flags & PERSIST) && store.persist(key)) {
    store.changes++;
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
  ctx.store.changes += args.length / 2;
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
  store.changes += n / 2;
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
  ctx.store.changes += args.length / 2;
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
  store.changes++;
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
  store.changes++;
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
  store.changes++;
  return bytes(r.value);
}

/** Writes a byte string's chars at `at` in `b`. */
function writeChars(b: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) b[at + i] = s.charCodeAt(i);
}

/**
 * APPEND key value: a new key is written whole (as SET writes it); an
 * existing string grows in its record and is `raw` from then on.
 */
function appendCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const v = store.getView(args[0]);
  if (v === undefined) {
    store.set(args[0], args[1]);
    store.changes++;
    return int(args[1].length);
  }
  if (!(v instanceof Uint8Array)) return WRONGTYPE;
  const old = v.length;
  const length = old + args[1].length;
  if (length > MAX_STRING_LENGTH) return STRING_TOO_LONG;
  const span = store.writableString(args[0], length) as ByteSpan;
  writeChars(span.bytes, span.start + old, args[1]);
  store.changes++;
  return int(length);
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

/**
 * SETRANGE key offset value: the string is padded with zero bytes and
 * written in its record (a new key is made so), `raw` from then on.
 */
function setrangeCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  const o = parseInt64(args[1]);
  if (o === undefined) return NOT_INTEGER;
  if (o < 0) return OFFSET_OUT_OF_RANGE;
  const value = args[2];
  const v = store.getView(args[0]);
  if (v !== undefined && !(v instanceof Uint8Array)) return WRONGTYPE;
  if (value.length === 0) return int(v === undefined ? 0 : v.length);
  if (typeof o === "bigint" || o + value.length > MAX_STRING_LENGTH) {
    return STRING_TOO_LONG;
  }
  const span = store.writableString(args[0], o + value.length) as ByteSpan;
  writeChars(span.bytes, span.start + o, value);
  store.changes++;
  return int(span.length);
}

// ---- the bit commands ------------------------------------------------------

const BIT_OFFSET_ERROR: ErrorReply = Object.freeze(
  error("ERR bit offset is not an integer or out of range"),
);
const BIT_VALUE_ERROR: ErrorReply = Object.freeze(
  error("ERR bit is not an integer or out of range"),
);
const BIT_ARGUMENT_ERROR: ErrorReply = Object.freeze(
  error("ERR The bit argument must be 1 or 0."),
);
const BITOP_NOT_ARITY: ErrorReply = Object.freeze(
  error("ERR BITOP NOT must be called with a single source key."),
);
const BITFIELD_TYPE_ERROR: ErrorReply = Object.freeze(
  error(
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
  ),
);
const BITFIELD_OVERFLOW_ERROR: ErrorReply = Object.freeze(
  error("ERR Invalid OVERFLOW type specified"),
);
const BITFIELD_RO_ERROR: ErrorReply = Object.freeze(
  error("ERR BITFIELD_RO only supports the GET subcommand"),
);
const ZERO: Reply = Object.freeze(int(0));
const ONE: Reply = Object.freeze(int(1));
const MINUS_ONE: Reply = Object.freeze(int(-1));
const INT64_RANGE = 1n << 64n;
const MAX_STRING_LENGTH_BIG = BigInt(MAX_STRING_LENGTH);

/**
 * A bit offset argument (SETBIT, GETBIT, BITFIELD), as Redis's
 * `getBitOffsetFromArgument` reads it: an int64; with `bits` > 0, `#n`
 * means `n × bits` (wrapping at 64 bits, as Redis's multiplication does).
 * The byte it falls in must be below the longest string.
 *
 * @returns The offset, or -1 for BIT_OFFSET_ERROR.
 */
function bitOffset(arg: string, bits: number): number {
  const hash = bits > 0 && arg.charCodeAt(0) === 0x23; // '#'
  const n = parseInt64(hash ? arg.slice(1) : arg);
  if (n === undefined) return -1;
  if (typeof n === "number") {
    const small = hash ? n * bits : n;
    if (Number.isSafeInteger(small)) {
      return small < 0 || Math.floor(small / 8) >= MAX_STRING_LENGTH
        ? -1
        : small;
    }
  }
  let v = BigInt(n);
  if (hash) v = BigInt.asIntN(64, v * BigInt(bits));
  if (v < 0n || v / 8n >= MAX_STRING_LENGTH_BIG) return -1;
  return Number(v);
}

/** A value of an unsigned or signed long argument as a bigint (or undefined). */
function int64Arg(arg: string): bigint | undefined {
  const n = parseInt64(arg);
  return n === undefined ? undefined : BigInt(n);
}

/**
 * Clamps an int64 argument to ±2^53: the ranges BITCOUNT and BITPOS work
 * on are at most 2^32 bits long, so a larger magnitude acts the same.
 */
function clampRange(v: number | bigint): number {
  if (typeof v === "number") return v;
  return v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

/** SETBIT key offset value */
function setbitCommand(ctx: CommandContext, args: string[]): Reply {
  const offset = bitOffset(args[1], 0);
  if (offset < 0) return BIT_OFFSET_ERROR;
  const on = parseInt64(args[2]);
  if (on !== 0 && on !== 1) return BIT_VALUE_ERROR;
  const v = ctx.store.writableString(args[0], Math.floor(offset / 8) + 1);
  if (v === false) return WRONGTYPE;
  const at = v.start + Math.floor(offset / 8);
  const mask = 0x80 >> (offset % 8);
  const b = v.bytes;
  const was = (b[at] & mask) !== 0;
  if (on === 1) b[at] |= mask;
  else b[at] &= ~mask;
  // A change when the bit flipped, or the string was made or padded.
  if (was !== (on === 1) || ctx.store.grewLastWrite) ctx.store.changes++;
  return was ? ONE : ZERO;
}

/** GETBIT key offset */
function getbitCommand(ctx: CommandContext, args: string[]): Reply {
  const offset = bitOffset(args[1], 0);
  if (offset < 0) return BIT_OFFSET_ERROR;
  const v = ctx.store.getView(args[0]);
  if (v === undefined) return ZERO;
  if (!(v instanceof Uint8Array)) return WRONGTYPE;
  const byte = Math.floor(offset / 8);
  if (byte >= v.length) return ZERO;
  return (v[byte] & (0x80 >> (offset % 8))) !== 0 ? ONE : ZERO;
}

/**
 * A [start, end] range of BITCOUNT or BITPOS made absolute and clamped to a
 * string of `total` units (bytes or bits), as Redis does: negative indexes
 * count from the end; the end is cut at the last unit. `start > end` means
 * an empty range.
 */
function clampedRange(
  start: number,
  end: number,
  total: number,
): [number, number] {
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  return [start, end];
}

/** Reads BITCOUNT's and BITPOS's BYTE | BIT: true for BIT, undefined for neither. */
function bitUnit(arg: string): boolean | undefined {
  if (isWord(arg, "bit")) return true;
  if (isWord(arg, "byte")) return false;
  return undefined;
}

/** BITCOUNT key [start end [BYTE | BIT]] */
function bitcountCommand(ctx: CommandContext, args: string[]): Reply {
  const v = ctx.store.getView(args[0]);
  if (v === undefined) return ZERO;
  if (!(v instanceof Uint8Array)) return WRONGTYPE;
  const n = args.length;
  if (n === 1) {
    return v.length === 0 ? ZERO : int(countBits(v, 0, 0, v.length * 8 - 1));
  }
  if (n !== 3 && n !== 4) return SYNTAX_ERROR;
  const s = parseInt64(args[1]);
  if (s === undefined) return NOT_INTEGER;
  const e = parseInt64(args[2]);
  if (e === undefined) return NOT_INTEGER;
  if (s < 0 && e < 0 && s > e) return ZERO;
  let isBit = false;
  if (n === 4) {
    const unit = bitUnit(args[3]);
    if (unit === undefined) return SYNTAX_ERROR;
    isBit = unit;
  }
  const total = isBit ? v.length * 8 : v.length;
  const [start, end] = clampedRange(clampRange(s), clampRange(e), total);
  if (start > end) return ZERO;
  return isBit
    ? int(countBits(v, 0, start, end))
    : int(countBits(v, 0, start * 8, end * 8 + 7));
}

/** BITPOS key bit [start [end [BYTE | BIT]]] */
function bitposCommand(ctx: CommandContext, args: string[]): Reply {
  const bit = parseInt64(args[1]);
  if (bit === undefined) return NOT_INTEGER;
  if (bit !== 0 && bit !== 1) return BIT_ARGUMENT_ERROR;
  const v = ctx.store.getView(args[0]);
  if (v === undefined) return bit === 1 ? MINUS_ONE : ZERO;
  if (!(v instanceof Uint8Array)) return WRONGTYPE;
  const n = args.length;
  if (n > 5) return SYNTAX_ERROR;
  let start = 0;
  let end = v.length - 1;
  let isBit = false;
  let endGiven = false;
  if (n >= 3) {
    const s = parseInt64(args[2]);
    if (s === undefined) return NOT_INTEGER;
    if (n === 5) {
      const unit = bitUnit(args[4]);
      if (unit === undefined) return SYNTAX_ERROR;
      isBit = unit;
    }
    let e: number | bigint = isBit ? v.length * 8 + 7 : v.length - 1;
    if (n >= 4) {
      const given = parseInt64(args[3]);
      if (given === undefined) return NOT_INTEGER;
      e = given;
      endGiven = true;
    }
    const total = isBit ? v.length * 8 : v.length;
    [start, end] = clampedRange(clampRange(s), clampRange(e), total);
  }
  if (start > end) return MINUS_ONE;
  const from = isBit ? start : start * 8;
  const to = isBit ? end : end * 8 + 7;
  const pos = findBit(v, 0, from, to, bit === 1 ? 1 : 0);
  if (pos >= 0) return int(pos);
  // No clear bit: past the end of the string, unless the end was given.
  if (bit === 0 && !endGiven) return int(v.length * 8);
  return MINUS_ONE;
}

const BITOP_AND = 0;
const BITOP_OR = 1;
const BITOP_XOR = 2;
const BITOP_NOT = 3;

/** BITOP AND | OR | XOR | NOT destkey key [key ...] */
function bitopCommand(ctx: CommandContext, args: string[]): Reply {
  const name = args[0];
  const op = isWord(name, "and")
    ? BITOP_AND
    : isWord(name, "or")
    ? BITOP_OR
    : isWord(name, "xor")
    ? BITOP_XOR
    : isWord(name, "not")
    ? BITOP_NOT
    : -1;
  if (op < 0) return SYNTAX_ERROR;
  if (op === BITOP_NOT && args.length !== 3) return BITOP_NOT_ARITY;
  const store = ctx.store;
  const sources: Uint8Array[] = [];
  let max = 0;
  for (let i = 2; i < args.length; i++) {
    // Views of records: nothing is written until the result is made.
    const v = store.getView(args[i]);
    if (v === undefined) {
      sources.push(EMPTY_VIEW);
      continue;
    }
    if (!(v instanceof Uint8Array)) return WRONGTYPE;
    sources.push(v);
    if (v.length > max) max = v.length;
  }
  if (max === 0) {
    if (store.delete(args[1])) store.changes++;
    return ZERO;
  }
  const out = new Uint8Array(max);
  out.set(sources[0]); // shorter sources read as zero bytes
  if (op === BITOP_NOT) {
    for (let j = 0; j < max; j++) out[j] = ~out[j];
  } else {
    for (let i = 1; i < sources.length; i++) {
      const src = sources[i];
      const n = src.length;
      if (op === BITOP_AND) {
        for (let j = 0; j < n; j++) out[j] &= src[j];
        out.fill(0, n);
      } else if (op === BITOP_OR) {
        for (let j = 0; j < n; j++) out[j] |= src[j];
      } else {
        for (let j = 0; j < n; j++) out[j] ^= src[j];
      }
    }
  }
  store.setBytes(args[1], out, undefined, true); // raw, as Redis makes it
  store.changes++;
  return int(max);
}

const EMPTY_VIEW = new Uint8Array(0);

/** One BITFIELD operation, parsed. */
interface FieldOp {
  /** 0 GET, 1 SET, 2 INCRBY. */
  readonly op: number;
  readonly signed: boolean;
  readonly bits: number;
  readonly offset: number;
  /** SET's value or INCRBY's increment. */
  readonly value: bigint;
  readonly overflow: Overflow;
}

const FIELD_GET = 0;
const FIELD_SET = 1;
const FIELD_INCRBY = 2;

/** A BITFIELD type (`i1`..`i64`, `u1`..`u63`): [signed, bits], or undefined. */
function fieldType(arg: string): [boolean, number] | undefined {
  const sign = arg.charCodeAt(0);
  if (sign !== 0x69 && sign !== 0x75) return undefined; // 'i', 'u'
  // Redis reads the width up to the first NUL byte (strlen).
  const nul = arg.indexOf("\0");
  const bits = parseInt64(arg.slice(1, nul < 0 ? arg.length : nul));
  if (typeof bits !== "number" || bits < 1) return undefined;
  const signed = sign === 0x69;
  if (bits > (signed ? 64 : 63)) return undefined;
  return [signed, bits];
}

/** BITFIELD and BITFIELD_RO: parses the operations, then runs them. */
function bitfieldGeneric(
  ctx: CommandContext,
  args: string[],
  readonlyCommand: boolean,
): Reply {
  const ops: FieldOp[] = [];
  let overflow: Overflow = "wrap";
  let writes = false;
  let highest = 0; // the farthest bit a write reaches
  for (let j = 1; j < args.length; j++) {
    const rest = args.length - j - 1;
    const sub = args[j];
    let op: number;
    if (isWord(sub, "get") && rest >= 2) op = FIELD_GET;
    else if (isWord(sub, "set") && rest >= 3) op = FIELD_SET;
    else if (isWord(sub, "incrby") && rest >= 3) op = FIELD_INCRBY;
    else if (isWord(sub, "overflow") && rest >= 1) {
      const kind = args[++j];
      if (isWord(kind, "wrap")) overflow = "wrap";
      else if (isWord(kind, "sat")) overflow = "sat";
      else if (isWord(kind, "fail")) overflow = "fail";
      else return BITFIELD_OVERFLOW_ERROR;
      continue;
    } else {
      return SYNTAX_ERROR;
    }
    const type = fieldType(args[j + 1]);
    if (type === undefined) return BITFIELD_TYPE_ERROR;
    const [signed, bits] = type;
    const offset = bitOffset(args[j + 2], bits);
    if (offset < 0) return BIT_OFFSET_ERROR;
    let value = 0n;
    if (op !== FIELD_GET) {
      writes = true;
      if (offset + bits - 1 > highest) highest = offset + bits - 1;
      const v = int64Arg(args[j + 3]);
      if (v === undefined) return NOT_INTEGER;
      value = v;
    }
    ops.push({ op, signed, bits, offset, value, overflow });
    j += op === FIELD_GET ? 2 : 3;
  }
  const store = ctx.store;
  let view: Uint8Array;
  let base = 0;
  let length = 0;
  if (!writes) {
    const v = store.getView(args[0]);
    if (v !== undefined && !(v instanceof Uint8Array)) return WRONGTYPE;
    view = v ?? EMPTY_VIEW;
    length = view.length;
  } else {
    if (readonlyCommand) return BITFIELD_RO_ERROR;
    const span = store.writableString(args[0], Math.floor(highest / 8) + 1);
    if (span === false) return WRONGTYPE;
    view = span.bytes;
    base = span.start;
    length = span.length;
  }
  // Every write counts when the string was made or padded; otherwise
  // those that changed their field.
  const grew = writes && store.grewLastWrite;
  let changes = 0;
  const out: Reply[] = new Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    const raw = readBits(view, base, length, o.offset, o.bits);
    const old = o.signed ? BigInt.asIntN(o.bits, raw) : raw;
    if (o.op === FIELD_GET) {
      out[i] = intReply(old);
      continue;
    }
    // SET's value is read as Redis reads it into the field's C type.
    const next = o.op === FIELD_SET
      ? fieldValue(
        o.signed ? o.value : (o.value + INT64_RANGE) % INT64_RANGE,
        0n,
        o.bits,
        o.signed,
        o.overflow,
      )
      : fieldValue(old, o.value, o.bits, o.signed, o.overflow);
    if (next === undefined) {
      out[i] = NULL;
      continue;
    }
    writeBits(view, base, o.offset, o.bits, next);
    if (grew || next !== old) changes++;
    out[i] = intReply(o.op === FIELD_SET ? old : next);
  }
  store.changes += changes;
  return array(out);
}

/** BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment | OVERFLOW WRAP|SAT|FAIL] ... */
function bitfieldCommand(ctx: CommandContext, args: string[]): Reply {
  return bitfieldGeneric(ctx, args, false);
}

/** BITFIELD_RO key [GET type offset] ... */
function bitfieldRoCommand(ctx: CommandContext, args: string[]): Reply {
  return bitfieldGeneric(ctx, args, true);
}

// ---- LCS ----------------------------------------------------------------------

const LCS_NOT_STRINGS: ErrorReply = Object.freeze(
  error("ERR The specified keys must contain string values"),
);
const LCS_LEN_AND_IDX: ErrorReply = Object.freeze(
  error("ERR If you want both the length and indexes, please just use IDX."),
);
const LCS_TOO_MUCH_MEMORY: ErrorReply = Object.freeze(
  error(
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
  ),
);
const LCS_NO_MEMORY: ErrorReply = Object.freeze(
  error("ERR Insufficient memory, failed allocating transient memory for LCS"),
);
const MATCHES: Reply = Object.freeze(bytes("matches"));
const LEN: Reply = Object.freeze(bytes("len"));

/** A string's bytes for LCS: a view of its record (LCS writes nothing). */
function lcsInput(store: Keyspace, key: string): Uint8Array | false {
  const v = store.getView(key);
  if (v === undefined) return EMPTY_VIEW;
  if (!(v instanceof Uint8Array)) return false;
  return v;
}

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] */
function lcsCommand(ctx: CommandContext, args: string[]): Reply {
  const a = lcsInput(ctx.store, args[0]);
  const b = lcsInput(ctx.store, args[1]);
  if (a === false || b === false) return LCS_NOT_STRINGS;
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLength = 0;
  for (let j = 2; j < args.length; j++) {
    const opt = args[j];
    if (isWord(opt, "idx")) getIdx = true;
    else if (isWord(opt, "len")) getLen = true;
    else if (isWord(opt, "withmatchlen")) withMatchLen = true;
    else if (isWord(opt, "minmatchlen") && j < args.length - 1) {
      const n = parseInt64(args[++j]);
      if (n === undefined) return NOT_INTEGER;
      minMatchLength = n < 0 ? 0 : clampRange(n);
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (getLen && getIdx) return LCS_LEN_AND_IDX;
  if ((a.length + 1) * (b.length + 1) * 4 > MAX_STRING_LENGTH) {
    return LCS_TOO_MUCH_MEMORY;
  }
  let r;
  try {
    r = lcs(a, b, {
      text: !getLen && !getIdx,
      matches: getIdx,
      minMatchLength,
    });
  } catch (e) {
    if (e instanceof RangeError) return LCS_NO_MEMORY;
    throw e;
  }
  if (getLen) return int(r.length);
  if (!getIdx) return bytes(r.text!);
  const matches = r.matches!.map((m) => {
    const parts: Reply[] = [
      array([int(m.a[0]), int(m.a[1])]),
      array([int(m.b[0]), int(m.b[1])]),
    ];
    if (withMatchLen) parts.push(int(m.length));
    return array(parts);
  });
  return map([[MATCHES, array(matches)], [LEN, int(r.length)]]);
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
    SUBSTR: getrangeCommand,
    SETBIT: setbitCommand,
    GETBIT: getbitCommand,
    BITCOUNT: bitcountCommand,
    BITPOS: bitposCommand,
    BITOP: bitopCommand,
    BITFIELD: bitfieldCommand,
    BITFIELD_RO: bitfieldRoCommand,
    LCS: lcsCommand,
  });

/** The allocation-free forms of the hottest string commands, by name. */
export const STRING_DIRECT_HANDLERS: Readonly<Record<string, DirectHandler>> =
  Object.freeze({
    GET: getDirect,
    SET: setDirect,
    MSET: msetDirect,
    INCR: incrDirect,
  });
