/**
 * {@linkcode ByteHash}: the value of a Redis hash key, fields to values,
 * with O(1) get/set/delete, Redis-like order and an O(1) uniform random
 * field at any size.
 *
 * @module
 */

import { IndexedMap } from "./_indexed_map.ts";
import { type MemoryCounted, objectBytes } from "./collection.ts";

/** Bytes of a ByteHash object: its one field, the map. */
const WRAPPER_BYTES = objectBytes(1);

/** Options of {@linkcode ByteHash}. */
export interface ByteHashOptions {
  /**
   * A source of uniform numbers in [0, 1), for HRANDFIELD (tests pass a
   * seeded one).
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * A hash of byte-string fields to byte-string values (one char per byte,
 * codes 0–255) with Redis's hash semantics.
 *
 * Entries live in slots with a `Map<field, slot>` index (built past 16
 * fields; smaller hashes scan their few slots), so {@linkcode ByteHash.get},
 * {@linkcode ByteHash.set} and {@linkcode ByteHash.delete} are O(1) and a
 * uniform random field ({@linkcode ByteHash.randomField}) is O(1) expected.
 *
 * Order, as Redis's two encodings: until the hash first holds more than 128
 * fields (Redis's listpack range), iteration is in insertion order — a
 * replaced value keeps its field's place, a deleted then re-added field
 * goes last (deletes leave tombstones, compacted in order once they
 * outnumber fields). From then on a delete moves the last field into the
 * freed slot — O(1) worst case, no compaction pauses — and the order is
 * unspecified, as for Redis's hashtable encoding.
 *
 * {@linkcode ByteHash.scan} implements HSCAN's guarantee: every field
 * present for the whole scan is returned at least once, whatever is set or
 * deleted between the calls. Its cursor is a slot position visited
 * downwards, and fields never move to a higher slot (appends go on top;
 * tombstones move nothing; compaction and swap-remove only move fields
 * down), so a field not visited yet cannot move behind the cursor. The
 * proof is in `_indexed_map.ts`.
 *
 * @example Use it as a hash
 * ```ts
 * import { ByteHash } from "./hash.ts";
 * import assert from "node:assert/strict";
 *
 * const hash = new ByteHash();
 * assert.equal(hash.set("name", "ada"), true);
 * assert.equal(hash.set("lang", "en"), true);
 * assert.equal(hash.set("name", "grace"), false);
 * assert.equal(hash.get("name"), "grace");
 * assert.deepEqual(hash.fieldsAndValues(), ["name", "grace", "lang", "en"]);
 * ```
 */
export class ByteHash implements MemoryCounted {
  #map: IndexedMap;

  /**
   * Makes an empty hash.
   *
   * @param options The source of randomness.
   *
   * @example Make a hash
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ByteHash().size, 0);
   * ```
   */
  constructor(options: ByteHashOptions = {}) {
    this.#map = new IndexedMap(true, options.random);
  }

  /**
   * Makes a hash of the given entries (a repeated field keeps its first
   * place and its last value).
   *
   * @param entries `[field, value]` pairs.
   * @param options The source of randomness.
   * @returns The new hash.
   *
   * @example Make a hash from pairs
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = ByteHash.from([["a", "1"], ["b", "2"]]);
   * assert.equal(hash.get("b"), "2");
   * ```
   */
  static from(
    entries: Iterable<readonly [string, string]>,
    options: ByteHashOptions = {},
  ): ByteHash {
    const hash = new ByteHash(options);
    for (const [field, value] of entries) hash.#map.set(field, value);
    return hash;
  }

  /**
   * The type TYPE reports for a hash key: always `"hash"` (the keyspace's
   * `CollectionValue` contract in `keyspace.ts`; a prototype getter, so it costs
   * no memory per value).
   *
   * @example Read the type
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ByteHash().type, "hash");
   * ```
   */
  get type(): "hash" {
    return "hash";
  }

  /**
   * The number of fields (HLEN).
   *
   * @example Count fields
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteHash.from([["a", "1"]]).size, 1);
   * ```
   */
  get size(): number {
    return this.#map.size;
  }

