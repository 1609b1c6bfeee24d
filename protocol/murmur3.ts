/**
 * MurmurHash3 (x86, 32-bit; Austin Appleby's SMHasher reference, "Murmur3A"):
 * the one implementation the client (key routing) and the node (its
 * keyspace index) share.
 *
 * @module
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * Scrambles one 4-byte block (or the tail) before it is mixed into the state.
 *
 * @param k The block, little-endian.
 * @returns The scrambled block.
 *
 * @example
 * ```ts
 * import { murmur3Scramble } from "@cachemir/protocol";
 * console.log(murmur3Scramble(0)); // 0
 * ```
 */
export function murmur3Scramble(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/**
 * Mixes one 4-byte block into the state.
 *
 * @param h The state.
 * @param k The block, little-endian.
 * @returns The new state.
 *
 * @example
 * ```ts
 * import { murmur3Mix } from "@cachemir/protocol";
 * console.log(typeof murmur3Mix(0, 0x64636261)); // "number"
 * ```
 */
export function murmur3Mix(h: number, k: number): number {
  h ^= murmur3Scramble(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * MurmurHash3's finalizer: a bijection on 32-bit integers in which every
 * input bit affects every output bit.
 *
 * @param h A 32-bit integer (signed or unsigned; only the low 32 bits count).
 * @returns The mixed value, an unsigned 32-bit integer.
 *
 * @example Mix a counter into a well-spread value
 * ```ts
 * import { fmix32 } from "@cachemir/protocol";
 * console.log(fmix32(0)); // 0
 * console.log(fmix32(1) === fmix32(1)); // true
 * ```
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MurmurHash3_x86_32 of `data[start..end)`.
 *
 * @param data The bytes.
 * @param start Where to start.
 * @param end Where to stop (exclusive).
 * @param seed The seed; only its low 32 bits count.
 * @returns The hash, an unsigned 32-bit integer.
 *
 * @example Hash bytes
 * ```ts
 * import { murmur3Range } from "@cachemir/protocol";
 * const data = new TextEncoder().encode("Hello, world!");
 * console.log(murmur3Range(data, 0, data.length, 0x9747b28c).toString(16)); // "24884cba"
 * ```
 */
export function murmur3Range(
  data: Uint8Array,
  start: number,
  end: number,
  seed: number,
): number {
  let h = seed | 0;
  const len = end - start;
  const blockEnd = start + (len & ~3);
  let i = start;
  for (; i < blockEnd; i += 4) {
    h = murmur3Mix(
      h,
      data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24),
    );
  }
  const rest = len & 3;
  if (rest !== 0) {
    let k = data[i];
    if (rest > 1) k |= data[i + 1] << 8;
    if (rest > 2) k |= data[i + 2] << 16;
    h ^= murmur3Scramble(k);
  }
  return fmix32(h ^ len);
}

/**
 * MurmurHash3_x86_32 of a byte string (one char per byte, codes 0–255, as
 * the node decodes arguments): equal to {@linkcode murmur3Range} over the
 * same bytes, with no copy.
 *
 * @param s The byte string.
 * @param seed The seed; only its low 32 bits count.
 * @returns The hash, an unsigned 32-bit integer.
 *
 * @example The two forms agree
 * ```ts
 * import { murmur3ByteString, murmur3Range } from "@cachemir/protocol";
 * const bytes = new Uint8Array([0x6b, 0x65, 0x79, 0xff]);
 * console.log(murmur3ByteString("key\xff", 7) === murmur3Range(bytes, 0, 4, 7)); // true
 * ```
 */
export function murmur3ByteString(s: string, seed: number): number {
  const len = s.length;
  let h = seed | 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    h = murmur3Mix(
      h,
      s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) |
        (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24),
    );
  }
  const rest = len & 3;
  if (rest !== 0) {
    let k = s.charCodeAt(i);
    if (rest > 1) k |= s.charCodeAt(i + 1) << 8;
    if (rest > 2) k |= s.charCodeAt(i + 2) << 16;
    h ^= murmur3Scramble(k);
  }
  return fmix32(h ^ len);
}
