import assert from "node:assert/strict";
import { ByteHash } from "./hash.ts";
import { ORDERED_MAX, SMALL_MAX } from "./_indexed_map.ts";
import type { MemoryCounted } from "./collection.ts";
import { randomBytes, randomInt, seededRandom } from "./_testing.ts";

function assertSame(
  hash: ByteHash,
  ref: Map<string, string>,
  ordered: boolean,
  context: string,
): void {
  assert.equal(hash.size, ref.size, context);
  if (ordered) {
    // A JS Map keeps insertion order, keeps a replaced value's place and
    // moves a re-added key to the end, as an ordered ByteHash (and Redis's
    // listpack hashes) do.
    assert.deepEqual(hash.fieldsAndValues(), [...ref].flat(), context);
    assert.ok(
      hash.slotCount <= 2 * hash.size,
      `${context}: ${hash.slotCount} slots for ${hash.size} fields`,
    );
  } else {
    const byField = (a: [string, string], b: [string, string]): number =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
    assert.deepEqual([...hash].sort(byField), [...ref].sort(byField), context);
    assert.equal(hash.slotCount, hash.size, `${context}: tombstones`);
  }
  const fields = hash.fields();
  const values = hash.values();
  for (let i = 0; i < fields.length; i++) {
    assert.equal(values[i], ref.get(fields[i]), `${context}: HVALS order`);
  }
}

Deno.test("ByteHash.set() reports new fields and keeps a replaced field's place", () => {
  const hash = new ByteHash();
  assert.equal(hash.set("a", "1"), true);
  assert.equal(hash.set("b", "2"), true);
  assert.equal(hash.set("a", "3"), false);
  assert.deepEqual(hash.fields(), ["a", "b"]);
  assert.deepEqual(hash.values(), ["3", "2"]);
  assert.deepEqual([...hash], [["a", "3"], ["b", "2"]]);
});

Deno.test("ByteHash.delete() then set() moves a field to the end, like Redis", () => {
  // redis-server 7.0: HSET h a 1 b 2 c 3; HDEL h b; HSET h b 4; HGETALL h
  // → a 1 c 3 b 4.
  const hash = ByteHash.from([["a", "1"], ["b", "2"], ["c", "3"]]);
  assert.equal(hash.delete("b"), true);
  assert.equal(hash.delete("b"), false);
  assert.equal(hash.set("b", "4"), true);
  assert.deepEqual(hash.fieldsAndValues(), ["a", "1", "c", "3", "b", "4"]);
});

Deno.test("ByteHash.get() and has() see every field, binary-safe", () => {
  const hash = new ByteHash();
  hash.set("", "empty field");
  hash.set("\x00", "");
  hash.set("\xff\x00", "\x00\x01");
  assert.equal(hash.get(""), "empty field");
  assert.equal(hash.get("\x00"), "");
  assert.equal(hash.get("\xff\x00"), "\x00\x01");
  assert.equal(hash.get("\xff"), undefined);
  assert.equal(hash.has("\x00"), true);
  assert.equal(hash.has("x"), false);
});

Deno.test("ByteHash.setIfAbsent() sets only new fields", () => {
  const hash = new ByteHash();
  assert.equal(hash.setIfAbsent("a", "1"), true);
  assert.equal(hash.setIfAbsent("a", "2"), false);
  assert.equal(hash.get("a"), "1");
  for (let i = 0; i < SMALL_MAX * 2; i++) hash.setIfAbsent(`f${i}`, `${i}`);
  assert.equal(hash.setIfAbsent("f3", "x"), false);
  assert.equal(hash.get("f3"), "3");
  assert.equal(hash.size, SMALL_MAX * 2 + 1);
});

