/**
 * Key hashing for routing: MurmurHash3 (x86, 32-bit), Redis Cluster hash
 * tags, and the hash every {@linkcode NodeLocator} uses to place a key.
 *
 * A string key is hashed as its UTF-8 bytes, so a string and the bytes it
 * encodes to always go to the same node. Only the hash tag is hashed when the
 * key has one (`{user:1}:a` and `{user:1}:b` hash alike), exactly as Redis
 * Cluster picks a key's slot.
 *
 * @module
 */

import {
  fmix32,
  murmur3Mix,
  murmur3Range,
  murmur3Scramble,
} from "@cachemir/protocol";

/** A key as the client accepts it: text (hashed as UTF-8) or raw bytes. */
export type Key = string | Uint8Array;

export { fmix32 };

const utf8 = new TextEncoder();
/** Reused for non-ASCII text up to this many bytes; longer text gets its own buffer. */
const SCRATCH_LIMIT = 64 * 1024;
let scratch = new Uint8Array(256);

/** MurmurHash3_x86_32 of the UTF-8 bytes of `s.slice(start, end)`, through a buffer. */
function murmurUtf8Encoded(
  s: string,
  start: number,
  end: number,
  seed: number,
): number {
  const text = start === 0 && end === s.length ? s : s.slice(start, end);
  // Each UTF-16 code unit becomes at most 3 bytes (a surrogate pair, 2 units, becomes 4).
  const need = text.length * 3;
  let buf = scratch;
  if (buf.length < need) {
    buf = new Uint8Array(need);
    if (need <= SCRATCH_LIMIT) scratch = buf;
  }
  const { written } = utf8.encodeInto(text, buf);
  return murmur3Range(buf, 0, written, seed);
}

/**
 * MurmurHash3_x86_32 of the UTF-8 bytes of `s.slice(start, end)`. ASCII text
 * (the common case for keys) is hashed straight from its char codes with no
 * allocation; other text is encoded first.
 */
