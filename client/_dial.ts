/**
 * Opens the socket of a connection to a node: TCP, or TLS with the client's
 * `tls` option. Shared by {@linkcode ClientConnection.connect} and the
 * health checks. Private to the package.
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
   * whose nodes are reached by IP address. Cannot differ from the address
   * when `cert` is given (Deno's `connectTls`, the only call that takes a
   * client certificate, checks the name it connects to).
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

/**
 * Connects, and with `tls` completes the TLS handshake: a certificate the
 * client does not trust fails here, not at the first command.
 *
 * @param target The node's host and port.
 * @param tls TLS options; plain TCP when `undefined`.
 * @param signal Aborts the attempt, the TLS handshake included (the socket
 * is closed; the promise rejects with the signal's reason).
 * @returns The open socket (TCP_NODELAY set, except with a client
 * certificate: `Deno.connectTls` offers no way to set it).
 * @throws {Error} What `Deno.connect`, `Deno.connectTls` or the handshake
 * threw, or the signal's reason.
 */
export async function dial(
  target: DialTarget,
  tls: ClientTlsOptions | undefined,
  signal?: AbortSignal,
): Promise<Deno.Conn> {
  if (tls !== undefined && tls.cert !== undefined && tls.key !== undefined) {
    if (tls.hostname !== undefined && tls.hostname !== target.hostname) {
      throw new TypeError(
        `Cannot connect to ${target.hostname} with a client certificate and tls.hostname ${tls.hostname}: Deno.connectTls checks the name it connects to`,
      );
    }
    const conn = await abortable(
      Deno.connectTls({
        hostname: target.hostname,
        port: target.port,
        caCerts: tls.caCerts === undefined ? [] : [...tls.caCerts],
        cert: tls.cert,
        key: tls.key,
      }),
      signal,
    );
    return await handshake(conn, signal);
  }
  const tcp = await Deno.connect({
    hostname: target.hostname,
    port: target.port,
    signal,
  });
  tcp.setNoDelay(true);
  if (tls === undefined) return tcp;
  const conn = await Deno.startTls(tcp, {
    hostname: tls.hostname ?? target.hostname,
    caCerts: tls.caCerts === undefined ? [] : [...tls.caCerts],
  });
  return await handshake(conn, signal);
}

/** `opening`, or the signal's reason when it aborts first (the socket is closed when it comes). */
function abortable(
  opening: Promise<Deno.TlsConn>,
  signal: AbortSignal | undefined,
): Promise<Deno.TlsConn> {
  if (signal === undefined) return opening;
  if (signal.aborted) {
    opening.then((c) => c.close(), () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      opening.then((c) => c.close(), () => {});
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    opening.then(
      (c) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) c.close();
        else resolve(c);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Runs the handshake; closes the socket when it fails or the signal aborts
 * (which ends a handshake a peer never answers).
 */
async function handshake(
  conn: Deno.TlsConn,
  signal: AbortSignal | undefined,
): Promise<Deno.TlsConn> {
  const close = (): void => {
    try {
      conn.close();
    } catch {
      // closed already
    }
  };
  signal?.addEventListener("abort", close, { once: true });
  try {
    signal?.throwIfAborted();
    await conn.handshake();
    signal?.throwIfAborted();
    return conn;
  } catch (e) {
    close();
    throw signal?.aborted ? signal.reason : new TlsHandshakeError(e);
  } finally {
    signal?.removeEventListener("abort", close);
  }
}
