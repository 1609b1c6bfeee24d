/**
 * Benchmarks of the packed encodings (`packed.ts`): pack and unpack of a
 * 5-field hash of 8-byte fields and values, a 10-member intset and a
 * 20-element list; and the ways to decode an 8–64-byte string from bytes,
 * which chose `decodeBytes` in `packed.ts`.
 *
 * Run: `deno bench -A server/store/packed_bench.ts` (it prints the bytes of
 * each encoding first, against Redis 7.0.15's for the same value).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { toByteString } from "@cachemir/protocol";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";
import {
  pack,
  type PackableValue,
  packedSize,
  unpackHash,
  unpackList,
  unpackSet,
} from "./packed.ts";

// ------------------------------------------------------------ the values

const hashPairs: [string, string][] = [];
for (let i = 0; i < 5; i++) hashPairs.push([`field:0${i}`, `value:0${i}`]);
const hash = ByteHash.from(hashPairs);

const intMembers = [
  "1",
  "42",
  "-7",
  "1000",
  "65535",
  "100000",
  "-123456",
  "2147483647",
  "31",
  "777",
];
const intset = ByteSet.from(intMembers);

const listElements: string[] = [];
for (let i = 0; i < 20; i++) {
  listElements.push(
    i % 4 === 3 ? String(i * 1000) : `element:${i < 10 ? "0" : ""}${i}`,
  );
}
const list = ByteList.from(listElements);

// ------------------------------------------------------------ Redis's sizes

/** Bytes of one listpack entry in Redis 7.0 (encoding + data + back-length). */
function redisListpackEntry(s: string): number {
  let size: number;
  if (/^(0|-?[1-9][0-9]*)$/.test(s) && s.length <= 20) {
    const v = BigInt(s);
    size = v >= 0n && v <= 127n
      ? 1
      : v >= -4096n && v <= 4095n
      ? 2
      : v >= -(2n ** 15n) && v < 2n ** 15n
      ? 3
      : v >= -(2n ** 23n) && v < 2n ** 23n
      ? 4
      : v >= -(2n ** 31n) && v < 2n ** 31n
      ? 5
      : 9;
  } else {
    size = s.length <= 63
      ? 1 + s.length
      : s.length <= 4095
      ? 2 + s.length
      : 5 + s.length;
  }
  return size + (size <= 127 ? 1 : size < 16383 ? 2 : 3);
}

/** Bytes of a listpack of `entries` (6-byte header, 1 end byte). */
function redisListpack(entries: string[]): number {
  return 7 + entries.reduce((sum, s) => sum + redisListpackEntry(s), 0);
}

/** Bytes of an intset (8-byte header, members of the widest width). */
function redisIntset(members: string[]): number {
  let width = 2;
  for (const s of members) {
    const v = BigInt(s);
    if (v < -(2n ** 31n) || v >= 2n ** 31n) width = 8;
    else if ((v < -(2n ** 15n) || v >= 2n ** 15n) && width < 4) width = 4;
  }
  return 8 + members.length * width;
}

function heapBytes(value: PackableValue): string {
  const bytes = (value as { memoryBytes?: number }).memoryBytes;
  return bytes === undefined ? "?" : String(bytes);
}

console.log(
  "packed bytes (Redis 7.0.15's encoding of the same value; V8 heap of the JS structure):",
);
console.log(
  `  hash, 5 fields × 8 B:  ${packedSize(hash)} B (listpack ${
    redisListpack(hash.fieldsAndValues())
  } B; ByteHash ${heapBytes(hash)} B)`,
);
console.log(
  `  intset, 10 members:    ${packedSize(intset)} B (intset ${
    redisIntset(intMembers)
  } B; ByteSet ${heapBytes(intset)} B)`,
);
console.log(
  `  list, 20 elements:     ${packedSize(list)} B (listpack ${
    redisListpack(listElements)
  } B; ByteList ${heapBytes(list)} B)`,
);

// ------------------------------------------------------------ pack / unpack

const out = new Uint8Array(1 << 16);
const sink: { value: unknown } = { value: undefined };
let at = 0;

/** A different offset each time, as records in an arena page. */
function nextOffset(): number {
  at = (at + 1021) & 0x7fff;
  return at;
}

