/**
 * {@linkcode ActiveExpiry}: the background cycle that reclaims expired keys
 * nobody reads, modelled on Redis's `activeExpireCycle` (expire.c).
 *
 * Every `intervalMs` (100 ms, Redis's `hz 10`) one cycle runs: it samples
 * `sampleSize` volatile keys (20, Redis's `ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`),
 * deletes the expired ones, and samples again while more than
 * `acceptableStalePercent` of a sample was expired (10 %, Redis 7's
 * `active-expire-effort 1`), until `budgetMs` of time is spent or one whole
 * pass over the volatile keys is done. Sampling walks the keyspace's index
 * from where the last sample stopped (see {@linkcode Keyspace.expireSome}),
 * as Redis 7 walks its expires table, so every volatile key is looked at
 * within `volatileKeys / sampleSize` samples. The budget is Redis's slow
 * cycle: 25 ms of every 100 (`ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC` 25), so
 * millions of keys that expire together are reclaimed within seconds.
 *
 * The same timer does the keyspace's other chores, as Redis's
 * `databasesCron` does: it packs small collections unpacked outside a
 * command (see {@linkcode Keyspace.packCollections}), it goes on evicting when a write left the node over
 * `maxmemory` (an eviction stops after 50 ms to let the command run), and
 * it moves records out of fragmented pages (active defragmentation). As
 * Redis's `active-defrag-cycle-min`/`-max` (1 % to 25 % of the CPU between
 * 10 % and 100 % of fragmentation), the time it takes grows with the
 * fragmentation: from 1 ms of every 100 up to `defragBudgetMs`.
 *
 * @module
 */

import type { Keyspace } from "./keyspace.ts";

/** Collections the cycle may look at for packing (about 1 µs each). */
const PACK_PER_CYCLE = 10_000;

/** Options of {@linkcode ActiveExpiry}. */
export interface ActiveExpiryOptions {
  /**
   * Time between cycles, in ms.
   * @default {100}
   */
  readonly intervalMs?: number;
  /**
   * Most time one cycle may take, in ms.
   * @default {25}
   */
  readonly budgetMs?: number;
  /**
   * Most time one cycle may spend defragmenting, in ms, reached at 100 %
   * fragmentation (0 = never defragment).
   * @default {25}
   */
  readonly defragBudgetMs?: number;
  /**
   * Volatile keys looked at per sample.
   * @default {20}
   */
  readonly sampleSize?: number;
  /**
   * Sampling goes on while more than this percentage of a sample was expired.
   * @default {10}
   */
  readonly acceptableStalePercent?: number;
  /**
   * The clock that measures the budget, in ms.
   * @default {performance.now}
   */
  readonly clock?: () => number;
}

/** Counters of the active expire cycle, for INFO. */
export interface ActiveExpiryStats {
  /** Cycles run. */
  readonly cycles: number;
  /** Keys deleted by the cycle. */
  readonly expiredKeys: number;
  /** Volatile keys looked at. */
  readonly sampledKeys: number;
  /** Cycles that stopped because the time budget was spent. */
  readonly timeCapReached: number;
  /** Records moved by active defragmentation. */
  readonly defragMoved: number;
  /** Total time spent in cycles, in ms. */
  readonly timeMs: number;
  /**
   * Estimated percentage of volatile keys that are expired but not yet
   * reclaimed (a moving average of the samples, like Redis's
   * `expired_stale_perc`).
   */
  readonly stalePercent: number;
}

/** What one cycle did. */
export interface CycleResult {
  /** Keys looked at. */
  readonly sampled: number;
  /** Keys deleted. */
  readonly expired: number;
  /** `true` when the time budget stopped the cycle. */
  readonly timeCapReached: boolean;
}

/**
 * The active expire cycle of one keyspace. `start()` runs a cycle every
 * `intervalMs` on a timer; `stop()` (or `using`) clears it. `runCycle()` runs
 * one cycle now.
 *
 * @example Reclaim expired keys without reading them
 * ```ts
 * import { Keyspace } from "./keyspace.ts";
 * import { ActiveExpiry } from "./expiry.ts";
 * import assert from "node:assert/strict";
 *
 * let now = 0;
 * const ks = new Keyspace({ now: () => now });
 * for (let i = 0; i < 100; i++) ks.set(`k${i}`, "v", 10);
 * now = 11;
 * const expiry = new ActiveExpiry(ks);
 * expiry.runCycle();
 * assert.equal(ks.size, 0);
 * ```
 */
