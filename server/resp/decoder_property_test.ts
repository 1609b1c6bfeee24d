/**
 * Property-based tests of {@linkcode RespDecoder} (with and without views):
 * arbitrary bytes, arbitrary splits of valid streams, mutated requests and
 * huge declared lengths and counts — never a throw, an error (then
 * nothing) where the bytes are bad, the same result for every split, and
 * no allocation beyond what arrived plus the buffer's 1 MiB look-ahead.
 *
 * `FUZZ_RUNS` / `FUZZ_SECONDS` / `FUZZ_SEED` run them longer
 * (tests/_helpers/fuzz.ts; `deno task fuzz`).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { toByteString } from "@cachemir/protocol";
import {
  checkProperty,
  concatBytes,
  cutsArbitrary,
  mutate,
  mutationsArbitrary,
  splitBytes,
  watchAllocations,
} from "../../tests/_helpers/fuzz.ts";
import {
  INLINE_MAX_BYTES,
  type RespCommand,
  RespDecoder,
  type RespError,
  type RespLimits,
  RespView,
} from "./decoder.ts";

type Out = RespCommand | RespError;

const RESERVE_AHEAD = 1024 * 1024;
const INITIAL_BUFFER = 16 * 1024;

const enc = (s: string): Uint8Array =>
  Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A view made into strings at once (it is valid until the next call). */
function strings(r: RespCommand | RespView | RespError): Out {
  if (!(r instanceof RespView)) return { ...r } as Out;
  const args: string[] = [];
  for (let i = 0; i < r.count; i++) {
    const start = r.offsets[2 * i];
    args.push(toByteString(r.bytes, start, start + r.offsets[2 * i + 1]));
  }
  return { name: r.name, args };
}

/**
 * Pushes the chunks one by one (each a copy, scribbled over once the
 * decoder asked for more: it must have kept what it needs), draining after
 * each, and checks what holds at every step.
 */
function decode(
  chunks: readonly Uint8Array[],
  limits: RespLimits,
): Out[] {
  const d = new RespDecoder(limits);
  const out: Out[] = [];
  let failed = false;
  let pushed = 0;
  for (const c of chunks) {
    const copy = c.slice();
    d.push(copy);
    pushed += c.length;
    for (let r = d.next(); r !== undefined; r = d.next()) {
      assert.ok(!failed, "nothing comes after an error");
      const o = strings(r);
      if ("kind" in o) {
        assert.match(o.message, /^ERR Protocol error: /);
        failed = true;
        assert.equal(d.buffered, 0, "input dropped after an error");
      }
      out.push(o);
    }
    assert.ok(d.buffered <= pushed, "buffered no more than was pushed");
    // Drained: what is left is one header line or one bulk being read.
    const bound = Math.max(
      INLINE_MAX_BYTES,
      (limits.maxBulkBytes ?? 512 * 1024 * 1024) + 2,
    );
    assert.ok(d.buffered <= bound, `buffered ${d.buffered} > ${bound}`);
    copy.fill(0x21);
  }
  return out;
}

/** Decodes with and without views; both must agree. */
function decodeBoth(chunks: readonly Uint8Array[], limits: RespLimits): Out[] {
  const out = decode(chunks, limits);
  assert.deepEqual(decode(chunks, { ...limits, views: true }), out, "views");
  return out;
}

const argArb = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 16 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 600 }) },
).map((b) => toByteString(b, 0, b.length));

const commandArb = fc.record({
  name: fc.oneof(
    fc.constantFrom("GET", "SET", "ping", "HSET", "MSET"),
    argArb,
  ),
  args: fc.array(argArb, { maxLength: 70 }),
}).map((c): RespCommand => ({ name: c.name, args: c.args }));

/** A multibulk request as a client writes it. */
function multibulk(c: RespCommand): string {
  const parts = [c.name, ...c.args];
  return `*${parts.length}\r\n` +
    parts.map((p) => `$${p.length}\r\n${p}\r\n`).join("");
}

/** An inline request: words of plain characters. */
const inlineArb = fc.array(
  fc.stringMatching(/^[A-Za-z0-9_:.-]{1,12}$/),
  { minLength: 1, maxLength: 6 },
).map((words) => ({
  text: words.join(" ") + "\r\n",
  command: { name: words[0], args: words.slice(1) } as RespCommand,
}));

const requestArb = fc.oneof(
  {
    weight: 4,
    arbitrary: commandArb.map((c) => ({ text: multibulk(c), command: c })),
  },
  { weight: 1, arbitrary: inlineArb },
  // Empty requests: a blank line or a count of 0 or less; nothing comes out.
  {
    weight: 1,
    arbitrary: fc.constantFrom("\r\n", "\n", "*0\r\n", "*-1\r\n").map((
      text,
    ) => ({
      text,
      command: undefined,
    })),
  },
);

