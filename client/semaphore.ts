/**
 * {@linkcode Semaphore}: a counting semaphore whose waiters give up after a
 * timeout.
 *
 * @module
 */

import { deferred } from "./_deferred.ts";

interface Waiter {
  readonly resolve: (acquired: boolean) => void;
  readonly reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

/**
 * A counting semaphore: `permits` holders at once; further callers wait in
 * FIFO order, each for at most its timeout. Taking a free permit costs no
 * promise ({@linkcode Semaphore.tryAcquire}).
 *
 * @example Bound concurrent work to 2
 * ```ts
 * import { Semaphore } from "@cachemir/client/semaphore";
 * const sem = new Semaphore(2);
 * console.log(sem.tryAcquire(), sem.tryAcquire(), sem.tryAcquire()); // true true false
 * const waiting = sem.acquire(1000);
 * sem.release(); // hands the permit to the waiter
 * console.log(await waiting); // true
 * console.log(await sem.acquire(10)); // false: timed out
 * ```
 */
export class Semaphore {
  #permits: number;
  #available: number;
  // FIFO of waiters: an array with a moving head, compacted when half used.
  #waiters: Waiter[] = [];
  #head = 0;
  #waiting = 0;

  /**
   * Makes a semaphore.
   *
   * @param permits How many holders at once, a positive integer.
   * @throws {RangeError} When `permits` is not a positive integer.
   */
  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) {
      throw new RangeError(
        `Cannot make a semaphore with ${permits} permits: must be a positive integer`,
      );
    }
    this.#permits = permits;
    this.#available = permits;
  }

  /**
   * The number of permits.
   *
   * @returns The count given to the constructor.
   */
  get permits(): number {
    return this.#permits;
  }

  /**
   * Permits free now.
   *
   * @returns The count, 0 when every permit is held.
   */
  get available(): number {
    return this.#available;
  }

  /**
   * Callers waiting for a permit.
   *
   * @returns The count.
   */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Takes a permit if one is free and nobody waits (waiters keep their turn).
   *
   * @returns `true` when a permit was taken.
   */
  tryAcquire(): boolean {
    if (this.#available > 0 && this.#waiting === 0) {
      this.#available--;
      return true;
    }
    return false;
  }

  /**
   * Takes a permit, waiting for one up to `timeoutMs`.
   *
   * @param timeoutMs The longest wait, in milliseconds.
   * @returns `true` once a permit is taken, `false` when the wait timed out
   * (no permit is held then).
   * @throws {Error} The error given to {@linkcode Semaphore.rejectWaiters} while waiting.
   */
  acquire(timeoutMs: number): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    const { promise, resolve, reject } = deferred<boolean>();
    const waiter: Waiter = { resolve, reject, timer: undefined, done: false };
    waiter.timer = setTimeout(() => {
      waiter.timer = undefined;
      if (waiter.done) return;
      waiter.done = true;
      if (--this.#waiting === 0) {
        // Every queued entry is done: drop them all.
        this.#waiters.length = 0;
        this.#head = 0;
      }
      resolve(false);
    }, timeoutMs);
    this.#waiters.push(waiter);
    this.#waiting++;
    return promise;
  }

  /**
   * Returns a permit, handing it to the oldest waiter if there is one.
   *
   * @throws {Error} When more permits are released than were taken.
   */
  release(): void {
    if (this.#waiting > 0) {
      const waiter = this.#next();
      if (waiter !== undefined) {
        waiter.resolve(true);
        return;
      }
    }
    if (this.#available === this.#permits) {
      throw new Error(
        `Cannot release a semaphore permit: all ${this.#permits} are already free`,
      );
    }
    this.#available++;
  }

  /**
   * Rejects every waiter with `error`; permits held stay held.
   *
   * @param error What the waiters reject with.
   */
  rejectWaiters(error: Error): void {
    for (;;) {
      const waiter = this.#next();
      if (waiter === undefined) return;
      waiter.reject(error);
    }
  }

  /** Removes and returns the oldest live waiter, its timer cleared. */
  #next(): Waiter | undefined {
    const waiters = this.#waiters;
    while (this.#head < waiters.length) {
      const waiter = waiters[this.#head];
      waiters[this.#head++] = undefined as unknown as Waiter;
      if (this.#head > 1024 && this.#head * 2 > waiters.length) {
        waiters.splice(0, this.#head);
        this.#head = 0;
      }
      if (waiter.done) continue;
      waiter.done = true;
      this.#waiting--;
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      if (this.#head === waiters.length) {
        waiters.length = 0;
        this.#head = 0;
      }
      return waiter;
    }
    waiters.length = 0;
    this.#head = 0;
    return undefined;
  }
}
