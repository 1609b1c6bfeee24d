import assert from "node:assert/strict";
import { TcpProxy } from "./tcp_proxy.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A target that answers every chunk with "reply:<chunk>" padded to 64 bytes,
 * and records what it received.
 */
function startTarget(): {
  port: number;
  received: () => string;
  close: () => Promise<void>;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  let received = "";
  const serving = (async () => {
    const tasks: Promise<void>[] = [];
    for await (const conn of listener) {
      conns.add(conn);
      tasks.push((async () => {
        const buf = new Uint8Array(1024);
        try {
          for (;;) {
            const n = await conn.read(buf);
            if (n === null) break;
            const text = decoder.decode(buf.subarray(0, n));
            received += text;
            await conn.write(encoder.encode(`reply:${text}`.padEnd(64, ".")));
          }
        } catch { /* closed */ }
        conns.delete(conn);
        try {
          conn.close();
        } catch { /* closed */ }
      })());
    }
    await Promise.all(tasks);
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    received: () => received,
    close: async () => {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await serving;
    },
  };
}

/**
 * Reads until `bytes` bytes came, the peer closed, or `ms` passed.
 * @returns What came, and whether the peer closed.
 */
async function readFor(
  conn: Deno.Conn,
  bytes: number,
  ms: number,
): Promise<{ text: string; closed: boolean }> {
  let text = "";
  let closed = false;
  const deadline = Date.now() + ms;
  const buf = new Uint8Array(1024);
  let pending: Promise<number | null> | undefined;
  while (text.length < bytes) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    pending ??= conn.read(buf).catch(() => null);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const n = await Promise.race([
      pending,
      new Promise<"timeout">((r) =>
        timer = setTimeout(() => r("timeout"), left)
      ),
    ]);
    clearTimeout(timer);
    if (n === "timeout") break;
    pending = undefined;
    if (n === null) {
      closed = true;
      break;
    }
    text += decoder.decode(buf.subarray(0, n));
  }
  if (pending !== undefined) {
    // Leave no read behind: closing the connection settles it.
    conn.close();
    await pending;
  }
  return { text, closed };
}

async function withProxy(
  fn: (
    proxy: TcpProxy,
    target: ReturnType<typeof startTarget>,
  ) => Promise<void>,
): Promise<void> {
  const target = startTarget();
  const proxy = await TcpProxy.start({
    hostname: "127.0.0.1",
    port: target.port,
  });
  try {
    await fn(proxy, target);
  } finally {
    await proxy.close();
    await target.close();
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* closed */ }
}

Deno.test("TcpProxy passes bytes both ways", async () => {
  await withProxy(async (proxy, target) => {
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.port,
    });
    await conn.write(encoder.encode("ping"));
    const { text } = await readFor(conn, 64, 10_000);
    assert.equal(text, "reply:ping".padEnd(64, "."));
    assert.equal(target.received(), "ping");
    closeQuietly(conn);
  });
});

Deno.test("TcpProxy in delay mode delivers later and in order", async () => {
  await withProxy(async (proxy) => {
    proxy.setMode({ kind: "delay", ms: 100 });
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.port,
    });
    const t0 = performance.now();
    await conn.write(encoder.encode("a"));
    const { text } = await readFor(conn, 64, 10_000);
    // Both directions are delayed: at least 2 × 100 ms (timers never fire early;
    // 1 ms of slack for their rounding).
    assert.ok(performance.now() - t0 >= 199, `${performance.now() - t0} ms`);
    assert.equal(text, "reply:a".padEnd(64, "."));
    await conn.write(encoder.encode("b"));
    assert.equal((await readFor(conn, 64, 10_000)).text.slice(0, 7), "reply:b");
    closeQuietly(conn);
  });
});

Deno.test("TcpProxy in blackhole mode accepts, swallows, never answers nor closes", async () => {
  await withProxy(async (proxy, target) => {
    // An open connection goes dark...
    const open = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.port,
    });
    await open.write(encoder.encode("x"));
    assert.equal((await readFor(open, 64, 10_000)).text.length, 64);
    proxy.setMode({ kind: "blackhole" });
    await open.write(encoder.encode("y"));
    // ...and so does a new one.
    const fresh = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.port,
    });
    await fresh.write(encoder.encode("z"));
    const [a, b] = await Promise.all([
      readFor(open, 1, 300),
      readFor(fresh, 1, 300),
    ]);
    assert.deepEqual(a, { text: "", closed: false });
    assert.deepEqual(b, { text: "", closed: false });
    assert.equal(target.received(), "x");
    // Healed: new connections pass again.
    proxy.setMode({ kind: "pass" });
    const healed = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.port,
    });
    await healed.write(encoder.encode("w"));
    assert.equal(
      (await readFor(healed, 64, 10_000)).text.slice(0, 7),
      "reply:w",
    );
    closeQuietly(healed);
  });
});

Deno.test("TcpProxy in reset mode closes the connection in the middle of a reply", async () => {
  await withProxy(async (proxy, target) => {
    proxy.setMode({ kind: "reset" });
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.port,
    });
    await conn.write(encoder.encode("q"));
    const { text, closed } = await readFor(conn, 64, 10_000);
    assert.ok(closed, "the connection was closed");
    assert.equal(text, "reply:q".padEnd(64, ".").slice(0, 32));
    assert.equal(target.received(), "q");
    closeQuietly(conn);
  });
});

Deno.test("TcpProxy in halfOpen mode forwards requests, no reply, closes nothing", async () => {
  await withProxy(async (proxy, target) => {
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.port,
    });
    await conn.write(encoder.encode("1"));
    assert.equal((await readFor(conn, 64, 10_000)).text.length, 64);
    proxy.setMode({ kind: "halfOpen" });
    await conn.write(encoder.encode("2"));
    for (let i = 0; i < 100 && target.received() !== "12"; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(target.received(), "12");
    // Back to pass: this connection stays silent (its reply stream has a hole).
    proxy.setMode({ kind: "pass" });
    await conn.write(encoder.encode("3"));
    assert.deepEqual(await readFor(conn, 1, 300), { text: "", closed: false });
  });
});

Deno.test("TcpProxy closes the client's side when the target refuses", async () => {
  const target = startTarget();
  const port = target.port;
  await target.close();
  const proxy = await TcpProxy.start({ hostname: "127.0.0.1", port });
  try {
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: proxy.port,
    });
    const { text, closed } = await readFor(conn, 1, 10_000);
    assert.deepEqual({ text, closed }, { text: "", closed: true });
    closeQuietly(conn);
  } finally {
    await proxy.close();
  }
});

Deno.test("TcpProxy rejects a negative delay", async () => {
  await withProxy((proxy) => {
    assert.throws(
      () => proxy.setMode({ kind: "delay", ms: -1 }),
      /delay must be >= 0 ms, got -1/,
    );
    return Promise.resolve();
  });
});
