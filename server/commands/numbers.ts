/**
 * Numbers as Redis reads and writes them: 64-bit integers with `string2ll`'s
 * strict grammar, and the x87 80-bit `long double` arithmetic of INCRBYFLOAT
 * and HINCRBYFLOAT (`strtold`, `+`, `printf("%.17Lf")` then trailing zeros
 * trimmed), emulated exactly with `bigint`s so that replies match Redis's
 * digit for digit (`10.5 + 0.1` is `10.6` in Redis, not `10.59999999999999964`).
 *
 * Numbers are read from and written to byte strings of ASCII digits.
 *
 * @module
 */

import {
  INT64_MAX,
  INT64_MIN,
  narrow,
  parseInt64,
  parseSmallInt,
} from "../_util/int64.ts";

export { INT64_MAX, INT64_MIN, narrow, parseInt64, parseSmallInt };

/**
 * Adds two int64s, as INCRBY does.
 *
 * @param a An int64.
 * @param b An int64.
 * @returns The sum (a `bigint` only outside the safe range), or `undefined`
 * when it overflows int64.
 *
 * @example Add near the limit
 * ```ts
 * import { addInt64 } from "./numbers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(addInt64(9223372036854775806n, 1), 9223372036854775807n);
 * assert.equal(addInt64(9223372036854775807n, 1), undefined);
 * ```
 */
export function addInt64(
  a: number | bigint,
  b: number | bigint,
): number | bigint | undefined {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = BigInt(a) + BigInt(b);
  if (sum > INT64_MAX || sum < INT64_MIN) return undefined;
  return narrow(sum);
}

// ---------------------------------------------------------------------------
// x87 extended precision: 64-bit significand (explicit integer bit), 15-bit
// exponent. A finite value is (-1)^neg × mant × 2^exp with mant < 2^64.

/** Exponent of the last significand bit of the smallest subnormal (2^-16445). */
const EXP_MIN = -16445;
/** Exponent of the last significand bit of the largest finite value. */
const EXP_MAX = 16320;
const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

/** A `long double` value. */
export type LongDouble =
  | {
    /** Discriminant. */
    readonly kind: "finite";
    /** Sign. */
    readonly neg: boolean;
    /** Significand, 0 ≤ mant < 2^64 (0 is zero). */
    readonly mant: bigint;
    /** Binary exponent of the significand's last bit. */
    readonly exp: number;
  }
  | {
    /** Discriminant. */
    readonly kind: "inf";
    /** Sign. */
    readonly neg: boolean;
  }
  | {
    /** Discriminant. */
    readonly kind: "nan";
  };

const NAN: LongDouble = Object.freeze({ kind: "nan" });

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * Rounds the exact value num / den × 2^binExp (num ≥ 0, den > 0) to the
 * nearest long double, ties to even, with subnormals and overflow to
 * infinity, as x87 hardware and glibc's strtold do.
 */
