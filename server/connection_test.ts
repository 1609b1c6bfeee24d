import assert from "node:assert/strict";
import { bytes, type Reply } from "@cachemir/protocol";
import {
  type Codec,
  Connection,
  type ConnectionOptions,
  MAX_BLOCKED_INPUT,
} from "./connection.ts";
import type { Session } from "./commands/types.ts";

/** Requests are ASCII lines holding a reply size; a reply is that many bytes. */
class SizeCodec implements Codec<number> {
  #pending = "";
  #out: Uint8Array[] = [];
  #outBytes = 0;
  broken = false;

  push(chunk: Uint8Array): void {
    this.#pending += String.fromCharCode(...chunk);
  }

  next(): number | undefined {
    const nl = this.#pending.indexOf("\n");
    if (nl < 0) return undefined;
    const n = Number(this.#pending.slice(0, nl));
    this.#pending = this.#pending.slice(nl + 1);
    return n;
  }

  writeReply(_request: number, reply: Reply): void {
    const v = (reply as { value: string }).value;
    this.#out.push(Uint8Array.from(v, (c) => c.charCodeAt(0)));
    this.#outBytes += v.length;
  }

  get pending(): number {
    return this.#outBytes;
  }

  get buffered(): number {
    return this.#pending.length;
  }

  take(): Uint8Array {
    const all = new Uint8Array(this.#outBytes);
    let p = 0;
    for (const b of this.#out) {
      all.set(b, p);
      p += b.length;
    }
    this.#out = [];
    this.#outBytes = 0;
    return all;
  }
}

/** A Deno.Conn stand-in: reads from a queue; writes wait for `release()`. */
class SlowConn {
  writes: number[] = [];
  #chunks: Uint8Array[];
  #gate = Promise.withResolvers<void>();

  constructor(chunks: Uint8Array[], open: boolean) {
    this.#chunks = chunks;
    if (open) this.#gate.resolve();
  }

  release(): void {
    this.#gate.resolve();
  }

  read(p: Uint8Array): Promise<number | null> {
    const chunk = this.#chunks.shift();
    if (chunk === undefined) return Promise.resolve(null);
    p.set(chunk);
    return Promise.resolve(chunk.length);
  }

  async write(p: Uint8Array): Promise<number> {
    await this.#gate.promise;
    this.writes.push(p.length);
    return p.length;
  }

  close(): void {}
}

function session(): Session {
  return {
    id: 1,
    peer: "test",
    dialect: "binary",
    name: "",
    closeAfterReply: false,
  };
}

const REPLY_BYTES = 64 * 1024;
/** One read: 100 requests each asking for 64 KiB, 6.25 MiB of replies. */
const READ = new TextEncoder().encode(`${REPLY_BYTES}\n`.repeat(100));

/** A connection over `conn` answering each request `n` with `n` bytes. */
function serve(
  conn: SlowConn,
  executed: number[],
  options: Pick<ConnectionOptions<number>, "limits" | "onOutputLimit"> = {},
): Connection<number> {
  return new Connection({
    conn: conn as unknown as Deno.Conn,
    session: session(),
    codec: new SizeCodec(),
    execute: (n) => {
      executed.push(n);
      return bytes("x".repeat(n));
    },
    ...options,
  });
}

Deno.test("Connection.run() writes a read's big replies in pieces of about 1 MiB", async () => {
  const conn = new SlowConn([READ], true);
  const executed: number[] = [];
  assert.equal(await serve(conn, executed).run(), "eof");
  assert.equal(executed.length, 100);
  assert.equal(
    conn.writes.reduce((s, n) => s + n, 0),
    100 * REPLY_BYTES,
  );
  assert.ok(conn.writes.length >= 6, `${conn.writes.length} writes`);
  for (const n of conn.writes) {
    assert.ok(n <= 1024 * 1024 + REPLY_BYTES, `a write of ${n} bytes`);
  }
});

Deno.test("Connection.run() runs no more requests while its output cannot leave", async () => {
  const conn = new SlowConn([READ], false);
  const executed: number[] = [];
  const done = serve(conn, executed).run();
  await new Promise((resolve) => setTimeout(resolve, 20));
  // The peer reads nothing: 1 MiB of replies waits, the rest is not run.
  assert.equal(executed.length, 16);
  assert.deepEqual(conn.writes, []);
  conn.release();
  assert.equal(await done, "eof");
  assert.equal(executed.length, 100);
  assert.equal(conn.writes.reduce((s, n) => s + n, 0), 100 * REPLY_BYTES);
});

Deno.test("Connection.run() with an output limit: a peer that reads nothing is cut once its replies waiting pass the limit", async () => {
  const conn = new SlowConn([READ], false);
  const executed: number[] = [];
  const cut: number[] = [];
  const limit = 2 * 1024 * 1024;
  const c = serve(conn, executed, {
    limits: { clientOutputBufferLimit: limit, rateLimit: 0 },
    onOutputLimit: (_s, queued) => cut.push(queued),
  });
  assert.equal(await c.run(), "output-limit");
  assert.equal(cut.length, 1);
  assert.ok(cut[0] > limit && cut[0] <= limit + REPLY_BYTES, `${cut[0]}`);
  // It stopped running requests at the limit: 2 MiB of 64 KiB replies.
  assert.equal(executed.length, limit / REPLY_BYTES + 1);
});

Deno.test("Connection.run() with an output limit: a peer that reads is served in full", async () => {
  // One read asks for 6.25 MiB of replies: under the limit, even all
  // queued at once. (As Redis's hard limit, the limit counts every reply
  // not yet taken by the socket: it must exceed what one pipeline asks for.)
  const conn = new SlowConn([READ], true);
  const executed: number[] = [];
  const c = serve(conn, executed, {
    limits: { clientOutputBufferLimit: 8 * 1024 * 1024, rateLimit: 0 },
  });
  assert.equal(await c.run(), "eof");
  assert.equal(executed.length, 100);
  assert.equal(conn.writes.reduce((s, n) => s + n, 0), 100 * REPLY_BYTES);
});

Deno.test("Connection.run() with a rate limit runs every request, in order, no faster than the bucket allows", async () => {
  const requests = Array.from({ length: 30 }, (_, i) => i + 1);
  const conn = new SlowConn(
    [new TextEncoder().encode(requests.map((n) => `${n}\n`).join(""))],
    true,
  );
  const executed: number[] = [];
  const c = serve(conn, executed, {
    limits: { clientOutputBufferLimit: 0, rateLimit: 20 },
  });
  const started = performance.now();
  assert.equal(await c.run(), "eof");
  const took = performance.now() - started;
  assert.deepEqual(executed, requests);
  assert.equal(
    conn.writes.reduce((s, n) => s + n, 0),
    requests.reduce((s, n) => s + n, 0),
  );
  // The bucket holds 20: the other 10 wait for tokens at 20 a second
  // (0.5 s; half of it is the bound asserted), and the replies to the
  // first 20 leave before the wait.
  assert.ok(took >= 250, `${took.toFixed(0)} ms`);
  assert.ok(conn.writes.length >= 2, `${conn.writes.length} writes`);
});

/** A client that sends without end (64 KiB a read, one turn apart) until `hangUp`. */
class FloodConn {
  reads = 0;
  hangUp = false;
  #first: Uint8Array | undefined;

  constructor(first: Uint8Array) {
    this.#first = first;
  }

  async read(p: Uint8Array): Promise<number | null> {
    await new Promise((r) => setTimeout(r, 0));
    if (this.hangUp) return null;
    this.reads++;
    const first = this.#first;
    this.#first = undefined;
    if (first !== undefined) {
      p.set(first);
      return first.length;
    }
    const n = Math.min(p.length, 64 * 1024);
    p.fill(0x78, 0, n); // "x": no request ever completes
    return n;
  }

  write(p: Uint8Array): Promise<number> {
    return Promise.resolve(p.length);
  }

  close(): void {}
}

/**
 * A connection whose first request blocks (until `served` settles) and
 * whose client then floods it; returned once the reads stopped (3 turns
 * without one) or after 3000 turns.
 */
async function floodBlocked() {
  const conn = new FloodConn(new TextEncoder().encode("1\n"));
  const served = Promise.withResolvers<Reply>();
  const c = new Connection({
    conn: conn as unknown as Deno.Conn,
    session: session(),
    codec: new SizeCodec(),
    execute: () => ({
      kind: "suspended" as const,
      done: served.promise,
      cancel: () => {},
    }),
  });
  const done = c.run();
  const tick = () => new Promise((r) => setTimeout(r, 0));
  for (let turns = 0, still = 0; turns < 3000 && still < 3; turns++) {
    const before = conn.reads;
    await tick();
    still = conn.reads === before ? still + 1 : 0;
  }
  return { conn, c, served, done };
}

Deno.test("Connection.run() stops reading a blocked client once its unrun input passes MAX_BLOCKED_INPUT", async () => {
  const { conn, c, served, done } = await floodBlocked();
  assert.ok(c.blocked);
  const input = c.buffers.input;
  assert.ok(
    input >= MAX_BLOCKED_INPUT && input <= MAX_BLOCKED_INPUT + 64 * 1024,
    `${input} bytes held for a blocked client`,
  );
  conn.hangUp = true;
  served.resolve(bytes("x"));
  assert.equal(await done, "eof");
});

Deno.test("Connection.kill() ends a blocked client's wait while its input is full", async () => {
  const { c, done } = await floodBlocked();
  assert.ok(c.blocked);
  c.kill();
  assert.equal(await done, "killed");
  assert.equal(c.blocked, false);
});

/** A client that sends nothing and reads nothing: reads end at close(), writes fail then. */
class IdleConn {
  #closed = Promise.withResolvers<null>();

  read(_p: Uint8Array): Promise<number | null> {
    return this.#closed.promise;
  }

  write(_p: Uint8Array): Promise<number> {
    return this.#closed.promise.then(() => {
      throw new Deno.errors.BadResource("closed");
    });
  }

  close(): void {
    this.#closed.resolve(null);
  }
}

/** A SizeCodec that encodes a push as its keys, one line. */
class PushCodec extends SizeCodec {
  writePush(keys: readonly string[] | null): void {
    this.writeReply(0, bytes(`${(keys ?? ["*"]).join(" ")}\n`));
  }
}

Deno.test("Connection.push() past the output limit of an idle client cuts it as output-limit", async () => {
  const cut: number[] = [];
  const c = new Connection({
    conn: new IdleConn() as unknown as Deno.Conn,
    session: session(),
    codec: new PushCodec(),
    execute: () => undefined,
    limits: { clientOutputBufferLimit: 1024, rateLimit: 0 },
    onOutputLimit: (_s, queued) => cut.push(queued),
  });
  const done = c.run();
  await new Promise((r) => setTimeout(r, 0));
  const key = "k".repeat(100);
  for (let i = 0; i < 20; i++) {
    c.push([key]);
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.equal(await done, "output-limit");
  assert.equal(cut.length, 1);
  assert.ok(cut[0] > 1024, `${cut[0]}`);
});
