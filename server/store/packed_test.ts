import assert from "node:assert/strict";
import { Prng } from "../../tests/_helpers/prng.ts";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";
import {
  pack,
  type PackableValue,
  PACKED_LIMITS,
  packedCount,
  packedSize,
  packedType,
  unpackHash,
  unpackList,
  unpackSet,
} from "./packed.ts";

const INT64_MIN = "-9223372036854775808";
const INT64_MAX = "9223372036854775807";

/** Strings that look like integers but are not canonical: stored as strings. */
const NOT_CANONICAL = [
  "007",
  "00",
  "-0",
  "-00",
  "+1",
  " 1",
  "1 ",
  "-",
  "+",
  "1e3",
  "0x10",
  "1.0",
  "--1",
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551616",
  "99999999999999999999",
  "-99999999999999999999",
  "1\x00",
  "\x001",
];

// ------------------------------------------------------------ reference model

/** Redis's string2ll, canonical form only: the int64, or undefined. */
function refInt(s: string): bigint | undefined {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return undefined;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
}

function refVarintSize(n: number): number {
  let size = 1;
  for (; n >= 128; n = Math.floor(n / 128)) size++;
  return size;
}

/** The entry size the layout in the module doc gives, computed independently. */
function refEntrySize(s: string): number {
  const v = refInt(s);
  if (v !== undefined) {
    if (v >= 0n && v <= 127n) return 1;
    if (v >= -4096n && v <= 4095n) return 2;
    for (let k = 2n; k <= 8n; k++) {
      const half = 2n ** (8n * k - 1n);
      if (v >= -half && v < half) return 1 + Number(k);
    }
    throw new Error("unreachable");
  }
  const n = s.length;
  if (n <= 63) return 1 + n;
  if (n <= 4159) return 2 + n;
  return 1 + refVarintSize(n) + n;
}

// ------------------------------------------------------------ generators

function byteString(rng: Prng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(256));
  return s;
}

/** A random decimal of 1–19 digits, maybe negative, maybe int64's edges. */
function randomInteger(rng: Prng): string {
  switch (rng.int(8)) {
    case 0:
      return rng.int(2) === 0 ? INT64_MIN : INT64_MAX;
    case 1: {
      // Near a width boundary: ±2^(8k-1) and ±2^(8k-1) - 1, for k = 1..8,
      // and 4095/4096/-4096/-4097, 127/128.
      const edges = [127n, 128n, 4095n, 4096n, -4096n, -4097n];
      for (let k = 1n; k <= 8n; k++) {
        const half = 2n ** (8n * k - 1n);
        edges.push(half - 1n, half, -half, -half - 1n);
      }
      const v = edges[rng.int(edges.length)];
      return String(v >= 2n ** 63n || v < -(2n ** 63n) ? 0n : v);
    }
    case 2:
      return String(rng.int(128));
    default: {
      const digits = rng.between(1, 19);
      let s = String(rng.between(1, 9));
      for (let i = 1; i < digits; i++) s += String(rng.int(10));
      if (rng.int(2) === 0) s = "-" + s;
      return refInt(s) === undefined ? s.slice(0, -1) || "1" : s;
    }
  }
}

/** A random byte string of up to `max` bytes: bytes, integers, near-integers. */
function randomString(rng: Prng, max: number): string {
  let s: string;
  switch (rng.int(6)) {
    case 0:
      s = "";
      break;
    case 1:
      s = randomInteger(rng);
      break;
    case 2:
      s = NOT_CANONICAL[rng.int(NOT_CANONICAL.length)];
      break;
    case 3:
      // An integer made non-canonical.
      s = ["0", "+", " ", "-0"][rng.int(4)] +
        randomInteger(rng).replace("-", "");
      break;
    default:
      s = byteString(rng, rng.int(max + 1));
  }
  return s.length <= max ? s : s.slice(0, max);
}

// ------------------------------------------------------------ helpers

