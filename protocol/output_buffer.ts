/**
 * {@linkcode OutputBuffer}: a growable byte buffer for encoders (this
 * package's `FrameWriter`, the node's RESP writer).
 *
 * @module
 */

import { writeByteString } from "./bytes.ts";

/** Options of {@linkcode OutputBuffer}. */
export interface OutputBufferOptions {
  /**
   * The starting size (at least 64); it doubles as needed.
   * @default {16384}
   */
  readonly initialBytes?: number;
  /**
   * Memory grown beyond this is dropped at the next take, back to
   * `initialBytes`, so that one big write does not pin its memory.
   * @default {1048576}
   */
  readonly keepBytes?: number;
}

/**
 * Bytes written one piece after another into memory that grows as needed,
 * then taken all at once (so that many messages leave in one socket write).
 *
 * Encoders write through the `write*()` methods, or directly: make room with
 * {@linkcode OutputBuffer.ensure}, store into the memory it returns from
 * {@linkcode OutputBuffer.length} on, and set `length` past what was
 * stored.
 *
 * @example Write a line, partly in place
 * ```ts
 * import { OutputBuffer } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const out = new OutputBuffer();
 * out.writeByteString("+OK");
 * const mem = out.ensure(2); // room for CR LF
 * mem[out.length] = 0x0d;
 * mem[out.length + 1] = 0x0a;
 * out.length += 2;
 * assert.equal(new TextDecoder().decode(out.take()), "+OK\r\n");
 * assert.equal(out.length, 0);
 * ```
 */
export class OutputBuffer {
  #initial: number;
  #keepBytes: number;
  #buf: Uint8Array;
  #pos = 0;

  /**
   * Makes an empty buffer.
   *
   * @param options Its starting size and the most memory it keeps.
   */
  constructor(options: OutputBufferOptions = {}) {
    this.#initial = Math.max(64, options.initialBytes ?? 16 * 1024);
    this.#keepBytes = options.keepBytes ?? 1024 * 1024;
    this.#buf = new Uint8Array(this.#initial);
  }

  /**
   * The memory: bytes `[0, length)` are written. It changes when
   * {@linkcode OutputBuffer.ensure} grows it and at a take: read it again
   * after calling them.
   */
  get bytes(): Uint8Array {
    return this.#buf;
  }

  /** How many bytes were written since the last take. */
  get length(): number {
    return this.#pos;
  }

  /**
   * Moves the end of the written bytes, after storing into
   * {@linkcode OutputBuffer.bytes} directly (or back, to drop bytes).
   *
   * @throws {RangeError} When `n` is outside `[0, bytes.length]`.
   */
  set length(n: number) {
    if (!(n >= 0 && n <= this.#buf.length)) {
      throw new RangeError(
        `Cannot set an OutputBuffer's length to ${n}: its memory holds ${this.#buf.length} bytes`,
      );
    }
    this.#pos = n;
  }

  /**
   * Makes room for `extra` more bytes after `length`, growing the memory
   * (the written bytes are kept).
   *
   * @param extra How many bytes are about to be written.
   * @returns The memory to write them into, from index `length`.
   */
  ensure(extra: number): Uint8Array {
    const need = this.#pos + extra;
    if (need <= this.#buf.length) return this.#buf;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
    return grown;
  }

  /**
   * Appends one byte.
   *
   * @param byte The byte (0–255).
   */
  writeByte(byte: number): void {
    this.ensure(1)[this.#pos++] = byte;
  }

  /**
   * Appends bytes.
   *
   * @param bytes The bytes; they are copied.
   */
  writeBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length).set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  /**
   * Appends `length` bytes of `bytes` from `start`, without making a view of
   * them (short runs are copied byte by byte, long ones with one `set`).
   *
   * @param bytes The buffer the bytes are in.
   * @param start Where they start.
   * @param length How many.
   */
  writeRange(bytes: Uint8Array, start: number, length: number): void {
    const buf = this.ensure(length);
    let p = this.#pos;
    if (length > 256) {
      buf.set(bytes.subarray(start, start + length), p);
      p += length;
    } else {
      for (let i = start; i < start + length; i++) buf[p++] = bytes[i];
    }
    this.#pos = p;
  }

  /**
   * Appends a byte string's bytes (one byte per char, codes 0–255).
   *
   * @param s The byte string.
   */
  writeByteString(s: string): void {
    this.#pos = writeByteString(this.ensure(s.length), this.#pos, s);
  }

  /**
   * Returns a copy of the bytes written since the last take, and starts
   * afresh.
   *
   * @returns The bytes, owned by the caller.
   */
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.#pos);
    this.#restart();
    return out;
  }

  /**
   * Returns the bytes written since the last take without copying them, and
   * starts afresh: the result views the buffer's memory, so use it (write
   * it out) before writing more.
   *
   * @returns A view of the bytes.
   */
  takeView(): Uint8Array {
    const out = this.#buf.subarray(0, this.#pos);
    this.#restart();
    return out;
  }

  #restart(): void {
    this.#pos = 0;
    if (this.#buf.length > this.#keepBytes) {
      this.#buf = new Uint8Array(this.#initial); // a view keeps the old one
    }
  }
}
