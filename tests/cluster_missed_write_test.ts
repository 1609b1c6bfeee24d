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
