import assert from "node:assert/strict";
import {
  commandByName,
  encodeRequest,
  FrameWriter,
  type Reply,
} from "@cachemir/protocol";
import { CacheNode } from "../server/node.ts";
import { RawClient } from "./_helpers/raw_client.ts";
import { startNodeProcess } from "./_helpers/node_process.ts";
import { setupLogging } from "../server/log.ts";

setupLogging("error");

const op = (name: string): number => commandByName(name)!.opcode;
const text = (r: Reply): string => {
  assert.equal(r.kind, "bytes", JSON.stringify(r));
  return new TextDecoder().decode(r.value as Uint8Array);
};

async function withNode(
  fn: (node: CacheNode, client: RawClient) => Promise<void>,
  config: ConstructorParameters<typeof CacheNode>[0] = {},
): Promise<void> {
  const node = new CacheNode({ port: 0, ...config });
  await node.start();
  const client = await RawClient.connect(node.port);
  try {
    await fn(node, client);
  } finally {
    client.close();
    await node.close();
  }
}

Deno.test("CacheNode answers PING, SET and GET over TCP", async () => {
  await withNode(async (_node, c) => {
    assert.deepEqual(await c.call(op("PING")), {
      kind: "status",
      value: "PONG",
    });
    assert.deepEqual(await c.call(op("SET"), "k", "v"), { kind: "ok" });
    assert.equal(text(await c.call(op("GET"), "k")), "v");
    assert.deepEqual(await c.call(op("GET"), "missing"), { kind: "null" });
  });
});

Deno.test("CacheNode answers an unknown opcode with an error and stays open", async () => {
  await withNode(async (_node, c) => {
    assert.deepEqual(await c.call(0x7777, "x"), {
      kind: "error",
      code: "ERR",
      message: "unknown opcode 0x7777",
    });
    assert.deepEqual(await c.call(op("PING")), {
      kind: "status",
      value: "PONG",
    });
  });
});

Deno.test("CacheNode executes requests sent one byte at a time", async () => {
  await withNode(async (_node, c) => {
    const w = new FrameWriter();
    w.writeRequest(1, op("SET"), [
      new Uint8Array([0, 255]),
      new Uint8Array([13, 10, 0]),
    ]);
    w.writeRequest(2, op("GET"), [new Uint8Array([0, 255])]);
    for (const b of w.take()) await c.write(new Uint8Array([b]));
    assert.deepEqual((await c.read())?.reply, { kind: "ok" });
    const r = await c.read();
    assert.equal(r?.id, 2);
    assert.deepEqual(r?.reply, {
      kind: "bytes",
      value: new Uint8Array([13, 10, 0]),
    });
  });
});

Deno.test("CacheNode answers 10,000 pipelined requests in order", async () => {
  await withNode(async (_node, c) => {
    const w = new FrameWriter();
    for (let i = 0; i < 10_000; i++) {
      w.writeRequest(2 * i, op("SET"), [`k${i}`, `v${i}`]);
      w.writeRequest(2 * i + 1, op("GET"), [`k${i}`]);
    }
    await c.write(w.take());
    for (let i = 0; i < 10_000; i++) {
      const set = await c.read();
      assert.equal(set?.id, 2 * i);
      const get = await c.read();
      assert.equal(get?.id, 2 * i + 1);
      assert.equal(text(get!.reply), `v${i}`);
    }
  });
});

Deno.test("CacheNode skips an oversized frame with an error and stays in sync", async () => {
  await withNode(async (_node, c) => {
    await c.write(encodeRequest(1, op("SET"), ["k", "x".repeat(5000)]));
    await c.write(encodeRequest(2, op("PING"), []));
    const e = await c.read();
    assert.equal(e?.id, 1);
    assert.deepEqual(e?.reply, {
      kind: "error",
      code: "ERR",
      message: "Protocol error: frame length 5005 exceeds limit 1024",
    });
    assert.deepEqual((await c.read())?.reply, {
      kind: "status",
      value: "PONG",
    });
  }, { maxFrameBytes: 1024 });
});

Deno.test("CacheNode closes a connection that speaks RESP, after one error", async () => {
  await withNode(async (node, c) => {
    await c.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
    const e = await c.read();
    assert.equal(e?.reply.kind, "error");
    assert.equal(await c.read(), undefined);
    // Other clients are unaffected.
    const other = await RawClient.connect(node.port);
    assert.deepEqual(await other.call(op("PING")), {
      kind: "status",
      value: "PONG",
    });
    other.close();
  });
});

Deno.test("CacheNode.close() answers what was received, then closes", async () => {
  const node = new CacheNode({ port: 0 });
  await node.start();
  const c = await RawClient.connect(node.port);
  const w = new FrameWriter();
  for (let i = 0; i < 1000; i++) w.writeRequest(i, op("SET"), [`k${i}`, "v"]);
  await c.write(w.take());
  // The first reply proves the node has read the batch.
  assert.equal((await c.read())?.id, 0);
  await node.close();
  let n = 1;
  for (let r = await c.read(); r !== undefined; r = await c.read()) {
    assert.equal(r.id, n++);
  }
  assert.equal(n, 1000);
  c.close();
});

Deno.test("server/main.ts exits 0 on SIGTERM and SIGINT after answering", async () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const proc = await startNodeProcess();
    const c = await RawClient.connect(proc.port);
    assert.deepEqual(await c.call(op("SET"), "k", "v"), { kind: "ok" });
    const status = await proc.stop(signal);
    assert.equal(status.code, 0, proc.log());
    assert.equal(await c.read(), undefined);
    c.close();
    assert.match(proc.log(), /Shut down/);
  }
});

Deno.test("CacheNode.start() names the port and flag that cannot be bound", async () => {
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (busy.addr as Deno.NetAddr).port;
  try {
    for (
      const [config, flag] of [
        [{ port }, "--port"],
        [{ port: 0, respPort: port }, "--resp-port"],
        [{ port: 0, httpPort: port }, "--http-port"],
      ] as const
    ) {
      const node = new CacheNode({ ...config, logLevel: "error" });
      await assert.rejects(
        () => node.start(),
        (e: unknown) => {
          assert.ok(e instanceof Error);
          assert.match(
            e.message,
            new RegExp(
              `^Cannot listen on 127\\.0\\.0\\.1:${port} \\(${flag}\\): `,
            ),
          );
          return true;
        },
      );
    }
  } finally {
    busy.close();
  }
});
