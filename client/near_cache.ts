/**
 * {@linkcode NearCache}: the client's near cache — string values read
 * recently, kept in the process, LRU-bounded by entries and bytes, each
 * for at most `ttlMs`. It holds no connection: `client/_near.ts` fills it
 * from replies and empties it from the nodes' invalidation pushes.
 *
 * A read may not fill it with a value an invalidation has overtaken: a
 * read takes a token ({@linkcode NearCache.begin}) before it is sent, and
 * {@linkcode NearCache.store} refuses its value when the key (or the whole
 * cache, or the node it came from) was invalidated after that token.
 *
 * @module
 */

/** The options of the near cache (`nearCache` of the client's options). */
export interface NearCacheOptions {
  /**
   * Most values kept; the least recently used goes first.
   * @default {10000}
   */
  readonly maxEntries?: number;
  /**
   * Most bytes kept (keys and values, plus a fixed overhead per entry).
   * @default {67108864}
   */
  readonly maxBytes?: number;
  /**
   * Longest a value is kept, in ms, whatever the node says.
   * @default {60000}
   */
  readonly ttlMs?: number;
  /**
   * Called on every invalidation the client receives from a node (`null`:
   * every key): a hook for measurements; most programs leave it unset.
   */
  readonly onInvalidate?: (keys: readonly string[] | null) => void;
}

/** What the near cache counted (the client's `stats()` reports it per node). */
export interface NearCacheStats {
  /** Reads answered from the near cache. */
  readonly hits: number;
  /** Reads that had to ask the node. */
  readonly misses: number;
  /** Values dropped to stay within `maxEntries` / `maxBytes`, or past `ttlMs`. */
  readonly evictions: number;
  /** Values dropped because a node said their key changed (or the client wrote it). */
  readonly invalidations: number;
}

/** Default of {@linkcode NearCacheOptions.maxEntries}. */
export const DEFAULT_NEAR_MAX_ENTRIES = 10_000;
/** Default of {@linkcode NearCacheOptions.maxBytes}: 64 MiB. */
export const DEFAULT_NEAR_MAX_BYTES = 64 * 1024 * 1024;
/** Default of {@linkcode NearCacheOptions.ttlMs}. */
export const DEFAULT_NEAR_TTL_MS = 60_000;

/** Bytes counted per entry beyond its key and value. */
const ENTRY_OVERHEAD = 64;

/** Most keys remembered as "invalidated since" before the whole memory is reset. */
const MAX_EPOCHS = 65_536;

const DECODER = new TextDecoder();

interface Entry {
  readonly key: string;
  /** Less recently used neighbour (towards the oldest); `null` at the end. */
  older: Entry | null;
  /** More recently used neighbour; `null` for the newest. */
  newer: Entry | null;
  /** The value's bytes; `null` for a key the node said is missing. */
  readonly bytes: Uint8Array | null;
  /** Its text, decoded once when first asked for. */
  text: string | null | undefined;
  readonly size: number;
  readonly expiresAt: number;
  readonly node: string;
}

interface Counters {
  hits: number;
  misses: number;
  evictions: number;
  invalidations: number;
}

/** A cached read: the value's bytes, or `null` for a missing key. */
export type NearValue = Uint8Array | null;

/**
 * The near cache's store.
 *
 * @example Fill, read, invalidate
 * ```ts
 * import { NearCache } from "@cachemir/client/near-cache";
 * import assert from "node:assert/strict";
 *
 * const cache = new NearCache({ maxEntries: 2 });
 * const token = cache.begin();
 * cache.store("k", new TextEncoder().encode("v"), "127.0.0.1:7379", token);
 * assert.equal(cache.text("k", "127.0.0.1:7379"), "v");
 * cache.invalidate(["k"]);
 * assert.equal(cache.text("k", "127.0.0.1:7379"), undefined);
 * ```
 */
