/**
 * The off-heap keyspace against a plain reference model (a Map of key →
 * value and expiry) under seeded random operation sequences, and SCAN's
 * guarantees (exactly once on a static keyspace, at least once across
 * growth).
 */

import assert from "node:assert/strict";
import { type CollectionValue, type ExpireTime, Keyspace } from "./keyspace.ts";
import { EVICTION_POLICIES } from "./memory_limit.ts";
import { randomInt, seededRandom } from "./_testing.ts";

/** A collection as the tests make them: a type and a byte count to mutate. */
interface Coll extends CollectionValue {
  readonly type: "hash" | "list" | "set";
  memoryBytes: number;
}

interface Entry {
  value: string | Coll;
  /** Absolute expiry in ms; `undefined` = persistent. */
  expireAt: bigint | undefined;
}

const START = 1_700_000_000_000;
const TWO_53 = 2n ** 53n;

/** The reference: Redis's lazy semantics, with the expired keys still held. */
class Model {
  readonly map = new Map<string, Entry>();
  expiredKeys = 0;
  constructor(readonly clock: { now: number }) {}

  #isExpired(e: Entry): boolean {
    return e.expireAt !== undefined && BigInt(this.clock.now) > e.expireAt;
  }

  /** A live entry; an expired one is dropped (as the keyspace drops it when touched). */
  lookup(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (this.#isExpired(e)) {
      this.map.delete(key);
      this.expiredKeys++;
      return undefined;
    }
    return e;
  }

  set(key: string, value: string | Coll, at: bigint | undefined): void {
    this.lookup(key);
    this.map.set(key, { value, expireAt: at });
  }

  replace(key: string, value: string | Coll): void {
    const e = this.lookup(key);
    this.map.set(key, { value, expireAt: e?.expireAt });
  }

  delete(key: string): boolean {
    if (this.lookup(key) === undefined) return false;
    this.map.delete(key);
    return true;
  }

  setExpire(key: string, at: bigint): boolean {
    const e = this.lookup(key);
    if (e === undefined) return false;
    e.expireAt = at;
    return true;
  }

  persist(key: string): boolean {
    const e = this.lookup(key);
    if (e === undefined || e.expireAt === undefined) return false;
    e.expireAt = undefined;
    return true;
  }

  rename(from: string, to: string): boolean {
    const e = this.lookup(from);
    if (e === undefined) return false;
    if (from === to) return true;
    this.map.delete(from);
    this.lookup(to); // an expired destination is reclaimed (and counted)
    this.map.set(to, { value: e.value, expireAt: e.expireAt });
    return true;
  }

  /** Drops every expired key (what `keys()` does to the keyspace). */
  reclaimAll(): void {
    for (const key of [...this.map.keys()]) this.lookup(key);
  }

  liveKeys(): string[] {
    const out: string[] = [];
    for (const [k, e] of this.map) if (!this.#isExpired(e)) out.push(k);
    return out;
  }

  get volatileCount(): number {
    let n = 0;
    for (const e of this.map.values()) if (e.expireAt !== undefined) n++;
    return n;
  }
}

function normExpire(t: ExpireTime | undefined): bigint | undefined {
  return t === undefined ? undefined : BigInt(t);
}

/** The keyspace's argument form of a time: a number when safe, else a bigint. */
function toExpireTime(t: bigint): ExpireTime {
  return t <= BigInt(Number.MAX_SAFE_INTEGER) &&
      t >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(t)
    : t;
}

function fromCodes(codes: number[]): string {
  let s = "";
  for (let i = 0; i < codes.length; i += 8192) {
    s += String.fromCharCode(...codes.slice(i, i + 8192));
  }
  return s;
}

/** Every byte 0–255, rotated. */
const ALL_BYTES = fromCodes(Array.from({ length: 256 }, (_, i) => i));

