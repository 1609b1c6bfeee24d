/**
 * The keyspace's hash of key bytes: MurmurHash3 (x86, 32-bit) with a seed,
 * over a byte string (one char per byte, as handlers see keys) or over bytes
 * in the arena (as defragmentation re-reads a record's key). Both give the
 * same value for the same bytes, so an index slot can be found from either.
 *
 * The seed is chosen at random per node (see {@linkcode randomHashSeed}):
 * a client cannot pick keys that collide in the index (hash flooding).
 *
 * @module
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Hashes a byte string (char codes 0–255).
 *
 * @param s The key.
 * @param seed The node's seed.
 * @returns A 32-bit signed integer.
 *
 * @example The two forms agree
 * ```ts
 * import { hashByteString, hashBytes } from "./key_hash.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([0x6b, 0x65, 0x79, 0xff]);
 * assert.equal(hashByteString("key\xff", 7), hashBytes(bytes, 0, 4, 7));
 * ```
 */
export function hashByteString(s: string, seed: number): number {
  const n = s.length;
  let h = seed | 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    h = mixH(
      h,
      s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) |
        (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24),
    );
  }
  let k = 0;
  switch (n & 3) {
    case 3:
      k ^= s.charCodeAt(i + 2) << 16;
    // falls through
    case 2:
      k ^= s.charCodeAt(i + 1) << 8;
    // falls through
    case 1:
      k ^= s.charCodeAt(i);
      h ^= mixK(k);
  }
  return finish(h, n);
}

/**
 * Hashes bytes.
 *
 * @param b The buffer.
 * @param start Where the key starts.
 * @param n The key's length.
 * @param seed The node's seed.
 * @returns The same value {@linkcode hashByteString} gives for these bytes.
 *
 * @example
 * ```ts
 * import { hashBytes } from "./key_hash.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof hashBytes(new Uint8Array(3), 0, 3, 1), "number");
 * ```
 */
export function hashBytes(
  b: Uint8Array,
  start: number,
  n: number,
  seed: number,
): number {
  let h = seed | 0;
  let i = start;
  const end = start + n;
  for (; i + 4 <= end; i += 4) {
    h = mixH(h, b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
  }
  let k = 0;
  switch (n & 3) {
    case 3:
      k ^= b[i + 2] << 16;
    // falls through
    case 2:
      k ^= b[i + 1] << 8;
    // falls through
    case 1:
      k ^= b[i];
      h ^= mixK(k);
  }
  return finish(h, n);
}

/**
 * A random 32-bit seed from the system's secure generator.
 *
 * @returns The seed.
 *
 * @example
 * ```ts
 * import { randomHashSeed } from "./key_hash.ts";
 * console.log(Number.isInteger(randomHashSeed())); // true
 * ```
 */
export function randomHashSeed(): number {
  return crypto.getRandomValues(new Int32Array(1))[0];
}
