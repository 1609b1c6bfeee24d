/**
 * The compact encodings of small collections: a hash, set or list that is
 * within Redis 7.0.15's thresholds ({@linkcode PACKED_LIMITS}) is packed
 * into bytes (its record's value, in the keyspace's arena) and unpacked into
 * a {@linkcode ByteHash}, {@linkcode ByteSet} or {@linkcode ByteList} when a
 * command needs it. A pure codec: it reads collections and writes bytes,
 * and reads bytes and makes collections; it keeps nothing.
 *
 * - {@linkcode packedSize} says how many bytes {@linkcode pack} will write,
 *   or -1 when the value is past the thresholds (Redis would hold it as a
 *   hashtable, or a quicklist of several nodes).
 * - {@linkcode pack} writes the encoding; {@linkcode unpackHash},
 *   {@linkcode unpackSet} and {@linkcode unpackList} rebuild the value with
 *   the same contents in the same order (hash `fields()`, set `members()`,
 *   list head to tail), which replies depend on.
 * - {@linkcode packedType} and {@linkcode packedCount} read the header
 *   alone (TYPE, HLEN / SCARD / LLEN without unpacking).
 *
 * ## Byte layout
 *
 * A packed value is the bytes `[start, end)` of a buffer; its end is known
 * from the record, so no total length is stored. Byte 0 is a tag:
 *
 * | tag | value | then |
 * | --- | --- | --- |
 * | `0x01` | hash (Redis: listpack) | varint N, then 2N entries: field, value, field, value… in `fields()` order |
 * | `0x02` | list (Redis: quicklist of one listpack node) | varint N, then N entries, head first |
 * | `0x12` `0x14` `0x18` | set of integers (Redis: intset) | the members as 2-, 4- or 8-byte (tag − 0x10) little-endian two's complement integers, all of the width of the widest, in `members()` order (not sorted); N = (end − start − 1) / width |
 *
 * A varint is LEB128: 7 bits a byte, low bits first, the high bit set on
 * every byte but the last.
 *
 * An entry (a field, value or element: a byte string) starts with a byte
 * that tells its form, as Redis's listpack does:
 *
 * | first byte | entry | bytes |
 * | --- | --- | --- |
 * | `0xxxxxxx` (0x00–0x7F) | integer 0–127 | 1 |
 * | `10llllll` (0x80–0xBF) | string of l = 0–63 bytes, which follow | 1 + l |
 * | `110vvvvv vvvvvvvv` (0xC0–0xDF) | integer v − 4096 (−4096…4095), 13 bits big-endian | 2 |
 * | `1110llll llllllll` (0xE0–0xEF) | string of 64 + l bytes (64–4159), 12 bits big-endian | 2 + length |
 * | `0xF0`, varint l | string of l bytes | 1 + varint + l |
 * | `0xF2`–`0xF8` | integer in the k = (byte & 0x0F) = 2–8 bytes that follow, little-endian two's complement | 1 + k |
 *
 * (`0xF1` and `0xF9`–`0xFF` are never written.) A string is stored as an
 * integer only when it is the canonical decimal form of an int64, as Redis's
 * `string2ll` accepts: `"0"`, or an optional `-` then a digit 1–9 then
 * digits, within [−2^63, 2^63 − 1] — never `"007"`, `"-0"`, `"+1"`,
 * `" 1"` or `"9223372036854775808"` — so the integer prints back as the
 * same string. The smallest form is always chosen.
 *
 * A hash of 5 fields and 5 values of 8 bytes packs into 1 + 1 + 10 × 9 = 92
 * bytes (Redis's listpack: 107, its header, back-lengths and end byte
 * included).
 *
 * ## Strings
 *
 * Byte strings are JavaScript strings of one char per byte (codes 0–255).
 * Chars above 255 are not checked: they are written as their low byte, as
 * everywhere else in the store. Unpacking makes flat strings (never slices
 * of a bigger string, which would keep it alive): up to 16 bytes by one
 * `String.fromCharCode` call with the exact number of arguments, longer
 * ones by `node:buffer`'s native `latin1Slice` (measured in
 * `packed_bench.ts`).
 *
 * @example Pack a hash into a buffer and get it back
 * ```ts
 * import { pack, packedSize, unpackHash } from "./packed.ts";
 * import { ByteHash } from "./hash.ts";
 * import assert from "node:assert/strict";
 *
 * const hash = ByteHash.from([["name", "ada"], ["born", "1815"]]);
 * const size = packedSize(hash);
 * assert.equal(size, 18); // tag, count, "name", "ada", "born", 1815 (2 bytes)
 * const bytes = new Uint8Array(64);
 * const end = pack(hash, bytes, 10);
 * assert.equal(end, 10 + size);
 * assert.deepEqual(unpackHash(bytes, 10, end).fieldsAndValues(), [
 *   "name", "ada", "born", "1815",
 * ]);
 * ```
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { ByteHash, type ByteHashOptions } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet, type ByteSetOptions } from "./set.ts";

/**
 * The thresholds under which a collection is packed, named after Redis's
 * configuration parameters.
 */
