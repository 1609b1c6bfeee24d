/**
 * The command rows and argument builders of the hash, list and set methods
 * of `CacheMirClient`. Private to the package.
 *
 * @module
 */

import type { CommandInfo } from "@cachemir/protocol";
import type { Value } from "./client.ts";
import type { LPosOptions, SInterCardOptions } from "./collections.ts";
import type { Arg } from "./connection.ts";
import type { Key } from "./hash.ts";
import { command, flat, pushPairs, valueArg } from "./_args.ts";

/** The rows of the collection commands, by name. */
export const C: Readonly<Record<string, CommandInfo>> = Object.freeze(
  Object.fromEntries(
    [
      "HSET",
      "HMSET",
      "HSETNX",
      "HGET",
      "HMGET",
      "HGETALL",
      "HDEL",
      "HEXISTS",
      "HLEN",
      "HKEYS",
      "HVALS",
      "HINCRBY",
      "HINCRBYFLOAT",
      "HSTRLEN",
      "HRANDFIELD",
      "HSCAN",
      "LPUSH",
      "RPUSH",
      "LPUSHX",
      "RPUSHX",
      "LPOP",
      "RPOP",
      "LLEN",
      "LRANGE",
      "LINDEX",
      "LSET",
      "LREM",
      "LTRIM",
      "LINSERT",
      "LPOS",
      "LMOVE",
      "RPOPLPUSH",
      "SADD",
      "SREM",
      "SMEMBERS",
      "SISMEMBER",
      "SMISMEMBER",
      "SCARD",
      "SPOP",
      "SRANDMEMBER",
      "SMOVE",
      "SINTER",
      "SUNION",
      "SDIFF",
      "SINTERSTORE",
      "SUNIONSTORE",
      "SDIFFSTORE",
      "SINTERCARD",
      "SSCAN",
    ].map((name) => [name, command(name)]),
  ),
);

/**
 * `key` followed by values given as arguments or as one array:
 * `sadd("k", "a", "b")` and `sadd("k", ["a", "b"])` alike.
 */
export function keyAndValues(
  key: Key,
  values: readonly Value[] | [readonly Value[]],
): Arg[] {
  const list = flat(values);
  const out: Arg[] = new Array(list.length + 1);
  out[0] = key;
  for (let i = 0; i < list.length; i++) out[i + 1] = valueArg(list[i]);
  return out;
}

/** Keys given as arguments or as one array. */
export function keyList(keys: readonly Key[] | [readonly Key[]]): Key[] {
  return [...flat(keys)];
}

/**
 * HSET / HMSET arguments from `(key, data)` or `(key, field, value, ...)`.
 *
 * @throws {TypeError} When a field has no value.
 */
export function hashArgs(
  key: Key,
  input: readonly unknown[],
  method: string,
): Arg[] {
  const out: Arg[] = [key];
  if (pushPairs(out, input)) return out;
  if (input.length % 2 !== 0) {
    throw new TypeError(
      `Cannot call ${method}(): ${input.length} field and value arguments, expected pairs`,
    );
  }
  for (const v of input as readonly Value[]) out.push(valueArg(v));
  return out;
}

/** LPOS arguments. */
export function lposArgs(
  key: Key,
  element: Value,
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

/** SINTERCARD arguments: `numkeys key... [LIMIT n]`. */
export function sintercardArgs(
  keys: readonly Key[],
  options?: SInterCardOptions,
): Arg[] {
  const out: Arg[] = [String(keys.length), ...keys];
  if (options?.limit !== undefined) out.push("LIMIT", String(options.limit));
  return out;
}
