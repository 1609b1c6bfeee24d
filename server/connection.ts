/**
 * {@linkcode Connection}: the one read loop both ports share. Every read is
 * decoded by the port's {@linkcode Codec}, each complete request executed in
 * order, and all of the read's replies leave in one write before the next
 * read. The binary port (`binary_connection.ts`) and the RESP port
 * (`resp_connection.ts`) differ only in their codec.
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import type { Session } from "./commands/types.ts";

/**
 * The wire format of a port: decodes requests and encodes replies. A codec
 * answers the protocol errors it finds itself (into its output); after one
 * that leaves the stream out of sync it sets `broken`, and the connection
 * writes what is pending and closes.
 */
export interface Codec<Request> {
  /** Adds bytes read from the socket (see the decoders' rules on reuse). */
  push(chunk: Uint8Array): void;
  /**
   * The next complete request.
   *
   * @returns The request, or `undefined` when more bytes are needed or the
   * stream is `broken`.
   */
  next(): Request | undefined;
  /** `true` once a protocol error was answered and the connection must close. */
  readonly broken: boolean;
  /**
   * Encodes the reply to a request into the output.
   *
   * @param request The request, as `next()` returned it.
   * @param reply Its reply.
   */
  writeReply(request: Request, reply: Reply): void;
  /** Bytes of output not yet taken. */
  readonly pending: number;
  /**
   * Takes the output. The bytes may view the codec's memory: write them out
   * before encoding more replies.
   *
   * @returns The encoded replies.
   */
  take(): Uint8Array;
}

/** How a connection ended. */
export type ConnectionEnd = "eof" | "quit" | "protocol" | "shutdown" | "error";

/** What {@linkcode Connection} needs. */
export interface ConnectionOptions<Request> {
  /** The accepted connection. */
  readonly conn: Deno.Conn;
  /** Per-connection state shared with the command handlers. */
  readonly session: Session;
  /** The port's wire format. */
  readonly codec: Codec<Request>;
  /** Runs one request. */
  readonly execute: (request: Request) => Reply;
  /**
   * Bytes read from the socket at a time.
   * @default {65536}
   */
  readonly readBytes?: number;
}

/**
 * One client connection. `run()` resolves when the peer hangs up, a fatal
 * protocol error or QUIT ends it, or `shutdown()` is called; it never
 * rejects.
 *
 * @example Serve a connection with a codec
 * ```ts ignore
 * const c = new Connection({ conn, session, codec, execute });
 * console.log(await c.run()); // "eof"
 * ```
 */
export class Connection<Request> {
  #conn: Deno.Conn;
  #session: Session;
  #codec: Codec<Request>;
  #execute: (request: Request) => Reply;
  #readBuf: Uint8Array;
  #reading = false;
  #stopping = false;
  #closed = false;

  /**
   * @param options The connection, its session, codec and executor.
   */
  constructor(options: ConnectionOptions<Request>) {
    this.#conn = options.conn;
    this.#session = options.session;
    this.#codec = options.codec;
    this.#execute = options.execute;
    this.#readBuf = new Uint8Array(options.readBytes ?? 64 * 1024);
  }

  /** The session of this connection. */
  get session(): Session {
    return this.#session;
  }

  /**
   * Serves the connection until it ends, then closes it.
   *
   * @returns Why it ended: `"eof"`, `"quit"`, `"protocol"`, `"shutdown"` or `"error"`.
   */
  async run(): Promise<ConnectionEnd> {
    const codec = this.#codec;
    try {
      while (!this.#stopping) {
        this.#reading = true;
        const n = await this.#conn.read(this.#readBuf);
        this.#reading = false;
        if (n === null) return "eof";
        this.#session.lastActive = Date.now();
        const end = this.#handle(this.#readBuf.subarray(0, n));
        if (codec.pending > 0) await this.#writeAll(codec.take());
        if (end !== undefined) return end;
      }
      return "shutdown";
    } catch (e) {
      if (this.#stopping) return "shutdown";
      if (
        e instanceof Deno.errors.ConnectionReset ||
        e instanceof Deno.errors.BrokenPipe ||
        e instanceof Deno.errors.BadResource ||
        e instanceof Deno.errors.Interrupted
      ) {
        return "eof";
      }
      return "error";
    } finally {
      this.#reading = false;
      this.close();
    }
  }

  /** Decodes and executes every complete request of one read. */
  #handle(chunk: Uint8Array): "quit" | "protocol" | undefined {
    const codec = this.#codec;
    const session = this.#session;
    codec.push(chunk);
    for (let r = codec.next(); r !== undefined; r = codec.next()) {
      codec.writeReply(r, this.#execute(r));
      if (session.closeAfterReply) return "quit";
    }
    return codec.broken ? "protocol" : undefined;
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      written += await this.#conn.write(bytes.subarray(written));
    }
  }

  /**
   * Asks the loop to stop: a connection waiting for bytes closes now; one
   * executing or writing finishes answering what it has read, then closes.
   */
  shutdown(): void {
    this.#stopping = true;
    if (this.#reading) this.close();
  }

  /** Closes the socket now; safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer or the runtime
    }
  }
}
