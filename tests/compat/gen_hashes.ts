/**
 * Generators for the hash commands: HSET/HMSET (sometimes with thousands of
 * fields, past Redis's 128-field listpack), HSETNX, HGET, HMGET, HGETALL,
 * HDEL, HEXISTS, HLEN, HKEYS, HVALS, HINCRBY, HINCRBYFLOAT, HSTRLEN,
 * HRANDFIELD with counts and WITHVALUES, HSCAN with MATCH and COUNT.
 *
 * @module
 */

import { type Family, FLOATS, type Gen, type Step } from "./_gen.ts";
import {
  bulk,
  element,
  randomCount,
  scanCursor,
  scanOptions,
  writeSize,
} from "./_collection_gen.ts";
import {
  HRANDFIELD_CHECK,
  HSCAN_ALL,
  UNORDERED,
  UNORDERED_PAIRS,
} from "./_compare_collections.ts";

/** A field: the shared element universe, or a counter field. */
function field(g: Gen): string {
  return g.chance(0.2) ? `n${g.int(0, 3)}` : element(g);
}

function fields(g: Gen, n: number): string[] {
  return Array.from({ length: n }, () => field(g));
}

/** A value: any value, or an integer for the counter fields. */
function value(g: Gen): string {
  return g.chance(0.3) ? String(g.int(-100, 100)) : g.value();
}

/** HSET / HMSET: pairs, sometimes thousands, sometimes one value short. */
function setArgs(name: string, g: Gen): string[] {
  const n = writeSize(g);
  const names = n <= 4 ? fields(g, n) : bulk(g, n);
  const args = [name, g.key()];
  for (const f of names) args.push(f, value(g));
  if (g.chance(0.04)) args.pop(); // a field without its value
  return args;
}

function hrandfieldArgs(g: Gen): Step {
  const args = ["HRANDFIELD", g.key()];
  const r = g.random();
  if (r < 0.2) return { args, compare: HRANDFIELD_CHECK };
  args.push(randomCount(g));
  if (g.chance(0.45)) {
    args.push(g.chance(0.92) ? g.word("withvalues") : g.pick(["foo", "with"]));
    // WITHVALUES limits |count| to 2^62 - 1.
    if (g.chance(0.05)) {
      args[2] = g.pick(["-4611686018427387904", "4611686018427387904"]);
    }
  }
  if (g.chance(0.02)) args.push("extra");
  return { args, compare: HRANDFIELD_CHECK };
}

/** The hash commands' generators. */
export const HASHES: Family = Object.freeze<Family>({
  name: "hashes",
  commands: {
    HSET: (g) => setArgs("HSET", g),
    HMSET: (g) => setArgs("HMSET", g),
    HSETNX: (g) => ["HSETNX", g.key(), field(g), value(g)],
    HGET: (g) => ["HGET", g.key(), field(g)],
    HMGET: (g) => ["HMGET", g.key(), ...fields(g, g.int(1, 5))],
    HGETALL: (g) => ({ args: ["HGETALL", g.key()], compare: UNORDERED_PAIRS }),
    HDEL: (g) => ["HDEL", g.key(), ...fields(g, g.int(1, 4))],
    HEXISTS: (g) => ["HEXISTS", g.key(), field(g)],
    HLEN: (g) => ["HLEN", g.key()],
    HKEYS: (g) => ({ args: ["HKEYS", g.key()], compare: UNORDERED }),
    HVALS: (g) => ({ args: ["HVALS", g.key()], compare: UNORDERED }),
    HINCRBY: (g) => ["HINCRBY", g.key(), field(g), g.intArg(-1000, 1000)],
    HINCRBYFLOAT: (g) => [
      "HINCRBYFLOAT",
      g.key(),
      field(g),
      g.chance(0.3) ? String(g.int(-100, 100)) : g.pick(FLOATS),
    ],
    HSTRLEN: (g) => ["HSTRLEN", g.key(), field(g)],
    HRANDFIELD: hrandfieldArgs,
    HSCAN: (g) => ({
      args: ["HSCAN", g.key(), scanCursor(g), ...scanOptions(g)],
      compare: HSCAN_ALL,
    }),
  },
  weights: {
    HSET: 2,
    HGET: 1.5,
    HDEL: 1.2,
    HINCRBY: 1.2,
    HRANDFIELD: 0.6,
    HSCAN: 0.4,
    HGETALL: 0.6,
    HKEYS: 0.4,
    HVALS: 0.4,
  },
  snapshot: {
    hash: (key) => [{ args: ["HGETALL", key], compare: UNORDERED_PAIRS }],
  },
});
