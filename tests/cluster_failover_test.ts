// CacheMirClient over 3 real node processes while one is killed with
// SIGKILL under load, then restarted on the same port.
import assert from "node:assert/strict";
import { CacheMirClient, NodeEvent } from "@cachemir/client";
import {
  callBoundMs,
  nodeEvent,
  type NodeProcess,
  nodeStats,
  restartNode,
  runLoad,
  sleep,
  slowest,
  startNodes,
  stopNodes,
} from "./_helpers/cluster.ts";

const OPTIONS = {
  connectTimeoutMs: 500,
  commandTimeoutMs: 500,
  failureThreshold: 3,
  healthCheckIntervalMs: 100,
  retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
};
const COMMAND_MS = OPTIONS.commandTimeoutMs;
const BOUND_MS = callBoundMs(OPTIONS);
const KEYS = Array.from({ length: 300 }, (_, i) => `k:${i}`);

Deno.test("CacheMirClient survives kill -9 of a node under load, and takes it back after restart", async () => {
  const nodes: NodeProcess[] = await startNodes(3);
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    ...OPTIONS,
  });
  const events: string[] = [];
  for (const type of ["nodeDown", "nodeUp"]) {
    client.addEventListener(type, (e) => {
      assert.ok(e instanceof NodeEvent);
      events.push(`${e.type} ${e.address}`);
    });
  }
  try {
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, "0"])));
    const victim = nodes[1];
    const victimKeys = KEYS.filter((k) => client.nodeFor(k) === victim.address);
    assert.ok(
      victimKeys.length > 50,
      `${victimKeys.length} keys on the victim`,
    );

    // 24 callers: GET, SET and INCR on random keys for 1.2 s; SIGKILL at 300 ms.
    const ops = ["get", "set", "incr"] as const;
    const stop = sleep(1200);
    let killedAt = 0;
    const downEvent = nodeEvent(client, "nodeDown", victim.address, 5000);
    const killing = sleep(300).then(async () => {
      killedAt = performance.now();
      await victim.stop("SIGKILL");
    });
    const records = await runLoad(24, (w, i) => {
      const key = KEYS[(w * 7919 + i * 31) % KEYS.length];
      const op = ops[(w + i) % 3];
      const call = op === "get"
        ? client.get(key)
        : op === "set"
        ? client.set(key, String(i))
        : client.incr(`{${key}}:n`);
      return [op, key, call];
    }, stop);
    await killing;
    const { event: down, at: downAt } = await downEvent;
    assert.equal(down.address, victim.address);
    assert.ok(down.error !== undefined, "nodeDown carries the failure");
    // Under load, the lost connection fails the node's commands at once.
    assert.ok(
      downAt - killedAt < COMMAND_MS,
      `down ${downAt - killedAt} ms after the kill`,
    );

    // Every call settled, within its bound.
    assert.ok(records.length > 500, `${records.length} calls`);
    const slow = slowest(records);
    assert.ok(slow < BOUND_MS, `slowest call ${slow} ms >= ${BOUND_MS}`);
    // Calls that failed are few, near the kill, and never retried writes
    // that were not safe to repeat.
    const failed = records.filter((r) => r.error !== undefined);
    for (const r of failed) {
      assert.ok(
        r.start >= killedAt - COMMAND_MS && r.start < killedAt + BOUND_MS,
        `${r.op} ${r.key} failed at ${r.start - killedAt} ms: ${r.error}`,
      );
      assert.equal(r.error!.name === "ReplyError", false, String(r.error));
    }
    assert.ok(
      failed.length < records.length / 10,
      `${failed.length} of ${records.length} calls failed`,
    );
    assert.ok(
      failed.every((r) => r.op === "incr"),
      `only INCR (not safe to repeat) may fail: ${
        failed.filter((r) => r.op !== "incr").map((r) => `${r.op}: ${r.error}`)
          .slice(0, 3)
      }`,
    );
    // Once the node is down, calls for its keys succeed on the others.
    assert.equal(nodeStats(client, victim.address).state, "down");
    for (const k of victimKeys.slice(0, 20)) {
      assert.equal(await client.set(k, "after"), "OK");
      assert.equal(await client.get(k), "after");
    }
    assert.equal(await client.incr("{k:1}:n") > 0, true);
    assert.ok(events.includes(`nodeDown ${victim.address}`));

    // Restart on the same port: the health check brings it back.
    const upEvent = nodeEvent(client, "nodeUp", victim.address, 10_000);
    nodes[1] = await restartNode(victim.port);
    await upEvent;
    assert.equal(nodeStats(client, victim.address).state, "up");
    // Its keys are served by it again: empty after the restart.
    const before = nodeStats(client, victim.address).requests;
    assert.equal(
      await client.get(victimKeys[0]),
      null,
      "a miss on the new process",
    );
    await client.set(victimKeys[0], "back");
    assert.equal(await client.get(victimKeys[0]), "back");
    const after = nodeStats(client, victim.address).requests;
    assert.equal(after - before, 3);
    assert.deepEqual(events, [
      `nodeDown ${victim.address}`,
      `nodeUp ${victim.address}`,
    ]);
  } finally {
    await client.close();
    await stopNodes(nodes);
  }
});
