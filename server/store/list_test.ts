import assert from "node:assert/strict";
import { ByteList } from "./list.ts";
import type { MemoryCounted } from "./collection.ts";
import { randomBytes, randomInt, seededRandom } from "./_testing.ts";

// ---------------------------------------------------------------------------
// A reference model: a plain array with Redis's rules written the obvious way.

function refRange(a: string[], start: number, stop: number): string[] {
  const n = a.length;
  if (start < 0) start = n + start;
  if (stop < 0) stop = n + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return [];
  if (stop >= n) stop = n - 1;
  return a.slice(start, stop + 1);
}

function refRemove(a: string[], count: number, value: string): number {
  const hits: number[] = [];
  a.forEach((e, i) => {
    if (e === value) hits.push(i);
  });
  const chosen = count > 0
    ? hits.slice(0, count)
    : count < 0
    ? hits.slice(Math.max(0, hits.length + count))
    : hits;
  for (const i of [...chosen].reverse()) a.splice(i, 1);
  return chosen.length;
}

function refPositions(
  a: string[],
  value: string,
  rank: number,
  count: number,
  maxLen: number,
): number[] {
  const order = a.map((_, i) => i);
  if (rank < 0) order.reverse();
  const scanned = maxLen > 0 ? order.slice(0, maxLen) : order;
  const hits = scanned.filter((i) => a[i] === value).slice(Math.abs(rank) - 1);
  return count === 0 ? hits : hits.slice(0, count);
}

function assertSame(list: ByteList, ref: string[], context: string): void {
  assert.equal(list.length, ref.length, context);
  assert.deepEqual(list.toArray(), ref, context);
  const cap = list.capacity;
  assert.ok((cap & (cap - 1)) === 0, `${context}: capacity ${cap} not 2^k`);
  assert.ok(cap >= ref.length, `${context}: capacity ${cap} < length`);
  assert.ok(
    cap <= Math.max(4, 4 * ref.length),
    `${context}: capacity ${cap} for length ${ref.length} keeps dead slots`,
  );
}

// ---------------------------------------------------------------------------

Deno.test("ByteList.pushLeft() and pushRight() return the new length", () => {
  const list = new ByteList();
  assert.equal(list.pushRight("b"), 1);
  assert.equal(list.pushLeft("a"), 2);
  assert.equal(list.pushRight("c"), 3);
  assert.deepEqual(list.toArray(), ["a", "b", "c"]);
  assert.deepEqual([...list], ["a", "b", "c"]);
});

Deno.test("ByteList.popLeft() and popRight() return undefined when empty", () => {
  const list = new ByteList();
  assert.equal(list.popLeft(), undefined);
  assert.equal(list.popRight(), undefined);
  list.pushLeft("x");
  assert.equal(list.popRight(), "x");
  assert.equal(list.popLeft(), undefined);
  assert.equal(list.length, 0);
});

Deno.test("ByteList keeps binary-safe byte strings as they are", () => {
  const values = ["", "\x00", "\xff\xfe\x00a", "\r\n", "é"];
  const list = ByteList.from(values);
  assert.deepEqual(list.toArray(), values);
  assert.deepEqual(list.positions("\x00"), [1]);
  assert.equal(list.remove(0, ""), 1);
  assert.deepEqual(list.toArray(), values.slice(1));
});

Deno.test("ByteList grows and wraps around the ring at both ends", () => {
  const list = new ByteList();
  const ref: string[] = [];
  for (let i = 0; i < 100; i++) {
    if (i % 3 === 0) {
      list.pushLeft(`l${i}`);
      ref.unshift(`l${i}`);
    } else {
      list.pushRight(`r${i}`);
      ref.push(`r${i}`);
    }
    assertSame(list, ref, `push ${i}`);
  }
  for (let i = 0; i < 100; i++) {
    assert.equal(list.index(i), ref[i]);
    assert.equal(list.index(i - 100), ref[i]);
  }
});

Deno.test("ByteList.popLeft() shrinks the buffer when it is mostly empty", () => {
  const list = ByteList.from(Array.from({ length: 1000 }, (_, i) => `${i}`));
  assert.equal(list.capacity, 1024);
  for (let i = 0; i < 995; i++) assert.equal(list.popLeft(), `${i}`);
  assert.equal(list.length, 5);
  assert.ok(list.capacity <= 32, `capacity ${list.capacity}`);
  assert.deepEqual(list.toArray(), ["995", "996", "997", "998", "999"]);
  while (list.popRight() !== undefined);
  assert.equal(list.capacity, 4);
});

