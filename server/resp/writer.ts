/**
 * {@linkcode RespWriter}: encodes reply values as RESP2 or RESP3 into one
 * growing buffer, so that every reply of one read leaves in one write.
 *
 * | Reply                | RESP2                     | RESP3 (after `HELLO 3`) |
 * | -------------------- | ------------------------- | ----------------------- |
 * | ok                   | `+OK`                     | `+OK`                   |
 * | status               | `+PONG`                   | `+PONG`                 |
 * | bytes                | `$3\r\nabc`               | same                    |
 * | int                  | `:42`                     | same                    |
 * | null                 | `$-1` (`*-1` when `array`) | `_`                    |
 * | float                | bulk, `%.17g`             | `,1.5`                  |
 * | array                | `*n`                      | same                    |
 * | set                  | `*n`                      | `~n`                    |
 * | map                  | `*2n`, flat pairs         | `%n`                    |
 * | error                | `-CODE message`           | same                    |
 *
 * @module
 */

import { OutputBuffer, type Reply, writeByteString } from "@cachemir/protocol";

const INITIAL_BYTES = 16 * 1024;

const OK_BYTES = new Uint8Array([0x2b, 0x4f, 0x4b, 0x0d, 0x0a]); // +OK\r\n
const NULL2 = new Uint8Array([0x24, 0x2d, 0x31, 0x0d, 0x0a]); // $-1\r\n
const NULL_ARRAY2 = new Uint8Array([0x2a, 0x2d, 0x31, 0x0d, 0x0a]); // *-1\r\n
const NULL3 = new Uint8Array([0x5f, 0x0d, 0x0a]); // _\r\n

/**
 * Formats a double as C's `printf("%.17g")` does (Redis's `addReplyDouble`):
 * 17 significant digits, trailing zeros dropped, exponent form below 1e-4
 * and from 1e17 on; `inf`, `-inf`, `nan`.
 *
 * @param d The number.
 * @returns Its ASCII text.
 *
 * @example Format doubles
 * ```ts
 * import { formatDouble } from "./writer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatDouble(1.5), "1.5");
 * assert.equal(formatDouble(0.1), "0.10000000000000001");
 * assert.equal(formatDouble(1e20), "1e+20");
 * assert.equal(formatDouble(-Infinity), "-inf");
 * ```
 */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const e = d.toExponential(16); // d.dddddddddddddddde±X, 17 digits
  const ePos = e.indexOf("e");
  const exp = Number(e.slice(ePos + 1));
  if (exp >= -4 && exp < 17) {
    // Fixed notation with 17 significant digits: 16 - exp decimals.
    return trimZeros(d.toFixed(16 - exp));
  }
  const mantissa = trimZeros(e.slice(0, ePos));
  const sign = exp < 0 ? "-" : "+";
  const abs = Math.abs(exp);
  return `${mantissa}e${sign}${abs < 10 ? "0" : ""}${abs}`;
}

