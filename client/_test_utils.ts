/**
 * Test doubles for the client's unit tests and benches: an in-memory stream
 * standing in for a `Deno.Conn`, a fake node on real TCP that answers from a
 * handler, and seeded keys and node addresses for the locators. Private to
 * the package's tests.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import {
  array,
  bytes,
  decodeRequestArgs,
  FrameDecoder,
  FrameWriter,
  int,
  isProbe,
  map,
  type Reply,
  status,
} from "@cachemir/protocol";

/** One request as a peer received it. */
export interface Received {
  /** Request id. */
  readonly id: number;
  /** Opcode. */
  readonly opcode: number;
  /** Arguments as byte strings. */
  readonly args: string[];
}

/**
 * The next whole request in `decoder`; throws on a bad frame or payload.
 * With `onProbe`, an opening probe (protocol/probe.ts) is handed to it and
 * skipped, as a node answers it without running a command.
 */
function nextRequest(
  decoder: FrameDecoder,
  onProbe?: (id: number, opcode: number) => void,
): Received | undefined {
  let frame = decoder.next();
  while (
    onProbe !== undefined && frame !== undefined && !("kind" in frame) &&
    isProbe(frame)
  ) {
    onProbe(frame.id, frame.opcode);
    frame = decoder.next();
  }
  if (frame === undefined) return undefined;
  if ("kind" in frame) throw new Error(frame.message);
  const args = decodeRequestArgs(frame.payload);
  if (!Array.isArray(args)) throw new Error(args.message);
  return { id: frame.id, opcode: frame.opcode, args };
}

/** Decodes every request frame in `data`. */
export function decodeRequests(data: Uint8Array): Received[] {
  const decoder = new FrameDecoder();
  decoder.push(data);
  const out: Received[] = [];
  for (;;) {
    const request = nextRequest(decoder);
    if (request === undefined) break;
    out.push(request);
  }
  if (decoder.buffered !== 0) {
    throw new Error(`${decoder.buffered} bytes of a partial frame left over`);
  }
  return out;
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Resolves after pending microtasks, one macrotask turn and the immediates
 * it set (a connection writes a tick's commands in a `setImmediate`).
 */
export async function tick(ms = 0): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  await new Promise((resolve) => setImmediate(resolve));
}

/** The HELLO reply of a version-1 node. */
export function helloReply(proto = 1): Reply {
  return map([
    [bytes("server"), bytes("cachemir")],
    [bytes("version"), bytes("0.0.0-test")],
    [bytes("proto"), int(proto)],
    [bytes("protos"), array([int(1)])],
    [bytes("id"), int(7)],
    [bytes("features"), array([bytes("call")])],
    [bytes("max-frame-bytes"), int(1024)],
    [bytes("max-args"), int(16)],
    [bytes("unknown-key"), bytes("ignored")],
  ]);
}

/**
 * An in-memory stand-in for `Deno.Conn`: records writes, serves reads from
 * what the test feeds, and can hold writes back or make them partial.
 */
export class FakeConn {
  /** Every write call's bytes, in order. */
  readonly writes: Uint8Array[] = [];
  /** Largest number of bytes one write call accepts (partial writes). */
  writeLimit = Infinity;
  /** When set, write calls wait for it. */
  gate: Promise<void> | undefined;
  /** Set once close() was called. */
  closed = false;
  #chunks: (Uint8Array | null)[] = [];
  #reader: PromiseWithResolvers<void> | undefined;

  /** All bytes written so far. */
  written(): Uint8Array {
    return concat(this.writes);
  }

  /** Makes `bytes` available to the reader. */
  feed(bytes: Uint8Array): void {
    this.#chunks.push(bytes.slice());
    this.#wake();
  }

  /** Makes the reader see end of stream. */
  end(): void {
    this.#chunks.push(null);
    this.#wake();
  }

  #wake(): void {
    const r = this.#reader;
    this.#reader = undefined;
    r?.resolve();
  }

  async read(buf: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) {
      if (this.closed) throw new Deno.errors.BadResource("closed");
      this.#reader = Promise.withResolvers<void>();
      await this.#reader.promise;
    }
    if (this.closed) throw new Deno.errors.BadResource("closed");
    const chunk = this.#chunks[0];
    if (chunk === null) return null;
    const n = Math.min(buf.length, chunk.length);
    buf.set(chunk.subarray(0, n));
    if (n === chunk.length) this.#chunks.shift();
    else this.#chunks[0] = chunk.subarray(n);
    return n;
  }

  async write(data: Uint8Array): Promise<number> {
    if (this.closed) throw new Deno.errors.BadResource("closed");
    if (this.gate !== undefined) await this.gate;
    if (this.closed) throw new Deno.errors.BadResource("closed");
    const n = Math.min(data.length, this.writeLimit);
    this.writes.push(data.slice(0, n));
    return n;
  }

  close(): void {
    this.closed = true;
    this.#wake();
  }

  /** This object typed as the runtime's connection. */
  asConn(): Deno.Conn {
    return this as unknown as Deno.Conn;
  }
}

