import assert from "node:assert/strict";
import {
  bytes,
  encodeReply,
  error,
  int,
  map,
  OK,
  type Reply,
  status,
} from "@cachemir/protocol";
import { ClientConnection, formatAddress, parseHello } from "./connection.ts";
import {
  ConnectionError,
  ProtocolError,
  ReplyError,
  TimeoutError,
} from "./errors.ts";
import {
  concat,
  decodeRequests,
  FakeConn,
  helloReply,
  type Received,
  tick,
} from "./_test_utils.ts";

const ADDRESS = "127.0.0.1:7379";
const GET = 0x0100;
const SET = 0x0101;

function open(
  options: { commandTimeoutMs?: number; maxReplyBytes?: number } = {},
): { fake: FakeConn; conn: ClientConnection; closes: ConnectionError[] } {
  const fake = new FakeConn();
  const closes: ConnectionError[] = [];
  const conn = new ClientConnection(fake.asConn(), ADDRESS, {
    ...options,
    onClose: (e) => closes.push(e),
  });
  return { fake, conn, closes };
}

const text = (r: Reply): string =>
  r.kind === "bytes" && r.value instanceof Uint8Array
    ? new TextDecoder().decode(r.value)
    : r.kind;

/** Answers every request written so far with BYTES of its first argument. */
function echoAll(fake: FakeConn, seen: number): Received[] {
  const requests = decodeRequests(fake.written()).slice(seen);
  fake.feed(
    concat(requests.map((r) => encodeReply(r.id, r.opcode, bytes(r.args[0])))),
  );
  return requests;
}

Deno.test("Connection.send() coalesces the commands of one tick into one write", async () => {
  const { fake, conn } = open();
  const results = Array.from(
    { length: 500 },
    (_, i) => conn.send(GET, [`key:${i}`], text),
  );
  assert.equal(fake.writes.length, 0, "nothing written synchronously");
  await tick();
  assert.equal(fake.writes.length, 1);
  const requests = echoAll(fake, 0);
  assert.equal(requests.length, 500);
  assert.deepEqual(requests.map((r) => r.id), requests.map((_, i) => i + 1));
  assert.ok(requests.every((r) => r.opcode === GET));
  assert.deepEqual(
    await Promise.all(results),
    requests.map((_, i) => `key:${i}`),
  );
  assert.equal(conn.inFlight, 0);
  await conn.close();
});

Deno.test("Connection.send() queues behind a pending write and never interleaves frames", async () => {
  const { fake, conn } = open();
  const gate = Promise.withResolvers<void>();
  fake.gate = gate.promise;
  const first = conn.send(SET, ["a", "1"], text);
  await tick();
  assert.equal(fake.writes.length, 0, "first write is held at the gate");
  const more = [conn.send(GET, ["b"], text), conn.send(GET, ["c"], text)];
  await tick();
  await tick();
  fake.gate = undefined;
  gate.resolve();
  await tick();
  assert.equal(
    fake.writes.length,
    2,
    "the queued commands leave in one more write",
  );
  assert.deepEqual(
    decodeRequests(fake.writes[1]).map((r) => r.args),
    [["b"], ["c"]],
  );
  echoAll(fake, 0);
  assert.deepEqual(await Promise.all([first, ...more]), ["a", "b", "c"]);
  await conn.close();
});

Deno.test("Connection.send() completes partial writes", async () => {
  const { fake, conn } = open();
  fake.writeLimit = 7;
  const value = "x".repeat(1000);
  const p = conn.send(SET, ["k", value], text);
  await tick();
  assert.ok(fake.writes.length > 100);
  const [request] = decodeRequests(fake.written());
  assert.deepEqual(request.args, ["k", value]);
  fake.feed(encodeReply(request.id, SET, bytes("done")));
  assert.equal(await p, "done");
  await conn.close();
});

Deno.test("Connection.send() accepts replies split one byte at a time", async () => {
  const { fake, conn } = open();
  const p = Promise.all([
    conn.send(GET, ["a"], text),
    conn.send(GET, ["b"], text),
  ]);
  await tick();
  const replies = concat(
    decodeRequests(fake.written()).map((r) =>
      encodeReply(r.id, r.opcode, bytes(r.args[0].toUpperCase()))
    ),
  );
  for (const b of replies) fake.feed(new Uint8Array([b]));
  assert.deepEqual(await p, ["A", "B"]);
  await conn.close();
});

