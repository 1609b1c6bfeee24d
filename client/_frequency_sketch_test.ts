import assert from "node:assert/strict";
import { FrequencySketch } from "./_frequency_sketch.ts";

Deno.test("FrequencySketch.estimate() is never below a key's reads (up to 15)", () => {
  const sketch = new FrequencySketch(1000, 7);
  const counts = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const key = `key:${(i * 7919) % 500}`;
    sketch.increment(sketch.hash(key));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, n] of counts) {
    assert.ok(
      sketch.estimate(sketch.hash(key)) >= Math.min(n, 15),
      `${key}: read ${n} times, estimated ${sketch.estimate(sketch.hash(key))}`,
    );
  }
  assert.equal(sketch.estimate(sketch.hash("never read")) <= 1, true);
});

Deno.test("FrequencySketch tells a hot key from a cold one", () => {
  const sketch = new FrequencySketch(1000, 11);
  for (let i = 0; i < 2000; i++) {
    sketch.increment(sketch.hash(`cold:${i}`));
    if (i % 4 === 0) sketch.increment(sketch.hash("hot"));
  }
  const hot = sketch.estimate(sketch.hash("hot"));
  const cold = sketch.estimate(sketch.hash("cold:5"));
  assert.ok(hot > cold, `hot ${hot}, cold ${cold}`);
});

Deno.test("FrequencySketch halves its counts once its sample is full: old popularity fades", () => {
  const capacity = 100; // sample: 1,000 increments
  const sketch = new FrequencySketch(capacity, 3);
  const old = sketch.hash("old");
  for (let i = 0; i < 15; i++) sketch.increment(old);
  assert.equal(sketch.estimate(old), 15);
  // Fill the sample with other keys: at least one halving, then more.
  for (let i = 0; i < 3000; i++) sketch.increment(sketch.hash(`other:${i}`));
  assert.ok(
    sketch.estimate(old) <= 7,
    `after halvings: ${sketch.estimate(old)}`,
  );
});

Deno.test("FrequencySketch counters saturate at 15: more reads do not count higher", () => {
  const sketch = new FrequencySketch(100, 5);
  const hot = sketch.hash("hot");
  for (let i = 0; i < 40; i++) sketch.increment(hot);
  assert.equal(sketch.estimate(hot), 15);
  assert.equal(sketch.estimate(sketch.hash("cold")), 0);
});
