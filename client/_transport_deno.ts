/**
 * The client's transport under Deno: `Deno.connect`, `Deno.startTls`,
 * `Deno.connectTls`, `Deno.resolveDns`, `Deno.unrefTimer`. The sockets are
 * Deno's own, used as they are. Chosen by `_transport.ts`; private to the
 * package.
 *
 * @module
 */

import {
  type ByteStream,
  type ClientTlsOptions,
  type DialTarget,
  TlsHandshakeError,
} from "./_dial.ts";

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
export async function dialDeno(
  target: DialTarget,
  tls: ClientTlsOptions | undefined,
  signal?: AbortSignal,
): Promise<ByteStream> {
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

/**
 * Looks up a name's A or AAAA records with `Deno.resolveDns`.
 *
 * @param hostname The name.
 * @param recordType `"A"` or `"AAAA"`.
 * @returns The addresses.
 * @throws {Deno.errors.NotFound} When the name has no such record.
 */
export function resolveDnsDeno(
  hostname: string,
  recordType: "A" | "AAAA",
): Promise<string[]> {
  return Deno.resolveDns(hostname, recordType);
}

/**
 * Lets the process exit while `timer` is pending.
 *
 * @param timer What `setTimeout` returned.
 */
export function unrefTimerDeno(timer: ReturnType<typeof setTimeout>): void {
  Deno.unrefTimer(timer);
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
