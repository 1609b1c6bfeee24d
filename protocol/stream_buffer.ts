/**
 * {@linkcode StreamBuffer}: the unread bytes of an incoming byte stream, for
 * incremental decoders (this package's `FrameDecoder`, the node's RESP
 * decoder).
 *
 * @module
 */

const EMPTY = new Uint8Array(0);

/** Options of {@linkcode StreamBuffer}. */
export interface StreamBufferOptions {
  /**
   * The size of the buffer's own memory when it first needs some; it doubles
   * as needed.
   * @default {16384}
   */
  readonly initialBytes?: number;
  /**
   * Own memory larger than this is let go once every byte was read, so that
   * one big message does not pin its memory for the life of the stream.
   * @default {65536}
   */
  readonly keepBytes?: number;
  /**
   * The most room {@linkcode StreamBuffer.keep} reserves beyond the bytes
   * that have arrived: a length claimed by a header alone does not make the
   * buffer allocate it; the room grows as the bytes come.
   * @default {1048576}
   */
  readonly reserveAheadBytes?: number;
}

/**
 * The bytes received from a stream and not read yet, in any split. A
 * decoder {@linkcode StreamBuffer.push}es what arrives, reads
 * `bytes[start, end)` in place, {@linkcode StreamBuffer.advance}s past what
 * it decoded, and calls {@linkcode StreamBuffer.keep} before it answers
 * "need more bytes".
 *
 * No copy is made while a chunk is read whole: `push()` borrows the chunk
 * when nothing is pending, and the bytes are copied into the buffer's own
 * memory only when some are left unread (`keep()`) or more arrive behind
 * them. So the caller may reuse a pushed chunk's memory (a socket read
 * buffer) once `keep()` has been called, and not before.
 *
 * @example Read lines that arrive in pieces
 * ```ts
 * import { StreamBuffer } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const input = new StreamBuffer();
 * const lines: string[] = [];
 * const readLines = (): void => {
 *   for (;;) {
 *     const bytes = input.bytes;
 *     const nl = bytes.subarray(input.start, input.end).indexOf(0x0a);
 *     if (nl < 0) { // need more bytes: keep the partial line
 *       input.keep();
 *       return;
 *     }
 *     lines.push(new TextDecoder().decode(bytes.subarray(input.start, input.start + nl)));
 *     input.advance(nl + 1);
 *   }
 * };
 * const readBuf = new TextEncoder().encode("PING\nEC");
 * input.push(readBuf);
 * readLines();
 * readBuf.fill(0); // the socket reuses its buffer: "EC" was kept
 * input.push(new TextEncoder().encode("HO hi\n"));
 * readLines();
 * assert.deepEqual(lines, ["PING", "ECHO hi"]);
 * assert.equal(input.length, 0);
 * ```
 */
export class StreamBuffer {
  #initial: number;
  #keepBytes: number;
  #reserveAhead: number;
  /** Either a pushed chunk (while `#borrowed`) or `#own`. */
  #buf: Uint8Array = EMPTY;
  #own: Uint8Array | undefined;
  #borrowed = false;
  #start = 0;
  #end = 0;

  /**
   * Makes an empty buffer. It owns no memory until bytes must be kept.
   *
   * @param options The sizes of its own memory.
   */
  constructor(options: StreamBufferOptions = {}) {
    this.#initial = Math.max(16, options.initialBytes ?? 16 * 1024);
    this.#keepBytes = options.keepBytes ?? 64 * 1024;
    this.#reserveAhead = options.reserveAheadBytes ?? 1024 * 1024;
  }

  /**
   * The memory the unread bytes are in, at `[start, end)`: a pushed chunk or
   * the buffer's own memory. It changes with `push()`, `keep()` and
   * `clear()`: read it again after calling them.
   */
  get bytes(): Uint8Array {
    return this.#buf;
  }

  /** Where the unread bytes begin in {@linkcode StreamBuffer.bytes}. */
  get start(): number {
    return this.#start;
  }

  /** Where the unread bytes end in {@linkcode StreamBuffer.bytes}. */
  get end(): number {
    return this.#end;
  }

  /** How many bytes are unread. */
  get length(): number {
    return this.#end - this.#start;
  }

  /**
   * Adds bytes at the end. When nothing is unread the chunk itself is
   * borrowed (no copy): do not change its memory until `keep()` was called
   * or every byte was read.
   *
   * @param chunk The next bytes of the stream, any length.
   */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.#start === this.#end) {
      this.#buf = chunk;
      this.#start = 0;
      this.#end = n;
      this.#borrowed = true;
      return;
    }
    this.#adopt(n);
    this.#buf.set(chunk, this.#end);
    this.#end += n;
  }

  /**
   * Marks bytes as read.
   *
   * @param n How many bytes from `start`.
   * @throws {RangeError} When `n` is negative or more than are unread.
   */
  advance(n: number): void {
    if (!(n >= 0 && n <= this.#end - this.#start)) {
      throw new RangeError(
        `Cannot advance a StreamBuffer by ${n} bytes: ${
          this.#end - this.#start
        } are unread`,
      );
    }
    this.#start += n;
  }

  /**
   * Makes the unread bytes independent of the pushed chunks (copies them to
   * the front of the buffer's own memory, growing it to hold `expected`
   * bytes from `start`), or, when every byte was read, lets go of the
   * chunks and of oversized memory. Call it before answering "need more
   * bytes": the caller may then reuse the chunks it pushed.
   *
   * @param expected How many bytes the message being read takes, as far
   * as it is known (a length read from the stream may be a lie): room for
   * them is made now, up to `reserveAheadBytes` beyond those unread, so that
   * the rest is not copied again as it arrives.
   * @default {0}
   */
  keep(expected = 0): void {
    const unread = this.#end - this.#start;
    if (unread === 0) {
      this.#release();
    } else if (this.#borrowed) {
      this.#adopt(Math.min(expected - unread, this.#reserveAhead));
    }
  }

  /** Drops every unread byte (after an error the stream cannot recover from). */
  clear(): void {
    this.#own = undefined;
    this.#buf = EMPTY;
    this.#borrowed = false;
    this.#start = 0;
    this.#end = 0;
  }

  /**
   * Moves the unread bytes to the front of our own memory with room for
   * `extra` more, growing it when needed.
   */
  #adopt(extra: number): void {
    const pending = this.#end - this.#start;
    const need = pending + Math.max(extra, 0);
    let own = this.#own;
    if (own === undefined || own.length < need) {
      let size = Math.max(own?.length ?? 0, this.#initial);
      while (size < need) size *= 2;
      own = new Uint8Array(size);
    } else if (!this.#borrowed && this.#start === 0) {
      return; // already at the front, with room enough
    }
    if (own === this.#buf) {
      own.copyWithin(0, this.#start, this.#end);
    } else {
      own.set(this.#buf.subarray(this.#start, this.#end), 0);
    }
    this.#own = own;
    this.#buf = own;
    this.#borrowed = false;
    this.#start = 0;
    this.#end = pending;
  }

  /** Nothing is unread: drops the borrowed chunk and oversized memory. */
  #release(): void {
    if (this.#own !== undefined && this.#own.length > this.#keepBytes) {
      this.#own = undefined;
    }
    this.#buf = this.#own ?? EMPTY;
    this.#borrowed = false;
    this.#start = 0;
    this.#end = 0;
  }
}
