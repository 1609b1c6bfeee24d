/**
 * What command handlers share: Redis's error replies (exact texts), option
 * keyword matching without allocation, and integer replies of int64 values.
 *
 * @module
 */

import { error, type ErrorReply, int, type IntReply } from "@cachemir/protocol";
import { narrow, parseInt64 } from "./numbers.ts";
import { Glob } from "../store/glob.ts";
import { asciiUpper, isWord } from "../_util/ascii.ts";

export { asciiUpper, isWord };

/** `WRONGTYPE Operation against a key holding the wrong kind of value`. */
export const WRONGTYPE: ErrorReply = Object.freeze(
  error("WRONGTYPE Operation against a key holding the wrong kind of value"),
);

/** `ERR syntax error`. */
export const SYNTAX_ERROR: ErrorReply = Object.freeze(
  error("ERR syntax error"),
);

/** `ERR value is not an integer or out of range`. */
export const NOT_INTEGER: ErrorReply = Object.freeze(
  error("ERR value is not an integer or out of range"),
);

/** `ERR value is not a valid float`. */
export const NOT_FLOAT: ErrorReply = Object.freeze(
  error("ERR value is not a valid float"),
);

/** `ERR increment or decrement would overflow`. */
export const OVERFLOW: ErrorReply = Object.freeze(
  error("ERR increment or decrement would overflow"),
);

/** `ERR increment would produce NaN or Infinity`. */
export const NAN_OR_INFINITY: ErrorReply = Object.freeze(
  error("ERR increment would produce NaN or Infinity"),
);

/** `ERR no such key`. */
export const NO_SUCH_KEY: ErrorReply = Object.freeze(
  error("ERR no such key"),
);

/** `ERR numkeys should be greater than 0` (SINTERCARD, LMPOP, BLMPOP). */
export const NUMKEYS_NOT_POSITIVE: ErrorReply = Object.freeze(
  error("ERR numkeys should be greater than 0"),
);

const DB_OUT_OF_RANGE: ErrorReply = Object.freeze(
  error("ERR DB index is out of range"),
);
const NOT_INT32: ErrorReply = Object.freeze(
  error(
    "ERR value is out of range, value must between -2147483648 and 2147483647",
  ),
);

/**
 * Checks a database index (SELECT's, COPY's DB) as Redis reads it, an int:
 * a node has one database, 0. Deviation from Redis (16 databases by
 * default): any other index is out of range.
 *
 * @param arg The argument.
 * @returns `undefined` for 0, else Redis's error.
 *
 * @example
 * ```ts
 * import { dbIndexError } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(dbIndexError("0"), undefined);
 * assert.equal(dbIndexError("1")?.message, "DB index is out of range");
 * ```
 */
export function dbIndexError(arg: string): ErrorReply | undefined {
  const index = parseInt64(arg);
  if (index === undefined) return NOT_INTEGER;
  if (index > 2147483647 || index < -2147483648) return NOT_INT32;
  return index === 0 ? undefined : DB_OUT_OF_RANGE;
}

/** `ERR string exceeds maximum allowed size (proto-max-bulk-len)`. */
export const STRING_TOO_LONG: ErrorReply = Object.freeze(
  error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
);

/**
 * The longest string value: Redis's `proto-max-bulk-len` (512 MiB), capped
 * by the longest string V8 can hold (2^29 − 24 chars). Redis accepts up to
 * 536870912 bytes; CacheMir up to 536870888, with the same error beyond.
 */
export const MAX_STRING_LENGTH: number = Math.min(
  512 * 1024 * 1024,
  (1 << 29) - 24,
);

/**
 * `ERR wrong number of arguments for '<command>' command`, frozen: make it
 * once per command, not per call.
 *
 * @param command The command's name (`"mset"`, `"client|setname"`), in any
 * case: the text has it in lower case, as Redis's.
 * @returns The error reply.
 *
 * @example Name the command
 * ```ts
 * import { arityError } from "./common.ts";
 * import { errorText } from "@cachemir/protocol";
 *
 * console.log(errorText(arityError("MSET"))); // ERR wrong number of arguments for 'mset' command
 * ```
 */
export function arityError(command: string): ErrorReply {
  return Object.freeze(
    error(
      `ERR wrong number of arguments for '${command.toLowerCase()}' command`,
    ),
  );
}

/**
 * `ERR invalid expire time in '<command>' command`.
 *
 * @param command The command's name in lower case, e.g. `"set"`.
 * @returns The error reply (made on each call: an error path).
 *
 * @example Name the command
 * ```ts
 * import { invalidExpireTime } from "./common.ts";
 * import { errorText } from "@cachemir/protocol";
 *
 * console.log(errorText(invalidExpireTime("set"))); // ERR invalid expire time in 'set' command
 * ```
 */