/** Packs at a random offset into a buffer with slack on both sides. */
function packAt(
  value: PackableValue,
  rng: Prng,
): { bytes: Uint8Array; start: number; end: number } {
  const size = packedSize(value, {
    hashMaxListpackEntries: Infinity,
    hashMaxListpackValue: Infinity,
    setMaxIntsetEntries: Infinity,
    listMaxListpackSize: -5, // 64 KB
  });
  assert.ok(size > 0);
  const start = rng.int(16);
  const bytes = new Uint8Array(start + size + rng.int(16)).fill(0xa5);
  const end = pack(value, bytes, start);
  assert.equal(end - start, size, "packedSize is the bytes written");
  return { bytes, start, end };
}

function hashOf(pairs: [string, string][]): ByteHash {
  return ByteHash.from(pairs);
}

function listSizeOf(elements: string[]): number {
  return 1 + refVarintSize(elements.length) +
    elements.reduce((sum, s) => sum + refEntrySize(s), 0);
}

// ------------------------------------------------------------ layout

Deno.test("pack() writes the documented layout", () => {
  const out = new Uint8Array(128);
  let end = pack(hashOf([["a", "1"], ["", "-4096"]]), out, 0);
  assert.deepEqual([...out.subarray(0, end)], [
    0x01, // hash
    0x02, // 2 pairs
    0x81,
    0x61, // "a"
    0x01, // 1
    0x80, // ""
    0xc0,
    0x00, // -4096 as 13 bits
  ]);
  end = pack(ByteList.from(["4096", "x".repeat(64), INT64_MIN]), out, 0);
  assert.deepEqual([...out.subarray(0, 7)], [
    0x02, // list
    0x03, // 3 elements
    0xf2,
    0x00,
    0x10, // 4096 in 2 bytes, little-endian
    0xe0,
    0x00, // a string of 64 + 0 bytes
  ]);
  assert.deepEqual(
    [...out.subarray(7 + 64, end)],
    [0xf8, 0, 0, 0, 0, 0, 0, 0, 0x80],
  );
  end = pack(ByteSet.from(["1", "-2", "70000"]), out, 0);
  assert.deepEqual([...out.subarray(0, end)], [
    0x14, // intset of 4-byte members
    0x01,
    0x00,
    0x00,
    0x00,
    0xfe,
    0xff,
    0xff,
    0xff,
    0x70,
    0x11,
    0x01,
    0x00,
  ]);
  // A long string: a varint length.
  end = pack(ByteList.from(["y".repeat(5000)]), new Uint8Array(6000), 0);
  assert.equal(end, 1 + 1 + 1 + 2 + 5000);
});

Deno.test("a 5-field hash of 8-byte fields and values packs into ≤ 100 bytes", () => {
  const pairs: [string, string][] = [];
  for (let i = 0; i < 5; i++) pairs.push([`field:0${i}`, `value:0${i}`]);
  assert.equal(packedSize(hashOf(pairs)), 92);
});

Deno.test("integers are stored in the smallest form, other strings as strings", () => {
  const cases: [string, number][] = [
    ["0", 1],
    ["127", 1],
    ["128", 2],
    ["-1", 2],
    ["4095", 2],
    ["-4096", 2],
    ["4096", 3],
    ["-4097", 3],
    ["32767", 3],
    ["-32768", 3],
    ["32768", 4],
    ["8388607", 4],
    ["8388608", 5],
    ["-2147483648", 5],
    ["2147483648", 6],
    ["549755813887", 6],
    ["549755813888", 7],
    ["140737488355327", 7],
    ["-140737488355328", 7],
    ["140737488355328", 8],
    ["999999999999999", 8],
    ["1000000000000000", 8],
    ["9007199254740993", 8],
    ["36028797018963967", 8],
    ["-36028797018963968", 8],
    ["36028797018963968", 9],
    ["-36028797018963969", 9],
    [INT64_MAX, 9],
    [INT64_MIN, 9],
  ];
  for (const s of NOT_CANONICAL) cases.push([s, 1 + s.length]);
  const rng = new Prng(1);
  for (const [s, size] of cases) {
    assert.equal(refEntrySize(s), size, `model: ${s}`);
    const list = ByteList.from([s]);
    assert.equal(packedSize(list), 2 + size, s);
    const { bytes, start, end } = packAt(list, rng);
    assert.deepEqual(unpackList(bytes, start, end).toArray(), [s], s);
    const hash = hashOf([[s, s]]);
    const at = packAt(hash, rng);
    assert.deepEqual(unpackHash(at.bytes, at.start, at.end).fieldsAndValues(), [
      s,
      s,
    ]);
  }
});

