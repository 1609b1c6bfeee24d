import assert from "node:assert/strict";
import { OutputBuffer } from "./output_buffer.ts";

Deno.test("OutputBuffer.write*() append bytes, bytes and byte strings", () => {
  const out = new OutputBuffer();
  out.writeByte(0x2b);
  out.writeBytes(new Uint8Array([0x4f, 0x4b]));
  out.writeByteString("\r\n\xff\x00");
  assert.equal(out.length, 7);
  assert.deepEqual(
    [...out.take()],
    [0x2b, 0x4f, 0x4b, 0x0d, 0x0a, 0xff, 0x00],
  );
  assert.equal(out.length, 0);
});

Deno.test("OutputBuffer.ensure() grows the memory and keeps what was written", () => {
  const out = new OutputBuffer({ initialBytes: 64 });
  out.writeByteString("a".repeat(60));
  const mem = out.ensure(100);
  assert.ok(mem.length >= 160);
  assert.equal(mem, out.bytes);
  mem.fill(0x62, 60, 160);
  out.length = 160;
  assert.equal(
    new TextDecoder().decode(out.take()),
    "a".repeat(60) + "b".repeat(100),
  );
});

Deno.test("OutputBuffer.length refuses a position outside its memory", () => {
  const out = new OutputBuffer({ initialBytes: 64 });
  assert.throws(() => out.length = 65, RangeError);
  assert.throws(() => out.length = -1, RangeError);
  assert.throws(() => out.length = NaN, RangeError);
  out.length = 64;
  assert.equal(out.take().length, 64);
});

Deno.test("OutputBuffer.take() copies; takeView() views until the next write", () => {
  const out = new OutputBuffer();
  out.writeByteString("one");
  const copy = out.take();
  out.writeByteString("two");
  assert.equal(new TextDecoder().decode(copy), "one");
  const view = out.takeView();
  assert.equal(view.buffer, out.bytes.buffer);
  assert.equal(new TextDecoder().decode(view), "two");
  out.writeByteString("six");
  assert.equal(new TextDecoder().decode(view), "six");
});

Deno.test("OutputBuffer.takeView() drops grown memory, leaving the view intact", () => {
  const out = new OutputBuffer({ initialBytes: 64, keepBytes: 1024 });
  out.writeBytes(new Uint8Array(4000).fill(7));
  const view = out.takeView();
  assert.equal(out.bytes.length, 64);
  out.writeBytes(new Uint8Array(64));
  assert.equal(view.length, 4000);
  assert.ok(view.every((b) => b === 7));
});
