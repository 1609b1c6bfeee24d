/**
 * Push frames: what a node sends that answers no request. The only push so
 * far is an **invalidation** (client-side caching, `CLIENT TRACKING`): keys a
 * connection read have changed, or (`null`) every key did (FLUSHALL).
 *
 * A push is a reply frame (flag `80`) with the PUSH flag (`40`) too, so
 * flags `C0`; its id is 0 and its opcode CLIENT's (`000A`). Its payload is
 * one value, RESP3's push shape: an ARRAY of BYTES `invalidate` and either
 * an ARRAY of the keys (BYTES) or NULL for "every key". A client matches
 * replies to requests in order, and skips pushes in that matching: a push
 * may arrive between any two replies, never inside one. See README.md,
 * "Push frames".
 *
 * @module
 */

import { commandInfo } from "./commands.ts";
import { FrameWriter } from "./frame_writer.ts";
import { array, bytes, NULL } from "./replies.ts";
import { fromByteString, toByteString } from "./bytes.ts";
import { FLAG_PUSH, FLAG_REPLY, type Frame, type Reply } from "./types.ts";

/** A push frame's opcode: CLIENT's (tracking is turned on by `CLIENT TRACKING ON`). */
export const PUSH_OPCODE: number = commandInfo("CLIENT").opcode;

/** A push frame's id: always 0 (it answers no request). */
export const PUSH_ID = 0;

const INVALIDATE = "invalidate";

/** A push's flags: a reply (`80`) that is a push (`40`). */
const PUSH_FLAGS = FLAG_REPLY | FLAG_PUSH;

/**
 * The value of an invalidation push.
 *
 * @param keys The changed keys (byte strings or bytes), or `null` for every key.
 * @returns `["invalidate", [keys...]]`, or `["invalidate", NULL]`.
 *
 * @example
 * ```ts
 * import { invalidationReply } from "@cachemir/protocol";
 * console.log(invalidationReply(["k"]).kind); // "array"
 * ```
 */
export function invalidationReply(
  keys: readonly (string | Uint8Array)[] | null,
): Reply {
  return array([
    bytes(INVALIDATE),
    keys === null ? NULL : array(keys.map((k) => bytes(k))),
  ]);
}

/**
 * Appends an invalidation push frame to a writer.
 *
 * @param writer Where the frame goes.
 * @param keys The changed keys, or `null` for every key.
 *
 * @example
 * ```ts
 * import { FrameWriter, writeInvalidation } from "@cachemir/protocol";
 * const w = new FrameWriter();
 * writeInvalidation(w, null);
 * console.log(w.take()[1].toString(16)); // "c0"
 * ```
 */
export function writeInvalidation(
  writer: FrameWriter,
  keys: readonly (string | Uint8Array)[] | null,
): void {
  writer.writePush(PUSH_OPCODE, invalidationReply(keys));
}

/**
 * Encodes one invalidation push frame.
 *
 * @param keys The changed keys, or `null` for every key.
 * @returns The frame's bytes.
 *
 * @example `k` changed
 * ```ts
 * import { encodeInvalidation } from "@cachemir/protocol";
 * const hex = Array.from(encodeInvalidation(["k"]), (b) => b.toString(16).padStart(2, "0"));
 * console.log(hex.join(" "));
 * // 01 c0 00 0a 00 00 00 00 00 00 00 13 06 02 04 0a 69 6e 76 61 6c 69 64 61 74 65 06 01 04 01 6b
 * ```
 */
export function encodeInvalidation(
  keys: readonly (string | Uint8Array)[] | null,
): Uint8Array {
  const w = new FrameWriter(64);
  writeInvalidation(w, keys);
  return w.take();
}

/**
 * Whether a frame a node sent is a push (answers no request).
 *
 * @param frame A frame read from a node.
 * @returns `true` when its PUSH flag is set, with REPLY (flags `C0`).
 *
 * @example
 * ```ts
 * import { encodeInvalidation, FrameDecoder, isPush } from "@cachemir/protocol";
 * const d = new FrameDecoder();
 * d.push(encodeInvalidation(null));
 * const f = d.next();
 * console.log(f !== undefined && !("kind" in f) && isPush(f)); // true
 * ```
 */
export function isPush(frame: Frame): boolean {
  return (frame.flags & PUSH_FLAGS) === PUSH_FLAGS;
}

/**
 * Reads an invalidation push's value.
 *
 * @param reply A push frame's decoded value.
 * @returns The keys as bytes, `null` for "every key", or `undefined` when
 * the value is not an invalidation (a push a newer node may send: ignore it).
 *
 * @example
 * ```ts
 * import { invalidationKeys, invalidationReply } from "@cachemir/protocol";
 * console.log(invalidationKeys(invalidationReply(null))); // null
 * ```
 */
export function invalidationKeys(
  reply: Reply,
): Uint8Array[] | null | undefined {
  if (reply.kind !== "array" || reply.value.length !== 2) return undefined;
  const [kind, keys] = reply.value;
  if (
    kind.kind !== "bytes" ||
    (typeof kind.value === "string" ? kind.value : toByteString(kind.value)) !==
      INVALIDATE
  ) {
    return undefined;
  }
  if (keys.kind === "null") return null;
  if (keys.kind !== "array") return undefined;
  const out: Uint8Array[] = [];
  for (const k of keys.value) {
    if (k.kind !== "bytes") return undefined;
    out.push(
      typeof k.value === "string" ? fromByteString(k.value) : k.value,
    );
  }
  return out;
}
