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
import { harness } from "../commands/_testing.ts";

function clocked(): { ks: Keyspace; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { ks: new Keyspace({ now: () => clock.now, hashSeed: 3 }), clock };
}

function smallHash(i: number): ByteHash {
  return ByteHash.from(
    Array.from({ length: 5 }, (_, f) => [`field:0${f}`, `value:${i}`]),
  );
}

Deno.test("a small hash packs and reads back the same, fields in order", () => {
  const { ks } = clocked();
  const made = smallHash(1);
  ks.set("h", made);
  const before = ks.memoryStats();
  assert.ok(before.collections > 0);
  assert.equal(ks.packCollections(), 1);
  assert.equal(ks.packCollections(), 0);
  const after = ks.memoryStats();
  assert.equal(after.collections, 0);
  assert.ok(after.used < before.used, `${after.used} < ${before.used}`);
  const back = ks.get("h");
  assert.ok(back instanceof ByteHash);
  assert.notEqual(back, made);
  assert.deepEqual(back.fieldsAndValues(), made.fieldsAndValues());
  // What a command changes on the unpacked hash is what packs next.
  back.set("new", "v");
  ks.packCollections();
  assert.equal((ks.get("h") as ByteHash).get("new"), "v");
});

Deno.test("sets of integers and small lists pack; big or non-integer ones stay unpacked", () => {
  const { ks } = clocked();
  ks.set("ints", ByteSet.from(["1", "-7", "9000000000"]));
  ks.set("words", ByteSet.from(["a", "b"]));
  ks.set("list", ByteList.from(["x", "y", "z"]));
  ks.set(
    "big",
    ByteHash.from(Array.from({ length: 600 }, (_, i) => [`f${i}`, "v"])),
  );
  assert.equal(ks.packCollections(), 2);
  assert.ok(ks.memoryStats().collections > 0); // "words" and "big"
  assert.deepEqual((ks.get("ints") as ByteSet).members(), [
    "1",
    "-7",
    "9000000000",
  ]);
  assert.deepEqual((ks.get("list") as ByteList).toArray(), ["x", "y", "z"]);
  assert.equal((ks.get("big") as ByteHash).size, 600);
});

Deno.test("packed records keep their type, expiry, clock and survive RENAME, EXPIRE, PERSIST and defrag", () => {
  const { ks, clock } = clocked();
  for (let i = 0; i < 2_000; i++) ks.set(`h${i}`, smallHash(i));
  ks.set("s", ByteSet.from(["1", "2"]), clock.now + 60_000);
  ks.packCollections();
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

Deno.test("through the command table, a small hash is unpacked only while a command works on it", () => {
  const h = harness();
  for (let i = 0; i < 1_000; i++) {
    h.run("HSET", `h${i}`, "a", "1", "b", "2", "c", String(i));
  }
  // Every hash went back to its packed form after its command.
  assert.equal(h.store.memoryStats().collections, 0);
  assert.equal(h.call("HGET", "h7", "c"), "7");
  assert.deepEqual(h.call("HGETALL", "h9"), [["a", "1"], ["b", "2"], [
    "c",
    "9",
  ]]);
  assert.equal(h.call("HINCRBY", "h9", "a", "41"), 42);
  assert.equal(h.call("HGET", "h9", "a"), "42");
  assert.equal(h.call("TYPE", "h9"), "hash");
  assert.equal(h.call("OBJECT", "ENCODING", "h9"), "listpack");
  assert.equal(h.store.memoryStats().collections, 0);
  // A command that fails leaves nothing unpacked either.
  assert.deepEqual(h.call("HINCRBY", "h9", "b", "x"), {
    error: "ERR value is not an integer or out of range",
  });
  assert.equal(h.store.memoryStats().collections, 0);
  // One past the thresholds: stays a JavaScript structure, counted.
  for (let i = 0; i < 513; i++) h.run("SADD", "s", String(i));
  assert.ok(h.store.memoryStats().collections > 0);
  assert.equal(h.call("SCARD", "s"), 513);
});
