/**
 * {@linkcode Pool}: the connections to one node, and how commands are lent
 * a slot on them.
 *
 * @module
 */

import { commandInfo } from "@cachemir/protocol";
import {
  type Arg,
  ClientConnection,
  type ConnectionOptions,
  type ConnectionTarget,
  formatAddress,
  type ReplyTransform,
} from "./connection.ts";
import { ConnectionError, TimeoutError } from "./errors.ts";
import { markNotSent } from "./retry.ts";
import { Semaphore } from "./semaphore.ts";
import { positiveInteger, positiveMs } from "./_options.ts";
import { type Deferred, deferred } from "./_deferred.ts";
import { sendPromise } from "./_send.ts";
import { withTimeout } from "./_timeout.ts";

const OPCODE_QUIT = commandInfo("QUIT").opcode;

/** Default of {@linkcode PoolOptions.maxConnections}. */
export const DEFAULT_MAX_CONNECTIONS = 4;
/** Default of {@linkcode PoolOptions.maxInFlight}. */
export const DEFAULT_MAX_IN_FLIGHT = 4096;
/** Default of {@linkcode PoolOptions.acquireTimeoutMs}. */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 5000;

/**
 * Another connection opens only when the least busy open one has at least
 * this many commands in flight at the start of a tick.
 */
const SPREAD_AT = 32;

/** Opens a connection; {@linkcode ClientConnection.connect} unless a test says otherwise. */
export type Connector = (
  target: ConnectionTarget,
  options: ConnectionOptions,
) => Promise<ClientConnection>;

/** Options of {@linkcode Pool}. */
export interface PoolOptions {
  /**
   * The most connections open (or opening) to the node at once.
   * @default {4}
   */
  readonly maxConnections?: number;
  /**
   * The most commands in flight to the node at once, over all its
   * connections. A command beyond that waits for a slot, up to
   * `acquireTimeoutMs`.
   * @default {4096}
   */
  readonly maxInFlight?: number;
  /**
   * The longest a command waits for a slot before it rejects with a
   * {@linkcode TimeoutError} whose `operation` is `"acquire"` (unsent).
   * @default {5000}
   */
  readonly acquireTimeoutMs?: number;
  /** Options of each connection (timeouts, HELLO, reply limit); `onClose` is the pool's. */
  readonly connection?: ConnectionOptions;
  /** Opens a connection. */
  readonly connect?: Connector;
  /**
   * Called when a command settles: `error` is what it rejected with
   * (`undefined` on success), `latencyMs` its time from send to settle, or
   * -1 when it was not measured (one command in 8 is).
   */
  readonly onSettle?: (error: unknown, latencyMs: number) => void;
  /**
   * Called when a connection fails to open or is lost while the pool holds
   * it (not when the pool closes it).
   */
  readonly onConnectionError?: (error: Error) => void;
}

/** What {@linkcode Pool.stats} reports. */
export interface PoolStats {
  /** Connections open. */
  readonly open: number;
  /** Open connections with commands in flight. */
  readonly inUse: number;
  /** Open connections with nothing in flight. */
  readonly idle: number;
  /** Commands waiting for a slot. */
  readonly waiting: number;
  /** Commands holding a slot: sent or about to be, and not settled. */
  readonly inFlight: number;
  /** The most connections. */
  readonly maxConnections: number;
}

/**
 * The connections to one node: at most `maxConnections`, opened when needed,
 * with commands pipelined over them. Each command is lent a slot under a
 * {@linkcode Semaphore} of `maxInFlight` permits, then goes out on an open
 * connection: all the commands of one tick go to the same one (the one with
 * the fewest commands in flight when the tick's first command was sent), so
 * that they leave in one write. Another connection opens only when even the
 * least busy one carries 32 commands or more. When no slot is free, a
 * command waits (in order) up to `acquireTimeoutMs`.
 *
 * A connection that breaks (lost, reset, undecodable reply, hung) is dropped
 * at once and never reused; the next command opens a fresh one. When the
 * first connection cannot be opened, the commands waiting for it reject with
 * the connect error, marked as never sent.
 *
 * @example Send through a pool
 * ```ts no-eval
 * // Needs a node on 127.0.0.1:7379.
 * import { Pool } from "@cachemir/client/pool";
 * import { commandInfo } from "@cachemir/protocol";
 * const pool = new Pool({ hostname: "127.0.0.1", port: 7379 }, { maxConnections: 2 });
 * const reply = await pool.send(commandInfo("PING").opcode, [], (r) => r.kind);
 * console.log(reply, pool.stats().open); // "status" 1
 * await pool.close();
 * ```
 */
