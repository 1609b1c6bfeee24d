import assert from "node:assert/strict";
import { type CollectionValue, Keyspace, typeOf } from "./keyspace.ts";
import { seededRandom } from "./_testing.ts";

function clocked(start = 1_000): { ks: Keyspace; clock: { now: number } } {
  const clock = { now: start };
  // A fixed hash seed: index order (SCAN, samples) is the same every run.
  return { ks: new Keyspace({ now: () => clock.now, hashSeed: 7 }), clock };
}

const LIST: CollectionValue = { type: "list" };

Deno.test("typeOf() names strings and collections", () => {
  assert.equal(typeOf("v"), "string");
  assert.equal(typeOf(""), "string");
  assert.equal(typeOf(LIST), "list");
  assert.equal(typeOf({ type: "hash" }), "hash");
});

Deno.test("Keyspace.get() and set() round-trip every byte value", () => {
  const { ks } = clocked();
  const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  for (let b = 0; b < 256; b++) {
    ks.set(String.fromCharCode(b), all.slice(b) + all.slice(0, b));
  }
  ks.set(all, all);
  assert.equal(ks.size, 257);
  for (let b = 0; b < 256; b++) {
    assert.equal(
      ks.get(String.fromCharCode(b)),
      all.slice(b) + all.slice(0, b),
    );
  }
  assert.equal(ks.get(all), all);
  assert.equal(ks.get("missing"), undefined);
});

Deno.test("Keyspace.set() clears the TTL unless one is given; replace() keeps it", () => {
  const { ks } = clocked();
  ks.set("k", "v", 5_000);
  assert.equal(ks.getExpire("k"), 5_000);
  ks.replace("k", "w");
  assert.equal(ks.getExpire("k"), 5_000);
  assert.equal(ks.get("k"), "w");
  ks.set("k", "x");
  assert.equal(ks.getExpire("k"), undefined);
  assert.equal(ks.volatileSize, 0);
  ks.replace("new", "v");
  assert.equal(ks.get("new"), "v");
  assert.equal(ks.getExpire("new"), undefined);
});

Deno.test("Keyspace expires lazily: an expired key is never returned", () => {
  const { ks, clock } = clocked();
  ks.set("k", "v", 2_000);
  ks.set("p", "v");
  clock.now = 2_000; // alive while now <= t (Redis's rule)
  assert.equal(ks.get("k"), "v");
  assert.equal(ks.has("k"), true);
  clock.now = 2_001;
  assert.equal(ks.has("k"), false);
  assert.equal(ks.get("k"), undefined);
  assert.equal(ks.size, 1);
  assert.equal(ks.expiredKeys, 1);

  for (const probe of ["get", "delete", "getExpire", "persist", "rename"]) {
    ks.set("e", "v", 3_000);
    clock.now = 3_001;
    switch (probe) {
      case "get":
        assert.equal(ks.get("e"), undefined);
        break;
      case "delete":
        assert.equal(ks.delete("e"), false);
        break;
      case "getExpire":
        assert.equal(ks.getExpire("e"), undefined);
        break;
      case "persist":
        assert.equal(ks.persist("e"), false);
        break;
      case "rename":
        assert.equal(ks.rename("e", "f"), false);
        break;
    }
    assert.equal(ks.has("e"), false, probe);
    clock.now = 1_000;
  }
  ks.set("e", "v", 3_000);
  clock.now = 3_001;
  assert.deepEqual(ks.keys(), ["p"]);
  assert.equal(ks.setExpire("e", 9_000), false);
});

Deno.test("Keyspace.replace() on an expired key creates it persistent", () => {
  const { ks, clock } = clocked();
  ks.set("k", "old", 1_500);
  clock.now = 1_501;
  ks.replace("k", "new");
  assert.equal(ks.get("k"), "new");
  assert.equal(ks.getExpire("k"), undefined);
});

Deno.test("Keyspace.delete() reports whether a live key was removed", () => {
  const { ks } = clocked();
  ks.set("k", "v", 9_000);
  assert.equal(ks.delete("k"), true);
  assert.equal(ks.delete("k"), false);
  assert.equal(ks.volatileSize, 0);
  assert.equal(ks.size, 0);
});