// ------------------------------------------------------------ round trips

Deno.test("hashes round-trip under random contents, in order", () => {
  const rng = new Prng(0x5eed1);
  for (let round = 0; round < 400; round++) {
    const n = rng.int(4) === 0 ? rng.int(129) : rng.int(12);
    const pairs: [string, string][] = [];
    const seen = new Set<string>();
    while (pairs.length < n) {
      const field = randomString(rng, 64);
      if (seen.has(field)) continue;
      seen.add(field);
      pairs.push([field, randomString(rng, 64)]);
    }
    const hash = hashOf(pairs);
    const expected = listSizeOf(hash.fieldsAndValues()) -
      refVarintSize(2 * n) + refVarintSize(n);
    assert.equal(packedSize(hash), expected, `round ${round}`);
    const { bytes, start, end } = packAt(hash, rng);
    assert.equal(bytes[start - 1] ?? 0xa5, 0xa5, "nothing before start");
    assert.equal(bytes[end] ?? 0xa5, 0xa5, "nothing after end");
    const back = unpackHash(bytes, start, end);
    assert.deepEqual(back.fieldsAndValues(), hash.fieldsAndValues());
    assert.equal(packedType(bytes, start), "hash");
    assert.equal(packedCount(bytes, start, end), n);
  }
});

Deno.test("sets of integers round-trip under random contents, in order", () => {
  const rng = new Prng(0x5eed2);
  for (let round = 0; round < 300; round++) {
    const n = rng.int(4) === 0 ? rng.int(513) : rng.int(20);
    const members: string[] = [];
    const seen = new Set<string>();
    const narrow = rng.int(3);
    while (members.length < n) {
      const s = narrow === 0
        ? String(rng.between(-32768, 32767))
        : narrow === 1
        ? String(rng.between(-2147483648, 2147483647))
        : randomInteger(rng);
      if (seen.has(s)) continue;
      seen.add(s);
      members.push(s);
    }
    const set = ByteSet.from(members);
    let width = 2;
    for (const s of members) {
      const v = refInt(s)!;
      if (v < -(2n ** 15n) || v >= 2n ** 15n) width = Math.max(width, 4);
      if (v < -(2n ** 31n) || v >= 2n ** 31n) width = 8;
    }
    assert.equal(packedSize(set), 1 + n * width, `round ${round}`);
    const { bytes, start, end } = packAt(set, rng);
    assert.equal(bytes[start], 0x10 | width);
    assert.deepEqual(unpackSet(bytes, start, end).members(), members);
    assert.equal(packedType(bytes, start), "set");
    assert.equal(packedCount(bytes, start, end), n);
  }
});

Deno.test("lists round-trip under random contents, in order", () => {
  const rng = new Prng(0x5eed3);
  for (let round = 0; round < 300; round++) {
    const n = rng.int(4) === 0 ? rng.int(300) : rng.int(25);
    const elements: string[] = [];
    for (let i = 0; i < n; i++) {
      elements.push(randomString(rng, rng.int(10) === 0 ? 300 : 40));
    }
    const list = ByteList.from(elements);
    const size = listSizeOf(elements);
    assert.equal(packedSize(list), size <= 8192 ? size : -1, `round ${round}`);
    const { bytes, start, end } = packAt(list, rng);
    assert.deepEqual(unpackList(bytes, start, end).toArray(), elements);
    assert.equal(packedType(bytes, start), "list");
    assert.equal(packedCount(bytes, start, end), n);
  }
});

