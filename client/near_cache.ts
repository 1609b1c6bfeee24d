/**
 * {@linkcode NearCache}: the client's near cache — string values and
 * hashes (field by field, or whole) read recently, kept in the process, bounded by entries and bytes (the least
 * recently used goes first), each for at most `ttlMs`. It holds no
 * connection: `client/_near.ts` fills it from replies and empties it from
 * the nodes' invalidation pushes.
 *
 * Once full, a new value gets in only if its key was read more often
 * lately than the value it would push out (TinyLFU admission, counted in a
 * small frequency sketch): a key read once does not displace a popular
 * one. On Zipf(0.99) reads over 100,000 keys with room for 10,000 that
 * keeps 76% of reads in the process where plain LRU keeps 72% (holding the
 * 10,000 most read keys would keep 80%). `admission: "always"` makes it
 * plain LRU.
 *
 * A read may not fill it with a value an invalidation has overtaken: a
 * read takes a token ({@linkcode NearCache.begin}) before it is sent, and
 * {@linkcode NearCache.store} refuses its value when the key (or the whole
 * cache, or the node it came from) was invalidated after that token.
 *
 * @module
 */

import { FrequencySketch } from "./_frequency_sketch.ts";

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
   * Which values get in once the cache is full: `"frequency"` admits a
   * value only when its key was read more often lately than the least
   * recently used value's (TinyLFU); `"always"` admits every value (plain
   * LRU).
   * @default {"frequency"}
   */
  readonly admission?: "frequency" | "always";
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
  /**
   * Values read from a node and not kept: the cache was full and their key
   * was read less often lately than the value they would have replaced.
   */
  readonly rejections: number;
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

/**
 * Keys remembered as "invalidated at" per generation: past that, a new
 * generation starts and the one before the last is forgotten (reads in
 * flight since before it may then not store). Two small maps stay in the
 * processor's cache where one large one would not.
 */
const EPOCH_GENERATION = 4096;

/** Bytes counted per hash field beyond its name and value. */
const FIELD_OVERHEAD = 16;

const DECODER = new TextDecoder("utf-8", { ignoreBOM: true });

/** What a read needs from an entry: one of the `WANT_*` below. */
type Want = 0 | 1 | 2 | 3;
/** A string value as text (GET). */
const WANT_TEXT: Want = 0;
/** A string value's bytes (GET as bytes). */
const WANT_BYTES: Want = 1;
/** A hash's field (HGET). */
const WANT_FIELD: Want = 2;
/** A whole hash (HGETALL). */
const WANT_HASH: Want = 3;

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameRecord(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  return true;
}

/** Whether an entry answers a read. */
function answers(e: Entry, want: Want, field: string | undefined): boolean {
  switch (want) {
    case WANT_TEXT:
      return e.text !== undefined || e.bytes !== undefined;
    case WANT_BYTES:
      // A value read as text may not be its bytes (invalid UTF-8 decodes
      // to U+FFFD): the read replaces it.
      return e.bytes !== undefined;
    case WANT_FIELD:
      return e.record !== undefined
        ? !e.lossy
        : e.fields !== undefined && e.fields.has(field!);
    default:
      return e.record !== undefined;
  }
}

interface Entry {
  readonly key: string;
  /** The key's hash in the frequency sketch. */
  readonly hash: number;
  /** Less recently used neighbour (towards the oldest); `null` at the end. */
  older: Entry | null;
  /** More recently used neighbour; `null` for the newest. */
  newer: Entry | null;
  /**
   * The value's bytes, `null` for a key the node said is missing;
   * `undefined` for a value read as text (asking for its bytes reads them).
   */
  bytes: Uint8Array | null | undefined;
  /** Its text, decoded from `bytes` when first asked for. */
  text: string | null | undefined;
  /**
   * A hash's fields read one by one (HGET; `null`: the node said the field
   * is missing); `undefined` for a string value or a whole hash.
   */
  fields: Map<string, string | null> | undefined;
  /** A hash read whole (HGETALL), as text; `undefined` otherwise. */
  record: Readonly<Record<string, string>> | undefined;
  /**
   * `record`'s field names are not all text the node's bytes are the UTF-8
   * of (one holds U+FFFD): it cannot tell HGET which field is which.
   */
  lossy: boolean;
  size: number;
  readonly expiresAt: number;
  readonly node: string;
  /** Its node's counters. */
  readonly counters: Counters;
  /** When it was last made the newest ({@linkcode NearCache}'s link count). */
  stamp: number;
}

