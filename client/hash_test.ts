import assert from "node:assert/strict";
import {
  fmix32,
  hashSlotKey,
  keyHash,
  murmurHash3,
  murmurHash3String,
} from "./hash.ts";
import { prng } from "./_test_utils.ts";

const utf8 = new TextEncoder();

/** A random string of `length` UTF-16 code units: ASCII, `{`/`}`, 2- and 3-byte chars, pairs and lone surrogates. */
function randomText(next: () => number, length: number): string {
  const pool = [
    () => String.fromCharCode(0x20 + next() % 95),
    () => (next() % 2 === 0 ? "{" : "}"),
    () => String.fromCharCode(0x80 + next() % 0x780),
    () => String.fromCharCode(0x800 + next() % 0xd000),
    () => "😀",
    () => String.fromCharCode(0xd800 + next() % 0x800),
  ];
  let s = "";
  while (s.length < length) s += pool[next() % pool.length]();
  return s;
}

Deno.test("murmurHash3() matches SMHasher's verification value 0xB0F57EE3", () => {
  // SMHasher's VerificationTest: hash {}, {0}, {0,1}, ... {0..254} with seed
  // 256 - n, then hash the 256 little-endian results with seed 0.
  const key = new Uint8Array(256);
  const hashes = new Uint8Array(256 * 4);
  const view = new DataView(hashes.buffer);
  for (let i = 0; i < 256; i++) {
    key[i] = i;
    view.setUint32(i * 4, murmurHash3(key.subarray(0, i), 256 - i), true);
  }
  assert.equal(murmurHash3(hashes, 0), 0xb0f57ee3);
});

Deno.test("murmurHash3() matches the reference implementation", () => {
  // Outputs of MurmurHash3_x86_32 from SMHasher's src/MurmurHash3.cpp, built
  // with gcc (that build also gives the verification value 0xB0F57EE3).
  const cases: [string, number, number][] = [
    ["", 0, 0x00000000],
    ["", 1, 0x514e28b7],
    ["", 0xffffffff, 0x81f16f39],
    ["a", 0, 0x3c2569b2],
    ["ab", 0, 0x9bbfd75f],
    ["abc", 0, 0xb3dd93fa],
    ["abcd", 0, 0x43ed676a],
    ["Hello, world!", 0, 0xc0363e43],
    ["Hello, world!", 0x9747b28c, 0x24884cba],
    ["The quick brown fox jumps over the lazy dog", 0, 0x2e4ff723],
    ["user:1000", 0, 0x396d9e9c],
    ["héllo wörld", 0, 0x97f7f274],
    ["日本語キー", 0, 0xdffdd7d8],
    ["😀emoji", 0, 0x52f40ed8],
    ["127.0.0.1:7379-0", 0, 0xcb53677a],
  ];
  for (const [text, seed, expected] of cases) {
    assert.equal(murmurHash3(utf8.encode(text), seed), expected, text);
    assert.equal(murmurHash3String(text, seed), expected, text);
  }
});

Deno.test("murmurHash3() uses only the low 32 bits of the seed", () => {
  const data = utf8.encode("seed");
  assert.equal(murmurHash3(data, -1), murmurHash3(data, 0xffffffff));
  assert.equal(murmurHash3(data, 2 ** 32 + 5), murmurHash3(data, 5));
});

Deno.test("murmurHash3String() hashes the UTF-8 bytes TextEncoder gives", () => {
  const next = prng(1);
  for (let i = 0; i < 3000; i++) {
    const text = randomText(next, next() % 40);
    assert.equal(
      murmurHash3String(text, i),
      murmurHash3(utf8.encode(text), i),
      JSON.stringify(text),
    );
  }
  // Lone surrogates encode as U+FFFD, as TextEncoder does.
  assert.equal(
    murmurHash3String("a\ud800b"),
    murmurHash3(utf8.encode("a\ufffdb")),
  );
  // Longer than the reused buffer, non-ASCII only at the end.
  const long = "x".repeat(100_000) + "é";
  assert.equal(murmurHash3String(long), murmurHash3(utf8.encode(long)));
  assert.equal(murmurHash3String(long), murmurHash3String(long));
});

