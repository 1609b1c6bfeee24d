/**
 * A raw binary-protocol peer for tests: sends exact bytes, reads frames.
 *
 * @module
 */

import {
  decodeReply,
  encodeRequest,
  type Frame,
  FrameDecoder,
  type FrameError,
  type Reply,
} from "@cachemir/protocol";

/** A decoded reply frame. */
export interface ReplyFrame {
  /** The echoed request id. */
  readonly id: number;
  /** The echoed opcode. */
  readonly opcode: number;
  /** The flags byte. */
  readonly flags: number;
  /** The decoded value. */
  readonly reply: Reply;
}

/** A TCP connection that speaks frames without any client logic. */
export class RawClient {
  #conn: Deno.TcpConn;
  #decoder = new FrameDecoder({ maxFrameBytes: 1 << 30 });
  #buf = new Uint8Array(64 * 1024);
  #nextId = 1;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to `127.0.0.1:port`. */
  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Sends bytes as they are. */
  async write(bytes: Uint8Array): Promise<void> {
    let n = 0;
    while (n < bytes.length) n += await this.#conn.write(bytes.subarray(n));
  }

  /** Sends one request and returns its id. */
  async send(opcode: number, args: (string | Uint8Array)[]): Promise<number> {
    const id = this.#nextId++;
    await this.write(encodeRequest(id, opcode, args));
    return id;
  }

  /** Sends one request and reads one reply. */
  async call(opcode: number, ...args: (string | Uint8Array)[]): Promise<Reply> {
    const id = await this.send(opcode, args);
    const r = await this.read();
    if (r === undefined) throw new Error("connection closed before the reply");
    if (r.id !== id) throw new Error(`reply id ${r.id} for request ${id}`);
    return r.reply;
  }

  /** Reads the next reply frame; `undefined` when the node closed the connection. */
  async read(): Promise<ReplyFrame | undefined> {
    for (;;) {
      const f = this.#decoder.next();
      if (f !== undefined) return toReply(f);
      const n = await this.#conn.read(this.#buf);
      if (n === null) return undefined;
      this.#decoder.push(this.#buf.slice(0, n));
    }
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch { /* closed */ }
  }
}

function toReply(f: Frame | FrameError): ReplyFrame {
  if ("kind" in f) throw new Error(`bad frame from node: ${f.message}`);
  const reply = decodeReply(f.payload);
  if (reply.kind === "decode-error") throw new Error(reply.message);
  return { id: f.id, opcode: f.opcode, flags: f.flags, reply };
}
