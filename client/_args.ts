/**
 * What every `CacheMirClient` method builds its command from: the command
 * table's rows, values as arguments, keys or values given as arguments or as
 * one array, pairs given as an object or a Map, and SCAN-style options.
 * Private to the package.
 *
 * @module
 */

import { commandByName, type CommandInfo } from "@cachemir/protocol";
import type { ScanOptions, Value } from "./client.ts";
import type { Arg } from "./connection.ts";
import type { Key } from "./hash.ts";

/**
 * A command's row in the shared command table.
 *
 * @param name The command's name.
 * @returns Its row.
 * @throws {Error} When the table has no such command.
 */
export function command(name: string): CommandInfo {
  const info = commandByName(name);
  if (info === undefined) {
    throw new Error(`Command table has no ${name}: protocol package mismatch`);
  }
  return info;
}

/**
 * A value as an argument: numbers and bigints as their decimal text.
 *
 * @param value The value.
 * @returns The argument.
 */
export function valueArg(value: Value | bigint): Arg {
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
  items: readonly Value[] | [readonly Value[]],
): readonly Value[];
export function flat(
  items: readonly unknown[] | [readonly unknown[]],
): readonly unknown[] {
  return items.length === 1 && Array.isArray(items[0])
    ? items[0] as readonly unknown[]
    : items;
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
    for (const [k, v] of first as ReadonlyMap<Key, Value>) {
      out.push(k, valueArg(v));
    }
  } else {
    const data = first as Readonly<Record<string, Value>>;
    for (const k of Object.keys(data)) out.push(k, valueArg(data[k]));
  }
  return true;
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
  options?: ScanOptions,
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