Deno.test("every byte value, empty strings and long strings round-trip", () => {
  const rng = new Prng(4);
  const all = byteString(rng, 0) +
    Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
  const elements = [
    "",
    all,
    "",
    "\x00",
    "\xff",
    "\x80\x9f",
    "x".repeat(4159),
    "x".repeat(4160),
  ];
  for (let n = 0; n <= 70; n++) elements.push(all.slice(n, 2 * n));
  const list = ByteList.from(elements);
  const { bytes, start, end } = packAt(list, rng);
  assert.deepEqual(unpackList(bytes, start, end).toArray(), elements);
  // A hash of 64-byte chunks covering every byte value.
  const pairs: [string, string][] = [["", ""]];
  for (let i = 0; i < 256; i += 64) {
    pairs.push([all.slice(i, i + 64), all.slice(192 - i, 256 - i)]);
  }
  const hash = hashOf(pairs);
  assert.ok(packedSize(hash) > 0);
  const at = packAt(hash, rng);
  assert.deepEqual(
    unpackHash(at.bytes, at.start, at.end).fieldsAndValues(),
    pairs.flat(),
  );
});

Deno.test("empty collections pack", () => {
  const out = new Uint8Array(4);
  assert.equal(pack(new ByteHash(), out, 0), 2);
  assert.equal(unpackHash(out, 0, 2).size, 0);
  assert.equal(pack(new ByteList(), out, 0), 2);
  assert.equal(unpackList(out, 0, 2).length, 0);
  assert.equal(pack(new ByteSet(), out, 0), 1);
  assert.equal(unpackSet(out, 0, 1).size, 0);
  assert.equal(packedCount(out, 0, 1), 0);
});

// ------------------------------------------------------------ order

Deno.test("order survives deletes, re-adds, replaced values and a past beyond 128", () => {
  const rng = new Prng(6);
  const hash = new ByteHash();
  for (let i = 0; i < 20; i++) hash.set(`f${i}`, `${i}`);
  hash.delete("f3");
  hash.delete("f0");
  hash.set("f3", "back");
  hash.set("f7", "replaced");
  let at = packAt(hash, rng);
  assert.deepEqual(
    unpackHash(at.bytes, at.start, at.end).fieldsAndValues(),
    hash.fieldsAndValues(),
  );

  // Past 128 fields the order becomes a hashtable's; back under, it is
  // whatever fields() says, and unpacking keeps it.
  const big = new ByteHash();
  for (let i = 0; i < 200; i++) big.set(`f${i}`, `v${i}`);
  for (let i = 0; i < 150; i += 1 + (i % 3)) big.delete(`f${i}`);
  assert.ok(big.size <= 128);
  at = packAt(big, rng);
  assert.deepEqual(
    unpackHash(at.bytes, at.start, at.end).fieldsAndValues(),
    big.fieldsAndValues(),
  );

  const set = new ByteSet();
  for (let i = 0; i < 300; i++) set.add(String(i * 7 - 1000));
  for (let i = 0; i < 300; i += 2) set.delete(String(i * 7 - 1000));
  set.add("5");
  at = packAt(set, rng);
  assert.deepEqual(
    unpackSet(at.bytes, at.start, at.end).members(),
    set.members(),
  );

  // A ring buffer that wrapped around.
  const list = new ByteList();
  for (let i = 0; i < 10; i++) list.pushRight(`r${i}`);
  for (let i = 0; i < 7; i++) list.popLeft();
  for (let i = 0; i < 5; i++) list.pushLeft(`l${i}`);
  list.insert("r8", "mid", false);
  at = packAt(list, rng);
  assert.deepEqual(
    unpackList(at.bytes, at.start, at.end).toArray(),
    list.toArray(),
  );
});

Deno.test("unpacked collections take the source of randomness", () => {
  const out = new Uint8Array(64);
  const pairs: [string, string][] = [["a", "1"], ["b", "2"], ["c", "3"]];
  let end = pack(hashOf(pairs), out, 0);
  assert.equal(
    unpackHash(out, 0, end, { random: () => 0.99 }).randomField(),
    "c",
  );
  end = pack(ByteSet.from(["1", "2", "3"]), out, 0);
  assert.equal(unpackSet(out, 0, end, { random: () => 0 }).random(), "1");
});

