// Pool against fake nodes on 127.0.0.1 (needs --allow-net).
import assert from "node:assert/strict";
import { bytes, commandInfo, type Reply } from "@cachemir/protocol";
import { blockingTimeoutMs, Pool } from "./pool.ts";
import { ClientConnection } from "./connection.ts";
import { ConnectionError, TimeoutError } from "./errors.ts";
import { wasNotSent } from "./retry.ts";
import { FakeNode, tick } from "./_test_utils.ts";

const GET = 0x0100;
const asKind = (r: Reply): string => r.kind;
const echoGet = (r: { opcode: number; args: string[] }): Reply | undefined =>
  r.opcode === GET ? bytes(r.args[0]) : undefined;
const target = (node: FakeNode) => ({ hostname: "127.0.0.1", port: node.port });
const hellos = (node: FakeNode): number =>
  node.received.filter((r) => r.opcode === 1).length;

Deno.test("Pool.send() opens one connection lazily and pipelines over it", async () => {
  const node = new FakeNode(echoGet);
  const pool = new Pool(target(node));
  try {
    await tick(5);
    assert.equal(node.conns.size, 0);
    const replies = await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) => pool.send(GET, [`k${i}`], (r) => r),
      ),
    );
    assert.deepEqual(replies[999], bytes(new TextEncoder().encode("k999")));
    assert.equal(node.conns.size, 1, "one connection carried them all");
    assert.equal(hellos(node), 1);
    assert.deepEqual(pool.stats(), {
      open: 1,
      inUse: 0,
      idle: 1,
      waiting: 0,
      inFlight: 0,
      maxConnections: 4,
    });
  } finally {
    await pool.close();
    await node.close();
  }
});

Deno.test("Pool opens more connections under load, never more than maxConnections", async () => {
  const node = new FakeNode(() => undefined); // answers HELLO only
  const pool = new Pool(target(node), {
    maxConnections: 3,
    connection: { commandTimeoutMs: 10_000 },
  });
  const pending: Promise<unknown>[] = [];
  try {
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 40; i++) {
        pending.push(pool.send(GET, ["k"], asKind).catch((e) => e));
      }
      await tick(20);
    }
    const stats = pool.stats();
    assert.equal(stats.open, 3);
    assert.equal(stats.inUse, 3);
    assert.equal(stats.inFlight, 400);
    assert.equal(node.conns.size, 3);
    assert.equal(hellos(node), 3);
  } finally {
    await pool.close();
    await node.close();
  }
  const errors = await Promise.all(pending);
  assert.ok(errors.every((e) => e instanceof ConnectionError));
});

Deno.test("Pool sends the commands of one tick over one connection", async () => {
  const node = new FakeNode(() => undefined); // answers HELLO only
  const opened: ClientConnection[] = [];
  const pool = new Pool(target(node), {
    connection: { commandTimeoutMs: 10_000 },
    connect: async (t, o) => {
      const c = await ClientConnection.connect(t, o);
      opened.push(c);
      return c;
    },
  });
  const pending: Promise<unknown>[] = [];
  const round = (n: number) => {
    for (let i = 0; i < n; i++) {
      pending.push(pool.send(GET, ["k"], asKind).catch((e) => e));
    }
  };
  try {
    round(40); // opens the first connection; all 40 wait for it
    await tick(20);
    round(5); // 40 in flight on it: a second one opens, these stay together
    await tick(20);
    round(7); // the least busy connection takes the whole tick
    await tick(20);
    assert.equal(opened.length, 2);
    assert.deepEqual(opened.map((c) => c.inFlight), [45, 7]);
  } finally {
    await pool.close();
    await node.close();
  }
  await Promise.all(pending);
});

