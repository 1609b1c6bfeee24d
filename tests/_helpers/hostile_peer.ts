/**
 * A raw TCP peer for hostile-input tests: writes any bytes, reads whatever
 * comes back for a bounded time, and never waits without a deadline. Unlike
 * `raw_client.ts` and `resp_client.ts` it has no protocol: bytes in, bytes
 * out, and "was the connection closed".
 *
 * @module
 */

import {
  decodeReply,
  FrameDecoder,
  type Reply,
  toByteString,
} from "@cachemir/protocol";
import {
  RespParseError,
  RespReplyParser,
  type RespValue,
} from "./resp_client.ts";

/** What a peer received during a read. */
export interface Received {
  /** Every byte received so far on this connection. */
  readonly bytes: Uint8Array;
  /** `true` once the node closed (or reset) the connection. */
  readonly closed: boolean;
}

/** How a bounded write ended. */
export type WriteOutcome = "written" | "blocked" | "closed";

const READ_BYTES = 64 * 1024;

/**
 * One TCP connection to a node, for sending bytes a client would never send.
 *
 * @example Send garbage and see what comes back
 * ```ts ignore
 * const peer = await HostilePeer.connect(port);
 * await peer.write(new Uint8Array([0xff, 0x00]));
 * const { bytes, closed } = await peer.readFor(200);
 * peer.close();
 * ```
 */
export class HostilePeer {
  #conn: Deno.TcpConn;
  #received: Uint8Array[] = [];
  #receivedBytes = 0;
  #closed = false;
  #reading: Promise<void> | undefined;
  #pendingWrite: Promise<unknown> | undefined;
  #buf = new Uint8Array(READ_BYTES);
  #maxKeep: number;

  private constructor(conn: Deno.TcpConn, maxKeep: number) {
    this.#conn = conn;
    this.#maxKeep = maxKeep;
  }

