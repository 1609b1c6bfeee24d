/**
 * The list commands of {@linkcode CacheMirClient}: pushes and pops,
 * LRANGE, LINDEX, LSET, LREM, LTRIM, LINSERT, LPOS, LMOVE, RPOPLPUSH,
 * LMPOP, and the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP.
 *
 * A blocking command waits on the node until a list has an element or its
 * timeout (in seconds; 0 waits forever) passes. It never goes on the
 * connections other commands share (it would hold up everything
 * pipelined behind it): the node's pool gives it a connection of its own,
 * whose command timeout is the command's timeout plus the client's
 * `commandTimeoutMs`.
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
} from "./_define.ts";
import { keyThenValues, valueArg } from "./_args.ts";
import {
  INTEGER,
  KEY_VALUE_OR_NULL,
  KEY_VALUES_OR_NULL,
  OK,
  POSITIONS,
  VALUE_OR_NULL,
  VALUES,
  VALUES_OR_NULL,
} from "./_replies.ts";

/** Options of {@linkcode lpos}. */
export interface LPosOptions {
  /**
   * Which match to start from (`RANK`): 1 is the first from the head, 2 the
   * second...; -1 the first from the tail. Not 0.
   * @default {1}
   */
  readonly rank?: number;
  /**
   * Return up to this many positions as an array (`COUNT`); 0 returns all.
   * Without it one position (or `null`) is returned.
   */
  readonly count?: number;
  /**
   * Compare at most this many elements (`MAXLEN`); 0 compares them all.
   * @default {0}
   */
  readonly maxlen?: number;
}

/** An end of a list, for {@linkcode lmove}. */
export type ListEnd = "LEFT" | "RIGHT";

/** Where {@linkcode linsert} inserts, relative to the pivot. */
export type InsertPosition = "BEFORE" | "AFTER";

/** LPOS arguments. */
function lposArgs(
  key: Key,
  element: ClientValue,
  options?: LPosOptions,
): Arg[] {
  const out: Arg[] = [key, valueArg(element)];
  if (options?.rank !== undefined) out.push("RANK", String(options.rank));
  if (options?.count !== undefined) out.push("COUNT", String(options.count));
  if (options?.maxlen !== undefined) {
    out.push("MAXLEN", String(options.maxlen));
  }
  return out;
}

/** LPOP / RPOP arguments: the key, and the count when there is one. */
function popArgs(key: Key, count?: number): Arg[] {
  return count === undefined ? [key] : [key, String(count)];
}

/**
 * LPUSH: inserts elements at the head of a list, creating it if needed.
 * `lpush(k, "a", "b")` leaves `b` first.
 *
 * @param key The key.
 * @param elements The elements, as arguments or as one array.
 * @returns The list's length after the push.
 * @throws {ReplyError} `WRONGTYPE ...` when the key holds another type.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.lpush("queue", "a", "b")); // 2
 * ```
 */
export const lpush: Command<
  [key: Key, ...elements: ClientValue[]] | [
    key: Key,
    elements: readonly ClientValue[],
  ],
  number
> = command(
  "LPUSH",
  keyThenValues,
  INTEGER,
);

/**
 * RPUSH: appends elements at the tail of a list, creating it if needed.
 *
 * @param key The key.
 * @param elements The elements, as arguments or as one array.
 * @returns The list's length after the push.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.rpush("queue", ["a", "b", "c"])); // 3
 * ```
 */
export const rpush: Command<
  [key: Key, ...elements: ClientValue[]] | [
    key: Key,
    elements: readonly ClientValue[],
  ],
  number
> = command(
  "RPUSH",
  keyThenValues,
  INTEGER,
);

/**
 * LPUSHX: LPUSH only if the list exists.
 *
 * @param key The key.
 * @param elements The elements, as arguments or as one array.
 * @returns The length after the push; `0` when the key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.lpushx("missing", "a")); // 0
 * ```
 */
export const lpushx: Command<
  [key: Key, ...elements: ClientValue[]] | [
    key: Key,
    elements: readonly ClientValue[],
  ],
  number
> = command(
  "LPUSHX",
  keyThenValues,
  INTEGER,
);

/**
 * RPUSHX: RPUSH only if the list exists.
 *
 * @param key The key.
 * @param elements The elements, as arguments or as one array.
 * @returns The length after the push; `0` when the key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.rpushx("queue", "d")); // 4
 * ```
 */
