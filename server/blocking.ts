/**
 * Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP): what a
 * handler answers when it must wait ({@linkcode Blocked}), and the node's
 * registry of waiting clients ({@linkcode BlockingRegistry}).
 *
 * A handler stays a pure function: when none of its keys can serve it, it
 * returns a {@linkcode Blocked} naming the keys, the timeout and how to try
 * again. The node hands it to the registry, which gives the connection a
 * {@linkcode Suspension}: the connection answers nothing else of that client
 * (its later pipelined requests wait, as in Redis) until the suspension's
 * reply arrives. After every write command the command table tells the
 * registry which keys were written; the registry retries, in the order they
 * blocked (first blocked, first served), the clients waiting on those keys,
 * before the next command runs. A served client's own writes (BLMOVE's
 * destination) wake the clients waiting on them in the same turn.
 *
 * @module
 */

import {
  error,
  type ErrorReply,
  NULL_ARRAY,
  type Reply,
} from "@cachemir/protocol";
import type { Session, Suspension } from "./_util/request.ts";

export type { Suspension };

/**
 * A blocking command's answer when it must wait: the keys to wait on, how
 * long, and how to try again.
 *
 * @example A BLPOP-like wait
 * ```ts
 * import { Blocked } from "./blocking.ts";
 * import { bytes } from "@cachemir/protocol";
 *
 * const queue: string[] = [];
 * const blocked = new Blocked(["q"], 0, () =>
 *   queue.length === 0 ? undefined : bytes(queue.shift()!));
 * console.log(blocked.kind, blocked.keys); // blocked [ "q" ]
 * ```
 */
export class Blocked {
  /** Tells it from a reply. */
  readonly kind = "blocked" as const;
  /**
   * @param keys The keys whose writes may serve the command.
   * @param timeoutMs How long to wait, in ms; 0 = forever.
   * @param retry Runs the command again without blocking: its reply, or
   * `undefined` when it still cannot be served.
   * @param writes Keys the command writes when it is served (BLMOVE's
   * destination): clients waiting on them are tried next.
   * @param timeoutReply The reply when the wait times out (Redis's null
   * array, `*-1` or RESP3's `_`, for every blocking list command).
   */
  constructor(
    readonly keys: readonly string[],
    readonly timeoutMs: number,
    readonly retry: () => Reply | undefined,
    readonly writes: readonly string[] = [],
    readonly timeoutReply: Reply = NULL_ARRAY,
  ) {}
}

/** Redis's reply to a client unblocked by `CLIENT UNBLOCK id ERROR`. */
const UNBLOCKED_ERROR: ErrorReply = Object.freeze(
  error("UNBLOCKED client unblocked via CLIENT UNBLOCK"),
);

/** The longest delay `setTimeout` takes (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One waiting client. */
interface Waiter {
  readonly session: Session;
  readonly blocked: Blocked;
  readonly resolve: (reply: Reply) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

/**
 * The clients blocked on keys, per key in the order they blocked.
 *
 * @example Block, then serve after a write
 * ```ts
 * import { Blocked, BlockingRegistry } from "./blocking.ts";
 * import { bytes, type Reply } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const registry = new BlockingRegistry();
 * const queue: string[] = [];
 * const session = { id: 1, peer: "t", dialect: "resp2" as const, name: "", closeAfterReply: false };
 * const wait = registry.wait(session, new Blocked(["q"], 0, () =>
 *   queue.length === 0 ? undefined : bytes(queue.shift()!)));
 * assert.equal(registry.blockedClients, 1);
 * queue.push("v");
 * registry.written(["q"]);
 * const reply: Reply = await wait.done;
 * assert.equal(reply.kind, "bytes");
 * assert.equal(registry.blockedClients, 0);
 * ```
 */
export class BlockingRegistry {
  /** Waiters per key; a Set keeps the order they blocked in. */
  #byKey = new Map<string, Set<Waiter>>();
  /** The waiter of each blocked session. */
  #bySession = new Map<number, Waiter>();
  /** Keys written and not looked at yet, in the order written. */
  #ready: string[] = [];
  #readySet = new Set<string>();
  #serving = false;

  /** Clients blocked now (INFO's `blocked_clients`). */
  get blockedClients(): number {
    return this.#bySession.size;
  }

  /** Blocked clients that have a timeout (INFO's `clients_in_timeout_table`). */
  get withTimeout(): number {
    let n = 0;
    for (const w of this.#bySession.values()) {
      if (w.blocked.timeoutMs > 0) n++;
    }
    return n;
  }

  /** `true` when some client waits on some key (else writes need no look). */
  get waiting(): boolean {
    return this.#byKey.size > 0;
  }

  /**
   * Tells whether a client is blocked.
   *
   * @param id The session id.
   * @returns `true` while it waits.
   */
  isBlocked(id: number): boolean {
    return this.#bySession.has(id);
  }

