/**
 * {@linkcode Keyspace}: the node's one keyspace, keys to typed values, with
 * TTLs kept beside it for volatile keys only.
 *
 * Representation (chosen with the measurements of issue 2): a string value
 * is stored directly as a byte string in a `Map<string, Value>` (no wrapper
 * object), and expiry times live in a second `Map<string, number>` that
 * holds only the keys that have one. Expiry is lazy (an expired key is
 * never returned by any method: it is deleted when it is touched) and active
 * (see `expiry.ts`, which calls {@linkcode Keyspace.expireSome}).
 *
 * Every write and delete goes through `#write` and `#remove`: the seam for
 * memory accounting and eviction.
 *
 * @module
 */

import { TombstoneMap } from "./_tombstone_map.ts";
import {
  DEFAULT_MEMORY_LIMIT,
  type MemoryLimit,
  type MemoryStats,
} from "./memory_limit.ts";

/** The type of a value, as TYPE names it. */
export type ValueType = "string" | "hash" | "list" | "set";

/**
 * A value of a collection type (hash, list or set). Each collection class
 * says its type, so {@linkcode typeOf} needs no `instanceof` chain.
 */
export interface CollectionValue {
  /** The type TYPE reports. */
  readonly type: "hash" | "list" | "set";
}

/** A value in the keyspace: a byte string, or a collection. */
export type Value = string | CollectionValue;

/**
 * An absolute expiry time in ms since the epoch. A `bigint` only beyond
 * `Number.MAX_SAFE_INTEGER` (PEXPIREAT accepts any int64; year 287396 and on).
 */
export type ExpireTime = number | bigint;

/**
 * Tells the type of a value.
 *
 * @param value The value.
 * @returns `"string"` for a byte string, else the collection's type.
 *
 * @example Name a type
 * ```ts
 * import { typeOf } from "./keyspace.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeOf("v"), "string");
 * ```
 */
export function typeOf(value: Value): ValueType {
  return typeof value === "string" ? "string" : value.type;
}

let cached = -1;
const forget = (): void => {
  cached = -1;
};

/** `Date.now()`, read once per turn of the event loop. */
function cachedNow(): number {
  if (cached < 0) {
    cached = Date.now();
    queueMicrotask(forget);
  }
  return cached;
}

/** Options of {@linkcode Keyspace}. */
export interface KeyspaceOptions {
  /**
   * The clock, in ms since the epoch (tests move time without sleeping).
   * The default reads `Date.now()` once per turn of the event loop and
   * caches it until the turn's microtasks run, as Redis caches its clock per
   * event-loop iteration: every command of one read batch sees the same
   * time, and the 50 ns of `Date.now()` are not paid per command.
   * @default {cached Date.now}
   */
  readonly now?: () => number;
  /**
   * A source of uniform numbers in [0, 1), for RANDOMKEY.
   * @default {Math.random}
   */
  readonly random?: () => number;
  /**
   * How many SCAN cursors are kept alive at once; the least recently used
   * one is dropped beyond that.
   * @default {1024}
   */
  readonly maxScanCursors?: number;
  /**
   * How long an unused SCAN cursor is kept, in ms.
   * @default {600000}
   */
  readonly scanCursorIdleMs?: number;
  /**
   * The memory limit and eviction policy (see `memory_limit.ts`).
   * @default {DEFAULT_MEMORY_LIMIT}
   */
  readonly memory?: Partial<MemoryLimit>;
  /**
   * Bytes the node holds outside the keyspace that count toward the limit
   * (connection input and output buffers), read when the limit is checked.
   * @default {() => 0}
   */
  readonly externalMemory?: () => number;
}

/** One step of SCAN. */
export interface ScanResult {
  /** The cursor to pass next; `0` when the scan is complete. */
  readonly cursor: number;
  /** The keys returned by this step. */
  readonly keys: string[];
}

