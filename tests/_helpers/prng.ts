/**
 * A small seeded pseudo-random generator for tests that must replay: the same
 * seed gives the same sequence on every run and machine.
 *
 * @module
 */

/**
 * The Mulberry32 generator as a function: each call gives the next 32 random
 * bits. Every seeded test and benchmark in the repository draws from this one.
 *
 * @param seed Any integer; only its low 32 bits are used.
 * @returns A function returning integers in [0, 2^32).
 *
 * @example Same seed, same sequence
 * ```ts
 * import { mulberry32 } from "./prng.ts";
 * import assert from "node:assert/strict";
 * assert.equal(mulberry32(7)(), mulberry32(7)());
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Mulberry32 scaled to uniform numbers in [0, 1), like `Math.random`.
 *
 * @param seed Any integer; only its low 32 bits are used.
 * @returns A function returning numbers in [0, 1).
 *
 * @example
 * ```ts
 * import { seededRandom } from "./prng.ts";
 * const r = seededRandom(1)();
 * console.log(r >= 0 && r < 1); // true
 * ```
 */
export function seededRandom(seed: number): () => number {
  const next = mulberry32(seed);
  return (): number => next() / 4294967296;
}

/**
 * Mulberry32: 32 bits of state, fast, good enough to pick test inputs (not
 * for anything secret).
 *
 * @example Replay a sequence
 * ```ts
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * const a = new Prng(42);
 * const b = new Prng(42);
 * assert.equal(a.int(1000), b.int(1000));
 * ```
 */
export class Prng {
  #next: () => number;

  /**
   * @param seed Any integer; only its low 32 bits are used.
   */
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /**
   * The next 32 random bits.
   *
   * @returns An integer in [0, 2^32).
   */
  next(): number {
    return this.#next();
  }

  /**
   * A random integer below `n`.
   *
   * @param n The bound (exclusive), at most 2^32.
   * @returns An integer in [0, n).
   */
  int(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  /**
   * A random integer in a closed range.
   *
   * @param min The smallest value.
   * @param max The largest value.
   * @returns An integer in [min, max].
   */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /**
   * Random bytes.
   *
   * @param n How many.
   * @returns `n` bytes, every value 0x00–0xFF possible.
   */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const r = this.next();
      out[i] = r;
      if (i + 1 < n) out[i + 1] = r >>> 8;
      if (i + 2 < n) out[i + 2] = r >>> 16;
      if (i + 3 < n) out[i + 3] = r >>> 24;
    }
    return out;
  }
}
