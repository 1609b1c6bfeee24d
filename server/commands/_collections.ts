/**
 * What the hash, list and set commands share (private): the typed lookup of
 * a key (WRONGTYPE for another type), the handlers hashes and sets have
 * alike (HDEL/SREM, HEXISTS/SISMEMBER, HLEN/SCARD, HSCAN/SSCAN), the count
 * rules and limits of SPOP, LPOP, SRANDMEMBER and HRANDFIELD, and reply
 * builders for arrays and sets of byte strings.
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
  type Reply,
  set,
} from "@cachemir/protocol";
import type { CommandContext, Handler } from "./types.ts";
import {
  INVALID_CURSOR,
  NOT_INTEGER,
  parseCollectionScanOptions,
  parseScanCursor,
  WRONGTYPE,
} from "./common.ts";
import { INT64_MIN, parseInt64 } from "./numbers.ts";
import type { Glob } from "../store/glob.ts";
import type { CollectionValue, Value } from "../store/keyspace.ts";

/** A collection class (`ByteHash`, `ByteList`, `ByteSet`): made empty by `new`. */
export type CollectionClass<T extends CollectionValue> = new (
  ...args: never[]
) => T;

/**
 * Tells whether `v`, a keyspace value, is a `kind`. Not `instanceof`: with
 * a class that varies from call to call V8 cannot specialize it, and it
 * cost 10–30 ns per command here (there are no subclasses).
 */
function isA<T extends CollectionValue>(
  v: Value,
  kind: CollectionClass<T>,
): v is T {
  return typeof v === "object" && v.constructor === kind;
}

/**
 * Tells whether a lookup found a key of another type: what
 * {@linkcode lookup} and {@linkcode lookupOrCreate} return then.
 *
 * @param v What the lookup returned.
 * @returns `true` for WRONGTYPE.
 */
export function isWrongType<T>(v: T | ErrorReply): v is ErrorReply {
  return v === WRONGTYPE;
}

/**
 * The collection at `key`, as Redis's `lookupKey` + `checkType`.
 *
 * @param ctx The command's context.
 * @param key The key.
 * @param kind The class the key's value must be.
 * @returns The collection, `undefined` when the key is missing, or
 * WRONGTYPE.
 */
export function lookup<T extends CollectionValue>(
  ctx: CommandContext,
  key: string,
  kind: CollectionClass<T>,
): T | undefined | ErrorReply {
  const v = ctx.store.get(key);
  if (v === undefined || isA(v, kind)) return v;
  return WRONGTYPE;
}

/**
 * The collection at `key`, made empty and stored there when the key is
 * missing (the writes that create their key: HSET, SADD, LPUSH...).
 *
 * @param ctx The command's context.
 * @param key The key.
 * @param kind The class the key's value must be.
 * @returns The collection, or WRONGTYPE.
 */
export function lookupOrCreate<T extends CollectionValue>(
  ctx: CommandContext,
  key: string,
  kind: CollectionClass<T>,
): T | ErrorReply {
  const v = ctx.store.get(key);
  if (v === undefined) {
    const made = new kind();
    ctx.store.set(key, made);
    return made;
  }
  return isA(v, kind) ? v : WRONGTYPE;
}

/**
 * A hash or a set, keyed by its fields or members: what the commands the
 * two share (HDEL/SREM, HEXISTS/SISMEMBER, HLEN/SCARD, HSCAN/SSCAN) use.
 */
export interface MemberCollection extends CollectionValue {
  /** How many members. */
  readonly size: number;
  /** Slots a scan walks (see `ByteHash.slotCount`). */
  readonly slotCount: number;
  /** Tells whether a member is there. */
  has(member: string): boolean;
  /** Removes a member; `true` when it was there. */
  delete(member: string): boolean;
  /** One scan step (see `ByteHash.scan`). */
  scan(cursor: number, count: number, out: string[]): number;
}

/**
 * The handler of HDEL / SREM (`key member [member ...]`): removes the
 * members, and the key once the collection is empty (Redis stops there);
 * replies how many were removed.
 *
 * @param kind The class the key's value must be.
 * @returns The handler.
 */
