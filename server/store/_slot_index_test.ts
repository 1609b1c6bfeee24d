import assert from "node:assert/strict";
import { hashBytesKey, hashKey, SlotIndex } from "./_slot_index.ts";
import { randomInt, seededRandom } from "./_testing.ts";

/** The index against a Map, under random inserts, moves and removes. */
function exercise(hashOf: (key: string) => number, rounds: number): void {
  const random = seededRandom(11);
  const entries: (string | undefined)[] = [];
  const model = new Map<string, number>();
  const index = new SlotIndex(0);
  const free: number[] = [];
  for (let n = 0; n < rounds; n++) {
    const key = `k${randomInt(random, 3000)}`;
    const slot = model.get(key);
    const found = index.find(hashOf(key), key, entries, 0);
    assert.equal(found, slot ?? -1, `find ${key}`);
    const bytes = Uint8Array.from(key, (c) => c.charCodeAt(0));
    assert.equal(
      index.findBytes(hashOf(key), bytes, 0, bytes.length, entries, 0),
      slot ?? -1,
      `findBytes ${key}`,
    );
    if (slot === undefined) {
      const s = free.pop() ?? entries.length;
      entries[s] = key;
      model.set(key, s);
      index.insert(hashOf(key), s);
    } else if (random() < 0.6) {
      index.remove(hashOf(key), slot);
      entries[slot] = undefined;
      model.delete(key);
      free.push(slot);
    } else {
      // Move it to a fresh slot, as a swap-remove or a compaction does.
      const to = entries.length;
      entries[to] = key;
      entries[slot] = undefined;
      free.push(slot);
      index.move(hashOf(key), slot, to);
      model.set(key, to);
    }
    assert.equal(index.size, model.size);
  }
  for (const [key, slot] of model) {
    assert.equal(index.find(hashOf(key), key, entries, 0), slot);
  }
}

Deno.test("SlotIndex agrees with a Map under random inserts, moves and removes", () => {
  exercise(hashKey, 60_000);
});

Deno.test("SlotIndex keeps long probe runs right when every hash collides", () => {
  // Every key in 4 hashes: runs of hundreds, shifted back on each remove.
  exercise((key) => (hashKey(key) & 3) + 1, 20_000);
});

Deno.test("SlotIndex grows and shrinks with its keys", () => {
  const index = new SlotIndex(0);
  const small = index.bytes;
  const entries = Array.from({ length: 10_000 }, (_, i) => `m${i}`);
  entries.forEach((k, i) => index.insert(hashKey(k), i));
  assert.ok(index.bytes >= 8 * 10_000 * 4 / 3);
  entries.forEach((k, i) => index.remove(hashKey(k), i));
  assert.equal(index.size, 0);
  assert.equal(index.bytes, small);
});

Deno.test("hashKey() and hashBytesKey() agree on every byte", () => {
  const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  const bytes = Uint8Array.from(all, (c) => c.charCodeAt(0));
  for (let n = 0; n <= 256; n += 17) {
    assert.equal(hashKey(all.slice(0, n)), hashBytesKey(bytes, 0, n));
  }
  assert.notEqual(hashKey(""), 0);
});
