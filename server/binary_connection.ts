/**
 * The binary-protocol port's codec, and {@linkcode BinaryConnection}: the
 * shared read loop of `connection.ts` speaking CacheMir frames.
 *
 * @module
 */

import {
  decodeRequest,
  error,
  type Frame,
  FrameDecoder,
  FrameWriter,
  type Limits,
  type Reply,
} from "@cachemir/protocol";
import type { Session } from "./commands/types.ts";
import { Connection, StreamCodec } from "./connection.ts";

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
 * CacheMir frames as a {@linkcode Codec}: a frame the decoder refuses is
 * answered with an error frame (and ends the connection when fatal).
 *
 * @example Decode a request and encode its reply
 * ```ts
 * import { BinaryCodec } from "./binary_connection.ts";
 * import { encodeRequest, OK } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const codec = new BinaryCodec();
 * codec.push(encodeRequest(1, 0x0101, ["k", "v"]));
 * const frame = codec.next()!;
 * codec.writeReply(frame, OK);
 * assert.equal(codec.take().length, 13);
 * ```
 */
export class BinaryCodec extends StreamCodec<Frame> {
  #decoder: FrameDecoder;
  #writer: FrameWriter;

  /**
   * @param limits The frame size limit.
   */
  constructor(limits: Limits = {}) {
    const decoder = new FrameDecoder(limits);
    const writer = new FrameWriter();
    super(decoder, writer);
    this.#decoder = decoder;
    this.#writer = writer;
  }

  /**
   * The next frame; refused frames are answered with an error on the way.
   *
   * @returns A frame (its payload valid until the next `push()`), or `undefined`.
   */
  next(): Frame | undefined {
    for (;;) {
      const f = this.#decoder.next();
      if (f === undefined || !("kind" in f)) return f;
      this.#writer.writeReply(f.id, f.opcode, error(f.message));
      if (f.fatal) {
        this.breakStream();
        return undefined;
      }
    }
  }

  /**
   * Encodes a reply frame echoing the request's id and opcode.
   *
   * @param frame The request.
   * @param reply Its reply.
   */
  writeReply(frame: Frame, reply: Reply): void {
    this.#writer.writeReply(frame.id, frame.opcode, reply);
  }
}

/**
 * One connection speaking the binary protocol. `run()` resolves when the peer
 * hangs up, a fatal protocol error or QUIT ends it, or `shutdown()` is called;
 * it never rejects.
 */
export class BinaryConnection extends Connection<Frame> {
  /**
   * @param options The connection, its session, the command table and limits.
   */
  constructor(options: BinaryConnectionOptions) {
    const { session, execute, limits } = options;
    super({
      conn: options.conn,
      session,
      codec: new BinaryCodec(limits),
      execute: (f: Frame): Reply => {
        const args = decodeRequest(f, limits);
        return Array.isArray(args) ? execute(session, f.opcode, args) : args;
      },
      readBytes: options.readBytes,
    });
  }
}
