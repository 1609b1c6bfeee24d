import assert from "node:assert/strict";
import {
  countBits,
  fieldValue,
  findBit,
  readBits,
  writeBits,
} from "./_bits.ts";
import { seededRandom } from "../../tests/_helpers/prng.ts";

/** The bits of a buffer as a string of '0' and '1', most significant first. */
function bitString(b: Uint8Array): string {
  return [...b].map((x) => x.toString(2).padStart(8, "0")).join("");
}

Deno.test("countBits and findBit agree with a bit-by-bit model over random ranges", () => {
  const random = seededRandom(16);
  for (let round = 0; round < 300; round++) {
    // Short strings, and long ones that are counted a word at a time.
    const n = 1 + Math.floor(random() * (round % 3 === 0 ? 700 : 40));
    const pad = Math.floor(random() * 5); // the string at an offset in its buffer
    const b = new Uint8Array(n + pad);
    for (let i = 0; i < b.length; i++) {
      // Runs of 0x00 and 0xff, as the fast paths skip them.
      const r = random();
      b[i] = r < 0.3 ? 0 : r < 0.6 ? 0xff : Math.floor(random() * 256);
    }
    const bits = bitString(b.subarray(pad));
    const from = Math.floor(random() * n * 8);
    const to = from + Math.floor(random() * (n * 8 - from));
    const slice = bits.slice(from, to + 1);
    assert.equal(countBits(b, pad, from, to), slice.split("1").length - 1);
    for (const bit of [0, 1] as const) {
      const i = slice.indexOf(String(bit));
      assert.equal(findBit(b, pad, from, to, bit), i < 0 ? -1 : from + i);
    }
  }
});

Deno.test("readBits and writeBits round-trip fields of 1 to 64 bits anywhere", () => {
  const random = seededRandom(64);
  for (let round = 0; round < 500; round++) {
    const bits = 1 + Math.floor(random() * 64);
    const offset = Math.floor(random() * 40);
    const b = new Uint8Array(16);
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(random() * 256);
    const before = bitString(b);
    let v = 0n;
    for (let i = 0; i < bits; i++) v = (v << 1n) | (random() < 0.5 ? 1n : 0n);
    const old = readBits(b, 0, b.length, offset, bits);
    assert.equal(old, BigInt("0b" + before.slice(offset, offset + bits)));
    writeBits(b, 0, offset, bits, v);
    const after = bitString(b);
    assert.equal(readBits(b, 0, b.length, offset, bits), v);
    // Only the field's bits changed.
    assert.equal(after.slice(0, offset), before.slice(0, offset));
    assert.equal(after.slice(offset + bits), before.slice(offset + bits));
  }
});

Deno.test("readBits reads zeros past the string's end", () => {
  const b = new Uint8Array([0xab, 0xcd]);
  assert.equal(readBits(b, 0, 1, 4, 8), 0xb0n);
  assert.equal(readBits(b, 0, 0, 0, 64), 0n);
  assert.equal(readBits(b, 1, 1, 0, 12), 0xcd0n);
});

Deno.test("fieldValue: WRAP, SAT and FAIL at the edges of signed and unsigned fields", () => {
  // Unsigned 8 bits.
  assert.equal(fieldValue(255n, 1n, 8, false, "wrap"), 0n);
  assert.equal(fieldValue(255n, 1n, 8, false, "sat"), 255n);
  assert.equal(fieldValue(255n, 1n, 8, false, "fail"), undefined);
  assert.equal(fieldValue(0n, -1n, 8, false, "wrap"), 255n);
  assert.equal(fieldValue(0n, -1n, 8, false, "sat"), 0n);
  assert.equal(fieldValue(3n, -1n, 8, false, "fail"), 2n);
  // SET of a negative number into an unsigned field: read as uint64.
  const minus1 = (1n << 64n) - 1n;
  assert.equal(fieldValue(minus1, 0n, 8, false, "sat"), 255n);
  assert.equal(fieldValue(minus1, 0n, 8, false, "wrap"), 255n);
  // Signed 8 bits.
  assert.equal(fieldValue(127n, 1n, 8, true, "wrap"), -128n);
  assert.equal(fieldValue(127n, 1n, 8, true, "sat"), 127n);
  assert.equal(fieldValue(-128n, -1n, 8, true, "sat"), -128n);
  assert.equal(fieldValue(-128n, -1n, 8, true, "wrap"), 127n);
  assert.equal(fieldValue(200n, 0n, 8, true, "sat"), 127n);
  assert.equal(fieldValue(-200n, 0n, 8, true, "sat"), -128n);
  assert.equal(fieldValue(200n, 0n, 8, true, "wrap"), -56n);
  // 64 and 63 bits.
  const max64 = (1n << 63n) - 1n;
  assert.equal(fieldValue(max64, 1n, 64, true, "wrap"), -max64 - 1n);
  assert.equal(fieldValue(max64, 1n, 64, true, "sat"), max64);
  assert.equal(fieldValue(-max64 - 1n, -1n, 64, true, "fail"), undefined);
  assert.equal(fieldValue(max64, 1n, 63, false, "wrap"), 0n);
  assert.equal(fieldValue(1n, max64, 63, false, "sat"), max64);
  // Redis decides in wrapping int64 arithmetic: max − INT64_MIN wraps, so
  // SET of INT64_MIN into a narrow signed field is an overflow (SAT: max).
  const min64 = -(1n << 63n);
  assert.equal(fieldValue(min64, 0n, 32, true, "sat"), 2147483647n);
  assert.equal(fieldValue(min64, 0n, 32, true, "wrap"), 0n);
  assert.equal(
    fieldValue(min64 + (1n << 62n), 0n, 32, true, "sat"),
    -2147483648n,
  );
  // Signed 1 bit holds -1 and 0.
  assert.equal(fieldValue(0n, 1n, 1, true, "sat"), 0n);
  assert.equal(fieldValue(0n, 1n, 1, true, "wrap"), -1n);
});
