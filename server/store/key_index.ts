/**
 * {@linkcode KeyIndex}: the keyspace's hash index, key hash → record
 * reference, in typed arrays (no object per key).
 *
 * Open addressing with linear probing, split in 256 segments by the hash's
 * top 8 bits; each segment grows on its own (doubling at 3/4 full) and
 * shrinks when it is less than 1/8 full (halving, as Redis shrinks a dict
 * under 10 %), so growth never stops the node for a whole-table rehash and
 * the index of a keyspace that emptied does not keep its peak size. A slot holds the
 * key's full 32-bit hash (never 0: 0 marks an empty slot) beside the record
 * reference: a probe compares hashes and touches a record only when they
 * match, and growing a segment re-reads no key. Deletion shifts the probe
 * run back (no tombstones), so a key always sits in the run that starts at
 * its home slot (`hash & mask`) — what SCAN's cursor relies on.
 *
 * @module
 */

/** Segments: the hash's top 8 bits pick one. */
export const SEGMENTS = 256;
/**
 * A bit of the stored hash kept for the owner's use (the keyspace marks
 * volatile keys with it, so walks find them without reading records). Bit
 * 23 takes part in no home slot while segments stay under 2^23 slots.
 */
export const MARK = 1 << 23;
const MAX_SEGMENT_SLOTS = 1 << 23;
const INITIAL_SLOTS = 8;
/** Where the last successful {@linkcode KeyIndex.find} found its key. */
export interface IndexPosition {
  /** The segment. */
  segment: number;
  /** The slot in the segment. */
  slot: number;
}

/**
 * Makes a stored hash: without the {@linkcode MARK} bit, and never 0 (0
 * marks an empty slot).
 *
 * @param hash A 32-bit hash.
 * @returns The hash without the mark, or 1 for 0.
 *
 * @example
 * ```ts
 * import { storedHash } from "./key_index.ts";
 * console.log(storedHash(0)); // 1
 * ```
 */
export function storedHash(hash: number): number {
  const h = hash & ~MARK;
  return h === 0 ? 1 : h;
}

/**
 * Reverses the bits of a 32-bit integer (SCAN's cursor increments the
 * reversed home slot, as Redis's `dictScan` does).
 *
 * @param v The integer.
 * @returns Its bits reversed, unsigned.
 *
 * @example
 * ```ts
 * import { reverseBits } from "./key_index.ts";
 * console.log(reverseBits(1) === 0x80000000); // true
 * ```
 */
export function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/**
 * The index. Keys are compared by the `equals` function given at
 * construction (one function: its call site stays monomorphic).
 *
 * @typeParam K What a lookup compares with a record (a byte string).
 *
 * @example Insert, find, remove
 * ```ts
 * import { KeyIndex } from "./key_index.ts";
 * import assert from "node:assert/strict";
 *
 * const keys = ["a", "b"];
 * const index = new KeyIndex<string>((ref, key) => keys[ref] === key);
 * index.insert(12345, 0, false);
 * assert.equal(index.find(12345, "a"), 0);
 * assert.equal(index.find(12345, "b"), -1);
 * index.removeAt(index.position.segment, index.position.slot);
 * assert.equal(index.size, 0);
 * ```
 */
export class KeyIndex<K> {
  /** Each segment's stored hashes (0 = empty). */
  readonly hashes: Int32Array[] = [];
  /** Each segment's record references. */
  readonly refs: Uint32Array[] = [];
  /** Each segment's slot count minus one. */
  readonly masks: Int32Array = new Int32Array(SEGMENTS);
  /** Where the last successful `find` or `findRef` stopped. */
  readonly position: IndexPosition = { segment: 0, slot: 0 };
  #counts = new Int32Array(SEGMENTS);
  #size = 0;
  #slots = 0;
  #released = 0;
  #equals: (ref: number, key: K) => boolean;

