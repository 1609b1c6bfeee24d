/**
 * The string commands of {@linkcode CacheMirClient}: GET, SET and their
 * kin, MGET/MSET, counters (INCR...), APPEND, STRLEN, GETRANGE, SUBSTR,
 * SETRANGE, LCS, and the bit commands (SETBIT, GETBIT, BITCOUNT, BITPOS,
 * BITOP, BITFIELD, BITFIELD_RO).
 * Each is declared once — its table row, how its arguments are built, how
 * its reply becomes a value — and gives the client its method, its
 * `...Buffer` variant (bytes) and its `...Big` variant (bigint) when it has
 * them.
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import type { Arg, ClientValue, Key, ReplyTransform } from "../types.ts";
import { ProtocolError } from "../errors.ts";
import { kindName } from "../_kind_name.ts";
import {
  type Command,
  command,
  type Declaration,
  type Decoder,
  overloaded,
} from "./_define.ts";
import { flat, pushPairs, valueArg } from "./_args.ts";
import {
  asBigInt,
  asInteger,
  asSafeInteger,
  asString,
  counter,
  FLOAT_TEXT,
  INTEGER,
  NULLABLE_VALUES,
  OK,
  SET_REPLY,
  unexpected,
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

/**
 * SUBSTR: GETRANGE's name before Redis 2.0 — the bytes of a value from
 * `start` to `end` (inclusive; negative counts from the end).
 *
 * `substrBuffer()` takes the same arguments and resolves with bytes.
 *
 * @param key The key.
 * @param start First byte.
 * @param end Last byte.
 * @returns The bytes in range, as text.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "Hello World");
 * console.log(await client.substr("k", 0, 4)); // "Hello"
 * ```
 */
export const substr: Command<
  [key: Key, start: number, end: number],
  string,
  Uint8Array
> = command(
  "SUBSTR",
  (key, start, end) => [key, String(start), String(end)],
  VALUE,
);

/** Whether a range of BITCOUNT or BITPOS counts bytes (the default) or bits. */
export type BitUnit = "BYTE" | "BIT";

/** A range of {@linkcode CacheMirClient.bitcount}: both ends, inclusive. */
export interface BitCountRange {
  /** First byte (or bit); negative counts from the end. */
  readonly start: number;
  /** Last byte (or bit); negative counts from the end. */
  readonly end: number;
  /** `"BIT"` to count `start` and `end` in bits. */
  readonly unit?: BitUnit;
}

/**
 * A range of {@linkcode CacheMirClient.bitpos}: from `start`, to `end`
 * when given (then a clear bit past the range is not found), in bytes or
 * bits.
 */
export type BitPosRange =
  | { readonly start: number; readonly end?: undefined }
  | {
    readonly start: number;
    readonly end: number;
    readonly unit?: BitUnit;
  };

/**
 * SETBIT: sets or clears one bit of a value (bit 0 is the most significant
 * bit of the first byte), padding the value with zero bytes as needed.
 *
 * @param key The key (created when missing).
 * @param offset The bit, >= 0.
 * @param value 0 or 1.
 * @returns The bit's previous value.
 * @throws {ReplyError} `ERR bit offset is not an integer or out of range`
 * for an offset past the longest value (512 MB).
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.setbit("seen", 7, 1)); // 0
 * console.log(await client.get("seen")); // "\x01"
 * ```
 */
export const setbit: Command<
  [key: Key, offset: number, value: 0 | 1],
  number
> = command(
  "SETBIT",
  (key, offset, value) => [key, String(offset), String(value)],
  INTEGER,
);

/**
 * GETBIT: one bit of a value; 0 past its end or for a missing key.
 *
 * @param key The key.
 * @param offset The bit, >= 0.
 * @returns 0 or 1.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "\x80");
 * console.log(await client.getbit("k", 0)); // 1
 * ```
 */
export const getbit: Command<[key: Key, offset: number], number> = command(
  "GETBIT",
  (key, offset) => [key, String(offset)],
  INTEGER,
);

