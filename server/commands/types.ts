/**
 * What a command handler sees and returns. Handlers are pure functions of the
 * context and the arguments: the network loops (binary and RESP) own all
 * bytes; handlers see byte strings and return reply values.
 *
 * @module
 */

import type { CommandInfo, Reply } from "@cachemir/protocol";
import type { Keyspace } from "../store/keyspace.ts";

/** Which protocol a connection speaks; some replies differ (HELLO, maps on RESP2). */
export type Dialect = "binary" | "resp2" | "resp3";

/** Per-connection state a handler may read or change. */
export interface Session {
  /** The connection's id on this node (starts at 1). */
  readonly id: number;
  /** The peer's `host:port`. */
  readonly peer: string;
  /** The protocol the connection speaks now (HELLO may change it). */
  dialect: Dialect;
  /** A name set by the client (CLIENT SETNAME), "" when none. */
  name: string;
  /** Set by QUIT: the loop closes the connection once this reply is written. */
  closeAfterReply: boolean;
  /** The address `host:port` the client connected to (CLIENT LIST's `laddr`). */
  readonly local?: string;
  /** When the connection was accepted, ms since the epoch. */
  readonly createdAt?: number;
  /** When the connection last sent bytes, ms since the epoch. */
  lastActive?: number;
  /** The name of the last command run, upper case (CLIENT LIST's `cmd`). */
  lastCommand?: string;
  /** The client library's name (CLIENT SETINFO LIB-NAME), "" when none. */
  libName?: string;
  /** The client library's version (CLIENT SETINFO LIB-VER), "" when none. */
  libVersion?: string;
}

/** Counters of a node, for INFO. */
export interface NodeStats {
  /** Connections accepted on any port. */
  connectionsReceived: number;
  /** Commands run on any port (Redis's `total_commands_processed`). */
  commandsProcessed: number;
  /** The most `used_memory` seen (INFO's `used_memory_peak`), in bytes. */
  peakMemory?: number;
}

/** Facts about the node that some commands report (HELLO, INFO). */
export interface NodeInfo {
  /** The software version, e.g. `0.1.0`. */
  readonly version: string;
  /** When the node started, ms since the epoch. */
  readonly startedAt: number;
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
 * already checked against the table.
 */
export type Handler = (ctx: CommandContext, args: string[]) => Reply;

/**
 * A request's arguments where they sit in the port's read buffer, decoded
 * no further: argument `i` (after the command name) is the
 * `offsets[2 * i + 1]` bytes of `bytes` from `offsets[2 * i]`. The view and
 * the bytes are the port's and are reused: valid while the request runs.
 */
export interface ArgvView {
  /** The buffer the arguments are in. */
  readonly bytes: Uint8Array;
  /** Arguments after the command name. */
  readonly count: number;
  /** Start and length of each argument, in pairs. */
  readonly offsets: Int32Array;
}

/**
 * Where a {@linkcode DirectHandler} writes its reply: straight into the
 * port's output (RESP text or a binary frame), with no reply value made.
 */
export interface ReplyOut {
  /**
   * Writes a reply value (constants such as `OK`, `NULL` or an error).
   *
   * @param reply The reply.
   */
  reply(reply: Reply): void;
  /**
   * Writes a bulk reply from bytes where they sit (a record in the store).
   *
   * @param bytes The buffer.
   * @param start Where the value starts.
   * @param length Its length.
   */
  bulk(bytes: Uint8Array, start: number, length: number): void;
  /**
   * Writes an integer reply.
   *
   * @param n A safe integer.
   */
  integer(n: number): void;
}

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
