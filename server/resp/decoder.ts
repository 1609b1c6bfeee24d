/**
 * {@linkcode RespDecoder}: the incremental RESP request parser. Bytes in, in
 * any split; commands out. It follows Redis 7's `processMultibulkBuffer` and
 * `processInlineBuffer` (networking.c) byte for byte, error texts included,
 * and never throws on what it is given.
 *
 * @module
 */

import { parseInt64, parseSmallInt } from "../_util/int64.ts";
import { StreamBuffer, toByteString } from "@cachemir/protocol";
import { splitArgs } from "./split_args.ts";

/** One command read from the stream. */
export interface RespCommand {
  /** The command's name as sent (any case), a byte string. */
  readonly name: string;
  /** The arguments after the name, as byte strings. */
  readonly args: string[];
}

/**
 * Most arguments (the name included) a request may have to be decoded as a
 * {@linkcode RespView}: enough for GET, SET and an MSET of 31 keys.
 */
export const MAX_VIEW_ARGS = 64;

/**
 * A command decoded no further than where its arguments sit: the name as
 * a (cached) byte string, and each argument's start and length in `bytes`
 * (argument `i` after the name: `offsets[2 * i]`, `offsets[2 * i + 1]`).
 * The decoder reuses one view: it and its bytes are valid until the next
 * call of `next()` or `push()`.
 */
export class RespView {
  /** The command's name as sent (any case), a byte string. */
  name = "";
  /** The buffer the arguments are in. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Arguments after the name. */
  count = 0;
  /** Start and length of each argument, in pairs. */
  readonly offsets: Int32Array = new Int32Array(2 * MAX_VIEW_ARGS);
}

/**
 * Input the decoder refused. The connection must be answered with
 * `-<message>` and closed: RESP has no way to find the next request.
 */
export interface RespError {
  /** Discriminant. */
  readonly kind: "resp-error";
  /** Redis's text, e.g. `ERR Protocol error: invalid multibulk length`. */
  readonly message: string;
}

/** Limits of {@linkcode RespDecoder}. */
export interface RespLimits {
  /**
   * Longest bulk string accepted (Redis's `proto-max-bulk-len`).
   * @default {536870912}
   */
  readonly maxBulkBytes?: number;
  /**
   * Most bulk strings in one multibulk request, the name included (Redis:
   * `INT_MAX`).
   * @default {2147483647}
   */
  readonly maxArgs?: number;
  /**
   * Most bytes of bulk strings in one request, all arguments together (Redis
   * bounds this with `client-query-buffer-limit`, 1 GiB).
   * @default {1073741824}
   */
  readonly maxRequestBytes?: number;
  /**
   * Decode a request that arrived whole (the usual case) as the reused
   * {@linkcode RespView}, arguments left in place, instead of a
   * {@linkcode RespCommand} of strings; requests split across reads, with
   * more than {@linkcode MAX_VIEW_ARGS} arguments, inline or malformed ones
   * are still decoded to strings.
   * @default {false}
   */
  readonly views?: boolean;
}

/** Redis's `PROTO_INLINE_MAX_SIZE`: longest inline line or header line. */
export const INLINE_MAX_BYTES = 64 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const INT_MAX = 2147483647;

/** Index of the first `\r` in `buf[from..end)`, or -1 when a NUL or the end comes first (`strchr`). */
function findCr(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = buf[i];
    if (c === CR) return i;
    if (c === 0) return -1;
  }
  return -1;
}

/**
 * Parses `buf[from..to)` with Redis's `string2ll` rules. Returns NaN when
 * it is not an int64; a value beyond 2^53 is returned inexactly, which
 * only matters for comparisons with limits far below it.
 */
function readInt(buf: Uint8Array, from: number, to: number): number {
  const n = to - from;
  if (n <= 0 || n > 20) return NaN;
  if (n <= 15) return parseSmallInt(buf, from, to);
  const v = parseInt64(toByteString(buf, from, to));
  return v === undefined ? NaN : Number(v);
}

