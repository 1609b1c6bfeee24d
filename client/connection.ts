/**
 * One TCP connection to one CacheMir node, with pipelining.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import {
  commandByOpcode,
  commandInfo,
  decodeReply,
  decodeUtf8,
  FLAG_REPLY,
  type Frame,
  FrameDecoder,
  type FrameError,
  FrameWriter,
  invalidationKeys,
  isPush,
  OPENING_PROBE,
  PROBE_ID,
  PROBE_OPCODE,
  PROTOCOL_VERSIONS,
  type Reply,
} from "@cachemir/protocol";
import {
  ConnectionError,
  ProtocolError,
  ReplyError,
  TimeoutError,
} from "./errors.ts";
import type { Arg, ReplyTransform } from "./types.ts";
import { kindName } from "./_kind_name.ts";
import { sendPromise } from "./_send.ts";
import { TIMED_OUT, withTimeout } from "./_timeout.ts";
import {
  type ByteStream,
  checkTlsOptions,
  type ClientTlsOptions,
  TlsHandshakeError,
} from "./_dial.ts";
import { dial } from "./_transport.ts";

export type { Arg, ByteStream, ClientTlsOptions, ReplyTransform };

const TAG_BYTES = 0x04;

/** Start of the bytes when `payload` is exactly one well-formed BYTES value, else -1. */
function bytesStart(payload: Uint8Array): number {
  if (payload.length < 2 || payload[0] !== TAG_BYTES) return -1;
  let length = 0;
  let scale = 1;
  for (let i = 1; i < 6 && i < payload.length; i++) {
    const b = payload[i];
    length += (b & 0x7f) * scale;
    if (b < 0x80) return i + 1 + length === payload.length ? i + 1 : -1;
    scale *= 128;
  }
  return -1;
}

/** What a node says about itself in its HELLO reply. */
export interface HelloInfo {
  /** The server's name: `"cachemir"`. */
  readonly server: string;
  /** The node's software version, e.g. `"0.1.0"`. */
  readonly version: string;
  /** The protocol version chosen for this connection. */
  readonly proto: number;
  /** Every protocol version the node speaks. */
  readonly protos: readonly number[];
  /** The connection's id on the node. */
  readonly id: number;
  /** Optional capabilities, e.g. `"call"`. */
  readonly features: readonly string[];
  /** The largest request payload the node accepts, in bytes. */
  readonly maxFrameBytes: number;
  /** The most arguments the node accepts in one request. */
  readonly maxArgs: number;
  /**
   * The node's run id, chosen when it started ("" from a node that does not
   * say): another one means the node restarted, empty.
   */
  readonly runId: string;
}

/** Options of {@linkcode ClientConnection.connect} and the constructor. */
export interface ConnectionOptions {
  /**
   * Time allowed to open the TCP connection and, when `hello` is on, to
   * complete the HELLO exchange.
   * @default {5000}
   */
  readonly connectTimeoutMs?: number;
  /**
   * Time a command may wait for its reply. Every command of a connection has
   * the same timeout, so the oldest unanswered command is always the first
   * to time out and a single timer serves them all.
   * @default {5000}
   */
  readonly commandTimeoutMs?: number;
  /**
   * Send HELLO on connect: checks that the peer is a CacheMir node speaking
   * protocol version 1 and learns its limits ({@linkcode ClientConnection.hello}).
   * It follows the opening probe (`OPENING_PROBE` of `@cachemir/protocol`),
   * which makes a server that is not a node answer at once. With `false`
   * and no `password`, neither is sent. Only used by
   * {@linkcode ClientConnection.connect}.
   * @default {true}
   */
  readonly hello?: boolean;
  /**
   * A password to send with `AUTH` right after HELLO (or first, without
   * HELLO), within `connectTimeoutMs`: for nodes started with
   * `--requirepass`. Only used by {@linkcode ClientConnection.connect}
   * (and the client's health checks).
   */
  readonly password?: string;
  /**
   * Connect with TLS (to a node started with `--tls-cert`): the CAs to
   * trust, the name to verify, and a client certificate for a node started
   * with `--tls-ca`. Only used by {@linkcode ClientConnection.connect}.
   * @default {plain TCP}
   */
  readonly tls?: ClientTlsOptions;
  /**
   * The largest reply payload accepted, in bytes. A larger reply rejects its
   * command with a {@linkcode ProtocolError} and is skipped without being
   * buffered; the connection stays open.
   * @default {536870912}
   */
  readonly maxReplyBytes?: number;
  /**
   * Called once when the connection closes, for any reason, with the error
   * its in-flight commands were rejected with.
   */
  readonly onClose?: (error: ConnectionError) => void;
}

