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
  FrameView,
  FrameWriter,
  isProbe,
  type Limits,
  type Reply,
  scanRequestArgs,
  status,
  writeInvalidation,
} from "@cachemir/protocol";
import type {
  ArgvView,
  ReplyOut,
  Session,
  Suspension,
} from "./_util/request.ts";
import { Connection, type PortOptions, StreamCodec } from "./connection.ts";

/** Runs one command for a session: the node's command table. */
export type Execute = (
  session: Session,
  opcode: number,
  args: string[],
) => Reply | Suspension;

/**
 * Runs one command for a session on arguments in place: the node's command
 * table. It writes the reply into `out` itself and returns `undefined`, or
 * returns the reply to write.
 */
export type ExecuteView = (
  session: Session,
  opcode: number,
  argv: ArgvView,
  out: ReplyOut,
) => Reply | Suspension | undefined;

/** The reply to a client's opening probe (protocol/probe.ts). */
const PROBE_REPLY: Reply = status("PONG");

/** Most arguments a request may have to run in place (more: as strings). */
const MAX_VIEW_ARGS = 64;

/** What the loop needs from the node. */
export interface BinaryConnectionOptions extends PortOptions {
  /** Runs a command. */
  readonly execute: Execute;
  /** Runs a command on arguments in place (a frame with few arguments). */
  readonly executeView: ExecuteView;
  /** Frame and argument limits. */
  readonly limits: Required<Limits>;
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
export class BinaryCodec extends StreamCodec<Frame> implements ReplyOut {
  #decoder: FrameDecoder;
  #writer: FrameWriter;
  /** The id and opcode of the frame `next()` returned last. */
  #id = 0;
  #opcode = 0;

  /**
   * @param limits The frame size limit.
   */
  constructor(limits: Limits = {}) {
    const decoder = new FrameDecoder(limits, { views: true });
    const writer = new FrameWriter();
    super(decoder, writer);
    this.#decoder = decoder;
    this.#writer = writer;
  }

  /**
   * The next frame; refused frames are answered with an error on the way.
   *
   * @returns A frame — the decoder's reused {@linkcode FrameView}, valid
   * until the next call — or `undefined`.
   */
  next(): Frame | undefined {
    for (;;) {
      const f = this.#decoder.next();
      if (f === undefined) return f;
      if (!("kind" in f)) {
        this.#id = f.id;
        this.#opcode = f.opcode;
        return f;
      }
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

  /**
   * Encodes an invalidation push frame (flags `C0`, see the protocol's
   * "Push frames").
   *
   * @param keys The changed keys (byte strings), or `null` for every key.
   */
  writePush(keys: readonly string[] | null): void {
    writeInvalidation(this.#writer, keys);
  }

  /**
   * Writes a reply value to the last frame ({@linkcode ReplyOut}).
   *
   * @param reply The reply.
   */
  reply(reply: Reply): void {
    this.#writer.writeReply(this.#id, this.#opcode, reply);
  }

  /**
   * Writes a bulk reply to the last frame from bytes in place.
   *
   * @param bytes The buffer.
   * @param start Where the value starts.
   * @param length Its length.
   */
  bulk(bytes: Uint8Array, start: number, length: number): void {
    this.#writer.writeBulkReply(this.#id, this.#opcode, bytes, start, length);
  }

  /**
   * Writes an integer reply to the last frame.
   *
   * @param n A safe integer.
   */
  integer(n: number): void {
    this.#writer.writeIntReply(this.#id, this.#opcode, n);
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
    const { session, execute, executeView, limits } = options;
    const codec = new BinaryCodec(limits);
    const argv: { bytes: Uint8Array; count: number; offsets: Int32Array } = {
      bytes: new Uint8Array(0),
      count: 0,
      offsets: new Int32Array(2 * MAX_VIEW_ARGS),
    };
    super({
      conn: options.conn,
      session,
      codec,
      execute: (f: Frame): Reply | Suspension | undefined => {
        if (f instanceof FrameView && f.flags === 0) {
          const bytes = f.bytes;
          const argc = scanRequestArgs(
            bytes,
            f.start,
            f.start + f.length,
            argv.offsets,
            limits.maxArgs,
          );
          if (typeof argc !== "number") return argc;
          if (argc <= MAX_VIEW_ARGS) {
            argv.bytes = bytes;
            argv.count = argc;
            return executeView(session, f.opcode, argv, codec);
          }
        }
        // A frame with flags never takes the path above: this costs
        // nothing to the requests that do.
        if (isProbe(f)) return PROBE_REPLY;
        const args = decodeRequest(f, limits);
        return Array.isArray(args) ? execute(session, f.opcode, args) : args;
      },
      readBytes: options.readBytes,
      limits: options.flow,
      onOutputLimit: options.onOutputLimit,
      traffic: options.traffic,
    });
  }
}
