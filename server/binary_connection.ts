/**
 * The read loop of one binary-protocol connection: every read is decoded,
 * each complete frame executed in order, and all of the read's replies leave
 * in one write before the next read.
 *
 * @module
 */

import {
  decodeRequest,
  error,
  FrameDecoder,
  FrameWriter,
  type Limits,
  type Reply,
} from "@cachemir/protocol";
import type { Session } from "./commands/types.ts";

/** Runs one command for a session: the node's command table. */
export type Execute = (
  session: Session,
  opcode: number,
  args: string[],
) => Reply;

/** What the loop needs from the node. */
export interface BinaryConnectionOptions {
  /** The accepted connection. */
  readonly conn: Deno.Conn;
  /** Per-connection state shared with the command handlers. */
  readonly session: Session;
  /** Runs a command. */
  readonly execute: Execute;
  /** Frame and argument limits. */
  readonly limits: Required<Limits>;
  /**
   * Bytes read from the socket at a time.
   * @default {65536}
   */
  readonly readBytes?: number;
}

/**
 * One connection speaking the binary protocol. `run()` resolves when the peer
 * hangs up, a fatal protocol error or QUIT ends it, or `shutdown()` is called;
 * it never rejects.
 */
export class BinaryConnection {
  #conn: Deno.Conn;
  #session: Session;
  #execute: Execute;
  #limits: Required<Limits>;
  #readBuf: Uint8Array;
  #decoder: FrameDecoder;
  #writer = new FrameWriter();
  #reading = false;
  #stopping = false;
  #closed = false;

  /**
   * @param options The connection, its session, the command table and limits.
   */
  constructor(options: BinaryConnectionOptions) {
    this.#conn = options.conn;
    this.#session = options.session;
    this.#execute = options.execute;
    this.#limits = options.limits;
    this.#readBuf = new Uint8Array(options.readBytes ?? 64 * 1024);
    this.#decoder = new FrameDecoder(options.limits);
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
  async run(): Promise<"eof" | "quit" | "protocol" | "shutdown" | "error"> {
    try {
      while (!this.#stopping) {
        this.#reading = true;
        const n = await this.#conn.read(this.#readBuf);
        this.#reading = false;
        if (n === null) return "eof";
        const end = this.#handle(this.#readBuf.subarray(0, n));
        if (this.#writer.length > 0) await this.#writeAll(this.#writer.take());
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

  /** Decodes and executes every complete frame of one read. */
  #handle(chunk: Uint8Array): "quit" | "protocol" | undefined {
    const decoder = this.#decoder;
    const writer = this.#writer;
    decoder.push(chunk);
    for (let f = decoder.next(); f !== undefined; f = decoder.next()) {
      if ("kind" in f) {
        writer.writeReply(f.id, f.opcode, error(f.message));
        if (f.fatal) return "protocol";
        continue;
      }
      const args = decodeRequest(f, this.#limits);
      const reply = Array.isArray(args)
        ? this.#execute(this.#session, f.opcode, args)
        : args;
      writer.writeReply(f.id, f.opcode, reply);
      if (this.#session.closeAfterReply) return "quit";
    }
    return undefined;
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
