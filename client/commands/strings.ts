/**
 * The string commands of {@linkcode CacheMirClient}: GET, SET and their
 * kin, MGET/MSET, counters (INCR...), APPEND, STRLEN, GETRANGE, SETRANGE.
 * Each is declared once — its table row, how its arguments are built, how
 * its reply becomes a value — and gives the client its method, its
 * `...Buffer` variant (bytes) and its `...Big` variant (bigint) when it has
 * them.
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
import { flat, pushPairs, valueArg } from "./_args.ts";
import {
  counter,
  FLOAT_TEXT,
  INTEGER,
  NULLABLE_VALUES,
  OK,
  SET_REPLY,
  VALUE,
  VALUE_OR_NULL,
} from "./_replies.ts";

/** Options of {@linkcode CacheMirClient.set}; at most one expiry and one of `nx`/`xx`. */
export interface SetOptions {
  /** Expire after this many seconds (`EX`). */
  readonly ex?: number;
  /** Expire after this many milliseconds (`PX`). */
  readonly px?: number;
  /** Expire at this Unix time in seconds (`EXAT`). */
  readonly exat?: number;
  /** Expire at this Unix time in milliseconds (`PXAT`). */
  readonly pxat?: number;
  /** Only set if the key does not exist (`NX`). */
  readonly nx?: boolean;
  /** Only set if the key exists (`XX`). */
  readonly xx?: boolean;
  /** Keep the key's time to live (`KEEPTTL`). */
  readonly keepttl?: boolean;
  /** Return the old value instead of `"OK"` (`GET`). */
  readonly get?: boolean;
}

/** Options of {@linkcode CacheMirClient.getex}; at most one. */
export interface GetExOptions {
  /** Expire after this many seconds (`EX`). */
  readonly ex?: number;
  /** Expire after this many milliseconds (`PX`). */
  readonly px?: number;
  /** Expire at this Unix time in seconds (`EXAT`). */
  readonly exat?: number;
  /** Expire at this Unix time in milliseconds (`PXAT`). */
  readonly pxat?: number;
  /** Remove the time to live (`PERSIST`). */
  readonly persist?: boolean;
}

/** Keys and values for {@linkcode CacheMirClient.mset}: an object or a Map. */
export type MSetData =
  | Readonly<Record<string, ClientValue>>
  | ReadonlyMap<Key, ClientValue>;

function expiryArgs(
  args: Arg[],
  o: { ex?: number; px?: number; exat?: number; pxat?: number },
): void {
  if (o.ex !== undefined) args.push("EX", String(o.ex));
  if (o.px !== undefined) args.push("PX", String(o.px));
  if (o.exat !== undefined) args.push("EXAT", String(o.exat));
  if (o.pxat !== undefined) args.push("PXAT", String(o.pxat));
}

function setArgs(key: Key, value: ClientValue, options?: SetOptions): Arg[] {
  const args: Arg[] = [key, valueArg(value)];
  if (options !== undefined) {
    if (options.nx) args.push("NX");
    if (options.xx) args.push("XX");
    if (options.get) args.push("GET");
    expiryArgs(args, options);
    if (options.keepttl) args.push("KEEPTTL");
  }
  return args;
}

function getexArgs(key: Key, options?: GetExOptions): Arg[] {
  const args: Arg[] = [key];
  if (options !== undefined) {
    expiryArgs(args, options);
    if (options.persist) args.push("PERSIST");
  }
  return args;
}

/** MSET / MSETNX arguments from `(data)` or `(key, value, ...)`. */
function msetArgs(...input: unknown[]): Arg[] {
  const out: Arg[] = [];
  return pushPairs(out, input)
    ? out
    : (input as readonly ClientValue[]).map(valueArg);
}

/**
 * GET: a key's value.
 *
 * `getBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @returns The value as text, or `null` when the key does not exist.
 * @throws {ReplyError} `WRONGTYPE ...` when the key holds a non-string.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "v");
 * console.log(await client.get("k")); // "v"
 * console.log(await client.get("missing")); // null
 * ```
 *
 * @example Binary values
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("bin", new Uint8Array([0, 1, 255]));
 * console.log(await client.getBuffer("bin")); // Uint8Array(3) [ 0, 1, 255 ]
 * ```
 */
export const get: Command<
  [key: Key],
  string | null,
  Uint8Array | null
> = command("GET", (key) => [key], VALUE_OR_NULL);

