/**
 * The key commands of {@linkcode CacheMirClient}: DEL, EXISTS, TYPE, the
 * expiry commands, RENAME, KEYS, SCAN, RANDOMKEY, DUMP, RESTORE.
 * Each is declared once — its table row, how its arguments are built, how
 * its reply becomes a value — and gives {@linkcode CacheMirClient} its
 * method and, when it has one, its `...Buffer` variant (bytes).
 *
 * @module
 */

import type { Arg, Key } from "../types.ts";
import { type Command, command, type Walk, walk } from "./_define.ts";
import { flat, scanArgs } from "./_args.ts";
import {
  BYTES_OR_NULL,
  INTEGER,
  OK,
  SCAN_PAGE,
  STATUS,
  VALUE_OR_NULL,
  VALUES,
} from "./_replies.ts";

/** Options of {@linkcode CacheMirClient.scan} and its iterators. */
export interface ScanOptions {
  /** Only keys matching this glob-style pattern (`MATCH`). */
  readonly match?: Key;
  /** A hint of how many keys to look at per call (`COUNT`). */
  readonly count?: number;
  /** Only keys of this type, e.g. `"string"` (`TYPE`). */
  readonly type?: string;
}

/** The condition of {@linkcode CacheMirClient.expire} and its siblings. */
export type ExpireMode = "NX" | "XX" | "GT" | "LT";

function expireArgs(key: Key, time: number, mode?: ExpireMode): Arg[] {
  return mode === undefined ? [key, String(time)] : [key, String(time), mode];
}

/**
 * DEL: deletes keys (split by node, in parallel; the counts are added).
 *
 * @param keys The keys, as arguments or as one array.
 * @returns How many existed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.del("a", "b")); // 2
 * ```
 */
export const del: Command<
  [...keys: Key[]] | [keys: readonly Key[]],
  number
> = command("DEL", (...keys) => flat(keys), INTEGER);

/**
 * UNLINK: deletes keys (the node may reclaim memory later).
 *
 * @param keys The keys, as arguments or as one array.
 * @returns How many existed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.unlink(["a", "b"])); // 2
 * ```
 */
export const unlink: Command<
  [...keys: Key[]] | [keys: readonly Key[]],
  number
> = command("UNLINK", (...keys) => flat(keys), INTEGER);

/**
 * EXISTS: counts the keys that exist (a key named twice counts twice).
 *
 * @param keys The keys, as arguments or as one array.
 * @returns The count.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.exists("a", "missing")); // 1
 * ```
 */
export const exists: Command<
  [...keys: Key[]] | [keys: readonly Key[]],
  number
> = command("EXISTS", (...keys) => flat(keys), INTEGER);

/**
 * TYPE: the type of a key's value.
 *
 * @param key The key.
 * @returns `"string"`, `"hash"`, `"list"`, `"set"`, or `"none"` when missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.type("k")); // "string"
 * ```
 */
export const type: Command<
  [key: Key],
  string
> = command("TYPE", (key) => [key], STATUS);

/**
 * EXPIRE: sets a time to live in seconds.
 *
 * @param key The key.
 * @param seconds Time to live (<= 0 deletes the key).
 * @param mode Only when it has none (`NX`), has one (`XX`), or the new one is greater (`GT`) or less (`LT`).
 * @returns `1` when set, `0` when the key is missing or the condition was not met.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.expire("k", 10, "NX")); // 1
 * ```
 */
export const expire: Command<
  [key: Key, seconds: number, mode?: ExpireMode],
  number
> = command("EXPIRE", expireArgs, INTEGER);

/**
 * PEXPIRE: sets a time to live in milliseconds.
 *
 * @param key The key.
 * @param milliseconds Time to live.
 * @param mode `NX`, `XX`, `GT` or `LT`, as for {@linkcode CacheMirClient.expire}.
 * @returns `1` when set, `0` otherwise.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.pexpire("k", 1500)); // 1
 * ```
 */
