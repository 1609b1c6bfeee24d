/**
 * Per-node state: where a node is, its connection pool, its health (up or
 * down, consecutive failures, the health check of a down node) and its
 * counters. Private to the package.
 *
 * @module
 */

import { commandInfo, type Reply } from "@cachemir/protocol";
import {
  type Arg,
  ClientConnection,
  type ConnectionOptions,
  type ConnectionTarget,
  DEFAULT_CONNECT_TIMEOUT_MS,
  formatAddress,
  parseHello,
  type ReplyTransform,
} from "./connection.ts";
import { NodeDownError, TimeoutError } from "./errors.ts";
import { LatencyWindow } from "./_latency.ts";
import { Pool, type PoolOptions } from "./pool.ts";
import { isNetworkError } from "./retry.ts";
import { sendPromise } from "./_send.ts";
import { dial, unrefTimer } from "./_transport.ts";
import type { ClientNodeStats, NodeHealth } from "./stats.ts";

/** The port a node listens on when an address names none. */
export const DEFAULT_PORT = 7379;
/** Default of {@linkcode NodeOptions.failureThreshold}. */
export const DEFAULT_FAILURE_THRESHOLD = 3;
/** Default of {@linkcode NodeOptions.healthCheckIntervalMs}. */
export const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 1000;

/**
 * Parses `host:port`, `[v6]:port`, `host` or `[v6]` (default port 7379),
 * each also as a `cachemir://` URL (`cachemir://host:port`, a trailing `/`
 * allowed). Other schemes are refused: `redis://` names Redis's protocol,
 * which this client does not speak.
 *
 * @param address The node's address.
 * @returns Its host name (IPv6 without brackets) and port.
 * @throws {TypeError} When the address is empty, has another scheme, or its port is not an integer in 1..65535.
 */
export function parseAddress(address: string): ConnectionTarget {
  const given = address;
  const fail = (why: string): never => {
    throw new TypeError(`Invalid node address "${given}": ${why}`);
  };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(address);
  if (scheme !== null) {
    const name = scheme[1].toLowerCase();
    if (name !== "cachemir") {
      fail(
        `${name}:// is not a form this client takes (${
          name === "redis" || name === "rediss"
            ? "it speaks CacheMir's binary protocol, not Redis's: give a node's --port, not its RESP port; "
            : ""
        }use host:port, [v6]:port or cachemir://host:port)`,
      );
    }
    address = address.slice(scheme[0].length).replace(/\/$/, "");
    if (address.includes("/") || address.includes("@")) {
      fail(
        "a cachemir:// address is cachemir://host:port, without user or path",
      );
    }
  }
  let hostname: string;
  let portText: string | undefined;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0) fail("missing ']'");
    hostname = address.slice(1, close);
    const rest = address.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) fail(`unexpected "${rest}" after ']'`);
      portText = rest.slice(1);
    }
  } else {
    const colon = address.lastIndexOf(":");
    if (colon >= 0 && address.indexOf(":") !== colon) {
      fail("an IPv6 address must be written in brackets, e.g. [::1]:7379");
    }
    hostname = colon < 0 ? address : address.slice(0, colon);
    portText = colon < 0 ? undefined : address.slice(colon + 1);
  }
  if (hostname === "") fail("no host");
  let port = DEFAULT_PORT;
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      fail(`port "${portText}" is not an integer in 1..65535`);
    }
  }
  return { hostname, port };
}

/**
 * How a {@linkcode NodeState} is set up and reports to its client: its
 * pool's limits and connector, as {@linkcode PoolOptions} has them, and its
 * health settings and callbacks.
 */