/**
 * SET: stores a string value, with an optional expiry and condition; with
 * `get: true`, returns the old value. `setBuffer()` gives the old value as
 * bytes.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.set("greeting", "hello", { ex: 60 })); // "OK"
 * ```
 */
export const set: Declaration<
  {
    /**
     * SET with the `get` option: sets the value and returns the old one.
     *
     * @param key The key.
     * @param value The new value.
     * @param options `get: true`, and optionally an expiry, `nx`/`xx`, `keepttl`.
     * @returns The old value as text, or `null` when there was none.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * await client.set("k", "old");
     * console.log(await client.set("k", "new", { get: true })); // "old"
     * ```
     */
    (
      key: Key,
      value: ClientValue,
      options: SetOptions & { readonly get: true },
    ): Promise<string | null>;
    /**
     * SET: stores a string value, with an optional expiry and condition.
     *
     * @param key The key.
     * @param value The value.
     * @param options `ex`/`px`/`exat`/`pxat`, `nx`/`xx`, `keepttl`.
     * @returns `"OK"`, or `null` when `nx`/`xx` was not met.
     *
     * @example Expire in 60 seconds, only if absent
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.set("lock", "me", { ex: 60, nx: true })); // "OK"
     * console.log(await client.set("lock", "you", { ex: 60, nx: true })); // null
     * ```
     */
    (
      key: Key,
      value: ClientValue,
      options?: SetOptions & { readonly get?: false },
    ): Promise<"OK" | null>;
    /**
     * SET with options known only at run time.
     *
     * @param key The key.
     * @param value The value.
     * @param options Any {@linkcode SetOptions}.
     * @returns `"OK"`, `null`, or the old value when `get` is set.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient, type SetOptions } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const options: SetOptions = { px: 1500 };
     * console.log(await client.set("k", "v", options)); // "OK"
     * ```
     */
    (
      key: Key,
      value: ClientValue,
      options?: SetOptions,
    ): Promise<string | null>;
  },
  {
    /**
     * SET, with the old value (`get` option) as bytes.
     *
     * @param key The key.
     * @param value The value.
     * @param options Any {@linkcode SetOptions}.
     * @returns `"OK"`, `null`, or the old value's bytes when `get` is set.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * await client.set("k", "old");
     * console.log(await client.setBuffer("k", "new", { get: true })); // Uint8Array(3) [ 111, 108, 100 ]
     * ```
     */
    (
      key: Key,
      value: ClientValue,
      options?: SetOptions,
    ): Promise<Uint8Array | "OK" | null>;
  }
> = overloaded("SET", setArgs, SET_REPLY);

/**
 * SETNX: sets the value only if the key does not exist.
 *
 * @param key The key.
 * @param value The value.
 * @returns `1` when set, `0` when the key existed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.setnx("once", "a")); // 1
 * console.log(await client.setnx("once", "b")); // 0
 * ```
 */
export const setnx: Command<
  [key: Key, value: ClientValue],
  number
> = command("SETNX", (key, value) => [key, valueArg(value)], INTEGER);

/**
 * SETEX: sets the value with a time to live in seconds.
 *
 * @param key The key.
 * @param seconds Time to live, > 0.
 * @param value The value.
 * @returns `"OK"`.
 * @throws {ReplyError} `ERR invalid expire time in 'setex' command` for `seconds` <= 0.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.setex("session", 3600, "data");
 * ```
 */
export const setex: Command<
  [key: Key, seconds: number, value: ClientValue],
  "OK"
> = command(
  "SETEX",
  (key, seconds, value) => [key, String(seconds), valueArg(value)],
  OK,
);

/**
 * PSETEX: sets the value with a time to live in milliseconds.
 *
 * @param key The key.
 * @param milliseconds Time to live, > 0.
 * @param value The value.
 * @returns `"OK"`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.psetex("flash", 1500, "data");
 * ```
 */
export const psetex: Command<
  [key: Key, milliseconds: number, value: ClientValue],
  "OK"
> = command(
  "PSETEX",
  (key, ms, value) => [key, String(ms), valueArg(value)],
  OK,
);

/**
 * GETSET: sets the value and returns the old one (the key's TTL is cleared).
 *
 * `getsetBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param value The new value.
 * @returns The old value as text, or `null`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.getset("k", "new")); // the previous value or null
 * ```
 *
 * @example `getsetBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const old = await client.getsetBuffer("k", new Uint8Array([1]));
 * ```
 */
export const getset: Command<
  [key: Key, value: ClientValue],
  string | null,
  Uint8Array | null
