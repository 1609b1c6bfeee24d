/**
 * Argument helpers shared by the hash, list and set generators: small
 * universes of members so that commands hit each other, bulk builders that
 * make collections of thousands of elements (past Redis's compact encodings:
 * 128 hash fields, 512 integer set members, 64-byte hash values), and
 * counts and indexes with Redis's edge cases.
 *
 * @module
 */

import { BAD_INTS, type Gen, INT_EDGES } from "./_gen.ts";

/**
 * A member, field or list element: mostly from a small universe (so that
 * SREM, SISMEMBER, LREM, LPOS, HGET... find them), integers (Redis keeps
 * integer-only sets as sorted intsets), and any value.
 */
export function element(g: Gen): string {
  const r = g.random();
  if (r < 0.45) return `m${g.int(0, 24)}`;
  if (r < 0.65) return String(g.int(-3, 30));
  if (r < 0.72) return g.pick(INT_EDGES);
  if (r < 0.76) return `m${g.int(0, 4000)}`;
  return g.value();
}

/** `n` elements. */
export function elements(g: Gen, n: number): string[] {
  return Array.from({ length: n }, () => element(g));
}

/**
 * How many elements a variadic write carries: mostly 1–4, sometimes
 * hundreds to thousands (bulk builds).
 */
export function writeSize(g: Gen): number {
  const r = g.random();
  if (r < 0.9) return g.int(1, 4);
  if (r < 0.97) return g.int(20, 300);
  return g.int(500, 3000);
}

/**
 * Elements for a bulk write: distinct-ish names (so sets and hashes grow),
 * all integers now and then (Redis's intset), long values now and then, and
 * with probability `repeats` names from the small universe, repeated (for
 * LPOS, LREM, LINSERT on long lists).
 */
export function bulk(g: Gen, n: number, repeats = 0.1): string[] {
  if (n <= 4) return elements(g, n);
  const base = g.int(0, 5000);
  const style = g.random();
  return Array.from({ length: n }, (_, i) => {
    if (style < repeats) return `m${(base + i) % 25}`;
    if (style < repeats + 0.3) return String(base + i);
    if (style < repeats + 0.35) {
      return `v${base + i}-${"x".repeat(g.int(60, 90))}`;
    }
    return `e${base + i}`;
  });
}

/**
 * A count for LPOP / RPOP / SPOP: small, zero, larger than most
 * collections, negative, huge, or not a number.
 */
export function popCount(g: Gen): string {
  const r = g.random();
  if (r < 0.6) return String(g.int(0, 5));
  if (r < 0.72) return String(g.int(6, 400));
  if (r < 0.8) return g.pick(["9223372036854775807", "4000"]);
  if (r < 0.9) return g.pick(["-1", "-100", "-9223372036854775808"]);
  return g.pick(BAD_INTS);
}

/**
 * A count for SRANDMEMBER / HRANDFIELD: positive, zero and negative (small:
 * a huge negative count makes Redis build a reply of that many elements),
 * INT64_MIN (an error), and bad ones.
 */
export function randomCount(g: Gen): string {
  const r = g.random();
  if (r < 0.45) return String(g.int(1, 12));
  if (r < 0.7) return String(-g.int(1, 40));
  if (r < 0.76) return "0";
  if (r < 0.84) return String(g.int(50, 5000));
  if (r < 0.88) return String(-g.int(100, 3000));
  if (r < 0.92) return g.pick(["9223372036854775807", "-9223372036854775808"]);
  return g.pick(BAD_INTS);
}

/** A list index: near the ends, either sign, int64 edges, or bad. */
export function index(g: Gen): string {
  const r = g.random();
  if (r < 0.7) return String(g.int(-12, 12));
  if (r < 0.82) return String(g.int(-3000, 3000));
  if (r < 0.9) return g.pick(INT_EDGES);
  return g.pick(BAD_INTS);
}

/** A HSCAN / SSCAN cursor: 0, or one Redis refuses. */
export function scanCursor(g: Gen): string {
  return g.chance(0.93) ? "0" : g.pick(["abc", "-x", " 0", "1.5", "+"]);
}

/**
 * HSCAN / SSCAN options: MATCH, COUNT (sometimes bad), TYPE (a syntax error
 * on a collection), junk.
 */
export function scanOptions(g: Gen): string[] {
  const out: string[] = [];
  const n = g.int(0, 3);
  for (let i = 0; i < n; i++) {
    const r = g.random();
    if (r < 0.4) {
      out.push(
        g.word("match"),
        g.chance(0.5) ? g.pattern() : g.pick(["m1*", "*1", "e1?", "[0-3]*"]),
      );
    } else if (r < 0.8) {
      out.push(
        g.word("count"),
        g.chance(0.85)
          ? String(g.int(1, 200))
          : g.pick(["0", "-1", "abc", "9223372036854775807"]),
      );
    } else if (r < 0.9) {
      out.push(g.word("type"), "set");
    } else {
      out.push(g.pick(["novalues", "count", "match", "foo"]));
    }
  }
  return out;
}
