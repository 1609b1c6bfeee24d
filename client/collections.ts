/**
 * The options and data types of {@linkcode CacheMirClient}'s hash, list and
 * set methods.
 *
 * @module
 */

import type { Value } from "./client.ts";
import type { Key } from "./hash.ts";

/**
 * Fields and values for {@linkcode CacheMirClient.hset}: an object, or a
 * Map (whose keys may be bytes).
 */
export type HashData =
  | Readonly<Record<string, Value>>
  | ReadonlyMap<Key, Value>;

/** Options of {@linkcode CacheMirClient.hscan} and {@linkcode CacheMirClient.sscan}. */
export interface CollectionScanOptions {
  /** Only fields / members matching this glob-style pattern (`MATCH`). */
  readonly match?: Key;
  /**
   * A hint of how many elements to look at per call (`COUNT`). A hash or
   * set of up to 128 elements always comes back whole in one call.
   */
  readonly count?: number;
}

/** Options of {@linkcode CacheMirClient.lpos}. */
export interface LPosOptions {
  /**
   * Which match to start from (`RANK`): 1 is the first from the head, 2 the
   * second...; -1 the first from the tail. Not 0.
   * @default {1}
   */
  readonly rank?: number;
  /**
   * Return up to this many positions as an array (`COUNT`); 0 returns all.
   * Without it one position (or `null`) is returned.
   */
  readonly count?: number;
  /**
   * Compare at most this many elements (`MAXLEN`); 0 compares them all.
   * @default {0}
   */
  readonly maxlen?: number;
}

/** Options of {@linkcode CacheMirClient.sintercard}. */
export interface SInterCardOptions {
  /**
   * Stop counting at this number (`LIMIT`); 0 counts them all.
   * @default {0}
   */
  readonly limit?: number;
}

/** An end of a list, for {@linkcode CacheMirClient.lmove}. */
export type ListEnd = "LEFT" | "RIGHT";

/** Where {@linkcode CacheMirClient.linsert} inserts, relative to the pivot. */
export type InsertPosition = "BEFORE" | "AFTER";
