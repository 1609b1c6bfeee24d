/**
 * What the keyspace can rely on from a collection kept as a JavaScript
 * structure ({@linkcode ByteHash}, {@linkcode ByteList}, {@linkcode ByteSet}):
 * {@linkcode MemoryCounted}, the bytes of V8 heap it holds, so that
 * `used_memory` and `maxmemory` count collections; and the V8 object sizes
 * the collections compute that number from.
 *
 * ## The model
 *
 * Measured on Deno 2.9.6 (V8 without pointer compression: every tagged slot
 * is 8 bytes) with `Deno.memoryUsage().heapUsed` after full GCs; see
 * `collection_memory_bench.ts` for the check of the sums against the heap:
 *
 * | V8 object                         | bytes                               |
 * | --------------------------------- | ----------------------------------- |
 * | object of `f` in-object fields    | 24 + 8 f (†)                        |
 * | `new Array(n)`, n > 0             | 32 (JSArray) + 16 + 8 n (elements)  |
 * | empty array `[]`                  | 32 (its elements are shared)        |
 * | `Map` of `n` entries              | 32 (JSMap) + 40 + 28 C (its table)  |
 * | one-byte string of `n` ≥ 2 chars  | 16 + n, rounded up to 8             |
 * | `""` and 1-char strings           | 0: V8's shared constants            |
 *
 * (†) An instance of a class with private methods has one more field, its
 * private brand. C, the `Map` table's capacity, is taken as
 * max(4, 2^⌈log2 n⌉). Arrays of
 * more than 2^25 slots are built by `push` (see the collections' `#resize`)
 * and may hold up to half again their length in spare capacity, not counted.
 *
 * A `Map`'s table of capacity C holds C/2 buckets and C entries of 3 slots
 * (key, value, chain); it doubles when full, so C is the smallest power of
 * two ≥ n after insertions (it may be larger after many deletes: V8 shrinks
 * it only below C/4).
 *
 * What the model assumes about strings: each stored string is counted as
 * the collection's own (true of strings decoded from requests, each a fresh
 * flat string; a string shared between collections is counted in each).
 * V8 internalizes the string keys of a `Map` (measured: 100 maps of the same
 * 10,000 keys hold one copy of each key), so the fields of hashes and the
 * members of sets past 16 entries, which are keys of their index `Map`, are
 * stored once per distinct value in the whole heap: a field name repeated
 * in many big hashes is counted in each (an overestimate), and an
 * internalized string also takes a slot of V8's string table, which is
 * outside the heap (and not counted).
 *
 * Strings not made flat cost otherwise: a string made by `+` of 13 chars or
 * more is a *cons* string (a 32-byte node over its two halves, measured
 * 96 B for 10 + 10 chars against 40 B flat) until V8 flattens it, which it
 * does when the string is compared or used as a `Map` key; a `slice` of 13
 * chars or more is a *sliced* string that keeps its whole parent alive.
 * Request arguments are decoded flat (`protocol/bytes.ts`).
 *
 * @module
 */

/**
 * A value that knows how many bytes of memory it holds, kept up to date as
 * it changes, so that the keyspace can count it in `used_memory` and
 * compare that with `maxmemory` without walking it: read it before and
 * after a command changes the value and add the difference. An emptied
 * collection reports the same bytes as a new one.
 *
 * @example Sum what some collections hold
 * ```ts
 * import type { MemoryCounted } from "./collection.ts";
 * import { ByteHash } from "./hash.ts";
 * import { ByteList } from "./list.ts";
 * import { ByteSet } from "./set.ts";
 * import assert from "node:assert/strict";
 *
 * const values: MemoryCounted[] = [
 *   ByteHash.from([["field", "value"]]),
 *   ByteList.from(["a", "b"]),
 *   ByteSet.from(["member"]),
 * ];
 * const total = values.reduce((sum, value) => sum + value.memoryBytes, 0);
 * assert.ok(total > 0);
 * ```
 */
export interface MemoryCounted {
  /**
   * An estimate of the bytes of V8 heap the value holds (its objects, its
   * arrays and tables, and the strings stored in it). Reading it is O(1);
   * it is maintained on every change in O(1) (amortized like the change).
   */
  readonly memoryBytes: number;
}

/** Bytes in a V8 tagged slot (no pointer compression in Deno's V8). */
export const WORD_BYTES = 8;

/**
 * V8 heap words (of {@linkcode WORD_BYTES}) of a byte string: a sequential
 * one-byte string of `length` chars costs a 16-byte header plus its chars,
 * rounded up to 8 bytes; `""` and 1-char strings are V8 constants, 0.
 * Collections sum words rather than bytes so the sum stays a small integer
 * (a Smi) up to 8 GiB of strings.
 *
 * @param length The string's length (bytes of a byte string).
 * @returns The words.
 *
 * @example Words of some strings
 * ```ts
 * import { stringWords, WORD_BYTES } from "./collection.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(stringWords(1), 0);
 * assert.equal(stringWords(8) * WORD_BYTES, 24);
 * assert.equal(stringWords(9) * WORD_BYTES, 32);
 * assert.equal(stringWords(100) * WORD_BYTES, 120);
 * ```
 */
export function stringWords(length: number): number {
  return length > 1 ? (length + 23) >>> 3 : 0;
}

/**
 * Bytes of an object with `fields` in-object fields (a class instance whose
 * fields, private or not, are all set by its constructor; count one more
 * for a class with private methods, whose instances carry a private brand):
 * a 24-byte header (map, properties, elements) and 8 bytes per field.
 *
 * @param fields The number of fields.
 * @returns The bytes.
 *
 * @example An object of 4 fields
 * ```ts
 * import { objectBytes } from "./collection.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(objectBytes(4), 56);
 * ```
 */
export function objectBytes(fields: number): number {
  return 24 + fields * WORD_BYTES;
}

/**
 * Bytes of an array of `length` slots made by `new Array(length)`: a
 * 32-byte JSArray and a FixedArray of a 16-byte header and 8 bytes per
 * slot; an empty array is the JSArray alone.
 *
 * @param length The array's length.
 * @returns The bytes.
 *
 * @example Arrays
 * ```ts
 * import { arrayBytes } from "./collection.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(arrayBytes(0), 32);
 * assert.equal(arrayBytes(4), 80);
 * ```
 */
export function arrayBytes(length: number): number {
  return length === 0 ? 32 : 48 + length * WORD_BYTES;
}

/**
 * Bytes of a `Map` holding `entries` entries (its keys and values not
 * included): a 32-byte JSMap and an ordered hash table of capacity C, the
 * smallest power of two ≥ `entries` and ≥ 4, of 40 + 28 C bytes (C/2
 * buckets and C entries of key, value and chain).
 *
 * @param entries The map's size.
 * @returns The bytes.
 *
 * @example Maps
 * ```ts
 * import { mapBytes } from "./collection.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mapBytes(0), 184);
 * assert.equal(mapBytes(5), 296);
 * assert.equal(mapBytes(17), 968);
 * ```
 */
export function mapBytes(entries: number): number {
  const capacity = entries <= 4 ? 4 : 2 ** (32 - Math.clz32(entries - 1));
  return 72 + 28 * capacity;
}