/** The longest command name {@linkcode commandName} keeps. */
const NAME_MAX_BYTES = 16;
/** Slots of {@linkcode commandName}'s cache (a power of two). */
const NAME_SLOTS = 64;
const names: string[] = new Array<string>(NAME_SLOTS).fill("");

/**
 * A command name as a byte string, the same string object each time the
 * same bytes come again: a name is looked up in the command table next, and
 * a string met before has its hash computed already (and nothing is
 * allocated). The cache is a fixed array indexed by a hash of the bytes, so
 * names a client makes up only take turns in it.
 */
function commandName(buf: Uint8Array, pos: number, len: number): string {
  if (len > NAME_MAX_BYTES) return toByteString(buf, pos, pos + len);
  const end = pos + len;
  let h = len;
  for (let i = pos; i < end; i++) h = (h * 31 + buf[i]) | 0;
  const slot = h & (NAME_SLOTS - 1);
  const cached = names[slot];
  if (cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === buf[pos + i]) i++;
    if (i === len) return cached;
  }
  const name = toByteString(buf, pos, end);
  names[slot] = name;
  return name;
}

function protocolError(what: string): RespError {
  return Object.freeze({
    kind: "resp-error",
    message: `ERR Protocol error: ${what}`,
  });
}

const INVALID_MULTIBULK = protocolError("invalid multibulk length");
const INVALID_BULK = protocolError("invalid bulk length");
const UNBALANCED = protocolError("unbalanced quotes in request");
const BIG_INLINE = protocolError("too big inline request");
const BIG_MBULK = protocolError("too big mbulk count string");
const BIG_BULK = protocolError("too big bulk count string");

/**
 * Splits a RESP byte stream into commands: multibulk requests
 * (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline ones (`GET k\r\n`), as
 * Redis accepts them: a `\r` in a header line may be followed by any byte,
 * the two bytes after a bulk string are skipped unread, a count ≤ 0 is an
 * empty request, a NUL byte hides a line ending from the search (a C string
 * ends there).
 *
 * `push()` may keep a reference to the pushed chunk until `next()` returns
 * `undefined`; do not reuse the chunk's memory before then. Only the bulk
 * string being read stays buffered: the arguments before it are already
 * strings.
 *
 * @example Decode a request pushed one byte at a time
 * ```ts
 * import { RespDecoder } from "./decoder.ts";
 * import assert from "node:assert/strict";
 *
 * const d = new RespDecoder();
 * for (const b of new TextEncoder().encode("*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n")) {
 *   d.push(new Uint8Array([b]));
 * }
 * assert.deepEqual(d.next(), { name: "GET", args: ["k"] });
 * assert.deepEqual(d.next(), { name: "PING", args: [] });
 * assert.equal(d.next(), undefined);
 * ```
 */
export class RespDecoder {
  #maxBulk: number;
  #maxArgs: number;
  #maxRequest: number;
  #view: RespView | undefined;
  #input = new StreamBuffer();
  #failed = false;
  /** Bulk strings still to read in the current multibulk request (0 = none). */
  #remaining = 0;
  /** Length of the bulk string being read; -1 before its header. */
  #bulkLen = -1;
  #name: string | undefined;
  #args: string[] = [];
  #requestBytes = 0;

  /**
   * Makes a decoder.
   *
   * @param limits Bulk, argument and request size limits.
   */
  constructor(limits: RespLimits = {}) {
    this.#maxBulk = limits.maxBulkBytes ?? 512 * 1024 * 1024;
    this.#maxArgs = Math.min(limits.maxArgs ?? INT_MAX, INT_MAX);
    this.#maxRequest = limits.maxRequestBytes ?? 1024 * 1024 * 1024;
    if (limits.views === true) this.#view = new RespView();
  }

  /** Bytes received and not yet decoded. */
  get buffered(): number {
    return this.#input.length;
  }

