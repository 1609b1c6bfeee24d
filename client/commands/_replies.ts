/**
 * How replies become values: the transforms every command declaration picks
 * its {@linkcode Decoder} from (text, bytes, bigint). Private to the
 * package. Each throws a ProtocolError when the reply has a type its command
 * never answers with (error replies never reach them: the connection
 * rejects those with a ReplyError).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { decodeUtf8, encodeUtf8, type Reply } from "@cachemir/protocol";
import type { ReplyTransform } from "../types.ts";
import { ProtocolError, ReplyError } from "../errors.ts";
import { kindName } from "../_kind_name.ts";
import type { Decoder } from "./_define.ts";

type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;

// Node's native UTF-8 slice takes any Uint8Array as `this` and a range: no
// view to allocate, and several times faster than TextDecoder on short
// values. It replaces invalid sequences with U+FFFD as TextDecoder does.
const nativeUtf8Slice: Utf8Slice | undefined =
  (Buffer.prototype as unknown as { utf8Slice?: Utf8Slice }).utf8Slice;

export function utf8Range(buf: Uint8Array, start: number, end: number): string {
  return nativeUtf8Slice !== undefined
    ? nativeUtf8Slice.call(buf, start, end)
    : decodeUtf8(buf.subarray(start, end));
}

function copyRange(buf: Uint8Array, start: number, end: number): Uint8Array {
  return buf.slice(start, end);
}

/** A value {@linkcode CacheMirClient.call} resolves with. */
export type CallReply = string | number | bigint | null | CallReply[];

/** A value {@linkcode CacheMirClient.callBuffer} resolves with. */
export type CallBufferReply =
  | Uint8Array
  | string
  | number
  | bigint
  | null
  | CallBufferReply[];

/**
 * The error of a reply of the wrong type: `Unexpected INTEGER reply,
 * expected ARRAY`.
 *
 * @param reply What came.
 * @param expected What was expected, as the message says it.
 * @returns The error to throw.
 */
export function unexpected(reply: Reply, expected: string): ProtocolError {
  return new ProtocolError(
    `Unexpected ${kindName(reply)} reply, expected ${expected}`,
  );
}

function utf8(value: string | Uint8Array): string {
  // Only the node writes byte strings; a decoder always gives bytes.
  return typeof value === "string" ? value : decodeUtf8(value);
}

function raw(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? encodeUtf8(value) : value;
}

/** OK (or a status word) → `"OK"`. */
export function asOk(reply: Reply): "OK" {
  if (reply.kind === "ok") return "OK";
  if (reply.kind === "status" && reply.value === "OK") return "OK";
  throw unexpected(reply, "OK");
}

/** BYTES / STATUS → text. */
export function asString(reply: Reply): string {
  if (reply.kind === "bytes") return utf8(reply.value);
  if (reply.kind === "status") return reply.value;
  throw unexpected(reply, "BYTES");
}

/** A SCAN cursor: BYTES, STATUS or INTEGER → text. */
function asCursor(reply: Reply): string {
  if (reply.kind === "int") return String(reply.value);
  return asString(reply);
}

/** BYTES or NULL → text or `null`. */
export const asStringOrNull: ReplyTransform<string | null> = Object.assign(
  (reply: Reply): string | null => {
    if (reply.kind === "bytes") return utf8(reply.value);
    if (reply.kind === "null") return null;
    return asString(reply);
  },
  { fromBytes: utf8Range },
);

/** BYTES / STATUS → bytes. */
export function asBytes(reply: Reply): Uint8Array {
  if (reply.kind === "bytes") return raw(reply.value);
  if (reply.kind === "status") return encodeUtf8(reply.value);
  throw unexpected(reply, "BYTES");
}

/** BYTES or NULL → bytes or `null`. */
export const asBytesOrNull: ReplyTransform<Uint8Array | null> = Object.assign(
  (reply: Reply): Uint8Array | null => {
    if (reply.kind === "bytes") return raw(reply.value);
    if (reply.kind === "null") return null;
    return asBytes(reply);
  },
  { fromBytes: copyRange },
);

/** INTEGER → number (a bigint, which no count or TTL reaches, is narrowed). */
export function asInteger(reply: Reply): number {
  if (reply.kind === "int") {
    return typeof reply.value === "number" ? reply.value : Number(reply.value);
  }
  throw unexpected(reply, "INTEGER");
}

