import assert from "node:assert/strict";
import { bytes, map, NULL, OK } from "@cachemir/protocol";
import {
  type ExecuteByName,
  RespCodec,
  RespConnection,
} from "./resp_connection.ts";
import type { Session } from "./commands/types.ts";
import { argvStrings, CommandTable } from "./commands/table.ts";
import { MAX_VIEW_ARGS, RespView } from "./resp/decoder.ts";
import { Keyspace } from "./store/keyspace.ts";
import { replyNow } from "./blocking.ts";

const enc = (s: string): Uint8Array =>
  Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** A Deno.Conn stand-in: reads come from a queue, writes are recorded. */
class FakeConn {
  writes: string[] = [];
  closed = false;
  #chunks: (Uint8Array | null)[] = [];

  constructor(chunks: (Uint8Array | null)[]) {
    this.#chunks = chunks;
  }

  read(p: Uint8Array): Promise<number | null> {
    const chunk = this.#chunks.shift() ?? null;
    if (chunk === null) return Promise.resolve(null);
    p.set(chunk);
    return Promise.resolve(chunk.length);
  }

  write(p: Uint8Array): Promise<number> {
    this.writes.push(text(p));
    return Promise.resolve(p.length);
  }

  close(): void {
    this.closed = true;
  }
}

function session(): Session {
  return {
    id: 1,
    peer: "test",
    dialect: "resp2",
    name: "",
    closeAfterReply: false,
  };
}

/** ECHO-like executor; HELLO 3 switches to RESP3; QUIT closes. */
function connection(conn: FakeConn, calls: string[][]): RespConnection {
  const execute: ExecuteByName = (s, name, args) => {
    calls.push([name, ...args]);
    if (name === "HELLO") {
      s.dialect = "resp3";
      return map([[bytes("proto"), bytes("3")]]);
    }
    if (name === "QUIT") {
      s.closeAfterReply = true;
      return OK;
    }
    if (name === "NIL") return NULL;
    return bytes(args[0] ?? name);
  };
  return new RespConnection({
    conn: conn as unknown as Deno.Conn,
    session: session(),
    execute,
    executeView: (s, name, argv) => execute(s, name, argvStrings(argv)),
  });
}

Deno.test("RespConnection.run() answers all commands of one read in one write", async () => {
  const calls: string[][] = [];
  const conn = new FakeConn([
    enc("ECHO a\r\n*2\r\n$4\r\nECHO\r\n$3\r\n\r\n\x00\r\nNIL\r\n"),
    null,
  ]);
  assert.equal(await connection(conn, calls).run(), "eof");
  assert.deepEqual(conn.writes, ["$1\r\na\r\n$3\r\n\r\n\x00\r\n$-1\r\n"]);
  assert.deepEqual(calls, [["ECHO", "a"], ["ECHO", "\r\n\x00"], ["NIL"]]);
  assert.ok(conn.closed);
});

Deno.test("RespConnection.run() switches to RESP3 replies after HELLO 3", async () => {
  const conn = new FakeConn([enc("NIL\r\nHELLO 3\r\nNIL\r\n"), null]);
  await connection(conn, []).run();
  assert.deepEqual(conn.writes, [
    "$-1\r\n%1\r\n$5\r\nproto\r\n$1\r\n3\r\n_\r\n",
  ]);
});

Deno.test("RespConnection.run() answers a protocol error after earlier replies, then closes", async () => {
  const calls: string[][] = [];
  const conn = new FakeConn([
    enc("ECHO a\r\n*1\r\nx\r\nECHO b\r\n"),
    enc("ECHO c\r\n"),
  ]);
  assert.equal(await connection(conn, calls).run(), "protocol");
  assert.deepEqual(conn.writes, [
    "$1\r\na\r\n-ERR Protocol error: expected '$', got 'x'\r\n",
  ]);
  assert.deepEqual(calls, [["ECHO", "a"]]);
  assert.ok(conn.closed);
});

