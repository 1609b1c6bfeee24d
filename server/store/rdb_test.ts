import assert from "node:assert/strict";
import {
  BAD_FORMAT,
  BAD_PAYLOAD,
  crc64,
  dumpValue,
  restoreValue,
} from "./rdb.ts";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";

/** Payloads redis-server 7.0.15 gave for DUMP. */
const FROM_REDIS = {
  /** "a" × 100: LZF-compressed. */
  lzf: "\x00\xc3\x09@d\x01aa\xe0W\x00\x01aa\x0a\x00\xe8\xa3\xb5\x07\xb0m\xf2q",
  /** "12345": a 16-bit integer. */
  int16: "\x00\xc190\x0a\x00\x9d\x94\xea'\x93\xfc\x08\xb9",
  /** "-7": an 8-bit integer. */
  int8: "\x00\xc0\xf9\x0a\x00^&\xd10\xd7\xa2B\xab",
  /** SADD s 1 2: an intset, which CacheMir does not read. */
  intset:
    "\x0b\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x02\x00\x0a\x00oy8\xb14\xeb .",
  /** HSET h f v: a listpack, which CacheMir does not read. */
  listpack:
    "\x10\x0d\x0d\x00\x00\x00\x02\x00\x81f\x02\x81v\x02\xff\x0a\x00 \xf1=D#T\x08\x9d",
};

Deno.test("dumpValue writes what redis-server writes for a short string, CRC-64 included", () => {
  assert.equal(
    dumpValue("v"),
    "\x00\x01v\x0a\x00\x91\x08\xce\xb2\x19\x38\x8a\xce",
  );
  // Redis's crc64.c check value for "123456789": 0xe9c6d914c4b8d9ca.
  assert.equal(crc64("123456789"), "\xca\xd9\xb8\xc4\x14\xd9\xc6\xe9");
});

Deno.test("restoreValue reads Redis's string forms: LZF, 8- and 16-bit integers", () => {
  assert.equal(restoreValue(FROM_REDIS.lzf).value, "a".repeat(100));
  assert.equal(restoreValue(FROM_REDIS.int16).value, "12345");
  assert.equal(restoreValue(FROM_REDIS.int8).value, "-7");
  assert.equal(restoreValue(FROM_REDIS.intset).error, BAD_FORMAT);
  assert.equal(restoreValue(FROM_REDIS.listpack).error, BAD_FORMAT);
});

Deno.test("dumpValue and restoreValue round-trip every type, any bytes, any length", () => {
  const long = "x".repeat(70_000);
  const bin = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i))
    .join("");
  const values = [
    "",
    bin,
    long,
    ByteList.from(["a", "", long, "127", "9223372036854775808"]),
    ByteSet.from(["1", "-2", "a", bin]),
    ByteHash.from([["f", "v"], ["", long], [bin, ""]]),
    ByteSet.from(Array.from({ length: 20_000 }, (_, i) => `m${i}`)),
  ];
  for (const value of values) {
    const back = restoreValue(dumpValue(value)).value;
    if (typeof value === "string") assert.equal(back, value);
    else if (value instanceof ByteList) {
      assert.deepEqual((back as ByteList).toArray(), value.toArray());
    } else if (value instanceof ByteSet) {
      assert.deepEqual((back as ByteSet).members(), value.members());
    } else {
      assert.deepEqual(
        (back as ByteHash).fieldsAndValues(),
        (value as ByteHash).fieldsAndValues(),
      );
    }
  }
});

Deno.test("restoreValue refuses a wrong checksum or version, and a bad value after a good checksum", () => {
  const good = dumpValue("hello");
  const flipped = good.slice(0, 3) + "X" + good.slice(4);
  assert.equal(restoreValue(flipped).error, BAD_PAYLOAD);
  assert.equal(restoreValue("short").error, BAD_PAYLOAD);
  const body = "\x00\x05hello\x0b\x00"; // version 11
  assert.equal(restoreValue(body + crc64(body)).error, BAD_PAYLOAD);
  const withCrc = (b: string) => b + crc64(b);
  assert.equal(restoreValue(withCrc("\x00\x09hi\x0a\x00")).error, BAD_FORMAT); // truncated
  assert.equal(restoreValue(withCrc("\x02\x00\x0a\x00")).error, BAD_FORMAT); // empty set
  assert.equal(
    restoreValue(withCrc("\x02\x02\x01a\x01a\x0a\x00")).error,
    BAD_FORMAT,
  ); // repeated member
  assert.equal(restoreValue(withCrc("\x00\x01ab\x0a\x00")).error, BAD_FORMAT); // trailing byte
  assert.equal(restoreValue(withCrc("\x07\x00\x0a\x00")).error, BAD_FORMAT); // a zset
});

Deno.test("restoreValue refuses corrupt LZF strings and reads a short back reference", () => {
  const lzf = (data: string, len: number) => {
    const body = "\x00\xc3" + String.fromCharCode(data.length, len) + data +
      "\x0a\x00";
    return restoreValue(body + crc64(body));
  };
  // One literal 'a', then 3 bytes copied from 1 back: "aaaa".
  assert.equal(lzf("\x00a\x20\x00", 4).value, "aaaa");
  assert.equal(lzf("\x20\x00", 3).error, BAD_FORMAT); // reference before the start
  assert.equal(lzf("\x00a", 2).error, BAD_FORMAT); // shorter than declared
  assert.equal(lzf("\x01ab", 1).error, BAD_FORMAT); // longer than declared
  assert.equal(lzf("\x02ab", 3).error, BAD_FORMAT); // literal cut short
  assert.equal(lzf("\x00a\x20", 4).error, BAD_FORMAT); // reference cut short
  assert.equal(lzf("\x00a\xe0", 12).error, BAD_FORMAT); // long reference cut short
});
