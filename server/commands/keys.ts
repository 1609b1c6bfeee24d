/**
 * The commands on keys of any type, with Redis 7's semantics and error
 * texts: DEL, UNLINK, EXISTS, TYPE, EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT
 * (NX XX GT LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST, RENAME,
 * RENAMENX, KEYS, SCAN, RANDOMKEY, OBJECT (ENCODING FREQ IDLETIME REFCOUNT
 * HELP), COPY, TOUCH, DUMP, RESTORE (REPLACE ABSTTL IDLETIME FREQ; Redis's
 * payload format, `store/rdb.ts`).
 *
 * Deviation from Redis: SCAN cursors are ids of live iterators, not
 * positions (see {@linkcode Keyspace.scan}); an unknown cursor restarts the
 * scan instead of resuming at a position.
 *
 * @module
 */

import {
  array,
  bytes,
  error,
  type ErrorReply,
  int,
  NULL,
  OK,
  type Reply,
  status,
  type StatusReply,
} from "@cachemir/protocol";
import type { CommandContext, Handler } from "./types.ts";
import {
  dbIndexError,
  expireTime,
  intReply,
  INVALID_CURSOR,
  invalidExpireTime,
  isWord,
  NO_SUCH_KEY,
  NOT_INTEGER,
  parseScanCursor,
  printable,
  SYNTAX_ERROR,
} from "./common.ts";
import { parseInt64 } from "./numbers.ts";
import { containerHandler, type Subcommand } from "./_subcommands.ts";
import { Glob } from "../store/glob.ts";
import { dumpValue, restoreValue } from "../store/rdb.ts";
import { typeOf, type ValueType } from "../store/keyspace.ts";
import { ByteHash } from "../store/hash.ts";
import { ByteSet } from "../store/set.ts";
import { ByteList } from "../store/list.ts";
import type { CollectionValue } from "../store/keyspace.ts";

/** DEL key [key ...] (UNLINK is the same: values are freed by the GC). */
function delCommand(ctx: CommandContext, args: string[]): Reply {
  let n = 0;
  for (let i = 0; i < args.length; i++) {
    if (ctx.store.delete(args[i])) n++;
  }
  ctx.store.changes += n;
  return int(n);
}

/** EXISTS key [key ...]: a key named twice counts twice. */
function existsCommand(ctx: CommandContext, args: string[]): Reply {
  let n = 0;
  for (let i = 0; i < args.length; i++) {
    if (ctx.store.has(args[i])) n++;
  }
  return int(n);
}

const TYPE_REPLIES: Readonly<Record<ValueType | "none", StatusReply>> = Object
  .freeze({
    string: Object.freeze(status("string")),
    hash: Object.freeze(status("hash")),
    list: Object.freeze(status("list")),
    set: Object.freeze(status("set")),
    none: Object.freeze(status("none")),
  });

/** TYPE key */
function typeCommand(ctx: CommandContext, args: string[]): Reply {
  const v = ctx.store.get(args[0]);
  return TYPE_REPLIES[v === undefined ? "none" : typeOf(v)];
}

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;
const NX_CONFLICT: ErrorReply = Object.freeze(
  error("ERR NX and XX, GT or LT options at the same time are not compatible"),
);
const GT_LT_CONFLICT: ErrorReply = Object.freeze(
  error("ERR GT and LT options at the same time are not compatible"),
);

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT key time [NX | XX | GT | LT] */
function expireGeneric(
  ctx: CommandContext,
  args: string[],
  seconds: boolean,
  relative: boolean,
  command: string,
): Reply {
  const store = ctx.store;
  let flags = 0;
  for (let j = 2; j < args.length; j++) {
    const opt = args[j];
    if (isWord(opt, "nx")) flags |= EXPIRE_NX;
    else if (isWord(opt, "xx")) flags |= EXPIRE_XX;
    else if (isWord(opt, "gt")) flags |= EXPIRE_GT;
    else if (isWord(opt, "lt")) flags |= EXPIRE_LT;
    else return error(`ERR Unsupported option ${printable(opt)}`);
  }
  if ((flags & EXPIRE_NX) && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) {
    return NX_CONFLICT;
  }
  if ((flags & EXPIRE_GT) && (flags & EXPIRE_LT)) return GT_LT_CONFLICT;
  const when = parseInt64(args[1]);
  if (when === undefined) return NOT_INTEGER;
  const now = store.now();
  const at = expireTime(when, seconds, relative ? now : 0);
  if (at === undefined) return invalidExpireTime(command);
  const key = args[0];
  if (!store.has(key)) return int(0);
  if (flags !== 0) {
    const current = store.getExpire(key);
    if ((flags & EXPIRE_NX) && current !== undefined) return int(0);
    if ((flags & EXPIRE_XX) && current === undefined) return int(0);
    // No expiry counts as an infinite TTL.
    if ((flags & EXPIRE_GT) && (current === undefined || at <= current)) {
      return int(0);
    }
    if ((flags & EXPIRE_LT) && current !== undefined && at >= current) {
      return int(0);
    }
  }
  if (at <= now) store.delete(key);
  else store.setExpire(key, at);
  store.changes++;
  return int(1);
}