/** INTEGER → bigint, whatever its size (the `...Big` methods). */
export function asBigInt(reply: Reply): bigint {
  if (reply.kind === "int") return BigInt(reply.value);
  throw unexpected(reply, "INTEGER");
}

/**
 * INTEGER → number, for a method that has a `...Big` variant: a value
 * beyond ±`Number.MAX_SAFE_INTEGER` rejects with a RangeError that names
 * that variant (a number would round it).
 *
 * @param method The method's name, e.g. `"incrby"`.
 * @returns The transform.
 */
export function asSafeInteger(method: string): ReplyTransform<number> {
  return (reply: Reply): number => {
    if (reply.kind !== "int") throw unexpected(reply, "INTEGER");
    const value = reply.value;
    // The decoder gives a bigint only outside the safe-integer range.
    if (typeof value === "number") return value;
    throw new RangeError(
      `Cannot resolve ${method}() with ${value} as a number: it is beyond Number.MAX_SAFE_INTEGER (the node stored it); use ${method}Big() to get a bigint`,
    );
  };
}

function elements(reply: Reply, expected: string): readonly Reply[] {
  if (reply.kind === "array" || reply.kind === "set") return reply.value;
  throw unexpected(reply, expected);
}

/** ARRAY of BYTES → texts. */
export function asStringArray(reply: Reply): string[] {
  const items = elements(reply, "ARRAY");
  const out = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = asString(items[i]);
  return out;
}

/** ARRAY of BYTES or NULL → texts or nulls. */
export function asNullableStringArray(reply: Reply): (string | null)[] {
  const items = elements(reply, "ARRAY");
  const out = new Array<string | null>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = asStringOrNull(items[i]);
  return out;
}

/** ARRAY of BYTES → byte arrays. */
export function asBytesArray(reply: Reply): Uint8Array[] {
  const items = elements(reply, "ARRAY");
  const out = new Array<Uint8Array>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = asBytes(items[i]);
  return out;
}

/** ARRAY of BYTES or NULL → byte arrays or nulls. */
export function asNullableBytesArray(reply: Reply): (Uint8Array | null)[] {
  const items = elements(reply, "ARRAY");
  const out = new Array<Uint8Array | null>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = asBytesOrNull(items[i]);
  return out;
}

/** SCAN's `[cursor, [key...]]`, keys as text. */
export function asScan(reply: Reply): [string, string[]] {
  const items = elements(reply, "a SCAN ARRAY");
  if (items.length !== 2) {
    throw new ProtocolError(
      `Unexpected SCAN reply of ${items.length} elements, expected 2`,
    );
  }
  return [asCursor(items[0]), asStringArray(items[1])];
}

/** SCAN's `[cursor, [key...]]`, keys as bytes. */
export function asScanBuffer(reply: Reply): [string, Uint8Array[]] {
  const items = elements(reply, "a SCAN ARRAY");
  if (items.length !== 2) {
    throw new ProtocolError(
      `Unexpected SCAN reply of ${items.length} elements, expected 2`,
    );
  }
  return [asCursor(items[0]), asBytesArray(items[1])];
}

/** SET's reply: OK, NULL (NX/XX not met), or the old value (GET option). */
export function asSetReply(reply: Reply): string | null {
  if (reply.kind === "ok") return "OK";
  return asStringOrNull(reply);
}

/** SET's reply with the old value as bytes. */
export function asSetReplyBuffer(reply: Reply): Uint8Array | "OK" | null {
  if (reply.kind === "ok") return "OK";
  return asBytesOrNull(reply);
}

function toCall(reply: Reply, buffers: boolean): CallBufferReply {
  switch (reply.kind) {
    case "ok":
      return "OK";
    case "null":
      return null;
    case "status":
      return reply.value;
    case "int":
    case "float":
      return reply.value;
    case "bytes":
      return buffers ? raw(reply.value) : utf8(reply.value);
    case "array":
    case "set": {
      const out = new Array<CallBufferReply>(reply.value.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = toCall(reply.value[i], buffers);
      }
      return out;
    }
    case "map": {
      const out = new Array<CallBufferReply>(reply.value.length * 2);
      for (let i = 0; i < reply.value.length; i++) {
        out[2 * i] = toCall(reply.value[i][0], buffers);
        out[2 * i + 1] = toCall(reply.value[i][1], buffers);
      }
      return out;
    }
    case "error":
      throw new ReplyError(reply.code, reply.message);
  }
}