function round(
  neg: boolean,
  num: bigint,
  den: bigint,
  binExp: number,
): LongDouble {
  if (num === 0n) return { kind: "finite", neg, mant: 0n, exp: 0 };
  // value ≈ 2^(bits) with bits = bitLength(num) - bitLength(den) + binExp
  let e = bitLength(num) - bitLength(den) + binExp - 64;
  for (;;) {
    if (e < EXP_MIN) e = EXP_MIN;
    const shift = binExp - e;
    const n = shift >= 0 ? num << BigInt(shift) : num;
    const d = shift >= 0 ? den : den << BigInt(-shift);
    let q = n / d;
    if (q >= TWO_64) {
      e++;
      continue;
    }
    if (q < TWO_63 && e > EXP_MIN) {
      e--;
      continue;
    }
    const r2 = (n - q * d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    if (q === TWO_64) {
      q = TWO_63;
      e++;
    }
    if (e > EXP_MAX) return { kind: "inf", neg };
    return { kind: "finite", neg, mant: q, exp: e };
  }
}

/** Reads decimal digits at `i` as an exponent, saturating at ±1e9. */
function readExponent(
  s: string,
  i: number,
): { value: number; next: number } | undefined {
  let sign = 1;
  const c = s.charCodeAt(i);
  if (c === 0x2b || c === 0x2d) {
    if (c === 0x2d) sign = -1;
    i++;
  }
  const start = i;
  let v = 0;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    if (v < 1e9) v = v * 10 + d;
  }
  if (i === start) return undefined;
  return { value: sign * v, next: i };
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are not floats. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const INF_WORDS = ["inf", "infinity"];

/**
 * Parses a `long double` with Redis's `string2ld` rules (glibc `strtold` in
 * the C locale, the whole string consumed, no leading space, no NaN, and
 * overflow or underflow to zero refused): decimal (`1.5`, `.5`, `5.`,
 * `1e-3`), hexadecimal (`0x1.8p3`) and `inf`/`infinity` in any case, with an
 * optional sign.
 *
 * @param s A byte string.
 * @returns The value, or `undefined` when `s` is not a valid float.
 *
 * @example Parse floats
 * ```ts
 * import { formatLongDouble, parseLongDouble } from "./numbers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatLongDouble(parseLongDouble("0x1p-3")!), "0.125");
 * assert.equal(parseLongDouble("1e5000"), undefined);
 * assert.equal(parseLongDouble("nan"), undefined);
 * ```
 */
export function parseLongDouble(s: string): LongDouble | undefined {
  const n = s.length;
  if (n === 0 || n >= MAX_LONG_DOUBLE_CHARS) return undefined;
  let i = 0;
  let neg = false;
  let c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) {
    neg = c === 0x2d;
    i = 1;
  }
  c = s.charCodeAt(i) | 0x20;
  if (c === 0x69) { // 'i'
    const word = s.slice(i).toLowerCase();
    return INF_WORDS.includes(word) ? { kind: "inf", neg } : undefined;
  }
  if (
    s.charCodeAt(i) === 0x30 && (s.charCodeAt(i + 1) | 0x20) === 0x78 &&
    (hexDigit(s.charCodeAt(i + 2)) >= 0 ||
      (s.charCodeAt(i + 2) === 0x2e && hexDigit(s.charCodeAt(i + 3)) >= 0))
  ) {
    return parseHex(s, i + 2, neg);
  }
  return parseDecimal(s, i, neg);
}

function parseDecimal(
  s: string,
  i: number,
  neg: boolean,
): LongDouble | undefined {
  const n = s.length;
  let digits = "";
  let fraction = 0;
  let seenDigit = false;
  let seenDot = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      seenDigit = true;
      if (digits.length > 0 || c !== 0x30) digits += s[i];
      if (seenDot) fraction++;
    } else if (c === 0x2e && !seenDot) {
      seenDot = true;
    } else {
      break;
    }
  }
  if (!seenDigit) return undefined;
  let exp10 = 0;
  if (i < n && (s.charCodeAt(i) | 0x20) === 0x65) {
    const e = readExponent(s, i + 1);
    if (e === undefined) return undefined; // "1e": strtold stops before 'e'
    exp10 = e.value;
    i = e.next;
  }
  if (i !== n) return undefined;
  if (digits.length === 0) return { kind: "finite", neg, mant: 0n, exp: 0 };
  exp10 -= fraction;
  // Magnitude check first, so that no huge power of ten is ever built:
  // the value lies in [10^(mag-1), 10^mag).
  const mag = digits.length + exp10;
  if (mag > 4934) return undefined; // overflow to infinity
  if (mag < -4953) return undefined; // underflow to zero
  const d = BigInt(digits);
  const v = exp10 >= 0
    ? round(neg, d * 10n ** BigInt(exp10), 1n, 0)
    : round(neg, d, 10n ** BigInt(-exp10), 0);
  if (v.kind !== "finite" || v.mant === 0n) return undefined;
  return v;
}

function parseHex(s: string, i: number, neg: boolean): LongDouble | undefined {
  const n = s.length;
  let mant = 0n;
  let fraction = 0;
  let seenDot = false;
  let digits = "";
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (hexDigit(c) >= 0) {
      if (digits.length > 0 || c !== 0x30) digits += s[i];
      if (seenDot) fraction++;
    } else if (c === 0x2e && !seenDot) {
      seenDot = true;
    } else {
      break;
    }
  }
  let exp2 = 0;
  if (i < n && (s.charCodeAt(i) | 0x20) === 0x70) { // 'p'
    const e = readExponent(s, i + 1);
    if (e === undefined) return undefined;
    exp2 = e.value;
    i = e.next;
  }
  if (i !== n) return undefined;
  if (digits.length === 0) return { kind: "finite", neg, mant: 0n, exp: 0 };
  mant = BigInt("0x" + digits);
  exp2 -= 4 * fraction;
  const mag = bitLength(mant) + exp2;
  if (mag > 16400) return undefined;
  if (mag < -16500) return undefined;
  const v = round(neg, mant, 1n, exp2);
  if (v.kind !== "finite" || v.mant === 0n) return undefined;
  return v;
}

