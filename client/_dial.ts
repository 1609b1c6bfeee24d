/**
 * What the transports share: the client's `tls` option, the byte stream a
 * connection reads and writes, and the error of a failed TLS handshake.
 * The transports themselves (Deno's, Node.js's) are in `_transport*.ts`.
 * Private to the package.
 *
 * @module
 */

/**
 * TLS to the nodes (nodes started with `--tls-cert` and `--tls-key`).
 *
 * @example Trust a private CA; the nodes' certificates name `cache.internal`
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * const client = new CacheMirClient({
 *   nodes: ["10.0.0.5:7379", "10.0.0.6:7379"],
 *   tls: {
 *     caCerts: [Deno.readTextFileSync("ca.crt")],
 *     hostname: "cache.internal",
 *   },
 * });
 * ```
 */
export interface ClientTlsOptions {
  /**
   * PEM certificates of the CAs to trust, besides the system's roots: the
   * CA that signed the nodes' certificates when it is a private one.
   * @default {[]}
   */
  readonly caCerts?: readonly string[];
  /**
   * The name the node's certificate must carry (a DNS name or an IP
   * address among its subject alternative names), when it is not the
   * address the client connects to: e.g. the DNS name of a `dns:` spec,
   * whose nodes are reached by IP address. Under Deno, cannot differ from
   * the address when `cert` is given (Deno's `connectTls`, the only call
   * that takes a client certificate, checks the name it connects to).
   * @default {the node's host}
   */
  readonly hostname?: string;
  /**
   * A PEM client certificate (chain), for nodes started with `--tls-ca`.
   * Needs `key`.
   */
  readonly cert?: string;
  /** The PEM private key of `cert`. */
  readonly key?: string;
}

/** The TLS handshake failed: the message says why (the peer's certificate, its bytes...). */
export class TlsHandshakeError extends Error {
  /**
   * @param cause What the handshake threw.
   */
  constructor(cause: unknown) {
    super(
      `TLS handshake failed: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = "TlsHandshakeError";
  }
}

/**
 * An open, connected byte stream: what a `ClientConnection` reads
 * replies from and writes requests to. A `Deno.Conn` is one (the client
 * uses Deno's sockets as they are under Deno); under Node.js and Bun the
 * client wraps a `node:net` or `node:tls` socket.
 */
export interface ByteStream {
  /**
   * Reads into `buffer`.
   *
   * @param buffer Where the bytes go.
   * @returns How many bytes were read (at least 1), or `null` at the end
   * of the stream.
   */
  read(buffer: Uint8Array): Promise<number | null>;
  /**
   * Writes bytes (the stream may take fewer than given: the caller writes
   * the rest). Resolves once the bytes are handed to the system, not
   * merely queued, which is what batches a connection's writes.
   *
   * @param bytes What to send; the caller does not change them before the
   * promise settles.
   * @returns How many of the bytes were written.
   */
  write(bytes: Uint8Array): Promise<number>;
  /** Closes the stream: pending reads end, pending writes fail. */
  close(): void;
}

/** Where to connect. */
export interface DialTarget {
  /** Host name or IP address. */
  readonly hostname: string;
  /** TCP port. */
  readonly port: number;
}

/**
 * Checks a {@linkcode ClientTlsOptions} once, when a client or connection
 * is made.
 *
 * @param tls The option.
 * @throws {TypeError} When `cert` comes without `key` (or the reverse).
 */
export function checkTlsOptions(tls: ClientTlsOptions | undefined): void {
  if (tls === undefined) return;
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new TypeError(
      `Invalid tls option: ${
        tls.cert === undefined ? "key" : "cert"
      } is given without ${tls.cert === undefined ? "cert" : "key"}`,
    );
  }
}