Deno.test("Keyspace.setExpire() / persist() / getExpire() manage TTLs", () => {
  const { ks } = clocked();
  assert.equal(ks.setExpire("missing", 5_000), false);
  ks.set("k", "v");
  assert.equal(ks.persist("k"), false);
  assert.equal(ks.setExpire("k", 5_000), true);
  assert.equal(ks.getExpire("k"), 5_000);
  assert.equal(ks.setExpire("k", 9223372036854775807n), true);
  assert.equal(ks.getExpire("k"), 9223372036854775807n);
  assert.equal(ks.get("k"), "v");
  assert.equal(ks.persist("k"), true);
  assert.equal(ks.getExpire("k"), undefined);
  assert.equal(ks.volatileSize, 0);
});

Deno.test("Keyspace.rename() moves the value and TTL and replaces the target", () => {
  const { ks } = clocked();
  ks.set("a", "1", 5_000);
  ks.set("b", "2", 7_000);
  assert.equal(ks.rename("a", "b"), true);
  assert.equal(ks.get("a"), undefined);
  assert.equal(ks.get("b"), "1");
  assert.equal(ks.getExpire("b"), 5_000);
  assert.equal(ks.volatileSize, 1);
  ks.set("c", "3");
  assert.equal(ks.rename("c", "b"), true);
  assert.equal(ks.getExpire("b"), undefined);
  assert.equal(ks.rename("b", "b"), true);
  assert.equal(ks.get("b"), "3");
  assert.equal(ks.rename("nope", "x"), false);
  ks.set("l", LIST);
  assert.equal(ks.rename("l", "m"), true);
  assert.equal(ks.get("m"), LIST);
});

Deno.test("Keyspace.flush() empties keys, TTLs and cursors", () => {
  const { ks } = clocked();
  for (let i = 0; i < 100; i++) ks.set(`k${i}`, "v", i % 2 ? 9_000 : undefined);
  const step = ks.scan(0, 10);
  assert.notEqual(step.cursor, 0);
  ks.flush();
  assert.equal(ks.size, 0);
  assert.equal(ks.volatileSize, 0);
  assert.equal(ks.randomKey(), undefined);
  ks.set("after", "v");
  assert.deepEqual(ks.scan(0, 10).keys, ["after"]);
});

Deno.test("Keyspace.keys() filters and skips expired keys", () => {
  const { ks, clock } = clocked();
  ks.set("a1", "v");
  ks.set("a2", "v", 1_500);
  ks.set("b1", "v");
  assert.deepEqual(ks.keys((k) => k.startsWith("a")).sort(), ["a1", "a2"]);
  clock.now = 2_000;
  assert.deepEqual(ks.keys().sort(), ["a1", "b1"]);
  assert.equal(ks.size, 2);
});

Deno.test("Keyspace.randomKey() returns live keys and eventually every key", () => {
  const clock = { now: 1_000 };
  const ks = new Keyspace({ now: () => clock.now, random: seededRandom(3) });
  assert.equal(ks.randomKey(), undefined);
  for (let i = 0; i < 50; i++) ks.set(`k${i}`, "v");
  for (let i = 0; i < 50; i++) ks.set(`e${i}`, "v", 1_500);
  clock.now = 2_000;
  const seen = new Set<string>();
  // The index's hash seed is chosen per process, so the draws differ from
  // run to run: draw until every key came (each is drawn about 1 in 50).
  let draws = 0;
  while (seen.size < 50 && draws < 20_000) {
    const k = ks.randomKey();
    assert.ok(k !== undefined && k.startsWith("k"), `got ${k}`);
    seen.add(k);
    draws++;
  }
  assert.equal(seen.size, 50, `after ${draws} draws`);
  for (let i = 0; i < 50; i++) ks.set(`x${i}`, "v", 2_500);
  for (let i = 0; i < 50; i++) ks.delete(`k${i}`);
  clock.now = 3_000;
  assert.equal(ks.randomKey(), undefined); // every key was expired
  assert.equal(ks.size, 0);
});