Deno.test("RespConnection.run() stops after QUIT and after an HTTP request", async () => {
  const calls: string[][] = [];
  const quit = new FakeConn([enc("QUIT\r\nECHO late\r\n")]);
  assert.equal(await connection(quit, calls).run(), "quit");
  assert.deepEqual(quit.writes, ["+OK\r\n"]);
  const http = new FakeConn([enc("ECHO a\r\nPOST / HTTP/1.1\r\nHost: x\r\n")]);
  assert.equal(await connection(http, calls).run(), "protocol");
  assert.deepEqual(http.writes, ["$1\r\na\r\n"]);
  assert.deepEqual(calls, [["QUIT"], ["ECHO", "a"]]);
});

Deno.test("RespCodec.next() returns commands split over many pushes", () => {
  const codec = new RespCodec(session());
  const bytesIn = enc("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  for (let i = 0; i < bytesIn.length - 1; i++) {
    codec.push(bytesIn.subarray(i, i + 1));
    assert.equal(codec.next(), undefined);
  }
  codec.push(bytesIn.subarray(bytesIn.length - 1));
  assert.deepEqual(codec.next(), { name: "GET", args: ["k"] });
  assert.equal(codec.broken, false);
});

/**
 * Runs `lines` on two fresh keyspaces: once decoded to strings (`execute`),
 * once as views with the direct handlers (`executeView`); returns both
 * outputs, in RESP, and the two keyspaces.
 */
function bothPaths(
  lines: string[][],
  memory: { maxmemory: number; policy: "noeviction" } | undefined,
): { strings: string; views: string; stores: Keyspace[] } {
  const table = new CommandTable();
  const outputs: string[] = [];
  const stores: Keyspace[] = [];
  for (const views of [false, true]) {
    const store = new Keyspace({ memory, now: () => 1_700_000_000_000 });
    stores.push(store);
    const s = session();
    const ctx = {
      store,
      session: s,
      node: {
        version: "0",
        startedAt: 0,
        maxFrameBytes: 1 << 24,
        maxArgs: 1 << 20,
      },
    };
    const codec = new RespCodec(s);
    for (const line of lines) {
      let request = `*${line.length}\r\n`;
      for (const a of line) request += `$${a.length}\r\n${a}\r\n`;
      codec.push(enc(request));
      const c = codec.next();
      assert.ok(c !== undefined);
      // A request of more than MAX_VIEW_ARGS arguments comes as strings.
      assert.equal(
        c instanceof RespView,
        line.length <= MAX_VIEW_ARGS,
        line[0],
      );
      if (views && c instanceof RespView) {
        const reply = table.executeView(ctx, c.name, c, codec);
        if (reply !== undefined) codec.writeReply(c, replyNow(reply));
      } else {
        const args = c instanceof RespView ? argvStrings(c) : c.args;
        codec.writeReply(c, replyNow(table.execute(ctx, c.name, args)));
      }
    }
    outputs.push(dec(codec.take()));
  }
  return { strings: outputs[0], views: outputs[1], stores };
}

const dec = (b: Uint8Array): string => String.fromCharCode(...b);

