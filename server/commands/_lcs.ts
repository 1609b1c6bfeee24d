/**
 * The longest common subsequence of two byte strings, as LCS computes it:
 * the classic dynamic-programming table, then one walk back from its end
 * that picks the same subsequence Redis 7.0 picks (on a tie it drops a
 * byte of the second string) and the matching ranges in the order Redis
 * reports them (last first).
 *
 * @module
 */

/** One run of bytes common to both strings, as LCS IDX reports it. */
export interface LcsMatch {
  /** First and last index of the run in the first string. */
  readonly a: readonly [number, number];
  /** First and last index of the run in the second string. */
  readonly b: readonly [number, number];
  /** The run's length. */
  readonly length: number;
}

/** What {@linkcode lcs} found. */
export interface LcsResult {
  /** The subsequence's length. */
  readonly length: number;
  /** The subsequence's bytes (when asked for). */
  readonly text?: Uint8Array;
  /** The runs of at least the minimum length, last first (when asked for). */
  readonly matches?: LcsMatch[];
}

/** What {@linkcode lcs} is asked for. */
export interface LcsOptions {
  /** Make the subsequence's bytes. */
  readonly text: boolean;
  /** List the runs. */
  readonly matches: boolean;
  /** The shortest run listed (0: every run). */
  readonly minMatchLength: number;
}

/**
 * Computes the longest common subsequence of `a` and `b`.
 *
 * @param a The first string.
 * @param b The second string.
 * @param options What to report.
 * @returns The length, and the bytes and runs when asked for.
 * @throws {RangeError} When the table, `(a.length + 1) × (b.length + 1)`
 * 32-bit cells, cannot be allocated.
 *
 * @example
 * ```ts
 * import { lcs } from "./_lcs.ts";
 * import assert from "node:assert/strict";
 *
 * const enc = (s: string) => new TextEncoder().encode(s);
 * const r = lcs(enc("ohmytext"), enc("mynewtext"), {
 *   text: true,
 *   matches: true,
 *   minMatchLength: 0,
 * });
 * assert.equal(new TextDecoder().decode(r.text), "mytext");
 * assert.deepEqual(r.matches?.[0], { a: [4, 7], b: [5, 8], length: 4 });
 * ```
 */
export function lcs(
  a: Uint8Array,
  b: Uint8Array,
  options: LcsOptions,
): LcsResult {
  const alen = a.length;
  const blen = b.length;
  const row = blen + 1;
  const table = new Uint32Array((alen + 1) * row);
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    const here = i * row;
    const above = here - row;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) {
        table[here + j] = table[above + j - 1] + 1;
      } else {
        const up = table[above + j];
        const left = table[here + j - 1];
        table[here + j] = up > left ? up : left;
      }
    }
  }
  const length = table[alen * row + blen];
  if (!options.text && !options.matches) return { length };

  const text = new Uint8Array(length);
  const matches: LcsMatch[] = [];
  const min = options.minMatchLength;
  let k = length;
  let i = alen;
  let j = blen;
  // The run being followed backwards; aStart === -1: none.
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      text[--k] = a[i - 1];
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * row + j] > table[i * row + j - 1]) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      const runLength = aEnd - aStart + 1;
      if (min === 0 || runLength >= min) {
        matches.push({
          a: [aStart, aEnd],
          b: [bStart, bEnd],
          length: runLength,
        });
      }
      aStart = -1;
    }
  }
  return { length, text, matches };
}