  /**
   * Blocks a client on the keys of a {@linkcode Blocked}.
   *
   * @param session The client's session.
   * @param blocked What its command answered.
   * @returns The suspension its connection waits on; `cancel()` it when the
   * connection closes.
   */
  wait(session: Session, blocked: Blocked): Suspension {
    const { promise, resolve } = Promise.withResolvers<Reply>();
    const waiter: Waiter = {
      session,
      blocked,
      resolve,
      timer: undefined,
      done: false,
    };
    // A session blocks once at a time; should it block again, its earlier
    // wait ends (timed out) and leaves its keys, so it can pop nothing.
    const earlier = this.#bySession.get(session.id);
    if (earlier !== undefined) {
      this.#finish(earlier, earlier.blocked.timeoutReply);
    }
    this.#bySession.set(session.id, waiter);
    for (const key of blocked.keys) {
      let set = this.#byKey.get(key);
      if (set === undefined) {
        set = new Set();
        this.#byKey.set(key, set);
      }
      set.add(waiter);
    }
    if (blocked.timeoutMs > 0) {
      this.#arm(waiter, performance.now() + blocked.timeoutMs);
    }
    return {
      kind: "suspended",
      done: promise,
      cancel: () => this.#remove(waiter),
    };
  }

  /**
   * Times a waiter out at `deadline` (from `performance.now()`); a deadline
   * past the longest timer (about 24.8 days) is reached in steps.
   */
  #arm(waiter: Waiter, deadline: number): void {
    const left = deadline - performance.now();
    if (left <= 0) {
      this.#finish(waiter, waiter.blocked.timeoutReply);
      return;
    }
    waiter.timer = setTimeout(
      () => this.#arm(waiter, deadline),
      Math.min(Math.ceil(left), MAX_TIMER_MS),
    );
  }

  /**
   * Tells the registry keys were written, and serves the clients that can
   * now be served (a command ran: its keys may have become ready).
   *
   * @param keys The keys the command wrote.
   */
  written(keys: Iterable<string>): void {
    for (const key of keys) this.#signal(key);
    this.#serve();
  }

  /** Marks a key ready when some client waits on it. */
  #signal(key: string): void {
    if (!this.#byKey.has(key) || this.#readySet.has(key)) return;
    this.#readySet.add(key);
    this.#ready.push(key);
  }

  /**
   * Serves the clients waiting on the keys marked ready, first blocked
   * first; a served client's own writes mark their keys ready in turn.
   */
  #serve(): void {
    if (this.#serving) return;
    this.#serving = true;
    try {
      while (this.#ready.length > 0) {
        const key = this.#ready.shift()!;
        this.#readySet.delete(key);
        const set = this.#byKey.get(key);
        if (set === undefined) continue;
        for (const waiter of [...set]) {
          if (waiter.done) continue;
          let reply: Reply | undefined;
          try {
            reply = waiter.blocked.retry();
          } catch (e) {
            reply = error(`ERR ${e instanceof Error ? e.message : String(e)}`);
          }
          if (reply === undefined) continue;
          this.#finish(waiter, reply);
          if (reply.kind !== "error") {
            for (const k of waiter.blocked.writes) this.#signal(k);
          }
        }
      }
    } finally {
      this.#serving = false;
    }
  }

  /**
   * Unblocks a client now (CLIENT UNBLOCK): it gets its command's timeout
   * reply, or with `error` Redis's `UNBLOCKED` error.
   *
   * @param id The session id.
   * @param error Answer the `UNBLOCKED` error instead of the timeout reply.
   * @returns `false` when the client is not blocked.
   */
  unblock(id: number, error = false): boolean {
    const waiter = this.#bySession.get(id);
    if (waiter === undefined) return false;
    this.#finish(
      waiter,
      error ? UNBLOCKED_ERROR : waiter.blocked.timeoutReply,
    );
    return true;
  }

  /** Answers a waiter and forgets it. */
  #finish(waiter: Waiter, reply: Reply): void {
    if (waiter.done) return;
    this.#remove(waiter);
    waiter.resolve(reply);
  }

  /** Forgets a waiter (served, timed out, or its connection closed). */
  #remove(waiter: Waiter): void {
    if (waiter.done) return;
    waiter.done = true;
    clearTimeout(waiter.timer);
    if (this.#bySession.get(waiter.session.id) === waiter) {
      this.#bySession.delete(waiter.session.id);
    }
    for (const key of waiter.blocked.keys) {
      const set = this.#byKey.get(key);
      if (set === undefined) continue;
      set.delete(waiter);
      if (set.size === 0) this.#byKey.delete(key);
    }
  }

  /** Unblocks every client with its timeout reply (the node stops). */
  clear(): void {
    for (const waiter of [...this.#bySession.values()]) {
      this.#finish(waiter, waiter.blocked.timeoutReply);
    }
  }
}

/**
 * A command's reply where it cannot wait (a caller without a node to block
 * in: tests, benchmarks): a {@linkcode Blocked} answers as if it timed out
 * at once, as Redis answers a blocking command inside MULTI or a script.
 *
 * @param reply What the command table answered.
 * @returns The reply.
 *
 * @example
 * ```ts
 * import { Blocked, replyNow } from "./blocking.ts";
 * import { OK } from "@cachemir/protocol";
 *
 * console.log(replyNow(OK).kind); // ok
 * console.log(replyNow(new Blocked(["k"], 0, () => undefined)).kind); // null_array
 * ```
 */
export function replyNow(reply: Reply | Blocked): Reply {
  return reply.kind === "blocked" ? reply.timeoutReply : reply;
}