/**
 * BITCOUNT: how many bits of a value are 1, in all of it or in a range of
 * bytes or bits.
 *
 * @param key The key.
 * @param range `start`, `end` and `unit` (`"BYTE"` by default).
 * @returns The number of set bits (0 for a missing key).
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "foobar");
 * console.log(await client.bitcount("k")); // 26
 * console.log(await client.bitcount("k", { start: 1, end: 1 })); // 6
 * console.log(await client.bitcount("k", { start: 5, end: 30, unit: "BIT" })); // 17
 * ```
 */
export const bitcount: Command<[key: Key, range?: BitCountRange], number> =
  command(
    "BITCOUNT",
    (key, range) => {
      if (range === undefined) return [key];
      const args: Arg[] = [key, String(range.start), String(range.end)];
      if (range.unit !== undefined) args.push(range.unit);
      return args;
    },
    INTEGER,
  );

/**
 * BITPOS: the position of the first bit set to `bit`, in all of a value or
 * in a range. A missing key reads as zeros; without an `end`, a value of
 * all ones has its first clear bit just past its end.
 *
 * @param key The key.
 * @param bit 0 or 1.
 * @param range `start`, and optionally `end` and `unit`.
 * @returns The bit's position from the start of the value, or -1.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "\xff\xf0\x00");
 * console.log(await client.bitpos("k", 0)); // 12
 * console.log(await client.bitpos("k", 1, { start: 2 })); // -1
 * ```
 */
export const bitpos: Command<
  [key: Key, bit: 0 | 1, range?: BitPosRange],
  number
> = command(
  "BITPOS",
  (key, bit, range) => {
    const args: Arg[] = [key, String(bit)];
    if (range === undefined) return args;
    args.push(String(range.start));
    if (range.end !== undefined) {
      args.push(String(range.end));
      if (range.unit !== undefined) args.push(range.unit);
    }
    return args;
  },
  INTEGER,
);

/** A bitwise operation of {@linkcode CacheMirClient.bitop}. */
export type BitOperation = "AND" | "OR" | "XOR" | "NOT";

/**
 * BITOP: stores the bitwise AND, OR or XOR of values (the shorter padded
 * with zero bytes; a missing key is all zeros), or the NOT of one value.
 * An all-empty result deletes the destination.
 *
 * @param operation `"AND"`, `"OR"`, `"XOR"` or `"NOT"` (one source).
 * @param destination Where the result goes (on the same node as the
 * sources: use a `{hash tag}`).
 * @param keys The sources.
 * @returns The result's length in bytes.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("{u}:a", "\x0f");
 * await client.set("{u}:b", "\xf1");
 * console.log(await client.bitop("AND", "{u}:r", "{u}:a", "{u}:b")); // 1
 * ```
 */
export const bitop: Command<
  [operation: BitOperation, destination: Key, ...keys: Key[]],
  number
> = command(
  "BITOP",
  (operation, destination, ...keys) => [operation, destination, ...keys],
  INTEGER,
);

/**
 * A BITFIELD integer type: `i1`..`i64` (signed) or `u1`..`u63` (unsigned).
 */
export type BitfieldType = `i${number}` | `u${number}`;

/**
 * A BITFIELD offset: a bit offset, or `#n` for the `n`th field of the
 * type's width.
 */
export type BitfieldOffset = number | `#${number}`;

/** One operation of {@linkcode CacheMirClient.bitfield}, run in order. */
export type BitfieldOperation =
  | { readonly get: BitfieldType; readonly offset: BitfieldOffset }
  | {
    readonly set: BitfieldType;
    readonly offset: BitfieldOffset;
    readonly value: number | bigint;
  }
  | {
    readonly incrby: BitfieldType;
    readonly offset: BitfieldOffset;
    readonly increment: number | bigint;
  }
  | { readonly overflow: "WRAP" | "SAT" | "FAIL" };

/** One read of {@linkcode CacheMirClient.bitfield_ro}. */
export interface BitfieldGet {
  /** The field's type. */
  readonly get: BitfieldType;
  /** Its offset. */
  readonly offset: BitfieldOffset;
}