Deno.test("Connection.send() rejects an error reply with ReplyError carrying the node's text", async () => {
  const { fake, conn } = open();
  const p = conn.send(0x010b, ["k"], text);
  const after = conn.send(GET, ["k"], text);
  await tick();
  const [incr, get] = decodeRequests(fake.written());
  fake.feed(concat([
    encodeReply(
      incr.id,
      incr.opcode,
      error("ERR value is not an integer or out of range"),
    ),
    encodeReply(get.id, get.opcode, bytes("v")),
  ]));
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ReplyError);
    assert.equal(e.message, "ERR value is not an integer or out of range");
    assert.equal(e.code, "ERR");
    return true;
  });
  assert.equal(await after, "v", "the connection goes on after an error reply");
  await conn.close();
});

Deno.test("Connection.send() rejects with what the transform throws", async () => {
  const { fake, conn } = open();
  const p = conn.send(GET, ["k"], () => {
    throw new ProtocolError("Unexpected ARRAY reply, expected BYTES");
  });
  await tick();
  echoAll(fake, 0);
  await assert.rejects(p, ProtocolError);
  assert.equal(conn.closed, false);
  await conn.close();
});

Deno.test("Connection.send() rejects with TimeoutError within its timeout", async () => {
  const { conn } = open({ commandTimeoutMs: 80 });
  const started = performance.now();
  await assert.rejects(conn.send(GET, ["k"], text), (e: unknown) => {
    assert.ok(e instanceof TimeoutError);
    assert.equal(e.operation, "GET");
    assert.equal(e.timeoutMs, 80);
    assert.equal(e.message, `Command GET to ${ADDRESS} timed out after 80 ms`);
    return true;
  });
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 79 && elapsed < 400, `rejected after ${elapsed} ms`);
  assert.equal(conn.inFlight, 0);
  assert.equal(conn.closed, false, "one timeout does not close the connection");
  await conn.close();
});

Deno.test("Connection.send() discards a late reply and keeps serving", async () => {
  const { fake, conn } = open({ commandTimeoutMs: 60 });
  const late = conn.send(GET, ["late"], text);
  await assert.rejects(late, TimeoutError);
  const next = conn.send(GET, ["next"], text);
  await tick();
  echoAll(fake, 0); // answers "late" (discarded) then "next"
  assert.equal(await next, "next");
  assert.equal(conn.closed, false);
  await conn.close();
});

Deno.test("Connection.send() times out each command on its own deadline with one timer", async () => {
  const { fake, conn } = open({ commandTimeoutMs: 100 });
  const t0 = performance.now();
  const first = conn.send(GET, ["a"], text);
  await tick(50);
  const second = conn.send(GET, ["b"], text);
  const firstAt = await first.then(
    () => assert.fail("resolved"),
    (e) => (assert.ok(e instanceof TimeoutError), performance.now() - t0),
  );
  // The first reply arrives late; the second command still gets its answer.
  await tick();
  const [a, b] = decodeRequests(fake.written());
  fake.feed(encodeReply(a.id, a.opcode, bytes("a")));
  fake.feed(encodeReply(b.id, b.opcode, bytes("b")));
  assert.equal(await second, "b");
  assert.ok(firstAt >= 99 && firstAt < 400, `first timed out after ${firstAt}`);
  await conn.close();
});

Deno.test("Connection closes when the node leaves a command unanswered for twice the timeout", async () => {
  const { conn, closes } = open({ commandTimeoutMs: 50 });
  const first = conn.send(GET, ["a"], text);
  await assert.rejects(first, TimeoutError);
  await tick(30);
  const second = conn.send(GET, ["b"], text); // would time out at ~130 ms
  await assert.rejects(second, (e: unknown) => {
    assert.ok(e instanceof ConnectionError);
    assert.equal(
      e.message,
      `Connection to ${ADDRESS} closed after no reply for 100 ms with 1 request in flight`,
    );
    return true;
  });
  assert.equal(conn.closed, true);
  assert.equal(closes.length, 1);
  await conn.close();
});