export interface PackedLimits {
  /** `hash-max-listpack-entries`: a hash packs with at most this many fields. */
  readonly hashMaxListpackEntries: number;
  /**
   * `hash-max-listpack-value`: a hash packs when every field and every
   * value has at most this many bytes.
   */
  readonly hashMaxListpackValue: number;
  /**
   * `set-max-intset-entries`: a set packs with at most this many members,
   * all canonical int64 decimals.
   */
  readonly setMaxIntsetEntries: number;
  /**
   * `list-max-listpack-size`: -1 to -5, a list packs when its encoding has
   * at most 4, 8, 16, 32 or 64 KB; a positive n, when it has at most n
   * elements and at most 8 KB (Redis's quicklist node safety limit).
   */
  readonly listMaxListpackSize: number;
}

/**
 * Redis 7.0.15's defaults: `hash-max-listpack-entries` 512 (what
 * `redis-server` without a config file reports; the sample redis.conf sets
 * 128),
 * `hash-max-listpack-value` 64, `set-max-intset-entries` 512,
 * `list-max-listpack-size` -2 (a list packs when its encoding has at most
 * 8,192 bytes: one quicklist node).
 *
 * @example Read a threshold
 * ```ts
 * import { PACKED_LIMITS } from "./packed.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(PACKED_LIMITS.hashMaxListpackEntries, 512);
 * assert.equal(PACKED_LIMITS.listMaxListpackSize, -2);
 * ```
 */
export const PACKED_LIMITS: PackedLimits = Object.freeze({
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  listMaxListpackSize: -2,
});

/** The type of a packed value, as TYPE names it. */
export type PackedType = "hash" | "list" | "set";

/** A value {@linkcode pack} encodes. */
export type PackableValue = ByteHash | ByteSet | ByteList;

const TAG_HASH = 0x01;
const TAG_LIST = 0x02;
/** Sets: `TAG_INTSET | width`, width 2, 4 or 8. */
const TAG_INTSET = 0x10;

/** Quicklist's size limit for a node when the fill is a count (Redis's SIZE_SAFETY_LIMIT). */
const LIST_SAFETY_BYTES = 8192;

// Entry forms (see the module doc).
const UINT7_MAX = 0x7f;
const STR6 = 0x80;
const STR6_MAX = 63;
const INT13 = 0xc0;
const INT13_MIN = -4096;
const INT13_MAX = 4095;
const STR12 = 0xe0;
const STR12_MIN = 64;
const STR12_MAX = 64 + 4095;
const STR_VARINT = 0xf0;
const INT_N = 0xf0;

const TWO_32 = 4294967296;
/** |hi| below this: hi · 2^32 + lo is a safe integer. */
const HI_SAFE = 2097152;
/** Decimal digits that always fit a double exactly (10^15 < 2^53). */
const SAFE_DIGITS = 15;
/** What {@linkcode parseInt64} returns for a canonical int64 of more than 15 digits. */
const BIG = Infinity;

const fromCharCode = String.fromCharCode;
type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
/** Node's native latin1 decoding; it accepts any Uint8Array as `this`. */
const latin1Slice: Latin1Slice | undefined =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;

/** Where the entry readers stopped (the codec is synchronous: one cursor). */
let cursor = 0;
/** Collections are walked into this array, emptied after each use. */
const scratch: string[] = [];

