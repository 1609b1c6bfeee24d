import assert from "node:assert/strict";
import { NodeState, parseAddress } from "./_node.ts";

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

Deno.test("NodeState normalizes its address and refuses to connect once closed", async () => {
  const node = new NodeState("[::1]", {});
  assert.equal(node.address, "[::1]:7379");
  assert.equal(node.connection, undefined);
  await node.close();
  await assert.rejects(
    node.connect(),
    /Cannot use \[::1\]:7379: the client is closed/,
  );
});
