/**
 * Property-based tests of the binary request path: {@linkcode FrameDecoder}
 * (with and without views) and the request decoder
 * ({@linkcode decodeRequest}, {@linkcode decodeRequestArgs}) under
 * arbitrary bytes, arbitrary splits of valid streams, mutated frames and
 * huge declared lengths and counts.
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
  splitBytes,
  watchAllocations,
} from "../tests/_helpers/fuzz.ts";
import { toByteString } from "./bytes.ts";
import { FrameDecoder } from "./frame_decoder.ts";
import { encodeRequest } from "./frame_writer.ts";
import {
  decodeRequest,
  decodeRequestArgs,
  scanRequestArgs,
} from "./request_decoder.ts";
import { HEADER_BYTES, type Limits } from "./types.ts";

/** One decoder result, copied out at once (a view is reused). */
type Outcome =
  | {
    version: number;
    flags: number;
    opcode: number;
    id: number;
    payload: string;
    request: string[] | string;
  }
  | { error: string; fatal: boolean; id: number; opcode: number };

const RESERVE_AHEAD = 1024 * 1024;
const INITIAL_BUFFER = 16 * 1024;

/**
 * Pushes the chunks one by one, draining after each, and checks the
 * invariants that hold at every step.
 */
function decode(
  chunks: readonly Uint8Array[],
  limits: Limits,
  views: boolean,
): Outcome[] {
  const d = new FrameDecoder(limits, { views });
  const max = limits.maxFrameBytes ?? 16 * 1024 * 1024;
  const out: Outcome[] = [];
  let fatal = false;
  for (const chunk of chunks) {
    d.push(chunk);
    for (let f = d.next(); f !== undefined; f = d.next()) {
      assert.ok(!fatal, "nothing comes after a fatal error");
      if ("kind" in f) {
        assert.equal(f.kind, "frame-error");
        assert.match(f.message, /^ERR Protocol error: /);
        fatal = f.fatal;
        out.push({
          error: f.message,
          fatal: f.fatal,
          id: f.id,
          opcode: f.opcode,
        });
        continue;
      }
      const payload = f.payload;
      assert.ok(payload.length <= max, "payload within maxFrameBytes");
      const request = decodeRequest(f, limits);
      if (!Array.isArray(request)) {
        assert.equal(request.kind, "error");
        assert.match(request.message, /^Protocol error: /);
      } else {
        assert.ok(request.length <= (limits.maxArgs ?? Infinity));
      }
      out.push({
        version: f.version,
        flags: f.flags,
        opcode: f.opcode,
        id: f.id,
        payload: toByteString(payload, 0, payload.length),
        request: Array.isArray(request) ? request : request.message,
      });
    }
    // Drained: what is left is one partial frame, never a whole one.
    assert.ok(
      d.buffered < HEADER_BYTES + max || d.buffered < HEADER_BYTES,
      `buffered ${d.buffered} within the limit`,
    );
  }
  return out;
}

const argArb = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 400 }) },
);

const requestArb = fc.record({
  id: fc.integer({ min: 0, max: 0xffffffff }),
  opcode: fc.integer({ min: 0, max: 0xffff }),
  args: fc.array(argArb, { maxLength: 8 }),
});

const streamArb = fc.array(requestArb, { minLength: 1, maxLength: 6 });

const limitsArb: fc.Arbitrary<Limits> = fc.record(
  {
    maxFrameBytes: fc.oneof(
      fc.integer({ min: 0, max: 64 }),
      fc.integer({ min: 0, max: 4096 }),
    ),
    maxArgs: fc.integer({ min: 0, max: 10 }),
  },
  { requiredKeys: [] },
);

const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  // Mostly version-1 headers, so that the decoder gets past the first byte.
  fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 80 }),
      fc.uint8Array({ maxLength: 90 }),
    ).map(([flags, len, rest]) => {
      const head = new Uint8Array(HEADER_BYTES);
      head[0] = 1;
      head[1] = flags;
      head[11] = len;
      return concatBytes([head, rest]);
    }),
    { maxLength: 5 },
  ).map(concatBytes),
);

