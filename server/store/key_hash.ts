/**
 * The keyspace's hash of key bytes: protocol's MurmurHash3 (x86, 32-bit)
 * with the node's seed, over a byte string (one char per byte, as handlers
 * see keys) or over bytes in the arena (as defragmentation re-reads a
 * record's key). Both give the same value for the same bytes, so an index
 * slot can be found from either.
 *
 * The seed is chosen at random per node (see {@linkcode randomHashSeed}):
 * a client cannot pick keys that collide in the index (hash flooding).
 *
 * @module
 */

import { murmur3ByteString, murmur3Range } from "@cachemir/protocol";

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
  return murmur3ByteString(s, seed) | 0;
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
  return murmur3Range(b, start, start + n, seed) | 0;
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
