// Hot keys on real node processes: a skewed workload where 5 keys take half
// the traffic over 5,000 others; HOTKEYS (binary and RESP ports), INFO
// hotkeys and /metrics (behind the HTTP port's password) list all 5 in the
// order of their true frequency, and the client's hotkeys() finds them over
// 3 nodes. Each check polls, bounded at 10 s: no timing is asserted.
import assert from "node:assert/strict";
import { CacheMirClient, ReplyError } from "@cachemir/client";
import { freePort, startNodeProcess } from "./_helpers/node_process.ts";
import { startNodes, stopNodes } from "./_helpers/cluster.ts";
import { seededRandom } from "./_helpers/prng.ts";
import { run } from "./_helpers/run.ts";

/** The hot keys and their shares of the traffic: 50% in all, distinct. */
const HOT: readonly [key: string, share: number][] = [
  ["hot:a", 0.19],
  ["hot:b", 0.13],
  ["hot:c", 0.09],
  ["hot:d", 0.06],
  ["hot:e", 0.03],
];
const COLD = 5000;
const HOT_ORDER = HOT.map(([k]) => k);
const BOUND_MS = 10_000;

/** Draws a key: a hot one by its share, else one of `COLD` cold keys. */
function workload(
  seed: number,
  hot: readonly [string, number][] = HOT,
): () => string {
  const random = seededRandom(seed);
  return () => {
    let u = random();
    for (const [key, share] of hot) {
      if (u < share) return key;
      u -= share;
    }
    return `cold:${Math.floor(random() * COLD)}`;
  };
}

/**
 * Sends batches of GETs (pipelined) until `found()` says yes, or the bound
 * passes; returns the last answer of `found`.
 */
async function loadUntil<T>(
  client: CacheMirClient,
  seed: number,
  found: () => Promise<T | undefined>,
  hot: readonly [string, number][] = HOT,
): Promise<T | undefined> {
  const next = workload(seed, hot);
  const deadline = Date.now() + BOUND_MS;
  let last: T | undefined;
  while (Date.now() < deadline) {
    const batch = Array.from({ length: 2000 }, () => client.get(next()));
    await Promise.all(batch);
    last = await found();
    if (last !== undefined) return last;
  }
  return last;
}

/** Runs redis-cli against a RESP port; returns its stdout. */
async function redisCli(port: number, ...args: string[]): Promise<string> {
  const r = await run(
    "redis-cli",
    ["-p", String(port), "--no-auth-warning", ...args],
    { timeoutMs: 30_000 },
  );
  assert.equal(r.code, 0, `redis-cli ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

Deno.test({
  name:
    "a node lists the 5 keys that take half its traffic, hottest first, on HOTKEYS (both ports), INFO hotkeys and /metrics",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const httpPort = freePort();
    const respPort = freePort();
    const node = await startNodeProcess([
      "--resp-port",
      String(respPort),
      "--http-port",
      String(httpPort),
      "--requirepass",
      "pw",
    ]);
    const client = new CacheMirClient({
      nodes: [node.address],
      password: "pw",
    });
    try {
      for (const [key] of HOT) await client.set(key, "v");
      let seen: string[] = [];
      const top = await loadUntil(client, 1, async () => {
        const listed = await client.hotkeys(5);
        seen = listed.map((k) => k.key);
        return seen.join() === HOT_ORDER.join() ? listed : undefined;
      });
      assert.ok(top !== undefined, `HOTKEYS 5 listed ${seen} within 10 s`);
      for (const { opsPerSec } of top) {
        assert.ok(Number.isInteger(opsPerSec) && opsPerSec > 0, `${opsPerSec}`);
      }
      assert.ok(top[0].opsPerSec >= top[4].opsPerSec);

      // The RESP port: the same command, pairs of key and integer. Each
      // surface is polled under load too: a sample is a sample.
      let resp = "";
      const viaResp = await loadUntil(client, 3, async () => {
        resp = await redisCli(respPort, "-a", "pw", "HOTKEYS", "5");
        const lines = resp.trim().split("\n");
        return lines.filter((_, i) => i % 2 === 0).join() === HOT_ORDER.join()
          ? lines
          : undefined;
      });
      assert.ok(viaResp !== undefined, `RESP HOTKEYS 5 said ${resp}`);
      assert.equal(viaResp.length, 10, resp);
      assert.ok(
        viaResp.filter((_, i) => i % 2 === 1).every((n) => /^\d+$/.test(n)),
        resp,
      );
      assert.match(
        await redisCli(respPort, "-a", "pw", "HOTKEYS", "-1"),
        /ERR value is out of range, must be positive/,
      );

      // INFO hotkeys (not in the default INFO): the same keys lead it.
      let info = "";
      const inInfo = await loadUntil(client, 4, async () => {
        info = await redisCli(respPort, "-a", "pw", "INFO", "hotkeys");
        const keys = [
          ...info.matchAll(/^hotkey_(\d+):ops_per_sec=\d+,key=(.*?)\r?$/gm),
        ].map((m) => m[2]);
        return keys.slice(0, 5).join() === HOT_ORDER.join() ? keys : undefined;
      });
      assert.ok(inInfo !== undefined, info);
      assert.doesNotMatch(
        await redisCli(respPort, "-a", "pw", "INFO"),
        /Hotkeys/,
      );

      // /metrics: behind the password, the gauge by rank and key.
      const url = `http://127.0.0.1:${httpPort}/metrics`;
      const refused = await fetch(url);
      await refused.body?.cancel();
      assert.equal(refused.status, 401);
      let metrics = "";
      const scraped = await loadUntil(client, 5, async () => {
        metrics = await (await fetch(url, {
          headers: { authorization: "Bearer pw" },
        })).text();
        const ranked = [
          ...metrics.matchAll(
            /^cachemir_hotkey_ops_per_second\{rank="(\d+)",key="([^"]*)"\} \d+$/gm,
          ),
        ].map((m) => m[2]);
        return ranked.slice(0, 5).join() === HOT_ORDER.join()
          ? ranked
          : undefined;
      });
      assert.ok(scraped !== undefined, metrics);
    } finally {
      await client.close();
      await node.stop();
    }
  },
});

