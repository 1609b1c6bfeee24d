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

const INITIAL_BYTES = 16 * 1024;
const KEEP_BYTES = 64 * 1024;

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
  /** Either the caller's chunk (while `#borrowed`) or our own buffer. */
  #buf: Uint8Array;
  #own: Uint8Array | undefined;
  #borrowed = false;
  #pos = 0;
  #end = 0;
  #skip = 0;
  #failed = false;

  /**
   * Makes a decoder.
   *
   * @param limits `maxFrameBytes` caps a payload; `maxArgs` is not used here.
   */
  constructor(limits: Limits = {}) {
    this.#maxFrameBytes = limits.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.#buf = new Uint8Array(0);
  }

  /** Bytes received and not yet returned as frames (skipped bytes not counted). */
  get buffered(): number {
    return this.#end - this.#pos;
  }

  /**
   * Adds bytes from the stream.
   *
   * @param chunk The next bytes, any length.
   */
  push(chunk: Uint8Array): void {
    if (this.#failed || chunk.length === 0) return;
    let from = 0;
    if (this.#skip > 0) {
      from = Math.min(this.#skip, chunk.length);
      this.#skip -= from;
      if (from === chunk.length) return;
    }
    const incoming = chunk.length - from;
    if (this.#pos === this.#end) {
      // Nothing pending: read straight from the caller's chunk.
      this.#buf = chunk;
      this.#pos = from;
      this.#end = chunk.length;
      this.#borrowed = true;
      return;
    }
    this.#adopt(incoming);
    this.#buf.set(
      from === 0 ? chunk : chunk.subarray(from),
      this.#end,
    );
    this.#end += incoming;
  }

  /**
   * Returns the next complete frame, if any.
   *
   * @returns A frame; a {@linkcode FrameError} for a frame that cannot be
   * accepted; or `undefined` when more bytes are needed.
   */
  next(): Frame | FrameError | undefined {
    if (this.#failed) return undefined;
    const buf = this.#buf;
    const pos = this.#pos;
    const available = this.#end - pos;
    if (available < HEADER_BYTES) return this.#needMore();
    const version = buf[pos];
    const opcode = (buf[pos + 2] << 8) | buf[pos + 3];
    const id = ((buf[pos + 4] << 24) | (buf[pos + 5] << 16) |
      (buf[pos + 6] << 8) | buf[pos + 7]) >>> 0;
    const length = ((buf[pos + 8] << 24) | (buf[pos + 9] << 16) |
      (buf[pos + 10] << 8) | buf[pos + 11]) >>> 0;
    if (!PROTOCOL_VERSIONS.includes(version)) {
      this.#failed = true;
      this.#release();
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
      this.#pos = pos + HEADER_BYTES + inHand;
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
      return this.#needMore(HEADER_BYTES + length);
    }
    const start = pos + HEADER_BYTES;
    this.#pos = start + length;
    return {
      version,
      flags: buf[pos + 1],
      opcode,
      id,
      payload: buf.subarray(start, start + length),
    };
  }

  /** Keeps the unread bytes in our own memory and reports "need more". */
  #needMore(frameBytes = HEADER_BYTES): undefined {
    if (this.#pos === this.#end) {
      this.#release();
    } else if (this.#borrowed) {
      this.#adopt(frameBytes - (this.#end - this.#pos));
    }
    return undefined;
  }

  /**
   * Moves pending bytes to the front of our own buffer with room for `extra`
   * more bytes, growing it when needed.
   */
  #adopt(extra: number): void {
    const pending = this.#end - this.#pos;
    const need = pending + Math.max(extra, 0);
    let own = this.#own;
    if (own === undefined || own.length < need) {
      let size = Math.max(own?.length ?? 0, INITIAL_BYTES);
      while (size < need) size *= 2;
      own = new Uint8Array(size);
    } else if (!this.#borrowed && this.#pos === 0) {
      return; // already compact, and room enough
    }
    if (own === this.#buf) {
      own.copyWithin(0, this.#pos, this.#end);
    } else {
      own.set(this.#buf.subarray(this.#pos, this.#end), 0);
    }
    this.#own = own;
    this.#buf = own;
    this.#borrowed = false;
    this.#pos = 0;
    this.#end = pending;
  }

  /** Drops references once nothing is pending; frees an oversized buffer. */
  #release(): void {
    if (this.#own !== undefined && this.#own.length > KEEP_BYTES) {
      this.#own = undefined;
    }
    this.#buf = this.#own ?? new Uint8Array(0);
    this.#borrowed = false;
    this.#pos = 0;
    this.#end = 0;
  }
}
