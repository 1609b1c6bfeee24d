import assert from "node:assert/strict";
import { ActiveExpiry } from "./expiry.ts";
import { Keyspace } from "./keyspace.ts";

function fill(ks: Keyspace, n: number, at: number, prefix = "k"): void {
  for (let i = 0; i < n; i++) ks.set(`${prefix}${i}`, "v", at);
}

Deno.test("ActiveExpiry.runCycle() reclaims expired keys nobody reads", () => {
  const clock = { now: 1_000 };
  const ks = new Keyspace({ now: () => clock.now });
  fill(ks, 1_000, 2_000);
  for (let i = 0; i < 100; i++) ks.set(`p${i}`, "v");
  const expiry = new ActiveExpiry(ks);
  assert.deepEqual(expiry.runCycle(), {
    sampled: 20,
    expired: 0,
    timeCapReached: false,
  });
  assert.equal(ks.size, 1_100);
  clock.now = 2_001;
  const r = expiry.runCycle();
  assert.equal(r.expired, 1_000);
  assert.equal(ks.size, 100);
  assert.equal(ks.volatileSize, 0);
  const stats = expiry.stats;
  assert.equal(stats.cycles, 2);
  assert.equal(stats.expiredKeys, 1_000);
  assert.equal(stats.sampledKeys, 1_020);
  assert.equal(ks.expiredKeys, 1_000);
});

Deno.test("ActiveExpiry.runCycle() stops sampling when few keys are stale", () => {
  const clock = { now: 1_000 };
  // A fixed hash seed: the sample (index order) is the same every run.
  const ks = new Keyspace({ now: () => clock.now, hashSeed: 1 });
  // 1 key in 100 expired: a sample of 20 holds at most 2 (10 %, not more
  // than the threshold), so one sample is enough.
  for (let i = 0; i < 1_000; i++) {
    ks.set(`k${i}`, "v", i % 100 === 0 ? 1_500 : 9_000);
  }
  clock.now = 2_000;
  const expiry = new ActiveExpiry(ks);
  const r = expiry.runCycle();
  assert.equal(r.sampled, 20);
  assert.ok(r.expired <= 2, `${r.expired} expired`);
  // The next cycle resumes where this one stopped: other keys.
  const r2 = expiry.runCycle();
  assert.equal(ks.volatileSize, 1_000 - r.expired - r2.expired);
  assert.equal(expiry.stats.sampledKeys, r.sampled + r2.sampled);
});

Deno.test("ActiveExpiry.runCycle() stops when its time budget is spent", () => {
  const clock = { now: 1_000 };
  const ks = new Keyspace({ now: () => clock.now });
  fill(ks, 10_000, 1_500);
  clock.now = 2_000;
  let ticks = 0;
  // Each clock read advances 1 ms: a 5 ms budget allows a few samples.
  const expiry = new ActiveExpiry(ks, { budgetMs: 5, clock: () => ticks++ });
  const r = expiry.runCycle();
  assert.equal(r.timeCapReached, true);
  assert.ok(r.expired > 0 && r.expired <= 100, `expired ${r.expired}`);
  assert.equal(expiry.stats.timeCapReached, 1);
  let cycles = 1;
  while (ks.volatileSize > 0) {
    expiry.runCycle();
    cycles++;
  }
  assert.ok(cycles >= 10_000 / 100, `${cycles} cycles`);
  assert.equal(ks.size, 0);
  assert.ok(expiry.stats.stalePercent > 50);
});

Deno.test("ActiveExpiry.runCycle() does at most one pass over the volatile keys", () => {
  const clock = { now: 1_000 };
  const ks = new Keyspace({ now: () => clock.now });
  // Everything expired: the stale ratio stays 100 % but the cycle ends.
  fill(ks, 30, 1_500);
  clock.now = 2_000;
  const r = new ActiveExpiry(ks).runCycle();
  assert.deepEqual(r, { sampled: 30, expired: 30, timeCapReached: false });
  assert.deepEqual(new ActiveExpiry(ks).runCycle(), {
    sampled: 0,
    expired: 0,
    timeCapReached: false,
  });
});

Deno.test("ActiveExpiry.start() reclaims keys in the background; stop() ends it", async () => {
  const ks = new Keyspace();
  fill(ks, 500, Date.now() + 30);
  for (let i = 0; i < 10; i++) ks.set(`p${i}`, "v");
  using expiry = new ActiveExpiry(ks, { intervalMs: 10 });
  expiry.start();
  expiry.start(); // idempotent
  assert.equal(expiry.running, true);
  const deadline = Date.now() + 5_000;
  while (ks.volatileSize > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(ks.volatileSize, 0);
  assert.equal(ks.size, 10); // never read: the cycle did it
  assert.ok(expiry.stats.cycles > 0);
  expiry.stop();
  expiry.stop(); // idempotent
  assert.equal(expiry.running, false);
});

Deno.test("ActiveExpiry() refuses non-positive options", () => {
  const ks = new Keyspace();
  assert.throws(
    () => new ActiveExpiry(ks, { sampleSize: 0 }),
    /sampleSize must be positive, got 0/,
  );
  assert.throws(() => new ActiveExpiry(ks, { intervalMs: -1 }), RangeError);
});
