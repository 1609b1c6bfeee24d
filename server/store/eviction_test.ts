/**
 * The keyspace's memory limit: every eviction policy evicts what it should
 * (Redis's approximations: sampling into a pool of 16, LRU seconds clock,
 * LFU counter with decay), noeviction and volatile-* refuse when they must,
 * and a long stream of writes stays under `maxmemory`.
 */

import assert from "node:assert/strict";
import { Keyspace } from "./keyspace.ts";
import {
  EVICTION_POLICIES,
  type EvictionPolicy,
  type MemoryLimit,
} from "./memory_limit.ts";
import { randomInt, seededRandom } from "./_testing.ts";

const START = 1_700_000_000_000;
const MINUTE = 60_000;

function makeKeyspace(
  seed: number,
  memory: Partial<MemoryLimit> = {},
): { ks: Keyspace; clock: { now: number }; random: () => number } {
  const clock = { now: START };
  const ks = new Keyspace({
    now: () => clock.now,
    random: seededRandom(seed),
    hashSeed: seed * 31 + 1,
    memory,
  });
  return { ks, clock, random: seededRandom(seed + 1000) };
}

function value(i: number, n = 100): string {
  return String(i).padEnd(n, "·x");
}

/**
 * Calls makeRoom() until it is under the limit or refuses. One call evicts
 * for at most 50 ms of real time (performance.now(), not the injected clock)
 * and then returns `true` while still over the limit (Redis's
 * EVICT_RUNNING): a loaded machine would make single-call assertions flaky.
 */
function settle(ks: Keyspace): boolean {
  for (let i = 0; i < 10_000; i++) {
    if (!ks.makeRoom()) return false;
    if (ks.usedMemory <= ks.memoryLimit.maxmemory) return true;
  }
  return false;
}

/** Lowers the limit to `fraction` of the data held now; returns it. */
function limitTo(ks: Keyspace, fraction: number): number {
  const max = Math.floor(ks.dataMemory * fraction);
  ks.configureMemory({ maxmemory: max });
  settle(ks);
  return max;
}

function survivors(ks: Keyspace, keys: string[]): number {
  let n = 0;
  for (const k of keys) if (ks.has(k)) n++;
  return n;
}

Deno.test("allkeys-lru evicts the keys not read recently", () => {
  for (const seed of [1, 2, 3]) {
    const { ks, clock } = makeKeyspace(seed, { policy: "allkeys-lru" });
    const n = 6_000;
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      keys.push(`key:${i}`);
      ks.set(keys[i], value(i));
    }
    clock.now += 5 * MINUTE; // the cold phase ends
    const hot = keys.filter((_, i) => i % 10 === 0);
    for (const k of hot) assert.ok(ks.get(k) !== undefined);
    clock.now += 1_000;
    const max = Math.floor(ks.dataMemory * 0.6);
    ks.configureMemory({ maxmemory: max });
    settle(ks);
    assert.ok(ks.usedMemory <= max, `seed ${seed}: ${ks.usedMemory} > ${max}`);
    assert.ok(ks.evictedKeys > 0);
    assert.equal(ks.evictedKeys, n - ks.size, "evictedKeys counts");
    const kept = survivors(ks, hot);
    assert.ok(
      kept >= 0.9 * hot.length,
      `seed ${seed}: ${kept}/${hot.length} hot keys survived`,
    );
  }
});

Deno.test("allkeys-lfu keeps frequently read keys over once-read ones", () => {
  for (const seed of [1, 2, 3]) {
    const { ks } = makeKeyspace(seed, { policy: "allkeys-lfu" });
    const n = 6_000;
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      keys.push(`key:${i}`);
      ks.set(keys[i], value(i));
    }
    const hot = keys.filter((_, i) => i % 10 === 0);
    for (let r = 0; r < 60; r++) for (const k of hot) ks.get(k);
    for (const k of keys) if (!hot.includes(k)) ks.get(k); // once each
    const max = limitTo(ks, 0.6);
    assert.ok(ks.usedMemory <= max);
    const kept = survivors(ks, hot);
    assert.ok(
      kept >= 0.9 * hot.length,
      `seed ${seed}: ${kept}/${hot.length} frequent keys survived`,
    );
    assert.equal(ks.evictedKeys, n - ks.size);
  }
});

