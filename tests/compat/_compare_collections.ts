/**
 * Comparators for the hash, list and set commands: where Redis and CacheMir
 * may rightly answer differently, what is compared instead.
 *
 * - Order: Redis lists small integer sets sorted, other sets and big hashes
 *   in hash-table order; CacheMir in its own order. Unordered replies are
 *   sorted, keeping their RESP kind (array, RESP3 set, RESP3 map).
 * - Random picks (SPOP, SRANDMEMBER, HRANDFIELD): each server's pick is
 *   checked against its own state (the members exist, how many, distinct
 *   or not, values match their fields), and SPOP's members are added back
 *   so that both servers keep the same state.
 * - HSCAN / SSCAN: run to completion on each server; the sets of elements
 *   are compared (cursors are positions in different structures).
 *
 * @module
 */

import type { RespClient, RespValue } from "../_helpers/resp_client.ts";
import type { Comparator, Step } from "./_gen.ts";
import { elements, isSet, scanToEnd, show, sortValues } from "./_compare.ts";

function isMap(v: RespValue): v is { readonly map: [RespValue, RespValue][] } {
  return typeof v === "object" && v !== null && "map" in v;
}

/**
 * An unordered collection (SMEMBERS, SINTER, HKEYS...): sorted, keeping
 * whether it was an array or a RESP3 set.
 */
export const UNORDERED: Comparator = Object.freeze({
  name: "unordered",
  normalize: (v: RespValue): RespValue => {
    if (Array.isArray(v)) return sortValues(v);
    if (isSet(v)) return { set: sortValues(v.set) };
    return v;
  },
});

