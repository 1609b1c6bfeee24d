/**
 * {@linkcode ByteSpan}: a run of bytes inside a larger buffer — a key or a
 * value where it already sits (a request in the read buffer, a value in an
 * arena record) — named without copying it or making a string.
 *
 * @module
 */

import { toByteString } from "@cachemir/protocol";

const EMPTY = new Uint8Array(0);

/**
 * `length` bytes of `bytes` from `start`. Spans are reused: the code that
 * fills one says how long it stays valid (until the next call, mostly).
 *
 * @example Name the key of a request in place
 * ```ts
 * import { ByteSpan } from "./byte_span.ts";
 * import assert from "node:assert/strict";
 *
 * const request = new TextEncoder().encode("GET user:42");
 * const key = new ByteSpan().set(request, 4, 7);
 * assert.equal(key.length, 7);
 * assert.equal(key.text(), "user:42");
 * ```
 */
export class ByteSpan {
  /** The buffer the bytes are in. */
  bytes: Uint8Array = EMPTY;
  /** Where they start in `bytes`. */
  start = 0;
  /** How many there are. */
  length = 0;

  /**
   * Points the span at other bytes.
   *
   * @param bytes The buffer.
   * @param start Where the bytes start.
   * @param length How many there are.
   * @returns This span.
   */
  set(bytes: Uint8Array, start: number, length: number): this {
    this.bytes = bytes;
    this.start = start;
    this.length = length;
    return this;
  }

  /**
   * The bytes as a byte string (one char per byte), for code that needs a
   * string: this allocates.
   *
   * @returns The string.
   */
  text(): string {
    return toByteString(this.bytes, this.start, this.start + this.length);
  }
}