/**
 * The number of bytes {@linkcode pack} writes for `value`, or -1 when the
 * value is past the thresholds and is not to be packed: a hash of more
 * than `hashMaxListpackEntries` fields or with a field or value longer than
 * `hashMaxListpackValue` bytes; a set of more than `setMaxIntsetEntries`
 * members or with a member that is not a canonical int64; a list whose
 * encoding would be longer than `list-max-listpack-size` allows. Counts are
 * checked first (O(1)); then O(total bytes) at worst, a list stopping as
 * soon as it is too long.
 *
 * @param value The collection.
 * @param limits The thresholds.
 * @default {PACKED_LIMITS} for `limits`
 * @returns The bytes, or -1.
 *
 * @example Size some values
 * ```ts
 * import { packedSize } from "./packed.ts";
 * import { ByteHash } from "./hash.ts";
 * import { ByteList } from "./list.ts";
 * import { ByteSet } from "./set.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(packedSize(ByteSet.from(["1", "2", "300000"])), 1 + 3 * 4);
 * assert.equal(packedSize(ByteSet.from(["1", "01"])), -1);
 * assert.equal(packedSize(ByteList.from(["a", "42"])), 1 + 1 + 2 + 1);
 * assert.equal(packedSize(ByteHash.from([["f", "x".repeat(65)]])), -1);
 * ```
 */
export function packedSize(
  value: PackableValue,
  limits: PackedLimits = PACKED_LIMITS,
): number {
  if (value instanceof ByteHash) return hashSize(value, limits);
  if (value instanceof ByteSet) return setSize(value, limits);
  return listSize(value, limits);
}

/**
 * Writes `value`'s encoding (see the module doc) into `out` from `at`, and
 * returns the offset after it: `at + packedSize(value)`. Thresholds are not
 * checked (call {@linkcode packedSize} first): any hash or list can be
 * packed, a set when all its members are canonical int64 decimals.
 *
 * @param value The collection.
 * @param out The buffer.
 * @param at Where the encoding starts.
 * @returns The end offset.
 * @throws {RangeError} When `out` has no room for the encoding (bytes
 * from `at` may have been written), or a set member is not a canonical
 * int64.
 *
 * @example Pack a set and a list
 * ```ts
 * import { pack, unpackList, unpackSet } from "./packed.ts";
 * import { ByteList } from "./list.ts";
 * import { ByteSet } from "./set.ts";
 * import assert from "node:assert/strict";
 *
 * const out = new Uint8Array(100);
 * const setEnd = pack(ByteSet.from(["3", "-1", "2"]), out, 0);
 * assert.equal(setEnd, 7);
 * assert.deepEqual(unpackSet(out, 0, setEnd).members(), ["3", "-1", "2"]);
 * const listEnd = pack(ByteList.from(["a", "", "-5"]), out, setEnd);
 * assert.deepEqual(unpackList(out, setEnd, listEnd).toArray(), ["a", "", "-5"]);
 * assert.throws(() => pack(ByteList.from(["x".repeat(200)]), out, 0), RangeError);
 * ```
 */
export function pack(
  value: PackableValue,
  out: Uint8Array,
  at: number,
): number {
  if (!Number.isInteger(at) || at < 0) {
    throw new RangeError(`Cannot pack at offset ${at}`);
  }
  if (value instanceof ByteHash) return packHash(value, out, at);
  if (value instanceof ByteSet) return packSet(value, out, at);
  return packList(value, out, at);
}

/**
 * Rebuilds a hash packed by {@linkcode pack}: same fields and values in the
 * same order.
 *
 * @param bytes The buffer.
 * @param start The first byte of the encoding.
 * @param end One past its last byte.
 * @param options The new hash's source of randomness.
 * @returns A new hash.
 * @throws {RangeError} When the bytes are not a packed hash.
 *
 * @example Unpack a hash
 * ```ts
 * import { pack, unpackHash } from "./packed.ts";
 * import { ByteHash } from "./hash.ts";
 * import assert from "node:assert/strict";
 *
 * const out = new Uint8Array(32);
 * const end = pack(ByteHash.from([["b", "2"], ["a", "-0"]]), out, 0);
 * assert.deepEqual(unpackHash(out, 0, end).fieldsAndValues(), ["b", "2", "a", "-0"]);
 * ```
 */
export function unpackHash(
  bytes: Uint8Array,
  start: number,
  end: number,
  options: ByteHashOptions = {},
): ByteHash {
  const pairs = readHeader(bytes, start, end, TAG_HASH);
  // Each entry takes a byte at least.
  if (pairs * 2 > end - cursor) corrupt("hash", start, end);
  const hash = new ByteHash(options);
  for (let i = 0; i < pairs; i++) {
    const field = readEntry(bytes, end);
    hash.set(field, readEntry(bytes, end));
  }
  if (cursor !== end) corrupt("hash", start, end);
  return hash;
}