  /**
   * Makes an empty index.
   *
   * @param equals Tells whether the record at `ref` has key `key`.
   */
  constructor(equals: (ref: number, key: K) => boolean) {
    this.#equals = equals;
    this.clear();
  }

  /** Keys indexed. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of the index's arrays. */
  get bytes(): number {
    return this.#slots * 8;
  }

  /**
   * Bytes of the arrays that resizes gave up since the index was made (it
   * only grows).
   */
  get releasedBytes(): number {
    return this.#released;
  }

  /** Empties the index (segments back to their first size). */
  clear(): void {
    for (let s = 0; s < SEGMENTS; s++) {
      this.hashes[s] = new Int32Array(INITIAL_SLOTS);
      this.refs[s] = new Uint32Array(INITIAL_SLOTS);
      this.masks[s] = INITIAL_SLOTS - 1;
      this.#counts[s] = 0;
    }
    this.#size = 0;
    this.#slots = SEGMENTS * INITIAL_SLOTS;
  }

  /**
   * Finds a key. On success {@linkcode KeyIndex.position} says where.
   *
   * @param hash The key's stored hash ({@linkcode storedHash}).
   * @param key The key, for `equals`.
   * @returns The record reference, or -1.
   */
  find(hash: number, key: K): number {
    const segment = hash >>> 24;
    const hashes = this.hashes[segment];
    const mask = this.masks[segment];
    let i = hash & mask;
    for (;;) {
      const h = hashes[i];
      if (h === 0) return -1;
      if ((h & ~MARK) === hash) {
        const ref = this.refs[segment][i];
        if (this.#equals(ref, key)) {
          this.position.segment = segment;
          this.position.slot = i;
          return ref;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Finds the slot that holds a given reference. On success
   * {@linkcode KeyIndex.position} says where.
   *
   * @param hash The key's stored hash.
   * @param ref The record reference.
   * @returns `true` when found.
   */
  findRef(hash: number, ref: number): boolean {
    const segment = hash >>> 24;
    const hashes = this.hashes[segment];
    const refs = this.refs[segment];
    const mask = this.masks[segment];
    let i = hash & mask;
    for (;;) {
      const h = hashes[i];
      if (h === 0) return false;
      if ((h & ~MARK) === hash && refs[i] === ref >>> 0) {
        this.position.segment = segment;
        this.position.slot = i;
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Adds a key known to be absent.
   *
   * @param hash The key's stored hash.
   * @param ref The record reference.
   * @param marked Sets the {@linkcode MARK} bit.
   */
  insert(hash: number, ref: number, marked: boolean): void {
    const segment = hash >>> 24;
    if ((this.#counts[segment] + 1) * 4 > (this.masks[segment] + 1) * 3) {
      this.#grow(segment);
    }
    const hashes = this.hashes[segment];
    const mask = this.masks[segment];
    let i = hash & mask;
    while (hashes[i] !== 0) i = (i + 1) & mask;
    hashes[i] = marked ? hash | MARK : hash;
    this.refs[segment][i] = ref;
    this.#counts[segment]++;
    this.#size++;
  }

  /**
   * Points a slot at another record (the key's record moved).
   *
   * @param segment The segment.
   * @param slot The slot.
   * @param ref The new reference.
   */
  setRef(segment: number, slot: number, ref: number): void {
    this.refs[segment][slot] = ref;
  }

  /**
   * Sets or clears the {@linkcode MARK} bit of a slot.
   *
   * @param segment The segment.
   * @param slot The slot.
   * @param marked The bit's new value.
   */
  setMark(segment: number, slot: number, marked: boolean): void {
    const hashes = this.hashes[segment];
    hashes[slot] = marked ? hashes[slot] | MARK : hashes[slot] & ~MARK;
  }

  /**
   * Removes the key at a slot, shifting its probe run back.
   *
   * @param segment The segment.
   * @param slot The slot.
   */
  removeAt(segment: number, slot: number): void {
    const hashes = this.hashes[segment];
    const refs = this.refs[segment];
    const mask = this.masks[segment];
    let hole = slot;
    let j = slot;
    for (;;) {
      j = (j + 1) & mask;
      const h = hashes[j];
      if (h === 0) break;
      const home = h & mask;
      // Move j back into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j
        ? home > hole && home <= j
        : home > hole || home <= j;
      if (!inRange) {
        hashes[hole] = h;
        refs[hole] = refs[j];
        hole = j;
      }
    }
    hashes[hole] = 0;
    const count = --this.#counts[segment];
    this.#size--;
    if (count * 8 < mask + 1 && mask + 1 > INITIAL_SLOTS) {
      this.#resize(segment, (mask + 1) / 2);
    }
  }

  /**
   * One step of a scan by home slot, in Redis's reverse-binary cursor order
   * (segment by segment): every key present for the whole scan is visited
   * at least once, however segments grow in between.
   *
   * @param cursor 0 to start, or what the last step returned.
   * @param minVisits Stop once this many keys were visited...
   * @param maxHomes ...or this many home slots were looked at.
   * @param visit Called with each key's segment and slot.
   * @returns The next cursor; 0 when the scan is complete.
   */
  scan(
    cursor: number,
    minVisits: number,
    maxHomes: number,
    visit: (segment: number, slot: number) => void,
  ): number {
    let segment = cursor % SEGMENTS;
    let v = Math.floor(cursor / SEGMENTS) >>> 0;
    let visits = 0;
    let homes = 0;
    while (visits < minVisits && homes < maxHomes) {
      if (this.#counts[segment] === 0) {
        // Nothing to visit here: on to the next segment for free.
        v = 0;
        segment++;
        if (segment === SEGMENTS) return 0;
        continue;
      }
      const mask = this.masks[segment];
      const hashes = this.hashes[segment];
      const home = v & mask;
      // The keys whose home is `home` sit in the run that starts there.
      for (let i = home;; i = (i + 1) & mask) {
        const h = hashes[i];
        if (h === 0) break;
        if ((h & mask) === home) {
          visit(segment, i);
          visits++;
        }
      }
      homes++;
      v = (v | ~mask) >>> 0;
      v = reverseBits(v);
      v = (v + 1) >>> 0;
      v = reverseBits(v);
      if (v === 0) {
        segment++;
        if (segment === SEGMENTS) return 0;
      }
    }
    return v * SEGMENTS + segment;
  }

  #grow(segment: number): void {
    this.#resize(segment, this.hashes[segment].length * 2);
  }

  /** Rebuilds a segment at `size` slots from the stored hashes (no key is read). */
  #resize(segment: number, size: number): void {
    const oldHashes = this.hashes[segment];
    const oldRefs = this.refs[segment];
    if (size > MAX_SEGMENT_SLOTS) {
      throw new RangeError(
        `Key index segment ${segment} cannot grow past ${MAX_SEGMENT_SLOTS} slots (${this.#size} keys)`,
      );
    }
    const mask = size - 1;
    const hashes = new Int32Array(size);
    const refs = new Uint32Array(size);
    for (let j = 0; j < oldHashes.length; j++) {
      const h = oldHashes[j];
      if (h === 0) continue;
      let i = h & mask;
      while (hashes[i] !== 0) i = (i + 1) & mask;
      hashes[i] = h;
      refs[i] = oldRefs[j];
    }
    this.hashes[segment] = hashes;
    this.refs[segment] = refs;
    this.masks[segment] = mask;
    // Give the old arrays' memory back now rather than at V8's next GC:
    // nothing else holds them (callers re-read a segment's arrays after a
    // removal, which is what may shrink it).
    this.#slots += size - oldHashes.length;
    this.#released += oldHashes.byteLength + oldRefs.byteLength;
    (oldHashes.buffer as ArrayBuffer).transfer(0);
    (oldRefs.buffer as ArrayBuffer).transfer(0);
  }
}
