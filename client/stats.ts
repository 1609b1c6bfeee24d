/**
 * What {@linkcode CacheMirClient.stats} reports about each node.
 *
 * @module
 */

import type { NearCacheStats } from "./near_cache.ts";
import type { PoolStats } from "./pool.ts";

export type { PoolStats };

/** Whether a node serves its keys (`up`) or is routed around (`down`). */
export type NodeHealth = "up" | "down";

/** Latency percentiles of a node's recent commands. */
export interface LatencyStats {
  /** Median, in milliseconds; `NaN` before the first sample. */
  readonly p50: number;
  /** 99th percentile, in milliseconds; `NaN` before the first sample. */
  readonly p99: number;
  /**
   * How many samples the percentiles come from: one command in 8 is timed,
   * and the last 1024 timings are kept.
   */
  readonly samples: number;
}

/** One node's counters, as {@linkcode CacheMirClient.stats} reports them. */
export interface ClientNodeStats {
  /** The node's address, `host:port`. */
  readonly address: string;
  /** `up`, or `down` after `failureThreshold` consecutive failures until a health check passes. */
  readonly state: NodeHealth;
  /** The node's weight on the ring. */
  readonly weight: number;
  /** Commands sent to the node (each retry and each replica write counts). */
  readonly requests: number;
  /** Commands that failed, error replies included. */
  readonly errors: number;
  /** Of `errors`, those that timed out (connect, command, or waiting for a pool slot). */
  readonly timeouts: number;
  /** Commands sent again after a network failure on this node. */
  readonly retries: number;
  /**
   * Keys the node had, from the replies of the GET family (GET, GETEX,
   * GETDEL, MGET, HGET, HMGET: each value that is not null).
   */
  readonly hits: number;
  /** Keys (or fields) it did not have: the null values of those replies. */
  readonly misses: number;
  /** Network failures since the last success (resets on success and on going down). */
  readonly consecutiveFailures: number;
  /** Latency percentiles of recent commands, failures included. */
  readonly latency: LatencyStats;
  /** The node's connection pool. */
  readonly pool: PoolStats;
  /**
   * The near cache's counters for this node's keys (hits, misses,
   * evictions, invalidations); absent without `nearCache`.
   */
  readonly nearCache?: NearCacheStats;
}