/**
 * Adds two long doubles, rounding the exact sum once (x87 `fadd` in
 * extended precision, round to nearest even).
 *
 * @param a A value.
 * @param b A value.
 * @returns The sum; infinite or NaN when IEEE arithmetic says so.
 *
 * @example Add
 * ```ts
 * import { addLongDouble, formatLongDouble, parseLongDouble } from "./numbers.ts";
 * import assert from "node:assert/strict";
 *
 * const sum = addLongDouble(parseLongDouble("10.5")!, parseLongDouble("0.1")!);
 * assert.equal(formatLongDouble(sum), "10.6");
 * ```
 */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === "nan" || b.kind === "nan") return NAN;
  if (a.kind === "inf") {
    return b.kind === "inf" && b.neg !== a.neg ? NAN : a;
  }
  if (b.kind === "inf") return b;
  if (a.mant === 0n && b.mant === 0n) {
    return { kind: "finite", neg: a.neg && b.neg, mant: 0n, exp: 0 };
  }
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const av = a.mant << BigInt(a.exp - e);
  const bv = b.mant << BigInt(b.exp - e);
  const sum = (a.neg ? -av : av) + (b.neg ? -bv : bv);
  if (sum === 0n) return { kind: "finite", neg: false, mant: 0n, exp: 0 };
  return sum < 0n ? round(true, -sum, 1n, e) : round(false, sum, 1n, e);
}

const TEN_17 = 10n ** 17n;

/**
 * Formats a finite long double as Redis's `ld2string(..., LD_STR_HUMAN)`:
 * `%.17Lf` (exact decimal expansion rounded to 17 fraction digits, ties to
 * even), trailing zeros and a trailing `.` removed, `-0` written `0`.
 *
 * @param v A finite value.
 * @returns The ASCII text.
 * @throws {RangeError} For an infinite or NaN value.
 *
 * @example Format
 * ```ts
 * import { formatLongDouble, parseLongDouble } from "./numbers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatLongDouble(parseLongDouble("3.0e3")!), "3000");
 * assert.equal(formatLongDouble(parseLongDouble("1.23456789012345678901")!), "1.23456789012345679");
 * ```
 */
export function formatLongDouble(v: LongDouble): string {
  if (v.kind !== "finite") {
    throw new RangeError(`Cannot format a long double: it is ${v.kind}`);
  }
  let intPart: bigint;
  let frac: bigint;
  if (v.exp >= 0) {
    intPart = v.mant << BigInt(v.exp);
    frac = 0n;
  } else {
    const shift = BigInt(-v.exp);
    const scaled = v.mant * TEN_17;
    let q = scaled >> shift;
    const r2 = (scaled - (q << shift)) << 1n;
    const half = 1n << shift;
    if (r2 > half || (r2 === half && (q & 1n) === 1n)) q++;
    intPart = q / TEN_17;
    frac = q % TEN_17;
  }
  let text = intPart.toString();
  if (frac !== 0n) {
    text += "." + frac.toString().padStart(17, "0").replace(/0+$/, "");
  }
  if (v.neg && text !== "0") text = "-" + text;
  return text;
}

/** Why {@linkcode incrByFloat} failed. */
export type IncrByFloatError = "value" | "increment" | "nan";

/**
 * INCRBYFLOAT's arithmetic: parses the current value and the increment,
 * adds them in long double, formats the result.
 *
 * @param current The current value (`undefined` = 0).
 * @param increment The increment.
 * @returns The new value's text, or why it failed: `"value"` (the current
 * value is not a float), `"increment"` (the increment is not), `"nan"` (the
 * result is NaN or infinite).
 *
 * @example Increment
 * ```ts
 * import { incrByFloat } from "./numbers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(incrByFloat("10.5", "0.1"), { value: "10.6" });
 * assert.deepEqual(incrByFloat("abc", "1"), { error: "value" });
 * ```
 */
export function incrByFloat(
  current: string | undefined,
  increment: string,
): { value: string } | { error: IncrByFloatError } {
  const a = current === undefined
    ? { kind: "finite" as const, neg: false, mant: 0n, exp: 0 }
    : parseLongDouble(current);
  if (a === undefined) return { error: "value" };
  const b = parseLongDouble(increment);
  if (b === undefined) return { error: "increment" };
  const sum = addLongDouble(a, b);
  if (sum.kind !== "finite") return { error: "nan" };
  return { value: formatLongDouble(sum) };
}
