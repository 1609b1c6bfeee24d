// CacheMirClient against a real node process: connection commands,
// pipelining, binary safety, errors, timeouts, connection loss and closing.
import assert from "node:assert/strict";
import {
  CacheMirClient,
  ConnectionError,
  ReplyError,
  TimeoutError,
} from "@cachemir/client";
import { startNodeProcess } from "./_helpers/node_process.ts";
import { sleep, withNodeClient } from "./_helpers/node_client.ts";

const ALL_BYTES = new Uint8Array(256).map((_, i) => i);

Deno.test("CacheMirClient on a node process", (t) =>
  withNodeClient(async (client, node) => {
    await t.step("CacheMirClient.ping(), echo(), hello()", async () => {
      assert.equal(await client.ping(), "PONG");
      assert.equal(await client.ping("hi"), "hi");
      assert.equal(await client.echo("héllo"), "héllo");
      assert.deepEqual(await client.echoBuffer(ALL_BYTES), ALL_BYTES);
      const info = await client.hello(1);
      assert.equal(info.server, "cachemir");
      assert.equal(info.proto, 1);
      assert.deepEqual(info.protos, [1]);
      assert.equal(info.maxFrameBytes, 16 * 1024 * 1024);
      assert.ok(info.maxArgs > 0);
      assert.equal((await client.hello()).proto, 1);
      await assert.rejects(
        client.hello(99),
        (e: unknown) => e instanceof ReplyError && e.code === "NOPROTO",
      );
    });

    await t.step("CacheMirClient.call() runs commands by name", async () => {
      assert.equal(await client.call("SET", "c:k", "v"), "OK");
      assert.equal(await client.call("get", "c:k"), "v");
      assert.deepEqual(
        await client.callBuffer("GET", "c:k"),
        new Uint8Array([0x76]),
      );
      assert.equal(await client.call("strlen", "c:k"), 1);
      await assert.rejects(
        client.call("get"),
        (e: unknown) =>
          e instanceof ReplyError &&
          e.message === "ERR wrong number of arguments for 'get' command",
      );
      await assert.rejects(
        client.call("nosuchcommand", "a"),
        (e: unknown) =>
          e instanceof ReplyError &&
          e.message.startsWith("ERR unknown command 'nosuchcommand'"),
      );
    });

    await t.step(
      "CacheMirClient.set()/getBuffer(): every byte value round-trips in keys and values",
      async () => {
        assert.equal(await client.set(ALL_BYTES, ALL_BYTES), "OK");
        assert.deepEqual(await client.getBuffer(ALL_BYTES), ALL_BYTES);
        assert.equal(await client.strlen(ALL_BYTES), 256);
        const singles = Array.from(
          { length: 256 },
          (_, b) => new Uint8Array([b]),
        );
        await Promise.all(singles.map((k) => client.set(k, k)));
        const values = await client.mgetBuffer(singles);
        for (let b = 0; b < 256; b++) {
          assert.deepEqual(values[b], singles[b], `byte ${b}`);
        }
        assert.deepEqual(
          await client.getrangeBuffer(ALL_BYTES, 250, -1),
          ALL_BYTES.subarray(250),
        );
        assert.deepEqual(await client.getsetBuffer(ALL_BYTES, "x"), ALL_BYTES);
        const keys = await client.keysBuffer("*");
        assert.ok(
          keys.some((k) => k.length === 256 && k.every((v, i) => v === i)),
        );
        // Invalid UTF-8 comes back as bytes, unchanged.
        const invalid = new Uint8Array([0xc3, 0x28, 0xff, 0xfe]);
        await client.set("b:invalid", invalid);
        assert.deepEqual(await client.getBuffer("b:invalid"), invalid);
        assert.equal(await client.get("b:invalid"), "\ufffd(\ufffd\ufffd");
        assert.equal(await client.del(ALL_BYTES, ...singles), 257);
      },
    );

    await t.step(
      "CacheMirClient.get(): 10,000 concurrent gets pipelined on one client resolve correctly",
      async () => {
        const n = 10_000;
        const keys = Array.from({ length: n }, (_, i) => `p:${i}`);
        const sets = await Promise.all(
          keys.map((k, i) => client.set(k, `value-${i}`)),
        );
        assert.ok(sets.every((r) => r === "OK"));
        const values = await Promise.all(keys.map((k) => client.get(k)));
        for (let i = 0; i < n; i++) assert.equal(values[i], `value-${i}`);
        const mixed = await Promise.all(
          keys.map((k, i) => (i % 2 === 0 ? client.get(k) : client.strlen(k))),
        );
        for (let i = 0; i < n; i++) {
          assert.equal(
            mixed[i],
            i % 2 === 0 ? `value-${i}` : `value-${i}`.length,
          );
        }
      },
    );

    await t.step(
      "CacheMirClient.incr(): errors carry the node's text and leave the connection usable",
      async () => {
        await client.set("e:text", "abc");
        const [bad, good] = await Promise.allSettled([
          client.incr("e:text"),
          client.get("e:text"),
        ]);
        assert.equal(bad.status, "rejected");
        assert.ok(bad.reason instanceof ReplyError);
        assert.equal(
          bad.reason.message,
          "ERR value is not an integer or out of range",
        );
        assert.equal(bad.reason.code, "ERR");
        assert.deepEqual(good, { status: "fulfilled", value: "abc" });
      },
    );

    await t.step(
      "CacheMirClient.get() on a hung node rejects with TimeoutError within its timeout",
      async () => {
        const fast = new CacheMirClient({
          nodes: [node.address],
          commandTimeoutMs: 200,
          retry: { attempts: 1 }, // the first timeout, not a retry's
        });
        try {
          assert.equal(await fast.set("t:k", "v"), "OK");
          node.child.kill("SIGSTOP");
          const started = performance.now();
          try {
            const results = await Promise.allSettled([
              fast.get("t:k"),
              fast.get("t:k"),
            ]);
            const elapsed = performance.now() - started;
            for (const r of results) {
              assert.equal(r.status, "rejected");
              assert.ok(r.reason instanceof TimeoutError, String(r.reason));
              assert.equal(r.reason.operation, "GET");
              assert.equal(r.reason.timeoutMs, 200);
            }
            assert.ok(
              elapsed >= 195 && elapsed < 1000,
              `rejected after ${elapsed} ms`,
            );
          } finally {
            node.child.kill("SIGCONT");
          }
          assert.equal(
            await fast.get("t:k"),
            "v",
            "works again once the node resumes",
          );
        } finally {
          await fast.close();
        }
      },
    );

    await t.step(
      "CacheMirClient.close() rejects commands in flight; later commands reject",
      async () => {
        const other = new CacheMirClient({ nodes: [node.address] });
        await other.ping();
        node.child.kill("SIGSTOP"); // keep the commands in flight
        try {
          const pending = [other.get("x"), other.get("y"), other.get("z")].map((
            p,
          ) => p.then(() => assert.fail("resolved"), (e) => e));
          await sleep(20);
          await other.close();
          for (const e of await Promise.all(pending)) {
            assert.ok(e instanceof ConnectionError);
            assert.equal(
              e.message,
              `Connection to ${node.address} closed by the client with 3 requests in flight`,
            );
          }
        } finally {
          node.child.kill("SIGCONT");
        }
        await other.close();
        await assert.rejects(other.get("x"), /the client is closed/);
      },
    );

    await t.step(
      "CacheMirClient[Symbol.asyncDispose]: await using closes the client",
      async () => {
        let leaked: CacheMirClient;
        {
          await using scoped = new CacheMirClient({ nodes: [node.address] });
          assert.equal(await scoped.ping(), "PONG");
          leaked = scoped;
        }
        await assert.rejects(leaked.ping(), ConnectionError);
      },
    );

    await t.step(
      "CacheMirClient.quit() lets the node answer what was sent first",
      async () => {
        const q = new CacheMirClient({ nodes: [node.address] });
        await q.set("q:k", "v");
        const before = q.get("q:k");
        assert.equal(await q.quit(), "OK");
        assert.equal(await before, "v");
        await assert.rejects(q.get("q:k"), ConnectionError);
      },
    );
  }));

Deno.test("CacheMirClient rejects commands in flight when the node dies", async () => {
  const node = await startNodeProcess();
  // No retries, no failover: the errors of the connection itself. (With the
  // defaults, GET is retried and the node goes down: tests/cluster_*.)
  const client = new CacheMirClient({
    nodes: [node.address],
    retry: { attempts: 1 },
    failureThreshold: 100,
  });
  try {
    await client.set("k", "v");
    node.child.kill("SIGSTOP");
    const pending = Array.from(
      { length: 3 },
      () => client.get("k").then(() => assert.fail("resolved"), (e) => e),
    );
    await sleep(20);
    await node.stop("SIGKILL");
    for (const e of await Promise.all(pending)) {
      assert.ok(e instanceof ConnectionError, String(e));
      assert.match(
        e.message,
        new RegExp(
          `^Connection to ${node.address} closed .*with 3 requests in flight$`,
        ),
      );
    }
    await assert.rejects(client.get("k"), (e: unknown) => {
      assert.ok(e instanceof ConnectionError);
      assert.match(
        e.message,
        new RegExp(`^Cannot connect to ${node.address}: `),
      );
      return true;
    });
  } finally {
    await client.close();
    await node.stop("SIGKILL");
  }
});
