/**
 * Checks of numeric options, shared by {@linkcode Pool} and the client's
 * constructor. Private to the package.
 *
 * @module
 */

/**
 * An option that must be a whole number from 1 to `max`.
 *
 * @param name The option's name, for the error.
 * @param value What was given; `undefined` for the default.
 * @param fallback The default.
 * @param max The largest value accepted; none when omitted.
 * @returns `value`, or `fallback` when it is `undefined`.
 * @throws {RangeError} When `value` is not an integer from 1 to `max`.
 */
export function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  max?: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > (max ?? Infinity)) {
    throw new RangeError(
      `Invalid ${name}: ${value} (must be ${
        max === undefined ? "a positive integer" : `an integer from 1 to ${max}`
      })`,
    );
  }
  return value;
}

/**
 * An option that must be a positive, finite number of milliseconds.
 *
 * @param name The option's name, for the error.
 * @param value What was given; `undefined` for the default.
 * @param fallback The default.
 * @returns `value`, or `fallback` when it is `undefined`.
 * @throws {RangeError} When `value` is not positive and finite.
 */
export function positiveMs(
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Invalid ${name}: ${value} (must be a positive finite number of milliseconds)`,
    );
  }
  return value;
}
