/**
 * The hash commands of {@linkcode CacheMirClient}: HSET, HGET, HGETALL,
 * HINCRBY, HRANDFIELD, HSCAN and their kin.
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
import { keyThenValues, pushPairs, scanArgs, valueArg } from "./_args.ts";
import {
  counter,
  FLAT_PAIRS,
  FLOAT_TEXT,
  INTEGER,
  NULLABLE_VALUES,
  OK,
  RECORD,
  SCAN_PAGE,
  VALUE_OR_NULL,
  VALUES,
} from "./_replies.ts";

/**
 * Fields and values for {@linkcode hset}: an object, or a Map (whose keys
 * may be bytes).
 */
export type HashData =
  | Readonly<Record<string, ClientValue>>
  | ReadonlyMap<Key, ClientValue>;

/** Options of {@linkcode hscan} and `sscan`. */
export interface ClientCollectionScanOptions {
  /** Only fields / members matching this glob-style pattern (`MATCH`). */
  readonly match?: Key;
  /**
   * A hint of how many elements to look at per call (`COUNT`). A hash or
   * set of up to 128 elements always comes back whole in one call.
   */
  readonly count?: number;
}

/**
 * HSET / HMSET arguments from `(key, data)` or `(key, field, value, ...)`.
 *
 * @throws {TypeError} When a field has no value.
 */
function hashArgs(method: string): (key: Key, ...input: unknown[]) => Arg[] {
  return (key, ...input) => {
    const out: Arg[] = [key];
    if (pushPairs(out, input)) return out;
    if (input.length % 2 !== 0) {
      throw new TypeError(
        `Cannot call ${method}(): ${input.length} field and value arguments, expected pairs`,
      );
    }
    for (const v of input as readonly ClientValue[]) out.push(valueArg(v));
    return out;
  };
}

/**
 * HSET: sets fields of a hash, from an object or a Map, or as
 * `field, value, field, value...`.
 */
export const hset: Declaration<
  {
    /**
     * HSET: sets fields of a hash, creating it if needed.
     *
     * @param key The key.
     * @param data The fields and values, as an object or a Map.
     * @returns How many fields were new.
     * @throws {ReplyError} `WRONGTYPE ...` when the key holds another type.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.hset("user:1", { name: "Ada", born: 1815 })); // 2
     * ```
     */
    (key: Key, data: HashData): Promise<number>;
    /**
     * HSET with fields and values as arguments: `hset(key, f1, v1, f2, v2)`.
     *
     * @param key The key.
     * @param field The first field.
     * @param value Its value.
     * @param fieldsAndValues More fields, each followed by its value.
     * @returns How many fields were new.
     * @throws {TypeError} When a field has no value.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.hset("user:1", "name", "Ada", "born", 1815)); // 2
     * ```
     */
    (
      key: Key,
      field: ClientValue,
      value: ClientValue,
      ...fieldsAndValues: ClientValue[]
    ): Promise<number>;
  },
  never
> = overloaded("HSET", hashArgs("hset"), INTEGER);

/**
 * HMSET: sets fields of a hash, from an object or a Map, or as
 * `field, value, field, value...`.
 */
export const hmset: Declaration<
  {
    /**
     * HMSET: HSET replying `"OK"` (deprecated in Redis, kept for old code).
     *
     * @param key The key.
     * @param data The fields and values, as an object or a Map.
     * @returns `"OK"`.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * await client.hmset("user:1", { name: "Ada" });
     * ```
     */
    (key: Key, data: HashData): Promise<"OK">;
    /**
     * HMSET with fields and values as arguments.
     *
     * @param key The key.
     * @param field The first field.
     * @param value Its value.
     * @param fieldsAndValues More fields, each followed by its value.
     * @returns `"OK"`.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * await client.hmset("user:1", "name", "Ada");
     * ```
     */
    (
      key: Key,
      field: ClientValue,
      value: ClientValue,
      ...fieldsAndValues: ClientValue[]
    ): Promise<"OK">;
  },
  never
> = overloaded("HMSET", hashArgs("hmset"), OK);

/**
 * HSETNX: sets a field only if the hash does not have it.
 *
 * @param key The key.
 * @param field The field.
 * @param value The value.
 * @returns `1` when set, `0` when the field existed.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hsetnx("user:1", "name", "Ada")); // 1
 * console.log(await client.hsetnx("user:1", "name", "Grace")); // 0
 * ```
 */
export const hsetnx: Command<
  [key: Key, field: ClientValue, value: ClientValue],
  number
> = command(
  "HSETNX",
  (key, field, value) => [key, valueArg(field), valueArg(value)],
  INTEGER,
);

/**
 * HGET: a field's value.
 *
 * `hgetBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param field The field.
 * @returns The value as text, or `null` when the field or key is missing.
 * @throws {ReplyError} `WRONGTYPE ...` when the key holds another type.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hget("user:1", "name")); // "Ada"
 * ```
 *
 * @example `hgetBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const avatar = await client.hgetBuffer("user:1", "avatar");
 * ```
 */
