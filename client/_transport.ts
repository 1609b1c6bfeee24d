/**
 * The transport seam: everything the client needs from its runtime's
 * network and timers, chosen once when the module loads. Under Deno, Deno's
 * own sockets, DNS and timers (`_transport_deno.ts`, used as they are: no
 * wrapper on the hot path); under Node.js (20 and later) and Bun,
 * `node:net`, `node:tls` and `node:dns` (`_transport_node.ts`, loaded on
 * first use). Nothing else in the client or `@cachemir/protocol` touches
 * `Deno.*`. Private to the package.
 *
 * @module
 */

import type { ByteStream, ClientTlsOptions, DialTarget } from "./_dial.ts";
import { dialDeno, resolveDnsDeno, unrefTimerDeno } from "./_transport_deno.ts";
import { dialNode, resolveDnsNode, unrefTimerNode } from "./_transport_node.ts";

/** Which transport this process uses: `"deno"`, or `"node"` (Node.js and Bun). */
export const RUNTIME: "deno" | "node" =
  typeof (globalThis as { Deno?: { connect?: unknown } }).Deno?.connect ===
      "function"
    ? "deno"
    : "node";

const DENO = RUNTIME === "deno";

/**
 * Opens the socket of a connection to a node: TCP, or TLS with the
 * client's `tls` option, the handshake completed. Shared by
 * `ClientConnection.connect` and the health checks.
 *
 * @param target The node's host and port.
 * @param tls TLS options; plain TCP when `undefined`.
 * @param signal Aborts the attempt, the TLS handshake included.
 * @returns The open stream, TCP_NODELAY set (under Deno, except with a
 * client certificate).
 * @throws {TlsHandshakeError} When the TLS handshake fails.
 * @throws {Error} What connecting threw, or the signal's reason.
 */
export const dial: (
  target: DialTarget,
  tls: ClientTlsOptions | undefined,
  signal?: AbortSignal,
) => Promise<ByteStream> = DENO ? dialDeno : dialNode;

/**
 * Looks up a name's A or AAAA records (DNS itself, not the hosts file).
 *
 * @param hostname The name.
 * @param recordType `"A"` or `"AAAA"`.
 * @returns The addresses.
 * @throws {Error} When the name has no such record.
 */
export const resolveDns: (
  hostname: string,
  recordType: "A" | "AAAA",
) => Promise<string[]> = DENO ? resolveDnsDeno : resolveDnsNode;

/**
 * Lets the process exit while `timer` is pending: for the client's
 * background timers (health checks, DNS discovery).
 *
 * @param timer What `setTimeout` returned.
 */
export const unrefTimer: (timer: ReturnType<typeof setTimeout>) => void = DENO
  ? unrefTimerDeno
  : unrefTimerNode;