/** Any reply → plain values; bytes as text, maps flattened to `[k, v, ...]`. */
export function asCallReply(reply: Reply): CallReply {
  return toCall(reply, false) as CallReply;
}

/** Any reply → plain values; bytes as Uint8Array, maps flattened. */
export function asCallBufferReply(reply: Reply): CallBufferReply {
  return toCall(reply, true);
}

/** INCRBYFLOAT's new value as text (a FLOAT reply is formatted). */
export function asFloatString(reply: Reply): string {
  if (reply.kind === "float") return String(reply.value);
  if (reply.kind === "bytes") return utf8(reply.value);
  throw unexpected(reply, "BYTES");
}

// ------------------------------------------------- hashes, lists and sets

/**
 * Sets `record[field] = value`, also for a field named `__proto__` (which a
 * plain assignment would take as the object's prototype).
 */
function put<T>(record: Record<string, T>, field: string, value: T): void {
  if (field === "__proto__") {
    Object.defineProperty(record, field, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    record[field] = value;
  }
}

/** The pairs of a MAP reply, or of a flat `[k, v, ...]` ARRAY. */
function pairs(reply: Reply, each: (k: Reply, v: Reply) => void): void {
  if (reply.kind === "map") {
    for (const [k, v] of reply.value) each(k, v);
    return;
  }
  if (reply.kind === "array" && reply.value.length % 2 === 0) {
    const items = reply.value;
    for (let i = 0; i < items.length; i += 2) each(items[i], items[i + 1]);
    return;
  }
  throw unexpected(reply, "MAP");
}

/** HGETALL's map → `{ field: value }`, fields and values as text. */
export function asRecord(reply: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  pairs(reply, (k, v) => put(out, asString(k), asString(v)));
  return out;
}

/** HGETALL's map → `{ field: bytes }`, fields as text. */
export function asRecordBuffer(reply: Reply): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  pairs(reply, (k, v) => put(out, asString(k), asBytes(v)));
  return out;
}

/** ARRAY of BYTES, or NULL (LPOP with a count on a missing key). */
export function asStringArrayOrNull(reply: Reply): string[] | null {
  return reply.kind === "null" ? null : asStringArray(reply);
}

/** ARRAY of BYTES as bytes, or NULL. */
export function asBytesArrayOrNull(reply: Reply): Uint8Array[] | null {
  return reply.kind === "null" ? null : asBytesArray(reply);
}

function flatten<T>(reply: Reply, item: (r: Reply) => T): T[] {
  if (reply.kind !== "array") throw unexpected(reply, "ARRAY");
  const out: T[] = [];
  for (const element of reply.value) {
    if (element.kind === "array") {
      for (const inner of element.value) out.push(item(inner));
    } else {
      out.push(item(element));
    }
  }
  return out;
}

/**
 * HRANDFIELD WITHVALUES: `[[field, value], ...]` (or already flat) →
 * `[field, value, field, value, ...]` as text.
 */
export function asFlatPairs(reply: Reply): string[] {
  return flatten(reply, asString);
}

/** HRANDFIELD WITHVALUES with bytes. */
export function asFlatPairsBuffer(reply: Reply): Uint8Array[] {
  return flatten(reply, asBytes);
}

/** ARRAY of INTEGER → numbers (SMISMEMBER, LPOS with COUNT). */
export function asIntegerArray(reply: Reply): number[] {
  if (reply.kind !== "array") throw unexpected(reply, "ARRAY");
  const out = new Array<number>(reply.value.length);
  for (let i = 0; i < out.length; i++) out[i] = asInteger(reply.value[i]);
  return out;
}

/** INTEGER or NULL → a number or `null` (LPOS without COUNT). */
function asIntegerOrNull(reply: Reply): number | null {
  return reply.kind === "null" ? null : asInteger(reply);
}

/** LPOS: a position or `null`, or with COUNT an array of positions. */
export function asPositions(reply: Reply): number | number[] | null {
  return reply.kind === "array"
    ? asIntegerArray(reply)
    : asIntegerOrNull(reply);
}

// ---------------------------------------------------------------- decoders

/** `"OK"`. */
export const OK: Decoder<"OK"> = Object.freeze({ text: asOk });

/** A short text the node chose (TYPE, PING): no bytes variant. */
export const STATUS: Decoder<string> = Object.freeze({ text: asString });

/** A value: text, or bytes. */
export const VALUE: Decoder<string, Uint8Array> = Object.freeze({
  text: asString,
  bytes: asBytes,
});

