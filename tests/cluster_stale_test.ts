// A node cut off (SIGSTOP) and back (SIGCONT) while its keys were written
// elsewhere: once the client uses it again, no read returns an old value —
// nor after the same node fails a second time. Copies on the stand-ins get
// their TTL capped; a restarted node (new run id) is not cleaned.
import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";
import {
  nodeEvent,
  nodeStats,
  restartNode,
  startNodes,
  stopNodes,
} from "./_helpers/cluster.ts";

const OPTIONS = {
  connectTimeoutMs: 300,
  commandTimeoutMs: 200,
  failureThreshold: 1,
  healthCheckIntervalMs: 100,
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  failoverTtlMs: 30_000,
};
const KEYS = Array.from({ length: 600 }, (_, i) => `st:${i}`);

/** Takes `node` down in the client's eyes: SIGSTOP, then commands time out. */
async function cutOff(
  client: CacheMirClient,
  node: { address: string; child: Deno.ChildProcess },
  keys: readonly string[],
): Promise<void> {
  const down = nodeEvent(client, "nodeDown", node.address, 5000);
  node.child.kill("SIGSTOP");
  await client.get(keys[0]).catch(() => {}); // times out: down
  await down;
}

Deno.test("CacheMirClient never reads an old value from a node that was cut off and came back", async () => {
  const nodes = await startNodes(3);
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    ...OPTIONS,
  });
  const victim = nodes[0];
  try {
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, "old"])));
    const owned = KEYS.filter((k) => client.nodeFor(k) === victim.address);
    assert.ok(owned.length > 100, `${owned.length} owned`);

    await cutOff(client, victim, owned);
    // New values for its keys go to the stand-ins, with a capped TTL.
    await client.mset(Object.fromEntries(owned.map((k) => [k, "new"])));
    for (const k of owned.slice(0, 50)) await client.set(k, "newer");
    assert.equal(await client.get(owned[0]), "newer");
    const ttl = await client.pttl(owned[60]);
    assert.ok(ttl > 0 && ttl <= 30_000, `stand-in copy's TTL ${ttl}`);

    const up = nodeEvent(client, "nodeUp", victim.address, 5000);
    victim.child.kill("SIGCONT");
    await up;
    assert.equal(nodeStats(client, victim.address).state, "up");
    // The old values are gone from the returned node: misses, never "old".
    const after = await client.mget(owned);
    assert.deepEqual(after.filter((v) => v === "old"), []);
    assert.deepEqual(after, owned.map(() => null));

    // Written again on the owner; when it fails a second time, the stand-ins
    // hold no copy of the first failure's values either.
    await client.set(owned[1], "third");
    await cutOff(client, victim, owned);
    const second = await client.mget(owned);
    assert.deepEqual(second.filter((v) => v === "new" || v === "newer"), []);
  } finally {
    try {
      victim.child.kill("SIGCONT");
    } catch { /* exited */ }
    await client.close();
    await stopNodes(nodes);
  }
});

Deno.test("CacheMirClient does not clean a node that restarted (a new run id: it is empty)", async () => {
  const nodes = await startNodes(3);
  // Health checks slow enough to write to the restarted node before one.
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    ...OPTIONS,
    healthCheckIntervalMs: 1500,
  });
  let victim = nodes[0];
  let direct: CacheMirClient | undefined;
  try {
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, "old"])));
    const owned = KEYS.filter((k) => client.nodeFor(k) === victim.address);
    await cutOff(client, victim, owned);
    await client.mset(Object.fromEntries(owned.map((k) => [k, "new"])));
    const port = Number(victim.address.split(":")[1]);
    victim.child.kill("SIGKILL");
    await victim.child.status;
    const up = nodeEvent(client, "nodeUp", victim.address, 10_000);
    victim = await restartNode(port);
    nodes[0] = victim;
    // Written to the new process by someone else, before the client's
    // health check sees it: a cleanup would delete it; none must run.
    direct = new CacheMirClient({ nodes: [victim.address] });
    await direct.set(owned[0], "fresh");
    await up;
    assert.equal(await direct.get(owned[0]), "fresh");
    assert.equal(await client.get(owned[0]), "fresh");
  } finally {
    await direct?.close();
    await client.close();
    await stopNodes(nodes);
  }
});

Deno.test("CacheMirClient flushes a returning node when it wrote more keys elsewhere than it remembers", async () => {
  const nodes = await startNodes(3);
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    ...OPTIONS,
    failoverKeyMemory: 10,
  });
  const victim = nodes[0];
  const errors: string[] = [];
  client.addEventListener("error", (e) => errors.push(e.error.message));
  let direct: CacheMirClient | undefined;
  try {
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, "old"])));
    const owned = KEYS.filter((k) => client.nodeFor(k) === victim.address);
    await cutOff(client, victim, owned);
    await client.mset(Object.fromEntries(owned.map((k) => [k, "new"])));
    const up = nodeEvent(client, "nodeUp", victim.address, 5000);
    victim.child.kill("SIGCONT");
    await up;
    assert.ok(
      errors.some((m) => m.includes(`Flushing ${victim.address}`)),
      errors.join("\n"),
    );
    direct = new CacheMirClient({ nodes: [victim.address] });
    assert.equal(await direct.dbsize(), 0);
    assert.deepEqual(
      (await client.mget(owned)).filter((v) => v === "old"),
      [],
    );
  } finally {
    try {
      victim.child.kill("SIGCONT");
    } catch { /* exited */ }
    await direct?.close();
    await client.close();
    await stopNodes(nodes);
  }
});
