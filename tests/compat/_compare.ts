/**
 * Stock comparators for the differential tests: where Redis and CacheMir may
 * rightly answer differently (random picks, cursors, times), what is
 * compared instead.
 *
 * @module
 */

import type { RespClient, RespValue } from "../_helpers/resp_client.ts";
import type { Comparator, Step } from "./_gen.ts";

/**
 * Tells whether a reply is an error.
 *
 * @param v The reply.
 * @returns `true` for `{ error }`.
 */
export function isError(v: RespValue): boolean {
  return typeof v === "object" && v !== null && "error" in v;
}

/**
 * A reply (or a command) as text: what failure messages show, and what
 * replies are compared and sorted by.
 *
 * @param v The value.
 * @returns Its JSON, `bigint`s written `123n`.
 */
export function show(v: RespValue | readonly string[]): string {
  return JSON.stringify(v, (_k, x) => typeof x === "bigint" ? `${x}n` : x);
}

/**
 * Sorts values by their {@linkcode show} text.
 *
 * @param items The values.
 * @returns A sorted copy.
 */
export function sortValues(items: readonly RespValue[]): RespValue[] {
  const keyed = items.map((v) => [show(v), v] as const);
  keyed.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return keyed.map(([, v]) => v);
}

/**
 * Tells whether a reply is a RESP3 set.
 *
 * @param v The reply.
 * @returns `true` for `{ set }`.
 */
export function isSet(v: RespValue): v is { readonly set: RespValue[] } {
  return typeof v === "object" && v !== null && "set" in v;
}

/**
 * The elements of an array or RESP3 set reply.
 *
 * @param v The reply.
 * @returns The elements, or `undefined` for another kind.
 */
export function elements(v: RespValue): RespValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (isSet(v)) return v.set;
  return undefined;
}

/**
 * Runs a SCAN-like command to completion from the step's first reply,
 * calling it again with each cursor it returns.
 *
 * @param c The connection.
 * @param reply The reply to the step (the first call).
 * @param step The step; its arguments are those of every call.
 * @param options Where the cursor is among the step's arguments, and
 * arguments to add to the calls after the first.
 * @param each Called with the elements of every call's reply.
 * @returns `undefined` when the scan completed, else the first reply that
 * is not `[cursor, [elements]]` (an error).
 */
export async function scanToEnd(
  c: RespClient,
  reply: RespValue,
  step: Step,
  options: { readonly cursorAt: number; readonly more?: readonly string[] },
  each: (items: RespValue[]) => void,
): Promise<RespValue | undefined> {
  const { cursorAt, more = [] } = options;
  let r = reply;
  for (let rounds = 0;; rounds++) {
    if (!Array.isArray(r) || r.length !== 2 || !Array.isArray(r[1])) return r;
    each(r[1]);
    if (r[0] === "0") return undefined;
    if (rounds > 100_000) throw new Error(`${step.args[0]} does not end`);
    const args = [...step.args];
    args[cursorAt] = r[0] as string;
    r = await c.call(...args, ...more);
  }
}

/** Sorts an array reply (and a RESP3 set) so order does not matter. */
export const SORTED: Comparator = Object.freeze({
  name: "sorted",
  normalize: (v: RespValue): RespValue => {
    const items = elements(v);
    return items === undefined ? v : sortValues(items);
  },
});

/**
 * Integers within `tolerance` of each other match when both are ≥ 0 (TTLs:
 * the two servers read their clocks at slightly different times); negative
 * ones (-1 no TTL, -2 no key) must be equal.
 *
 * @param tolerance The largest accepted difference.
 * @returns The comparator.
 */
export function near(tolerance: number): Comparator {
  return Object.freeze({
    name: `near(${tolerance})`,
    equal: (a: RespValue, b: RespValue): boolean => {
      if (
        (typeof a === "number" || typeof a === "bigint") &&
        (typeof b === "number" || typeof b === "bigint") && a >= 0 && b >= 0
      ) {
        const d = BigInt(a) - BigInt(b);
        return d <= BigInt(tolerance) && d >= -BigInt(tolerance);
      }
      return show(a) === show(b);
    },
  });
}

/**
 * RANDOMKEY: the two servers may pick different keys. Both must answer null
 * (empty keyspace) or a key that exists on that server.
 */
export const RANDOM_KEY: Comparator = Object.freeze({
  name: "random-key",
  followUp: async (c: RespClient, reply: RespValue): Promise<RespValue> => {
    if (reply === null) return "null";
    if (typeof reply !== "string") return reply;
    const exists = await c.call("EXISTS", reply);
    return exists === 1
      ? "an existing key"
      : `a missing key ${JSON.stringify(reply)}`;
  },
});

/**
 * Scans to completion on each server with the step's options; compares the
 * sets of keys returned. Deliberate difference: CacheMir's cursors are not
 * Redis's, so only the first call (cursor 0) is the same on both.
 */
export const SCAN_ALL: Comparator = Object.freeze({
  name: "scan-to-completion",
  followUp: async (
    c: RespClient,
    reply: RespValue,
    step: Step,
  ): Promise<RespValue> => {
    const keys = new Set<string>();
    const odd = await scanToEnd(c, reply, step, { cursorAt: 1 }, (items) => {
      for (const k of items) keys.add(k as string);
    });
    return odd ?? [...keys].sort();
  },
});

/**
 * DBSIZE counts keys that expired but were not reclaimed yet, and each
 * server reclaims in the background at its own pace; a full SCAN first
 * reclaims them on both (SCAN deletes the expired keys it meets), then
 * DBSIZE is compared.
 */
export const DBSIZE_AFTER_SCAN: Comparator = Object.freeze({
  name: "dbsize-after-scan",
  followUp: async (c: RespClient, reply: RespValue): Promise<RespValue> => {
    if (typeof reply !== "number") return reply;
    let cursor = "0";
    do {
      const r = await c.call("SCAN", cursor, "COUNT", "1000") as [
        string,
        unknown,
      ];
      cursor = r[0];
    } while (cursor !== "0");
    return await c.call("DBSIZE");
  },
});

/**
 * HELLO's map with the fields that name the server (`server`, `version`,
 * `id`) blanked: the rest (proto, mode, role, modules) must match.
 */
export const HELLO: Comparator = Object.freeze({
  name: "hello",
  normalize: (v: RespValue): RespValue => {
    const blank = (k: RespValue, x: RespValue): RespValue =>
      k === "server" || k === "version" || k === "id" ? "?" : x;
    if (Array.isArray(v)) {
      return v.map((x, i) => i % 2 === 1 ? blank(v[i - 1], x) : x);
    }
    if (typeof v === "object" && v !== null && "map" in v) {
      return { map: v.map.map(([k, x]) => [k, blank(k, x)]) };
    }
    return v;
  },
});