Deno.test("ByteList.index() and set() follow Redis's index rules", () => {
  const list = ByteList.from(["a", "b", "c"]);
  assert.equal(list.index(0), "a");
  assert.equal(list.index(-1), "c");
  assert.equal(list.index(-3), "a");
  assert.equal(list.index(-4), undefined);
  assert.equal(list.index(3), undefined);
  assert.equal(list.index(Number.NaN), undefined);
  assert.equal(list.set(-3, "A"), true);
  assert.equal(list.set(3, "D"), false);
  assert.equal(list.set(-4, "D"), false);
  assert.deepEqual(list.toArray(), ["A", "b", "c"]);
});

Deno.test("ByteList.range() clamps like LRANGE", () => {
  // Cases checked against redis-server 7.0 on [a b c a b c x].
  const list = ByteList.from(["a", "b", "c", "a", "b", "c", "x"]);
  assert.deepEqual(list.range(-100, 100), list.toArray());
  assert.deepEqual(list.range(5, 2), []);
  assert.deepEqual(list.range(-2, -1), ["c", "x"]);
  assert.deepEqual(list.range(7, 10), []);
  assert.deepEqual(list.range(0, 0), ["a"]);
  assert.deepEqual(list.range(-1, -2), []);
  assert.deepEqual(new ByteList().range(0, -1), []);
});

Deno.test("ByteList.trim() keeps the LTRIM range and empties on an empty one", () => {
  const list = ByteList.from(["a", "b", "c", "d", "e"]);
  assert.equal(list.trim(1, -2), 2);
  assert.deepEqual(list.toArray(), ["b", "c", "d"]);
  assert.equal(list.trim(0, 100), 0);
  assert.deepEqual(list.toArray(), ["b", "c", "d"]);
  assert.equal(list.trim(-1, -1), 2);
  assert.deepEqual(list.toArray(), ["d"]);
  assert.equal(list.trim(2, 1), 1);
  assert.equal(list.length, 0);
  const big = ByteList.from(Array.from({ length: 4096 }, (_, i) => `${i}`));
  big.trim(100, 109);
  assert.deepEqual(
    big.toArray(),
    refRange(
      Array.from({ length: 4096 }, (_, i) => `${i}`),
      100,
      109,
    ),
  );
  assert.ok(big.capacity <= 64, `capacity ${big.capacity} after trim`);
});

Deno.test("ByteList.remove() follows LREM's count rules", () => {
  // Checked against redis-server 7.0: LREM l -2 a on [a b c a b c a x a].
  const list = ByteList.from(["a", "b", "c", "a", "b", "c", "a", "x", "a"]);
  assert.equal(list.remove(-2, "a"), 2);
  assert.deepEqual(list.toArray(), ["a", "b", "c", "a", "b", "c", "x"]);
  assert.equal(list.remove(1, "b"), 1);
  assert.deepEqual(list.toArray(), ["a", "c", "a", "b", "c", "x"]);
  assert.equal(list.remove(0, "c"), 2);
  assert.deepEqual(list.toArray(), ["a", "a", "b", "x"]);
  assert.equal(list.remove(5, "zz"), 0);
  assert.equal(list.remove(10, "a"), 2);
  assert.deepEqual(list.toArray(), ["b", "x"]);
});

Deno.test("ByteList.remove() near either end of a long list moves few elements", () => {
  const n = 10_001;
  const values = Array.from({ length: n }, (_, i) => `${i}`);
  const list = ByteList.from(values);
  assert.equal(list.remove(1, "3"), 1);
  assert.equal(list.remove(-1, `${n - 3}`), 1);
  values.splice(n - 3, 1);
  values.splice(3, 1);
  assert.deepEqual(list.toArray(), values);
});

Deno.test("ByteList.insert() follows LINSERT", () => {
  const list = ByteList.from(["a", "c", "a"]);
  assert.equal(list.insert("a", "x", false), 4);
  assert.deepEqual(list.toArray(), ["x", "a", "c", "a"]);
  assert.equal(list.insert("a", "y", true), 5);
  assert.deepEqual(list.toArray(), ["x", "a", "y", "c", "a"]);
  assert.equal(list.insert("zz", "q", false), -1);
  assert.equal(list.length, 5);
  assert.equal(list.insert("a", "end", true), 6);
  assert.equal(list.insert("c", "mid", true), 7);
  assert.deepEqual(list.toArray(), ["x", "a", "end", "y", "c", "mid", "a"]);
});