/** Where a connection goes: a host name or IP address, and a port. */
export interface ConnectionTarget {
  /** Host name or IP address (IPv6 without brackets). */
  readonly hostname: string;
  /** TCP port. */
  readonly port: number;
}

/** Default of {@linkcode ConnectionOptions.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Default of {@linkcode ConnectionOptions.commandTimeoutMs}. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
/** Default of {@linkcode ConnectionOptions.maxReplyBytes}: 512 MiB. */
export const DEFAULT_MAX_REPLY_BYTES = 512 * 1024 * 1024;

const OPCODE_HELLO = commandInfo("HELLO").opcode;
const OPCODE_AUTH = commandInfo("AUTH").opcode;
const READ_BUFFER_BYTES = 64 * 1024;

/** One command awaiting its reply. */
interface Pending {
  readonly id: number;
  readonly opcode: number;
  readonly deadline: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly transform: ReplyTransform<unknown>;
}

/**
 * Formats a target as `host:port` (`[::1]:7379` for IPv6).
 *
 * @param target The host and port.
 * @returns The address text used in errors and as the node's name.
 *
 * @example
 * ```ts
 * import { formatAddress } from "@cachemir/client/connection";
 * console.log(formatAddress({ hostname: "::1", port: 7379 })); // "[::1]:7379"
 * ```
 */
export function formatAddress(target: ConnectionTarget): string {
  return target.hostname.includes(":")
    ? `[${target.hostname}]:${target.port}`
    : `${target.hostname}:${target.port}`;
}

/** `0x0100` for GET's opcode. */
function hex(opcode: number): string {
  return `0x${opcode.toString(16).padStart(4, "0")}`;
}

function commandName(opcode: number): string {
  return opcode === 0 ? "CALL" : commandByOpcode(opcode)?.name ??
    `opcode ${hex(opcode)}`;
}

function plural(n: number): string {
  return n === 1 ? "1 request" : `${n} requests`;
}

/**
 * One TCP connection to one node. Commands are pipelined: any number may be
 * in flight; all commands sent in the same tick leave in one write, and while
 * a write is in progress new commands queue behind it. Replies come back in
 * order and are matched to their commands by request id.
 *
 * Since replies come back in order, commands awaiting replies are kept in a
 * FIFO, and a reply must carry the id (and opcode) of the oldest one.
 *
 * Timeouts: each command rejects with a {@linkcode TimeoutError} when its
 * reply has not arrived `commandTimeoutMs` after it was sent (measured from
 * the start of the tick it was sent in: commands of one tick share one clock
 * reading); the connection stays open and a late reply is discarded. A node
 * that leaves a command unanswered for twice the command timeout is deemed
 * hung and the connection is closed.
 *
 * Failures: when the connection closes, is lost, or receives a reply it
 * cannot match (an unknown id) or decode, it closes and every command in
 * flight rejects with one {@linkcode ConnectionError} naming the node and
 * the number of commands in flight. A closed connection is never reused:
 * open a new one.
 *
 * @example Send a GET and decode its reply
 * ```ts no-eval
 * // Needs a node on 127.0.0.1:7379.
 * import { ClientConnection } from "@cachemir/client/connection";
 * import { commandInfo } from "@cachemir/protocol";
 * const conn = await ClientConnection.connect({ hostname: "127.0.0.1", port: 7379 });
 * const reply = await conn.send(commandInfo("GET").opcode, ["greeting"], (r) => r.kind);
 * console.log(reply); // "bytes" or "null"
 * await conn.close();
 * ```
 */
export class ClientConnection {
  /** The node's address, `host:port`. */
  readonly address: string;
  /**
   * Called exactly once for each command sent after it is set, when the
   * command settles: `error` is what it rejected with (`undefined` on
   * success), `latencyMs` the time since its tick was sent, measured for one
   * command in 8 and -1 for the others (a clock read costs about 80 ns). A
   * timed-out command settles at its timeout; its late reply does not call
   * this again. Pools set it to count commands in flight without wrapping
   * each promise.
   */
  onSettle: ((error: Error | undefined, latencyMs: number) => void) | undefined;
  /**
   * Called with each invalidation push the node sends this connection
   * (after `CLIENT TRACKING ON`): the changed keys, or `null` for every
   * key. The keys view the read buffer: use them before returning. Pushes
   * are set aside from the matching of replies to commands; without this
   * hook they are dropped.
   */
  onPush: ((keys: Uint8Array[] | null) => void) | undefined;
  #settled = 0;
  #conn: ByteStream;
  #timeoutMs: number;
  #onClose: ((error: ConnectionError) => void) | undefined;
  #decoder: FrameDecoder;
  #writer = new FrameWriter();
  #nextId = 1;
  #hello: HelloInfo | undefined;