Deno.test("ByteHash matches a Map model under random operations", () => {
  for (
    const [seed, universeSize] of [[3, 90], [17, 250], [500, 90], [31337, 250]]
  ) {
    const random = seededRandom(seed);
    const hash = new ByteHash({ random: seededRandom(seed * 7) });
    const empty = hash.memoryBytes;
    const ref = new Map<string, string>();
    let ordered = true; // until the hash holds more than ORDERED_MAX fields
    const universe = Array.from(
      { length: universeSize },
      (_, i) => i % 4 === 0 ? randomBytes(random, i % 6) : `f${i}`,
    );
    const pick = (): string => universe[randomInt(random, universe.length)];
    for (let step = 0; step < 6000; step++) {
      const context = `seed ${seed} step ${step}`;
      switch (randomInt(random, 8)) {
        case 0:
        case 1:
        case 2: {
          const f = pick();
          const v = randomBytes(random, randomInt(random, 4));
          assert.equal(hash.set(f, v), !ref.has(f), context);
          ref.set(f, v);
          break;
        }
        case 3: {
          const f = pick();
          const v = `${step}`;
          assert.equal(hash.setIfAbsent(f, v), !ref.has(f), context);
          if (!ref.has(f)) ref.set(f, v);
          break;
        }
        case 4:
        case 5: {
          const f = pick();
          assert.equal(hash.delete(f), ref.delete(f), context);
          break;
        }
        case 6: {
          const f = pick();
          assert.equal(hash.get(f), ref.get(f), context);
          assert.equal(hash.has(f), ref.has(f), context);
          break;
        }
        case 7: {
          const count = randomInt(random, 11) - 5;
          const got = hash.randomFields(count, true);
          const pairs = count >= 0 ? Math.min(count, ref.size) : -count;
          assert.equal(got.length, ref.size === 0 ? 0 : 2 * pairs, context);
          for (let i = 0; i < got.length; i += 2) {
            assert.equal(ref.get(got[i]), got[i + 1], context);
          }
          break;
        }
      }
      if (ref.size > ORDERED_MAX) ordered = false;
      if (ref.size === 0) ordered = true; // an emptied hash starts afresh
      assertSame(hash, ref, ordered, context);
      assert.equal(hash.memoryBytes, hash.recountMemoryBytes(), context);
      if (ref.size === 0) assert.equal(hash.memoryBytes, empty, context);
    }
  }
});

Deno.test("ByteHash keeps insertion order up to ORDERED_MAX fields", () => {
  const hash = new ByteHash();
  const ref = new Map<string, string>();
  for (let i = 0; i < ORDERED_MAX; i++) {
    hash.set(`f${i}`, `${i}`);
    ref.set(`f${i}`, `${i}`);
  }
  for (let i = 0; i < ORDERED_MAX; i += 2) {
    hash.delete(`f${i}`);
    ref.delete(`f${i}`);
    hash.set(`f${i + 1}`, "updated");
    ref.set(`f${i + 1}`, "updated");
  }
  hash.set("f0", "back");
  ref.set("f0", "back");
  assert.deepEqual(hash.fieldsAndValues(), [...ref].flat());
  for (let i = ORDERED_MAX; hash.size <= ORDERED_MAX; i++) {
    hash.set(`f${i}`, `${i}`);
    ref.set(`f${i}`, `${i}`);
  }
  assert.deepEqual(hash.fieldsAndValues(), [...ref].flat());
  assert.equal(hash.slotCount, hash.size);
});

Deno.test("ByteHash.randomField() is uniform over fields", () => {
  const hash = new ByteHash({ random: seededRandom(21) });
  for (let i = 0; i < 120; i++) hash.set(`${i}`, "v");
  for (let i = 0; i < 120; i += 4) hash.delete(`${i}`);
  const k = hash.size;
  const counts = new Map<string, number>();
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const f = hash.randomField() as string;
    counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  assert.equal(counts.size, k);
  const expected = n / k;
  let chi = 0;
  for (const c of counts.values()) chi += (c - expected) ** 2 / expected;
  // 89 degrees of freedom: the 99.9th percentile is about 136.
  assert.equal(k, 90);
  assert.ok(chi < 136, `chi-square ${chi}`);
  assert.equal(new ByteHash().randomField(), undefined);
});

Deno.test("ByteHash.randomFields() follows HRANDFIELD's count rules", () => {
  const entries: [string, string][] = Array.from(
    { length: 40 },
    (_, i) => [`f${i}`, `v${i}`],
  );
  const hash = ByteHash.from(entries, { random: seededRandom(4) });
  assert.deepEqual(hash.randomFields(0), []);
  assert.deepEqual(hash.randomFields(40), entries.map(([f]) => f));
  assert.deepEqual(hash.randomFields(99, true), entries.flat());
  for (const count of [1, 13, 14, 39]) {
    const fields = hash.randomFields(count);
    assert.equal(new Set(fields).size, count);
    const pairs = hash.randomFields(count, true);
    assert.equal(pairs.length, 2 * count);
    for (let i = 0; i < pairs.length; i += 2) {
      assert.equal(pairs[i + 1], `v${pairs[i].slice(1)}`);
    }
  }
  const repeated = hash.randomFields(-200, true);
  assert.equal(repeated.length, 400);
  for (let i = 0; i < repeated.length; i += 2) {
    assert.equal(hash.get(repeated[i]), repeated[i + 1]);
  }
  assert.deepEqual(new ByteHash().randomFields(-3), []);
});

Deno.test("ByteHash.clear() empties the hash", () => {
  const hash = ByteHash.from(
    Array.from({ length: 50 }, (_, i) => [`${i}`, `${i}`] as [string, string]),
  );
  hash.clear();
  assert.equal(hash.size, 0);
  assert.equal(hash.get("1"), undefined);
  assert.equal(hash.set("1", "x"), true);
  assert.deepEqual(hash.fieldsAndValues(), ["1", "x"]);
});

