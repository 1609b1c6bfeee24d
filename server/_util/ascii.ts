/**
 * ASCII case rules over byte strings, as Redis applies them to command
 * names and option keywords: only a–z and A–Z fold.
 *
 * @module
 */

/**
 * Compares an argument with an option keyword, ASCII case-insensitively,
 * without allocating (Redis's `strcasecmp`).
 *
 * @param arg The argument, a byte string.
 * @param word The keyword in lower case ASCII letters, e.g. `"nx"`.
 * @returns `true` when they are equal ignoring case.
 *
 * @example Match an option
 * ```ts
 * import { isWord } from "./ascii.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isWord("Nx", "nx"), true);
 * assert.equal(isWord("nxx", "nx"), false);
 * ```
 */
export function isWord(arg: string, word: string): boolean {
  const n = word.length;
  if (arg.length !== n) return false;
  for (let i = 0; i < n; i++) {
    if ((arg.charCodeAt(i) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Upper-cases the ASCII letters of a byte string and nothing else (unlike
 * `String.prototype.toUpperCase`, which turns `ß` into `SS`).
 *
 * @param s A byte string.
 * @returns The string with a–z turned into A–Z.
 *
 * @example Upper-case a command name
 * ```ts
 * import { asciiUpper } from "./ascii.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(asciiUpper("get\xdf"), "GET\xdf");
 * ```
 */
export function asciiUpper(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) {
      let out = s.slice(0, i);
      for (let j = i; j < s.length; j++) {
        const d = s.charCodeAt(j);
        out += String.fromCharCode(d >= 0x61 && d <= 0x7a ? d - 0x20 : d);
      }
      return out;
    }
  }
  return s;
}
