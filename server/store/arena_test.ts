import assert from "node:assert/strict";
import { Arena, MAX_SLOT_BYTES, PAGE_BYTES, SLOT_SIZES } from "./arena.ts";
import { randomInt, seededRandom } from "./_testing.ts";

/** Marks a slot live (word 0 not 0) and stamps it with `tag` in word 1. */
function stamp(arena: Arena, ref: number, tag: number): void {
  const w = arena.wordOffset(ref);
  arena.words(ref)[w] = 1;
  arena.words(ref)[w + 1] = tag;
}

Deno.test("size classes: 4-byte steps to 256 B, then at most 1/8 apart, up to 256 KiB", () => {
  assert.equal(SLOT_SIZES[0], 16);
  assert.equal(SLOT_SIZES.at(-1), MAX_SLOT_BYTES);
  for (let c = 1; c < SLOT_SIZES.length; c++) {
    const a = SLOT_SIZES[c - 1];
    const b = SLOT_SIZES[c];
    assert.ok(b > a && b % 4 === 0);
    if (b <= 256) assert.equal(b - a, 4);
    else assert.ok(b <= Math.ceil(a * 1.125 / 8) * 8, `${a} -> ${b}`);
  }
  for (let size = 1; size <= MAX_SLOT_BYTES; size += 37) {
    const c = Arena.classOf(size);
    assert.ok(SLOT_SIZES[c] >= size);
    assert.ok(c === 0 || SLOT_SIZES[c - 1] < size, `size ${size}`);
  }
});

Deno.test("Arena hands out distinct slots that hold their bytes, and reuses freed ones", () => {
  const random = seededRandom(3);
  const arena = new Arena();
  const live = new Map<number, number>(); // ref -> tag
  let tag = 1;
  for (let step = 0; step < 20_000; step++) {
    if (live.size === 0 || random() < 0.6) {
      const size = 8 + randomInt(random, random() < 0.01 ? 400_000 : 600);
      const ref = arena.alloc(size);
      assert.ok(!live.has(ref), "a slot handed out twice");
      assert.ok(arena.slotSize(ref) >= size);
      assert.ok(
        arena.byteOffset(ref) + arena.slotSize(ref) <= arena.bytes(ref).length,
      );
      stamp(arena, ref, tag);
      live.set(ref, tag++);
    } else {
      const refs = [...live.keys()];
      const ref = refs[randomInt(random, refs.length)];
      assert.equal(arena.words(ref)[arena.wordOffset(ref) + 1], live.get(ref));
      arena.free(ref);
      assert.equal(arena.isLive(ref), false);
      live.delete(ref);
    }
  }
  let used = 0;
  for (const [ref, t] of live) {
    assert.ok(arena.isLive(ref));
    assert.equal(arena.words(ref)[arena.wordOffset(ref) + 1], t);
    used += arena.slotSize(ref);
  }
  const stats = arena.stats();
  assert.equal(stats.used, used);
  assert.equal(stats.slots, live.size);
  assert.ok(stats.reserved >= stats.used);
  for (const ref of live.keys()) arena.free(ref);
  assert.equal(arena.stats().used, 0);
  // Every page is parked or gone: none stays with an empty class.
  assert.equal(arena.stats().pages, 0);
  assert.ok(arena.stats().pooledPages <= 8);
});

Deno.test("Arena gives a class small pages first, then pages twice as big up to 1 MiB", () => {
  const arena = new Arena();
  const sizes: number[] = [];
  let pages = 0;
  for (let i = 0; arena.stats().pages < 10; i++) {
    stamp(arena, arena.alloc(64), i + 1);
    if (arena.stats().pages !== pages) {
      pages = arena.stats().pages;
      sizes.push(arena.reservedBytes - sizes.reduce((a, b) => a + b, 0));
    }
  }
  assert.deepEqual(sizes.map((b) => b / 1024), [
    16,
    32,
    64,
    128,
    256,
    512,
    1024,
    1024,
    1024,
    1024,
  ]);
  // A class of big slots starts with 4 of them.
  assert.equal(Arena.pageBytes(64 * 1024, 0), 256 * 1024);
  assert.equal(Arena.pageBytes(MAX_SLOT_BYTES, 0), PAGE_BYTES);
  // One record in each of 70 classes holds about 70 small pages, not 70 MiB.
  const few = new Arena();
  for (let c = 0; c < 70; c++) stamp(few, few.alloc(SLOT_SIZES[c]), c + 1);
  assert.ok(few.reservedBytes <= 70 * 16 * 1024 * 2, `${few.reservedBytes}`);
});

Deno.test("Arena gives an empty page to another class, and drops pages past the pool", () => {
  const arena = new Arena({ keepFreePages: 1 });
  // Enough 64-byte slots for the class to reach 1 MiB pages: 9 pages.
  const small: number[] = [];
  while (arena.stats().pages < 9) {
    const ref = arena.alloc(64);
    stamp(arena, ref, 1);
    small.push(ref);
  }
  const reserved = arena.reservedBytes;
  for (const ref of small) arena.free(ref);
  // One 1 MiB page goes to the pool; the others are dropped.
  assert.equal(arena.stats().pooledPages, 1);
  assert.equal(arena.stats().pages, 0);
  assert.equal(arena.reservedBytes, PAGE_BYTES);
  assert.ok(arena.reservedBytes < reserved);
  const big = arena.alloc(1000);
  stamp(arena, big, 2);
  assert.equal(
    arena.stats().pooledPages,
    0,
    "the pooled page served another class",
  );
  assert.equal(arena.reservedBytes, PAGE_BYTES);
  arena.clear();
  assert.equal(arena.stats().used, 0);
  assert.equal(arena.stats().pages, 0);
});

Deno.test("Arena.evacuate() empties the sparsest page of a fragmented class", () => {
  const random = seededRandom(11);
  const arena = new Arena();
  const perPage = Math.floor(PAGE_BYTES / 100);
  const refs: number[] = [];
  for (let i = 0; i < perPage * 8; i++) {
    const ref = arena.alloc(100);
    stamp(arena, ref, i + 1);
    refs.push(ref);
  }
  // Free 3 in 4 slots at random: 8 pages hold 2 pages' worth.
  const kept = new Map<number, number>();
  for (let i = 0; i < refs.length; i++) {
    if (random() < 0.75) arena.free(refs[i]);
    else kept.set(refs[i], i + 1);
  }
  const pagesBefore = arena.stats().pages;
  const moves = new Map<number, number>();
  let moved = 0;
  for (let round = 0; round < 10_000; round++) {
    const n = arena.evacuate(64, (from, to) => {
      assert.equal(arena.words(to)[arena.wordOffset(to) + 1], kept.get(from));
      moves.set(from, to);
    });
    for (const [from, to] of moves) {
      const t = kept.get(from)!;
      kept.delete(from);
      kept.set(to, t);
    }
    moves.clear();
    moved += n;
    if (n === 0) break;
  }
  assert.ok(moved > 0);
  // 2 pages' worth of live slots end in at most 3 pages (+ the current one).
  assert.ok(
    arena.stats().pages <= 4,
    `${pagesBefore} -> ${arena.stats().pages} pages`,
  );
  for (const [ref, t] of kept) {
    assert.ok(arena.isLive(ref));
    assert.equal(arena.words(ref)[arena.wordOffset(ref) + 1], t);
  }
  // Nothing more worth moving: fewer than two pages' worth of free slots.
  assert.equal(arena.evacuate(64, () => {}), 0);
});