export const rpushx: Command<
  [key: Key, ...elements: ClientValue[]] | [
    key: Key,
    elements: readonly ClientValue[],
  ],
  number
> = command(
  "RPUSHX",
  keyThenValues,
  INTEGER,
);

/**
 * LPOP: removes and returns elements from the head of a list.
 */
export const lpop: Declaration<
  {
    /**
     * LPOP: removes and returns the head of a list; a list left empty is
     * deleted.
     *
     * @param key The key.
     * @returns The element, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.lpop("queue")); // "b"
     * ```
     */
    (key: Key): Promise<string | null>;
    /**
     * LPOP with a count: removes and returns up to `count` elements from the
     * head.
     *
     * @param key The key.
     * @param count How many, >= 0.
     * @returns The elements, head first (`[]` for a count of 0), or `null`
     * when the key is missing.
     * @throws {ReplyError} `ERR value is out of range, must be positive` for a
     * negative count.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.lpop("queue", 2)); // [ "a", "b" ]
     * ```
     */
    (key: Key, count: number): Promise<string[] | null>;
  },
  {
    /**
     * LPOP, with the element as bytes.
     *
     * @param key The key.
     * @returns The element's bytes, or `null`.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const job = await client.lpopBuffer("jobs");
     * ```
     */
    (key: Key): Promise<Uint8Array | null>;
    /**
     * LPOP with a count, as bytes.
     *
     * @param key The key.
     * @param count How many, >= 0.
     * @returns The elements' bytes, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const jobs = await client.lpopBuffer("jobs", 10);
     * ```
     */
    (key: Key, count: number): Promise<Uint8Array[] | null>;
  }
> = overloaded(
  "LPOP",
  popArgs,
  (_key: Key, count?: number) =>
    count === undefined ? VALUE_OR_NULL : VALUES_OR_NULL,
);

/**
 * RPOP: removes and returns elements from the tail of a list.
 */
export const rpop: Declaration<
  {
    /**
     * RPOP: removes and returns the tail of a list; a list left empty is
     * deleted.
     *
     * @param key The key.
     * @returns The element, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.rpop("queue")); // "c"
     * ```
     */
    (key: Key): Promise<string | null>;
    /**
     * RPOP with a count: removes and returns up to `count` elements from the
     * tail, tail first.
     *
     * @param key The key.
     * @param count How many, >= 0.
     * @returns The elements, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.rpop("queue", 2)); // [ "c", "b" ]
     * ```
     */
    (key: Key, count: number): Promise<string[] | null>;
  },
  {
    /**
     * RPOP, with the element as bytes.
     *
     * @param key The key.
     * @returns The element's bytes, or `null`.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const last = await client.rpopBuffer("jobs");
     * ```
     */
    (key: Key): Promise<Uint8Array | null>;
    /**
     * RPOP with a count, as bytes.
     *
     * @param key The key.
     * @param count How many, >= 0.
     * @returns The elements' bytes, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const last = await client.rpopBuffer("jobs", 3);
     * ```
     */
    (key: Key, count: number): Promise<Uint8Array[] | null>;
  }
> = overloaded(
  "RPOP",
  popArgs,
  (_key: Key, count?: number) =>
    count === undefined ? VALUE_OR_NULL : VALUES_OR_NULL,
);

/**
 * LLEN: the length of a list.
 *
 * @param key The key.
 * @returns The length; `0` when the key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.llen("queue")); // 3
 * ```
 */
export const llen: Command<
  [key: Key],
  number
> = command("LLEN", (key) => [key], INTEGER);

/**
 * LRANGE: the elements from `start` to `stop`, both included; negative
 * indexes count from the tail (-1 is the last).
 *
 * `lrangeBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param start The first index.
 * @param stop The last index.
 * @returns The elements; `[]` when the range is empty or the key missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.lrange("queue", 0, -1)); // every element
 * ```
 *
 * @example `lrangeBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const frames = await client.lrangeBuffer("frames", 0, 9);
 * ```
 */
export const lrange: Command<
  [key: Key, start: number, stop: number],
  string[],
  Uint8Array[]
> = command(
  "LRANGE",
  (key, start, stop) => [key, String(start), String(stop)],
  VALUES,
);

