// A client pointed at a server that answers with something other than
// CacheMir frames fails at its first read with a ProtocolError quoting what
// came back, not with a connect timeout.
import assert from "node:assert/strict";
import { CacheMirClient, ProtocolError } from "@cachemir/client";
import {
  bytes,
  commandInfo,
  decodeRequest,
  FrameDecoder,
  FrameWriter,
} from "@cachemir/protocol";
import { helloReply } from "../client/_test_utils.ts";
import { startRedis } from "./compat/_harness.ts";
import { startRespNode } from "./_helpers/resp_node.ts";

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

// Servers that never answer a plain HELLO frame (they wait for a line end,
// and Redis's inline parser stops at the NUL of the frame's flags byte)
// answer the opening probe at once. The client's timeouts are 30 s: a
// regression shows as a test that takes 30 s and then fails, not as a
// timing assertion.

/** The first ProtocolError among an error and its causes. */
function protocolError(error: unknown): ProtocolError | undefined {
  let p: unknown = error;
  while (p instanceof Error && !(p instanceof ProtocolError)) p = p.cause;
  return p instanceof ProtocolError ? p : undefined;
}

/** What a client with 30 s timeouts and no retries gets for GET from `address`. */
async function firstError(address: string): Promise<unknown> {
  const client = new CacheMirClient({
    nodes: [address],
    connectTimeoutMs: 30_000,
    commandTimeoutMs: 30_000,
    retry: { attempts: 1 },
  });
  try {
    return await client.get("k").then(() => undefined, (e) => e);
  } finally {
    await client.close();
  }
}

/** The ProtocolError's message a client gets from `address` (fails without one). */
async function notANodeMessage(address: string): Promise<string> {
  const error = await firstError(address);
  const p = protocolError(error);
  assert.ok(p, String(error));
  return p.message;
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
    try {
      // 30 s timeouts: an answer not recognised would end in a timeout
      // error, not in this ProtocolError.
      assert.equal(
        await notANodeMessage(`127.0.0.1:${server.port}`),
        `127.0.0.1:${server.port} is not a CacheMir node (it answered "${quoted}")`,
      );
    } finally {
      server.close();
    }
  }
});

/** Redis's (and the RESP port's) answer to the probe's one-byte first line. */
const UNKNOWN_COMMAND =
  "-ERR unknown command '\\x01', with args beginning with: \\r\\n";

Deno.test("CacheMirClient pointed at a real redis-server fails at its first read", async () => {
  const redis = await startRedis();
  try {
    assert.equal(
      await notANodeMessage(`127.0.0.1:${redis.port}`),
      `127.0.0.1:${redis.port} is not a CacheMir node (it answered "${UNKNOWN_COMMAND}")`,
    );
  } finally {
    await redis.stop();
  }
});

Deno.test("CacheMirClient pointed at a node's RESP port fails at its first read", async () => {
  const node = await startRespNode({ logLevel: "error" });
  try {
    assert.equal(
      await notANodeMessage(`127.0.0.1:${node.respPort}`),
      `127.0.0.1:${node.respPort} is not a CacheMir node (it answered "${UNKNOWN_COMMAND}")`,
    );
  } finally {
    await node.close();
  }
});

Deno.test("CacheMirClient pointed at an HTTP server fails at its first read", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("hello\n"),
  );
  try {
    assert.match(
      await notANodeMessage(`127.0.0.1:${server.addr.port}`),
      new RegExp(
        `^127\\.0\\.0\\.1:${server.addr.port} is not a CacheMir node \\(it answered "HTTP/1\\.1 400 Bad Request\\\\r\\\\n`,
      ),
    );
  } finally {
    await server.shutdown();
  }
});

/**
 * A node from before the opening probe: a reserved flag gets
 * `ERR Protocol error: unknown flags 0x0a` (the frame is skipped, the
 * connection stays open); HELLO and GET are answered.
 */
function olderNode(): { port: number; close: () => Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      served.push((async () => {
        const decoder = new FrameDecoder();
        const writer = new FrameWriter();
        const buf = new Uint8Array(4096);
        try {
          for (;;) {
            const n = await conn.read(buf);
            if (n === null) break;
            decoder.push(buf.subarray(0, n));
            for (let f = decoder.next(); f !== undefined; f = decoder.next()) {
              if ("kind" in f) throw new Error(f.message);
              const args = decodeRequest(f);
              const reply = !Array.isArray(args)
                ? args
                : f.opcode === commandInfo("HELLO").opcode
                ? helloReply()
                : bytes(`value of ${args[0]}`);
              writer.writeReply(f.id, f.opcode, reply);
            }
            await conn.write(writer.take());
          }
        } catch { /* gone */ }
        try {
          conn.close();
        } catch { /* closed */ }
      })());
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close: async () => {
      listener.close();
      await accepting;
      await Promise.allSettled(served);
    },
  };
}

Deno.test("CacheMirClient still connects to a node that refuses the probe's flags", async () => {
  const node = olderNode();
  const client = new CacheMirClient({
    nodes: [`127.0.0.1:${node.port}`],
    connectTimeoutMs: 30_000,
    retry: { attempts: 1 },
  });
  try {
    assert.equal(await client.get("k"), "value of k");
  } finally {
    await client.close();
    await node.close();
  }
});