Deno.test("Pool.send() waits for a slot up to acquireTimeoutMs", async () => {
  const node = new FakeNode(() => undefined);
  const pool = new Pool(target(node), {
    maxInFlight: 2,
    acquireTimeoutMs: 50,
    connection: { commandTimeoutMs: 10_000 },
  });
  const settled: unknown[] = [];
  const observed = new Pool(target(node), {
    maxInFlight: 1,
    acquireTimeoutMs: 30,
    onSettle: (e) => settled.push(e),
  });
  try {
    const held = [1, 2].map(() =>
      pool.send(GET, ["k"], asKind).catch((e) => e)
    );
    const started = performance.now();
    const third = pool.send(GET, ["k"], asKind);
    await tick(10);
    assert.equal(pool.stats().waiting, 1);
    await assert.rejects(third, (e: unknown) => {
      assert.ok(e instanceof TimeoutError);
      assert.equal(e.operation, "acquire");
      assert.equal(
        e.message,
        `Waiting for a free slot in the pool of ${node.address} timed out after 50 ms`,
      );
      assert.ok(wasNotSent(e));
      return true;
    });
    const waited = performance.now() - started;
    assert.ok(waited >= 45 && waited < 2000, `waited ${waited} ms`);
    assert.equal(pool.stats().waiting, 0);
    assert.equal(
      node.received.filter((r) => r.opcode === GET).length,
      2,
      "the third command was never sent",
    );
    await pool.close();
    for (const e of await Promise.all(held)) {
      assert.ok(e instanceof ConnectionError);
    }

    const first = observed.send(GET, ["k"], asKind).catch(() => {});
    await assert.rejects(observed.send(GET, ["k"], asKind), TimeoutError);
    assert.ok(settled.at(-1) instanceof TimeoutError, "onSettle saw it");
    await observed.close();
    await first;
  } finally {
    await pool.close();
    await observed.close();
    await node.close();
  }
});

Deno.test("Pool drops a broken connection and opens a fresh one", async () => {
  const node = new FakeNode(echoGet);
  const lost: Error[] = [];
  const pool = new Pool(target(node), {
    onConnectionError: (e) => lost.push(e),
  });
  try {
    assert.equal(await pool.send(GET, ["a"], asKind), "bytes");
    node.dropConnections();
    await tick(20);
    assert.equal(pool.stats().open, 0, "the broken connection is gone");
    assert.equal(lost.length, 1);
    assert.match(lost[0].message, /closed by the node/);
    assert.equal(await pool.send(GET, ["b"], asKind), "bytes");
    assert.equal(hellos(node), 2, "a fresh connection, with its own HELLO");
    assert.equal(pool.stats().open, 1);
  } finally {
    await pool.close();
    await node.close();
  }
});

Deno.test("Pool.send() rejects unsent commands when the node refuses connections", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const lost: Error[] = [];
  const settled: unknown[] = [];
  const pool = new Pool({ hostname: "127.0.0.1", port }, {
    onConnectionError: (e) => lost.push(e),
    onSettle: (e) => settled.push(e),
  });
  try {
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => pool.send(GET, ["k"], asKind)),
    );
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.ok(r.reason instanceof ConnectionError);
      assert.match(r.reason.message, /^Cannot connect to 127\.0\.0\.1:\d+/);
      assert.ok(wasNotSent(r.reason));
    }
    assert.equal(lost.length, 1, "one failed attempt, shared");
    assert.equal(settled.length, 3);
    assert.equal(pool.stats().open, 0);
  } finally {
    await pool.close();
  }
});

Deno.test("Pool.reset() fails what is queued and in flight, then reconnects", async () => {
  let answer = false;
  const node = new FakeNode((r) => (answer ? echoGet(r) : undefined));
  const settled: unknown[] = [];
  const pool = new Pool(target(node), {
    maxInFlight: 1,
    connection: { commandTimeoutMs: 10_000 },
    onSettle: (e) => settled.push(e),
  });
  try {
    const inFlight = pool.send(GET, ["a"], asKind).catch((e) => e);
    const queued = pool.send(GET, ["b"], asKind).catch((e) => e);
    await tick(20);
    await pool.reset(new Error("node marked down"));
    assert.match(String(await inFlight), /closed by the client with 1 request/);
    const error = await queued;
    assert.ok(error instanceof Error);
    await assert.rejects(Promise.reject(error), (e: unknown) => {
      assert.match(String(e), /node marked down/);
      assert.ok(wasNotSent(e));
      return true;
    });
    assert.equal(
      settled.length,
      2,
      "onSettle saw the in-flight and the queued command",
    );
    assert.ok(
      settled.includes(error),
      "the queued command's failure is counted",
    );
    answer = true;
    assert.equal(await pool.send(GET, ["c"], asKind), "bytes");
    assert.equal(hellos(node), 2);
  } finally {
    await pool.close();
    await node.close();
  }
});

Deno.test("Pool.drain() lets commands in flight finish, then closes", async () => {
  const node = new FakeNode(echoGet);
  const pool = new Pool(target(node));
  try {
    assert.equal(await pool.send(GET, ["warm"], asKind), "bytes");
    const inFlight = pool.send(GET, ["a"], asKind);
    const draining = pool.drain(5000);
    assert.ok(pool.closed);
    await assert.rejects(
      pool.send(GET, ["b"], asKind),
      new RegExp(
        `Cannot use ${node.address}: the node was removed from the client`,
      ),
    );
    assert.equal(await inFlight, "bytes");
    await draining;
    assert.equal(pool.stats().open, 0);
  } finally {
    await pool.close();
    await node.close();
  }
});

