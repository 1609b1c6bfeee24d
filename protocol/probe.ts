/**
 * The opening probe: the frame a client sends first on a connection so that
 * a server that is not a CacheMir node answers at once (see README.md,
 * "Opening a connection").
 *
 * A line-based server (Redis, a RESP port, memcached, HTTP) reads up to a
 * line end before it answers, and Redis's inline parser stops at the first
 * NUL byte. A request's header has a NUL at byte 1 (its flags), so a plain
 * HELLO is never answered by such a server: the client waits for its
 * timeout. The probe's flags byte is `0A` (`\n`) and its id `0D 0A 0D 0A`
 * (`\r\n\r\n`, the end of an HTTP header block): the first line such a
 * server sees is one byte long, and it answers with its error at once
 * (`-ERR unknown command...`, `HTTP/1.1 400 Bad Request`).
 *
 * A node answers the probe as it answers PING (`STATUS PONG`). A node that
 * predates it answers `ERR Protocol error: unknown flags 0x0a` (reserved
 * flags are refused that way, and the connection stays open): either reply
 * is a frame, so either says "this is a CacheMir node".
 *
 * @module
 */

import { commandInfo } from "./commands.ts";
import type { Frame } from "./types.ts";

/** The probe's flags byte: `\n`, a reserved combination of bits. */
export const PROBE_FLAGS = 0x0a;

/** The probe's request id: the bytes `\r\n\r\n`. */
export const PROBE_ID = 0x0d0a0d0a;

/** The probe's opcode: PING's. */
export const PROBE_OPCODE: number = commandInfo("PING").opcode;

/**
 * The probe frame: version 1, flags `0A`, opcode PING, id `0D0A0D0A`, one
 * byte of payload (no arguments). Shared: do not modify it.
 *
 * @example
 * ```ts
 * import { OPENING_PROBE } from "@cachemir/protocol";
 * console.log(Array.from(OPENING_PROBE, (b) => b.toString(16).padStart(2, "0")).join(" "));
 * // 01 0a 00 02 0d 0a 0d 0a 00 00 00 01 00
 * ```
 */
export const OPENING_PROBE: Uint8Array = new Uint8Array([
  0x01,
  PROBE_FLAGS,
  PROBE_OPCODE >>> 8,
  PROBE_OPCODE & 0xff,
  0x0d,
  0x0a,
  0x0d,
  0x0a,
  0x00,
  0x00,
  0x00,
  0x01,
  0x00,
]);

/**
 * Whether a request frame is the opening probe (its flags are `0A`; the
 * opcode and id do not matter).
 *
 * @param frame A request frame.
 * @returns `true` for the probe.
 *
 * @example
 * ```ts
 * import { FrameDecoder, isProbe, OPENING_PROBE } from "@cachemir/protocol";
 * const d = new FrameDecoder();
 * d.push(OPENING_PROBE);
 * const frame = d.next();
 * console.log(frame !== undefined && !("kind" in frame) && isProbe(frame)); // true
 * ```
 */
export function isProbe(frame: Frame): boolean {
  return frame.flags === PROBE_FLAGS;
}
