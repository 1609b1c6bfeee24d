/**
 * A minimal pipelined RESP2 client for the benchmarks: commands are encoded
 * into one buffer, written in one go, and their replies parsed in place. It
 * speaks to redis-server and to a CacheMir node's RESP port alike. Also
 * parses INFO.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An error reply (`-ERR ...`). */
export class RespError extends Error {
  /**
   * @param message The reply's text, without the leading `-`.
   */
  constructor(message: string) {
    super(message);
    this.name = "RespError";
  }
}

/** A parsed reply: bulk and status strings are decoded as UTF-8. */
export type RespReply = string | number | null | RespError | RespReply[];

/** Counts of a batch of replies, read without decoding their values. */
export interface ReplyCounts {
  /** Bulk strings (e.g. GET hits). */
  bulk: number;
  /** Null bulk strings or arrays (e.g. GET misses). */
  nil: number;
  /** Status replies (`+OK`). */
  status: number;
  /** Integer replies. */
  integer: number;
  /** Error replies. */
  errors: number;
  /** The first error's text, if any. */
  firstError?: string;
  /** For each reply in order: 1 for a bulk string, else 0. */
  present: Uint8Array;
}

const INCOMPLETE = Symbol("incomplete");

/**
 * Encodes commands as RESP multibulk requests.
 *
 * @param commands Each command's arguments (strings are UTF-8 encoded).
 * @returns The request bytes.
 */
