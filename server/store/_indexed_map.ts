/**
 * {@linkcode IndexedMap}: the private storage shared by
 * {@linkcode ByteSet} (keys only) and {@linkcode ByteHash} (keys and
 * values). One piece of code for the logic they have in common: O(1)
 * lookup, O(1) uniform random key, SCAN cursors, Redis-like order.
 *
 * ## Layout
 *
 * Entries live in *slots*, appended in insertion order, in one array:
 * slot `s` is `#entries[s]` for a set, and `#entries[2s]` (key) and
 * `#entries[2s + 1]` (value) for a hash, so a small map costs one array.
 * The array's capacity (a power of two, in slots) is managed here as the
 * list's ring buffer is: it doubles when full and halves when less than a
 * quarter is used, so dead capacity is bounded. A {@linkcode SlotIndex}
 * (open addressing in two typed arrays: each key's hash and slot) finds a
 * key's slot, from its string or from its bytes in a request; it is only
 * built once the map holds more than {@linkcode SMALL_MAX} keys (a small map
 * finds keys by a linear scan of its few slots and saves the index's
 * memory). A delete takes the key out of the index at once (the index
 * shifts its probe run back: no tombstones there). A map whose last key is
 * deleted gives all of this back at once, as {@linkcode IndexedMap.clear}
 * does (and is ordered again, as a new map; in Redis an emptied key is
 * deleted and a new one starts as a listpack).
 *
 * ## Memory
 *
 * {@linkcode IndexedMap.memoryBytes} estimates the memory the map holds
 * with the model of `collection.ts`: this object, the entries array (its
 * capacity), the index's two arrays and the strings stored. The strings'
 * share is a running sum, updated wherever a key or value is stored or
 * dropped (O(1) each); the rest is computed from the array's length and
 * the index's capacity when read.
 *
 * Deletes work in one of two ways, like Redis's two encodings:
 *
 * - *Ordered* (until the map first holds more than
 *   {@linkcode ORDERED_MAX} keys, as Redis's listpack): a delete leaves a
 *   tombstone (`undefined`) in its slot, so no other entry moves and
 *   iteration stays in insertion order. Trailing tombstones are dropped at
 *   once; when tombstones outnumber live keys the slots are compacted in
 *   place, keeping order (amortized O(1), and at most 2 * ORDERED_MAX slots
 *   to move, so no latency spike).
 * - *Unordered* (from then on, as Redis's hashtable, whose order is
 *   unspecified): a delete moves the last entry into the freed slot
 *   (swap-remove): O(1) worst case, one index update, no tombstones. A
 *   compaction of a large map would stall the node (about 60 ms for 500,000
 *   keys), which this avoids.
 *
 * ## Random keys
 *
 * A uniform random slot is drawn until it holds a live key (rejection
 * sampling). Ordered maps keep at least half of their slots live, so the
 * expected number of draws is at most 2; unordered maps have no tombstones,
 * so one draw suffices. The key returned is exactly uniform among the live
 * keys.
 *
 * ## SCAN cursors
 *
 * A cursor is a slot position; a scan visits slots from the last one down
 * to slot 0, and the cursor returned is the position to continue below (0
 * when done, so cursor 0 both starts and ends a scan). The proof that every
 * key present for the whole scan is returned: an entry never moves to a
 * higher slot. Appends go above every slot; a tombstone moves nothing;
 * compaction moves entries down, keeping their order; a swap-remove moves
 * the top entry down into the freed slot. So an entry below the cursor (not
 * visited yet) stays below it until it is visited. An entry above the
 * cursor (visited) may move below it and be returned again, which SCAN
 * allows. A cursor above the current slot count (slots were dropped)
 * restarts from the top, which again only risks repeats. When a scan starts
 * at 0 and the whole map fits in `count`, it is returned in one call in
 * slot order with cursor 0, as Redis does for small encodings.
 *
 * @module
 */

import { toByteString } from "@cachemir/protocol";
import { hashBytesKey, hashKey, SlotIndex } from "./_slot_index.ts";
import {
  arrayBytes,
  objectBytes,
  stringWords,
  WORD_BYTES,
} from "./collection.ts";

/**
 * How many keys a map finds by a linear scan before it builds its
 * {@linkcode SlotIndex}.
 */
export const SMALL_MAX = 16;

/**
 * How many keys a map holds before it stops keeping insertion order across
 * deletes (Redis's `hash-max-listpack-entries` default). Past it, a delete
 * moves the last entry into the freed slot, in O(1) with no compaction.
 */