  // FIFO of commands awaiting replies: a ring buffer. The first `#abandoned`
  // entries have timed out (deadlines grow along the queue, so timed-out
  // entries are always a prefix); their replies are discarded on arrival.
  #queue: (Pending | undefined)[] = new Array(64);
  #mask = 63;
  #head = 0;
  #count = 0;
  #abandoned = 0;

  #timer: ReturnType<typeof setTimeout> | undefined;
  // One `setImmediate` per tick: it ends the tick (commands sent from now on
  // get a fresh timestamp) and starts a write unless one is in progress (the
  // write loop then picks the new commands up when it finishes). Not a
  // microtask: a tick then takes in every command its event-loop turn sends
  // — callers resumed by one read, answers from a near cache between them —
  // in one write, where a microtask wrote a few at a time.
  #tickScheduled = false;
  #tickNow = 0;
  #writing = false;
  #closed: ConnectionError | undefined;
  /** Whether a frame was read: until then, bytes may come from another server. */
  #framed = false;
  /** The first bytes read, printable, for the error when they are not frames. */
  #firstBytes: string | undefined;
  #readDone: Promise<void>;
  #writeDone: Promise<void> = Promise.resolve();
  #onTick = (): void => {
    this.#tickScheduled = false;
    if (
      !this.#writing && this.#closed === undefined && this.#writer.length > 0
    ) {
      this.#writeDone = this.#writeLoop();
    }
  };
  #onTimer = (): void => {
    this.#timer = undefined;
    this.#expire();
  };

  /**
   * Wraps an open stream. Prefer {@linkcode ClientConnection.connect}, which also
   * applies the connect timeout and the HELLO exchange.
   *
   * @param conn An open connection to a node (a `Deno.Conn` is one); this
   * object owns it from now on.
   * @param address The node's address, used in errors.
   * @param options Timeouts, reply limit and close callback.
   */
  constructor(
    conn: ByteStream,
    address: string,
    options: ConnectionOptions = {},
  ) {
    this.#conn = conn;
    this.address = address;
    this.#timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.#onClose = options.onClose;
    this.#decoder = new FrameDecoder({
      maxFrameBytes: options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
    });
    this.#readDone = this.#readLoop();
  }

  /**
   * Opens a connection: TCP connect (and the TLS handshake with `tls`),
   * then (unless `hello` is `false`) the opening probe and HELLO
   * negotiating protocol version 1 in one round trip, all within
   * `connectTimeoutMs`.
   *
   * @param target The node's host and port.
   * @param options Timeouts, HELLO, reply limit and close callback.
   * @returns The open connection.
   * @throws {TimeoutError} When connecting (and HELLO) took longer than `connectTimeoutMs`.
   * @throws {ConnectionError} When the node cannot be reached, the TLS
   * handshake fails, or its HELLO reply shows it is not a CacheMir node
   * speaking version 1.
   * @throws {ProtocolError} When the peer answered bytes that are not
   * frames: it is not a CacheMir node (Redis, a RESP port, an HTTP server),
   * or it serves TLS and `tls` was not given.
   *
   * @example
   * ```ts no-eval
   * // Needs a node on 127.0.0.1:7379.
   * import { ClientConnection } from "@cachemir/client/connection";
   * const conn = await ClientConnection.connect(
   *   { hostname: "127.0.0.1", port: 7379 },
   *   { connectTimeoutMs: 1000 },
   * );
   * console.log(conn.hello?.maxFrameBytes); // 16777216
   * await conn.close();
   * ```
   */
  static async connect(
    target: ConnectionTarget,
    options: ConnectionOptions = {},
  ): Promise<ClientConnection> {
    const address = formatAddress(target);
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    checkTlsOptions(options.tls);
    const started = performance.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let socket: ByteStream;
    try {
      socket = await dial(target, options.tls, abort.signal);
    } catch (e) {
      if (abort.signal.aborted) {
        throw new TimeoutError(address, "connect", timeoutMs);
      }
      throw new ConnectionError(
        address,
        `Cannot connect to ${address}: ${dialFailure(e)}`,
        { cause: e },
      );
    } finally {
      clearTimeout(timer);
    }
    const password = options.password;
    if (options.hello === false && password === undefined) {
      return new ClientConnection(socket, address, options);
    }
    // The opening probe goes first: a server that is not a CacheMir node
    // answers it at once (protocol/probe.ts).
    try {
      await socket.write(OPENING_PROBE);
    } catch (e) {
      try {
        socket.close();
      } catch {
        // closed already
      }
      throw new ConnectionError(
        address,
        `Cannot connect to ${address}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const conn = new ClientConnection(socket, address, options);
    const left = (): number =>
      Math.max(1, timeoutMs - (performance.now() - started));
    const probe = new Promise<unknown>((resolve, reject) =>
      conn.#await(PROBE_ID, PROBE_OPCODE, resolve, reject, asAnyReply)
    ).catch((e) => {
      // A node older than the probe refuses its flags, and is still a node.
      if (e instanceof ReplyError && /unknown flags 0x0a$/.test(e.message)) {
        return;
      }
      throw e;
    });
    let step = "HELLO";
    try {
      // HELLO leaves with the probe, in the same round trip.
      const hello = options.hello !== false
        ? conn.send(OPCODE_HELLO, ["1"], parseHello)
        : undefined;
      hello?.catch(() => {});
      const probed = await withTimeout(probe, left());
      if (probed === TIMED_OUT) {
        probe.catch(() => {});
        throw new TimeoutError(address, "connect", timeoutMs);
      }
      if (hello !== undefined) {
        const result = await withTimeout(hello, left());
        if (result === TIMED_OUT) {
          throw new TimeoutError(address, "connect", timeoutMs);
        }
        if (result.proto !== 1) {
          throw new ConnectionError(
            address,
            `Cannot connect to ${address}: HELLO chose protocol version ${result.proto}, this client speaks 1`,
          );
        }
        conn.#hello = result;
      }
      if (password !== undefined) {
        step = "AUTH";
        const auth = conn.send(OPCODE_AUTH, [password], () => true);
        const result = await withTimeout(auth, left());
        if (result === TIMED_OUT) {
          auth.catch(() => {});
          throw new TimeoutError(address, "connect", timeoutMs);
        }
      }
      return conn;
    } catch (e) {
      await conn.close();
      if (e instanceof TimeoutError || e instanceof ProtocolError) throw e;
      // Closed over TLS before any frame, without a client certificate:
      // what a node with --tls-ca does (its alert may not arrive).
      const hint = e instanceof ConnectionError && !conn.#framed &&
          options.tls !== undefined && options.tls.cert === undefined
        ? " (a node started with --tls-ca requires a client certificate: give tls.cert and tls.key)"
        : "";
      throw new ConnectionError(
        address,
        `Cannot connect to ${address}: ${step} failed: ${
          (e as Error).message
        }${hint}`,
        { cause: e },
      );
    }
  }

  /** The node's HELLO reply, when HELLO was exchanged on connect. */
  get hello(): HelloInfo | undefined {
    return this.#hello;
  }

  /** Commands sent and neither answered nor timed out. */
  get inFlight(): number {
    return this.#count - this.#abandoned;
  }

  /** `true` once the connection has closed, for any reason. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * Sends a command. It leaves in the next write, together with every other
   * command sent in the same tick.
   *
   * @param opcode The command's opcode (`0` for CALL, with the name first in `args`).
   * @param args The arguments, the command name not included.
   * @param transform Turns the reply into the resolved value; may throw.
   * @returns The transformed reply.
   * @throws {ReplyError} When the node answers with an error.
   * @throws {TimeoutError} When no reply came within `commandTimeoutMs`.
   * @throws {ConnectionError} When the connection is or becomes closed before the reply.
   *
   * @example PING
   * ```ts no-eval
   * // Needs a node on 127.0.0.1:7379.
   * import { ClientConnection } from "@cachemir/client/connection";
   * import { commandInfo } from "@cachemir/protocol";
   * const conn = await ClientConnection.connect({ hostname: "127.0.0.1", port: 7379 });
   * console.log(await conn.send(commandInfo("PING").opcode, [], (r) => r)); // { kind: "status", value: "PONG" }
   * await conn.close();
   * ```
   */
  send<T>(
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    return sendPromise(this, opcode, args, transform);
  }

  /**
   * {@linkcode ClientConnection.send} with callbacks instead of a promise: exactly
   * one of `resolve` and `reject` is called, never synchronously with a
   * reply (a command refused at once, on a closed connection or for a bad
   * argument, is rejected before this returns). For callers that would
   * otherwise wrap the promise (retries): no promise is made here.
   *
   * @param opcode The command's opcode.
   * @param args The arguments, the command name not included.
   * @param transform Turns the reply into the resolved value; may throw.
   * @param resolve Called with the transformed reply.
   * @param reject Called with a {@linkcode ReplyError}, {@linkcode TimeoutError},
   * {@linkcode ConnectionError}, or what the transform threw.
   *
   * @example
   * ```ts no-eval
   * // Needs a node on 127.0.0.1:7379.
   * import { ClientConnection } from "@cachemir/client/connection";
   * import { commandInfo } from "@cachemir/protocol";
   * const conn = await ClientConnection.connect({ hostname: "127.0.0.1", port: 7379 });
   * conn.sendWith(commandInfo("PING").opcode, [], (r) => r.kind, console.log, console.error); // "status"
   * ```
   */
  sendWith<T>(
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
    resolve: (value: T) => void,
    reject: (error: Error) => void,
  ): void {
    if (this.#closed !== undefined) {
      return this.#refuse(
        reject,
        new ConnectionError(
          this.address,
          `Cannot send ${
            commandName(opcode)
          }: connection to ${this.address} is closed`,
          { cause: this.#closed },
        ),
      );
    }
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (typeof a !== "string" && !(a instanceof Uint8Array)) {
        return this.#refuse(
          reject,
          new TypeError(
            `Cannot send ${commandName(opcode)}: argument ${i} is ${
              a === null ? "null" : typeof a
            }, expected a string or a Uint8Array`,
          ),
        );
      }
    }
    const id = this.#nextId;
    this.#nextId = (id + 1) >>> 0;
    try {
      this.#writer.writeRequest(id, opcode, args);
    } catch (e) {
      // The writer may hold part of a frame: the stream cannot be trusted.
      this.#fail(
        `after failing to encode ${commandName(opcode)} (${
          (e as Error).message
        })`,
        e,
      );
      return this.#refuse(reject, e as Error);
    }
    this.#await(
      id,
      opcode,
      resolve as (value: unknown) => void,
      reject,
      transform,
    );
  }

  /**
   * Queues a request's reply handlers, with its deadline (for a request
   * written to the socket by other means too: the opening probe).
   */
  #await(
    id: number,
    opcode: number,
    resolve: (value: unknown) => void,
    reject: (error: Error) => void,
    transform: ReplyTransform<unknown>,
  ): void {
    if (this.#timer === undefined) {
      // (Armed before scheduling the tick: the runtime's first setTimeout
      // call loads a module and runs pending microtasks.)
      this.#timer = setTimeout(this.#onTimer, this.#timeoutMs);
    }
    if (!this.#tickScheduled) {
      // Commands of one tick share a timestamp: reading the clock is an op
      // call, too costly to make per command. Their deadlines are then at
      // most the tick's duration early, never late.
      this.#tickScheduled = true;
      this.#tickNow = performance.now();
      setImmediate(this.#onTick);
    }
    this.#push({
      id,
      opcode,
      deadline: this.#tickNow + this.#timeoutMs,
      resolve,
      reject,
      transform,
    });
  }

  /** Rejects a command that was never queued, telling `onSettle`. */
  #refuse(reject: (error: Error) => void, error: Error): void {
    this.onSettle?.(error, -1);
    reject(error);
  }

  /** Resolves a command taken off the queue, and tells `onSettle`. */
  #resolve(entry: Pending, value: unknown): void {
    entry.resolve(value);
    this.#done(entry, undefined);
  }

  /** Rejects a command taken off (or dropped from) the queue, and tells `onSettle`. */
  #reject(entry: Pending, error: Error): void {
    entry.reject(error);
    this.#done(entry, error);
  }

  /** Tells `onSettle` that a queued command settled. */
  #done(entry: Pending, error: Error | undefined): void {
    const hook = this.onSettle;
    if (hook === undefined) return;
    hook(
      error,
      (++this.#settled & 7) === 0
        ? performance.now() - (entry.deadline - this.#timeoutMs)
        : -1,
    );
  }

  /**
   * Closes the connection. Commands in flight reject with a
   * {@linkcode ConnectionError}. Idempotent.
   *
   * @param cause Why, when the caller knows: the `cause` of the error the
   * commands in flight reject with.
   * @returns A promise that settles once the socket's reads and writes have stopped.
   *
   * @example
   * ```ts no-eval
   * // Needs a node on 127.0.0.1:7379.
   * import { ClientConnection } from "@cachemir/client/connection";
   * const conn = await ClientConnection.connect({ hostname: "127.0.0.1", port: 7379 });
   * await conn.close();
   * console.log(conn.closed); // true
   * ```
   */
  async close(cause?: Error): Promise<void> {
    this.#fail("by the client", cause);
    await Promise.allSettled([this.#readDone, this.#writeDone]);
  }

  #push(entry: Pending): void {
    if (this.#count > this.#mask) {
      // Full: double, unrolling the ring so that the head is at 0.
      const old = this.#queue;
      const grown = new Array<Pending | undefined>(old.length * 2);
      for (let i = 0; i < this.#count; i++) {
        grown[i] = old[(this.#head + i) & this.#mask];
      }
      this.#queue = grown;
      this.#mask = grown.length - 1;
      this.#head = 0;
    }
    this.#queue[(this.#head + this.#count) & this.#mask] = entry;
    this.#count++;
  }

  #shift(): Pending {
    const entry = this.#queue[this.#head]!;
    this.#queue[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#count--;
    return entry;
  }

  /** Rejects timed-out commands, detects a hung node, re-arms the timer. */
  #expire(): void {
    if (this.#closed !== undefined || this.#count === 0) return;
    const now = performance.now();
    while (this.#abandoned < this.#count) {
      const entry = this.#queue[(this.#head + this.#abandoned) & this.#mask]!;
      if (entry.deadline > now) break;
      this.#abandoned++;
      this.#reject(
        entry,
        new TimeoutError(
          this.address,
          commandName(entry.opcode),
          this.#timeoutMs,
        ),
      );
      if (this.#closed !== undefined) return; // closed by the onSettle hook
    }
    const oldest = this.#queue[this.#head]!;
    const hungAt = oldest.deadline + this.#timeoutMs;
    if (hungAt <= now) {
      this.#fail(`after no reply for ${2 * this.#timeoutMs} ms`);
      return;
    }
    let next = hungAt;
    if (this.#abandoned < this.#count) {
      const live = this.#queue[(this.#head + this.#abandoned) & this.#mask]!;
      next = Math.min(next, live.deadline);
    }
    this.#timer = setTimeout(this.#onTimer, Math.max(0, Math.ceil(next - now)));
  }

  async #writeLoop(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#writer.length > 0 && this.#closed === undefined) {
        const bytes = this.#writer.take();
        let done = 0;
        while (done < bytes.length) {
          done += await this.#conn.write(
            done === 0 ? bytes : bytes.subarray(done),
          );
        }
      }
    } catch (e) {
      this.#fail(`after a write error (${(e as Error).message})`, e);
    } finally {
      this.#writing = false;
    }
  }

  async #readLoop(): Promise<void> {
    const buf = new Uint8Array(READ_BUFFER_BYTES);
    const decoder = this.#decoder;
    try {
      while (this.#closed === undefined) {
        const n = await this.#conn.read(buf);
        if (n === null) {
          if (!this.#framed && this.#firstBytes !== undefined) {
            // Bytes, then the end, and never a whole frame.
            this.#notANode("");
          } else this.#fail("by the node");
          return;
        }
        if (!this.#framed && this.#firstBytes === undefined) {
          this.#firstBytes = printableStart(buf, n);
          if (n > 0 && !PROTOCOL_VERSIONS.includes(buf[0])) {
            // Not a frame's first byte: no need to wait for a whole header.
            this.#notANode(isTlsRecord(buf, n) ? TLS_HINT : "");
            return;
          }
        }
        decoder.push(buf.subarray(0, n));
        for (;;) {
          const frame = decoder.next();
          if (frame === undefined) break;
          if (!this.#onFrame(frame)) return;
        }
      }
    } catch (e) {
      this.#fail(`after a read error (${(e as Error).message})`, e);
    }
  }

  /**
   * Fails the connection on first bytes that are not frames, saying what
   * answered, then `hint`.
   */
  #notANode(hint: string): void {
    this.#fail(
      "after bytes that are not frames",
      undefined,
      new ProtocolError(
        `${this.address} is not a CacheMir node (it answered "${this.#firstBytes}")${hint}`,
      ),
    );
  }

  /** Settles the oldest command with a frame; `false` when the connection failed. */
  #onFrame(frame: Frame | FrameError): boolean {
    if (!this.#framed) {
      if ("kind" in frame && frame.fatal) {
        // The very first bytes are not a frame: another kind of server.
        this.#notANode("");
        return false;
      }
      this.#framed = true;
    }
    if (!("kind" in frame) && isPush(frame)) return this.#onPushFrame(frame);
    if (this.#count === 0) {
      this.#fail(`after an unexpected reply (id ${frame.id}, none in flight)`);
      return false;
    }
    if ("kind" in frame && frame.fatal) {
      this.#fail(`after an undecodable reply (${frame.message})`);
      return false;
    }
    const entry = this.#queue[this.#head]!;
    if (frame.id !== entry.id || frame.opcode !== entry.opcode) {
      this.#fail(
        `after a reply with id ${frame.id} and opcode ${
          hex(frame.opcode)
        } to the command with id ${entry.id} and opcode ${hex(entry.opcode)}`,
      );
      return false;
    }
    if ("kind" in frame) {
      // Too large: skipped by the decoder, the stream is still in sync.
      this.#settleError(
        new ProtocolError(
          `Cannot accept the reply to ${
            commandName(entry.opcode)
          } from ${this.address}: ${
            frame.message.replace(/^ERR Protocol error: /, "")
          }`,
        ),
      );
      return true;
    }
    if ((frame.flags & FLAG_REPLY) === 0) {
      this.#fail(`after a frame without the REPLY flag (id ${frame.id})`);
      return false;
    }
    if (this.#abandoned > 0) {
      // The command timed out: drop its late reply without decoding it.
      this.#shift();
      this.#abandoned--;
      return true;
    }
    // A reply that is one BYTES value goes to the command's fast path, if it
    // has one, without being decoded into a Reply first.
    const payload = frame.payload;
    const fromBytes = entry.transform.fromBytes;
    const start = fromBytes === undefined ? -1 : bytesStart(payload);
    let reply: Reply | undefined;
    if (start < 0) {
      const decoded = decodeReply(payload);
      if (decoded.kind === "decode-error") {
        this.#fail(
          `after an undecodable reply to ${
            commandName(entry.opcode)
          } (${decoded.message})`,
        );
        return false;
      }
      reply = decoded;
    }
    this.#shift();
    if (reply?.kind === "error") {
      this.#reject(entry, new ReplyError(reply.code, reply.message));
      return true;
    }
    let value: unknown;
    try {
      value = reply === undefined
        ? fromBytes!(payload, start, payload.length)
        : entry.transform(reply);
    } catch (e) {
      this.#reject(entry, e as Error);
      return true;
    }
    this.#resolve(entry, value);
    return true;
  }

  /** A push: handed to `onPush`, never matched to a command. */
  #onPushFrame(frame: Frame): boolean {
    const decoded = decodeReply(frame.payload);
    if (decoded.kind === "decode-error") {
      this.#fail(`after an undecodable push (${decoded.message})`);
      return false;
    }
    const keys = invalidationKeys(decoded);
    if (keys !== undefined) this.onPush?.(keys);
    return true;
  }

  #settleError(error: Error): void {
    const entry = this.#shift();
    if (this.#abandoned > 0) this.#abandoned--;
    else this.#reject(entry, error);
  }

  /**
   * Closes the socket and rejects everything in flight, with a
   * ConnectionError saying `how` (or with `rejectWith`: the commands get
   * it, the close is a ConnectionError caused by it); idempotent.
   */
  #fail(how: string, cause?: unknown, rejectWith?: ProtocolError): void {
    if (this.#closed !== undefined) return;
    const live = this.#count - this.#abandoned;
    const closed = new ConnectionError(
      this.address,
      rejectWith === undefined
        ? `Connection to ${this.address} closed ${how} with ${
          plural(live)
        } in flight`
        : rejectWith.message,
      rejectWith !== undefined
        ? { cause: rejectWith }
        : cause === undefined
        ? undefined
        : { cause },
    );
    const error = rejectWith ?? closed;
    this.#closed = closed;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime.
    }
    for (let i = 0; i < this.#count; i++) {
      const at = (this.#head + i) & this.#mask;
      const entry = this.#queue[at]!;
      this.#queue[at] = undefined;
      if (i >= this.#abandoned) this.#reject(entry, error);
    }
    this.#count = 0;
    this.#abandoned = 0;
    this.#head = 0;
    this.#writer.take();
    this.#onClose?.(closed);
  }
}