export const hget: Command<
  [key: Key, field: ClientValue],
  string | null,
  Uint8Array | null
> = command("HGET", (key, field) => [key, valueArg(field)], VALUE_OR_NULL);

/**
 * HMGET: the values of several fields.
 *
 * `hmgetBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param fields The fields, as arguments or as one array.
 * @returns One value or `null` per field, in order.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hmget("user:1", "name", "nope")); // [ "Ada", null ]
 * ```
 *
 * @example `hmgetBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const [a, b] = await client.hmgetBuffer("h", ["a", "b"]);
 * ```
 */
export const hmget: Command<
  [key: Key, ...fields: ClientValue[]] | [
    key: Key,
    fields: readonly ClientValue[],
  ],
  (string | null)[],
  (Uint8Array | null)[]
> = command(
  "HMGET",
  keyThenValues,
  NULLABLE_VALUES,
);

/**
 * HGETALL: every field and value of a hash, as an object (as ioredis
 * gives it). Field names are decoded as UTF-8: for binary field names use
 * {@linkcode CacheMirClient.hscanBuffer}.
 *
 * `hgetallBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @returns `{ field: value }`; `{}` when the key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hgetall("user:1")); // { name: "Ada", born: "1815" }
 * ```
 *
 * @example `hgetallBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const { avatar } = await client.hgetallBuffer("user:1");
 * ```
 */
export const hgetall: Command<
  [key: Key],
  Record<string, string>,
  Record<string, Uint8Array>
> = command("HGETALL", (key) => [key], RECORD);

/**
 * HDEL: deletes fields; a hash left empty is deleted.
 *
 * @param key The key.
 * @param fields The fields, as arguments or as one array.
 * @returns How many fields were deleted.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hdel("user:1", "name", "nope")); // 1
 * ```
 */
export const hdel: Command<
  [key: Key, ...fields: ClientValue[]] | [
    key: Key,
    fields: readonly ClientValue[],
  ],
  number
> = command("HDEL", keyThenValues, INTEGER);

/**
 * HEXISTS: whether a hash has a field. Like ioredis, the reply is the
 * node's integer: `1` or `0`.
 *
 * @param key The key.
 * @param field The field.
 * @returns `1` when the field exists, else `0`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * if (await client.hexists("user:1", "name")) console.log("named");
 * ```
 */
export const hexists: Command<
  [key: Key, field: ClientValue],
  number
> = command("HEXISTS", (key, field) => [key, valueArg(field)], INTEGER);

/**
 * HLEN: the number of fields.
 *
 * @param key The key.
 * @returns The count; `0` when the key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hlen("user:1")); // 2
 * ```
 */
export const hlen: Command<
  [key: Key],
  number
> = command("HLEN", (key) => [key], INTEGER);

/**
 * HKEYS: every field of a hash.
 *
 * `hkeysBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @returns The fields, in the order of {@linkcode CacheMirClient.hvals}.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hkeys("user:1")); // [ "name", "born" ]
 * ```
 *
 * @example `hkeysBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const fields = await client.hkeysBuffer("h");
 * ```
 */
export const hkeys: Command<
  [key: Key],
  string[],
  Uint8Array[]
> = command("HKEYS", (key) => [key], VALUES);

/**
 * HVALS: every value of a hash.
 *
 * `hvalsBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @returns The values, in the order of {@linkcode CacheMirClient.hkeys}.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hvals("user:1")); // [ "Ada", "1815" ]
 * ```
 *
 * @example `hvalsBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const values = await client.hvalsBuffer("h");
 * ```
 */
export const hvals: Command<
  [key: Key],
  string[],
  Uint8Array[]
> = command("HVALS", (key) => [key], VALUES);

/**
 * HINCRBY: adds to the integer in a field (a missing field counts as 0).
 *
 * `hincrbyBig()` takes the same arguments and resolves with a `bigint`:
 * use it for counters beyond ±(2^53 − 1), where `hincrby()` rejects with a
 * `RangeError`.
 *
 * @param key The key.
 * @param field The field.
 * @param increment The amount, may be negative.
 * @returns The new value: a `bigint` outside ±(2^53 − 1).
 * @throws {ReplyError} `ERR hash value is not an integer`, or
 * `ERR increment or decrement would overflow`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hincrby("stats", "visits", 1)); // 1
 * ```
 */
export const hincrby: Command<
  [key: Key, field: ClientValue, increment: number | bigint],
  number,
  never,
  bigint
> = command(
  "HINCRBY",
  (key, field, n) => [key, valueArg(field), String(n)],
  counter("hincrby"),
);

/**
 * HINCRBYFLOAT: adds to the number in a field, in Redis's long double
 * arithmetic.
 *
 * @param key The key.
 * @param field The field.
 * @param increment The amount, as a number or as text (`"1.5e3"`).
 * @returns The new value as text, as Redis formats it (`"10.6"`).
 * @throws {ReplyError} `ERR hash value is not a float`, or
 * `ERR value is NaN or Infinity`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hincrbyfloat("prices", "tea", 0.1)); // "10.6"
 * ```
 */