/** A value or `null`: text, or bytes. */
export const VALUE_OR_NULL: Decoder<string | null, Uint8Array | null> = Object
  .freeze({ text: asStringOrNull, bytes: asBytesOrNull });

/** Bytes that are not text (a DUMP payload) or `null`: bytes only. */
export const BYTES_OR_NULL: Decoder<Uint8Array | null> = Object.freeze({
  text: asBytesOrNull,
});

/** A count, a length, a TTL, a 0/1 flag. */
export const INTEGER: Decoder<number> = Object.freeze({ text: asInteger });

/** Integers (SMISMEMBER). */
export const INTEGERS: Decoder<number[]> = Object.freeze({
  text: asIntegerArray,
});

/**
 * A counter (INCR, HINCRBY...): a number, or a RangeError beyond the safe
 * range that names the `...Big` variant, which resolves with a bigint.
 *
 * @param method The method's name, e.g. `"incr"`.
 * @returns The decoder.
 */
export function counter(method: string): Decoder<number, never, bigint> {
  return Object.freeze({ text: asSafeInteger(method), big: asBigInt });
}

/** INCRBYFLOAT's exact text. */
export const FLOAT_TEXT: Decoder<string> = Object.freeze({
  text: asFloatString,
});

/** Values: texts, or bytes. */
export const VALUES: Decoder<string[], Uint8Array[]> = Object.freeze({
  text: asStringArray,
  bytes: asBytesArray,
});

/** Values or `null` (LPOP with a count on a missing key). */
export const VALUES_OR_NULL: Decoder<string[] | null, Uint8Array[] | null> =
  Object.freeze({ text: asStringArrayOrNull, bytes: asBytesArrayOrNull });

/** One value or `null` per key or field (MGET, HMGET). */
export const NULLABLE_VALUES: Decoder<
  (string | null)[],
  (Uint8Array | null)[]
> = Object.freeze({
  text: asNullableStringArray,
  bytes: asNullableBytesArray,
});

/** A SCAN-style page: `[cursor, items]`. */
export const SCAN_PAGE: Decoder<[string, string[]], [string, Uint8Array[]]> =
  Object.freeze({ text: asScan, bytes: asScanBuffer });

/** SET's reply: OK, NULL, or the old value (GET option). */
export const SET_REPLY: Decoder<string | null, Uint8Array | "OK" | null> =
  Object.freeze({ text: asSetReply, bytes: asSetReplyBuffer });

/** HGETALL's fields and values. */
export const RECORD: Decoder<
  Record<string, string>,
  Record<string, Uint8Array>
> = Object.freeze({ text: asRecord, bytes: asRecordBuffer });

/** HRANDFIELD WITHVALUES: `[field, value, ...]`. */
export const FLAT_PAIRS: Decoder<string[], Uint8Array[]> = Object.freeze({
  text: asFlatPairs,
  bytes: asFlatPairsBuffer,
});

/** LPOS: a position, `null`, or positions. */
export const POSITIONS: Decoder<number | number[] | null> = Object.freeze({
  text: asPositions,
});

/** Any reply as plain values (CALL). */
export const ANY: Decoder<CallReply, CallBufferReply> = Object.freeze({
  text: asCallReply,
  bytes: asCallBufferReply,
});

/**
 * A `[key, then]` reply (BLPOP, BRPOP, LMPOP, BLMPOP), or NULL: the key as
 * text and the second element made by `then`.
 */
function keyAndOrNull<T>(
  then: (reply: Reply) => T,
): (reply: Reply) => [string, T] | null {
  return (reply) => {
    if (reply.kind === "null") return null;
    if (reply.kind !== "array" || reply.value.length !== 2) {
      throw unexpected(reply, "ARRAY");
    }
    return [asString(reply.value[0]), then(reply.value[1])];
  };
}

/** `[key, element]` or `null` (BLPOP, BRPOP): text, or the element as bytes. */
export const KEY_VALUE_OR_NULL: Decoder<
  [string, string] | null,
  [string, Uint8Array] | null
> = Object.freeze({
  text: keyAndOrNull(asString),
  bytes: keyAndOrNull(asBytes),
});

/** `[key, elements]` or `null` (LMPOP, BLMPOP): text, or elements as bytes. */
export const KEY_VALUES_OR_NULL: Decoder<
  [string, string[]] | null,
  [string, Uint8Array[]] | null
> = Object.freeze({
  text: keyAndOrNull(asStringArray),
  bytes: keyAndOrNull(asBytesArray),
});
