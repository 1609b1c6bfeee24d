/**
 * Helpers for the store's tests and benchmarks (private).
 *
 * @module
 */

import assert from "node:assert/strict";
export { seededRandom } from "../../tests/_helpers/prng.ts";

/**
 * A random integer in [0, n).
 *
 * @param random The source of uniform numbers.
 * @param n The bound.
 * @returns The integer.
 *
 * @example Roll a die
 * ```ts
 * import { randomInt, seededRandom } from "./_testing.ts";
 * import assert from "node:assert/strict";
 *
 * const roll = randomInt(seededRandom(1), 6);
 * assert.ok(roll >= 0 && roll < 6);
 * ```
 */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/**
 * A random byte string (codes 0–255) of the given length.
 *
 * @param random The source of uniform numbers.
 * @param length The length.
 * @returns The string.
 *
 * @example Make a key
 * ```ts
 * import { randomBytes, seededRandom } from "./_testing.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(randomBytes(seededRandom(1), 16).length, 16);
 * ```
 */
export function randomBytes(random: () => number, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) {
    s += String.fromCharCode(randomInt(random, 256));
  }
  return s;
}

/**
 * The heap growth while what `build` returns is alive, measured after full
 * garbage collections; needs the runtime started with
 * `--v8-flags=--expose-gc` (else `undefined`). `build` runs in its own call
 * so nothing it made stays reachable from a stale interpreter register.
 *
 * @param build Makes the value to measure.
 * @returns Bytes, or `undefined` without `gc`.
 *
 * @example Measure an array
 * ```ts
 * import { measureBytes } from "./_testing.ts";
 *
 * const bytes = measureBytes(() => new Array(1000).fill(0));
 * if (bytes !== undefined) console.log(`${bytes} bytes`);
 * ```
 */
export function measureBytes(build: () => unknown): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  gc();
  gc();
  const before = Deno.memoryUsage().heapUsed;
  const value = build();
  gc();
  gc();
  const after = Deno.memoryUsage().heapUsed;
  retained.value = value; // reachable until here
  retained.value = undefined;
  return after - before;
}

const retained: { value: unknown } = { value: undefined };

/**
 * `n` distinct byte strings of `length` bytes (`length` >= 8), made flat
 * (sequential) as strings decoded from the network are.
 *
 * @param n How many.
 * @param length Bytes each.
 * @param prefix A distinct prefix, so several calls do not overlap.
 * @returns The strings.
 *
 * @example Make members
 * ```ts
 * import { distinctStrings } from "./_testing.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(distinctStrings(2, 8, "m"), ["m0000000", "m0000001"]);
 * ```
 */
export function distinctStrings(
  n: number,
  length: number,
  prefix: string,
): string[] {
  const out: string[] = [];
  const codes: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = prefix + String(i).padStart(length - prefix.length, "0");
    codes.length = 0;
    for (let j = 0; j < s.length; j++) codes.push(s.charCodeAt(j));
    // fromCharCode makes a flat one-byte string (a concatenation would be a
    // rope of two pieces).
    out.push(String.fromCharCode(...codes));
  }
  return out;
}

/**
 * Checks a random draw with Redis's count rule (HRANDFIELD, SRANDMEMBER):
 * a count of 0 or more gives that many distinct items (at most all of
 * them), a negative count `-count` items that may repeat (none from an
 * empty collection); every item is one of the collection's, and a single
 * draw is one of them (or `undefined` when it is empty).
 *
 * @param drawn The items drawn with `count`.
 * @param count The count asked for.
 * @param one A single draw.
 * @param has Whether the collection holds an item.
 * @param size The collection's size.
 */
export function assertRandomDraw(
  drawn: readonly string[],
  count: number,
  one: string | undefined,
  has: (item: string) => boolean,
  size: number,
): void {
  for (const x of drawn) assert.ok(has(x), `${x} is not in the collection`);
  if (count >= 0) {
    assert.equal(drawn.length, Math.min(count, size));
    assert.equal(new Set(drawn).size, drawn.length, "distinct");
  } else {
    assert.equal(drawn.length, size === 0 ? 0 : -count);
  }
  assert.ok(one === undefined ? size === 0 : has(one));
}
