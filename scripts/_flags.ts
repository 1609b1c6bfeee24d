/**
 * A command-line flag's integer value, for the scripts' own flags
 * (`deno task cluster`, `deno task drill`).
 *
 * @module
 */

/**
 * Reads a flag's value as an integer in `[min, max]`.
 *
 * @param name The flag, without `--`.
 * @param raw Its text.
 * @param min The smallest value allowed.
 * @param max The largest value allowed.
 * @param fail Reports the error (and ends the program).
 * @returns The value.
 *
 * @example
 * ```ts
 * import { integerFlag } from "./_flags.ts";
 * import assert from "node:assert/strict";
 *
 * const fail = (message: string): never => { throw new Error(message); };
 * assert.equal(integerFlag("port", "7379", 1, 65535, fail), 7379);
 * assert.throws(() => integerFlag("port", "0", 1, 65535, fail), /from 1 to 65535/);
 * ```
 */
export function integerFlag(
  name: string,
  raw: string,
  min: number,
  max: number,
  fail: (message: string) => never,
): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    fail(
      `Invalid --${name} ${
        JSON.stringify(raw)
      }: expected an integer from ${min} to ${max}`,
    );
  }
  return n;
}
