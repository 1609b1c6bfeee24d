/**
 * {@linkcode Connection}: the one read loop both ports share. Every read is
 * decoded by the port's {@linkcode Codec}, each complete request executed in
 * order, and all of the read's replies leave in one write before the next
 * read (in several writes when they pass 1 MiB: output held per connection
 * is bounded). The binary port (`binary_connection.ts`) and the RESP port
 * (`resp_connection.ts`) differ only in their codec.
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import type { Session } from "./_util/request.ts";

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
   * Bytes of input received and not decoded yet (a request still arriving);
   * 0 when absent.
   */
  readonly buffered?: number;
  /**
   * Takes the output. The bytes may view the codec's memory: write them out
   * before encoding more replies.
   *
   * @returns The encoded replies.
   */
  take(): Uint8Array;
}

/**
 * Most bytes of replies a connection holds before writing them out: a read
 * of small requests asking for big replies (64 KiB of `GET big`) is answered
 * in several writes, and a peer that does not read stops the loop (TCP
 * back-pressure) instead of growing memory.
 */
const MAX_PENDING_OUTPUT = 1024 * 1024;

/**
 * How long a connection keeps serving after the node begins to drain: the
 * requests a client sent before the drain began are read and answered,
 * including those still in flight or waiting in the socket.
 */
export const DRAIN_READ_MS = 100;

/**
 * How long a drained connection waits, its side closed, for the client to
 * close: closing with unread bytes would reset the connection, and a reset
 * can discard replies the client has not read yet.
 */
export const DRAIN_LINGER_MS = 500;

/** What {@linkcode StreamCodec} reads requests from: a port's decoder. */
export interface CodecInput {
  /** Adds bytes read from the socket. */
  push(chunk: Uint8Array): void;
  /** Bytes received and not decoded yet (0 when absent). */
  readonly buffered?: number;
}

/** What {@linkcode StreamCodec} writes replies into: a port's writer. */
export interface CodecOutput {
  /** Bytes written and not taken yet. */
  readonly length: number;
  /** Takes the bytes written, as a view valid until more are written. */
  takeView(): Uint8Array;
}

/**
 * What the ports' codecs share: bytes in go to a decoder, replies go out of
 * a writer, and the stream breaks once. A port adds how requests are read
 * (`next()`) and how replies are written (`writeReply()`).
 *
 * @example A codec of newline-separated commands
 * ```ts
 * import { StreamCodec } from "./connection.ts";
 * import { OK, OutputBuffer, type Reply, StreamBuffer } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * class LineCodec extends StreamCodec<string> {
 *   #input: StreamBuffer;
 *   #output: OutputBuffer;
 *   constructor() {
 *     const input = new StreamBuffer();
 *     const output = new OutputBuffer();
 *     super(input, output);
 *     this.#input = input;
 *     this.#output = output;
 *   }
 *   next(): string | undefined {
 *     const input = this.#input;
 *     const line = input.bytes.subarray(input.start, input.end);
 *     const nl = line.indexOf(0x0a);
 *     if (nl < 0) {
 *       input.keep();
 *       return undefined;
 *     }
 *     input.advance(nl + 1);
 *     return new TextDecoder().decode(line.subarray(0, nl));
 *   }
 *   writeReply(_line: string, reply: Reply): void {
 *     this.#output.writeByteString(`${reply.kind}\n`);
 *   }
 * }
 *
 * const codec = new LineCodec();
 * codec.push(new TextEncoder().encode("PING\nECHO"));
 * const line = codec.next()!;
 * assert.equal(line, "PING");
 * assert.equal(codec.next(), undefined);
 * codec.writeReply(line, OK);
 * assert.equal(new TextDecoder().decode(codec.take()), "ok\n");
 * ```
 */
export abstract class StreamCodec<Request> implements Codec<Request> {
  #input: CodecInput;
  #output: CodecOutput;
  #broken = false;

  /**
   * @param input The port's decoder.
   * @param output The port's writer.
   */
  constructor(input: CodecInput, output: CodecOutput) {
    this.#input = input;
    this.#output = output;
  }

  /** `true` once a protocol error was answered and the connection must close. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Encoded bytes not yet taken. */
  get pending(): number {
    return this.#output.length;
  }

  /** Bytes received and not decoded yet. */
  get buffered(): number {
    return this.#input.buffered ?? 0;
  }

  /**
   * Adds bytes read from the socket (see the decoders' rules on reuse).
   *
   * @param chunk The bytes.
   */
  push(chunk: Uint8Array): void {
    this.#input.push(chunk);
  }

  /**
   * Takes the encoded replies, without copying them.
   *
   * @returns The bytes; they view the codec's memory: write them out
   * before encoding more replies.
   */
  take(): Uint8Array {
    return this.#output.takeView();
  }

  /** Marks the stream out of sync: the connection writes what is pending and closes. */
  protected breakStream(): void {
    this.#broken = true;
  }

  /**
   * The next complete request.
   *
   * @returns The request, or `undefined` when more bytes are needed or the
   * stream is broken.
   */
  abstract next(): Request | undefined;