Deno.test("Keyspace.scan() returns every key present for the whole scan, and ends under churn", () => {
  const random = seededRandom(42);
  const { ks } = clocked();
  const stable = new Set<string>();
  for (let i = 0; i < 1_000; i++) {
    ks.set(`stable${i}`, "v");
    stable.add(`stable${i}`);
  }
  for (let i = 0; i < 500; i++) ks.set(`churn${i}`, "v");
  const seen = new Set<string>();
  let cursor = 0;
  let steps = 0;
  do {
    const r = ks.scan(cursor, 1 + Math.floor(random() * 20));
    for (const k of r.keys) seen.add(k);
    cursor = r.cursor;
    // Churn between steps: delete, re-add and add keys, faster than the
    // scan reads them.
    for (let j = 0; j < 20; j++) {
      const n = Math.floor(random() * 500);
      if (random() < 0.5) ks.delete(`churn${n}`);
      else ks.set(`churn${n}`, "w");
      ks.set(`new${steps}_${j}`, "v");
    }
    steps++;
  } while (cursor !== 0);
  for (const k of stable) assert.ok(seen.has(k), `missing ${k}`);
  assert.ok(steps <= 1_500, `${steps} steps`);
});

Deno.test("Keyspace.scan() applies the filter after counting visited keys", () => {
  const { ks } = clocked();
  for (let i = 0; i < 200; i++) ks.set(`k${i}`, "v");
  ks.set("l", LIST);
  // A filter that keeps nothing still moves the scan on: visited keys count.
  let cursor = 0;
  let steps = 0;
  const kept: string[] = [];
  do {
    const r = ks.scan(cursor, 5, (k) => k === "k1" || k === "k7");
    kept.push(...r.keys);
    cursor = r.cursor;
    steps++;
  } while (cursor !== 0);
  assert.deepEqual(kept.sort(), ["k1", "k7"]);
  assert.ok(steps < 201, `${steps} steps for 201 keys at count 5`);
  const all = ks.scan(0, 1_000, (_k, type) => type !== "string");
  assert.deepEqual(all.keys, ["l"]);
  assert.equal(all.cursor, 0);
});

Deno.test("Keyspace.scan() takes any cursor: it is a position, not a session", () => {
  const { ks } = clocked();
  for (let i = 0; i < 10; i++) ks.set(`k${i}`, "v");
  // A negative or unsafe cursor starts over; any other is a place to go on from.
  assert.equal(ks.scan(-1, 100).keys.length, 10);
  assert.equal(ks.scan(2 ** 60, 100).keys.length, 10);
  const r = ks.scan(123456, 100);
  assert.ok(r.keys.length <= 10);
  // The same cursor twice gives the same step (no server-side state).
  const first = ks.scan(0, 3);
  assert.deepEqual(ks.scan(0, 3), first);
});

Deno.test("Keyspace.scan() skips and deletes expired keys", () => {
  const { ks, clock } = clocked();
  ks.set("a", "v", 1_500);
  ks.set("b", "v");
  clock.now = 2_000;
  assert.deepEqual(ks.scan(0, 10).keys, ["b"]);
  assert.equal(ks.size, 1);
});

Deno.test("Keyspace.expireSome() samples volatile keys round-robin", () => {
  const { ks, clock } = clocked();
  for (let i = 0; i < 100; i++) ks.set(`p${i}`, "v");
  for (let i = 0; i < 100; i++) ks.set(`v${i}`, "v", i < 50 ? 1_500 : 9_000);
  clock.now = 2_000;
  let expired = 0;
  for (let i = 0; i < 5; i++) {
    const s = ks.expireSome(20);
    assert.equal(s.sampled, 20);
    expired += s.expired;
  }
  assert.equal(expired, 50);
  assert.equal(ks.size, 150);
  assert.equal(ks.volatileSize, 50);
  assert.equal(ks.expiredKeys, 50);
  // At most one pass per call.
  assert.deepEqual(ks.expireSome(1_000), { sampled: 50, expired: 0 });
  ks.flush();
  assert.deepEqual(ks.expireSome(20), { sampled: 0, expired: 0 });
});

Deno.test("Keyspace collections are stored as is and keep their identity", () => {
  const { ks } = clocked();
  const set: CollectionValue = { type: "set" };
  ks.set("s", set);
  assert.equal(ks.get("s"), set);
  assert.equal(typeOf(ks.get("s")!), "set");
});

