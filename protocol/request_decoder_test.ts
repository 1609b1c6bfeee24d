import assert from "node:assert/strict";
import { decodeRequest, decodeRequestArgs } from "./request_decoder.ts";
import { encodeRequest } from "./frame_writer.ts";
import { FrameDecoder } from "./frame_decoder.ts";
import type { ErrorReply, Frame } from "./types.ts";

function frameOf(bytes: Uint8Array): Frame {
  const d = new FrameDecoder();
  d.push(bytes);
  return d.next() as Frame;
}

Deno.test("decodeRequestArgs() returns every byte value intact", () => {
  const all = new Uint8Array(256).map((_, i) => i);
  const args = decodeRequestArgs(
    frameOf(encodeRequest(1, 0x0101, [all, all.slice().reverse()])).payload,
  );
  assert.ok(Array.isArray(args));
  assert.equal(args[0].length, 256);
  for (let i = 0; i < 256; i++) assert.equal(args[0].charCodeAt(i), i);
  assert.equal(args[1].charCodeAt(0), 255);
});

Deno.test("decodeRequestArgs() keeps UTF-8 text as its bytes", () => {
  const args = decodeRequestArgs(
    frameOf(encodeRequest(1, 0x0101, ["é", ""])).payload,
  );
  assert.deepEqual(args, ["\xc3\xa9", ""]);
});

Deno.test("decodeRequestArgs() refuses more arguments than maxArgs", () => {
  const payload = frameOf(encodeRequest(1, 0x0108, ["a", "b", "c"])).payload;
  assert.deepEqual(decodeRequestArgs(payload, { maxArgs: 2 }), {
    kind: "error",
    code: "ERR",
    message: "Protocol error: 3 arguments exceed limit 2",
  });
});

Deno.test("decodeRequestArgs() names malformed payloads", () => {
  const cases: [number[], RegExp][] = [
    [[], /truncated argument count varint at offset 0/],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], /invalid argument count varint/],
    [[0xff, 0xff, 0xff, 0xff, 0x7f], /invalid argument count varint/],
    [[5, 1, 0x61], /5 arguments cannot fit in payload of 3 bytes/],
    [
      [1, 9, 0x61],
      /argument 0 length 9 runs past payload end \(1 bytes left\)/,
    ],
    [[2, 1, 0x61, 0x80], /truncated length varint of argument 1 at offset 3/],
    [[1, 1, 0x61, 0x62], /1 trailing bytes after 1 arguments/],
  ];
  for (const [bytes, re] of cases) {
    const r = decodeRequestArgs(new Uint8Array(bytes)) as ErrorReply;
    assert.equal(r.kind, "error", `${bytes}`);
    assert.equal(r.code, "ERR");
    assert.match(r.message, /^Protocol error: /);
    assert.match(r.message, re);
  }
});

Deno.test("decodeRequest() refuses the REPLY flag and reserved flags", () => {
  const bytes = encodeRequest(1, 0x0002, []);
  bytes[1] = 0x04;
  assert.deepEqual(decodeRequest(frameOf(bytes)), {
    kind: "error",
    code: "ERR",
    message: "Protocol error: unknown flags 0x04",
  });
  bytes[1] = 0x80;
  assert.equal(
    (decodeRequest(frameOf(bytes)) as ErrorReply).message,
    "Protocol error: unknown flags 0x80",
  );
});
