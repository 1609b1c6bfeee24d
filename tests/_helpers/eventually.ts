/**
 * Polling helpers for tests that wait for a condition instead of sleeping.
 *
 * @module
 */

import type { RespClient } from "./resp_client.ts";

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

/**
 * Waits until INFO clients on `c` (a node's or redis-server's RESP port)
 * reports `n` blocked clients.
 *
 * @param c A connection that is not itself blocked.
 * @param n The count awaited.
 * @param where Names the server in the error.
 */
export async function untilBlockedClients(
  c: RespClient,
  n: number,
  where: string,
): Promise<void> {
  await eventually(
    async () =>
      infoField(await c.call("INFO", "clients"), "blocked_clients") ===
        String(n),
    `${n} blocked clients on ${where}`,
  );
}
