/**
 * Decoding a request frame's arguments.
 *
 * @module
 */

import { toByteString } from "./bytes.ts";
import { readVarint, type VarintCursor } from "./_varint.ts";
import { error } from "./replies.ts";
import {
  DEFAULT_MAX_ARGS,
  type ErrorReply,
  type Frame,
  type Limits,
} from "./types.ts";

const cursor: VarintCursor = { value: 0, pos: 0 };

/** Offsets of the arguments {@linkcode decodeRequestArgs} reads, reused. */
let scratch = new Int32Array(64);

/**
 * Reads a request payload's arguments where they are, without throwing:
 * checks the argument count and every length, and writes each argument's
 * start and length into `offsets` (pairs: `offsets[2 * i]`,
 * `offsets[2 * i + 1]`) as far as it has room. Nothing is allocated.
 *
 * @param bytes The buffer holding the payload.
 * @param start Where the payload starts.
 * @param end Where it ends.
 * @param offsets Where the arguments' positions go.
 * @param maxArgs The most arguments accepted.
 * @returns The number of arguments (all positions are in `offsets` when
 * `2 * count <= offsets.length`), or an error reply naming what is
 * malformed.
 *
 * @example Find a SET's key and value in place
 * ```ts
 * import { scanRequestArgs } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const payload = new Uint8Array([2, 1, 0x6b, 2, 0x76, 0x77]);
 * const offsets = new Int32Array(8);
 * assert.equal(scanRequestArgs(payload, 0, payload.length, offsets, 100), 2);
 * assert.deepEqual([...offsets.subarray(0, 4)], [2, 1, 4, 2]);
 * ```
 */
export function scanRequestArgs(
  bytes: Uint8Array,
  start: number,
  end: number,
  offsets: Int32Array,
  maxArgs: number,
): number | ErrorReply {
  const size = end - start;
  readVarint(bytes, start, end, cursor);
  if (cursor.pos < 0) {
    return error(
      `ERR Protocol error: ${
        cursor.pos === -1 ? "truncated" : "invalid"
      } argument count varint at offset 0 (payload ${size} bytes)`,
    );
  }
  const argc = cursor.value;
  if (argc > maxArgs) {
    return error(
      `ERR Protocol error: ${argc} arguments exceed limit ${maxArgs}`,
    );
  }
  let pos = cursor.pos;
  if (argc > end - pos) {
    return error(
      `ERR Protocol error: ${argc} arguments cannot fit in payload of ${size} bytes`,
    );
  }
  const room = offsets.length >> 1;
  for (let i = 0; i < argc; i++) {
    readVarint(bytes, pos, end, cursor);
    if (cursor.pos < 0) {
      return error(
        `ERR Protocol error: ${
          cursor.pos === -1 ? "truncated" : "invalid"
        } length varint of argument ${i} at offset ${
          pos - start
        } (payload ${size} bytes)`,
      );
    }
    const len = cursor.value;
    pos = cursor.pos;
    if (len > end - pos) {
      return error(
        `ERR Protocol error: argument ${i} length ${len} runs past payload end (${
          end - pos
        } bytes left)`,
      );
    }
    if (i < room) {
      offsets[2 * i] = pos;
      offsets[2 * i + 1] = len;
    }
    pos += len;
  }
  if (pos !== end) {
    return error(
      `ERR Protocol error: ${end - pos} trailing bytes after ${argc} arguments`,
    );
  }
  return argc;
}

/**
 * Decodes a request payload into its arguments, as byte strings (one char
 * per byte), without throwing.
 *
 * @param payload The frame's payload.
 * @param limits `maxArgs` caps the number of arguments.
 * @returns The arguments, or an error reply naming what is malformed.
 *
 * @example
 * ```ts
 * import { decodeRequestArgs } from "@cachemir/protocol";
 * const args = decodeRequestArgs(new Uint8Array([2, 1, 0x6b, 1, 0x76]));
 * console.log(args); // [ "k", "v" ]
 * ```
 */
export function decodeRequestArgs(
  payload: Uint8Array,
  limits: Limits = {},
): string[] | ErrorReply {
  const end = payload.length;
  const maxArgs = limits.maxArgs ?? DEFAULT_MAX_ARGS;
  let argc = scanRequestArgs(payload, 0, end, scratch, maxArgs);
  if (typeof argc !== "number") return argc;
  if (2 * argc > scratch.length) {
    // Rare: room for them all, then the same scan again.
    scratch = new Int32Array(2 * argc);
    argc = scanRequestArgs(payload, 0, end, scratch, maxArgs) as number;
  }
  const args = new Array<string>(argc);
  for (let i = 0; i < argc; i++) {
    const at = scratch[2 * i];
    const len = scratch[2 * i + 1];
    args[i] = len === 0 ? "" : toByteString(payload, at, at + len);
  }
  if (scratch.length > 1024) scratch = new Int32Array(64);
  return args;
}

/**
 * Checks a request frame's flags and decodes its arguments.
 *
 * @param frame A frame from {@linkcode FrameDecoder}.
 * @param limits `maxArgs` caps the number of arguments.
 * @returns The arguments as byte strings, or an error reply to send back.
 *
 * @example
 * ```ts
 * import { decodeRequest, encodeRequest, FrameDecoder } from "@cachemir/protocol";
 * const d = new FrameDecoder();
 * d.push(encodeRequest(7, 0x0100, ["key"]));
 * const frame = d.next();
 * if (frame && !("kind" in frame)) console.log(decodeRequest(frame)); // [ "key" ]
 * ```
 */
export function decodeRequest(
  frame: Frame,
  limits: Limits = {},
): string[] | ErrorReply {
  if (frame.flags !== 0) {
    return error(
      `ERR Protocol error: unknown flags 0x${
        frame.flags.toString(16).padStart(2, "0")
      }`,
    );
  }
  return decodeRequestArgs(frame.payload, limits);
}