function randomValue(random: () => number): string {
  const r = random();
  let n: number;
  if (r < 0.002) n = 256 * 1024 + randomInt(random, 80_000); // own page
  else if (r < 0.05) n = 0;
  else if (r < 0.1) return ALL_BYTES.slice(randomInt(random, 256)) + ALL_BYTES;
  else if (r < 0.5) n = randomInt(random, 64);
  else if (r < 0.7) n = 200 + randomInt(random, 120); // around the 256-char switch
  else n = randomInt(random, 2_100);
  if (n > 4096) {
    // Large: a random head and tail around a repeated run (cheap to make).
    const head: number[] = [];
    for (let i = 0; i < 512; i++) head.push(randomInt(random, 256));
    const h = fromCodes(head);
    return h + ALL_BYTES.repeat(Math.ceil((n - 1024) / 256)).slice(
      0,
      n - 1024,
    ) + h;
  }
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push(randomInt(random, 256));
  return fromCodes(codes);
}

/** Key number `i` of a pool: varied lengths, every byte value, a few long ones. */
function keyName(i: number): string {
  const codes = [(i * 37) & 0xff, (i * 101 + 7) & 0xff];
  const tail = String(i);
  for (let j = 0; j < tail.length; j++) codes.push(tail.charCodeAt(j));
  const extra = i % 13;
  for (let j = 0; j < extra; j++) codes.push((i + j * 59) & 0xff);
  if (i % 97 === 5) {
    for (let j = 0; j < 300; j++) {
      codes.push((i + j) & 0xff);
    }
  }
  return fromCodes(codes);
}

function recordBytes(key: string, e: Entry): number {
  const header = e.expireAt === undefined ? 12 : 20;
  return header + key.length +
    (typeof e.value === "string" ? e.value.length : 0);
}

interface Harness {
  ks: Keyspace;
  model: Model;
  clock: { now: number };
  random: () => number;
  colls: Coll[];
}

function makeHarness(seed: number): Harness {
  const clock = { now: START };
  const random = seededRandom(seed);
  const ks = new Keyspace({
    now: () => clock.now,
    random: seededRandom(seed ^ 0x5bd1e995),
    hashSeed: seed * 7919,
  });
  return { ks, model: new Model(clock), clock, random, colls: [] };
}

function assertValue(
  got: unknown,
  want: string | Coll | undefined,
  what: string,
): void {
  if (typeof want === "string" && typeof got === "string") {
    if (got !== want) {
      assert.fail(
        `${what}: value differs (length ${got.length}, want ${want.length})`,
      );
    }
    return;
  }
  assert.equal(got, want, what);
}

function assertView(
  got: Uint8Array | CollectionValue | undefined,
  want: string | Coll | undefined,
  what: string,
): void {
  if (typeof want === "string") {
    assert.ok(got instanceof Uint8Array, `${what}: a view expected`);
    assert.equal(got.length, want.length, `${what}: view length`);
    for (let i = 0; i < want.length; i++) {
      if (got[i] !== want.charCodeAt(i)) {
        assert.fail(`${what}: view differs at byte ${i}`);
      }
    }
    return;
  }
  assert.equal(got, want, what);
}

