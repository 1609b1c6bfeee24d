import assert from "node:assert/strict";
import { bytes, error, status } from "@cachemir/protocol";
import { NodeState, parseAddress } from "./_node.ts";
import { ConnectionError, TimeoutError } from "./errors.ts";
import { FakeNode, tick } from "./_test_utils.ts";

Deno.test("parseAddress() reads host:port, [v6]:port and a bare host", () => {
  assert.deepEqual(parseAddress("127.0.0.1:7380"), {
    hostname: "127.0.0.1",
    port: 7380,
  });
  assert.deepEqual(parseAddress("cache.local"), {
    hostname: "cache.local",
    port: 7379,
  });
  assert.deepEqual(parseAddress("[::1]:7000"), { hostname: "::1", port: 7000 });
  assert.deepEqual(parseAddress("[::1]"), { hostname: "::1", port: 7379 });
  assert.deepEqual(parseAddress("cachemir://10.0.0.1:7400"), {
    hostname: "10.0.0.1",
    port: 7400,
  });
  assert.deepEqual(parseAddress("CacheMir://[::1]/"), {
    hostname: "::1",
    port: 7379,
  });
});

Deno.test("parseAddress() rejects malformed addresses", () => {
  for (
    const [address, why] of [
      ["", "no host"],
      [":7379", "no host"],
      ["h:0", 'port "0" is not an integer in 1..65535'],
      ["h:65536", 'port "65536" is not an integer in 1..65535'],
      ["h:x", 'port "x" is not an integer in 1..65535'],
      ["h:", 'port "" is not an integer in 1..65535'],
      ["::1", "an IPv6 address must be written in brackets, e.g. [::1]:7379"],
      ["[::1", "missing ']'"],
      ["[::1]x", `unexpected "x" after ']'`],
      [
        "redis://127.0.0.1:6379",
        "redis:// is not a form this client takes (it speaks CacheMir's binary protocol, not Redis's: give a node's --port, not its RESP port; use host:port, [v6]:port or cachemir://host:port)",
      ],
      [
        "http://h:80",
        "http:// is not a form this client takes (use host:port, [v6]:port or cachemir://host:port)",
      ],
      [
        "cachemir://u@h:1/db",
        "a cachemir:// address is cachemir://host:port, without user or path",
      ],
    ]
  ) {
    assert.throws(
      () => parseAddress(address),
      (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.equal(e.message, `Invalid node address "${address}": ${why}`);
        return true;
      },
    );
  }
});

Deno.test("NodeState normalizes its address and refuses commands once closed", async () => {
  const node = new NodeState("[::1]", { connection: {} });
  assert.equal(node.address, "[::1]:7379");
  assert.equal(node.state, "up");
  await node.close();
  await assert.rejects(
    node.send(0x0100, ["k"], (r) => r),
    /Cannot use \[::1\]:7379: the client is closed/,
  );
});

Deno.test("NodeState goes down after failureThreshold failures in a row, up when PING answers", async () => {
  let alive = false;
  const fake = new FakeNode((r) =>
    alive && r.opcode === 0x0002 ? status("PONG") : undefined
  );
  const events: string[] = [];
  const node = new NodeState(fake.address, {
    connection: { commandTimeoutMs: 40, connectTimeoutMs: 1000 },
    failureThreshold: 2,
    healthCheckIntervalMs: 20,
    onDown: (n, e) => events.push(`down ${n.address} ${e.name}`),
    onUp: (n) => events.push(`up ${n.address}`),
  });
  try {
    await assert.rejects(node.send(0x0100, ["a"], (r) => r), TimeoutError);
    assert.equal(node.state, "up");
    assert.equal(node.stats().consecutiveFailures, 1);
    // Timed out, or lost when the connection is deemed hung (no reply for
    // twice the timeout): both are network failures.
    await assert.rejects(
      node.send(0x0100, ["b"], (r) => r),
      (e) => e instanceof TimeoutError || e instanceof ConnectionError,
    );
    assert.equal(node.state, "down");
    assert.equal(events.length, 1);
    assert.match(events[0], new RegExp(`^down ${fake.address} `));
    const stats = node.stats();
    assert.equal(stats.requests, 2);
    assert.equal(stats.errors, 2);
    assert.ok(stats.timeouts >= 1);
    assert.equal(stats.pool.open, 0, "the pool was reset");

    await tick(150); // health checks PING, unanswered
    assert.equal(node.state, "down");
    const pings = fake.received.filter((r) => r.opcode === 0x0002).length;
    assert.ok(pings >= 1, `${pings} PINGs`);
    alive = true;
    for (let i = 0; i < 100 && node.state === "down"; i++) await tick(10);
    assert.equal(node.state, "up");
    assert.equal(events.length, 2);
    assert.equal(events[1], `up ${fake.address}`);
  } finally {
    await node.close();
    await fake.close();
  }
});

Deno.test("NodeState counts only network failures in a row", async () => {
  let answer: "ok" | "error" | "none" = "none";
  const fake = new FakeNode((r) =>
    r.opcode !== 0x0100
      ? undefined
      : answer === "ok"
      ? bytes("v")
      : answer === "error"
      ? error("ERR boom")
      : undefined
  );
  const node = new NodeState(fake.address, {
    connection: { commandTimeoutMs: 5000 },
    failureThreshold: 3,
  });
  const get = () => node.send(0x0100, ["k"], (r) => r).catch((e) => e);
  const lose = async () => {
    answer = "none";
    const sent = get();
    await tick(20);
    fake.dropConnections(); // the command fails with a ConnectionError
    assert.ok((await sent) instanceof ConnectionError);
  };
  try {
    await lose();
    await lose();
    assert.equal(node.stats().consecutiveFailures, 2);
    answer = "ok";
    await get();
    assert.equal(node.stats().consecutiveFailures, 0, "a success resets");
    await lose();
    answer = "error";
    for (let i = 0; i < 5; i++) await get();
    assert.equal(
      node.stats().consecutiveFailures,
      1,
      "error replies do not count",
    );
    assert.equal(node.state, "up");
    assert.equal(node.stats().errors, 8);
    assert.equal(node.stats().timeouts, 0);
    assert.equal(node.stats().requests, 9);
  } finally {
    await node.close();
    await fake.close();
  }
});
