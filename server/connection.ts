/**
 * {@linkcode Connection}: the one read loop both ports share. Every read is
 * decoded by the port's {@linkcode Codec}, each complete request executed in
 * order, and all of the read's replies leave in one write before the next
 * read (in several writes when they pass 1 MiB: output held per connection
 * is bounded). The binary port (`binary_connection.ts`) and the RESP port
 * (`resp_connection.ts`) differ only in their codec.
 *
 * Two limits a node may set per connection ({@linkcode FlowLimits}, read
 * live so CONFIG SET applies at once):
 *
 * - `clientOutputBufferLimit` (bytes; 0 = none): the loop no longer waits for
 *   its replies to be written before it reads and runs more requests; they
 *   queue in the node, and a client whose queued replies pass the limit (it
 *   sends and does not read) is disconnected. With 0 the loop waits for each
 *   write instead (TCP back-pressure: a client that does not read stops
 *   being read, and at most about 1 MiB plus one reply waits for it).
 * - `rateLimit` (commands per second; 0 = none): a token bucket holding one
 *   second of commands. Once it is empty the loop stops running (and so
 *   reading) that connection's requests until tokens return: nothing is
 *   dropped and nothing fails, the client is only slowed.
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import type { Session, Suspension } from "./_util/request.ts";

/**
 * The wire format of a port: decodes requests and encodes replies. A codec
 * answers the protocol errors it finds itself (into its output); after one
 * that leaves the stream out of sync it sets `broken`, and the connection
 * writes what is pending and closes.
 */
export interface Codec<Request> {
  /** Adds bytes read from the socket (see the decoders' rules on reuse). */
  push(chunk: Uint8Array): void;
  /**
   * The next complete request.
   *
   * @returns The request, or `undefined` when more bytes are needed or the
   * stream is `broken`.
   */
  next(): Request | undefined;
  /** `true` once a protocol error was answered and the connection must close. */
  readonly broken: boolean;
  /**
   * Encodes the reply to a request into the output.
   *
   * @param request The request, as `next()` returned it.
   * @param reply Its reply.
   */
  writeReply(request: Request, reply: Reply): void;
  /**
   * Encodes an invalidation push (client-side caching) into the output,
   * between two replies; writes nothing when this port's dialect cannot
   * carry a push (a RESP2 connection).
   *
   * @param keys The changed keys (byte strings), or `null` for every key.
   */
  writePush?(keys: readonly string[] | null): void;
  /** Bytes of output not yet taken. */
  readonly pending: number;
  /**
   * Bytes of input received and not decoded yet (a request still arriving);
   * 0 when absent.
   */
  readonly buffered?: number;
  /**
   * Takes the output. The bytes may view the codec's memory: write them out
   * before encoding more replies.
   *
   * @returns The encoded replies.
   */
  take(): Uint8Array;
}

/**
 * Most bytes of replies a connection holds before writing them out: a read
 * of small requests asking for big replies (64 KiB of `GET big`) is answered
 * in several writes, and a peer that does not read stops the loop (TCP
 * back-pressure) instead of growing memory.
 */
const MAX_PENDING_OUTPUT = 1024 * 1024;

/**
 * Most bytes of unrun input a connection takes from a client while that
 * client waits on a blocking command: past it the socket is no longer read
 * until the wait ends (TCP back-pressure, as for a client that does not
 * read its replies), so a blocked client cannot make the node hold more.
 */
export const MAX_BLOCKED_INPUT = 1024 * 1024;

/**
 * How long a connection keeps serving after the node begins to drain: the
 * requests a client sent before the drain began are read and answered,
 * including those still in flight or waiting in the socket.
 */
export const DRAIN_READ_MS = 100;

/**
 * How long a drained connection waits, its side closed, for the client to
 * close: closing with unread bytes would reset the connection, and a reset
 * can discard replies the client has not read yet.
 */
const DRAIN_LINGER_MS = 500;

/** What {@linkcode StreamCodec} reads requests from: a port's decoder. */
export interface CodecInput {
  /** Adds bytes read from the socket. */
  push(chunk: Uint8Array): void;
  /** Bytes received and not decoded yet (0 when absent). */
  readonly buffered?: number;
}

