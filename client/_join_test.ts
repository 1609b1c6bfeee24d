import assert from "node:assert/strict";
import {
  array,
  bytes,
  error,
  float,
  int,
  NULL,
  OK,
  status,
} from "@cachemir/protocol";
import { concatArrays, joinParts, mergeTop } from "./_join.ts";

Deno.test("joinParts() array puts each element back at its key's position", () => {
  const joined = joinParts(
    "array",
    [
      { indices: [0, 2], reply: array([bytes("a"), NULL]) },
      { indices: [1, 3], reply: array([bytes("b"), bytes("d")]) },
    ],
    4,
    "MGET",
  );
  assert.deepEqual(joined, array([bytes("a"), bytes("b"), NULL, bytes("d")]));
  assert.throws(
    () =>
      joinParts(
        "array",
        [{ indices: [0, 1], reply: array([NULL]) }],
        2,
        "MGET",
      ),
    /Unexpected reply to a part of MGET: 1 elements for 2 keys/,
  );
  assert.deepEqual(
    joinParts("array", [{ indices: [0], reply: int(1) }], 1, "MGET"),
    int(1),
    "a part of the wrong type is passed on for the transform to reject",
  );
});

Deno.test("joinParts() sum adds integers, going to bigint past 2^53", () => {
  assert.deepEqual(
    joinParts(
      "sum",
      [{ indices: [0], reply: int(2) }, {
        indices: [1],
        reply: int(3),
      }],
      2,
      "DEL",
    ),
    int(5),
  );
  assert.deepEqual(
    joinParts(
      "sum",
      [
        { indices: [0], reply: int(Number.MAX_SAFE_INTEGER) },
        { indices: [1], reply: int(2) },
      ],
      2,
      "EXISTS",
    ),
    int(BigInt(Number.MAX_SAFE_INTEGER) + 2n),
  );
  assert.deepEqual(
    joinParts("sum", [{ indices: [0], reply: status("x") }], 1, "DEL"),
    status("x"),
  );
});

Deno.test("joinParts() ok needs every part to say OK", () => {
  assert.deepEqual(
    joinParts(
      "ok",
      [{ indices: [0], reply: OK }, { indices: [1], reply: OK }],
      2,
      "MSET",
    ),
    OK,
  );
  assert.deepEqual(
    joinParts(
      "ok",
      [{ indices: [0], reply: OK }, { indices: [1], reply: int(0) }],
      2,
      "MSET",
    ),
    int(0),
  );
});

Deno.test("concatArrays() joins arrays in order", () => {
  assert.deepEqual(
    concatArrays([
      array([bytes("a")]),
      array([]),
      array([bytes("b"), bytes("c")]),
    ]),
    array([bytes("a"), bytes("b"), bytes("c")]),
  );
  assert.deepEqual(concatArrays([array([]), NULL]), NULL);
});

Deno.test("mergeTop adds a member's scores over nodes, sorts highest first and cuts to count", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const pair = (k: string, n: number) => array([bytes(enc(k)), int(n)]);
  const merged = mergeTop([
    array([pair("a", 50), pair("b", 30)]),
    array([pair("c", 45), pair("b", 30)]), // b: a replica lists it too
    array([]),
  ], 2);
  assert.deepEqual(merged, array([pair("b", 60), pair("a", 50)]));
  // An error from a node is the answer (the caller's transform rejects it).
  const failed = error("ERR value is out of range, must be positive");
  assert.equal(mergeTop([array([pair("a", 1)]), failed], 10), failed);
  // Float scores stay floats.
  assert.deepEqual(
    mergeTop([array([array([bytes(enc("x")), float(1.5)])])], 10),
    array([array([bytes(enc("x")), float(1.5)])]),
  );
});
