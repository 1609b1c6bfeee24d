/**
 * 64-bit integers as Redis reads them (`string2ll`'s strict grammar), from
 * byte strings and from bytes in place; shared by the RESP decoder and the
 * number commands.
 *
 * @module
 */

/** Largest int64. */
export const INT64_MAX: bigint = 9223372036854775807n;
/** Smallest int64. */
export const INT64_MIN: bigint = -9223372036854775808n;

const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Makes a `bigint` a `number` when it is a safe integer (the form
 * {@linkcode IntReply} values take).
 *
 * @param v The integer.
 * @returns `v` as a number when |v| ≤ 2^53 − 1, else `v`.
 *
 * @example Narrow an integer
 * ```ts
 * import { narrow } from "./int64.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(narrow(5n), 5);
 * assert.equal(narrow(2n ** 60n), 2n ** 60n);
 * ```
 */
export function narrow(v: number | bigint): number | bigint {
  if (typeof v === "number") return v;
  return v <= MAX_SAFE_N && v >= -MAX_SAFE_N ? Number(v) : v;
}

/**
 * Parses a signed 64-bit integer with Redis's `string2ll` rules: optional
 * `-`, no `+`, no spaces, no leading zeros (`"0"` alone is fine, `"-0"` is
 * not), at most 20 bytes, within int64.
 *
 * @param s A byte string.
 * @returns The integer (a `bigint` only outside the safe range), or
 * `undefined` when `s` is not one.
 *
 * @example Parse integers
 * ```ts
 * import { parseInt64 } from "./int64.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseInt64("-42"), -42);
 * assert.equal(parseInt64("9223372036854775807"), 9223372036854775807n);
 * assert.equal(parseInt64("007"), undefined);
 * assert.equal(parseInt64("9223372036854775808"), undefined);
 * ```
 */
export function parseInt64(s: string): number | bigint | undefined {
  const n = s.length;
  if (n === 0 || n > 20) return undefined;
  let i = 0;
  let c = s.charCodeAt(0);
  const negative = c === 0x2d;
  if (negative) {
    if (n === 1) return undefined;
    i = 1;
    c = s.charCodeAt(1);
  }
  if (c < 0x31 || c > 0x39) {
    return c === 0x30 && n === 1 ? 0 : undefined;
  }
  if (n - i <= 15) {
    let v = 0;
    for (; i < n; i++) {
      c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return undefined;
      v = v * 10 + (c - 0x30);
    }
    return negative ? -v : v;
  }
  for (let j = i; j < n; j++) {
    c = s.charCodeAt(j);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const v = BigInt(s);
  if (v > INT64_MAX || v < INT64_MIN) return undefined;
  return narrow(v);
}

/**
 * Parses bytes in place as {@linkcode parseInt64} parses a string, for
 * integers of at most 15 bytes (sign included): those are safe integers,
 * and nothing is allocated.
 *
 * @param bytes The buffer.
 * @param from Where the text starts.
 * @param to Where it ends.
 * @returns The integer, or `NaN` when the text is not one or is longer
 * than 15 bytes (then parse it as a string).
 *
 * @example
 * ```ts
 * import { parseSmallInt } from "./int64.ts";
 * import assert from "node:assert/strict";
 *
 * const text = new TextEncoder().encode("n=-42 m=007");
 * assert.equal(parseSmallInt(text, 2, 5), -42);
 * assert.ok(Number.isNaN(parseSmallInt(text, 8, 11)));
 * ```
 */
export function parseSmallInt(
  bytes: Uint8Array,
  from: number,
  to: number,
): number {
  const n = to - from;
  if (n <= 0 || n > 15) return NaN;
  let i = from;
  const negative = bytes[i] === 0x2d;
  if (negative) i++;
  if (i === to) return NaN;
  const first = bytes[i];
  if (first === 0x30) return i + 1 === to && !negative ? 0 : NaN;
  if (first < 0x31 || first > 0x39) return NaN;
  let v = 0;
  for (; i < to; i++) {
    const d = bytes[i] - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}
