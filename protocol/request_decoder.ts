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
  readVarint(payload, 0, end, cursor);
  if (cursor.pos < 0) {
    return error(
      `ERR Protocol error: ${
        cursor.pos === -1 ? "truncated" : "invalid"
      } argument count varint at offset 0 (payload ${end} bytes)`,
    );
  }
  const argc = cursor.value;
  const maxArgs = limits.maxArgs ?? DEFAULT_MAX_ARGS;
  if (argc > maxArgs) {
    return error(
      `ERR Protocol error: ${argc} arguments exceed limit ${maxArgs}`,
    );
  }
  let pos = cursor.pos;
  if (argc > end - pos) {
    return error(
      `ERR Protocol error: ${argc} arguments cannot fit in payload of ${end} bytes`,
    );
  }
  const args = new Array<string>(argc);
  for (let i = 0; i < argc; i++) {
    readVarint(payload, pos, end, cursor);
    if (cursor.pos < 0) {
      return error(
        `ERR Protocol error: ${
          cursor.pos === -1 ? "truncated" : "invalid"
        } length varint of argument ${i} at offset ${pos} (payload ${end} bytes)`,
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
    args[i] = len === 0 ? "" : toByteString(payload, pos, pos + len);
    pos += len;
  }
  if (pos !== end) {
    return error(
      `ERR Protocol error: ${end - pos} trailing bytes after ${argc} arguments`,
    );
  }
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