Deno.test("allkeys-random evicts something and gets under the limit", () => {
  const { ks } = makeKeyspace(4, { policy: "allkeys-random" });
  for (let i = 0; i < 5_000; i++) ks.set(`key:${i}`, value(i));
  const max = Math.floor(ks.dataMemory * 0.7);
  ks.configureMemory({ maxmemory: max });
  settle(ks);
  assert.ok(ks.usedMemory <= max);
  assert.ok(ks.evictedKeys > 0);
  assert.equal(ks.evictedKeys, 5_000 - ks.size);
  // A write then makeRoom: still under.
  for (let i = 0; i < 1_000; i++) {
    ks.set(`more:${i}`, value(i));
    assert.equal(ks.makeRoom(), true);
    assert.ok(ks.usedMemory <= max);
  }
});

const VOLATILE: EvictionPolicy[] = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
];

for (const policy of VOLATILE) {
  Deno.test(`${policy} never evicts a key without TTL`, () => {
    for (const seed of [1, 2]) {
      const { ks, clock, random } = makeKeyspace(seed, { policy });
      const persistent: string[] = [];
      const volatile: string[] = [];
      for (let i = 0; i < 4_000; i++) {
        if (random() < 0.5) {
          persistent.push(`p:${i}`);
          ks.set(`p:${i}`, value(i));
        } else {
          volatile.push(`v:${i}`);
          ks.set(`v:${i}`, value(i), clock.now + 3_600_000 + i * 1000);
        }
      }
      clock.now += 2 * MINUTE;
      const max = limitTo(ks, 0.8);
      assert.ok(ks.evictedKeys > 0, `${policy}: nothing evicted`);
      assert.ok(ks.usedMemory <= max, `${policy}: over the limit`);
      assert.equal(survivors(ks, persistent), persistent.length);
      // Writes of persistent keys: each makeRoom evicts volatile ones only,
      // until it refuses (when none is left, or, as things are, when the
      // few left are not found: see the ignored test below).
      let refused = false;
      for (let i = 0; i < 10_000 && !refused; i++) {
        ks.set(`w:${i}`, value(i));
        persistent.push(`w:${i}`);
        if (!settle(ks)) refused = true;
        else assert.ok(ks.usedMemory <= max);
      }
      assert.ok(refused, `${policy}: never refused`);
      assert.ok(
        ks.volatileSize < volatile.length / 10,
        `${policy}: ${ks.volatileSize} volatile keys left`,
      );
      assert.equal(
        survivors(ks, persistent),
        persistent.length,
        `${policy} seed ${seed}: a persistent key was evicted`,
      );
      assert.equal(ks.evictedKeys, volatile.length - ks.volatileSize);
    }
  });

  Deno.test(`${policy} with no volatile keys: makeRoom() is false, nothing evicted`, () => {
    const { ks } = makeKeyspace(5, { policy });
    for (let i = 0; i < 2_000; i++) ks.set(`p:${i}`, value(i));
    const max = limitTo(ks, 0.5);
    assert.equal(ks.makeRoom(), false);
    assert.equal(ks.size, 2_000);
    assert.equal(ks.evictedKeys, 0);
    assert.ok(ks.usedMemory > max);
  });

  // Bug: the eviction pool keeps a record's reference after PERSIST (or a
  // SET without TTL rewrote it in place) and evicts it under volatile-*:
  // Redis looks pool keys up in the expires dict and skips them.
  Deno.test(`${policy} does not evict a key made persistent while it sat in the eviction pool`, () => {
    for (let seed = 1; seed <= 6; seed++) {
      const { ks, clock } = makeKeyspace(seed, { policy });
      for (let i = 0; i < 1_000; i++) {
        ks.set(`v:${i}`, value(i, 20), clock.now + 3_600_000 + i);
      }
      ks.set("last", value(0, 100), clock.now + 7_200_000);
      ks.configureMemory({ maxmemory: ks.dataMemory + 10 });
      ks.set("w", value(1, 30)); // over by a few bytes: one eviction
      assert.equal(ks.makeRoom(), true);
      const gone = new Set<string>();
      for (let i = 0; i < 1_000; i++) if (!ks.has(`v:${i}`)) gone.add(`v:${i}`);
      // Every key but one loses its TTL; what the pool still holds is persistent now.
      for (let i = 0; i < 1_000; i++) ks.persist(`v:${i}`);
      assert.equal(ks.volatileSize, ks.has("last") ? 1 : 0);
      ks.set("w2", value(2, 300));
      ks.makeRoom();
      for (let i = 0; i < 1_000; i++) {
        const k = `v:${i}`;
        assert.ok(
          gone.has(k) || ks.has(k),
          `${policy} seed ${seed}: persistent ${k} was evicted`,
        );
      }
    }
  });
}

