// CacheMirClient over real node processes on 127.0.0.1: how keys spread over
// 4 nodes, what adding a 5th moves, multi-key and keyless commands.
import assert from "node:assert/strict";
import { CacheMirClient, CrossSlotError } from "@cachemir/client";
import { startNodes, stopNodes } from "./_helpers/cluster.ts";

const KEYS = Array.from({ length: 8000 }, (_, i) => `user:${i}:profile`);

/** Writes KEYS with MSET, 1000 at a time (each call split by node). */
async function writeAll(client: CacheMirClient, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    await client.mset(Object.fromEntries(batch.map((k) => [k, `v:${k}`])));
  }
}

/** DBSIZE of each node, asked of it alone. */
async function sizes(addresses: string[]): Promise<number[]> {
  return await Promise.all(addresses.map(async (address) => {
    await using one = new CacheMirClient({ nodes: [address] });
    return await one.dbsize();
  }));
}

Deno.test({
  name:
    "CacheMirClient spreads keys over 4 node processes; a 5th takes keys only to itself",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn(t) {
    const nodes = await startNodes(5);
    const four = nodes.slice(0, 4).map((n) => n.address);
    const fifth = nodes[4].address;
    const client = new CacheMirClient({ nodes: four });
    const moved: string[] = [];
    try {
      await t.step("keys spread evenly and live on nodeFor(key)", async () => {
        await writeAll(client, KEYS);
        const held = await sizes(four);
        assert.equal(held.reduce((a, b) => a + b, 0), KEYS.length);
        const mean = KEYS.length / 4;
        for (const [i, n] of held.entries()) {
          // 160 points × 3 probes: within about 10% of the mean; 25% is a
          // wide statistical bound for 8,000 keys.
          assert.ok(
            n > 0.75 * mean && n < 1.25 * mean,
            `${four[i]} holds ${n} keys (mean ${mean})`,
          );
        }
        // Each key is on its owner: ask each node alone for its keys.
        const owned = new Map<string, string[]>(four.map((a) => [a, []]));
        for (const k of KEYS) owned.get(client.nodeFor(k))!.push(k);
        for (const [address, keys] of owned) {
          await using one = new CacheMirClient({ nodes: [address] });
          assert.equal(await one.exists(keys), keys.length, address);
        }
        assert.equal(await client.dbsize(), KEYS.length);
        const values = await client.mget(KEYS);
        assert.ok(values.every((v, i) => v === `v:${KEYS[i]}`));
      });

      await t.step(
        "adding a node moves keys only to it, about 1/5 of them",
        async () => {
          const before = KEYS.map((k) => client.nodeFor(k));
          client.addNode(fifth);
          for (const [i, k] of KEYS.entries()) {
            const now = client.nodeFor(k);
            if (now === before[i]) continue;
            assert.equal(
              now,
              fifth,
              `${k} moved to ${now}, not to the new node`,
            );
            moved.push(k);
          }
          const share = moved.length / KEYS.length;
          assert.ok(share > 0.15 && share < 0.25, `moved ${share}`);
          // On the real nodes: keys that stayed are still there; the moved
          // ones are misses on the new node until written again.
          const values = await client.mget(KEYS);
          const movedSet = new Set(moved);
          for (const [i, k] of KEYS.entries()) {
            assert.equal(values[i], movedSet.has(k) ? null : `v:${k}`, k);
          }
          await writeAll(client, moved);
          const [newSize] = await sizes([fifth]);
          assert.equal(newSize, moved.length);
          assert.equal(await client.dbsize(), KEYS.length + moved.length);
        },
      );

      await t.step("keyless commands span every node", async () => {
        // Moved keys were written again on the new node; their old copies
        // stay on the old nodes (a cache does not migrate): KEYS sees both.
        const pattern = /^user:1\d*:profile$/;
        const matching = KEYS.filter((k) => pattern.test(k));
        const found = await client.keys("user:1*:profile");
        assert.equal(
          found.length,
          matching.length + moved.filter((k) => pattern.test(k)).length,
        );
        assert.deepEqual([...new Set(found)].sort(), matching.sort());
        let cursor = "0";
        const seen = new Set<string>();
        let calls = 0;
        do {
          const [next, keys] = await client.scan(cursor, { count: 500 });
          for (const k of keys) seen.add(k);
          cursor = next;
          calls++;
        } while (cursor !== "0" && calls < 1000);
        assert.equal(seen.size, KEYS.length, "every key, on 5 nodes");
        assert.ok(KEYS.includes((await client.randomkey())!));
      });

      await t.step("hash tags keep keys together; others reject", async () => {
        await client.set("{order:7}:draft", "d");
        assert.equal(
          await client.rename("{order:7}:draft", "{order:7}:final"),
          "OK",
        );
        assert.equal(await client.get("{order:7}:final"), "d");
        let other = "b";
        while (client.nodeFor(other) === client.nodeFor("a")) other += "!";
        await assert.rejects(client.rename("a", other), CrossSlotError);
        assert.equal(await client.flushall(), "OK");
        assert.equal(await client.dbsize(), 0);
        assert.deepEqual(await sizes([...four, fifth]), [0, 0, 0, 0, 0]);
      });
    } finally {
      await client.close();
      await stopNodes(nodes);
    }
  },
});