Deno.test("Keyspace.readString() and writeString() work on bytes in place as get() and set() do", () => {
  const { ks, clock } = clocked();
  const latin1 = (s: string): Uint8Array =>
    Uint8Array.from(s, (c) => c.charCodeAt(0));
  // Key and value inside a larger buffer, at odd offsets.
  const buf = latin1(
    "..k\xff\x00ey..value of 300 bytes:" + "x".repeat(281) + "..",
  );
  ks.writeString(buf, 2, 5, buf, 9, 300);
  const key = "k\xff\x00ey";
  assert.equal(
    ks.get(key),
    "value of 300 bytes:" + "x".repeat(281).slice(0, 281),
  );
  const found = ks.readString(buf, 2, 5);
  assert.ok(found);
  assert.equal(found.text(), ks.get(key));
  assert.equal(ks.readString(latin1("nope"), 0, 4), undefined);
  // A volatile key rewritten by writeString becomes persistent (SET).
  ks.set("t", "old", 2_000);
  ks.writeString(latin1("t"), 0, 1, latin1("new"), 0, 3);
  assert.equal(ks.getExpire("t"), undefined);
  assert.equal(ks.volatileSize, 0);
  // A collection is replaced; before that readString says "not a string".
  ks.set("l", LIST);
  assert.equal(ks.readString(latin1("l"), 0, 1), false);
  ks.writeString(latin1("l"), 0, 1, latin1("s"), 0, 1);
  assert.equal(ks.get("l"), "s");
  // An expired key is gone for readString, as for get().
  ks.set("e", "v", 1_500);
  clock.now = 1_501;
  assert.equal(ks.readString(latin1("e"), 0, 1), undefined);
  assert.equal(ks.expiredKeys, 1);
});

Deno.test("writableString pads in place, moves to bigger slots, keeps key, expiry and neighbours", () => {
  const { ks, clock } = clocked();
  ks.set("other", "neighbour");
  ks.set("k", "ab", clock.now + 5000);
  let last = ks.memoryStats().records;
  for (const length of [2, 3, 60, 300, 5000, 300_000, 300_001]) {
    const v = ks.writableString("k", length);
    assert.ok(v);
    assert.equal(v.length, Math.max(length, 2));
    v.bytes[v.start + v.length - 1] = 0x7a; // 'z' at the end
    const s = ks.get("k") as string;
    assert.equal(s.length, v.length);
    assert.equal(s.slice(0, 1), "a");
    assert.equal(s[s.length - 1], "z");
    const records = ks.memoryStats().records;
    assert.ok(records >= last, `records ${records} < ${last}`);
    last = records;
  }
  const s = ks.get("k") as string;
  // Each growth padded with zeros: the value is "az", zeros, and a 'z' at
  // each length it had.
  const zs = new Set([2, 59, 299, 4999, 299_999, 300_000]);
  let bad = -1;
  for (let i = 2; i < s.length && bad < 0; i++) {
    if (s.charCodeAt(i) !== (zs.has(i) ? 0x7a : 0)) bad = i;
  }
  assert.equal(bad, -1, `unexpected byte at ${bad}`);
  assert.equal(ks.getExpire("k"), clock.now + 5000);
  assert.equal(ks.get("other"), "neighbour");
  assert.equal(ks.size, 2);
  // Never shrinks: a shorter length leaves the value as it is.
  assert.equal(
    (ks.writableString("k", 1) as { length: number }).length,
    300_001,
  );
  ks.delete("k");
  assert.ok(ks.memoryStats().records < last);
});

Deno.test("grewLastWrite tells whether writableString made or padded the string", () => {
  const { ks } = clocked();
  ks.writableString("k", 2);
  assert.equal(ks.grewLastWrite, true); // made
  ks.writableString("k", 2);
  assert.equal(ks.grewLastWrite, false);
  ks.writableString("k", 1);
  assert.equal(ks.grewLastWrite, false); // never shrinks
  ks.writableString("k", 3);
  assert.equal(ks.grewLastWrite, true); // padded
  ks.set("s", "abc");
  ks.writableString("s", 3);
  assert.equal(ks.grewLastWrite, false);
});