/** What one call of {@linkcode Keyspace.expireSome} did. */
export interface ExpireSample {
  /** Volatile keys looked at. */
  readonly sampled: number;
  /** Keys found expired and deleted. */
  readonly expired: number;
}

interface ScanCursor {
  readonly iterator: Iterator<string>;
  /** Entries left to visit: the entries (live or dead) when the scan began, minus those visited. */
  remaining: number;
  lastUsed: number;
}

/**
 * The keyspace: byte-string keys to values, with expiry.
 *
 * Semantics are Redis's: a key with an expiry time `t` exists while
 * `now <= t` and is expired once `now > t`.
 *
 * @example Set, read and expire keys
 * ```ts
 * import { Keyspace } from "./keyspace.ts";
 * import assert from "node:assert/strict";
 *
 * let now = 1_000;
 * const ks = new Keyspace({ now: () => now });
 * ks.set("k", "v", now + 100);
 * assert.equal(ks.get("k"), "v");
 * now += 101;
 * assert.equal(ks.get("k"), undefined);
 * ```
 */
export class Keyspace {
  // Not plain Maps: deleting and re-adding the same key must stay O(1)
  // (see `_tombstone_map.ts`).
  #data = new TombstoneMap<Value>();
  #expires = new TombstoneMap<ExpireTime>();
  #now: () => number;
  #random: () => number;
  #expiredKeys = 0;
  #volatileIterator: Iterator<string> | undefined;
  #randomIterator: Iterator<string> | undefined;
  #cursors = new Map<number, ScanCursor>();
  #nextCursor = 1;
  #maxCursors: number;
  #cursorIdleMs: number;
  #memory: MemoryLimit;
  #external: () => number;
  #evictedKeys = 0;

  /**
   * Makes an empty keyspace.
   *
   * @param options The clock, randomness and SCAN cursor limits.
   */
  constructor(options: KeyspaceOptions = {}) {
    this.#now = options.now ?? cachedNow;
    this.#random = options.random ?? Math.random;
    this.#maxCursors = Math.max(1, options.maxScanCursors ?? 1024);
    this.#cursorIdleMs = options.scanCursorIdleMs ?? 600_000;
    this.#memory = { ...DEFAULT_MEMORY_LIMIT, ...options.memory };
    this.#external = options.externalMemory ?? (() => 0);
  }

  // ---- memory (contract of issue 8; the Map store only estimates) --------

  /** The memory limit in force. */
  get memoryLimit(): MemoryLimit {
    return this.#memory;
  }

  /**
   * Changes the memory limit or policy (CONFIG SET). Lowering `maxmemory`
   * evicts down to it at once, as far as the policy allows.
   *
   * @param patch The settings to change.
   */
  configureMemory(patch: Partial<MemoryLimit>): void {
    this.#memory = { ...this.#memory, ...patch };
    this.makeRoom();
  }

  /** Where the node's own bytes (connection buffers) are read from. */
  set externalMemory(read: () => number) {
    this.#external = read;
  }

  /** `used_memory`: what the keyspace holds plus the node's buffers, in bytes. */
  get usedMemory(): number {
    return this.memoryStats().used;
  }

  /**
   * What the keyspace holds, in bytes.
   *
   * @returns The breakdown INFO memory reports.
   */
  memoryStats(): MemoryStats {
    const records = this.#data.size * 100;
    const external = this.#external();
    return {
      used: records + external,
      records,
      index: 0,
      collections: 0,
      external,
      allocatorReserved: records,
      allocatorLive: records,
    };
  }

  /**
   * Evicts keys by the policy until `usedMemory` is at most `maxmemory`
   * (Redis's `performEvictions`).
   *
   * @returns `false` when the node is still over the limit (noeviction, or
   * nothing left the policy may evict): denyoom commands get OOM then.
   */
  makeRoom(): boolean {
    const max = this.#memory.maxmemory;
    return max === 0 || this.usedMemory <= max;
  }

