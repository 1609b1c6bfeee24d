/**
 * Redis's glob-style pattern matching (KEYS, SCAN MATCH, HSCAN MATCH...) over
 * byte strings, with Redis's exact semantics: `*`, `?`, `[abc]`, `[^abc]`,
 * `[a-z]`, and `\x` escapes, including its corner cases (an unterminated
 * `[` runs to the end of the pattern, a range's bounds compare as C's signed
 * `char`, `[a-]` takes the `]` as the range's end, the empty string matches
 * only the empty pattern).
 *
 * A pattern is compiled once into tokens; matching is iterative (no
 * recursion, so no stack overflow on hostile patterns) and O(pattern ×
 * string) in the worst case.
 *
 * @module
 */

const STAR = 0;
const ANY = 1;
const LITERAL = 2;
const CLASS = 3;

type Token =
  | { readonly kind: typeof STAR }
  | { readonly kind: typeof ANY }
  | { readonly kind: typeof LITERAL; readonly code: number }
  | { readonly kind: typeof CLASS; readonly table: Uint8Array };

/** C's `char` is signed on the platforms Redis runs on: bytes ≥ 0x80 are negative. */
function signedChar(code: number): number {
  return code >= 128 ? code - 256 : code;
}

/** Code at `i`, or 0 past the end (the C string's terminating NUL). */
function at(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

/**
 * Parses a `[...]` class starting after the `[` at `i`. Mirrors the loop of
 * Redis's `stringmatchlen` (util.c), which only reads the pattern to decide
 * how far it advances, so it can be evaluated for every byte up front.
 */
function parseClass(
  pattern: string,
  i: number,
): { table: Uint8Array; next: number } {
  const n = pattern.length;
  let len = n - i; // Redis's patternLen after skipping the '['
  const negate = at(pattern, i) === 0x5e; // '^'
  if (negate) {
    i++;
    len--;
  }
  const table = new Uint8Array(256);
  for (;;) {
    const c = at(pattern, i);
    if (c === 0x5c && len >= 2) { // '\\' escapes the next byte
      i++;
      len--;
      table[at(pattern, i)] = 1;
    } else if (c === 0x5d && len > 0) { // ']' ends the class
      break;
    } else if (len === 0) { // unterminated: the class ends with the pattern
      i--;
      len++;
      break;
    } else if (len >= 3 && at(pattern, i + 1) === 0x2d) { // 'a-z'
      let start = signedChar(c);
      let end = signedChar(at(pattern, i + 2));
      if (start > end) [start, end] = [end, start];
      for (let b = 0; b < 256; b++) {
        const s = signedChar(b);
        if (s >= start && s <= end) table[b] = 1;
      }
      i += 2;
      len -= 2;
    } else {
      table[c] = 1;
    }
    i++;
    len--;
  }
  if (negate) { for (let b = 0; b < 256; b++) table[b] ^= 1; }
  // Redis then steps past the ']' (or, unterminated, to the end).
  return { table, next: i + 1 };
}

function compile(pattern: string): Token[] {
  const tokens: Token[] = [];
  const n = pattern.length;
  let i = 0;
  while (i < n) {
    const c = pattern.charCodeAt(i);
    if (c === 0x2a) { // '*'
      if (tokens.length === 0 || tokens[tokens.length - 1].kind !== STAR) {
        tokens.push({ kind: STAR });
      }
      i++;
    } else if (c === 0x3f) { // '?'
      tokens.push({ kind: ANY });
      i++;
    } else if (c === 0x5b) { // '['
      const { table, next } = parseClass(pattern, i + 1);
      tokens.push({ kind: CLASS, table });
      i = next;
    } else if (c === 0x5c && n - i >= 2) { // '\\x'
      tokens.push({ kind: LITERAL, code: pattern.charCodeAt(i + 1) });
      i += 2;
    } else {
      tokens.push({ kind: LITERAL, code: c });
      i++;
    }
  }
  return tokens;
}

/**
 * A compiled glob pattern.
 *
 * @example Match keys
 * ```ts
 * import { Glob } from "./glob.ts";
 * import assert from "node:assert/strict";
 *
 * const glob = new Glob("user:[0-9]*");
 * assert.equal(glob.matches("user:42"), true);
 * assert.equal(glob.matches("user:x"), false);
 * ```
 */
export class Glob {
  #pattern: string;
  #tokens: Token[];
  /** Set when the pattern is `prefix*` with a literal prefix: a fast path. */
  #prefix: string | undefined;
  /** Set when the pattern has no wildcard at all. */
  #literal: string | undefined;

  /**
   * Compiles a pattern.
   *
   * @param pattern The pattern, a byte string.
   */
  constructor(pattern: string) {
    this.#pattern = pattern;
    this.#tokens = compile(pattern);
    const t = this.#tokens;
    let literals = 0;
    while (literals < t.length && t[literals].kind === LITERAL) literals++;
    const text = (end: number): string => {
      let s = "";
      for (let k = 0; k < end; k++) {
        s += String.fromCharCode((t[k] as { code: number }).code);
      }
      return s;
    };
    if (literals === t.length) {
      this.#literal = text(literals);
    } else if (
      literals > 0 && literals === t.length - 1 && t[literals].kind === STAR
    ) {
      this.#prefix = text(literals);
    }
  }

  /** The pattern's source text. */
  get pattern(): string {
    return this.#pattern;
  }

  /**
   * Tells whether a byte string matches the pattern.
   *
   * @param s The byte string.
   * @returns `true` when it matches.
   *
   * @example The empty string matches only the empty pattern (as in Redis)
   * ```ts
   * import { Glob } from "./glob.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Glob("*").matches(""), false);
   * assert.equal(new Glob("").matches(""), true);
   * ```
   */
  matches(s: string): boolean {
    if (this.#literal !== undefined) return s === this.#literal;
    if (this.#prefix !== undefined) return s.startsWith(this.#prefix);
    const n = s.length;
    if (n === 0) return this.#pattern.length === 0;
    const tokens = this.#tokens;
    const m = tokens.length;
    let p = 0;
    let i = 0;
    let starP = -1;
    let starI = 0;
    while (i < n) {
      if (p < m) {
        const t = tokens[p];
        if (t.kind === STAR) {
          starP = p++;
          starI = i;
          continue;
        }
        const c = s.charCodeAt(i);
        if (
          t.kind === ANY ||
          (t.kind === LITERAL ? t.code === c : t.table[c & 0xff] === 1)
        ) {
          p++;
          i++;
          continue;
        }
      }
      if (starP < 0) return false;
      p = starP + 1;
      i = ++starI;
    }
    while (p < m && tokens[p].kind === STAR) p++;
    return p === m;
  }
}

/**
 * Tells whether a byte string matches a glob pattern (compiles the pattern
 * each call: use {@linkcode Glob} to match many strings).
 *
 * @param pattern The pattern.
 * @param s The byte string.
 * @returns `true` when it matches.
 *
 * @example Match once
 * ```ts
 * import { globMatch } from "./glob.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(globMatch("h?llo", "hello"), true);
 * assert.equal(globMatch("h[^e]llo", "hello"), false);
 * ```
 */
export function globMatch(pattern: string, s: string): boolean {
  return new Glob(pattern).matches(s);
}
