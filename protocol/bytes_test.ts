import assert from "node:assert/strict";
import {
  decodeUtf8,
  encodeUtf8,
  fromByteString,
  toByteString,
  writeByteString,
  writeUtf8,
} from "./bytes.ts";

Deno.test("toByteString() and fromByteString() round-trip all 256 byte values", () => {
  const all = new Uint8Array(256 * 40).map((_, i) => i % 256);
  for (const n of [0, 1, 31, 32, 33, 256, all.length]) {
    const s = toByteString(all, 0, n);
    assert.equal(s.length, n);
    assert.deepEqual(fromByteString(s), all.subarray(0, n));
  }
  assert.equal(toByteString(all, 250, 253), "\xfa\xfb\xfc");
});

Deno.test("toByteString() converts every length and offset byte for byte", () => {
  const bytes = new Uint8Array(300).map((_, i) => (i * 151 + 7) % 256);
  for (let start = 0; start < 3; start++) {
    for (let n = 0; n <= 64; n++) {
      const s = toByteString(bytes, start, start + n);
      let expected = "";
      for (let i = start; i < start + n; i++) {
        expected += String.fromCharCode(bytes[i]);
      }
      assert.equal(s, expected, `${n} bytes from ${start}`);
    }
  }
  assert.equal(toByteString(bytes.subarray(5, 30)), toByteString(bytes, 5, 30));
});

Deno.test("writeByteString() writes non-ASCII long strings byte for byte", () => {
  const s = "a".repeat(40) + "\x80\xff" + "b".repeat(40);
  const buf = new Uint8Array(100);
  assert.equal(writeByteString(buf, 3, s), 3 + s.length);
  assert.equal(buf[43], 0x80);
  assert.equal(buf[44], 0xff);
  assert.equal(buf[45], 0x62);
});

Deno.test("writeUtf8() matches TextEncoder for short and long text", () => {
  for (const s of ["", "abc", "é", "a€b", "😀", "x".repeat(40) + "é"]) {
    const buf = new Uint8Array(s.length * 3 + 1);
    const end = writeUtf8(buf, 1, s);
    assert.deepEqual(buf.subarray(1, end), encodeUtf8(s));
    assert.equal(decodeUtf8(buf.subarray(1, end)), s);
  }
});
