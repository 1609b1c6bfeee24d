/**
 * The set commands of {@linkcode CacheMirClient}: SADD, SREM, SMEMBERS,
 * SISMEMBER, SPOP, SRANDMEMBER, SMOVE, the set algebra, SINTERCARD, SSCAN.
 * Each is declared once — its table row, how its arguments are built, how
 * its reply becomes a value — and gives {@linkcode CacheMirClient} its
 * method and, when it has one, its `...Buffer` variant (bytes).
 *
 * @module
 */

import type { Arg, ClientValue, Key } from "../types.ts";
import {
  type Command,
  command,
  type Declaration,
  overloaded,
  type Walk,
  walk,
} from "./_define.ts";
import {
  keyList,
  keyThenKeys,
  keyThenValues,
  scanArgs,
  valueArg,
} from "./_args.ts";
import type { ClientCollectionScanOptions } from "./hashes.ts";
import {
  INTEGER,
  INTEGERS,
  SCAN_PAGE,
  VALUE_OR_NULL,
  VALUES,
} from "./_replies.ts";

/** Options of {@linkcode sintercard}. */
export interface SInterCardOptions {
  /**
   * Stop counting at this number (`LIMIT`); 0 counts them all.
   * @default {0}
   */
  readonly limit?: number;
}

/** SINTERCARD arguments: `numkeys key... [LIMIT n]`. */
function sintercardArgs(
  keys: readonly Key[],
  options?: SInterCardOptions,
): Arg[] {
  const out: Arg[] = [String(keys.length), ...keys];
  if (options?.limit !== undefined) out.push("LIMIT", String(options.limit));
  return out;
}

/** SPOP / SRANDMEMBER arguments: the key, and the count when there is one. */
function countArgs(key: Key, count?: number): Arg[] {
  return count === undefined ? [key] : [key, String(count)];
}

/**
 * SADD: adds members to a set, creating it if needed.
 *
 * @param key The key.
 * @param members The members, as arguments or as one array.
 * @returns How many were new.
 * @throws {ReplyError} `WRONGTYPE ...` when the key holds another type.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.sadd("tags", "a", "b", "a")); // 2
 * ```
 */
export const sadd: Command<
  [key: Key, ...members: ClientValue[]] | [
    key: Key,
    members: readonly ClientValue[],
  ],
  number
> = command("SADD", keyThenValues, INTEGER);

/**
 * SREM: removes members; a set left empty is deleted.
 *
 * @param key The key.
 * @param members The members, as arguments or as one array.
 * @returns How many were removed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.srem("tags", ["a", "z"])); // 1
 * ```
 */
export const srem: Command<
  [key: Key, ...members: ClientValue[]] | [
    key: Key,
    members: readonly ClientValue[],
  ],
  number
> = command("SREM", keyThenValues, INTEGER);

/**
 * SMEMBERS: every member of a set, in no particular order.
 *
 * `smembersBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @returns The members; `[]` when the key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.smembers("tags")); // [ "b", "a" ]
 * ```
 *
 * @example `smembersBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const members = await client.smembersBuffer("ids");
 * ```
 */
export const smembers: Command<
  [key: Key],
  string[],
  Uint8Array[]
> = command("SMEMBERS", (key) => [key], VALUES);

/**
 * SISMEMBER: whether a value is a member. Like ioredis, the reply is the
 * node's integer: `1` or `0`.
 *
 * @param key The key.
 * @param member The value.
 * @returns `1` when it is a member, else `0`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * if (await client.sismember("tags", "a")) console.log("tagged");
 * ```
 */
export const sismember: Command<
  [key: Key, member: ClientValue],
  number
> = command("SISMEMBER", (key, member) => [key, valueArg(member)], INTEGER);

/**
 * SMISMEMBER: whether each value is a member.
 *
 * @param key The key.
 * @param members The values, as arguments or as one array.
 * @returns `1` or `0` per value, in order.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.smismember("tags", "a", "z")); // [ 1, 0 ]
 * ```
 */
export const smismember: Command<
  [key: Key, ...members: ClientValue[]] | [
    key: Key,
    members: readonly ClientValue[],
  ],
  number[]
> = command(
  "SMISMEMBER",
  keyThenValues,
  INTEGERS,
);

/**
 * SCARD: the number of members.
 *
 * @param key The key.
 * @returns The count; `0` when the key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.scard("tags")); // 2
 * ```
 */
export const scard: Command<
  [key: Key],
  number
> = command("SCARD", (key) => [key], INTEGER);

