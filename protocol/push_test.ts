import assert from "node:assert/strict";
import {
  decodeReply,
  encodeInvalidation,
  FrameDecoder,
  invalidationKeys,
  isPush,
  PUSH_OPCODE,
} from "./mod.ts";

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}

function readme(): string {
  return Deno.readTextFileSync(new URL("./README.md", import.meta.url));
}

Deno.test("push: the README's hex examples are what the encoder writes", () => {
  const one = hex(encodeInvalidation(["k"]));
  const all = hex(encodeInvalidation(null));
  assert.equal(
    one,
    "01 c0 00 0a 00 00 00 00 00 00 00 13 06 02 04 0a 69 6e 76 61 6c 69 64 61 74 65 06 01 04 01 6b",
  );
  assert.equal(
    all,
    "01 c0 00 0a 00 00 00 00 00 00 00 0f 06 02 04 0a 69 6e 76 61 6c 69 64 61 74 65 01",
  );
  const text = readme().replace(/\s+/g, " ");
  assert.ok(text.includes(one), `README lacks ${one}`);
  assert.ok(text.includes(all), `README lacks ${all}`);
});

Deno.test("push: decoded as a push frame with its keys, binary keys kept", () => {
  const d = new FrameDecoder();
  d.push(encodeInvalidation([new Uint8Array([0, 0xff]), "ab"]));
  d.push(encodeInvalidation(null));
  const f = d.next();
  assert.ok(f !== undefined && !("kind" in f));
  assert.ok(isPush(f));
  // PUSH without REPLY is no frame a node sends: not a push.
  assert.equal(isPush({ ...f, flags: 0x40 }), false);
  assert.equal(isPush({ ...f, flags: 0x80 }), false);
  assert.equal(f.opcode, PUSH_OPCODE);
  assert.equal(f.id, 0);
  const keys = invalidationKeys(decodeReply(f.payload) as never);
  assert.deepEqual(keys, [
    new Uint8Array([0, 0xff]),
    new TextEncoder().encode("ab"),
  ]);
  const g = d.next();
  assert.ok(g !== undefined && !("kind" in g));
  assert.equal(invalidationKeys(decodeReply(g.payload) as never), null);
});

Deno.test("push: a value that is not an invalidation is not taken for one", () => {
  assert.equal(invalidationKeys({ kind: "ok" }), undefined);
  assert.equal(
    invalidationKeys({
      kind: "array",
      value: [{ kind: "bytes", value: "other" }, { kind: "null" }],
    }),
    undefined,
  );
});
