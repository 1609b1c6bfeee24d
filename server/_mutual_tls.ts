/**
 * A TLS listener that requires client certificates (`--tls-ca`).
 *
 * `Deno.listenTls` (Deno 2.9.6) cannot ask a client for a certificate nor
 * verify one: it has no CA option. Deno's `node:tls` server can
 * (`requestCert`, `rejectUnauthorized`, `ca`), so with `--tls-ca` the ports
 * listen with it, and {@linkcode listenMutualTls} gives its connections the
 * `Deno.Conn` shape the rest of the node reads and writes. A client without
 * a certificate signed by the CA fails its handshake (TLS alert
 * `certificate required` or `unknown ca`) and never reaches the node.
 *
 * @module
 */

import tls from "node:tls";
import { Buffer } from "node:buffer";

/** Where and with what to listen. */
export interface MutualTlsOptions {
  /** The address to bind. */
  readonly hostname: string;
  /** The port; 0 picks a free one. */
  readonly port: number;
  /** The server's PEM certificate (chain). */
  readonly cert: string;
  /** Its PEM private key. */
  readonly key: string;
  /** The PEM CA (or CAs) a client's certificate must be signed by. */
  readonly ca: string;
}

function netAddr(
  hostname: string | undefined,
  port: number | undefined,
): Deno.NetAddr {
  return { transport: "tcp", hostname: hostname ?? "", port: port ?? 0 };
}

/**
 * One accepted TLS socket as a `Deno.Conn`: `read` takes what the socket
 * received (the socket is paused while unread bytes wait, so a slow reader
 * holds at most one chunk), `write` resolves once the socket took the bytes
 * (after `drain` when its buffer is full).
 */
class MutualTlsConn implements Deno.Conn {
  readonly localAddr: Deno.NetAddr;
  readonly remoteAddr: Deno.NetAddr;
  #socket: tls.TLSSocket;
  /** Received and not read yet. */
  #chunk: Uint8Array | undefined;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<Uint8Array<ArrayBufferLike>> | undefined;