  /**
   * An estimate of the bytes of V8 heap the hash holds
   * ({@linkcode MemoryCounted}): its objects, its slot array, its index
   * `Map` (past 16 entries) and its fields and values, with the model of
   * `collection.ts` (a string of n ≥ 2 bytes costs 16 + n rounded up to 8).
   * O(1); kept up to date by every change, and back to an empty hash's
   * value once the hash is empty.
   *
   * @example Count memory
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = new ByteHash();
   * const empty = hash.memoryBytes;
   * hash.set("field", "value");
   * assert.ok(hash.memoryBytes > empty);
   * hash.delete("field");
   * assert.equal(hash.memoryBytes, empty);
   * ```
   */
  get memoryBytes(): number {
    return WRAPPER_BYTES + this.#map.memoryBytes;
  }

  /**
   * {@linkcode ByteHash.memoryBytes} computed again from scratch, walking
   * every slot: O(n), for tests that check the running count.
   *
   * @returns The bytes.
   *
   * @example Check the running count
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const value = ByteHash.from([["field", "value"]]);
   * assert.equal(value.recountMemoryBytes(), value.memoryBytes);
   * ```
   */
  recountMemoryBytes(): number {
    return WRAPPER_BYTES + this.#map.recountMemoryBytes();
  }

  /**
   * The number of slots, fields and tombstones (for memory accounting and
   * tests); at most twice {@linkcode ByteHash.size}.
   *
   * @example Count slots
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteHash.from([["a", "1"]]).slotCount, 1);
   * ```
   */
  get slotCount(): number {
    return this.#map.slotCount;
  }

  /**
   * Returns a field's value (HGET). O(1).
   *
   * @param field The field.
   * @returns The value, or `undefined` when the field is absent.
   *
   * @example Read a field
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = ByteHash.from([["a", "1"]]);
   * assert.equal(hash.get("a"), "1");
   * assert.equal(hash.get("b"), undefined);
   * ```
   */
  get(field: string): string | undefined {
    return this.#map.get(field);
  }

  /**
   * Whether a field is present (HEXISTS). O(1).
   *
   * @param field The field.
   * @returns `true` when present.
   *
   * @example Test a field
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteHash.from([["a", "1"]]).has("a"), true);
   * ```
   */
  has(field: string): boolean {
    return this.#map.has(field);
  }

  /**
   * Sets a field (HSET of one pair); a replaced value keeps its field's
   * place in the order. Amortized O(1).
   *
   * @param field The field.
   * @param value The value.
   * @returns `true` when the field is new (HSET counts these).
   *
   * @example Set fields
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = new ByteHash();
   * assert.equal(hash.set("a", "1"), true);
   * assert.equal(hash.set("a", "2"), false);
   * assert.equal(hash.get("a"), "2");
   * ```
   */
  set(field: string, value: string): boolean {
    return this.#map.set(field, value);
  }

  /**
   * Sets a field from bytes where they sit (HSET in place): the field is
   * looked up without making a string; strings are made for what is stored.
   *
   * @param bytes The buffer holding field and value.
   * @param fieldStart Where the field starts.
   * @param fieldLength The field's length.
   * @param valueStart Where the value starts.
   * @param valueLength The value's length.
   * @returns `true` when the field is new.
   *
   * @example Set a field from a request's bytes
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = new ByteHash();
   * const request = new TextEncoder().encode("HSET h f v");
   * assert.equal(hash.setBytes(request, 7, 1, 9, 1), true);
   * assert.equal(hash.get("f"), "v");
   * ```
   */
  setBytes(
    bytes: Uint8Array,
    fieldStart: number,
    fieldLength: number,
    valueStart: number,
    valueLength: number,
  ): boolean {
    return this.#map.setFromBytes(
      bytes,
      fieldStart,
      fieldLength,
      valueStart,
      valueLength,
    );
  }

  /**
   * Sets a field only when it is absent (HSETNX).
   *
   * @param field The field.
   * @param value The value.
   * @returns `true` when the field was set.
   *
   * @example Set once
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = new ByteHash();
   * assert.equal(hash.setIfAbsent("a", "1"), true);
   * assert.equal(hash.setIfAbsent("a", "2"), false);
   * assert.equal(hash.get("a"), "1");
   * ```
   */
  setIfAbsent(field: string, value: string): boolean {
    return this.#map.setIfAbsent(field, value);
  }

  /**
   * Deletes a field (HDEL of one field). Amortized O(1).
   *
   * @param field The field.
   * @returns `true` when the field was present.
   *
   * @example Delete a field
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = ByteHash.from([["a", "1"]]);
   * assert.equal(hash.delete("a"), true);
   * assert.equal(hash.delete("a"), false);
   * ```
   */
  delete(field: string): boolean {
    return this.#map.delete(field);
  }

