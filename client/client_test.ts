// CacheMirClient against a fake node on 127.0.0.1 (needs --allow-net): what
// each method sends, and what it makes of the reply.
import assert from "node:assert/strict";
import {
  array,
  bytes,
  commandByName,
  error,
  float,
  int,
  map,
  NULL,
  OK,
  type Reply,
  set,
  status,
} from "@cachemir/protocol";
import { CacheMirClient } from "./client.ts";
import { ConnectionError, ProtocolError, ReplyError } from "./errors.ts";
import { FakeNode, helloReply, type Received, tick } from "./_test_utils.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Case {
  /** Calls the method under test. */
  readonly call: (c: CacheMirClient) => Promise<unknown>;
  /** The command name expected on the wire (its opcode), or "CALL". */
  readonly command: string;
  /** The arguments expected on the wire, as byte strings. */
  readonly args: string[];
  /** What the fake node answers. */
  readonly reply: Reply;
  /** What the method resolves with. */
  readonly result: unknown;
}

const CASES: Record<string, Case> = {
  "ping()": {
    call: (c) => c.ping(),
    command: "PING",
    args: [],
    reply: status("PONG"),
    result: "PONG",
  },
  "ping(msg)": {
    call: (c) => c.ping("hi"),
    command: "PING",
    args: ["hi"],
    reply: bytes("hi"),
    result: "hi",
  },
  "echo()": {
    call: (c) => c.echo("é"),
    command: "ECHO",
    args: ["\xc3\xa9"],
    reply: bytes(enc("é")),
    result: "é",
  },
  "echoBuffer()": {
    call: (c) => c.echoBuffer(new Uint8Array([0, 255])),
    command: "ECHO",
    args: ["\x00\xff"],
    reply: bytes(new Uint8Array([0, 255])),
    result: new Uint8Array([0, 255]),
  },
  "hello()": {
    call: async (c) => (await c.hello(1)).server,
    command: "HELLO",
    args: ["1"],
    reply: helloReply(),
    result: "cachemir",
  },
  "get()": {
    call: (c) => c.get("k"),
    command: "GET",
    args: ["k"],
    reply: bytes(enc("v")),
    result: "v",
  },
  "get() missing": {
    call: (c) => c.get("k"),
    command: "GET",
    args: ["k"],
    reply: NULL,
    result: null,
  },
  "getBuffer()": {
    call: (c) => c.getBuffer(new Uint8Array([1])),
    command: "GET",
    args: ["\x01"],
    reply: bytes(new Uint8Array([9])),
    result: new Uint8Array([9]),
  },
  "getBuffer() missing": {
    call: (c) => c.getBuffer("k"),
    command: "GET",
    args: ["k"],
    reply: NULL,
    result: null,
  },
  "set()": {
    call: (c) => c.set("k", "v"),
    command: "SET",
    args: ["k", "v"],
    reply: OK,
    result: "OK",
  },
  "set() number": {
    call: (c) => c.set("k", 42),
    command: "SET",
    args: ["k", "42"],
    reply: OK,
    result: "OK",
  },
  "set() options": {
    call: (c) => c.set("k", "v", { ex: 10, nx: true }),
    command: "SET",
    args: ["k", "v", "NX", "EX", "10"],
    reply: NULL,
    result: null,
  },
  "set() all options": {
    call: (c) =>
      c.set("k", "v", {
        px: 5,
        exat: 6,
        pxat: 7,
        xx: true,
        keepttl: true,
        get: true,
      }),
    command: "SET",
    args: [
      "k",
      "v",
      "XX",
      "GET",
      "PX",
      "5",
      "EXAT",
      "6",
      "PXAT",
      "7",
      "KEEPTTL",
    ],
    reply: bytes(enc("old")),
    result: "old",
  },
  "setBuffer() get": {
    call: (c) => c.setBuffer("k", "v", { get: true }),
    command: "SET",
    args: ["k", "v", "GET"],
    reply: bytes(enc("old")),
    result: enc("old"),
  },
  "setBuffer()": {
    call: (c) => c.setBuffer("k", "v"),
    command: "SET",
    args: ["k", "v"],
    reply: OK,
    result: "OK",
  },
  "setnx()": {
    call: (c) => c.setnx("k", "v"),
    command: "SETNX",
    args: ["k", "v"],
    reply: int(1),
    result: 1,
  },
  "setex()": {
    call: (c) => c.setex("k", 10, "v"),
    command: "SETEX",
    args: ["k", "10", "v"],
    reply: OK,
    result: "OK",
  },
  "psetex()": {
    call: (c) => c.psetex("k", 1500, "v"),
    command: "PSETEX",
    args: ["k", "1500", "v"],
    reply: OK,
    result: "OK",
  },
  "getset()": {
    call: (c) => c.getset("k", "v"),
    command: "GETSET",
    args: ["k", "v"],
    reply: bytes(enc("o")),
    result: "o",
  },
  "getsetBuffer()": {
    call: (c) => c.getsetBuffer("k", "v"),
    command: "GETSET",
    args: ["k", "v"],
    reply: NULL,
    result: null,
  },
  "getdel()": {
    call: (c) => c.getdel("k"),
    command: "GETDEL",
    args: ["k"],
    reply: bytes(enc("v")),
    result: "v",
  },
  "getdelBuffer()": {
    call: (c) => c.getdelBuffer("k"),
    command: "GETDEL",
    args: ["k"],
    reply: bytes(enc("v")),
    result: enc("v"),
  },
  "getex()": {
    call: (c) => c.getex("k"),
    command: "GETEX",
    args: ["k"],
    reply: bytes(enc("v")),
    result: "v",
  },
  "getex() ex": {
    call: (c) => c.getex("k", { ex: 5 }),
    command: "GETEX",
    args: ["k", "EX", "5"],
    reply: NULL,
    result: null,
  },
  "getex() persist": {
    call: (c) => c.getex("k", { persist: true }),
    command: "GETEX",
    args: ["k", "PERSIST"],
    reply: NULL,
    result: null,
  },
  "getexBuffer() pxat": {
    call: (c) => c.getexBuffer("k", { pxat: 9 }),
    command: "GETEX",
    args: ["k", "PXAT", "9"],
    reply: bytes(enc("v")),
    result: enc("v"),
  },
  "mget() variadic": {
    call: (c) => c.mget("a", "b", "c"),
    command: "MGET",
    args: ["a", "b", "c"],
    reply: array([bytes(enc("1")), NULL, bytes(enc("3"))]),
    result: ["1", null, "3"],
  },
  "mget() array": {
    call: (c) => c.mget(["a", "b"]),
    command: "MGET",
    args: ["a", "b"],
    reply: array([NULL, NULL]),
    result: [null, null],
  },
  "mgetBuffer()": {
    call: (c) => c.mgetBuffer("a", "b"),
    command: "MGET",
    args: ["a", "b"],
    reply: array([bytes(enc("1")), NULL]),
    result: [enc("1"), null],
  },
  "mset() object": {
    call: (c) => c.mset({ a: "1", b: 2 }),
    command: "MSET",
    args: ["a", "1", "b", "2"],
    reply: OK,
    result: "OK",
  },
  "mset() Map": {
    call: (c) => c.mset(new Map([[new Uint8Array([0]), "x"]])),
    command: "MSET",
    args: ["\x00", "x"],
    reply: OK,
    result: "OK",
  },
  "mset() pairs": {
    call: (c) => c.mset("a", "1", "b", "2"),
    command: "MSET",
    args: ["a", "1", "b", "2"],
    reply: OK,
    result: "OK",
  },
  "msetnx()": {
    call: (c) => c.msetnx({ a: "1" }),
    command: "MSETNX",
    args: ["a", "1"],
    reply: int(0),
    result: 0,
  },
  "msetnx() pairs": {
    call: (c) => c.msetnx("a", "1"),
    command: "MSETNX",
    args: ["a", "1"],
    reply: int(1),
    result: 1,
  },
  "incr()": {
    call: (c) => c.incr("n"),
    command: "INCR",
    args: ["n"],
    reply: int(1),
    result: 1,
  },
  "incrBig()": {
    call: (c) => c.incrBig("n"),
    command: "INCR",
    args: ["n"],
    reply: int(9007199254740993n),
    result: 9007199254740993n,
  },
  "decr()": {
    call: (c) => c.decr("n"),
    command: "DECR",
    args: ["n"],
    reply: int(-1),
    result: -1,
  },
  "incrby()": {
    call: (c) => c.incrby("n", 5),
    command: "INCRBY",
    args: ["n", "5"],
    reply: int(5),
    result: 5,
  },
  "incrbyBig()": {
    call: (c) => c.incrbyBig("n", -9223372036854775808n),
    command: "INCRBY",
    args: ["n", "-9223372036854775808"],
    reply: int(-9223372036854775808n),
    result: -9223372036854775808n,
  },
  "decrby()": {
    call: (c) => c.decrby("n", 2),
    command: "DECRBY",
    args: ["n", "2"],
    reply: int(-2),
    result: -2,
  },
  "incrbyfloat()": {
    call: (c) => c.incrbyfloat("f", 0.1),
    command: "INCRBYFLOAT",
    args: ["f", "0.1"],
    reply: bytes(enc("10.1")),
    result: "10.1",
  },
  "incrbyfloat() float reply": {
    call: (c) => c.incrbyfloat("f", "1.5"),
    command: "INCRBYFLOAT",
    args: ["f", "1.5"],
    reply: float(1.5),
    result: "1.5",
  },
  "append()": {
    call: (c) => c.append("k", "xy"),
    command: "APPEND",
    args: ["k", "xy"],
    reply: int(2),
    result: 2,
  },
  "strlen()": {
    call: (c) => c.strlen("k"),
    command: "STRLEN",
    args: ["k"],
    reply: int(6),
    result: 6,
  },
  "getrange()": {
    call: (c) => c.getrange("k", 0, -1),
    command: "GETRANGE",
    args: ["k", "0", "-1"],
    reply: bytes(enc("abc")),
    result: "abc",
  },
  "getrangeBuffer()": {
    call: (c) => c.getrangeBuffer("k", 1, 2),
    command: "GETRANGE",
    args: ["k", "1", "2"],
    reply: bytes(enc("bc")),
    result: enc("bc"),
  },
  "setrange()": {
    call: (c) => c.setrange("k", 6, "x"),
    command: "SETRANGE",
    args: ["k", "6", "x"],
    reply: int(7),
    result: 7,
  },
  "del()": {
    call: (c) => c.del("a", "b"),
    command: "DEL",
    args: ["a", "b"],
    reply: int(2),
    result: 2,
  },
  "del() array": {
    call: (c) => c.del(["a", "b"]),
    command: "DEL",
    args: ["a", "b"],
    reply: int(1),
    result: 1,
  },
  "unlink()": {
    call: (c) => c.unlink("a"),
    command: "UNLINK",
    args: ["a"],
    reply: int(1),
    result: 1,
  },
  "exists()": {
    call: (c) => c.exists("a", "a"),
    command: "EXISTS",
    args: ["a", "a"],
    reply: int(2),
    result: 2,
  },
  "type()": {
    call: (c) => c.type("k"),
    command: "TYPE",
    args: ["k"],
    reply: status("string"),
    result: "string",
  },
  "expire()": {
    call: (c) => c.expire("k", 10),
    command: "EXPIRE",
    args: ["k", "10"],
    reply: int(1),
    result: 1,
  },
  "expire() NX": {
    call: (c) => c.expire("k", 10, "NX"),
    command: "EXPIRE",
    args: ["k", "10", "NX"],
    reply: int(0),
    result: 0,
  },
  "pexpire() GT": {
    call: (c) => c.pexpire("k", 10, "GT"),
    command: "PEXPIRE",
    args: ["k", "10", "GT"],
    reply: int(1),
    result: 1,
  },
  "expireat() XX": {
    call: (c) => c.expireat("k", 1e9, "XX"),
    command: "EXPIREAT",
    args: ["k", "1000000000", "XX"],
    reply: int(1),
    result: 1,
  },
  "pexpireat() LT": {
    call: (c) => c.pexpireat("k", 1e12, "LT"),
    command: "PEXPIREAT",
    args: ["k", "1000000000000", "LT"],
    reply: int(1),
    result: 1,
  },
  "ttl()": {
    call: (c) => c.ttl("k"),
    command: "TTL",
    args: ["k"],
    reply: int(-2),
    result: -2,
  },
  "pttl()": {
    call: (c) => c.pttl("k"),
    command: "PTTL",
    args: ["k"],
    reply: int(1500),
    result: 1500,
  },
  "expiretime()": {
    call: (c) => c.expiretime("k"),
    command: "EXPIRETIME",
    args: ["k"],
    reply: int(-1),
    result: -1,
  },
  "pexpiretime()": {
    call: (c) => c.pexpiretime("k"),
    command: "PEXPIRETIME",
    args: ["k"],
    reply: int(1700000000000),
    result: 1700000000000,
  },
  "persist()": {
    call: (c) => c.persist("k"),
    command: "PERSIST",
    args: ["k"],
    reply: int(1),
    result: 1,
  },
  "rename()": {
    call: (c) => c.rename("a", "b"),
    command: "RENAME",
    args: ["a", "b"],
    reply: OK,
    result: "OK",
  },
  "renamenx()": {
    call: (c) => c.renamenx("a", "b"),
    command: "RENAMENX",
    args: ["a", "b"],
    reply: int(0),
    result: 0,
  },
  "keys()": {
    call: (c) => c.keys("u:*"),
    command: "KEYS",
    args: ["u:*"],
    reply: array([bytes(enc("u:1"))]),
    result: ["u:1"],
  },
  "keysBuffer()": {
    call: (c) => c.keysBuffer("*"),
    command: "KEYS",
    args: ["*"],
    reply: array([bytes(new Uint8Array([0]))]),
    result: [new Uint8Array([0])],
  },
  "scan()": {
    call: (c) => c.scan(0, { match: "u:*", count: 10, type: "string" }),
    command: "SCAN",
    args: ["0", "MATCH", "u:*", "COUNT", "10", "TYPE", "string"],
    reply: array([
      bytes(enc("17")),
      array([bytes(enc("u:1")), bytes(enc("u:2"))]),
    ]),
    result: ["17", ["u:1", "u:2"]],
  },
  "scanBuffer()": {
    call: (c) => c.scanBuffer("17"),
    command: "SCAN",
    args: ["17"],
    reply: array([bytes(enc("0")), array([bytes(enc("k"))])]),
    result: ["0", [enc("k")]],
  },
  "randomkey()": {
    call: (c) => c.randomkey(),
    command: "RANDOMKEY",
    args: [],
    reply: NULL,
    result: null,
  },
  "randomkeyBuffer()": {
    call: (c) => c.randomkeyBuffer(),
    command: "RANDOMKEY",
    args: [],
    reply: bytes(enc("k")),
    result: enc("k"),
  },
  "dbsize()": {
    call: (c) => c.dbsize(),
    command: "DBSIZE",
    args: [],
    reply: int(3),
    result: 3,
  },
  "flushall()": {
    call: (c) => c.flushall(),
    command: "FLUSHALL",
    args: [],
    reply: OK,
    result: "OK",
  },
  "flushall() ASYNC": {
    call: (c) => c.flushall("ASYNC"),
    command: "FLUSHALL",
    args: ["ASYNC"],
    reply: OK,
    result: "OK",
  },
  "flushdb() SYNC": {
    call: (c) => c.flushdb("SYNC"),
    command: "FLUSHDB",
    args: ["SYNC"],
    reply: OK,
    result: "OK",
  },
  "call() known": {
    call: (c) => c.call("strlen", "k"),
    command: "STRLEN",
    args: ["k"],
    reply: int(5),
    result: 5,
  },
  "call() unknown": {
    call: (c) => c.call("zcard", "z"),
    command: "CALL",
    args: ["zcard", "z"],
    reply: int(0),
    result: 0,
  },
  "call() nested": {
    call: (c) => c.call("hgetall", "h"),
    command: "HGETALL",
    args: ["h"],
    reply: map([[bytes(enc("f")), bytes(enc("v"))], [bytes(enc("n")), int(1)]]),
    result: ["f", "v", "n", 1],
  },
  "call() set, float, ok": {
    call: (c) => c.call("X", 1),
    command: "CALL",
    args: ["X", "1"],
    reply: set([float(1.5), OK, NULL, status("s"), array([])]),
    result: [1.5, "OK", null, "s", []],
  },
  "callBuffer()": {
    call: (c) => c.callBuffer("get", "k"),
    command: "GET",
    args: ["k"],
    reply: bytes(new Uint8Array([0xff])),
    result: new Uint8Array([0xff]),
  },
};