const limitsArb: fc.Arbitrary<RespLimits> = fc.record(
  {
    maxBulkBytes: fc.integer({ min: 0, max: 64 }),
    maxArgs: fc.integer({ min: 0, max: 8 }),
    maxRequestBytes: fc.integer({ min: 0, max: 200 }),
  },
  { requiredKeys: [] },
);

/** Bytes RESP is made of, and a few others. */
const respByteArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(...enc("*$\r\n0123456789-+\" '\\x")),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);

const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.array(respByteArb, { maxLength: 200 }).map((b) => Uint8Array.from(b)),
  // Valid pieces with noise between them.
  fc.array(
    fc.oneof(
      requestArb.map((r) => enc(r.text)),
      fc.array(respByteArb, { maxLength: 6 }).map((b) => Uint8Array.from(b)),
    ),
    { maxLength: 6 },
  ).map(concatBytes),
);

Deno.test("RespDecoder: every split of a valid stream gives its commands back", async () => {
  await checkProperty(
    "resp valid splits",
    fc.property(
      fc.array(requestArb, { minLength: 1, maxLength: 5 }),
      cutsArbitrary,
      (reqs, cuts) => {
        const bytes = enc(reqs.map((r) => r.text).join(""));
        const want = reqs.flatMap((r) =>
          r.command === undefined ? [] : [r.command]
        );
        assert.deepEqual(decodeBoth(splitBytes(bytes, cuts), {}), want);
      },
    ),
    300,
  );
});

Deno.test("RespDecoder: arbitrary bytes never throw and decode the same in every split", async () => {
  await checkProperty(
    "resp arbitrary bytes",
    fc.property(bytesArb, cutsArbitrary, limitsArb, (bytes, cuts, limits) => {
      const whole = decodeBoth([bytes], limits);
      assert.deepEqual(decodeBoth(splitBytes(bytes, cuts), limits), whole);
    }),
    500,
  );
});

Deno.test("RespDecoder: mutated requests never throw and decode the same in every split", async () => {
  await checkProperty(
    "resp mutated",
    fc.property(
      fc.array(requestArb, { minLength: 1, maxLength: 4 }),
      mutationsArbitrary,
      cutsArbitrary,
      limitsArb,
      (reqs, mutations, cuts, limits) => {
        const bytes = mutate(enc(reqs.map((r) => r.text).join("")), mutations);
        const whole = decodeBoth([bytes], limits);
        assert.deepEqual(decodeBoth(splitBytes(bytes, cuts), limits), whole);
      },
    ),
    400,
  );
});

Deno.test("RespDecoder: huge declared counts and lengths allocate no more than what arrived plus 1 MiB", async () => {
  const bigArb = fc.oneof(
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
    fc.integer({ min: 1 << 20, max: 1 << 30 }),
  );
  await checkProperty(
    "resp huge lengths",
    fc.property(
      bigArb,
      bigArb,
      fc.uint8Array({ maxLength: 2000 }),
      fc.constantFrom<RespLimits>(
        {},
        { maxBulkBytes: 2 ** 40, maxRequestBytes: 2 ** 50 },
        { maxBulkBytes: 1 << 20, maxArgs: 1000 },
      ),
      cutsArbitrary,
      (count, length, rest, limits, cuts) => {
        const bytes = concatBytes([
          enc(`*${count}\r\n$3\r\nSET\r\n$${length}\r\n`),
          rest,
        ]);
        const seen = watchAllocations(() => {
          decodeBoth(splitBytes(bytes, cuts), limits);
        });
        const bound = Math.max(
          INITIAL_BUFFER,
          2 * (bytes.length + RESERVE_AHEAD),
        );
        assert.ok(seen.typed <= bound, `allocated ${seen.typed} > ${bound}`);
        assert.ok(seen.array <= bound, `array of ${seen.array} > ${bound}`);
      },
    ),
    200,
  );
});

Deno.test("RespDecoder: a line without its end is refused once past 64 KiB, in any split", async () => {
  await checkProperty(
    "resp long lines",
    fc.property(
      fc.constantFrom(
        { prefix: "", message: "too big inline request" },
        { prefix: "*", message: "too big mbulk count string" },
        { prefix: "*1\r\n$", message: "too big bulk count string" },
      ),
      fc.integer({ min: INLINE_MAX_BYTES - 8, max: INLINE_MAX_BYTES + 8 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      ({ prefix, message }, length, cuts) => {
        // The line runs from the last line end: the bulk header's `$` on.
        const lineStart = prefix.lastIndexOf("\n") + 1;
        const bytes = concatBytes([
          enc(prefix),
          new Uint8Array(length - (prefix.length - lineStart)).fill(0x37),
        ]);
        const out = decodeBoth(splitBytes(bytes, cuts), {});
        if (length > INLINE_MAX_BYTES) {
          assert.deepEqual(out, [{
            kind: "resp-error",
            message: `ERR Protocol error: ${message}`,
          }]);
        } else {
          assert.deepEqual(out, []);
        }
      },
    ),
    40,
  );
});
