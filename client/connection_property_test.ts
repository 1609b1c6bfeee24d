/**
 * Property-based tests of the client's reply path as it runs
 * ({@linkcode ClientConnection} over a fake socket: frame decoder, the
 * BYTES fast path and `decodeReply`): pipelined commands answered in any
 * split settle exactly as their replies say; arbitrary or mutated reply
 * bytes settle every command (a result, a `ReplyError`, a
 * `ProtocolError` or a `ConnectionError`), never throw elsewhere, never
 * hang.
 *
 * `FUZZ_RUNS` / `FUZZ_SECONDS` / `FUZZ_SEED` run them longer
 * (tests/_helpers/fuzz.ts; `deno task fuzz`).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeReply, errorText, type Reply } from "@cachemir/protocol";
import {
  checkProperty,
  concatBytes,
  cutsArbitrary,
  mutate,
  mutationsArbitrary,
  replyArbitrary,
  splitBytes,
} from "../tests/_helpers/fuzz.ts";
import { ClientConnection, type ReplyTransform } from "./connection.ts";
import { ConnectionError, ProtocolError, ReplyError } from "./errors.ts";
import { decodeRequests, FakeConn, tick } from "./_test_utils.ts";

const GET = 0x0100;

/** The reply as it came, through the decoder or the BYTES fast path. */
function transform(fast: boolean): ReplyTransform<Reply> {
  const t = (r: Reply): Reply => r;
  if (!fast) return t;
  return Object.assign(t, {
    fromBytes: (payload: Uint8Array, start: number, end: number): Reply => ({
      kind: "bytes",
      value: payload.slice(start, end),
    }),
  });
}

type Settled =
  | { ok: Reply }
  | { reply: [code: string, text: string] }
  | { protocol: string }
  | { closed: true };

async function settle(p: Promise<Reply>): Promise<Settled> {
  try {
    return { ok: await p };
  } catch (e) {
    if (e instanceof ReplyError) return { reply: [e.code, e.message] };
    if (e instanceof ProtocolError) return { protocol: e.message };
    if (e instanceof ConnectionError) return { closed: true };
    throw e;
  }
}

/**
 * Sends `n` GETs, answers them with `answer(requests)` fed in chunks, ends
 * the stream, and returns how each command settled.
 */
async function run(
  n: number,
  fast: boolean[],
  answer: (ids: { id: number; opcode: number }[]) => Uint8Array,
  cuts: number[],
): Promise<Settled[]> {
  const fake = new FakeConn();
  const conn = new ClientConnection(fake.asConn(), "127.0.0.1:7379");
  const pending = Array.from(
    { length: n },
    (_, i) =>
      settle(conn.send(GET, [`k${i}`], transform(fast[i % fast.length]))),
  );
  await tick();
  const requests = decodeRequests(fake.written());
  assert.equal(requests.length, n);
  for (const chunk of splitBytes(answer(requests), cuts)) fake.feed(chunk);
  fake.end();
  const out = await Promise.all(pending);
  await conn.close();
  return out;
}

Deno.test("ClientConnection: pipelined replies in any split settle as they say", async () => {
  await checkProperty(
    "client replies",
    fc.asyncProperty(
      fc.array(replyArbitrary, { minLength: 1, maxLength: 5 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
      cutsArbitrary,
      async (replies, fast, cuts) => {
        const got = await run(
          replies.length,
          fast,
          (reqs) =>
            concatBytes(
              reqs.map((q, i) => encodeReply(q.id, q.opcode, replies[i])),
            ),
          cuts,
        );
        const want = replies.map((r): Settled =>
          r.kind === "error" ? { reply: [r.code, errorText(r)] } : { ok: r }
        );
        assert.deepEqual(got, want);
      },
    ),
    150,
  );
});

Deno.test("ClientConnection: arbitrary and mutated reply bytes settle every command", async () => {
  await checkProperty(
    "client hostile replies",
    fc.asyncProperty(
      fc.array(replyArbitrary, { minLength: 1, maxLength: 4 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
      fc.oneof(
        mutationsArbitrary.map((m) => ({ mutations: m, noise: undefined })),
        fc.uint8Array({ maxLength: 60 }).map((noise) => ({
          mutations: undefined,
          noise,
        })),
      ),
      cutsArbitrary,
      async (replies, fast, damage, cuts) => {
        const got = await run(
          replies.length,
          fast,
          (reqs) => {
            const valid = concatBytes(
              reqs.map((q, i) => encodeReply(q.id, q.opcode, replies[i])),
            );
            return damage.noise !== undefined
              ? concatBytes([valid.subarray(0, 13), damage.noise])
              : mutate(valid, damage.mutations!);
          },
          cuts,
        );
        // Every command settled (run() awaited them all after the end of
        // the stream); once the connection closed, nothing after it
        // succeeded.
        const firstClosed = got.findIndex((s) => "closed" in s);
        if (firstClosed >= 0) {
          for (const s of got.slice(firstClosed)) assert.ok("closed" in s);
        }
      },
    ),
    150,
  );
});