function sortPairs(flat: readonly RespValue[]): RespValue[] {
  const pairs: [RespValue, RespValue][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    pairs.push([flat[i], flat[i + 1]]);
  }
  pairs.sort((a, b) => {
    const ka = show(a[0]);
    const kb = show(b[0]);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return pairs.flat();
}

/**
 * HGETALL: a RESP3 map, or on RESP2 a flat array of field, value pairs,
 * sorted by field.
 */
export const UNORDERED_PAIRS: Comparator = Object.freeze({
  name: "unordered-pairs",
  normalize: (v: RespValue): RespValue => {
    if (Array.isArray(v)) return sortPairs(v);
    if (isMap(v)) {
      const sorted = sortPairs(v.map.flat());
      const pairs: [RespValue, RespValue][] = [];
      for (let i = 0; i < sorted.length; i += 2) {
        pairs.push([sorted[i], sorted[i + 1]]);
      }
      return { map: pairs };
    }
    return v;
  },
});

/**
 * Runs HSCAN / SSCAN to completion from the step's first reply. COUNT is a
 * hint: after the first call (whose COUNT the generator chose), it
 * continues in big steps; the options before it still apply.
 */
function collectionScanToEnd(
  c: RespClient,
  reply: RespValue,
  step: Step,
  each: (items: RespValue[]) => void,
): Promise<RespValue | undefined> {
  return scanToEnd(
    c,
    reply,
    step,
    { cursorAt: 2, more: ["COUNT", "1000"] },
    each,
  );
}

/** SSCAN run to completion: the sorted set of members seen. */
export const SSCAN_ALL: Comparator = Object.freeze({
  name: "sscan-to-completion",
  followUp: async (
    c: RespClient,
    reply: RespValue,
    step: Step,
  ): Promise<RespValue> => {
    const seen = new Set<string>();
    const odd = await collectionScanToEnd(c, reply, step, (items) => {
      for (const m of items) seen.add(m as string);
    });
    return odd ?? [...seen].sort();
  },
});

/** HSCAN run to completion: the field, value pairs seen, sorted by field. */
export const HSCAN_ALL: Comparator = Object.freeze({
  name: "hscan-to-completion",
  followUp: async (
    c: RespClient,
    reply: RespValue,
    step: Step,
  ): Promise<RespValue> => {
    const seen = new Map<string, RespValue>();
    const odd = await collectionScanToEnd(c, reply, step, (items) => {
      for (let i = 0; i + 1 < items.length; i += 2) {
        seen.set(items[i] as string, items[i + 1]);
      }
    });
    return odd ?? sortPairs([...seen].flat());
  },
});

/** The reply's kind: `"array"`, `"set"`, or the value itself. */
function kind(v: RespValue): string {
  if (Array.isArray(v)) return "array";
  if (isSet(v)) return "set";
  return show(v);
}

/** The count argument of SPOP / SRANDMEMBER / HRANDFIELD, or `undefined`. */
function countArg(step: Step): bigint | undefined {
  const arg = step.args[2];
  if (arg === undefined) return undefined;
  try {
    return BigInt(arg);
  } catch {
    return undefined;
  }
}

/**
 * SPOP: the members popped are added back on the same server (so that both
 * keep the same state; a set SPOP emptied comes back without its TTL on
 * both). Compared: the reply's kind, how many were popped, and how many of
 * them SADD found missing (all of them, when SPOP removed what it
 * returned).
 */
export const SPOP_RESTORE: Comparator = Object.freeze({
  name: "spop-then-restore",
  followUp: async (
    c: RespClient,
    reply: RespValue,
    step: Step,
  ): Promise<RespValue> => {
    const key = step.args[1];
    if (typeof reply === "string") {
      return ["one", await c.call("SADD", key, reply)];
    }
    const items = elements(reply);
    if (items === undefined) return reply;
    if (items.length === 0) return [kind(reply), 0, 0];
    const added = await c.call("SADD", key, ...(items as string[]));
    return [kind(reply), items.length, added];
  },
});

/**
 * SRANDMEMBER: a single pick must be a member; with a count, compared are
 * the reply's kind, its length, whether every pick is a member, whether the
 * picks are distinct (positive counts), and the whole set, sorted, when the
 * count covers it.
 */
export const SRANDMEMBER_CHECK: Comparator = Object.freeze({
  name: "srandmember-checked",
  followUp: async (
    c: RespClient,
    reply: RespValue,
    step: Step,
  ): Promise<RespValue> => {
    const key = step.args[1];
    if (typeof reply === "string") {
      return ["one", await c.call("SISMEMBER", key, reply)];
    }
    const items = elements(reply);
    if (items === undefined) return reply;
    const count = countArg(step) ?? 0n;
    const flags = items.length === 0
      ? []
      : await c.call("SMISMEMBER", key, ...(items as string[])) as number[];
    const allMembers = flags.every((f) => f === 1);
    const out: RespValue[] = [kind(reply), items.length, allMembers];
    if (count > 0n) {
      out.push(new Set(items as string[]).size === items.length);
      const card = await c.call("SCARD", key) as number;
      if (count >= BigInt(card)) out.push(sortValues(items));
    }
    return out;
  },
});

/**
 * HRANDFIELD: like {@linkcode SRANDMEMBER_CHECK} for fields; with
 * WITHVALUES also the shape (pairs on RESP3, flat on RESP2) and that every
 * value is its field's.
 */
export const HRANDFIELD_CHECK: Comparator = Object.freeze({
  name: "hrandfield-checked",
  followUp: async (
    c: RespClient,
    reply: RespValue,
    step: Step,
  ): Promise<RespValue> => {
    const key = step.args[1];
    if (typeof reply === "string") {
      return ["one", await c.call("HEXISTS", key, reply)];
    }
    if (!Array.isArray(reply)) return reply;
    const withValues = step.args.length === 4;
    const count = countArg(step) ?? 0n;
    let fields: string[];
    let values: RespValue[] | undefined;
    let shape = "fields";
    if (!withValues) {
      fields = reply as string[];
    } else if (reply.length > 0 && Array.isArray(reply[0])) {
      shape = "pairs";
      fields = reply.map((p) => (p as RespValue[])[0] as string);
      values = reply.map((p) => (p as RespValue[])[1]);
    } else {
      shape = "flat";
      fields = reply.filter((_, i) => i % 2 === 0) as string[];
      values = reply.filter((_, i) => i % 2 === 1);
    }
    const actual = fields.length === 0
      ? []
      : await c.call("HMGET", key, ...fields) as RespValue[];
    const allFields = actual.every((v) => v !== null);
    const valuesMatch = values === undefined ||
      values.every((v, i) => show(v) === show(actual[i]));
    const out: RespValue[] = [
      shape,
      fields.length,
      allFields,
      valuesMatch,
    ];
    if (count > 0n) {
      out.push(new Set(fields).size === fields.length);
      const size = await c.call("HLEN", key) as number;
      if (count >= BigInt(size)) {
        out.push(sortPairs(fields.flatMap((f, i) => [f, actual[i]])));
      }
    }
    return out;
  },
});