Deno.test("Connection rejects every command in flight when the node closes", async () => {
  const { fake, conn, closes } = open();
  const pending = [
    conn.send(GET, ["a"], text),
    conn.send(GET, ["b"], text),
    conn.send(GET, ["c"], text),
  ];
  await tick();
  fake.end();
  for (const p of pending) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof ConnectionError);
      assert.equal(e.address, ADDRESS);
      assert.equal(
        e.message,
        `Connection to ${ADDRESS} closed by the node with 3 requests in flight`,
      );
      return true;
    });
  }
  assert.equal(conn.closed, true);
  assert.equal(closes.length, 1);
  await assert.rejects(conn.send(GET, ["d"], text), ConnectionError);
  await conn.close();
});

Deno.test("Connection closes on a reply with an unknown id", async () => {
  const { fake, conn } = open();
  const a = conn.send(GET, ["a"], text);
  const b = conn.send(GET, ["b"], text);
  await tick();
  fake.feed(encodeReply(99, GET, bytes("?")));
  for (const p of [a, b]) {
    await assert.rejects(
      p,
      new RegExp(
        `^ConnectionError: Connection to ${ADDRESS} closed after a reply with id 99 .* with 2 requests in flight$`,
      ),
    );
  }
  assert.equal(fake.closed, true);
});

Deno.test("Connection closes on a reply with no command in flight", async () => {
  const { fake, conn, closes } = open();
  fake.feed(encodeReply(1, GET, bytes("?")));
  await tick();
  assert.equal(conn.closed, true);
  assert.match(closes[0].message, /unexpected reply \(id 1, none in flight\)/);
});

Deno.test("Connection closes on an undecodable reply", async () => {
  const { fake, conn } = open();
  const a = conn.send(GET, ["a"], text);
  await tick();
  const [req] = decodeRequests(fake.written());
  const frame = encodeReply(req.id, GET, bytes("v"));
  frame[12] = 0x42; // unknown tag
  fake.feed(frame);
  await assert.rejects(
    a,
    /closed after an undecodable reply to GET \(Cannot decode reply: unknown tag 0x42 at offset 0\) with 1 request in flight/,
  );
  assert.equal(conn.closed, true);
});

Deno.test("Connection closes on a frame of an unknown version", async () => {
  const { fake, conn } = open();
  const a = conn.send(GET, ["a"], text);
  const b = conn.send(GET, ["b"], text);
  await tick();
  const [first] = decodeRequests(fake.written());
  fake.feed(encodeReply(first.id, first.opcode, bytes("ok")));
  assert.equal(await a, "ok");
  fake.feed(new TextEncoder().encode("-ERR unknown command\r\n"));
  await assert.rejects(b, /unsupported version 0x2d/);
  assert.equal(conn.closed, true);
});

Deno.test("Connection says a peer whose first bytes are not a frame is not a node", async () => {
  const { fake, conn } = open();
  const a = conn.send(GET, ["a"], text);
  await tick();
  fake.feed(new TextEncoder().encode("-ERR unknown command\r\n"));
  await assert.rejects(a, (e: unknown) => {
    assert.ok(e instanceof ProtocolError);
    assert.match(
      e.message,
      /^\S+ is not a CacheMir node \(it answered "-ERR unknown command\\r\\n"\)$/,
    );
    return true;
  });
  assert.equal(conn.closed, true);
});

Deno.test("Connection skips a reply over maxReplyBytes and stays open", async () => {
  const { fake, conn } = open({ maxReplyBytes: 100 });
  const big = conn.send(GET, ["big"], text);
  const small = conn.send(GET, ["small"], text);
  await tick();
  const [a, b] = decodeRequests(fake.written());
  fake.feed(encodeReply(a.id, a.opcode, bytes("x".repeat(1000))));
  fake.feed(encodeReply(b.id, b.opcode, bytes("ok")));
  await assert.rejects(big, (e: unknown) => {
    assert.ok(e instanceof ProtocolError);
    assert.equal(
      e.message,
      `Cannot accept the reply to GET from ${ADDRESS}: frame length 1003 exceeds limit 100`,
    );
    return true;
  });
  assert.equal(await small, "ok");
  assert.equal(conn.closed, false);
  await conn.close();
});

