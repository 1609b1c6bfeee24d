/**
 * {@linkcode FrequencySketch} (private): how often keys were read lately,
 * in fixed memory — the near cache's admission filter (TinyLFU: Einziger,
 * Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", 2017). A count-min sketch of 4 rows of small saturating
 * counters; after `10 × capacity` increments every counter is halved, so
 * old popularity fades and a key that stopped being read loses to one read
 * now.
 *
 * @module
 */

import { murmur3ByteString } from "@cachemir/protocol";

const ROWS = 4;
/** Counters saturate here (4 bits' worth, as TinyLFU's). */
const MAX_COUNT = 15;
/** Increments between two halvings, per counter of a row. */
const SAMPLE_FACTOR = 10;

/**
 * How far a key's counter moves from one row to the next (odd, so the
 * rows' indexes differ): {@linkcode FrequencySketch.increment} and
 * {@linkcode FrequencySketch.estimate} must walk the same counters.
 */
function rowStep(hash: number): number {
  return (Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) | 1) >>> 0;
}

/**
 * Counts keys' reads approximately: an estimate is never below the true
 * count since the last halving (capped at 15), and above it only where
 * keys collide in every row.
 */
export class FrequencySketch {
  readonly #counts: Uint8Array;
  readonly #mask: number;
  readonly #sampleSize: number;
  #additions = 0;
  readonly #seed: number;

  /**
   * @param capacity The entries the cache holds: each row gets the next
   * power of two at or above it (at least 64) counters.
   * @param seed The hash seed (a random one by default).
   */
  constructor(
    capacity: number,
    seed: number = (Math.random() * 0x1_0000_0000) >>> 0,
  ) {
    let width = 64;
    while (width < capacity) width *= 2;
    this.#counts = new Uint8Array(ROWS * width);
    this.#mask = width - 1;
    this.#sampleSize = SAMPLE_FACTOR * Math.max(capacity, 16);
    this.#seed = seed;
  }

  /**
   * A key's hash for {@linkcode increment} and {@linkcode estimate}.
   *
   * @param key The key.
   * @returns Its 32-bit hash.
   */
  hash(key: string): number {
    return murmur3ByteString(key, this.#seed);
  }

  /**
   * Counts one read of the key with this hash; halves every counter once
   * the sample is full.
   *
   * @param hash The key's {@linkcode hash}.
   */
  increment(hash: number): void {
    const counts = this.#counts;
    const mask = this.#mask;
    const step = rowStep(hash);
    let h = hash >>> 0;
    let base = 0;
    for (let row = 0; row < ROWS; row++) {
      const at = base + (h & mask);
      if (counts[at] < MAX_COUNT) counts[at]++;
      h = (h + step) >>> 0;
      base += mask + 1;
    }
    if (++this.#additions >= this.#sampleSize) this.#halve();
  }

  /**
   * The key's estimated reads since about the last halving.
   *
   * @param hash The key's {@linkcode hash}.
   * @returns The smallest of its counters.
   */
  estimate(hash: number): number {
    const counts = this.#counts;
    const mask = this.#mask;
    const step = rowStep(hash);
    let h = hash >>> 0;
    let base = 0;
    let min = MAX_COUNT;
    for (let row = 0; row < ROWS; row++) {
      const c = counts[base + (h & mask)];
      if (c < min) min = c;
      h = (h + step) >>> 0;
      base += mask + 1;
    }
    return min;
  }

  #halve(): void {
    const counts = this.#counts;
    for (let i = 0; i < counts.length; i++) counts[i] >>>= 1;
    this.#additions >>>= 1;
  }
}
