// Found by the drill (scripts/drill.ts, fault "stop"): keys written to a
// stand-in while the client is cleaning up a returning node — after its
// health check answered, before it is used again — must be cleaned too, or
// the node serves its old value for them once it is back.
import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";
import { nodeEvent, startNodes, stopNodes } from "./_helpers/cluster.ts";

const OPTIONS = {
  connectTimeoutMs: 1000,
  commandTimeoutMs: 1500,
  failureThreshold: 3,
  healthCheckIntervalMs: 50,
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
};

Deno.test("CacheMirClient cleans keys written elsewhere while a returning node is being cleaned", async () => {
  const nodes = await startNodes(3);
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    ...OPTIONS,
  });
  const victim = nodes[0];
  try {
    // Many keys written while it is down make its cleanup last a while.
    const bulk = Array.from({ length: 24_000 }, (_, i) => `bulk:${i}`)
      .filter((k) => client.nodeFor(k) === victim.address);
    const racers = Array.from({ length: 12_000 }, (_, i) => `race:${i}`)
      .filter((k) => client.nodeFor(k) === victim.address);
    await client.mset(Object.fromEntries(racers.map((k) => [k, "old"])));

    const down = nodeEvent(client, "nodeDown", victim.address, 10_000);
    victim.child.kill("SIGSTOP");
    // Three commands time out together: down.
    await Promise.all(
      racers.slice(0, 3).map((k) => client.get(k).catch(() => {})),
    );
    await down;
    await client.mset(Object.fromEntries(bulk.map((k) => [k, "new"])));

    // Each racer is written once, one after the other, from SIGCONT until the
    // node is used again (or all are written): some of them while its cleanup
    // runs. A steady stream of such writes holds the node down; it comes
    // back once the stream stops.
    let up = false;
    const upEvent = nodeEvent(client, "nodeUp", victim.address, 20_000)
      .then(() => up = true);
    victim.child.kill("SIGCONT");
    const written: string[] = [];
    for (const k of racers) {
      await client.set(k, "fresh");
      written.push(k);
      if (up) break;
    }
    await upEvent;
    const values = await client.mget(written);
    const stale = written.filter((_, i) => values[i] === "old");
    assert.deepEqual(
      stale,
      [],
      `${stale.length} of ${written.length} keys read back their old value`,
    );
  } finally {
    try {
      victim.child.kill("SIGCONT");
    } catch { /* exited */ }
    await client.close();
    await stopNodes(nodes);
  }
});