  /**
   * Encodes the reply to a request.
   *
   * @param request The request, as `next()` returned it.
   * @param reply Its reply.
   */
  abstract writeReply(request: Request, reply: Reply): void;
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
  /**
   * Runs one request: returns its reply for the codec to encode, or
   * `undefined` when it wrote its reply into the codec's output itself.
   */
  readonly execute: (request: Request) => Reply | undefined;
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
 * @example Serve a connection with the RESP codec, answering OK to anything
 * ```ts
 * import { Connection } from "./connection.ts";
 * import { RespCodec } from "./resp_connection.ts";
 * import { OK } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const { port } = listener.addr as Deno.NetAddr;
 * const client = await Deno.connect({ hostname: "127.0.0.1", port });
 * const conn = await listener.accept();
 * const session = { id: 1, peer: "test", dialect: "resp2" as const, name: "", closeAfterReply: false };
 * const c = new Connection({ conn, session, codec: new RespCodec(session), execute: () => OK });
 * const served = c.run();
 * await client.write(new TextEncoder().encode("PING\r\n"));
 * const reply = new Uint8Array(16);
 * const n = await client.read(reply);
 * assert.equal(new TextDecoder().decode(reply.subarray(0, n!)), "+OK\r\n");
 * client.close();
 * assert.equal(await served, "eof");
 * listener.close();
 * ```
 */
export class Connection<Request> {
  #conn: Deno.Conn;
  #session: Session;
  #codec: Codec<Request>;
  #execute: (request: Request) => Reply | undefined;
  #readBuf: Uint8Array;
  #reading = false;
  #stopping = false;
  /** The drain's read window is over. */
  #windowOver = false;
  /** This side is closed: bytes read are dropped, unanswered. */
  #drained = false;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
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
   * Bytes this connection holds for its client: the read buffer, input
   * not decoded yet (a request still arriving) and replies not written
   * yet. The node counts them in `used_memory`, as Redis counts client
   * query and output buffers.
   */
  get bufferBytes(): number {
    const codec = this.#codec;
    return this.#readBuf.byteLength + (codec.buffered ?? 0) + codec.pending;
  }

  /**
   * Serves the connection until it ends, then closes it.
   *
   * @returns Why it ended: `"eof"`, `"quit"`, `"protocol"`, `"shutdown"` or `"error"`.
   */
  async run(): Promise<ConnectionEnd> {
    const codec = this.#codec;
    try {
      for (;;) {
        this.#reading = true;
        const n = await this.#conn.read(this.#readBuf);
        this.#reading = false;
        if (n === null) return this.#stopping ? "shutdown" : "eof";
        if (this.#drained) continue;
        this.#session.lastActive = Date.now();
        codec.push(this.#readBuf.subarray(0, n));
        let end = this.#handle();
        while (end === "flush") {
          // Output past the bound leaves before more of this read runs.
          await this.#writeAll(codec.take());
          end = this.#handle();
        }
        if (codec.pending > 0) await this.#writeAll(codec.take());
        if (end !== undefined) return end;
        if (this.#windowOver && !this.#drained) this.#closeSide();
      }
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

  /**
   * Decodes and executes the complete requests pushed, in order; stops
   * early with `"flush"` once `MAX_PENDING_OUTPUT` bytes of replies wait.
   */
  #handle(): "quit" | "protocol" | "flush" | undefined {
    const codec = this.#codec;
    const session = this.#session;
    for (let r = codec.next(); r !== undefined; r = codec.next()) {
      const reply = this.#execute(r);
      if (reply !== undefined) codec.writeReply(r, reply);
      if (session.closeAfterReply) return "quit";
      if (codec.pending >= MAX_PENDING_OUTPUT) return "flush";
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
   * Asks the loop to stop, as a graceful shutdown does: for
   * {@linkcode DRAIN_READ_MS} it goes on answering what arrives (what the
   * client sent before the drain began); then it closes its side and drops
   * what still comes until the client closes, or for at most
   * {@linkcode DRAIN_LINGER_MS}. Every request it read is answered.
   */
  shutdown(): void {
    if (this.#stopping || this.#closed) return;
    this.#stopping = true;
    this.#drainTimer = setTimeout(() => this.#endDrain(), DRAIN_READ_MS);
  }

  /**
   * Ends the drain's read window: the side closes at once when the loop
   * waits for bytes, else once it has written what it is answering.
   */
  #endDrain(): void {
    this.#windowOver = true;
    if (this.#reading) this.#closeSide();
  }

  /** Closes this side (the client reads the end) and lingers for the client's. */
  #closeSide(): void {
    if (this.#drained || this.#closed) return;
    this.#drained = true;
    try {
      this.#conn.closeWrite();
    } catch {
      // the client is gone already
    }
    this.#drainTimer = setTimeout(() => this.close(), DRAIN_LINGER_MS);
  }

  /** Closes the socket now; safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#drainTimer);
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer or the runtime
    }
  }
}