Deno.test("Connection closes on a reply frame without the REPLY flag", async () => {
  const { fake, conn } = open();
  const a = conn.send(GET, ["a"], text);
  await tick();
  const [req] = decodeRequests(fake.written());
  const frame = encodeReply(req.id, GET, OK);
  frame[1] = 0;
  fake.feed(frame);
  await assert.rejects(a, /without the REPLY flag/);
});

Deno.test("Connection.close() rejects what is in flight and is idempotent", async () => {
  const { fake, conn, closes } = open();
  const a = conn.send(GET, ["a"], text);
  const b = conn.send(GET, ["b"], text);
  const closing = conn.close();
  await conn.close();
  await closing;
  for (const p of [a, b]) {
    await assert.rejects(
      p,
      new RegExp(
        `^ConnectionError: Connection to ${ADDRESS} closed by the client with 2 requests in flight$`,
      ),
    );
  }
  assert.equal(fake.closed, true);
  assert.equal(closes.length, 1);
  await assert.rejects(
    conn.send(GET, ["c"], text),
    new RegExp(`Cannot send GET: connection to ${ADDRESS} is closed`),
  );
});

Deno.test("Connection rejects in-flight commands on a write error", async () => {
  const { fake, conn } = open();
  fake.write = () => Promise.reject(new Deno.errors.BrokenPipe("Broken pipe"));
  await assert.rejects(
    conn.send(GET, ["a"], text),
    /closed after a write error \(Broken pipe\) with 1 request in flight/,
  );
});

Deno.test("Connection.send() sends Uint8Array arguments byte for byte", async () => {
  const { fake, conn } = open();
  const all = new Uint8Array(256).map((_, i) => i);
  const p = conn.send(SET, [all, all], (r) => r.kind);
  await tick();
  const [req] = decodeRequests(fake.written());
  assert.equal(req.args[0].length, 256);
  for (let i = 0; i < 256; i++) assert.equal(req.args[0].charCodeAt(i), i);
  fake.feed(encodeReply(req.id, SET, OK));
  assert.equal(await p, "ok");
  await conn.close();
});

Deno.test("Connection.send() rejects a non-string, non-bytes argument without sending", async () => {
  const { fake, conn } = open();
  await assert.rejects(
    conn.send(GET, [undefined as unknown as string], text),
    /^TypeError: Cannot send GET: argument 0 is undefined, expected a string or a Uint8Array$/,
  );
  await assert.rejects(
    conn.send(SET, ["k", 5 as unknown as string], text),
    /argument 1 is number/,
  );
  const ok = conn.send(GET, ["k"], text);
  await tick();
  const requests = echoAll(fake, 0);
  assert.equal(requests.length, 1, "only the valid command was sent");
  assert.equal(await ok, "k");
  await conn.close();
});

Deno.test("Connection.send() hands a BYTES reply to the transform's fromBytes fast path", async () => {
  const { fake, conn } = open();
  const seen: string[] = [];
  const transform = Object.assign((r: Reply) => `slow:${r.kind}`, {
    fromBytes: (p: Uint8Array, start: number, end: number) => {
      seen.push(`${start}-${end}`);
      return new TextDecoder().decode(p.subarray(start, end));
    },
  });
  const long = "y".repeat(300);
  const results = Promise.all([
    conn.send(GET, ["a"], transform),
    conn.send(GET, ["b"], transform),
    conn.send(GET, ["c"], transform),
  ]);
  await tick();
  const [a, b, c] = decodeRequests(fake.written());
  fake.feed(concat([
    encodeReply(a.id, GET, bytes("v")),
    encodeReply(b.id, GET, bytes(long)),
    encodeReply(c.id, GET, OK),
  ]));
  assert.deepEqual(await results, ["v", long, "slow:ok"]);
  assert.deepEqual(seen, ["2-3", "3-303"]);
  await conn.close();
});

