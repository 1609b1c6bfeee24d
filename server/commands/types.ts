/**
 * What a command handler sees and returns. Handlers are pure functions of the
 * context and the arguments: the network loops (binary and RESP) own all
 * bytes; handlers see byte strings and return reply values.
 *
 * @module
 */

import type { TrackingOptions } from "../tracking.ts";
import type { CommandInfo, Reply } from "@cachemir/protocol";
import type { Keyspace } from "../store/keyspace.ts";
import type { CommandStats } from "./command_stats.ts";
import type { SlowLog } from "./slowlog.ts";
import type { HotKeys } from "../hot_keys.ts";
import type { ArgvView, Dialect, ReplyOut, Session } from "../_util/request.ts";
import type { Blocked } from "../blocking.ts";

export type { ArgvView, Blocked, Dialect, ReplyOut, Session };

/** Counters of a node, for INFO. */
export interface NodeStats {
  /** Connections accepted on any port. */
  connectionsReceived: number;
  /** The most `used_memory` seen (INFO's `used_memory_peak`), in bytes. */
  peakMemory?: number;
  /** Connections refused over `maxclients` (INFO's `rejected_connections`). */
  rejectedConnections?: number;
  /** AUTH and HELLO AUTH attempts refused (INFO's `acl_access_denied_auth`). */
  authFailures?: number;
  /**
   * Clients disconnected because their unread replies passed
   * `client-output-buffer-limit` (INFO's `client_output_buffer_limit_disconnections`).
   */
  outputLimitDisconnections?: number;
  /** Bytes read from clients (INFO's `total_net_input_bytes`). */
  netInputBytes: number;
  /** Bytes written to clients (INFO's `total_net_output_bytes`). */
  netOutputBytes: number;
  /**
   * Commands per second, and KiB per second read and written, over the
   * last 1.6 s (INFO's `instantaneous_*`); the node updates them every
   * 100 ms.
   */
  readonly instantaneous: {
    opsPerSec: number;
    inputKbps: number;
    outputKbps: number;
  };
}

/** A connection's buffers, in bytes, as CLIENT LIST reports them. */
export interface ClientBuffers {
  /** Input received and not run yet (`qbuf`). */
  readonly input: number;
  /** Replies not yet taken by the socket (`omem`). */
  readonly output: number;
  /** All the connection holds, its read buffer included (`tot-mem`). */
  readonly total: number;
}

/** What SHUTDOWN asked for. */
export interface ShutdownRequest {
  /** The connection that asked. */
  readonly session: Session;
  /** The options given (NOSAVE, SAVE, NOW, FORCE), upper case, in order. */
  readonly options: readonly string[];
  /** SAVE was given: the data should be saved first. */
  readonly save: boolean;
  /** FORCE was given: stop even when saving fails. */
  readonly force: boolean;
}

/**
 * The node's settings that CONFIG SET (and SIGHUP) change at run time
 * besides the memory limit (which the keyspace holds): one object the node
 * and the commands share, read where each takes effect.
 */
export interface RuntimeSettings {
  /** Most client connections at once; one more is refused. */
  maxclients: number;
  /** Seconds a connection may stay idle before it is closed; 0 = never. */
  timeout: number;
  /** The default user's password; "" = none (every connection is authenticated). */
  requirepass: string;
  /**
   * Bytes of unread replies a client may have waiting in the node before it
   * is disconnected; 0 = no limit (back-pressure only).
   */
  clientOutputBufferLimit: number;
  /** Commands per second per connection; 0 = no limit. */
  rateLimit: number;
  /**
   * Most keys the tracking table remembers (client-side caching); past it
   * the oldest are invalidated. 0 = no limit.
   */
  trackingTableMaxKeys: number;
}

/** What CLIENT TRACKING and its kin change (the node's `TrackingTable`). */
export interface TrackingControl {
  /** Turns tracking on for a session, or changes its options. */
  enable(session: number, options: TrackingOptions): void;
  /** Turns tracking off for a session. */
  disable(session: number): void;
  /** A session's options; `undefined` while tracking is off. */
  options(session: number): TrackingOptions | undefined;
  /** Records CLIENT CACHING yes|no for the session's next command. */
  setCaching(session: number, yes: boolean): void;
  /** CLIENT CACHING's answer waiting for the session's next command. */
  caching(session: number): boolean | undefined;
  /** Whether a connection with this id is open (REDIRECT's target). */
  exists(session: number): boolean;
  /** Sessions with tracking on (INFO's `tracking_clients`). */
  readonly clients: number;
  /** Keys tracked now (INFO's `tracking_total_keys`). */
  readonly keys: number;
}

