/**
 * {@linkcode SlotIndex}: the index of a big {@linkcode IndexedMap}, from a
 * key to the slot that holds it, as open addressing in one typed array of
 * pairs (each key's 32-bit hash, and its slot). A lookup reads the table,
 * then the one entry whose hash matches; nothing is allocated, the table
 * is outside V8's heap, and a key can be looked up from its bytes where
 * they sit (a request's read buffer) as well as from a string. Deletes
 * shift the probe run back (no tombstones), so the same keys deleted and
 * added again and again cost nothing more over time — which a V8 `Map`
 * does not promise.
 *
 * Private to `server/store/`.
 *
 * @module
 */

import { murmur3ByteString, murmur3Range } from "@cachemir/protocol";
import { randomHashSeed } from "./key_hash.ts";

/**
 * The seed of every slot index's hash: chosen at random when the node
 * starts, so that a client cannot pick members that collide (hash
 * flooding).
 */
const SEED: number = randomHashSeed();

/** The fewest positions an index has. */
const MIN_CAPACITY = 32;

/** Bytes of a SlotIndex object (its fields), outside its two arrays. */
const OBJECT_BYTES = 48;

/**
 * A key's hash as the index stores it: never 0 (0 marks an empty position).
 *
 * @param key The key, a byte string.
 * @returns The hash.
 *
 * @example Strings and bytes hash alike
 * ```ts
 * import { hashBytesKey, hashKey } from "./_slot_index.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([0x6d, 0xff]);
 * assert.equal(hashKey("m\xff"), hashBytesKey(bytes, 0, 2));
 * ```
 */
export function hashKey(key: string): number {
  return (murmur3ByteString(key, SEED) | 0) || 1;
}

/**
 * {@linkcode hashKey} of a key given as bytes.
 *
 * @param bytes The buffer.
 * @param start Where the key starts.
 * @param length Its length.
 * @returns The hash.
 */
export function hashBytesKey(
  bytes: Uint8Array,
  start: number,
  length: number,
): number {
  return (murmur3Range(bytes, start, start + length, SEED) | 0) || 1;
}

/**
 * Keys to slots. The keys themselves stay in the map's entries: a lookup
 * is given the entries and compares the key at a candidate slot.
 *
 * @example Index two keys, find one, remove it
 * ```ts
 * import { hashKey, SlotIndex } from "./_slot_index.ts";
 * import assert from "node:assert/strict";
 *
 * const entries = ["a", "b"];
 * const index = new SlotIndex(2);
 * index.insert(hashKey("a"), 0);
 * index.insert(hashKey("b"), 1);
 * assert.equal(index.find(hashKey("b"), "b", entries, 0), 1);
 * index.remove(hashKey("b"), 1);
 * assert.equal(index.find(hashKey("b"), "b", entries, 0), -1);
 * assert.equal(index.size, 1);
 * ```
 */
export class SlotIndex {
  /** Pairs of (hash, slot) per position: one cache line holds both. */
  #table: Int32Array;
  #mask: number;
  #size = 0;

  /**
   * Makes an empty index with room for `keys` keys.
   *
   * @param keys How many keys it will hold soon.
   */
  constructor(keys: number) {
    let capacity = MIN_CAPACITY;
    while (capacity * 3 < keys * 4) capacity *= 2;
    this.#table = new Int32Array(2 * capacity);
    this.#mask = capacity - 1;
  }

  /** Keys indexed. */
  get size(): number {
    return this.#size;
  }