Deno.test("volatile-ttl evicts the soonest-expiring keys first", () => {
  for (const samples of [5, 10]) {
    const { ks, clock, random } = makeKeyspace(7, {
      policy: "volatile-ttl",
      samples,
    });
    const n = 4_000;
    const ttl = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const t = clock.now + 60_000 + randomInt(random, 10_000_000);
      ttl.set(`v:${i}`, t);
      ks.set(`v:${i}`, value(i), t);
    }
    limitTo(ks, 0.75);
    const sorted = [...ttl.values()].sort((a, b) => a - b);
    const median = sorted[n >> 1];
    let early = 0;
    let evicted = 0;
    for (const [k, t] of ttl) {
      if (ks.has(k)) continue;
      evicted++;
      if (t < median) early++;
    }
    assert.ok(evicted > 0);
    assert.ok(
      early >= 0.9 * evicted,
      `samples ${samples}: ${early}/${evicted} evicted keys were in the soonest half`,
    );
  }
});

Deno.test("noeviction: makeRoom() is false and nothing is evicted", () => {
  const { ks } = makeKeyspace(8, { policy: "noeviction" });
  for (let i = 0; i < 2_000; i++) ks.set(`k:${i}`, value(i), START + 1e9);
  const max = limitTo(ks, 0.5);
  assert.equal(ks.makeRoom(), false);
  assert.equal(ks.size, 2_000);
  assert.equal(ks.evictedKeys, 0);
  assert.ok(ks.usedMemory > max);
  // Reads keep working; deletes bring it back under.
  assert.equal(ks.get("k:1"), value(1));
  for (let i = 0; i < 2_000; i += 1) ks.delete(`k:${i}`);
  assert.equal(ks.makeRoom(), true);
});

Deno.test("maxmemory 0 means no limit; raising the limit evicts nothing", () => {
  const { ks } = makeKeyspace(9, { policy: "allkeys-lru" });
  for (let i = 0; i < 1_000; i++) ks.set(`k:${i}`, value(i));
  assert.equal(ks.makeRoom(), true);
  ks.configureMemory({ maxmemory: ks.dataMemory * 2 });
  ks.configureMemory({ maxmemory: 0 });
  assert.equal(ks.evictedKeys, 0);
  assert.equal(ks.size, 1_000);
});

Deno.test("configureMemory lowering maxmemory evicts at once; a policy change applies", () => {
  const { ks } = makeKeyspace(10, { policy: "noeviction" });
  for (let i = 0; i < 3_000; i++) ks.set(`k:${i}`, value(i));
  const max = limitTo(ks, 0.5);
  assert.equal(ks.evictedKeys, 0); // noeviction
  ks.configureMemory({ policy: "allkeys-lru" });
  settle(ks);
  assert.ok(ks.usedMemory <= max);
  assert.equal(ks.evictedKeys, 3_000 - ks.size);
  const evicted = ks.evictedKeys;
  ks.configureMemory({ maxmemory: Math.floor(max / 2) });
  settle(ks);
  assert.ok(ks.usedMemory <= max / 2);
  assert.ok(ks.evictedKeys > evicted);
  ks.resetStats();
  assert.equal(ks.evictedKeys, 0);
});

Deno.test("usedMemory counts external bytes: makeRoom evicts for them", () => {
  let external = 0;
  const clock = { now: START };
  const ks = new Keyspace({
    now: () => clock.now,
    random: seededRandom(11),
    hashSeed: 11,
    externalMemory: () => external,
    memory: { policy: "allkeys-lru" },
  });
  for (let i = 0; i < 2_000; i++) ks.set(`k:${i}`, value(i));
  ks.configureMemory({ maxmemory: ks.dataMemory + 1_000 });
  assert.equal(ks.evictedKeys, 0);
  external = 50_000;
  assert.equal(settle(ks), true);
  assert.ok(ks.usedMemory <= ks.memoryLimit.maxmemory);
  assert.ok(ks.evictedKeys > 0);
  assert.equal(ks.memoryStats().external, 50_000);
});

