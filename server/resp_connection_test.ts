import assert from "node:assert/strict";
import { bytes, map, NULL, OK } from "@cachemir/protocol";
import { RespCodec, RespConnection } from "./resp_connection.ts";
import type { Session } from "./commands/types.ts";

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
  return new RespConnection({
    conn: conn as unknown as Deno.Conn,
    session: session(),
    execute: (s, name, args) => {
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
    },
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
