/**
 * A node process's flow limits over TCP, on both ports:
 * `--client-output-buffer-limit` (a client that pipelines big GETs and never
 * reads is disconnected, logged at warn with its address and counted in
 * INFO; the node's memory stays bounded; other clients are served) and
 * `--rate-limit` (a flooding connection is slowed to about the rate, nothing
 * is dropped, and a polite connection is answered promptly meanwhile).
 */

import assert from "node:assert/strict";
import { commandByName, encodeRequest } from "@cachemir/protocol";
import { eventually, infoField } from "./_helpers/eventually.ts";
import { HostilePeer } from "./_helpers/hostile_peer.ts";
import { startRespNodeProcess } from "./_helpers/node_process.ts";
import type { NodeProcess } from "./_helpers/node_process.ts";
import { procMemory } from "./_helpers/proc_status.ts";
import { RawClient } from "./_helpers/raw_client.ts";
import { encodeCommands, RespClient } from "./_helpers/resp_client.ts";

const op = (name: string): number => commandByName(name)!.opcode;

/** Starts a node process with a RESP port, logging at info. */
function startNode(
  args: string[],
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  return startRespNodeProcess(["--log-level", "info", ...args], env);
}

const VALUE_BYTES = 256 * 1024;
/** GETs a flooder sends: 400 × 256 KiB = 100 MiB of replies it never reads. */
const FLOOD_GETS = 400;
const LIMIT = "4mb";

/** The flooder's requests on each port: GET big, FLOOD_GETS times. */
function floodBytes(port: "resp" | "binary"): Uint8Array {
  if (port === "resp") {
    return encodeCommands(
      Array.from({ length: FLOOD_GETS }, () => ["GET", "big"]),
    );
  }
  const frames = Array.from(
    { length: FLOOD_GETS },
    (_, i) => encodeRequest(i + 1, op("GET"), ["big"]),
  );
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let p = 0;
  for (const f of frames) {
    out.set(f, p);
    p += f.length;
  }
  return out;
}

for (const port of ["resp", "binary"] as const) {
  Deno.test(`client-output-buffer-limit: a ${port} client that never reads its replies is disconnected, counted and logged; memory stays bounded`, async () => {
    const node = await startNode(["--client-output-buffer-limit", LIMIT]);
    const polite = await RespClient.connect(node.respPort);
    let flooder: HostilePeer | undefined;
    try {
      assert.deepEqual(
        await polite.call("SET", "big", "x".repeat(VALUE_BYTES)),
        { status: "OK" },
      );
      const before = procMemory(node.child.pid).rss;
      flooder = await HostilePeer.connect(
        port === "resp" ? node.respPort : node.port,
      );
      // The write may block (the node stops reading once it cut the
      // client) or fail (reset): either way the flooder never reads.
      void flooder.write(floodBytes(port), 20_000);
      let peak = 0;
      await eventually(
        async () => {
          peak = Math.max(peak, procMemory(node.child.pid).rss);
          const info = await polite.call("INFO", "stats");
          return infoField(
            info,
            "client_output_buffer_limit_disconnections",
          ) ===
            "1";
        },
        "the flooder's disconnection",
        20_000,
      );
      // The node closed the flooder's connection: reading now finds the
      // end (after what the kernel buffers held).
      const seen = await flooder.readUntil(() => false, 20_000);
      assert.ok(seen.closed, "the node closed the flooder's connection");
      assert.ok(
        seen.bytes.length === 0 || flooder.receivedBytes < FLOOD_GETS *
              VALUE_BYTES,
        "the flooder did not get every reply",
      );
      // Memory: far below the 100 MiB of replies asked for (the limit is
      // 4 MiB; the kernel's socket buffers are not the node's).
      const grew = peak - before;
      assert.ok(
        grew < 64 * 1024 * 1024,
        `RSS grew by ${grew} bytes while the flooder pipelined 100 MiB of replies`,
      );
      // Logged at warn with the peer's address.
      await eventually(
        () => /WRN.*client-output-buffer-limit/.test(node.log()),
        "the warning",
        20_000,
      );
      const line = node.log().split("\n").find((l) =>
        /WRN.*client-output-buffer-limit/.test(l)
      )!;
      assert.match(line, /127\.0\.0\.1:\d+/);
      // The other client is served as before.
      assert.deepEqual(await polite.call("PING"), { status: "PONG" });
      assert.equal(
        ((await polite.call("GET", "big")) as string).length,
        VALUE_BYTES,
      );
      // CONFIG RESETSTAT resets the count.
      assert.deepEqual(await polite.call("CONFIG", "RESETSTAT"), {
        status: "OK",
      });
      assert.equal(
        infoField(
          await polite.call("INFO", "stats"),
          "client_output_buffer_limit_disconnections",
        ),
        "0",
      );
      // CONFIG GET reads the limit; CONFIG SET changes it.
      assert.deepEqual(
        await polite.call("CONFIG", "GET", "client-output-buffer-limit"),
        ["client-output-buffer-limit", String(4 * 1024 * 1024)],
      );
      assert.deepEqual(
        await polite.call("CONFIG", "SET", "client-output-buffer-limit", "0"),
        { status: "OK" },
      );
    } finally {
      await flooder?.close();
      polite.close();
      const status = await node.stop();
      assert.equal(status.code, 0);
    }
  });
}

