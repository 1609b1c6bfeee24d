/**
 * {@linkcode LatencyWindow}: the latencies of the last requests in a fixed
 * ring buffer, for percentiles in `stats()`. Private to the package.
 *
 * @module
 */

/** How many samples a window keeps unless told otherwise. */
export const DEFAULT_WINDOW = 1024;

/**
 * The last `size` latency samples, in milliseconds. Recording is O(1) with
 * no allocation; percentiles sort a copy (O(size log size), on demand).
 */
export class LatencyWindow {
  #samples: Float64Array;
  #next = 0;
  #count = 0;

  /**
   * @param size How many samples to keep.
   */
  constructor(size: number = DEFAULT_WINDOW) {
    this.#samples = new Float64Array(size);
  }

  /** Samples held, at most the window's size. */
  get count(): number {
    return this.#count;
  }

  /**
   * Records one latency, replacing the oldest when full.
   *
   * @param ms The latency in milliseconds.
   */
  record(ms: number): void {
    this.#samples[this.#next] = ms;
    if (++this.#next === this.#samples.length) this.#next = 0;
    if (this.#count < this.#samples.length) this.#count++;
  }

  /**
   * Percentiles of the samples held (nearest-rank).
   *
   * @param ps The percentiles wanted, each in (0, 100].
   * @returns One value per percentile, `NaN` when there are no samples.
   */
  percentiles(ps: readonly number[]): number[] {
    const n = this.#count;
    if (n === 0) return ps.map(() => NaN);
    const sorted = this.#samples.slice(0, n).sort();
    return ps.map((p) =>
      sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]
    );
  }
}