  /** Keys evicted to stay under `maxmemory`. */
  get evictedKeys(): number {
    return this.#evictedKeys;
  }

  /** Zeroes the counters INFO reports (CONFIG RESETSTAT). */
  resetStats(): void {
    this.#evictedKeys = 0;
    this.#expiredKeys = 0;
  }

  /**
   * The LFU access counter of a key (OBJECT FREQ), meaningful under an LFU
   * policy.
   *
   * @param key The key.
   * @returns The counter (0–255), or `undefined` when the key is missing.
   */
  objectFreq(key: string): number | undefined {
    return this.has(key) ? 0 : undefined;
  }

  /**
   * Seconds since a key was last read or written (OBJECT IDLETIME).
   *
   * @param key The key.
   * @returns The idle time, or `undefined` when the key is missing.
   */
  objectIdleTime(key: string): number | undefined {
    return this.has(key) ? 0 : undefined;
  }

  /**
   * The keyspace's clock.
   *
   * @returns Now, in ms since the epoch.
   */
  now(): number {
    return this.#now();
  }

  /**
   * Number of keys, counting expired keys not reclaimed yet (as Redis's
   * DBSIZE does).
   */
  get size(): number {
    return this.#data.size;
  }

  /** Number of keys that have an expiry time. */
  get volatileSize(): number {
    return this.#expires.size;
  }

  /** Keys deleted because they expired (lazily or by the active cycle). */
  get expiredKeys(): number {
    return this.#expiredKeys;
  }

  // ---- the write seam: every change of #data goes through these ----------