/** The probe's transform: any reply will do. */
const asAnyReply: ReplyTransform<unknown> = (reply: Reply) => reply;

/**
 * Why opening the socket failed; a TLS handshake that met bytes that are not
 * TLS (a node without `--tls-cert`) says so.
 */
function dialFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (
    e instanceof TlsHandshakeError &&
    /corrupt message|InvalidContentType|wrong version number|packet length too long/i
      .test(message)
  ) {
    return `${message} (is the node serving TLS? it needs --tls-cert)`;
  }
  return message;
}

/** Said after the first bytes when they are a TLS record. */
const TLS_HINT =
  ": that is TLS; a node started with --tls-cert needs the client's tls option";

/** Whether the first `n` bytes start a TLS record (an alert or a handshake). */
function isTlsRecord(buf: Uint8Array, n: number): boolean {
  return n >= 2 && (buf[0] === 0x15 || buf[0] === 0x16) && buf[1] === 0x03;
}

/** Up to 64 of the first `n` bytes, as printable text (`\r`, `\n`, `\xNN`). */
function printableStart(buf: Uint8Array, n: number): string {
  let out = "";
  for (let i = 0; i < Math.min(n, 64); i++) {
    const c = buf[i];
    if (c === 0x0d) out += "\\r";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x22 || c === 0x5c) out += "\\" + String.fromCharCode(c);
    else if (c < 0x20 || c > 0x7e) {
      out += "\\x" + c.toString(16).padStart(2, "0");
    } else out += String.fromCharCode(c);
  }
  return n > 64 ? out + "..." : out;
}

