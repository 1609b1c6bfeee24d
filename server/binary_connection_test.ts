import assert from "node:assert/strict";
import {
  bytes,
  commandByName,
  decodeReply,
  encodeRequest,
  type Frame,
  FrameDecoder,
  FrameWriter,
  int,
  OPENING_PROBE,
  PROBE_ID,
  PROBE_OPCODE,
  type Reply,
} from "@cachemir/protocol";
import { BinaryConnection, type Execute } from "./binary_connection.ts";
import { DRAIN_READ_MS } from "./connection.ts";
import type { Session } from "./commands/types.ts";
import { argvStrings, CommandTable } from "./commands/table.ts";
import { Keyspace } from "./store/keyspace.ts";
import { replyNow } from "./blocking.ts";

/** A Deno.Conn stand-in: reads come from a queue, writes are recorded. */
class FakeConn {
  writes: Uint8Array[] = [];
  closed = false;
  #chunks: (Uint8Array | null)[] = [];
  #waiting: ((n: number | null) => void) | undefined;
  #target: Uint8Array | undefined;

  feed(chunk: Uint8Array | null): void {
    this.#chunks.push(chunk);
    this.#deliver();
  }

  read(p: Uint8Array): Promise<number | null> {
    if (this.closed) {
      return Promise.reject(new Deno.errors.BadResource("closed"));
    }
    const { promise, resolve } = Promise.withResolvers<number | null>();
    this.#waiting = resolve;
    this.#target = p;
    this.#deliver();
    return promise;
  }

  #deliver(): void {
    if (this.#waiting === undefined || this.#chunks.length === 0) return;
    const chunk = this.#chunks.shift()!;
    const resolve = this.#waiting;
    this.#waiting = undefined;
    if (chunk === null) return resolve(null);
    this.#target!.set(chunk);
    resolve(chunk.length);
  }

  write(p: Uint8Array): Promise<number> {
    this.writes.push(p.slice());
    return Promise.resolve(p.length);
  }

  writeClosed = false;

  closeWrite(): Promise<void> {
    this.writeClosed = true;
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve(null);
    }
  }
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

/** GET-like executor: echoes the first argument, counts calls. */
function echoExecute(calls: string[][]): Execute {
  return (s, opcode, args) => {
    calls.push(args);
    if (opcode === 0x0004) {
      s.closeAfterReply = true;
      return { kind: "ok" };
    }
    return args.length > 0 ? bytes(args[0]) : int(opcode);
  };
}

function replies(chunks: Uint8Array[]): { frame: Frame; reply: Reply }[] {
  const d = new FrameDecoder();
  const out: { frame: Frame; reply: Reply }[] = [];
  for (const c of chunks) {
    d.push(c);
    for (let f = d.next(); f !== undefined; f = d.next()) {
      assert.ok(!("kind" in f));
      out.push({ frame: f, reply: decodeReply(f.payload) as Reply });
    }
  }
  return out;
}

const limits = { maxFrameBytes: 1024, maxArgs: 16 };

/** A connection over `conn` with {@linkcode echoExecute}. */
function connection(conn: FakeConn, calls: string[][]): BinaryConnection {
  return new BinaryConnection({
    conn: conn as unknown as Deno.Conn,
    session: session(),
    execute: echoExecute(calls),
    executeView: (s, opcode, argv) =>
      echoExecute(calls)(s, opcode, argvStrings(argv)),
    limits,
  });
}

Deno.test("BinaryConnection.run() answers all frames of one read in one write", async () => {
  const conn = new FakeConn();
  const calls: string[][] = [];
  const c = connection(conn, calls);
  const w = new FrameWriter();
  for (let i = 0; i < 100; i++) w.writeRequest(i, 0x0100, [`k${i}`]);
  conn.feed(w.take());
  conn.feed(null);
  assert.equal(await c.run(), "eof");
  assert.equal(conn.writes.length, 1);
  const got = replies(conn.writes);
  assert.equal(got.length, 100);
  got.forEach(({ frame, reply }, i) => {
    assert.equal(frame.id, i);
    assert.equal(frame.flags, 0x80);
    assert.deepEqual(reply, {
      kind: "bytes",
      value: new TextEncoder().encode(`k${i}`),
    });
  });
  assert.ok(conn.closed);
});

