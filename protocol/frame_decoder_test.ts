import assert from "node:assert/strict";
import { seededRandom as rng } from "../tests/_helpers/prng.ts";
import { FrameDecoder, FrameView } from "./frame_decoder.ts";
import { encodeRequest, FrameWriter } from "./frame_writer.ts";
import { decodeRequest } from "./request_decoder.ts";
import type { Frame, FrameError } from "./types.ts";

/** A frame as a plain object with its own payload (a view is reused). */
function plainFrame(f: Frame | FrameError): Frame | FrameError {
  return "kind" in f ? f : {
    version: f.version,
    flags: f.flags,
    opcode: f.opcode,
    id: f.id,
    payload: f.payload.slice(),
  };
}

function drain(d: FrameDecoder): (Frame | FrameError)[] {
  const out: (Frame | FrameError)[] = [];
  for (let f = d.next(); f !== undefined; f = d.next()) out.push(plainFrame(f));
  return out;
}

function stream(count: number): Uint8Array {
  const w = new FrameWriter(64);
  for (let i = 0; i < count; i++) {
    w.writeRequest(i, 0x0101, [`key:${i}`, "v".repeat(i * 37 % 300)]);
  }
  return w.take();
}

Deno.test("FrameDecoder.next() returns undefined until a header is complete", () => {
  const d = new FrameDecoder();
  const bytes = encodeRequest(9, 0x0002, []);
  d.push(bytes.subarray(0, 5));
  assert.equal(d.next(), undefined);
  d.push(bytes.subarray(5, 11));
  assert.equal(d.next(), undefined);
  d.push(bytes.subarray(11));
  const f = d.next() as Frame;
  assert.equal(f.id, 9);
  assert.equal(f.opcode, 2);
  assert.equal(d.next(), undefined);
  assert.equal(d.buffered, 0);
});

Deno.test("FrameDecoder.push() accepts the stream one byte at a time", () => {
  const bytes = stream(50);
  const d = new FrameDecoder();
  const got: Frame[] = [];
  for (const b of bytes) {
    d.push(new Uint8Array([b]));
    for (const f of drain(d)) got.push(f as Frame);
  }
  assert.equal(got.length, 50);
  got.forEach((f, i) => {
    assert.equal(f.id, i);
    assert.deepEqual(decodeRequest(f), [`key:${i}`, "v".repeat(i * 37 % 300)]);
  });
});

Deno.test("FrameDecoder.push() accepts every two-way split of the stream", () => {
  const bytes = stream(6);
  const whole = drain(((d) => (d.push(bytes), d))(new FrameDecoder()));
  for (let cut = 0; cut <= bytes.length; cut++) {
    const d = new FrameDecoder();
    d.push(bytes.subarray(0, cut));
    const a = drain(d);
    d.push(bytes.subarray(cut));
    assert.deepEqual([...a, ...drain(d)], whole, `split at ${cut}`);
  }
});

Deno.test("FrameDecoder.push() survives random splits and a reused read buffer", () => {
  const next = rng(42);
  const bytes = stream(200);
  const d = new FrameDecoder();
  const readBuf = new Uint8Array(4096); // like a socket read buffer, reused
  const got: Frame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = Math.min(1 + Math.floor(next() * 700), bytes.length - at);
    readBuf.set(bytes.subarray(at, at + n));
    at += n;
    d.push(readBuf.subarray(0, n));
    for (const f of drain(d)) got.push(f as Frame);
    readBuf.fill(0xee); // the caller overwrites its buffer before the next read
  }
  assert.equal(got.length, 200);
  got.forEach((f, i) => assert.equal(f.id, i));
  assert.deepEqual(decodeRequest(got[199]), [
    "key:199",
    "v".repeat(199 * 37 % 300),
  ]);
});

Deno.test("FrameDecoder.next() skips an oversized frame and stays in sync", () => {
  const d = new FrameDecoder({ maxFrameBytes: 100 });
  const big = encodeRequest(1, 0x0101, ["k", "x".repeat(500)]);
  const small = encodeRequest(2, 0x0100, ["k"]);
  const all = new Uint8Array([...big, ...small]);
  // Header plus a little payload first, then the rest in pieces.
  d.push(all.subarray(0, 20));
  const e = d.next() as FrameError;
  assert.equal(e.kind, "frame-error");
  assert.equal(e.fatal, false);
  assert.equal(e.id, 1);
  assert.equal(e.opcode, 0x0101);
  assert.equal(
    e.message,
    `ERR Protocol error: frame length ${big.length - 12} exceeds limit 100`,
  );
  assert.equal(d.next(), undefined);
  d.push(all.subarray(20, 300));
  assert.equal(d.next(), undefined);
  assert.ok(d.buffered < 20, "skipped bytes are not buffered");
  d.push(all.subarray(300));
  const f = d.next() as Frame;
  assert.equal(f.id, 2);
  assert.deepEqual(decodeRequest(f), ["k"]);
});

