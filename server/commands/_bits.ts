/**
 * Bit arithmetic over byte strings, for the bit commands (SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITFIELD): counting and finding bits in a range,
 * reading and writing an integer of 1 to 64 bits at any bit offset, and
 * BITFIELD's overflow rules. Bit 0 is the most significant bit of byte 0,
 * as in Redis.
 *
 * Ranges are given as a buffer, the byte where the string starts in it,
 * and bit positions relative to that start; nothing here allocates but the
 * bigints of {@linkcode readBits}.
 *
 * @module
 */

/** The number of set bits of each byte value. */
const POPCOUNT: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >> 1];
  return t;
})();

/**
 * Counts the set bits of bits `[from, to]` (inclusive) of a string.
 *
 * @param b The buffer.
 * @param base Where the string starts in `b`.
 * @param from The first bit, `>= 0`.
 * @param to The last bit, `>= from`, within the string.
 * @returns How many of those bits are 1.
 *
 * @example
 * ```ts
 * import { countBits } from "./_bits.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(countBits(new Uint8Array([0xff, 0x0f]), 0, 4, 11), 4);
 * ```
 */
export function countBits(
  b: Uint8Array,
  base: number,
  from: number,
  to: number,
): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  const headMask = 0xff >> (from % 8);
  const tailMask = (0xff << (7 - (to % 8))) & 0xff;
  if (first === last) return POPCOUNT[b[base + first] & headMask & tailMask];
  return POPCOUNT[b[base + first] & headMask] +
    POPCOUNT[b[base + last] & tailMask] +
    popcount(b, base + first + 1, base + last);
}

/** Below this many bytes, counting a byte at a time is as fast. */
const WORDS_FROM = 64;

/** The set bits of bytes `[from, to)`: 32 bits at a time where aligned. */
function popcount(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  let i = from;
  if (to - from >= WORDS_FROM) {
    // Bytes up to a 4-byte boundary of the underlying buffer, then words.
    while (((b.byteOffset + i) & 3) !== 0) n += POPCOUNT[b[i++]];
    const words = (to - i) >> 2;
    const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
    for (let j = 0; j < words; j++) {
      let x = w[j];
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      n += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    i += words << 2;
  }
  for (; i < to; i++) n += POPCOUNT[b[i]];
  return n;
}

/**
 * Finds the first bit equal to `bit` among bits `[from, to]` (inclusive)
 * of a string.
 *
 * @param b The buffer.
 * @param base Where the string starts in `b`.
 * @param from The first bit, `>= 0`.
 * @param to The last bit, `>= from`, within the string.
 * @param bit 0 or 1.
 * @returns The bit's position from the string's start, or -1.
 *
 * @example
 * ```ts
 * import { findBit } from "./_bits.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(findBit(new Uint8Array([0xff, 0xf0]), 0, 0, 15, 0), 12);
 * assert.equal(findBit(new Uint8Array([0xff, 0xf0]), 0, 0, 15, 1), 0);
 * ```
 */
export function findBit(
  b: Uint8Array,
  base: number,
  from: number,
  to: number,
  bit: 0 | 1,
): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  const flip = bit === 1 ? 0 : 0xff;
  // The first and last bytes, masked to the range; the bytes between,
  // skipped 4 at a time while they hold no bit sought.
  const head = (b[base + first] ^ flip) & (0xff >> (from % 8)) &
    (first === last ? (0xff << (7 - (to % 8))) & 0xff : 0xff);
  if (head !== 0) return first * 8 + Math.clz32(head) - 24;
  if (first === last) return -1;
  let i = base + first + 1;
  const end = base + last;
  if (end - i >= WORDS_FROM) {
    while (((b.byteOffset + i) & 3) !== 0 && (b[i] ^ flip) === 0) i++;
    if (((b.byteOffset + i) & 3) === 0) {
      const skip = bit === 1 ? 0 : 0xffffffff;
      const words = (end - i) >> 2;
      const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
      let j = 0;
      while (j < words && w[j] === skip) j++;
      i += j << 2;
    }
  }
  for (; i < end; i++) {
    const v = b[i] ^ flip;
    if (v !== 0) return (i - base) * 8 + Math.clz32(v) - 24;
  }
  const tail = (b[end] ^ flip) & (0xff << (7 - (to % 8))) & 0xff;
  return tail !== 0 ? last * 8 + Math.clz32(tail) - 24 : -1;
}

/**
 * Reads `bits` bits from bit `offset` of a string as an unsigned integer;
 * bits past the string's end read as 0.
 *
 * @param b The buffer.
 * @param base Where the string starts in `b`.
 * @param length The string's length in bytes.
 * @param offset The first bit.
 * @param bits 1 to 64.
 * @returns The bits, most significant first.
 *
 * @example
 * ```ts
 * import { readBits } from "./_bits.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(readBits(new Uint8Array([0x12, 0x34]), 0, 2, 4, 8), 0x23n);
 * assert.equal(readBits(new Uint8Array([0x12]), 0, 1, 4, 8), 0x20n);
 * ```
 */
