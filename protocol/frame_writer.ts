/**
 * The frame encoder: requests and replies into one growing buffer, so that
 * many frames leave in one write.
 *
 * @module
 */

import { writeByteString, writeUtf8 } from "./bytes.ts";
import { MAX_VARINT_BYTES, varintSize, writeVarint } from "./_varint.ts";
import {
  FLAG_REPLY,
  HEADER_BYTES,
  PROTOCOL_VERSION,
  type Reply,
} from "./types.ts";

const INITIAL_BYTES = 16 * 1024;
const KEEP_BYTES = 1024 * 1024;
const TWO_32 = 4294967296;

/** Reply tags on the wire (protocol/README.md, "Reply payload"). */
export const TAG: {
  readonly OK: 0x00;
  readonly NULL: 0x01;
  readonly INTEGER: 0x02;
  readonly FLOAT: 0x03;
  readonly BYTES: 0x04;
  readonly STATUS: 0x05;
  readonly ARRAY: 0x06;
  readonly MAP: 0x07;
  readonly SET: 0x08;
  readonly ERROR: 0x09;
} = Object.freeze({
  OK: 0x00,
  NULL: 0x01,
  INTEGER: 0x02,
  FLOAT: 0x03,
  BYTES: 0x04,
  STATUS: 0x05,
  ARRAY: 0x06,
  MAP: 0x07,
  SET: 0x08,
  ERROR: 0x09,
});

/**
 * Encodes frames into a buffer that grows as needed. Write any number of
 * requests or replies, then `take()` the bytes for one write.
 *
 * @example Encode two pipelined requests for one write
 * ```ts
 * import { FrameWriter } from "@cachemir/protocol";
 * const w = new FrameWriter();
 * w.writeRequest(1, 0x0101, ["k", "v"]); // SET k v
 * w.writeRequest(2, 0x0100, ["k"]); // GET k
 * const bytes = w.take();
 * console.log(bytes.length); // 32
 * ```
 */
export class FrameWriter {
  #initial: number;
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  /**
   * Makes a writer.
   *
   * @param initialBytes The buffer's starting size.
   * @default {16384}
   */
  constructor(initialBytes: number = INITIAL_BYTES) {
    this.#initial = Math.max(64, initialBytes);
    this.#buf = new Uint8Array(this.#initial);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written since the last `take()`. */
  get length(): number {
    return this.#pos;
  }

  /**
   * Returns the bytes written since the last call and starts afresh. The
   * returned array belongs to the caller.
   *
   * @returns The encoded frames.
   */
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.#pos);
    this.#pos = 0;
    if (this.#buf.length > KEEP_BYTES) {
      this.#buf = new Uint8Array(this.#initial);
      this.#view = new DataView(this.#buf.buffer);
    }
    return out;
  }

  /**
   * Appends a request frame.
   *
   * @param id The request id (u32).
   * @param opcode The command's opcode.
   * @param args The arguments; strings are encoded as UTF-8, arrays are copied.
   */
  writeRequest(
    id: number,
    opcode: number,
    args: readonly (string | Uint8Array)[],
  ): void {
    const start = this.#header(0, opcode, id);
    this.#varint(args.length);
    for (const arg of args) {
      if (typeof arg === "string") this.#utf8(arg);
      else this.#bytes(arg);
    }
    this.#finish(start);
  }

  /**
   * Appends a reply frame (flags = REPLY).
   *
   * @param id The request's id.
   * @param opcode The request's opcode.
   * @param reply The value. Strings in it (BYTES values, status words, error
   * texts) are byte strings: one byte per char, as the node keeps them.
   */
  writeReply(id: number, opcode: number, reply: Reply): void {
    const start = this.#header(FLAG_REPLY, opcode, id);
    this.#value(reply);
    this.#finish(start);
  }

