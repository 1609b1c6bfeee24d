// A client pointed at a server that answers with something other than
// CacheMir frames fails at its first read with a ProtocolError quoting what
// came back, not with a connect timeout.
import assert from "node:assert/strict";
import { CacheMirClient, ProtocolError } from "@cachemir/client";

/** A TCP server that answers any bytes with `answer`, then closes. */
function answering(answer: string): { port: number; close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const conn of listener) {
      (async () => {
        try {
          await conn.read(new Uint8Array(1024));
          await conn.write(new TextEncoder().encode(answer));
          await new Promise((r) => setTimeout(r, 50));
        } catch { /* gone */ }
        try {
          conn.close();
        } catch { /* closed */ }
      })();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close: () => listener.close(),
  };
}

Deno.test("CacheMirClient says a server that answers with other bytes is not a CacheMir node", async () => {
  for (
    const [answer, quoted] of [
      ["-ERR unknown command\r\n", "-ERR unknown command\\r\\n"],
      [
        "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 400 Bad Request\\r\\ncontent-length: 0\\r\\n\\r\\n",
      ],
    ]
  ) {
    const server = answering(answer);
    const client = new CacheMirClient({
      nodes: [`127.0.0.1:${server.port}`],
      connectTimeoutMs: 5000,
      retry: { attempts: 1 },
    });
    const started = performance.now();
    try {
      const error = await client.get("k").then(() => undefined, (e) => e);
      let p: unknown = error;
      while (p instanceof Error && !(p instanceof ProtocolError)) p = p.cause;
      assert.ok(p instanceof ProtocolError, String(error));
      assert.equal(
        p.message,
        `127.0.0.1:${server.port} is not a CacheMir node (it answered "${quoted}")`,
      );
      assert.ok(performance.now() - started < 2000);
    } finally {
      await client.close();
      server.close();
    }
  }
});
