/**
 * A small seeded pseudo-random generator for tests that must replay: the same
 * seed gives the same sequence on every run and machine.
 *
 * @module
 */

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
  #state: number;

  /**
   * @param seed Any integer; only its low 32 bits are used.
   */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /**
   * The next 32 random bits.
   *
   * @returns An integer in [0, 2^32).
   */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
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