  /**
   * Adds bytes from the stream. Ignored after an error.
   *
   * @param chunk The next bytes, any length.
   */
  push(chunk: Uint8Array): void {
    if (!this.#failed) this.#input.push(chunk);
  }

  /**
   * Returns the next complete command, if any.
   *
   * @returns A command (the reused {@linkcode RespView} when `views` is
   * on and the request came whole); a {@linkcode RespError} (after which
   * the decoder drops all input); or `undefined` when more bytes are needed.
   */
  next(): RespCommand | RespView | RespError | undefined {
    if (this.#failed) return undefined;
    const input = this.#input;
    for (;;) {
      if (this.#remaining === 0) {
        const pos = input.start;
        const end = input.end;
        if (pos === end) return this.#needMore(0);
        const buf = input.bytes;
        if (buf[pos] !== 0x2a) { // not '*': inline
          const r = this.#inline();
          if (r === null) continue; // empty line
          return r;
        }
        if (this.#view !== undefined) {
          const view = this.#whole(this.#view, buf, pos, end);
          if (view !== undefined) return view;
        }
        const cr = findCr(buf, pos, end);
        if (cr < 0) {
          return end - pos > INLINE_MAX_BYTES
            ? this.#fail(BIG_MBULK)
            : this.#needMore(0);
        }
        if (cr + 1 >= end) return this.#needMore(0);
        const n = readInt(buf, pos + 1, cr);
        if (Number.isNaN(n) || n > this.#maxArgs) {
          return this.#fail(INVALID_MULTIBULK);
        }
        input.advance(cr + 2 - pos);
        if (n <= 0) continue; // an empty request: nothing to run
        this.#remaining = n;
        this.#name = undefined;
        this.#args = [];
        this.#requestBytes = 0;
      }
      return this.#bulks();
    }
  }

  /**
   * Reads a multibulk request that is all in `buf[pos..end)` and takes the
   * usual form (`*` and `$` headers of plain digits, within the limits)
   * into `view`, leaving the arguments in place. Anything else — a request
   * still arriving, an unusual header, a limit passed — is left to the
   * string path, which reads it (and words its errors) as Redis does.
   *
   * @returns The view, or `undefined` with nothing consumed.
   */
  #whole(
    view: RespView,
    buf: Uint8Array,
    pos: number,
    end: number,
  ): RespView | undefined {
    let i = pos + 1;
    let n = 0;
    for (const stop = Math.min(end, i + 3); i < stop; i++) {
      const d = buf[i] - 0x30;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (
      i === pos + 1 || i + 1 >= end || buf[i] !== CR || buf[pos + 1] === 0x30 ||
      n > MAX_VIEW_ARGS || n > this.#maxArgs
    ) {
      return undefined;
    }
    const offsets = view.offsets;
    let p = i + 2; // the byte after `\r` is skipped unread, as Redis does
    let total = 0;
    let nameStart = 0;
    let nameLength = 0;
    for (let a = 0; a < n; a++) {
      if (p >= end || buf[p] !== 0x24) return undefined;
      const first = p + 1;
      let j = first;
      let len = 0;
      for (const stop = Math.min(end, first + 15); j < stop; j++) {
        const d = buf[j] - 0x30;
        if (d < 0 || d > 9) break;
        len = len * 10 + d;
      }
      if (
        j === first || j >= end || buf[j] !== CR ||
        (buf[first] === 0x30 && j !== first + 1) || len > this.#maxBulk
      ) {
        return undefined;
      }
      total += len;
      const start = j + 2;
      if (total > this.#maxRequest || start + len + 2 > end) return undefined;
      if (a === 0) {
        nameStart = start;
        nameLength = len;
      } else {
        offsets[2 * a - 2] = start;
        offsets[2 * a - 1] = len;
      }
      p = start + len + 2;
    }
    this.#input.advance(p - pos);
    view.name = commandName(buf, nameStart, nameLength);
    view.bytes = buf;
    view.count = n - 1;
    return view;
  }

  /** Reads the bulk strings of the current request. */
  #bulks(): RespCommand | RespError | undefined {
    const input = this.#input;
    // Neither the memory nor its end change until this returns.
    const buf = input.bytes;
    const end = input.end;
    while (this.#remaining > 0) {
      let pos = input.start;
      if (this.#bulkLen < 0) {
        let n = 0;
        let cr = -1;
        if (buf[pos] === 0x24) {
          // The usual header, `$` and up to 15 digits without a leading
          // zero, read in one pass; anything else takes the long way.
          const first = pos + 1;
          const stop = Math.min(end, first + 15);
          let i = first;
          for (; i < stop; i++) {
            const d = buf[i] - 0x30;
            if (d < 0 || d > 9) break;
            n = n * 10 + d;
          }
          if (
            i < end && buf[i] === CR && i > first &&
            (buf[first] !== 0x30 || i === first + 1)
          ) {
            cr = i;
          }
        }
        if (cr < 0) {
          cr = findCr(buf, pos, end);
          if (cr < 0) {
            return end - pos > INLINE_MAX_BYTES
              ? this.#fail(BIG_BULK)
              : this.#needMore(0);
          }
          if (cr + 1 >= end) return this.#needMore(0);
          const c = buf[pos];
          if (c !== 0x24) { // '$'
            return this.#fail(
              protocolError(
                `expected '$', got '${
                  c === CR || c === LF ? " " : String.fromCharCode(c)
                }'`,
              ),
            );
          }
          n = readInt(buf, pos + 1, cr);
          if (Number.isNaN(n) || n < 0) return this.#fail(INVALID_BULK);
        } else if (cr + 1 >= end) {
          return this.#needMore(0);
        }
        if (n > this.#maxBulk) return this.#fail(INVALID_BULK);
        this.#requestBytes += n;
        if (this.#requestBytes > this.#maxRequest) {
          return this.#fail(
            protocolError(
              `request of more than ${this.#maxRequest} bytes exceeds the limit`,
            ),
          );
        }
        input.advance(cr + 2 - pos);
        pos = cr + 2;
        this.#bulkLen = n;
      }
      const len = this.#bulkLen;
      if (end - pos < len + 2) {
        // Room for the rest of the bulk, but never more than 1 MiB ahead of
        // what has arrived (the buffer's bound): a header alone must not
        // allocate.
        return this.#needMore(len + 2);
      }
      if (this.#name === undefined) this.#name = commandName(buf, pos, len);
      else this.#args.push(toByteString(buf, pos, pos + len));
      input.advance(len + 2);
      this.#bulkLen = -1;
      this.#remaining--;
    }
    const command: RespCommand = { name: this.#name!, args: this.#args };
    this.#name = undefined;
    this.#args = [];
    return command;
  }

  /** Reads one inline command; `null` for a blank line. */
  #inline(): RespCommand | RespError | undefined | null {
    const input = this.#input;
    const buf = input.bytes;
    const start = input.start;
    const end = input.end;
    let nl = -1;
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c === LF) {
        nl = i;
        break;
      }
      if (c === 0) break;
    }
    if (nl < 0) {
      return end - start > INLINE_MAX_BYTES
        ? this.#fail(BIG_INLINE)
        : this.#needMore(0);
    }
    const lineEnd = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    const argv = splitArgs(buf, start, lineEnd);
    if (argv === undefined) return this.#fail(UNBALANCED);
    input.advance(nl + 1 - start);
    if (argv.length === 0) return null;
    const name = argv.shift()!;
    return { name, args: argv };
  }

  #fail(error: RespError): RespError {
    this.#failed = true;
    this.#input.clear();
    this.#args = [];
    return error;
  }

  /** Keeps the unread bytes (`wanted` of them from here) and reports "need more". */
  #needMore(wanted: number): undefined {
    this.#input.keep(wanted);
    return undefined;
  }
}
