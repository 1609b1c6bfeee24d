/**
 * Generators for the bit commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
 * BITFIELD, BITFIELD_RO), LCS and SUBSTR: offsets within and past values,
 * byte and bit ranges with negative and 64-bit edges, every BITFIELD type
 * width with OVERFLOW changes between operations, and the malformed forms
 * (bad types, offsets, units, option words) whose errors must match.
 *
 * Offsets stay below a few KB of value, so that LCS of two grown values
 * stays small; the offsets that are too large for Redis too are included.
 * An offset Redis accepts and CacheMir refuses (the last 24 bytes of 512
 * MB, past V8's longest string) is never generated.
 *
 * @module
 */

import { BAD_INTS, type Family, type Gen, INT_EDGES } from "./_gen.ts";

/** A bit offset: mostly within a few hundred bytes, some edges and bad ones. */
function bitOffset(g: Gen): string {
  const r = g.random();
  if (r < 0.7) return String(g.int(0, 400));
  if (r < 0.85) return String(g.int(0, 16_000));
  return g.pick([
    "-1",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "1.5",
    "",
    "abc",
    "01",
    " 1",
  ]);
}

/** A range end of BITCOUNT/BITPOS: small, negative, 64-bit edges, bad. */
function rangeIndex(g: Gen): string {
  const r = g.random();
  if (r < 0.8) return String(g.int(-40, 400));
  if (r < 0.93) return g.pick(INT_EDGES);
  return g.pick(BAD_INTS);
}

/** BYTE or BIT in some letter case, sometimes a wrong word. */
function unit(g: Gen): string {
  return g.chance(0.9)
    ? g.word(g.pick(["byte", "bit"]))
    : g.pick(["bits", "bytes", "b", ""]);
}

function bitcountArgs(g: Gen): string[] {
  const args = ["BITCOUNT", g.key()];
  const r = g.random();
  if (r < 0.25) return args;
  if (r < 0.3) return [...args, rangeIndex(g)]; // syntax error
  args.push(rangeIndex(g), rangeIndex(g));
  if (g.chance(0.5)) args.push(unit(g));
  if (g.chance(0.03)) args.push("x");
  return args;
}

function bitposArgs(g: Gen): string[] {
  const bit = g.chance(0.9) ? String(g.int(0, 1)) : g.pick(["2", "-1", "x"]);
  const args = ["BITPOS", g.key(), bit];
  const n = g.int(0, 3);
  if (n >= 1) args.push(rangeIndex(g));
  if (n >= 2) args.push(rangeIndex(g));
  if (n >= 3) args.push(unit(g));
  if (g.chance(0.03)) args.push("x");
  return args;
}

function bitopArgs(g: Gen): string[] {
  const op = g.chance(0.95)
    ? g.word(g.pick(["and", "or", "xor", "not"]))
    : g.pick(["nand", "", "andx"]);
  const sources = op.toLowerCase() === "not" && g.chance(0.9) ? 1 : g.int(1, 4);
  return ["BITOP", op, g.key(), ...g.keys(sources)];
}

/** A BITFIELD type: every width, sometimes a bad one. */
function fieldType(g: Gen): string {
  if (g.chance(0.93)) {
    return g.chance(0.5) ? `i${g.int(1, 64)}` : `u${g.int(1, 63)}`;
  }
  return g.pick(["u64", "i65", "i0", "u0", "I8", "x8", "i", "i08", "u-1", ""]);
}

/** A BITFIELD offset: plain or `#n`, small, with edges and bad ones. */
function fieldOffset(g: Gen): string {
  const r = g.random();
  if (r < 0.6) return String(g.int(0, 300));
  if (r < 0.85) return `#${g.int(0, 40)}`;
  return g.pick([
    "-1",
    "#-1",
    "#x",
    "abc",
    "#9223372036854775807",
    "#2305843009213693952", // × 8 wraps to 0 in Redis's int64
    "4294967296",
    "",
  ]);
}

/** A SET value or INCRBY increment. */
function fieldValue(g: Gen): string {
  const r = g.random();
  if (r < 0.6) return String(g.int(-300, 300));
  if (r < 0.93) return g.pick(INT_EDGES);
  return g.pick(BAD_INTS);
}

function bitfieldArgs(name: string, g: Gen, readonly: boolean): string[] {
  const args = [name, g.key()];
  const n = g.int(0, 5);
  for (let i = 0; i < n; i++) {
    const r = g.random();
    if (r < (readonly ? 0.85 : 0.4)) {
      args.push(g.word("get"), fieldType(g), fieldOffset(g));
    } else if (r < (readonly ? 0.9 : 0.65)) {
      args.push(g.word("set"), fieldType(g), fieldOffset(g), fieldValue(g));
    } else if (r < (readonly ? 0.93 : 0.88)) {
      args.push(g.word("incrby"), fieldType(g), fieldOffset(g), fieldValue(g));
    } else if (r < 0.98) {
      args.push(
        g.word("overflow"),
        g.chance(0.9) ? g.word(g.pick(["wrap", "sat", "fail"])) : "foo",
      );
    } else {
      args.push(g.pick(["get", "foo", "overflow"])); // missing arguments
    }
  }
  return args;
}

function lcsArgs(g: Gen): string[] {
  const args = ["LCS", g.key(), g.key()];
  const n = g.int(0, 3);
  for (let i = 0; i < n; i++) {
    const r = g.random();
    if (r < 0.25) args.push(g.word("len"));
    else if (r < 0.55) args.push(g.word("idx"));
    else if (r < 0.75) args.push(g.word("withmatchlen"));
    else if (r < 0.95) {
      args.push(
        g.word("minmatchlen"),
        g.chance(0.85) ? String(g.int(-2, 6)) : g.pick(BAD_INTS),
      );
    } else args.push(g.pick(["foo", "minmatchlen"]));
  }
  return args;
}

/** The bit commands', LCS's and SUBSTR's generators. */
export const BITS: Family = Object.freeze<Family>({
  name: "bits",
  commands: {
    SETBIT: (g) => [
      "SETBIT",
      g.key(),
      bitOffset(g),
      g.chance(0.92) ? String(g.int(0, 1)) : g.pick(["2", "-1", "x", "01"]),
    ],
    GETBIT: (g) => ["GETBIT", g.key(), bitOffset(g)],
    BITCOUNT: bitcountArgs,
    BITPOS: bitposArgs,
    BITOP: bitopArgs,
    BITFIELD: (g) => bitfieldArgs("BITFIELD", g, false),
    BITFIELD_RO: (g) => bitfieldArgs("BITFIELD_RO", g, true),
    LCS: lcsArgs,
    SUBSTR: (g) => ["SUBSTR", g.key(), rangeIndex(g), rangeIndex(g)],
  },
  weights: { SETBIT: 1.5, BITFIELD: 1.5 },
});