export interface NodeOptions extends
  Pick<
    PoolOptions,
    "maxConnections" | "maxInFlight" | "acquireTimeoutMs" | "connect"
  > {
  /** Options of each pooled connection (timeouts, HELLO, reply limit). */
  readonly connection: ConnectionOptions;
  /** Consecutive network failures that take the node down. */
  readonly failureThreshold?: number;
  /** How often a down node is sent PING. */
  readonly healthCheckIntervalMs?: number;
  /** The node's weight on the ring. */
  readonly weight?: number;
  /** Called when the node goes down. */
  readonly onDown?: (node: NodeState, error: Error) => void;
  /** Called when a down node answers its health check. */
  readonly onUp?: (node: NodeState) => void;
  /**
   * Called when a down node answered its health check, before it is used
   * again: `restarted` tells whether its run id changed (it restarted, and
   * is empty). The node stays down, and is checked again later, while the
   * returned promise rejects.
   */
  readonly readmit?: (node: NodeState, restarted: boolean) => Promise<void>;
  /**
   * Whether `readmit` has more to do for the node (writes went elsewhere
   * while it ran): it runs again until this says no, and the node is marked
   * up right after that answer, with no await in between.
   */
  readonly readmitPending?: (node: NodeState) => boolean;
  /** Called with background errors (a pooled connection lost or refused). */
  readonly onError?: (node: NodeState, error: Error) => void;
}

/**
 * Cleanup rounds (the `readmit` hook) per health check before a returning
 * node is used again; past them it stays down until the next check.
 */
const READMIT_ROUNDS = 8;
const OPCODE_PING = commandInfo("PING").opcode;
const OPCODE_HELLO = commandInfo("HELLO").opcode;

/** Whether a value is a raw reply (not yet turned into a value). */
function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null &&
    !(value instanceof Uint8Array) && !Array.isArray(value) && "kind" in value;
}

/** Commands whose replies say, value by value, whether the node had a key. */
const COUNTS_HITS: ReadonlySet<number> = new Set(
  (["GET", "GETEX", "GETDEL", "MGET", "HGET", "HMGET"] as const).map((name) =>
    commandInfo(name).opcode
  ),
);
const OPCODE_AUTH = commandInfo("AUTH").opcode;

/**
 * One node the client talks to: its pool, its health and its counters.
 *
 * A network failure ({@linkcode isNetworkError}) adds one to the node's
 * consecutive failures and a success resets them; at `failureThreshold` the
 * node goes down: its pool is reset (commands in flight reject, queued ones
 * reject unsent) and, every `healthCheckIntervalMs`, a fresh connection
 * sends it PING. The first answer puts it back up.
 */
export class NodeState {
  /** `host:port`, normalized. */
  readonly address: string;
  /** Host and port. */
  readonly target: ConnectionTarget;
  /** The node's weight on the ring. */
  weight: number;
  /** The node's connections. */
  readonly pool: Pool;
  #connection: ConnectionOptions;
  #threshold: number;
  #intervalMs: number;
  #onDown: ((node: NodeState, error: Error) => void) | undefined;
  #onUp: ((node: NodeState) => void) | undefined;
  #readmit: NodeOptions["readmit"];
  #readmitPending: NodeOptions["readmitPending"];
  #onError: NodeOptions["onError"];
  #runId = "";
  #state: NodeHealth = "up";
  #failures = 0;
  #requests = 0;
  #errors = 0;
  #timeouts = 0;
  #retries = 0;
  #hits = 0;
  #misses = 0;
  #latency = new LatencyWindow();
  #closed = false;
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  #probeAbort: AbortController | undefined;
  #probeConn: ClientConnection | undefined;
  #probing: Promise<void> | undefined;

  /**
   * @param address The node's address as the user gave it.
   * @param options Pool limits, health settings and callbacks.
   */
  constructor(address: string, options: NodeOptions) {
    this.target = parseAddress(address);
    this.address = formatAddress(this.target);
    this.weight = options.weight ?? 1;
    this.#connection = options.connection;
    this.#threshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.#intervalMs = options.healthCheckIntervalMs ??
      DEFAULT_HEALTH_CHECK_INTERVAL_MS;
    this.#onDown = options.onDown;
    this.#onUp = options.onUp;
    this.#readmit = options.readmit;
    this.#readmitPending = options.readmitPending;
    const onError = options.onError;
    this.#onError = onError;
    const connect = options.connect ?? ClientConnection.connect;
    this.pool = new Pool(this.target, {
      connection: options.connection,
      maxConnections: options.maxConnections,
      maxInFlight: options.maxInFlight,
      acquireTimeoutMs: options.acquireTimeoutMs,
      connect: async (target, connectionOptions, blocking) => {
        const conn = await connect(target, connectionOptions, blocking);
        const runId = conn.hello?.runId;
        if (runId) this.#runId = runId;
        return conn;
      },
      onSettle: this.#onSettle,
      onConnectionError: onError === undefined
        ? undefined
        : (e) => onError(this, e),
    });
  }