export const ORDERED_MAX = 128;

/** The fewest slots allocated once a map holds a key. */
const MIN_CAPACITY = 2;

/** The largest entries array made with `new Array(n)` (see `#resize`). */
const MAX_PREALLOCATED = 2 ** 25;

/**
 * Bytes of an IndexedMap object: its 9 fields and its private brand (the
 * slot V8 adds to instances of a class with private methods).
 */
const MAP_OBJECT_BYTES = objectBytes(10);

/**
 * Keys (and optional values) in slots with O(1) lookup, uniform random
 * access and SCAN cursors; slot order is insertion order while the map is
 * ordered (see the module documentation). Private to `server/store/`: use
 * {@linkcode ByteSet} or {@linkcode ByteHash}.
 *
 * @example Keys with values
 * ```ts
 * import { IndexedMap } from "./_indexed_map.ts";
 * import assert from "node:assert/strict";
 *
 * const map = new IndexedMap(true);
 * map.set("a", "1");
 * map.set("b", "2");
 * map.delete("a");
 * assert.deepEqual(map.keysAndValues(), ["b", "2"]);
 * ```
 */
export class IndexedMap {
  /** Keys (set) or interleaved keys and values (hash); see the module doc. */
  #entries: (string | undefined)[];
  /** 0 for keys only, 1 for keys and values: slot `s` starts at `s << #shift`. */
  #shift: number;
  /** Slots in use, live or tombstones. */
  #slots = 0;
  #size = 0;
  /** Key to slot, once the map holds more than SMALL_MAX keys. */
  #index: SlotIndex | undefined = undefined;
  /** The hash of the key `#slotOf` looked up last (for `#append`, `delete`). */
  #hash = 0;
  #ordered = true;
  #random: () => number;
  /** V8 heap words (`stringWords`) of the keys and values in the slots. */
  #stringWords = 0;

  /**
   * Makes an empty map.
   *
   * @param withValues `true` to keep a value per key (a hash), `false` for
   * keys only (a set).
   * @param random A source of uniform numbers in [0, 1).
   * @default {Math.random} for `random`
   *
   * @example Make a set-like map
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new IndexedMap(false).size, 0);
   * ```
   */
  constructor(withValues: boolean, random: () => number = Math.random) {
    this.#shift = withValues ? 1 : 0;
    this.#entries = [];
    this.#random = random;
  }

  /**
   * The number of live keys.
   *
   * @example Count keys
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * assert.equal(map.size, 1);
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * The number of slots in use, live or tombstones (for tests and memory
   * accounting); never more than twice {@linkcode IndexedMap.size}, and
   * equal to it once the map is unordered.
   *
   * @example Count slots
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * map.set("b", "");
   * map.delete("a");
   * assert.equal(map.slotCount, 2);
   * ```
   */
  get slotCount(): number {
    return this.#slots;
  }

  /**
   * The number of slots allocated (for tests and memory accounting): 0 or a
   * power of two from 2 up, less than 4 times
   * {@linkcode IndexedMap.slotCount} (or at most 2).
   *
   * @example Read the capacity
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * map.set("a", "1");
   * assert.equal(map.capacity, 2);
   * ```
   */
  get capacity(): number {
    return this.#entries.length >> this.#shift;
  }

  /**
   * Whether the map still keeps insertion order across deletes (it has
   * never held more than {@linkcode ORDERED_MAX} keys since it was made or
   * cleared).
   *
   * @example Read the mode
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new IndexedMap(false).ordered, true);
   * ```
   */
  get ordered(): boolean {
    return this.#ordered;
  }

