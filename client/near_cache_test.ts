import assert from "node:assert/strict";
import { NearCache } from "./near_cache.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const N = "127.0.0.1:1";

Deno.test("NearCache: a stored value is a hit, as text or as a copy of its bytes", () => {
  const c = new NearCache();
  assert.equal(c.text("k", N), undefined);
  assert.ok(c.store("k", enc("v"), N, c.begin()));
  assert.equal(c.text("k", N), "v");
  const b = c.bytesOf("k", N)!;
  b[0] = 0;
  assert.equal(c.text("k", N), "v");
  assert.ok(c.store("missing", null, N, c.begin()));
  assert.equal(c.text("missing", N), null);
  assert.deepEqual(c.stats(N), {
    hits: 4,
    misses: 1,
    evictions: 0,
    invalidations: 0,
  });
});

Deno.test("NearCache: LRU by entries and by bytes", () => {
  const c = new NearCache({ maxEntries: 2, maxBytes: 1000 });
  c.store("a", enc("1"), N, c.begin());
  c.store("b", enc("2"), N, c.begin());
  c.text("a", N); // a is now the most recent
  c.store("c", enc("3"), N, c.begin());
  assert.equal(c.text("b", N), undefined);
  assert.equal(c.text("a", N), "1");
  assert.equal(c.stats(N).evictions, 1);
  const small = new NearCache({ maxBytes: 200 });
  small.store("x", new Uint8Array(100), N, small.begin());
  small.store("y", new Uint8Array(100), N, small.begin());
  assert.equal(small.size, 1);
  assert.ok(small.bytes <= 200);
  assert.equal(small.store("z", new Uint8Array(300), N, small.begin()), false);
});

Deno.test("NearCache: a value never outlives ttlMs", () => {
  let now = 0;
  const c = new NearCache({ ttlMs: 100 }, () => now);
  c.store("k", enc("v"), N, c.begin());
  now = 99;
  assert.equal(c.text("k", N), "v");
  now = 100;
  assert.equal(c.text("k", N), undefined);
  assert.equal(c.stats(N).evictions, 1);
});

Deno.test("NearCache: a read in flight when its key is invalidated does not store", () => {
  const c = new NearCache();
  const token = c.begin();
  c.invalidate(["k"]);
  assert.equal(c.store("k", enc("stale"), N, token), false);
  assert.equal(c.text("k", N), undefined);
  // Another key's invalidation does not stop it.
  const t2 = c.begin();
  c.invalidate(["other"]);
  assert.ok(c.store("k", enc("fresh"), N, t2));
});

Deno.test("NearCache: dropNode and clear drop values and refuse reads in flight", () => {
  const c = new NearCache();
  c.store("a", enc("1"), "n1", c.begin());
  c.store("b", enc("2"), "n2", c.begin());
  const token = c.begin();
  c.dropNode("n1");
  assert.equal(c.text("a", "n1"), undefined);
  assert.equal(c.text("b", "n2"), "2");
  assert.equal(c.store("a", enc("1"), "n1", token), false);
  assert.ok(c.store("a", enc("1"), "n2", token));
  const t2 = c.begin();
  c.clear();
  assert.equal(c.size, 0);
  assert.equal(c.store("b", enc("2"), "n2", t2), false);
  assert.equal(c.totals().invalidations, 3);
});

Deno.test("NearCache: bounds must be positive integers", () => {
  assert.throws(() => new NearCache({ maxEntries: 0 }), RangeError);
  assert.throws(() => new NearCache({ ttlMs: 1.5 }), RangeError);
});
