import assert from "node:assert/strict";
import { commandInfo } from "@cachemir/protocol";
import { HotKeys } from "./hot_keys.ts";
import { argvView as view } from "./commands/_testing.ts";
import { seededRandom } from "../tests/_helpers/prng.ts";
import { zipfRank, zipfTable } from "../scripts/bench/zipf.ts";

/** Draws ranks 0..n-1 with probability ∝ 1/(rank+1)^s (Zipf). */
function zipf(n: number, s: number, random: () => number): () => number {
  const table = zipfTable(n, s);
  return () => zipfRank(table, random());
}

Deno.test("HotKeys: the top 10 of a Zipf(1.1) stream over 100,000 keys, in order, rates within 15%", () => {
  let t = 0;
  const hot = new HotKeys({ sample: 16, now: () => t, seed: 7 });
  const draw = zipf(100_000, 1.1, seededRandom(1));
  const n = 400_000;
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = draw();
    seen.set(r, (seen.get(r) ?? 0) + 1);
    hot.access(`key:${r}`);
    t += 0.01; // 100,000 accesses a second, for 4 s
  }
  const top = hot.top(10);
  assert.deepEqual(
    top.map((k) => k.key),
    [
      "key:0",
      "key:1",
      "key:2",
      "key:3",
      "key:4",
      "key:5",
      "key:6",
      "key:7",
      "key:8",
      "key:9",
    ].slice(0, 10),
  );
  for (const { key, opsPerSec } of top.slice(0, 5)) {
    const truth = seen.get(Number(key.slice(4)))! / 4; // per second
    assert(
      Math.abs(opsPerSec - truth) / truth < 0.15,
      `${key}: estimated ${opsPerSec}/s, true ${truth}/s`,
    );
  }
});

Deno.test("HotKeys: a key that stops being accessed decays and gives way to the new hot key", () => {
  let t = 0;
  const hot = new HotKeys({ sample: 1, halfLifeMs: 1000, now: () => t });
  for (let i = 0; i < 20_000; i++) {
    hot.access(i % 2 === 0 ? "old" : `cold:${i % 500}`);
    t += 0.5; // 2,000 a second for 10 s
  }
  const before = hot.top(1)[0];
  assert.deepEqual(before.key, "old");
  assert(
    before.opsPerSec > 800 && before.opsPerSec < 1200,
    `${before.opsPerSec}`,
  );
  t += 3000; // three half-lives of silence
  const after = hot.top(1)[0];
  assert(
    Math.abs(after.opsPerSec - before.opsPerSec / 8) < before.opsPerSec / 40,
    `${before.opsPerSec} -> ${after.opsPerSec}`,
  );
  for (let i = 0; i < 4000; i++) {
    hot.access(i % 2 === 0 ? "new" : `cold:${i % 500}`);
    t += 0.5; // 2 s of the new key at 1,000 a second
  }
  assert.deepEqual(hot.top(2).map((k) => k.key), ["new", "old"]);
});

Deno.test("HotKeys: memory is fixed when made and stays so over a million distinct keys", () => {
  const hot = new HotKeys({ sample: 1, capacity: 64, maxKeyBytes: 1024 });
  const start = hot.memoryBytes;
  // 4 × 2048 counters, 64 slots of 1 KiB, their hashes, counts and lengths.
  assert.equal(start, 4 * 2048 * 8 + 64 * 1024 + 64 * (4 + 8 + 4));
  for (let i = 0; i < 1_000_000; i++) hot.access(`distinct:${i}`);
  const long = "x".repeat(100_000);
  for (let i = 0; i < 100; i++) hot.access(long); // kept as its first 1 KiB
  assert.equal(hot.tracked, 64);
  assert.equal(hot.memoryBytes, start);
  const top = hot.top(1000);
  assert.equal(top.length, 64);
  assert.equal(top[0].key, long.slice(0, 1024));
});

