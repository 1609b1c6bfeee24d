/**
 * The client's transport under Node.js (20 and later) and Bun: `node:net`,
 * `node:tls` and `node:dns`, loaded on first use (so that Deno, which uses
 * `_transport_deno.ts`, never loads them). A socket's `data` events feed
 * the same `read()` the connection's read loop calls under Deno, with
 * backpressure: past {@linkcode HIGH_WATER_BYTES} unread bytes the socket is
 * paused until the reader catches up. Chosen by `_transport.ts`; private to
 * the package.
 *
 * @module
 */

import type { Socket } from "node:net";
import {
  type ByteStream,
  type ClientTlsOptions,
  type DialTarget,
  TlsHandshakeError,
} from "./_dial.ts";

/** Unread bytes past which the socket is paused. */
export const HIGH_WATER_BYTES: number = 1024 * 1024;

type NetModule = typeof import("node:net");
type TlsModule = typeof import("node:tls");
type DnsModule = typeof import("node:dns");

let netModule: Promise<NetModule> | undefined;
let tlsModule: Promise<TlsModule> | undefined;
let dnsModule: Promise<DnsModule> | undefined;

/** A read waiting for bytes. */
interface Reader {
  readonly buffer: Uint8Array;
  readonly resolve: (n: number | null) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A `node:net` (or `node:tls`) socket as a {@linkcode ByteStream}: `data`
 * events queue chunks that `read()` copies out; a write resolves when the
 * socket has handed its bytes to the system.
 */
export class NodeSocketStream implements ByteStream {
  #socket: Socket;
  #chunks: Uint8Array[] = [];
  /** Bytes of `#chunks[0]` already read. */
  #offset = 0;
  #buffered = 0;
  #paused = false;
  #ended = false;
  #error: Error | undefined;
  #reader: Reader | undefined;
  /** Rejects of the writes not yet acknowledged. */
  #writes = new Set<(error: Error) => void>();