Deno.test("the count of changes is the commands' to add: the store's own deletions add nothing", () => {
  const { ks, clock } = clocked();
  assert.equal(ks.changes, 0);
  ks.set("a", "1", clock.now + 10);
  ks.set("b", "2");
  ks.delete("b");
  clock.now += 11;
  assert.equal(ks.get("a"), undefined); // expired
  ks.flush();
  ks.resetStats();
  assert.equal(ks.changes, 0);
  ks.changes += 3;
  ks.resetStats();
  assert.equal(ks.changes, 3);
});

Deno.test("writableString makes a missing key persistent, refuses a collection", () => {
  const { ks, clock } = clocked();
  const v = ks.writableString("new", 3);
  assert.ok(v);
  assert.deepEqual([...v.bytes.subarray(v.start, v.start + 3)], [0, 0, 0]);
  assert.equal(ks.get("new"), "\0\0\0");
  assert.equal(ks.getExpire("new"), undefined);
  ks.set("old", "x", clock.now + 10);
  clock.now += 11; // expired: made anew, persistent
  assert.equal(ks.get("old"), undefined);
  ks.set("gone", "x", clock.now + 10);
  clock.now += 11;
  assert.ok(ks.writableString("gone", 1));
  assert.equal(ks.get("gone"), "\0");
  assert.equal(ks.getExpire("gone"), undefined);
  ks.set("list", LIST);
  assert.equal(ks.writableString("list", 1), false);
});

Deno.test("isRawString: set by in-place writes and setBytes(raw), cleared by whole writes", () => {
  const { ks, clock } = clocked();
  ks.set("k", "5");
  assert.equal(ks.isRawString("k"), false);
  ks.writableString("k", 1);
  assert.equal(ks.isRawString("k"), true);
  ks.setExpire("k", clock.now + 100); // the record is rewritten: still raw
  assert.equal(ks.isRawString("k"), true);
  ks.persist("k");
  assert.equal(ks.isRawString("k"), true);
  ks.rename("k", "r");
  assert.equal(ks.isRawString("r"), true);
  ks.replace("r", "6");
  assert.equal(ks.isRawString("r"), false);
  ks.setBytes("b", new Uint8Array([0x31]), undefined, true);
  assert.equal(ks.isRawString("b"), true);
  ks.setBytes("b", new Uint8Array([0x31]));
  assert.equal(ks.isRawString("b"), false);
  assert.equal(ks.isRawString("missing"), false);
  ks.set("list", LIST);
  assert.equal(ks.isRawString("list"), false);
});

Deno.test("writableString gives a large string room to grow: byte-at-a-time growth moves it rarely", () => {
  const { ks } = clocked();
  ks.writableString("bitmap", 300_000);
  let moves = 0;
  let records = ks.memoryStats().records;
  for (let length = 300_001; length <= 600_000; length += 97) {
    const v = ks.writableString("bitmap", length);
    assert.ok(v);
    v.bytes[v.start + length - 1] = 1;
    const now = ks.memoryStats().records;
    if (now !== records) moves++;
    records = now;
  }
  // Each move at least doubles the room below 1 MiB: one move here.
  assert.ok(moves <= 2, `${moves} moves`);
  const s = ks.get("bitmap") as string;
  assert.equal(s.length, 599_925);
  // The slack is not part of the value; a whole write gives it back.
  ks.set("bitmap", "small");
  assert.ok(ks.memoryStats().records < 1000);
});

Deno.test("Keyspace.averageTtl() estimates the mean TTL of the keys that have one", () => {
  const clock = { now: 1_000 };
  const ks = new Keyspace({ now: () => clock.now, random: seededRandom(5) });
  assert.equal(ks.averageTtl(), 0);
  ks.set("persistent", "v");
  assert.equal(ks.averageTtl(), 0, "no key has an expiry");
  for (let i = 0; i < 10; i++) ks.set(`short${i}`, "v", 11_000);
  for (let i = 0; i < 10; i++) ks.set(`long${i}`, "v", 21_000);
  // Every volatile key is sampled (20 of 20): the exact mean, 15 s.
  assert.equal(ks.averageTtl(), 15_000);
  clock.now = 16_000; // the short ones are past their time
  assert.equal(ks.averageTtl(), 5_000);
  clock.now = 30_000;
  assert.equal(ks.averageTtl(), 0);
});