  constructor(socket: tls.TLSSocket) {
    this.#socket = socket;
    this.localAddr = netAddr(socket.localAddress, socket.localPort);
    this.remoteAddr = netAddr(socket.remoteAddress, socket.remotePort);
    socket.setNoDelay(true);
    socket.pause();
    socket.on("data", (data: Buffer) => {
      this.#chunk = this.#chunk === undefined || this.#chunk.length === 0
        ? data
        : concat(this.#chunk, data);
      socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (e: Error) => {
      this.#error ??= e;
      this.#notify();
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async read(p: Uint8Array): Promise<number | null> {
    for (;;) {
      const chunk = this.#chunk;
      if (chunk !== undefined && chunk.length > 0) {
        const n = Math.min(p.length, chunk.length);
        p.set(chunk.subarray(0, n));
        this.#chunk = n === chunk.length ? undefined : chunk.subarray(n);
        return n;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended || this.#socket.destroyed) return null;
      const { promise, resolve } = Promise.withResolvers<void>();
      this.#wake = resolve;
      this.#socket.resume();
      await promise;
    }
  }

  write(p: Uint8Array): Promise<number> {
    const socket = this.#socket;
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (socket.destroyed) {
      return Promise.reject(
        new Deno.errors.BrokenPipe("The TLS connection is closed"),
      );
    }
    const { promise, resolve, reject } = Promise.withResolvers<number>();
    let settled = false;
    const settle = (e?: Error | null): void => {
      if (settled) return;
      settled = true;
      socket.off("drain", onDrain);
      socket.off("close", onClose);
      if (e) reject(e);
      else resolve(p.length);
    };
    const onDrain = (): void => settle();
    const onClose = (): void =>
      settle(
        this.#error ??
          new Deno.errors.BrokenPipe("The TLS connection closed"),
      );
    // The caller may reuse its buffer once this resolves: the socket gets a
    // copy. Below the socket's high-water mark the bytes are taken at once;
    // above it, the write resolves at `drain` (or fails at `close`).
    const taken = socket.write(Buffer.from(p), (e) => {
      if (e) settle(e);
    });
    if (taken) settle();
    else {
      socket.on("drain", onDrain);
      socket.on("close", onClose);
    }
    return promise;
  }

  close(): void {
    this.#socket.destroy();
    this.#ended = true;
    this.#notify();
  }

  closeWrite(): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#socket.end(resolve);
    return promise;
  }

  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#readable ??= new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: async (controller) => {
        const buf = new Uint8Array(16 * 1024);
        const n = await this.read(buf);
        if (n === null) controller.close();
        else controller.enqueue(buf.subarray(0, n));
      },
    });
    return this.#readable;
  }

  get writable(): WritableStream<Uint8Array<ArrayBufferLike>> {
    this.#writable ??= new WritableStream<Uint8Array<ArrayBufferLike>>({
      write: async (chunk) => {
        await this.write(chunk);
      },
      close: () => this.closeWrite(),
    });
    return this.#writable;
  }

  ref(): void {
    this.#socket.ref();
  }

  unref(): void {
    this.#socket.unref();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The accepted connections of a `node:tls` server, as a `Deno.Listener`:
 * `accept()` resolves with the next connection whose handshake succeeded
 * (its client presented a certificate the CA signed).
 */
class MutualTlsListener implements Deno.Listener<Deno.Conn, Deno.NetAddr> {
  readonly addr: Deno.NetAddr;
  #server: tls.Server;
  #ready: Deno.Conn[] = [];
  #waiting: PromiseWithResolvers<Deno.Conn> | undefined;
  #closed = false;

  constructor(server: tls.Server, addr: Deno.NetAddr) {
    this.#server = server;
    this.addr = addr;
    server.on("secureConnection", (socket: tls.TLSSocket) => {
      if (this.#closed) {
        socket.destroy();
        return;
      }
      const conn = new MutualTlsConn(socket);
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting !== undefined) waiting.resolve(conn);
      else this.#ready.push(conn);
    });
    // A client refused at the handshake is the client's problem: the node
    // goes on (the socket is destroyed by the server).
    server.on("tlsClientError", () => {});
  }

  accept(): Promise<Deno.Conn> {
    const conn = this.#ready.shift();
    if (conn !== undefined) return Promise.resolve(conn);
    if (this.#closed) {
      return Promise.reject(
        new Deno.errors.BadResource("The TLS listener is closed"),
      );
    }
    this.#waiting ??= Promise.withResolvers<Deno.Conn>();
    return this.#waiting.promise;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close();
    for (const conn of this.#ready.splice(0)) conn.close();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(new Deno.errors.BadResource("The TLS listener is closed"));
  }

  async *[Symbol.asyncIterator](): AsyncIterableIterator<Deno.Conn> {
    for (;;) {
      try {
        yield await this.accept();
      } catch (e) {
        if (e instanceof Deno.errors.BadResource) return;
        throw e;
      }
    }
  }

  ref(): void {
    this.#server.ref();
  }

  unref(): void {
    this.#server.unref();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Listens with TLS and requires every client to present a certificate
 * signed by `ca` (`node:tls`: `requestCert` and `rejectUnauthorized`).
 *
 * @param options Address, certificate, key and the clients' CA.
 * @returns The listener, once bound.
 * @throws {Deno.errors.AddrInUse} When the port is taken; another error
 * when the PEM texts are not accepted.
 *
 * @example
 * ```ts no-eval
 * import { listenMutualTls } from "./_mutual_tls.ts";
 * const listener = await listenMutualTls({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   cert: Deno.readTextFileSync("server.crt"),
 *   key: Deno.readTextFileSync("server.key"),
 *   ca: Deno.readTextFileSync("ca.crt"),
 * });
 * const conn = await listener.accept(); // a client with a certificate
 * ```
 */
export function listenMutualTls(
  options: MutualTlsOptions,
): Promise<Deno.Listener> {
  const server = tls.createServer({
    cert: options.cert,
    key: options.key,
    ca: options.ca,
    requestCert: true,
    rejectUnauthorized: true,
  });
  return new Promise((resolve, reject) => {
    const failed = (e: Error & { code?: string }): void => {
      server.close();
      reject(
        e.code === "EADDRINUSE"
          ? new Deno.errors.AddrInUse(e.message, { cause: e })
          : e,
      );
    };
    server.once("error", failed);
    server.listen(options.port, options.hostname, () => {
      server.off("error", failed);
      const a = server.address();
      const port = typeof a === "object" && a !== null ? a.port : options.port;
      resolve(
        new MutualTlsListener(server, netAddr(options.hostname, port)),
      );
    });
  });
}