export function readBits(
  b: Uint8Array,
  base: number,
  length: number,
  offset: number,
  bits: number,
): bigint {
  const first = Math.floor(offset / 8);
  const end = offset + bits; // the bit after the last
  const last = Math.floor((end - 1) / 8);
  const below = (8 - (end % 8)) % 8;
  if (bits <= NUMBER_BITS) {
    // The field and the bits after it in its last byte: at most 53 bits,
    // exact as a number (the first byte's bits before the field left out).
    let v = first < length ? b[base + first] & (0xff >> (offset % 8)) : 0;
    for (let i = first + 1; i <= last; i++) {
      v = v * 256 + (i < length ? b[base + i] : 0);
    }
    return BigInt(Math.floor(v / 2 ** below) % 2 ** bits);
  }
  let v = 0n;
  for (let i = first; i <= last; i++) {
    v = (v << 8n) | BigInt(i < length ? b[base + i] : 0);
  }
  return BigInt.asUintN(bits, v >> BigInt(below));
}

/**
 * Writes the low `bits` bits of `value` at bit `offset` of a string, which
 * must be long enough.
 *
 * @param b The buffer.
 * @param base Where the string starts in `b`.
 * @param offset The first bit.
 * @param bits 1 to 64.
 * @param value The value; its bits above `bits` are ignored.
 *
 * @example
 * ```ts
 * import { writeBits } from "./_bits.ts";
 * import assert from "node:assert/strict";
 *
 * const b = new Uint8Array(2);
 * writeBits(b, 0, 4, 8, 0xabn);
 * assert.deepEqual([...b], [0x0a, 0xb0]);
 * ```
 */
export function writeBits(
  b: Uint8Array,
  base: number,
  offset: number,
  bits: number,
  value: bigint,
): void {
  const first = Math.floor(offset / 8);
  const end = offset + bits;
  const last = Math.floor((end - 1) / 8);
  const below = (8 - (end % 8)) % 8;
  // The field's bits and the value, aligned to the last byte's end, are
  // laid into the bytes from the last one back.
  if (bits <= NUMBER_BITS) {
    const scale = 2 ** below;
    let mask = (2 ** bits - 1) * scale;
    let v = Number(BigInt.asUintN(bits, value)) * scale;
    for (let i = base + last; i >= base + first; i--) {
      const m = mask % 256;
      b[i] = (b[i] & ~m) | (v % 256);
      mask = Math.floor(mask / 256);
      v = Math.floor(v / 256);
    }
    return;
  }
  const shift = BigInt(below);
  let mask = ((1n << BigInt(bits)) - 1n) << shift;
  let v = BigInt.asUintN(bits, value) << shift;
  for (let i = base + last; i >= base + first; i--) {
    const m = Number(mask & 0xffn);
    b[i] = (b[i] & ~m) | Number(v & 0xffn);
    mask >>= 8n;
    v >>= 8n;
  }
}

/** Fields this wide or less span at most 7 bytes: numbers hold them exactly. */
const NUMBER_BITS = 46;

/** BITFIELD's OVERFLOW behaviours. */
export type Overflow = "wrap" | "sat" | "fail";

/**
 * The value BITFIELD stores for `value + incr` in a field of `bits` bits
 * (signed or not), under an overflow behaviour; `value` may already be out
 * of the field's range (SET's argument, with `incr` 0).
 *
 * Whether the result overflows is decided as Redis 7.0 decides it, in
 * 64-bit two's complement arithmetic that wraps: so a signed SET of a
 * value so negative that `max − value` wraps counts as an overflow (SAT
 * stores the maximum), as in Redis.
 *
 * @param value The current value (INCRBY) or the value to set (SET): an
 * int64 for a signed field, a uint64 for an unsigned one.
 * @param incr The increment (0 for SET), an int64.
 * @param bits The field's width: 1 to 64 signed, 1 to 63 unsigned.
 * @param signed Whether the field is signed.
 * @param overflow What to do when the result does not fit.
 * @returns The value to store, or `undefined` when it does not fit and
 * `overflow` is `"fail"`.
 *
 * @example
 * ```ts
 * import { fieldValue } from "./_bits.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fieldValue(250n, 10n, 8, false, "wrap"), 4n);
 * assert.equal(fieldValue(250n, 10n, 8, false, "sat"), 255n);
 * assert.equal(fieldValue(250n, 10n, 8, false, "fail"), undefined);
 * assert.equal(fieldValue(100n, 100n, 8, true, "wrap"), -56n);
 * ```
 */
export function fieldValue(
  value: bigint,
  incr: bigint,
  bits: number,
  signed: boolean,
  overflow: Overflow,
): bigint | undefined {
  const b = BigInt(bits);
  let direction = 0; // 1 over, -1 under
  let max: bigint;
  let min: bigint;
  if (signed) {
    max = (1n << (b - 1n)) - 1n;
    min = -max - 1n;
    const maxIncr = BigInt.asIntN(64, max - value);
    const minIncr = BigInt.asIntN(64, min - value);
    if (
      value > max || (bits !== 64 && incr > maxIncr) ||
      (value >= 0n && incr > 0n && incr > maxIncr)
    ) {
      direction = 1;
    } else if (
      value < min || (bits !== 64 && incr < minIncr) ||
      (value < 0n && incr < 0n && incr < minIncr)
    ) {
      direction = -1;
    }
  } else {
    max = (1n << b) - 1n;
    min = 0n;
    const maxIncr = BigInt.asIntN(64, max - value);
    const minIncr = BigInt.asIntN(64, -value);
    if (value > max || (incr > 0n && incr > maxIncr)) direction = 1;
    else if (incr < 0n && incr < minIncr) direction = -1;
  }
  const sum = value + incr;
  if (direction === 0) return signed ? sum : BigInt.asUintN(64, sum);
  if (overflow === "fail") return undefined;
  if (overflow === "sat") return direction > 0 ? max : min;
  return signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum);
}