export const hincrbyfloat: Command<
  [key: Key, field: ClientValue, increment: number | string],
  string
> = command(
  "HINCRBYFLOAT",
  (key, field, n) => [key, valueArg(field), String(n)],
  FLOAT_TEXT,
);

/**
 * HSTRLEN: the length in bytes of a field's value.
 *
 * @param key The key.
 * @param field The field.
 * @returns The length; `0` when the field or key is missing.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.hstrlen("user:1", "name")); // 3
 * ```
 */
export const hstrlen: Command<
  [key: Key, field: ClientValue],
  number
> = command("HSTRLEN", (key, field) => [key, valueArg(field)], INTEGER);

/**
 * HRANDFIELD: fields picked at random, with or without their values.
 */
export const hrandfield: Declaration<
  {
    /**
     * HRANDFIELD: one field picked at random.
     *
     * @param key The key.
     * @returns A field, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.hrandfield("user:1")); // e.g. "born"
     * ```
     */
    (key: Key): Promise<string | null>;
    /**
     * HRANDFIELD with a count: `count > 0` picks that many distinct fields
     * (the whole hash when it has fewer); `count < 0` picks `-count` fields
     * that may repeat. With `withValues`, each field is followed by its value
     * in one flat array, as ioredis gives it.
     *
     * @param key The key.
     * @param count How many, and whether they may repeat.
     * @param withValues Follow each field by its value (`WITHVALUES`).
     * @default {false} for `withValues`
     * @returns `[field, ...]`, or `[field, value, field, value, ...]`.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * console.log(await client.hrandfield("user:1", 2, true)); // [ "born", "1815", "name", "Ada" ]
     * ```
     */
    (key: Key, count: number, withValues?: boolean): Promise<string[]>;
  },
  {
    /**
     * HRANDFIELD, with the field as bytes.
     *
     * @param key The key.
     * @returns A field's bytes, or `null` when the key is missing.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const field = await client.hrandfieldBuffer("h");
     * ```
     */
    (key: Key): Promise<Uint8Array | null>;
    /**
     * HRANDFIELD with a count, as bytes.
     *
     * @param key The key.
     * @param count How many, and whether they may repeat (see
     * {@linkcode CacheMirClient.hrandfield}).
     * @param withValues Follow each field by its value.
     * @default {false} for `withValues`
     * @returns The fields (and values) as bytes, flat.
     *
     * @example
     * ```ts no-eval
     * import { CacheMirClient } from "@cachemir/client";
     * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
     * const pairs = await client.hrandfieldBuffer("h", -5, true);
     * ```
     */
    (
      key: Key,
      count: number,
      withValues?: boolean,
    ): Promise<Uint8Array[]>;
  }
> = overloaded(
  "HRANDFIELD",
  (key: Key, count?: number, withValues?: boolean) =>
    count === undefined
      ? [key]
      : withValues
      ? [key, String(count), "WITHVALUES"]
      : [key, String(count)],
  (_key: Key, count?: number, withValues?: boolean) =>
    count === undefined ? VALUE_OR_NULL : withValues ? FLAT_PAIRS : VALUES,
);

/**
 * HSCAN: one step of an incremental iteration over a hash. Start with
 * cursor `"0"`; the iteration is over when the node returns `"0"`. A field
 * may be returned more than once; one present for the whole iteration is
 * returned at least once.
 *
 * `hscanBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param key The key.
 * @param cursor `"0"`, or the cursor of the previous step.
 * @param options `match`, `count`.
 * @returns `[nextCursor, [field, value, field, value, ...]]`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const [cursor, flat] = await client.hscan("user:1", "0", { match: "n*" });
 * ```
 *
 * @example `hscanBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const [cursor, flat] = await client.hscanBuffer("h", "0");
 * ```
 */
export const hscan: Command<
  [key: Key, cursor: string | number, options?: ClientCollectionScanOptions],
  [string, string[]],
  [string, Uint8Array[]]
> = command(
  "HSCAN",
  (key, cursor, options) => scanArgs(key, cursor, options),
  SCAN_PAGE,
);

/**
 * Iterates over a hash's fields with HSCAN, one step at a time.
 *
 * `hscanBufferIterator()` takes the same arguments and yields bytes
 * (`Uint8Array`) where this yields text.
 *
 * @param key The key.
 * @param options `match`, `count`.
 * @returns An async iterator of `[field, value]` pairs.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * for await (const [field, value] of client.hscanIterator("user:1")) {
 *   console.log(field, value);
 * }
 * ```
 *
 * @example `hscanBufferIterator()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * for await (const [field, value] of client.hscanBufferIterator("h")) {
 *   console.log(field.length, value.length);
 * }
 * ```
 */
export const hscanIterator: Walk<
  (
    key: Key,
    options?: ClientCollectionScanOptions,
  ) => AsyncGenerator<[string, string], void, undefined>,
  (
    key: Key,
    options?: ClientCollectionScanOptions,
  ) => AsyncGenerator<[Uint8Array, Uint8Array], void, undefined>
> = walk(hscan, 1, true);
