/**
 * The floor of Deno's network path, for comparing with the node's: a TCP
 * server with the node's read loop (`Deno.Conn.read` into one 64 KiB buffer,
 * one write per read) that does no work. It answers every `*` it reads with
 * `+PONG`, so redis-benchmark's PING_MBULK runs against it; run it with
 * `--trace-gc` to count the scavenges the read and write ops alone make.
 *
 * ```sh
 * stdbuf -oL deno run -A --v8-flags=--max-semi-space-size=4,--trace-gc scripts/bench/echo_floor.ts --port 7396 | grep -c Scavenge &
 * redis-benchmark -p 7396 -t ping_mbulk -n 1000000 -c 50 -P 16 -q
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";

/**
 * Serves one connection until it closes: reads, counts the requests (`*`
 * bytes) in the read, writes that many `+PONG` in one write.
 *
 * @param conn The accepted connection.
 */
async function serve(conn: Deno.Conn): Promise<void> {
  const pong = new TextEncoder().encode("+PONG\r\n".repeat(1024));
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let requests = 0;
      for (let i = 0; i < n; i++) if (buf[i] === 0x2a) requests++;
      const reply = pong.subarray(0, 7 * Math.min(requests, 1024));
      let written = 0;
      while (written < reply.length) {
        written += await conn.write(reply.subarray(written));
      }
    }
  } catch {
    // the peer went away
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string", default: "7396" } },
  });
  const listener = Deno.listen({
    hostname: "127.0.0.1",
    port: Number(values.port),
  });
  console.error(`echo floor listening on 127.0.0.1:${values.port}`);
  for await (const conn of listener) serve(conn);
}