/** Everything the model says must hold now, reclaiming expired keys first. */
function checkpoint(h: Harness, what: string, readAll: boolean): void {
  const { ks, model } = h;
  const keys = ks.keys();
  model.reclaimAll();
  assert.equal(ks.expiredKeys, model.expiredKeys, `${what}: expiredKeys`);
  assert.equal(ks.size, model.map.size, `${what}: size after keys()`);
  assert.equal(ks.volatileSize, model.volatileCount, `${what}: volatileSize`);
  const want = [...model.map.keys()].sort();
  assert.deepEqual([...keys].sort(), want, `${what}: keys()`);

  // A full SCAN of a static keyspace: each key exactly once.
  const seen = new Map<string, number>();
  let cursor = 0;
  let steps = 0;
  const count = 1 + randomInt(h.random, 60);
  do {
    const r = ks.scan(cursor, count);
    for (const k of r.keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    cursor = r.cursor;
    assert.ok(++steps < 1_000_000, `${what}: SCAN does not end`);
  } while (cursor !== 0);
  assert.deepEqual([...seen.keys()].sort(), want, `${what}: SCAN's keys`);
  for (const [k, n] of seen) {
    assert.equal(n, 1, `${what}: SCAN returned ${JSON.stringify(k)} ${n}×`);
  }

  // Memory: collections are recounted after a read of each.
  let collections = 0;
  let records = 0;
  for (const [k, e] of model.map) {
    records += recordBytes(k, e);
    if (typeof e.value !== "string") {
      assert.equal(ks.get(k), e.value, `${what}: collection ${k}`);
      collections += e.value.memoryBytes;
    } else if (readAll) {
      assertValue(ks.get(k), e.value, `${what}: get ${JSON.stringify(k)}`);
      assertView(
        ks.getView(k),
        e.value,
        `${what}: getView ${JSON.stringify(k)}`,
      );
      assert.equal(
        normExpire(ks.getExpire(k)),
        e.expireAt,
        `${what}: getExpire ${JSON.stringify(k)}`,
      );
    }
  }
  const m = ks.memoryStats();
  assert.equal(
    m.used,
    m.records + m.index + m.collections + m.external,
    `${what}: used = records + index + collections + external`,
  );
  assert.equal(m.external, 0);
  assert.equal(m.records, m.allocatorLive, `${what}: records = arena's live`);
  assert.equal(m.collections, collections, `${what}: collections' bytes`);
  assert.equal(ks.dataMemory, m.records + m.index + m.collections);
  // Each record sits in a slot at least its size and (fresh: ≤ 1/8 + 8
  // over; rewritten in place: less than twice) at most twice it.
  assert.ok(m.records >= records, `${what}: records ${m.records} < ${records}`);
  assert.ok(
    m.records <= 2 * records + 16 * model.map.size,
    `${what}: records ${m.records} ≫ ${records} (a leak?)`,
  );
  if (model.map.size === 0) assert.equal(m.records, 0, `${what}: empty`);
  assert.ok(m.index >= 8 * model.map.size, `${what}: index bytes`);
  assert.ok(m.allocatorReserved >= m.records, `${what}: reserved ≥ live`);
}

interface Phase {
  /** Keys drawn from this many. */
  pool: number;
  ops: number;
  /** Weight of writes over deletes: > 1 grows, < 1 shrinks. */
  bias: number;
}

function step(h: Harness, pool: number, bias: number, tag: string): void {
  const { ks, model, clock, random, colls } = h;
  const key = keyName(randomInt(random, pool));
  const what = `${tag} ${JSON.stringify(key).slice(0, 40)}`;
  const now = () => BigInt(clock.now);
  const ttl = (): bigint => {
    const r = random();
    if (r < 0.1) return now() - BigInt(randomInt(random, 5_000)); // past
    if (r < 0.15) return now(); // alive until the next ms
    if (r < 0.2) return TWO_53 + BigInt(randomInt(random, 1 << 30)); // beyond 2^53
    return now() + BigInt(1 + randomInt(random, 30_000));
  };
  const newColl = (): Coll => {
    const types = ["hash", "list", "set"] as const;
    const c: Coll = {
      type: types[randomInt(random, 3)],
      memoryBytes: randomInt(random, 5_000),
    };
    colls.push(c);
    return c;
  };
  const anyValue = (): string | Coll => {
    if (random() < 0.1) {
      // Sometimes the collection the key holds already (mutated in place).
      const cur = model.map.get(key)?.value;
      if (cur !== undefined && typeof cur !== "string" && random() < 0.5) {
        return cur;
      }
      return newColl();
    }
    return randomValue(random);
  };
  const writeW = 30 * bias;
  const r = random() * (writeW + 12 / bias + 60);
  if (r < writeW * 0.5) {
    const v = anyValue();
    ks.set(key, v);
    model.set(key, v, undefined);
  } else if (r < writeW * 0.8) {
    const v = anyValue();
    const at = ttl();
    ks.set(key, v, toExpireTime(at));
    model.set(key, v, at);
  } else if (r < writeW) {
    const v = anyValue();
    ks.replace(key, v);
    model.replace(key, v);
  } else if (r < writeW + 12 / bias) {
    assert.equal(ks.delete(key), model.delete(key), `${what}: delete`);
  } else if (r < writeW + 12 / bias + 14) {
    assertValue(ks.get(key), model.lookup(key)?.value, `${what}: get`);
  } else if (r < writeW + 12 / bias + 20) {
    assertView(ks.getView(key), model.lookup(key)?.value, `${what}: getView`);
  } else if (r < writeW + 12 / bias + 24) {
    assert.equal(ks.has(key), model.lookup(key) !== undefined, `${what}: has`);
  } else if (r < writeW + 12 / bias + 32) {
    const at = ttl();
    assert.equal(
      ks.setExpire(key, toExpireTime(at)),
      model.setExpire(key, at),
      `${what}: setExpire`,
    );
  } else if (r < writeW + 12 / bias + 38) {
    const got = ks.getExpire(key);
    const want = model.lookup(key)?.expireAt;
    assert.equal(normExpire(got), want, `${what}: getExpire`);
    if (want !== undefined && want < TWO_53 && want > -TWO_53) {
      assert.equal(typeof got, "number", `${what}: a safe time is a number`);
    }
  } else if (r < writeW + 12 / bias + 42) {
    assert.equal(ks.persist(key), model.persist(key), `${what}: persist`);
  } else if (r < writeW + 12 / bias + 47) {
    const to = random() < 0.1 ? key : keyName(randomInt(random, pool));
    assert.equal(
      ks.rename(key, to),
      model.rename(key, to),
      `${what}: rename to ${JSON.stringify(to).slice(0, 40)}`,
    );
  } else if (r < writeW + 12 / bias + 50) {
    if (colls.length !== 0) {
      colls[randomInt(random, colls.length)].memoryBytes = randomInt(
        random,
        20_000,
      );
    }
  } else if (r < writeW + 12 / bias + 56) {
    clock.now += random() < 0.05
      ? 10_000 + randomInt(random, 20_000)
      : randomInt(random, 800);
  } else if (r < writeW + 12 / bias + 58) {
    const before = ks.size;
    const { sampled, expired } = ks.expireSome(1 + randomInt(random, 64));
    assert.ok(expired <= sampled, `${what}: expireSome ${sampled}/${expired}`);
    assert.equal(ks.size, before - expired, `${what}: expireSome's count`);
    checkpoint(h, `${what}: after expireSome`, false);
  } else if (r < writeW + 12 / bias + 60) {
    const moved = ks.defragStep(1 + randomInt(random, 200), 0, 0);
    if (moved > 0) checkpoint(h, `${what}: after defrag (${moved})`, true);
  }
  // Lazy semantics are mirrored exactly: size counts expired keys not yet
  // touched.
  assert.equal(ks.size, model.map.size, `${what}: size`);
}

/**
 * Evicts under a random policy down to 70% of the data, then lifts the
 * limit: the keys that went must be ones the policy may evict, counted in
 * evictedKeys; the model drops them and everything else must still match.
 */
function evictionRound(h: Harness, tag: string): void {
  const { ks, model, random } = h;
  checkpoint(h, `${tag}: before eviction`, false);
  const policies = EVICTION_POLICIES.filter((p) => p !== "noeviction");
  const policy = policies[randomInt(random, policies.length)];
  const before = new Set(ks.keys());
  const evictedBefore = ks.evictedKeys;
  const max = Math.floor(ks.dataMemory * 0.7);
  ks.configureMemory({ policy, maxmemory: max });
  for (let i = 0; i < 1_000 && ks.usedMemory > max && ks.makeRoom(); i++) {
    // makeRoom() stops after 50 ms of real time: go on.
  }
  const after = new Set(ks.keys());
  const evicted = [...before].filter((k) => !after.has(k));
  for (const k of after) assert.ok(before.has(k), `${tag}: a key appeared`);
  assert.equal(
    ks.evictedKeys - evictedBefore,
    evicted.length,
    `${tag} (${policy}): evictedKeys`,
  );
  for (const k of evicted) {
    if (policy.startsWith("volatile-")) {
      assert.ok(
        model.map.get(k)!.expireAt !== undefined,
        `${tag} (${policy}): evicted a key without TTL`,
      );
    }
    model.map.delete(k);
  }
  ks.configureMemory({ maxmemory: 0 });
  checkpoint(h, `${tag}: after eviction (${policy}, ${evicted.length})`, true);
}

function runSeed(seed: number, phases: Phase[]): void {
  const h = makeHarness(seed);
  let n = 0;
  for (const [p, phase] of phases.entries()) {
    for (let i = 0; i < phase.ops; i++) {
      step(h, phase.pool, phase.bias, `seed ${seed} phase ${p} op ${i}`);
      if (++n % 400 === 0) {
        checkpoint(h, `seed ${seed} phase ${p} op ${i}`, n % 1_600 === 0);
      }
    }
    checkpoint(h, `seed ${seed} end of phase ${p}`, true);
    if (p !== 0) evictionRound(h, `seed ${seed} end of phase ${p}`);
  }
}

for (const seed of [1, 2, 3, 0xdecaf]) {
  Deno.test(`Keyspace matches the model: seed ${seed} (grow, shrink, regrow)`, () => {
    runSeed(seed, [
      { pool: 16, ops: 600, bias: 1 },
      { pool: 3_000, ops: 2_500, bias: 3 }, // grows
      { pool: 3_000, ops: 1_500, bias: 0.3 }, // shrinks by deletes
      { pool: 300, ops: 600, bias: 1 },
      { pool: 5_000, ops: 2_500, bias: 3 }, // regrows
    ]);
  });
}

Deno.test("Keyspace matches the model across heavy defragmentation", () => {
  for (const seed of [11, 12]) {
    const h = makeHarness(seed);
    const { ks, model, random, clock } = h;
    // Fill several pages of one size class, volatile and not, then delete
    // most keys at random so the class holds pages of free slots.
    const n = 12_000;
    for (let i = 0; i < n; i++) {
      const key = `frag:${i}`;
      // 400 bytes: two size classes (persistent and volatile records).
      const v = (ALL_BYTES + ALL_BYTES).slice(i & 0xff, (i & 0xff) + 400);
      const at = i % 3 === 0 ? BigInt(clock.now + 60_000 + i) : undefined;
      ks.set(key, v, at === undefined ? undefined : Number(at));
      model.set(key, v, at);
      if (i % 500 === 0) {
        const c: Coll = { type: "set", memoryBytes: i };
        ks.set(`coll:${i}`, c);
        model.set(`coll:${i}`, c, undefined);
      }
    }
    for (let i = 0; i < n; i++) {
      if (random() < 0.8) {
        assert.equal(ks.delete(`frag:${i}`), model.delete(`frag:${i}`));
      }
    }
    checkpoint(h, `seed ${seed}: fragmented`, true);
    // Defragmentation alone: pages empty out, nothing is lost, and the
    // allocator holds no more than before.
    const before = ks.memoryStats();
    let alone = 0;
    for (let round = 0; round < 1_000; round++) {
      const moved = ks.defragStep(1 + randomInt(random, 300), 0, 0);
      if (moved === 0) break;
      alone += moved;
      if (round % 5 === 0) checkpoint(h, `seed ${seed} defrag ${round}`, true);
    }
    checkpoint(h, `seed ${seed}: after defrag`, true);
    const after = ks.memoryStats();
    assert.ok(alone > 0, `seed ${seed}: defrag moved nothing`);
    assert.equal(after.records, before.records, `seed ${seed}: live bytes`);
    assert.ok(
      after.allocatorReserved <= before.allocatorReserved,
      `seed ${seed}: reserved ${before.allocatorReserved} → ${after.allocatorReserved}`,
    );
    // Then moves interleaved with ordinary operations (writes of every
    // size, deletes, expiry, renames) on the same keys.
    for (let i = 0; i < n; i += 2) {
      assert.equal(ks.delete(`frag:${i}`), model.delete(`frag:${i}`));
    }
    for (let round = 0; round < 600; round++) {
      ks.defragStep(1 + randomInt(random, 300), 0, 0);
      for (let j = 0; j < 3; j++) {
        step(h, 3_000, 0.5, `seed ${seed} round ${round}`);
      }
      if (round % 20 === 0) checkpoint(h, `seed ${seed} round ${round}`, true);
    }
    checkpoint(h, `seed ${seed}: end`, true);
  }
});

// ---- SCAN ------------------------------------------------------------------

function scanAll(ks: Keyspace, count: number): Map<string, number> {
  const seen = new Map<string, number>();
  let cursor = 0;
  let steps = 0;
  do {
    const r = ks.scan(cursor, count);
    for (const k of r.keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    cursor = r.cursor;
    assert.ok(++steps < 1_000_000, "SCAN does not end");
  } while (cursor !== 0);
  return seen;
}

Deno.test("SCAN of a static keyspace returns each key exactly once", () => {
  for (const n of [0, 1, 2, 7, 100, 2_049, 20_000]) {
    const clock = { now: START };
    const ks = new Keyspace({ now: () => clock.now, hashSeed: n + 1 });
    for (let i = 0; i < n; i++) ks.set(keyName(i), "v");
    for (const count of [1, 3, 10, 100, 100_000]) {
      const seen = scanAll(ks, count);
      assert.equal(seen.size, n, `${n} keys, COUNT ${count}`);
      for (const [k, c] of seen) {
        assert.equal(c, 1, `${n} keys, COUNT ${count}: ${k} ${c}×`);
      }
    }
  }
});

Deno.test("SCAN returns every key present for the whole scan across growth and deletes", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = seededRandom(seed);
    const clock = { now: START };
    const ks = new Keyspace({ now: () => clock.now, hashSeed: seed });
    const initial = 500 + randomInt(random, 2_000);
    for (let i = 0; i < initial; i++) ks.set(`s:${i}`, "v");
    const deleted = new Set<string>();
    const seen = new Map<string, number>();
    let added = 0;
    let cursor = 0;
    let steps = 0;
    let growths = 0;
    let lastIndex = ks.memoryStats().index;
    do {
      const r = ks.scan(cursor, 1 + randomInt(random, 20));
      for (const k of r.keys) seen.set(k, (seen.get(k) ?? 0) + 1);
      cursor = r.cursor;
      // Between steps: add many keys (segments double), delete some
      // initial ones, delete and re-add some added ones.
      const adds = added < 40_000 ? randomInt(random, 200) : 0;
      for (let j = 0; j < adds; j++) ks.set(`a:${added++}`, "w");
      if (random() < 0.3) {
        const victim = `s:${randomInt(random, initial)}`;
        if (ks.delete(victim)) deleted.add(victim);
      }
      if (added > 0 && random() < 0.3) {
        ks.delete(`a:${randomInt(random, added)}`);
      }
      const index = ks.memoryStats().index;
      if (index !== lastIndex) growths++;
      lastIndex = index;
      assert.ok(++steps < 1_000_000, `seed ${seed}: SCAN does not end`);
    } while (cursor !== 0);
    assert.ok(growths > 0, `seed ${seed}: the index never grew`);
    let missing = 0;
    for (let i = 0; i < initial; i++) {
      const k = `s:${i}`;
      if (!deleted.has(k) && !seen.has(k)) missing++;
    }
    assert.equal(
      missing,
      0,
      `seed ${seed}: ${missing} keys present throughout were not returned (${steps} steps, ${added} added)`,
    );
    // Whatever was returned was a key at some time.
    for (const k of seen.keys()) assert.ok(/^[sa]:\d+$/.test(k), k);
  }
});

