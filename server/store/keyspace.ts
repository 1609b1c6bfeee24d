/**
 * {@linkcode Keyspace}: the node's one keyspace, keys to typed values with
 * expiry, in memory the node owns.
 *
 * No JavaScript object per key. Every key is a record in an
 * {@linkcode Arena} slot (size-classed `ArrayBuffer` pages) and a slot in
 * the {@linkcode KeyIndex} (typed arrays, 256 segments that grow on their
 * own). A record is, in 32-bit words then bytes:
 *
 * | word | holds |
 * |---|---|
 * | 0 | type (bits 24–26: 1 string, 2 collection by handle, 3 packed collection), volatile flag (bit 27), raw flag (bit 28: a string changed in place), eviction clock (bits 0–23: LRU seconds, or LFU minutes << 8 \| counter) |
 * | 1 | key length |
 * | 2 | value length (string, packed collection) or collection handle |
 * | 3–4 | expiry, int64 ms (low, high): only when volatile |
 * | then | key bytes, value bytes |
 *
 * A 16-byte key with a 32-byte value is a 60-byte record in a 60-byte slot,
 * plus about 11–21 bytes of index: ~75 bytes a key.
 *
 * Small collections live packed in their record (`packed.ts`: listpack-
 * and intset-like encodings, within Redis 7.0.15's thresholds). A command
 * that reads one gets it unpacked into a `ByteHash`, `ByteSet` or
 * `ByteList`, behind a handle while the command works on it; after the
 * command ({@linkcode Keyspace.packCollections}) it is packed back if it
 * still fits. Big collections
 * stay JavaScript structures behind a handle; their
 * {@linkcode CollectionValue.memoryBytes} count toward `used_memory`.
 *
 * Expiry is lazy (an expired key is never returned: it is deleted when it
 * is touched) and active ({@linkcode Keyspace.expireSome}, driven by
 * `expiry.ts`, walks the index). A memory limit ({@linkcode MemoryLimit})
 * is kept by {@linkcode Keyspace.makeRoom}, with Redis's eviction policies
 * and approximations (sampling into an eviction pool of 16; LFU's
 * logarithmic counter with decay).
 *
 * Keys are byte strings (one char per byte, as handlers see them): the
 * store hashes and compares their char codes with the record's bytes; it
 * decodes nothing to look a key up and allocates nothing per lookup.
 *
 * @module
 */

import { Arena, MAX_SLOT_BYTES } from "./arena.ts";
import { ByteSpan } from "./byte_span.ts";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";
import {
  isCanonicalInt64,
  pack,
  PACKED_LIMITS,
  type PackedLimits,
  packedSize,
  packedType,
  unpackHash,
  unpackList,
  unpackSet,
} from "./packed.ts";
import { hashBytes, hashByteString, randomHashSeed } from "./key_hash.ts";
import { KeyIndex, MARK, SEGMENTS, storedHash } from "./key_index.ts";
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
  /** Estimated bytes the structure holds on V8's heap (kept up to date in O(1)). */
  readonly memoryBytes?: number;
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

/**
 * How a value is held, named as Redis 7.0's OBJECT ENCODING names the form
 * Redis would hold it in: a string `int` (a canonical int64 written whole),
 * `embstr` (at most 44 bytes, written whole) or `raw` (longer, or edited in
 * place: APPEND, SETRANGE...); a hash `listpack` (packed) or `hashtable`; a
 * set `intset` (packed) or `hashtable`; a list `quicklist` (Redis 7.0 holds
 * every list so, packed in one node or not).
 */
export type ObjectEncoding =
  | "int"
  | "embstr"
  | "raw"
  | "listpack"
  | "intset"
  | "hashtable"
  | "quicklist";

/** Longest string Redis 7.0 keeps with its object header in one allocation (embstr). */
const EMBSTR_MAX = 44;

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
   * A source of uniform numbers in [0, 1), for RANDOMKEY, eviction samples
   * and the LFU counter.
   * @default {Math.random}
   */
  readonly random?: () => number;
  /**
   * The seed of the key hash. Random by default, so that clients cannot
   * choose keys that collide.
   * @default {a random seed}
   */
  readonly hashSeed?: number;
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
  /**
   * The thresholds under which hashes, sets and lists are packed (Redis's
   * `hash-max-listpack-*`, `set-max-intset-entries`,
   * `list-max-listpack-size`).
   * @default {PACKED_LIMITS}
   */
  readonly packing?: Partial<PackedLimits>;
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

// ---- record layout ----------------------------------------------------------

const TYPE_SHIFT = 24;
const TYPE_STRING = 1 << TYPE_SHIFT;
const TYPE_COLLECTION = 2 << TYPE_SHIFT;
/** Bytes of one entry of the hash index: a 32-bit hash and a 32-bit reference. */
const INDEX_ENTRY_BYTES = 8;
const TYPE_PACKED = 3 << TYPE_SHIFT;
const TYPE_MASK = 7 << TYPE_SHIFT;
const VOLATILE = 1 << 27;
/** A string edited in place (APPEND, SETRANGE...): Redis's `raw` encoding. */
const RAW = 1 << 28;
const CLOCK_MASK = 0xffffff;
const HEADER = 12;
const VOLATILE_HEADER = 20;
/** How many keys a random pick samples before choosing one (Redis: 15). */
const FAIR_RANDOM_SAMPLE = 16;
const TWO_32 = 2 ** 32;
const ASCII = new TextEncoder();
const EMPTY = new Uint8Array(0);

// ---- eviction ---------------------------------------------------------------

/** Records defragmentation may move per key evicted, while fragmented. */
const DEFRAG_PER_EVICTION = 2;

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;
/** Redis's LFU_INIT_VAL: a new key's LFU counter. */
const LFU_INIT = 5;
/** Evictions between two looks at the clock in one `makeRoom`. */
const EVICTION_CLOCK_EVERY = 64;
/** Most time one `makeRoom` spends evicting before it lets the command run. */
const EVICTION_BUDGET_MS = 50;
/** Index slots one `expireSome` may walk per volatile key it may sample. */
const EXPIRE_WALK_FACTOR = 1000;

/** A copy of `flags` long enough to index `index`. */
function grow(flags: Uint8Array, index: number): Uint8Array {
  const grown = new Uint8Array(Math.max(index + 1, flags.length * 2));
  grown.set(flags);
  return grown;
}

/** The LRU clock: seconds, 24 bits (Redis's LRU_CLOCK at 1000 ms resolution). */
function lruClock(now: number): number {
  return Math.floor(now / 1000) & CLOCK_MASK;
}

/** Minutes, 16 bits (Redis's LFUGetTimeInMinutes). */
function lfuMinutes(now: number): number {
  return Math.floor(now / 60_000) & 0xffff;
}

/**
 * Who hears of the keyspace's reads and changes: the node's client-side
 * caching table (`server/tracking.ts`). The one hook the store calls.
 */
export interface KeyspaceObserver {
  /**
   * A read-only command looked a key up (found or not), while
   * `Keyspace.trackReads` is set.
   *
   * @param key The key, as a byte string or its bytes where they lie
   * (valid during the call only).
   */
  read(key: string | ByteSpan): void;
  /**
   * A key changed: written, deleted, renamed away, its expiry changed,
   * expired, evicted, or a collection under it was handed to a command
   * that may write it. `null`: every key (FLUSHALL).
   *
   * @param key The key, as a byte string, or `null`.
   */
  changed(key: string | null): void;
}