export class NearCache {
  #entries = new Map<string, Entry>();
  /** The least and the most recently used entries (a doubly linked list). */
  #oldest: Entry | null = null;
  #newest: Entry | null = null;
  #bytes = 0;
  #maxEntries: number;
  #maxBytes: number;
  #ttlMs: number;
  #now: () => number;
  /** Invalidations so far: a read's token is the count when it was sent. */
  #seq = 0;
  /** Reads with a token below this may not store (everything was dropped after). */
  #floor = 0;
  /** Key → the invalidation count when it was last invalidated. */
  #epochs = new Map<string, number>();
  /** Node → the invalidation count when its values were last dropped. */
  #nodeEpochs = new Map<string, number>();
  #counters = new Map<string, Counters>();
  /** Called on every invalidation received. */
  readonly onInvalidate: ((keys: readonly string[] | null) => void) | undefined;

  /**
   * Makes an empty near cache.
   *
   * @param options Bounds and time to live.
   * @param now The clock, ms (for tests).
   * @throws {RangeError} When a bound is not a positive integer.
   */
  constructor(options: NearCacheOptions = {}, now: () => number = Date.now) {
    this.#maxEntries = positive(
      "maxEntries",
      options.maxEntries,
      DEFAULT_NEAR_MAX_ENTRIES,
    );
    this.#maxBytes = positive(
      "maxBytes",
      options.maxBytes,
      DEFAULT_NEAR_MAX_BYTES,
    );
    this.#ttlMs = positive("ttlMs", options.ttlMs, DEFAULT_NEAR_TTL_MS);
    this.#now = now;
    this.onInvalidate = options.onInvalidate;
  }

  /** Values held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes;
  }

  #count(node: string): Counters {
    let c = this.#counters.get(node);
    if (c === undefined) {
      c = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };
      this.#counters.set(node, c);
    }
    return c;
  }

  /**
   * A node's counters.
   *
   * @param node The node's address.
   * @returns Its hits, misses, evictions and invalidations.
   */
  stats(node: string): NearCacheStats {
    return { ...(this.#counters.get(node) ?? ZERO) };
  }

  /**
   * Every node's counters summed.
   *
   * @returns Hits, misses, evictions and invalidations.
   */
  totals(): NearCacheStats {
    const t = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };
    for (const c of this.#counters.values()) {
      t.hits += c.hits;
      t.misses += c.misses;
      t.evictions += c.evictions;
      t.invalidations += c.invalidations;
    }
    return t;
  }

  /**
   * Takes a read's token, before the read is sent.
   *
   * @returns The token to give {@linkcode store}.
   */
  begin(): number {
    return this.#seq;
  }

  /**
   * Looks a key up, as a hit or a miss.
   *
   * @param key The key, as a byte string.
   * @param node The node that serves it (for its counters).
   * @returns The entry's bytes or `null`; `undefined` on a miss.
   */
  #hit(key: string, node: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) {
      this.#count(node).misses++;
      return undefined;
    }
    if (this.#now() >= e.expiresAt) {
      this.#drop(key, e);
      this.#count(e.node).evictions++;
      this.#count(node).misses++;
      return undefined;
    }
    if (this.#newest !== e) {
      this.#unlink(e);
      this.#link(e);
    }
    this.#count(node).hits++;
    return e;
  }

  /**
   * A cached value as bytes (GET's `getBuffer`): a copy, the caller may
   * change it.
   *
   * @param key The key, as a byte string.
   * @param node The node that serves it.
   * @returns The bytes, `null` for a missing key, `undefined` on a miss.
   */
  bytesOf(key: string, node: string): NearValue | undefined {
    const e = this.#hit(key, node);
    if (e === undefined) return undefined;
    return e.bytes === null ? null : e.bytes.slice();
  }

  /**
   * A cached value as text (GET).
   *
   * @param key The key, as a byte string.
   * @param node The node that serves it.
   * @returns The text, `null` for a missing key, `undefined` on a miss.
   */
  text(key: string, node: string): string | null | undefined {
    const e = this.#hit(key, node);
    if (e === undefined) return undefined;
    if (e.text === undefined) {
      e.text = e.bytes === null ? null : DECODER.decode(e.bytes);
    }
    return e.text;
  }

  /**
   * Keeps a value read from a node, unless an invalidation of the key, of
   * its node or of everything came after the read's token.
   *
   * @param key The key, as a byte string.
   * @param value Its bytes (kept as given: pass a copy), or `null` for missing.
   * @param node The node it was read from.
   * @param token The read's {@linkcode begin} token.
   * @returns `true` when it was kept.
   */
  store(key: string, value: NearValue, node: string, token: number): boolean {
    if (
      token < this.#floor ||
      (this.#epochs.get(key) ?? 0) > token ||
      (this.#nodeEpochs.get(node) ?? 0) > token
    ) {
      return false;
    }
    const size = key.length + (value === null ? 0 : value.length) +
      ENTRY_OVERHEAD;
    if (size > this.#maxBytes) return false;
    const entries = this.#entries;
    const old = entries.get(key);
    if (old !== undefined) this.#drop(key, old);
    const e: Entry = {
      key,
      older: null,
      newer: null,
      bytes: value,
      text: undefined,
      size,
      expiresAt: this.#now() + this.#ttlMs,
      node,
    };
    entries.set(key, e);
    this.#link(e);
    this.#bytes += size;
    while (entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#oldest!;
      this.#drop(oldest.key, oldest);
      this.#count(oldest.node).evictions++;
    }
    return true;
  }

  /** Makes `e` the newest. */
  #link(e: Entry): void {
    e.older = this.#newest;
    e.newer = null;
    if (this.#newest !== null) this.#newest.newer = e;
    this.#newest = e;
    if (this.#oldest === null) this.#oldest = e;
  }

  #unlink(e: Entry): void {
    if (e.older !== null) e.older.newer = e.newer;
    else this.#oldest = e.newer;
    if (e.newer !== null) e.newer.older = e.older;
    else this.#newest = e.older;
    e.older = null;
    e.newer = null;
  }

  #drop(key: string, e: Entry): void {
    this.#entries.delete(key);
    this.#unlink(e);
    this.#bytes -= e.size;
  }

  /**
   * Keys changed (a node's push, or this client wrote them): their values
   * go, and reads in flight may not bring them back.
   *
   * @param keys The keys, as byte strings.
   */
  invalidate(keys: readonly string[]): void {
    const seq = ++this.#seq;
    const epochs = this.#epochs;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      epochs.set(key, seq);
      const e = this.#entries.get(key);
      if (e !== undefined) {
        this.#drop(key, e);
        this.#count(e.node).invalidations++;
      }
    }
    if (epochs.size > MAX_EPOCHS) {
      // Bounded memory: forget which keys, and refuse every read in flight.
      epochs.clear();
      this.#floor = seq;
    }
  }

  /**
   * Drops every value read from a node (its connection was lost: its
   * invalidations may never come), and refuses its reads in flight.
   *
   * @param node The node's address.
   */
  dropNode(node: string): void {
    const seq = ++this.#seq;
    this.#nodeEpochs.set(node, seq);
    for (const [key, e] of this.#entries) {
      if (e.node === node) {
        this.#drop(key, e);
        this.#count(node).invalidations++;
      }
    }
  }

  /** Drops everything (FLUSHALL, the nodes changed), and refuses reads in flight. */
  clear(): void {
    const seq = ++this.#seq;
    this.#floor = seq;
    this.#epochs.clear();
    this.#nodeEpochs.clear();
    for (const e of this.#entries.values()) {
      this.#count(e.node).invalidations++;
    }
    this.#entries.clear();
    this.#oldest = null;
    this.#newest = null;
    this.#bytes = 0;
  }
}

const ZERO: NearCacheStats = Object.freeze({
  hits: 0,
  misses: 0,
  evictions: 0,
  invalidations: 0,
});

function positive(
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(
      `Invalid nearCache.${name}: ${value} (must be a positive integer)`,
    );
  }
  return value;
}