  /**
   * An estimate of the bytes of V8 heap the map holds: this object, its
   * entries array, its index `Map` and the keys and values stored (see
   * `collection.ts` for the model). O(1): the strings' share is kept up to
   * date by every change.
   *
   * @example Count memory
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * const empty = map.memoryBytes;
   * map.set("field", "value");
   * assert.ok(map.memoryBytes > empty);
   * map.delete("field");
   * assert.equal(map.memoryBytes, empty);
   * ```
   */
  get memoryBytes(): number {
    const index = this.#index;
    return MAP_OBJECT_BYTES + arrayBytes(this.#entries.length) +
      (index === undefined ? 0 : index.bytes) +
      this.#stringWords * WORD_BYTES;
  }

  /**
   * {@linkcode IndexedMap.memoryBytes} computed again from scratch, walking
   * every slot of the entries array (so a string left in a freed slot is
   * counted): O(capacity), for tests that check the running count.
   *
   * @returns The bytes.
   *
   * @example Check the running count
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("member", "");
   * assert.equal(map.recountMemoryBytes(), map.memoryBytes);
   * ```
   */
  recountMemoryBytes(): number {
    const entries = this.#entries;
    let words = 0;
    for (let i = 0; i < entries.length; i++) {
      const s = entries[i];
      if (s !== undefined) words += stringWords(s.length);
    }
    const index = this.#index;
    return MAP_OBJECT_BYTES + arrayBytes(entries.length) +
      (index === undefined ? 0 : index.bytes) + words * WORD_BYTES;
  }

  /**
   * Whether a key is present.
   *
   * @param key The key.
   * @returns `true` when present.
   *
   * @example Test a key
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * assert.equal(map.has("a"), true);
   * assert.equal(map.has("b"), false);
   * ```
   */
  has(key: string): boolean {
    return this.#slotOf(key) >= 0;
  }

  /**
   * Returns a key's value (`""` for every key of a keys-only map).
   *
   * @param key The key.
   * @returns The value, or `undefined` when the key is absent.
   *
   * @example Read a value
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * map.set("a", "1");
   * assert.equal(map.get("a"), "1");
   * assert.equal(map.get("b"), undefined);
   * ```
   */
  get(key: string): string | undefined {
    const slot = this.#slotOf(key);
    if (slot < 0) return undefined;
    return this.#shift === 0 ? "" : this.#entries[(slot << 1) + 1];
  }

  /**
   * Adds a key, or replaces its value in place (its position in the order
   * is kept).
   *
   * @param key The key.
   * @param value The value (ignored by a keys-only map).
   * @returns `true` when the key is new.
   *
   * @example Add and replace
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * assert.equal(map.set("a", "1"), true);
   * assert.equal(map.set("a", "2"), false);
   * assert.equal(map.get("a"), "2");
   * ```
   */
  set(key: string, value: string): boolean {
    const slot = this.#slotOf(key);
    if (slot >= 0) {
      if (this.#shift !== 0) this.#replaceValue(slot, value);
      return false;
    }
    this.#append(key, value);
    return true;
  }

  /**
   * {@linkcode IndexedMap.set} with the key and value given as bytes where
   * they sit (a request's read buffer): the key is looked up without making
   * a string; strings are made only for what is stored (a new key, a
   * value).
   *
   * @param bytes The buffer holding key and value.
   * @param keyStart Where the key starts.
   * @param keyLength The key's length.
   * @param valueStart Where the value starts (ignored by a keys-only map).
   * @param valueLength The value's length.
   * @returns `true` when the key is new.
   *
   * @example Add a member straight from a request
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * const request = new TextEncoder().encode("HSET h field value");
   * assert.equal(map.setFromBytes(request, 7, 5, 13, 5), true);
   * assert.equal(map.setFromBytes(request, 7, 5, 13, 3), false);
   * assert.equal(map.get("field"), "val");
   * ```
   */
  setFromBytes(
    bytes: Uint8Array,
    keyStart: number,
    keyLength: number,
    valueStart: number,
    valueLength: number,
  ): boolean {
    const slot = this.#slotOfBytes(bytes, keyStart, keyLength);
    if (slot >= 0) {
      if (this.#shift !== 0) {
        this.#replaceValue(
          slot,
          toByteString(bytes, valueStart, valueStart + valueLength),
        );
      }
      return false;
    }
    this.#append(
      toByteString(bytes, keyStart, keyStart + keyLength),
      this.#shift === 0
        ? ""
        : toByteString(bytes, valueStart, valueStart + valueLength),
    );
    return true;
  }

  /**
   * Adds a key only when it is absent.
   *
   * @param key The key.
   * @param value The value (ignored by a keys-only map).
   * @returns `true` when the key was added.
   *
   * @example Add once
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * assert.equal(map.setIfAbsent("a", "1"), true);
   * assert.equal(map.setIfAbsent("a", "2"), false);
   * assert.equal(map.get("a"), "1");
   * ```
   */
  setIfAbsent(key: string, value: string): boolean {
    const slot = this.#slotOf(key);
    if (slot >= 0) return false;
    this.#append(key, value);
    return true;
  }

