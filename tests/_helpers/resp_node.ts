/**
 * Starts an in-process node with a RESP port on a free port, for tests.
 *
 * @module
 */

import { CacheNode } from "../../server/node.ts";
import type { NodeConfig } from "../../server/config.ts";
import { freePort } from "./node_process.ts";
import { RespClient } from "./resp_client.ts";

/**
 * Starts a node on 127.0.0.1 with its binary port on any free port and its
 * RESP port on a port found free (retried if another process takes it
 * first).
 *
 * @param config More configuration.
 * @returns The started node (`node.respPort` is its RESP port).
 */
export async function startRespNode(
  config: Partial<NodeConfig> = {},
): Promise<CacheNode> {
  for (let attempt = 1;; attempt++) {
    const node = new CacheNode({ port: 0, respPort: freePort(), ...config });
    try {
      await node.start();
      return node;
    } catch (e) {
      if (!(e instanceof Deno.errors.AddrInUse) || attempt >= 10) throw e;
    }
  }
}

/**
 * Runs `fn` with a fresh node (see {@linkcode startRespNode}) and one RESP
 * connection to it; closes both afterwards.
 *
 * @param fn The test body.
 * @param config More configuration for the node.
 */
export async function withRespNode(
  fn: (node: CacheNode, c: RespClient) => Promise<void>,
  config: Partial<NodeConfig> = {},
): Promise<void> {
  const node = await startRespNode(config);
  const c = await RespClient.connect(node.respPort);
  try {
    await fn(node, c);
  } finally {
    c.close();
    await node.close();
  }
}
