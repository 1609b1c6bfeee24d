import assert from "node:assert/strict";
import { commandByName } from "@cachemir/protocol";
import { setupLogging } from "../server/log.ts";
import { RawClient } from "./_helpers/raw_client.ts";
import { encodeCommands, RespClient } from "./_helpers/resp_client.ts";
import { startRespNode, withRespNode } from "./_helpers/resp_node.ts";
import { startNodeProcess } from "./_helpers/node_process.ts";

setupLogging("error");

const enc = (s: string): Uint8Array =>
  Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Reads replies until the server closes the connection. */
async function readToClose(c: RespClient): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let r = await c.read(); r !== undefined; r = await c.read()) out.push(r);
  return out;
}

Deno.test("RESP port answers inline and multibulk commands, pipelined", async () => {
  await withRespNode(async (_node, c) => {
    await c.write(enc('PING\r\nECHO "a b"\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n'));
    assert.deepEqual(await c.read(), { status: "PONG" });
    assert.equal(await c.read(), "a b");
    assert.equal(await c.read(), "x");
    const commands = Array.from(
      { length: 1000 },
      (_, i) => ["SET", `k${i}`, `v${i}`],
    );
    const replies = await c.pipeline([...commands, [
      "MGET",
      "k0",
      "k999",
      "nope",
    ]]);
    assert.equal(replies.length, 1001);
    assert.ok(
      replies.slice(0, 1000).every((r) =>
        (r as { status: string }).status === "OK"
      ),
    );
    assert.deepEqual(replies[1000], ["v0", "v999", null]);
  });
});

Deno.test("RESP port keeps binary keys and values with CR, LF and NUL intact", async () => {
  await withRespNode(async (_node, c) => {
    const key = "\r\n\x00k\xff";
    const value = "*1\r\n$3\r\n\x00\x80\xff";
    assert.deepEqual(await c.call("SET", key, value), { status: "OK" });
    assert.equal(await c.call("GET", key), value);
    assert.deepEqual(await c.call("KEYS", "*"), [key]);
  });
});

Deno.test("RESP port executes a request sent one byte at a time", async () => {
  await withRespNode(async (_node, c) => {
    const bytes = encodeCommands([["SET", "k", "v\r\n"], ["GET", "k"]]);
    for (const b of bytes) await c.write(new Uint8Array([b]));
    assert.deepEqual(await c.read(), { status: "OK" });
    assert.equal(await c.read(), "v\r\n");
  });
});

Deno.test("RESP port shares the keyspace with the binary port", async () => {
  await withRespNode(async (node, c) => {
    const raw = await RawClient.connect(node.port);
    try {
      const op = (name: string): number => commandByName(name)!.opcode;
      assert.deepEqual(await raw.call(op("SET"), "from-binary", "1"), {
        kind: "ok",
      });
      assert.equal(await c.call("GET", "from-binary"), "1");
      assert.deepEqual(await c.call("SET", "from-resp", "2"), { status: "OK" });
      assert.deepEqual(await raw.call(op("GET"), "from-resp"), {
        kind: "bytes",
        value: enc("2"),
      });
      assert.equal(await c.call("DBSIZE"), 2);
    } finally {
      raw.close();
    }
  });
});

Deno.test("RESP port answers a protocol error, closes that connection only", async () => {
  await withRespNode(async (node, c) => {
    const other = await RespClient.connect(node.respPort);
    try {
      await c.write(enc("*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n"));
      assert.deepEqual(await readToClose(c), [
        { status: "PONG" },
        { error: "ERR Protocol error: invalid multibulk length" },
      ]);
      const cases: [string, string][] = [
        ["*1\r\nx\r\n", "ERR Protocol error: expected '$', got 'x'"],
        ["*1\r\n$-5\r\n", "ERR Protocol error: invalid bulk length"],
        ['SET "a\r\n', "ERR Protocol error: unbalanced quotes in request"],
      ];
      for (const [input, text] of cases) {
        const d = await RespClient.connect(node.respPort);
        await d.write(enc(input));
        assert.deepEqual(await readToClose(d), [{ error: text }], input);
        d.close();
      }
      assert.deepEqual(await other.call("PING"), { status: "PONG" });
    } finally {
      other.close();
    }
  });
});

