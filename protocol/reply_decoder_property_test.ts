/**
 * Property-based tests of the client's reply decoder
 * ({@linkcode decodeReply}), alone and behind {@linkcode FrameDecoder} as
 * the client reads replies: every reply the writer can make comes back in
 * any split; arbitrary, mutated and hostile payloads (huge counts and
 * lengths, deep nesting) give a decode error, never a throw, and allocate
 * nothing larger than the payload.
 *
 * `FUZZ_RUNS` / `FUZZ_SECONDS` / `FUZZ_SEED` run them longer
 * (tests/_helpers/fuzz.ts; `deno task fuzz`).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkProperty,
  concatBytes,
  cutsArbitrary,
  mutate,
  mutationsArbitrary,
  replyArbitrary as replyArb,
  splitBytes,
  watchAllocations,
} from "../tests/_helpers/fuzz.ts";
import { FrameDecoder } from "./frame_decoder.ts";
import { encodeReply, TAG } from "./frame_writer.ts";
import { decodeReply } from "./reply_decoder.ts";
import {
  type DecodeError,
  FLAG_REPLY,
  HEADER_BYTES,
  MAX_REPLY_DEPTH,
  type Reply,
} from "./types.ts";

function isDecodeError(r: Reply | DecodeError): r is DecodeError {
  return r.kind === "decode-error";
}

/** Decodes, watching allocations; checks what holds for any payload. */
function decodeChecked(payload: Uint8Array): Reply | DecodeError {
  const box: { r?: Reply | DecodeError } = {};
  const seen = watchAllocations(() => {
    box.r = decodeReply(payload);
  });
  const r = box.r!;
  assert.ok(
    seen.array <= payload.length,
    `new Array(${seen.array}) for ${payload.length} bytes`,
  );
  assert.ok(
    seen.typed <= payload.length,
    `typed array of ${seen.typed} for ${payload.length} bytes`,
  );
  if (isDecodeError(r)) assert.match(r.message, /^Cannot decode reply: /);
  return r;
}

Deno.test("decodeReply: every reply written comes back, in any split of a stream of them", async () => {
  await checkProperty(
    "reply round trip",
    fc.property(
      fc.array(replyArb, { minLength: 1, maxLength: 4 }),
      cutsArbitrary,
      fc.boolean(),
      (replies, cuts, views) => {
        const stream = concatBytes(
          replies.map((r, i) => encodeReply(i, 0x0100, r)),
        );
        const d = new FrameDecoder({}, { views });
        const got: (Reply | DecodeError)[] = [];
        for (const chunk of splitBytes(stream, cuts)) {
          d.push(chunk);
          for (let f = d.next(); f !== undefined; f = d.next()) {
            assert.ok(!("kind" in f), "a frame");
            assert.equal(f.flags, FLAG_REPLY);
            assert.equal(f.id, got.length);
            got.push(decodeChecked(f.payload));
          }
        }
        assert.deepEqual(got, replies);
      },
    ),
    400,
  );
});

Deno.test("decodeReply: arbitrary bytes give a value or a decode error, never a throw", async () => {
  const payloadArb = fc.oneof(
    fc.uint8Array({ maxLength: 100 }),
    // Tags up front, so that more of them parse a little way.
    fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 255 }),
      ),
      { maxLength: 100 },
    ).map((b) => Uint8Array.from(b)),
  );
  await checkProperty(
    "reply arbitrary bytes",
    fc.property(payloadArb, (payload) => {
      decodeChecked(payload);
    }),
    1000,
  );
});

Deno.test("decodeReply: mutated replies give a value or a decode error, never a throw", async () => {
  await checkProperty(
    "reply mutated",
    fc.property(replyArb, mutationsArbitrary, (reply, mutations) => {
      const payload = encodeReply(1, 1, reply).subarray(HEADER_BYTES);
      const r = decodeChecked(mutate(payload, mutations));
      // Whatever decodes is a value the writer can write again.
      if (!isDecodeError(r)) encodeReply(1, 1, r);
    }),
    500,
  );
});

Deno.test("decodeReply: huge counts, lengths and deep nesting allocate nothing past the payload", async () => {
  /** A varint of up to 5 bytes, over-long ones included. */
  const varintArb = fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }).map((v) => {
      const out: number[] = [];
      while (v >= 0x80) {
        out.push((v & 0x7f) | 0x80);
        v = Math.floor(v / 128);
      }
      out.push(v);
      return out;
    }),
    fc.array(fc.integer({ min: 0x80, max: 0xff }), {
      minLength: 4,
      maxLength: 7,
    }).map((b) => [...b, 0x0f]),
  );
  const hostileArb = fc.oneof(
    fc.tuple(
      fc.constantFrom(
        TAG.ARRAY,
        TAG.SET,
        TAG.MAP,
        TAG.BYTES,
        TAG.STATUS,
        TAG.ERROR,
      ),
      varintArb,
      fc.uint8Array({ maxLength: 30 }),
    ).map(([tag, v, rest]) => concatBytes([Uint8Array.of(tag, ...v), rest])),
    // Nesting: arrays of one element each, then a value.
    fc.tuple(
      fc.integer({ min: 0, max: 3 * MAX_REPLY_DEPTH }),
      fc.constantFrom(TAG.ARRAY, TAG.SET, TAG.MAP),
    ).map(([depth, tag]) => {
      const b = new Uint8Array(2 * depth + 1);
      for (let i = 0; i < depth; i++) {
        b[2 * i] = tag;
        b[2 * i + 1] = 1;
      }
      b[2 * depth] = TAG.OK;
      return b;
    }),
  );
  await checkProperty(
    "reply hostile",
    fc.property(hostileArb, (payload) => {
      decodeChecked(payload);
    }),
    500,
  );
  // Far deeper than any generator: still no stack overflow.
  const deep = new Uint8Array(2 * 1_000_000 + 1);
  for (let i = 0; i < 1_000_000; i++) {
    deep[2 * i] = TAG.ARRAY;
    deep[2 * i + 1] = 1;
  }
  const r = decodeReply(deep);
  assert.equal(r.kind, "decode-error");
});