Deno.test("CommandTable.executeView() answers as execute() does, byte for byte", () => {
  const big = "\xff\x00v".repeat(400); // past the writer's copy-by-loop size
  const lines = [
    ["SET", "k", "v"],
    ["GET", "k"],
    ["get", "missing"],
    ["SET", "k", "w", "EX", "100"], // left to the SET handler
    ["GET", "k"],
    ["SET", "k", "x", "NX"],
    ["HSET", "h", "f", "v"],
    ["GET", "h"], // WRONGTYPE
    ["SET", "h", "now a string"],
    ["GET", "h"],
    ["MSET", "a", "1", "b", "2"],
    ["MSET", "a", "1", "b"], // odd: the handler's error
    ["MSET", "a"], // arity
    ["MGET", "a", "b", "c"],
    ["SET", "k"], // arity
    ["GET", "k", "extra"], // arity
    ["SET", "\x00bin\xff", big],
    ["GET", "\x00bin\xff"],
    ["SET", "", ""],
    ["GET", ""],
    ["NOSUCH", "a", "b"],
    ["INCR", "n"],
    ["INCR", "n"],
    ["SET", "n", "-42", "EX", "100"],
    ["INCR", "n"], // keeps the expiry
    ["SET", "z", "-0"],
    ["INCR", "z"],
    ["SET", "z", "007"],
    ["INCR", "z"],
    ["SET", "z", "999999999999999"],
    ["INCR", "z"],
    ["INCR", "z"], // 16 digits now: the handler's way
    ["SET", "z", "9223372036854775807"],
    ["INCR", "z"],
    ["INCR", "h"],
    ["INCR", "k", "x"],
    ["SET", "h", "x"],
    ["SET", "e", "v", "EX", "100"], // in place from here
    ["SET", "p", "v", "px", "1500"],
    ["SET", "e2", "v", "Ex", "0"], // invalid: the handler's error
    ["SET", "e3", "v", "EX", "-5"],
    ["SET", "e4", "v", "EX", "1x"],
    ["SET", "e5", "v", "EX", "9223372036854775807"],
    ["SET", "e6", "v", "EX", "99999999999999"], // 14 digits: past int64 in ms
    ["SET", "e7", "v", "XX", "EX"],
    ["SET", "e8", "v", "NX", "GET"],
    ["SET", "p", "w", "EX", "10"], // replaces the expiry
    // Big collections (past the packed sizes): SADD and HSET in place.
    ["SADD", "bs", ...Array.from({ length: 200 }, (_, i) => `m${i}`)],
    ["HSET", "bh", ...Array.from({ length: 400 }, (_, i) => `f${i >> 1}`)],
    ["SADD", "bs", "m5", "new\xff", "m7", "new\xff", "m199", "\x00"],
    ["SCARD", "bs"],
    ["HSET", "bh", "f3", "changed", "fresh", "v", "f3", "again"],
    ["HSET", "bh", "f3"], // arity
    ["HSET", "bh", "f3", "x", "f4"], // odd: the handler's error
    ["HLEN", "bh"],
    ["HGET", "bh", "f3"],
    ["SADD", "k", "m"], // WRONGTYPE, through SADD's handler
    ["HSET", "bs", "f", "v"],
    ["SADD", "small", "a", "b"], // packed: the handler's way
    ["SADD", "small", "b", "c"],
    ["SMEMBERS", "bs"],
    ["HGETALL", "bh"],
    ["SREM", "bs", ...Array.from({ length: 190 }, (_, i) => `m${i}`)],
    ["SADD", "bs", "m1", "m2"], // small again
    ["SMEMBERS", "bs"],
  ];
  const { strings, views, stores } = bothPaths(lines, undefined);
  assert.equal(views, strings);
  assert.ok(strings.includes("-WRONGTYPE"));
  assert.ok(strings.includes(`$${big.length}\r\n${big}\r\n`));
  assert.ok(strings.includes(":1000000000000001\r\n"));
  const keys = ["k", "h", "a", "b", "\x00bin\xff", "", "n", "z", "e", "p"];
  for (const key of [...keys, "e2", "e3", "e4", "e5", "e6", "e7", "e8"]) {
    assert.deepEqual(stores[1].get(key), stores[0].get(key), key);
    assert.deepEqual(stores[1].getExpire(key), stores[0].getExpire(key), key);
  }
});

Deno.test("CommandTable.executeView() refuses writes over maxmemory as execute() does", () => {
  const lines = [["SET", "k", "v"], ["MSET", "a", "1"], ["GET", "k"]];
  const full = bothPaths(lines, { maxmemory: 1, policy: "noeviction" });
  assert.equal(full.views, full.strings);
  assert.equal(
    full.strings,
    "-OOM command not allowed when used memory > 'maxmemory'.\r\n".repeat(2) +
      "$-1\r\n",
  );
});
