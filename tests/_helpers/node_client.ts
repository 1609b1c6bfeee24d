/**
 * Set-up of the tests of CacheMirClient's commands against one real node
 * process, and the assertions they share.
 *
 * @module
 */

import assert from "node:assert/strict";
import { CacheMirClient, ReplyError } from "@cachemir/client";
import { type NodeProcess, startNodeProcess } from "./node_process.ts";

/** Redis's reply to a command on a key of another type. */
export const WRONGTYPE =
  "WRONGTYPE Operation against a key holding the wrong kind of value";

/**
 * UTF-8 bytes of a string.
 *
 * @param s The text.
 * @returns Its bytes.
 */
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Resolves after `ms`.
 *
 * @param ms Milliseconds.
 * @returns A promise.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Asserts that `p` rejects with a {@linkcode ReplyError} of exactly `text`,
 * whose code is the text's first word.
 *
 * @param p The call.
 * @param text The node's error text, e.g. `ERR syntax error`.
 */
export async function rejectsWith(
  p: Promise<unknown>,
  text: string,
): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ReplyError, `expected ReplyError, got ${e}`);
    assert.equal(e.message, text);
    assert.equal(e.code, text.split(" ")[0]);
    return true;
  });
}

/**
 * Starts a node process and a client of it, runs `fn`, then closes the
 * client and stops the node, whatever `fn` did.
 *
 * @param fn The test's body.
 */
export async function withNodeClient(
  fn: (client: CacheMirClient, node: NodeProcess) => Promise<void>,
): Promise<void> {
  const node = await startNodeProcess();
  const client = new CacheMirClient({ nodes: [node.address] });
  try {
    await fn(client, node);
  } finally {
    await client.close();
    await node.stop();
  }
}
