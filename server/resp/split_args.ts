/**
 * Redis's inline-command tokenizer (`sdssplitargs`), over bytes: what makes
 * `nc` and `telnet` work on the RESP port.
 *
 * Arguments are separated by blanks; `"double quotes"` understand the
 * escapes `\n \r \t \b \a \\ \" \xHH`; `'single quotes'` understand `\'`
 * only; a closing quote must be followed by a blank or the end of the line.
 *
 * @module
 */

import { toByteString } from "@cachemir/protocol";

/** C's `isspace` in the C locale: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/**
 * Splits one inline command line into arguments, exactly as Redis's
 * `sdssplitargs` does.
 *
 * @param buf The bytes holding the line.
 * @param start The line's first byte.
 * @param end One past the line's last byte (the line ending excluded). A NUL
 * byte ends the line early, as it ends a C string.
 * @returns The arguments as byte strings (empty for a blank line), or
 * `undefined` when quotes are unbalanced (Redis then answers
 * `ERR Protocol error: unbalanced quotes in request`).
 *
 * @example Split a line with quotes
 * ```ts
 * import { splitArgs } from "./split_args.ts";
 * import assert from "node:assert/strict";
 *
 * const line = new TextEncoder().encode(`SET "a b" 'it\\'s' \\x41`);
 * assert.deepEqual(splitArgs(line, 0, line.length), ["SET", "a b", "it's", "\\x41"]);
 * ```
 */
export function splitArgs(
  buf: Uint8Array,
  start: number,
  end: number,
): string[] | undefined {
  const args: string[] = [];
  const at = (i: number): number => (i < end ? buf[i] : 0);
  let p = start;
  for (;;) {
    while (p < end && buf[p] !== 0 && isSpace(buf[p])) p++;
    if (p >= end || buf[p] === 0) return args;
    // A token without quotes is one byte range: no copy needed.
    const tokenStart = p;
    while (p < end) {
      const c = buf[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
        break;
      }
      if (c === 0x22 || c === 0x27) break;
      p++;
    }
    const c = at(p);
    if (c !== 0x22 && c !== 0x27) {
      args.push(toByteString(buf, tokenStart, p));
      if (p < end && buf[p] !== 0) p++; // Redis steps over the separator
      continue;
    }
    // Quotes: collect char codes, with the plain prefix first.
    const codes: number[] = [];
    for (let i = tokenStart; i < p; i++) codes.push(buf[i]);
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const ch = at(p);
      if (inDouble) {
        if (
          ch === 0x5c && at(p + 1) === 0x78 && hexValue(at(p + 2)) >= 0 &&
          hexValue(at(p + 3)) >= 0
        ) {
          codes.push(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (ch === 0x5c && at(p + 1) !== 0) {
          p++;
          const e = at(p);
          codes.push(
            e === 0x6e
              ? 0x0a
              : e === 0x72
              ? 0x0d
              : e === 0x74
              ? 0x09
              : e === 0x62
              ? 0x08
              : e === 0x61
              ? 0x07
              : e,
          );
        } else if (ch === 0x22) {
          const next = at(p + 1);
          if (next !== 0 && !isSpace(next)) return undefined;
          done = true;
        } else if (ch === 0) {
          return undefined; // unterminated quotes
        } else {
          codes.push(ch);
        }
      } else if (inSingle) {
        if (ch === 0x5c && at(p + 1) === 0x27) {
          p++;
          codes.push(0x27);
        } else if (ch === 0x27) {
          const next = at(p + 1);
          if (next !== 0 && !isSpace(next)) return undefined;
          done = true;
        } else if (ch === 0) {
          return undefined;
        } else {
          codes.push(ch);
        }
      } else if (
        ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09 || ch === 0
      ) {
        done = true;
      } else if (ch === 0x22) {
        inDouble = true;
      } else if (ch === 0x27) {
        inSingle = true;
      } else {
        codes.push(ch);
      }
      if (at(p) !== 0) p++;
    }
    args.push(fromCodes(codes));
  }
}

function fromCodes(codes: number[]): string {
  let s = "";
  for (let i = 0; i < codes.length; i += 8192) {
    s += String.fromCharCode(...codes.slice(i, i + 8192));
  }
  return s;
}