  /** `true` while the node serves its keys. */
  get up(): boolean {
    return this.#state === "up";
  }

  /** `up` or `down`. */
  get state(): NodeHealth {
    return this.#state;
  }

  /** The node's run id as its last HELLO said ("" before one answered). */
  get runId(): string {
    return this.#runId;
  }

  /**
   * Sends a command over the node's pool.
   *
   * @param opcode The command's opcode.
   * @param args Its arguments.
   * @param transform Turns the reply into the resolved value.
   * @returns The transformed reply.
   */
  send<T>(
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    return sendPromise(this, opcode, args, transform);
  }

  /**
   * {@linkcode NodeState.send} with callbacks instead of a promise.
   *
   * @param opcode The command's opcode.
   * @param args Its arguments.
   * @param transform Turns the reply into the resolved value.
   * @param resolve Called with the transformed reply.
   * @param reject Called with the error.
   */
  sendWith<T>(
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
    resolve: (value: T) => void,
    reject: (error: Error) => void,
  ): void {
    this.#requests++;
    if (COUNTS_HITS.has(opcode)) {
      const done = resolve;
      resolve = (value: T): void => {
        this.#countHits(value);
        done(value);
      };
    }
    this.pool.sendWith(opcode, args, transform, resolve, reject);
  }

  /**
   * Counts the values of a GET-family reply as hits (not null) and misses:
   * the transformed value, or the raw reply a split MGET part resolves with.
   */
  #countHits(value: unknown): void {
    if (isReply(value)) {
      const items = value.kind === "array" ? value.value : [value];
      for (const item of items) {
        if (item.kind === "null") this.#misses++;
        else this.#hits++;
      }
    } else if (Array.isArray(value)) {
      for (const v of value) {
        if (v === null) this.#misses++;
        else this.#hits++;
      }
    } else if (value === null) {
      this.#misses++;
    } else {
      this.#hits++;
    }
  }

  /** Counts a command sent again after failing on this node. */
  countRetry(): void {
    this.#retries++;
  }

  #onSettle = (error: unknown, latencyMs: number): void => {
    if (latencyMs >= 0) this.#latency.record(latencyMs);
    if (error === undefined) {
      this.#failures = 0;
      return;
    }
    this.#errors++;
    if (error instanceof TimeoutError) this.#timeouts++;
    if (
      this.#state === "up" && !this.#closed && isNetworkError(error) &&
      !(error instanceof NodeDownError) && ++this.#failures >= this.#threshold
    ) {
      this.markDown(error as Error);
    }
  };

  /**
   * Takes the node down now: resets its pool and starts health checks.
   * Does nothing when it is down already.
   *
   * @param error The failure that takes it down.
   */
  markDown(error: Error): void {
    if (this.#state === "down" || this.#closed) return;
    const failures = this.#failures;
    this.#state = "down";
    this.#failures = 0;
    const down = new NodeDownError(
      this.address,
      `Node ${this.address} went down after ${failures} consecutive failures (last: ${error.message})`,
      { cause: error },
    );
    // In a microtask: this runs from a connection's settle hook, which must
    // not see its connection closed under it.
    queueMicrotask(() => {
      this.pool.reset(down).catch(() => {});
    });
    this.#scheduleProbe();
    this.#onDown?.(this, error);
  }

  #scheduleProbe(): void {
    if (this.#closed) return;
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = undefined;
      this.#probing = this.#probe();
    }, this.#intervalMs);
    unrefTimer(this.#probeTimer);
  }

  /** One health check: a fresh connection, PING, close. */
  async #probe(): Promise<void> {
    const abort = new AbortController();
    this.#probeAbort = abort;
    const connectTimeoutMs = this.#connection.connectTimeoutMs ??
      DEFAULT_CONNECT_TIMEOUT_MS;
    const timer = setTimeout(() => abort.abort(), connectTimeoutMs);
    let ok = false;
    let runId = "";
    try {
      const socket = await dial(
        this.target,
        this.#connection.tls,
        abort.signal,
      );
      clearTimeout(timer);
      if (abort.signal.aborted) {
        socket.close();
      } else {
        const conn = new ClientConnection(socket, this.address, {
          commandTimeoutMs: this.#connection.commandTimeoutMs,
        });
        this.#probeConn = conn;
        try {
          // HELLO says whether the node restarted (another run id).
          runId = (await conn.send(OPCODE_HELLO, ["1"], parseHello)).runId;
          const password = this.#connection.password;
          if (password !== undefined) {
            // Refused (WRONGPASS): the node is up, the PING below fails.
            conn.send(OPCODE_AUTH, [password], () => true).catch(() => {});
          }
          ok = await conn.send(
            OPCODE_PING,
            [],
            (r) => r.kind === "status" || r.kind === "bytes",
          );
        } finally {
          this.#probeConn = undefined;
          await conn.close();
        }
      }
    } catch {
      ok = false;
    } finally {
      clearTimeout(timer);
      this.#probeAbort = undefined;
    }
    if (this.#closed) return;
    if (ok) ok = await this.#readmitted(runId);
    // Writes sent elsewhere while the cleanup ran need cleaning too; the
    // last check and #markUp run in one synchronous step. Under a steady
    // stream of such writes the node stays down after a few rounds, until
    // the next health check.
    for (
      let round = 1;
      ok && !this.#closed && this.#readmitPending?.(this) === true;
      round++
    ) {
      ok = round < READMIT_ROUNDS && await this.#readmitted(runId);
    }
    if (this.#closed) return;
    if (ok) this.#markUp();
    else this.#scheduleProbe();
  }

  /**
   * Runs the `readmit` hook for a node that answered; `false` (and the error
   * reported) when it failed: the node stays down.
   */
  async #readmitted(runId: string): Promise<boolean> {
    const restarted = this.#runId !== "" && runId !== "" &&
      runId !== this.#runId;
    if (runId !== "") this.#runId = runId;
    if (this.#readmit === undefined) return true;
    try {
      await this.#readmit(this, restarted);
      return true;
    } catch (e) {
      this.#onError?.(this, e instanceof Error ? e : new Error(String(e)));
      return false;
    }
  }

  #markUp(): void {
    if (this.#state === "up") return;
    this.#state = "up";
    this.#failures = 0;
    this.#onUp?.(this);
  }

  /**
   * The node's counters.
   *
   * @returns A snapshot.
   */
  stats(): ClientNodeStats {
    const [p50, p99] = this.#latency.percentiles([50, 99]);
    return {
      address: this.address,
      state: this.#state,
      weight: this.weight,
      requests: this.#requests,
      errors: this.#errors,
      timeouts: this.#timeouts,
      retries: this.#retries,
      hits: this.#hits,
      misses: this.#misses,
      consecutiveFailures: this.#failures,
      latency: { p50, p99, samples: this.#latency.count },
      pool: this.pool.stats(),
    };
  }

  /**
   * Stops health checks and closes the pool (commands in flight reject);
   * refuses new commands.
   *
   * @param drainMs When set, first wait up to this long for commands in
   * flight to settle (a node removed from a live client).
   * @returns Settles once every connection has stopped.
   */
  async close(drainMs?: number): Promise<void> {
    this.#closed = true;
    if (this.#probeTimer !== undefined) {
      clearTimeout(this.#probeTimer);
      this.#probeTimer = undefined;
    }
    this.#probeAbort?.abort();
    this.#probeConn?.close();
    if (drainMs === undefined) await this.pool.close();
    else await this.pool.drain(drainMs);
    await this.#probing;
  }
}