/**
 * SPOP: removes and returns members picked at random.
 */
export const spop: Declaration<
  {
    /**
     * SPOP: removes and returns a random member; a set left empty is deleted.
     *
     * @param key The key.
     * @returns The member, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.spop("deck")); // e.g. "7h"
     * ```
     */
    (key: Key): Promise<string | null>;
    /**
     * SPOP with a count: removes and returns up to `count` distinct random
     * members.
     *
     * @param key The key.
     * @param count How many, >= 0.
     * @returns The members; `[]` when the key is missing.
     * @throws {ReplyError} `ERR value is out of range, must be positive` for a
     * negative count.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const hand = await client.spop("deck", 5);
     * ```
     */
    (key: Key, count: number): Promise<string[]>;
  },
  {
    /**
     * SPOP, with the member as bytes.
     *
     * @param key The key.
     * @returns The member's bytes, or `null`.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const member = await client.spopBuffer("ids");
     * ```
     */
    (key: Key): Promise<Uint8Array | null>;
    /**
     * SPOP with a count, as bytes.
     *
     * @param key The key.
     * @param count How many, >= 0.
     * @returns The members' bytes.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const members = await client.spopBuffer("ids", 3);
     * ```
     */
    (key: Key, count: number): Promise<Uint8Array[]>;
  }
> = overloaded(
  "SPOP",
  countArgs,
  (_key: Key, count?: number) => count === undefined ? VALUE_OR_NULL : VALUES,
);

/**
 * SRANDMEMBER: returns members picked at random.
 */
export const srandmember: Declaration<
  {
    /**
     * SRANDMEMBER: a random member, left in the set.
     *
     * @param key The key.
     * @returns The member, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.srandmember("deck"));
     * ```
     */
    (key: Key): Promise<string | null>;
    /**
     * SRANDMEMBER with a count: `count > 0` returns that many distinct members
     * (the whole set when it has fewer); `count < 0` returns `-count` members
     * that may repeat (at most 1,048,576 of them on CacheMir).
     *
     * @param key The key.
     * @param count How many, and whether they may repeat.
     * @returns The members; `[]` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.srandmember("deck", -3)); // e.g. [ "2c", "2c", "Qs" ]
     * ```
     */
    (key: Key, count: number): Promise<string[]>;
  },
  {
    /**
     * SRANDMEMBER, with the member as bytes.
     *
     * @param key The key.
     * @returns The member's bytes, or `null`.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const member = await client.srandmemberBuffer("ids");
     * ```
     */
    (key: Key): Promise<Uint8Array | null>;
    /**
     * SRANDMEMBER with a count, as bytes.
     *
     * @param key The key.
     * @param count How many, and whether they may repeat.
     * @returns The members' bytes.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const members = await client.srandmemberBuffer("ids", 3);
     * ```
     */
    (key: Key, count: number): Promise<Uint8Array[]>;
  }
> = overloaded(
  "SRANDMEMBER",
  countArgs,
  (_key: Key, count?: number) => count === undefined ? VALUE_OR_NULL : VALUES,
);

/**
 * SMOVE: moves a member from one set to another, atomically.
 *
 * @param source The set to take it from; deleted when left empty.
 * @param destination The set to add it to (created if needed).
 * @param member The member.
 * @returns `1` when moved, `0` when it was not in `source`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.smove("todo", "done", "task1")); // 1
 * ```
 */
export const smove: Command<
  [source: Key, destination: Key, member: ClientValue],
  number
> = command(
  "SMOVE",
  (source, destination, member) => [source, destination, valueArg(member)],
  INTEGER,
);

/**
 * SINTER: the members in every set (a missing key is an empty set).
 *
 * `sinterBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param keys The keys, as arguments or as one array.
 * @returns The members, in no particular order.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.sinter("a", "b"));
 * ```
 *
 * @example `sinterBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const common = await client.sinterBuffer(["a", "b"]);
 * ```
 */
export const sinter: Command<
  [...keys: Key[]] | [keys: readonly Key[]],
  string[],
  Uint8Array[]
> = command("SINTER", (...keys) => keyList(keys), VALUES);

/**
 * SUNION: the members in any of the sets.
 *
 * `sunionBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param keys The keys, as arguments or as one array.
 * @returns The members, in no particular order.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.sunion("a", "b"));
 * ```
 *
 * @example `sunionBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const all = await client.sunionBuffer("a", "b");
 * ```
 */