export const pexpire: Command<
  [key: Key, milliseconds: number, mode?: ExpireMode],
  number
> = command("PEXPIRE", expireArgs, INTEGER);

/**
 * EXPIREAT: expires the key at a Unix time in seconds.
 *
 * @param key The key.
 * @param unixSeconds When.
 * @param mode `NX`, `XX`, `GT` or `LT`.
 * @returns `1` when set, `0` otherwise.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.expireat("k", Math.floor(Date.now() / 1000) + 60);
 * ```
 */
export const expireat: Command<
  [key: Key, unixSeconds: number, mode?: ExpireMode],
  number
> = command("EXPIREAT", expireArgs, INTEGER);

/**
 * PEXPIREAT: expires the key at a Unix time in milliseconds.
 *
 * @param key The key.
 * @param unixMilliseconds When.
 * @param mode `NX`, `XX`, `GT` or `LT`.
 * @returns `1` when set, `0` otherwise.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.pexpireat("k", Date.now() + 60_000);
 * ```
 */
export const pexpireat: Command<
  [key: Key, unixMilliseconds: number, mode?: ExpireMode],
  number
> = command("PEXPIREAT", expireArgs, INTEGER);

/**
 * TTL: remaining time to live in seconds.
 *
 * @param key The key.
 * @returns Seconds; `-1` when the key has no expiry, `-2` when it is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "v", { ex: 10 });
 * console.log(await client.ttl("k")); // 10
 * ```
 */
export const ttl: Command<
  [key: Key],
  number
> = command("TTL", (key) => [key], INTEGER);

/**
 * PTTL: remaining time to live in milliseconds.
 *
 * @param key The key.
 * @returns Milliseconds; `-1` without expiry, `-2` when missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.pttl("k")); // e.g. 9998
 * ```
 */
export const pttl: Command<
  [key: Key],
  number
> = command("PTTL", (key) => [key], INTEGER);

/**
 * EXPIRETIME: the Unix time in seconds at which the key expires.
 *
 * @param key The key.
 * @returns Seconds; `-1` without expiry, `-2` when missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.expiretime("k"));
 * ```
 */
export const expiretime: Command<
  [key: Key],
  number
> = command("EXPIRETIME", (key) => [key], INTEGER);

/**
 * PEXPIRETIME: the Unix time in milliseconds at which the key expires.
 *
 * @param key The key.
 * @returns Milliseconds; `-1` without expiry, `-2` when missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.pexpiretime("k"));
 * ```
 */
export const pexpiretime: Command<
  [key: Key],
  number
> = command("PEXPIRETIME", (key) => [key], INTEGER);

/**
 * PERSIST: removes the key's time to live.
 *
 * @param key The key.
 * @returns `1` when a TTL was removed, `0` otherwise.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.persist("k")); // 1
 * ```
 */
export const persist: Command<
  [key: Key],
  number
> = command("PERSIST", (key) => [key], INTEGER);

/**
 * RENAME: renames a key, replacing any key of the new name. Both names
 * must be on one node (use a hash tag: `{doc:1}:draft`, `{doc:1}:final`).
 *
 * @param key The key.
 * @param newKey Its new name.
 * @returns `"OK"`.
 * @throws {ReplyError} `ERR no such key` when `key` is missing.
 * @throws {CrossSlotError} When the two names are owned by different nodes.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.rename("draft", "final");
 * ```
 */
export const rename: Command<
  [key: Key, newKey: Key],
  "OK"
> = command("RENAME", (key, newKey) => [key, newKey], OK);

/**
 * RENAMENX: renames a key only if the new name is free.
 *
 * @param key The key.
 * @param newKey Its new name.
 * @returns `1` when renamed, `0` when `newKey` exists.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.renamenx("a", "b")); // 1
 * ```
 */
export const renamenx: Command<
  [key: Key, newKey: Key],
  number