function murmurStringRange(
  s: string,
  start: number,
  end: number,
  seed: number,
): number {
  let h = seed | 0;
  const len = end - start;
  const blockEnd = start + (len & ~3);
  let i = start;
  for (; i < blockEnd; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 0x7f) {
      return murmurUtf8Encoded(s, start, end, seed);
    }
    h = murmur3Mix(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  const rest = len & 3;
  if (rest !== 0) {
    const c0 = s.charCodeAt(i);
    const c1 = rest > 1 ? s.charCodeAt(i + 1) : 0;
    const c2 = rest > 2 ? s.charCodeAt(i + 2) : 0;
    if ((c0 | c1 | c2) > 0x7f) return murmurUtf8Encoded(s, start, end, seed);
    h ^= murmur3Scramble(c0 | (c1 << 8) | (c2 << 16));
  }
  return fmix32(h ^ len);
}

/**
 * MurmurHash3_x86_32 (Austin Appleby's SMHasher reference, "Murmur3A") of a
 * byte array.
 *
 * @param data The bytes to hash.
 * @param seed The seed; only its low 32 bits count.
 * @default {0} seed
 * @returns The hash, an unsigned 32-bit integer.
 *
 * @example Hash bytes
 * ```ts
 * import { murmurHash3 } from "@cachemir/client/hash";
 * const h = murmurHash3(new TextEncoder().encode("Hello, world!"), 0x9747b28c);
 * console.log(h.toString(16)); // "24884cba"
 * ```
 */
export function murmurHash3(data: Uint8Array, seed = 0): number {
  return murmur3Range(data, 0, data.length, seed);
}

/**
 * MurmurHash3_x86_32 of the UTF-8 encoding of a string, computed without
 * allocating for ASCII text. Lone surrogates encode as U+FFFD, as
 * `TextEncoder` does.
 *
 * @param text The string to hash.
 * @param seed The seed; only its low 32 bits count.
 * @default {0} seed
 * @returns The hash, equal to `murmurHash3(new TextEncoder().encode(text), seed)`.
 *
 * @example Strings hash as their UTF-8 bytes
 * ```ts
 * import { murmurHash3, murmurHash3String } from "@cachemir/client/hash";
 * const text = "héllo";
 * const bytes = new TextEncoder().encode(text);
 * console.log(murmurHash3String(text) === murmurHash3(bytes)); // true
 * ```
 */
export function murmurHash3String(text: string, seed = 0): number {
  return murmurStringRange(text, 0, text.length, seed);
}

/**
 * The part of a key that decides where it lives, by Redis Cluster's rule: if
 * the key has a `{`, and a `}` somewhere after the first `{`, and at least one
 * character between them, only the characters between that first `{` and the
 * first `}` after it count; otherwise the whole key does.
 *
 * For a `Uint8Array` the result is a view (`subarray`) of the key, not a copy.
 *
 * @param key The key.
 * @returns The hash tag, or the whole key when it has none.
 *
 * @example Keys with the same tag hash alike
 * ```ts
 * import { hashSlotKey } from "@cachemir/client/hash";
 * console.log(hashSlotKey("{user1000}.following")); // "user1000"
 * console.log(hashSlotKey("foo{}{bar}")); // "foo{}{bar}"
 * console.log(hashSlotKey("foo{{bar}}zap")); // "{bar"
 * console.log(hashSlotKey("foo{bar}{zap}")); // "bar"
 * ```
 */
export function hashSlotKey(key: string): string;
/**
 * The hash tag of a byte key (a view into it), or the key itself when it has none.
 *
 * @param key The key.
 * @returns The hash tag as a `subarray` of `key`, or `key`.
 *
 * @example A byte key's tag
 * ```ts
 * import { hashSlotKey } from "@cachemir/client/hash";
 * const tag = hashSlotKey(new TextEncoder().encode("{a}b"));
 * console.log(new TextDecoder().decode(tag)); // "a"
 * ```
 */
export function hashSlotKey(key: Uint8Array): Uint8Array;
/**
 * The hash tag of a key, or the key itself when it has none.
 *
 * @param key The key.
 * @returns The tag, of the same type as the key.
 *
 * @example Either kind of key
 * ```ts
 * import { hashSlotKey } from "@cachemir/client/hash";
 * import { type Key } from "@cachemir/client";
 * const key: Key = "{x}y";
 * console.log(hashSlotKey(key)); // "x"
 * ```
 */
export function hashSlotKey(key: Key): Key;
export function hashSlotKey(key: Key): Key {
  if (typeof key === "string") {
    const open = key.indexOf("{");
    if (open === -1) return key;
    const close = key.indexOf("}", open + 1);
    return close > open + 1 ? key.slice(open + 1, close) : key;
  }
  const open = key.indexOf(0x7b);
  if (open === -1) return key;
  const close = key.indexOf(0x7d, open + 1);
  return close > open + 1 ? key.subarray(open + 1, close) : key;
}

/**
 * The 32-bit routing hash of a key: MurmurHash3_x86_32 (seed 0) of the UTF-8
 * bytes of its {@linkcode hashSlotKey}. Every locator places keys with it, so
 * all clients agree; it does not allocate for ASCII strings or for bytes.
 *
 * @param key A string (hashed as UTF-8) or bytes.
 * @returns An unsigned 32-bit integer.
 * @throws {TypeError} If `key` is neither a string nor a `Uint8Array`.
 *
 * @example Tagged keys and their bytes hash alike
 * ```ts
 * import { keyHash } from "@cachemir/client/hash";
 * console.log(keyHash("{user:1}:a") === keyHash("{user:1}:b")); // true
 * console.log(keyHash("ключ") === keyHash(new TextEncoder().encode("ключ"))); // true
 * ```
 */
export function keyHash(key: Key): number {
  if (typeof key === "string") return stringKeyHash(key);
  if (key instanceof Uint8Array) return bytesKeyHash(key);
  throw new TypeError(
    `Cannot hash key: expected a string or Uint8Array, got ${
      key === null ? "null" : typeof key
    }`,
  );
}

/**
 * {@linkcode keyHash} of a string. One pass for ASCII keys without `{` (the
 * common case): hashing stops for the general path at the first `{` or
 * non-ASCII character.
 */
function stringKeyHash(s: string): number {
  let h = 0;
  const len = s.length;
  const blockEnd = len & ~3;
  let i = 0;
  for (; i < blockEnd; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    if (
      (c0 | c1 | c2 | c3) > 0x7f ||
      c0 === 0x7b || c1 === 0x7b || c2 === 0x7b || c3 === 0x7b
    ) {
      return taggedStringHash(s);
    }
    h = murmur3Mix(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  const rest = len & 3;
  if (rest !== 0) {
    const c0 = s.charCodeAt(i);
    const c1 = rest > 1 ? s.charCodeAt(i + 1) : 0;
    const c2 = rest > 2 ? s.charCodeAt(i + 2) : 0;
    if ((c0 | c1 | c2) > 0x7f || c0 === 0x7b || c1 === 0x7b || c2 === 0x7b) {
      return taggedStringHash(s);
    }
    h ^= murmur3Scramble(c0 | (c1 << 8) | (c2 << 16));
  }
  return fmix32(h ^ len);
}

/** {@linkcode keyHash} of a string that may have a hash tag or non-ASCII text. */
function taggedStringHash(s: string): number {
  const open = s.indexOf("{");
  if (open !== -1) {
    const close = s.indexOf("}", open + 1);
    if (close > open + 1) return murmurStringRange(s, open + 1, close, 0);
  }
  return murmurStringRange(s, 0, s.length, 0);
}

/** {@linkcode keyHash} of bytes: one pass unless the key has a `{`. */
function bytesKeyHash(data: Uint8Array): number {
  let h = 0;
  const len = data.length;
  const blockEnd = len & ~3;
  let i = 0;
  for (; i < blockEnd; i += 4) {
    const b0 = data[i];
    const b1 = data[i + 1];
    const b2 = data[i + 2];
    const b3 = data[i + 3];
    if (b0 === 0x7b || b1 === 0x7b || b2 === 0x7b || b3 === 0x7b) {
      return taggedBytesHash(data, i);
    }
    h = murmur3Mix(h, b0 | (b1 << 8) | (b2 << 16) | (b3 << 24));
  }
  for (let j = i; j < len; j++) {
    if (data[j] === 0x7b) return taggedBytesHash(data, j);
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

/** {@linkcode keyHash} of bytes with a `{` at or after `from` and none before. */
function taggedBytesHash(data: Uint8Array, from: number): number {
  const len = data.length;
  let open = from;
  while (data[open] !== 0x7b) open++;
  for (let close = open + 1; close < len; close++) {
    if (data[close] === 0x7d) {
      return close > open + 1
        ? murmur3Range(data, open + 1, close, 0)
        : murmur3Range(data, 0, len, 0);
    }
  }
  return murmur3Range(data, 0, len, 0);
}