  #write(key: string, value: Value): void {
    this.#data.set(key, value);
  }

  #remove(key: string): void {
    this.#data.delete(key);
    this.#expires.delete(key);
  }

  // ------------------------------------------------------------------------

  /** Deletes `key` if it has expired; returns `true` when it did. */
  #expireIfNeeded(key: string): boolean {
    const at = this.#expires.get(key);
    if (at === undefined || !(this.#now() > at)) return false;
    this.#remove(key);
    this.#expiredKeys++;
    return true;
  }

  /**
   * Reads a key.
   *
   * @param key The key.
   * @returns Its value, or `undefined` when it is missing or expired.
   */
  get(key: string): Value | undefined {
    const value = this.#data.get(key);
    if (value === undefined) return undefined;
    if (this.#expires.size !== 0 && this.#expireIfNeeded(key)) return undefined;
    return value;
  }

  /**
   * Tells whether a key exists (and has not expired).
   *
   * @param key The key.
   * @returns `true` when it exists.
   */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Writes a key and sets or clears its expiry, as SET does.
   *
   * @param key The key.
   * @param value The value.
   * @param expireAt The absolute expiry time; when absent the key is persistent.
   */
  set(key: string, value: Value, expireAt?: ExpireTime): void {
    this.#write(key, value);
    if (expireAt !== undefined) this.#expires.set(key, expireAt);
    else if (this.#expires.size !== 0) this.#expires.delete(key);
  }

  /**
   * Writes a key and keeps its expiry, as APPEND, INCR and SET KEEPTTL do
   * (a missing key is created persistent).
   *
   * @param key The key.
   * @param value The value.
   */
  replace(key: string, value: Value): void {
    if (this.#expires.size !== 0) this.#expireIfNeeded(key);
    this.#write(key, value);
  }

  /**
   * Deletes a key.
   *
   * @param key The key.
   * @returns `true` when the key existed (and had not expired).
   */
  delete(key: string): boolean {
    if (!this.#data.has(key)) return false;
    if (this.#expires.size !== 0 && this.#expireIfNeeded(key)) return false;
    this.#remove(key);
    return true;
  }

  /**
   * Reads a key's expiry time.
   *
   * @param key The key.
   * @returns The absolute expiry time in ms, `undefined` when the key is
   * persistent, missing or expired.
   */
  getExpire(key: string): ExpireTime | undefined {
    if (this.#expires.size === 0 || this.#expireIfNeeded(key)) return undefined;
    return this.#expires.get(key);
  }

  /**
   * Sets the expiry time of an existing key. A time already past makes the
   * key expired (it is gone for every reader); EXPIRE deletes it instead.
   *
   * @param key The key.
   * @param at The absolute expiry time in ms.
   * @returns `false` when the key is missing.
   */
  setExpire(key: string, at: ExpireTime): boolean {
    if (!this.has(key)) return false;
    this.#expires.set(key, at);
    return true;
  }

  /**
   * Removes a key's expiry time.
   *
   * @param key The key.
   * @returns `true` when the key had one.
   */
  persist(key: string): boolean {
    if (this.#expires.size === 0 || this.#expireIfNeeded(key)) return false;
    return this.#expires.delete(key);
  }

  /**
   * Moves a key's value and expiry to another name, replacing what was
   * there (RENAME). Renaming a key to itself changes nothing.
   *
   * @param from The source key.
   * @param to The destination key.
   * @returns `false` when the source is missing.
   */
  rename(from: string, to: string): boolean {
    const value = this.get(from);
    if (value === undefined) return false;
    if (from === to) return true;
    const at = this.#expires.get(from);
    if (this.#data.has(to)) this.#remove(to);
    this.#remove(from);
    this.set(to, value, at);
    return true;
  }

  /** Deletes every key and drops every SCAN cursor and sampler. */
  flush(): void {
    // New maps rather than clear(): live iterators would keep the old
    // tables reachable.
    this.#data = new TombstoneMap();
    this.#expires = new TombstoneMap();
    this.#cursors.clear();
    this.#volatileIterator = undefined;
    this.#randomIterator = undefined;
  }

  /**
   * Lists the live keys that pass a filter (KEYS). Expired keys met on the
   * way are deleted.
   *
   * @param accept Returns `true` for keys to keep; all keys when absent.
   * @returns The keys, in the keyspace's order.
   */
  keys(accept?: (key: string) => boolean): string[] {
    const out: string[] = [];
    const volatile = this.#expires.size !== 0;
    for (const key of this.#data.keys()) {
      if (volatile && this.#expireIfNeeded(key)) continue;
      if (accept === undefined || accept(key)) out.push(key);
    }
    return out;
  }

  /**
   * Picks a key at random (RANDOMKEY). A `Map` has no random access, so a
   * rotating iterator over the keys skips a random 0–15 keys each call:
   * every key can come out, in O(1), but draws are not independent.
   *
   * @returns A live key, or `undefined` when the keyspace is empty.
   */
  randomKey(): string | undefined {
    while (this.#data.size !== 0) {
      let skip = Math.floor(this.#random() * Math.min(16, this.#data.size));
      let key: string | undefined;
      while (key === undefined) {
        this.#randomIterator ??= this.#data.keys();
        const next = this.#randomIterator.next();
        if (next.done) {
          this.#randomIterator = undefined;
          continue;
        }
        if (skip-- === 0) key = next.value;
      }
      if (this.#expires.size === 0 || !this.#expireIfNeeded(key)) return key;
    }
    return undefined;
  }

  /**
   * One step of a SCAN. Cursor 0 starts a scan; the cursor returned leads to
   * the next step; 0 is returned when the scan is done.
   *
   * A `Map` has no stable positions, so a cursor is the id of a live `Map`
   * iterator held here. That keeps Redis's guarantee: every key present for
   * the whole scan is returned at least once (an iterator visits every
   * entry present when it reaches it; entries added meanwhile may or may not
   * be returned, and a key deleted and re-added can come twice). A scan
   * visits at most as many entries as the keyspace held when it began
   * (counting the entries of deleted keys not swept yet, which a re-added
   * key revives in place): the entries present at the start come first in
   * a `Map`'s order, so they are all visited by then, and the scan ends even while keys are added
   * faster than it reads them (Redis's scan ends too). Deviation
   * from Redis: cursors are not positions. At most `maxScanCursors` cursors
   * live at once and an unused one is dropped after `scanCursorIdleMs`; an
   * unknown or dropped cursor starts the scan again from the beginning, so
   * the guarantee holds at the price of duplicates.
   *
   * @param cursor 0, or a cursor returned by an earlier step.
   * @param count How many keys to visit in this step (at least 1).
   * @param accept Keeps a key in the reply (MATCH, TYPE); every visited key
   * counts toward `count` whether kept or not.
   * @returns The next cursor and the keys.
   */
  scan(
    cursor: number,
    count: number,
    accept?: (key: string, value: Value) => boolean,
  ): ScanResult {
    const now = this.#now();
    let entry = cursor === 0 ? undefined : this.#cursors.get(cursor);
    let id = cursor;
    if (entry === undefined) {
      entry = {
        iterator: this.#data.rawKeys(),
        remaining: this.#data.rawSize,
        lastUsed: now,
      };
      id = 0;
    } else {
      this.#cursors.delete(cursor); // re-inserted below as most recent
    }
    const keys: string[] = [];
    const iterator = entry.iterator;
    const volatile = this.#expires.size !== 0;
    let done = false;
    for (let visited = 0; visited < count; visited++) {
      if (entry.remaining === 0) {
        done = true;
        break;
      }
      const next = iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      entry.remaining--;
      const key = next.value;
      const value = this.#data.get(key);
      if (value === undefined) continue; // a deleted key's entry
      if (volatile && this.#expireIfNeeded(key)) continue;
      if (accept === undefined || accept(key, value)) keys.push(key);
    }
    if (entry.remaining === 0) done = true;
    if (done) return { cursor: 0, keys };
    if (id === 0) id = this.#newCursorId();
    entry.lastUsed = now;
    this.#cursors.set(id, entry);
    this.#pruneCursors(now);
    return { cursor: id, keys };
  }

  #newCursorId(): number {
    const id = this.#nextCursor;
    this.#nextCursor = id >= Number.MAX_SAFE_INTEGER ? 1 : id + 1;
    return id;
  }

  #pruneCursors(now: number): void {
    for (const [id, c] of this.#cursors) {
      if (
        this.#cursors.size > this.#maxCursors ||
        now - c.lastUsed > this.#cursorIdleMs
      ) {
        this.#cursors.delete(id);
      } else {
        break; // insertion order is least recently used first
      }
    }
  }

  /** Number of live SCAN cursors. */
  get scanCursors(): number {
    return this.#cursors.size;
  }

  /**
   * Samples volatile keys and deletes the expired ones: the work unit of the
   * active expire cycle. A `Map` has no random access, so the sample is the
   * next `max` keys of a persistent iterator over the volatile keys that
   * resumes where the last call stopped and restarts at the end: every
   * volatile key is looked at once per pass, and a pass takes
   * `volatileSize / max` calls.
   *
   * @param max Most keys to look at (at most one pass per call).
   * @returns How many keys were looked at and how many were expired.
   */
  expireSome(max: number): ExpireSample {
    const total = this.#expires.size;
    const limit = Math.min(max, total);
    let sampled = 0;
    let expired = 0;
    let restarted = false;
    const now = this.#now();
    while (sampled < limit) {
      this.#volatileIterator ??= this.#expires.keys();
      const next = this.#volatileIterator.next();
      if (next.done) {
        this.#volatileIterator = undefined;
        if (restarted) break;
        restarted = true;
        continue;
      }
      sampled++;
      const key = next.value;
      const at = this.#expires.get(key);
      if (at !== undefined && now > at) {
        this.#remove(key);
        this.#expiredKeys++;
        expired++;
      }
    }
    return { sampled, expired };
  }
}