  /**
   * Takes a socket over (connected or connecting).
   *
   * @param socket The socket; this object owns it from now on.
   */
  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("end", () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on("error", (e: Error) => {
      this.#error ??= e;
      this.#wake();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#wake();
      const error = this.#error ?? new Error("The socket is closed");
      for (const reject of [...this.#writes]) reject(error);
    });
  }

  /** Bytes received and not read yet. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Whether the socket is paused because too many bytes wait unread. */
  get paused(): boolean {
    return this.#paused;
  }

  read(buffer: Uint8Array): Promise<number | null> {
    if (this.#buffered > 0) return Promise.resolve(this.#take(buffer));
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(null);
    if (this.#reader !== undefined) {
      return Promise.reject(new Error("Cannot read: a read is in progress"));
    }
    return new Promise((resolve, reject) => {
      this.#reader = { buffer, resolve, reject };
    });
  }

  write(bytes: Uint8Array): Promise<number> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#socket.destroyed) {
      return Promise.reject(new Error("Cannot write: the socket is closed"));
    }
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        if (this.#writes.delete(fail)) reject(error);
      };
      this.#writes.add(fail);
      this.#socket.write(bytes, (error?: Error | null) => {
        if (!this.#writes.delete(fail)) return;
        if (error) reject(error);
        else resolve(bytes.length);
      });
    });
  }

  close(): void {
    this.#socket.destroy();
    this.#ended = true;
    this.#wake();
  }

  #onData(chunk: Uint8Array): void {
    const reader = this.#reader;
    if (reader !== undefined && this.#buffered === 0) {
      // Straight into the waiting read: no queueing.
      this.#reader = undefined;
      const n = Math.min(chunk.length, reader.buffer.length);
      reader.buffer.set(n === chunk.length ? chunk : chunk.subarray(0, n));
      if (n < chunk.length) this.#queue(chunk.subarray(n));
      reader.resolve(n);
      return;
    }
    this.#queue(chunk);
  }

  #queue(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (!this.#paused && this.#buffered >= HIGH_WATER_BYTES) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /** Copies queued bytes into `buffer`; resumes a paused socket once half drained. */
  #take(buffer: Uint8Array): number {
    let n = 0;
    while (n < buffer.length && this.#chunks.length > 0) {
      const chunk = this.#chunks[0];
      const k = Math.min(chunk.length - this.#offset, buffer.length - n);
      buffer.set(chunk.subarray(this.#offset, this.#offset + k), n);
      n += k;
      this.#offset += k;
      if (this.#offset === chunk.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    this.#buffered -= n;
    if (this.#paused && this.#buffered < HIGH_WATER_BYTES / 2) {
      this.#paused = false;
      this.#socket.resume();
    }
    return n;
  }

  /** Ends a waiting read at the end of the stream or an error. */
  #wake(): void {
    const reader = this.#reader;
    if (reader === undefined) return;
    if (this.#buffered > 0) {
      this.#reader = undefined;
      reader.resolve(this.#take(reader.buffer));
    } else if (this.#error !== undefined) {
      this.#reader = undefined;
      reader.reject(this.#error);
    } else if (this.#ended) {
      this.#reader = undefined;
      reader.resolve(null);
    }
  }
}

/**
 * Waits for `event` (`connect`, `secureConnect`) on a new socket; destroys
 * it when an error, the close or the signal comes first.
 */
function opened(
  socket: Socket,
  event: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      socket.off(event, onOpen);
      socket.off("error", onError);
      socket.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    const onOpen = (): void => {
      done();
      resolve();
    };
    const onError = (e: Error): void => {
      done();
      socket.destroy();
      reject(e);
    };
    const onClose = (): void => {
      done();
      reject(new Error("The socket closed while connecting"));
    };
    const onAbort = (): void => {
      done();
      socket.destroy();
      reject(signal!.reason);
    };
    socket.once(event, onOpen);
    socket.once("error", onError);
    socket.once("close", onClose);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Connects with `node:net`, and with `tls` through `node:tls`, completing
 * the handshake: a certificate the client does not trust fails here, not
 * at the first command. `tls.caCerts` are trusted besides the system's
 * roots (as under Deno); `tls.hostname` is the name the certificate must
 * carry.
 *
 * @param target The node's host and port.
 * @param tls TLS options; plain TCP when `undefined`.
 * @param signal Aborts the attempt, the TLS handshake included (the socket
 * is destroyed; the promise rejects with the signal's reason).
 * @returns The open socket, TCP_NODELAY set.
 * @throws {TlsHandshakeError} When the TLS handshake fails.
 * @throws {Error} What connecting threw, or the signal's reason.
 */
export async function dialNode(
  target: DialTarget,
  tls: ClientTlsOptions | undefined,
  signal?: AbortSignal,
): Promise<ByteStream> {
  signal?.throwIfAborted();
  netModule ??= import("node:net");
  const net = await netModule;
  signal?.throwIfAborted();
  if (tls === undefined) {
    const socket = net.connect({ host: target.hostname, port: target.port });
    const stream = new NodeSocketStream(socket);
    await opened(socket, "connect", signal);
    socket.setNoDelay(true);
    return stream;
  }
  tlsModule ??= import("node:tls");
  const nodeTls = await tlsModule;
  signal?.throwIfAborted();
  const name = tls.hostname ?? target.hostname;
  const socket = nodeTls.connect({
    host: target.hostname,
    port: target.port,
    // SNI takes names only, never an IP address.
    servername: net.isIP(name) === 0 ? name : undefined,
    ca: tls.caCerts === undefined || tls.caCerts.length === 0
      ? undefined
      : [...nodeTls.rootCertificates, ...tls.caCerts],
    cert: tls.cert,
    key: tls.key,
    checkServerIdentity: (_host, cert) =>
      nodeTls.checkServerIdentity(name, cert),
  });
  let tcpOpen = false;
  socket.once("connect", () => {
    tcpOpen = true;
  });
  const stream = new NodeSocketStream(socket);
  try {
    await opened(socket, "secureConnect", signal);
  } catch (e) {
    if (tcpOpen && !signal?.aborted) throw new TlsHandshakeError(sslReason(e));
    throw e;
  }
  socket.setNoDelay(true);
  return stream;
}

/**
 * An OpenSSL error as its reason and code (`wrong version number
 * (ERR_SSL_WRONG_VERSION_NUMBER)`), without the library's internal text and
 * source path; other errors as they are.
 */
function sslReason(e: unknown): unknown {
  const { reason, code } = e as { reason?: unknown; code?: unknown };
  if (typeof reason !== "string") return e;
  return new Error(
    typeof code === "string" ? `${reason} (${code})` : reason,
    { cause: e },
  );
}

/**
 * Looks up a name's A or AAAA records with `node:dns` (DNS itself, not
 * the hosts file: as `Deno.resolveDns` does).
 *
 * @param hostname The name.
 * @param recordType `"A"` or `"AAAA"`.
 * @returns The addresses.
 * @throws {Error} When the name has no such record (`ENODATA`, `ENOTFOUND`).
 */
export async function resolveDnsNode(
  hostname: string,
  recordType: "A" | "AAAA",
): Promise<string[]> {
  dnsModule ??= import("node:dns");
  const dns = await dnsModule;
  return recordType === "A"
    ? await dns.promises.resolve4(hostname)
    : await dns.promises.resolve6(hostname);
}

/**
 * Lets the process exit while `timer` is pending (Node's and Bun's timers
 * are objects with `unref()`).
 *
 * @param timer What `setTimeout` returned.
 */
export function unrefTimerNode(timer: ReturnType<typeof setTimeout>): void {
  (timer as unknown as { unref?: () => void }).unref?.();
}
