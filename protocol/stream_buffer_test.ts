import assert from "node:assert/strict";
import { StreamBuffer } from "./stream_buffer.ts";

const unread = (b: StreamBuffer): number[] => [
  ...b.bytes.subarray(b.start, b.end),
];

Deno.test("StreamBuffer.push() borrows a chunk when nothing is unread", () => {
  const b = new StreamBuffer();
  const chunk = new Uint8Array([1, 2, 3]);
  b.push(chunk);
  assert.equal(b.bytes, chunk);
  assert.equal(b.start, 0);
  assert.equal(b.end, 3);
  assert.equal(b.length, 3);
  b.push(new Uint8Array(0));
  assert.equal(b.bytes, chunk);
});

Deno.test("StreamBuffer.keep() copies unread bytes out of a borrowed chunk", () => {
  const b = new StreamBuffer();
  const chunk = new Uint8Array([1, 2, 3, 4]);
  b.push(chunk);
  b.advance(1);
  b.keep();
  assert.notEqual(b.bytes.buffer, chunk.buffer);
  chunk.fill(0); // the caller reuses its read buffer
  assert.deepEqual(unread(b), [2, 3, 4]);
  assert.equal(b.start, 0);
});

Deno.test("StreamBuffer.push() appends behind unread bytes, in any split", () => {
  const b = new StreamBuffer({ initialBytes: 16 });
  const all: number[] = [];
  const got: number[] = [];
  for (let i = 0; i < 200; i++) {
    const chunk = Uint8Array.from({ length: i % 7 }, (_, j) => (i + j) & 0xff);
    all.push(...chunk);
    b.push(chunk);
    // Read three bytes at a time, keeping a partial group.
    while (b.length >= 3) {
      got.push(...b.bytes.subarray(b.start, b.start + 3));
      b.advance(3);
    }
    b.keep();
    chunk.fill(0xee);
  }
  got.push(...unread(b));
  assert.deepEqual(got, all);
});

Deno.test("StreamBuffer.advance() refuses to pass the unread bytes", () => {
  const b = new StreamBuffer();
  b.push(new Uint8Array([1, 2]));
  assert.throws(() => b.advance(3), RangeError);
  assert.throws(() => b.advance(-1), RangeError);
  assert.throws(() => b.advance(NaN), RangeError);
  b.advance(2);
  assert.equal(b.length, 0);
});

Deno.test("StreamBuffer.keep() reserves room for what is expected, within a bound", () => {
  const b = new StreamBuffer({ initialBytes: 16, reserveAheadBytes: 1024 });
  b.push(new Uint8Array(10));
  b.keep(500);
  assert.ok(b.bytes.length >= 500);
  const roomy = b.bytes;
  b.push(new Uint8Array(490)); // fits: no new memory
  assert.equal(b.bytes, roomy);
  assert.equal(b.length, 500);

  const c = new StreamBuffer({ initialBytes: 16, reserveAheadBytes: 1024 });
  c.push(new Uint8Array(10));
  c.keep(1e9); // a claimed length that may never come
  assert.ok(c.bytes.length <= 2048, `reserved ${c.bytes.length} bytes`);
});

Deno.test("StreamBuffer.keep() lets go of large memory once everything is read", () => {
  const b = new StreamBuffer({ keepBytes: 1024 });
  b.push(new Uint8Array(10));
  b.keep();
  b.push(new Uint8Array(5000));
  assert.ok(b.bytes.length >= 5010);
  b.advance(5010);
  b.keep();
  assert.equal(b.length, 0);
  assert.ok(b.bytes.length <= 1024);
});

Deno.test("StreamBuffer.clear() drops the unread bytes", () => {
  const b = new StreamBuffer();
  b.push(new Uint8Array([1, 2, 3]));
  b.keep();
  b.clear();
  assert.equal(b.length, 0);
  assert.equal(b.bytes.length, 0);
  b.push(new Uint8Array([9]));
  assert.deepEqual(unread(b), [9]);
});