Deno.test("client-output-buffer-limit: a client that reads its replies is never cut, even for replies far past the limit in all", async () => {
  const node = await startNode(["--client-output-buffer-limit", "1mb"]);
  const client = await RespClient.connect(node.respPort);
  const binary = await RawClient.connect(node.port);
  try {
    await client.call("SET", "big", "y".repeat(VALUE_BYTES));
    // 3 × 256 KiB per pipeline, read at once: under the limit each time.
    for (let round = 0; round < 20; round++) {
      const replies = await client.pipeline([
        ["GET", "big"],
        ["GET", "big"],
        ["GET", "big"],
      ]);
      for (const r of replies) {
        assert.equal((r as string).length, VALUE_BYTES);
      }
      const reply = await binary.call(op("GET"), "big");
      assert.equal(reply.kind, "bytes");
    }
    const info = await client.call("INFO", "stats");
    assert.equal(
      infoField(info, "client_output_buffer_limit_disconnections"),
      "0",
    );
  } finally {
    client.close();
    binary.close();
    await node.stop();
  }
});

/** The median of some numbers. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const RATE = 200;
const FLOOD = 600;

for (const port of ["resp", "binary"] as const) {
  Deno.test(`rate-limit: a flooding ${port} connection is slowed to about the rate, nothing dropped; a polite one is answered promptly`, async () => {
    // The binary run takes the setting from the environment.
    const node = port === "resp"
      ? await startNode(["--rate-limit", String(RATE)])
      : await startNode([], { CACHEMIR_RATE_LIMIT: String(RATE) });
    const polite = await RespClient.connect(node.respPort);
    const resp = port === "resp"
      ? await RespClient.connect(node.respPort)
      : undefined;
    const raw = port === "binary"
      ? await RawClient.connect(node.port)
      : undefined;
    try {
      assert.deepEqual(
        await polite.call("CONFIG", "GET", "rate-limit"),
        ["rate-limit", String(RATE)],
      );
      const started = performance.now();
      const flood = (async (): Promise<number> => {
        if (resp !== undefined) {
          const replies = await resp.pipeline(
            Array.from({ length: FLOOD }, (_, i) => ["ECHO", String(i)]),
          );
          // Every command ran, in order: nothing dropped, nothing failed.
          replies.forEach((r, i) => assert.equal(r, String(i)));
        } else {
          const ids: number[] = [];
          for (let i = 0; i < FLOOD; i++) {
            ids.push(await raw!.send(op("ECHO"), [String(i)]));
          }
          for (let i = 0; i < FLOOD; i++) {
            const r = await raw!.read();
            assert.equal(r?.id, ids[i]);
            assert.equal(r?.reply.kind, "bytes");
          }
        }
        return performance.now() - started;
      })();
      // Meanwhile a polite connection sends one command at a time.
      const politeMs: number[] = [];
      let flooding = true;
      flood.finally(() => flooding = false);
      while (flooding && politeMs.length < 40) {
        const t = performance.now();
        assert.deepEqual(await polite.call("PING"), { status: "PONG" });
        politeMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 25));
      }
      const floodMs = await flood;
      // The bucket holds one second of commands: the rest waits for tokens.
      const leastMs = (FLOOD - RATE) / RATE * 1000;
      assert.ok(
        floodMs >= leastMs * 0.5,
        `${FLOOD} commands at ${RATE}/s took ${floodMs.toFixed(0)} ms`,
      );
      assert.ok(politeMs.length >= 3, "the polite client got replies");
      assert.ok(
        median(politeMs) * 10 < floodMs,
        `polite median ${median(politeMs).toFixed(1)} ms vs flood ${
          floodMs.toFixed(0)
        } ms`,
      );
      // Off at run time: the same flood is no longer slowed.
      assert.deepEqual(
        await polite.call("CONFIG", "SET", "rate-limit", "0"),
        { status: "OK" },
      );
      const replies = await polite.pipeline(
        Array.from({ length: FLOOD }, () => ["PING"]),
      );
      assert.equal(replies.length, FLOOD);
    } finally {
      polite.close();
      resp?.close();
      raw?.close();
      await node.stop();
    }
  });
}

Deno.test("client-output-buffer-limit: on SIGTERM, replies still queued for a slow reader are written before the node closes its side", async () => {
  const node = await startNode(["--client-output-buffer-limit", "64mb"]);
  const client = await RespClient.connect(node.respPort);
  const other = await RespClient.connect(node.respPort);
  const gets = 100; // 25 MiB of replies: more than the socket buffers take
  try {
    await client.call("SET", "big", "z".repeat(VALUE_BYTES));
    const id = await client.call("CLIENT", "ID");
    await client.write(
      encodeCommands(Array.from({ length: gets }, () => ["GET", "big"])),
    );
    // The node ran them all and queued what the socket did not take.
    await eventually(
      async () => {
        const line = String(
          await other.call("CLIENT", "LIST", "ID", String(id)),
        );
        return Number(/ omem=(\d+)/.exec(line)?.[1] ?? 0) > 0 &&
          / cmd=get /.test(line);
      },
      "replies queued for the client",
      20_000,
    );
    other.close();
    node.child.kill("SIGTERM");
    for (let i = 0; i < gets; i++) {
      const reply = await client.read();
      assert.equal((reply as string).length, VALUE_BYTES, `reply ${i}`);
    }
    assert.equal(await client.read(), undefined);
    assert.equal((await node.child.status).code, 0);
  } finally {
    client.close();
    other.close();
    await node.stop();
  }
});
