/**
 * The frame encoder: requests and replies into one growing buffer, so that
 * many frames leave in one write.
 *
 * @module
 */

import { writeUtf8 } from "./bytes.ts";
import { OutputBuffer } from "./output_buffer.ts";
import { MAX_VARINT_BYTES, varintSize, writeVarint } from "./_varint.ts";
import {
  FLAG_PUSH,
  FLAG_REPLY,
  HEADER_BYTES,
  PROTOCOL_VERSION,
  type Reply,
} from "./types.ts";

const INITIAL_BYTES = 16 * 1024;
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
  #out: OutputBuffer;
  /** A view of `#out`'s memory for floats and int64s, remade when it grows. */
  #view: DataView;

  /**
   * Makes a writer.
   *
   * @param initialBytes The buffer's starting size.
   * @default {16384}
   */
  constructor(initialBytes: number = INITIAL_BYTES) {
    this.#out = new OutputBuffer({ initialBytes });
    this.#view = new DataView(this.#out.bytes.buffer);
  }

  /** Bytes written since the last `take()`. */
  get length(): number {
    return this.#out.length;
  }

  /**
   * Returns the bytes written since the last call and starts afresh. The
   * returned array belongs to the caller.
   *
   * @returns The encoded frames.
   */
  take(): Uint8Array {
    return this.#out.take();
  }

  /**
   * Returns the bytes written since the last take without copying them,
   * and starts afresh: the result views the writer's memory, so write it
   * out before writing more frames (a server answering one read at a
   * time).
   *
   * @returns A view of the encoded frames.
   *
   * @example Answer a read without copying the replies
   * ```ts
   * import { FrameWriter, OK } from "@cachemir/protocol";
   * import assert from "node:assert/strict";
   *
   * const w = new FrameWriter();
   * w.writeReply(1, 0x0101, OK);
   * const out = w.takeView();
   * assert.equal(out.length, 13); // write `out` to the socket now
   * assert.equal(w.length, 0);
   * ```
   */
  takeView(): Uint8Array {
    return this.#out.takeView();
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

  /**
   * Appends a push frame (flags REPLY | PUSH, id 0): a value that answers
   * no request (see `push.ts`).
   *
   * @param opcode The push's opcode.
   * @param reply The value.
   */
  writePush(opcode: number, reply: Reply): void {
    const start = this.#header(FLAG_REPLY | FLAG_PUSH, opcode, 0);
    this.#value(reply);
    this.#finish(start);
  }

  /**
   * Appends a reply frame holding a bulk value copied from bytes where they
   * sit (a record in a node's store), with no reply value made.
   *
   * @param id The request's id.
   * @param opcode The request's opcode.
   * @param bytes The buffer holding the value.
   * @param start Where the value starts.
   * @param length Its length.
   */
  writeBulkReply(
    id: number,
    opcode: number,
    bytes: Uint8Array,
    start: number,
    length: number,
  ): void {
    const at = this.#header(FLAG_REPLY, opcode, id);
    this.#out.writeByte(TAG.BYTES);
    this.#varint(length);
    this.#out.writeRange(bytes, start, length);
    this.#finish(at);
  }

  /**
   * Appends a reply frame holding an integer, with no reply value made.
   *
   * @param id The request's id.
   * @param opcode The request's opcode.
   * @param n A safe integer.
   */
  writeIntReply(id: number, opcode: number, n: number): void {
    const at = this.#header(FLAG_REPLY, opcode, id);
    this.#out.writeByte(TAG.INTEGER);
    this.#int64(n);
    this.#finish(at);
  }

  #header(flags: number, opcode: number, id: number): number {
    const out = this.#out;
    const b = out.ensure(HEADER_BYTES);
    const p = out.length;
    b[p] = PROTOCOL_VERSION;
    b[p + 1] = flags;
    b[p + 2] = (opcode >>> 8) & 0xff;
    b[p + 3] = opcode & 0xff;
    b[p + 4] = (id >>> 24) & 0xff;
    b[p + 5] = (id >>> 16) & 0xff;
    b[p + 6] = (id >>> 8) & 0xff;
    b[p + 7] = id & 0xff;
    out.length = p + HEADER_BYTES;
    return p;
  }

  #finish(start: number): void {
    const out = this.#out;
    const length = out.length - start - HEADER_BYTES;
    const b = out.bytes;
    b[start + 8] = (length >>> 24) & 0xff;
    b[start + 9] = (length >>> 16) & 0xff;
    b[start + 10] = (length >>> 8) & 0xff;
    b[start + 11] = length & 0xff;
  }

  #varint(value: number): void {
    const out = this.#out;
    out.length = writeVarint(out.ensure(MAX_VARINT_BYTES), out.length, value);
  }

  #bytes(value: Uint8Array): void {
    this.#varint(value.length);
    this.#out.writeBytes(value);
  }

  #byteString(value: string): void {
    this.#varint(value.length);
    this.#out.writeByteString(value);
  }

  #utf8(value: string): void {
    const out = this.#out;
    const max = value.length * 3;
    const room = varintSize(max);
    const b = out.ensure(room + max);
    const at = out.length;
    const end = writeUtf8(b, at + room, value);
    const length = end - at - room;
    const size = varintSize(length);
    if (size !== room) {
      b.copyWithin(at + size, at + room, end);
    }
    writeVarint(b, at, length);
    out.length = at + size + length;
  }

  #value(reply: Reply): void {
    switch (reply.kind) {
      case "ok":
        this.#out.writeByte(TAG.OK);
        return;
      case "null":
        this.#out.writeByte(TAG.NULL);
        return;
      case "int":
        this.#out.writeByte(TAG.INTEGER);
        this.#int64(reply.value);
        return;
      case "float":
        this.#out.writeByte(TAG.FLOAT);
        this.#eightBytes().setFloat64(this.#out.length, reply.value);
        this.#out.length += 8;
        return;
      case "bytes":
        this.#out.writeByte(TAG.BYTES);
        if (typeof reply.value === "string") this.#byteString(reply.value);
        else this.#bytes(reply.value);
        return;
      case "status":
        this.#out.writeByte(TAG.STATUS);
        this.#byteString(reply.value);
        return;
      case "array":
      case "set":
        this.#out.writeByte(reply.kind === "array" ? TAG.ARRAY : TAG.SET);
        this.#varint(reply.value.length);
        for (const item of reply.value) this.#value(item);
        return;
      case "map":
        this.#out.writeByte(TAG.MAP);
        this.#varint(reply.value.length);
        for (const [k, v] of reply.value) {
          this.#value(k);
          this.#value(v);
        }
        return;
      case "error":
        this.#out.writeByte(TAG.ERROR);
        this.#byteString(reply.code);
        this.#byteString(reply.message);
        return;
    }
  }

  /** Makes room for 8 bytes; returns a DataView of the memory they go in. */
  #eightBytes(): DataView {
    const b = this.#out.ensure(8);
    if (this.#view.buffer !== b.buffer) this.#view = new DataView(b.buffer);
    return this.#view;
  }

  #int64(value: number | bigint): void {
    const view = this.#eightBytes();
    const p = this.#out.length;
    if (typeof value === "bigint") {
      view.setBigInt64(p, value);
    } else {
      const hi = Math.floor(value / TWO_32);
      const lo = value - hi * TWO_32;
      view.setInt32(p, hi);
      view.setUint32(p + 4, lo);
    }
    this.#out.length = p + 8;
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