/** Facts about the node that some commands report (HELLO, INFO). */
export interface NodeInfo {
  /** The software version, e.g. `0.1.0`. */
  readonly version: string;
  /** When the node started, ms since the epoch. */
  readonly startedAt: number;
  /**
   * 40 random hex digits chosen when the node starts, as Redis's `run_id`:
   * a client that sees it change knows the node restarted (and is empty).
   */
  readonly runId?: string;
  /** The config file given with `--config`, as an absolute path; "" without. */
  readonly configFile?: string;
  /** The largest frame payload accepted, in bytes. */
  readonly maxFrameBytes: number;
  /** The most arguments accepted in one request. */
  readonly maxArgs: number;
  /** The address the node binds. */
  readonly host?: string;
  /** The binary port's number (0 before it listens). */
  readonly port?: number;
  /** The RESP port's number (0 when off). */
  readonly respPort?: number;
  /** The node's counters. */
  readonly stats?: NodeStats;
  /** The open connections' sessions, on every port (CLIENT LIST). */
  readonly clients?: () => Iterable<Session>;
  /** The commands the node implements (COMMAND); the protocol's table when absent. */
  readonly commands?: readonly CommandInfo[];
  /** The settings that change at run time; absent without a node (tests). */
  readonly settings?: RuntimeSettings;
  /**
   * Told of every refused AUTH (or HELLO AUTH): the node counts and logs
   * it with the peer's address.
   */
  readonly onAuthFailure?: (session: Session) => void;
  /**
   * Closes another connection of the node (CLIENT KILL).
   *
   * @returns `false` when no open connection has that id.
   */
  readonly killClient?: (id: number) => boolean;
  /** Clients blocked now by a blocking command (INFO's `blocked_clients`). */
  readonly blockedClients?: () => number;
  /** Blocked clients with a timeout (INFO's `clients_in_timeout_table`). */
  readonly clientsWithTimeout?: () => number;
  /** Tells whether a client is blocked (CLIENT LIST's flag `b`). */
  readonly isBlocked?: (id: number) => boolean;
  /**
   * Unblocks a blocked client (CLIENT UNBLOCK): it gets its command's
   * timeout reply, or with `error` the `UNBLOCKED` error.
   *
   * @returns `false` when no client with that id is blocked.
   */
  readonly unblockClient?: (id: number, error: boolean) => boolean;
  /** A connection's buffers (CLIENT LIST's `qbuf`, `omem`, `tot-mem`). */
  readonly clientBuffers?: (id: number) => ClientBuffers | undefined;
  /**
   * The node's client-side caching table (CLIENT TRACKING, CACHING,
   * TRACKINGINFO, GETREDIR); absent without a node (tests).
   */
  readonly tracking?: TrackingControl;
  /**
   * Starts the node's graceful stop, as SIGTERM does (SHUTDOWN): the
   * asking connection's reply is written first. CacheMir keeps nothing on
   * disk: SAVE without FORCE cannot be done, and is refused (and logged).
   *
   * @returns `false` when the node refused to stop.
   */
  readonly shutdown?: (request: ShutdownRequest) => boolean;
  /** `used_memory` when the node started (MEMORY STATS's `startup.allocated`). */
  readonly startupMemory?: number;
  /**
   * The command table's counters (INFO commandstats, errorstats,
   * latencystats); absent without a node (tests).
   */
  readonly commandStats?: CommandStats;
  /** The command table's slow log (SLOWLOG); absent without a node (tests). */
  readonly slowlog?: SlowLog;
  /**
   * The command table's hot-key sketch (HOTKEYS, INFO hotkeys); absent
   * without a node (tests).
   */
  readonly hotKeys?: HotKeys;
}

/** Everything a handler may use. */
export interface CommandContext {
  /** The keyspace. */
  readonly store: Keyspace;
  /** The calling connection. */
  readonly session: Session;
  /** The node. */
  readonly node: NodeInfo;
}

/**
 * A command's implementation. `args` are the arguments after the command
 * name, each a byte string (one char per byte, codes 0–255). The arity was
 * already checked against the table. A blocking command (BLPOP...) that
 * must wait answers a {@linkcode Blocked} instead of a reply.
 */
export type Handler = (ctx: CommandContext, args: string[]) => Reply | Blocked;

/**
 * The allocation-free form of a hot command: it reads its arguments in
 * place and writes its reply into the output. It returns `false`, having
 * done nothing, for a form it leaves to the command's {@linkcode Handler}
 * (SET with options, say). The arity was already checked.
 */
export type DirectHandler = (
  ctx: CommandContext,
  argv: ArgvView,
  out: ReplyOut,
) => boolean;

/** A row of the node's command table: the shared protocol row plus its handler. */
export interface CommandSpec extends CommandInfo {
  /** The implementation. */
  readonly handler: Handler;
  /** The allocation-free form of the command's common shapes, if it has one. */
  readonly direct?: DirectHandler;
}