function trimZeros(s: string): string {
  if (s.indexOf(".") < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}

/**
 * Encodes RESP replies into a buffer that grows as needed. Write any number
 * of replies, then `takeView()` the bytes for one write.
 *
 * Strings in replies (bulk values, status words, error texts) are byte
 * strings: one byte per char. A status or error text is one line: CR and LF
 * in it are written as spaces, as Redis does.
 *
 * @example Encode two replies for one write
 * ```ts
 * import { RespWriter } from "./writer.ts";
 * import { bytes, OK } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const w = new RespWriter();
 * w.writeReply(OK, false);
 * w.writeReply(bytes("v"), false);
 * assert.equal(new TextDecoder().decode(w.takeView()), "+OK\r\n$1\r\nv\r\n");
 * ```
 */
export class RespWriter {
  #out: OutputBuffer;

  /**
   * Makes a writer.
   *
   * @param initialBytes The buffer's starting size.
   * @default {16384}
   */
  constructor(initialBytes: number = INITIAL_BYTES) {
    this.#out = new OutputBuffer({ initialBytes });
  }

  /** Bytes written since the last `takeView()`. */
  get length(): number {
    return this.#out.length;
  }

  /**
   * Returns the bytes written since the last call and starts afresh. The
   * result views the writer's memory: use it (write it out) before writing
   * more replies.
   *
   * @returns The encoded replies.
   */
  takeView(): Uint8Array {
    return this.#out.takeView();
  }

  /**
   * Appends a reply.
   *
   * @param reply The value.
   * @param resp3 `true` to write RESP3 types (after `HELLO 3`).
   */
  writeReply(reply: Reply, resp3: boolean): void {
    const out = this.#out;
    switch (reply.kind) {
      case "ok":
        out.writeBytes(OK_BYTES);
        return;
      case "bytes": {
        const v = reply.value;
        this.#header(0x24, v.length);
        if (typeof v === "string") out.writeByteString(v);
        else out.writeBytes(v);
        this.#crlf();
        return;
      }
      case "int":
        if (typeof reply.value === "number") this.#header(0x3a, reply.value);
        else this.#line(0x3a, reply.value.toString(), false);
        return;
      case "null":
        out.writeBytes(resp3 ? NULL3 : reply.array ? NULL_ARRAY2 : NULL2);
        return;
      case "status":
        this.#line(0x2b, reply.value, true);
        return;
      case "error":
        this.writeError(
          reply.message === "" ? reply.code : `${reply.code} ${reply.message}`,
        );
        return;
      case "array":
        this.#header(0x2a, reply.value.length);
        for (const item of reply.value) this.writeReply(item, resp3);
        return;
      case "set":
        this.#header(resp3 ? 0x7e : 0x2a, reply.value.length);
        for (const item of reply.value) this.writeReply(item, resp3);
        return;
      case "map":
        if (resp3) this.#header(0x25, reply.value.length);
        else this.#header(0x2a, reply.value.length * 2);
        for (const [k, v] of reply.value) {
          this.writeReply(k, resp3);
          this.writeReply(v, resp3);
        }
        return;
      case "float": {
        const text = formatDouble(reply.value);
        if (resp3) {
          this.#line(0x2c, text, false);
        } else {
          this.#header(0x24, text.length);
          out.writeByteString(text);
          this.#crlf();
        }
        return;
      }
    }
  }

  /**
   * Appends a RESP3 push (`>`): Redis's shape for out-of-band messages
   * such as `>2 invalidate [keys]`.
   *
   * @param items The push's elements.
   */
  writePush(items: readonly Reply[]): void {
    this.#header(0x3e, items.length);
    for (const item of items) this.writeReply(item, true);
  }

  /**
   * Appends a bulk string reply straight from bytes where they sit (a
   * record in the store): no reply value, view or string is made.
   *
   * @param bytes The buffer.
   * @param start Where the value starts.
   * @param length Its length.
   */
  writeBulk(bytes: Uint8Array, start: number, length: number): void {
    this.#header(0x24, length);
    this.#out.writeRange(bytes, start, length);
    this.#crlf();
  }

  /**
   * Appends an integer reply (`:42`).
   *
   * @param n A safe integer.
   */
  writeInteger(n: number): void {
    this.#header(0x3a, n);
  }

  /**
   * Appends an error reply: `-` and the text on one line.
   *
   * @param text The full error text, e.g. `ERR syntax error`.
   */
  writeError(text: string): void {
    this.#line(0x2d, text, true);
  }

  #crlf(): void {
    const out = this.#out;
    const buf = out.ensure(2);
    const p = out.length;
    buf[p] = 0x0d;
    buf[p + 1] = 0x0a;
    out.length = p + 2;
  }

  /** Writes `<type><integer>\r\n` without building a string. */
  #header(type: number, n: number): void {
    const out = this.#out;
    const buf = out.ensure(24);
    let p = out.length;
    buf[p++] = type;
    if (n < 0) {
      buf[p++] = 0x2d;
      n = -n;
    }
    if (n < 10) {
      buf[p++] = 0x30 + n;
    } else if (n <= 0x7fffffff) {
      // Small integer arithmetic: no division in floating point.
      let digits = 2;
      for (let t = (n / 100) | 0; t > 0; t = (t / 10) | 0) digits++;
      p += digits;
      for (let q = p; n > 0;) {
        const next = (n / 10) | 0;
        buf[--q] = 0x30 + n - next * 10;
        n = next;
      }
    } else if (n < 1e15) {
      let digits = 1;
      for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
      let q = p + digits;
      p = q;
      while (n >= 10) {
        const next = Math.floor(n / 10);
        buf[--q] = 0x30 + (n - next * 10);
        n = next;
      }
      buf[--q] = 0x30 + n;
    } else {
      p = writeByteString(buf, p, String(n));
    }
    buf[p++] = 0x0d;
    buf[p++] = 0x0a;
    out.length = p;
  }

  /** Writes `<type><text>\r\n`; `oneLine` turns CR and LF into spaces. */
  #line(type: number, text: string, oneLine: boolean): void {
    const out = this.#out;
    out.writeByte(type);
    const start = out.length;
    out.writeByteString(text);
    if (oneLine) {
      const buf = out.bytes;
      for (let i = start; i < out.length; i++) {
        if (buf[i] === 0x0d || buf[i] === 0x0a) buf[i] = 0x20;
      }
    }
    this.#crlf();
  }
}