  /**
   * Connects to `127.0.0.1:port`.
   *
   * @param port The node's port.
   * @param maxKeepBytes Most received bytes kept for inspection; the rest is
   * counted and dropped.
   * @returns The peer.
   */
  static async connect(
    port: number,
    maxKeepBytes = 1024 * 1024,
  ): Promise<HostilePeer> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new HostilePeer(conn, maxKeepBytes);
  }

  /** Bytes received so far, including dropped ones. */
  get receivedBytes(): number {
    return this.#receivedBytes;
  }

  /**
   * Writes bytes, giving up after `timeoutMs` (a node that stopped reading
   * makes writes block). A write left blocked is abandoned: `close()`
   * settles it.
   *
   * @param bytes The bytes.
   * @param timeoutMs The longest wait.
   * @returns `"written"`, `"blocked"` (still pending at the deadline) or
   * `"closed"` (the node closed or reset the connection).
   */
  async write(bytes: Uint8Array, timeoutMs = 5_000): Promise<WriteOutcome> {
    if (this.#pendingWrite !== undefined) return "blocked";
    const all = (async (): Promise<WriteOutcome> => {
      try {
        let n = 0;
        while (n < bytes.length) n += await this.#conn.write(bytes.subarray(n));
        return "written";
      } catch {
        return "closed";
      }
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"blocked">((resolve) => {
      timer = setTimeout(() => resolve("blocked"), timeoutMs);
    });
    const outcome = await Promise.race([all, deadline]);
    clearTimeout(timer);
    if (outcome === "blocked") this.#pendingWrite = all;
    return outcome;
  }

  /**
   * Reads until the node closes the connection or `ms` pass.
   *
   * @param ms How long to wait at most.
   * @returns Everything received so far, and whether the node closed.
   */
  async readFor(ms: number): Promise<Received> {
    const deadline = performance.now() + ms;
    while (!this.#closed) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      this.#reading ??= this.#readOnce();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      });
      const r = await Promise.race([
        this.#reading.then(() => "read" as const),
        timeout,
      ]);
      clearTimeout(timer);
      if (r === "timeout") break;
      this.#reading = undefined;
    }
    return this.#snapshot();
  }

  /**
   * Reads until `done` accepts what was received, the node closes the
   * connection, or `ms` pass.
   *
   * @param done Tells whether enough was received.
   * @param ms How long to wait at most.
   * @returns Everything received so far, and whether the node closed.
   */
  async readUntil(
    done: (bytes: Uint8Array) => boolean,
    ms: number,
  ): Promise<Received> {
    const deadline = performance.now() + ms;
    for (;;) {
      const got = this.#snapshot();
      const left = deadline - performance.now();
      if (got.closed || done(got.bytes) || left <= 0) return got;
      await this.readFor(Math.min(left, 20));
    }
  }

  async #readOnce(): Promise<void> {
    try {
      const n = await this.#conn.read(this.#buf);
      if (n === null) {
        this.#closed = true;
        return;
      }
      this.#receivedBytes += n;
      const kept = this.#received.reduce((s, b) => s + b.length, 0);
      if (kept < this.#maxKeep) {
        this.#received.push(
          this.#buf.slice(0, Math.min(n, this.#maxKeep - kept)),
        );
      }
    } catch {
      this.#closed = true;
    }
  }

  #snapshot(): Received {
    if (this.#received.length > 1) {
      const all = new Uint8Array(
        this.#received.reduce((s, b) => s + b.length, 0),
      );
      let p = 0;
      for (const b of this.#received) {
        all.set(b, p);
        p += b.length;
      }
      this.#received = [all];
    }
    return {
      bytes: this.#received[0] ?? new Uint8Array(0),
      closed: this.#closed,
    };
  }

  /** Closes the connection (a hang-up, possibly mid-request); settles pending I/O. */
  async close(): Promise<void> {
    try {
      this.#conn.close();
    } catch { /* closed */ }
    await Promise.allSettled([this.#reading, this.#pendingWrite]);
  }
}

/** A reply frame read off the binary port. */
export interface BinaryReply {
  /** The echoed request id. */
  readonly id: number;
  /** The echoed opcode. */
  readonly opcode: number;
  /** The decoded value. */
  readonly reply: Reply;
}

/**
 * Decodes the complete reply frames in bytes received from the binary port;
 * a partial frame at the end is ignored.
 *
 * @param bytes The bytes.
 * @returns The replies, in order.
 * @throws {Error} When the node sent something that is not a valid reply.
 */
export function binaryReplies(bytes: Uint8Array): BinaryReply[] {
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 30 });
  decoder.push(bytes);
  const out: BinaryReply[] = [];
  for (let f = decoder.next(); f !== undefined; f = decoder.next()) {
    if ("kind" in f) throw new Error(`Bad frame from the node: ${f.message}`);
    const reply = decodeReply(f.payload);
    if (reply.kind === "decode-error") {
      throw new Error(`Bad reply from the node: ${reply.message}`);
    }
    out.push({ id: f.id, opcode: f.opcode, reply });
  }
  return out;
}

/**
 * The full text of a binary error reply (`code + " " + message`), or
 * `undefined` for any other reply.
 *
 * @param reply A reply.
 * @returns The error text.
 */
export function errorText(reply: Reply): string | undefined {
  return reply.kind === "error" ? `${reply.code} ${reply.message}` : undefined;
}

/**
 * Parses the complete RESP replies in bytes received from the RESP port; a
 * partial reply at the end is ignored.
 *
 * @param bytes The bytes.
 * @returns The replies, in order.
 * @throws {RespParseError} When the node sent something that is not RESP.
 */
export function respReplies(bytes: Uint8Array): RespValue[] {
  const parser = new RespReplyParser();
  parser.push(bytes);
  const out: RespValue[] = [];
  for (let r = parser.next(); r !== undefined; r = parser.next()) {
    out.push(r.value);
  }
  return out;
}

/**
 * Tells whether a RESP reply is an error, and gives its text.
 *
 * @param value A reply.
 * @returns The error text, or `undefined`.
 */
export function respError(value: RespValue): string | undefined {
  return typeof value === "object" && value !== null && "error" in value
    ? value.error
    : undefined;
}

/**
 * ASCII bytes of a byte string (one char per byte).
 *
 * @param s The string.
 * @returns Its bytes.
 */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Shows received bytes in messages: printable ASCII as is, the rest escaped,
 * cut at `max` chars.
 *
 * @param bytes The bytes.
 * @param max Most chars shown.
 * @returns The text.
 */
export function show(bytes: Uint8Array, max = 200): string {
  const s = JSON.stringify(
    toByteString(bytes.subarray(0, Math.min(bytes.length, max))),
  );
  return bytes.length > max ? `${s}… (${bytes.length} bytes)` : s;
}

export { RespParseError };