export class Pool {
  /** The node's address, `host:port`. */
  readonly address: string;
  #target: ConnectionTarget;
  #maxConnections: number;
  #acquireTimeoutMs: number;
  #connectionOptions: ConnectionOptions;
  #connector: Connector;
  #onSettle: ((error: unknown, latencyMs: number) => void) | undefined;
  #onConnectionError: ((error: Error) => void) | undefined;
  #sem: Semaphore;
  #conns: ClientConnection[] = [];
  #opening: Promise<ClientConnection> | undefined;
  /** The connection the commands of the current tick go to. */
  #tickConn: ClientConnection | undefined;
  #endTick = (): void => {
    this.#tickConn = undefined;
  };
  /** Bumped by reset(): connections opened for an older generation are discarded. */
  #generation = 0;
  #closed: ConnectionError | undefined;
  #closing: Promise<void> | undefined;
  #idle: Deferred<void> | undefined;

  /**
   * Makes a pool. No connection opens until the first command.
   *
   * @param target The node's host and port.
   * @param options Limits, timeouts and callbacks.
   * @throws {RangeError} When a limit is not a positive integer or the
   * acquire timeout not a positive number.
   */
  constructor(target: ConnectionTarget, options: PoolOptions = {}) {
    this.#target = target;
    this.address = formatAddress(target);
    this.#maxConnections = positiveInteger(
      "maxConnections",
      options.maxConnections,
      DEFAULT_MAX_CONNECTIONS,
    );
    const maxInFlight = positiveInteger(
      "maxInFlight",
      options.maxInFlight,
      DEFAULT_MAX_IN_FLIGHT,
    );
    this.#acquireTimeoutMs = positiveMs(
      "acquireTimeoutMs",
      options.acquireTimeoutMs,
      DEFAULT_ACQUIRE_TIMEOUT_MS,
    );
    this.#connectionOptions = options.connection ?? {};
    this.#connector = options.connect ?? ClientConnection.connect;
    this.#onSettle = options.onSettle;
    this.#onConnectionError = options.onConnectionError;
    this.#sem = new Semaphore(maxInFlight);
  }

  /**
   * `true` once {@linkcode Pool.close} or {@linkcode Pool.drain} was called.
   *
   * @returns Whether the pool refuses commands.
   */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * Sends a command over one of the node's connections, opening one if
   * needed, once a slot is free.
   *
   * @param opcode The command's opcode.
   * @param args Its arguments.
   * @param transform Turns the reply into the resolved value.
   * @returns The transformed reply.
   * @throws {TimeoutError} `"acquire"` when no slot was free within
   * `acquireTimeoutMs`; `"connect"` or the command's name as from
   * {@linkcode ClientConnection}.
   * @throws {ConnectionError} When the connection could not be opened or was
   * lost, or the pool is closed.
   * @throws {ReplyError} When the node answered with an error.
   */
  send<T>(
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    return sendPromise(this, opcode, args, transform);
  }

  /**
   * {@linkcode Pool.send} with callbacks instead of a promise (see
   * {@linkcode ClientConnection.sendWith}): exactly one of them is called.
   *
   * @param opcode The command's opcode.
   * @param args Its arguments.
   * @param transform Turns the reply into the resolved value.
   * @param resolve Called with the transformed reply.
   * @param reject Called with what {@linkcode Pool.send} would reject with.
   */
  sendWith<T>(
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
    resolve: (value: T) => void,
    reject: (error: Error) => void,
  ): void {
    if (this.#closed !== undefined) return reject(this.#refused());
    if (this.#sem.tryAcquire()) {
      return this.#dispatch(opcode, args, transform, resolve, reject);
    }
    this.#sem.acquire(this.#acquireTimeoutMs).then((acquired) => {
      if (!acquired) {
        const error = markNotSent(
          new TimeoutError(this.address, "acquire", this.#acquireTimeoutMs),
        );
        this.#onSettle?.(error, -1);
        return reject(error);
      }
      if (this.#closed !== undefined) {
        this.#release();
        return reject(this.#refused());
      }
      this.#dispatch(opcode, args, transform, resolve, reject);
    }, (error: Error) => {
      // reset() rejected the waiters: count the failure like any other.
      this.#onSettle?.(error, -1);
      reject(error);
    });
  }

  /**
   * Sends with a slot held. The slot is released when the command settles,
   * through the connection's `onSettle` hook: no promise per command.
   */
  #dispatch<T>(
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
    resolve: (value: T) => void,
    reject: (error: Error) => void,
  ): void {
    const conn = this.#pick();
    if (conn !== undefined) {
      return conn.sendWith(opcode, args, transform, resolve, reject);
    }
    this.#open().then(
      (c) => c.sendWith(opcode, args, transform, resolve, reject),
      (e: Error) => {
        this.#release();
        this.#onSettle?.(e, -1);
        reject(e);
      },
    );
  }

  #settled = (error: Error | undefined, latencyMs: number): void => {
    this.#release();
    this.#onSettle?.(error, latencyMs);
  };

  #release(): void {
    this.#sem.release();
    if (this.#idle !== undefined && this.#inFlight() === 0) {
      this.#idle.resolve();
      this.#idle = undefined;
    }
  }

  #inFlight(): number {
    return this.#sem.permits - this.#sem.available;
  }

  /**
   * The connection for a command: every command of a tick goes to the same
   * one, so that they leave in one write; the first of the tick picks the
   * open connection with the fewest commands in flight, and opens another
   * when even that one is busy.
   */
  #pick(): ClientConnection | undefined {
    const current = this.#tickConn;
    if (current !== undefined && !current.closed) return current;
    const conns = this.#conns;
    let best: ClientConnection | undefined;
    let load = Infinity;
    for (let i = 0; i < conns.length; i++) {
      const n = conns[i].inFlight;
      if (n < load) {
        load = n;
        best = conns[i];
      }
    }
    if (
      load >= SPREAD_AT && this.#opening === undefined &&
      conns.length < this.#maxConnections
    ) {
      this.#open().catch(() => {}); // reported through onConnectionError
    }
    if (best !== undefined) {
      this.#tickConn = best;
      queueMicrotask(this.#endTick);
    }
    return best;
  }

  /** Opens a connection unless one is opening; callers share the attempt. */
  #open(): Promise<ClientConnection> {
    if (this.#opening !== undefined) return this.#opening;
    const generation = this.#generation;
    let conn: ClientConnection | undefined;
    const options: ConnectionOptions = {
      ...this.#connectionOptions,
      onClose: (error) => {
        if (conn !== undefined) this.#lost(conn, error);
      },
    };
    const opening = this.#connector(this.#target, options).then(
      (c) => {
        this.#opening = undefined;
        if (generation !== this.#generation || this.#closed !== undefined) {
          c.close();
          throw markNotSent(
            new ConnectionError(
              this.address,
              `Cannot use the connection to ${this.address}: the pool was reset while it opened`,
            ),
          );
        }
        conn = c;
        c.onSettle = this.#settled;
        if (!c.closed) this.#conns.push(c);
        return c;
      },
      (e: Error) => {
        this.#opening = undefined;
        const error = markNotSent(e);
        if (generation === this.#generation && this.#closed === undefined) {
          this.#onConnectionError?.(error);
        }
        throw error;
      },
    );
    this.#opening = opening;
    return opening;
  }

  /** A connection closed: drop it; report it unless the pool closed it. */
  #lost(conn: ClientConnection, error: ConnectionError): void {
    const at = this.#conns.indexOf(conn);
    if (at < 0) return; // removed by reset() or close()
    this.#conns.splice(at, 1);
    this.#onConnectionError?.(error);
  }

  /**
   * Sends QUIT on every open connection (the node answers what it received
   * first, then closes), without waiting for a slot.
   *
   * @returns Settles once every QUIT is answered or failed.
   */
  async quit(): Promise<void> {
    const sent: Promise<unknown>[] = [];
    for (const c of this.#conns) {
      // A slot for each QUIT, so that its settling balances the count; a
      // connection of a saturated pool just closes with the pool.
      if (this.#sem.tryAcquire()) {
        sent.push(c.send(OPCODE_QUIT, [], () => true));
      }
    }
    await Promise.allSettled(sent);
  }

  /**
   * Closes every connection (commands in flight reject with a
   * {@linkcode ConnectionError} whose `cause` is `error`) and rejects
   * commands waiting for a slot with `error`. The pool stays usable: the
   * next command opens a fresh connection.
   *
   * @param error What waiting commands reject with (marked as never sent).
   * @returns Settles once the connections have stopped.
   */
  async reset(error: Error): Promise<void> {
    this.#generation++;
    this.#sem.rejectWaiters(markNotSent(error));
    const conns = this.#conns;
    this.#conns = [];
    await Promise.all(conns.map((c) => c.close(error)));
  }

  /**
   * Refuses new commands, waits up to `timeoutMs` for those in flight to
   * settle, then closes.
   *
   * @param timeoutMs The longest wait.
   * @returns Settles once closed.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#closed ??= this.#closedError("the node was removed from the client");
    if (this.#inFlight() > 0) {
      this.#idle ??= deferred<void>();
      await withTimeout(this.#idle.promise, timeoutMs);
    }
    await this.close();
  }

  /**
   * Closes every connection and refuses new commands; idempotent.
   *
   * @returns Settles once every connection has stopped.
   */
  close(): Promise<void> {
    this.#closed ??= this.#closedError("the client is closed");
    this.#closing ??= (async () => {
      const opening = this.#opening;
      await this.reset(this.#closed!);
      if (opening !== undefined) await opening.catch(() => {});
    })();
    return this.#closing;
  }

  /**
   * Counts of connections and commands.
   *
   * @returns A snapshot.
   */
  stats(): PoolStats {
    let inUse = 0;
    for (const c of this.#conns) if (c.inFlight > 0) inUse++;
    return {
      open: this.#conns.length,
      inUse,
      idle: this.#conns.length - inUse,
      waiting: this.#sem.waiting,
      inFlight: this.#inFlight(),
      maxConnections: this.#maxConnections,
    };
  }

  #closedError(why: string): ConnectionError {
    return new ConnectionError(
      this.address,
      `Cannot use ${this.address}: ${why}`,
    );
  }

  #refused(): ConnectionError {
    const closed = this.#closed!;
    return markNotSent(
      new ConnectionError(this.address, closed.message, { cause: closed }),
    );
  }
}