function text(reply: Reply): string {
  switch (reply.kind) {
    case "bytes":
      return typeof reply.value === "string"
        ? reply.value
        : decodeUtf8(reply.value);
    case "status":
      return reply.value;
    case "int":
    case "float":
      return String(reply.value);
    default:
      throw new ProtocolError(
        `Unexpected ${kindName(reply)} in a HELLO reply`,
      );
  }
}

function integer(reply: Reply): number {
  if (reply.kind !== "int") {
    throw new ProtocolError(
      `Unexpected ${kindName(reply)} where HELLO has an integer`,
    );
  }
  return Number(reply.value);
}

function list(reply: Reply): readonly Reply[] {
  if (reply.kind !== "array" && reply.kind !== "set") {
    throw new ProtocolError(
      `Unexpected ${kindName(reply)} where HELLO has an array`,
    );
  }
  return reply.value;
}

/**
 * Reads a HELLO reply map; unknown keys are ignored, missing ones default.
 *
 * @param reply The reply to HELLO.
 * @returns What the node said about itself.
 * @throws {ProtocolError} When the reply is not a map of the expected types.
 *
 * @example
 * ```ts
 * import { parseHello } from "@cachemir/client/connection";
 * import { bytes, int, map } from "@cachemir/protocol";
 * const info = parseHello(map([[bytes("proto"), int(1)]]));
 * console.log(info.proto); // 1
 * ```
 */
export function parseHello(reply: Reply): HelloInfo {
  if (reply.kind !== "map") {
    throw new ProtocolError(
      `Unexpected ${kindName(reply)} reply to HELLO, expected a MAP`,
    );
  }
  let server = "";
  let version = "";
  let proto = 1;
  let protos: number[] = [1];
  let id = 0;
  let features: string[] = [];
  let maxFrameBytes = 0;
  let maxArgs = 0;
  let runId = "";
  for (const [k, v] of reply.value) {
    switch (text(k)) {
      case "server":
        server = text(v);
        break;
      case "version":
        version = text(v);
        break;
      case "proto":
        proto = integer(v);
        break;
      case "protos":
        protos = list(v).map(integer);
        break;
      case "id":
        id = integer(v);
        break;
      case "features":
        features = list(v).map(text);
        break;
      case "max-frame-bytes":
        maxFrameBytes = integer(v);
        break;
      case "max-args":
        maxArgs = integer(v);
        break;
      case "run-id":
        runId = text(v);
        break;
    }
  }
  return {
    server,
    version,
    proto,
    protos,
    id,
    features,
    maxFrameBytes,
    maxArgs,
    runId,
  };
}