export const sunion: Command<
  [...keys: Key[]] | [keys: readonly Key[]],
  string[],
  Uint8Array[]
> = command("SUNION", (...keys) => keyList(keys), VALUES);

/**
 * SDIFF: the members of the first set that are in none of the others.
 *
 * `sdiffBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param keys The keys, as arguments or as one array.
 * @returns The members, in no particular order.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.sdiff("all", "done"));
 * ```
 *
 * @example `sdiffBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const left = await client.sdiffBuffer("all", "done");
 * ```
 */
export const sdiff: Command<
  [...keys: Key[]] | [keys: readonly Key[]],
  string[],
  Uint8Array[]
> = command("SDIFF", (...keys) => keyList(keys), VALUES);

/**
 * SINTERSTORE: stores the intersection of sets at `destination`,
 * replacing its value and TTL (deleting it when the result is empty).
 *
 * @param destination Where to store the result.
 * @param keys The sets, as arguments or as one array.
 * @returns The size of the result.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.sinterstore("common", "a", "b")); // 2
 * ```
 */
export const sinterstore: Command<
  [destination: Key, ...keys: Key[]] | [destination: Key, keys: readonly Key[]],
  number
> = command(
  "SINTERSTORE",
  keyThenKeys,
  INTEGER,
);

/**
 * SUNIONSTORE: stores the union of sets at `destination`.
 *
 * @param destination Where to store the result.
 * @param keys The sets, as arguments or as one array.
 * @returns The size of the result.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.sunionstore("all", "a", "b")); // 5
 * ```
 */
export const sunionstore: Command<
  [destination: Key, ...keys: Key[]] | [destination: Key, keys: readonly Key[]],
  number
> = command(
  "SUNIONSTORE",
  keyThenKeys,
  INTEGER,
);

/**
 * SDIFFSTORE: stores the difference of sets at `destination`.
 *
 * @param destination Where to store the result.
 * @param keys The sets, first the one to subtract from.
 * @returns The size of the result.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.sdiffstore("left", "all", "done")); // 3
 * ```
 */
export const sdiffstore: Command<
  [destination: Key, ...keys: Key[]] | [destination: Key, keys: readonly Key[]],
  number
> = command(
  "SDIFFSTORE",
  keyThenKeys,
  INTEGER,
);

/**
 * SINTERCARD: the size of the intersection of sets, without building it.
 *
 * @param keys The sets (at least one).
 * @param options `limit`: stop counting there (0 for no limit).
 * @returns The count.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.sintercard(["a", "b"], { limit: 10 })); // 2
 * ```
 */
export const sintercard: Command<
  [keys: readonly Key[], options?: SInterCardOptions],
  number
> = command("SINTERCARD", sintercardArgs, INTEGER);

/**
 * SSCAN: one step of an incremental iteration over a set. Start with
 * cursor `"0"`; the iteration is over when the node returns `"0"`. A
 * member may be returned more than once; one present for the whole
 * iteration is returned at least once.
 *
 * `sscanBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param cursor `"0"`, or the cursor of the previous step.
 * @param options `match`, `count`.
 * @returns `[nextCursor, members]`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const [cursor, members] = await client.sscan("tags", "0", { count: 100 });
 * ```
 *
 * @example `sscanBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const [cursor, members] = await client.sscanBuffer("ids", "0");
 * ```
 */
export const sscan: Command<
  [key: Key, cursor: string | number, options?: ClientCollectionScanOptions],
  [string, string[]],
  [string, Uint8Array[]]
> = command(
  "SSCAN",
  (key, cursor, options) => scanArgs(key, cursor, options),
  SCAN_PAGE,
);

/**
 * Iterates over a set's members with SSCAN, one step at a time.
 *
 * `sscanBufferIterator()` takes the same arguments and yields bytes
 * (`Uint8Array`) where this yields text.
 *
 * @param key The key.
 * @param options `match`, `count`.
 * @returns An async iterator of members.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * for await (const tag of client.sscanIterator("tags", { match: "a*" })) {
 *   console.log(tag);
 * }
 * ```
 *
 * @example `sscanBufferIterator()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * for await (const id of client.sscanBufferIterator("ids")) console.log(id);
 * ```
 */
export const sscanIterator: Walk<
  (
    key: Key,
    options?: ClientCollectionScanOptions,
  ) => AsyncGenerator<string, void, undefined>,
  (
    key: Key,
    options?: ClientCollectionScanOptions,
  ) => AsyncGenerator<Uint8Array, void, undefined>
> = walk(sscan, 1, false);