/** What {@linkcode StreamCodec} writes replies into: a port's writer. */
export interface CodecOutput {
  /** Bytes written and not taken yet. */
  readonly length: number;
  /** Takes the bytes written, as a view valid until more are written. */
  takeView(): Uint8Array;
}

/**
 * What the ports' codecs share: bytes in go to a decoder, replies go out of
 * a writer, and the stream breaks once. A port adds how requests are read
 * (`next()`) and how replies are written (`writeReply()`).
 *
 * @example A codec of newline-separated commands
 * ```ts
 * import { StreamCodec } from "./connection.ts";
 * import { OK, OutputBuffer, type Reply, StreamBuffer } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * class LineCodec extends StreamCodec<string> {
 *   #input: StreamBuffer;
 *   #output: OutputBuffer;
 *   constructor() {
 *     const input = new StreamBuffer();
 *     const output = new OutputBuffer();
 *     super(input, output);
 *     this.#input = input;
 *     this.#output = output;
 *   }
 *   next(): string | undefined {
 *     const input = this.#input;
 *     const line = input.bytes.subarray(input.start, input.end);
 *     const nl = line.indexOf(0x0a);
 *     if (nl < 0) {
 *       input.keep();
 *       return undefined;
 *     }
 *     input.advance(nl + 1);
 *     return new TextDecoder().decode(line.subarray(0, nl));
 *   }
 *   writeReply(_line: string, reply: Reply): void {
 *     this.#output.writeByteString(`${reply.kind}\n`);
 *   }
 * }
 *
 * const codec = new LineCodec();
 * codec.push(new TextEncoder().encode("PING\nECHO"));
 * const line = codec.next()!;
 * assert.equal(line, "PING");
 * assert.equal(codec.next(), undefined);
 * codec.writeReply(line, OK);
 * assert.equal(new TextDecoder().decode(codec.take()), "ok\n");
 * ```
 */
export abstract class StreamCodec<Request> implements Codec<Request> {
  #input: CodecInput;
  #output: CodecOutput;
  #broken = false;

  /**
   * @param input The port's decoder.
   * @param output The port's writer.
   */
  constructor(input: CodecInput, output: CodecOutput) {
    this.#input = input;
    this.#output = output;
  }

  /** `true` once a protocol error was answered and the connection must close. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Encoded bytes not yet taken. */
  get pending(): number {
    return this.#output.length;
  }

  /** Bytes received and not decoded yet. */
  get buffered(): number {
    return this.#input.buffered ?? 0;
  }

  /**
   * Adds bytes read from the socket (see the decoders' rules on reuse).
   *
   * @param chunk The bytes.
   */
  push(chunk: Uint8Array): void {
    this.#input.push(chunk);
  }

  /**
   * Takes the encoded replies, without copying them.
   *
   * @returns The bytes; they view the codec's memory: write them out
   * before encoding more replies.
   */
  take(): Uint8Array {
    return this.#output.takeView();
  }

  /** Marks the stream out of sync: the connection writes what is pending and closes. */
  protected breakStream(): void {
    this.#broken = true;
  }

  /**
   * The next complete request.
   *
   * @returns The request, or `undefined` when more bytes are needed or the
   * stream is broken.
   */
  abstract next(): Request | undefined;

  /**
   * Encodes the reply to a request.
   *
   * @param request The request, as `next()` returned it.
   * @param reply Its reply.
   */
  abstract writeReply(request: Request, reply: Reply): void;
}

/**
 * How a connection ended: `"output-limit"` when its unread replies passed
 * `clientOutputBufferLimit`, `"killed"` when the node closed it (CLIENT
 * KILL, idle timeout).
 */
export type ConnectionEnd =
  | "eof"
  | "quit"
  | "protocol"
  | "shutdown"
  | "error"
  | "output-limit"
  | "killed";

/**
 * Per-connection limits, read at each use: the node passes its live
 * settings object, so a change applies to open connections at once.
 */
export interface FlowLimits {
  /**
   * Most bytes of replies a client may have waiting in the node (encoded,
   * not yet taken by its socket); past it the client is disconnected.
   * 0 = no limit: the loop waits for its writes (back-pressure) instead.
   */
  readonly clientOutputBufferLimit: number;
  /** Commands a connection may run per second (token bucket); 0 = no limit. */
  readonly rateLimit: number;
}

