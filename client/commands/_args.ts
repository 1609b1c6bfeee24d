/**
 * How command arguments are built, for every family: values as arguments,
 * keys or values given as arguments or as one array, pairs given as an
 * object or a Map, and SCAN-style options. Private to the package; what is
 * particular to one command lives beside its declaration.
 *
 * @module
 */

import type { Arg, ClientValue, Key } from "../types.ts";

/**
 * A value as an argument: numbers and bigints as their decimal text.
 *
 * @param value The value.
 * @returns The argument.
 */
export function valueArg(value: ClientValue | bigint): Arg {
  return typeof value === "string" || value instanceof Uint8Array
    ? value
    : String(value);
}

/**
 * Keys given as arguments or as one array: `mget("a", "b")` and
 * `mget(["a", "b"])` alike.
 *
 * @param items The rest arguments.
 * @returns The keys (the array given, not a copy).
 */
export function flat(items: readonly Key[] | [readonly Key[]]): readonly Key[];
/**
 * Values given as arguments or as one array: `sadd(k, "a", "b")` and
 * `sadd(k, ["a", "b"])` alike.
 *
 * @param items The rest arguments.
 * @returns The values (the array given, not a copy).
 */
export function flat(
  items: readonly ClientValue[] | [readonly ClientValue[]],
): readonly ClientValue[];
export function flat(
  items: readonly unknown[] | [readonly unknown[]],
): readonly unknown[] {
  return items.length === 1 && Array.isArray(items[0])
    ? items[0] as readonly unknown[]
    : items;
}

/**
 * Keys given as arguments or as one array, copied.
 *
 * @param keys The rest arguments.
 * @returns The keys.
 */
export function keyList(keys: readonly Key[] | [readonly Key[]]): Key[] {
  return [...flat(keys)];
}

/**
 * `key` followed by values given as arguments or as one array:
 * `sadd("k", "a", "b")` and `sadd("k", ["a", "b"])` alike.
 *
 * @param key The key.
 * @param values The rest arguments.
 * @returns The arguments.
 */
export function keyAndValues(
  key: Key,
  values: readonly ClientValue[] | [readonly ClientValue[]],
): Arg[] {
  const list = flat(values);
  const out: Arg[] = new Array(list.length + 1);
  out[0] = key;
  for (let i = 0; i < list.length; i++) out[i + 1] = valueArg(list[i]);
  return out;
}

/**
 * Appends the keys (or fields) and values of `input` when it is one object
 * or Map: `mset({ a: 1 })`, `hset(key, new Map([["f", "v"]]))`.
 *
 * @param out The arguments so far.
 * @param input The rest arguments.
 * @returns Whether `input` was one object or Map; `out` is unchanged if not.
 */
export function pushPairs(out: Arg[], input: readonly unknown[]): boolean {
  const first = input[0];
  if (
    input.length !== 1 || typeof first !== "object" || first === null ||
    first instanceof Uint8Array
  ) {
    return false;
  }
  if (first instanceof Map) {
    for (const [k, v] of first as ReadonlyMap<Key, ClientValue>) {
      out.push(k, valueArg(v));
    }
  } else {
    const data = first as Readonly<Record<string, ClientValue>>;
    for (const k of Object.keys(data)) out.push(k, valueArg(data[k]));
  }
  return true;
}

/** The options SCAN, HSCAN and SSCAN share. */
interface ScanArgOptions {
  readonly match?: Key;
  readonly count?: number;
  readonly type?: string;
}

/**
 * SCAN arguments, or HSCAN and SSCAN ones with a key:
 * `[key] cursor [MATCH pattern] [COUNT n] [TYPE type]`.
 *
 * @param key The hash or set, or `undefined` for SCAN.
 * @param cursor The cursor.
 * @param options `match`, `count` and (SCAN only) `type`.
 * @returns The arguments.
 */
export function scanArgs(
  key: Key | undefined,
  cursor: string | number,
  options?: ScanArgOptions,
): Arg[] {
  const out: Arg[] = key === undefined
    ? [String(cursor)]
    : [key, String(cursor)];
  if (options !== undefined) {
    if (options.match !== undefined) out.push("MATCH", options.match);
    if (options.count !== undefined) out.push("COUNT", String(options.count));
    if (options.type !== undefined) out.push("TYPE", options.type);
  }
  return out;
}

/**
 * `key` followed by values given as arguments or as one array, as a
 * declaration's argument builder: `sadd("k", "a", "b")`, `sadd("k", ["a"])`.
 *
 * @param key The key.
 * @param values The rest arguments.
 * @returns The arguments.
 */
export function keyThenValues(
  key: Key,
  ...values: ClientValue[] | [readonly ClientValue[]]
): Arg[] {
  return keyAndValues(key, values);
}

/**
 * A destination key followed by keys given as arguments or as one array
 * (SINTERSTORE dest k1 k2, or dest [k1, k2]).
 *
 * @param destination The destination key.
 * @param keys The rest arguments.
 * @returns The arguments.
 */
export function keyThenKeys(
  destination: Key,
  ...keys: Key[] | [readonly Key[]]
): Arg[] {
  return [destination, ...flat(keys)];
}
