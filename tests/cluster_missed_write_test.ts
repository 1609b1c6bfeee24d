// Found by the drill (scripts/drill.ts --replicas 2, faults blackhole and
// reset): a replicated write that reaches one copy and times out on the other
// resolves OK, and the copy that missed it kept the old value — read again
// once its link healed, or once the other copy's node died. The copy that
// missed a write is taken down and the key deleted from it before it is used
// again: a read may miss, never see the old value.
import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";
import { nodeEvent, startNodes, stopNodes } from "./_helpers/cluster.ts";
import { TcpProxy } from "../scripts/drill/tcp_proxy.ts";

const OPTIONS = {
  replicas: 2,
  connectTimeoutMs: 500,
  commandTimeoutMs: 300,
  failureThreshold: 3,
  healthCheckIntervalMs: 50,
  retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
};

for (const missed of ["owner", "second copy"] as const) {
  Deno.test(`a replicated write the ${missed} missed is never read back old`, async () => {
    const nodes = await startNodes(2);
    const proxies = await Promise.all(
      nodes.map((n) => TcpProxy.start({ hostname: "127.0.0.1", port: n.port })),
    );
    const client = new CacheMirClient({
      nodes: proxies.map((p) => p.address),
      ...OPTIONS,
    });
    try {
      const key = "mw:1";
      const owner = proxies.findIndex((p) => p.address === client.nodeFor(key));
      const victim = missed === "owner" ? owner : 1 - owner;
      await client.set(key, "v1");
      proxies[victim].setMode({ kind: "blackhole" });
      const down = nodeEvent(client, "nodeDown", proxies[victim].address, 5000);
      // One copy answers: the write succeeds.
      assert.equal(await client.set(key, "v2"), "OK");
      await down;
      const up = nodeEvent(client, "nodeUp", proxies[victim].address, 10_000);
      proxies[victim].dropConnections();
      proxies[victim].setMode({ kind: "pass" });
      await up;
      if (missed === "second copy") {
        // The owner dies: reads go to the copy that missed the write.
        nodes[owner].child.kill("SIGKILL");
        await nodes[owner].child.status;
      }
      for (let i = 0; i < 20; i++) {
        const value = await client.get(key);
        assert.notEqual(value, "v1", `read ${i} returned the old value`);
      }
    } finally {
      await client.close();
      for (const p of proxies) await p.close();
      await stopNodes(nodes);
    }
  });
}

Deno.test("a replicated write the second copy refused (OOM) deletes the key there", async () => {
  const nodes = await startNodes(2);
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    ...OPTIONS,
  });
  try {
    const key = "mw:oom";
    await client.set(key, "v1");
    const second = nodes.find((n) => n.address !== client.nodeFor(key))!;
    await using direct = new CacheMirClient({ nodes: [second.address] });
    assert.equal(await direct.get(key), "v1");
    // The second copy refuses every write from now on.
    await direct.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
    await direct.call("CONFIG", "SET", "maxmemory", "1");
    await assert.rejects(direct.set("other", "x"), /^.*OOM/);
    // The owner took it: the write succeeds, and the refused copy's old
    // value goes (a DEL, which a full node still runs).
    assert.equal(await client.set(key, "v2"), "OK");
    let there: string | null = "v1";
    for (let i = 0; i < 100 && there !== null; i++) {
      there = await direct.get(key);
      if (there !== null) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(there, null, "the refused copy's old value was deleted");
    assert.equal(await client.get(key), "v2");
  } finally {
    await client.close();
    await stopNodes(nodes);
  }
});