Deno.test("ByteList.positions() follows LPOS's RANK, COUNT and MAXLEN", () => {
  // Each answer checked against redis-server 7.0 on [a b c a b c a x a].
  const list = ByteList.from(["a", "b", "c", "a", "b", "c", "a", "x", "a"]);
  assert.deepEqual(list.positions("a"), [0]);
  assert.deepEqual(list.positions("a", { rank: -1 }), [8]);
  assert.deepEqual(list.positions("a", { rank: 2, count: 0 }), [3, 6, 8]);
  assert.deepEqual(list.positions("a", { rank: -2, count: 2 }), [6, 3]);
  assert.deepEqual(list.positions("a", { count: 0, maxLen: 3 }), [0]);
  assert.deepEqual(
    list.positions("a", { rank: -1, count: 0, maxLen: 2 }),
    [8],
  );
  assert.deepEqual(list.positions("a", { rank: 5 }), []);
  assert.deepEqual(list.positions("a", { rank: -5, count: 0 }), []);
  assert.deepEqual(list.positions("q", { count: 0 }), []);
  assert.deepEqual(list.positions("a", { maxLen: 100, count: 0 }), [
    0,
    3,
    6,
    8,
  ]);
});

Deno.test("ByteList.positions() throws on a zero rank or negative counts", () => {
  const list = ByteList.from(["a"]);
  assert.throws(() => list.positions("a", { rank: 0 }), RangeError);
  assert.throws(() => list.positions("a", { rank: 1.5 }), RangeError);
  assert.throws(() => list.positions("a", { count: -1 }), RangeError);
  assert.throws(() => list.positions("a", { maxLen: -1 }), RangeError);
});

Deno.test("ByteList.range(), trim() and remove() throw on non-integers", () => {
  const list = ByteList.from(["a", "b"]);
  assert.throws(() => list.range(Number.NaN, 1), RangeError);
  assert.throws(() => list.range(0, 1.5), RangeError);
  assert.throws(() => list.trim(0, Number.NaN), RangeError);
  assert.throws(() => list.remove(Number.NaN, "a"), RangeError);
  assert.deepEqual(list.toArray(), ["a", "b"]);
  assert.deepEqual(list.range(-(2 ** 62), 2 ** 62), ["a", "b"]);
});

Deno.test("ByteList.clear() empties the list and resets the buffer", () => {
  const list = ByteList.from(Array.from({ length: 100 }, (_, i) => `${i}`));
  list.clear();
  assert.equal(list.length, 0);
  assert.equal(list.capacity, 4);
  assert.equal(list.pushRight("a"), 1);
  assert.deepEqual(list.toArray(), ["a"]);
});

Deno.test("ByteList matches an array model under random operations", () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    const random = seededRandom(seed);
    const alphabet = ["a", "b", "c", "", "\x00\xff", randomBytes(random, 8)];
    const pick = (): string => alphabet[randomInt(random, alphabet.length)];
    const list = new ByteList();
    const empty = list.memoryBytes;
    const ref: string[] = [];
    for (let step = 0; step < 4000; step++) {
      const n = ref.length;
      const idx = (): number => randomInt(random, 2 * n + 6) - n - 3;
      const context = `seed ${seed} step ${step}`;
      // Bias towards growth while small and shrinking while large.
      const op = randomInt(random, 14);
      switch (op) {
        case 0:
        case 1: {
          const v = pick();
          ref.push(v);
          assert.equal(list.pushRight(v), ref.length, context);
          break;
        }
        case 2:
        case 3: {
          const v = pick();
          ref.unshift(v);
          assert.equal(list.pushLeft(v), ref.length, context);
          break;
        }
        case 4:
          assert.equal(list.popLeft(), ref.shift(), context);
          break;
        case 5:
          assert.equal(list.popRight(), ref.pop(), context);
          break;
        case 6: {
          const i = idx();
          assert.equal(list.index(i), ref.at(i), context);
          break;
        }
        case 7: {
          const i = idx();
          const v = pick();
          const ok = i >= -n && i < n;
          assert.equal(list.set(i, v), ok, context);
          if (ok) ref[i < 0 ? i + n : i] = v;
          break;
        }
        case 8: {
          const a = idx();
          const b = idx();
          assert.deepEqual(list.range(a, b), refRange(ref, a, b), context);
          break;
        }
        case 9: {
          if (random() < 0.7) break; // trims empty the list fast
          const a = randomInt(random, 4);
          const b = -1 - randomInt(random, 4);
          const kept = refRange(ref, a, b);
          const removed = n - kept.length;
          assert.equal(list.trim(a, b), removed, context);
          ref.splice(0, n, ...kept);
          break;
        }
        case 10: {
          const count = randomInt(random, 7) - 3;
          const v = pick();
          const expected = refRemove(ref, count, v);
          assert.equal(list.remove(count, v), expected, context);
          break;
        }
        case 11: {
          const pivot = pick();
          const v = pick();
          const after = random() < 0.5;
          const at = ref.indexOf(pivot);
          if (at >= 0) ref.splice(after ? at + 1 : at, 0, v);
          assert.equal(
            list.insert(pivot, v, after),
            at < 0 ? -1 : ref.length,
            context,
          );
          break;
        }
        case 12:
        case 13: {
          const v = pick();
          const rank = (randomInt(random, 3) + 1) * (random() < 0.5 ? -1 : 1);
          const count = randomInt(random, 3);
          const maxLen = random() < 0.5 ? 0 : randomInt(random, n + 2);
          assert.deepEqual(
            list.positions(v, { rank, count, maxLen }),
            refPositions(ref, v, rank, count, maxLen),
            context,
          );
          break;
        }
      }
      assertSame(list, ref, context);
      assert.equal(list.memoryBytes, list.recountMemoryBytes(), context);
      if (ref.length === 0) assert.equal(list.memoryBytes, empty, context);
    }
  }
});