Deno.test("HotKeys: recordView counts a request's keys by the command's key positions, in place", () => {
  const hot = new HotKeys({ sample: 1 });
  for (let i = 0; i < 100; i++) {
    hot.skip = 0;
    hot.recordView(commandInfo("MSET").keys, view("a", "1", "b", "2"));
    hot.recordView(commandInfo("GET").keys, view("a"));
    hot.recordView(
      commandInfo("SINTERCARD").keys,
      view("2", "s1", "s2", "LIMIT", "5"),
    );
    hot.recordView(commandInfo("PING").keys, view("hello"));
    hot.recordView(commandInfo("MEMORY").keys, view("STATS"));
  }
  const keys = hot.top(10).map((k) => k.key).sort();
  assert.deepEqual(keys, ["a", "b", "s1", "s2"]);
  assert.deepEqual(hot.top(1)[0].key, "a");
});

Deno.test("HotKeys: recordArgs and recordView agree on a key's identity", () => {
  const hot = new HotKeys({ sample: 1 });
  for (let i = 0; i < 10; i++) {
    hot.recordArgs(commandInfo("GET").keys, ["k\xff"]);
    hot.recordView(commandInfo("GET").keys, {
      bytes: new Uint8Array([0x6b, 0xff]),
      count: 1,
      offsets: new Int32Array([0, 2]),
    });
  }
  assert.deepEqual(hot.top(10).map((k) => k.key), ["k\xff"]);
  assert.deepEqual(hot.tracked, 1);
});

Deno.test("HotKeys: sample 1 in 16 records about one request in 16; sample 0 records none", () => {
  const hot = new HotKeys({ sample: 16, seed: 3 });
  let recorded = 0;
  for (let i = 0; i < 160_000; i++) {
    if (--hot.skip <= 0) {
      recorded++;
      hot.recordView(commandInfo("GET").keys, view("k"));
    }
  }
  assert(recorded > 9000 && recorded < 11000, `${recorded}`);
  const off = new HotKeys({ sample: 0 });
  for (let i = 0; i < 1000; i++) off.access("k");
  assert.deepEqual(off.top(10), []);
});

Deno.test("HotKeys: a periodic stream cannot hide a key from the sampler", () => {
  const hot = new HotKeys({ sample: 2, seed: 11 });
  for (let i = 0; i < 20_000; i++) hot.access(i % 2 === 0 ? "even" : "odd");
  const [a, b] = hot.top(2);
  assert.deepEqual(new Set([a.key, b.key]), new Set(["even", "odd"]));
  assert(b.opsPerSec / a.opsPerSec > 0.8);
});

Deno.test("HotKeys: refuses a bad shape", () => {
  assert.throws(() => new HotKeys({ width: 1000 }), RangeError);
  assert.throws(() => new HotKeys({ sample: -1 }), RangeError);
  assert.throws(() => new HotKeys({ halfLifeMs: 0 }), RangeError);
});

Deno.test("HotKeys: a key count that is not a number records nothing; one past the arguments stops at the last", () => {
  const spec = commandInfo("SINTERCARD").keys;
  for (const viewed of [true, false]) {
    const hot = new HotKeys({ sample: 1 });
    const record = (...args: string[]) =>
      viewed ? hot.recordView(spec, view(...args)) : hot.recordArgs(spec, args);
    record("x", "s1");
    record("-1", "s1");
    record("1234567890", "s1");
    assert.equal(hot.tracked, 0, `viewed ${viewed}`);
    record("5", "s1", "s2");
    assert.deepEqual(hot.top(10).map((k) => k.key).sort(), ["s1", "s2"]);
  }
});

Deno.test("HotKeys: a long key read in place is kept as its first maxKeyBytes and still told apart by its length", () => {
  const hot = new HotKeys({ sample: 1, maxKeyBytes: 4 });
  const get = commandInfo("GET").keys;
  for (let i = 0; i < 10; i++) {
    hot.recordView(get, view("abcdefgh"));
    hot.recordView(get, view("abcdefghij"));
  }
  assert.equal(hot.tracked, 2);
  assert.deepEqual(hot.top(10).map((k) => k.key), ["abcd", "abcd"]);
});
