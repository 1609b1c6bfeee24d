// SIGTERM to one of 3 nodes while 50 callers pipeline through a client with
// replicas: 2: the node answers what it read, exits 0 within its shutdown
// timeout, and no read fails (the second copies answer).
import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";
import { runLoad, sleep, stopNodes } from "./_helpers/cluster.ts";
import { freePort, startNodeProcess } from "./_helpers/node_process.ts";
import { eventually } from "./_helpers/eventually.ts";

Deno.test("a node stopped with SIGTERM under load drains, exits 0, and loses no read of a replicated client", async () => {
  const nodes = await Promise.all(
    [0, 1, 2].map(() => startNodeProcess(["--shutdown-timeout", "5"])),
  );
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    replicas: 2,
    commandTimeoutMs: 1000,
    healthCheckIntervalMs: 200,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  });
  try {
    const keys = Array.from({ length: 1000 }, (_, i) => `sd:${i}`);
    await client.mset(Object.fromEntries(keys.map((k) => [k, `v:${k}`])));
    const victim = nodes[1];
    // 50 callers reading for 1.5 s; SIGTERM half a second in.
    const load = runLoad(50, (w, i) => {
      const key = keys[(w * 37 + i) % keys.length];
      return ["get", key, client.get(key)];
    }, sleep(1500));
    await sleep(500);
    const stoppedAt = performance.now();
    const exit = victim.stop("SIGTERM");
    const records = await load;
    const status = await exit;
    const exitedMs = performance.now() - stoppedAt;
    assert.equal(status.code, 0, victim.log());
    assert.ok(exitedMs < 5000, `exited after ${exitedMs} ms`);
    assert.match(victim.log(), /Shut down/);
    const failed = records.filter((r) => r.error !== undefined);
    assert.deepEqual(failed.slice(0, 3).map((r) => `${r.key}: ${r.error}`), []);
    assert.ok(records.length > 1000, `${records.length} reads`);
    // Every key still answers from its other copy.
    assert.deepEqual(await client.mget(keys), keys.map((k) => `v:${k}`));
  } finally {
    await client.close();
    await stopNodes(nodes);
  }
});

Deno.test("a node whose client stops reading is cut at --shutdown-timeout and exits 3", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const respPort = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const node = await startNodeProcess([
    "--shutdown-timeout",
    "1",
    "--resp-port",
    String(respPort),
  ]);
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port: node.respPort });
    const big = "x".repeat(1 << 20);
    const enc = new TextEncoder();
    await conn.write(
      enc.encode(
        `*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${big.length}\r\n${big}\r\n`,
      ),
    );
    const ok = new Uint8Array(5);
    await conn.read(ok); // +OK
    // 300 MiB of replies asked for, none read: the node's writes block.
    await conn.write(
      enc.encode("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(300)),
    );
    await sleep(300);
    const started = performance.now();
    const status = await node.stop("SIGTERM");
    const ms = performance.now() - started;
    assert.equal(status.code, 3, node.log());
    assert.ok(ms >= 900 && ms < 5000, `exited after ${ms} ms`);
    assert.match(node.log(), /cutting 1 connections/);
  } finally {
    try {
      conn?.close();
    } catch { /* closed by the node */ }
    await stopNodes([node]);
  }
});

// 50 connections pipeline INCRs on the RESP port, each stamped with the time
// it was sent, when the node gets SIGTERM. The node's log says when the drain
// began. Every reply that comes back is the next count (none lost, none out
// of order), and a request that got no reply was sent after the drain began.
Deno.test("under SIGTERM, only requests sent after the drain began go unanswered", async () => {
  const node = await startNodeProcess([
    "--resp-port",
    String(freePort()),
    "--log-format",
    "json",
    "--shutdown-timeout",
    "5",
  ]);
  const enc = new TextEncoder();
  const conns = await Promise.all(
    Array.from(
      { length: 50 },
      () => Deno.connect({ hostname: "127.0.0.1", port: node.respPort }),
    ),
  );
  const now = () => performance.timeOrigin + performance.now();
  /** Replies each connection has read so far. */
  const progress = conns.map(() => 0);
  const run = async (conn: Deno.TcpConn, c: number) => {
    const key = `drain:${c}`;
    const request = enc.encode(
      `*2\r\n$4\r\nINCR\r\n$${key.length}\r\n${key}\r\n`.repeat(8),
    );
    const sentAt: number[] = [];
    let answered = 0;
    let outOfOrder = "";
    let ended = false;
    const reader = (async () => {
      const buf = new Uint8Array(64 * 1024);
      let line = "";
      try {
        for (;;) {
          const n = await conn.read(buf);
          if (n === null) break;
          line += new TextDecoder().decode(buf.subarray(0, n));
          let nl: number;
          while ((nl = line.indexOf("\r\n")) >= 0) {
            const reply = line.slice(0, nl);
            line = line.slice(nl + 2);
            answered++;
            progress[c] = answered;
            if (reply !== `:${answered}` && outOfOrder === "") {
              outOfOrder = `reply ${answered} was ${reply}`;
            }
          }
        }
      } catch {
        // reset by the node: what was answered is counted
      }
      ended = true;
    })();
    try {
      // At most 256 requests unanswered, so the node never blocks on us.
      while (!ended) {
        if (sentAt.length - answered > 256) {
          await sleep(1);
          continue;
        }
        const t = now();
        for (let i = 0; i < 8; i++) sentAt.push(t);
        await conn.write(request);
      }
    } catch {
      // the node closed: the requests of this write went unsent
    }
    await reader;
    try {
      conn.close();
    } catch { /* closed */ }
    return { sentAt, answered, outOfOrder };
  };
  try {
    const results = conns.map((conn, c) => run(conn, c));
    // Every connection under way (100 replies each) before the SIGTERM.
    await eventually(
      () => progress.every((n) => n >= 100),
      "100 replies on every connection",
      30_000,
    );
    const status = await node.stop("SIGTERM");
    const all = await Promise.all(results);
    assert.equal(status.code, 0, node.log());
    const began = node.log().split("\n").filter((l) =>
      l.includes("Shutting down")
    ).map((l) =>
      Date.parse(JSON.parse(l)["@timestamp"])
    )[0];
    assert.ok(Number.isFinite(began), node.log());
    let unanswered = 0;
    for (const [c, r] of all.entries()) {
      assert.equal(r.outOfOrder, "", `connection ${c}`);
      assert.ok(r.answered > 0, `connection ${c} got no reply`);
      if (r.answered < r.sentAt.length) {
        unanswered += r.sentAt.length - r.answered;
        const firstUnanswered = r.sentAt[r.answered];
        // Date.parse has ms resolution: the drain began within that ms.
        assert.ok(
          firstUnanswered >= began,
          `connection ${c}: request ${r.answered} sent ${
            (began - firstUnanswered).toFixed(1)
          } ms before the drain began went unanswered`,
        );
      }
    }
    console.log(
      `answered ${
        all.reduce((s, r) => s + r.answered, 0)
      }, unanswered (sent after the drain began) ${unanswered}`,
    );
  } finally {
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
    await stopNodes([node]);
  }
});