Deno.test("ByteList.memoryBytes follows the model: object, buffer and strings", () => {
  // ByteList 72 (5 fields and a private brand) + a buffer of 4 slots
  // (32 + 16 + 4 * 8 = 80) + "element" (16 + 7 -> 24).
  const list = ByteList.from(["element"]);
  assert.equal(list.memoryBytes, 72 + 80 + 24);
  list.pushRight("e"); // "" and 1-char strings are V8 constants
  list.pushRight("");
  assert.equal(list.memoryBytes, 72 + 80 + 24);
  const counted: MemoryCounted = list;
  assert.equal(counted.memoryBytes, list.recountMemoryBytes());
});

Deno.test("ByteList.memoryBytes grows with pushes, shrinks with pops back to empty", () => {
  const list = new ByteList();
  const empty = list.memoryBytes;
  for (let i = 0; i < 1000; i++) {
    const before = list.memoryBytes;
    if (i % 2 === 0) list.pushRight(`element:${i}`);
    else list.pushLeft(`element:${i}`);
    assert.ok(list.memoryBytes > before, `push ${i}`);
    assert.equal(list.memoryBytes, list.recountMemoryBytes(), `push ${i}`);
  }
  while (list.length > 0) {
    const before = list.memoryBytes;
    if (list.length % 3 === 0) list.popLeft();
    else list.popRight();
    assert.ok(list.memoryBytes < before, `pop at ${list.length}`);
    assert.equal(
      list.memoryBytes,
      list.recountMemoryBytes(),
      `pop at ${list.length}`,
    );
  }
  assert.equal(list.memoryBytes, empty);
});

Deno.test("ByteList.memoryBytes follows set(), insert(), remove(), trim() and clear()", () => {
  const list = new ByteList();
  const empty = list.memoryBytes;
  for (let i = 0; i < 100; i++) list.pushRight(i % 10 === 0 ? "xx" : `e${i}`);
  let before = list.memoryBytes;
  list.set(5, "a longer element than before");
  assert.ok(list.memoryBytes > before);
  before = list.memoryBytes;
  list.set(5, "ab");
  assert.ok(list.memoryBytes < before);
  before = list.memoryBytes;
  assert.equal(list.insert("e51", "an inserted element", true), 101);
  assert.ok(list.memoryBytes > before);
  before = list.memoryBytes;
  assert.equal(list.remove(0, "xx"), 10);
  assert.ok(list.memoryBytes < before);
  assert.equal(list.memoryBytes, list.recountMemoryBytes());
  // A trim that keeps the buffer, then one that shrinks it.
  before = list.memoryBytes;
  assert.equal(list.trim(1, -2), 2);
  assert.ok(list.memoryBytes < before);
  assert.equal(list.memoryBytes, list.recountMemoryBytes());
  const capacity = list.capacity;
  list.trim(0, 3);
  assert.ok(list.capacity < capacity);
  assert.equal(list.memoryBytes, list.recountMemoryBytes());
  list.trim(5, 1); // an empty range empties the list
  assert.equal(list.memoryBytes, empty);
  for (let i = 0; i < 50; i++) list.pushLeft(`e${i}`);
  list.remove(0, "e7");
  assert.equal(list.memoryBytes, list.recountMemoryBytes());
  list.clear();
  assert.equal(list.memoryBytes, empty);
});