Deno.test({
  name:
    "the client's hotkeys() merges the lists of 3 nodes: the 5 hot keys, hottest first",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const nodes = await startNodes(3);
    const client = new CacheMirClient({ nodes: nodes.map((n) => n.address) });
    try {
      // The nodes' ports pick where keys live: name the hot keys so that
      // they are on more than one node (5 keys on 1 of 3 nodes: 1 in 81).
      let hot = HOT;
      for (
        let n = 0;
        new Set(hot.map(([k]) => client.nodeFor(k))).size < 2;
        n++
      ) {
        hot = HOT.map(([k, share]) => [`${k}:${n}`, share]);
      }
      const order = hot.map(([k]) => k);
      for (const [key] of hot) await client.set(key, "v");
      const owners = new Set(order.map((k) => client.nodeFor(k)));
      let seen: string[] = [];
      const top = await loadUntil(client, 2, async () => {
        const listed = await client.hotkeys(5);
        seen = listed.map((k) => k.key);
        return seen.join() === order.join() ? listed : undefined;
      }, hot);
      assert.ok(top !== undefined, `hotkeys(5) listed ${seen} within 10 s`);
      // The hot keys live on more than one node: the list is a merge.
      assert.ok(owners.size > 1, `all hot keys on ${[...owners]}`);
      // Each node alone lists only its own hot keys.
      for (const node of nodes) {
        await using one = new CacheMirClient({ nodes: [node.address] });
        const own = (await one.hotkeys(64)).map((k) => k.key)
          .filter((k) => k.startsWith("hot:"));
        for (const k of own) assert.equal(client.nodeFor(k), node.address);
      }
      const first = await loadUntil(client, 6, async () => {
        const [hottest] = await client.hotkeysBuffer(1);
        const key = new TextDecoder().decode(hottest?.key);
        return key === order[0] ? key : undefined;
      }, hot);
      assert.equal(first, order[0]);
      // The count given as bytes (call) cuts the merged list the same way.
      const two = await client.call(
        "HOTKEYS",
        new TextEncoder().encode("2"),
      ) as unknown[];
      assert.equal(two.length, 2);
      await assert.rejects(
        client.hotkeys(-1),
        (e: Error) =>
          e instanceof ReplyError &&
          e.message.includes("value is out of range, must be positive"),
      );
    } finally {
      await client.close();
      await stopNodes(nodes);
    }
  },
});
