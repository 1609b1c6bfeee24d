import assert from "node:assert/strict";
import { TombstoneMap } from "./tombstone_map.ts";
import { randomInt, seededRandom } from "./_testing.ts";

Deno.test("TombstoneMap behaves as a Map under random sets and deletes", () => {
  for (const universe of [10, 300, 5000]) {
    const random = seededRandom(universe);
    const map = new TombstoneMap<string, number>();
    const ref = new Map<string, number>();
    for (let step = 0; step < 30_000; step++) {
      const key = `k${randomInt(random, universe)}`;
      // Phases: grow, shrink, churn.
      const phase = Math.floor(step / 5000) % 3;
      const addBias = phase === 0 ? 0.8 : phase === 1 ? 0.2 : 0.5;
      if (random() < addBias) {
        map.set(key, step);
        ref.set(key, step);
      } else {
        assert.equal(map.delete(key), ref.delete(key));
      }
      assert.equal(map.get(key), ref.get(key));
      assert.equal(map.has(key), ref.has(key));
      assert.equal(map.size, ref.size);
      // Dead entries stay bounded: at most a quarter of the live ones plus
      // a little slack (and the sweep's lag).
      assert.ok(
        map.rawSize - map.size <= (map.size >>> 2) + 64,
        `${map.rawSize - map.size} dead for ${map.size} live`,
      );
    }
    assert.deepEqual([...map.keys()].sort(), [...ref.keys()].sort());
  }
});

Deno.test("TombstoneMap.keys() skips deleted keys; rawKeys() visits every entry", () => {
  const map = new TombstoneMap<string, string>();
  for (const k of ["a", "b", "c"]) map.set(k, k);
  map.delete("b");
  assert.deepEqual([...map.keys()], ["a", "c"]);
  assert.deepEqual([...map.rawKeys()], ["a", "b", "c"]);
  assert.equal(map.rawSize, 3);
  assert.equal(map.size, 2);
  assert.equal(map.get("b"), undefined);
  assert.equal(map.delete("b"), false);
  // A re-added key takes its old place back while its entry is there.
  map.set("b", "again");
  assert.deepEqual([...map.keys()], ["a", "b", "c"]);
  assert.equal(map.size, 3);
  // Iterators survive changes: added keys are visited, deleted ones not.
  const it = map.keys();
  assert.equal(it.next().value, "a");
  map.delete("b");
  map.set("d", "d");
  assert.deepEqual([...it], ["c", "d"]);
});

Deno.test("TombstoneMap.delete() sweeps dead entries as live keys are deleted", () => {
  const map = new TombstoneMap<string, number>();
  for (let i = 0; i < 10_000; i++) map.set(`k${i}`, i);
  for (let i = 0; i < 9_990; i++) map.delete(`k${i}`);
  assert.equal(map.size, 10);
  assert.ok(map.rawSize < 100, `${map.rawSize} entries left for 10 keys`);
  assert.deepEqual(
    [...map.keys()],
    Array.from({ length: 10 }, (_, i) => `k${9_990 + i}`),
  );
  // The same key deleted and re-added never grows the table.
  for (let i = 0; i < 10_000; i++) {
    map.set("lock", i);
    map.delete("lock");
  }
  assert.ok(map.rawSize < 100);
});