/**
 * LINDEX: the element at an index (negative counts from the tail).
 *
 * `lindexBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param index The index.
 * @returns The element, or `null` when out of range or the key missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.lindex("queue", -1)); // the last element
 * ```
 *
 * @example `lindexBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const first = await client.lindexBuffer("frames", 0);
 * ```
 */
export const lindex: Command<
  [key: Key, index: number],
  string | null,
  Uint8Array | null
> = command("LINDEX", (key, index) => [key, String(index)], VALUE_OR_NULL);

/**
 * LSET: replaces the element at an index.
 *
 * @param key The key.
 * @param index The index (negative counts from the tail).
 * @param element The new element.
 * @returns `"OK"`.
 * @throws {ReplyError} `ERR no such key`, or `ERR index out of range`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.lset("queue", 0, "first");
 * ```
 */
export const lset: Command<
  [key: Key, index: number, element: ClientValue],
  "OK"
> = command(
  "LSET",
  (key, index, element) => [key, String(index), valueArg(element)],
  OK,
);

/**
 * LREM: removes elements equal to `element`: the first `count` from the
 * head when `count > 0`, the first `-count` from the tail when
 * `count < 0`, all of them when `count` is 0.
 *
 * @param key The key.
 * @param count How many and from which end.
 * @param element The element to remove.
 * @returns How many were removed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.lrem("queue", 0, "done")); // 2
 * ```
 */
export const lrem: Command<
  [key: Key, count: number, element: ClientValue],
  number
> = command(
  "LREM",
  (key, count, element) => [key, String(count), valueArg(element)],
  INTEGER,
);

/**
 * LTRIM: keeps only the elements from `start` to `stop` (both included);
 * a list left empty is deleted.
 *
 * @param key The key.
 * @param start The first index kept.
 * @param stop The last index kept.
 * @returns `"OK"`.
 *
 * @example Keep the 100 newest entries
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.lpush("log", "entry");
 * await client.ltrim("log", 0, 99);
 * ```
 */
export const ltrim: Command<
  [key: Key, start: number, stop: number],
  "OK"
> = command(
  "LTRIM",
  (key, start, stop) => [key, String(start), String(stop)],
  OK,
);

/**
 * LINSERT: inserts an element before or after the first element equal to
 * `pivot`.
 *
 * @param key The key.
 * @param position `"BEFORE"` or `"AFTER"` the pivot.
 * @param pivot The element to insert next to.
 * @param element The element to insert.
 * @returns The new length; `-1` when the pivot is not found; `0` when the
 * key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.linsert("queue", "BEFORE", "c", "b")); // 3
 * ```
 */
export const linsert: Command<
  [
    key: Key,
    position: InsertPosition,
    pivot: ClientValue,
    element: ClientValue,
  ],
  number
> = command(
  "LINSERT",
  (
    key,
    position,
    pivot,
    element,
  ) => [key, position, valueArg(pivot), valueArg(element)],
  INTEGER,
);

/**
 * LPOS: where an element is in a list: one index, or with `count`, several.
 */
export const lpos: Declaration<
  {
    /**
     * LPOS: the index of an element, counted from the head.
     *
     * @param key The key.
     * @param element The element to find.
     * @param options `rank` (which match, negative from the tail) and
     * `maxlen` (how many elements to compare).
     * @returns The index, or `null` when there is no match.
     * @throws {ReplyError} `ERR RANK can't be zero: ...` for `rank: 0`.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * await client.rpush("l", "a", "b", "a");
     * console.log(await client.lpos("l", "a", { rank: -1 })); // 2
     * ```
     */
    (
      key: Key,
      element: ClientValue,
      options?: LPosOptions & { readonly count?: undefined },
    ): Promise<number | null>;
    /**
     * LPOS with `count`: the indexes of up to `count` matches (0 for all),
     * in the order found.
     *
     * @param key The key.
     * @param element The element to find.
     * @param options `count`, and `rank` and `maxlen`.
     * @returns The indexes; `[]` when there is none.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.lpos("l", "a", { count: 0 })); // [ 0, 2 ]
     * ```
     */
    (
      key: Key,
      element: ClientValue,
      options: LPosOptions & { readonly count: number },
    ): Promise<number[]>;
  },
  never
> = overloaded("LPOS", lposArgs, POSITIONS);

