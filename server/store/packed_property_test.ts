/**
 * Property-based tests of the packed encodings ({@linkcode pack},
 * {@linkcode unpackHash}, {@linkcode unpackSet}, {@linkcode unpackList}):
 * whatever {@linkcode packedSize} accepts packs into exactly that many
 * bytes and unpacks to the same contents in the same order, with integers
 * at every encoding's edges and non-canonical decimals that must stay
 * strings; corrupted encodings unpack or throw a `RangeError`, nothing
 * else.
 *
 * `FUZZ_RUNS` / `FUZZ_SECONDS` / `FUZZ_SEED` run them longer
 * (tests/_helpers/fuzz.ts; `deno task fuzz`).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkProperty,
  mutate,
  mutationsArbitrary,
} from "../../tests/_helpers/fuzz.ts";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";
import {
  pack,
  type PackableValue,
  packedSize,
  packedType,
  unpackHash,
  unpackList,
  unpackSet,
} from "./packed.ts";

/** Integers around every edge of the entry forms and of int64. */
const edgeInt = fc.oneof(
  fc.integer({ min: -70, max: 200 }),
  fc.integer({ min: -5000, max: 5000 }),
  fc.constantFrom(
    -4097n,
    -4096n,
    4095n,
    4096n,
    32767n,
    32768n,
    -32768n,
    -32769n,
    2n ** 31n - 1n,
    2n ** 31n,
    -(2n ** 31n),
    -(2n ** 31n) - 1n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    -(2n ** 53n) - 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
  ),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
).map(String);

/** Decimals Redis does not take as integers: they stay strings. */
const notInt = fc.constantFrom(
  "-0",
  "01",
  "+1",
  " 1",
  "1 ",
  "",
  "-",
  "9223372036854775808",
  "-9223372036854775809",
  "1e3",
  "0x10",
  "00",
);

const bytes = (min: number, max: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => {
    let s = "";
    for (const x of b) s += String.fromCharCode(x);
    return s;
  });

/** Strings around the 6-bit, 12-bit and varint length forms. */
const element = fc.oneof(
  { weight: 4, arbitrary: edgeInt },
  { weight: 2, arbitrary: notInt },
  { weight: 3, arbitrary: bytes(0, 12) },
  { weight: 1, arbitrary: bytes(60, 66) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(4158, 4159, 4160, 4161).chain((n) =>
      bytes(n, n)
    ),
  },
);

const valueArb: fc.Arbitrary<PackableValue> = fc.oneof(
  fc.array(fc.tuple(element, element), { maxLength: 40 }).map((e) =>
    ByteHash.from(e)
  ),
  fc.array(fc.oneof(edgeInt, notInt), { maxLength: 40 }).map((m) =>
    ByteSet.from(m)
  ),
  fc.array(edgeInt, { maxLength: 40 }).map((m) => ByteSet.from(m)),
  fc.array(element, { maxLength: 60 }).map((l) => ByteList.from(l)),
);

function contents(v: PackableValue): string[] {
  if (v instanceof ByteHash) return v.fieldsAndValues();
  if (v instanceof ByteSet) return v.members();
  return v.toArray();
}

function unpack(b: Uint8Array, start: number, end: number): PackableValue {
  const type = packedType(b, start);
  return type === "hash"
    ? unpackHash(b, start, end)
    : type === "set"
    ? unpackSet(b, start, end)
    : unpackList(b, start, end);
}

function isCanonicalInt64(s: string): boolean {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return false;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v <= 2n ** 63n - 1n;
}

Deno.test("pack: what packedSize accepts packs to that size and unpacks the same", async () => {
  await checkProperty(
    "packed round trip",
    fc.property(valueArb, fc.nat(7), (value, at) => {
      const size = packedSize(value);
      if (value instanceof ByteSet) {
        const ints = value.members().every(isCanonicalInt64);
        assert.equal(size >= 0, ints, "a set packs iff its members are ints");
      }
      if (size < 0) return;
      const out = new Uint8Array(at + size + 3).fill(0xee);
      assert.equal(pack(value, out, at), at + size);
      assert.ok(out.subarray(at + size).every((b) => b === 0xee), "no overrun");
      const back = unpack(out, at, at + size);
      assert.equal(back.type, value.type);
      assert.deepEqual(contents(back), contents(value));
    }),
    500,
  );
});

Deno.test("unpack: corrupted encodings give a value or a RangeError", async () => {
  await checkProperty(
    "packed corrupted",
    fc.property(valueArb, mutationsArbitrary, (value, mutations) => {
      const size = packedSize(value);
      if (size < 0) return;
      const out = new Uint8Array(size);
      pack(value, out, 0);
      const bad = mutate(out, mutations);
      if (bad.length === 0) return;
      try {
        unpack(bad, 0, bad.length);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
    }),
    500,
  );
});