/**
 * Rebuilds a set packed by {@linkcode pack}: same members in the same order.
 *
 * @param bytes The buffer.
 * @param start The first byte of the encoding.
 * @param end One past its last byte.
 * @param options The new set's source of randomness.
 * @returns A new set.
 * @throws {RangeError} When the bytes are not a packed set.
 *
 * @example Unpack a set
 * ```ts
 * import { pack, unpackSet } from "./packed.ts";
 * import { ByteSet } from "./set.ts";
 * import assert from "node:assert/strict";
 *
 * const out = new Uint8Array(32);
 * const end = pack(ByteSet.from(["9223372036854775807", "0"]), out, 0);
 * assert.equal(end, 17);
 * assert.deepEqual(unpackSet(out, 0, end).members(), ["9223372036854775807", "0"]);
 * ```
 */
export function unpackSet(
  bytes: Uint8Array,
  start: number,
  end: number,
  options: ByteSetOptions = {},
): ByteSet {
  checkRange(bytes, start, end, "set");
  const width = bytes[start] ^ TAG_INTSET;
  if (
    (width !== 2 && width !== 4 && width !== 8) ||
    (end - start - 1) % width !== 0
  ) {
    corrupt("set", start, end);
  }
  const set = new ByteSet(options);
  let p = start + 1;
  if (width === 2) {
    for (; p < end; p += 2) {
      set.add(String(((bytes[p] | (bytes[p + 1] << 8)) << 16) >> 16));
    }
  } else if (width === 4) {
    for (; p < end; p += 4) {
      set.add(String(
        bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) |
          (bytes[p + 3] << 24),
      ));
    }
  } else {
    for (; p < end; p += 8) set.add(readWideInt(bytes, p, 8));
  }
  return set;
}

/**
 * Rebuilds a list packed by {@linkcode pack}: same elements in the same
 * order.
 *
 * @param bytes The buffer.
 * @param start The first byte of the encoding.
 * @param end One past its last byte.
 * @returns A new list.
 * @throws {RangeError} When the bytes are not a packed list.
 *
 * @example Unpack a list
 * ```ts
 * import { pack, unpackList } from "./packed.ts";
 * import { ByteList } from "./list.ts";
 * import assert from "node:assert/strict";
 *
 * const out = new Uint8Array(32);
 * const end = pack(ByteList.from(["x", "100", "007"]), out, 0);
 * assert.deepEqual(unpackList(out, 0, end).toArray(), ["x", "100", "007"]);
 * ```
 */
export function unpackList(
  bytes: Uint8Array,
  start: number,
  end: number,
): ByteList {
  const count = readHeader(bytes, start, end, TAG_LIST);
  if (count > end - cursor) corrupt("list", start, end);
  const list = new ByteList();
  for (let i = 0; i < count; i++) list.pushRight(readEntry(bytes, end));
  if (cursor !== end) corrupt("list", start, end);
  return list;
}

/**
 * The type of a packed value, from its first byte.
 *
 * @param bytes The buffer.
 * @param start The first byte of the encoding.
 * @returns `"hash"`, `"list"` or `"set"`.
 * @throws {RangeError} When the byte is no tag of {@linkcode pack}'s.
 *
 * @example Tell the type
 * ```ts
 * import { pack, packedType } from "./packed.ts";
 * import { ByteSet } from "./set.ts";
 * import assert from "node:assert/strict";
 *
 * const out = new Uint8Array(8);
 * pack(ByteSet.from(["1"]), out, 0);
 * assert.equal(packedType(out, 0), "set");
 * ```
 */
export function packedType(bytes: Uint8Array, start: number): PackedType {
  const tag = bytes[start];
  if (tag === TAG_HASH) return "hash";
  if (tag === TAG_LIST) return "list";
  if (
    tag === (TAG_INTSET | 2) || tag === (TAG_INTSET | 4) ||
    tag === (TAG_INTSET | 8)
  ) {
    return "set";
  }
  throw new RangeError(`No packed value at ${start} (byte ${tag})`);
}

/**
 * The number of fields, members or elements of a packed value (HLEN, SCARD,
 * LLEN), from its header alone. O(1).
 *
 * @param bytes The buffer.
 * @param start The first byte of the encoding.
 * @param end One past its last byte.
 * @returns The count.
 * @throws {RangeError} When the bytes are no packed value.
 *
 * @example Count without unpacking
 * ```ts
 * import { pack, packedCount } from "./packed.ts";
 * import { ByteHash } from "./hash.ts";
 * import assert from "node:assert/strict";
 *
 * const out = new Uint8Array(32);
 * const end = pack(ByteHash.from([["a", "1"], ["b", "2"]]), out, 0);
 * assert.equal(packedCount(out, 0, end), 2);
 * ```
 */
