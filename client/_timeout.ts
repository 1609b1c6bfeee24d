/**
 * A wait bounded in time. Private to the package.
 *
 * @module
 */

/** What {@linkcode withTimeout} resolves with when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * Settles as `promise` does, or with {@linkcode TIMED_OUT} after `ms` if it
 * has not settled by then. The timer is cleared either way.
 *
 * @param promise What is waited for.
 * @param ms The longest wait.
 * @returns The value of `promise`, or `TIMED_OUT`.
 * @throws What `promise` rejects with, if it does within `ms`.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