> = command("GETSET", (key, value) => [key, valueArg(value)], VALUE_OR_NULL);

/**
 * GETDEL: returns the value and deletes the key.
 *
 * `getdelBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @returns The value as text, or `null`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("once", "v");
 * console.log(await client.getdel("once")); // "v"
 * console.log(await client.get("once")); // null
 * ```
 *
 * @example `getdelBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const bytes = await client.getdelBuffer("once");
 * ```
 */
export const getdel: Command<
  [key: Key],
  string | null,
  Uint8Array | null
> = command("GETDEL", (key) => [key], VALUE_OR_NULL);

/**
 * GETEX: returns the value and sets or removes its expiry.
 *
 * `getexBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param options One of `ex`/`px`/`exat`/`pxat`/`persist`; none = like GET.
 * @returns The value as text, or `null`.
 *
 * @example Slide a session's expiry
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const session = await client.getex("session", { ex: 3600 });
 * ```
 *
 * @example `getexBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const bytes = await client.getexBuffer("k", { persist: true });
 * ```
 */
export const getex: Command<
  [key: Key, options?: GetExOptions],
  string | null,
  Uint8Array | null
> = command("GETEX", getexArgs, VALUE_OR_NULL);

/**
 * MGET: the values of several keys, in order. Keys on different nodes
 * are asked of each node at once, in parallel, and put back in order.
 *
 * `mgetBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param keys The keys, as arguments or as one array.
 * @returns One value (text) or `null` per key.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.mset({ a: "1", b: "2" });
 * console.log(await client.mget("a", "b", "c")); // [ "1", "2", null ]
 * console.log(await client.mget(["a", "b"])); // [ "1", "2" ]
 * ```
 *
 * @example `mgetBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const [a, b] = await client.mgetBuffer("a", "b");
 * ```
 */
export const mget: Command<
  [...keys: Key[]] | [keys: readonly Key[]],
  (string | null)[],
  (Uint8Array | null)[]
> = command("MGET", (...keys) => flat(keys), NULLABLE_VALUES);

/**
 * MSET: sets several keys, from an object or a Map, or as
 * `key, value, key, value...`.
 */
export const mset: Declaration<{
  /**
   * MSET: sets several keys from an object or a Map, one MSET per node,
   * in parallel (atomic on each node, not across nodes).
   *
   * @param data Keys and values.
   * @returns `"OK"`.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * await client.mset({ a: "1", b: "2" });
   * await client.mset(new Map([["c", "3"]]));
   * ```
   */
  (data: MSetData): Promise<"OK">;
  /**
   * MSET: sets several keys given as `key, value, key, value...`.
   *
   * @param keysAndValues Alternating keys and values.
   * @returns `"OK"`.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * await client.mset("a", "1", "b", "2");
   * ```
   */
  (...keysAndValues: ClientValue[]): Promise<"OK">;
}> = overloaded("MSET", msetArgs, OK);

/**
 * MSETNX: sets several keys only if none of them exists, from an object or a Map, or as
 * `key, value, key, value...`.
 */
export const msetnx: Declaration<{
  /**
   * MSETNX: sets several keys only if none of them exists. Atomic, so
   * every key must be on one node (use a hash tag).
   *
   * @param data Keys and values.
   * @returns `1` when all were set, `0` when none was.
   * @throws {CrossSlotError} When the keys are owned by different nodes.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * console.log(await client.msetnx({ x: "1", y: "2" })); // 1
   * ```
   */
  (data: MSetData): Promise<number>;
  /**
   * MSETNX with `key, value, key, value...`.
   *
   * @param keysAndValues Alternating keys and values.
   * @returns `1` when all were set, `0` when none was.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * console.log(await client.msetnx("x", "1", "y", "2")); // 1
   * ```
   */
  (...keysAndValues: ClientValue[]): Promise<number>;
}> = overloaded("MSETNX", msetArgs, INTEGER);

/**
 * INCR: adds 1 to an integer value (a missing key counts as 0).
 *
 * `incrBig()` takes the same arguments and resolves with a `bigint`: use it
 * for counters beyond ±(2^53 − 1), where `incr()` rejects with a
 * `RangeError`.
 *
 * @param key The key.
 * @returns The new value.
 * @throws {ReplyError} `ERR value is not an integer or out of range`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.incr("visits")); // 1
 * ```
 */
export const incr: Command<
  [key: Key],
  number,
  never,
  bigint
> = command("INCR", (key) => [key], counter("incr"));

