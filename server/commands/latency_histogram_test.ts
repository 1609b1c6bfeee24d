import assert from "node:assert/strict";
import { bucketUpperNanos, LatencyHistogram } from "./latency_histogram.ts";

Deno.test("LatencyHistogram: a percentile is the upper bound of its bucket, within 1/16 of the value", () => {
  const h = new LatencyHistogram();
  for (let v = 1; v <= 10_000; v++) h.record(v * 1000); // 1 µs .. 10 ms
  assert.equal(h.count, 10_000);
  for (
    const [p, exact] of [[50, 5_000_000], [99, 9_900_000], [99.9, 9_990_000]]
  ) {
    const got = h.percentileNanos(p);
    assert.ok(got >= exact && got <= exact * (1 + 1 / 16), `p${p}: ${got}`);
  }
  assert.ok(h.percentileNanos(100) >= 10_000_000);
});

Deno.test("LatencyHistogram: small values are exact; under 1 ns counts as 1 ns; huge ones are clamped", () => {
  const h = new LatencyHistogram();
  h.record(0);
  h.record(0.2);
  h.record(3);
  h.record(17);
  assert.equal(h.percentileNanos(50), 1);
  assert.equal(h.percentileNanos(75), 3);
  assert.equal(h.percentileNanos(100), 17);
  h.record(1e15);
  assert.equal(h.count, 5);
  assert.ok(h.percentileNanos(100) >= 2 ** 40 * 0.9);
});

Deno.test("LatencyHistogram: the count at or under a power of two is exact", () => {
  const h = new LatencyHistogram();
  const values = [
    1,
    2,
    1023,
    1024,
    1025,
    4096,
    4097,
    1e6,
    2 ** 31,
    2 ** 31 + 1,
  ];
  for (const v of values) h.record(v);
  for (let k = 0; k <= 32; k++) {
    const bound = 2 ** k;
    assert.equal(
      h.countAtOrBelow(bound),
      values.filter((v) => v <= bound).length,
      `le ${bound}`,
    );
  }
});

Deno.test("LatencyHistogram: every bucket's upper bound is above the previous one's, and values land under their bound", () => {
  let last = 0;
  for (let i = 0; i < 600; i++) {
    const upper = bucketUpperNanos(i);
    assert.ok(upper > last, `bucket ${i}: ${upper} after ${last}`);
    last = upper;
  }
  for (
    const v of [1, 15, 16, 17, 33, 100, 999, 12345, 2 ** 30 + 7, 2 ** 35 + 3]
  ) {
    const h = new LatencyHistogram();
    h.record(v);
    const p = h.percentileNanos(100);
    assert.ok(p >= v && p <= v * (1 + 1 / 16) + 1, `${v} -> ${p}`);
  }
});

Deno.test("LatencyHistogram.reset() forgets every value", () => {
  const h = new LatencyHistogram();
  h.record(5000);
  h.reset();
  assert.equal(h.count, 0);
  assert.equal(h.percentileNanos(50), 0);
  assert.equal(h.countAtOrBelow(1e9), 0);
});
