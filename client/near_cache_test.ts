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
    rejections: 0,
  });
});

Deno.test("NearCache: LRU by entries and by bytes", () => {
  const c = new NearCache({
    maxEntries: 2,
    maxBytes: 1000,
    admission: "always",
  });
  c.store("a", enc("1"), N, c.begin());
  c.store("b", enc("2"), N, c.begin());
  c.text("a", N); // a is now the most recent
  c.store("c", enc("3"), N, c.begin());
  assert.equal(c.text("b", N), undefined);
  assert.equal(c.text("a", N), "1");
  assert.equal(c.stats(N).evictions, 1);
  const small = new NearCache({ maxBytes: 200, admission: "always" });
  small.store("x", new Uint8Array(100), N, small.begin());
  small.store("y", new Uint8Array(100), N, small.begin());
  assert.equal(small.size, 1);
  assert.ok(small.bytes <= 200);
  assert.equal(small.store("z", new Uint8Array(300), N, small.begin()), false);
});

Deno.test("NearCache: once full, a key read less often than the LRU value's does not get in", () => {
  const c = new NearCache({ maxEntries: 2 });
  // Reads as the client makes them: a miss, then the value stored.
  const read = (key: string): void => {
    if (c.text(key, N) === undefined) c.store(key, enc(key), N, c.begin());
  };
  for (let i = 0; i < 4; i++) {
    read("a");
    read("b");
  }
  read("once"); // read once: b (LRU, read 4 times) stays
  assert.equal(c.text("once", N), undefined);
  assert.equal(c.stats(N).rejections, 1);
  assert.equal(c.text("b", N), "b");
  for (let i = 0; i < 8; i++) read("popular"); // read more than a: a goes
  assert.equal(c.text("popular", N), "popular");
  assert.equal(c.text("a", N), undefined);
  assert.equal(c.stats(N).evictions, 1);
  assert.throws(
    () => new NearCache({ admission: "lfu" as "always" }),
    /Invalid nearCache.admission: "lfu"/,
  );
});

