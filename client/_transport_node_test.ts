// The Node.js transport (node:net, node:tls), run here through Deno's own
// node:net and node:tls, against peers on 127.0.0.1 (needs --allow-net,
// --allow-read and --allow-run for the certificates). The npm package's
// test (tests/npm_package_test.ts) runs it under Node.js and Bun.
import assert from "node:assert/strict";
import { bytes, decodeUtf8 } from "@cachemir/protocol";
import { ClientConnection } from "./connection.ts";
import { TlsHandshakeError } from "./_dial.ts";
import { RUNTIME } from "./_transport.ts";
import {
  dialNode,
  HIGH_WATER_BYTES,
  NodeSocketStream,
  unrefTimerNode,
} from "./_transport_node.ts";
import { FakeNode, tick } from "./_test_utils.ts";
import { makeTestCerts } from "../tests/_helpers/certs.ts";

/** A listener on 127.0.0.1 whose connections `serve` handles. */
function listen(serve: (conn: Deno.Conn) => Promise<void>): {
  port: number;
  close: () => Promise<void>;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tasks: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const c of listener) tasks.push(serve(c).catch(() => {}));
  })().catch(() => {});
  return {
    port: listener.addr.port,
    close: async () => {
      listener.close();
      await accepting;
      await Promise.allSettled(tasks);
    },
  };
}

/**
 * Reads everything until the end of the stream, `bufferSize` bytes at most
 * per read; each read returns between 1 and that many.
 */
async function readAll(
  conn: { read(b: Uint8Array): Promise<number | null> },
  bufferSize = 64 * 1024,
) {
  const parts: Uint8Array[] = [];
  const buf = new Uint8Array(bufferSize);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    assert.ok(n > 0 && n <= buf.length, `read returned ${n}`);
    parts.push(buf.slice(0, n));
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("the transport under Deno is Deno's own", () => {
  assert.equal(RUNTIME, "deno");
});

Deno.test("dialNode(): a write reaches the peer, its answer comes back, then null at its end", async () => {
  const server = listen(async (c) => {
    const buf = new Uint8Array(16);
    const n = await c.read(buf);
    await c.write(buf.subarray(0, n ?? 0).reverse());
    c.close();
  });
  try {
    const stream = await dialNode(
      { hostname: "127.0.0.1", port: server.port },
      undefined,
    );
    assert.ok(stream instanceof NodeSocketStream);
    assert.equal(await stream.write(new Uint8Array([1, 2, 3])), 3);
    assert.deepEqual(await readAll(stream), new Uint8Array([3, 2, 1]));
    stream.close();
    await assert.rejects(stream.write(new Uint8Array([4])), /closed/);
    assert.equal(await stream.read(new Uint8Array(8)), null);
  } finally {
    await server.close();
  }
});

Deno.test("dialNode(): reads return what the peer sent, in order, across small buffers", async () => {
  const sent = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
  const server = listen(async (c) => {
    let done = 0;
    while (done < sent.length) done += await c.write(sent.subarray(done));
    c.close();
  });
  try {
    const stream = await dialNode(
      { hostname: "127.0.0.1", port: server.port },
      undefined,
    );
    // Smaller than a chunk: reads split chunks.
    assert.deepEqual(await readAll(stream, 1000), sent);
    stream.close();
  } finally {
    await server.close();
  }
});

Deno.test("dialNode(): a reader that falls behind pauses the socket, and reading resumes it", async () => {
  const total = 4 * HIGH_WATER_BYTES;
  const server = listen(async (c) => {
    const chunk = new Uint8Array(64 * 1024).fill(7);
    let done = 0;
    try {
      while (done < total) {
        done += await c.write(
          chunk.subarray(0, Math.min(chunk.length, total - done)),
        );
      }
    } finally {
      c.close();
    }
  });
  try {
    const stream = (await dialNode(
      { hostname: "127.0.0.1", port: server.port },
      undefined,
    )) as NodeSocketStream;
    // Nobody reads: the stream fills to its high-water mark and pauses.
    for (let i = 0; i < 500 && !stream.paused; i++) await tick(10);
    assert.ok(
      stream.paused,
      `not paused with ${stream.buffered} bytes buffered`,
    );
    const buffered = stream.buffered;
    assert.ok(buffered >= HIGH_WATER_BYTES && buffered < total, `${buffered}`);
    await tick(50);
    // Paused: no more than one chunk in flight arrived since.
    assert.ok(stream.buffered - buffered <= 64 * 1024, `${stream.buffered}`);
    const got = await readAll(stream);
    assert.equal(got.length, total);
    assert.ok(got.every((b) => b === 7));
    assert.ok(!stream.paused);
    stream.close();
  } finally {
    await server.close();
  }
});

Deno.test("dialNode(): a pending read ends with null when the stream is closed", async () => {
  const server = listen(async (c) => {
    await readAll(c);
    c.close();
  });
  try {
    const stream = await dialNode(
      { hostname: "127.0.0.1", port: server.port },
      undefined,
    );
    const reading = stream.read(new Uint8Array(16));
    // One read at a time: a second one while it waits is refused.
    await assert.rejects(
      stream.read(new Uint8Array(16)),
      /Cannot read: a read is in progress/,
    );
    await tick(10);
    stream.close();
    assert.equal(await reading, null);
  } finally {
    await server.close();
  }
});

Deno.test("dialNode(): a refused connection rejects; an aborted one rejects with the signal's reason", async () => {
  const server = listen((c) => Promise.resolve(c.close()));
  const port = server.port;
  await server.close();
  await assert.rejects(
    dialNode({ hostname: "127.0.0.1", port }, undefined),
    /ECONNREFUSED|refused/i,
  );
  const abort = new AbortController();
  abort.abort(new Error("gave up"));
  await assert.rejects(
    dialNode({ hostname: "127.0.0.1", port }, undefined, abort.signal),
    /gave up/,
  );
});

Deno.test("dialNode(): a ClientConnection over it pipelines 1,000 commands to a node", async () => {
  const node = new FakeNode((r) =>
    r.opcode === 0x0100 ? bytes(`v:${r.args[0]}`) : undefined
  );
  try {
    const stream = await dialNode(
      { hostname: "127.0.0.1", port: node.port },
      undefined,
    );
    const conn = new ClientConnection(stream, node.address);
    const replies = await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) =>
          conn.send(
            0x0100,
            [`k${i}`],
            (r) =>
              r.kind === "bytes" && typeof r.value !== "string"
                ? decodeUtf8(r.value)
                : r.kind,
          ),
      ),
    );
    assert.deepEqual(
      replies,
      Array.from({ length: 1000 }, (_, i) => `v:k${i}`),
    );
    await conn.close();
    assert.ok(conn.closed);
  } finally {
    await node.close();
  }
});

