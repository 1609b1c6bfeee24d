/**
 * DUMP and RESTORE payloads in Redis's format (an RDB value, then the RDB
 * version in 2 bytes and a CRC-64 in 8, both little-endian), so that a
 * value dumped by CacheMir restores on Redis 7.0 and a plain one dumped by
 * Redis restores here.
 *
 * {@linkcode dumpValue} writes the plain RDB types, which every Redis since
 * 2.0 reads: a string (type 0), a list (1), a set (2), a hash (4), each
 * string length-prefixed. {@linkcode restoreValue} reads those, with the
 * string forms Redis writes (8-, 16- and 32-bit integers, LZF-compressed);
 * Redis's packed types (listpack, intset, ziplist, quicklist) are not read
 * and give `ERR Bad data format`, as a payload of an unknown type does on
 * Redis.
 *
 * Byte strings are JavaScript strings of one char per byte, as in the rest
 * of the store.
 *
 * @example Dump a hash and restore it
 * ```ts
 * import { dumpValue, restoreValue } from "./rdb.ts";
 * import { ByteHash } from "./hash.ts";
 * import assert from "node:assert/strict";
 *
 * const payload = dumpValue(ByteHash.from([["f", "v"]]));
 * const back = restoreValue(payload);
 * assert.deepEqual((back.value as ByteHash).fieldsAndValues(), ["f", "v"]);
 * assert.deepEqual(restoreValue("garbage"), {
 *   error: "ERR DUMP payload version or checksum are wrong",
 * });
 * ```
 *
 * @module
 */

import { toByteString } from "@cachemir/protocol";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";
import type { Value } from "./keyspace.ts";

/** Redis 7.0's RDB version: payloads of a later version are refused. */
export const RDB_VERSION = 10;

const TYPE_STRING = 0;
const TYPE_LIST = 1;
const TYPE_SET = 2;
const TYPE_HASH = 4;

/** The error for a payload whose version or checksum is wrong. */
export const BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
/** The error for a payload that checks out but holds no value CacheMir reads. */
export const BAD_FORMAT = "ERR Bad data format";

// CRC-64 of Redis (Jones polynomial, reflected, no final xor), by bytes,
// in two 32-bit halves.
const CRC_LO = new Uint32Array(256);
const CRC_HI = new Uint32Array(256);
{
  const poly = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 reflected
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = (c & 1n) ? (c >> 1n) ^ poly : c >> 1n;
    CRC_LO[i] = Number(c & 0xffffffffn);
    CRC_HI[i] = Number(c >> 32n);
  }
}

/**
 * The CRC-64 Redis appends to a DUMP payload (`crc64(0, bytes)`), as 8
 * little-endian bytes in a byte string.
 *
 * @param s The byte string.
 * @param end Bytes of `s` to include.
 * @returns 8 chars.
 */
export function crc64(s: string, end: number = s.length): string {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < end; i++) {
    const idx = (lo ^ s.charCodeAt(i)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ CRC_LO[idx];
    hi = (hi >>> 8) ^ CRC_HI[idx];
  }
  return le32(lo >>> 0) + le32(hi >>> 0);
}

function le32(n: number): string {
  return String.fromCharCode(
    n & 0xff,
    (n >>> 8) & 0xff,
    (n >>> 16) & 0xff,
    (n >>> 24) & 0xff,
  );
}

/** An RDB length: 6 bits, 14 bits, or 0x80 and 32 bits big-endian. */
function rdbLength(n: number): string {
  if (n < 64) return String.fromCharCode(n);
  if (n < 16384) return String.fromCharCode(0x40 | (n >> 8), n & 0xff);
  return String.fromCharCode(
    0x80,
    (n >>> 24) & 0xff,
    (n >>> 16) & 0xff,
    (n >>> 8) & 0xff,
    n & 0xff,
  );
}

function rdbString(s: string): string {
  return rdbLength(s.length) + s;
}

/**
 * The DUMP payload of a value: its RDB serialization, the RDB version and
 * the CRC-64.
 *
 * @param value A string or a collection of the keyspace.
 * @returns The payload, a byte string.
 */
export function dumpValue(value: Value): string {
  const parts: string[] = [];
  if (typeof value === "string") {
    parts.push(String.fromCharCode(TYPE_STRING), rdbString(value));
  } else if (value instanceof ByteList) {
    const items = value.toArray();
    parts.push(String.fromCharCode(TYPE_LIST), rdbLength(items.length));
    for (const item of items) parts.push(rdbString(item as string));
  } else if (value instanceof ByteSet) {
    const members = value.members();
    parts.push(String.fromCharCode(TYPE_SET), rdbLength(members.length));
    for (const m of members) parts.push(rdbString(m));
  } else if (value instanceof ByteHash) {
    const flat = value.fieldsAndValues();
    parts.push(String.fromCharCode(TYPE_HASH), rdbLength(flat.length / 2));
    for (const s of flat) parts.push(rdbString(s));
  } else {
    throw new TypeError(`Cannot dump a value of type ${value.type}`);
  }
  parts.push(String.fromCharCode(RDB_VERSION & 0xff, RDB_VERSION >> 8));
  const body = parts.join("");
  return body + crc64(body);
}

