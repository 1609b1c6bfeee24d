import assert from "node:assert/strict";
import { array, bytes, int, map, NULL, NULL_ARRAY } from "@cachemir/protocol";
import {
  asFlatPairs,
  asFlatPairsBuffer,
  asIntegerArray,
  asPositions,
  asRecord,
  asRecordBuffer,
  asStringArrayOrNull,
  KEY_VALUE_OR_NULL,
  KEY_VALUES_OR_NULL,
} from "./_replies.ts";
import { ProtocolError } from "../errors.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

Deno.test("asRecord() reads a MAP or a flat ARRAY, __proto__ included", () => {
  const pairs = [[bytes(enc("a")), bytes(enc("1"))], [
    bytes(enc("__proto__")),
    bytes(enc("p")),
  ]] as const;
  const fromMap = asRecord(map(pairs));
  assert.deepEqual(Object.keys(fromMap), ["a", "__proto__"]);
  assert.equal(Object.getPrototypeOf(fromMap), Object.prototype);
  assert.equal(
    Object.getOwnPropertyDescriptor(fromMap, "__proto__")?.value,
    "p",
  );
  const fromArray = asRecord(array(pairs.flat()));
  assert.deepEqual(Object.entries(fromArray), Object.entries(fromMap));
  assert.deepEqual(asRecordBuffer(map(pairs)).a, enc("1"));
  assert.deepEqual(asRecord(map([])), {});
  assert.throws(() => asRecord(array([bytes(enc("odd"))])), ProtocolError);
  assert.throws(() => asRecord(int(1)), ProtocolError);
});

Deno.test("asFlatPairs() flattens HRANDFIELD's pairs, and keeps flat arrays", () => {
  const nested = array([
    array([bytes(enc("f")), bytes(enc("v"))]),
    array([bytes(enc("g")), bytes(enc("w"))]),
  ]);
  assert.deepEqual(asFlatPairs(nested), ["f", "v", "g", "w"]);
  assert.deepEqual(
    asFlatPairs(array([bytes(enc("f")), bytes(enc("v"))])),
    ["f", "v"],
  );
  assert.deepEqual(asFlatPairsBuffer(nested)[3], enc("w"));
  assert.throws(() => asFlatPairs(NULL), ProtocolError);
});

Deno.test("asStringArrayOrNull(), asIntegerArray() and asPositions()", () => {
  assert.equal(asStringArrayOrNull(NULL_ARRAY), null);
  assert.deepEqual(asStringArrayOrNull(array([bytes(enc("x"))])), ["x"]);
  assert.deepEqual(asIntegerArray(array([int(1), int(0)])), [1, 0]);
  assert.throws(() => asIntegerArray(array([bytes(enc("x"))])), ProtocolError);
  assert.equal(asPositions(NULL), null);
  assert.equal(asPositions(int(4)), 4);
  assert.deepEqual(asPositions(array([int(4), int(2)])), [4, 2]);
});

Deno.test("KEY_VALUE_OR_NULL and KEY_VALUES_OR_NULL: [key, value(s)], NULL, or a ProtocolError", () => {
  const pop = array([bytes(enc("q")), bytes(enc("v"))]);
  assert.deepEqual(KEY_VALUE_OR_NULL.text(pop), ["q", "v"]);
  assert.deepEqual(KEY_VALUE_OR_NULL.bytes!(pop), ["q", enc("v")]);
  assert.equal(KEY_VALUE_OR_NULL.text(NULL), null);
  const mpop = array([
    bytes(enc("q")),
    array([bytes(enc("a")), bytes(enc("b"))]),
  ]);
  assert.deepEqual(KEY_VALUES_OR_NULL.text(mpop), ["q", ["a", "b"]]);
  assert.deepEqual(KEY_VALUES_OR_NULL.bytes!(mpop), ["q", [
    enc("a"),
    enc("b"),
  ]]);
  assert.equal(KEY_VALUES_OR_NULL.bytes!(NULL), null);
  // Not a pair: three elements, one, or no array at all.
  const three = array([bytes(enc("q")), bytes(enc("v")), bytes(enc("w"))]);
  for (const bad of [three, array([bytes(enc("q"))]), int(1)]) {
    assert.throws(() => KEY_VALUE_OR_NULL.text(bad), ProtocolError);
    assert.throws(() => KEY_VALUES_OR_NULL.text(bad), ProtocolError);
  }
});