function bitfieldArgs(
  key: Key,
  operations: readonly (BitfieldOperation | BitfieldGet)[],
): Arg[] {
  const args: Arg[] = [key];
  for (const op of operations) {
    if ("overflow" in op) args.push("OVERFLOW", op.overflow);
    else if ("get" in op) args.push("GET", op.get, String(op.offset));
    else if ("set" in op) {
      args.push("SET", op.set, String(op.offset), String(op.value));
    } else {
      args.push("INCRBY", op.incrby, String(op.offset), String(op.increment));
    }
  }
  return args;
}

function integersOrNull<T>(
  reply: Reply,
  each: (r: Reply) => T,
): (T | null)[] {
  if (reply.kind !== "array") {
    throw unexpected(reply, "ARRAY");
  }
  return reply.value.map((r) => r.kind === "null" ? null : each(r));
}

function fieldValues(method: string): Decoder<
  (number | null)[],
  never,
  (bigint | null)[]
> {
  const safe = asSafeInteger(method);
  const text: ReplyTransform<(number | null)[]> = (reply) =>
    integersOrNull(reply, safe);
  const big: ReplyTransform<(bigint | null)[]> = (reply) =>
    integersOrNull(reply, asBigInt);
  return Object.freeze({ text, big });
}

/**
 * BITFIELD: reads, sets and increments integers of 1 to 64 bits at any bit
 * offset of a value, in order, with the overflow behaviour the last
 * `overflow` chose (`"WRAP"` by default).
 *
 * `bitfieldBig()` takes the same arguments and resolves with bigints: a
 * 64-bit field may hold a value beyond `Number.MAX_SAFE_INTEGER` (this
 * method rejects with a RangeError then).
 *
 * @param key The key (created, zero-padded, by a write).
 * @param operations `{ get }`, `{ set, value }`, `{ incrby, increment }`,
 * each with `offset`, and `{ overflow }`.
 * @returns One value per get/set/incrby: the value read, the old value
 * (set), the new value (incrby), or `null` where `"FAIL"` refused a write.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.bitfield("f", [
 *   { set: "u8", offset: 0, value: 200 },
 *   { overflow: "FAIL" },
 *   { incrby: "u8", offset: 0, increment: 100 },
 *   { get: "u4", offset: "#1" },
 * ])); // [0, null, 8]
 * ```
 */
export const bitfield: Command<
  [key: Key, operations: readonly BitfieldOperation[]],
  (number | null)[],
  never,
  (bigint | null)[]
> = command("BITFIELD", bitfieldArgs, fieldValues("bitfield"));

/**
 * BITFIELD_RO: BITFIELD's reads only (a command a replica may serve).
 *
 * `bitfield_roBig()` takes the same arguments and resolves with bigints.
 *
 * @param key The key.
 * @param reads `{ get, offset }` each.
 * @returns The values read (0 past the value's end).
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "\xff");
 * console.log(await client.bitfield_ro("k", [{ get: "i8", offset: 0 }])); // [-1]
 * ```
 */
export const bitfield_ro: Command<
  [key: Key, reads: readonly BitfieldGet[]],
  number[],
  never,
  bigint[]
> = command(
  "BITFIELD_RO",
  bitfieldArgs,
  fieldValues("bitfield_ro") as unknown as Decoder<number[], never, bigint[]>,
);

/** Options of {@linkcode CacheMirClient.lcs} with `idx`. */
export interface LcsIdxOptions {
  /** Report the matching runs. */
  readonly idx: true;
  /** Only runs at least this long. */
  readonly minMatchLen?: number;
  /** Give each run its length. */
  readonly withMatchLen?: boolean;
}

/** One run common to both values, as LCS IDX reports it. */
export interface LcsMatch {
  /** First and last byte of the run in the first value. */
  readonly a: [number, number];
  /** First and last byte of the run in the second value. */
  readonly b: [number, number];
  /** The run's length (with `withMatchLen`). */
  readonly length?: number;
}

/** LCS IDX's answer. */
export interface LcsIndexes {
  /** The runs, last first. */
  readonly matches: LcsMatch[];
  /** The length of the longest common subsequence. */
  readonly len: number;
}

