import assert from "node:assert/strict";
import { decodeReply } from "./reply_decoder.ts";
import { encodeReply } from "./frame_writer.ts";
import { FrameDecoder } from "./frame_decoder.ts";
import {
  array,
  bytes,
  error,
  float,
  int,
  map,
  NULL,
  NULL_ARRAY,
  OK,
  set,
  status,
} from "./replies.ts";
import type { DecodeError, Frame, Reply } from "./types.ts";

function payloadOf(reply: Reply): Uint8Array {
  const d = new FrameDecoder();
  d.push(encodeReply(1, 2, reply));
  return (d.next() as Frame).payload;
}

/** Byte-string BYTES come back as Uint8Array; compare through that lens. */
function normalise(r: Reply): unknown {
  switch (r.kind) {
    case "bytes":
      return typeof r.value === "string"
        ? Uint8Array.from(r.value, (c) => c.charCodeAt(0))
        : r.value;
    case "array":
    case "set":
      return { kind: r.kind, value: r.value.map(normalise) };
    case "map":
      return {
        kind: r.kind,
        value: r.value.map(([k, v]) => [normalise(k), normalise(v)]),
      };
    case "null":
      return { kind: "null" };
    default:
      return r;
  }
}

Deno.test("decodeReply() round-trips every reply type", () => {
  const values: Reply[] = [
    OK,
    NULL,
    NULL_ARRAY,
    int(0),
    int(-1),
    int(42),
    int(Number.MAX_SAFE_INTEGER),
    int(Number.MIN_SAFE_INTEGER),
    int(9223372036854775807n),
    int(-9223372036854775808n),
    float(1.5),
    float(-0.1),
    float(Infinity),
    bytes(""),
    bytes("\x00\xff\r\n"),
    bytes(new Uint8Array([1, 2, 3])),
    bytes("x".repeat(100_000)),
    status("PONG"),
    array([]),
    array([bytes("a"), NULL, int(7), array([status("x"), array([])])]),
    set([bytes("m"), bytes("n")]),
    map([[bytes("f"), bytes("v")], [bytes("g"), int(3)]]),
    error("WRONGTYPE Operation against a key holding the wrong kind of value"),
    error("ERR"),
  ];
  for (const v of values) {
    const got = decodeReply(payloadOf(v));
    assert.deepEqual(
      normalise(got as Reply),
      normalise(v),
      JSON.stringify(v, (_, x) => typeof x === "bigint" ? `${x}n` : x).slice(
        0,
        80,
      ),
    );
  }
});

Deno.test("decodeReply() keeps integers exact at the int64 limits", () => {
  assert.deepEqual(decodeReply(payloadOf(int(2 ** 53))), {
    kind: "int",
    value: 9007199254740992n,
  });
  assert.deepEqual(decodeReply(payloadOf(int(-(2 ** 40)))), {
    kind: "int",
    value: -(2 ** 40),
  });
  assert.deepEqual(decodeReply(payloadOf(int(2n ** 63n - 1n))), {
    kind: "int",
    value: 9223372036854775807n,
  });
});

Deno.test("decodeReply() decodes error text as UTF-8", () => {
  const r = decodeReply(payloadOf(error("ERR no such key '\xc3\xa9'")));
  assert.deepEqual(r, {
    kind: "error",
    code: "ERR",
    message: "no such key 'é'",
  });
});

Deno.test("decodeReply() names malformed payloads instead of throwing", () => {
  const cases: [number[], RegExp][] = [
    [[], /missing value at offset 0/],
    [[0x0b], /unknown tag 0x0b at offset 0/],
    [[0x02, 0, 0], /integer needs 8 bytes at offset 1, 2 left/],
    [[0x04, 5, 1], /bytes needs 5 bytes/],
    [[0x06, 2, 0x00], /2 elements cannot fit in 1 bytes at offset 2/],
    [[0x06, 0xff, 0xff, 0xff, 0xff, 0x0f], /cannot fit/],
    [[0x00, 0x00], /1 trailing bytes at offset 1/],
    [[0x04, 0x80], /truncated bytes length varint/],
  ];
  for (const [b, re] of cases) {
    const r = decodeReply(new Uint8Array(b)) as DecodeError;
    assert.equal(r.kind, "decode-error", `${b}`);
    assert.match(r.message, /^Cannot decode reply: /);
    assert.match(r.message, re);
  }
});

Deno.test("decodeReply() refuses nesting deeper than 64", () => {
  const deep = new Uint8Array(200).fill(0x06);
  for (let i = 1; i < 200; i += 2) deep[i] = 1;
  const r = decodeReply(deep) as DecodeError;
  assert.equal(r.kind, "decode-error");
  assert.match(r.message, /nesting deeper than 64/);
});

Deno.test("decodeReply() never throws on random bytes", () => {
  let seed = 1;
  const next = () =>
    (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 5000; i++) {
    const b = new Uint8Array(1 + Math.floor(next() * 40));
    for (let j = 0; j < b.length; j++) {
      b[j] = next() < 0.5 ? Math.floor(next() * 10) : Math.floor(next() * 256);
    }
    const r = decodeReply(b);
    assert.ok(typeof r.kind === "string");
  }
});
