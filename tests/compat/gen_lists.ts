/**
 * Generators for the list commands: LPUSH/RPUSH (sometimes thousands of
 * elements), LPUSHX/RPUSHX, LPOP/RPOP with counts, LLEN, LRANGE, LINDEX,
 * LSET, LREM, LTRIM, LINSERT, LPOS with RANK/COUNT/MAXLEN, LMOVE (same key
 * included), RPOPLPUSH, LMPOP, and the blocking BLPOP, BRPOP, BLMOVE,
 * BRPOPLPUSH and BLMPOP with timeouts that end (a few ms) or are refused
 * (never 0: a command waiting forever on an empty key would stop the run;
 * their waits are compared in tests/compat/blocking_test.ts). Every list
 * reply is ordered: compared exactly.
 *
 * @module
 */

import { BAD_INTS, type Family, type Gen, INT_EDGES } from "./_gen.ts";
import {
  bulk,
  element,
  index,
  popCount,
  writeSize,
} from "./_collection_gen.ts";

function pushArgs(name: string, g: Gen): string[] {
  const n = writeSize(g);
  return [name, g.key(), ...bulk(g, n, 0.4)];
}

/** An element to look for: mostly one that bulk pushes repeat. */
function needle(g: Gen): string {
  return g.chance(0.6) ? `m${g.int(0, 24)}` : element(g);
}

function popArgs(name: string, g: Gen): string[] {
  return g.chance(0.5) ? [name, g.key()] : [name, g.key(), popCount(g)];
}

/** LTRIM keeps most of a list most of the time. */
function trimArgs(g: Gen): string[] {
  const r = g.random();
  if (r < 0.6) {
    return ["LTRIM", g.key(), String(g.int(0, 3)), String(-g.int(1, 3))];
  }
  if (r < 0.8) return ["LTRIM", g.key(), "0", String(g.int(0, 2000))];
  return ["LTRIM", g.key(), index(g), index(g)];
}

function lposArgs(g: Gen): string[] {
  const args = ["LPOS", g.key(), needle(g)];
  const n = g.int(0, 3);
  for (let i = 0; i < n; i++) {
    const r = g.random();
    if (r < 0.35) {
      const rank = g.random();
      args.push(
        g.word("rank"),
        rank < 0.75
          ? String(g.chance(0.5) ? g.int(1, 4) : -g.int(1, 4))
          : g.pick([
            "0",
            "-9223372036854775808",
            "9223372036854775807",
            "-9223372036854775807",
            ...BAD_INTS.slice(0, 4),
          ]),
      );
    } else if (r < 0.7) {
      args.push(
        g.word("count"),
        g.chance(0.85) ? String(g.int(0, 5)) : g.pick(["-1", "abc", "100"]),
      );
    } else if (r < 0.93) {
      args.push(
        g.word("maxlen"),
        g.chance(0.85) ? String(g.int(0, 20)) : g.pick(["-1", "x", "5000"]),
      );
    } else {
      args.push(g.pick(["rank", "foo", "count"]));
    }
  }
  return args;
}

function end(g: Gen): string {
  return g.chance(0.96)
    ? g.word(g.pick(["left", "right"]))
    : g.pick(["up", ""]);
}

/**
 * A blocking command's timeout: mostly a few ms, sometimes one Redis
 * refuses. Never one that waits forever (0, or under 1 ms).
 */
function timeout(g: Gen): string {
  return g.chance(0.85)
    ? g.pick(["0.001", "0.002", "1e-3"])
    : g.pick(["-1", "abc", "-0.5", "inf", "nan", ""]);
}

/** LMPOP's arguments from numkeys on (BLMPOP adds the timeout first). */
function mpopArgs(g: Gen): string[] {
  const n = g.int(1, 3);
  const keys = Array.from({ length: n }, () => g.key());
  const numkeys = g.chance(0.9)
    ? String(n)
    : g.pick(["0", "-1", "x", String(n + 2)]);
  const out = [numkeys, ...keys, end(g)];
  if (g.chance(0.5)) {
    out.push(
      g.chance(0.9) ? "COUNT" : g.pick(["count", "LIMIT"]),
      g.chance(0.85) ? String(g.int(1, 10)) : g.pick(["0", "-1", "x"]),
    );
  }
  return out;
}

/** The source and destination of LMOVE / RPOPLPUSH: often the same key. */
function srcDst(g: Gen): [string, string] {
  const src = g.key();
  return [src, g.chance(0.25) ? src : g.key()];
}

/** The list commands' generators. */
export const LISTS: Family = Object.freeze<Family>({
  name: "lists",
  commands: {
    LPUSH: (g) => pushArgs("LPUSH", g),
    RPUSH: (g) => pushArgs("RPUSH", g),
    LPUSHX: (g) => pushArgs("LPUSHX", g),
    RPUSHX: (g) => pushArgs("RPUSHX", g),
    LPOP: (g) => popArgs("LPOP", g),
    RPOP: (g) => popArgs("RPOP", g),
    LLEN: (g) => ["LLEN", g.key()],
    LRANGE: (g) =>
      g.chance(0.3)
        ? ["LRANGE", g.key(), "0", "-1"]
        : ["LRANGE", g.key(), index(g), index(g)],
    LINDEX: (g) => ["LINDEX", g.key(), index(g)],
    LSET: (g) => ["LSET", g.key(), index(g), element(g)],
    LREM: (g) => [
      "LREM",
      g.key(),
      g.chance(0.85)
        ? String(g.int(-3, 3))
        : g.pick([...INT_EDGES.slice(6, 10), ...BAD_INTS.slice(0, 3)]),
      needle(g),
    ],
    LTRIM: trimArgs,
    LINSERT: (g) => [
      "LINSERT",
      g.key(),
      g.chance(0.95) ? g.word(g.pick(["before", "after"])) : "middle",
      needle(g),
      element(g),
    ],
    LPOS: lposArgs,
    LMOVE: (g) => ["LMOVE", ...srcDst(g), end(g), end(g)],
    RPOPLPUSH: (g) => ["RPOPLPUSH", ...srcDst(g)],
    LMPOP: (g) => ["LMPOP", ...mpopArgs(g)],
    BLPOP: (g) => ["BLPOP", ...g.keys(g.int(1, 3)), timeout(g)],
    BRPOP: (g) => ["BRPOP", ...g.keys(g.int(1, 3)), timeout(g)],
    BLMOVE: (g) => ["BLMOVE", ...srcDst(g), end(g), end(g), timeout(g)],
    BRPOPLPUSH: (g) => ["BRPOPLPUSH", ...srcDst(g), timeout(g)],
    BLMPOP: (g) => ["BLMPOP", timeout(g), ...mpopArgs(g)],
  },
  weights: {
    // A wait on an empty key lasts until its timeout (on Redis up to a
    // server cron tick): few of them.
    BLPOP: 0.01,
    BRPOP: 0.01,
    BLMOVE: 0.01,
    BRPOPLPUSH: 0.01,
    BLMPOP: 0.01,
    LPUSH: 1.5,
    RPUSH: 2,
    LPOP: 1.2,
    RPOP: 1.2,
    LRANGE: 1.2,
    LTRIM: 0.4,
    LPOS: 3,
    LREM: 1.5,
    LINSERT: 1.5,
  },
  snapshot: {
    list: (key) => [{ args: ["LRANGE", key, "0", "-1"] }],
  },
});