export function packedCount(
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  const type = packedType(bytes, start);
  if (type === "set") {
    return Math.floor((end - start - 1) / (bytes[start] ^ TAG_INTSET));
  }
  return readHeader(bytes, start, end, type === "hash" ? TAG_HASH : TAG_LIST);
}

// ---------------------------------------------------------------- sizes

function hashSize(hash: ByteHash, limits: PackedLimits): number {
  const n = hash.size;
  if (n > limits.hashMaxListpackEntries) return -1;
  const maxValue = limits.hashMaxListpackValue;
  const entries = walkHash(hash);
  let size = 1 + varintSize(n);
  for (let i = 0; i < entries.length; i++) {
    const s = entries[i];
    if (s.length > maxValue) {
      size = -1;
      break;
    }
    size += entrySize(s);
  }
  scratch.length = 0;
  return size;
}

function setSize(set: ByteSet, limits: PackedLimits): number {
  const n = set.size;
  if (n > limits.setMaxIntsetEntries) return -1;
  const width = intsetWidth(walkSet(set));
  scratch.length = 0;
  return width < 0 ? -1 : 1 + n * width;
}

function listSize(list: ByteList, limits: PackedLimits): number {
  const n = list.length;
  const fill = limits.listMaxListpackSize;
  let maxBytes = LIST_SAFETY_BYTES;
  if (fill > 0) {
    if (n > fill) return -1;
  } else {
    maxBytes = 4096 << Math.min(4, Math.max(0, -fill - 1));
  }
  // Every entry takes a byte at least.
  if (n > maxBytes) return -1;
  let size = 1 + varintSize(n);
  for (let i = 0; i < n && size <= maxBytes; i++) {
    size += entrySize(list.index(i) as string);
  }
  return size <= maxBytes ? size : -1;
}

/** The bytes of the entry for `s`. */
function entrySize(s: string): number {
  const n = s.length;
  if (n <= 20) {
    const v = parseInt64(s);
    if (v === v) return intEntrySize(v, s);
  }
  if (n <= STR6_MAX) return 1 + n;
  if (n <= STR12_MAX) return 2 + n;
  return 1 + varintSize(n) + n;
}

/** The bytes of the entry for the integer `v` (`s` its decimal). */
function intEntrySize(v: number, s: string): number {
  if (v >= 0 && v <= UINT7_MAX) return 1;
  if (v >= INT13_MIN && v <= INT13_MAX) return 2;
  return 1 + intBytes(v, s);
}

/**
 * The bytes, 2 to 8, of the smallest two's complement integer holding `v`
 * (`s` its decimal, read when `v` is ±BIG).
 */
function intBytes(v: number, s: string): number {
  if (v >= -0x8000 && v < 0x8000) return 2;
  if (v >= -0x800000 && v < 0x800000) return 3;
  if (v >= -0x80000000 && v < 0x80000000) return 4;
  if (v >= -0x8000000000 && v < 0x8000000000) return 5;
  if (v >= -0x800000000000 && v < 0x800000000000) return 6;
  if (v !== BIG && v !== -BIG) return 7; // |v| < 10^15 < 2^55
  // 16 to 19 digits: 16 fit 7 bytes (10^16 < 2^55), 17 when ≤ 2^55 in size.
  const negative = v < 0;
  const digits = s.length - (negative ? 1 : 0);
  if (digits === 16) return 7;
  if (digits > 17) return 8;
  const abs = negative ? s.slice(1) : s;
  const limit = "36028797018963968"; // 2^55
  return (negative ? abs <= limit : abs < limit) ? 7 : 8;
}

