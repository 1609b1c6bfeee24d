/**
 * A seeded Zipf sampler: ranks drawn with probability ∝ 1/(rank+1)^s from a
 * pre-computed cumulative distribution, by binary search.
 *
 * @module
 */

import { mulberry32 } from "../../tests/_helpers/prng.ts";

/** The cumulative distribution of Zipf(s) over `n` ranks. */
export interface ZipfTable {
  /** Number of ranks. */
  readonly n: number;
  /** The exponent. */
  readonly s: number;
  /** `cdf[r]` = P(rank ≤ r); the last is exactly 1. */
  readonly cdf: Float64Array;
}

/**
 * Computes the cumulative distribution of Zipf(s) over `n` ranks.
 *
 * @param n Ranks (keys), ≥ 1.
 * @param s The exponent (0.99 for the usual cache workload).
 * @returns The table (8 bytes per rank).
 */
export function zipfTable(n: number, s: number): ZipfTable {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / Math.pow(r + 1, s);
    cdf[r] = sum;
  }
  for (let r = 0; r < n; r++) cdf[r] /= sum;
  cdf[n - 1] = 1;
  return { n, s, cdf };
}

/**
 * The rank whose cumulative probability first reaches `u`.
 *
 * @param table The distribution.
 * @param u A number in [0, 1).
 * @returns A rank in [0, n).
 */
export function zipfRank(table: ZipfTable, u: number): number {
  const cdf = table.cdf;
  let lo = 0;
  let hi = table.n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The multiplier that spreads ranks over keys: `rank × step mod n` is a
 * permutation of [0, n) because `step` is coprime with `n`.
 *
 * @param n Keys.
 * @returns The step.
 */
export function spreadStep(n: number): number {
  let step = 2654435761 % n || 1;
  while (gcd(step, n) !== 1) step++;
  return step;
}

/**
 * A seeded generator of key numbers: Zipf ranks spread over [0, n) by a
 * fixed permutation (`rank × step mod n`), so that hot keys are not all
 * neighbours.
 *
 * @param table The distribution.
 * @param seed The PRNG seed: the same seed gives the same sequence.
 * @returns A function giving the next key number.
 */
export function zipfKeys(table: ZipfTable, seed: number): () => number {
  const next = mulberry32(seed);
  const n = table.n;
  const step = spreadStep(n);
  return (): number => {
    const rank = zipfRank(table, next() / 4294967296);
    return (rank * step) % n;
  };
}
