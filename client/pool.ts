/**
 * {@linkcode Pool}: the connections to one node, and how commands are lent
 * a slot on them.
 *
 * @module
 */

import {
  commandByName,
  commandByOpcode,
  commandInfo,
  COMMANDS,
  decodeUtf8,
  hasFlag,
  OPCODE_CALL,
} from "@cachemir/protocol";
import {
  type Arg,
  ClientConnection,
  type ConnectionOptions,
  type ConnectionTarget,
  DEFAULT_COMMAND_TIMEOUT_MS,
  formatAddress,
  type ReplyTransform,
} from "./connection.ts";
import { ConnectionError, ReplyError, TimeoutError } from "./errors.ts";
import { markNotSent } from "./retry.ts";
import { Semaphore } from "./semaphore.ts";
import { positiveInteger, positiveMs } from "./_options.ts";
import { type Deferred, deferred } from "./_deferred.ts";
import { sendPromise } from "./_send.ts";
import { withTimeout } from "./_timeout.ts";

const OPCODE_PING = commandInfo("PING").opcode;
const OPCODE_QUIT = commandInfo("QUIT").opcode;

/** The opcodes of the commands that may wait on the node (BLPOP...). */
const BLOCKING_OPCODES: ReadonlySet<number> = new Set(
  COMMANDS.filter((c) => hasFlag(c, "blocking")).map((c) => c.opcode),
);

/** Blocking commands' connections kept open for reuse, at most, per pool. */
const MAX_IDLE_BLOCKING = 4;

/** The longest a timer waits (setTimeout's limit): a wait "forever". */
const FOREVER_MS = 2 ** 31 - 1;

/**
 * How long a blocking command (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP)
 * may wait for its reply: its own timeout (seconds, in its arguments) plus
 * the connection's command timeout; "forever" (about 24 days, the longest
 * timer) for a timeout of 0.
 *
 * @param opcode The command's opcode (CALL: the name is its first argument).
 * @param args Its arguments.
 * @param commandTimeoutMs The normal command timeout.
 * @returns The time allowed, in ms, or `undefined` for a command that does
 * not block.
 *
 * @example
 * ```ts
 * import { blockingTimeoutMs } from "@cachemir/client/pool";
 * import { commandInfo } from "@cachemir/protocol";
 *
 * const blpop = commandInfo("BLPOP").opcode;
 * console.log(blockingTimeoutMs(blpop, ["queue", "2.5"], 5000)); // 7500
 * console.log(blockingTimeoutMs(commandInfo("GET").opcode, ["k"], 5000)); // undefined
 * ```
 */
export function blockingTimeoutMs(
  opcode: number,
  args: readonly Arg[],
  commandTimeoutMs: number,
): number | undefined {
  let name: string;
  let rest = args;
  if (opcode === OPCODE_CALL) {
    if (args.length === 0) return undefined;
    const first = args[0];
    const info = commandByName(
      typeof first === "string" ? first : decodeUtf8(first),
    );
    if (info === undefined || !BLOCKING_OPCODES.has(info.opcode)) {
      return undefined;
    }
    name = info.name;
    rest = args.slice(1);
  } else {
    if (!BLOCKING_OPCODES.has(opcode)) return undefined;
    name = commandByOpcode(opcode)!.name;
  }
  const arg = name === "BLMPOP" ? rest[0] : rest[rest.length - 1];
  if (arg === undefined) return commandTimeoutMs;
  const seconds = Number(
    typeof arg === "string" ? arg : decodeUtf8(arg),
  );
  // A timeout the node refuses is answered at once.
  if (!Number.isFinite(seconds) || seconds < 0) return commandTimeoutMs;
  if (seconds * 1000 < 1) return FOREVER_MS;
  return Math.min(FOREVER_MS, Math.ceil(seconds * 1000) + commandTimeoutMs);
}

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

/**
 * Opens a connection; {@linkcode ClientConnection.connect} unless a test
 * says otherwise. `blocking` is `true` for a connection of its own for a
 * blocking command (BLPOP...), which serves nothing else.
 */