Deno.test("OBJECT IDLETIME grows with the clock; a read resets it", () => {
  const { ks, clock } = makeKeyspace(12, { policy: "allkeys-lru" });
  ks.set("k", "v");
  assert.equal(ks.objectIdleTime("k"), 0);
  clock.now += 10_000;
  assert.equal(ks.objectIdleTime("k"), 10);
  clock.now += 2 * MINUTE;
  assert.equal(ks.objectIdleTime("k"), 130);
  assert.equal(ks.has("k"), true); // EXISTS-like checks do not touch
  ks.getExpire("k");
  assert.equal(ks.objectIdleTime("k"), 130);
  ks.get("k");
  assert.equal(ks.objectIdleTime("k"), 0);
  clock.now += 5_000;
  assert.equal(ks.objectIdleTime("k"), 5);
  ks.replace("k", "w"); // a write is an access
  assert.equal(ks.objectIdleTime("k"), 0);
  assert.equal(ks.objectIdleTime("missing"), undefined);
});

Deno.test("OBJECT FREQ grows with reads under LFU and decays with lfu-decay-time", () => {
  const { ks, clock } = makeKeyspace(13, {
    policy: "allkeys-lfu",
    lfuDecayTime: 1,
  });
  ks.set("hot", "v");
  ks.set("cold", "v");
  assert.equal(ks.objectFreq("hot"), 5); // LFU_INIT_VAL
  for (let i = 0; i < 1_000; i++) ks.get("hot");
  const f = ks.objectFreq("hot")!;
  assert.ok(f > 10 && f < 255, `freq after 1000 reads: ${f}`);
  assert.equal(ks.objectFreq("cold"), 5);
  clock.now += 3 * MINUTE;
  assert.equal(ks.objectFreq("hot"), f - 3);
  assert.equal(ks.objectFreq("cold"), 2);
  clock.now += 10 * MINUTE;
  assert.equal(ks.objectFreq("cold"), 0);
  ks.configureMemory({ lfuDecayTime: 0 }); // no decay
  assert.equal(ks.objectFreq("hot"), f);
  ks.configureMemory({ lfuDecayTime: 2 });
  assert.equal(ks.objectFreq("hot"), f - 6);
  // lfu-log-factor 0: every read counts.
  ks.configureMemory({ lfuLogFactor: 0, lfuDecayTime: 1 });
  ks.set("fast", "v");
  for (let i = 0; i < 100; i++) ks.get("fast");
  assert.equal(ks.objectFreq("fast"), 105);
  assert.equal(ks.objectFreq("missing"), undefined);
});

// Differs from Redis 7.0.15: EXPIRE and PERSIST look the key up for a
// write (lookupKeyWrite), which touches it: OBJECT IDLETIME is 0 after them
// (checked against redis-server: idle 2 → EXPIRE → 0). Keyspace.setExpire()
// and persist() keep the clock on purpose ("an expiry change is not an
// access"), and the EXPIRE/PERSIST handlers call has() (no touch) first.
Deno.test({
  name: "EXPIRE and PERSIST touch the key as Redis's lookupKeyWrite does",

  fn() {
    const { ks, clock } = makeKeyspace(16, { policy: "allkeys-lru" });
    ks.set("k", "v");
    clock.now += 5_000;
    ks.setExpire("k", clock.now + 100_000);
    assert.equal(ks.objectIdleTime("k"), 0);
    clock.now += 5_000;
    ks.persist("k");
    assert.equal(ks.objectIdleTime("k"), 0);
  },
});

// Bug: RENAME drops the source's LFU counter: the record is re-stored with
// a new key's clock (LFU_INIT = 5), or the destination's counter when it
// existed. Redis moves the object, counter included (redis-server: 300
// GETs → OBJECT FREQ 13 → RENAME → 13; here 14 → 5). Under allkeys-lfu a
// hot key renamed becomes an eviction candidate at once. The LRU clock is
// fine (Redis touches it, so is the new record's clock).
Deno.test({
  name: "RENAME keeps the LFU counter of the source",

  fn() {
    const { ks } = makeKeyspace(17, { policy: "allkeys-lfu" });
    ks.set("h", "v");
    ks.set("coll", { type: "hash", memoryBytes: 10 });
    ks.set("dest", "w");
    for (let i = 0; i < 300; i++) {
      ks.get("h");
      ks.get("coll");
    }
    const fh = ks.objectFreq("h")!;
    const fc = ks.objectFreq("coll")!;
    assert.ok(fh > 5 && fc > 5);
    ks.rename("h", "h2");
    ks.rename("coll", "dest");
    assert.ok(ks.objectFreq("h2")! >= fh, `h2: ${ks.objectFreq("h2")}`);
    assert.ok(ks.objectFreq("dest")! >= fc, `dest: ${ks.objectFreq("dest")}`);
  },
});