  /**
   * Removes a key. O(1) amortized (tombstones while ordered) or worst case
   * (swap-remove once unordered), plus a rare capacity halving.
   *
   * @param key The key.
   * @returns `true` when the key was present.
   *
   * @example Remove a key
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * assert.equal(map.delete("a"), true);
   * assert.equal(map.delete("a"), false);
   * ```
   */
  delete(key: string): boolean {
    const slot = this.#slotOf(key);
    if (slot < 0) return false;
    this.#index?.remove(this.#hash, slot);
    this.#removeSlot(slot);
    return true;
  }

  /**
   * Removes every key and gives the memory back; the map is ordered again
   * (as it also is when its last key is deleted).
   *
   * @example Empty a map
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * map.clear();
   * assert.equal(map.size, 0);
   * ```
   */
  clear(): void {
    this.#entries = [];
    this.#slots = 0;
    this.#size = 0;
    this.#index = undefined;
    this.#ordered = true;
    this.#stringWords = 0;
  }

  /**
   * Returns the live keys in slot order.
   *
   * @returns A new array.
   *
   * @example List keys
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("b", "");
   * map.set("a", "");
   * assert.deepEqual(map.keys(), ["b", "a"]);
   * ```
   */
  keys(): string[] {
    const entries = this.#entries;
    const shift = this.#shift;
    const out: string[] = [];
    for (let slot = 0; slot < this.#slots; slot++) {
      const key = entries[slot << shift];
      if (key !== undefined) out.push(key);
    }
    return out;
  }

  /**
   * Returns the values of the live keys in slot order (`""` for each key of
   * a keys-only map).
   *
   * @returns A new array.
   *
   * @example List values
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * map.set("a", "1");
   * map.set("b", "2");
   * assert.deepEqual(map.values(), ["1", "2"]);
   * ```
   */
  values(): string[] {
    const entries = this.#entries;
    const shift = this.#shift;
    const out: string[] = [];
    for (let slot = 0; slot < this.#slots; slot++) {
      const at = slot << shift;
      if (entries[at] === undefined) continue;
      out.push(shift === 0 ? "" : entries[at + 1] as string);
    }
    return out;
  }

  /**
   * Returns the live keys and their values, flat and in slot order:
   * `[key1, value1, key2, value2, ...]`.
   *
   * @returns A new array.
   *
   * @example List keys and values
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * map.set("a", "1");
   * assert.deepEqual(map.keysAndValues(), ["a", "1"]);
   * ```
   */
  keysAndValues(): string[] {
    const out: string[] = [];
    this.#pushRange(0, this.#slots, true, out);
    return out;
  }

  /**
   * Iterates the live keys in slot order. The map must not change during
   * the iteration (use {@linkcode IndexedMap.keys} for a snapshot).
   *
   * @returns An iterator.
   *
   * @example Iterate keys
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * assert.deepEqual([...map.iterateKeys()], ["a"]);
   * ```
   */
  *iterateKeys(): IterableIterator<string> {
    const entries = this.#entries;
    const shift = this.#shift;
    const slots = this.#slots;
    for (let slot = 0; slot < slots; slot++) {
      const key = entries[slot << shift];
      if (key !== undefined) yield key;
    }
  }

  /**
   * Iterates the live `[key, value]` pairs in slot order. The map must not
   * change during the iteration.
   *
   * @returns An iterator.
   *
   * @example Iterate pairs
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * map.set("a", "1");
   * assert.deepEqual([...map.iterateEntries()], [["a", "1"]]);
   * ```
   */
  *iterateEntries(): IterableIterator<[string, string]> {
    const entries = this.#entries;
    const shift = this.#shift;
    const slots = this.#slots;
    for (let slot = 0; slot < slots; slot++) {
      const at = slot << shift;
      const key = entries[at];
      if (key === undefined) continue;
      yield [key, shift === 0 ? "" : entries[at + 1] as string];
    }
  }