/** No limits: back-pressure only. */
const NO_LIMITS: FlowLimits = Object.freeze({
  clientOutputBufferLimit: 0,
  rateLimit: 0,
});

/**
 * Bytes every connection read and wrote, summed (INFO's
 * `total_net_input_bytes` and `total_net_output_bytes`).
 */
export interface NetTraffic {
  /** Bytes read from clients. */
  netInputBytes: number;
  /** Bytes written to clients. */
  netOutputBytes: number;
}

/** What {@linkcode Connection} needs. */
export interface ConnectionOptions<Request> {
  /** The accepted connection. */
  readonly conn: Deno.Conn;
  /** Per-connection state shared with the command handlers. */
  readonly session: Session;
  /** The port's wire format. */
  readonly codec: Codec<Request>;
  /**
   * Runs one request: returns its reply for the codec to encode,
   * `undefined` when it wrote its reply into the codec's output itself, or
   * a {@linkcode Suspension} when it waits (a blocking command): nothing
   * more of this client runs until its reply came (its later pipelined
   * requests wait); the socket is still read, so a client that hangs up
   * or is killed while it waits is seen, and its wait cancelled.
   */
  readonly execute: (request: Request) => Reply | Suspension | undefined;
  /**
   * Bytes read from the socket at a time.
   * @default {65536}
   */
  readonly readBytes?: number;
  /** Output and rate limits; none by default. */
  readonly limits?: FlowLimits;
  /**
   * Told when the connection is cut because its unread replies passed
   * `clientOutputBufferLimit` (the node counts and logs it).
   */
  readonly onOutputLimit?: (session: Session, queued: number) => void;
  /** Where the bytes read and written are added up; not counted when absent. */
  readonly traffic?: NetTraffic;
}

/**
 * What both ports' connections take from the node besides their executors
 * and codec limits (`BinaryConnectionOptions`, `RespConnectionOptions`).
 */
export interface PortOptions {
  /** The accepted connection. */
  readonly conn: Deno.Conn;
  /** Per-connection state shared with the command handlers. */
  readonly session: Session;
  /**
   * Bytes read from the socket at a time.
   * @default {65536}
   */
  readonly readBytes?: number;
  /** Output and rate limits (see the module's doc); none by default. */
  readonly flow?: FlowLimits;
  /** Told when the connection is cut for passing the output limit. */
  readonly onOutputLimit?: (session: Session, queued: number) => void;
  /** Where the bytes read and written are added up. */
  readonly traffic?: NetTraffic;
}

/** The parts of a connection's memory CLIENT LIST reports, in bytes. */
export interface ConnectionBuffers {
  /** Input received and not run yet (`qbuf`). */
  readonly input: number;
  /** Replies encoded and not yet taken by the socket (`omem`). */
  readonly output: number;
  /** Everything the connection holds, its read buffer included (`tot-mem`). */
  readonly total: number;
}

/** A settled promise, for a write that was only queued. */
const RESOLVED: Promise<void> = Promise.resolve();

/** Why `#handle` stopped before the input ran out. */
type Pause =
  | "quit"
  | "protocol"
  | "flush"
  | "throttle"
  | "overflow"
  | "blocked";

/**
 * One client connection. `run()` resolves when the peer hangs up, a fatal
 * protocol error or QUIT ends it, or `shutdown()` is called; it never
 * rejects.
 *
 * @example Serve a connection with the RESP codec, answering OK to anything
 * ```ts
 * import { Connection } from "./connection.ts";
 * import { RespCodec } from "./resp_connection.ts";
 * import { OK } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const { port } = listener.addr as Deno.NetAddr;
 * const client = await Deno.connect({ hostname: "127.0.0.1", port });
 * const conn = await listener.accept();
 * const session = { id: 1, peer: "test", dialect: "resp2" as const, name: "", closeAfterReply: false };
 * const c = new Connection({ conn, session, codec: new RespCodec(session), execute: () => OK });
 * const served = c.run();
 * await client.write(new TextEncoder().encode("PING\r\n"));
 * const reply = new Uint8Array(16);
 * const n = await client.read(reply);
 * assert.equal(new TextDecoder().decode(reply.subarray(0, n!)), "+OK\r\n");
 * client.close();
 * assert.equal(await served, "eof");
 * listener.close();
 * ```
 */