/** The width, 2, 4 or 8, of an intset of `members`; -1 if one is no int64. */
function intsetWidth(members: string[]): number {
  let width = 2;
  for (let i = 0; i < members.length; i++) {
    const v = parseInt64(members[i]);
    if (v !== v) return -1;
    if (width === 8 || (v >= -0x8000 && v < 0x8000)) continue;
    width = v >= -0x80000000 && v < 0x80000000 ? 4 : 8;
  }
  return width;
}

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/**
 * Tells whether `s` is the canonical decimal form of a 64-bit integer, as
 * Redis's `string2ll` accepts: `"0"`, or an optional `-`, a digit 1–9 and
 * digits, within [−2^63, 2^63 − 1]. Such a string packs as an integer, and
 * Redis holds such a string value as an `int`.
 *
 * @param s The byte string.
 * @returns `true` for `"12"`, `"-9223372036854775808"`; `false` for `"012"`, `"-0"`, `"+1"`.
 *
 * @example Tell canonical integers
 * ```ts
 * import { isCanonicalInt64 } from "./packed.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isCanonicalInt64("-42"), true);
 * assert.equal(isCanonicalInt64("9223372036854775808"), false);
 * assert.equal(isCanonicalInt64("007"), false);
 * ```
 */
export function isCanonicalInt64(s: string): boolean {
  return !Number.isNaN(parseInt64(s));
}

/**
 * The value of `s` when it is a canonical int64 decimal as Redis's
 * `string2ll` accepts (`"0"`, or an optional `-`, a digit 1–9, digits; in
 * range): the number itself up to 15 digits, ±{@linkcode BIG} for 16 to 19
 * digits (read exactly with BigInt when written). NaN for anything else.
 */
function parseInt64(s: string): number {
  const n = s.length;
  if (n === 0 || n > 20) return NaN;
  let i = 0;
  let c = s.charCodeAt(0);
  const negative = c === 0x2d; // "-"
  if (negative) {
    if (n === 1) return NaN;
    c = s.charCodeAt(++i);
  }
  if (c < 0x31 || c > 0x39) return c === 0x30 && n === 1 ? 0 : NaN;
  let v = c - 0x30;
  for (i++; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return NaN;
    v = v * 10 + (c - 0x30);
  }
  const digits = negative ? n - 1 : n;
  if (digits <= SAFE_DIGITS) return negative ? -v : v;
  if (
    digits > 19 ||
    (digits === 19 &&
      (negative ? s > "-9223372036854775808" : s > "9223372036854775807"))
  ) {
    return NaN;
  }
  return negative ? -BIG : BIG;
}

// ---------------------------------------------------------------- writing

function packHash(hash: ByteHash, out: Uint8Array, at: number): number {
  const n = hash.size;
  const entries = walkHash(hash);
  try {
    let p = at;
    if (p + 1 + varintSize(n) > out.length) noRoom(out, at);
    out[p++] = TAG_HASH;
    p = writeVarint(out, p, n);
    for (let i = 0; i < entries.length; i++) {
      p = writeEntry(out, p, entries[i], at);
    }
    return p;
  } finally {
    scratch.length = 0;
  }
}

function packSet(set: ByteSet, out: Uint8Array, at: number): number {
  const members = walkSet(set);
  try {
    const width = intsetWidth(members);
    if (width < 0) {
      throw new RangeError(
        "Cannot pack a set with a member that is not a canonical 64-bit integer",
      );
    }
    const end = at + 1 + members.length * width;
    if (end > out.length) noRoom(out, at);
    out[at] = TAG_INTSET | width;
    let p = at + 1;
    for (let i = 0; i < members.length; i++) {
      const s = members[i];
      writeInt(out, p, parseInt64(s), s, width);
      p += width;
    }
    return end;
  } finally {
    scratch.length = 0;
  }
}

function packList(list: ByteList, out: Uint8Array, at: number): number {
  const n = list.length;
  let p = at;
  if (p + 1 + varintSize(n) > out.length) noRoom(out, at);
  out[p++] = TAG_LIST;
  p = writeVarint(out, p, n);
  for (let i = 0; i < n; i++) {
    p = writeEntry(out, p, list.index(i) as string, at);
  }
  return p;
}

