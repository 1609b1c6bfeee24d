/**
 * Generators for the string commands (GET, SET with every option, INCR
 * family, INCRBYFLOAT, APPEND, GETRANGE, SETRANGE, ...): random options,
 * option conflicts, bad numbers, binary values.
 *
 * @module
 */

import { BAD_INTS, type Family, FLOATS, type Gen, INT_EDGES } from "./_gen.ts";

/**
 * A time argument Redis refuses, or one so large it never expires during a
 * run (a small positive TTL would expire between the two servers' replies).
 */
function badTime(g: Gen): string {
  return g.pick([
    ...BAD_INTS,
    "0",
    "-1",
    "-100",
    "9223372036854775807",
    "9223372036854775",
  ]);
}

/** An EX/PX/EXAT/PXAT/KEEPTTL/PERSIST option with its argument. */
function expireOption(g: Gen, persist: boolean): string[] {
  const r = g.random();
  if (r < 0.2) return [g.word("ex"), String(g.int(100, 100_000))];
  if (r < 0.35) return [g.word("px"), String(g.int(100_000, 100_000_000))];
  if (r < 0.45) return [g.word("exat"), g.futureAt(false)];
  if (r < 0.55) return [g.word("pxat"), g.futureAt(true)];
  if (r < 0.62) {
    return [g.word(g.pick(["exat", "pxat"])), g.pastAt(g.chance(0.5))];
  }
  if (r < 0.72) {
    return [
      g.word(g.pick(["ex", "px", "exat", "pxat"])),
      g.pick([
        "0",
        "-1",
        "abc",
        "1.5",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775",
        "",
      ]),
    ];
  }
  if (r < 0.8) return [g.word(g.pick(["ex", "px"]))]; // missing argument
  return [g.word(persist ? "persist" : "keepttl")];
}

function setArgs(g: Gen): string[] {
  const args = ["SET", g.key(), g.value()];
  const n = g.int(0, 3);
  for (let i = 0; i < n; i++) {
    const r = g.random();
    if (r < 0.25) args.push(g.word("nx"));
    else if (r < 0.5) args.push(g.word("xx"));
    else if (r < 0.65) args.push(g.word("get"));
    else if (r < 0.95) args.push(...expireOption(g, g.chance(0.1)));
    else args.push(g.pick(["foo", "keepttl", "persist", "EX10"]));
  }
  return args;
}

function getexArgs(g: Gen): string[] {
  const args = ["GETEX", g.key()];
  const n = g.chance(0.3) ? 0 : g.int(1, 2);
  for (let i = 0; i < n; i++) {
    args.push(
      ...(g.chance(0.9)
        ? expireOption(g, g.chance(0.5))
        : [g.pick(["nx", "get", "foo"])]),
    );
  }
  return args;
}

function msetArgs(name: string, g: Gen): string[] {
  const args = [name];
  const n = g.int(1, 4);
  for (let i = 0; i < n; i++) args.push(g.key(), g.value());
  if (g.chance(0.05)) args.pop(); // odd: arity error
  return args;
}

function rangeIndex(g: Gen): string {
  return g.chance(0.85)
    ? String(g.int(-12, 12))
    : g.pick([...INT_EDGES, "abc", "1.5"]);
}

/** The string commands' generators. */
export const STRINGS: Family = Object.freeze<Family>({
  name: "strings",
  commands: {
    GET: (g) => ["GET", g.key()],
    SET: setArgs,
    SETNX: (g) => ["SETNX", g.key(), g.value()],
    SETEX: (
      g,
    ) => [
      "SETEX",
      g.key(),
      g.chance(0.8) ? String(g.int(100, 100_000)) : badTime(g),
      g.value(),
    ],
    PSETEX: (
      g,
    ) => [
      "PSETEX",
      g.key(),
      g.chance(0.8) ? String(g.int(100_000, 10_000_000)) : badTime(g),
      g.value(),
    ],
    GETSET: (g) => ["GETSET", g.key(), g.value()],
    GETDEL: (g) => ["GETDEL", g.key()],
    GETEX: getexArgs,
    MGET: (g) => ["MGET", ...g.keys(g.int(1, 5))],
    MSET: (g) => msetArgs("MSET", g),
    MSETNX: (g) => msetArgs("MSETNX", g),
    INCR: (g) => ["INCR", g.key()],
    DECR: (g) => ["DECR", g.key()],
    INCRBY: (g) => ["INCRBY", g.key(), g.intArg(-1000, 1000)],
    DECRBY: (g) => ["DECRBY", g.key(), g.intArg(-1000, 1000)],
    INCRBYFLOAT: (
      g,
    ) => [
      "INCRBYFLOAT",
      g.key(),
      g.chance(0.3) ? String(g.int(-100, 100)) : g.pick(FLOATS),
    ],
    APPEND: (g) => ["APPEND", g.key(), g.value()],
    STRLEN: (g) => ["STRLEN", g.key()],
    GETRANGE: (g) => ["GETRANGE", g.key(), rangeIndex(g), rangeIndex(g)],
    SETRANGE: (g) => [
      "SETRANGE",
      g.key(),
      g.chance(0.9)
        ? String(g.int(0, 40))
        : g.pick(["-1", "abc", "536870912", "9223372036854775807"]),
      g.chance(0.15) ? "" : g.value().slice(0, 20),
    ],
  },
  weights: { SET: 4, GET: 3, INCR: 1.5, INCRBY: 1.5, INCRBYFLOAT: 1.5 },
  snapshot: {
    string: (key) => [{ args: ["GET", key] }],
  },
});