Deno.test("RESP port closes an HTTP request without a reply, as Redis", async () => {
  await withRespNode(async (node, c) => {
    await c.write(enc("POST / HTTP/1.1\r\nHost: x\r\n\r\nFLUSHALL\r\n"));
    assert.deepEqual(await readToClose(c), []);
    const d = await RespClient.connect(node.respPort);
    assert.deepEqual(await d.call("PING"), { status: "PONG" });
    d.close();
  });
});

Deno.test("RESP port speaks RESP3 after HELLO 3 and RESP2 after HELLO 2", async () => {
  await withRespNode(async (_node, c) => {
    const hello = await c.call("HELLO", "3") as { map: [unknown, unknown][] };
    assert.deepEqual(hello.map.map(([k]) => k), [
      "server",
      "version",
      "proto",
      "id",
      "mode",
      "role",
      "modules",
    ]);
    assert.deepEqual(hello.map[2], ["proto", 3]);
    // The raw bytes: a RESP3 null and map.
    await c.write(encodeCommands([["GET", "missing"]]));
    assert.equal(await c.read(), null);
    await c.call("SET", "k", "v");
    assert.deepEqual(await c.call("CONFIG", "GET", "appendonly"), {
      map: [["appendonly", "no"]],
    });
    const hello2 = await c.call("HELLO", "2") as unknown[];
    assert.ok(Array.isArray(hello2));
    assert.deepEqual(hello2.slice(4, 6), ["proto", 2]);
    assert.deepEqual(await c.call("CONFIG", "GET", "appendonly"), [
      "appendonly",
      "no",
    ]);
  });
});

Deno.test("RESP port: QUIT replies OK and closes", async () => {
  await withRespNode(async (_node, c) => {
    await c.write(enc("QUIT\r\nPING\r\n"));
    assert.deepEqual(await readToClose(c), [{ status: "OK" }]);
  });
});

Deno.test("RESP port answers what redis-cli, redis-benchmark and ioredis send on connect", async () => {
  await withRespNode(async (_node, c) => {
    const replies = await c.pipeline([
      ["COMMAND", "DOCS"],
      ["CONFIG", "GET", "save"],
      ["CONFIG", "GET", "appendonly"],
      ["CLIENT", "SETNAME", "app"],
      ["CLIENT", "SETINFO", "LIB-NAME", "ioredis"],
      ["CLIENT", "SETINFO", "LIB-VER", "6.0.0"],
      ["SELECT", "0"],
      ["INFO"],
      ["CLIENT", "GETNAME"],
    ]);
    assert.ok(Array.isArray(replies[0]) && replies[0].length > 0);
    assert.deepEqual(replies.slice(1, 7), [
      ["save", ""],
      ["appendonly", "no"],
      { status: "OK" },
      { status: "OK" },
      { status: "OK" },
      { status: "OK" },
    ]);
    const info = replies[7] as string;
    assert.match(info, /^# Server\r\nredis_version:7\.0\.0\r\n/);
    assert.match(info, /\r\nloading:0\r\n/);
    assert.match(info, /\r\n# Keyspace\r\n$/);
    assert.equal(replies[8], "app");
    const list = await c.call("CLIENT", "LIST") as string;
    assert.match(list, /name=app .* lib-name=ioredis lib-ver=6\.0\.0\n$/);
  });
});

Deno.test("CacheNode.close() answers what was read on the RESP port, then closes", async () => {
  const node = await startRespNode();
  const c = await RespClient.connect(node.respPort);
  const commands = Array.from(
    { length: 2000 },
    (_, i) => ["SET", `k${i}`, "v"],
  );
  await c.write(encodeCommands(commands));
  assert.deepEqual(await c.read(), { status: "OK" });
  await node.close();
  const rest = await readToClose(c);
  assert.ok(rest.length <= 1999);
  assert.ok(rest.every((r) => (r as { status: string }).status === "OK"));
  c.close();
});

Deno.test("server/main.ts --resp-port logs the RESP listener and serves it", async () => {
  const { freePort } = await import("./_helpers/node_process.ts");
  const proc = await startNodeProcess(["--resp-port", String(freePort())]);
  try {
    assert.match(proc.log(), /Listening on 127\.0\.0\.1:\d+ \(RESP\)/);
    const c = await RespClient.connect(proc.respPort);
    assert.deepEqual(await c.call("SET", "k", "v"), { status: "OK" });
    c.close();
  } finally {
    const status = await proc.stop();
    assert.equal(status.code, 0);
  }
});
