/**
 * Conversions between bytes and strings.
 *
 * A *byte string* holds one byte per UTF-16 code unit (char codes 0–255, the
 * "latin1" identity mapping). The node keeps keys and values as byte strings
 * because V8 stores them compactly and compares and hashes them natively; the
 * network edges convert. Note that `TextDecoder("latin1")` is *not* an
 * identity mapping (WHATWG maps it to windows-1252), hence these functions.
 *
 * @module
 */

import { Buffer } from "node:buffer";

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

// Node's native latin1 slice accepts any Uint8Array as `this`; it is ~15x
// faster than String.fromCharCode for long inputs. Fall back if it is missing.
const nativeLatin1Slice: Latin1Slice | undefined =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;

const utf8Encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is part of the text, not a marker to drop.
const utf8Decoder = new TextDecoder("utf-8", {
  fatal: false,
  ignoreBOM: true,
});
const CHUNK = 8192;
const fromCharCode = String.fromCharCode;

// Short strings (keys, command names, numbers) are made in JS: the native
// slice costs a call into the runtime, ~60 ns whatever the length. Measured
// per string: up to 8 bytes, appending char by char (~20 ns); up to 24,
// `fromCharCode` over a reused array (16 bytes: 47 ns against 60 ns).
const CONCAT_MAX = 8;
const SCRATCH_MAX = 24;
const scratch: number[][] = Array.from(
  { length: SCRATCH_MAX + 1 },
  (_, n) => new Array<number>(n).fill(0),
);

/**
 * Converts bytes to a byte string.
 *
 * @param bytes The source.
 * @param start First byte to convert.
 * @param end One past the last byte to convert.
 * @returns A string with one char (code 0–255) per byte.
 *
 * @example Round trip of arbitrary bytes
 * ```ts
 * import { fromByteString, toByteString } from "@cachemir/protocol";
 * const s = toByteString(new Uint8Array([0, 255, 128]));
 * console.log(s.length, s.charCodeAt(1)); // 3 255
 * console.log(fromByteString(s)); // Uint8Array(3) [ 0, 255, 128 ]
 * ```
 */
export function toByteString(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): string {
  const n = end - start;
  if (n <= CONCAT_MAX) {
    let s = "";
    for (let i = start; i < end; i++) s += fromCharCode(bytes[i]);
    return s;
  }
  if (n <= SCRATCH_MAX) {
    const codes = scratch[n];
    for (let i = 0; i < n; i++) codes[i] = bytes[start + i];
    return fromCharCode.apply(null, codes);
  }
  if (nativeLatin1Slice !== undefined) {
    return nativeLatin1Slice.call(bytes, start, end);
  }
  let out = "";
  for (let i = start; i < end; i += CHUNK) {
    const part = bytes.subarray(i, Math.min(end, i + CHUNK));
    out += fromCharCode.apply(null, part as unknown as number[]);
  }
  return out;
}

/**
 * Writes a byte string's bytes into `buf` at `pos`; the caller has made room
 * for `s.length` bytes. Chars above 255 are truncated to their low byte.
 *
 * @param buf The destination.
 * @param pos Where to write.
 * @param s The byte string.
 * @returns The position after the last byte written.
 *
 * @example
 * ```ts
 * import { writeByteString } from "@cachemir/protocol";
 * const buf = new Uint8Array(4);
 * console.log(writeByteString(buf, 1, "\xff\x00")); // 3
 * ```
 */
export function writeByteString(
  buf: Uint8Array,
  pos: number,
  s: string,
): number {
  const n = s.length;
  if (n > 32) {
    // A pure ASCII string encodes to exactly one byte per char in UTF-8,
    // which TextEncoder writes natively: try that first.
    const r = utf8Encoder.encodeInto(s, buf.subarray(pos, pos + n));
    if (r.read === n && r.written === n) return pos + n;
  }
  for (let i = 0; i < n; i++) buf[pos + i] = s.charCodeAt(i);
  return pos + n;
}

/**
 * Converts a byte string to bytes.
 *
 * @param s A string of chars 0–255.
 * @returns A new array, one byte per char.
 *
 * @example
 * ```ts
 * import { fromByteString } from "@cachemir/protocol";
 * console.log(fromByteString("\x00\xff")); // Uint8Array(2) [ 0, 255 ]
 * ```
 */
export function fromByteString(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  writeByteString(out, 0, s);
  return out;
}

/**
 * Encodes text as UTF-8.
 *
 * @param s Any string.
 * @returns Its UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { encodeUtf8 } from "@cachemir/protocol";
 * console.log(encodeUtf8("é")); // Uint8Array(2) [ 195, 169 ]
 * ```
 */
export function encodeUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/**
 * Decodes UTF-8 bytes as text; invalid sequences become U+FFFD.
 *
 * @param bytes UTF-8 bytes.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from "@cachemir/protocol";
 * console.log(decodeUtf8(new Uint8Array([104, 105]))); // "hi"
 * ```
 */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/**
 * Writes text as UTF-8 into `buf` at `pos`; the caller has made room for
 * `3 * s.length` bytes.
 *
 * @param buf The destination.
 * @param pos Where to write.
 * @param s Any string.
 * @returns The position after the last byte written.
 *
 * @example
 * ```ts
 * import { writeUtf8 } from "@cachemir/protocol";
 * console.log(writeUtf8(new Uint8Array(8), 0, "é")); // 2
 * ```
 */
export function writeUtf8(buf: Uint8Array, pos: number, s: string): number {
  if (s.length < 16) {
    // Short ASCII strings are common (keys, numbers); skip the native call.
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[pos + i] = c;
    }
    if (i === s.length) return pos + i;
  }
  return pos + utf8Encoder.encodeInto(s, buf.subarray(pos)).written;
}