function asRange(reply: Reply): [number, number] {
  if (reply.kind !== "array" || reply.value.length !== 2) {
    throw unexpected(reply, "a range");
  }
  return [asInteger(reply.value[0]), asInteger(reply.value[1])];
}

function asLcsIndexes(reply: Reply): LcsIndexes {
  const items: Reply[] = reply.kind === "map"
    ? reply.value.flat()
    : reply.kind === "array"
    ? [...reply.value]
    : [];
  let matches: LcsMatch[] | undefined;
  let len: number | undefined;
  for (let i = 0; i + 1 < items.length; i += 2) {
    const name = asString(items[i]);
    const value = items[i + 1];
    if (name === "len") len = asInteger(value);
    else if (name === "matches" && value.kind === "array") {
      matches = value.value.map((m) => {
        if (m.kind !== "array" || m.value.length < 2) {
          throw new ProtocolError(`Unexpected ${kindName(m)} LCS match`);
        }
        const match = { a: asRange(m.value[0]), b: asRange(m.value[1]) };
        return m.value.length > 2
          ? { ...match, length: asInteger(m.value[2]) }
          : match;
      });
    }
  }
  if (matches === undefined || len === undefined) {
    throw unexpected(reply, "LCS IDX's map");
  }
  return { matches, len };
}

const LCS_INDEXES: Decoder<LcsIndexes> = Object.freeze({ text: asLcsIndexes });

/**
 * LCS: the longest common subsequence of two values (bytes of both, in
 * order, not necessarily adjacent); a missing key is an empty value. Both
 * keys must be on one node: use a `{hash tag}`.
 */
export const lcs: Declaration<
  {
    /**
     * LCS: the longest common subsequence.
     *
     * @param key1 The first key.
     * @param key2 The second key.
     * @returns The subsequence, as text.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * await client.set("{t}a", "ohmytext");
     * await client.set("{t}b", "mynewtext");
     * console.log(await client.lcs("{t}a", "{t}b")); // "mytext"
     * ```
     */
    (key1: Key, key2: Key): Promise<string>;
    /**
     * LCS LEN: the subsequence's length only.
     *
     * @param key1 The first key.
     * @param key2 The second key.
     * @param options `{ len: true }`.
     * @returns The length.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.lcs("{t}a", "{t}b", { len: true })); // 6
     * ```
     */
    (key1: Key, key2: Key, options: { readonly len: true }): Promise<number>;
    /**
     * LCS IDX: where the subsequence's runs are in both values.
     *
     * @param key1 The first key.
     * @param key2 The second key.
     * @param options `{ idx: true }`, `minMatchLen`, `withMatchLen`.
     * @returns The runs (last first) and the length.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const r = await client.lcs("{t}a", "{t}b", { idx: true, minMatchLen: 4 });
     * console.log(r.matches); // [ { a: [ 4, 7 ], b: [ 5, 8 ] } ]
     * ```
     */
    (key1: Key, key2: Key, options: LcsIdxOptions): Promise<LcsIndexes>;
  },
  {
    /**
     * LCS, with the subsequence as bytes.
     *
     * @param key1 The first key.
     * @param key2 The second key.
     * @returns The subsequence's bytes.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const common = await client.lcsBuffer("{t}a", "{t}b");
     * ```
     */
    (key1: Key, key2: Key): Promise<Uint8Array>;
  }
> = overloaded(
  "LCS",
  (
    key1: Key,
    key2: Key,
    options?: { readonly len: true } | LcsIdxOptions,
  ): Arg[] => {
    const args: Arg[] = [key1, key2];
    if (options === undefined) return args;
    if ("len" in options) {
      args.push("LEN");
      return args;
    }
    args.push("IDX");
    if (options.minMatchLen !== undefined) {
      args.push("MINMATCHLEN", String(options.minMatchLen));
    }
    if (options.withMatchLen) args.push("WITHMATCHLEN");
    return args;
  },
  (_key1?: Key, _key2?: Key, options?: object): Decoder<unknown, unknown> =>
    options === undefined ? VALUE : "len" in options ? INTEGER : LCS_INDEXES,
);
