/**
 * Generators for the connection and server commands whose replies do not
 * name the server: PING, ECHO, DBSIZE, FLUSHALL, FLUSHDB, SELECT (0 and
 * out-of-range indexes), HELLO (2 and 3, fields naming the server blanked),
 * CLIENT GETNAME/SETNAME, RESET, and the errors of CONFIG, CLIENT and
 * COMMAND, and COMMAND GETKEYS (key positions must match Redis's).
 *
 * @module
 */

import { COMMANDS } from "@cachemir/protocol";
import { type Family, type Gen, type Step } from "./_gen.ts";
import { DBSIZE_AFTER_SCAN, HELLO } from "./_compare.ts";

function helloArgs(g: Gen): Step {
  const r = g.random();
  const args = ["HELLO"];
  if (r < 0.7) args.push(g.pick(["2", "3"]));
  else if (r < 0.85) args.push(g.pick(["1", "4", "abc", "-1", ""]));
  if (args.length === 2 && g.chance(0.2)) {
    args.push(g.word("setname"), g.pick(["app", "a b", "x\n", ""]));
  }
  if (args.length === 2 && g.chance(0.05)) args.push("foo");
  return { args, compare: HELLO };
}

/** A command line for COMMAND GETKEYS: one of ours, with random arguments. */
function getkeysArgs(g: Gen): string[] {
  const info = g.pick(COMMANDS.filter((c) => c.opcode >= 0x0100));
  const argc = Math.abs(info.arity) - 1 + (info.arity < 0 ? g.int(0, 3) : 0);
  const args = Array.from({ length: argc }, () => g.key() || "k");
  if (info.keys.countAt !== undefined) {
    args[info.keys.countAt - 1] = String(
      g.int(1, Math.max(1, argc - info.keys.countAt)),
    );
  }
  return ["COMMAND", "GETKEYS", info.name.toLowerCase(), ...args];
}

/** The connection commands' generators. */
/** Redis 7.0's encoding thresholds, their old names, and values to set (some refused). */
const ENCODING_SETTINGS: readonly (readonly [string, readonly string[]])[] = [
  ["hash-max-listpack-entries", ["0", "4", "512", "-1", "abc", "1k"]],
  ["hash-max-ziplist-entries", ["8", "128", "9223372036854775808"]],
  ["hash-max-listpack-value", ["0", "8", "64", "1kb", "-1", "x"]],
  ["hash-max-ziplist-value", ["16", "64"]],
  ["set-max-intset-entries", ["0", "3", "512", "-5", "2.5"]],
  ["list-max-listpack-size", ["-2", "-5", "4", "128", "-2147483649"]],
  ["list-max-ziplist-size", ["-1", "8"]],
  ["list-compress-depth", ["0", "1", "2", "-1", "1.5"]],
];

export const CONNECTION: Family = Object.freeze<Family>({
  name: "connection",
  commands: {
    PING: (g) => g.chance(0.5) ? ["PING"] : ["PING", g.value()],
    ECHO: (g) => ["ECHO", g.value()],
    DBSIZE: () => ({ args: ["DBSIZE"], compare: DBSIZE_AFTER_SCAN }),
    FLUSHALL: (
      g,
    ) => [
      "FLUSHALL",
      ...(g.chance(0.5) ? [] : [g.pick(["SYNC", "async", "foo"])]),
    ],
    FLUSHDB: (
      g,
    ) => [
      "FLUSHDB",
      ...(g.chance(0.5) ? [] : [g.pick(["sync", "ASYNC", "bar"])]),
    ],
    SELECT: (
      g,
    ) => [
      "SELECT",
      g.pick(["0", "-1", "16", "100", "abc", "1.5", "", "2147483648"]),
    ],
    HELLO: helloArgs,
    RESET: () => ["RESET"],
    CLIENT: (g) => {
      const r = g.random();
      if (r < 0.4) return ["CLIENT", g.word("getname")];
      if (r < 0.8) {
        return [
          "CLIENT",
          g.word("setname"),
          g.pick(["app", "", "a b", "x\ny", "\xff", "name-1"]),
        ];
      }
      if (r < 0.9) return ["CLIENT", g.pick(["foo", "setname"])];
      return ["CLIENT", g.word("getname"), "extra"];
    },
    CONFIG: (g) => {
      if (g.chance(0.5)) {
        return g.pick([
          ["CONFIG", "GET", "nosuchparam"],
          ["CONFIG", "SET", "nosuchparam", "1"],
          ["CONFIG", "foo"],
          ["CONFIG", "GET"],
        ]);
      }
      // The encoding thresholds (they change encodings only, which the
      // keys family compares by type).
      const [name, values] = g.pick(ENCODING_SETTINGS);
      return g.chance(0.4)
        ? ["CONFIG", "GET", g.word(name)]
        : ["CONFIG", "SET", g.word(name), g.pick(values)];
    },
    // CacheMir holds no function library: FLUSH and LIST answer about an
    // empty set, as a redis-server without functions does.
    FUNCTION: (g) =>
      g.pick([
        ["FUNCTION", g.word("flush")],
        ["FUNCTION", "FLUSH", g.pick(["async", "SYNC", "foo"])],
        ["FUNCTION", "FLUSH", "ASYNC", "x"],
        ["FUNCTION", g.word("list")],
        ["FUNCTION", "LIST", "WITHCODE"],
        ["FUNCTION", "LIST", "LIBRARYNAME", "x*"],
        ["FUNCTION", "LIST", "LIBRARYNAME"],
        ["FUNCTION", "LIST", "foo"],
        ["FUNCTION", "foo"],
        ["FUNCTION"],
      ]),
    COMMAND: (g) =>
      g.chance(0.8) ? getkeysArgs(g) : g.pick([
        ["COMMAND", "foo"],
        ["COMMAND", "GETKEYS", "nosuchcommand", "a"],
        ["COMMAND", "GETKEYS", "ping"],
        ["COMMAND", "GETKEYS", "get"],
        ["COMMAND", "COUNT", "x"],
      ]),
  },
  weights: {
    FLUSHALL: 0.05,
    FLUSHDB: 0.05,
    HELLO: 0.3,
    RESET: 0.1,
    DBSIZE: 0.3,
    SELECT: 0.3,
    CONFIG: 0.2,
    FUNCTION: 0.2,
    CLIENT: 0.4,
  },
});