> = command("RENAMENX", (key, newKey) => [key, newKey], INTEGER);

/**
 * KEYS: every key matching a glob-style pattern, from every node that is
 * up (concatenated, node by node; with `replicas`, each copy). O(n) on each
 * node: prefer {@linkcode CacheMirClient.scanIterator} on large keyspaces.
 *
 * `keysBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param pattern E.g. `"user:*"`; `*`, `?`, `[abc]`, `[^a]`, `\` escapes.
 * @returns The keys, in no particular order.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.keys("user:*")); // [ "user:1", "user:2" ]
 * ```
 *
 * @example `keysBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const keys = await client.keysBuffer("*");
 * ```
 */
export const keys: Command<
  [pattern: Key],
  string[],
  Uint8Array[]
> = command("KEYS", (pattern) => [pattern], VALUES);

/**
 * SCAN: one step of an incremental iteration over the keys. Start with
 * cursor `"0"`; the iteration is over when cursor `"0"` comes back. A key
 * may be returned more than once.
 *
 * Over several nodes the nodes are scanned one after the other, in address
 * order, and the cursor returned is `nodeCursor × 1024 + nodeIndex` (at
 * most 1024 nodes); a step may return no keys. Down nodes are skipped
 * (`onNodeDown: "remap"`) or make the step reject (`"fail"`). Adding or
 * removing nodes during an iteration can make it miss or repeat keys. With
 * a single node, cursors are the node's own.
 *
 * `scanBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param cursor `"0"`, or the cursor of the previous step.
 * @param options `match`, `count`, `type`.
 * @returns `[nextCursor, keys]`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * let cursor = "0";
 * do {
 *   const [next, keys] = await client.scan(cursor, { match: "user:*", count: 100 });
 *   console.log(keys);
 *   cursor = next;
 * } while (cursor !== "0");
 * ```
 *
 * @example `scanBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const [next, keys] = await client.scanBuffer("0");
 * ```
 */
export const scan: Command<
  [cursor: string | number, options?: ScanOptions],
  [string, string[]],
  [string, Uint8Array[]]
> = command(
  "SCAN",
  (cursor, options) => scanArgs(undefined, cursor, options),
  SCAN_PAGE,
);

/**
 * RANDOMKEY: a key picked at random, from nodes asked in random order
 * until one has a key.
 *
 * `randomkeyBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @returns A key, or `null` when every node that is up is empty.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.randomkey());
 * ```
 *
 * @example `randomkeyBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.randomkeyBuffer());
 * ```
 */
export const randomkey: Command<
  [],
  string | null,
  Uint8Array | null
> = command("RANDOMKEY", () => [], VALUE_OR_NULL);

/**
 * Iterates over every key with SCAN, one step at a time. Keys present for
 * the whole iteration are yielded at least once; a key may repeat.
 *
 * `scanBufferIterator()` takes the same arguments and yields bytes
 * (`Uint8Array`) where this yields text.
 *
 * @param options `match`, `count`, `type`.
 * @returns An async iterator of keys.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * for await (const key of client.scanIterator({ match: "session:*" })) {
 *   await client.del(key);
 * }
 * ```
 *
 * @example `scanBufferIterator()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * for await (const key of client.scanBufferIterator()) console.log(key);
 * ```
 */
export const scanIterator: Walk<
  (options?: ScanOptions) => AsyncGenerator<string, void, undefined>,
  (options?: ScanOptions) => AsyncGenerator<Uint8Array, void, undefined>
> = walk(scan, 0, false);

/** Options of {@linkcode CacheMirClient.copy}. */
export interface CopyOptions {
  /** Overwrite the destination if it exists (`REPLACE`). */
  readonly replace?: boolean;
  /**
   * The destination database (`DB`): a node has one, 0; another index is
   * refused with `ERR DB index is out of range`.
   */
  readonly db?: number;
}