Deno.test("BinaryConnection.run() executes frames split one byte per read", async () => {
  const conn = new FakeConn();
  const calls: string[][] = [];
  const c = connection(conn, calls);
  const bytesIn = new Uint8Array([
    ...encodeRequest(1, 0x0100, [new Uint8Array([0, 255])]),
    ...encodeRequest(2, 0x0100, ["second"]),
  ]);
  for (const b of bytesIn) conn.feed(new Uint8Array([b]));
  conn.feed(null);
  await c.run();
  assert.deepEqual(calls, [["\x00\xff"], ["second"]]);
  const got = replies(conn.writes);
  assert.deepEqual(got.map((r) => r.frame.id), [1, 2]);
});

Deno.test("BinaryConnection.run() answers bad frames with errors and keeps going", async () => {
  const conn = new FakeConn();
  const calls: string[][] = [];
  const c = connection(conn, calls);
  const flagged = encodeRequest(2, 0x0100, ["x"]);
  flagged[1] = 0x01;
  const tooMany = encodeRequest(
    3,
    0x0108,
    Array.from({ length: 17 }, () => "a"),
  );
  const tooBig = encodeRequest(4, 0x0101, ["k", "v".repeat(2000)]);
  conn.feed(
    new Uint8Array([
      ...encodeRequest(1, 0x0100, ["a"]),
      ...flagged,
      ...tooMany,
      ...tooBig,
      ...encodeRequest(5, 0x0100, ["b"]),
    ]),
  );
  conn.feed(null);
  await c.run();
  const got = replies(conn.writes);
  assert.deepEqual(got.map((r) => r.frame.id), [1, 2, 3, 4, 5]);
  assert.deepEqual(got[1].reply, {
    kind: "error",
    code: "ERR",
    message: "Protocol error: unknown flags 0x01",
  });
  assert.deepEqual(got[2].reply, {
    kind: "error",
    code: "ERR",
    message: "Protocol error: 17 arguments exceed limit 16",
  });
  assert.equal(
    (got[3].reply as { message: string }).message,
    `Protocol error: frame length ${tooBig.length - 12} exceeds limit 1024`,
  );
  assert.deepEqual(calls, [["a"], ["b"]]);
});

