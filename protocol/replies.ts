/**
 * Constructors for reply values, and the conversion of error text.
 *
 * @module
 */

import type {
  ArrayReply,
  BytesReply,
  ErrorReply,
  FloatReply,
  IntReply,
  MapReply,
  NullReply,
  OkReply,
  Reply,
  SetReply,
  StatusReply,
} from "./types.ts";

/** The OK reply (one shared frozen instance). */
export const OK: OkReply = Object.freeze({ kind: "ok" });

/** The NULL reply (`$-1` on RESP2). */
export const NULL: NullReply = Object.freeze({ kind: "null" });

/** The NULL reply Redis writes as a null array (`*-1` on RESP2). */
export const NULL_ARRAY: NullReply = Object.freeze({
  kind: "null",
  array: true,
});

/** The empty array reply. */
export const EMPTY_ARRAY: ArrayReply = Object.freeze({
  kind: "array",
  value: Object.freeze([]) as readonly Reply[],
});

const SMALL_INTS: IntReply[] = [];
for (let i = -1; i <= 64; i++) {
  SMALL_INTS.push(Object.freeze({ kind: "int", value: i }));
}

/**
 * Makes an integer reply.
 *
 * @param value The integer; a `bigint` for values outside the safe range.
 * @returns The reply (shared instances for -1..64).
 *
 * @example
 * ```ts
 * import { int } from "@cachemir/protocol";
 * console.log(int(42)); // { kind: "int", value: 42 }
 * ```
 */
export function int(value: number | bigint): IntReply {
  if (typeof value === "number" && value >= -1 && value <= 64) {
    const cached = SMALL_INTS[value + 1];
    if (cached !== undefined && Object.is(cached.value, value)) return cached;
  }
  return { kind: "int", value };
}

/**
 * Makes a float reply.
 *
 * @param value The number.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import { float } from "@cachemir/protocol";
 * console.log(float(1.5).value); // 1.5
 * ```
 */
export function float(value: number): FloatReply {
  return { kind: "float", value };
}

/**
 * Makes a bytes reply.
 *
 * @param value A byte string (one byte per char code 0–255) or bytes.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import { bytes } from "@cachemir/protocol";
 * console.log(bytes("v").kind); // "bytes"
 * ```
 */
export function bytes(value: string | Uint8Array): BytesReply {
  return { kind: "bytes", value };
}

/**
 * Makes a status reply (a RESP simple string).
 *
 * @param value The status word, ASCII.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import { status } from "@cachemir/protocol";
 * console.log(status("PONG").value); // "PONG"
 * ```
 */
export function status(value: string): StatusReply {
  return { kind: "status", value };
}

/**
 * Makes an array reply.
 *
 * @param value The elements.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import { array, int } from "@cachemir/protocol";
 * console.log(array([int(1), int(2)]).value.length); // 2
 * ```
 */
export function array(value: readonly Reply[]): ArrayReply {
  return { kind: "array", value };
}

/**
 * Makes a set reply.
 *
 * @param value The members.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import { bytes, set } from "@cachemir/protocol";
 * console.log(set([bytes("m")]).kind); // "set"
 * ```
 */
export function set(value: readonly Reply[]): SetReply {
  return { kind: "set", value };
}

/**
 * Makes a map reply.
 *
 * @param value The `[key, value]` pairs.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import { bytes, map } from "@cachemir/protocol";
 * console.log(map([[bytes("f"), bytes("v")]]).value.length); // 1
 * ```
 */
export function map(value: readonly (readonly [Reply, Reply])[]): MapReply {
  return { kind: "map", value };
}

/**
 * Makes an error reply from Redis-style text: the first word is the code.
 *
 * @param text The full error text, e.g. `"ERR syntax error"`.
 * @returns The reply with `code` = first word and `message` = the rest.
 *
 * @example
 * ```ts
 * import { error } from "@cachemir/protocol";
 * const e = error("WRONGTYPE Operation against a key holding the wrong kind of value");
 * console.log(e.code); // "WRONGTYPE"
 * ```
 */
export function error(text: string): ErrorReply {
  const space = text.indexOf(" ");
  return space < 0 ? { kind: "error", code: text, message: "" } : {
    kind: "error",
    code: text.slice(0, space),
    message: text.slice(space + 1),
  };
}

/**
 * Gives an error reply's full text, as Redis prints it.
 *
 * @param reply The error reply.
 * @returns `code + " " + message` (just the code when the message is empty).
 *
 * @example
 * ```ts
 * import { error, errorText } from "@cachemir/protocol";
 * console.log(errorText(error("ERR syntax error"))); // "ERR syntax error"
 * ```
 */
export function errorText(reply: ErrorReply): string {
  return reply.message === "" ? reply.code : `${reply.code} ${reply.message}`;
}