Deno.test("dialNode(): TLS trusts caCerts besides the system's roots, and fails the handshake on another CA", async () => {
  const certs = await makeTestCerts();
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: await Deno.readTextFile(certs.serverCertFile),
    key: await Deno.readTextFile(certs.serverKeyFile),
  });
  const accepting = (async () => {
    for await (const c of listener) {
      (async () => {
        try {
          const buf = new Uint8Array(16);
          const n = await c.read(buf);
          if (n !== null) await c.write(buf.subarray(0, n));
        } catch {
          // the handshake failed
        } finally {
          try {
            c.close();
          } catch { /* closed */ }
        }
      })();
    }
  })().catch(() => {});
  const target = { hostname: "127.0.0.1", port: listener.addr.port };
  try {
    const stream = await dialNode(target, { caCerts: [certs.ca] });
    await stream.write(new TextEncoder().encode("ping"));
    const buf = new Uint8Array(16);
    const n = await stream.read(buf);
    assert.equal(new TextDecoder().decode(buf.subarray(0, n!)), "ping");
    stream.close();

    // A client certificate with another name to check than the address
    // connected to (which Deno.connectTls cannot do).
    const named = await dialNode(target, {
      caCerts: [certs.ca],
      hostname: "localhost",
      cert: certs.clientCert,
      key: certs.clientKey,
    });
    await named.write(new TextEncoder().encode("pong"));
    const m = await named.read(buf);
    assert.equal(new TextDecoder().decode(buf.subarray(0, m!)), "pong");
    named.close();

    // The certificate names localhost and 127.0.0.1, not this name.
    await assert.rejects(
      dialNode(target, { caCerts: [certs.ca], hostname: "cache.internal" }),
      (e: unknown) =>
        e instanceof TlsHandshakeError &&
        /cache\.internal|altnames/i.test(e.message),
    );
    await assert.rejects(
      dialNode(target, { caCerts: [certs.otherCa] }),
      (e: unknown) => e instanceof TlsHandshakeError,
    );
  } finally {
    listener.close();
    await accepting;
    await certs.remove();
  }
});

Deno.test("unrefTimerNode() accepts Deno's timers (numbers) and Node's (objects)", () => {
  const timer = setTimeout(() => {}, 10);
  unrefTimerNode(timer);
  clearTimeout(timer);
  let unrefs = 0;
  unrefTimerNode(
    { unref: () => unrefs++ } as unknown as ReturnType<typeof setTimeout>,
  );
  assert.equal(unrefs, 1);
});

Deno.test("dialNode(): TLS to a peer that answers plain bytes fails the handshake", async () => {
  const server = listen(async (c) => {
    await c.read(new Uint8Array(4096));
    await c.write(new TextEncoder().encode("-ERR not TLS\r\n"));
    c.close();
  });
  try {
    await assert.rejects(
      dialNode({ hostname: "127.0.0.1", port: server.port }, {}),
      (e: unknown) => e instanceof TlsHandshakeError,
    );
  } finally {
    await server.close();
  }
});
