/**
 * Reply transforms: turn a node's typed reply into the value a client method
 * resolves with. Private to the package. Each throws a ProtocolError when the
 * reply has a type its command never answers with (error replies never reach
 * them: the connection rejects those with a ReplyError).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { decodeUtf8, encodeUtf8, type Reply } from "@cachemir/protocol";
import type { ReplyTransform } from "./connection.ts";
import { ProtocolError, ReplyError } from "./errors.ts";

type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;

// Node's native UTF-8 slice takes any Uint8Array as `this` and a range: no
// view to allocate, and several times faster than TextDecoder on short
// values. It replaces invalid sequences with U+FFFD as TextDecoder does.
const nativeUtf8Slice: Utf8Slice | undefined =
  (Buffer.prototype as unknown as { utf8Slice?: Utf8Slice }).utf8Slice;

function utf8Range(buf: Uint8Array, start: number, end: number): string {
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

/** A reply's type as the protocol's README names it: `INTEGER`, `BYTES`... */
export function kindName(reply: Reply): string {
  return reply.kind === "int" ? "INTEGER" : reply.kind.toUpperCase();
}

function unexpected(reply: Reply, expected: string): ProtocolError {
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

/** INTEGER → number, or bigint outside the safe-integer range. */
export function asBigInteger(reply: Reply): number | bigint {
  if (reply.kind === "int") return reply.value;
  throw unexpected(reply, "INTEGER");
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