/**
 * LMOVE: pops an element from one end of `source` and pushes it to one
 * end of `destination`, atomically. The same key for both rotates the
 * list.
 *
 * `lmoveBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param source The list to pop from.
 * @param destination The list to push to (created if needed).
 * @param from `"LEFT"` (head) or `"RIGHT"` (tail) of `source`.
 * @param to `"LEFT"` or `"RIGHT"` of `destination`.
 * @returns The element moved, or `null` when `source` is missing.
 * @throws {ReplyError} `WRONGTYPE ...` when either key holds another type.
 *
 * @example A reliable queue
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const job = await client.lmove("jobs", "jobs:working", "LEFT", "RIGHT");
 * ```
 *
 * @example `lmoveBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const job = await client.lmoveBuffer("jobs", "done", "LEFT", "LEFT");
 * ```
 */
export const lmove: Command<
  [source: Key, destination: Key, from: ListEnd, to: ListEnd],
  string | null,
  Uint8Array | null
> = command(
  "LMOVE",
  (source, destination, from, to) => [source, destination, from, to],
  VALUE_OR_NULL,
);

/**
 * RPOPLPUSH: LMOVE from the tail of `source` to the head of
 * `destination`.
 *
 * `rpoplpushBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param source The list to pop from.
 * @param destination The list to push to.
 * @returns The element moved, or `null` when `source` is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.rpoplpush("a", "b"));
 * ```
 *
 * @example `rpoplpushBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const element = await client.rpoplpushBuffer("a", "b");
 * ```
 */
export const rpoplpush: Command<
  [source: Key, destination: Key],
  string | null,
  Uint8Array | null
> = command(
  "RPOPLPUSH",
  (source, destination) => [source, destination],
  VALUE_OR_NULL,
);

/** Options of {@linkcode lmpop} and {@linkcode blmpop}. */
export interface LMPopOptions {
  /**
   * Pop up to this many elements (`COUNT`), at least 1.
   * @default {1}
   */
  readonly count?: number;
}

/** `numkeys key... LEFT|RIGHT [COUNT n]`. */
function mpopArgs(
  keys: Key | readonly Key[],
  end: ListEnd,
  options?: LMPopOptions,
): Arg[] {
  const list = oneOrMany(keys);
  const out: Arg[] = [String(list.length), ...list, end];
  if (options?.count !== undefined) out.push("COUNT", String(options.count));
  return out;
}

/** BLPOP/BRPOP arguments: the keys, then the timeout. */
function bpopArgs(keys: Key | readonly Key[], timeout: number): Arg[] {
  return [...oneOrMany(keys), String(timeout)];
}

/** A key, or keys, as a list. */
function oneOrMany(keys: Key | readonly Key[]): readonly Key[] {
  return typeof keys === "string" || keys instanceof Uint8Array ? [keys] : keys;
}

/**
 * BLPOP: pops the head of the first of `keys` that holds a list; when none
 * does, waits until one is pushed to, or `timeout` seconds pass. Clients
 * waiting on a key are served in the order they began to wait.
 *
 * `blpopBuffer()` takes the same arguments and resolves with the element
 * as bytes.
 *
 * @param keys The lists, in the order they are tried.
 * @param timeout Seconds to wait (fractions allowed); 0 waits forever.
 * @returns `[key, element]`, or `null` when the timeout passed.
 *
 * @example Take a job, waiting up to 5 s
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const got = await client.blpop(["jobs:high", "jobs:low"], 5);
 * if (got !== null) console.log(`from ${got[0]}: ${got[1]}`);
 * ```
 *
 * @example `blpopBuffer()`: the element as bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const got = await client.blpopBuffer("frames", 0.5);
 * ```
 */
export const blpop: Command<
  [keys: Key | readonly Key[], timeout: number],
  [key: string, element: string] | null,
  [key: string, element: Uint8Array] | null
> = command("BLPOP", bpopArgs, KEY_VALUE_OR_NULL);

/**
 * BRPOP: {@linkcode blpop} from the tail.
 *
 * `brpopBuffer()` takes the same arguments and resolves with the element
 * as bytes.
 *
 * @param keys The lists, in the order they are tried.
 * @param timeout Seconds to wait (fractions allowed); 0 waits forever.
 * @returns `[key, element]`, or `null` when the timeout passed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.brpop("queue", 1)); // ["queue", "..."] or null
 * ```
 *
 * @example `brpopBuffer()`: the element as bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const got = await client.brpopBuffer("queue", 1);
 * ```
 */
