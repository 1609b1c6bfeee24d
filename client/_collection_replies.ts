/**
 * Reply transforms of the hash, list and set methods. Private to the
 * package; see `_replies.ts` for the shared ones. Each throws a
 * ProtocolError when the reply has a type its command never answers with.
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import { ProtocolError } from "./errors.ts";
import {
  asBytes,
  asBytesArray,
  asInteger,
  asString,
  asStringArray,
  kindName,
} from "./_replies.ts";

function unexpected(reply: Reply, expected: string): ProtocolError {
  return new ProtocolError(
    `Unexpected ${kindName(reply)} reply, expected ${expected}`,
  );
}

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
