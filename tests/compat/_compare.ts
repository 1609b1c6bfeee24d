/**
 * Stock comparators for the differential tests: where Redis and CacheMir may
 * rightly answer differently (random picks, cursors, times), what is
 * compared instead.
 *
 * @module
 */

import type { RespClient, RespValue } from "../_helpers/resp_client.ts";
import type { Comparator, Step } from "./_gen.ts";

function isError(v: RespValue): boolean {
  return typeof v === "object" && v !== null && "error" in v;
}

function sortKey(v: RespValue): string {
  return JSON.stringify(v, (_k, x) => typeof x === "bigint" ? `${x}n` : x);
}

/** Sorts an array reply (and a RESP3 set) so order does not matter. */
export const SORTED: Comparator = Object.freeze({
  name: "sorted",
  normalize: (v: RespValue): RespValue => {
    const items = Array.isArray(v)
      ? v
      : typeof v === "object" && v !== null && "set" in v
      ? v.set
      : undefined;
    if (items === undefined) return v;
    return [...items].sort((a, b) =>
      sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0
    );
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
      return sortKey(a) === sortKey(b);
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
    let r = reply;
    for (let rounds = 0;; rounds++) {
      if (!Array.isArray(r) || r.length !== 2 || !Array.isArray(r[1])) {
        return r;
      }
      for (const k of r[1]) keys.add(k as string);
      if (r[0] === "0") break;
      if (rounds > 100_000) throw new Error("SCAN does not end");
      r = await c.call(step.args[0], r[0] as string, ...step.args.slice(2));
    }
    return [...keys].sort();
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

export { isError };
