import assert from "node:assert/strict";
import { hashBytes, hashByteString, randomHashSeed } from "./key_hash.ts";
import { randomBytes, seededRandom } from "./_testing.ts";

Deno.test("hashByteString() is MurmurHash3 x86 32-bit (reference vectors)", () => {
  // Vectors of the reference implementation (SMHasher's MurmurHash3_x86_32).
  assert.equal(hashByteString("", 0), 0);
  assert.equal(hashByteString("", 1) >>> 0, 0x514e28b7);
  assert.equal(hashByteString("hello", 0) >>> 0, 0x248bfa47);
  assert.equal(
    hashByteString("The quick brown fox jumps over the lazy dog", 0) >>> 0,
    0x2e4ff723,
  );
});

Deno.test("hashBytes() agrees with hashByteString() on every length and byte", () => {
  const random = seededRandom(7);
  for (let n = 0; n < 70; n++) {
    const s = randomBytes(random, n);
    const buf = new Uint8Array(n + 3);
    for (let i = 0; i < n; i++) buf[3 + i] = s.charCodeAt(i);
    for (const seed of [0, 1, -1, 0x7fffffff]) {
      assert.equal(hashBytes(buf, 3, n, seed), hashByteString(s, seed));
    }
  }
});

Deno.test("the seed changes the hash; randomHashSeed() varies", () => {
  assert.notEqual(hashByteString("key", 1), hashByteString("key", 2));
  const seeds = new Set(Array.from({ length: 8 }, randomHashSeed));
  assert.ok(seeds.size > 1);
});
