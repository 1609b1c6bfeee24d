/**
 * {@linkcode HotKeys}: the node's sketch of which keys are hot now, in
 * bounded memory (HOTKEYS, INFO hotkeys, `/metrics`).
 *
 * - **Sampling.** The command table counts down a skip counter per request
 *   ({@linkcode HotKeys.skip}: one decrement, the only cost most requests
 *   pay); when it reaches 0 the request's keys are recorded, each with weight
 *   1, and the next skip is drawn at random between 1 and `2 × sample − 1`
 *   (mean `sample`), so a workload that repeats with a period cannot hide a
 *   key from it. Estimates are scaled by `sample`.
 * - **Counting.** A recorded key is hashed from its bytes in place
 *   (MurmurHash3 with a random per-node seed, no string made) into a
 *   count-min sketch (`depth` rows of `width` counters, conservative update);
 *   a key whose estimate beats the smallest of the `capacity` tracked keys
 *   replaces it: its bytes are copied into that key's fixed slot. Recording
 *   allocates nothing; a key becomes a string only when it is listed.
 * - **Decay.** Every count decays exponentially with a half-life
 *   (`halfLifeMs`, 5 s by default), applied lazily: the clock is read once
 *   every 64 recorded samples and on every read. A key's decayed count `C`
 *   gives its rate `C × sample × ln 2 / halfLife`, corrected while the
 *   sketch is younger than a few half-lives.
 *
 * Memory: `depth × width` 8-byte counters (64 KiB by default) and
 * `capacity` key slots of `maxKeyBytes` bytes each (64 × 1 KiB), all
 * allocated once.
 *
 * @module
 */

import {
  type KeySpec,
  murmur3ByteString,
  murmur3Range,
  toByteString,
} from "@cachemir/protocol";
import type { ArgvView } from "./_util/request.ts";
import { randomHashSeed } from "./store/key_hash.ts";

/** Options of {@linkcode HotKeys}. */
export interface HotKeysOptions {
  /**
   * Record one request in this many, on average; 1 = every request, 0 =
   * record nothing (HOTKEYS answers an empty list).
   * @default {16}
   */
  readonly sample?: number;
  /**
   * How many keys are tracked (the most HOTKEYS can list).
   * @default {64}
   */
  readonly capacity?: number;
  /**
   * Counters per row of the count-min sketch (a power of two).
   * @default {2048}
   */
  readonly width?: number;
  /**
   * Rows of the count-min sketch.
   * @default {4}
   */
  readonly depth?: number;
  /**
   * The time after which a count is worth half as much, in ms.
   * @default {5000}
   */
  readonly halfLifeMs?: number;
  /**
   * A tracked key longer than this is kept (and listed) as its first
   * `maxKeyBytes` bytes; it is still counted by all its bytes.
   * @default {1024}
   */
  readonly maxKeyBytes?: number;
  /**
   * The clock, in ms.
   * @default {performance.now}
   */
  readonly now?: () => number;
  /**
   * The hash seed and the sampler's first state.
   * @default {a random one}
   */
  readonly seed?: number;
}

/** A hot key and its estimated accesses per second. */
export interface HotKey {
  /** The key, a byte string (one char per byte). */
  readonly key: string;
  /** Estimated accesses per second, now. */
  readonly opsPerSec: number;
}

/** Samples between two reads of the clock. */
const CLOCK_EVERY = 64;
/** Decay is applied at most this often while recording, in ms. */
const DECAY_EVERY_MS = 100;
/** A skip that never runs out (sampling off): reset when it does. */
const NEVER = 1 << 30;

/**
 * A bounded-memory, decayed estimate of each key's access rate, and the
 * hottest keys.
 *
 * @example Find the hot key of a skewed stream
 * ```ts
 * import { HotKeys } from "./hot_keys.ts";
 * import assert from "node:assert/strict";
 *
 * let t = 0;
 * const hot = new HotKeys({ sample: 1, now: () => t });
 * for (let i = 0; i < 10_000; i++) {
 *   hot.access(i % 2 === 0 ? "hot" : `cold:${i}`);
 *   t += 0.1; // 10,000 accesses a second
 * }
 * const [first] = hot.top(1);
 * assert.equal(first.key, "hot");
 * assert.ok(first.opsPerSec > 4000 && first.opsPerSec < 6000);
 * ```
 */