function opcodeOf(command: string): number {
  return command === "CALL" ? 0 : commandByName(command)!.opcode;
}

Deno.test("CacheMirClient methods send their command and convert the reply", async () => {
  const queue: Reply[] = [];
  let scripted = false;
  const node = new FakeNode((r) =>
    scripted ? queue.shift() : r.opcode === 1 ? undefined : status("PONG")
  );
  await using client = new CacheMirClient({ nodes: [node.address] });
  try {
    await client.ping(); // opens the connection: HELLO (default answer), PING
    scripted = true;
    node.received.length = 0;
    for (const [name, c] of Object.entries(CASES)) {
      queue.push(c.reply);
      const result = await c.call(client);
      const sent: Received | undefined = node.received.shift();
      assert.ok(sent, `${name}: nothing sent`);
      assert.equal(sent.opcode, opcodeOf(c.command), `${name}: opcode`);
      assert.deepEqual(sent.args, c.args, `${name}: args`);
      assert.deepEqual(result, c.result, `${name}: result`);
    }
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("CacheMirClient counters resolve with numbers, reject beyond the safe range naming their Big variant", async () => {
  const node = new FakeNode((r) =>
    r.opcode === 1 ? undefined : int(9007199254740993n)
  );
  const client = new CacheMirClient({ nodes: [node.address] });
  try {
    const counters: [string, () => Promise<number>, () => Promise<bigint>][] = [
      ["incr", () => client.incr("n"), () => client.incrBig("n")],
      ["decr", () => client.decr("n"), () => client.decrBig("n")],
      ["incrby", () => client.incrby("n", 2), () => client.incrbyBig("n", 2)],
      ["decrby", () => client.decrby("n", 2), () => client.decrbyBig("n", 2)],
      [
        "hincrby",
        () => client.hincrby("h", "f", 2),
        () => client.hincrbyBig("h", "f", 2),
      ],
    ];
    for (const [method, asNumber, asBig] of counters) {
      await assert.rejects(asNumber(), (e: unknown) => {
        assert.ok(e instanceof RangeError, `${method}: ${e}`);
        assert.match(e.message, new RegExp(`use ${method}Big\\(\\)`));
        assert.match(e.message, /9007199254740993/);
        return true;
      });
      assert.equal(await asBig(), 9007199254740993n, method);
    }
    // A number reply within range is a number, typed as one.
    const small = new FakeNode((r) => r.opcode === 1 ? undefined : int(41));
    const client2 = new CacheMirClient({ nodes: [small.address] });
    try {
      const n: number = await client2.incr("n");
      assert.equal(n + 1, 42);
      assert.equal(await client2.incrBig("n"), 41n);
    } finally {
      await client2.close();
      await small.close();
    }
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("CacheMirClient.scanIterator() follows the cursor until 0", async () => {
  const pages: Reply[] = [
    array([bytes(enc("5")), array([bytes(enc("a")), bytes(enc("b"))])]),
    array([bytes(enc("9")), array([])]),
    array([bytes(enc("0")), array([bytes(enc("c"))])]),
  ];
  const node = new FakeNode((
    r,
  ) => (r.opcode === 0x0210 ? pages.shift() : undefined));
  const client = new CacheMirClient({ nodes: [node.address] });
  try {
    const keys: string[] = [];
    for await (const k of client.scanIterator({ count: 2 })) keys.push(k);
    assert.deepEqual(keys, ["a", "b", "c"]);
    const cursors = node.received.filter((r) => r.opcode === 0x0210).map((r) =>
      r.args
    );
    assert.deepEqual(cursors, [["0", "COUNT", "2"], ["5", "COUNT", "2"], [
      "9",
      "COUNT",
      "2",
    ]]);

    pages.push(
      array([bytes(enc("0")), array([bytes(new Uint8Array([0xff]))])]),
    );
    const raw: Uint8Array[] = [];
    for await (const k of client.scanBufferIterator({ match: "*" })) {
      raw.push(k);
    }
    assert.deepEqual(raw, [new Uint8Array([0xff])]);
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("CacheMirClient rejects an error reply with the node's text", async () => {
  const node = new FakeNode((r) =>
    r.opcode === 0x010b
      ? error("ERR value is not an integer or out of range")
      : undefined
  );
  const client = new CacheMirClient({ nodes: [node.address] });
  try {
    await assert.rejects(client.incr("k"), (e: unknown) => {
      assert.ok(e instanceof ReplyError);
      assert.equal(e.code, "ERR");
      assert.equal(e.message, "ERR value is not an integer or out of range");
      return true;
    });
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("CacheMirClient rejects a reply of the wrong type with ProtocolError", async () => {
  const node = new FakeNode((r) => (r.opcode === 1 ? undefined : int(1)));
  const client = new CacheMirClient({ nodes: [node.address] });
  try {
    await assert.rejects(
      client.mget("a"),
      /Unexpected INTEGER reply, expected ARRAY/,
    );
    await assert.rejects(client.getBuffer("a"), ProtocolError);
    await assert.rejects(client.set("k", "v"), ProtocolError);
    assert.equal(await client.call("get", "a"), 1, "call() takes any reply");
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("CacheMirClient opens one connection lazily and shares it", async () => {
  const node = new FakeNode((
    r,
  ) => (r.opcode === 0x0100 ? bytes(r.args[0]) : undefined));
  const client = new CacheMirClient({ nodes: [node.address] });
  try {
    await tick(10);
    assert.equal(node.conns.size, 0, "no connection before the first command");
    const values = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => client.get(`k${i}`)),
    );
    assert.deepEqual(values, Array.from({ length: 2000 }, (_, i) => `k${i}`));
    assert.equal(node.conns.size, 1);
    assert.equal(
      node.received.filter((r) => r.opcode === 1).length,
      1,
      "one HELLO",
    );
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("CacheMirClient reconnects on the next command after the node drops the connection", async () => {
  const node = new FakeNode((
    r,
  ) => (r.opcode === 0x0100 ? bytes(r.args[0]) : undefined));
  const client = new CacheMirClient({ nodes: [node.address] });
  try {
    assert.equal(await client.get("a"), "a");
    node.dropConnections();
    await tick(20);
    assert.equal(await client.get("b"), "b");
    assert.equal(
      node.received.filter((r) => r.opcode === 1).length,
      2,
      "two HELLOs",
    );
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("CacheMirClient.close() rejects commands in flight and later ones; await using closes", async () => {
  const node = new FakeNode(() => undefined); // answers HELLO only
  let pending: Promise<unknown>;
  {
    await using client = new CacheMirClient({ nodes: [node.address] });
    await client.hello(); // the fake node answers HELLO by default
    pending = client.get("k").catch((e) => e);
    await tick(10);
  }
  await assert.rejects(
    pending.then((e) => {
      throw e;
    }),
    new RegExp(
      `^ConnectionError: Connection to ${node.address} closed by the client with 1 request in flight$`,
    ),
  );
  const client = new CacheMirClient({ nodes: [node.address] });
  const inFlight = client.get("k"); // still connecting when closed
  await client.close();
  await client.close(); // idempotent
  await assert.rejects(inFlight, ConnectionError);
  await assert.rejects(
    client.get("k"),
    /Cannot send GET: the client is closed/,
  );
  await node.close();
});

Deno.test("CacheMirClient.quit() sends QUIT then closes", async () => {
  const node = new FakeNode((
    r,
  ) => (r.opcode === 0x0004
    ? OK
    : r.opcode === 0x0100
    ? bytes("v")
    : undefined)
  );
  const client = new CacheMirClient({ nodes: [node.address] });
  try {
    assert.equal(await client.get("k"), "v");
    assert.equal(await client.quit(), "OK");
    assert.ok(node.received.some((r) => r.opcode === 0x0004));
    await assert.rejects(client.get("k"), ConnectionError);
  } finally {
    await node.close();
  }
});

Deno.test("CacheMirClient rejects with ConnectionError when the node is unreachable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const address = `127.0.0.1:${listener.addr.port}`;
  listener.close();
  const client = new CacheMirClient({ nodes: [address] });
  try {
    await assert.rejects(client.get("k"), (e: unknown) => {
      assert.ok(e instanceof ConnectionError);
      assert.equal(e.address, address);
      return true;
    });
  } finally {
    await client.close();
  }
});

Deno.test("CacheMirClient() validates its options", () => {
  assert.throws(() => new CacheMirClient({ nodes: [] }), /no nodes given/);
  assert.throws(
    () => new CacheMirClient({ nodes: ["127.0.0.1:99999"] }),
    /Invalid node address "127.0.0.1:99999": port "99999" is not an integer in 1..65535/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes: ["a"], commandTimeoutMs: 0 }),
    /Invalid commandTimeoutMs: 0/,
  );
  assert.throws(
    () => new CacheMirClient({ nodes: ["a"], connectTimeoutMs: NaN }),
    RangeError,
  );
});