  /**
   * Returns the key in a slot (for fast iteration by slot, from 0 to
   * {@linkcode IndexedMap.slotCount}; the map must not change meanwhile).
   *
   * @param slot The slot.
   * @returns The key, or `undefined` for a tombstone or an unused slot.
   *
   * @example Walk the slots
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * map.set("b", "");
   * map.delete("a");
   * assert.equal(map.keyAt(0), undefined);
   * assert.equal(map.keyAt(1), "b");
   * ```
   */
  keyAt(slot: number): string | undefined {
    if (!(slot >= 0 && slot < this.#slots)) return undefined;
    return this.#entries[slot << this.#shift];
  }

  /**
   * Returns one uniformly random key. Expected O(1).
   *
   * @returns The key, or `undefined` when the map is empty.
   *
   * @example Pick a key
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * assert.equal(map.randomKey(), "a");
   * ```
   */
  randomKey(): string | undefined {
    if (this.#size === 0) return undefined;
    return this.#entries[this.#randomSlot() << this.#shift];
  }

  /**
   * Random keys with SRANDMEMBER / HRANDFIELD count semantics: a positive
   * count returns `min(count, size)` distinct keys (the whole map, in slot
   * order, when `count >= size`); a negative count returns `-count` keys
   * drawn independently (repeats possible); 0 returns none. O(|count|)
   * expected, or O(size) when a positive count is more than a third of the
   * size.
   *
   * @param count The count, as SRANDMEMBER.
   * @param withValues `true` to follow each key by its value.
   * @returns A new array: keys, or `[key, value, key, value, ...]`.
   *
   * @example Sample keys
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(true);
   * map.set("a", "1");
   * map.set("b", "2");
   * assert.deepEqual(map.sample(5, true), ["a", "1", "b", "2"]);
   * assert.equal(new Set(map.sample(2, false)).size, 2);
   * assert.equal(map.sample(-3, false).length, 3);
   * ```
   */
  sample(count: number, withValues: boolean): string[] {
    const out: string[] = [];
    const size = this.#size;
    if (count === 0 || size === 0) return out;
    if (count < 0) {
      for (let n = 0; n < -count; n++) {
        this.#pushSlot(this.#randomSlot(), withValues, out);
      }
      return out;
    }
    if (count >= size) {
      this.#pushRange(0, this.#slots, withValues, out);
      return out;
    }
    if (count * 3 <= size) {
      const picked = new Set<number>();
      while (picked.size < count) {
        const slot = this.#randomSlot();
        if (picked.has(slot)) continue;
        picked.add(slot);
        this.#pushSlot(slot, withValues, out);
      }
      return out;
    }
    // A partial Fisher–Yates shuffle of the live slots.
    const entries = this.#entries;
    const shift = this.#shift;
    const live: number[] = [];
    for (let slot = 0; slot < this.#slots; slot++) {
      if (entries[slot << shift] !== undefined) live.push(slot);
    }
    const random = this.#random;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (live.length - i));
      const slot = live[j];
      live[j] = live[i];
      this.#pushSlot(slot, withValues, out);
    }
    return out;
  }

  /**
   * Removes and returns one uniformly random key (SPOP). Expected
   * amortized O(1).
   *
   * @returns The key, or `undefined` when the map is empty.
   *
   * @example Pop a key
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * map.set("a", "");
   * assert.equal(map.popRandom(), "a");
   * assert.equal(map.size, 0);
   * ```
   */
  popRandom(): string | undefined {
    if (this.#size === 0) return undefined;
    const slot = this.#randomSlot();
    const key = this.#entries[slot << this.#shift] as string;
    this.#index?.remove(hashKey(key), slot);
    this.#removeSlot(slot);
    return key;
  }

  /**
   * Removes and returns `count` distinct random keys (SPOP with a count);
   * every key, in slot order, when `count >= size`.
   *
   * @param count How many keys; 0 or less returns none.
   * @returns A new array of the removed keys.
   *
   * @example Pop several keys
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * for (const key of ["a", "b", "c"]) map.set(key, "");
   * assert.equal(map.popRandomMany(2).length, 2);
   * assert.equal(map.size, 1);
   * ```
   */
  popRandomMany(count: number): string[] {
    if (count >= this.#size) {
      const all = this.keys();
      this.clear();
      return all;
    }
    const out: string[] = [];
    for (let n = 0; n < count; n++) out.push(this.popRandom() as string);
    return out;
  }

  /**
   * One step of SSCAN / HSCAN: visits slots downwards from `cursor` and
   * pushes the live keys (and values, when asked and kept) it finds to
   * `out`, stopping after `count` keys or `10 * count` slots. See the
   * module documentation for why keys present for the whole scan are all
   * returned.
   *
   * @param cursor 0 to start, else a cursor returned by the previous step.
   * Any other number is accepted (a larger one restarts from the top).
   * @param count How many keys to return at most (at least 1 is used).
   * @param withValues `true` to follow each key by its value.
   * @param out Where the keys (and values) are pushed.
   * @returns The next cursor; 0 when the scan is complete.
   *
   * @example Scan to completion
   * ```ts
   * import { IndexedMap } from "./_indexed_map.ts";
   * import assert from "node:assert/strict";
   *
   * const map = new IndexedMap(false);
   * for (let i = 0; i < 100; i++) map.set(`k${i}`, "");
   * const seen: string[] = [];
   * let cursor = 0;
   * do {
   *   cursor = map.scan(cursor, 10, false, seen);
   * } while (cursor !== 0);
   * assert.equal(new Set(seen).size, 100);
   * ```
   */
  scan(
    cursor: number,
    count: number,
    withValues: boolean,
    out: string[],
  ): number {
    const slots = this.#slots;
    const want = count >= 1 ? Math.floor(count) : 1;
    if (cursor === 0 && slots <= want) {
      this.#pushRange(0, slots, withValues, out);
      return 0;
    }
    const entries = this.#entries;
    const shift = this.#shift;
    let pos = cursor > 0 && cursor <= slots ? Math.floor(cursor) : slots;
    let found = 0;
    let budget = want * 10;
    while (pos > 0 && found < want && budget > 0) {
      pos--;
      budget--;
      if (entries[pos << shift] === undefined) continue;
      this.#pushSlot(pos, withValues, out);
      found++;
    }
    return pos;
  }

  /**
   * The key's slot, or -1 when it is absent. With an index, the key's hash
   * is left in `#hash`.
   */
  #slotOf(key: string): number {
    const index = this.#index;
    if (index !== undefined) {
      const hash = hashKey(key);
      this.#hash = hash;
      return index.find(hash, key, this.#entries, this.#shift);
    }
    const entries = this.#entries;
    if (this.#shift === 0) {
      const at = entries.indexOf(key);
      return at < this.#slots ? at : -1;
    }
    const end = this.#slots << 1;
    for (let at = 0; at < end; at += 2) {
      if (entries[at] === key) return at >> 1;
    }
    return -1;
  }

  /**
   * {@linkcode IndexedMap.#slotOf} of a key given as bytes: no string is
   * made.
   */
  #slotOfBytes(bytes: Uint8Array, start: number, length: number): number {
    const index = this.#index;
    const entries = this.#entries;
    const shift = this.#shift;
    if (index !== undefined) {
      const hash = hashBytesKey(bytes, start, length);
      this.#hash = hash;
      return index.findBytes(hash, bytes, start, length, entries, shift);
    }
    for (let slot = 0; slot < this.#slots; slot++) {
      const key = entries[slot << shift];
      if (key === undefined || key.length !== length) continue;
      let i = 0;
      while (i < length && key.charCodeAt(i) === bytes[start + i]) i++;
      if (i === length) return slot;
    }
    return -1;
  }

  /** Replaces the value of a hash's slot. */
  #replaceValue(slot: number, value: string): void {
    const at = (slot << 1) + 1;
    const entries = this.#entries;
    this.#stringWords += stringWords(value.length) -
      stringWords((entries[at] as string).length);
    entries[at] = value;
  }

  /**
   * Stores an absent key in a new slot; `#slotOf(key)` or `#slotOfBytes`
   * ran just before (the key's hash is in `#hash` when there is an index).
   */
  #append(key: string, value: string): void {
    const slot = this.#slots;
    if (slot === this.#entries.length >> this.#shift) {
      this.#resize(slot === 0 ? MIN_CAPACITY : slot * 2);
    }
    const entries = this.#entries;
    let words = stringWords(key.length);
    if (this.#shift === 0) {
      entries[slot] = key;
    } else {
      entries[slot << 1] = key;
      entries[(slot << 1) + 1] = value;
      words += stringWords(value.length);
    }
    this.#stringWords += words;
    this.#slots = slot + 1;
    this.#size++;
    const index = this.#index;
    if (index !== undefined) {
      index.insert(this.#hash, slot);
    } else if (this.#size > SMALL_MAX) {
      const built = new SlotIndex(this.#size);
      for (let s = 0; s <= slot; s++) {
        const k = entries[s << this.#shift];
        if (k !== undefined) built.insert(hashKey(k), s);
      }
      this.#index = built;
    }
    if (this.#ordered && this.#size > ORDERED_MAX) {
      // From now on deletes swap-remove, which needs no tombstones.
      this.#compact();
      this.#ordered = false;
    }
  }

  /**
   * Frees a slot whose key was taken out of the index already; the last
   * key's removal clears the map (index included).
   */
  #removeSlot(slot: number): void {
    const entries = this.#entries;
    const shift = this.#shift;
    if (this.#size === 1) {
      this.clear();
      return;
    }
    let words = stringWords((entries[slot << shift] as string).length);
    if (shift !== 0) {
      words += stringWords((entries[(slot << 1) + 1] as string).length);
    }
    this.#stringWords -= words;
    this.#size--;
    let last = this.#slots - 1;
    if (!this.#ordered) {
      // Swap-remove: the last entry moves down into the freed slot.
      if (slot !== last) {
        const moved = entries[last << shift] as string;
        entries[slot << shift] = moved;
        if (shift !== 0) entries[(slot << 1) + 1] = entries[(last << 1) + 1];
        this.#index?.move(hashKey(moved), last, slot);
      }
      this.#clearSlot(last);
      this.#slots = last;
    } else if (slot === last) {
      // Drop the slot and the tombstones below it.
      do {
        this.#clearSlot(last);
        last--;
      } while (last >= 0 && entries[last << shift] === undefined);
      this.#slots = last + 1;
    } else {
      this.#clearSlot(slot); // a tombstone
    }
    if (this.#slots - this.#size > this.#size) {
      this.#compact();
    } else {
      this.#shrinkToFit();
    }
  }

  /** Moves the live entries down over the tombstones, keeping order. */
  #compact(): void {
    const entries = this.#entries;
    const shift = this.#shift;
    const index = this.#index;
    const slots = this.#slots;
    let w = 0;
    for (let r = 0; r < slots; r++) {
      const key = entries[r << shift];
      if (key === undefined) continue;
      if (w !== r) {
        entries[w << shift] = key;
        if (shift !== 0) entries[(w << 1) + 1] = entries[(r << 1) + 1];
        index?.move(hashKey(key), r, w);
      }
      w++;
    }
    for (let s = w; s < slots; s++) this.#clearSlot(s);
    this.#slots = w;
    this.#shrinkToFit();
  }

  #clearSlot(slot: number): void {
    if (this.#shift === 0) {
      this.#entries[slot] = undefined;
    } else {
      this.#entries[slot << 1] = undefined;
      this.#entries[(slot << 1) + 1] = undefined;
    }
  }

