/**
 * {@linkcode InstantaneousRate}: a counter's rate over its last samples, as
 * Redis's `instantaneous_ops_per_sec` is — the node samples its counters
 * every 100 ms and reports the mean rate of the last 16 intervals.
 *
 * @module
 */

/** Samples kept: 16 intervals of 100 ms, as Redis keeps. */
export const INSTANTANEOUS_SAMPLES = 16;

/**
 * The rate of one growing counter, from samples taken at a steady pace.
 *
 * @example
 * ```ts
 * import { InstantaneousRate } from "./instantaneous.ts";
 * import assert from "node:assert/strict";
 *
 * const rate = new InstantaneousRate();
 * rate.sample(0, 0);
 * rate.sample(100, 50); // 50 in 100 ms
 * rate.sample(200, 150); // 100 in 100 ms
 * assert.equal(rate.perSecond, 750);
 * ```
 */
export class InstantaneousRate {
  #rates = new Float64Array(INSTANTANEOUS_SAMPLES);
  #filled = 0;
  #next = 0;
  #lastMs = NaN;
  #lastValue = 0;

  /**
   * Records the counter's value now.
   *
   * @param nowMs The time, in ms (any steady clock).
   * @param value The counter's value; a value below the last one (a reset)
   * starts again from it.
   */
  sample(nowMs: number, value: number): void {
    const elapsed = nowMs - this.#lastMs;
    if (elapsed > 0 && value >= this.#lastValue) {
      this.#rates[this.#next] = (value - this.#lastValue) * 1000 / elapsed;
      this.#next = (this.#next + 1) % INSTANTANEOUS_SAMPLES;
      if (this.#filled < INSTANTANEOUS_SAMPLES) this.#filled++;
    }
    this.#lastMs = nowMs;
    this.#lastValue = value;
  }

  /** The mean rate per second over the samples kept; 0 before two samples. */
  get perSecond(): number {
    let sum = 0;
    for (let i = 0; i < this.#filled; i++) sum += this.#rates[i];
    return this.#filled === 0 ? 0 : sum / this.#filled;
  }

  /** Forgets every sample (CONFIG RESETSTAT). */
  reset(): void {
    this.#rates.fill(0);
    this.#filled = 0;
    this.#next = 0;
    this.#lastMs = NaN;
  }
}
