/**
 * {@linkcode LatencyHistogram}: a log-linear histogram of durations in
 * nanoseconds, whose record costs a few integer operations and one array
 * increment (no allocation): 16 buckets per power of two, so a percentile
 * is known within 1/16 (6.25%) of its value, from 1 ns to about 18 minutes.
 *
 * Bucket `i` holds the durations `d` with `lower(i) < d <= upper(i)`, so the
 * count of durations at or under any power of two of nanoseconds is exact
 * (the Prometheus histogram's `le` buckets are such powers).
 *
 * @module
 */

/** Sub-buckets per power of two (a power of two itself). */
const SUB = 16;
/** log2 of {@linkcode SUB}. */
const SUB_BITS = 4;
/** The largest value recorded exactly; longer durations count here. */
const MAX_VALUE = 2 ** 40;
/** Buckets: values 0..15 one each, then 16 per power of two up to 2^40. */
const BUCKETS = (40 - SUB_BITS + 1) * SUB + SUB;

/**
 * The bucket of a value `x` (the duration in whole nanoseconds, minus one).
 *
 * @param x A non-negative integer under 2^40.
 * @returns The bucket index.
 */
function bucketOf(x: number): number {
  if (x < SUB) return x;
  if (x < 0x80000000) {
    const e = 31 - Math.clz32(x);
    return (e - SUB_BITS + 1) * SUB + ((x >>> (e - SUB_BITS)) & (SUB - 1));
  }
  const e = Math.floor(Math.log2(x));
  const sub = Math.floor(x / 2 ** (e - SUB_BITS)) & (SUB - 1);
  return (e - SUB_BITS + 1) * SUB + sub;
}

/**
 * The largest duration, in nanoseconds, that bucket `i` holds.
 *
 * @param i A bucket index.
 * @returns Its upper bound (inclusive).
 */
export function bucketUpperNanos(i: number): number {
  if (i < SUB) return i + 1;
  const e = Math.floor(i / SUB) + SUB_BITS - 1;
  const sub = i % SUB;
  return (SUB + sub + 1) * 2 ** (e - SUB_BITS);
}

/**
 * Durations of one command, by bucket.
 *
 * @example Record and read percentiles
 * ```ts
 * import { LatencyHistogram } from "./latency_histogram.ts";
 * import assert from "node:assert/strict";
 *
 * const h = new LatencyHistogram();
 * for (let i = 1; i <= 100; i++) h.record(i * 1000); // 1..100 µs
 * assert.equal(h.count, 100);
 * const p50 = h.percentileNanos(50);
 * assert.ok(p50 >= 50_000 && p50 < 50_000 * 1.07);
 * ```
 */
export class LatencyHistogram {
  /** Counts by bucket. */
  readonly counts: Float64Array = new Float64Array(BUCKETS);
  /** Durations recorded. */
  count = 0;

  /**
   * Records one duration: O(1), no allocation.
   *
   * @param nanos The duration in nanoseconds (a fraction is rounded up;
   * under 1 ns counts as 1 ns).
   */
  record(nanos: number): void {
    let x = Math.ceil(nanos) - 1;
    if (!(x > 0)) x = 0;
    else if (x >= MAX_VALUE) x = MAX_VALUE - 1;
    this.counts[bucketOf(x)]++;
    this.count++;
  }

  /**
   * The duration under which `percentile`% of the recorded ones fall: the
   * upper bound of the bucket where that share is reached, as HdrHistogram
   * reports it (the highest value equivalent to it).
   *
   * @param percentile From 0 to 100.
   * @returns Nanoseconds; 0 when nothing was recorded.
   */
  percentileNanos(percentile: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil(percentile / 100 * this.count));
    let seen = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= target) return bucketUpperNanos(i);
    }
    return bucketUpperNanos(counts.length - 1);
  }

  /**
   * How many recorded durations were at most `nanos` — exact when `nanos`
   * is a bucket's upper bound (any power of two is).
   *
   * @param nanos The bound in nanoseconds.
   * @returns The count.
   */
  countAtOrBelow(nanos: number): number {
    let n = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      if (bucketUpperNanos(i) > nanos) break;
      n += counts[i];
    }
    return n;
  }

  /** Forgets every duration. */
  reset(): void {
    this.counts.fill(0);
    this.count = 0;
  }
}