export function removeCommand<T extends MemberCollection>(
  kind: CollectionClass<T>,
): Handler {
  return (ctx: CommandContext, args: string[]): Reply => {
    const key = args[0];
    const collection = lookup(ctx, key, kind);
    if (collection === undefined) return int(0);
    if (isWrongType(collection)) return collection;
    let removed = 0;
    for (let i = 1; i < args.length; i++) {
      if (collection.delete(args[i])) {
        removed++;
        if (collection.size === 0) {
          ctx.store.delete(key);
          break;
        }
      }
    }
    ctx.store.changes += removed; // the emptied key's deletion is not one more
    return int(removed);
  };
}

/**
 * The handler of HEXISTS / SISMEMBER (`key member`): 1 when the member is
 * there, else 0.
 *
 * @param kind The class the key's value must be.
 * @returns The handler.
 */
export function hasCommand<T extends MemberCollection>(
  kind: CollectionClass<T>,
): Handler {
  return (ctx: CommandContext, args: string[]): Reply => {
    const collection = lookup(ctx, args[0], kind);
    if (collection === undefined) return int(0);
    if (isWrongType(collection)) return collection;
    return int(collection.has(args[1]) ? 1 : 0);
  };
}

/**
 * The handler of HLEN / SCARD (`key`): the number of members, 0 for a
 * missing key.
 *
 * @param kind The class the key's value must be.
 * @returns The handler.
 */
export function sizeCommand<T extends MemberCollection>(
  kind: CollectionClass<T>,
): Handler {
  return (ctx: CommandContext, args: string[]): Reply => {
    const collection = lookup(ctx, args[0], kind);
    if (collection === undefined) return int(0);
    if (isWrongType(collection)) return collection;
    return int(collection.size);
  };
}

/**
 * The most elements a negative SRANDMEMBER / HRANDFIELD count may ask for
 * (2^20, as many as Redis accepts arguments in one request). Redis has no
 * such limit and builds any reply, up to running out of memory; a node must
 * not.
 */
export const RANDOM_COUNT_LIMIT = 1024 * 1024;

/**
 * The most bytes of elements (fields and values) a negative SRANDMEMBER /
 * HRANDFIELD count may return: 256 MiB.
 */
export const RANDOM_REPLY_BYTES_LIMIT = 256 * 1024 * 1024;

const COUNT_RANGE: ErrorReply = Object.freeze(
  error(
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  ),
);

/** `ERR value is out of range, must be positive` (LPOP, SPOP counts). */
export const MUST_BE_POSITIVE: ErrorReply = Object.freeze(
  error("ERR value is out of range, must be positive"),
);

/**
 * HSCAN / SSCAN return a hash or set of at most this many slots whole, in
 * order, with cursor 0, whatever the cursor and COUNT, as Redis does for
 * its compact encodings (listpack hashes of up to 128 fields, intsets).
 * A scan in progress over a collection that shrank to this size is then
 * complete: everything is returned.
 */
export const SMALL_SCAN_SLOTS = 128;

/** The reply of HSCAN / SSCAN on a missing key: cursor 0, no elements. */
const EMPTY_SCAN: Reply = Object.freeze(
  array([bytes("0"), EMPTY_ARRAY]),
);

/**
 * Reads the count of SRANDMEMBER / HRANDFIELD as Redis does
 * (`getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)`).
 *
 * @param arg The argument.
 * @returns The count (a `bigint` only outside the safe range), or the error
 * to reply.
 */
export function parseRandomCount(arg: string): number | bigint | ErrorReply {
  const n = parseInt64(arg);
  if (n === undefined) return NOT_INTEGER;
  if (n === INT64_MIN) return COUNT_RANGE;
  return n;
}

/**
 * Reads a count that must be 0 or more (LPOP, RPOP, SPOP: Redis's
 * `getPositiveLongFromObjectOrReply`, whose error is the same for a
 * non-integer and a negative number).
 *
 * @param arg The argument.
 * @returns The count (beyond 2^53 it is only compared with sizes), or -1
 * (reply {@linkcode MUST_BE_POSITIVE}).
 */
export function parsePositiveCount(arg: string): number {
  const n = parseInt64(arg);
  if (n === undefined || n < 0) return -1;
  return Number(n);
}

