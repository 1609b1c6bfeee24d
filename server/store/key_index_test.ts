import assert from "node:assert/strict";
import {
  KeyIndex,
  MARK,
  reverseBits,
  SEGMENTS,
  storedHash,
} from "./key_index.ts";
import { randomInt, seededRandom } from "./_testing.ts";

/** An index over numbered keys whose hash the test chooses (collisions on purpose). */
function indexOf(hashes: Map<number, number>): KeyIndex<number> {
  return new KeyIndex<number>((ref, key) => ref === key && hashes.has(key));
}

Deno.test("reverseBits() and storedHash()", () => {
  assert.equal(reverseBits(0), 0);
  assert.equal(reverseBits(0x80000000), 1);
  assert.equal(reverseBits(reverseBits(0x12345678)), 0x12345678);
  assert.equal(storedHash(0), 1);
  assert.equal(storedHash(MARK), 1);
  assert.equal(storedHash(-1) & MARK, 0);
});

Deno.test("KeyIndex matches a Map under inserts and removals with colliding hashes", () => {
  const random = seededRandom(5);
  const hashes = new Map<number, number>(); // key (= ref) -> stored hash
  const index = indexOf(hashes);
  let next = 0;
  for (let step = 0; step < 60_000; step++) {
    if (hashes.size === 0 || random() < 0.55) {
      // Few distinct hashes in few segments: long probe runs, wrap-around.
      const hash = storedHash(
        (randomInt(random, 4) << 24) |
          randomInt(random, step < 30_000 ? 64 : 1 << 20),
      );
      const key = next++;
      assert.equal(index.find(hash, key), -1);
      index.insert(hash, key, random() < 0.5);
      hashes.set(key, hash);
    } else {
      const keys = [...hashes.keys()];
      const key = keys[randomInt(random, keys.length)];
      const hash = hashes.get(key)!;
      assert.equal(index.find(hash, key), key);
      index.removeAt(index.position.segment, index.position.slot);
      hashes.delete(key);
      assert.equal(index.find(hash, key), -1);
    }
    if (step % 5_000 === 0) {
      for (const [key, hash] of hashes) {
        assert.equal(index.find(hash, key), key, `key ${key} lost`);
        assert.ok(index.findRef(hash, key));
      }
    }
  }
  assert.equal(index.size, hashes.size);
  assert.ok(index.bytes >= index.size * 8 * 4 / 3);
  assert.equal(index.bytes, slotBytes(index));
});

/** Bytes of the index's arrays, counted from the arrays themselves. */
function slotBytes(index: KeyIndex<number>): number {
  let bytes = 0;
  for (let s = 0; s < SEGMENTS; s++) {
    bytes += index.hashes[s].byteLength + index.refs[s].byteLength;
  }
  return bytes;
}

Deno.test("KeyIndex.bytes follows its segments through growth and shrinking", () => {
  const random = seededRandom(11);
  const hashes = new Map<number, number>();
  const index = indexOf(hashes);
  const empty = index.bytes;
  assert.equal(empty, slotBytes(index));
  for (let key = 0; key < 200_000; key++) {
    const hash = storedHash((random() * 2 ** 32) | 0);
    index.insert(hash, key, false);
    hashes.set(key, hash);
  }
  const full = index.bytes;
  assert.equal(full, slotBytes(index));
  // Between 1/4 and 3/4 full, 8 bytes a slot.
  assert.ok(full >= 200_000 * 8 * 4 / 3 && full <= 200_000 * 8 * 4, `${full}`);
  for (const [key, hash] of hashes) {
    assert.equal(index.find(hash, key), key);
    index.removeAt(index.position.segment, index.position.slot);
  }
  assert.equal(index.size, 0);
  assert.equal(index.bytes, slotBytes(index));
  assert.equal(index.bytes, empty);
});

Deno.test("KeyIndex.scan() visits every key present throughout, across growth and removals", () => {
  const random = seededRandom(9);
  const hashes = new Map<number, number>();
  const index = indexOf(hashes);
  let next = 0;
  const add = (): void => {
    const hash = storedHash((random() * 2 ** 32) | 0);
    index.insert(hash, next, false);
    hashes.set(next++, hash);
  };
  for (let i = 0; i < 2_000; i++) add();
  const stable = new Set(hashes.keys());
  const seen = new Set<number>();
  let cursor = 0;
  let steps = 0;
  do {
    cursor = index.scan(cursor, 10, 100, (s, i) => seen.add(index.refs[s][i]));
    // Between steps: the keyspace grows fourfold (every segment doubles
    // twice) and loses some of the keys added meanwhile.
    for (let j = 0; j < 30; j++) add();
    for (let j = 0; j < 10; j++) {
      const key = 2_000 + randomInt(random, next - 2_000);
      const hash = hashes.get(key);
      if (hash !== undefined && index.find(hash, key) >= 0) {
        index.removeAt(index.position.segment, index.position.slot);
        hashes.delete(key);
      }
    }
    steps++;
  } while (cursor !== 0 && steps < 100_000);
  assert.equal(cursor, 0, "the scan ended");
  assert.ok(index.size > 8_000);
  for (const key of stable) assert.ok(seen.has(key), `key ${key} missed`);
});

Deno.test("KeyIndex.scan() of a still index visits each key exactly once", () => {
  const random = seededRandom(12);
  const hashes = new Map<number, number>();
  const index = indexOf(hashes);
  for (let key = 0; key < 5_000; key++) {
    const hash = storedHash((random() * 2 ** 32) | 0);
    index.insert(hash, key, false);
    hashes.set(key, hash);
  }
  const counts = new Map<number, number>();
  let cursor = 0;
  do {
    cursor = index.scan(cursor, 7, 70, (s, i) => {
      const key = index.refs[s][i];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  } while (cursor !== 0);
  assert.equal(counts.size, 5_000);
  for (const n of counts.values()) assert.equal(n, 1);
});

Deno.test("KeyIndex.setMark() flags a slot without changing lookups", () => {
  const hashes = new Map<number, number>([[1, 0x12345]]);
  const index = indexOf(hashes);
  index.insert(0x12345, 1, false);
  assert.equal(index.find(0x12345, 1), 1);
  const { segment, slot } = index.position;
  index.setMark(segment, slot, true);
  assert.ok(index.hashes[segment][slot] & MARK);
  assert.equal(index.find(0x12345, 1), 1);
  index.setMark(segment, slot, false);
  assert.equal(index.hashes[segment][slot] & MARK, 0);
  assert.equal(SEGMENTS, 256);
});
