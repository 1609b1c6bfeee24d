import assert from "node:assert/strict";
import { ByteSet } from "./set.ts";
import type { MemoryCounted } from "./collection.ts";
import { ORDERED_MAX, SMALL_MAX } from "./_indexed_map.ts";
import { randomBytes, randomInt, seededRandom } from "./_testing.ts";

function assertSame(
  set: ByteSet,
  ref: Set<string>,
  ordered: boolean,
  context: string,
): void {
  assert.equal(set.size, ref.size, context);
  if (ordered) {
    // A JS Set keeps insertion order and moves a re-added member to the
    // end, as an ordered ByteSet does.
    assert.deepEqual(set.members(), [...ref], context);
    assert.ok(
      set.slotCount <= 2 * set.size,
      `${context}: ${set.slotCount} slots for ${set.size} members`,
    );
  } else {
    assert.deepEqual(set.members().sort(), [...ref].sort(), context);
    assert.equal(set.slotCount, set.size, `${context}: tombstones`);
  }
}

/** Chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: Map<string, number>, k: number, n: number): number {
  const expected = n / k;
  let chi = 0;
  for (const c of counts.values()) chi += (c - expected) ** 2 / expected;
  chi += (k - counts.size) * expected; // members never drawn
  return chi;
}

/** The 99.9th percentile of chi-square with `df` degrees (Wilson–Hilferty). */
function chiSquareLimit(df: number): number {
  const z = 3.09;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

Deno.test("ByteSet.add() and delete() report whether the set changed", () => {
  const set = new ByteSet();
  assert.equal(set.add("a"), true);
  assert.equal(set.add("a"), false);
  assert.equal(set.add(""), true);
  assert.equal(set.has(""), true);
  assert.equal(set.delete("b"), false);
  assert.equal(set.delete("a"), true);
  assert.equal(set.has("a"), false);
  assert.deepEqual(set.members(), [""]);
  assert.deepEqual([...set], [""]);
});

Deno.test("ByteSet keeps binary-safe byte strings apart", () => {
  const members = ["\x00", "\x00\x00", "\xff", "a\x00b", "é", "\u00e9"];
  const set = ByteSet.from(members);
  assert.equal(set.size, 5); // "é" and "\u00e9" are the same byte string
  for (const m of members) assert.equal(set.has(m), true);
  assert.equal(set.has("a\x00"), false);
});

Deno.test("ByteSet works across the small-to-indexed boundary", () => {
  const set = new ByteSet();
  const ref = new Set<string>();
  for (let i = 0; i < SMALL_MAX * 3; i++) {
    set.add(`m${i}`);
    ref.add(`m${i}`);
    for (let j = 0; j <= i + 1; j++) {
      assert.equal(set.has(`m${j}`), j <= i, `has m${j} at ${i}`);
    }
  }
  for (let i = 0; i < SMALL_MAX * 3; i += 2) {
    assert.equal(set.delete(`m${i}`), true);
    ref.delete(`m${i}`);
  }
  assertSame(set, ref, true, "after deletes");
  set.clear();
  assert.equal(set.size, 0);
  assert.equal(set.has("m1"), false);
  assert.equal(set.add("m1"), true);
  assert.deepEqual(set.members(), ["m1"]);
});

Deno.test("ByteSet.delete() compacts so tombstones never outnumber members", () => {
  const n = ORDERED_MAX;
  const set = ByteSet.from(Array.from({ length: n }, (_, i) => `${i}`));
  // Delete from the front: tombstones, then in-order compactions.
  for (let i = 0; i < n - 10; i++) {
    assert.equal(set.delete(`${i}`), true);
    assert.ok(set.slotCount <= 2 * set.size, `at ${i}: ${set.slotCount}`);
  }
  assert.deepEqual(
    set.members(),
    Array.from({ length: 10 }, (_, i) => `${n - 10 + i}`),
  );
  for (let i = n - 10; i < n; i++) assert.equal(set.has(`${i}`), true);
  // Deleting from the end drops slots at once.
  for (let i = n - 1; i >= n - 10; i--) set.delete(`${i}`);
  assert.equal(set.slotCount, 0);
});

Deno.test("ByteSet matches a Set model under random operations", () => {
  for (
    const [seed, universeSize] of [[1, 100], [7, 300], [99, 100], [2024, 300]]
  ) {
    const random = seededRandom(seed);
    const set = new ByteSet({ random: seededRandom(seed + 1) });
    const empty = set.memoryBytes;
    const ref = new Set<string>();
    // Once a set has held more than ORDERED_MAX members its order is
    // unspecified (until it is emptied).
    let ordered = true;
    const universe = Array.from(
      { length: universeSize },
      (_, i) => i % 3 === 0 ? randomBytes(random, 1 + (i % 5)) : `m${i}`,
    );
    const pick = (): string => universe[randomInt(random, universe.length)];
    for (let step = 0; step < 6000; step++) {
      const context = `seed ${seed} step ${step}`;
      switch (randomInt(random, 9)) {
        case 0:
        case 1:
        case 2: {
          const m = pick();
          assert.equal(set.add(m), !ref.has(m), context);
          ref.add(m);
          break;
        }
        case 3:
        case 4: {
          const m = pick();
          assert.equal(set.delete(m), ref.has(m), context);
          ref.delete(m);
          break;
        }
        case 5: {
          const m = pick();
          assert.equal(set.has(m), ref.has(m), context);
          break;
        }
        case 6: {
          const m = set.pop();
          if (ref.size === 0) {
            assert.equal(m, undefined, context);
          } else {
            assert.ok(m !== undefined && ref.has(m), context);
            ref.delete(m);
          }
          break;
        }
        case 7: {
          const r = set.random();
          assert.equal(r === undefined, ref.size === 0, context);
          if (r !== undefined) assert.ok(ref.has(r), context);
          break;
        }
        case 8: {
          const count = randomInt(random, 9) - 2;
          const popped = set.popMany(count);
          assert.equal(
            popped.length,
            Math.max(0, Math.min(count, ref.size)),
            context,
          );
          assert.equal(new Set(popped).size, popped.length, context);
          for (const m of popped) assert.ok(ref.delete(m), context);
          break;
        }
      }
      if (ref.size > ORDERED_MAX) ordered = false;
      if (ref.size === 0) ordered = true; // an emptied set starts afresh
      assertSame(set, ref, ordered, context);
      assert.equal(set.memoryBytes, set.recountMemoryBytes(), context);
      if (ref.size === 0) assert.equal(set.memoryBytes, empty, context);
    }
  }
});

Deno.test("ByteSet keeps insertion order up to ORDERED_MAX members, then swap-removes", () => {
  const set = new ByteSet();
  const ref = new Set<string>();
  for (let i = 0; i < ORDERED_MAX; i++) {
    set.add(`${i}`);
    ref.add(`${i}`);
  }
  for (let i = 0; i < ORDERED_MAX; i += 3) {
    set.delete(`${i}`);
    ref.delete(`${i}`);
  }
  set.add("0");
  ref.add("0");
  assert.deepEqual(set.members(), [...ref]);
  assert.ok(set.slotCount > set.size, "tombstones expected while ordered");
  for (let i = ORDERED_MAX; set.size <= ORDERED_MAX; i++) {
    set.add(`${i}`);
    ref.add(`${i}`);
  }
  // Crossing the limit compacts, keeping order; then deletes swap-remove.
  assert.equal(set.slotCount, set.size);
  assert.deepEqual(set.members(), [...ref]);
  const last = set.members().at(-1);
  set.delete("1");
  assert.equal(set.slotCount, set.size);
  assert.equal(set.members()[[...ref].indexOf("1")], last);
  ref.delete("1");
  assert.deepEqual(set.members().sort(), [...ref].sort());
});

Deno.test("ByteSet.delete() of most members of a big set leaves no dead slots", () => {
  const set = ByteSet.from(Array.from({ length: 5000 }, (_, i) => `${i}`));
  for (let i = 0; i < 4990; i++) set.delete(`${i}`);
  assert.equal(set.size, 10);
  assert.equal(set.slotCount, 10);
  for (let i = 4990; i < 5000; i++) assert.equal(set.has(`${i}`), true);
});

Deno.test("ByteSet.random() is uniform, with tombstones and after swap-removes", () => {
  for (const size of [120, 400]) {
    const set = new ByteSet({ random: seededRandom(size) });
    for (let i = 0; i < size; i++) set.add(`${i}`);
    // Ordered (120): leaves tombstones in the middle, too few to compact.
    // Unordered (400): moves members around.
    for (let i = 0; i < size; i += 3) set.delete(`${i}`);
    if (size <= ORDERED_MAX) assert.ok(set.slotCount > set.size);
    const k = set.size;
    const counts = new Map<string, number>();
    const n = 1000 * k;
    for (let i = 0; i < n; i++) {
      const m = set.random() as string;
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    assert.equal(counts.size, k);
    for (const m of counts.keys()) assert.equal(Number(m) % 3 === 0, false);
    const chi = chiSquare(counts, k, n);
    const limit = chiSquareLimit(k - 1);
    assert.ok(chi < limit, `size ${size}: chi-square ${chi} >= ${limit}`);
  }
});

Deno.test("ByteSet.randomMembers() follows SRANDMEMBER's count rules", () => {
  const members = Array.from({ length: 90 }, (_, i) => `m${i}`);
  const set = ByteSet.from(members, { random: seededRandom(11) });
  assert.deepEqual(set.randomMembers(0), []);
  assert.deepEqual(set.randomMembers(90), members);
  assert.deepEqual(set.randomMembers(1000), members);
  assert.deepEqual(new ByteSet().randomMembers(5), []);
  assert.deepEqual(new ByteSet().randomMembers(-5), []);
  // Both distinct strategies: count * 3 <= size, and larger counts.
  for (const count of [1, 10, 30, 31, 60, 89]) {
    for (let round = 0; round < 20; round++) {
      const got = set.randomMembers(count);
      assert.equal(got.length, count);
      assert.equal(new Set(got).size, count, `count ${count} repeats`);
      for (const m of got) assert.ok(set.has(m));
    }
  }
  const repeated = set.randomMembers(-500);
  assert.equal(repeated.length, 500);
  for (const m of repeated) assert.ok(set.has(m));
  assert.ok(new Set(repeated).size < 500, "negative count never repeated");
  assert.equal(ByteSet.from(["x"]).randomMembers(-3).join(), "x,x,x");
});

Deno.test("ByteSet.randomMembers() picks each member equally often", () => {
  const size = 60;
  const set = ByteSet.from(
    Array.from({ length: size }, (_, i) => `${i}`),
    { random: seededRandom(3) },
  );
  for (const count of [5, 40]) {
    const counts = new Map<string, number>();
    const rounds = 6000;
    for (let i = 0; i < rounds; i++) {
      for (const m of set.randomMembers(count)) {
        counts.set(m, (counts.get(m) ?? 0) + 1);
      }
    }
    // Draws without replacement vary less than independent ones, so the
    // independent-draw limit holds.
    const chi = chiSquare(counts, size, rounds * count);
    const limit = chiSquareLimit(size - 1);
    assert.ok(chi < limit, `count ${count}: chi-square ${chi} >= ${limit}`);
  }
});

Deno.test("ByteSet.popMany() removes distinct members, all when count >= size", () => {
  const set = ByteSet.from(["a", "b", "c", "d"], { random: seededRandom(1) });
  assert.deepEqual(set.popMany(0), []);
  assert.deepEqual(set.popMany(-1), []);
  const two = set.popMany(2);
  assert.equal(new Set(two).size, 2);
  assert.equal(set.size, 2);
  for (const m of two) assert.equal(set.has(m), false);
  const rest = set.popMany(5);
  assert.equal(rest.length, 2);
  assert.equal(set.size, 0);
  assert.deepEqual([...two, ...rest].sort(), ["a", "b", "c", "d"]);
  assert.equal(set.pop(), undefined);
});

Deno.test("ByteSet.intersection() and intersectionSize() match a model", () => {
  const random = seededRandom(8);
  for (let round = 0; round < 200; round++) {
    const sets = Array.from({ length: 1 + randomInt(random, 4) }, () => {
      const n = randomInt(random, 40);
      return ByteSet.from(
        Array.from({ length: n }, () => `${randomInt(random, 30)}`),
      );
    });
    const expected = new Set(
      sets.length === 0
        ? []
        : sets[0].members().filter((m) => sets.every((s) => s.has(m))),
    );
    const got = ByteSet.intersection(sets);
    assert.equal(got.length, expected.size);
    assert.deepEqual(new Set(got), expected);
    assert.equal(ByteSet.intersectionSize(sets), expected.size);
    const limit = randomInt(random, 5);
    const limited = ByteSet.intersection(sets, limit);
    assert.equal(
      limited.length,
      limit === 0 ? expected.size : Math.min(limit, expected.size),
    );
    for (const m of limited) assert.ok(expected.has(m));
    assert.equal(ByteSet.intersectionSize(sets, limit), limited.length);
  }
  assert.deepEqual(ByteSet.intersection([]), []);
  const a = ByteSet.from(["x", "y"]);
  assert.deepEqual(ByteSet.intersection([a, a]), ["x", "y"]);
  assert.deepEqual(ByteSet.intersection([a, new ByteSet()]), []);
});

Deno.test("ByteSet.intersection() walks the smallest set", () => {
  const big = ByteSet.from(Array.from({ length: 1000 }, (_, i) => `${i}`));
  const small = ByteSet.from(["5", "nope", "3"]);
  // The result follows the smallest set's order whatever the argument order.
  assert.deepEqual(ByteSet.intersection([big, small]), ["5", "3"]);
  assert.deepEqual(ByteSet.intersection([small, big]), ["5", "3"]);
});

Deno.test("ByteSet.union() and difference() match a model", () => {
  const random = seededRandom(9);
  for (let round = 0; round < 200; round++) {
    const sets = Array.from({ length: 1 + randomInt(random, 4) }, () => {
      const n = randomInt(random, 40);
      return ByteSet.from(
        Array.from({ length: n }, () => `${randomInt(random, 30)}`),
      );
    });
    const union = ByteSet.union(sets);
    assert.deepEqual(
      union.members(),
      [...new Set(sets.flatMap((s) => s.members()))],
    );
    const [first, ...others] = sets;
    assert.deepEqual(
      ByteSet.difference(first, others),
      first.members().filter((m) => !others.some((s) => s.has(m))),
    );
  }
  const a = ByteSet.from(["x", "y"]);
  assert.deepEqual(ByteSet.difference(a, [a]), []);
  assert.deepEqual(ByteSet.difference(a, []), ["x", "y"]);
  assert.equal(ByteSet.union([]).size, 0);
});

Deno.test("ByteSet.scan() without changes returns each member once", () => {
  for (const size of [0, 1, 10, 11, SMALL_MAX + 1, 1000]) {
    const set = ByteSet.from(Array.from({ length: size }, (_, i) => `${i}`));
    for (const count of [1, 7, 10, 5000]) {
      const seen: string[] = [];
      let cursor = 0;
      let calls = 0;
      do {
        cursor = set.scan(cursor, count, seen);
        calls++;
        assert.ok(calls <= size + 2, "scan does not end");
      } while (cursor !== 0);
      assert.equal(seen.length, size, `size ${size} count ${count}`);
      assert.equal(new Set(seen).size, size);
    }
  }
});

Deno.test("ByteSet.scan() of a small set returns it in one call, in order", () => {
  const set = ByteSet.from(["c", "a", "b"]);
  const out: string[] = [];
  assert.equal(set.scan(0, 10, out), 0);
  assert.deepEqual(out, ["c", "a", "b"]);
});

Deno.test("ByteSet.scan() ignores a cursor past the end or not an integer", () => {
  const set = ByteSet.from(Array.from({ length: 100 }, (_, i) => `${i}`));
  for (const cursor of [1e9, Number.MAX_SAFE_INTEGER, 2 ** 64, Infinity]) {
    const out: string[] = [];
    const next = set.scan(cursor, 10, out);
    assert.equal(out.length, 10);
    assert.ok(next > 0 && next < 100);
  }
  const out: string[] = [];
  assert.equal(set.scan(2.5, 10, out), 0);
  assert.deepEqual(out, ["1", "0"]);
  assert.equal(set.scan(Number.NaN, 0, []), 99);
});

Deno.test("ByteSet.scan() returns every member present for the whole scan despite adds and removes", () => {
  let compactionsSeen = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const random = seededRandom(seed);
    const size = [5, 17, 100, 600][seed % 4];
    let next = 0;
    const set = new ByteSet({ random: seededRandom(-seed) });
    for (let i = 0; i < size; i++) set.add(`m${next++}`);
    const initial = set.members();
    const removedDuringScan = new Set<string>();
    const everPresent = new Set(initial);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    let slotsBefore = set.slotCount;
    do {
      const out: string[] = [];
      cursor = set.scan(cursor, 1 + randomInt(random, 12), out);
      for (const m of out) {
        assert.ok(everPresent.has(m), `seed ${seed}: ${m} was never there`);
        assert.ok(set.has(m), `seed ${seed}: ${m} returned after removal`);
        seen.add(m);
      }
      // Between calls: remove (by name and by SPOP) and add, often enough
      // to compact the slots mid-scan.
      const removals = randomInt(random, Math.max(2, set.size >> 2));
      for (let i = 0; i < removals && set.size > 0; i++) {
        const victim = random() < 0.5
          ? set.pop() as string
          : set.random() as string;
        set.delete(victim);
        removedDuringScan.add(victim);
      }
      const additions = randomInt(random, 6);
      for (let i = 0; i < additions; i++) {
        const m = random() < 0.2 && removedDuringScan.size > 0
          ? [...removedDuringScan][0] // re-added: not present all along
          : `m${next++}`;
        set.add(m);
        everPresent.add(m);
      }
      if (set.slotCount < slotsBefore - additions) compactionsSeen++;
      slotsBefore = set.slotCount;
      calls++;
      assert.ok(calls < 10_000, `seed ${seed}: scan does not end`);
    } while (cursor !== 0);
    for (const m of initial) {
      if (removedDuringScan.has(m)) continue;
      assert.ok(seen.has(m), `seed ${seed}: ${m} present throughout, missed`);
    }
  }
  assert.ok(compactionsSeen > 10, `only ${compactionsSeen} compactions`);
});

Deno.test("ByteSet.memoryBytes follows the model: objects, slots and strings", () => {
  // ByteSet 32 + IndexedMap 104 (9 fields and a private brand) + an array
  // of 2 slots (32 + 16 + 2 * 8 = 64) + "member" (16 + 6 -> 24).
  const set = ByteSet.from(["member"]);
  assert.equal(set.memoryBytes, 32 + 104 + 64 + 24);
  set.add("m"); // a 1-char string is a V8 constant
  assert.equal(set.memoryBytes, 32 + 104 + 64 + 24);
  const counted: MemoryCounted = set;
  assert.equal(counted.memoryBytes, set.recountMemoryBytes());
});

Deno.test("ByteSet.memoryBytes grows with adds, shrinks with removes and pops back to empty", () => {
  const set = new ByteSet({ random: seededRandom(4) });
  const empty = set.memoryBytes;
  const n = 3 * ORDERED_MAX;
  for (let i = 0; i < n; i++) {
    const before = set.memoryBytes;
    assert.equal(set.add(`member:${i}`), true);
    assert.ok(set.memoryBytes > before, `add ${i}`);
    assert.equal(set.add(`member:${i}`), false);
    assert.equal(set.memoryBytes, set.recountMemoryBytes(), `add ${i}`);
  }
  // Removes: a member of an indexed set stays in its dead index entry
  // until swept, so a remove may leave the count unchanged, never higher.
  for (let i = 0; i < n / 2; i++) {
    const before = set.memoryBytes;
    assert.equal(set.delete(`member:${i}`), true);
    assert.ok(set.memoryBytes <= before, `delete ${i}`);
    assert.equal(set.memoryBytes, set.recountMemoryBytes(), `delete ${i}`);
  }
  while (set.size > 10) {
    const before = set.memoryBytes;
    assert.ok(set.pop() !== undefined);
    assert.ok(set.memoryBytes <= before, `pop at ${set.size}`);
    assert.equal(
      set.memoryBytes,
      set.recountMemoryBytes(),
      `pop at ${set.size}`,
    );
  }
  assert.ok(set.memoryBytes > empty);
  assert.equal(set.popMany(100).length, 10);
  assert.equal(set.memoryBytes, empty);
  for (let i = 0; i < 40; i++) set.add(`member:${i}`);
  set.clear();
  assert.equal(set.memoryBytes, empty);
});

Deno.test("ByteSet.union() counts the memory of the set it makes", () => {
  const a = ByteSet.from(Array.from({ length: 30 }, (_, i) => `a${i}`));
  const b = ByteSet.from(Array.from({ length: 30 }, (_, i) => `a${i + 20}`));
  const union = ByteSet.union([a, b]);
  assert.equal(union.size, 50);
  assert.equal(union.memoryBytes, union.recountMemoryBytes());
  assert.ok(union.memoryBytes > a.memoryBytes);
});
