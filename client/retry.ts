/**
 * When and how long to wait before sending a command again: exponential
 * backoff with full jitter, only after a network failure, and only for
 * commands that are safe to repeat.
 *
 * A network failure ({@linkcode ConnectionError} or {@linkcode TimeoutError})
 * leaves the command's fate unknown: it may have run. Sending it again is
 * safe only when running it twice leaves the same state as running it once,
 * which the shared command table says with the `retry` flag (GET, SET, DEL,
 * EXPIRE... but never INCR, LPUSH, APPEND). A command that certainly never
 * left the client (its connection could not be opened, or its node was
 * taken out while it waited for a pool slot) is retried whatever its flags.
 * Error replies are never retried: the node ran the command, or refused it.
 *
 * @module
 */

import { type CommandInfo, hasFlag } from "@cachemir/protocol";
import { ConnectionError, TimeoutError } from "./errors.ts";

/** Options of retries (the `retry` option of {@linkcode CacheMirClient}). */
export interface RetryOptions {
  /**
   * How many times a command may be sent in all, the first time included;
   * `1` turns retries off.
   * @default {3}
   */
  readonly attempts?: number;
  /**
   * The cap of the first retry's delay; the cap doubles with each retry.
   * @default {50}
   */
  readonly baseDelayMs?: number;
  /**
   * The largest cap of a delay.
   * @default {1000}
   */
  readonly maxDelayMs?: number;
}

/** {@linkcode RetryOptions} with every field set and checked. */
export interface RetryPolicy {
  /** How many times a command may be sent in all. */
  readonly attempts: number;
  /** The cap of the first retry's delay, in milliseconds. */
  readonly baseDelayMs: number;
  /** The largest cap of a delay, in milliseconds. */
  readonly maxDelayMs: number;
}

/**
 * The default retry policy: 3 attempts, delays capped at 50 ms, then 100 ms,
 * doubling up to 1000 ms.
 *
 * @example Read the defaults
 * ```ts
 * import { DEFAULT_RETRY } from "@cachemir/client/retry";
 * console.log(DEFAULT_RETRY.attempts); // 3
 * ```
 */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 3,
  baseDelayMs: 50,
  maxDelayMs: 1000,
});

/** The most attempts accepted. */
const MAX_ATTEMPTS = 100;

/**
 * Fills in and checks retry options.
 *
 * @param options The options given, or nothing for {@linkcode DEFAULT_RETRY}.
 * @returns The complete policy.
 * @throws {RangeError} When `attempts` is not an integer from 1 to 100, or a
 * delay is negative or not finite, or `maxDelayMs` is below `baseDelayMs`.
 *
 * @example Turn retries off
 * ```ts
 * import { retryPolicy } from "@cachemir/client/retry";
 * console.log(retryPolicy({ attempts: 1 }).attempts); // 1
 * ```
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const attempts = options.attempts ?? DEFAULT_RETRY.attempts;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_ATTEMPTS) {
    throw new RangeError(
      `Invalid retry.attempts: ${attempts} (must be an integer from 1 to ${MAX_ATTEMPTS})`,
    );
  }
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ??
    Math.max(DEFAULT_RETRY.maxDelayMs, baseDelayMs);
  for (
    const [name, value] of [["baseDelayMs", baseDelayMs], [
      "maxDelayMs",
      maxDelayMs,
    ]] as const
  ) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(
        `Invalid retry.${name}: ${value} (must be a finite number of milliseconds >= 0)`,
      );
    }
  }
  if (maxDelayMs < baseDelayMs) {
    throw new RangeError(
      `Invalid retry.maxDelayMs: ${maxDelayMs} is below retry.baseDelayMs ${baseDelayMs}`,
    );
  }
  return Object.freeze({ attempts, baseDelayMs, maxDelayMs });
}

/**
 * The delay before a retry, with full jitter: a uniformly random time from
 * 0 up to `min(maxDelayMs, baseDelayMs × 2^(retry − 1))` (AWS's "Exponential
 * Backoff And Jitter"). The randomness spreads the retries of many clients
 * that failed at the same moment.
 *
 * @param retry Which retry this is: 1 for the first (the second attempt).
 * @param policy The delays.
 * @param random A source of numbers in [0, 1).
 * @default {Math.random} random
 * @returns The delay in milliseconds, in `[0, cap)`.
 *
 * @example The third retry waits less than 200 ms
 * ```ts
 * import { backoffDelay } from "@cachemir/client/retry";
 * const policy = { attempts: 5, baseDelayMs: 50, maxDelayMs: 1000 };
 * console.log(backoffDelay(3, policy, () => 0.5)); // 100
 * ```
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(retry, 1) - 1, 30);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return cap * random();
}

const notSent = new WeakSet<Error>();

/**
 * Marks an error as one of a command that never left the client, so that it
 * may be retried whatever its flags.
 *
 * @param error The error the command rejects with.
 * @returns `error`.
 */
export function markNotSent<E extends Error>(error: E): E {
  notSent.add(error);
  return error;
}

/**
 * Tells whether a command failed before it was sent.
 *
 * @param error What the command rejected with.
 * @returns `true` when {@linkcode markNotSent} marked it.
 */
export function wasNotSent(error: unknown): boolean {
  return error instanceof Error && notSent.has(error);
}

/**
 * Tells whether an error is a network failure: a lost or refused connection
 * or a timeout, after which a command's fate is unknown. A timeout waiting
 * for a pool slot is not one (the node is busy, not failing).
 *
 * @param error What a command rejected with.
 * @returns `true` for a {@linkcode ConnectionError} or a {@linkcode TimeoutError}
 * other than an `"acquire"` timeout.
 *
 * @example
 * ```ts
 * import { ConnectionError, ReplyError } from "@cachemir/client";
 * import { isNetworkError } from "@cachemir/client/retry";
 * console.log(isNetworkError(new ConnectionError("h:1", "lost"))); // true
 * console.log(isNetworkError(new ReplyError("ERR", "syntax error"))); // false
 * ```
 */
export function isNetworkError(error: unknown): boolean {
  if (error instanceof TimeoutError) {
    return error.operation !== "acquire" && error.operation !== "discover";
  }
  return error instanceof ConnectionError;
}

/**
 * Tells whether a command that failed with `error` may be sent again: after
 * a network failure when the command is safe to repeat (the command table's
 * `retry` flag), or after any network failure when it was never sent.
 *
 * @param info The command's row in the command table.
 * @param error What it rejected with.
 * @returns `true` when a retry is allowed.
 *
 * @example GET is retried after a lost connection, INCR is not
 * ```ts
 * import { canRetry } from "@cachemir/client/retry";
 * import { ConnectionError } from "@cachemir/client";
 * import { commandByName } from "@cachemir/protocol";
 * const lost = new ConnectionError("h:1", "Connection to h:1 closed by the node");
 * console.log(canRetry(commandByName("GET")!, lost)); // true
 * console.log(canRetry(commandByName("INCR")!, lost)); // false
 * ```
 */
export function canRetry(info: CommandInfo, error: unknown): boolean {
  if (!isNetworkError(error)) return false;
  return wasNotSent(error) || hasFlag(info, "retry");
}
