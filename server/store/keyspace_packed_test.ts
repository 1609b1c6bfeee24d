/**
 * Small collections packed in their records: what reads them sees the
 * same collection, whatever happened to its record in between (packing,
 * expiry changes, renames, defragmentation, eviction).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Keyspace } from "./keyspace.ts";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";

function clocked(): { ks: Keyspace; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { ks: new Keyspace({ now: () => clock.now, hashSeed: 3 }), clock };
}

/** One turn of the event loop ends: what it touched may pack. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function smallHash(i: number): ByteHash {
  return ByteHash.from(
    Array.from({ length: 5 }, (_, f) => [`field:0${f}`, `value:${i}`]),
  );
}

Deno.test("a small hash packs after its turn and reads back the same, fields in order", async () => {
  const { ks } = clocked();
  const made = smallHash(1);
  ks.set("h", made);
  const before = ks.memoryStats();
  assert.ok(before.collections > 0);
  // In the turn that touched it, it stays as it is (a command may hold it).
  assert.equal(ks.packIdleCollections(100), 0);
  await nextTurn();
  assert.equal(ks.packIdleCollections(100), 1);
  const after = ks.memoryStats();
  assert.equal(after.collections, 0);
  assert.ok(after.used < before.used, `${after.used} < ${before.used}`);
  const back = ks.get("h");
  assert.ok(back instanceof ByteHash);
  assert.notEqual(back, made);
  assert.deepEqual(back.fieldsAndValues(), made.fieldsAndValues());
  // What a command changes on the unpacked hash is what packs next.
  back.set("new", "v");
  await nextTurn();
  ks.packIdleCollections(100);
  assert.equal((ks.get("h") as ByteHash).get("new"), "v");
});

Deno.test("sets of integers and small lists pack; big or non-integer ones stay unpacked", async () => {
  const { ks } = clocked();
  ks.set("ints", ByteSet.from(["1", "-7", "9000000000"]));
  ks.set("words", ByteSet.from(["a", "b"]));
  ks.set("list", ByteList.from(["x", "y", "z"]));
  ks.set(
    "big",
    ByteHash.from(Array.from({ length: 600 }, (_, i) => [`f${i}`, "v"])),
  );
  await nextTurn();
  assert.equal(ks.packIdleCollections(100), 2);
  assert.ok(ks.memoryStats().collections > 0); // "words" and "big"
  assert.deepEqual((ks.get("ints") as ByteSet).members(), [
    "1",
    "-7",
    "9000000000",
  ]);
  assert.deepEqual((ks.get("list") as ByteList).toArray(), ["x", "y", "z"]);
  assert.equal((ks.get("big") as ByteHash).size, 600);
});

Deno.test("packed records keep their type, expiry, clock and survive RENAME, EXPIRE, PERSIST and defrag", async () => {
  const { ks, clock } = clocked();
  for (let i = 0; i < 2_000; i++) ks.set(`h${i}`, smallHash(i));
  ks.set("s", ByteSet.from(["1", "2"]), clock.now + 60_000);
  await nextTurn();
  ks.packIdleCollections(Infinity);
  assert.equal(ks.memoryStats().collections, 0);
  // TYPE-like reads without unpacking: SCAN's filter sees the type.
  const sets = ks.scan(0, 10_000, (_k, type) => type === "set");
  assert.deepEqual(sets.keys, ["s"]);
  assert.equal(ks.getExpire("s"), clock.now + 60_000);
  assert.equal(ks.persist("s"), true);
  assert.equal(ks.getExpire("s"), undefined);
  assert.equal(ks.setExpire("h7", clock.now + 5_000), true);
  assert.equal(ks.volatileSize, 1);
  assert.equal(ks.rename("h8", "moved"), true);
  assert.equal(ks.get("h8"), undefined);
  assert.deepEqual(
    (ks.get("moved") as ByteHash).fieldsAndValues(),
    smallHash(8).fieldsAndValues(),
  );
  // Delete most records so pages are sparse, then defragment hard.
  for (let i = 0; i < 2_000; i += 1) {
    if (i % 10 !== 0 && i !== 7) ks.delete(`h${i}`);
  }
  let moved = 0;
  for (let round = 0; round < 1_000; round++) {
    const n = ks.defragStep(256, 0, 0);
    moved += n;
    if (n === 0) break;
  }
  for (let i = 0; i < 2_000; i += 10) {
    assert.deepEqual(
      (ks.get(`h${i}`) as ByteHash).fieldsAndValues(),
      smallHash(i).fieldsAndValues(),
      `h${i} after ${moved} moves`,
    );
  }
  assert.equal(ks.getExpire("h7"), clock.now + 5_000);
  clock.now += 5_001;
  assert.equal(ks.get("h7"), undefined);
});

Deno.test("makeRoom packs unpacked collections before it evicts a key", () => {
  const { ks } = clocked();
  for (let i = 0; i < 1_000; i++) ks.set(`h${i}`, smallHash(i));
  const unpacked = ks.dataMemory;
  // A limit the packed form fits in, the unpacked one does not.
  ks.configureMemory({
    maxmemory: Math.floor(unpacked / 2),
    policy: "allkeys-lru",
  });
  assert.equal(ks.makeRoom(), true);
  assert.equal(ks.evictedKeys, 0);
  assert.equal(ks.size, 1_000);
  assert.ok(ks.dataMemory <= unpacked / 2);
});

Deno.test("a bulk load packs as it goes: the backlog of unpacked collections stays bounded", async () => {
  const { ks } = clocked();
  let peak = 0;
  for (let batch = 0; batch < 10; batch++) {
    for (let i = 0; i < 2_000; i++) ks.set(`h${batch}:${i}`, smallHash(i));
    peak = Math.max(peak, ks.memoryStats().collections);
    await nextTurn(); // the next read of the load
  }
  // Without packing, 20,000 hashes of ~550 bytes: 11 MB on V8's heap.
  assert.ok(peak < 20_000 * 550 / 2, `peak ${peak} bytes unpacked`);
  assert.equal(ks.size, 20_000);
});