Deno.test("ByteHash.scan() returns field-value pairs, all of a small hash at once", () => {
  const hash = ByteHash.from([["b", "1"], ["a", "2"]]);
  const out: string[] = [];
  assert.equal(hash.scan(0, 10, out), 0);
  assert.deepEqual(out, ["b", "1", "a", "2"]);
  const big = new ByteHash();
  for (let i = 0; i < 95; i++) big.set(`f${i}`, `v${i}`);
  const all: string[] = [];
  let cursor = 0;
  do {
    const before = all.length;
    cursor = big.scan(cursor, 10, all);
    assert.ok(all.length - before <= 20);
  } while (cursor !== 0);
  assert.equal(all.length, 190);
  for (let i = 0; i < all.length; i += 2) {
    assert.equal(all[i + 1], `v${all[i].slice(1)}`);
  }
  assert.equal(new Set(all.filter((_, i) => i % 2 === 0)).size, 95);
});

Deno.test("ByteHash.scan() returns every field present for the whole scan despite sets and deletes", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const random = seededRandom(seed * 13);
    const size = [3, 20, 250, 1000][seed % 4];
    const hash = new ByteHash();
    let next = 0;
    for (let i = 0; i < size; i++) hash.set(`f${next++}`, "0");
    const initial = hash.fields();
    const deleted = new Set<string>();
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      const out: string[] = [];
      cursor = hash.scan(cursor, 1 + randomInt(random, 10), out);
      for (let i = 0; i < out.length; i += 2) {
        assert.equal(hash.get(out[i]), out[i + 1], `seed ${seed}`);
        seen.add(out[i]);
      }
      const deletes = randomInt(random, Math.max(2, hash.size >> 2));
      for (let i = 0; i < deletes && hash.size > 0; i++) {
        const f = hash.randomField() as string;
        hash.delete(f);
        deleted.add(f);
      }
      for (let i = randomInt(random, 6); i > 0; i--) {
        hash.set(`f${next++}`, "new");
      }
      // Updates keep a field's slot.
      const f = hash.randomField();
      if (f !== undefined) hash.set(f, `${calls}`);
      calls++;
      assert.ok(calls < 10_000, `seed ${seed}: scan does not end`);
    } while (cursor !== 0);
    for (const f of initial) {
      if (!deleted.has(f)) assert.ok(seen.has(f), `seed ${seed}: missed ${f}`);
    }
  }
});

Deno.test("ByteHash.memoryBytes follows the model: objects, slots and strings", () => {
  // ByteHash 32 + IndexedMap 104 (9 fields and a private brand) + an array
  // of 2 slots of field and value (32 + 16 + 4 * 8 = 80) + "field" and
  // "value" (16 + 5 -> 24 each).
  const hash = ByteHash.from([["field", "value"]]);
  assert.equal(hash.memoryBytes, 32 + 104 + 80 + 24 + 24);
  // "" and 1-char strings are V8 constants.
  hash.set("f", "");
  assert.equal(hash.memoryBytes, 32 + 104 + 80 + 24 + 24);
  const counted: MemoryCounted = hash;
  assert.equal(counted.memoryBytes, hash.recountMemoryBytes());
});

Deno.test("ByteHash.memoryBytes grows with new fields and longer values, shrinks back to empty", () => {
  const hash = new ByteHash();
  const empty = hash.memoryBytes;
  assert.equal(empty, hash.recountMemoryBytes());
  const n = 3 * ORDERED_MAX; // small, indexed, then unordered
  for (let i = 0; i < n; i++) {
    const before = hash.memoryBytes;
    assert.equal(hash.set(`field:${i}`, `value:${i}`), true);
    assert.ok(hash.memoryBytes > before, `set ${i}`);
    assert.equal(hash.memoryBytes, hash.recountMemoryBytes(), `set ${i}`);
  }
  // Replacing a value changes the count by the difference only.
  let before = hash.memoryBytes;
  hash.set("field:0", "a value of 32 bytes, more or less");
  assert.ok(hash.memoryBytes > before);
  before = hash.memoryBytes;
  hash.set("field:0", "v0");
  assert.ok(hash.memoryBytes < before);
  assert.equal(hash.setIfAbsent("field:0", "ignored, never stored"), false);
  assert.equal(hash.memoryBytes, hash.recountMemoryBytes());
  for (let i = 0; i < n; i++) {
    const before = hash.memoryBytes;
    assert.equal(hash.delete(`field:${i}`), true);
    assert.ok(hash.memoryBytes < before, `delete ${i}`);
    assert.equal(hash.memoryBytes, hash.recountMemoryBytes(), `delete ${i}`);
  }
  assert.equal(hash.memoryBytes, empty);
  for (let i = 0; i < 40; i++) hash.set(`field:${i}`, `value:${i}`);
  hash.clear();
  assert.equal(hash.memoryBytes, empty);
});