interface Counters {
  hits: number;
  misses: number;
  evictions: number;
  invalidations: number;
  rejections: number;
}

/**
 * The node that serves a read, for its counters: its address, or a
 * function giving it, called only on a miss (a hit then skips finding the
 * key's node).
 */
export type NodeOf = string | (() => string);

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
  /** How often keys were read lately; `undefined` with `admission: "always"`. */
  #sketch: FrequencySketch | undefined;
  /** Entries made the newest so far. */
  #links = 0;
  /**
   * A hit moves its entry to the newest end only when at least this many
   * others were made newest since it was: recency to a quarter of the
   * cache, without relinking the hottest entries on every read.
   */
  #relinkAfter: number;
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
  /**
   * Key → the invalidation count when it was last invalidated, for the
   * invalidations since `#epochsSince`; the generation before in
   * `#oldEpochs`.
   */
  #epochs = new Map<string, number>();
  #oldEpochs = new Map<string, number>();
  #epochsSince = 0;
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
    const admission = options.admission ?? "frequency";
    if (admission !== "frequency" && admission !== "always") {
      throw new RangeError(
        `Invalid nearCache.admission: ${
          JSON.stringify(admission)
        } (must be "frequency" or "always")`,
      );
    }
    this.#sketch = admission === "frequency"
      ? new FrequencySketch(this.#maxEntries)
      : undefined;
    this.#relinkAfter = this.#maxEntries >> 2;
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
      c = { ...ZERO };
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
    const t: Counters = { ...ZERO };
    for (const c of this.#counters.values()) {
      t.hits += c.hits;
      t.misses += c.misses;
      t.evictions += c.evictions;
      t.invalidations += c.invalidations;
      t.rejections += c.rejections;
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
   * Looks a key up, as a hit or a miss: a hit when its entry answers what is
   * asked (`want`).
   *
   * @param key The key's name (its text).
   * @param node The node that serves it (for its counters).
   * @param want What the read needs.
   * @param field HGET's field.
   * @returns The entry; `undefined` on a miss.
   */
  #hit(
    key: string,
    node: NodeOf,
    want: Want,
    field?: string,
  ): Entry | undefined {
    const e = this.#entries.get(key);
    const sketch = this.#sketch;
    if (e === undefined || !answers(e, want, field)) {
      if (sketch !== undefined) sketch.increment(sketch.hash(key));
      this.#missed(node);
      return undefined;
    }
    if (sketch !== undefined) sketch.increment(e.hash);
    if (this.#now() >= e.expiresAt) {
      this.#drop(key, e);
      e.counters.evictions++;
      this.#missed(node);
      return undefined;
    }
    if (this.#links - e.stamp > this.#relinkAfter) {
      this.#unlink(e);
      this.#link(e);
    }
    e.counters.hits++;
    return e;
  }

  #missed(node: NodeOf): void {
    this.#count(typeof node === "string" ? node : node()).misses++;
  }

  /**
   * A cached value as bytes (GET's `getBuffer`): a copy, the caller may
   * change it.
   *
   * @param key The key's name (its text).
   * @param node The node that serves it (or a function giving it, called
   * on a miss only).
   * @returns The bytes, `null` for a missing key, `undefined` on a miss.
   */
  bytesOf(key: string, node: NodeOf): NearValue | undefined {
    const e = this.#hit(key, node, WANT_BYTES);
    if (e === undefined) return undefined;
    return e.bytes === null ? null : e.bytes!.slice();
  }

  /**
   * A cached value as text (GET).
   *
   * @param key The key's name (its text).
   * @param node The node that serves it (or a function giving it, called
   * on a miss only).
   * @returns The text, `null` for a missing key, `undefined` on a miss.
   */
  text(key: string, node: NodeOf): string | null | undefined {
    const e = this.#hit(key, node, WANT_TEXT);
    if (e === undefined) return undefined;
    if (e.text === undefined) {
      e.text = e.bytes === null ? null : DECODER.decode(e.bytes);
    }
    return e.text;
  }

  /**
   * A hash's field, as text (HGET).
   *
   * @param key The key's name (its text).
   * @param field The field's name (its text).
   * @param node The node that serves it (or a function giving it, called
   * on a miss only).
   * @returns The value, `null` for a missing field (or key), `undefined` on
   * a miss.
   */
  field(key: string, field: string, node: NodeOf): string | null | undefined {
    const e = this.#hit(key, node, WANT_FIELD, field);
    if (e === undefined) return undefined;
    const record = e.record;
    if (record === undefined) return e.fields!.get(field)!;
    return Object.hasOwn(record, field) ? record[field] : null;
  }

  /**
   * A whole hash, as text (HGETALL): a copy, the caller may change it.
   *
   * @param key The key's name (its text).
   * @param node The node that serves it (or a function giving it, called
   * on a miss only).
   * @returns Its fields and values (none for a missing key), `undefined` on
   * a miss.
   */
  hash(key: string, node: NodeOf): Record<string, string> | undefined {
    const e = this.#hit(key, node, WANT_HASH);
    return e === undefined ? undefined : { ...e.record! };
  }

  /**
   * Keeps a value read from a node as bytes, unless an invalidation of the
   * key, of its node or of everything came after the read's token, or the
   * cache is full and the key was read less often lately than the value it
   * would replace.
   *
   * @param key The key, as {@linkcode NearCache.text} is asked for it.
   * @param value Its bytes (kept as given: pass a copy), or `null` for missing.
   * @param node The node it was read from.
   * @param token The read's {@linkcode begin} token.
   * @returns `true` when it was kept.
   */
  store(key: string, value: NearValue, node: string, token: number): boolean {
    return this.#keep(
      key,
      node,
      token,
      value === null ? 0 : value.length,
      (e) => {
        e.bytes = value;
        if (value === null) e.text = null;
      },
      (old) =>
        old.bytes !== undefined
          ? sameBytes(old.bytes, value)
          : old.text !== undefined &&
            old.text === (value === null ? null : DECODER.decode(value)),
    );
  }

  /**
   * Keeps a value read from a node as text: as {@linkcode store}.
   *
   * @param key The key.
   * @param text The value as text, or `null` for missing.
   * @param byteLength Its length in bytes (counted against `maxBytes`).
   * @param node The node it was read from.
   * @param token The read's {@linkcode begin} token.
   * @returns `true` when it was kept.
   */
  storeText(
    key: string,
    text: string | null,
    byteLength: number,
    node: string,
    token: number,
  ): boolean {
    return this.#keep(
      key,
      node,
      token,
      byteLength,
      (e) => {
        e.text = text;
        if (text === null) e.bytes = null;
      },
      (old) =>
        old.text !== undefined ? old.text === text : old.bytes !== undefined &&
          (old.bytes === null ? null : DECODER.decode(old.bytes)) === text,
    );
  }

  /**
   * Keeps a hash's field read from a node (HGET), as {@linkcode store}
   * does a value: beside the fields of the key kept already.
   *
   * @param key The key.
   * @param field The field.
   * @param value Its value as text, or `null` for a missing field.
   * @param node The node it was read from.
   * @param token The read's {@linkcode begin} token.
   * @returns `true` when it was kept.
   */
  storeField(
    key: string,
    field: string,
    value: string | null,
    node: string,
    token: number,
  ): boolean {
    const size = field.length + (value === null ? 0 : value.length) +
      FIELD_OVERHEAD;
    const e = this.#entries.get(key);
    if (
      e === undefined || e.fields === undefined ||
      !this.#current(key, node, token)
    ) {
      return this.#keep(
        key,
        node,
        token,
        size,
        (made) => {
          made.fields = new Map([[field, value]]);
        },
        () => false,
      );
    }
    // Another field of a hash kept already: the entry grows.
    if (e.fields.has(field)) {
      if (e.fields.get(field) === value) return true;
      this.#disagree(e);
      return false;
    }
    if (e.size + size > this.#maxBytes) return false;
    e.fields.set(field, value);
    e.size += size;
    this.#bytes += size;
    if (this.#newest !== e) {
      this.#unlink(e);
      this.#link(e);
    }
    this.#trim();
    return true;
  }

  /**
   * Keeps a whole hash read from a node (HGETALL), as {@linkcode store}
   * does a value.
   *
   * @param key The key.
   * @param record Its fields and values as text (none: a missing key).
   * @param node The node it was read from.
   * @param token The read's {@linkcode begin} token.
   * @returns `true` when it was kept.
   */
  storeHash(
    key: string,
    record: Record<string, string>,
    node: string,
    token: number,
  ): boolean {
    let size = 0;
    let lossy = false;
    for (const field in record) {
      size += field.length + record[field].length + FIELD_OVERHEAD;
      if (field.includes("\ufffd")) lossy = true;
    }
    const copy = Object.freeze({ ...record });
    return this.#keep(
      key,
      node,
      token,
      size,
      (e) => {
        e.record = copy;
        e.lossy = lossy;
      },
      (old) => {
        if (old.fields !== undefined) {
          for (const [field, value] of old.fields) {
            const now = Object.hasOwn(copy, field) ? copy[field] : null;
            if (now !== value) return false;
          }
          return true;
        }
        return old.record !== undefined && sameRecord(old.record, copy);
      },
    );
  }

  /** Whether a read with `token` may still store `key` read from `node`. */
  #current(key: string, node: string, token: number): boolean {
    // Nothing was invalidated while it was read: nothing to check.
    return token === this.#seq || !(
      token < this.#floor ||
      (this.#epochs.get(key) ?? 0) > token ||
      (this.#oldEpochs.get(key) ?? 0) > token ||
      (this.#nodeEpochs.get(node) ?? 0) > token
    );
  }

  /**
   * Two reads of a key in flight at once (on two connections) brought
   * different answers: a write came between them, and the invalidation
   * of the older one is still on its way. Which is older cannot be told,
   * so neither is kept: the next read asks the node.
   */
  #disagree(old: Entry): void {
    this.#drop(old.key, old);
    old.counters.invalidations++;
  }

  /**
   * Keeps a new entry for `key`, filled by `fill`, unless the read is
   * stale, too big, or not admitted, or an entry kept meanwhile by another
   * read of the key does not `agree` with it (then neither is kept: see
   * {@linkcode NearCache.#disagree}).
   */
  #keep(
    key: string,
    node: string,
    token: number,
    valueSize: number,
    fill: (e: Entry) => void,
    agree: (old: Entry) => boolean,
  ): boolean {
    if (!this.#current(key, node, token)) return false;
    const size = key.length + valueSize + ENTRY_OVERHEAD;
    if (size > this.#maxBytes) return false;
    const entries = this.#entries;
    const old = entries.get(key);
    const sketch = this.#sketch;
    const hash = old !== undefined
      ? old.hash
      : sketch !== undefined
      ? sketch.hash(key)
      : 0;
    const counters = this.#count(node);
    if (old !== undefined) {
      if (!agree(old)) {
        this.#disagree(old);
        return false;
      }
      this.#drop(key, old);
    } else if (
      sketch !== undefined && entries.size >= this.#maxEntries &&
      sketch.estimate(hash) <= sketch.estimate(this.#oldest!.hash)
    ) {
      counters.rejections++;
      return false;
    }
    const e: Entry = {
      key,
      hash,
      older: null,
      newer: null,
      bytes: undefined,
      text: undefined,
      fields: undefined,
      record: undefined,
      lossy: false,
      size,
      expiresAt: this.#now() + this.#ttlMs,
      node,
      counters,
      stamp: 0,
    };
    fill(e);
    entries.set(key, e);
    this.#link(e);
    this.#bytes += size;
    this.#trim();
    return true;
  }

  /** Evicts the least recently used entries while over a bound. */
  #trim(): void {
    const entries = this.#entries;
    while (entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#oldest!;
      this.#drop(oldest.key, oldest);
      oldest.counters.evictions++;
    }
  }

  /** Makes `e` the newest. */
  #link(e: Entry): void {
    e.older = this.#newest;
    e.newer = null;
    if (this.#newest !== null) this.#newest.newer = e;
    this.#newest = e;
    e.stamp = ++this.#links;
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
   * @param keys The keys' names (their text).
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
        e.counters.invalidations++;
      }
    }
    if (epochs.size >= EPOCH_GENERATION) {
      // Bounded memory: forget the generation before this one, and refuse
      // the reads in flight since before this one began.
      this.#floor = Math.max(this.#floor, this.#epochsSince);
      this.#oldEpochs = epochs;
      this.#epochs = new Map();
      this.#epochsSince = seq;
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
        e.counters.invalidations++;
      }
    }
  }

  /** Drops everything (FLUSHALL, the nodes changed), and refuses reads in flight. */
  clear(): void {
    const seq = ++this.#seq;
    this.#floor = seq;
    this.#epochs.clear();
    this.#oldEpochs.clear();
    this.#epochsSince = seq;
    this.#nodeEpochs.clear();
    for (const e of this.#entries.values()) e.counters.invalidations++;
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
  rejections: 0,
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