  /** Bytes the index holds: its table and this object. */
  get bytes(): number {
    return OBJECT_BYTES + 8 * (this.#mask + 1);
  }

  /**
   * The slot of a key given as a string.
   *
   * @param hash The key's {@linkcode hashKey}.
   * @param key The key.
   * @param entries The map's entries: slot `s`'s key is at `s << shift`.
   * @param shift 0 for keys only, 1 for keys and values.
   * @returns The slot, or -1.
   */
  find(
    hash: number,
    key: string,
    entries: readonly (string | undefined)[],
    shift: number,
  ): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let p = hash & mask;; p = (p + 1) & mask) {
      const h = table[2 * p];
      if (h === 0) return -1;
      if (h === hash) {
        const slot = table[2 * p + 1];
        if (entries[slot << shift] === key) return slot;
      }
    }
  }

  /**
   * The slot of a key given as bytes, compared with the entries' strings
   * char by byte: no string is made.
   *
   * @param hash The key's {@linkcode hashBytesKey}.
   * @param bytes The buffer holding the key.
   * @param start Where it starts.
   * @param length Its length.
   * @param entries The map's entries.
   * @param shift 0 for keys only, 1 for keys and values.
   * @returns The slot, or -1.
   */
  findBytes(
    hash: number,
    bytes: Uint8Array,
    start: number,
    length: number,
    entries: readonly (string | undefined)[],
    shift: number,
  ): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let p = hash & mask;; p = (p + 1) & mask) {
      const h = table[2 * p];
      if (h === 0) return -1;
      if (h === hash) {
        const slot = table[2 * p + 1];
        const key = entries[slot << shift] as string;
        if (key.length === length) {
          let i = 0;
          while (i < length && key.charCodeAt(i) === bytes[start + i]) i++;
          if (i === length) return slot;
        }
      }
    }
  }

  /**
   * Adds a key known to be absent.
   *
   * @param hash Its hash.
   * @param slot Its slot.
   */
  insert(hash: number, slot: number): void {
    if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) {
      this.#rehash((this.#mask + 1) * 2);
    }
    this.#place(hash, slot);
    this.#size++;
  }

  /**
   * Records that a key moved to another slot.
   *
   * @param hash Its hash.
   * @param from The slot it was in.
   * @param to The slot it is in now.
   */
  move(hash: number, from: number, to: number): void {
    this.#table[2 * this.#positionOf(hash, from) + 1] = to;
  }

  /**
   * Removes a key, shifting the rest of its probe run back; halves the
   * table when it is less than an eighth full.
   *
   * @param hash Its hash.
   * @param slot Its slot.
   */
  remove(hash: number, slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let hole = this.#positionOf(hash, slot);
    for (let p = (hole + 1) & mask;; p = (p + 1) & mask) {
      const h = table[2 * p];
      if (h === 0) break;
      // An entry may fill the hole when its home is not in (hole, p].
      const home = h & mask;
      if (((p - home) & mask) >= ((p - hole) & mask)) {
        table[2 * hole] = h;
        table[2 * hole + 1] = table[2 * p + 1];
        hole = p;
      }
    }
    table[2 * hole] = 0;
    this.#size--;
    const capacity = mask + 1;
    if (capacity > MIN_CAPACITY && this.#size * 8 < capacity) {
      this.#rehash(capacity / 2);
    }
  }

  /** The position holding `slot` in the probe run of `hash`. */
  #positionOf(hash: number, slot: number): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let p = hash & mask;; p = (p + 1) & mask) {
      const h = table[2 * p];
      if (h === hash && table[2 * p + 1] === slot) return p;
      if (h === 0) {
        throw new Error(
          `SlotIndex: slot ${slot} of hash ${hash} is not indexed`,
        );
      }
    }
  }

  #place(hash: number, slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let p = hash & mask;
    while (table[2 * p] !== 0) p = (p + 1) & mask;
    table[2 * p] = hash;
    table[2 * p + 1] = slot;
  }

  /** Moves every key into a table of `capacity` positions (by stored hash). */
  #rehash(capacity: number): void {
    const old = this.#table;
    this.#table = new Int32Array(2 * capacity);
    this.#mask = capacity - 1;
    for (let p = 0; p < old.length; p += 2) {
      if (old[p] !== 0) this.#place(old[p], old[p + 1]);
    }
  }
}