// ------------------------------------------------------------ thresholds

Deno.test("PACKED_LIMITS are Redis 7.0.15's defaults", () => {
  assert.deepEqual({ ...PACKED_LIMITS }, {
    hashMaxListpackEntries: 512,
    hashMaxListpackValue: 64,
    setMaxIntsetEntries: 512,
    listMaxListpackSize: -2,
  });
  assert.ok(Object.isFrozen(PACKED_LIMITS));
});

Deno.test("a hash packs with 512 fields, not 513", () => {
  const hash = new ByteHash();
  for (let i = 0; i < 512; i++) hash.set(`field:${i}`, `value:${i}`);
  assert.ok(packedSize(hash) > 0);
  hash.set("one more", "x");
  assert.equal(packedSize(hash), -1);
  hash.delete("field:0");
  assert.ok(packedSize(hash) > 0);
});

Deno.test("a hash packs with 64-byte fields and values, not 65", () => {
  const b64 = "b".repeat(64);
  const b65 = "b".repeat(65);
  assert.equal(packedSize(hashOf([[b64, b64]])), 2 + 2 * 66);
  assert.equal(packedSize(hashOf([["f", b65]])), -1);
  assert.equal(packedSize(hashOf([[b65, "v"]])), -1);
  assert.equal(packedSize(hashOf([["a", "1"], ["f", b65], ["b", "2"]])), -1);
  // The length of the string counts, not its integer encoding.
  const digits = "1".repeat(65);
  assert.equal(packedSize(hashOf([["f", digits]])), -1);
});

Deno.test("a set packs with 512 integers, not 513, nor with a non-integer", () => {
  const set = new ByteSet();
  for (let i = 0; i < 512; i++) set.add(String(i));
  assert.equal(packedSize(set), 1 + 512 * 2);
  set.add("512");
  assert.equal(packedSize(set), -1);
  set.delete("0");
  assert.equal(packedSize(set), 1 + 512 * 2);
  for (const s of [...NOT_CANONICAL, "a", ""]) {
    const small = ByteSet.from(["1", s, "2"]);
    assert.equal(packedSize(small), -1, JSON.stringify(s));
    assert.throws(() => pack(small, new Uint8Array(100), 0), RangeError);
  }
  assert.equal(packedSize(ByteSet.from([INT64_MIN, INT64_MAX])), 17);
});

Deno.test("a list packs when its encoding has at most 8 KB", () => {
  // 1 tag + 1 count byte + 100 elements of 2 + 78 bytes = 8,002; then grow
  // the last element until the total is exactly 8,192.
  const elements = Array.from(
    { length: 100 },
    (_, i) => `${i}`.padEnd(78, "-"),
  );
  let size = listSizeOf(elements);
  const last = elements.length - 1;
  elements[last] = elements[last].padEnd(
    elements[last].length + 8192 - size,
    "+",
  );
  size = listSizeOf(elements);
  assert.equal(size, 8192);
  const list = ByteList.from(elements);
  assert.equal(packedSize(list), 8192);
  const rng = new Prng(7);
  const { bytes, start, end } = packAt(list, rng);
  assert.deepEqual(unpackList(bytes, start, end).toArray(), elements);
  list.pushRight("");
  assert.equal(packedSize(list), -1, "8,193 bytes");
  list.popRight();
  list.pushRight(list.popRight()!.slice(1));
  assert.equal(packedSize(list), 8191);
  // Many tiny elements: refused from the count alone.
  assert.equal(packedSize(ByteList.from(Array(9000).fill("1"))), -1);
  assert.equal(packedSize(ByteList.from(Array(8000).fill("1"))), 1 + 2 + 8000);
  // One element past 8 KB.
  assert.equal(packedSize(ByteList.from(["z".repeat(8190)])), -1);
});