/** Writes the entry for `s` at `p`; returns the offset after it. */
function writeEntry(out: Uint8Array, p: number, s: string, at: number): number {
  const n = s.length;
  if (n <= 20) {
    const v = parseInt64(s);
    if (v === v) {
      if (v >= 0 && v <= UINT7_MAX) {
        if (p >= out.length) noRoom(out, at);
        out[p] = v;
        return p + 1;
      }
      if (v >= INT13_MIN && v <= INT13_MAX) {
        if (p + 2 > out.length) noRoom(out, at);
        const u = v - INT13_MIN;
        out[p] = INT13 | (u >> 8);
        out[p + 1] = u;
        return p + 2;
      }
      const k = intBytes(v, s);
      if (p + 1 + k > out.length) noRoom(out, at);
      out[p] = INT_N | k;
      writeInt(out, p + 1, v, s, k);
      return p + 1 + k;
    }
  }
  if (n <= STR6_MAX) {
    if (p + 1 + n > out.length) noRoom(out, at);
    out[p++] = STR6 | n;
  } else if (n <= STR12_MAX) {
    if (p + 2 + n > out.length) noRoom(out, at);
    const u = n - STR12_MIN;
    out[p++] = STR12 | (u >> 8);
    out[p++] = u;
  } else {
    if (p + 1 + varintSize(n) + n > out.length) noRoom(out, at);
    out[p++] = STR_VARINT;
    p = writeVarint(out, p, n);
  }
  for (let i = 0; i < n; i++) out[p + i] = s.charCodeAt(i);
  return p + n;
}

/**
 * Writes the integer `v` (`s` its decimal, read with BigInt when `v` is
 * ±BIG) in `k` bytes, little-endian two's complement; it fits.
 */
function writeInt(
  out: Uint8Array,
  p: number,
  v: number,
  s: string,
  k: number,
): void {
  if (k <= 4) {
    // |v| < 2^31: the shifts see its two's complement.
    for (let i = 0; i < k; i++) out[p + i] = v >> (i << 3);
    return;
  }
  let lo: number;
  let hi: number;
  if (v !== BIG && v !== -BIG) {
    lo = v >>> 0; // v mod 2^32, exact below 2^53
    hi = (v - lo) / TWO_32;
  } else {
    const u = BigInt.asUintN(64, BigInt(s));
    lo = Number(u & 0xffffffffn);
    hi = Number(u >> 32n) | 0;
  }
  out[p] = lo;
  out[p + 1] = lo >>> 8;
  out[p + 2] = lo >>> 16;
  out[p + 3] = lo >>> 24;
  for (let i = 4; i < k; i++) out[p + i] = hi >> ((i - 4) << 3);
}

