/**
 * Returning freed memory to the system. The keyspace gives up record pages
 * and index arrays as it shrinks, evicts or defragments; V8 hands their
 * memory to the C allocator, and glibc keeps small blocks (and, once it has
 * freed one mapping, 1 MiB ones too: its mmap threshold adapts upward) in
 * its heap for reuse instead of returning them. Under a shift of value sizes
 * that held tens of MB of RSS outside maxmemory. glibc's `malloc_trim(0)`
 * returns every free page of its heaps; the node calls it, through FFI, at
 * most once a second and only after the keyspace gave memory up.
 *
 * @module
 */

/** Asks the C allocator to return its free memory to the system. */
export type MallocTrim = () => void;

/**
 * Opens glibc's `malloc_trim` through FFI.
 *
 * @returns The function, or `undefined` where it is not available: not
 * Linux, no FFI permission (`--allow-ffi`, part of `-A`), or a C library
 * without it (musl).
 *
 * @example
 * ```ts
 * import { openMallocTrim } from "./malloc_trim.ts";
 * const trim = openMallocTrim();
 * trim?.(); // a no-op where glibc is not there
 * ```
 */
export function openMallocTrim(): MallocTrim | undefined {
  if (Deno.build.os !== "linux") return undefined;
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return undefined;
  }
  try {
    const libc = Deno.dlopen(
      "libc.so.6",
      {
        malloc_trim: { parameters: ["usize"], result: "i32" },
      } as const,
    );
    return () => {
      libc.symbols.malloc_trim(0n);
    };
  } catch {
    return undefined;
  }
}

/** Options of a {@linkcode FreedMemoryTrimmer}. */
export interface FreedMemoryTrimmerOptions {
  /** Trims only after at least this many more bytes were released. @default {1 MiB} */
  readonly minReleasedBytes?: number;
  /** Trims at most once per this many ms. @default {1000} */
  readonly minIntervalMs?: number;
}

/**
 * Calls a trim function when enough memory was released since the last
 * call, at most once per interval (`malloc_trim` walks the allocator's free
 * lists: about 1–3 ms with a few hundred MB).
 *
 * @example
 * ```ts
 * import { FreedMemoryTrimmer } from "./malloc_trim.ts";
 * let released = 0;
 * let trims = 0;
 * const trimmer = new FreedMemoryTrimmer(() => trims++, () => released);
 * released = 8 << 20;
 * trimmer.tick(1_000);
 * trimmer.tick(1_500); // nothing new released
 * console.assert(trims === 1);
 * ```
 */
export class FreedMemoryTrimmer {
  readonly #trim: MallocTrim;
  readonly #released: () => number;
  readonly #minBytes: number;
  readonly #minIntervalMs: number;
  #lastReleased = 0;
  #lastTrim = -Infinity;
  #trims = 0;

  /**
   * @param trim What returns memory (from {@linkcode openMallocTrim}).
   * @param released Bytes released so far; only grows, or starts over from
   * 0 (then the next tick counts from there).
   * @param options Thresholds.
   */
  constructor(
    trim: MallocTrim,
    released: () => number,
    options: FreedMemoryTrimmerOptions = {},
  ) {
    this.#trim = trim;
    this.#released = released;
    this.#minBytes = options.minReleasedBytes ?? 1 << 20;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
  }

  /** Times the trim function was called. */
  get trims(): number {
    return this.#trims;
  }

  /**
   * Trims if enough was released and the interval has passed.
   *
   * @param now Now, in ms.
   * @returns Whether it trimmed.
   */
  tick(now: number): boolean {
    const released = this.#released();
    if (released < this.#lastReleased) this.#lastReleased = 0;
    if (
      released - this.#lastReleased < this.#minBytes ||
      now - this.#lastTrim < this.#minIntervalMs
    ) {
      return false;
    }
    this.#lastReleased = released;
    this.#lastTrim = now;
    this.#trims++;
    this.#trim();
    return true;
  }
}
