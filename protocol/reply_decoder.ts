/**
 * Decoding a reply frame's value.
 *
 * @module
 */

import { decodeUtf8, toByteString } from "./bytes.ts";
import { TAG } from "./frame_writer.ts";
import { readVarint, type VarintCursor } from "./_varint.ts";
import { NULL, OK } from "./replies.ts";
import { type DecodeError, MAX_REPLY_DEPTH, type Reply } from "./types.ts";

const TWO_32 = 4294967296;

/** Thrown internally and caught at the top: never leaves this module. */
class Malformed {
  constructor(readonly message: string) {}
}

class ReplyReader {
  #buf: Uint8Array;
  #end: number;
  #view: DataView | undefined;
  #cursor: VarintCursor = { value: 0, pos: 0 };
  pos = 0;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
    this.#end = buf.length;
  }

  value(depth: number): Reply {
    if (depth > MAX_REPLY_DEPTH) {
      throw new Malformed(
        `nesting deeper than ${MAX_REPLY_DEPTH} at offset ${this.pos}`,
      );
    }
    const at = this.pos;
    if (at >= this.#end) throw new Malformed(`missing value at offset ${at}`);
    const tag = this.#buf[this.pos++];
    switch (tag) {
      case TAG.OK:
        return OK;
      case TAG.NULL:
        return NULL;
      case TAG.INTEGER:
        return { kind: "int", value: this.#int64() };
      case TAG.FLOAT: {
        this.#need(8, "float");
        this.#view ??= new DataView(
          this.#buf.buffer,
          this.#buf.byteOffset,
          this.#buf.byteLength,
        );
        const value = this.#view.getFloat64(this.pos);
        this.pos += 8;
        return { kind: "float", value };
      }
      case TAG.BYTES: {
        const [start, end] = this.#span("bytes");
        return { kind: "bytes", value: this.#buf.slice(start, end) };
      }
      case TAG.STATUS: {
        const [start, end] = this.#span("status");
        return { kind: "status", value: toByteString(this.#buf, start, end) };
      }
      case TAG.ARRAY:
      case TAG.SET: {
        const n = this.#count(1, "elements");
        const items = new Array<Reply>(n);
        for (let i = 0; i < n; i++) items[i] = this.value(depth + 1);
        return tag === TAG.ARRAY
          ? { kind: "array", value: items }
          : { kind: "set", value: items };
      }
      case TAG.MAP: {
        const n = this.#count(2, "pairs");
        const pairs = new Array<readonly [Reply, Reply]>(n);
        for (let i = 0; i < n; i++) {
          const k = this.value(depth + 1);
          pairs[i] = [k, this.value(depth + 1)];
        }
        return { kind: "map", value: pairs };
      }
      case TAG.ERROR: {
        const [cs, ce] = this.#span("error code");
        const code = toByteString(this.#buf, cs, ce);
        const [ms, me] = this.#span("error message");
        return {
          kind: "error",
          code,
          message: decodeUtf8(this.#buf.subarray(ms, me)),
        };
      }
      default:
        throw new Malformed(
          `unknown tag 0x${tag.toString(16).padStart(2, "0")} at offset ${at}`,
        );
    }
  }

  get remaining(): number {
    return this.#end - this.pos;
  }

  #need(n: number, what: string): void {
    if (this.#end - this.pos < n) {
      throw new Malformed(
        `${what} needs ${n} bytes at offset ${this.pos}, ${
          this.#end - this.pos
        } left`,
      );
    }
  }

  #varint(what: string): number {
    const c = this.#cursor;
    readVarint(this.#buf, this.pos, this.#end, c);
    if (c.pos < 0) {
      throw new Malformed(
        `${
          c.pos === -1 ? "truncated" : "invalid"
        } ${what} varint at offset ${this.pos}`,
      );
    }
    this.pos = c.pos;
    return c.value;
  }

  /** Reads a length and returns the [start, end) of that many bytes. */
  #span(what: string): [number, number] {
    const len = this.#varint(`${what} length`);
    this.#need(len, what);
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  /** Reads an element count; each element needs at least `min` bytes. */
  #count(min: number, what: string): number {
    const n = this.#varint(`${what} count`);
    if (n * min > this.#end - this.pos) {
      throw new Malformed(
        `${n} ${what} cannot fit in ${
          this.#end - this.pos
        } bytes at offset ${this.pos}`,
      );
    }
    return n;
  }

  #int64(): number | bigint {
    this.#need(8, "integer");
    const b = this.#buf;
    const p = this.pos;
    const hi = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    const lo =
      ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>>
      0;
    this.pos = p + 8;
    const value = hi * TWO_32 + lo;
    if (Number.isSafeInteger(value)) return value;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
}

/**
 * Decodes a reply payload into its value, without throwing. BYTES values are
 * copied out of `payload` into new arrays.
 *
 * @param payload The frame's payload: exactly one value.
 * @returns The value, or a {@linkcode DecodeError} saying what is malformed.
 *
 * @example
 * ```ts
 * import { decodeReply } from "@cachemir/protocol";
 * console.log(decodeReply(new Uint8Array([0x05, 4, 0x50, 0x4f, 0x4e, 0x47])));
 * // { kind: "status", value: "PONG" }
 * ```
 */
export function decodeReply(payload: Uint8Array): Reply | DecodeError {
  const reader = new ReplyReader(payload);
  try {
    const value = reader.value(0);
    if (reader.remaining !== 0) {
      return {
        kind: "decode-error",
        message:
          `Cannot decode reply: ${reader.remaining} trailing bytes at offset ${reader.pos}`,
      };
    }
    return value;
  } catch (e) {
    if (e instanceof Malformed) {
      return {
        kind: "decode-error",
        message: `Cannot decode reply: ${e.message}`,
      };
    }
    throw e;
  }
}