export class Connection<Request> {
  #conn: Deno.Conn;
  #session: Session;
  #codec: Codec<Request>;
  #execute: (request: Request) => Reply | Suspension | undefined;
  #readBuf: Uint8Array;
  /** The request waiting (a blocking command), and its suspension. */
  #blocked: { request: Request; suspension: Suspension } | undefined;
  /**
   * A read begun while the connection waited on a blocking command: the
   * bytes it brings (a copy), or `null` at the end of the stream.
   */
  #pendingRead: Promise<Uint8Array | null> | undefined;
  /** Settled by `close()`, once a blocked wait asked for it. */
  #closeSignal: PromiseWithResolvers<null> | undefined;
  #reading = false;
  #stopping = false;
  /** The drain's read window is over. */
  #windowOver = false;
  /** This side is closed: bytes read are dropped, unanswered. */
  #drained = false;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Why the node closed the connection itself (kill, or output limit while idle). */
  #cutAs: "killed" | "output-limit" | undefined;
  #limits: FlowLimits;
  #onOutputLimit: ((session: Session, queued: number) => void) | undefined;
  #traffic: NetTraffic;
  /** Bytes of the write in progress not yet taken by the socket. */
  #unwritten = 0;
  /** Replies queued behind the write in progress (with an output limit). */
  #queue: Uint8Array[] = [];
  /** Bytes in `#queue`. */
  #queued = 0;
  /** The task writing `#queue` out, while it runs. */
  #writer: Promise<void> | undefined;
  /** Set when a queued write failed: the peer is gone. */
  #writeFailed = false;
  /**
   * Invalidation pushes waiting for a point between two replies: written
   * after the reply being made, or at once when the loop waits for bytes.
   */
  #pushes: (readonly string[] | null)[] = [];
  #pushScheduled = false;
  /** The rate limit's bucket: commands that may run now. */
  #tokens = -1;
  /** When the bucket was last filled, from `performance.now()`. */
  #filledAt = 0;

  /**
   * @param options The connection, its session, codec and executor.
   */
  constructor(options: ConnectionOptions<Request>) {
    this.#conn = options.conn;
    this.#session = options.session;
    this.#codec = options.codec;
    this.#execute = options.execute;
    this.#readBuf = new Uint8Array(options.readBytes ?? 64 * 1024);
    this.#limits = options.limits ?? NO_LIMITS;
    this.#onOutputLimit = options.onOutputLimit;
    this.#traffic = options.traffic ?? { netInputBytes: 0, netOutputBytes: 0 };
  }

  /** The session of this connection. */
  get session(): Session {
    return this.#session;
  }

  /**
   * Bytes this connection holds for its client: the read buffer, input
   * not decoded yet (a request still arriving) and replies not written
   * yet. The node counts them in `used_memory`, as Redis counts client
   * query and output buffers.
   */
  get bufferBytes(): number {
    const codec = this.#codec;
    return this.#readBuf.byteLength + (codec.buffered ?? 0) + codec.pending +
      this.#unwritten + this.#queued;
  }

  /** The connection's buffers as CLIENT LIST reports them (`qbuf`, `omem`, `tot-mem`). */
  get buffers(): ConnectionBuffers {
    const codec = this.#codec;
    return {
      input: codec.buffered ?? 0,
      output: this.#outputBytes(),
      total: this.bufferBytes,
    };
  }