Deno.test("SCAN: a step at a time with growth between every step still ends", () => {
  const clock = { now: START };
  const ks = new Keyspace({ now: () => clock.now, hashSeed: 99 });
  ks.set("first", "v");
  let cursor = 0;
  let steps = 0;
  let added = 0;
  const seen = new Set<string>();
  do {
    const r = ks.scan(cursor, 1);
    for (const k of r.keys) seen.add(k);
    cursor = r.cursor;
    for (let j = 0; j < 50 && added < 60_000; j++) ks.set(`g:${added++}`, "v");
    assert.ok(++steps < 2_000_000, "SCAN does not end");
  } while (cursor !== 0);
  assert.ok(seen.has("first"));
});

Deno.test("SCAN skips expired keys and reclaims them; cursors past the end are safe", () => {
  const clock = { now: START };
  const ks = new Keyspace({ now: () => clock.now, hashSeed: 5 });
  for (let i = 0; i < 1_000; i++) {
    ks.set(`k:${i}`, "v", i % 2 === 0 ? clock.now + 10 : undefined);
  }
  clock.now += 11;
  const seen = scanAll(ks, 17);
  assert.equal(seen.size, 500);
  for (const k of seen.keys()) assert.equal(Number(k.slice(2)) % 2, 1);
  assert.equal(ks.size, 500);
  assert.equal(ks.volatileSize, 0);
  // Garbage cursors: each step terminates and returns live keys only.
  for (const c of [1, 255, 256, 2 ** 40, 2 ** 53 - 1, -1, 0.5, NaN]) {
    const r = ks.scan(c, 10);
    assert.ok(Number.isSafeInteger(r.cursor) && r.cursor >= 0, String(c));
  }
});

