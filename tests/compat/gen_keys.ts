/**
 * Generators for the commands on keys of any type: DEL, EXISTS, TYPE, the
 * EXPIRE family with NX/XX/GT/LT, TTLs, RENAME, KEYS, SCAN, RANDOMKEY,
 * OBJECT, COPY (REPLACE, DB 0 and the databases a node does not have),
 * TOUCH, DUMP, RESTORE.
 *
 * TTLs are long (minutes and more) or already past, so that no key expires
 * between the two servers' replies; TTL readings are compared within a
 * tolerance.
 *
 * @module
 */

import { type Comparator, type Family, type Gen, type Step } from "./_gen.ts";
import { near, RANDOM_KEY, SCAN_ALL, SORTED } from "./_compare.ts";
import type { RespValue } from "../_helpers/resp_client.ts";
import { dumpValue } from "../../server/store/rdb.ts";
import { ByteHash } from "../../server/store/hash.ts";
import { ByteList } from "../../server/store/list.ts";
import { ByteSet } from "../../server/store/set.ts";

/** Which type an OBJECT ENCODING reply names. */
const ENCODING_KIND: Readonly<Record<string, string>> = Object.freeze({
  int: "string",
  embstr: "string",
  raw: "string",
  quicklist: "list",
  listpack: "hash or set",
  hashtable: "hash or set",
  intset: "hash or set",
});

/**
 * OBJECT after random histories: what is deterministic is compared. An
 * encoding is compared by the type it names (Redis's depends on history:
 * APPEND makes `raw`, a hashtable never shrinks back to a listpack or
 * intset; `tests/compat/object_encoding_test.ts` compares exact encodings
 * after fresh writes); IDLETIME and REFCOUNT by being integers (idle times
 * differ by timing; Redis shares small integers, refcount 2147483647).
 * Missing keys (null), errors (FREQ under a non-LFU policy, arity, unknown
 * subcommands) and HELP are compared exactly.
 */
const OBJECT_REPLY: Comparator = Object.freeze({
  name: "OBJECT (encoding by type, integers as integers)",
  normalize: (reply: RespValue): RespValue => {
    if (typeof reply === "number" || typeof reply === "bigint") return 0;
    if (typeof reply === "string") return ENCODING_KIND[reply] ?? reply;
    return reply;
  },
});

function objectArgs(g: Gen): Step {
  const r = g.random();
  let args: string[];
  if (r < 0.9) {
    const sub = g.pick(["encoding", "freq", "idletime", "refcount"]);
    args = ["OBJECT", g.word(sub), g.key()];
    if (g.chance(0.05)) args.push(g.key()); // wrong arity
  } else {
    args = g.pick([
      ["OBJECT", "help"],
      ["OBJECT", "HELP", "x"],
      ["OBJECT", "foo", "k0"],
      ["OBJECT", "encoding"],
    ]);
  }
  return { args, compare: OBJECT_REPLY };
}

/**
 * DUMP: payloads differ by design where Redis packs (listpack, intset,
 * LZF, integer strings) and CacheMir writes RDB's plain types, so a payload
 * is compared by being one; a missing key (null) exactly.
 */
const DUMP_REPLY: Comparator = Object.freeze({
  name: "DUMP (a payload as a payload)",
  normalize: (reply: RespValue): RespValue =>
    typeof reply === "string" ? "<payload>" : reply,
});

/**
 * RESTORE with payloads both servers read: CacheMir's own DUMP format is
 * Redis's (RDB's plain types), so a value dumped here restores on either;
 * and with bad payloads, TTLs and options, whose errors are compared.
 */
function restoreArgs(g: Gen): string[] {
  const r = g.random();
  let payload: string;
  if (r < 0.25) payload = dumpValue(g.value());
  else if (r < 0.4) {
    payload = dumpValue(
      ByteList.from(g.keys(g.int(1, 5)).map(() => g.value())),
    );
  } else if (r < 0.55) {
    payload = dumpValue(ByteSet.from(g.keys(g.int(1, 5)).map(() => g.value())));
  } else if (r < 0.7) {
    payload = dumpValue(
      ByteHash.from(g.keys(g.int(1, 5)).map((k) => [k, g.value()])),
    );
  } else {
    const good = dumpValue(g.value());
    payload = g.pick([
      "garbage",
      "",
      good.slice(0, -1) + "x", // checksum
      good.slice(1),
    ]);
  }
  const ttl = g.pick([
    "0",
    "0",
    "600000",
    "-1",
    "x",
    String(Date.now() - 1000),
  ]);
  const args = ["RESTORE", g.key(), ttl, payload];
  if (g.chance(0.5)) args.push(g.word("replace"));
  if (g.chance(0.1)) args.push(g.word("absttl"));
  if (g.chance(0.1)) args.push(g.word("idletime"), g.pick(["5", "-1", "x"]));
  if (g.chance(0.05)) args.push(g.word("freq"), g.pick(["5", "256"]));
  if (g.chance(0.03)) args.push("foo");
  return args;
}

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

function copyArgs(g: Gen): string[] {
  const args = ["COPY", g.key(), g.key()];
  const n = g.int(0, 2);
  for (let i = 0; i < n; i++) {
    const r = g.random();
    if (r < 0.6) args.push(g.word("replace"));
    else if (r < 0.85) {
      // A node has one database: DB 0 only (Redis has 16; an index past
      // both's range, or not an integer, errs alike).
      args.push(g.word("db"), g.pick(["0", "16", "-1", "x", "2147483648"]));
    } else args.push(g.pick(["foo", "db"]));
  }
  return args;
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
    OBJECT: objectArgs,
    COPY: copyArgs,
    TOUCH: (g) => ["TOUCH", ...g.keys(g.int(1, 4))],
    DUMP: (g) => ({ args: ["DUMP", g.key()], compare: DUMP_REPLY }),
    RESTORE: restoreArgs,
  },
  weights: {
    RANDOMKEY: 0.3,
    SCAN: 0.5,
    KEYS: 0.5,
    OBJECT: 0.5,
    DUMP: 0.3,
    RESTORE: 0.5,
  },
});