Deno.test("BinaryConnection.run() answers an unknown version once, then closes", async () => {
  const conn = new FakeConn();
  const calls: string[][] = [];
  const c = connection(conn, calls);
  conn.feed(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
  assert.equal(await c.run(), "protocol");
  assert.ok(conn.closed);
  const [r] = replies(conn.writes);
  assert.equal(r.reply.kind, "error");
  assert.match(
    (r.reply as { message: string }).message,
    /unsupported version 0x2a/,
  );
  assert.deepEqual(calls, []);
});

Deno.test("BinaryConnection.run() stops after QUIT's reply, ignoring what follows", async () => {
  const conn = new FakeConn();
  const calls: string[][] = [];
  const c = connection(conn, calls);
  conn.feed(
    new Uint8Array([
      ...encodeRequest(1, 0x0004, []),
      ...encodeRequest(2, 0x0100, ["late"]),
    ]),
  );
  assert.equal(await c.run(), "quit");
  assert.deepEqual(replies(conn.writes).map((r) => r.reply.kind), ["ok"]);
  assert.equal(calls.length, 1);
});

Deno.test("BinaryConnection.shutdown() answers what arrives in the drain window, then closes its side and lingers", async () => {
  const conn = new FakeConn();
  const calls: string[][] = [];
  const c = connection(conn, calls);
  const done = c.run();
  await new Promise((r) => setTimeout(r, 0));
  c.shutdown();
  // Sent before the drain began, read after: still answered.
  conn.feed(encodeRequest(1, 0x0100, ["late"]));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(replies(conn.writes).length, 1);
  assert.equal(conn.writeClosed, false);
  await new Promise((r) => setTimeout(r, DRAIN_READ_MS + 50));
  assert.equal(conn.writeClosed, true);
  // After the window: read and dropped, unanswered.
  conn.feed(encodeRequest(2, 0x0100, ["too late"]));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(replies(conn.writes).length, 1);
  assert.deepEqual(calls, [["late"]]);
  // The client closes: the connection ends without waiting for the linger.
  conn.feed(null);
  assert.equal(await done, "shutdown");
  assert.ok(conn.closed);
});

Deno.test("BinaryConnection.shutdown() closes after the linger when the client never closes", async () => {
  const conn = new FakeConn();
  const c = connection(conn, []);
  const done = c.run();
  await new Promise((r) => setTimeout(r, 0));
  c.shutdown();
  assert.equal(await done, "shutdown");
  assert.ok(conn.writeClosed);
  assert.ok(conn.closed);
});

/**
 * Serves `frames` (one read) on a fresh keyspace with the node's table, in
 * place (`executeOpcodeView`) or decoded to strings first; returns what
 * was written and the keyspace.
 */
async function serveFrames(
  frames: Uint8Array,
  inPlace: boolean,
  frameLimits: { maxFrameBytes: number; maxArgs: number } = limits,
): Promise<{ written: Uint8Array[]; store: Keyspace }> {
  const table = new CommandTable();
  const store = new Keyspace({ now: () => 1_700_000_000_000 });
  const s = session();
  const ctx = {
    store,
    session: s,
    node: { version: "0", startedAt: 0, maxFrameBytes: 1024, maxArgs: 16 },
  };
  const conn = new FakeConn();
  const c = new BinaryConnection({
    conn: conn as unknown as Deno.Conn,
    session: s,
    execute: (_s, opcode, args) =>
      replyNow(table.executeOpcode(ctx, opcode, args)),
    executeView: (_s, opcode, argv, out) => {
      const r = inPlace
        ? table.executeOpcodeView(ctx, opcode, argv, out)
        : table.executeOpcode(ctx, opcode, argvStrings(argv));
      return r === undefined ? r : replyNow(r);
    },
    limits: frameLimits,
  });
  conn.feed(frames);
  conn.feed(null);
  assert.equal(await c.run(), "eof");
  return { written: conn.writes, store };
}

Deno.test("BinaryConnection runs GET, SET and MSET in place as it runs them on strings", async () => {
  const op = (name: string): number => commandByName(name)!.opcode;
  const big = "\xff\x00v".repeat(100); // past the copy-by-loop size
  const w = new FrameWriter();
  const lines: [string, string[]][] = [
    ["SET", ["k", "v"]],
    ["GET", ["k"]],
    ["GET", ["missing"]],
    ["SET", ["k", "w", "EX", "100"]],
    ["HSET", ["h", "f", "v"]],
    ["GET", ["h"]],
    ["MSET", ["a", "1", "b", "2"]],
    ["MSET", ["a", "1", "b"]],
    ["GET", ["k", "extra"]],
    ["SET", ["\x00bin\xff", big]],
    ["GET", ["\x00bin\xff"]],
    ["MGET", ["a", "b", "\x00bin\xff"]],
    ["MSET", Array<string>(17).fill("x")], // past maxArgs: the decoder's error
    ["INCR", ["n"]],
    ["SET", ["n", "-42", "EX", "100"]],
    ["INCR", ["n"]],
    ["SET", ["z", "12x"]],
    ["INCR", ["z"]],
    ["INCR", ["h"]],
    // A big set and a big hash (past the packed sizes), then SADD and HSET
    // in place.
    ...Array.from(
      { length: 14 },
      (_, f): [string, string[]] => [
        "SADD",
        ["bs", ...Array.from({ length: 15 }, (_, i) => `m${15 * f + i}`)],
      ],
    ),
    ...Array.from(
      { length: 20 },
      (_, f): [string, string[]] => [
        "HSET",
        ["bh", ...Array.from({ length: 14 }, (_, i) => `f${7 * f + (i >> 1)}`)],
      ],
    ),
    ["SADD", ["bs", "m5", "new\xff", "m7", "new\xff", "\x00"]],
    ["SCARD", ["bs"]],
    ["HSET", ["bh", "f3", "changed", "fresh", "v", "f3", "again"]],
    ["HSET", ["bh", "f3", "x", "f4"]],
    ["HLEN", ["bh"]],
    ["HGET", ["bh", "f3"]],
    ["SADD", ["k", "m"]],
    ["SMEMBERS", ["bs"]],
    ["HGETALL", ["bh"]],
  ];
  lines.forEach(([name, args], id) => {
    // Byte strings as bytes (writeRequest would encode strings as UTF-8).
    const latin1 = args.map((a) => Uint8Array.from(a, (c) => c.charCodeAt(0)));
    w.writeRequest(id, op(name), latin1);
  });
  const frames = w.take();
  const strings = await serveFrames(frames, false);
  const inPlace = await serveFrames(frames, true);
  assert.deepEqual(inPlace.written, strings.written);
  const got = replies(strings.written).map(({ reply }) => reply);
  assert.equal(got.length, lines.length);
  assert.deepEqual(
    got[10],
    bytes(Uint8Array.from(big, (c) => c.charCodeAt(0))),
  );
  assert.equal(got[5].kind, "error");
  for (const key of ["k", "h", "a", "b", "\x00bin\xff", "n", "z"]) {
    assert.deepEqual(inPlace.store.get(key), strings.store.get(key), key);
    assert.deepEqual(
      inPlace.store.getExpire(key),
      strings.store.getExpire(key),
      key,
    );
  }
});

Deno.test("BinaryConnection runs a frame of more than 64 arguments the string way", async () => {
  const args: string[] = [];
  for (let i = 0; i < 50; i++) args.push(`k${i}`, `v${i}`); // 100 arguments
  const w = new FrameWriter();
  w.writeRequest(1, commandByName("MSET")!.opcode, args);
  w.writeRequest(2, commandByName("MGET")!.opcode, ["k0", "k49", "nope"]);
  const frames = w.take();
  const wide = { maxFrameBytes: 1 << 20, maxArgs: 1000 };
  const viewed = await serveFrames(frames, true, wide);
  const strings = await serveFrames(frames, false, wide);
  assert.deepEqual(viewed.written, strings.written);
  assert.equal(viewed.store.size, 50);
  assert.equal(viewed.store.get("k49"), "v49");
});

Deno.test("BinaryConnection.run() answers the opening probe PONG without running a command", async () => {
  const conn = new FakeConn();
  const calls: string[][] = [];
  const c = connection(conn, calls);
  conn.feed(
    new Uint8Array([
      ...OPENING_PROBE,
      ...encodeRequest(1, commandByName("HELLO")!.opcode, ["1"]),
    ]),
  );
  conn.feed(null);
  await c.run();
  const got = replies(conn.writes);
  assert.deepEqual(
    got.map((r) => [r.frame.id, r.frame.opcode, r.frame.flags]),
    [[PROBE_ID, PROBE_OPCODE, 0x80], [1, commandByName("HELLO")!.opcode, 0x80]],
  );
  assert.deepEqual(got[0].reply, { kind: "status", value: "PONG" });
  assert.deepEqual(calls, [["1"]], "only HELLO ran");
});