Deno.test("eviction drops collections and their counted bytes", () => {
  const { ks, clock } = makeKeyspace(18, { policy: "allkeys-lru" });
  const colls: { type: "hash"; memoryBytes: number }[] = [];
  for (let i = 0; i < 500; i++) {
    const c = { type: "hash" as const, memoryBytes: 2_000 };
    colls.push(c);
    ks.set(`c:${i}`, c);
  }
  clock.now += MINUTE;
  for (let i = 0; i < 500; i++) ks.set(`s:${i}`, value(i));
  // Collections grew through reads (handed out, then mutated).
  for (let i = 0; i < 500; i += 2) {
    (ks.get(`c:${i}`) as typeof colls[0]).memoryBytes = 4_000;
  }
  const before = ks.memoryStats();
  assert.equal(before.collections, 250 * 2_000 + 250 * 4_000);
  const max = limitTo(ks, 0.5);
  assert.ok(ks.usedMemory <= max);
  let live = 0;
  for (let i = 0; i < 500; i++) {
    if (ks.has(`c:${i}`)) live += colls[i].memoryBytes;
  }
  assert.equal(ks.memoryStats().collections, live);
  // The collections were the least recently used: they went first.
  assert.ok(live < before.collections / 2);
});

// Bug (arena.ts, Arena.free): a page whose last slot is freed goes back to
// the pool unless it is its class's current page, which stays, empty, for
// ever. With one record of every size class, then all deleted: 0 keys,
// allocatorReserved 127 MiB (one 1 MiB page per class, ~120 classes, plus
// the 8 pooled; this test, sizes in steps of 5%: 100 MiB). The same granularity makes a 32 MB limit with log-uniform
// value sizes (1 B–256 KiB) hold 153 MiB of pages for 32 MiB of records
// (allocator_frag_ratio 4.8), and defragStep cannot help: it only drains
// classes of two or more pages.
Deno.test({
  name: "an emptied keyspace gives its pages back (only the pooled ones stay)",

  fn() {
    const { ks } = makeKeyspace(19, { policy: "allkeys-lru" });
    const base = "v".repeat(300_000);
    let k = 0;
    for (let n = 1; n < 260_000; n = Math.ceil(n * 1.05)) {
      ks.set(`k:${k++}`, base.slice(0, n));
    }
    for (let i = 0; i < k; i++) ks.delete(`k:${i}`);
    assert.equal(ks.size, 0);
    const m = ks.memoryStats();
    assert.equal(m.records, 0);
    assert.ok(
      m.allocatorReserved <= 8 * (1 << 20),
      `${(m.allocatorReserved / (1 << 20)).toFixed(0)} MiB reserved for 0 keys`,
    );
  },
});

// Bug: eviction samples a random segment and walks it; with keys sparse in
// the index (one key, or a few volatile ones among many persistent ones)
// the 16 × 16 tries (64 for *-random) miss them, so makeRoom() returns
// false (the node answers OOM) while the policy has keys it may evict.
// Redis samples its dict (or expires dict) and always finds them.
// E.g. policy allkeys-lru, one 2 MB key, maxmemory = dataMemory - 1: not
// evicted for 42 of 100 seeds (allkeys-random: 79 of 100); 1 volatile key
// among 50,000 persistent: not evicted for 9 of 20 seeds (volatile-random:
// 17 of 20).
Deno.test({
  name: "makeRoom finds the only evictable key however sparse the index is",

  fn() {
    const big = "x".repeat(2_000_000);
    const policies: EvictionPolicy[] = EVICTION_POLICIES.filter((p) =>
      p !== "noeviction"
    );
    for (const policy of policies) {
      for (let seed = 1; seed <= 20; seed++) {
        const { ks, clock } = makeKeyspace(seed, { policy });
        ks.set("only", big, clock.now + 1e6);
        ks.configureMemory({ maxmemory: ks.dataMemory - 1 });
        assert.equal(ks.has("only"), false, `${policy} seed ${seed}: one key`);
      }
    }
    for (const policy of ["volatile-lru", "volatile-random"] as const) {
      for (let seed = 1; seed <= 5; seed++) {
        const { ks, clock } = makeKeyspace(seed, { policy });
        for (let i = 0; i < 50_000; i++) ks.set(`p:${i}`, "v");
        ks.set("vol", big, clock.now + 1e6);
        ks.configureMemory({ maxmemory: ks.dataMemory - 1 });
        assert.equal(ks.has("vol"), false, `${policy} seed ${seed}: sparse`);
      }
    }
    // volatile-*: writes of persistent keys evict every volatile key before
    // makeRoom() refuses.
    for (const policy of VOLATILE) {
      const { ks, clock } = makeKeyspace(3, { policy });
      for (let i = 0; i < 4_000; i++) {
        ks.set(`k:${i}`, value(i), i % 2 ? clock.now + 1e7 : undefined);
      }
      limitTo(ks, 0.8);
      for (let i = 0; i < 10_000; i++) {
        ks.set(`w:${i}`, value(i));
        if (!settle(ks)) break;
      }
      assert.equal(ks.volatileSize, 0, `${policy}: volatile keys left`);
    }
  },
});