/** Decides a fake node's answer; `undefined` = never answer. */
export type Handler = (request: Received) => Reply | undefined;

/** A node on 127.0.0.1 that answers from a handler, over real TCP. */
export class FakeNode {
  /** Every request received, on any connection. */
  readonly received: Received[] = [];
  /** Open connections. */
  readonly conns: Set<Deno.Conn> = new Set();
  #listener: Deno.TcpListener;
  #handler: Handler;
  #tasks: Promise<void>[] = [];
  #accepting: Promise<void>;

  /**
   * Listens on a free port.
   *
   * @param handler Answers requests; HELLO is answered by default.
   */
  constructor(handler: Handler) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#handler = handler;
    this.#accepting = this.#accept();
  }

  /** `127.0.0.1:port`. */
  get address(): string {
    return `127.0.0.1:${this.#listener.addr.port}`;
  }

  /** The bound port. */
  get port(): number {
    return this.#listener.addr.port;
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.conns.add(conn);
        this.#tasks.push(this.#serve(conn));
      }
    } catch {
      // listener closed
    }
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const decoder = new FrameDecoder();
    const writer = new FrameWriter();
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        decoder.push(buf.subarray(0, n));
        for (;;) {
          const request = nextRequest(
            decoder,
            (id, opcode) => writer.writeReply(id, opcode, status("PONG")),
          );
          if (request === undefined) break;
          this.received.push(request);
          const reply = this.#handler(request) ??
            (request.opcode === 1 ? helloReply() : undefined);
          if (reply !== undefined) {
            writer.writeReply(request.id, request.opcode, reply);
          }
        }
        if (writer.length > 0) {
          const out = writer.take();
          let done = 0;
          while (done < out.length) {
            done += await conn.write(out.subarray(done));
          }
        }
      }
    } catch {
      // connection closed under us
    } finally {
      this.conns.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }

  /** Closes every connection (the client sees end of stream). */
  dropConnections(): void {
    for (const c of this.conns) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    this.#listener.close();
    await this.#accepting;
    this.dropConnections();
    await Promise.allSettled(this.#tasks);
  }
}

import { mulberry32 as prng } from "../tests/_helpers/prng.ts";
export { prng };

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `count` seeded keys of 16 ASCII bytes: `user:` and 11 random characters. */
export function makeKeys(count: number, seed: number): string[] {
  const next = prng(seed);
  const keys = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    let key = "user:";
    for (let j = 0; j < 11; j++) key += ALPHABET[next() % ALPHABET.length];
    keys[i] = key;
  }
  return keys;
}

let million: string[] | undefined;
/** 1,000,000 seeded keys of 16 bytes (`makeKeys(1_000_000, 42)`), made once. */
export function millionKeys(): string[] {
  return million ??= makeKeys(1_000_000, 42);
}

/** Ten node addresses, `127.0.0.1:7379` to `127.0.0.1:7388`. */
export const NODES: readonly string[] = Array.from(
  { length: 10 },
  (_, i) => `127.0.0.1:${7379 + i}`,
);
/** The address after the last of {@linkcode NODES}. */
export const ELEVENTH = "127.0.0.1:7389";
