// addNode(address, { warmUpMs }) over real node processes: a read that
// misses on the new node is served by the key's previous owner and copied
// with its TTL; a write during the warm-up is never undone by a fallback
// read; the warm-up ends.
import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";
import { sleep, startNodes, stopNodes } from "./_helpers/cluster.ts";

/** Keys of `prefix` that `client` maps to `address`, out of `count`. */
function movedKeys(
  client: CacheMirClient,
  address: string,
  prefix: string,
  count: number,
): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${i}`)
    .filter((k) => client.nodeFor(k) === address);
}

Deno.test({
  name:
    "addNode with warmUpMs: misses on the new node are read from the previous owner",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn(t) {
    const nodes = await startNodes(3);
    const old = nodes.slice(0, 2).map((n) => n.address);
    const fresh = nodes[2].address;
    // Each node alone, to see what it holds.
    const direct = new Map(
      nodes.map((n) => [n.address, new CacheMirClient({ nodes: [n.address] })]),
    );
    /** The node (of the two old ones) that holds a key now. */
    const holder = async (key: string): Promise<string | undefined> => {
      for (const a of old) if (await direct.get(a)!.exists(key) === 1) return a;
      return undefined;
    };
    try {
      await t.step(
        "a hit on the previous owner is returned and copied with its TTL",
        async () => {
          await using client = new CacheMirClient({ nodes: old });
          const keys = Array.from({ length: 400 }, (_, i) => `warm:${i}`);
          for (const [i, k] of keys.entries()) {
            if (i % 2 === 0) await client.set(k, `v:${k}`, { px: 120_000 });
            else await client.set(k, `v:${k}`);
          }
          client.addNode(fresh, { warmUpMs: 120_000 });
          const moved = movedKeys(client, fresh, "warm", 400);
          assert.ok(moved.length > 50, `only ${moved.length} keys moved`);
          const single = moved.slice(0, Math.floor(moved.length / 2));
          const batch = moved.slice(single.length);
          for (const k of single) assert.equal(await client.get(k), `v:${k}`);
          assert.deepEqual(
            await client.mget(...batch),
            batch.map((k) => `v:${k}`),
          );
          const onNew = direct.get(fresh)!;
          for (const k of moved) {
            assert.equal(await onNew.get(k), `v:${k}`, `${k} was not copied`);
            const ttl = await onNew.pttl(k);
            const i = Number(k.split(":")[1]);
            if (i % 2 === 0) {
              assert.ok(ttl > 0 && ttl <= 120_000, `${k}: PTTL ${ttl}`);
            } else assert.equal(ttl, -1, `${k}: PTTL ${ttl}`);
          }
          // A key that is nowhere stays a miss.
          const absent = movedKeys(client, fresh, "absent", 200)[0];
          assert.equal(await client.get(absent), null);
          assert.equal(await onNew.exists(absent), 0);
        },
      );

      await t.step(
        "a write or delete during the warm-up is never undone by a fallback read",
        async () => {
          await using client = new CacheMirClient({ nodes: old });
          const keys = Array.from({ length: 300 }, (_, i) => `stale:${i}`);
          await client.mset(Object.fromEntries(keys.map((k) => [k, "old"])));
          client.addNode(fresh, { warmUpMs: 120_000 });
          const moved = movedKeys(client, fresh, "stale", 300);
          assert.ok(moved.length > 30, `only ${moved.length} keys moved`);
          const third = Math.floor(moved.length / 3);
          const written = moved.slice(0, third);
          const deleted = moved.slice(third, 2 * third);
          const unlinked = moved.slice(2 * third);
          for (const k of written) await client.set(k, "new");
          for (const k of deleted) assert.equal(await client.del(k), 0);
          await client.mset(
            Object.fromEntries(unlinked.map((k) => [k, "new"])),
          );
          assert.equal(await client.unlink(...unlinked), unlinked.length);
          for (const k of written) assert.equal(await client.get(k), "new", k);
          for (const k of deleted) assert.equal(await client.get(k), null, k);
          assert.deepEqual(
            await client.mget(...unlinked),
            unlinked.map(() => null),
          );
          for (const k of moved) {
            assert.equal(
              await holder(k),
              undefined,
              `${k} is left on an old node`,
            );
          }
        },
      );

      await t.step(
        "without warmUpMs, or once it is over, the new node's misses are misses",
        async () => {
          await using client = new CacheMirClient({ nodes: old });
          const keys = Array.from({ length: 300 }, (_, i) => `cold:${i}`);
          await client.mset(Object.fromEntries(keys.map((k) => [k, "v"])));
          client.addNode(fresh);
          const moved = movedKeys(client, fresh, "cold", 300);
          assert.ok(moved.length > 30);
          assert.equal(await client.get(moved[0]), null);
          client.removeNode(fresh);
          client.addNode(fresh, { warmUpMs: 3000 });
          assert.equal(await client.get(moved[1]), "v"); // within the warm-up
          await sleep(3500);
          assert.equal(await client.get(moved[2]), null); // after it
          assert.ok(await holder(moved[2]) !== undefined);
        },
      );

      await t.step("warmUpMs must be a finite number >= 0", async () => {
        const client = new CacheMirClient({ nodes: old });
        try {
          assert.throws(
            () => client.addNode(fresh, { warmUpMs: -1 }),
            RangeError,
          );
          for (const warmUpMs of [NaN, Infinity]) {
            assert.throws(
              () => client.addNode(fresh, { warmUpMs }),
              (e: unknown) =>
                e instanceof RangeError &&
                e.message ===
                  `Invalid warmUpMs: ${warmUpMs} (must be a finite number >= 0)`,
            );
          }
          // Refused before anything changed: the node was not added.
          assert.ok(!client.nodes().includes(fresh));
        } finally {
          await client.close();
        }
      });
    } finally {
      for (const c of direct.values()) await c.close();
      await stopNodes(nodes);
    }
  },
});