/**
 * The keyspace: byte-string keys to values, with expiry, in arena records.
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
  /**
   * Changes made to the data since the node started (Redis's
   * `server.dirty`, INFO's `rdb_changes_since_last_save`): write commands
   * add what Redis adds for the same request and state (SADD the members
   * added, DEL the keys removed, SETBIT 1 only when the bit changed...).
   * The store itself adds nothing: keys deleted by expiry or eviction do
   * not count, as in Redis. CONFIG RESETSTAT leaves it as it is; nothing
   * is saved, so it is never zeroed.
   */
  changes = 0;
  #arena = new Arena();
  #index: KeyIndex<string | ByteSpan>;
  #seed: number;
  #now: () => number;
  #random: () => number;
  #collections: (CollectionValue | undefined)[] = [];
  #collectionBytes: number[] = [];
  #collectionTotal = 0;
  #freeHandles: number[] = [];
  #dirty: number[] = [];
  #dirtyFlag: Uint8Array = new Uint8Array(1024);
  /** The key of each handle (to find its record when packing it). */
  #handleKeys: (string | undefined)[] = [];
  /** Handles that may pack (touched since they were last looked at). */
  #packable: number[] = [];
  #packableFlag: Uint8Array = new Uint8Array(1024);
  #volatile = 0;
  #expiredKeys = 0;
  #evictedKeys = 0;
  #expireSegment = 0;
  #expireSlot = 0;
  #memory: MemoryLimit;
  #packing: PackedLimits;
  /**
   * Hashes and sets that went past the packing thresholds: as in Redis,
   * where a listpack or intset converted to a hashtable stays one, they are
   * never packed again (however much they shrink), until the key is
   * deleted or overwritten.
   */
  #pastLimits = new WeakSet<CollectionValue>();
  #lfu = false;
  #external: () => number;
  #poolIdle = new Float64Array(POOL_SIZE);
  #poolRef = new Float64Array(POOL_SIZE);
  #poolHash = new Int32Array(POOL_SIZE);
  #poolSize = 0;
  #sampleSegment = new Int32Array(64);
  #sampleSlot = new Int32Array(64);
  /** The spans of the bytes API (readString, writeString): reused. */
  #keyProbe = new ByteSpan();
  #hits = 0;
  #misses = 0;
  /** 0: lookups do not count; 1: every one does; 2: the next one does. */
  #countMode = 0;
  /** Told of changes (and of reads while `#trackReads`); none when undefined. */
  #observer: KeyspaceObserver | undefined;
  #trackReads = false;
  #valueProbe = new ByteSpan();
  #found = new ByteSpan();
  /** The decimal digits {@linkcode Keyspace.writeInteger} writes. */
  #digits = new Uint8Array(24);
  /** Whether the last {@linkcode Keyspace.writableString} made or grew its string. */
  #grew = false;

  /**
   * Makes an empty keyspace.
   *
   * @param options The clock, randomness, hash seed and memory limit.
   */
  constructor(options: KeyspaceOptions = {}) {
    this.#now = options.now ?? cachedNow;
    this.#random = options.random ?? Math.random;
    this.#seed = options.hashSeed ?? randomHashSeed();
    this.#memory = { ...DEFAULT_MEMORY_LIMIT, ...options.memory };
    this.#packing = { ...PACKED_LIMITS, ...options.packing };
    this.#lfu = this.#memory.policy.endsWith("-lfu");
    this.#external = options.externalMemory ?? (() => 0);
    this.#index = new KeyIndex<string | ByteSpan>((ref, key) =>
      this.#keyEquals(ref, key)
    );
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
    return this.#index.size;
  }

  /** Number of keys that have an expiry time. */
  get volatileSize(): number {
    return this.#volatile;
  }

  /**
   * The mean time to live of the keys that have one, in ms, estimated from
   * up to 20 of them met from a random place in the index, as Redis's INFO
   * `avg_ttl` is an estimate (0 when none has time left).
   */
  averageTtl(): number {
    if (this.#volatile === 0) return 0;
    const index = this.#index;
    const arena = this.#arena;
    const now = this.#now();
    let sum = 0;
    let live = 0;
    let seen = 0;
    // From a random segment on, in slot order: up to 20 keys, and at most
    // 65,536 slots looked at.
    const first = Math.floor(this.#random() * SEGMENTS);
    let looked = 0;
    for (let k = 0; k < SEGMENTS && seen < 20 && looked < 65_536; k++) {
      const s = (first + k) % SEGMENTS;
      const hashes = index.hashes[s];
      const refs = index.refs[s];
      for (let i = 0; i < hashes.length && seen < 20; i++, looked++) {
        if ((hashes[i] & MARK) === 0) continue; // empty, or no expiry
        seen++;
        const ref = refs[i];
        const ttl = this.#expireAt(arena.words(ref), arena.wordOffset(ref)) -
          now;
        if (ttl > 0) {
          sum += ttl;
          live++;
        }
      }
    }
    return live === 0 ? 0 : Math.round(sum / live);
  }

  /** Keys deleted because they expired (lazily or by the active cycle). */
  get expiredKeys(): number {
    return this.#expiredKeys;
  }

  // ---- records ---------------------------------------------------------------

  #keyEquals(ref: number, key: string | ByteSpan): boolean {
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const n = words[w + 1];
    if (n !== key.length) return false;
    const bytes = arena.bytes(ref);
    const start = (w << 2) + ((words[w] & VOLATILE) ? VOLATILE_HEADER : HEADER);
    if (typeof key === "string") {
      for (let i = 0; i < n; i++) {
        if (bytes[start + i] !== key.charCodeAt(i)) return false;
      }
      return true;
    }
    const other = key.bytes;
    const from = key.start - start;
    for (let i = start; i < start + n; i++) {
      if (bytes[i] !== other[from + i]) return false;
    }
    return true;
  }

  #hash(key: string | ByteSpan): number {
    return storedHash(
      typeof key === "string"
        ? hashByteString(key, this.#seed)
        : hashBytes(key.bytes, key.start, key.length, this.#seed),
    );
  }

  /** The hash of the key stored in a record. */
  #recordHash(ref: number): number {
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const start = (w << 2) + ((words[w] & VOLATILE) ? VOLATILE_HEADER : HEADER);
    return storedHash(
      hashBytes(arena.bytes(ref), start, words[w + 1], this.#seed),
    );
  }

  /** The record's expiry time as a number (beyond 2^53, rounded). */
  #expireAt(words: Uint32Array, w: number): number {
    return (words[w + 4] | 0) * TWO_32 + words[w + 3];
  }

  /** The record's key, decoded. */
  #recordKey(ref: number): string {
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const start = (w << 2) + ((words[w] & VOLATILE) ? VOLATILE_HEADER : HEADER);
    return arena.buffer(ref).latin1Slice(start, start + words[w + 1]);
  }

  /** The type of the value in the record `ref`, read without unpacking it. */
  #recordType(ref: number): ValueType {
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    const type = meta & TYPE_MASK;
    if (type === TYPE_STRING) return "string";
    if (type === TYPE_COLLECTION) return this.#collections[words[w + 2]]!.type;
    const start = (w << 2) + ((meta & VOLATILE) ? VOLATILE_HEADER : HEADER) +
      words[w + 1];
    return packedType(arena.bytes(ref), start);
  }

  /** Looks a key up without the expiry check: its reference, or -1. */
  #find(key: string): number {
    return this.#index.find(this.#hash(key), key);
  }

  /**
   * Looks a live key up: deletes it when it has expired. Updates its
   * eviction clock when `touch`.
   */
  #lookup(key: string | ByteSpan, touch: boolean, counts = true): number {
    const ref = this.#index.find(this.#hash(key), key);
    if (this.#trackReads && counts && this.#countMode === 1) {
      this.#observer!.read(key);
    }
    if (ref < 0) {
      if (counts && this.#countMode !== 0) this.#count(false);
      return -1;
    }
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    if ((meta & VOLATILE) && this.#now() > this.#expireAt(words, w)) {
      const p = this.#index.position;
      this.#removeAt(p.segment, p.slot, ref);
      this.#expiredKeys++;
      if (counts && this.#countMode !== 0) this.#count(false);
      return -1;
    }
    if (counts && this.#countMode !== 0) this.#count(true);
    if (touch) words[w] = (meta & ~CLOCK_MASK) | this.#touchedClock(meta);
    return ref;
  }

  /** Counts a lookup as a keyspace hit or miss (see `countReads`). */
  #count(hit: boolean): void {
    if (hit) this.#hits++;
    else this.#misses++;
    if (this.#countMode === 2) this.#countMode = 0;
  }

  /** The eviction clock after an access (Redis's updateLFU, or the LRU clock). */
  #touchedClock(meta: number): number {
    const now = this.#now();
    if (!this.#lfu) return lruClock(now);
    let counter = this.#decayedCounter(meta, now);
    // Redis's LFULogIncr: harder to increment the bigger the counter.
    if (counter < 255) {
      const base = counter > LFU_INIT ? counter - LFU_INIT : 0;
      if (this.#random() < 1 / (base * this.#memory.lfuLogFactor + 1)) {
        counter++;
      }
    }
    return (lfuMinutes(now) << 8) | counter;
  }

  /** The LFU counter decayed by the minutes since its last access (Redis's LFUDecrAndReturn). */
  #decayedCounter(meta: number, now: number): number {
    const counter = meta & 0xff;
    const period = this.#memory.lfuDecayTime;
    if (period <= 0) return counter;
    const last = (meta >>> 8) & 0xffff;
    const minutes = lfuMinutes(now);
    const elapsed = minutes >= last ? minutes - last : 65535 - last + minutes;
    const periods = Math.floor(elapsed / period);
    return periods > counter ? 0 : counter - periods;
  }

  /** A new record's clock. */
  #newClock(): number {
    const now = this.#now();
    return this.#lfu ? (lfuMinutes(now) << 8) | LFU_INIT : lruClock(now);
  }

  /**
   * Writes a record for `key` with a string value or a collection handle.
   * `expire`: `undefined` = persistent; `null` = keep the current expiry.
   */
  #store(
    key: string | ByteSpan,
    value: string | ByteSpan | undefined,
    handle: number,
    expire: ExpireTime | undefined | null,
  ): void {
    this.#observer?.changed(typeof key === "string" ? key : key.text());
    const hash = this.#hash(key);
    const index = this.#index;
    let ref = index.find(hash, key);
    const arena = this.#arena;
    let at: ExpireTime | undefined = expire ?? undefined;
    let clock = -1;
    if (ref >= 0) {
      const words = arena.words(ref);
      const w = arena.wordOffset(ref);
      const meta = words[w];
      if (meta & VOLATILE) {
        const t = this.#expireAt(words, w);
        if (this.#now() > t) {
          // Expired: gone, and a write with KEEPTTL makes it persistent.
          const p = index.position;
          this.#removeAt(p.segment, p.slot, ref);
          this.#expiredKeys++;
          ref = -1;
        } else if (expire === null) {
          at = this.#exactExpire(words, w);
        }
      }
      if (ref >= 0) {
        clock = this.#touchedClock(meta);
        if (
          (meta & TYPE_MASK) === TYPE_COLLECTION &&
          (value !== undefined || words[w + 2] !== handle)
        ) {
          this.#dropHandle(words[w + 2]);
        }
      }
    }
    const keyLength = key.length;
    const valueLength = value === undefined ? 0 : value.length;
    const size = (at === undefined ? HEADER : VOLATILE_HEADER) + keyLength +
      valueLength;
    if (clock < 0) clock = this.#newClock();
    if (
      ref >= 0 && size <= arena.slotSize(ref) && size * 2 > arena.slotSize(ref)
    ) {
      // Rewrite in place (the slot fits, and is not twice too big).
      const words = arena.words(ref);
      const w = arena.wordOffset(ref);
      if (words[w] & VOLATILE) this.#volatile--;
      this.#writeRecord(ref, key, value, handle, at, clock, false);
      const p = index.position;
      index.setMark(p.segment, p.slot, at !== undefined);
      return;
    }
    const fresh = arena.alloc(size);
    this.#writeRecord(fresh, key, value, handle, at, clock, true);
    if (ref >= 0) {
      const p = index.position;
      const words = arena.words(ref);
      if (words[arena.wordOffset(ref)] & VOLATILE) this.#volatile--;
      index.setRef(p.segment, p.slot, fresh);
      index.setMark(p.segment, p.slot, at !== undefined);
      arena.free(ref);
    } else {
      index.insert(hash, fresh, at !== undefined);
    }
  }

  #writeRecord(
    ref: number,
    key: string | ByteSpan,
    value: string | ByteSpan | undefined,
    handle: number,
    at: ExpireTime | undefined,
    clock: number,
    writeKey: boolean,
  ): void {
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const wasVolatile = !writeKey && (words[w] & VOLATILE) !== 0;
    const type = value === undefined ? TYPE_COLLECTION : TYPE_STRING;
    let start = (w << 2) + HEADER;
    let meta = type | clock;
    if (at !== undefined) {
      meta |= VOLATILE;
      start = (w << 2) + VOLATILE_HEADER;
      this.#setExpireWords(words, w, at);
      this.#volatile++;
    }
    const keyLength = key.length;
    if (writeKey || wasVolatile !== (at !== undefined)) {
      this.#writeChars(ref, key, start);
    }
    words[w] = meta;
    words[w + 1] = keyLength;
    if (value === undefined) {
      words[w + 2] = handle;
    } else {
      words[w + 2] = value.length;
      this.#writeChars(ref, value, start + keyLength);
    }
  }

  #writeChars(ref: number, s: string | ByteSpan, at: number): void {
    const n = s.length;
    const bytes = this.#arena.bytes(ref);
    if (typeof s !== "string") {
      const from = s.bytes;
      const start = s.start;
      if (n > 256) {
        bytes.set(from.subarray(start, start + n), at);
      } else {
        for (let i = 0; i < n; i++) bytes[at + i] = from[start + i];
      }
      return;
    }
    if (n > 64) {
      // Native for ASCII (node:buffer's latin1Write is JavaScript in Deno,
      // and slower than this loop); a byte over 0x7f makes it stop short.
      const done = ASCII.encodeInto(s, bytes.subarray(at, at + n));
      if (done.read === n && done.written === n) return;
    }
    for (let i = 0; i < n; i++) bytes[at + i] = s.charCodeAt(i);
  }

  #setExpireWords(words: Uint32Array, w: number, at: ExpireTime): void {
    if (typeof at === "bigint") {
      words[w + 3] = Number(BigInt.asUintN(32, at));
      words[w + 4] = Number(BigInt.asUintN(32, at >> 32n));
    } else {
      const high = Math.floor(at / TWO_32);
      words[w + 3] = at - high * TWO_32;
      words[w + 4] = high;
    }
  }

  #exactExpire(words: Uint32Array, w: number): ExpireTime {
    const high = words[w + 4] | 0;
    const low = words[w + 3];
    if (high >= -0x200000 && high < 0x200000) return high * TWO_32 + low;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** Deletes the key whose index slot is (segment, slot) and record is `ref`. */
  #removeAt(segment: number, slot: number, ref: number): void {
    this.#observer?.changed(this.#recordKey(ref));
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    if (meta & VOLATILE) this.#volatile--;
    if ((meta & TYPE_MASK) === TYPE_COLLECTION) this.#dropHandle(words[w + 2]);
    this.#index.removeAt(segment, slot);
    arena.free(ref);
  }

  #newHandle(value: CollectionValue, key: string): number {
    const handle = this.#freeHandles.length !== 0
      ? this.#freeHandles.pop()!
      : this.#collections.length;
    this.#collections[handle] = value;
    this.#handleKeys[handle] = key;
    const bytes = value.memoryBytes ?? 0;
    this.#collectionBytes[handle] = bytes;
    this.#collectionTotal += bytes;
    this.#touchHandle(handle);
    return handle;
  }

  #dropHandle(handle: number): void {
    this.#collectionTotal -= this.#collectionBytes[handle];
    this.#collectionBytes[handle] = 0;
    this.#collections[handle] = undefined;
    this.#handleKeys[handle] = undefined;
    this.#freeHandles.push(handle);
  }

  /** A collection was handed out: it may pack once it is left alone. */
  #touchHandle(handle: number): void {
    if (handle >= this.#packableFlag.length) {
      this.#packableFlag = grow(this.#packableFlag, handle);
    }
    if (this.#packableFlag[handle] === 0) {
      this.#packableFlag[handle] = 1;
      this.#packable.push(handle);
    }
  }

  /**
   * Hands a collection out to a command, which may change it: its memory is
   * recounted, and whether it packs looked at, after the command.
   */
  #handOut(handle: number): CollectionValue {
    // Handed to a command that is not read-only: it may change it in place.
    if (this.#observer !== undefined && this.#countMode !== 1) {
      this.#observer.changed(this.#handleKeys[handle]!);
    }
    this.#markDirty(handle);
    this.#touchHandle(handle);
    return this.#collections[handle]!;
  }

  /** A collection was handed out: its size may change; recount it later. */
  #markDirty(handle: number): void {
    if (handle >= this.#dirtyFlag.length) {
      this.#dirtyFlag = grow(this.#dirtyFlag, handle);
    }
    if (this.#dirtyFlag[handle] === 0) {
      this.#dirtyFlag[handle] = 1;
      this.#dirty.push(handle);
    }
  }

  /** Recounts the collections handed out since the last recount. */
  #recountCollections(): void {
    const dirty = this.#dirty;
    for (let i = 0; i < dirty.length; i++) {
      const handle = dirty[i];
      this.#dirtyFlag[handle] = 0;
      const value = this.#collections[handle];
      if (value === undefined) continue;
      const bytes = value.memoryBytes ?? 0;
      this.#collectionTotal += bytes - this.#collectionBytes[handle];
      this.#collectionBytes[handle] = bytes;
    }
    dirty.length = 0;
  }

  /** The value of the record `ref` of `key`; a packed collection is unpacked. */
  #value(ref: number, key: string): Value {
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    const type = meta & TYPE_MASK;
    if (type === TYPE_COLLECTION) return this.#handOut(words[w + 2]);
    const start = (w << 2) + ((meta & VOLATILE) ? VOLATILE_HEADER : HEADER) +
      words[w + 1];
    const end = start + words[w + 2];
    if (type === TYPE_STRING) return arena.buffer(ref).latin1Slice(start, end);
    // Packed: unpack it behind a handle; the record keeps its slot (it
    // packs again soon) but is a handle record from now on.
    const bytes = arena.bytes(ref);
    const kind = packedType(bytes, start);
    const value = kind === "hash"
      ? unpackHash(bytes, start, end, { random: this.#random })
      : kind === "set"
      ? unpackSet(bytes, start, end, { random: this.#random })
      : unpackList(bytes, start, end);
    const handle = this.#newHandle(value, key);
    // Handed to a command that is not read-only: it may change it in place.
    if (this.#observer !== undefined && this.#countMode !== 1) {
      this.#observer.changed(key);
    }
    this.#markDirty(handle);
    words[w] = (meta & ~TYPE_MASK) | TYPE_COLLECTION;
    words[w + 2] = handle;
    return value;
  }

  /**
   * Packs the collections unpacked or made since the last call, where they
   * still fit the packed encodings. Call it between commands, never while a
   * command may hold a collection it read: the command table calls it after
   * every command, so a collection is unpacked only while a command works
   * on it; the background cycle and {@linkcode Keyspace.makeRoom} call it
   * too.
   *
   * @param max Most collections to look at in this call.
   * @returns How many were packed.
   */
  packCollections(max: number = Infinity): number {
    const list = this.#packable;
    if (list.length === 0) return 0; // after most commands
    let packed = 0;
    let i = 0;
    for (; i < list.length && i < max; i++) {
      const handle = list[i];
      this.#packableFlag[handle] = 0;
      if (this.#packHandle(handle)) packed++;
    }
    // Keep what was not looked at.
    list.copyWithin(0, i);
    list.length -= i;
    return packed;
  }

  /** Packs a handle's collection into its record when it fits. */
  #packHandle(handle: number): boolean {
    const value = this.#collections[handle];
    const key = this.#handleKeys[handle];
    if (value === undefined || key === undefined) return false;
    if (
      !(value instanceof ByteHash || value instanceof ByteSet ||
        value instanceof ByteList)
    ) {
      return false;
    }
    const ref = this.#find(key);
    if (ref < 0) return false;
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    if ((meta & TYPE_MASK) !== TYPE_COLLECTION || words[w + 2] !== handle) {
      return false;
    }
    if (this.#pastLimits.has(value)) return false;
    const n = packedSize(value, this.#packing);
    if (n < 0) {
      // Lists are quicklists in Redis whatever their size: one that fits
      // again packs again.
      if (!(value instanceof ByteList)) this.#pastLimits.add(value);
      return false;
    }
    const header = (meta & VOLATILE) ? VOLATILE_HEADER : HEADER;
    const keyLength = words[w + 1];
    const fresh = arena.alloc(header + keyLength + n);
    const to = arena.wordOffset(fresh);
    const toWords = arena.words(fresh);
    const toBytes = arena.bytes(fresh);
    // Header and key as they are, then the packed value.
    toBytes.set(
      arena.bytes(ref).subarray(w << 2, (w << 2) + header + keyLength),
      to << 2,
    );
    toWords[to] = (meta & ~TYPE_MASK) | TYPE_PACKED;
    toWords[to + 2] = n;
    pack(value, toBytes, (to << 2) + header + keyLength);
    const p = this.#index.position;
    this.#index.setRef(p.segment, p.slot, fresh);
    arena.free(ref);
    this.#dropHandle(handle);
    return true;
  }

  // ---- the API -----------------------------------------------------------------

  /**
   * Reads a key.
   *
   * @param key The key.
   * @returns Its value, or `undefined` when it is missing or expired.
   */
  get(key: string): Value | undefined {
    const ref = this.#lookup(key, true);
    return ref < 0 ? undefined : this.#value(ref, key);
  }

  /**
   * Reads a string's bytes without decoding them: a view of the record, valid
   * until the next write to the keyspace (copy it into the output at once).
   *
   * @param key The key.
   * @returns The bytes, the collection, or `undefined` when missing.
   */
  getView(key: string): Uint8Array | CollectionValue | undefined {
    const ref = this.#lookup(key, true);
    if (ref < 0) return undefined;
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    if ((meta & TYPE_MASK) !== TYPE_STRING) {
      return this.#value(ref, key) as CollectionValue;
    }
    const start = (w << 2) + ((meta & VOLATILE) ? VOLATILE_HEADER : HEADER) +
      words[w + 1];
    return arena.bytes(ref).subarray(start, start + words[w + 2]);
  }

  /**
   * Reads a string as GET does, with the key given as bytes where they sit
   * (in a request's read buffer): nothing is decoded, allocated or copied.
   *
   * @param bytes The buffer holding the key.
   * @param start Where the key starts.
   * @param length The key's length.
   * @returns The value's bytes in its record, as a span this keyspace
   * reuses (valid until its next call: copy them out at once);
   * `undefined` when the key is missing; `false` when it holds a
   * collection.
   *
   * @example Read a value without making a string
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import assert from "node:assert/strict";
   *
   * const store = new Keyspace();
   * store.set("greeting", "hello");
   * const request = new TextEncoder().encode("GET greeting");
   * const v = store.readString(request, 4, 8);
   * assert.ok(v);
   * assert.equal(v.text(), "hello");
   * ```
   */
  readString(
    bytes: Uint8Array,
    start: number,
    length: number,
  ): ByteSpan | undefined | false {
    const ref = this.#lookup(this.#keyProbe.set(bytes, start, length), true);
    if (ref < 0) return undefined;
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    if ((meta & TYPE_MASK) !== TYPE_STRING) return false;
    const at = (w << 2) + ((meta & VOLATILE) ? VOLATILE_HEADER : HEADER) +
      words[w + 1];
    return this.#found.set(arena.bytes(ref), at, words[w + 2]);
  }

  /**
   * Reads a collection kept unpacked (a big one), with the key given as
   * bytes where they sit, for a command that works on it in place (SADD,
   * HSET). It is handed out as `get()` hands it out: the command may change
   * it, and its memory is recounted after.
   *
   * @param bytes The buffer holding the key.
   * @param start Where the key starts.
   * @param length The key's length.
   * @returns The collection; `undefined` when the key is missing, holds a
   * string, or holds a small collection still packed in its record (use
   * `get()` then).
   *
   * @example Find a big set by a request's key
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const store = new Keyspace();
   * store.set("s", ByteSet.from(Array.from({ length: 200 }, (_, i) => `m${i}`)));
   * store.packCollections();
   * const request = new TextEncoder().encode("SADD s x");
   * assert.ok(store.readCollection(request, 5, 1) instanceof ByteSet);
   * ```
   */
  readCollection(
    bytes: Uint8Array,
    start: number,
    length: number,
  ): CollectionValue | undefined {
    const ref = this.#lookup(this.#keyProbe.set(bytes, start, length), true);
    if (ref < 0) return undefined;
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    if ((words[w] & TYPE_MASK) !== TYPE_COLLECTION) return undefined;
    return this.#handOut(words[w + 2]);
  }

  /**
   * Writes a string as `SET key value [EX|PX n]` does (replacing a value
   * of any type; persistent unless `expireAt` is given), with key and value
   * given as bytes where they sit: they are copied into the record and
   * nowhere else.
   *
   * @param keyBytes The buffer holding the key.
   * @param keyStart Where the key starts.
   * @param keyLength The key's length.
   * @param valueBytes The buffer holding the value.
   * @param valueStart Where the value starts.
   * @param valueLength The value's length.
   * @param expireAt The absolute expiry time in ms; when absent the key is
   * persistent.
   *
   * @example Write a key and value straight from a request
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import assert from "node:assert/strict";
   *
   * const store = new Keyspace();
   * const request = new TextEncoder().encode("SET k hello");
   * store.writeString(request, 4, 1, request, 6, 5);
   * assert.equal(store.get("k"), "hello");
   * ```
   */
  writeString(
    keyBytes: Uint8Array,
    keyStart: number,
    keyLength: number,
    valueBytes: Uint8Array,
    valueStart: number,
    valueLength: number,
    expireAt?: number,
  ): void {
    this.#store(
      this.#keyProbe.set(keyBytes, keyStart, keyLength),
      this.#valueProbe.set(valueBytes, valueStart, valueLength),
      0,
      expireAt,
    );
  }

  /**
   * Writes an integer's decimal digits as INCR does (keeping the key's
   * expiry; a missing key is created persistent), with the key given as
   * bytes where they sit: no string is made.
   *
   * @param keyBytes The buffer holding the key.
   * @param keyStart Where the key starts.
   * @param keyLength The key's length.
   * @param n A safe integer.
   *
   * @example Store a counter from a request's key
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import assert from "node:assert/strict";
   *
   * const store = new Keyspace();
   * const request = new TextEncoder().encode("INCR hits");
   * store.writeInteger(request, 5, 4, -120);
   * assert.equal(store.get("hits"), "-120");
   * ```
   */
  writeInteger(
    keyBytes: Uint8Array,
    keyStart: number,
    keyLength: number,
    n: number,
  ): void {
    const digits = this.#digits;
    let at = digits.length;
    let v = Math.abs(n);
    do {
      const q = Math.floor(v / 10);
      digits[--at] = 0x30 + (v - q * 10);
      v = q;
    } while (v > 0);
    if (n < 0) digits[--at] = 0x2d;
    this.#store(
      this.#keyProbe.set(keyBytes, keyStart, keyLength),
      this.#valueProbe.set(digits, at, digits.length - at),
      0,
      null,
    );
  }

  /**
   * Opens a string for writing in place, as SETBIT and BITFIELD do: the
   * value is padded with zero bytes to at least `length` bytes (a missing
   * key is created persistent, all zeros; the expiry of an existing one is
   * kept), and its bytes in the record are handed out to be changed where
   * they sit. Growing moves the record when its slot is too small; nothing
   * else is copied. The string is `raw` from then on
   * ({@linkcode Keyspace.isRawString}).
   *
   * @param key The key.
   * @param length The least length the value must have, in bytes.
   * @returns The value's bytes in its record, as a span this keyspace
   * reuses (valid until its next call: write them at once); `false` when
   * the key holds a collection.
   *
   * @example Set a bit of a new string in place
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import assert from "node:assert/strict";
   *
   * const store = new Keyspace();
   * const v = store.writableString("bits", 2);
   * assert.ok(v);
   * v.bytes[v.start + 1] |= 0x41;
   * assert.equal(store.get("bits"), "\0A");
   * ```
   */
  writableString(key: string, length: number): ByteSpan | false {
    let ref = this.#lookup(key, true);
    const arena = this.#arena;
    if (ref < 0) {
      this.#store(key, this.#valueProbe.set(EMPTY, 0, 0), 0, undefined);
      ref = this.#find(key);
    } else if (
      (arena.words(ref)[arena.wordOffset(ref)] & TYPE_MASK) !== TYPE_STRING
    ) {
      return false;
    }
    let words = arena.words(ref);
    let w = arena.wordOffset(ref);
    const old = words[w + 2];
    const header = (words[w] & VOLATILE) ? VOLATILE_HEADER : HEADER;
    const keyLength = words[w + 1];
    this.#grew = old < length;
    if (old < length) {
      const size = header + keyLength + length;
      if (size > arena.slotSize(ref)) {
        // Move to a slot that fits: header, key and value as they are. A
        // record with a page of its own gets room to grow as Redis's
        // strings do (its size again, at most 1 MiB more), so that a
        // bitmap grown a byte at a time is not copied at each step; smaller
        // ones have their size class's slack.
        const fresh = arena.alloc(
          size > MAX_SLOT_BYTES ? size + Math.min(size, 1 << 20) : size,
        );
        const from = w << 2;
        const to = arena.wordOffset(fresh) << 2;
        arena.bytes(fresh).set(
          arena.bytes(ref).subarray(from, from + header + keyLength + old),
          to,
        );
        this.#index.find(this.#hash(key), key);
        const p = this.#index.position;
        this.#index.setRef(p.segment, p.slot, fresh);
        arena.free(ref);
        ref = fresh;
        words = arena.words(ref);
        w = arena.wordOffset(ref);
      }
      const start = (w << 2) + header + keyLength;
      arena.bytes(ref).fill(0, start + old, start + length);
      words[w + 2] = length;
    }
    words[w] |= RAW;
    return this.#found.set(
      arena.bytes(ref),
      (w << 2) + header + keyLength,
      words[w + 2],
    );
  }

  /**
   * Whether the last {@linkcode Keyspace.writableString} that opened a
   * string created the key or padded its value: SETBIT and BITFIELD count
   * such a write as a change even when the bits they set were already so,
   * as Redis does.
   */
  get grewLastWrite(): boolean {
    return this.#grew;
  }

  /**
   * Writes a string from bytes, as SET does (replacing a value of any
   * type; persistent unless `expireAt` is given): BITOP's result, COPY's
   * copy. The bytes are copied into the record.
   *
   * @param key The key.
   * @param value The value's bytes.
   * @param expireAt The absolute expiry time in ms; when absent the key is
   * persistent.
   * @param raw Mark the string `raw` ({@linkcode Keyspace.isRawString}), as
   * Redis keeps BITOP's result, or a copy of a raw string.
   *
   * @example Store bytes made by a command
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import assert from "node:assert/strict";
   *
   * const store = new Keyspace();
   * store.setBytes("k", new Uint8Array([0x68, 0x69]));
   * assert.equal(store.get("k"), "hi");
   * ```
   */
  setBytes(
    key: string,
    value: Uint8Array,
    expireAt?: ExpireTime,
    raw = false,
  ): void {
    this.#store(key, this.#valueProbe.set(value, 0, value.length), 0, expireAt);
    if (raw) {
      const ref = this.#find(key);
      this.#arena.words(ref)[this.#arena.wordOffset(ref)] |= RAW;
    }
  }

  /**
   * Tells whether a string was changed in place since it was last written
   * whole ({@linkcode Keyspace.writableString}), which makes Redis report
   * its encoding as `raw` whatever it holds. Reads nothing but the record's
   * header, and counts as no access.
   *
   * @param key The key.
   * @returns `true` for such a string; `false` for any other value or a
   * missing key.
   *
   * @example A number changed in place stays raw
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import assert from "node:assert/strict";
   *
   * const store = new Keyspace();
   * store.set("n", "1234");
   * assert.equal(store.isRawString("n"), false);
   * store.writableString("n", 4);
   * assert.equal(store.isRawString("n"), true);
   * store.set("n", "1234");
   * assert.equal(store.isRawString("n"), false);
   * ```
   */
  isRawString(key: string): boolean {
    const ref = this.#lookup(key, false, false);
    if (ref < 0) return false;
    const words = this.#arena.words(ref);
    const meta = words[this.#arena.wordOffset(ref)];
    return (meta & TYPE_MASK) === TYPE_STRING && (meta & RAW) !== 0;
  }

  /**
   * Marks a key as accessed now, as any read does (its LRU or LFU clock),
   * without reading its value: TOUCH.
   *
   * @param key The key.
   * @returns `true` when it exists (and has not expired).
   *
   * @example Touch a key
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import assert from "node:assert/strict";
   *
   * const store = new Keyspace();
   * store.set("k", "v");
   * assert.equal(store.touch("k"), true);
   * assert.equal(store.touch("missing"), false);
   * ```
   */
  touch(key: string): boolean {
    return this.#lookup(key, true) >= 0;
  }

  /**
   * Tells whether a key exists (and has not expired).
   *
   * @param key The key.
   * @returns `true` when it exists.
   */
  has(key: string): boolean {
    return this.#lookup(key, false) >= 0;
  }

  /**
   * Writes a key and sets or clears its expiry, as SET does.
   *
   * @param key The key.
   * @param value The value.
   * @param expireAt The absolute expiry time; when absent the key is persistent.
   */
  set(key: string, value: Value, expireAt?: ExpireTime): void {
    if (typeof value === "string") this.#store(key, value, 0, expireAt);
    else this.#storeCollection(key, value, expireAt);
  }

  #storeCollection(
    key: string,
    value: CollectionValue,
    expire: ExpireTime | undefined | null,
  ): void {
    const ref = this.#find(key);
    if (ref >= 0) {
      const arena = this.#arena;
      const words = arena.words(ref);
      const w = arena.wordOffset(ref);
      if (
        (words[w] & TYPE_MASK) === TYPE_COLLECTION &&
        this.#collections[words[w + 2]] === value &&
        !((words[w] & VOLATILE) && this.#now() > this.#expireAt(words, w))
      ) {
        // The same collection again (mutated in place): keep its handle.
        if (expire !== null) this.#store(key, undefined, words[w + 2], expire);
        return;
      }
    }
    this.#store(key, undefined, this.#newHandle(value, key), expire);
  }

  /**
   * Writes a key and keeps its expiry, as APPEND, INCR and SET KEEPTTL do
   * (a missing key is created persistent).
   *
   * @param key The key.
   * @param value The value.
   */
  replace(key: string, value: Value): void {
    if (typeof value === "string") this.#store(key, value, 0, null);
    else this.#storeCollection(key, value, null);
  }

  /**
   * Deletes a key.
   *
   * @param key The key.
   * @returns `true` when the key existed (and had not expired).
   */
  delete(key: string): boolean {
    const ref = this.#lookup(key, false);
    if (ref < 0) return false;
    const p = this.#index.position;
    this.#removeAt(p.segment, p.slot, ref);
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
    const ref = this.#lookup(key, false, false);
    if (ref < 0) return undefined;
    const words = this.#arena.words(ref);
    const w = this.#arena.wordOffset(ref);
    return (words[w] & VOLATILE) ? this.#exactExpire(words, w) : undefined;
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
    const ref = this.#lookup(key, true); // a write: an access, as in Redis
    if (ref < 0) return false;
    this.#observer?.changed(key);
    const words = this.#arena.words(ref);
    const w = this.#arena.wordOffset(ref);
    if (words[w] & VOLATILE) {
      this.#setExpireWords(words, w, at);
      return true;
    }
    this.#rewriteKeepingValue(ref, key, at);
    return true;
  }

  /**
   * Removes a key's expiry time.
   *
   * @param key The key.
   * @returns `true` when the key had one.
   */
  persist(key: string): boolean {
    const ref = this.#lookup(key, true); // a write: an access, as in Redis
    if (ref < 0) return false;
    const words = this.#arena.words(ref);
    if (!(words[this.#arena.wordOffset(ref)] & VOLATILE)) return false;
    this.#observer?.changed(key);
    this.#rewriteKeepingValue(ref, key, undefined);
    return true;
  }

  /**
   * Rewrites the record `ref` of the key at the index position found last
   * with another expiry: the header's size changes, key and value bytes
   * (or handle) and the access clock stay.
   */
  #rewriteKeepingValue(
    ref: number,
    key: string,
    at: ExpireTime | undefined,
  ): void {
    const arena = this.#arena;
    const p = this.#index.position;
    const segment = p.segment;
    const slot = p.slot;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    const oldHeader = (meta & VOLATILE) ? VOLATILE_HEADER : HEADER;
    const header = at === undefined ? HEADER : VOLATILE_HEADER;
    const payload = key.length +
      ((meta & TYPE_MASK) === TYPE_COLLECTION ? 0 : words[w + 2]);
    const fresh = arena.alloc(header + payload);
    const to = arena.wordOffset(fresh);
    const toWords = arena.words(fresh);
    const from = (w << 2) + oldHeader;
    arena.bytes(fresh).set(
      arena.bytes(ref).subarray(from, from + payload),
      (to << 2) + header,
    );
    toWords[to] = at === undefined ? meta & ~VOLATILE : meta | VOLATILE;
    toWords[to + 1] = words[w + 1];
    toWords[to + 2] = words[w + 2];
    if (at !== undefined) this.#setExpireWords(toWords, to, at);
    if ((meta & VOLATILE) && at === undefined) this.#volatile--;
    if (!(meta & VOLATILE) && at !== undefined) this.#volatile++;
    this.#index.setRef(segment, slot, fresh);
    this.#index.setMark(segment, slot, at !== undefined);
    arena.free(ref);
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
    const ref = this.#lookup(from, false);
    if (ref < 0) return false;
    if (from === to) return true;
    // The access history (LRU time, LFU counter) and a string's raw mark.
    const kept = this.#arena.words(ref)[this.#arena.wordOffset(ref)] &
      (CLOCK_MASK | RAW);
    const value = this.#value(ref, from);
    const at = this.getExpire(from);
    if (typeof value === "string") {
      this.delete(from);
      this.#store(to, value, 0, at);
    } else {
      // Hand the collection over without counting it twice.
      this.#store(to, undefined, this.#newHandle(value, to), at);
      this.delete(from);
    }
    // The key keeps its access history (LRU time, LFU counter), as in Redis.
    const moved = this.#find(to);
    const words = this.#arena.words(moved);
    const w = this.#arena.wordOffset(moved);
    words[w] = (words[w] & ~CLOCK_MASK) | kept;
    return true;
  }

  /** Deletes every key. */
  flush(): void {
    this.#observer?.changed(null);
    this.#arena.clear();
    this.#index.clear();
    this.#collections = [];
    this.#collectionBytes = [];
    this.#collectionTotal = 0;
    this.#freeHandles = [];
    this.#dirty = [];
    this.#dirtyFlag.fill(0);
    this.#handleKeys = [];
    this.#packable = [];
    this.#packableFlag.fill(0);
    this.#volatile = 0;
    this.#poolSize = 0;
    this.#expireSegment = 0;
    this.#expireSlot = 0;
  }

  /**
   * Lists the live keys that pass a filter (KEYS). Expired keys met on the
   * way are deleted.
   *
   * @param accept Returns `true` for keys to keep; all keys when absent.
   * @returns The keys, in the index's order.
   */
  keys(accept?: (key: string) => boolean): string[] {
    const refs: number[] = [];
    const index = this.#index;
    for (let s = 0; s < SEGMENTS; s++) {
      const hashes = index.hashes[s];
      const segmentRefs = index.refs[s];
      for (let i = 0; i < hashes.length; i++) {
        if (hashes[i] !== 0) refs.push(segmentRefs[i]);
      }
    }
    return this.#liveKeys(refs, accept);
  }

  /** The keys of `refs` that are live and accepted; deletes expired ones. */
  #liveKeys(
    refs: number[],
    accept?: (key: string, type: ValueType) => boolean,
  ): string[] {
    const out: string[] = [];
    const now = this.#now();
    const arena = this.#arena;
    const expired: string[] = [];
    for (const ref of refs) {
      const words = arena.words(ref);
      const w = arena.wordOffset(ref);
      const meta = words[w];
      const key = this.#recordKey(ref);
      if ((meta & VOLATILE) && now > this.#expireAt(words, w)) {
        expired.push(key);
        continue;
      }
      if (accept !== undefined && !accept(key, this.#recordType(ref))) {
        continue;
      }
      out.push(key);
    }
    for (const key of expired) this.#lookup(key, false, false); // deletes it
    return out;
  }

  /**
   * Picks a key at random (RANDOMKEY): a random slot of a random segment,
   * then the first key at or after it.
   *
   * @returns A live key, or `undefined` when the keyspace is empty.
   */
  randomKey(): string | undefined {
    while (this.#index.size !== 0) {
      const ref = this.#randomRef(false);
      if (ref < 0) continue;
      const key = this.#recordKey(ref);
      if (this.#lookup(key, false, false) >= 0) return key;
    }
    return undefined;
  }

  /**
   * A random record (a volatile one when `volatileOnly`), or -1 when there
   * is none. Like Redis's dictGetFairRandomKey, it picks one of a handful of
   * sampled keys rather than the first key met, so that a key right after
   * another in the index is not much rarer than one after a run of empty
   * slots.
   */
  #randomRef(volatileOnly: boolean): number {
    const n = this.#sample(volatileOnly, FAIR_RANDOM_SAMPLE);
    if (n === 0) return -1;
    const pick = Math.floor(this.#random() * n);
    return this.#index.refs[this.#sampleSegment[pick]][this.#sampleSlot[pick]];
  }

  /**
   * Picks up to `want` keys (volatile ones when `volatileOnly`) from random
   * stretches of the index into `#sampleSegment`/`#sampleSlot`, as Redis's
   * dictGetSomeKeys does; when the index is so sparse that the stretches
   * meet no key, walks it all from a random segment, so that a key that
   * exists is always found.
   *
   * @returns How many were picked (0 only when there is no such key).
   */
  #sample(volatileOnly: boolean, want: number): number {
    const index = this.#index;
    const random = this.#random;
    let n = 0;
    for (let tries = 0; tries < 16 && n < want; tries++) {
      const s = Math.floor(random() * SEGMENTS);
      const hashes = index.hashes[s];
      const mask = index.masks[s];
      let i = Math.floor(random() * (mask + 1));
      const limit = Math.min(mask, want * 64);
      for (let walked = 0; walked <= limit; walked++, i = (i + 1) & mask) {
        const h = hashes[i];
        if (h === 0 || (volatileOnly && (h & MARK) === 0)) continue;
        this.#sampleSegment[n] = s;
        this.#sampleSlot[n] = i;
        if (++n === want) return n;
      }
    }
    if (n !== 0 || (volatileOnly ? this.#volatile : index.size) === 0) {
      return n;
    }
    const first = Math.floor(random() * SEGMENTS);
    for (let k = 0; k < SEGMENTS; k++) {
      const s = (first + k) % SEGMENTS;
      const hashes = index.hashes[s];
      for (let i = 0; i < hashes.length; i++) {
        const h = hashes[i];
        if (h === 0 || (volatileOnly && (h & MARK) === 0)) continue;
        this.#sampleSegment[n] = s;
        this.#sampleSlot[n] = i;
        if (++n === want) return n;
      }
    }
    return n;
  }

  /**
   * One step of a SCAN, with Redis's guarantee: every key present for the
   * whole scan is returned at least once, however the index grows in
   * between (the cursor is a position: home slots in reverse-binary order,
   * segment after segment). A key may come twice. Any cursor is valid.
   *
   * @param cursor 0, or a cursor returned by an earlier step.
   * @param count About how many keys to visit in this step (at least 1).
   * @param accept Keeps a key in the reply (MATCH, TYPE); every visited key
   * counts toward `count` whether kept or not.
   * @returns The next cursor and the keys.
   */
  scan(
    cursor: number,
    count: number,
    accept?: (key: string, type: ValueType) => boolean,
  ): ScanResult {
    if (!(cursor >= 0) || !Number.isSafeInteger(cursor)) cursor = 0;
    const refs: number[] = [];
    const index = this.#index;
    const next = index.scan(
      cursor,
      Math.max(1, count),
      Math.max(1, count) * 10,
      (segment, slot) => refs.push(index.refs[segment][slot]),
    );
    return { cursor: next, keys: this.#liveKeys(refs, accept) };
  }

  /**
   * Samples volatile keys and deletes the expired ones: the work unit of the
   * active expire cycle. A cursor walks the index slot by slot from where
   * the last call stopped (as Redis 7's active expiry walks its expires
   * table), looking at volatile records only.
   *
   * @param max Most volatile keys to look at; at most `20 × max` index slots
   * are walked, and at most one pass over the index per call.
   * @returns How many keys were looked at and how many were expired.
   */
  expireSome(max: number): ExpireSample {
    if (this.#volatile === 0) return { sampled: 0, expired: 0 };
    const index = this.#index;
    const arena = this.#arena;
    const now = this.#now();
    let sampled = 0;
    let expired = 0;
    let walked = 0;
    const walkLimit = Math.min(max * EXPIRE_WALK_FACTOR, index.bytes / 8);
    let s = this.#expireSegment;
    let i = this.#expireSlot;
    while (sampled < max && walked < walkLimit && this.#volatile !== 0) {
      const hashes = index.hashes[s];
      if (i >= hashes.length) {
        s = (s + 1) % SEGMENTS;
        i = 0;
        continue;
      }
      walked++;
      if ((hashes[i] & MARK) === 0) {
        i++; // empty, or not volatile: no record read
        continue;
      }
      const ref = index.refs[s][i];
      const words = arena.words(ref);
      const w = arena.wordOffset(ref);
      sampled++;
      if (now > this.#expireAt(words, w)) {
        this.#removeAt(s, i, ref); // the run shifts back: look at slot i again
        // A segment that shrank was rebuilt: walk it again from its start.
        if (index.hashes[s] !== hashes) i = 0;
        this.#expiredKeys++;
        expired++;
      } else {
        i++;
      }
    }
    this.#expireSegment = s;
    this.#expireSlot = i;
    return { sampled, expired };
  }

  // ---- memory ------------------------------------------------------------------

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
    this.#lfu = this.#memory.policy.endsWith("-lfu");
    this.#poolSize = 0;
    this.makeRoom();
  }

  /**
   * Redis's `list-compress-depth`, as CONFIG SET left it: kept and
   * reported, not acted on (CacheMir compresses no list nodes; Redis's
   * default, 0, compresses none either).
   */
  listCompressDepth = 0;

  /** The packing thresholds in force. */
  get packedLimits(): PackedLimits {
    return this.#packing;
  }

  /**
   * Changes the packing thresholds (CONFIG SET `hash-max-listpack-entries`
   * and the others). As in Redis, values already held are not converted
   * now: a collection is looked at again when a command next touches it.
   *
   * @param patch The thresholds to change.
   */
  configurePacking(patch: Partial<PackedLimits>): void {
    this.#packing = { ...this.#packing, ...patch };
  }

  /** Where the node's own bytes (connection buffers) are read from. */
  set externalMemory(read: () => number) {
    this.#external = read;
  }

  /** Bytes of keys and values: records, index and collections (no client buffers). */
  get dataMemory(): number {
    if (this.#dirty.length !== 0) this.#recountCollections();
    return this.#arena.usedBytes + this.#index.bytes + this.#collectionTotal;
  }

  /**
   * Bytes of record pages and index arrays the keyspace has given up since
   * it was made (it only grows): when it moves, freed memory may sit in the
   * C allocator, which the node then asks to return it.
   */
  get releasedBytes(): number {
    return this.#arena.releasedBytes + this.#index.releasedBytes;
  }

  /** `used_memory`: what the keyspace holds plus the node's buffers, in bytes. */
  get usedMemory(): number {
    return this.dataMemory + this.#external();
  }

  /**
   * Bytes one key holds (MEMORY USAGE): its record's slot (key, value or
   * collection handle, expiry; with its size class's slack), its entry in
   * the hash index (a hash and a reference, 8 bytes; the index's free
   * slots are not shared out), and its collection's estimate (see
   * `memoryBytes`).
   * Not a read: no hit or miss is counted, no eviction clock moves; an
   * expired key is deleted and reported missing.
   *
   * @param key The key.
   * @returns The bytes, or `undefined` when the key does not exist.
   */
  memoryUsage(key: string): number | undefined {
    const ref = this.#lookup(key, false, false);
    if (ref < 0) return undefined;
    const arena = this.#arena;
    let bytes = arena.slotSize(ref) + INDEX_ENTRY_BYTES;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    if ((words[w] & TYPE_MASK) === TYPE_COLLECTION) {
      const value = this.#collections[words[w + 2]];
      bytes += value?.memoryBytes ?? 0;
    }
    return bytes;
  }

  /**
   * What the keyspace holds, in bytes.
   *
   * @returns The breakdown INFO memory reports.
   */
  memoryStats(): MemoryStats {
    if (this.#dirty.length !== 0) this.#recountCollections();
    const records = this.#arena.usedBytes;
    const index = this.#index.bytes;
    const collections = this.#collectionTotal;
    const external = this.#external();
    return {
      used: records + index + collections + external,
      records,
      index,
      collections,
      external,
      allocatorReserved: this.#arena.reservedBytes,
      allocatorLive: records,
    };
  }

  /**
   * Evicts keys by the policy until `usedMemory` is at most `maxmemory`
   * (Redis's `performEvictions`). One call evicts for at most 50 ms; past
   * that it lets the command run and the next call goes on (Redis's
   * EVICT_RUNNING).
   *
   * @returns `false` when the node is still over the limit (noeviction, or
   * nothing left the policy may evict): denyoom commands get OOM then.
   */
  makeRoom(): boolean {
    const max = this.#memory.maxmemory;
    if (max === 0) return true;
    const external = this.#external();
    if (this.dataMemory + external <= max) return true;
    // Packing collections frees memory without losing a key: first that.
    if (this.#packable.length !== 0) {
      this.packCollections();
      if (this.dataMemory + external <= max) return true;
    }
    if (this.#memory.policy === "noeviction") return false;
    const start = performance.now();
    let evicted = 0;
    let done = true;
    while (this.dataMemory + external > max) {
      if (!this.#evictOne()) {
        done = false;
        break;
      }
      evicted++;
      if (
        evicted % EVICTION_CLOCK_EVERY === 0 &&
        performance.now() - start > EVICTION_BUDGET_MS
      ) {
        break;
      }
    }
    // Evictions leave holes in pages of the sizes that were evicted, which
    // writes of other sizes cannot fill: while the arena holds more than 4%
    // (and 4 MiB) over its live records, move two records per key evicted
    // (memcached's eviction-driven page moves), so that pages keep up with
    // a shift of value sizes. A node at its limit has no room for the 10%
    // the background cycle tolerates: that is RSS over maxmemory.
    if (evicted !== 0) {
      this.defragStep(evicted * DEFRAG_PER_EVICTION, 4 << 20, 4);
    }
    return done;
  }

  /** Keys evicted to stay under `maxmemory`. */
  get evictedKeys(): number {
    return this.#evictedKeys;
  }

  /**
   * Which key lookups count as keyspace hits or misses (INFO's
   * `keyspace_hits`, `keyspace_misses`), as Redis counts the lookups of
   * reads: the command table sets `"every"` while a read-only command runs,
   * `"first"` for a write that reads its key first (GETDEL, GETEX, GETSET),
   * and `"none"` after. Expiry-time reads (TTL's second look) and
   * RANDOMKEY's samples never count.
   */
  set countReads(mode: "none" | "every" | "first") {
    this.#countMode = mode === "every" ? 1 : mode === "first" ? 2 : 0;
  }

  /**
   * Who hears of changes (and of reads while {@linkcode trackReads}); the
   * node sets it while a connection tracks keys, `undefined` otherwise (the
   * store then pays nothing for it).
   */
  set observer(observer: KeyspaceObserver | undefined) {
    this.#observer = observer;
    if (observer === undefined) this.#trackReads = false;
  }

  /**
   * While `true` (and an observer is set), the lookups a read-only
   * command makes are told to the observer's `read`: the node sets it
   * around the commands of a connection that tracks its reads.
   */
  set trackReads(on: boolean) {
    this.#trackReads = on && this.#observer !== undefined;
  }

  /** Lookups of read-only commands that found their key. */
  get keyspaceHits(): number {
    return this.#hits;
  }

  /** Lookups of read-only commands that did not (missing or expired). */
  get keyspaceMisses(): number {
    return this.#misses;
  }

  /** Zeroes the counters INFO reports (CONFIG RESETSTAT). */
  resetStats(): void {
    this.#evictedKeys = 0;
    this.#expiredKeys = 0;
    this.#hits = 0;
    this.#misses = 0;
  }

  /**
   * Sets a key's access history, as RESTORE's IDLETIME and FREQ do: under
   * an LFU policy the access counter (`freq`, 0–255), otherwise the time of
   * the last access (`idleSeconds` ago). The one the policy does not use is
   * ignored, as in Redis.
   *
   * @param key The key.
   * @param access The idle time in seconds, or the LFU counter.
   */
  setAccess(
    key: string,
    access: { idleSeconds?: number; freq?: number },
  ): void {
    const ref = this.#lookup(key, false, false);
    if (ref < 0) return;
    const words = this.#arena.words(ref);
    const w = this.#arena.wordOffset(ref);
    const now = this.#now();
    let clock: number;
    if (this.#lfu) {
      if (access.freq === undefined) return;
      clock = (lfuMinutes(now) << 8) | Math.min(255, Math.max(0, access.freq));
    } else {
      if (access.idleSeconds === undefined) return;
      const idle = Math.min(access.idleSeconds, CLOCK_MASK);
      clock = (lruClock(now) - idle) & CLOCK_MASK;
    }
    words[w] = (words[w] & ~CLOCK_MASK) | clock;
  }

  /**
   * How a key's value is held, by Redis 7.0's names (OBJECT ENCODING): a
   * packed hash is a `listpack`, a packed set an `intset`, a hash or set
   * held as a structure a `hashtable` (one that went past the thresholds
   * stays one, as in Redis); a collection a command has just made or
   * unpacked is named by whether it packs under the thresholds in force.
   * Strings are `int`, `embstr` or `raw` by their bytes and the raw mark
   * ({@linkcode Keyspace.isRawString}).
   *
   * @param key The key.
   * @returns The encoding, or `undefined` when the key is missing.
   *
   * @example Encodings follow the thresholds
   * ```ts
   * import { Keyspace } from "./keyspace.ts";
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const ks = new Keyspace({ packing: { setMaxIntsetEntries: 2 } });
   * ks.set("n", "42");
   * ks.set("s", ByteSet.from(["1", "2"]));
   * ks.set("big", ByteSet.from(["1", "2", "3"]));
   * ks.packCollections();
   * assert.equal(ks.objectEncoding("n"), "int");
   * assert.equal(ks.objectEncoding("s"), "intset");
   * assert.equal(ks.objectEncoding("big"), "hashtable");
   * ```
   */
  objectEncoding(key: string): ObjectEncoding | undefined {
    const ref = this.#lookup(key, false);
    if (ref < 0) return undefined;
    const arena = this.#arena;
    const words = arena.words(ref);
    const w = arena.wordOffset(ref);
    const meta = words[w];
    const type = meta & TYPE_MASK;
    if (type === TYPE_STRING) {
      if (meta & RAW) return "raw";
      const n = words[w + 2];
      if (n > EMBSTR_MAX) return "raw";
      const start = (w << 2) + ((meta & VOLATILE) ? VOLATILE_HEADER : HEADER) +
        words[w + 1];
      const value = arena.buffer(ref).latin1Slice(start, start + n);
      return isCanonicalInt64(value) ? "int" : "embstr";
    }
    if (type === TYPE_PACKED) {
      const start = (w << 2) + ((meta & VOLATILE) ? VOLATILE_HEADER : HEADER) +
        words[w + 1];
      const kind = packedType(arena.bytes(ref), start);
      return kind === "hash"
        ? "listpack"
        : kind === "set"
        ? "intset"
        : "quicklist";
    }
    const value = this.#collections[words[w + 2]]!;
    if (value.type === "list") return "quicklist";
    const compact = !this.#pastLimits.has(value) &&
      (value instanceof ByteHash || value instanceof ByteSet) &&
      packedSize(value, this.#packing) >= 0;
    if (!compact) return "hashtable";
    return value.type === "hash" ? "listpack" : "intset";
  }

  /**
   * The LFU access counter of a key (OBJECT FREQ), decayed to now;
   * meaningful under an LFU policy.
   *
   * @param key The key.
   * @returns The counter (0–255), or `undefined` when the key is missing.
   */
  objectFreq(key: string): number | undefined {
    const ref = this.#lookup(key, false);
    if (ref < 0) return undefined;
    const meta = this.#arena.words(ref)[this.#arena.wordOffset(ref)];
    return this.#decayedCounter(meta, this.#now());
  }

  /**
   * Seconds since a key was last read or written (OBJECT IDLETIME);
   * meaningful under a policy that is not LFU.
   *
   * @param key The key.
   * @returns The idle time, or `undefined` when the key is missing.
   */
  objectIdleTime(key: string): number | undefined {
    const ref = this.#lookup(key, false);
    if (ref < 0) return undefined;
    const meta = this.#arena.words(ref)[this.#arena.wordOffset(ref)];
    return Math.floor(this.#idleMs(meta & CLOCK_MASK) / 1000);
  }

  /** Ms since an LRU clock value (Redis's estimateObjectIdleTime). */
  #idleMs(clock: number): number {
    const now = lruClock(this.#now());
    return (now >= clock ? now - clock : CLOCK_MASK - clock + now) * 1000;
  }

  /** Evicts one key by the policy; `false` when there is none to evict. */
  #evictOne(): boolean {
    const policy = this.#memory.policy;
    const volatileOnly = policy.startsWith("volatile-");
    if (volatileOnly ? this.#volatile === 0 : this.#index.size === 0) {
      return false;
    }
    if (policy.endsWith("-random")) {
      const ref = this.#randomRef(volatileOnly);
      return ref >= 0 && this.#evictRef(ref, this.#recordHash(ref));
    }
    for (let attempt = 0; attempt < 16; attempt++) {
      this.#populatePool(volatileOnly);
      // Best candidate last (the pool is sorted by ascending idle score).
      while (this.#poolSize !== 0) {
        const k = --this.#poolSize;
        const ref = this.#poolRef[k];
        const hash = this.#poolHash[k];
        // Under volatile-*, skip a record that lost its TTL since it was
        // sampled (Redis looks pool keys up in the expires dict).
        const words = this.#arena.isLive(ref) ? this.#arena.words(ref) : null;
        if (
          words !== null &&
          (!volatileOnly || (words[this.#arena.wordOffset(ref)] & VOLATILE)) &&
          this.#evictRef(ref, hash)
        ) return true;
      }
    }
    return false;
  }

  /** Deletes the record `ref` if the index still maps `hash` to it. */
  #evictRef(ref: number, hash: number): boolean {
    if (!this.#index.findRef(hash, ref)) return false;
    const p = this.#index.position;
    this.#removeAt(p.segment, p.slot, ref);
    this.#evictedKeys++;
    return true;
  }

  /**
   * Samples `samples` keys from a random place of the index into the
   * eviction pool (Redis's evictionPoolPopulate): keeps the 16 best
   * candidates seen so far, sorted by idle score.
   */
  #populatePool(volatileOnly: boolean): void {
    const index = this.#index;
    const arena = this.#arena;
    const policy = this.#memory.policy;
    const lru = policy.endsWith("-lru");
    const lfu = policy.endsWith("-lfu");
    const now = this.#now();
    const n = this.#sample(volatileOnly, this.#memory.samples);
    for (let k = 0; k < n; k++) {
      const s = this.#sampleSegment[k];
      const i = this.#sampleSlot[k];
      const hash = index.hashes[s][i] & ~MARK;
      const ref = index.refs[s][i];
      const words = arena.words(ref);
      const w = arena.wordOffset(ref);
      const meta = words[w];
      let idle: number;
      if (lru) idle = this.#idleMs(meta & CLOCK_MASK);
      else if (lfu) idle = 255 - this.#decayedCounter(meta, now);
      else idle = -this.#expireAt(words, w); // volatile-ttl: soonest first
      this.#poolInsert(idle, ref, hash);
    }
  }

  #poolInsert(idle: number, ref: number, hash: number): void {
    const idles = this.#poolIdle;
    let n = this.#poolSize;
    // Skip a record already in the pool.
    for (let k = 0; k < n; k++) if (this.#poolRef[k] === ref) return;
    let k = 0;
    while (k < n && idles[k] < idle) k++;
    if (n === POOL_SIZE) {
      if (k === 0) return; // worse than everything in a full pool
      // Drop the worst (index 0) and shift left to make room at k - 1.
      k--;
      for (let j = 0; j < k; j++) {
        idles[j] = idles[j + 1];
        this.#poolRef[j] = this.#poolRef[j + 1];
        this.#poolHash[j] = this.#poolHash[j + 1];
      }
    } else {
      for (let j = n; j > k; j--) {
        idles[j] = idles[j - 1];
        this.#poolRef[j] = this.#poolRef[j - 1];
        this.#poolHash[j] = this.#poolHash[j - 1];
      }
      n++;
    }
    idles[k] = idle;
    this.#poolRef[k] = ref;
    this.#poolHash[k] = hash;
    this.#poolSize = n;
  }

  // ---- defragmentation ---------------------------------------------------------

  /**
   * One step of active defragmentation (Redis's activeDefragCycle): moves
   * records out of the emptiest page of the most fragmented size class so
   * the page can serve any class again. Runs only while the allocator holds
   * at least `ignoreBytes` more than its live records and more than
   * `thresholdPercent` over them.
   *
   * @param maxMoves Most records to move.
   * @param ignoreBytes Fragmentation below this many bytes is left alone.
   * @param thresholdPercent Fragmentation below this percentage is left alone.
   * @returns Records moved.
   */
  defragStep(
    maxMoves: number,
    ignoreBytes = 8 << 20,
    thresholdPercent = 10,
  ): number {
    const reserved = this.#arena.reservedBytes;
    const live = this.#arena.usedBytes;
    if (
      reserved - live < ignoreBytes ||
      reserved * 100 < live * (100 + thresholdPercent)
    ) {
      return 0;
    }
    const moved = this.#arena.evacuate(maxMoves, (from, to) => {
      if (this.#index.findRef(this.#recordHash(to), from)) {
        const p = this.#index.position;
        this.#index.setRef(p.segment, p.slot, to);
      }
    });
    // The pool's references may name moved records: sample afresh.
    if (moved !== 0) this.#poolSize = 0;
    return moved;
  }
}
