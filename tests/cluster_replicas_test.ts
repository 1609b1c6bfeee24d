// CacheMirClient with replicas: 2 over 3 real node processes: killing one
// node loses no key. Without replicas, the same kill loses its keys.
import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";
import { nodeStats, startNodes, stopNodes } from "./_helpers/cluster.ts";

const KEYS = Array.from({ length: 3000 }, (_, i) => `r:${i}`);
const OPTIONS = {
  connectTimeoutMs: 500,
  commandTimeoutMs: 500,
  failureThreshold: 2,
  healthCheckIntervalMs: 200,
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
};

Deno.test("CacheMirClient with replicas: 2 loses no key when a node is killed", async () => {
  const nodes = await startNodes(3);
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    replicas: 2,
    ...OPTIONS,
  });
  const plain = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    ...OPTIONS,
  });
  try {
    const data = Object.fromEntries(KEYS.map((k) => [k, `v:${k}`]));
    await client.mset(data);
    await client.set("single", "s");
    const PLAIN = KEYS.map((k) => `p${k}`); // one copy each
    await plain.mset(Object.fromEntries(PLAIN.map((k) => [k, "p"])));
    assert.equal(
      await client.dbsize(),
      2 * (KEYS.length + 1) + PLAIN.length,
      "every replicated key is on two nodes",
    );
    const victim = nodes[0];
    const victimKeys = KEYS.filter((k) => client.nodeFor(k) === victim.address);
    assert.ok(victimKeys.length > 600, `${victimKeys.length} owned`);

    await victim.stop("SIGKILL");

    // Reads of the dead node's keys fail over to the next replica.
    assert.deepEqual(await client.mget(KEYS), KEYS.map((k) => data[k]));
    assert.equal(await client.get("single"), "s");
    for (const k of victimKeys.slice(0, 50)) {
      assert.equal(await client.get(k), data[k], k);
    }
    assert.equal(nodeStats(client, victim.address).state, "down");
    // Writes go on to two live nodes: the owner's stand-in and the next.
    await client.set(victimKeys[0], "new");
    assert.equal(await client.get(victimKeys[0]), "new");

    // Without replicas, the dead node's keys are gone (misses)...
    const values = await plain.mget(PLAIN);
    const lost = PLAIN.filter((_, i) => values[i] === null);
    assert.deepEqual(
      lost,
      PLAIN.filter((k) => plain.nodeFor(k) === victim.address),
      "without replicas: exactly the dead node's keys are lost",
    );
    // ...and a client without replicas remaps to where the second copies
    // are: replicas follow the ring's order.
    assert.deepEqual(
      await plain.mget(victimKeys),
      victimKeys.map((k, i) => i === 0 ? "new" : data[k]),
    );
  } finally {
    await client.close();
    await plain.close();
    await stopNodes(nodes);
  }
});

Deno.test("CacheMirClient with replicas: 2 answers every read from the second copy when a node has just died", async () => {
  const nodes = await startNodes(4);
  // No retries: only the move to the next copy can answer the reads sent
  // to the dead node before the client marks it down.
  const options = {
    nodes: nodes.map((n) => n.address),
    replicas: 2,
    ...OPTIONS,
    retry: { attempts: 1 },
  };
  const client = new CacheMirClient(options);
  const multi = new CacheMirClient(options);
  try {
    const keys = Array.from({ length: 2000 }, (_, i) => `fresh:${i}`);
    await client.mset(Object.fromEntries(keys.map((k) => [k, `v:${k}`])));
    // Every connection to every node is open and idle before the kill.
    await Promise.all(keys.map((k) => client.get(k)));
    await multi.mget(keys);
    const victim = nodes[1];
    const owned = keys.filter((k) => client.nodeFor(k) === victim.address);
    assert.ok(owned.length > 300, `${owned.length} keys owned by the victim`);

    await victim.stop("SIGKILL");
    const [results, all] = await Promise.all([
      Promise.allSettled(keys.map((k) => client.get(k))),
      multi.mget(keys), // one MGET, split by node, at the same moment
    ]);
    assert.deepEqual(all, keys.map((k) => `v:${k}`));
    const rejected = results.filter((r) => r.status === "rejected");
    assert.deepEqual(
      rejected.slice(0, 3).map((r) =>
        String((r as PromiseRejectedResult).reason)
      ),
      [],
      `${rejected.length} of ${keys.length} reads rejected`,
    );
    assert.deepEqual(
      results.map((r) => (r as PromiseFulfilledResult<string | null>).value),
      keys.map((k) => `v:${k}`),
    );
    // Multi-key reads too, with the node now known down or not.
    assert.deepEqual(await client.mget(owned), owned.map((k) => `v:${k}`));
  } finally {
    await client.close();
    await multi.close();
    await stopNodes(nodes);
  }
});