export type Connector = (
  target: ConnectionTarget,
  options: ConnectionOptions,
  blocking?: boolean,
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
 * A blocking command (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) never
 * goes on these shared connections, where it would hold up every command
 * pipelined behind it: it gets a connection of its own (opened for it, or
 * one a finished blocking command left; up to 4 are kept), whose command
 * timeout is the command's own timeout plus `commandTimeoutMs`
 * ({@linkcode blockingTimeoutMs}).
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
  /** The blocking commands' connections, busy or idle. */
  #blocking = new Set<ClientConnection>();
  /** Idle blocking connections, by their command timeout. */
  #idleBlocking = new Map<number, ClientConnection[]>();
  /** The command timeout of the pooled connections. */
  #commandTimeoutMs: number;

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
    this.#commandTimeoutMs = this.#connectionOptions.commandTimeoutMs ??
      DEFAULT_COMMAND_TIMEOUT_MS;
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
    if (BLOCKING_OPCODES.has(opcode) || opcode === OPCODE_CALL) {
      const waitMs = blockingTimeoutMs(opcode, args, this.#commandTimeoutMs);
      if (waitMs !== undefined) {
        return this.#dispatchBlocking(
          waitMs,
          opcode,
          args,
          transform,
          resolve,
          reject,
        );
      }
    }
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

  /**
   * Sends a blocking command, with a slot held, on a connection of its own
   * whose command timeout is `waitMs`.
   */
  #dispatchBlocking<T>(
    waitMs: number,
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
    resolve: (value: T) => void,
    reject: (error: Error) => void,
  ): void {
    const run = (c: ClientConnection): void => {
      c.sendWith(opcode, args, transform, (value) => {
        this.#blockingDone(c, waitMs, undefined);
        resolve(value);
      }, (error) => {
        this.#blockingDone(c, waitMs, error);
        reject(error);
      });
    };
    const idle = this.#idleBlocking.get(waitMs);
    let conn = idle?.pop();
    while (conn !== undefined && conn.closed) conn = idle?.pop();
    if (conn !== undefined) return run(conn);
    this.#openBlocking(waitMs).then(run, (e: Error) => {
      this.#release();
      this.#onSettle?.(e, -1);
      reject(e);
    });
  }

  /** Opens a connection for blocking commands, with that command timeout. */
  async #openBlocking(waitMs: number): Promise<ClientConnection> {
    const generation = this.#generation;
    const opened: { conn?: ClientConnection } = {};
    const options: ConnectionOptions = {
      ...this.#connectionOptions,
      commandTimeoutMs: waitMs,
      onClose: () => {
        if (opened.conn !== undefined) {
          this.#forgetBlocking(opened.conn, waitMs);
        }
      },
    };
    let c: ClientConnection;
    try {
      c = await this.#connector(this.#target, options, true);
    } catch (e) {
      throw markNotSent(e as Error);
    }
    if (generation !== this.#generation || this.#closed !== undefined) {
      c.close();
      throw markNotSent(
        new ConnectionError(
          this.address,
          `Cannot use the connection to ${this.address}: the pool was reset while it opened`,
        ),
      );
    }
    opened.conn = c;
    c.onSettle = this.#settled;
    this.#blocking.add(c);
    return c;
  }

  /**
   * A blocking command settled: its connection is kept for the next one
   * (up to {@linkcode MAX_IDLE_BLOCKING}) unless it failed (a timeout or a
   * lost connection: it may still carry the wait).
   */
  #blockingDone(
    conn: ClientConnection,
    waitMs: number,
    error: Error | undefined,
  ): void {
    if (!this.#blocking.has(conn)) return;
    let idle = 0;
    for (const list of this.#idleBlocking.values()) idle += list.length;
    const healthy = error === undefined || error instanceof ReplyError;
    if (healthy && !conn.closed && idle < MAX_IDLE_BLOCKING) {
      let list = this.#idleBlocking.get(waitMs);
      if (list === undefined) {
        list = [];
        this.#idleBlocking.set(waitMs, list);
      }
      list.push(conn);
      return;
    }
    this.#forgetBlocking(conn, waitMs);
    conn.close().catch(() => {});
  }

  /** Drops a blocking connection from the pool's books. */
  #forgetBlocking(conn: ClientConnection, waitMs: number): void {
    this.#blocking.delete(conn);
    const list = this.#idleBlocking.get(waitMs);
    if (list === undefined) return;
    const at = list.indexOf(conn);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.#idleBlocking.delete(waitMs);
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
   * One round trip on every open connection (a PING each): once it
   * settles, every frame a node sent on them before answering — the
   * invalidation pushes of client-side caching included — was read and
   * handled. A connection that fails meanwhile is skipped.
   *
   * @returns Settles once every PING is answered or failed.
   */
  async roundTrip(): Promise<void> {
    const sent: Promise<unknown>[] = [];
    for (const c of [...this.#conns]) {
      if (!this.#sem.tryAcquire()) {
        if (!await this.#sem.acquire(this.#acquireTimeoutMs)) continue;
      }
      if (c.closed) {
        this.#release();
        continue;
      }
      sent.push(c.send(OPCODE_PING, [], () => true));
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
    const conns = [...this.#conns, ...this.#blocking];
    this.#conns = [];
    this.#blocking.clear();
    this.#idleBlocking.clear();
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