export function encodeCommands(
  commands: readonly (readonly (string | Uint8Array)[])[],
): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const args of commands) {
    const head = encoder.encode(`*${args.length}\r\n`);
    parts.push(head);
    size += head.length;
    for (const a of args) {
      const bytes = typeof a === "string" ? encoder.encode(a) : a;
      const h = encoder.encode(`$${bytes.length}\r\n`);
      parts.push(h, bytes, CRLF);
      size += h.length + bytes.length + 2;
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const CRLF = new Uint8Array([13, 10]);

/** A connection to a RESP server on 127.0.0.1 (or another host). */
export class RespConn {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(1 << 16);
  #start = 0;
  #end = 0;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    this.#conn.setNoDelay(true);
  }

  /**
   * Connects.
   *
   * @param port The server's port.
   * @param hostname Its address.
   * @param timeoutMs How long to try.
   * @returns The connection.
   */
  static async connect(
    port: number,
    hostname = "127.0.0.1",
    timeoutMs = 5000,
  ): Promise<RespConn> {
    const conn = await Deno.connect({
      hostname,
      port,
      signal: AbortSignal.timeout(timeoutMs),
    } as Deno.ConnectOptions);
    return new RespConn(conn);
  }

  /**
   * Sends one command and waits for its reply.
   *
   * @param args The command and its arguments.
   * @returns The reply (an error reply is returned, not thrown).
   */
  async call(...args: (string | Uint8Array)[]): Promise<RespReply> {
    return (await this.pipeline([args]))[0];
  }

  /**
   * Sends one command; throws its error reply.
   *
   * @param args The command and its arguments.
   * @returns The reply.
   * @throws {RespError} On an error reply.
   */
  async must(...args: (string | Uint8Array)[]): Promise<RespReply> {
    const r = await this.call(...args);
    if (r instanceof RespError) throw r;
    return r;
  }

  /**
   * Sends commands in one write and reads all their replies.
   *
   * @param commands The commands.
   * @param timeoutMs Bound for the whole exchange.
   * @returns The replies, in order.
   */
  async pipeline(
    commands: readonly (readonly (string | Uint8Array)[])[],
    timeoutMs = 60_000,
  ): Promise<RespReply[]> {
    return await this.#bounded(timeoutMs, async () => {
      await this.writeAll(encodeCommands(commands));
      const out: RespReply[] = [];
      while (out.length < commands.length) {
        const r = this.#parse();
        if (r === INCOMPLETE) await this.#fill();
        else out.push(r);
      }
      return out;
    });
  }

  /**
   * Writes request bytes as they are.
   *
   * @param bytes Encoded requests.
   */
  async writeAll(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      at += await this.#conn.write(bytes.subarray(at));
    }
  }

  /**
   * Reads `n` replies without decoding their values: for batches of GETs
   * and SETs whose replies only need counting.
   *
   * @param n How many replies.
   * @param timeoutMs Bound for the whole read.
   * @returns Counts by kind, and which replies were bulk strings.
   */
  async countReplies(n: number, timeoutMs = 60_000): Promise<ReplyCounts> {
    return await this.#bounded(timeoutMs, async () => {
      const c: ReplyCounts = {
        bulk: 0,
        nil: 0,
        status: 0,
        integer: 0,
        errors: 0,
        present: new Uint8Array(n),
      };
      let i = 0;
      while (i < n) {
        const kind = this.#skipOne(c);
        if (kind < 0) {
          await this.#fill();
          continue;
        }
        if (kind === 1) c.present[i] = 1;
        i++;
      }
      return c;
    });
  }

  /** Closes the connection (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
  }

  async #bounded<T>(timeoutMs: number, work: () => Promise<T>): Promise<T> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.close();
    }, timeoutMs);
    try {
      return await work();
    } catch (e) {
      if (timedOut) throw new Error(`no reply within ${timeoutMs} ms`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async #fill(): Promise<void> {
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
    } else if (this.#end === this.#buf.length) {
      const live = this.#end - this.#start;
      if (this.#start > 0 && live < this.#buf.length / 2) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = bigger;
      }
      this.#start = 0;
      this.#end = live;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) throw new Error("connection closed by the server");
    this.#end += n;
  }

  /** Index of the `\r` ending the line that starts at `from`, or -1. */
  #lineEnd(from: number): number {
    const b = this.#buf;
    for (let i = from; i + 1 < this.#end; i++) {
      if (b[i] === 13 && b[i + 1] === 10) return i;
    }
    return -1;
  }

  #int(from: number, to: number): number {
    const b = this.#buf;
    let neg = false;
    let i = from;
    if (b[i] === 45) {
      neg = true;
      i++;
    }
    let v = 0;
    for (; i < to; i++) v = v * 10 + (b[i] - 48);
    return neg ? -v : v;
  }

  /** Skips one complete non-nested reply; returns its kind or -1. */
  #skipOne(c: ReplyCounts): number {
    const at = this.#start;
    const eol = this.#lineEnd(at + 1);
    if (eol < 0) return -1;
    const type = this.#buf[at];
    if (type === 36 /* $ */ || type === 42 /* * */) {
      const len = this.#int(at + 1, eol);
      if (len < 0) {
        this.#start = eol + 2;
        c.nil++;
        return 0;
      }
      if (type === 42) {
        // Arrays are not expected here: parse and drop them.
        const r = this.#parse();
        if (r === INCOMPLETE) return -1;
        return 2;
      }
      if (eol + 2 + len + 2 > this.#end) return -1;
      this.#start = eol + 2 + len + 2;
      c.bulk++;
      return 1;
    }
    this.#start = eol + 2;
    if (type === 43 /* + */) c.status++;
    else if (type === 58 /* : */) c.integer++;
    else if (type === 45 /* - */) {
      c.errors++;
      c.firstError ??= decoder.decode(this.#buf.subarray(at + 1, eol));
    }
    return 2;
  }

  /** Parses one complete reply, consuming it; INCOMPLETE leaves it. */
  #parse(): RespReply | typeof INCOMPLETE {
    const save = this.#start;
    const r = this.#parseAt();
    if (r === INCOMPLETE) this.#start = save;
    return r;
  }

  #parseAt(): RespReply | typeof INCOMPLETE {
    const at = this.#start;
    if (at >= this.#end) return INCOMPLETE;
    const eol = this.#lineEnd(at + 1);
    if (eol < 0) return INCOMPLETE;
    const type = this.#buf[at];
    switch (type) {
      case 43: // +
        this.#start = eol + 2;
        return decoder.decode(this.#buf.subarray(at + 1, eol));
      case 45: // -
        this.#start = eol + 2;
        return new RespError(decoder.decode(this.#buf.subarray(at + 1, eol)));
      case 58: // :
        this.#start = eol + 2;
        return this.#int(at + 1, eol);
      case 36: { // $
        const len = this.#int(at + 1, eol);
        if (len < 0) {
          this.#start = eol + 2;
          return null;
        }
        if (eol + 2 + len + 2 > this.#end) return INCOMPLETE;
        this.#start = eol + 2 + len + 2;
        return decoder.decode(this.#buf.subarray(eol + 2, eol + 2 + len));
      }
      case 42: { // *
        const len = this.#int(at + 1, eol);
        this.#start = eol + 2;
        if (len < 0) return null;
        const items: RespReply[] = [];
        for (let i = 0; i < len; i++) {
          const r = this.#parseAt();
          if (r === INCOMPLETE) return INCOMPLETE;
          items.push(r);
        }
        return items;
      }
      default:
        throw new Error(`unexpected RESP type byte ${type}`);
    }
  }
}

/**
 * Parses an INFO reply into `field → value` (section headers and blank
 * lines dropped).
 *
 * @param text The reply.
 * @returns The fields.
 */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

/**
 * Sends INFO and parses it.
 *
 * @param conn A connection.
 * @param section E.g. `"memory"`; all sections when omitted.
 * @returns The fields.
 * @throws {RespError} On an error reply.
 */
export async function info(
  conn: RespConn,
  section?: string,
): Promise<Map<string, string>> {
  const r = await conn.must(...(section ? ["INFO", section] : ["INFO"]));
  if (typeof r !== "string") throw new Error("INFO: not a bulk string");
  return parseInfo(r);
}

/**
 * A numeric INFO field.
 *
 * @param fields Parsed INFO.
 * @param name The field.
 * @returns Its value, or NaN when absent.
 */
export function infoNumber(fields: Map<string, string>, name: string): number {
  const v = fields.get(name);
  return v === undefined ? NaN : Number(v);
}
