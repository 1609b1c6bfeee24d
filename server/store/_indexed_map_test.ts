import assert from "node:assert/strict";
import { IndexedMap, ORDERED_MAX, SMALL_MAX } from "./_indexed_map.ts";
import { randomInt, seededRandom } from "./_testing.ts";

function assertBounded(map: IndexedMap, context: string): void {
  const { capacity, slotCount, size } = map;
  assert.ok(
    capacity === 0 || (capacity & (capacity - 1)) === 0,
    `${context}: capacity ${capacity} not 2^k`,
  );
  assert.ok(capacity >= slotCount, `${context}: capacity < slots`);
  assert.ok(
    capacity <= Math.max(2, 4 * slotCount),
    `${context}: capacity ${capacity} for ${slotCount} slots`,
  );
  if (map.ordered) {
    assert.ok(slotCount <= 2 * size, `${context}: ${slotCount} slots`);
  } else {
    assert.equal(slotCount, size, `${context}: tombstones while unordered`);
  }
}

Deno.test("IndexedMap keeps capacity and tombstones bounded under random operations", () => {
  for (const withValues of [false, true]) {
    for (const universeSize of [40, 150, 2000]) {
      const random = seededRandom(universeSize + (withValues ? 1 : 0));
      const map = new IndexedMap(withValues, seededRandom(5));
      const empty = map.memoryBytes;
      const ref = new Map<string, string>();
      for (let step = 0; step < 20_000; step++) {
        const key = `k${randomInt(random, universeSize)}`;
        const context = `${withValues} ${universeSize} step ${step}`;
        // Phases: grow, then shrink, then churn.
        const phase = Math.floor(step / 5000) % 3;
        const addBias = phase === 0 ? 0.8 : phase === 1 ? 0.2 : 0.5;
        if (random() < addBias) {
          const value = `${step}`;
          assert.equal(map.set(key, value), !ref.has(key), context);
          ref.set(key, value);
        } else if (random() < 0.5) {
          assert.equal(map.delete(key), ref.delete(key), context);
        } else {
          const popped = map.popRandom();
          if (popped === undefined) {
            assert.equal(ref.size, 0, context);
          } else {
            assert.ok(ref.delete(popped), context);
          }
        }
        assert.equal(map.size, ref.size, context);
        assert.equal(
          map.get(key),
          ref.has(key) ? (withValues ? ref.get(key) : "") : undefined,
          context,
        );
        assertBounded(map, context);
        // A wrong update leaves the count wrong until the map is emptied,
        // so checking every 8th step (the recount is O(capacity)) is enough.
        if (step % 8 === 0) {
          assert.equal(map.memoryBytes, map.recountMemoryBytes(), context);
        }
        if (ref.size === 0) assert.equal(map.memoryBytes, empty, context);
      }
      const keys = map.keys();
      assert.deepEqual([...keys].sort(), [...ref.keys()].sort());
      if (withValues) {
        const values = map.values();
        keys.forEach((k, i) => assert.equal(values[i], ref.get(k)));
      }
    }
  }
});

Deno.test("IndexedMap switches to an index past SMALL_MAX and to unordered past ORDERED_MAX", () => {
  const map = new IndexedMap(true);
  for (let i = 0; i <= ORDERED_MAX; i++) {
    assert.equal(map.set(`${i}`, `v${i}`), true);
    for (const probe of [0, i >> 1, i]) {
      assert.equal(map.get(`${probe}`), `v${probe}`, `at ${i}`);
    }
    assert.equal(map.get(`${i + 1}`), undefined);
    assert.equal(map.ordered, i < ORDERED_MAX);
  }
  assert.ok(ORDERED_MAX > SMALL_MAX);
  map.clear();
  assert.equal(map.ordered, true);
  assert.equal(map.capacity, 0);
  assert.equal(map.get("1"), undefined);
});

Deno.test("IndexedMap.delete() shrinks the capacity of a big map", () => {
  const map = new IndexedMap(false);
  for (let i = 0; i < 10_000; i++) map.set(`${i}`, "");
  assert.equal(map.capacity, 16_384);
  for (let i = 0; i < 9_990; i++) map.delete(`${i}`);
  assert.equal(map.size, 10);
  assert.ok(map.capacity <= 64, `capacity ${map.capacity}`);
  for (let i = 9_990; i < 10_000; i++) assert.equal(map.has(`${i}`), true);
});

Deno.test("IndexedMap.keyAt() walks slots, undefined past the end", () => {
  const map = new IndexedMap(false);
  map.set("a", "");
  map.set("b", "");
  map.set("c", "");
  map.delete("b");
  assert.deepEqual([0, 1, 2, 3, -1].map((s) => map.keyAt(s)), [
    "a",
    undefined,
    "c",
    undefined,
    undefined,
  ]);
});