Deno.test("FrameDecoder.next() skips an oversized frame received whole", () => {
  const d = new FrameDecoder({ maxFrameBytes: 10 });
  const w = new FrameWriter();
  w.writeRequest(1, 0x0101, ["k", "y".repeat(50)]);
  w.writeRequest(2, 0x0002, []);
  d.push(w.take());
  const [e, f] = drain(d);
  assert.equal((e as FrameError).kind, "frame-error");
  assert.equal((f as Frame).id, 2);
});

Deno.test("FrameDecoder.next() fails fatally on an unknown version and drops the rest", () => {
  const d = new FrameDecoder();
  d.push(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
  const e = d.next() as FrameError;
  assert.equal(e.kind, "frame-error");
  assert.equal(e.fatal, true);
  assert.equal(
    e.message,
    "ERR Protocol error: unsupported version 0x2a (this node speaks 1)",
  );
  d.push(encodeRequest(1, 2, []));
  assert.equal(d.next(), undefined);
});

Deno.test("FrameDecoder.next() gives views valid until the next push", () => {
  const d = new FrameDecoder();
  d.push(encodeRequest(1, 0x0100, ["abc"]));
  const f = d.next() as Frame;
  assert.deepEqual(decodeRequest(f), ["abc"]);
  assert.equal(f.payload.length, 5);
});

Deno.test("FrameDecoder.next() frees a large buffer once drained", () => {
  const d = new FrameDecoder();
  const big = encodeRequest(1, 0x0101, ["k", "z".repeat(1_000_000)]);
  d.push(big.subarray(0, 100));
  assert.equal(d.next(), undefined);
  d.push(big.subarray(100));
  const f = d.next() as Frame;
  assert.equal(f.payload.length, big.length - 12);
  assert.equal(d.next(), undefined);
  assert.equal(d.buffered, 0);
});

Deno.test("FrameDecoder never throws on random bytes", () => {
  const next = rng(7);
  for (let round = 0; round < 300; round++) {
    const d = new FrameDecoder({ maxFrameBytes: 1024 });
    for (let i = 0; i < 20; i++) {
      const chunk = new Uint8Array(1 + Math.floor(next() * 64));
      for (let j = 0; j < chunk.length; j++) {
        chunk[j] = Math.floor(next() * 256);
      }
      if (next() < 0.7) chunk[0] = 1; // often look like a valid header
      d.push(chunk);
      for (let f = d.next(); f !== undefined; f = d.next()) {
        if (!("kind" in f)) decodeRequest(f); // never throws either
      }
    }
  }
});

Deno.test("FrameDecoder.next() does not reserve a claimed length before it arrives", () => {
  // A 13-byte stream claiming a 16 MiB payload must not pin 16 MiB: 50 of
  // them took 1.6 GB of ArrayBuffer memory when the claim was reserved.
  const head = new Uint8Array(13);
  head.set([1, 0, 0, 2, 0, 0, 0, 1]);
  new DataView(head.buffer).setUint32(8, 16 * 1024 * 1024);
  const decoders: FrameDecoder[] = [];
  const before = Deno.memoryUsage().external;
  for (let i = 0; i < 50; i++) {
    const d = new FrameDecoder();
    d.push(head);
    assert.equal(d.next(), undefined);
    assert.equal(d.buffered, 13);
    decoders.push(d);
  }
  const grown = Deno.memoryUsage().external - before;
  assert.ok(grown < 200 * 1024 * 1024, `50 headers reserved ${grown} bytes`);
  // The frame still decodes when its payload arrives, in pieces.
  const d = decoders[0];
  const payload = new Uint8Array(16 * 1024 * 1024 - 1).fill(7);
  for (let p = 0; p < payload.length; p += 1024 * 1024) {
    d.push(payload.subarray(p, p + 1024 * 1024));
    if (p + 1024 * 1024 < payload.length) assert.equal(d.next(), undefined);
  }
  const f = d.next() as Frame;
  assert.equal(f.payload.length, 16 * 1024 * 1024);
  assert.equal(f.payload[0], 0); // the 13th byte pushed with the header
  assert.equal(f.payload[f.payload.length - 1], 7);
});

Deno.test("FrameDecoder with views returns one reused FrameView, decoding as frames do", () => {
  const next = rng(7);
  const bytes = stream(200);
  const plain = new FrameDecoder({ maxFrameBytes: 200 });
  const viewed = new FrameDecoder({ maxFrameBytes: 200 }, { views: true });
  let at = 0;
  let views = 0;
  while (at < bytes.length) {
    const n = Math.min(1 + Math.floor(next() * 700), bytes.length - at);
    const chunk = bytes.subarray(at, at + n);
    at += n;
    plain.push(chunk.slice());
    viewed.push(chunk.slice());
    const a = drain(plain);
    const b: (Frame | FrameError)[] = [];
    for (let f = viewed.next(); f !== undefined; f = viewed.next()) {
      if (f instanceof FrameView) {
        views++;
        assert.equal(
          f.payload.byteOffset - f.bytes.byteOffset,
          f.start,
          "payload is bytes[start..start + length)",
        );
      }
      b.push(plainFrame(f));
    }
    assert.deepEqual(b, a);
  }
  assert.ok(views > 100); // some frames are over the limit: errors, not views
});
