/**
 * A small RESP2/RESP3 client for tests: sends commands (pipelined) or raw
 * bytes, and parses replies into plain values that compare with
 * `assert.deepEqual`. No client logic: what the server sends is what the
 * test sees.
 *
 * @module
 */

/**
 * A parsed reply. Bulk strings are byte strings (one char per byte);
 * integers are numbers (bigints beyond the safe range); `null` is RESP2's
 * `$-1` and RESP3's `_`; RESP2's null array `*-1` is `{ nullArray: true }`.
 */
export type RespValue =
  | string
  | number
  | bigint
  | null
  | boolean
  | RespValue[]
  | { readonly nullArray: true }
  | { readonly status: string }
  | { readonly error: string }
  | { readonly map: [RespValue, RespValue][] }
  | { readonly set: RespValue[] }
  | { readonly double: string }
  | { readonly verbatim: string };

/** Thrown by {@linkcode RespReplyParser} on bytes that are not RESP. */
export class RespParseError extends Error {
  /** @param message What is wrong. */
  constructor(message: string) {
    super(message);
    this.name = "RespParseError";
  }
}

/** Incremental reply parser: push bytes, take complete replies. */
export class RespReplyParser {
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;

  /** Adds bytes. */
  push(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buf.length) {
      const pending = this.#end - this.#start;
      let size = this.#buf.length;
      while (size < pending + chunk.length) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
      this.#end = pending;
      this.#start = 0;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** The next complete reply, or `undefined` when more bytes are needed. */
  next(): { value: RespValue } | undefined {
    const r = this.#parse(this.#start);
    if (r === undefined) return undefined;
    this.#start = r.pos;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return { value: r.value };
  }

  #line(pos: number): { text: string; pos: number } | undefined {
    for (let i = pos; i + 1 < this.#end; i++) {
      if (this.#buf[i] === 0x0d && this.#buf[i + 1] === 0x0a) {
        let text = "";
        for (let j = pos; j < i; j++) text += String.fromCharCode(this.#buf[j]);
        return { text, pos: i + 2 };
      }
    }
    return undefined;
  }

  #parse(pos: number): { value: RespValue; pos: number } | undefined {
    if (pos >= this.#end) return undefined;
    const type = String.fromCharCode(this.#buf[pos]);
    const line = this.#line(pos + 1);
    if (line === undefined) return undefined;
    const t = line.text;
    switch (type) {
      case "+":
        return { value: { status: t }, pos: line.pos };
      case "-":
        return { value: { error: t }, pos: line.pos };
      case ":": {
        const n = BigInt(t);
        const value = n >= BigInt(Number.MIN_SAFE_INTEGER) &&
            n <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(n)
          : n;
        return { value, pos: line.pos };
      }
      case "_":
        return { value: null, pos: line.pos };
      case "#":
        return { value: t === "t", pos: line.pos };
      case ",":
        return { value: { double: t }, pos: line.pos };
      case "(":
        return { value: BigInt(t), pos: line.pos };
      case "$":
      case "=": {
        const len = Number(t);
        if (len < 0) return { value: null, pos: line.pos };
        if (line.pos + len + 2 > this.#end) return undefined;
        let s = "";
        for (let j = line.pos; j < line.pos + len; j++) {
          s += String.fromCharCode(this.#buf[j]);
        }
        return {
          value: type === "=" ? { verbatim: s } : s,
          pos: line.pos + len + 2,
        };
      }
      case "*":
      case "~":
      case ">": {
        const n = Number(t);
        if (n < 0) return { value: { nullArray: true }, pos: line.pos };
        const items: RespValue[] = [];
        let p = line.pos;
        for (let i = 0; i < n; i++) {
          const r = this.#parse(p);
          if (r === undefined) return undefined;
          items.push(r.value);
          p = r.pos;
        }
        return { value: type === "~" ? { set: items } : items, pos: p };
      }
      case "%": {
        const n = Number(t);
        const pairs: [RespValue, RespValue][] = [];
        let p = line.pos;
        for (let i = 0; i < n; i++) {
          const k = this.#parse(p);
          if (k === undefined) return undefined;
          const v = this.#parse(k.pos);
          if (v === undefined) return undefined;
          pairs.push([k.value, v.value]);
          p = v.pos;
        }
        return { value: { map: pairs }, pos: p };
      }
      default:
        throw new RespParseError(
          `Cannot parse reply: unknown type byte 0x${
            this.#buf[pos].toString(16)
          }`,
        );
    }
  }
}

/** An argument: a byte string (one char per byte) or bytes. */
export type Arg = string | Uint8Array;

/**
 * Encodes commands as RESP multibulk requests, one after the other.
 *
 * @param commands The commands: name first, then arguments.
 * @returns The bytes.
 */
export function encodeCommands(
  commands: readonly (readonly Arg[])[],
): Uint8Array {
  let size = 0;
  for (const c of commands) {
    size += 16;
    for (const a of c) size += a.length + 16;
  }
  const out = new Uint8Array(size);
  let p = 0;
  const ascii = (s: string): void => {
    for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
  };
  for (const c of commands) {
    ascii(`*${c.length}\r\n`);
    for (const a of c) {
      ascii(`$${a.length}\r\n`);
      if (typeof a === "string") {
        for (let i = 0; i < a.length; i++) out[p++] = a.charCodeAt(i) & 0xff;
      } else {
        out.set(a, p);
        p += a.length;
      }
      out[p++] = 0x0d;
      out[p++] = 0x0a;
    }
  }
  return out.subarray(0, p);
}

/** A RESP connection to a server on 127.0.0.1. */
export class RespClient {
  #conn: Deno.TcpConn;
  #parser = new RespReplyParser();
  #buf = new Uint8Array(64 * 1024);

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /**
   * Connects.
   *
   * @param port The server's port on 127.0.0.1.
   * @returns The client.
   */
  static async connect(port: number): Promise<RespClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new RespClient(conn);
  }

  /** Sends bytes as they are. */
  async write(bytes: Uint8Array): Promise<void> {
    let n = 0;
    while (n < bytes.length) n += await this.#conn.write(bytes.subarray(n));
  }

  /**
   * Reads the next reply.
   *
   * @returns The reply, or `undefined` when the server closed the connection.
   */
  async read(): Promise<RespValue | undefined> {
    for (;;) {
      const r = this.#parser.next();
      if (r !== undefined) return r.value;
      const n = await this.#conn.read(this.#buf);
      if (n === null) return undefined;
      this.#parser.push(this.#buf.subarray(0, n));
    }
  }

  /**
   * Sends one command and reads its reply.
   *
   * @param args The name and arguments.
   * @returns The reply.
   * @throws {Error} When the connection closes first.
   */
  async call(...args: Arg[]): Promise<RespValue> {
    await this.write(encodeCommands([args]));
    const r = await this.read();
    if (r === undefined) throw new Error("connection closed before the reply");
    return r;
  }

  /**
   * Sends many commands in one write and reads all their replies.
   *
   * @param commands The commands.
   * @returns Their replies, in order.
   * @throws {Error} When the connection closes first.
   */
  async pipeline(commands: readonly (readonly Arg[])[]): Promise<RespValue[]> {
    await this.write(encodeCommands(commands));
    const out: RespValue[] = [];
    for (let i = 0; i < commands.length; i++) {
      const r = await this.read();
      if (r === undefined) {
        throw new Error(
          `connection closed after ${i} of ${commands.length} replies`,
        );
      }
      out.push(r);
    }
    return out;
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch { /* closed */ }
  }
}
