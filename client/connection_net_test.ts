// ClientConnection over real TCP against fake peers on 127.0.0.1 (needs --allow-net).
import assert from "node:assert/strict";
import { bytes, error, int, map } from "@cachemir/protocol";
import { ClientConnection } from "./connection.ts";
import { ConnectionError, ProtocolError, TimeoutError } from "./errors.ts";
import { FakeNode, tick } from "./_test_utils.ts";

Deno.test("Connection.connect() exchanges HELLO and keeps the node's limits", async () => {
  const node = new FakeNode((r) =>
    r.opcode === 0x0100 ? bytes(r.args[0]) : undefined
  );
  try {
    const conn = await ClientConnection.connect({
      hostname: "127.0.0.1",
      port: node.port,
    });
    assert.equal(node.received[0].opcode, 0x0001);
    assert.deepEqual(node.received[0].args, ["1"]);
    assert.equal(conn.hello?.server, "cachemir");
    assert.equal(conn.hello?.maxFrameBytes, 1024);
    assert.equal(conn.hello?.maxArgs, 16);
    assert.equal(conn.address, node.address);
    assert.equal(await conn.send(0x0100, ["k"], (r) => r.kind), "bytes");
    await conn.close();
  } finally {
    await node.close();
  }
});

Deno.test("Connection.connect() with hello: false sends nothing", async () => {
  const node = new FakeNode(() => undefined);
  try {
    const conn = await ClientConnection.connect(
      { hostname: "127.0.0.1", port: node.port },
      { hello: false },
    );
    await tick(20);
    assert.equal(node.received.length, 0);
    assert.equal(conn.hello, undefined);
    await conn.close();
  } finally {
    await node.close();
  }
});

Deno.test("Connection.connect() rejects with TimeoutError when HELLO is never answered", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of listener) accepted.push(c); // accept, never read
  })().catch(() => {});
  try {
    const started = performance.now();
    await assert.rejects(
      ClientConnection.connect(
        { hostname: "127.0.0.1", port: listener.addr.port },
        { connectTimeoutMs: 100 },
      ),
      (e: unknown) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.operation, "connect");
        assert.equal(
          e.message,
          `Connecting to 127.0.0.1:${listener.addr.port} timed out after 100 ms`,
        );
        return true;
      },
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 99 && elapsed < 500, `after ${elapsed} ms`);
  } finally {
    listener.close();
    await accepting;
    for (const c of accepted) c.close();
  }
});

Deno.test("Connection.connect() rejects with ConnectionError when nothing listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  await assert.rejects(
    ClientConnection.connect({ hostname: "127.0.0.1", port }),
    (e: unknown) => {
      assert.ok(e instanceof ConnectionError);
      assert.equal(e.address, `127.0.0.1:${port}`);
      assert.match(
        e.message,
        new RegExp(`^Cannot connect to 127.0.0.1:${port}: `),
      );
      return true;
    },
  );
});

Deno.test("Connection.connect() rejects a node that refuses protocol version 1", async () => {
  const node = new FakeNode((r) =>
    r.opcode === 0x0001
      ? error("NOPROTO unsupported protocol version; this node speaks 2")
      : undefined
  );
  try {
    await assert.rejects(
      ClientConnection.connect({ hostname: "127.0.0.1", port: node.port }),
      new RegExp(
        `^ConnectionError: Cannot connect to ${node.address}: HELLO failed: NOPROTO unsupported protocol version; this node speaks 2$`,
      ),
    );
  } finally {
    await node.close();
  }
});

Deno.test("Connection.connect() rejects a HELLO that picks another version", async () => {
  const node = new FakeNode((r) =>
    r.opcode === 0x0001 ? map([[bytes("proto"), int(2)]]) : undefined
  );
  try {
    await assert.rejects(
      ClientConnection.connect({ hostname: "127.0.0.1", port: node.port }),
      /HELLO chose protocol version 2, this client speaks 1/,
    );
  } finally {
    await node.close();
  }
});

Deno.test("Connection.connect() rejects a peer that does not speak CacheMir", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const c = await listener.accept();
    await c.read(new Uint8Array(1024));
    await c.write(new TextEncoder().encode("-ERR unknown command\r\n"));
    await tick(200);
    c.close();
  })();
  try {
    await assert.rejects(
      ClientConnection.connect({
        hostname: "127.0.0.1",
        port: listener.addr.port,
      }),
      (e: unknown) => {
        // Its first bytes are not a frame: not a node, said at once.
        assert.ok(e instanceof ProtocolError);
        assert.equal(
          e.message,
          `127.0.0.1:${listener.addr.port} is not a CacheMir node (it answered "-ERR unknown command\\r\\n")`,
        );
        return true;
      },
    );
  } finally {
    await serving.catch(() => {});
    listener.close();
  }
});
