/**
 * Generators for the set commands: SADD (sometimes thousands of members,
 * integer-only ones too), SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD,
 * SPOP and SRANDMEMBER with counts, SMOVE (same key included), SINTER,
 * SUNION, SDIFF and their STORE forms, SINTERCARD with LIMIT, SSCAN.
 *
 * @module
 */

import { BAD_INTS, type Family, type Gen, type Step } from "./_gen.ts";
import {
  bulk,
  element,
  elements,
  popCount,
  randomCount,
  scanCursor,
  scanOptions,
  writeSize,
} from "./_collection_gen.ts";
import {
  SPOP_RESTORE,
  SRANDMEMBER_CHECK,
  SSCAN_ALL,
  UNORDERED,
} from "./_compare_collections.ts";

function spopArgs(g: Gen): Step {
  const args = ["SPOP", g.key()];
  if (g.chance(0.6)) args.push(popCount(g));
  if (g.chance(0.02)) args.push("extra");
  return { args, compare: SPOP_RESTORE };
}

function srandmemberArgs(g: Gen): Step {
  const args = ["SRANDMEMBER", g.key()];
  if (g.chance(0.7)) args.push(randomCount(g));
  if (g.chance(0.02)) args.push("extra");
  return { args, compare: SRANDMEMBER_CHECK };
}

function sintercardArgs(g: Gen): string[] {
  const keys = g.keys(g.int(1, 3));
  const r = g.random();
  const numkeys = r < 0.88 ? String(keys.length) : g.pick([
    "0",
    "-1",
    "abc",
    String(keys.length + 1),
    "9223372036854775808",
  ]);
  const args = ["SINTERCARD", numkeys, ...keys];
  if (g.chance(0.5)) {
    args.push(
      g.word("limit"),
      g.chance(0.85)
        ? String(g.int(0, 10))
        : g.pick(["-1", ...BAD_INTS.slice(0, 3)]),
    );
  }
  if (g.chance(0.04)) args.push(g.pick(["limit", "foo"]));
  return args;
}

/** The set commands' generators. */
export const SETS: Family = Object.freeze<Family>({
  name: "sets",
  commands: {
    SADD: (g) => ["SADD", g.key(), ...bulk(g, writeSize(g))],
    SREM: (g) => ["SREM", g.key(), ...elements(g, g.int(1, 4))],
    SMEMBERS: (g) => ({ args: ["SMEMBERS", g.key()], compare: UNORDERED }),
    SISMEMBER: (g) => ["SISMEMBER", g.key(), element(g)],
    SMISMEMBER: (g) => ["SMISMEMBER", g.key(), ...elements(g, g.int(1, 5))],
    SCARD: (g) => ["SCARD", g.key()],
    SPOP: spopArgs,
    SRANDMEMBER: srandmemberArgs,
    SMOVE: (g) => {
      const src = g.key();
      return ["SMOVE", src, g.chance(0.2) ? src : g.key(), element(g)];
    },
    SINTER: (g) => ({
      args: ["SINTER", ...g.keys(g.int(1, 3))],
      compare: UNORDERED,
    }),
    SUNION: (g) => ({
      args: ["SUNION", ...g.keys(g.int(1, 3))],
      compare: UNORDERED,
    }),
    SDIFF: (g) => ({
      args: ["SDIFF", ...g.keys(g.int(1, 3))],
      compare: UNORDERED,
    }),
    SINTERSTORE: (g) => ["SINTERSTORE", g.key(), ...g.keys(g.int(1, 3))],
    SUNIONSTORE: (g) => ["SUNIONSTORE", g.key(), ...g.keys(g.int(1, 3))],
    SDIFFSTORE: (g) => ["SDIFFSTORE", g.key(), ...g.keys(g.int(1, 3))],
    SINTERCARD: sintercardArgs,
    SSCAN: (g) => ({
      args: ["SSCAN", g.key(), scanCursor(g), ...scanOptions(g)],
      compare: SSCAN_ALL,
    }),
  },
  weights: {
    SADD: 2.5,
    SREM: 1.2,
    SISMEMBER: 1.2,
    SPOP: 0.6,
    SRANDMEMBER: 0.6,
    SSCAN: 0.4,
    SINTERSTORE: 0.4,
    SUNIONSTORE: 0.4,
    SDIFFSTORE: 0.4,
  },
  snapshot: {
    set: (key) => [{ args: ["SMEMBERS", key], compare: UNORDERED }],
  },
});