/**
 * DECR: subtracts 1 from an integer value.
 *
 * `decrBig()` takes the same arguments and resolves with a `bigint`: use it
 * for counters beyond ±(2^53 − 1), where `decr()` rejects with a
 * `RangeError`.
 *
 * @param key The key.
 * @returns The new value.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.decr("stock")); // -1 on a missing key
 * ```
 */
export const decr: Command<
  [key: Key],
  number,
  never,
  bigint
> = command("DECR", (key) => [key], counter("decr"));

/**
 * INCRBY: adds an integer to an integer value.
 *
 * `incrbyBig()` takes the same arguments and resolves with a `bigint`: use it
 * for counters beyond ±(2^53 − 1), where `incrby()` rejects with a
 * `RangeError`.
 *
 * @param key The key.
 * @param increment A 64-bit signed integer.
 * @returns The new value.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.incrby("n", 5)); // 5
 * console.log(await client.incrby("big", 9007199254740993n)); // 9007199254740993n
 * ```
 */
export const incrby: Command<
  [key: Key, increment: number | bigint],
  number,
  never,
  bigint
> = command("INCRBY", (key, n) => [key, String(n)], counter("incrby"));

/**
 * DECRBY: subtracts an integer from an integer value.
 *
 * `decrbyBig()` takes the same arguments and resolves with a `bigint`: use it
 * for counters beyond ±(2^53 − 1), where `decrby()` rejects with a
 * `RangeError`.
 *
 * @param key The key.
 * @param decrement A 64-bit signed integer.
 * @returns The new value.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.decrby("n", 2)); // -2 on a missing key
 * ```
 */
export const decrby: Command<
  [key: Key, decrement: number | bigint],
  number,
  never,
  bigint
> = command("DECRBY", (key, n) => [key, String(n)], counter("decrby"));

/**
 * INCRBYFLOAT: adds a decimal number to a numeric value. The result is the
 * node's exact text (as in ioredis), not a rounded JS number.
 *
 * @param key The key.
 * @param increment The amount, a number or its decimal text.
 * @returns The new value as text, e.g. `"10.5"`.
 * @throws {ReplyError} `ERR value is not a valid float`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("f", "10");
 * console.log(await client.incrbyfloat("f", 0.5)); // "10.5"
 * ```
 */
export const incrbyfloat: Command<
  [key: Key, increment: number | string],
  string
> = command("INCRBYFLOAT", (key, n) => [key, String(n)], FLOAT_TEXT);

/**
 * APPEND: appends to a value (a missing key counts as empty).
 *
 * @param key The key.
 * @param value What to append.
 * @returns The new length in bytes.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.append("log", "line\n")); // 5
 * ```
 */
export const append: Command<
  [key: Key, value: ClientValue],
  number
> = command("APPEND", (key, value) => [key, valueArg(value)], INTEGER);

/**
 * STRLEN: a value's length in bytes.
 *
 * @param key The key.
 * @returns The length, 0 for a missing key.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "héllo");
 * console.log(await client.strlen("k")); // 6
 * ```
 */
export const strlen: Command<
  [key: Key],
  number
> = command("STRLEN", (key) => [key], INTEGER);

/**
 * GETRANGE: a substring by byte offsets, inclusive; negative offsets count
 * from the end.
 *
 * `getrangeBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param start First byte.
 * @param end Last byte.
 * @returns The bytes in range, as text (empty when out of range).
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "Hello World");
 * console.log(await client.getrange("k", 0, 4)); // "Hello"
 * console.log(await client.getrange("k", -5, -1)); // "World"
 * ```
 *
 * @example `getrangeBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const header = await client.getrangeBuffer("file", 0, 3);
 * ```
 */
export const getrange: Command<
  [key: Key, start: number, end: number],
  string,
  Uint8Array
> = command(
  "GETRANGE",
  (key, start, end) => [key, String(start), String(end)],
  VALUE,
);

/**
 * SETRANGE: overwrites part of a value from a byte offset, padding with
 * zero bytes.
 *
 * @param key The key.
 * @param offset Where to write, >= 0.
 * @param value What to write.
 * @returns The new length in bytes.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "Hello World");
 * console.log(await client.setrange("k", 6, "Redis")); // 11
 * ```
 */
export const setrange: Command<
  [key: Key, offset: number, value: ClientValue],
  number
> = command(
  "SETRANGE",
  (key, offset, value) => [key, String(offset), valueArg(value)],
  INTEGER,
);