  /**
   * Queues an invalidation push (client-side caching) for this connection:
   * it is written between two replies, never inside one — after the reply
   * of the command running now, or at once (in a microtask) when the
   * connection waits for requests. Pushes count towards the output limit.
   *
   * @param keys The changed keys (byte strings), or `null` for every key.
   */
  push(keys: readonly string[] | null): void {
    if (this.#closed || this.#drained) return;
    this.#pushes.push(keys);
    if (this.#reading && !this.#pushScheduled) {
      this.#pushScheduled = true;
      queueMicrotask(() => this.#flushIdle());
    }
  }

  /** Encodes the waiting pushes into the codec's output. */
  #writePushes(): void {
    const codec = this.#codec;
    const pushes = this.#pushes;
    for (let i = 0; i < pushes.length; i++) codec.writePush?.(pushes[i]);
    pushes.length = 0;
  }

  /**
   * Writes the pushes that arrived while the loop waits for bytes: a copy
   * goes behind any write in progress (the loop may encode replies into
   * the codec before this one is written).
   */
  #flushIdle(): void {
    this.#pushScheduled = false;
    if (!this.#reading || this.#closed || this.#pushes.length === 0) return;
    this.#writePushes();
    if (this.#codec.pending === 0) return;
    this.#enqueue();
    if (this.#overflowing()) {
      this.#cutAs = this.#overflow();
      this.close();
    }
  }

  /** Replies encoded and not yet taken by the socket. */
  #outputBytes(): number {
    return this.#codec.pending + this.#unwritten + this.#queued;
  }

  /**
   * Serves the connection until it ends, then closes it.
   *
   * @returns Why it ended: `"eof"`, `"quit"`, `"protocol"`, `"shutdown"` or `"error"`.
   */
  async run(): Promise<ConnectionEnd> {
    const codec = this.#codec;
    try {
      for (;;) {
        if (this.#pushes.length !== 0 && !this.#drained) {
          // Pushes that came while the loop wrote or waited for tokens.
          this.#writePushes();
          if (codec.pending > 0) await this.#emit();
          if (this.#overflowing()) return this.#overflow();
        }
        this.#reading = true;
        let chunk: Uint8Array | null;
        if (this.#pendingRead !== undefined) {
          chunk = await this.#pendingRead;
          this.#pendingRead = undefined;
        } else {
          const read = await this.#conn.read(this.#readBuf);
          chunk = read === null ? null : this.#readBuf.subarray(0, read);
        }
        this.#reading = false;
        if (chunk === null) {
          await this.#drain();
          if (this.#cutAs !== undefined) return this.#cutAs;
          return this.#stopping ? "shutdown" : "eof";
        }
        this.#traffic.netInputBytes += chunk.length;
        if (this.#drained) continue;
        this.#session.lastActive = Date.now();
        codec.push(chunk);
        let end = this.#handle();
        while (end === "flush" || end === "throttle" || end === "blocked") {
          // Output past the bound leaves before more of this read runs;
          // a connection out of tokens waits for them, having written
          // what it answered.
          if (codec.pending > 0) await this.#emit();
          if (end === "blocked") {
            // A blocking command waits: what it answered before leaves
            // first, then its reply once it is served.
            const gone = await this.#waitBlocked();
            if (gone !== undefined) return gone;
            this.#session.lastActive = Date.now();
          }
          if (end === "throttle") {
            await this.#waitForToken();
            // Waiting on its own bucket is not idleness (--timeout).
            this.#session.lastActive = Date.now();
          }
          end = this.#overflowing() ? "overflow" : this.#handle();
        }
        if (end === "overflow") return this.#overflow();
        if (codec.pending > 0) await this.#emit();
        if (this.#overflowing()) return this.#overflow();
        if (end !== undefined) {
          await this.#drain();
          return end;
        }
        if (this.#writeFailed) return "eof";
        if (this.#windowOver && !this.#drained) {
          await this.#drain();
          this.#closeSide();
        }
      }
    } catch (e) {
      if (this.#cutAs !== undefined) return this.#cutAs;
      if (this.#stopping) return "shutdown";
      if (
        e instanceof Deno.errors.ConnectionReset ||
        e instanceof Deno.errors.BrokenPipe ||
        e instanceof Deno.errors.BadResource ||
        e instanceof Deno.errors.Interrupted
      ) {
        return "eof";
      }
      return "error";
    } finally {
      this.#reading = false;
      this.#blocked?.suspension.cancel();
      this.#blocked = undefined;
      this.close();
    }
  }

  /**
   * Settles (with `null`, as a hang-up) when the connection is closed: what
   * a blocked client's wait races instead of a read once its input is full.
   */
  #closedWhileFull(): Promise<null> {
    this.#closeSignal ??= Promise.withResolvers<null>();
    if (this.#closed) this.#closeSignal.resolve(null);
    return this.#closeSignal.promise;
  }

  /** `true` while a blocking command of this client waits. */
  get blocked(): boolean {
    return this.#blocked !== undefined;
  }

  /**
   * Waits for the blocked request's reply and encodes it, reading the
   * socket meanwhile (the bytes are kept for later, unrun): a client that
   * hangs up ends the wait.
   *
   * @returns How the connection ended, or `undefined` once the reply is
   * encoded.
   */
  async #waitBlocked(): Promise<ConnectionEnd | undefined> {
    const { request, suspension } = this.#blocked!;
    const served = suspension.done.then((reply) => ({ reply }));
    for (;;) {
      if (
        this.#pendingRead === undefined &&
        (this.#codec.buffered ?? 0) < MAX_BLOCKED_INPUT
      ) {
        const buf = new Uint8Array(4096);
        this.#pendingRead = this.#conn.read(buf).then((n) =>
          n === null ? null : buf.slice(0, n)
        );
      }
      this.#reading = true;
      // Past MAX_BLOCKED_INPUT nothing more is read: the reply ends the
      // wait, or close() (a kill, a shutdown); a hang-up is seen after.
      const input = this.#pendingRead ?? this.#closedWhileFull();
      const next = await Promise.race([
        served,
        input.then((chunk) => ({ chunk })),
      ]);
      this.#reading = false;
      if ("reply" in next) {
        this.#blocked = undefined;
        this.#codec.writeReply(request, next.reply);
        return undefined;
      }
      this.#pendingRead = undefined;
      const chunk = next.chunk;
      if (chunk === null) {
        // The client hung up while it waited.
        suspension.cancel();
        this.#blocked = undefined;
        if (this.#cutAs !== undefined) return this.#cutAs;
        return this.#stopping ? "shutdown" : "eof";
      }
      this.#traffic.netInputBytes += chunk.length;
      if (!this.#drained) this.#codec.push(chunk);
    }
  }

  /**
   * Decodes and executes the complete requests pushed, in order; stops
   * early with `"flush"` once `MAX_PENDING_OUTPUT` bytes of replies wait,
   * `"throttle"` when the rate limit's bucket is empty, `"overflow"` when
   * the replies waiting pass the output limit.
   */
  #handle(): Pause | undefined {
    const codec = this.#codec;
    const session = this.#session;
    const limits = this.#limits;
    const rated = limits.rateLimit > 0 && !this.#stopping;
    const bound = limits.clientOutputBufferLimit;
    for (;;) {
      if (rated && !this.#hasToken(limits.rateLimit)) {
        return codec.broken ? "protocol" : "throttle";
      }
      const r = codec.next();
      if (r === undefined) break;
      if (rated) this.#tokens -= 1;
      const reply = this.#execute(r);
      if (reply !== undefined && reply.kind === "suspended") {
        this.#blocked = { request: r, suspension: reply };
        return "blocked";
      }
      if (session.closeAfterReply) {
        if (reply !== undefined && !session.closeWithoutReply) {
          codec.writeReply(r, reply);
        }
        return "quit";
      }
      if (reply !== undefined) codec.writeReply(r, reply);
      if (this.#pushes.length !== 0) this.#writePushes();
      if (bound > 0 && this.#outputBytes() > bound) return "overflow";
      if (codec.pending >= MAX_PENDING_OUTPUT) return "flush";
    }
    return codec.broken ? "protocol" : undefined;
  }

  /**
   * Fills the bucket for the time since it was last filled (at most one
   * second of commands) and tells whether a command may run.
   */
  #hasToken(rate: number): boolean {
    const now = performance.now();
    const capacity = Math.max(1, rate);
    if (this.#tokens < 0) {
      this.#tokens = capacity;
    } else {
      this.#tokens = Math.min(
        capacity,
        this.#tokens + (now - this.#filledAt) * rate / 1000,
      );
    }
    this.#filledAt = now;
    return this.#tokens >= 1;
  }

  /** Waits until the bucket holds a token again (no reads meanwhile). */
  async #waitForToken(): Promise<void> {
    const rate = this.#limits.rateLimit;
    if (rate <= 0 || this.#tokens >= 1) return;
    const ms = Math.max(1, Math.ceil((1 - this.#tokens) * 1000 / rate));
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** `true` when the replies waiting pass a set output limit. */
  #overflowing(): boolean {
    const bound = this.#limits.clientOutputBufferLimit;
    return bound > 0 && this.#outputBytes() > bound;
  }

  /** Cuts the connection whose unread replies passed the output limit. */
  #overflow(): "output-limit" {
    this.#onOutputLimit?.(this.#session, this.#outputBytes());
    // Dropped: the socket is closed, the write in progress fails.
    this.#queue.length = 0;
    this.#queued = 0;
    this.#unwritten = 0;
    return "output-limit";
  }

  /**
   * Sends the replies encoded so far. Without an output limit, waits until
   * the socket took them (back-pressure); with one, queues a copy behind
   * the write in progress and returns at once.
   */
  #emit(): Promise<void> {
    if (
      this.#limits.clientOutputBufferLimit <= 0 && this.#writer === undefined
    ) {
      // The common case: the write itself, no async frame around it.
      return this.#writeAll(this.#codec.take());
    }
    this.#enqueue();
    return RESOLVED;
  }

  /**
   * Moves the codec's output (a copy: the codec reuses its buffer) to the
   * queue behind the write in progress, and starts the writer if idle.
   */
  #enqueue(): void {
    const bytes = this.#codec.take().slice();
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    this.#writer ??= this.#writeQueue();
  }

  /** Writes the queue out until it is empty; a failed write ends it. */
  async #writeQueue(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const bytes = this.#queue.shift()!;
        this.#queued -= bytes.length;
        await this.#writeAll(bytes);
      }
    } catch {
      // The peer is gone: the read loop sees it (or already closed).
      this.#writeFailed = true;
      this.#queue.length = 0;
      this.#queued = 0;
    } finally {
      this.#writer = undefined;
      // A drain whose read window ended while replies were still queued
      // closes its side once they are out (if the loop waits for bytes).
      if (this.#windowOver && this.#reading) this.#closeSide();
    }
  }

  /** Waits until every queued reply was written (or writing failed). */
  async #drain(): Promise<void> {
    const codec = this.#codec;
    if (codec.pending > 0 && !this.#closed) await this.#emit();
    while (this.#writer !== undefined) await this.#writer;
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let written = 0;
    this.#unwritten = bytes.length;
    try {
      while (written < bytes.length) {
        const n = await this.#conn.write(bytes.subarray(written));
        written += n;
        this.#traffic.netOutputBytes += n;
        this.#unwritten = bytes.length - written;
      }
    } finally {
      this.#unwritten = 0;
    }
  }

  /**
   * Asks the loop to stop, as a graceful shutdown does: for
   * {@linkcode DRAIN_READ_MS} it goes on answering what arrives (what the
   * client sent before the drain began); then it closes its side and drops
   * what still comes until the client closes, or for at most
   * {@linkcode DRAIN_LINGER_MS}. Every request it read is answered.
   */
  shutdown(): void {
    if (this.#stopping || this.#closed) return;
    this.#stopping = true;
    if (this.#blocked !== undefined) {
      // A client blocked on a key (BLPOP...) has nothing to be answered
      // before the node stops: its connection closes, as Redis's does.
      this.close();
      return;
    }
    this.#drainTimer = setTimeout(() => this.#endDrain(), DRAIN_READ_MS);
  }

  /**
   * Ends the drain's read window: the side closes at once when the loop
   * waits for bytes (and no reply waits to be written), else once it has
   * written what it is answering.
   */
  #endDrain(): void {
    this.#windowOver = true;
    if (this.#reading && this.#writer === undefined) this.#closeSide();
  }

  /** Closes this side (the client reads the end) and lingers for the client's. */
  #closeSide(): void {
    if (this.#drained || this.#closed) return;
    this.#drained = true;
    try {
      this.#conn.closeWrite();
    } catch {
      // the client is gone already
    }
    this.#drainTimer = setTimeout(() => this.close(), DRAIN_LINGER_MS);
  }

  /**
   * Closes the connection now, from the node's side (CLIENT KILL, idle
   * timeout): `run()` resolves with `"killed"`.
   */
  kill(): void {
    this.#cutAs = "killed";
    this.close();
  }

  /** Closes the socket now; safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#drainTimer);
    this.#closeSignal?.resolve(null);
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer or the runtime
    }
  }
}
