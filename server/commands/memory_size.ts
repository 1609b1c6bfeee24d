/**
 * Sizes in bytes as Redis writes them in its configuration (`maxmemory
 * 256mb`), and back as INFO prints them (`256.00M`).
 *
 * @module
 */

/** Redis's size units (`memtoull`): `k` is 1000, `kb` is 1024, and so on. */
const UNITS: Readonly<Record<string, number>> = Object.freeze({
  "": 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 ** 2,
  mb: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1024 ** 3,
});

/**
 * Parses a size as Redis's `memtoull` does: decimal digits followed by an
 * optional unit, `b`, `k` (1000), `kb` (1024), `m`, `mb`, `g` or `gb`, in
 * any case. No sign, no spaces, no fraction. Sizes past 2^53 − 1 bytes
 * are capped there (no memory is that large).
 *
 * As Redis, digits may be absent (`"kb"` and `""` are 0); a command-line
 * flag should check for digits itself.
 *
 * @param text The size, e.g. `"256mb"`.
 * @returns The bytes, or `undefined` when `text` is not a size.
 *
 * @example Parse sizes
 * ```ts
 * import { parseMemorySize } from "./memory_size.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseMemorySize("100"), 100);
 * assert.equal(parseMemorySize("1k"), 1000);
 * assert.equal(parseMemorySize("1KB"), 1024);
 * assert.equal(parseMemorySize("2gb"), 2 * 1024 ** 3);
 * assert.equal(parseMemorySize("1.5mb"), undefined);
 * assert.equal(parseMemorySize("-1"), undefined);
 * ```
 */
export function parseMemorySize(text: string): number | undefined {
  let end = 0;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c < 0x30 || c > 0x39) break;
    end++;
  }
  if (end >= 128) return undefined; // Redis's digit buffer
  const unit = text.slice(end).toLowerCase();
  if (!Object.hasOwn(UNITS, unit)) return undefined;
  const digits = text.slice(0, end);
  if (digits === "") return 0;
  const bytes = BigInt(digits) * BigInt(UNITS[unit]);
  return bytes > BigInt(Number.MAX_SAFE_INTEGER)
    ? Number.MAX_SAFE_INTEGER
    : Number(bytes);
}

/**
 * Formats bytes as Redis's INFO does (`bytesToHuman`): `812B`, `1.50K`,
 * `256.00M`, `17.86G`, `1.00T`, `2.00P`.
 *
 * @param n Bytes.
 * @returns The text.
 *
 * @example Format sizes
 * ```ts
 * import { humanBytes } from "./memory_size.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(humanBytes(812), "812B");
 * assert.equal(humanBytes(256 * 1024 * 1024), "256.00M");
 * ```
 */
export function humanBytes(n: number): string {
  const units = ["B", "K", "M", "G", "T", "P"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n}B` : `${v.toFixed(2)}${units[u]}`;
}
