/**
 * What a port hands the command table, shared by the transport (the
 * connections and their codecs) and the commands without either importing
 * the other: the connection's {@linkcode Session}, a request's arguments in
 * place ({@linkcode ArgvView}) and where a reply is written
 * ({@linkcode ReplyOut}).
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";

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
  /**
   * With `closeAfterReply`: close without writing the reply (SHUTDOWN on a
   * RESP connection, which Redis's clients expect to see closed).
   */
  closeWithoutReply?: boolean;
  /**
   * `false` while the connection must still authenticate (the node has a
   * password and AUTH has not succeeded): only `noauth` commands run.
   * Absent or `true`: authenticated (a connection made while the node had
   * no password is, as in Redis, even if one is set later).
   */
  authenticated?: boolean;
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
  /** Set by CLIENT NO-EVICT on (CLIENT LIST's flag `e`); no other effect. */
  noEvict?: boolean;
}

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
 * A request that waits (a blocking command, BLPOP...): the connection
 * answers nothing else of its client until `done` gives the reply, and
 * calls `cancel()` if it closes first.
 */
export interface Suspension {
  /** Tells it from a reply. */
  readonly kind: "suspended";
  /** The reply, once the request is served, times out or is unblocked. */
  readonly done: Promise<Reply>;
  /** Forgets the request (its connection closed). */
  cancel(): void;
}