export function invalidExpireTime(command: string): ErrorReply {
  return error(`ERR invalid expire time in '${command}' command`);
}

/**
 * Makes an integer reply from an int64 (a `bigint` only outside the safe
 * range, as {@linkcode IntReply} wants).
 *
 * @param v The integer.
 * @returns The reply.
 *
 * @example Reply a big integer
 * ```ts
 * import { intReply } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(intReply(3n).value, 3);
 * ```
 */
export function intReply(v: number | bigint): IntReply {
  return int(narrow(v));
}

/**
 * Reads an int64 argument (Redis's `getLongLongFromObjectOrReply`).
 *
 * @param arg The argument.
 * @returns The integer, or `undefined` when it is not one (reply
 * {@linkcode NOT_INTEGER}).
 *
 * @example Read a count
 * ```ts
 * import { intArg } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(intArg("10"), 10);
 * assert.equal(intArg("ten"), undefined);
 * ```
 */
export function intArg(arg: string): number | bigint | undefined {
  return parseInt64(arg);
}

/**
 * Formats an int64 as Redis writes it into a string value.
 *
 * @param v The integer.
 * @returns Its decimal ASCII text.
 *
 * @example Format
 * ```ts
 * import { formatInt } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatInt(-7), "-7");
 * ```
 */
export function formatInt(v: number | bigint): string {
  return typeof v === "number" ? String(v) : v.toString();
}

/** Below this, seconds × 1000 + now stays a safe integer. */
const SAFE_SECONDS = 2 ** 52 / 1000;
const LLONG_MAX_DIV_1000 = 9223372036854775n;
const LLONG_MAX = 9223372036854775807n;

/**
 * Turns the time argument of SET/GETEX/SETEX/PSETEX (EX PX EXAT PXAT) into
 * an absolute expiry time in ms, with Redis's checks
 * (`getExpireMillisecondsOrReply`): the number must be an integer greater
 * than 0, and the time in ms must fit int64.
 *
 * @param arg The argument.
 * @param seconds `true` for EX/EXAT/SETEX, `false` for PX/PXAT/PSETEX.
 * @param relative `true` for EX/PX/SETEX/PSETEX (added to `now`).
 * @param now The time now, in ms.
 * @returns The absolute time, or `"integer"` (reply
 * {@linkcode NOT_INTEGER}) or `"invalid"` (reply {@linkcode invalidExpireTime}).
 *
 * @example EX 10
 * ```ts
 * import { setExpireTime } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(setExpireTime("10", true, true, 1000), 11000);
 * assert.equal(setExpireTime("0", true, true, 1000), "invalid");
 * ```
 */
export function setExpireTime(
  arg: string,
  seconds: boolean,
  relative: boolean,
  now: number,
): number | bigint | "integer" | "invalid" {
  return expireTimeOf(parseInt64(arg), seconds, relative, now);
}

/**
 * {@linkcode setExpireTime} on the argument already parsed (the in-place
 * path parses it from the request's bytes).
 *
 * @param v The argument as an int64, `undefined` when it is not one.
 * @param seconds `true` for EX/EXAT/SETEX, `false` for PX/PXAT/PSETEX.
 * @param relative `true` for EX/PX/SETEX/PSETEX (added to `now`).
 * @param now The time now, in ms.
 * @returns As {@linkcode setExpireTime}.
 *
 * @example PX 1500
 * ```ts
 * import { expireTimeOf } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(expireTimeOf(1500, false, true, 1000), 2500);
 * assert.equal(expireTimeOf(-1, false, true, 1000), "invalid");
 * ```
 */
export function expireTimeOf(
  v: number | bigint | undefined,
  seconds: boolean,
  relative: boolean,
  now: number,
): number | bigint | "integer" | "invalid" {
  if (v === undefined) return "integer";
  if (v <= 0) return "invalid";
  if (typeof v === "number" && v < SAFE_SECONDS) {
    return (seconds ? v * 1000 : v) + (relative ? now : 0);
  }
  let ms = BigInt(v);
  if (seconds) {
    if (ms > LLONG_MAX_DIV_1000) return "invalid";
    ms *= 1000n;
  }
  if (relative) {
    ms += BigInt(now);
    if (ms > LLONG_MAX) return "invalid";
  }
  return narrow(ms);
}

/**
 * Turns the time argument of EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT into an
 * absolute expiry time in ms, with Redis's checks (`expireGenericCommand`):
 * any int64, but the time in ms must fit int64. Times in the past are valid
 * (the key is then deleted).
 *
 * @param when The parsed integer argument.
 * @param seconds `true` for EXPIRE/EXPIREAT.
 * @param base `now` for EXPIRE/PEXPIRE, 0 for the `AT` forms.
 * @returns The absolute time, or `undefined` when it overflows (reply
 * {@linkcode invalidExpireTime}).
 *
 * @example EXPIRE 10
 * ```ts
 * import { expireTime } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(expireTime(10, true, 1000), 11000);
 * assert.equal(expireTime(9223372036854775807n, true, 0), undefined);
 * ```
 */
