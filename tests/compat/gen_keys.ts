/**
 * Generators for the commands on keys of any type: DEL, EXISTS, TYPE, the
 * EXPIRE family with NX/XX/GT/LT, TTLs, RENAME, KEYS, SCAN, RANDOMKEY.
 *
 * TTLs are long (minutes and more) or already past, so that no key expires
 * between the two servers' replies; TTL readings are compared within a
 * tolerance.
 *
 * @module
 */

import { type Family, type Gen, type Step } from "./_gen.ts";
import { near, RANDOM_KEY, SCAN_ALL, SORTED } from "./_compare.ts";

function expireArgs(name: string, g: Gen): string[] {
  const seconds = name === "EXPIRE" || name === "EXPIREAT";
  const absolute = name.endsWith("AT");
  let time: string;
  const r = g.random();
  if (r < 0.6) {
    time = absolute
      ? g.futureAt(!seconds)
      : String(seconds ? g.int(100, 100_000) : g.int(100_000, 100_000_000));
  } else if (r < 0.75) {
    time = absolute ? g.pastAt(!seconds) : String(g.int(-1000, 0));
  } else {
    time = g.pick([
      "abc",
      "1.5",
      "",
      "9223372036854775807",
      "-9223372036854775808",
      "9223372036854775",
      "-9223372036854775",
      "9223372036854776",
    ]);
  }
  const args = [name, g.key(), time];
  const n = g.chance(0.5) ? 0 : g.int(1, 2);
  for (let i = 0; i < n; i++) {
    args.push(
      g.word(g.pick(["nx", "xx", "gt", "lt", "nx", "xx", "gt", "lt", "foo"])),
    );
  }
  return args;
}

function scanArgs(g: Gen): Step {
  const args = [
    "SCAN",
    g.chance(0.93) ? "0" : g.pick(["abc", "-x", " 0", "1.5"]),
  ];
  const n = g.int(0, 3);
  for (let i = 0; i < n; i++) {
    const r = g.random();
    if (r < 0.35) args.push(g.word("match"), g.pattern());
    else if (r < 0.7) {
      args.push(
        g.word("count"),
        g.chance(0.85) ? String(g.int(1, 20)) : g.pick(["0", "-1", "abc"]),
      );
    } else if (r < 0.95) {
      // Not TYPE none: Redis 7.0 returns expired keys it has not reclaimed
      // yet for it (its type lookup deletes the key, then the expiry check
      // passes); CacheMir returns none. A deliberate difference.
      args.push(
        g.word("type"),
        g.pick(["string", "STRING", "hash", "list", "set", "foo"]),
      );
    } else args.push(g.pick(["foo", "count"]));
  }
  return { args, compare: SCAN_ALL };
}

/** The key commands' generators. */
export const KEYS: Family = Object.freeze<Family>({
  name: "keys",
  commands: {
    DEL: (g) => ["DEL", ...g.keys(g.int(1, 4))],
    UNLINK: (g) => ["UNLINK", ...g.keys(g.int(1, 3))],
    EXISTS: (g) => ["EXISTS", ...g.keys(g.int(1, 4))],
    TYPE: (g) => ["TYPE", g.key()],
    EXPIRE: (g) => expireArgs("EXPIRE", g),
    PEXPIRE: (g) => expireArgs("PEXPIRE", g),
    EXPIREAT: (g) => expireArgs("EXPIREAT", g),
    PEXPIREAT: (g) => expireArgs("PEXPIREAT", g),
    TTL: (g) => ({ args: ["TTL", g.key()], compare: near(1) }),
    PTTL: (g) => ({ args: ["PTTL", g.key()], compare: near(1000) }),
    EXPIRETIME: (g) => ({ args: ["EXPIRETIME", g.key()], compare: near(1) }),
    PEXPIRETIME: (g) => ({
      args: ["PEXPIRETIME", g.key()],
      compare: near(1000),
    }),
    PERSIST: (g) => ["PERSIST", g.key()],
    RENAME: (g) => ["RENAME", g.key(), g.key()],
    RENAMENX: (g) => ["RENAMENX", g.key(), g.key()],
    KEYS: (g) => ({ args: ["KEYS", g.pattern()], compare: SORTED }),
    SCAN: scanArgs,
    RANDOMKEY: () => ({ args: ["RANDOMKEY"], compare: RANDOM_KEY }),
  },
  weights: { RANDOMKEY: 0.3, SCAN: 0.5, KEYS: 0.5 },
});