Deno.test("Connection.send() leaves a malformed BYTES reply to the full decoder", async () => {
  const { fake, conn } = open();
  const transform = Object.assign((r: Reply) => r.kind, {
    fromBytes: () => assert.fail("fast path taken"),
  });
  const p = conn.send(GET, ["a"], transform);
  await tick();
  const [a] = decodeRequests(fake.written());
  const frame = encodeReply(a.id, GET, bytes("vv"));
  frame[13] = 1; // BYTES length 1, but 2 bytes follow
  fake.feed(frame);
  await assert.rejects(
    p,
    /undecodable reply to GET \(Cannot decode reply: 1 trailing bytes/,
  );
});

Deno.test("Connection.onSettle is called once per command, however it settles", async () => {
  const { fake, conn } = open({ commandTimeoutMs: 40 });
  const settled: (string | undefined)[] = [];
  const latencies: number[] = [];
  conn.onSettle = (e, ms) => {
    settled.push(e?.name);
    latencies.push(ms);
  };
  // 16 successes, one error reply, one rejected by its transform.
  const ok = Array.from(
    { length: 16 },
    (_, i) => conn.send(GET, [`k${i}`], text),
  );
  const bad = conn.send(GET, ["e"], text).catch((e) => e);
  const thrown = conn.send(GET, ["t"], () => {
    throw new ProtocolError("no");
  }).catch((e) => e);
  await tick();
  const requests = decodeRequests(fake.written());
  fake.feed(concat([
    ...requests.slice(0, 16).map((r) =>
      encodeReply(r.id, r.opcode, bytes("v"))
    ),
    encodeReply(requests[16].id, GET, error("ERR boom")),
    encodeReply(requests[17].id, GET, bytes("v")),
  ]));
  await Promise.all(ok);
  assert.ok((await bad) instanceof ReplyError);
  assert.ok((await thrown) instanceof ProtocolError);
  assert.equal(settled.length, 18);
  assert.equal(settled.filter((n) => n === undefined).length, 16);
  assert.deepEqual(settled.slice(16), ["ReplyError", "ProtocolError"]);
  const measured = latencies.filter((ms) => ms >= 0);
  assert.equal(measured.length, 2, "one command in 8 is timed");
  assert.ok(measured.every((ms) => ms < 5000));

  // A timeout settles once; its late reply does not settle it again.
  settled.length = 0;
  const late = conn.send(GET, ["late"], text).catch((e) => e);
  await tick(60);
  assert.ok((await late) instanceof TimeoutError);
  assert.deepEqual(settled, ["TimeoutError"]);
  const lateRequest = decodeRequests(fake.written()).at(-1)!;
  fake.feed(encodeReply(lateRequest.id, GET, bytes("v")));
  await tick(5);
  assert.deepEqual(settled, ["TimeoutError"]);

  // Lost with the connection; refused once closed; refused bad arguments.
  const lost = conn.send(GET, ["x"], text).catch((e) => e);
  await tick();
  fake.end();
  assert.ok((await lost) instanceof ConnectionError);
  await assert.rejects(conn.send(GET, ["y"], text), ConnectionError);
  assert.deepEqual(settled, [
    "TimeoutError",
    "ConnectionError",
    "ConnectionError",
  ]);
  const other = open();
  const refused: (string | undefined)[] = [];
  other.conn.onSettle = (e) => refused.push(e?.name);
  await assert.rejects(
    other.conn.send(GET, [null as unknown as string], text),
    TypeError,
  );
  assert.deepEqual(refused, ["TypeError"]);
  await other.conn.close();
  await conn.close();
});

Deno.test("parseHello() reads the node's map and ignores unknown keys", () => {
  const info = parseHello(helloReply());
  assert.deepEqual(info, {
    server: "cachemir",
    version: "0.0.0-test",
    proto: 1,
    protos: [1],
    id: 7,
    features: ["call"],
    maxFrameBytes: 1024,
    maxArgs: 16,
    runId: "",
  });
  assert.equal(
    parseHello(map([[bytes("run-id"), bytes("ab".repeat(20))]])).runId,
    "ab".repeat(20),
  );
  assert.throws(() => parseHello(status("OK")), ProtocolError);
  assert.throws(
    () => parseHello(map([[bytes("proto"), bytes("one")]])),
    /Unexpected BYTES where HELLO has an integer/,
  );
  assert.equal(parseHello(map([[bytes("id"), int(3)]])).proto, 1);
});

Deno.test("formatAddress() brackets IPv6 hosts", () => {
  assert.equal(
    formatAddress({ hostname: "127.0.0.1", port: 1 }),
    "127.0.0.1:1",
  );
  assert.equal(formatAddress({ hostname: "::1", port: 7379 }), "[::1]:7379");
});