  #shrinkToFit(): void {
    const capacity = this.#entries.length >> this.#shift;
    let next = capacity;
    while (this.#slots < next >>> 2 && next > MIN_CAPACITY) next >>>= 1;
    if (next !== capacity) this.#resize(next);
  }

  /** Copies the used slots into an array of `capacity` slots. */
  #resize(capacity: number): void {
    const length = capacity << this.#shift;
    const used = this.#slots << this.#shift;
    const entries = this.#entries;
    // Slots past the used ones stay holes (read as undefined, like a
    // tombstone). V8 makes `new Array(n)` a slow dictionary above 2^25
    // elements, so bigger arrays are built by appending.
    const next: (string | undefined)[] = length <= MAX_PREALLOCATED
      ? new Array(length)
      : [];
    for (let i = 0; i < used; i++) next[i] = entries[i];
    for (let i = next.length; i < length; i++) next.push(undefined);
    this.#entries = next;
  }

  /** A uniformly random live slot; the map must not be empty. */
  #randomSlot(): number {
    const entries = this.#entries;
    const shift = this.#shift;
    const random = this.#random;
    const slots = this.#slots;
    for (;;) {
      const slot = Math.floor(random() * slots);
      if (entries[slot << shift] !== undefined) return slot;
    }
  }

  #pushSlot(slot: number, withValues: boolean, out: string[]): void {
    const shift = this.#shift;
    const at = slot << shift;
    out.push(this.#entries[at] as string);
    if (withValues) {
      out.push(shift === 0 ? "" : this.#entries[at + 1] as string);
    }
  }

  #pushRange(
    from: number,
    to: number,
    withValues: boolean,
    out: string[],
  ): void {
    const entries = this.#entries;
    const shift = this.#shift;
    for (let slot = from; slot < to; slot++) {
      const at = slot << shift;
      const key = entries[at];
      if (key === undefined) continue;
      out.push(key);
      if (withValues) out.push(shift === 0 ? "" : entries[at + 1] as string);
    }
  }
}