/**
 * How many elements SRANDMEMBER / HRANDFIELD pick for a count read by
 * {@linkcode parseRandomCount}: a positive count above the size returns the
 * whole collection; a negative one repeats picks, up to
 * {@linkcode RANDOM_COUNT_LIMIT}.
 *
 * @param command The command, in lower case (for the error).
 * @param n The count.
 * @param size The collection's size.
 * @returns The number to pick (negative: with repeats), or the error to
 * reply.
 */
export function randomCount(
  command: string,
  n: number | bigint,
  size: number,
): number | ErrorReply {
  if (n === 0) return 0;
  if (n < -RANDOM_COUNT_LIMIT) {
    return error(
      `ERR ${command} count is out of range: at most ${RANDOM_COUNT_LIMIT} repeated elements may be asked for`,
    );
  }
  return n > 0 ? Math.min(Number(n), size) : Number(n);
}

/**
 * Checks the size of the elements picked for a negative count against
 * {@linkcode RANDOM_REPLY_BYTES_LIMIT} (a positive count picks each
 * element once: it is bounded by the collection).
 *
 * @param command The command, in lower case.
 * @param count The count from {@linkcode randomCount}.
 * @param picked The elements.
 * @returns The error to reply, or `undefined` when they fit.
 */
export function checkReplyBytes(
  command: string,
  count: number,
  picked: readonly string[],
): ErrorReply | undefined {
  if (count >= 0) return undefined;
  let total = 0;
  for (let i = 0; i < picked.length; i++) total += picked[i].length;
  if (total <= RANDOM_REPLY_BYTES_LIMIT) return undefined;
  return error(
    `ERR ${command} reply of ${total} bytes exceeds the limit of ${RANDOM_REPLY_BYTES_LIMIT} bytes`,
  );
}

function bytesReplies(values: readonly string[]): Reply[] {
  const out: Reply[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = bytes(values[i]);
  return out;
}

/**
 * An array reply of byte strings.
 *
 * @param values The byte strings.
 * @returns The reply.
 */
export function bytesArray(values: readonly string[]): Reply {
  return array(bytesReplies(values));
}

/**
 * A set reply (RESP3 `~`) of byte strings.
 *
 * @param values The byte strings.
 * @returns The reply.
 */
export function bytesSet(values: readonly string[]): Reply {
  return set(bytesReplies(values));
}

/**
 * The handler of HSCAN / SSCAN (`key cursor [MATCH pattern] [COUNT
 * count]`), with Redis's order of checks: the cursor, then the key, then
 * the options. A collection of at most {@linkcode SMALL_SCAN_SLOTS} slots
 * comes back whole, as Redis's compact encodings do (listpack hashes,
 * intsets).
 *
 * @param kind The class the key's value must be.
 * @param pairs `true` when the collection's scan yields `field, value`
 * pairs (HSCAN).
 * @returns The handler, replying `[cursor, [element, ...]]`.
 */
export function scanCommand<T extends MemberCollection>(
  kind: CollectionClass<T>,
  pairs: boolean,
): Handler {
  return (ctx: CommandContext, args: string[]): Reply => {
    const cursor = parseScanCursor(args[1]);
    if (cursor === undefined) return INVALID_CURSOR;
    const collection = lookup(ctx, args[0], kind);
    if (collection === undefined) return EMPTY_SCAN;
    if (isWrongType(collection)) return collection;
    const options = parseCollectionScanOptions(args, 2);
    if ("kind" in options) return options;
    const slots = collection.slotCount;
    const small = slots <= SMALL_SCAN_SLOTS;
    const found: string[] = [];
    const next = collection.scan(
      small ? 0 : cursor,
      small ? slots : options.count,
      found,
    );
    return scanReply(next, found, pairs, options.match);
  };
}

/**
 * The reply of one HSCAN / SSCAN step: `[cursor, [element, ...]]`, keeping
 * the elements (HSCAN: fields, each with its value) that match.
 */
function scanReply(
  cursor: number,
  found: readonly string[],
  pairs: boolean,
  match: Glob | undefined,
): Reply {
  const out: Reply[] = [];
  const step = pairs ? 2 : 1;
  for (let i = 0; i < found.length; i += step) {
    if (match !== undefined && !match.matches(found[i])) continue;
    out.push(bytes(found[i]));
    if (pairs) out.push(bytes(found[i + 1]));
  }
  return array([bytes(String(cursor)), array(out)]);
}