Deno.test("IndexedMap.get() of a keys-only map returns an empty value", () => {
  const map = new IndexedMap(false);
  map.set("a", "ignored");
  assert.equal(map.get("a"), "");
  assert.deepEqual(map.keysAndValues(), ["a", ""]);
  assert.deepEqual(map.values(), [""]);
  assert.deepEqual(map.sample(-1, true), ["a", ""]);
});

Deno.test("IndexedMap.delete() of keys that come back, at once and later", () => {
  const map = new IndexedMap(true, seededRandom(9));
  const n = 5000;
  for (let i = 0; i < n; i++) map.set(`k${i}`, `${i}`);
  // Delete most keys (the index shrinks meanwhile), re-adding every tenth
  // one right away and every seventh one later.
  for (let i = 0; i < n - 100; i++) {
    assert.equal(map.delete(`k${i}`), true);
    if (i % 10 === 0) assert.equal(map.set(`k${i}`, "back"), true);
  }
  for (let i = 0; i < n - 100; i += 7) map.set(`k${i}`, "later");
  for (let i = 0; i < n; i++) {
    const expected = i >= n - 100
      ? `${i}`
      : i % 7 === 0
      ? "later"
      : i % 10 === 0
      ? "back"
      : undefined;
    assert.equal(map.get(`k${i}`), expected, `k${i}`);
    assert.equal(map.has(`k${i}`), expected !== undefined, `k${i}`);
  }
  // The same few keys deleted and added over and over.
  for (let round = 0; round < 10_000; round++) {
    const key = `churn${round % 10}`;
    assert.equal(map.set(key, `${round}`), true);
    assert.equal(map.delete(key), true);
  }
  assert.equal(map.has("churn3"), false);
  assert.equal(map.memoryBytes, map.recountMemoryBytes());
  assert.equal(
    map.size,
    100 + Math.ceil((n - 100) / 7) + Math.ceil((n - 100) / 10) -
      Math.ceil((n - 100) / 70),
  );
});

Deno.test("IndexedMap is reset when its last key is deleted: memory given back, ordered again", () => {
  for (const withValues of [false, true]) {
    const map = new IndexedMap(withValues, seededRandom(3));
    const empty = map.memoryBytes;
    for (let i = 0; i < 3 * ORDERED_MAX; i++) map.set(`key${i}`, `value${i}`);
    assert.equal(map.ordered, false);
    for (let i = 0; i < 3 * ORDERED_MAX; i++) {
      const before = map.memoryBytes;
      // Half deleted by key, the rest popped.
      if (i < 1.5 * ORDERED_MAX) assert.ok(map.delete(`key${i}`));
      else assert.ok(map.popRandom() !== undefined);
      // A delete never grows the map: the key, the value and the slot go.
      assert.ok(map.memoryBytes <= before, `delete ${i}`);
      assert.equal(map.memoryBytes, map.recountMemoryBytes(), `delete ${i}`);
    }
    assert.equal(map.size, 0);
    assert.equal(map.capacity, 0);
    assert.equal(map.ordered, true);
    assert.equal(map.memoryBytes, empty);
  }
});

Deno.test("IndexedMap.memoryBytes gives a deleted key's memory back at once", () => {
  const map = new IndexedMap(false);
  const keys = Array.from({ length: 200 }, (_, i) => `member-${i}`);
  for (const key of keys) map.set(key, "");
  const full = map.memoryBytes;
  map.delete(keys[0]);
  assert.ok(map.memoryBytes < full, "the key's string goes with it");
  assert.equal(map.memoryBytes, map.recountMemoryBytes());
  map.set(keys[0], "");
  assert.equal(map.memoryBytes, full, "added again: counted once");
  for (let i = 0; i < 190; i++) map.delete(keys[i]);
  assert.equal(map.memoryBytes, map.recountMemoryBytes());
});

Deno.test("IndexedMap.setFromBytes() does what set() does, small and big, with and without values", () => {
  for (const withValues of [false, true]) {
    const random = seededRandom(21);
    const a = new IndexedMap(withValues, seededRandom(5));
    const b = new IndexedMap(withValues, seededRandom(5));
    const buf = new Uint8Array(64);
    for (let n = 0; n < 20_000; n++) {
      // Few keys at first (a small map's scan), then many (the index).
      const range = n < 2_000 ? 12 : 600;
      const key = `k\xff${randomInt(random, range)}`;
      const value = `v${n}`;
      if (random() < 0.3) {
        assert.equal(b.delete(key), a.delete(key));
        continue;
      }
      for (let i = 0; i < key.length; i++) buf[i] = key.charCodeAt(i);
      for (let i = 0; i < value.length; i++) buf[32 + i] = value.charCodeAt(i);
      assert.equal(
        b.setFromBytes(buf, 0, key.length, 32, value.length),
        a.set(key, value),
        key,
      );
    }
    assert.deepEqual(b.keysAndValues(), a.keysAndValues());
    assert.equal(b.memoryBytes, a.memoryBytes);
    assert.equal(b.memoryBytes, b.recountMemoryBytes());
  }
});