Deno.test("SCAN returns every key present for the whole scan while segments shrink", () => {
  for (const seed of [7, 8, 9]) {
    const random = seededRandom(seed);
    const clock = { now: START };
    const ks = new Keyspace({ now: () => clock.now, hashSeed: seed });
    const n = 30_000;
    for (let i = 0; i < n; i++) ks.set(`k:${i}`, "v");
    const kept = new Set<string>();
    for (let i = 0; i < n; i += 50) kept.add(`k:${i}`);
    const doomed = [...Array(n).keys()].map((i) => `k:${i}`).filter((k) =>
      !kept.has(k)
    );
    const indexBefore = ks.memoryStats().index;
    const seen = new Set<string>();
    let cursor = 0;
    let steps = 0;
    do {
      const r = ks.scan(cursor, 1 + randomInt(random, 30));
      for (const k of r.keys) seen.add(k);
      cursor = r.cursor;
      // Delete a batch between steps: segments halve as they empty.
      for (let j = 0; j < 300 && doomed.length !== 0; j++) {
        const at = randomInt(random, doomed.length);
        ks.delete(doomed[at]);
        doomed[at] = doomed[doomed.length - 1];
        doomed.pop();
      }
      assert.ok(++steps < 1_000_000, `seed ${seed}: SCAN does not end`);
    } while (cursor !== 0);
    const missing = [...kept].filter((k) => !seen.has(k));
    assert.deepEqual(
      missing,
      [],
      `seed ${seed}: ${missing.length} kept keys not returned (index ${indexBefore} → ${ks.memoryStats().index} bytes)`,
    );
  }
});

Deno.test("SCAN returns every key present for the whole scan while segments grow and shrink in turn", () => {
  for (let seed = 1; seed <= 10; seed++) {
    const random = seededRandom(seed);
    const ks = new Keyspace({ now: () => START, hashSeed: seed });
    const kept: string[] = [];
    for (let i = 0; i < 300; i++) {
      ks.set(`keep:${i}`, "v");
      kept.push(`keep:${i}`);
    }
    let extra: string[] = [];
    let n = 0;
    const seen = new Set<string>();
    let cursor = 0;
    let steps = 0;
    do {
      const r = ks.scan(cursor, 1 + randomInt(random, 10));
      for (const k of r.keys) seen.add(k);
      cursor = r.cursor;
      if (random() < 0.5) {
        for (let j = 0; j < 2_000; j++) {
          ks.set(`x:${n}`, "v");
          extra.push(`x:${n++}`);
        }
      } else {
        for (const k of extra) ks.delete(k);
        extra = [];
      }
      assert.ok(++steps < 100_000, `seed ${seed}: SCAN does not end`);
    } while (cursor !== 0);
    const missing = kept.filter((k) => !seen.has(k));
    assert.deepEqual(missing, [], `seed ${seed}: ${steps} steps`);
  }
});