export function expireTime(
  when: number | bigint,
  seconds: boolean,
  base: number,
): number | bigint | undefined {
  if (typeof when === "number" && Math.abs(when) < SAFE_SECONDS) {
    return (seconds ? when * 1000 : when) + base;
  }
  let ms = BigInt(when);
  if (seconds) {
    if (ms > LLONG_MAX_DIV_1000 || ms < -LLONG_MAX_DIV_1000) return undefined;
    ms *= 1000n;
  }
  if (ms > LLONG_MAX - BigInt(base)) return undefined;
  return narrow(ms + BigInt(base));
}

/**
 * An argument as Redis's `%s` prints it inside an error: up to the first
 * NUL byte, with CR and LF turned into spaces (an error reply is one line).
 *
 * @param arg The argument, a byte string.
 * @returns The printable part.
 *
 * @example Print an argument
 * ```ts
 * import { printable } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(printable("a\nb\0c"), "a b");
 * ```
 */
export function printable(arg: string): string {
  const nul = arg.indexOf("\0");
  const s = nul < 0 ? arg : arg.slice(0, nul);
  return s.replace(/[\r\n]/g, " ");
}

/** `ERR invalid cursor`. */
export const INVALID_CURSOR: ErrorReply = Object.freeze(
  error("ERR invalid cursor"),
);

const TWO_64 = 1n << 64n;

/**
 * Reads a SCAN / HSCAN / SSCAN cursor as Redis does (`strtoul`, base 10):
 * optional sign, digits, nothing else; no leading space; at most
 * 2^64 − 1; `-n` wraps around; the empty string is 0.
 *
 * @param s The argument.
 * @returns The cursor (-1 for one beyond the safe-integer range, which no
 * CacheMir cursor reaches), or `undefined` (reply
 * {@linkcode INVALID_CURSOR}).
 *
 * @example Read cursors
 * ```ts
 * import { parseScanCursor } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseScanCursor("17"), 17);
 * assert.equal(parseScanCursor("-1"), -1);
 * assert.equal(parseScanCursor(" 1"), undefined);
 * ```
 */
export function parseScanCursor(s: string): number | undefined {
  if (s.length === 0) return 0;
  let i = 0;
  const c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) i = 1;
  if (i === s.length) return undefined;
  for (let j = i; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (d < 0x30 || d > 0x39) return undefined;
  }
  if (s.length - i <= 15 && c !== 0x2d) return Number(s.slice(i));
  let v = BigInt(s.slice(i));
  if (v >= TWO_64) return undefined;
  if (c === 0x2d && v !== 0n) v = TWO_64 - v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : -1;
}

/** The options of HSCAN and SSCAN. */
export interface CollectionScanOptions {
  /** COUNT: how many elements to visit (at least 1). */
  readonly count: number;
  /** MATCH: the pattern elements must match; `undefined` for none or `*`. */
  readonly match: Glob | undefined;
}

/**
 * Parses the options of HSCAN / SSCAN (`MATCH pattern`, `COUNT count`, each
 * possibly repeated, the last one winning) with the rules of Redis's
 * `scanGenericCommand`: COUNT must be an integer (else
 * {@linkcode NOT_INTEGER}) of at least 1 (else {@linkcode SYNTAX_ERROR});
 * anything else, TYPE included, is a syntax error. Redis parses these after
 * the key's lookup: a missing key answers an empty scan whatever the
 * options, and a key of the wrong type WRONGTYPE.
 *
 * @param args The command's arguments.
 * @param start The index of the first option.
 * @returns The options, or the error to reply.
 *
 * @example Parse options
 * ```ts
 * import { parseCollectionScanOptions } from "./common.ts";
 * import assert from "node:assert/strict";
 *
 * const options = parseCollectionScanOptions(["k", "0", "COUNT", "5"], 2);
 * assert.equal("count" in options && options.count, 5);
 * ```
 */
export function parseCollectionScanOptions(
  args: readonly string[],
  start: number,
): CollectionScanOptions | ErrorReply {
  let count = 10;
  let match: Glob | undefined;
  for (let i = start; i < args.length; i += 2) {
    const opt = args[i];
    if (i + 1 >= args.length) return SYNTAX_ERROR;
    if (isWord(opt, "count")) {
      const n = parseInt64(args[i + 1]);
      if (n === undefined) return NOT_INTEGER;
      if (n < 1) return SYNTAX_ERROR;
      count = Number(n);
    } else if (isWord(opt, "match")) {
      const pattern = args[i + 1];
      match = pattern === "*" ? undefined : new Glob(pattern);
    } else {
      return SYNTAX_ERROR;
    }
  }
  return { count, match };
}