Deno.test("Pool.close() is idempotent and refuses later commands", async () => {
  const node = new FakeNode(echoGet);
  const pool = new Pool(target(node));
  await pool.send(GET, ["a"], asKind);
  await Promise.all([pool.close(), pool.close()]);
  await assert.rejects(pool.send(GET, ["a"], asKind), (e: unknown) => {
    assert.ok(e instanceof ConnectionError);
    assert.equal(e.message, `Cannot use ${node.address}: the client is closed`);
    assert.ok(wasNotSent(e));
    return true;
  });
  await node.close();
});

Deno.test("Pool reports one latency sample in 8 through onSettle", async () => {
  const node = new FakeNode(echoGet);
  const latencies: number[] = [];
  const pool = new Pool(target(node), {
    onSettle: (e, ms) => {
      assert.equal(e, undefined);
      latencies.push(ms);
    },
  });
  try {
    for (let i = 0; i < 16; i++) await pool.send(GET, ["k"], asKind);
    assert.equal(latencies.length, 16);
    const measured = latencies.filter((ms) => ms >= 0);
    assert.equal(measured.length, 2);
    assert.ok(measured.every((ms) => ms < 5000));
  } finally {
    await pool.close();
    await node.close();
  }
});

Deno.test("Pool() validates its options", () => {
  const t = { hostname: "127.0.0.1", port: 1 };
  assert.throws(
    () => new Pool(t, { maxConnections: 0 }),
    /Invalid maxConnections: 0 \(must be a positive integer\)/,
  );
  assert.throws(() => new Pool(t, { maxInFlight: 1.5 }), RangeError);
  assert.throws(
    () => new Pool(t, { acquireTimeoutMs: -1 }),
    /Invalid acquireTimeoutMs: -1/,
  );
});

Deno.test("blockingTimeoutMs: the command's own timeout plus the command timeout", () => {
  const op = (name: Parameters<typeof commandInfo>[0]): number =>
    commandInfo(name).opcode;
  assert.equal(blockingTimeoutMs(op("BLPOP"), ["a", "b", "2.5"], 1000), 3500);
  assert.equal(blockingTimeoutMs(op("BRPOP"), ["a", "0.0011"], 1000), 1002);
  assert.equal(
    blockingTimeoutMs(op("BLMOVE"), ["a", "b", "LEFT", "LEFT", "1"], 10),
    1010,
  );
  assert.equal(blockingTimeoutMs(op("BRPOPLPUSH"), ["a", "b", "3"], 0), 3000);
  assert.equal(
    blockingTimeoutMs(op("BLMPOP"), ["4", "1", "a", "LEFT"], 100),
    4100,
  );
  // 0 waits forever: the longest timer.
  assert.equal(blockingTimeoutMs(op("BLPOP"), ["a", "0"], 5), 2 ** 31 - 1);
  // The node refuses these at once.
  assert.equal(blockingTimeoutMs(op("BLPOP"), ["a", "-1"], 5), 5);
  assert.equal(blockingTimeoutMs(op("BLPOP"), ["a", "soon"], 5), 5);
  // Through CALL, by name.
  assert.equal(blockingTimeoutMs(0x0000, ["blpop", "a", "1"], 5), 1005);
  assert.equal(blockingTimeoutMs(0x0000, ["get", "a"], 5), undefined);
  const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
  assert.equal(
    blockingTimeoutMs(0x0000, [utf8("BRPOP"), "a", utf8("2")], 5),
    2005,
  );
  assert.equal(blockingTimeoutMs(0x0000, [], 5), undefined);
  // No timeout argument (the node refuses it at once); one past the
  // longest timer waits that long.
  assert.equal(blockingTimeoutMs(0x0000, ["blpop"], 5), 5);
  assert.equal(
    blockingTimeoutMs(op("BLPOP"), ["a", "1e9"], 5),
    2 ** 31 - 1,
  );
  assert.equal(
    blockingTimeoutMs(op("LMPOP"), ["1", "a", "LEFT"], 5),
    undefined,
  );
  assert.equal(blockingTimeoutMs(op("GET"), ["a"], 5), undefined);
});
