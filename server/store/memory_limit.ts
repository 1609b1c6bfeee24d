/**
 * The memory limit of a node and how it makes room: Redis's `maxmemory`,
 * `maxmemory-policy`, `maxmemory-samples`, `lfu-log-factor` and
 * `lfu-decay-time`, as one value the keyspace applies.
 *
 * @module
 */

/** The eviction policies, named as Redis names them. */
export const EVICTION_POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
] as const;

/** What the node does when a write would take it past `maxmemory`. */
export type EvictionPolicy = typeof EVICTION_POLICIES[number];

/** The memory limit and how the keyspace keeps to it. */
export interface MemoryLimit {
  /** The most bytes `used_memory` may reach; 0 = no limit. */
  readonly maxmemory: number;
  /** Which keys go first when the limit is reached. */
  readonly policy: EvictionPolicy;
  /** Keys sampled per eviction (Redis's `maxmemory-samples`, 1–64). */
  readonly samples: number;
  /** How slowly the LFU counter grows (Redis's `lfu-log-factor`, ≥ 0). */
  readonly lfuLogFactor: number;
  /** Minutes after which the LFU counter halves (Redis's `lfu-decay-time`, ≥ 0). */
  readonly lfuDecayTime: number;
}

/** Redis's defaults, except the policy: CacheMir is a cache, so allkeys-lru. */
export const DEFAULT_MEMORY_LIMIT: MemoryLimit = Object.freeze({
  maxmemory: 0,
  policy: "allkeys-lru",
  samples: 5,
  lfuLogFactor: 10,
  lfuDecayTime: 1,
});

/**
 * Tells whether a name is an eviction policy.
 *
 * @param name The name, lower case.
 * @returns `true` for one of {@linkcode EVICTION_POLICIES}.
 *
 * @example
 * ```ts
 * import { isEvictionPolicy } from "./memory_limit.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isEvictionPolicy("allkeys-lfu"));
 * assert.ok(!isEvictionPolicy("lru"));
 * ```
 */
export function isEvictionPolicy(name: string): name is EvictionPolicy {
  return (EVICTION_POLICIES as readonly string[]).includes(name);
}

/** What the keyspace holds, in bytes, for INFO memory and MEMORY STATS. */
export interface MemoryStats {
  /** `used_memory`: data + index + collections + what the node adds (client buffers). */
  readonly used: number;
  /** Record slots in use, with their size-class slack. */
  readonly records: number;
  /** The hash index's arrays. */
  readonly index: number;
  /** Collections kept as JavaScript structures (estimated). */
  readonly collections: number;
  /** Bytes reported by the node's `externalMemory` (connection buffers). */
  readonly external: number;
  /** Bytes the allocator holds in pages (live, free slots and empty pages kept for reuse). */
  readonly allocatorReserved: number;
  /** Bytes of live records, without slack: allocator_frag_ratio = reserved / live. */
  readonly allocatorLive: number;
}
