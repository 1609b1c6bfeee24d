/**
 * What the hash, list and set commands share (private): reply builders for
 * arrays of byte strings and HSCAN/SSCAN steps, and the count rules and
 * limits of SRANDMEMBER and HRANDFIELD.
 *
 * @module
 */

import {
  array,
  bytes,
  EMPTY_ARRAY,
  error,
  type ErrorReply,
  type Reply,
} from "@cachemir/protocol";
import { NOT_INTEGER } from "./common.ts";
import { INT64_MIN, parseInt64 } from "./numbers.ts";
import type { Glob } from "../store/glob.ts";

/**
 * The most elements a negative SRANDMEMBER / HRANDFIELD count may ask for
 * (2^20, as many as Redis accepts arguments in one request). Redis has no
 * such limit and builds any reply, up to running out of memory; a node must
 * not.
 */
export const RANDOM_COUNT_LIMIT = 1024 * 1024;

/**
 * The most bytes of elements (fields and values) a negative SRANDMEMBER /
 * HRANDFIELD count may return: 256 MiB.
 */
export const RANDOM_REPLY_BYTES_LIMIT = 256 * 1024 * 1024;

const COUNT_RANGE: ErrorReply = Object.freeze(
  error(
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  ),
);

/** `ERR value is out of range, must be positive` (LPOP, SPOP counts). */
export const MUST_BE_POSITIVE: ErrorReply = Object.freeze(
  error("ERR value is out of range, must be positive"),
);

/**
 * HSCAN / SSCAN return a hash or set of at most this many slots whole, in
 * order, with cursor 0, whatever the cursor and COUNT, as Redis does for
 * its compact encodings (listpack hashes of up to 128 fields, intsets).
 * A scan in progress over a collection that shrank to this size is then
 * complete: everything is returned.
 */
export const SMALL_SCAN_SLOTS = 128;

/** The reply of HSCAN / SSCAN on a missing key: cursor 0, no elements. */
export const EMPTY_SCAN: Reply = Object.freeze(
  array([bytes("0"), EMPTY_ARRAY]),
);

/**
 * Reads the count of SRANDMEMBER / HRANDFIELD as Redis does
 * (`getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)`).
 *
 * @param arg The argument.
 * @returns The count (a `bigint` only outside the safe range), or the error
 * to reply.
 */
export function parseRandomCount(arg: string): number | bigint | ErrorReply {
  const n = parseInt64(arg);
  if (n === undefined) return NOT_INTEGER;
  if (n === INT64_MIN) return COUNT_RANGE;
  return n;
}

/**
 * Reads a count that must be 0 or more (LPOP, RPOP, SPOP: Redis's
 * `getPositiveLongFromObjectOrReply`, whose error is the same for a
 * non-integer and a negative number).
 *
 * @param arg The argument.
 * @returns The count (beyond 2^53 it is only compared with sizes), or -1
 * (reply {@linkcode MUST_BE_POSITIVE}).
 */
export function parsePositiveCount(arg: string): number {
  const n = parseInt64(arg);
  if (n === undefined || n < 0) return -1;
  return Number(n);
}

/**
 * The error for a negative count beyond {@linkcode RANDOM_COUNT_LIMIT}.
 *
 * @param command The command, in lower case.
 * @returns The error reply.
 */
export function randomCountTooLarge(command: string): ErrorReply {
  return error(
    `ERR ${command} count is out of range: at most ${RANDOM_COUNT_LIMIT} repeated elements may be asked for`,
  );
}

/**
 * Checks the size of the elements picked for a negative count against
 * {@linkcode RANDOM_REPLY_BYTES_LIMIT}.
 *
 * @param command The command, in lower case.
 * @param picked The elements.
 * @returns The error to reply, or `undefined` when they fit.
 */
export function checkReplyBytes(
  command: string,
  picked: readonly string[],
): ErrorReply | undefined {
  let total = 0;
  for (let i = 0; i < picked.length; i++) total += picked[i].length;
  if (total <= RANDOM_REPLY_BYTES_LIMIT) return undefined;
  return error(
    `ERR ${command} reply of ${total} bytes exceeds the limit of ${RANDOM_REPLY_BYTES_LIMIT} bytes`,
  );
}

/**
 * An array reply of byte strings.
 *
 * @param values The byte strings.
 * @returns The reply.
 */
export function bytesArray(values: readonly string[]): Reply {
  const out: Reply[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = bytes(values[i]);
  return array(out);
}

/**
 * The reply of one HSCAN / SSCAN step: `[cursor, [element, ...]]`, keeping
 * the elements (HSCAN: fields, each with its value) that match.
 *
 * @param cursor The next cursor.
 * @param found What the step visited: members, or `field, value` pairs.
 * @param pairs `true` when `found` holds pairs (HSCAN).
 * @param match The MATCH pattern, `undefined` for none.
 * @returns The reply.
 */
export function scanReply(
  cursor: number,
  found: readonly string[],
  pairs: boolean,
  match: Glob | undefined,
): Reply {
  const out: Reply[] = [];
  const step = pairs ? 2 : 1;
  for (let i = 0; i < found.length; i += step) {
    if (match !== undefined && !match.matches(found[i])) continue;
    out.push(bytes(found[i]));
    if (pairs) out.push(bytes(found[i + 1]));
  }
  return array([bytes(String(cursor)), array(out)]);
}