Deno.test("FrameDecoder: every split of a valid stream gives its requests back", async () => {
  await checkProperty(
    "frame valid splits",
    fc.property(streamArb, cutsArbitrary, fc.boolean(), (reqs, cuts, views) => {
      const frames = reqs.map((r) => encodeRequest(r.id, r.opcode, r.args));
      const out = decode(splitBytes(concatBytes(frames), cuts), {}, views);
      assert.deepEqual(
        out.map((o) => "error" in o ? o : [o.id, o.opcode, o.request]),
        reqs.map((r) => [
          r.id,
          r.opcode,
          r.args.map((a) => toByteString(a, 0, a.length)),
        ]),
      );
    }),
    300,
  );
});

Deno.test("FrameDecoder: arbitrary bytes never throw and decode the same in every split", async () => {
  await checkProperty(
    "frame arbitrary bytes",
    fc.property(
      bytesArb,
      cutsArbitrary,
      limitsArb,
      fc.boolean(),
      (bytes, cuts, limits, views) => {
        const whole = decode([bytes], limits, views);
        const split = decode(splitBytes(bytes, cuts), limits, !views);
        assert.deepEqual(split, whole);
      },
    ),
    500,
  );
});

Deno.test("FrameDecoder: mutated valid frames never throw and decode the same in every split", async () => {
  await checkProperty(
    "frame mutated",
    fc.property(
      streamArb,
      mutationsArbitrary,
      cutsArbitrary,
      limitsArb,
      (reqs, mutations, cuts, limits) => {
        const bytes = mutate(
          concatBytes(reqs.map((r) => encodeRequest(r.id, r.opcode, r.args))),
          mutations,
        );
        const whole = decode([bytes], limits, true);
        assert.deepEqual(decode(splitBytes(bytes, cuts), limits, false), whole);
      },
    ),
    400,
  );
});

Deno.test("FrameDecoder: a huge declared length allocates no more than what arrived plus 1 MiB", async () => {
  await checkProperty(
    "frame huge length",
    fc.property(
      fc.oneof(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0xffff0000, max: 0xffffffff }),
        fc.integer({ min: 1 << 20, max: 1 << 24 }),
        fc.integer({ min: 0, max: 2100 }),
      ),
      fc.constantFrom(undefined, 0xffffffff, 1 << 20),
      fc.uint8Array({ maxLength: 2000 }),
      cutsArbitrary,
      (length, maxFrameBytes, rest, cuts) => {
        const head = new Uint8Array(HEADER_BYTES);
        head[0] = 1;
        new DataView(head.buffer).setUint32(8, length);
        const bytes = concatBytes([head, rest]);
        const limits = { maxFrameBytes };
        const max = maxFrameBytes ?? 16 * 1024 * 1024;
        let out: Outcome[] = [];
        const seen = watchAllocations(() => {
          out = decode(splitBytes(bytes, cuts), limits, false);
        });
        const bound = Math.max(
          INITIAL_BUFFER,
          2 * (bytes.length + RESERVE_AHEAD),
        );
        assert.ok(seen.typed <= bound, `allocated ${seen.typed} > ${bound}`);
        if (length > max) {
          assert.equal(out.length, 1, "one error, the payload skipped");
          assert.ok("error" in out[0] && !out[0].fatal);
        } else if (HEADER_BYTES + length <= bytes.length) {
          // The frame, then whatever the bytes after it make.
          const first = out[0];
          assert.ok(first !== undefined && !("error" in first), "the frame");
          assert.equal(first.payload.length, length);
        } else {
          assert.equal(out.length, 0, "waiting for the payload");
        }
      },
    ),
    200,
  );
});