  /**
   * Deletes every field.
   *
   * @example Empty a hash
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = ByteHash.from([["a", "1"]]);
   * hash.clear();
   * assert.equal(hash.size, 0);
   * ```
   */
  clear(): void {
    this.#map.clear();
  }

  /**
   * Returns every field in the hash's order (HKEYS).
   *
   * @returns A new array.
   *
   * @example List fields
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(ByteHash.from([["b", "1"], ["a", "2"]]).fields(), ["b", "a"]);
   * ```
   */
  fields(): string[] {
    return this.#map.keys();
  }

  /**
   * Returns every value in the order of {@linkcode ByteHash.fields} (HVALS).
   *
   * @returns A new array.
   *
   * @example List values
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(ByteHash.from([["b", "1"], ["a", "2"]]).values(), ["1", "2"]);
   * ```
   */
  values(): string[] {
    return this.#map.values();
  }

  /**
   * Returns every field followed by its value, in the hash's order (HGETALL):
   * `[field1, value1, field2, value2, ...]`.
   *
   * @returns A new array.
   *
   * @example List fields and values
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = ByteHash.from([["a", "1"], ["b", "2"]]);
   * assert.deepEqual(hash.fieldsAndValues(), ["a", "1", "b", "2"]);
   * ```
   */
  fieldsAndValues(): string[] {
    return this.#map.keysAndValues();
  }

  /**
   * Iterates `[field, value]` pairs in the hash's order. The hash must not
   * change during the iteration (use {@linkcode ByteHash.fieldsAndValues}
   * for a snapshot).
   *
   * @returns An iterator.
   *
   * @example Iterate
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual([...ByteHash.from([["a", "1"]])], [["a", "1"]]);
   * ```
   */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#map.iterateEntries();
  }

  /**
   * Returns one uniformly random field (HRANDFIELD without a count).
   * Expected O(1).
   *
   * @returns The field, or `undefined` when the hash is empty.
   *
   * @example Pick a field
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteHash.from([["a", "1"]]).randomField(), "a");
   * ```
   */
  randomField(): string | undefined {
    return this.#map.randomKey();
  }

  /**
   * Random fields with HRANDFIELD's count rules: a positive count returns
   * `min(count, size)` distinct fields (the whole hash, in order, when
   * `count >= size`); a negative count returns `-count` fields drawn
   * independently, repeats possible; 0 returns none.
   *
   * @param count The count, as HRANDFIELD.
   * @param withValues `true` to follow each field by its value (WITHVALUES).
   * @default {false} for `withValues`
   * @returns A new array: fields, or `[field, value, field, value, ...]`.
   *
   * @example Sample fields
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = ByteHash.from([["a", "1"], ["b", "2"], ["c", "3"]]);
   * assert.equal(new Set(hash.randomFields(2)).size, 2);
   * assert.deepEqual(hash.randomFields(-2, true).length, 4);
   * assert.deepEqual(hash.randomFields(9, true), ["a", "1", "b", "2", "c", "3"]);
   * ```
   */
  randomFields(count: number, withValues = false): string[] {
    return this.#map.sample(count, withValues);
  }

  /**
   * One step of HSCAN: pushes up to `count` fields, each followed by its
   * value, to `out` (it may visit up to `10 * count` slots) and returns the
   * next cursor, 0 when the scan is complete. Every field present from the
   * first step to the last is returned at least once; a field may be
   * returned twice. A scan that starts at 0 on a hash of at most `count`
   * slots returns it all at once, in order.
   *
   * @param cursor 0 to start, else the cursor the previous step returned.
   * @param count How many fields to return at most (HSCAN's COUNT).
   * @param out Where `field, value` pairs are pushed.
   * @returns The next cursor; 0 when done.
   *
   * @example Scan a hash
   * ```ts
   * import { ByteHash } from "./hash.ts";
   * import assert from "node:assert/strict";
   *
   * const hash = new ByteHash();
   * for (let i = 0; i < 30; i++) hash.set(`f${i}`, `${i}`);
   * const out: string[] = [];
   * let cursor = 0;
   * do cursor = hash.scan(cursor, 10, out); while (cursor !== 0);
   * assert.equal(out.length, 60);
   * ```
   */
  scan(cursor: number, count: number, out: string[]): number {
    return this.#map.scan(cursor, count, true, out);
  }
}