Deno.test("list-max-listpack-size other than -2", () => {
  const limits = (fill: number) => ({
    ...PACKED_LIMITS,
    listMaxListpackSize: fill,
  });
  const list = ByteList.from(Array(5000).fill("abc")); // 1 + 2 + 5000 × 4
  assert.equal(packedSize(list, limits(-1)), -1);
  assert.equal(packedSize(list, limits(-2)), -1);
  assert.equal(packedSize(list, limits(-3)), -1);
  assert.equal(packedSize(list, limits(-4)), 20003);
  assert.equal(packedSize(list, limits(-5)), 20003);
  assert.equal(packedSize(list, limits(5000)), -1, "a count: 8 KB at most");
  const short = ByteList.from(["a", "b", "c"]);
  assert.equal(packedSize(short, limits(3)), 8);
  assert.equal(packedSize(short, limits(2)), -1);
});

Deno.test("thresholds can be set", () => {
  const limits = {
    ...PACKED_LIMITS,
    hashMaxListpackEntries: 2,
    hashMaxListpackValue: 3,
    setMaxIntsetEntries: 1,
  };
  assert.equal(packedSize(hashOf([["a", "1"], ["b", "2"]]), limits), 8);
  assert.equal(
    packedSize(hashOf([["a", "1"], ["b", "2"], ["c", "3"]]), limits),
    -1,
  );
  assert.equal(packedSize(hashOf([["abcd", "1"]]), limits), -1);
  assert.equal(packedSize(ByteSet.from(["1"]), limits), 3);
  assert.equal(packedSize(ByteSet.from(["1", "2"]), limits), -1);
});

// ------------------------------------------------------------ errors

Deno.test("pack() refuses a buffer without room, at every offset", () => {
  const values: PackableValue[] = [
    hashOf([["field", "value"], ["n", "123456789"], [
      "x".repeat(64),
      INT64_MIN,
    ]]),
    ByteSet.from(["1", "100000", INT64_MAX]),
    ByteList.from(["a", "-1", "1000000", "y".repeat(70), "z".repeat(5000)]),
  ];
  for (const value of values) {
    const size = packedSize(value);
    for (let room = 0; room < size; room++) {
      assert.throws(
        () => pack(value, new Uint8Array(3 + room), 3),
        RangeError,
        `${value.type} in ${room} bytes`,
      );
    }
    assert.equal(pack(value, new Uint8Array(3 + size), 3), 3 + size);
  }
  assert.throws(() => pack(new ByteList(), new Uint8Array(8), -1), RangeError);
  assert.throws(() => pack(new ByteList(), new Uint8Array(8), 0.5), RangeError);
});

Deno.test("unpacking refuses bytes that are not a packed value of the type", () => {
  const out = new Uint8Array(64);
  const hashEnd = pack(hashOf([["a", "1"], ["bb", "1000"]]), out, 0);
  assert.throws(() => unpackList(out, 0, hashEnd), RangeError);
  assert.throws(() => unpackSet(out, 0, hashEnd), RangeError);
  for (let end = 0; end < hashEnd; end++) {
    assert.throws(() => unpackHash(out, 0, end), RangeError, `end ${end}`);
  }
  assert.throws(
    () => unpackHash(out, 0, hashEnd + 1),
    RangeError,
    "trailing bytes",
  );
  assert.throws(() => unpackHash(out, 0, out.length + 1), RangeError);
  const setEnd = pack(ByteSet.from(["1", "2"]), out, 0);
  assert.throws(() => unpackSet(out, 0, setEnd - 1), RangeError);
  assert.throws(() => unpackHash(out, 0, setEnd), RangeError);
  out[0] = 0x13;
  assert.throws(() => unpackSet(out, 0, setEnd), RangeError);
  assert.throws(() => packedType(out, 0), RangeError);
  // Bytes never written: 0xF1 and 0xF9-0xFF.
  for (const bad of [0xf1, 0xf9, 0xff]) {
    const bytes = new Uint8Array([0x02, 0x01, bad, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => unpackList(bytes, 0, bytes.length), RangeError);
  }
  // A count beyond the bytes.
  const lying = new Uint8Array([0x02, 0xff, 0x7f, 0x01]);
  assert.throws(() => unpackList(lying, 0, lying.length), RangeError);
});