Deno.test("decodeRequestArgs: arbitrary payloads never throw nor allocate past their size", async () => {
  const payloadArb = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    // A large varint count or length up front, then anything.
    fc.tuple(
      fc.uint8Array({ minLength: 1, maxLength: 6 }).map((b) =>
        b.map((x, i) => i < b.length - 1 ? x | 0x80 : x)
      ),
      fc.uint8Array({ maxLength: 60 }),
    ).map(([a, b]) => concatBytes([a, b])),
  );
  await checkProperty(
    "request args",
    fc.property(
      payloadArb,
      fc.integer({ min: 0, max: 1 << 20 }),
      (payload, maxArgs) => {
        const box: { r?: ReturnType<typeof decodeRequestArgs> } = {};
        const seen = watchAllocations(() => {
          box.r = decodeRequestArgs(payload, { maxArgs });
        });
        const r = box.r!;
        const bound = Math.max(128, 2 * payload.length);
        assert.ok(seen.typed <= bound, `typed ${seen.typed} > ${bound}`);
        assert.ok(seen.array <= bound, `array ${seen.array} > ${bound}`);
        if (Array.isArray(r)) {
          assert.ok(r.length <= maxArgs);
          let total = 0;
          for (const a of r) total += a.length;
          assert.ok(total + r.length <= payload.length);
          // Read back: the same arguments encode to a payload that decodes
          // to them again.
          const again = encodeRequest(
            0,
            0,
            r.map((a) => Uint8Array.from(a, (c) => c.charCodeAt(0))),
          );
          assert.deepEqual(
            decodeRequestArgs(again.subarray(HEADER_BYTES), { maxArgs }),
            r,
          );
        } else {
          assert.equal(r.kind, "error");
          assert.match(r.message, /^Protocol error: /);
        }
      },
    ),
    1000,
  );
});

Deno.test("scanRequestArgs: in place, in any buffer, agrees with decodeRequestArgs and allocates nothing", async () => {
  const payloadArb = fc.oneof(
    fc.array(argArb, { maxLength: 12 }).map((args) =>
      encodeRequest(0, 0, args).subarray(HEADER_BYTES)
    ),
    fc.uint8Array({ maxLength: 80 }),
  );
  await checkProperty(
    "request args in place",
    fc.property(
      payloadArb,
      mutationsArbitrary,
      fc.boolean(),
      fc.uint8Array({ maxLength: 9 }),
      fc.uint8Array({ maxLength: 9 }),
      fc.nat(10),
      fc.integer({ min: 0, max: 20 }),
      (valid, mutations, mutated, before, after, room, maxArgs) => {
        const payload = mutated ? mutate(valid, mutations) : valid;
        const bytes = concatBytes([before, payload, after]);
        const start = before.length;
        const end = start + payload.length;
        const offsets = new Int32Array(2 * room).fill(-7);
        const box: { n?: ReturnType<typeof scanRequestArgs> } = {};
        const seen = watchAllocations(() => {
          box.n = scanRequestArgs(bytes, start, end, offsets, maxArgs);
        });
        const n = box.n!;
        assert.deepEqual(seen, { typed: 0, array: 0 }, "nothing allocated");
        const want = decodeRequestArgs(payload.slice(), { maxArgs });
        if (typeof n !== "number") {
          assert.ok(!Array.isArray(want));
          assert.deepEqual(n, want);
          return;
        }
        assert.ok(Array.isArray(want), "both accept");
        assert.equal(n, want.length);
        for (let i = 0; i < Math.min(n, room); i++) {
          const at = offsets[2 * i];
          const len = offsets[2 * i + 1];
          assert.ok(at >= start && at + len <= end, "inside the payload");
          assert.equal(toByteString(bytes, at, at + len), want[i]);
        }
        for (let i = Math.min(n, room); i < room; i++) {
          assert.equal(offsets[2 * i], -7, "nothing written past the args");
        }
      },
    ),
    1000,
  );
});