/** Thrown inside the reader: the payload is not a value it reads. */
class BadFormat extends Error {}

/** A cursor over a payload's RDB value. */
class Reader {
  pos = 0;
  constructor(readonly s: string, readonly end: number) {}

  byte(): number {
    if (this.pos >= this.end) throw new BadFormat();
    return this.s.charCodeAt(this.pos++);
  }

  /** A length, or -(encoding + 1) for a special string encoding. */
  length(): number {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 0) return first & 0x3f;
    if (kind === 1) return ((first & 0x3f) << 8) | this.byte();
    if (kind === 3) return -((first & 0x3f) + 1);
    if (first === 0x80) {
      return ((this.byte() << 24) >>> 0) + (this.byte() << 16) +
        (this.byte() << 8) + this.byte();
    }
    if (first === 0x81) {
      let n = 0;
      for (let i = 0; i < 8; i++) n = n * 256 + this.byte();
      if (!Number.isSafeInteger(n)) throw new BadFormat();
      return n;
    }
    throw new BadFormat();
  }

  take(n: number): string {
    if (n > this.end - this.pos) throw new BadFormat();
    const out = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    const n = this.length();
    if (n >= 0) return this.take(n);
    const enc = -n - 1;
    if (enc === 0) return String((this.byte() << 24) >> 24);
    if (enc === 1) {
      const v = this.byte() | (this.byte() << 8);
      return String((v << 16) >> 16);
    }
    if (enc === 2) {
      return String(
        this.byte() | (this.byte() << 8) | (this.byte() << 16) |
          (this.byte() << 24),
      );
    }
    if (enc === 3) {
      const clen = this.length();
      const len = this.length();
      if (clen < 0 || len < 0) throw new BadFormat();
      return lzfDecompress(this.take(clen), len);
    }
    throw new BadFormat();
  }

  count(): number {
    const n = this.length();
    if (n < 0 || n > this.end - this.pos) throw new BadFormat();
    return n;
  }
}

/** LZF decompression (the format Redis compresses RDB strings with). */
function lzfDecompress(input: string, len: number): string {
  const out = new Uint8Array(len);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    let ctrl = input.charCodeAt(ip++);
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > len || ip + ctrl > input.length) throw new BadFormat();
      for (let i = 0; i < ctrl; i++) out[op++] = input.charCodeAt(ip++);
    } else {
      let n = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (n === 7) {
        if (ip >= input.length) throw new BadFormat();
        n += input.charCodeAt(ip++);
      }
      if (ip >= input.length) throw new BadFormat();
      ref -= input.charCodeAt(ip++);
      n += 2;
      if (op + n > len || ref < 0) throw new BadFormat();
      for (let i = 0; i < n; i++) out[op++] = out[ref++];
    }
  }
  if (op !== len) throw new BadFormat();
  return toByteString(out);
}

/** What {@linkcode restoreValue} read: a value, or Redis's error text. */
export type Restored =
  | { readonly value: Value; readonly error?: undefined }
  | { readonly error: string; readonly value?: undefined };

/**
 * Reads a DUMP payload: checks its version and CRC-64, then reads its value.
 *
 * @param payload The payload, a byte string.
 * @returns The value, or Redis's error text: {@linkcode BAD_PAYLOAD} for a
 * wrong version or checksum, {@linkcode BAD_FORMAT} for a value this cannot
 * read (a packed Redis type, a truncated or empty value, repeated members).
 */
export function restoreValue(payload: string): Restored {
  const n = payload.length;
  if (n < 10) return { error: BAD_PAYLOAD };
  const version = payload.charCodeAt(n - 10) | (payload.charCodeAt(n - 9) << 8);
  if (version > RDB_VERSION) return { error: BAD_PAYLOAD };
  if (crc64(payload, n - 8) !== payload.slice(n - 8)) {
    return { error: BAD_PAYLOAD };
  }
  const r = new Reader(payload, n - 10);
  try {
    const type = r.byte();
    let value: Value;
    if (type === TYPE_STRING) value = r.string();
    else if (type === TYPE_LIST) {
      const count = r.count();
      const items: string[] = [];
      for (let i = 0; i < count; i++) items.push(r.string());
      if (count === 0) throw new BadFormat();
      value = ByteList.from(items);
    } else if (type === TYPE_SET) {
      const count = r.count();
      const members: string[] = [];
      for (let i = 0; i < count; i++) members.push(r.string());
      const set = ByteSet.from(members);
      if (count === 0 || set.size !== count) throw new BadFormat();
      value = set;
    } else if (type === TYPE_HASH) {
      const count = r.count();
      const pairs: [string, string][] = [];
      for (let i = 0; i < count; i++) pairs.push([r.string(), r.string()]);
      const hash = ByteHash.from(pairs);
      if (count === 0 || hash.size !== count) throw new BadFormat();
      value = hash;
    } else {
      throw new BadFormat();
    }
    if (r.pos !== r.end) throw new BadFormat();
    return { value };
  } catch (e) {
    if (e instanceof BadFormat) return { error: BAD_FORMAT };
    throw e;
  }
}
