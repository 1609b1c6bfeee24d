/**
 * The incremental frame decoder: bytes in, in any split, frames out.
 *
 * @module
 */

import {
  DEFAULT_MAX_FRAME_BYTES,
  type Frame,
  type FrameError,
  HEADER_BYTES,
  type Limits,
  PROTOCOL_VERSIONS,
} from "./types.ts";
import { StreamBuffer } from "./stream_buffer.ts";

/**
 * A frame decoded no further than where it sits: the header's fields and
 * the payload's place in `bytes`. {@linkcode FrameDecoder} with `views`
 * returns one reused view: it and its bytes are valid until the next call
 * of `next()` or `push()`. `payload` makes a subarray when asked for.
 */
export class FrameView implements Frame {
  /** Protocol version byte. */
  version = 0;
  /** Flags byte. */
  flags = 0;
  /** Opcode: the command. */
  opcode = 0;
  /** Request id (u32). */
  id = 0;
  /** The buffer the payload is in. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Where the payload starts in `bytes`. */
  start = 0;
  /** The payload's length. */
  length = 0;

  /** The payload, as a view of `bytes` (made on each call). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.start, this.start + this.length);
  }
}

/** Options of {@linkcode FrameDecoder} beyond its limits. */
export interface FrameDecoderOptions {
  /**
   * Return complete frames as the decoder's one reused
   * {@linkcode FrameView} instead of a new frame object each.
   * @default {false}
   */
  readonly views?: boolean;
}

/**
 * Splits a byte stream into frames. Accepts any split of the stream (one
 * byte at a time included) and never throws on the bytes it is given.
 *
 * `push()` may keep a reference to the pushed chunk until `next()` returns
 * `undefined`; do not reuse the chunk's memory before then. Frames returned
 * by `next()` may view the decoder's memory: use a frame's payload before the
 * next `push()`.
 *
 * A frame longer than `maxFrameBytes` is answered by a non-fatal
 * {@linkcode FrameError} as soon as its header arrives; its payload is then
 * discarded as it streams in, without being buffered. A frame of a version
 * this package does not speak gives a fatal error; after a fatal error the
 * decoder drops all input.
 *
 * @example Decode a PING frame pushed one byte at a time
 * ```ts
 * import { encodeRequest, FrameDecoder } from "@cachemir/protocol";
 * const bytes = encodeRequest(1, 0x0002, []);
 * const decoder = new FrameDecoder();
 * for (const b of bytes) decoder.push(new Uint8Array([b]));
 * const frame = decoder.next();
 * console.log(frame && "opcode" in frame ? frame.opcode : frame); // 2
 * ```
 */
export class FrameDecoder {
  #maxFrameBytes: number;
  #input = new StreamBuffer();
  #skip = 0;
  #failed = false;
  #view: FrameView | undefined;

  /**
   * Makes a decoder.
   *
   * @param limits `maxFrameBytes` caps a payload; `maxArgs` is not used here.
   * @param options `views` returns frames as one reused {@linkcode FrameView}.
   */
  constructor(limits: Limits = {}, options: FrameDecoderOptions = {}) {
    this.#maxFrameBytes = limits.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (options.views === true) this.#view = new FrameView();
  }

  /** Bytes received and not yet returned as frames (skipped bytes not counted). */
  get buffered(): number {
    return this.#input.length;
  }

  /**
   * Adds bytes from the stream.
   *
   * @param chunk The next bytes, any length.
   */
  push(chunk: Uint8Array): void {
    if (this.#failed || chunk.length === 0) return;
    if (this.#skip > 0) {
      const from = Math.min(this.#skip, chunk.length);
      this.#skip -= from;
      if (from === chunk.length) return;
      chunk = chunk.subarray(from);
    }
    this.#input.push(chunk);
  }

  /**
   * Returns the next complete frame, if any.
   *
   * @returns A frame; a {@linkcode FrameError} for a frame that cannot be
   * accepted; or `undefined` when more bytes are needed.
   */
  next(): Frame | FrameError | undefined {
    if (this.#failed) return undefined;
    const input = this.#input;
    const available = input.length;
    if (available < HEADER_BYTES) {
      input.keep(HEADER_BYTES);
      return undefined;
    }
    const buf = input.bytes;
    const pos = input.start;
    const version = buf[pos];
    const opcode = (buf[pos + 2] << 8) | buf[pos + 3];
    const id = ((buf[pos + 4] << 24) | (buf[pos + 5] << 16) |
      (buf[pos + 6] << 8) | buf[pos + 7]) >>> 0;
    const length = ((buf[pos + 8] << 24) | (buf[pos + 9] << 16) |
      (buf[pos + 10] << 8) | buf[pos + 11]) >>> 0;
    if (!PROTOCOL_VERSIONS.includes(version)) {
      this.#failed = true;
      input.clear();
      return {
        kind: "frame-error",
        id,
        opcode,
        message: `ERR Protocol error: unsupported version 0x${
          version.toString(16).padStart(2, "0")
        } (this node speaks ${PROTOCOL_VERSIONS.join(", ")})`,
        fatal: true,
      };
    }
    if (length > this.#maxFrameBytes) {
      const inHand = Math.min(available - HEADER_BYTES, length);
      input.advance(HEADER_BYTES + inHand);
      this.#skip = length - inHand;
      return {
        kind: "frame-error",
        id,
        opcode,
        message:
          `ERR Protocol error: frame length ${length} exceeds limit ${this.#maxFrameBytes}`,
        fatal: false,
      };
    }
    if (available < HEADER_BYTES + length) {
      // Room for the rest of the frame, but never more than 1 MiB ahead of
      // what has arrived (the buffer's bound): a header alone must not
      // allocate its claimed length.
      input.keep(HEADER_BYTES + length);
      return undefined;
    }
    const start = pos + HEADER_BYTES;
    input.advance(HEADER_BYTES + length);
    const view = this.#view;
    if (view !== undefined) {
      view.version = version;
      view.flags = buf[pos + 1];
      view.opcode = opcode;
      view.id = id;
      view.bytes = buf;
      view.start = start;
      view.length = length;
      return view;
    }
    return {
      version,
      flags: buf[pos + 1],
      opcode,
      id,
      payload: buf.subarray(start, start + length),
    };
  }
}