/**
 * COPY: copies a key's value (of any type) and its time to live to another
 * key. Both keys must be on one node: use a `{hash tag}`.
 *
 * @param source The key to copy.
 * @param destination The new key.
 * @param options `replace`, `db`.
 * @returns 1 when copied; 0 when the source is missing or the destination
 * exists (without `replace`).
 * @throws {ReplyError} `ERR source and destination objects are the same`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("{u}:profile", "v");
 * console.log(await client.copy("{u}:profile", "{u}:backup")); // 1
 * console.log(await client.copy("{u}:profile", "{u}:backup")); // 0
 * console.log(await client.copy("{u}:profile", "{u}:backup", { replace: true })); // 1
 * ```
 */
export const copy: Command<
  [source: Key, destination: Key, options?: CopyOptions],
  number
> = command(
  "COPY",
  (source, destination, options) => {
    const args: Arg[] = [source, destination];
    if (options?.db !== undefined) args.push("DB", String(options.db));
    if (options?.replace) args.push("REPLACE");
    return args;
  },
  INTEGER,
);

/**
 * TOUCH: marks keys as accessed (their LRU/LFU clocks, as a read does)
 * without reading them.
 *
 * @param keys The keys, as arguments or as one array.
 * @returns How many exist (a key named twice counts twice).
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("a", "1");
 * console.log(await client.touch("a", "missing")); // 1
 * ```
 */
export const touch: Command<
  [...keys: Key[]] | [keys: readonly Key[]],
  number
> = command("TOUCH", (...keys) => flat(keys), INTEGER);

/** Options of {@linkcode CacheMirClient.restore}. */
export interface RestoreOptions {
  /** Replace the key if it exists (`REPLACE`); else it fails with `BUSYKEY`. */
  readonly replace?: boolean;
  /** `ttl` is an absolute Unix time in ms (`ABSTTL`), not a duration. */
  readonly absttl?: boolean;
  /** Seconds since the key was last used (`IDLETIME`), under an LRU policy. */
  readonly idletime?: number;
  /** The LFU access counter, 0 to 255 (`FREQ`), under an LFU policy. */
  readonly freq?: number;
}

/**
 * DUMP: a key's value serialized in Redis's DUMP format (an RDB value, its
 * version and a CRC-64), for RESTORE on a CacheMir node or on Redis.
 *
 * @param key The key.
 * @returns The payload's bytes, or `null` when the key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const payload = await client.dump("k");
 * if (payload !== null) await client.restore("copy-of-k", 0, payload);
 * ```
 */
export const dump: Command<
  [key: Key],
  Uint8Array | null
> = command("DUMP", (key) => [key], BYTES_OR_NULL);

/**
 * RESTORE: makes a key from a DUMP payload (CacheMir's, or a plain one of
 * Redis's: strings, and lists, sets and hashes in RDB's plain types).
 *
 * @param key The key.
 * @param ttl Its time to live in ms (0: none), or with `absttl` its expiry time.
 * @param payload What DUMP returned.
 * @param options REPLACE, ABSTTL, IDLETIME, FREQ.
 * @returns `"OK"`.
 * @throws {ReplyError} `BUSYKEY` when the key exists without `replace`;
 * `ERR DUMP payload version or checksum are wrong`; `ERR Bad data format`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const payload = await client.dump("k");
 * await client.restore("k2", 60_000, payload!, { replace: true });
 * ```
 */
export const restore: Command<
  [key: Key, ttl: number, payload: Arg, options?: RestoreOptions],
  "OK"
> = command("RESTORE", (key, ttl, payload, options = {}) => {
  const args: Arg[] = [key, String(ttl), payload];
  if (options.replace) args.push("REPLACE");
  if (options.absttl) args.push("ABSTTL");
  if (options.idletime !== undefined) {
    args.push("IDLETIME", String(options.idletime));
  }
  if (options.freq !== undefined) args.push("FREQ", String(options.freq));
  return args;
}, OK);
