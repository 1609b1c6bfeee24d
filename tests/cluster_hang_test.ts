// CacheMirClient over 3 real node processes while one hangs (SIGSTOP: alive,
// connected, silent): commands time out, then the node is taken out.
import assert from "node:assert/strict";
import { CacheMirClient, TimeoutError } from "@cachemir/client";
import {
  callBoundMs,
  nodeEvent,
  nodeStats,
  runLoad,
  sleep,
  slowest,
  startNodes,
  stopNodes,
} from "./_helpers/cluster.ts";

const OPTIONS = {
  connectTimeoutMs: 300,
  commandTimeoutMs: 200,
  failureThreshold: 3,
  healthCheckIntervalMs: 100,
  retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
};
const COMMAND_MS = OPTIONS.commandTimeoutMs;
const BOUND_MS = callBoundMs(OPTIONS);
const KEYS = Array.from({ length: 200 }, (_, i) => `h:${i}`);

Deno.test("CacheMirClient times out on a hung (SIGSTOPped) node, then routes around it", async () => {
  const nodes = await startNodes(3);
  const client = new CacheMirClient({
    nodes: nodes.map((n) => n.address),
    ...OPTIONS,
  });
  const hung = nodes[2];
  try {
    await client.mset(Object.fromEntries(KEYS.map((k) => [k, "v"])));
    const hungKeys = KEYS.filter((k) => client.nodeFor(k) === hung.address);
    assert.ok(hungKeys.length > 30);

    const downEvent = nodeEvent(client, "nodeDown", hung.address, 5000);
    hung.child.kill("SIGSTOP");
    const stoppedAt = performance.now();

    // 8 callers reading the keys for 1 s.
    const records = await runLoad(8, (w, i) => {
      const key = KEYS[(w * 13 + i) % KEYS.length];
      return ["get", key, client.get(key)];
    }, sleep(1000));
    const { event, at: downAt } = await downEvent;

    // The first commands to the hung node time out; it goes down after
    // `failureThreshold` of them (in flight together: one timeout period).
    assert.ok(event.error instanceof TimeoutError, String(event.error));
    const downAfter = downAt - stoppedAt;
    assert.ok(
      downAfter >= COMMAND_MS * 0.9 && downAfter < 3 * COMMAND_MS + 500,
      `down ${downAfter} ms after SIGSTOP`,
    );
    const stats = nodeStats(client, hung.address);
    assert.equal(stats.state, "down");
    assert.ok(stats.timeouts >= 3, `${stats.timeouts} timeouts`);

    // No call waited past its bound; GET is retried, so none failed.
    const slow = slowest(records);
    assert.ok(slow < BOUND_MS, `slowest ${slow} ms >= ${BOUND_MS}`);
    const failed = records.filter((r) => r.error !== undefined);
    assert.deepEqual(failed.map((r) => `${r.key}: ${r.error}`), []);
    // After the ejection, the hung node's keys are answered fast elsewhere.
    const late = records.filter((r) =>
      r.start > downAt + 50 && hungKeys.includes(r.key)
    );
    assert.ok(late.length > 50, `${late.length} late calls`);
    assert.ok(late.every((r) => r.ms < COMMAND_MS), "no more timeouts");
    assert.ok(
      (await client.mget(hungKeys)).every((v) => v === null),
      "remapped: misses on the stand-ins",
    );

    // Resumed, it answers its health check and comes back.
    const upEvent = nodeEvent(client, "nodeUp", hung.address, 5000);
    hung.child.kill("SIGCONT");
    await upEvent;
    assert.deepEqual(
      await client.mget(hungKeys),
      hungKeys.map(() => "v"),
      "its data is intact",
    );
  } finally {
    await client.close();
    await stopNodes(nodes); // SIGCONT, then SIGKILL
  }
});
