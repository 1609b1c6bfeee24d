/**
 * Polling helpers for tests that wait for a condition instead of sleeping.
 *
 * @module
 */

/**
 * Waits until `check()` holds, polling every 20 ms; fails after `ms`.
 *
 * @param check The condition, sync or async.
 * @param what What is awaited, for the error.
 * @param ms How long to wait at most.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One `field:value` line of an INFO reply.
 *
 * @param info The INFO reply (a string, or anything that stringifies to it).
 * @param field The field's name.
 * @returns Its value, or undefined when the reply has no such line.
 */
export function infoField(info: unknown, field: string): string | undefined {
  return String(info).match(new RegExp(`^${field}:(.*)\\r$`, "m"))?.[1];
}