Deno.test("maxmemory 32 MB with ~200 MB of 1 KB writes: data stays under the limit", () => {
  const max = 32 << 20;
  const { ks, random } = makeKeyspace(14, {
    policy: "allkeys-lru",
    maxmemory: max,
  });
  const base = value(0, 1024);
  const writes = 200_000;
  let peakData = 0;
  let peakReserved = 0;
  let refused = 0;
  for (let i = 0; i < writes; i++) {
    // Mostly new keys, some overwrites of recent ones.
    const key = random() < 0.8
      ? `key:${i}`
      : `key:${Math.max(0, i - randomInt(random, 50_000))}`;
    const v = String(i) + base.slice(String(i).length);
    ks.set(key, v);
    if (!ks.makeRoom()) refused++;
    const data = ks.dataMemory;
    if (data > peakData) peakData = data;
    assert.ok(
      data <= max + 1_100,
      `write ${i}: dataMemory ${data} > 32 MB + one record`,
    );
    if (i % 1_000 === 0) {
      const reserved = ks.memoryStats().allocatorReserved;
      if (reserved > peakReserved) peakReserved = reserved;
    }
  }
  const m = ks.memoryStats();
  peakReserved = Math.max(peakReserved, m.allocatorReserved);
  console.log(
    `32 MB limit, ${writes} × 1 KB writes: ${ks.size} keys held, ` +
      `${ks.evictedKeys} evicted, peak dataMemory ${peakData} ` +
      `(${(peakData / max * 100).toFixed(1)}% of the limit), ` +
      `peak allocatorReserved ${peakReserved} ` +
      `(${(peakReserved / max).toFixed(3)}× the limit), final records ` +
      `${m.records}, index ${m.index}, frag ${
        (m.allocatorReserved / m.allocatorLive).toFixed(3)
      }`,
  );
  assert.equal(refused, 0);
  assert.ok(peakReserved <= max * 1.3 + 64 * (1 << 20));
  // Every key still held reads back whole.
  for (const k of ks.keys().slice(0, 2_000)) {
    const v = ks.get(k) as string;
    assert.equal(v.length, 1024);
  }
});

Deno.test("maxmemory 8 MB with value sizes shifting 32 B → 1 KB → 32 B: the allocator's reserve stays bounded", () => {
  const max = 8 << 20;
  const { ks } = makeKeyspace(15, {
    policy: "allkeys-lru",
    maxmemory: max,
  });
  const phases = [
    { size: 32, writes: 200_000 },
    { size: 1024, writes: 20_000 },
    { size: 32, writes: 200_000 },
  ];
  let i = 0;
  const report: string[] = [];
  for (const { size, writes } of phases) {
    const base = value(0, size);
    let peakReserved = 0;
    for (let j = 0; j < writes; j++, i++) {
      ks.set(`key:${i}`, base);
      assert.equal(ks.makeRoom(), true);
      if (j % 2_000 === 0) {
        peakReserved = Math.max(
          peakReserved,
          ks.memoryStats().allocatorReserved,
        );
        // Defragmentation runs as the node's cron would run it.
        for (let d = 0; d < 4; d++) ks.defragStep(256);
      }
    }
    const m = ks.memoryStats();
    report.push(
      `${size} B: ${ks.size} keys, peak reserved ${peakReserved}, ` +
        `frag ${(m.allocatorReserved / m.allocatorLive).toFixed(3)}`,
    );
    assert.ok(m.used <= max + 1_100);
    assert.ok(peakReserved <= max * 1.3 + 64 * (1 << 20), report.join("; "));
  }
  console.log(`shifting sizes under 8 MB: ${report.join("; ")}`);
});