export class HotKeys {
  /**
   * Requests left before the next one is recorded: the caller decrements
   * it per request and calls {@linkcode recordView} or
   * {@linkcode recordArgs} when it reaches 0.
   */
  skip: number;
  /** One request in this many is recorded, on average (0: none). */
  readonly sample: number;
  /** How many keys are tracked. */
  readonly capacity: number;
  /** The half-life of a count, in ms. */
  readonly halfLifeMs: number;
  readonly #seed: number;
  readonly #width: number;
  readonly #mask: number;
  readonly #depth: number;
  readonly #cells: Float64Array;
  readonly #maxKeyBytes: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  #decayedAt: number;
  #untilClock = CLOCK_EVERY;
  #random: number;
  // The tracked keys: hash, decayed count, length and bytes (slot i holds
  // key i's first maxKeyBytes bytes at i × maxKeyBytes).
  readonly #hashes: Int32Array;
  readonly #counts: Float64Array;
  readonly #lengths: Int32Array;
  readonly #keyBytes: Uint8Array;
  #size = 0;
  /** The tracked key with the smallest count; -1 = not known now. */
  #minSlot = -1;

  /**
   * Makes an empty sketch.
   *
   * @param options Sampling, size and decay.
   * @throws {RangeError} When `width` is not a power of two, or a size or
   * the half-life is not positive.
   */
  constructor(options: HotKeysOptions = {}) {
    this.sample = options.sample ?? 16;
    this.capacity = options.capacity ?? 64;
    this.#width = options.width ?? 2048;
    this.#depth = options.depth ?? 4;
    this.halfLifeMs = options.halfLifeMs ?? 5000;
    this.#maxKeyBytes = options.maxKeyBytes ?? 1024;
    if (
      !Number.isInteger(this.sample) || this.sample < 0 ||
      !(this.capacity >= 1) || !(this.#depth >= 1) ||
      !(this.#width >= 1) || (this.#width & (this.#width - 1)) !== 0 ||
      !(this.halfLifeMs > 0) || !(this.#maxKeyBytes >= 1)
    ) {
      throw new RangeError(
        `Cannot make a hot-key sketch: sample ${this.sample}, capacity ${this.capacity}, width ${this.#width} (a power of two), depth ${this.#depth}, half-life ${this.halfLifeMs} ms, maxKeyBytes ${this.#maxKeyBytes}`,
      );
    }
    this.#mask = this.#width - 1;
    this.#cells = new Float64Array(this.#width * this.#depth);
    this.#hashes = new Int32Array(this.capacity);
    this.#counts = new Float64Array(this.capacity);
    this.#lengths = new Int32Array(this.capacity);
    this.#keyBytes = new Uint8Array(this.capacity * this.#maxKeyBytes);
    this.#seed = options.seed ?? randomHashSeed();
    this.#random = (this.#seed | 1) >>> 0;
    this.#now = options.now ?? (() => performance.now());
    this.#startedAt = this.#now();
    this.#decayedAt = this.#startedAt;
    this.skip = this.#nextSkip();
  }

  /**
   * Bytes the sketch holds: counters, key slots, their counts; fixed when
   * it is made.
   */
  get memoryBytes(): number {
    return this.#cells.byteLength + this.#hashes.byteLength +
      this.#counts.byteLength + this.#lengths.byteLength +
      this.#keyBytes.byteLength;
  }

  /** How many keys are tracked now (at most {@linkcode capacity}). */
  get tracked(): number {
    return this.#size;
  }

  /**
   * One access to a key, sampled as the command table samples requests
   * (for tests and callers without a request at hand).
   *
   * @param key The key, a byte string.
   */
  access(key: string): void {
    if (--this.skip > 0) return;
    this.skip = this.#nextSkip();
    this.#recordString(key);
  }

  /**
   * Records a sampled request's keys, in place in the read buffer, and
   * draws the next skip. Called when {@linkcode skip} reaches 0.
   *
   * @param keys The command's key positions (its protocol row).
   * @param argv The arguments after the command name.
   */
  recordView(keys: KeySpec, argv: ArgvView): void {
    this.skip = this.#nextSkip();
    if (keys.first === 0 || this.sample === 0) return;
    const o = argv.offsets;
    const b = argv.bytes;
    let numKeys = -1;
    if (keys.countAt !== undefined) {
      const at = keys.countAt - 1;
      if (at >= argv.count) return;
      numKeys = digits(b, o[2 * at], o[2 * at + 1]);
      if (numKeys < 0) return;
    }
    const [from, to] = keyRange(keys, argv.count, numKeys);
    for (let i = from; i <= to; i += keys.step) {
      this.#recordBytes(b, o[2 * i], o[2 * i + 1]);
    }
  }

  /**
   * Records a sampled request's keys, given as byte strings, and draws the
   * next skip. Called when {@linkcode skip} reaches 0.
   *
   * @param keys The command's key positions (its protocol row).
   * @param args The arguments after the command name.
   */
  recordArgs(keys: KeySpec, args: readonly string[]): void {
    this.skip = this.#nextSkip();
    if (keys.first === 0 || this.sample === 0) return;
    let numKeys = -1;
    if (keys.countAt !== undefined) {
      const arg = args[keys.countAt - 1];
      numKeys = /^[0-9]{1,9}$/.test(arg ?? "") ? Number(arg) : -1;
      if (numKeys < 0) return;
    }
    const [from, to] = keyRange(keys, args.length, numKeys);
    for (let i = from; i <= to; i += keys.step) this.#recordString(args[i]);
  }

  /**
   * The hottest tracked keys now, hottest first.
   *
   * @param count How many, at most.
   * @returns Keys and their estimated accesses per second.
   */
  top(count: number): HotKey[] {
    this.#decay(this.#now());
    const order = Array.from({ length: this.#size }, (_, i) => i)
      .sort((a, b) => this.#counts[b] - this.#counts[a]);
    const rate = this.#rateFactor();
    const out: HotKey[] = [];
    for (const i of order.slice(0, Math.max(0, count))) {
      const n = Math.min(this.#lengths[i], this.#maxKeyBytes);
      const at = i * this.#maxKeyBytes;
      out.push({
        key: toByteString(this.#keyBytes, at, at + n),
        opsPerSec: this.#counts[i] * rate,
      });
    }
    return out;
  }

  /** A skip drawn uniformly from 1 .. 2 × sample − 1 (xorshift32). */
  #nextSkip(): number {
    if (this.sample === 0) return NEVER;
    if (this.sample === 1) return 1;
    let x = this.#random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#random = x >>> 0;
    return 1 + this.#random % (2 * this.sample - 1);
  }

  /** Turns a decayed count into accesses per second. */
  #rateFactor(): number {
    const lambda = Math.LN2 / this.halfLifeMs; // per ms
    const age = this.#decayedAt - this.#startedAt;
    // A steady rate r fills a count to r × (1 − e^(−λ·age)) / λ.
    const filled = 1 - Math.exp(-lambda * Math.max(age, 1));
    return this.sample * lambda * 1000 / filled;
  }

  /** Multiplies every count by the decay since it was last applied. */
  #decay(now: number): void {
    const elapsed = now - this.#decayedAt;
    if (!(elapsed > 0)) return;
    this.#decayedAt = now;
    const f = Math.pow(2, -elapsed / this.halfLifeMs);
    const cells = this.#cells;
    for (let i = 0; i < cells.length; i++) cells[i] *= f;
    const counts = this.#counts;
    for (let i = 0; i < this.#size; i++) counts[i] *= f;
  }

  /** Reads the clock every so many samples, and decays when it is time. */
  #tick(): void {
    if (--this.#untilClock > 0) return;
    this.#untilClock = CLOCK_EVERY;
    const now = this.#now();
    if (now - this.#decayedAt >= DECAY_EVERY_MS) this.#decay(now);
  }

  /** Adds 1 to the key's cells; returns its new estimate. */
  #count(h: number): number {
    const cells = this.#cells;
    const width = this.#width;
    const mask = this.#mask;
    const h2 = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) | 1;
    let min = Infinity;
    for (let d = 0, at = h; d < this.#depth; d++, at = (at + h2) | 0) {
      const c = cells[d * width + (at & mask)];
      if (c < min) min = c;
    }
    const next = min + 1;
    for (let d = 0, at = h; d < this.#depth; d++, at = (at + h2) | 0) {
      const i = d * width + (at & mask);
      if (cells[i] < next) cells[i] = next; // conservative update
    }
    return next;
  }

  #recordBytes(b: Uint8Array, start: number, length: number): void {
    this.#tick();
    const h = murmur3Range(b, start, start + length, this.#seed) | 0;
    const estimate = this.#count(h);
    if (this.#cannotEnter(estimate)) return;
    const hashes = this.#hashes;
    for (let i = 0; i < this.#size; i++) {
      if (hashes[i] === h && this.#holds(i, b, start, length)) {
        return this.#recount(i, estimate);
      }
    }
    const at = this.#enter(h, estimate, length);
    if (at < 0) return;
    const n = Math.min(length, this.#maxKeyBytes);
    this.#keyBytes.set(b.subarray(start, start + n), at);
  }

  #recordString(key: string): void {
    this.#tick();
    const h = murmur3ByteString(key, this.#seed) | 0;
    const estimate = this.#count(h);
    if (this.#cannotEnter(estimate)) return;
    const hashes = this.#hashes;
    for (let i = 0; i < this.#size; i++) {
      if (hashes[i] === h && this.#holdsString(i, key)) {
        return this.#recount(i, estimate);
      }
    }
    const at = this.#enter(h, estimate, key.length);
    if (at < 0) return;
    const n = Math.min(key.length, this.#maxKeyBytes);
    const bytes = this.#keyBytes;
    for (let i = 0; i < n; i++) bytes[at + i] = key.charCodeAt(i);
  }

  /** A tracked key recorded again: its count becomes its new estimate. */
  #recount(i: number, estimate: number): void {
    this.#counts[i] = estimate;
    if (i === this.#minSlot) this.#minSlot = -1;
  }

  /**
   * Tracks an untracked key if its estimate earns it a slot: sets the
   * slot's hash, count and length, and returns where its bytes go in
   * `#keyBytes` (the caller copies them); -1 when it is not tracked.
   */
  #enter(h: number, estimate: number, length: number): number {
    const slot = this.#slotFor(estimate);
    if (slot < 0) return -1;
    this.#hashes[slot] = h;
    this.#counts[slot] = estimate;
    this.#lengths[slot] = length;
    return slot * this.#maxKeyBytes;
  }

  /** Whether slot `i` holds these bytes (its first `maxKeyBytes`, and length). */
  #holds(i: number, b: Uint8Array, start: number, length: number): boolean {
    if (this.#lengths[i] !== length) return false;
    const n = Math.min(length, this.#maxKeyBytes);
    const bytes = this.#keyBytes;
    const at = i * this.#maxKeyBytes;
    for (let k = 0; k < n; k++) {
      if (bytes[at + k] !== b[start + k]) return false;
    }
    return true;
  }

  /** {@linkcode #holds} for a byte string. */
  #holdsString(i: number, key: string): boolean {
    if (this.#lengths[i] !== key.length) return false;
    const n = Math.min(key.length, this.#maxKeyBytes);
    const bytes = this.#keyBytes;
    const at = i * this.#maxKeyBytes;
    for (let k = 0; k < n; k++) {
      if (bytes[at + k] !== key.charCodeAt(k)) return false;
    }
    return true;
  }

  /**
   * Whether a key with this new estimate is surely untracked and stays so:
   * the table is full and the estimate is at most the smallest tracked
   * count. (A tracked key's count is its estimate when last recorded; its
   * cells have only grown since, and decay scales both alike, so its new
   * estimate, one more, is above its count, itself at least the smallest.)
   * Spares cold keys the scan of the tracked ones.
   */
  #cannotEnter(estimate: number): boolean {
    if (this.#size < this.capacity) return false;
    return !(estimate > this.#counts[this.#smallest()]);
  }

  /** The slot of the smallest tracked count (cached until it changes). */
  #smallest(): number {
    let min = this.#minSlot;
    if (min >= 0) return min;
    const counts = this.#counts;
    min = 0;
    for (let i = 1; i < this.#size; i++) if (counts[i] < counts[min]) min = i;
    this.#minSlot = min;
    return min;
  }

  /** Where an untracked key with this estimate goes: -1 = nowhere. */
  #slotFor(estimate: number): number {
    if (this.#size < this.capacity) return this.#size++;
    const min = this.#smallest();
    if (!(estimate > this.#counts[min])) return -1;
    this.#minSlot = -1;
    return min;
  }
}

/** The positions (after the name) of a command's first and last key. */
function keyRange(
  keys: KeySpec,
  count: number,
  numKeys: number,
): [from: number, to: number] {
  const from = keys.first - 1;
  let to = numKeys >= 0
    ? from + numKeys - 1
    : keys.last < 0
    ? count + keys.last
    : keys.last - 1;
  if (to > count - 1) to = count - 1;
  return [from, to];
}

/** A short run of ASCII digits as a number; -1 for anything else. */
function digits(b: Uint8Array, start: number, length: number): number {
  if (length === 0 || length > 9) return -1;
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