  #header(flags: number, opcode: number, id: number): number {
    this.#ensure(HEADER_BYTES);
    const b = this.#buf;
    const p = this.#pos;
    b[p] = PROTOCOL_VERSION;
    b[p + 1] = flags;
    b[p + 2] = (opcode >>> 8) & 0xff;
    b[p + 3] = opcode & 0xff;
    b[p + 4] = (id >>> 24) & 0xff;
    b[p + 5] = (id >>> 16) & 0xff;
    b[p + 6] = (id >>> 8) & 0xff;
    b[p + 7] = id & 0xff;
    this.#pos = p + HEADER_BYTES;
    return p;
  }

  #finish(start: number): void {
    const length = this.#pos - start - HEADER_BYTES;
    const b = this.#buf;
    b[start + 8] = (length >>> 24) & 0xff;
    b[start + 9] = (length >>> 16) & 0xff;
    b[start + 10] = (length >>> 8) & 0xff;
    b[start + 11] = length & 0xff;
  }

  #ensure(extra: number): void {
    const need = this.#pos + extra;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
    this.#view = new DataView(grown.buffer);
  }

  #varint(value: number): void {
    this.#ensure(MAX_VARINT_BYTES);
    this.#pos = writeVarint(this.#buf, this.#pos, value);
  }

  #bytes(value: Uint8Array): void {
    this.#varint(value.length);
    this.#ensure(value.length);
    this.#buf.set(value, this.#pos);
    this.#pos += value.length;
  }

  #byteString(value: string): void {
    this.#varint(value.length);
    this.#ensure(value.length);
    this.#pos = writeByteString(this.#buf, this.#pos, value);
  }

  #utf8(value: string): void {
    const max = value.length * 3;
    const room = varintSize(max);
    this.#ensure(room + max);
    const at = this.#pos;
    const end = writeUtf8(this.#buf, at + room, value);
    const length = end - at - room;
    const size = varintSize(length);
    if (size !== room) {
      this.#buf.copyWithin(at + size, at + room, end);
    }
    writeVarint(this.#buf, at, length);
    this.#pos = at + size + length;
  }

  #value(reply: Reply): void {
    switch (reply.kind) {
      case "ok":
        this.#tag(TAG.OK);
        return;
      case "null":
        this.#tag(TAG.NULL);
        return;
      case "int":
        this.#tag(TAG.INTEGER);
        this.#int64(reply.value);
        return;
      case "float":
        this.#tag(TAG.FLOAT);
        this.#ensure(8);
        this.#view.setFloat64(this.#pos, reply.value);
        this.#pos += 8;
        return;
      case "bytes":
        this.#tag(TAG.BYTES);
        if (typeof reply.value === "string") this.#byteString(reply.value);
        else this.#bytes(reply.value);
        return;
      case "status":
        this.#tag(TAG.STATUS);
        this.#byteString(reply.value);
        return;
      case "array":
      case "set":
        this.#tag(reply.kind === "array" ? TAG.ARRAY : TAG.SET);
        this.#varint(reply.value.length);
        for (const item of reply.value) this.#value(item);
        return;
      case "map":
        this.#tag(TAG.MAP);
        this.#varint(reply.value.length);
        for (const [k, v] of reply.value) {
          this.#value(k);
          this.#value(v);
        }
        return;
      case "error":
        this.#tag(TAG.ERROR);
        this.#byteString(reply.code);
        this.#byteString(reply.message);
        return;
    }
  }

  #tag(tag: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = tag;
  }

  #int64(value: number | bigint): void {
    this.#ensure(8);
    if (typeof value === "bigint") {
      this.#view.setBigInt64(this.#pos, value);
    } else {
      const hi = Math.floor(value / TWO_32);
      const lo = value - hi * TWO_32;
      this.#view.setInt32(this.#pos, hi);
      this.#view.setUint32(this.#pos + 4, lo);
    }
    this.#pos += 8;
  }
}

/**
 * Encodes one request frame.
 *
 * @param id The request id (u32).
 * @param opcode The command's opcode.
 * @param args The arguments; strings are encoded as UTF-8.
 * @returns The frame's bytes.
 *
 * @example SET k v
 * ```ts
 * import { encodeRequest } from "@cachemir/protocol";
 * console.log(encodeRequest(2, 0x0101, ["k", "v"]).length); // 17
 * ```
 */
export function encodeRequest(
  id: number,
  opcode: number,
  args: readonly (string | Uint8Array)[],
): Uint8Array {
  const w = new FrameWriter(256);
  w.writeRequest(id, opcode, args);
  return w.take();
}

/**
 * Encodes one reply frame.
 *
 * @param id The request's id.
 * @param opcode The request's opcode.
 * @param reply The value; BYTES given as a string are a byte string.
 * @returns The frame's bytes.
 *
 * @example OK
 * ```ts
 * import { encodeReply, OK } from "@cachemir/protocol";
 * console.log(encodeReply(2, 0x0101, OK).length); // 13
 * ```
 */
export function encodeReply(
  id: number,
  opcode: number,
  reply: Reply,
): Uint8Array {
  const w = new FrameWriter(256);
  w.writeReply(id, opcode, reply);
  return w.take();
}