function writeVarint(out: Uint8Array, p: number, n: number): number {
  while (n > 0x7f) {
    out[p++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[p++] = n;
  return p;
}

// ---------------------------------------------------------------- reading

/**
 * Checks the range and tag and reads the count that follows; leaves
 * {@linkcode cursor} after it.
 */
function readHeader(
  bytes: Uint8Array,
  start: number,
  end: number,
  tag: number,
): number {
  const what = tag === TAG_HASH ? "hash" : "list";
  checkRange(bytes, start, end, what);
  if (bytes[start] !== tag) corrupt(what, start, end);
  let p = start + 1;
  let n = 0;
  let scale = 1;
  for (;;) {
    if (p >= end || scale > 2 ** 28) corrupt(what, start, end);
    const b = bytes[p++];
    n += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  cursor = p;
  return n;
}

/** Reads the entry at {@linkcode cursor}, which it moves past it. */
function readEntry(bytes: Uint8Array, end: number): string {
  let p = cursor;
  if (p >= end) corruptEntry(p);
  const b = bytes[p++];
  if (b <= UINT7_MAX) {
    cursor = p;
    return String(b);
  }
  let n: number;
  if (b < INT13) {
    n = b & 0x3f;
  } else if (b < STR12) {
    if (p >= end) corruptEntry(p);
    cursor = p + 1;
    return String((((b & 0x1f) << 8) | bytes[p]) + INT13_MIN);
  } else if (b < STR_VARINT) {
    if (p >= end) corruptEntry(p);
    n = (((b & 0x0f) << 8) | bytes[p++]) + STR12_MIN;
  } else if (b === STR_VARINT) {
    n = 0;
    let scale = 1;
    for (;;) {
      if (p >= end || scale > 2 ** 28) corruptEntry(p);
      const c = bytes[p++];
      n += (c & 0x7f) * scale;
      if (c < 0x80) break;
      scale *= 128;
    }
  } else {
    const k = b & 0x0f;
    if (b > (INT_N | 8) || k < 2 || p + k > end) corruptEntry(p);
    cursor = p + k;
    if (k <= 4) {
      let v = 0;
      for (let i = 0; i < k; i++) v |= bytes[p + i] << (i << 3);
      const shift = 32 - (k << 3);
      return String((v << shift) >> shift);
    }
    return readWideInt(bytes, p, k);
  }
  if (p + n > end) corruptEntry(p);
  cursor = p + n;
  return decodeBytes(bytes, p, p + n);
}

/** The decimal of the `k`-byte (5 to 8) integer at `p`. */
function readWideInt(bytes: Uint8Array, p: number, k: number): string {
  const lo = (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) |
    (bytes[p + 3] << 24)) >>> 0;
  let hi = 0;
  for (let i = 4; i < k; i++) hi |= bytes[p + i] << ((i - 4) << 3);
  const shift = 32 - ((k - 4) << 3);
  hi = (hi << shift) >> shift;
  if (hi >= -HI_SAFE && hi < HI_SAFE) return String(hi * TWO_32 + lo);
  return ((BigInt(hi) << 32n) + BigInt(lo)).toString();
}

/**
 * The byte string of `bytes[start, end)`: a flat string, by one
 * `fromCharCode` call with exact arguments up to 16 bytes, else by the
 * native `latin1Slice`. Measured with `packed_bench.ts` (fastest runs on a
 * loaded 2-vCPU machine, ns per string), exact arguments / `fromCharCode`
 * over a reused array / `latin1Slice`: 8 B 22 / 34 / 65, 16 B 32 / 50 / 65;
 * 32 B: reused array 80, `latin1Slice` 64; 64 B: 153 and 67. The native
 * call costs ~65 ns whatever the length; a `subarray` per string costs more.
 */
// deno-fmt-ignore
function decodeBytes(b: Uint8Array, s: number, end: number): string {
  switch (end - s) {
    case 0:
      return "";
    case 1:
      return fromCharCode(b[s]);
    case 2:
      return fromCharCode(b[s], b[s + 1]);
    case 3:
      return fromCharCode(b[s], b[s + 1], b[s + 2]);
    case 4:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      );
    case 7:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
      );
    case 8:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7],
      );
    case 9:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7], b[s + 8],
      );
    case 10:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7], b[s + 8], b[s + 9],
      );
    case 11:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7], b[s + 8], b[s + 9], b[s + 10],
      );
    case 12:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11],
      );
    case 13:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12],
      );
    case 14:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12],
        b[s + 13],
      );
    case 15:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12],
        b[s + 13], b[s + 14],
      );
    case 16:
      return fromCharCode(
        b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6],
        b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12],
        b[s + 13], b[s + 14], b[s + 15],
      );
  }
  if (latin1Slice !== undefined) return latin1Slice.call(b, s, end);
  let out = "";
  for (let i = s; i < end; i += 8192) {
    const part = b.subarray(i, Math.min(end, i + 8192));
    out += fromCharCode.apply(null, part as unknown as number[]);
  }
  return out;
}

// ---------------------------------------------------------------- helpers

/**
 * `[field, value, field, value, ...]` in `fields()` order, in
 * {@linkcode scratch}: a scan from 0 with a count of every slot returns the
 * hash whole and in order (`ByteHash.scan`'s contract), allocating nothing.
 */
function walkHash(hash: ByteHash): string[] {
  scratch.length = 0;
  if (
    hash.scan(0, hash.slotCount, scratch) !== 0 ||
    scratch.length !== hash.size * 2
  ) {
    scratch.length = 0;
    const all = hash.fieldsAndValues();
    for (let i = 0; i < all.length; i++) scratch.push(all[i]);
  }
  return scratch;
}

/** The members in `members()` order, in {@linkcode scratch} (as {@linkcode walkHash}). */
function walkSet(set: ByteSet): string[] {
  scratch.length = 0;
  if (
    set.scan(0, set.slotCount, scratch) !== 0 || scratch.length !== set.size
  ) {
    scratch.length = 0;
    const all = set.members();
    for (let i = 0; i < all.length; i++) scratch.push(all[i]);
  }
  return scratch;
}

function checkRange(
  bytes: Uint8Array,
  start: number,
  end: number,
  what: string,
): void {
  if (
    !Number.isInteger(start) || !Number.isInteger(end) || start < 0 ||
    end > bytes.length || end <= start
  ) {
    corrupt(what, start, end);
  }
}

function corrupt(what: string, start: number, end: number): never {
  throw new RangeError(`No packed ${what} in bytes [${start}, ${end})`);
}

function corruptEntry(at: number): never {
  throw new RangeError(`Corrupt packed entry at byte ${at}`);
}

function noRoom(out: Uint8Array, at: number): never {
  throw new RangeError(
    `Cannot pack at ${at}: the ${out.length}-byte buffer is too small`,
  );
}