Deno.test("NearCache: a value stored as text is no answer for its bytes (they may not be its UTF-8); stored as bytes, it answers both", () => {
  const c = new NearCache();
  assert.ok(c.storeText("k", "\ufffd", 1, N, c.begin())); // the node held 0xff
  assert.equal(c.text("k", N), "\ufffd");
  assert.equal(c.bytesOf("k", N), undefined);
  assert.ok(c.store("k", new Uint8Array([0xff]), N, c.begin()));
  assert.deepEqual(c.bytesOf("k", N), new Uint8Array([0xff]));
  assert.equal(c.text("k", N), "\ufffd");
  assert.ok(c.storeText("gone", null, 0, N, c.begin()));
  assert.equal(c.bytesOf("gone", N), null);
  assert.equal(c.stats(N).misses, 1);
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

Deno.test("NearCache: what was invalidated is remembered for two generations of 4096 keys, then reads older than that refused", () => {
  const c = new NearCache();
  const old = c.begin();
  c.invalidate(["k"]);
  for (let i = 0; i < 4096; i++) c.invalidate([`a${i}`]); // a new generation
  // "k" is in the generation before: the read older than it may not store.
  assert.equal(c.store("k", enc("stale"), N, old), false);
  const mid = c.begin();
  c.invalidate(["k"]);
  assert.equal(c.store("k", enc("stale"), N, mid), false);
  // Another generation: which keys the one before held is forgotten, so
  // every read since before the current one began is refused...
  const before = c.begin();
  for (let i = 0; i < 4096; i++) c.invalidate([`b${i}`]);
  for (let i = 0; i < 4096; i++) c.invalidate([`c${i}`]);
  assert.equal(c.store("untouched", enc("v"), N, before), false);
  // ...and a read that began after it stores unless its key changed.
  const recent = c.begin();
  c.invalidate(["d0"]);
  assert.ok(c.store("untouched", enc("v"), N, recent));
  assert.equal(c.store("d0", enc("v"), N, recent), false);
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
  assert.throws(
    () => new NearCache({ maxBytes: -1 }),
    /Invalid nearCache.maxBytes: -1 \(must be a positive integer\)/,
  );
  assert.throws(() => new NearCache({ maxEntries: NaN }), RangeError);
});

Deno.test("NearCache: a value, or a hash's new field, that cannot fit in maxBytes is not kept and evicts nothing", () => {
  const c = new NearCache({ maxBytes: 200, admission: "always" });
  const bytes = new TextEncoder();
  assert.ok(c.store("a", bytes.encode("1"), N, c.begin()));
  assert.equal(c.store("big", new Uint8Array(200), N, c.begin()), false);
  assert.equal(c.storeText("big", "x".repeat(200), 200, N, c.begin()), false);
  assert.equal(c.text("a", N), "1"); // still there
  assert.ok(c.storeField("h", "f", "1", N, c.begin()));
  const before = c.bytes;
  assert.equal(c.storeField("h", "g", "y".repeat(150), N, c.begin()), false);
  assert.equal(c.bytes, before);
  assert.equal(c.field("h", "f", N), "1");
  assert.equal(c.field("h", "g", N), undefined);
  assert.equal(c.stats(N).evictions, 0);
});

Deno.test("NearCache: a hash's fields are kept one by one or whole, and never answer a string read", () => {
  const c = new NearCache();
  assert.equal(c.field("h", "a", N), undefined);
  assert.ok(c.storeField("h", "a", "1", N, c.begin()));
  assert.ok(c.storeField("h", "b", null, N, c.begin()));
  assert.equal(c.field("h", "a", N), "1");
  assert.equal(c.field("h", "b", N), null);
  assert.equal(c.field("h", "c", N), undefined); // not read yet
  assert.equal(c.hash("h", N), undefined); // not read whole
  assert.equal(c.text("h", N), undefined); // a hash is no string
  const before = c.bytes;
  assert.ok(c.storeField("h", "c", "333", N, c.begin()));
  assert.equal(c.bytes, before + 1 + 3 + 16); // the entry grew
  // A field read before its key was invalidated is not kept.
  const token = c.begin();
  c.invalidate(["h"]);
  assert.equal(c.storeField("h", "a", "stale", N, token), false);
  assert.equal(c.field("h", "a", N), undefined);
  // Whole: every field answers, a field it lacks is missing.
  assert.ok(c.storeHash("h", { a: "1", b: "2" }, N, c.begin()));
  assert.deepEqual(c.hash("h", N), { a: "1", b: "2" });
  assert.equal(c.field("h", "b", N), "2");
  assert.equal(c.field("h", "z", N), null);
  const copy = c.hash("h", N)!;
  copy.a = "changed";
  assert.deepEqual(c.hash("h", N), { a: "1", b: "2" });
  // A field name that did not decode (U+FFFD) leaves HGET to the node.
  assert.ok(c.storeHash("lossy", { "\ufffd": "x", a: "1" }, N, c.begin()));
  assert.equal(c.field("lossy", "a", N), undefined);
  assert.deepEqual(c.hash("lossy", N), { "\ufffd": "x", a: "1" });
  // A string value never answers a hash read.
  c.storeText("s", "v", 1, N, c.begin());
  assert.equal(c.field("s", "v", N), undefined);
  assert.equal(c.hash("s", N), undefined);
});

Deno.test("NearCache: two reads of a key in flight that bring different answers keep neither (a write came between; which is older cannot be told)", () => {
  const c = new NearCache();
  const t1 = c.begin();
  const t2 = c.begin();
  assert.ok(c.storeText("k", "new", 3, N, t2)); // the later read, first back
  assert.equal(c.storeText("k", "old", 3, N, t1), false);
  assert.equal(c.text("k", N), undefined);
  // The same answer twice is kept.
  assert.ok(c.storeText("k", "v", 1, N, c.begin()));
  assert.ok(c.store("k", enc("v"), N, c.begin()));
  assert.equal(c.text("k", N), "v");
  assert.equal(c.store("k", enc("w"), N, c.begin()), false);
  assert.equal(c.text("k", N), undefined);
  // Fields: the same field read twice with different answers.
  assert.ok(c.storeField("h", "f", "new", N, c.begin()));
  assert.equal(c.storeField("h", "f", "old", N, c.begin()), false);
  assert.equal(c.field("h", "f", N), undefined);
  // A whole hash against the fields kept: kept only if it agrees with them.
  assert.ok(c.storeField("h", "f", "1", N, c.begin()));
  assert.ok(c.storeField("h", "g", null, N, c.begin()));
  assert.ok(c.storeHash("h", { f: "1", x: "2" }, N, c.begin()));
  assert.equal(c.field("h", "x", N), "2");
  assert.equal(c.storeHash("h", { f: "changed" }, N, c.begin()), false);
  assert.equal(c.hash("h", N), undefined);
  // A hash read where a string value was kept: the key changed type.
  assert.ok(c.storeText("t", "s", 1, N, c.begin()));
  assert.equal(c.storeHash("t", {}, N, c.begin()), false);
  assert.equal(c.text("t", N), undefined);
});

Deno.test("NearCache: a read's node given as a function is asked for on a miss only", () => {
  const c = new NearCache();
  let asked = 0;
  const node = (): string => {
    asked++;
    return N;
  };
  assert.equal(c.text("k", node), undefined);
  assert.equal(asked, 1);
  assert.equal(c.stats(N).misses, 1);
  c.storeText("k", "v", 1, N, c.begin());
  assert.equal(c.text("k", node), "v");
  assert.equal(c.field("k", "f", node), undefined); // a string is no hash: a miss
  assert.equal(asked, 2);
  assert.equal(c.stats(N).hits, 1);
  assert.equal(c.stats(N).misses, 2);
});