export class ActiveExpiry {
  #keyspace: Keyspace;
  #intervalMs: number;
  #budgetMs: number;
  #defragBudgetMs: number;
  #defragMoved = 0;
  #sampleSize: number;
  #stalePercent: number;
  #clock: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #cycles = 0;
  #expired = 0;
  #sampled = 0;
  #timeCap = 0;
  #timeMs = 0;
  #staleAverage = 0;

  /**
   * Makes the cycle of a keyspace (not started).
   *
   * @param keyspace The keyspace to reclaim.
   * @param options Timing and sampling.
   * @throws {RangeError} When a number option is not positive.
   */
  constructor(keyspace: Keyspace, options: ActiveExpiryOptions = {}) {
    this.#keyspace = keyspace;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#budgetMs = options.budgetMs ?? 25;
    this.#defragBudgetMs = options.defragBudgetMs ?? 25;
    this.#sampleSize = options.sampleSize ?? 20;
    this.#stalePercent = options.acceptableStalePercent ?? 10;
    this.#clock = options.clock ?? (() => performance.now());
    for (
      const [name, v] of [
        ["intervalMs", this.#intervalMs],
        ["budgetMs", this.#budgetMs],
        ["sampleSize", this.#sampleSize],
      ] as const
    ) {
      if (!(v > 0)) {
        throw new RangeError(
          `Cannot create ActiveExpiry: ${name} must be positive, got ${v}`,
        );
      }
    }
  }

  /** `true` while the timer runs. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** The counters so far. */
  get stats(): ActiveExpiryStats {
    return {
      cycles: this.#cycles,
      expiredKeys: this.#expired,
      sampledKeys: this.#sampled,
      timeCapReached: this.#timeCap,
      defragMoved: this.#defragMoved,
      timeMs: this.#timeMs,
      stalePercent: this.#staleAverage,
    };
  }

  /** Starts running a cycle every `intervalMs` (no-op when running). */
  start(): void {
    if (this.#timer !== undefined) return;
    const timer = setInterval(() => this.runCycle(), this.#intervalMs);
    // The cycle alone must not keep a process alive.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Stops the timer (no-op when stopped). */
  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the timer. */
  [Symbol.dispose](): void {
    this.stop();
  }

  /**
   * Runs one cycle now.
   *
   * @returns What the cycle did.
   */
  runCycle(): CycleResult {
    const ks = this.#keyspace;
    const start = this.#clock();
    const volatileAtStart = ks.volatileSize;
    let sampled = 0;
    let expired = 0;
    let timeCapReached = false;
    while (ks.volatileSize !== 0 && sampled < volatileAtStart) {
      const s = ks.expireSome(this.#sampleSize);
      if (s.sampled === 0) break;
      sampled += s.sampled;
      expired += s.expired;
      const stale = (s.expired * 100) / s.sampled;
      if (this.#clock() - start >= this.#budgetMs) {
        timeCapReached = true;
        break;
      }
      if (stale <= this.#stalePercent) break;
    }
    ks.packCollections(PACK_PER_CYCLE);
    ks.makeRoom(); // an eviction a write left half done goes on
    this.#defrag();
    const elapsed = this.#clock() - start;
    this.#cycles++;
    this.#expired += expired;
    this.#sampled += sampled;
    this.#timeMs += elapsed;
    if (timeCapReached) this.#timeCap++;
    if (sampled > 0) {
      const stale = (expired * 100) / sampled;
      this.#staleAverage = this.#staleAverage * 0.95 + stale * 0.05;
    }
    return { sampled, expired, timeCapReached };
  }

  /** Active defragmentation, for longer the more fragmented the arena is. */
  #defrag(): void {
    if (this.#defragBudgetMs <= 0) return;
    const m = this.#keyspace.memoryStats();
    if (m.allocatorLive === 0) return;
    const fragPercent = (m.allocatorReserved / m.allocatorLive - 1) * 100;
    if (fragPercent < 10) return;
    const share = Math.min(1, (fragPercent - 10) / 90);
    const budget = Math.min(
      this.#defragBudgetMs,
      1 + share * (this.#defragBudgetMs - 1),
    );
    const start = this.#clock();
    let moved: number;
    do {
      moved = this.#keyspace.defragStep(256);
      this.#defragMoved += moved;
    } while (moved !== 0 && this.#clock() - start < budget);
  }
}