const cases = [
  {
    name: "hash 5×8B",
    value: hash as PackableValue,
    unpack: (b: Uint8Array, s: number, e: number): unknown =>
      unpackHash(b, s, e),
    build: (): unknown => ByteHash.from(hashPairs),
  },
  {
    name: "intset 10",
    value: intset as PackableValue,
    unpack: (b: Uint8Array, s: number, e: number): unknown =>
      unpackSet(b, s, e),
    build: (): unknown => ByteSet.from(intMembers),
  },
  {
    name: "list 20",
    value: list as PackableValue,
    unpack: (b: Uint8Array, s: number, e: number): unknown =>
      unpackList(b, s, e),
    build: (): unknown => ByteList.from(listElements),
  },
];

let spareAt = 40000;
for (const { name, value, unpack, build } of cases) {
  const size = packedSize(value);
  const packedAt = spareAt;
  spareAt += size;
  pack(value, out, packedAt);
  Deno.bench({
    name: `packedSize ${name}`,
    group: `pack ${name}`,
    fn() {
      sink.value = packedSize(value);
    },
  });
  Deno.bench({
    name: `pack ${name}`,
    group: `pack ${name}`,
    baseline: true,
    fn() {
      sink.value = pack(value, out, nextOffset());
    },
  });
  Deno.bench({
    name: `packedSize + pack ${name}`,
    group: `pack ${name}`,
    fn() {
      if (packedSize(value) > 0) sink.value = pack(value, out, nextOffset());
    },
  });
  Deno.bench({
    name: `unpack ${name}`,
    group: `unpack ${name}`,
    baseline: true,
    fn() {
      sink.value = unpack(out, packedAt, packedAt + size);
    },
  });
  Deno.bench({
    name: `build from strings ${name} (no decoding)`,
    group: `unpack ${name}`,
    fn() {
      sink.value = build();
    },
  });
  Deno.bench({
    name: `round trip ${name}`,
    group: `round trip`,
    fn() {
      const start = nextOffset();
      const end = pack(value, out, start);
      sink.value = unpack(out, start, end);
    },
  });
}

// ------------------------------------------------------------ decoding strings

const bytes = new Uint8Array(1 << 16);
for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 255;
const fromCharCode = String.fromCharCode;
type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
const latin1Slice =
  (Buffer.prototype as unknown as { latin1Slice: Latin1Slice }).latin1Slice;
const scratchArrays: number[][] = Array.from(
  { length: 65 },
  (_, n) => new Array<number>(n).fill(0),
);

// deno-fmt-ignore
/** Exact-arity `fromCharCode` for 8 and 16 bytes (as `packed.ts` does up to 16). */
function exactArity(b: Uint8Array, s: number, n: number): string {
  if (n === 8) {
    return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
  }
  return fromCharCode(
    b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7],
    b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15],
  );
}

let pos = 0;
function nextPos(): number {
  pos = (pos + 97) & 0x7fff;
  return pos;
}

for (const n of [8, 16, 32, 64]) {
  const group = `decode ${n} B`;
  if (n <= 16) {
    Deno.bench({
      name: `fromCharCode(exact arity) ${n} B`,
      group,
      fn() {
        sink.value = exactArity(bytes, nextPos(), n);
      },
    });
  }
  Deno.bench({
    name: `fromCharCode.apply(scratch array) ${n} B`,
    group,
    fn() {
      const s = nextPos();
      const codes = scratchArrays[n];
      for (let i = 0; i < n; i++) codes[i] = bytes[s + i];
      sink.value = fromCharCode.apply(null, codes);
    },
  });
  Deno.bench({
    name: `fromCharCode.apply(subarray) ${n} B`,
    group,
    fn() {
      const s = nextPos();
      sink.value = fromCharCode.apply(
        null,
        bytes.subarray(s, s + n) as unknown as number[],
      );
    },
  });
  Deno.bench({
    name: `latin1Slice ${n} B`,
    group,
    baseline: true,
    fn() {
      const s = nextPos();
      sink.value = latin1Slice.call(bytes, s, s + n);
    },
  });
  Deno.bench({
    name: `protocol toByteString ${n} B`,
    group,
    fn() {
      const s = nextPos();
      sink.value = toByteString(bytes, s, s + n);
    },
  });
  // Through the codec: a one-element list of n bytes, end to end.
  const element = latin1Slice.call(bytes, 0, n);
  const packedAt = spareAt;
  const end = pack(ByteList.from([element]), out, packedAt);
  spareAt = end;
  Deno.bench({
    name: `unpackList of one ${n}-byte element`,
    group,
    fn() {
      sink.value = unpackList(out, packedAt, end);
    },
  });
}
