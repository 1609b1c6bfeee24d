import assert from "node:assert/strict";
import { encodeRequest, FrameWriter } from "./frame_writer.ts";
import { FrameDecoder } from "./frame_decoder.ts";
import { decodeRequest } from "./request_decoder.ts";
import { decodeReply } from "./reply_decoder.ts";
import { bytes } from "./replies.ts";
import type { Frame } from "./types.ts";

function decodeAll(buf: Uint8Array): Frame[] {
  const d = new FrameDecoder({ maxFrameBytes: 1 << 30 });
  d.push(buf);
  const out: Frame[] = [];
  for (let f = d.next(); f !== undefined; f = d.next()) out.push(f as Frame);
  return out;
}

Deno.test("FrameWriter.writeRequest() encodes UTF-8 lengths at varint boundaries", () => {
  // Lengths around 127/128 and 16383/16384 bytes, with multi-byte chars
  // whose encoded size differs from the string length.
  for (const n of [0, 1, 42, 43, 127, 128, 5461, 5462, 16383, 16384, 70000]) {
    for (const unit of ["a", "é", "€", "😀"]) {
      const s = unit.repeat(Math.ceil(n / unit.length));
      const [f] = decodeAll(encodeRequest(1, 0x0101, ["k", s]));
      const args = decodeRequest(f) as string[];
      const expected = new TextEncoder().encode(s);
      assert.equal(args[1].length, expected.length, `${unit} × ${n}`);
      assert.equal(
        args[1],
        String.fromCharCode(...expected.subarray(0, 5000)) +
          (expected.length > 5000 ? args[1].slice(5000) : ""),
      );
    }
  }
});

Deno.test("FrameWriter.take() returns all frames written and starts afresh", () => {
  const w = new FrameWriter(64);
  for (let i = 0; i < 1000; i++) w.writeRequest(i, 0x0100, [`key${i}`]);
  const first = w.take();
  assert.equal(w.length, 0);
  w.writeReply(5, 0x0100, bytes("\x00\x01\xff"));
  const second = w.take();
  const frames = decodeAll(first);
  assert.equal(frames.length, 1000);
  assert.deepEqual(decodeRequest(frames[999]), ["key999"]);
  const [r] = decodeAll(second);
  assert.deepEqual(decodeReply(r.payload), {
    kind: "bytes",
    value: new Uint8Array([0, 1, 255]),
  });
  first.fill(0); // the caller owns it: the writer no longer uses it
  w.writeRequest(1, 2, []);
  assert.equal(decodeAll(w.take())[0].id, 1);
});

Deno.test("FrameWriter.writeReply() writes long byte strings byte for byte", () => {
  const w = new FrameWriter();
  let s = "";
  for (let i = 0; i < 1000; i++) s += String.fromCharCode(i % 256);
  w.writeReply(1, 0x0100, bytes(s));
  w.writeReply(2, 0x0100, bytes("plain ascii ".repeat(10)));
  const [a, b] = decodeAll(w.take());
  const va = decodeReply(a.payload);
  assert.ok(va.kind === "bytes" && va.value instanceof Uint8Array);
  for (let i = 0; i < 1000; i++) assert.equal(va.value[i], i % 256);
  const vb = decodeReply(b.payload);
  assert.equal(
    new TextDecoder().decode((vb as { value: Uint8Array }).value),
    "plain ascii ".repeat(10),
  );
});

Deno.test("FrameWriter writes u32 ids and opcodes big-endian", () => {
  const buf = encodeRequest(0xfffffffe, 0xabcd, []);
  assert.deepEqual([...buf.subarray(0, 12)], [
    1,
    0,
    0xab,
    0xcd,
    0xff,
    0xff,
    0xff,
    0xfe,
    0,
    0,
    0,
    1,
  ]);
  assert.equal(decodeAll(buf)[0].id, 0xfffffffe);
});