export const brpop: Command<
  [keys: Key | readonly Key[], timeout: number],
  [key: string, element: string] | null,
  [key: string, element: Uint8Array] | null
> = command("BRPOP", bpopArgs, KEY_VALUE_OR_NULL);

/**
 * BLMOVE: {@linkcode lmove}, waiting up to `timeout` seconds for `source`
 * to hold an element.
 *
 * `blmoveBuffer()` takes the same arguments and resolves with bytes.
 *
 * @param source The list to pop from.
 * @param destination The list to push to.
 * @param from Which end of `source` to pop.
 * @param to Which end of `destination` to push.
 * @param timeout Seconds to wait (fractions allowed); 0 waits forever.
 * @returns The element moved, or `null` when the timeout passed.
 *
 * @example A reliable queue
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const job = await client.blmove("{q}jobs", "{q}working", "LEFT", "RIGHT", 10);
 * ```
 *
 * @example `blmoveBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const job = await client.blmoveBuffer("{q}a", "{q}b", "LEFT", "LEFT", 1);
 * ```
 */
export const blmove: Command<
  [source: Key, destination: Key, from: ListEnd, to: ListEnd, timeout: number],
  string | null,
  Uint8Array | null
> = command(
  "BLMOVE",
  (source, destination, from, to, timeout) => [
    source,
    destination,
    from,
    to,
    String(timeout),
  ],
  VALUE_OR_NULL,
);

/**
 * BRPOPLPUSH: {@linkcode blmove} from the tail of `source` to the head of
 * `destination`.
 *
 * `brpoplpushBuffer()` takes the same arguments and resolves with bytes.
 *
 * @param source The list to pop from.
 * @param destination The list to push to.
 * @param timeout Seconds to wait (fractions allowed); 0 waits forever.
 * @returns The element moved, or `null` when the timeout passed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.brpoplpush("{q}a", "{q}b", 1));
 * ```
 *
 * @example `brpoplpushBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const element = await client.brpoplpushBuffer("{q}a", "{q}b", 1);
 * ```
 */
export const brpoplpush: Command<
  [source: Key, destination: Key, timeout: number],
  string | null,
  Uint8Array | null
> = command(
  "BRPOPLPUSH",
  (source, destination, timeout) => [source, destination, String(timeout)],
  VALUE_OR_NULL,
);

/**
 * LMPOP: pops up to `count` elements from one end of the first of `keys`
 * that holds a list.
 *
 * `lmpopBuffer()` takes the same arguments and resolves with the elements
 * as bytes.
 *
 * @param keys The lists, in the order they are tried.
 * @param end Which end to pop.
 * @param options `count`: how many, at least 1 (default 1).
 * @returns `[key, elements]`, or `null` when no key holds a list.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.lmpop(["{q}a", "{q}b"], "LEFT", { count: 10 }));
 * ```
 *
 * @example `lmpopBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const got = await client.lmpopBuffer("q", "RIGHT");
 * ```
 */
export const lmpop: Command<
  [keys: Key | readonly Key[], end: ListEnd, options?: LMPopOptions],
  [key: string, elements: string[]] | null,
  [key: string, elements: Uint8Array[]] | null
> = command("LMPOP", mpopArgs, KEY_VALUES_OR_NULL);

/**
 * BLMPOP: {@linkcode lmpop}, waiting up to `timeout` seconds for one of
 * `keys` to hold a list.
 *
 * `blmpopBuffer()` takes the same arguments and resolves with the elements
 * as bytes.
 *
 * @param timeout Seconds to wait (fractions allowed); 0 waits forever.
 * @param keys The lists, in the order they are tried.
 * @param end Which end to pop.
 * @param options `count`: how many, at least 1 (default 1).
 * @returns `[key, elements]`, or `null` when the timeout passed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.blmpop(2, "events", "LEFT", { count: 100 }));
 * ```
 *
 * @example `blmpopBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const got = await client.blmpopBuffer(0.5, "frames", "RIGHT");
 * ```
 */
export const blmpop: Command<
  [
    timeout: number,
    keys: Key | readonly Key[],
    end: ListEnd,
    options?: LMPopOptions,
  ],
  [key: string, elements: string[]] | null,
  [key: string, elements: Uint8Array[]] | null
> = command(
  "BLMPOP",
  (timeout, keys, end, options) => [
    String(timeout),
    ...mpopArgs(keys, end, options),
  ],
  KEY_VALUES_OR_NULL,
);