Deno.test("fmix32() matches MurmurHash3's finalizer", () => {
  // Values from SMHasher's fmix32 built with gcc.
  assert.equal(fmix32(0), 0);
  assert.equal(fmix32(1), 0x514e28b7);
  assert.equal(fmix32(0xdeadbeef), 0x0de5c6a9);
  assert.equal(fmix32(0xffffffff), 0x81f16f39);
  assert.equal(fmix32(-1), 0x81f16f39);
});

Deno.test("hashSlotKey() follows Redis Cluster's hash tag rule", () => {
  // Examples of the Redis Cluster specification; real Redis 7.0 gives each
  // key the same CLUSTER KEYSLOT as its tag.
  const cases: [string, string][] = [
    ["{user1000}.following", "user1000"],
    ["{user1000}.followers", "user1000"],
    ["foo{}{bar}", "foo{}{bar}"],
    ["foo{{bar}}zap", "{bar"],
    ["foo{bar}{zap}", "bar"],
    ["{a}", "a"],
    ["{}", "{}"],
    ["{", "{"],
    ["}", "}"],
    ["a}b{c", "a}b{c"],
    ["a}b{c}", "c"],
    ["{é}x", "é"],
    ["plain", "plain"],
    ["", ""],
  ];
  for (const [key, tag] of cases) {
    assert.equal(hashSlotKey(key), tag, key);
    const bytes = hashSlotKey(utf8.encode(key));
    assert.deepEqual(bytes, utf8.encode(tag), key);
  }
});

Deno.test("hashSlotKey() returns a view of a byte key, or the key itself", () => {
  const key = utf8.encode("x{tag}y");
  const tag = hashSlotKey(key);
  assert.equal(tag.buffer, key.buffer);
  assert.equal(tag.byteOffset, 2);
  const plain = utf8.encode("plain");
  assert.equal(hashSlotKey(plain), plain);
});

Deno.test("keyHash() hashes the key's hash tag, or the whole key", () => {
  const next = prng(2);
  const keys = ["", "a", "{}", "{a}", "x{a}y", "{a}{b}", "foo{{bar}}zap"];
  for (let i = 0; i < 3000; i++) keys.push(randomText(next, next() % 24));
  for (const key of keys) {
    const expected = murmurHash3String(hashSlotKey(key));
    assert.equal(keyHash(key), expected, JSON.stringify(key));
  }
});

Deno.test("keyHash() gives a string and its UTF-8 bytes the same hash", () => {
  const next = prng(3);
  for (let i = 0; i < 3000; i++) {
    const key = randomText(next, next() % 24);
    const bytes = utf8.encode(key);
    assert.equal(keyHash(key), keyHash(bytes), JSON.stringify(key));
    assert.equal(keyHash(bytes), murmurHash3(hashSlotKey(bytes)));
  }
});

Deno.test("keyHash() gives keys with the same tag the same hash", () => {
  assert.equal(keyHash("{user:1}:a"), keyHash("{user:1}:b"));
  assert.equal(keyHash("{user:1}:a"), keyHash("user:1"));
  assert.equal(keyHash(utf8.encode("{user:1}:a")), keyHash("{user:1}:zz"));
  assert.notEqual(keyHash("user:1:a"), keyHash("user:1:b"));
});

Deno.test("keyHash() hashes a byte key that is not UTF-8", () => {
  const bytes = new Uint8Array([0xff, 0x00, 0x7b, 0xfe, 0x7d, 0x80]);
  assert.equal(keyHash(bytes), murmurHash3(new Uint8Array([0xfe])));
  const untagged = new Uint8Array([0xff, 0x00, 0x80, 0x7d]);
  assert.equal(keyHash(untagged), murmurHash3(untagged));
});

Deno.test("keyHash() rejects a key that is neither a string nor bytes", () => {
  for (const bad of [42, null, undefined, {}, [1, 2]]) {
    assert.throws(
      () => keyHash(bad as unknown as string),
      (e: unknown) =>
        e instanceof TypeError &&
        e.message.startsWith(
          "Cannot hash key: expected a string or Uint8Array, got ",
        ),
    );
  }
  assert.throws(() => keyHash(null as unknown as string), {
    message: "Cannot hash key: expected a string or Uint8Array, got null",
  });
});