/** EXPIRE key seconds [NX | XX | GT | LT] */
function expireCommand(ctx: CommandContext, args: string[]): Reply {
  return expireGeneric(ctx, args, true, true, "expire");
}

/** PEXPIRE key milliseconds [NX | XX | GT | LT] */
function pexpireCommand(ctx: CommandContext, args: string[]): Reply {
  return expireGeneric(ctx, args, false, true, "pexpire");
}

/** EXPIREAT key unix-time-seconds [NX | XX | GT | LT] */
function expireatCommand(ctx: CommandContext, args: string[]): Reply {
  return expireGeneric(ctx, args, true, false, "expireat");
}

/** PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] */
function pexpireatCommand(ctx: CommandContext, args: string[]): Reply {
  return expireGeneric(ctx, args, false, false, "pexpireat");
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME key */
function ttlGeneric(
  ctx: CommandContext,
  key: string,
  ms: boolean,
  absolute: boolean,
): Reply {
  const store = ctx.store;
  if (!store.has(key)) return int(-2);
  const at = store.getExpire(key);
  if (at === undefined) return int(-1);
  if (typeof at === "number") {
    let t = absolute ? at : at - store.now();
    if (t < 0) t = 0;
    return int(ms ? t : Math.floor((t + 500) / 1000));
  }
  let t = absolute ? at : at - BigInt(store.now());
  if (t < 0n) t = 0n;
  return intReply(ms ? t : (t + 500n) / 1000n);
}

/** TTL key */
function ttlCommand(ctx: CommandContext, args: string[]): Reply {
  return ttlGeneric(ctx, args[0], false, false);
}

/** PTTL key */
function pttlCommand(ctx: CommandContext, args: string[]): Reply {
  return ttlGeneric(ctx, args[0], true, false);
}

/** EXPIRETIME key */
function expiretimeCommand(ctx: CommandContext, args: string[]): Reply {
  return ttlGeneric(ctx, args[0], false, true);
}

/** PEXPIRETIME key */
function pexpiretimeCommand(ctx: CommandContext, args: string[]): Reply {
  return ttlGeneric(ctx, args[0], true, true);
}

/** PERSIST key */
function persistCommand(ctx: CommandContext, args: string[]): Reply {
  if (!ctx.store.persist(args[0])) return int(0);
  ctx.store.changes++;
  return int(1);
}

/** RENAME key newkey */
function renameCommand(ctx: CommandContext, args: string[]): Reply {
  if (!ctx.store.rename(args[0], args[1])) return NO_SUCH_KEY;
  if (args[0] !== args[1]) ctx.store.changes++; // the same name changes nothing
  return OK;
}

/** RENAMENX key newkey */
function renamenxCommand(ctx: CommandContext, args: string[]): Reply {
  const store = ctx.store;
  if (!store.has(args[0])) return NO_SUCH_KEY;
  if (args[0] === args[1] || store.has(args[1])) return int(0);
  store.rename(args[0], args[1]);
  store.changes++;
  return int(1);
}

const SAME_OBJECT: ErrorReply = Object.freeze(
  error("ERR source and destination objects are the same"),
);

/** A copy of a collection that shares nothing with it (COPY). */
function copyCollection(value: CollectionValue): CollectionValue {
  if (value instanceof ByteHash) return ByteHash.from(value);
  if (value instanceof ByteSet) return ByteSet.from(value.members());
  if (value instanceof ByteList) return ByteList.from(value.toArray());
  throw new Error(`COPY: no copy for a collection of type ${value.type}`);
}

/**
 * COPY source destination [DB destination-db] [REPLACE]. A node has one
 * database, 0: `DB 0` is the same database; another index is out of range
 * (as SELECT answers).
 */
function copyCommand(ctx: CommandContext, args: string[]): Reply {
  let replace = false;
  for (let j = 2; j < args.length; j++) {
    if (isWord(args[j], "replace")) {
      replace = true;
    } else if (isWord(args[j], "db") && j < args.length - 1) {
      const refused = dbIndexError(args[++j]);
      if (refused !== undefined) return refused;
    } else {
      return SYNTAX_ERROR;
    }
  }
  const [from, to] = args;
  if (from === to) return SAME_OBJECT;
  const store = ctx.store;
  const v = store.getView(from);
  if (v === undefined) return int(0);
  const at = store.getExpire(from);
  if (store.has(to) && !replace) return int(0);
  if (v instanceof Uint8Array) {
    // Copied out of the source's record before the destination's is written.
    // The copy keeps the source's encoding, raw included.
    store.setBytes(to, v.slice(), at, store.isRawString(from));
  } else {
    store.set(to, copyCollection(v), at);
  }
  store.changes++;
  return int(1);
}

/** TOUCH key [key ...]: how many exist; each counts as accessed. */
function touchCommand(ctx: CommandContext, args: string[]): Reply {
  let n = 0;
  for (let i = 0; i < args.length; i++) {
    if (ctx.store.touch(args[i])) n++;
  }
  return int(n);
}

function keyReplies(keys: string[]): Reply {
  const out: Reply[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = bytes(keys[i]);
  return array(out);
}

/** KEYS pattern */
function keysCommand(ctx: CommandContext, args: string[]): Reply {
  const pattern = args[0];
  if (pattern === "*") return keyReplies(ctx.store.keys());
  const glob = new Glob(pattern);
  return keyReplies(ctx.store.keys((k) => glob.matches(k)));
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
function scanCommand(ctx: CommandContext, args: string[]): Reply {
  const cursor = parseScanCursor(args[0]);
  if (cursor === undefined) return INVALID_CURSOR;
  let count = 10;
  let glob: Glob | undefined;
  let type: string | undefined;
  for (let i = 1; i < args.length; i += 2) {
    const opt = args[i];
    const more = args.length - i >= 2;
    if (more && isWord(opt, "count")) {
      const n = parseInt64(args[i + 1]);
      if (n === undefined) return NOT_INTEGER;
      if (n < 1) return SYNTAX_ERROR;
      count = Number(n);
    } else if (more && isWord(opt, "match")) {
      glob = args[i + 1] === "*" ? undefined : new Glob(args[i + 1]);
    } else if (more && isWord(opt, "type")) {
      type = args[i + 1].toLowerCase();
    } else {
      return SYNTAX_ERROR;
    }
  }
  const accept = glob === undefined && type === undefined
    ? undefined
    : (key: string, valueType: ValueType): boolean =>
      (glob === undefined || glob.matches(key)) &&
      (type === undefined || valueType === type);
  const result = ctx.store.scan(cursor, count, accept);
  return array([bytes(String(result.cursor)), keyReplies(result.keys)]);
}

/** RANDOMKEY */
function randomkeyCommand(ctx: CommandContext, _args: string[]): Reply {
  const key = ctx.store.randomKey();
  return key === undefined ? NULL : bytes(key);
}

// ---- OBJECT ----------------------------------------------------------------

/**
 * The encoding Redis 7.0 reports for the value (OBJECT ENCODING), read
 * from how the store holds it (`Keyspace.objectEncoding`): a packed hash
 * is a `listpack`, a packed set an `intset`, a hash or set past the
 * thresholds (CONFIG `hash-max-listpack-*`, `set-max-intset-entries`) a
 * `hashtable` — and stays one when it shrinks, as in Redis; lists are
 * `quicklist`; strings `int`, `embstr` or `raw` (longer than 44 bytes, or
 * edited in place by APPEND or SETRANGE).
 *
 * @param ctx The command's context.
 * @param key The key.
 * @returns The encoding's name, or `undefined` when the key is missing.
 *
 * @example Report encodings
 * ```ts
 * import { objectEncoding } from "./keys.ts";
 * import { harness } from "./_testing.ts";
 * import assert from "node:assert/strict";
 *
 * const h = harness();
 * h.call("SET", "n", "12345");
 * h.call("SET", "s", "hello");
 * assert.equal(objectEncoding(h.ctx, "n"), "int");
 * assert.equal(objectEncoding(h.ctx, "s"), "embstr");
 * assert.equal(objectEncoding(h.ctx, "missing"), undefined);
 * ```
 */
export function objectEncoding(
  ctx: CommandContext,
  key: string,
): string | undefined {
  return ctx.store.objectEncoding(key);
}

const NOT_LFU: ErrorReply = Object.freeze(
  error(
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
  ),
);
const IS_LFU: ErrorReply = Object.freeze(
  error(
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
  ),
);

function isLfu(ctx: CommandContext): boolean {
  return ctx.store.memoryLimit.policy.endsWith("-lfu");
}

const OBJECT_HELP: Reply = array([
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
].map((line) => status(line)));

/**
 * OBJECT's subcommands with Redis's arities. A missing key is a null reply
 * (checked before the policy, as Redis does); FREQ needs an LFU policy and
 * IDLETIME one that is not; REFCOUNT is always 1 (Redis shares small
 * integers between keys when it has no maxmemory and reports 2147483647
 * for them).
 */
export const OBJECT_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object
  .freeze({
    ENCODING: {
      arity: 3,
      run: (ctx, args) => {
        const encoding = objectEncoding(ctx, args[1]);
        return encoding === undefined ? NULL : bytes(encoding);
      },
    },
    FREQ: {
      arity: 3,
      run: (ctx, args) => {
        const freq = ctx.store.objectFreq(args[1]);
        if (freq === undefined) return NULL;
        return isLfu(ctx) ? int(freq) : NOT_LFU;
      },
    },
    IDLETIME: {
      arity: 3,
      run: (ctx, args) => {
        const idle = ctx.store.objectIdleTime(args[1]);
        if (idle === undefined) return NULL;
        return isLfu(ctx) ? IS_LFU : int(idle);
      },
    },
    REFCOUNT: {
      arity: 3,
      run: (ctx, args) => ctx.store.has(args[1]) ? int(1) : NULL,
    },
    HELP: { arity: 2, run: () => OBJECT_HELP },
  });

// ---- DUMP and RESTORE -----------------------------------------------------

/** DUMP key: the value in Redis's DUMP format (`store/rdb.ts`), or null. */
function dumpCommand(ctx: CommandContext, args: string[]): Reply {
  const value = ctx.store.get(args[0]);
  return value === undefined ? NULL : bytes(dumpValue(value));
}

const BUSYKEY: ErrorReply = Object.freeze(
  error("BUSYKEY Target key name already exists."),
);
const BAD_TTL: ErrorReply = Object.freeze(
  error("ERR Invalid TTL value, must be >= 0"),
);
const BAD_IDLETIME: ErrorReply = Object.freeze(
  error("ERR Invalid IDLETIME value, must be >= 0"),
);
const BAD_FREQ: ErrorReply = Object.freeze(
  error("ERR Invalid FREQ value, must be >= 0 and <= 255"),
);

/**
 * RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ n]:
 * checks in Redis's order (options, an existing key without REPLACE, the
 * TTL, the payload's version and checksum, its value); a TTL already past
 * deletes the key (with REPLACE) and restores nothing, as Redis does.
 */
function restoreCommand(ctx: CommandContext, args: string[]): Reply {
  let replace = false;
  let absttl = false;
  let idle: number | undefined;
  let freq: number | undefined;
  for (let i = 3; i < args.length; i++) {
    const more = i + 1 < args.length;
    if (isWord(args[i], "replace")) replace = true;
    else if (isWord(args[i], "absttl")) absttl = true;
    else if (isWord(args[i], "idletime") && more && freq === undefined) {
      const n = parseInt64(args[++i]);
      if (n === undefined) return NOT_INTEGER;
      if (n < 0) return BAD_IDLETIME;
      idle = Number(n);
    } else if (isWord(args[i], "freq") && more && idle === undefined) {
      const n = parseInt64(args[++i]);
      if (n === undefined) return NOT_INTEGER;
      if (n < 0 || n > 255) return BAD_FREQ;
      freq = Number(n);
    } else return SYNTAX_ERROR;
  }
  const key = args[0];
  const store = ctx.store;
  if (!replace && store.has(key)) return BUSYKEY;
  const ttl = parseInt64(args[1]);
  if (ttl === undefined) return NOT_INTEGER;
  if (ttl < 0) return BAD_TTL;
  const { value, error: invalid } = restoreValue(args[2]);
  if (invalid !== undefined) return error(invalid);
  let at: number | bigint | undefined;
  if (ttl > 0) {
    at = absttl ? ttl : BigInt(ttl) + BigInt(store.now());
    if (typeof at === "bigint" && at <= BigInt(Number.MAX_SAFE_INTEGER)) {
      at = Number(at);
    }
    if (at <= store.now()) {
      // Already expired: only the replaced key's deletion is a change.
      if (store.delete(key)) store.changes++;
      return OK;
    }
  }
  store.set(key, value, at);
  store.changes++;
  if (idle !== undefined || freq !== undefined) {
    store.setAccess(key, { idleSeconds: idle, freq });
  }
  return OK;
}

/** The key commands' handlers, by upper-case name. */
export const KEY_HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  DEL: delCommand,
  UNLINK: delCommand,
  EXISTS: existsCommand,
  TYPE: typeCommand,
  EXPIRE: expireCommand,
  PEXPIRE: pexpireCommand,
  EXPIREAT: expireatCommand,
  PEXPIREAT: pexpireatCommand,
  TTL: ttlCommand,
  PTTL: pttlCommand,
  EXPIRETIME: expiretimeCommand,
  PEXPIRETIME: pexpiretimeCommand,
  PERSIST: persistCommand,
  RENAME: renameCommand,
  RENAMENX: renamenxCommand,
  KEYS: keysCommand,
  SCAN: scanCommand,
  RANDOMKEY: randomkeyCommand,
  OBJECT: containerHandler("OBJECT", OBJECT_SUBCOMMANDS),
  COPY: copyCommand,
  TOUCH: touchCommand,
  DUMP: dumpCommand,
  RESTORE: restoreCommand,
});
