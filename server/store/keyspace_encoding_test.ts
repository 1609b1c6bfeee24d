/**
 * The keyspace's encodings (OBJECT ENCODING), packing thresholds (CONFIG
 * SET), the raw mark of strings edited in place, and MEMORY USAGE.
 */

import assert from "node:assert/strict";
import { Keyspace } from "./keyspace.ts";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";
import { PACKED_LIMITS } from "./packed.ts";

function ints(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

Deno.test("Keyspace.objectEncoding names strings int, embstr and raw by their bytes", () => {
  const ks = new Keyspace();
  const cases: [string, string][] = [
    ["0", "int"],
    ["-9223372036854775808", "int"],
    ["9223372036854775808", "embstr"],
    ["007", "embstr"],
    ["x".repeat(44), "embstr"],
    ["x".repeat(45), "raw"],
    ["", "embstr"],
  ];
  for (const [i, [value, encoding]] of cases.entries()) {
    ks.set(`k${i}`, value);
    assert.equal(ks.objectEncoding(`k${i}`), encoding, value);
  }
  assert.equal(ks.objectEncoding("missing"), undefined);
});

Deno.test("Keyspace.objectEncoding: a string written in place is raw until it is written whole again, and RENAME keeps it", () => {
  const ks = new Keyspace();
  ks.set("k", "12");
  const span = ks.writableString("k", 2); // as SETRANGE and SETBIT do
  assert.ok(span !== false);
  assert.equal(ks.objectEncoding("k"), "raw");
  assert.equal(ks.get("k"), "12");
  assert.ok(ks.rename("k", "r"));
  assert.equal(ks.objectEncoding("r"), "raw");
  ks.set("r", "12", Date.now() + 10_000);
  assert.equal(ks.objectEncoding("r"), "int");
  ks.setBytes("b", new Uint8Array([0x31]), undefined, true); // BITOP's result
  assert.equal(ks.objectEncoding("b"), "raw");
});

Deno.test("Keyspace.objectEncoding: packed hashes and sets are listpack and intset, past the thresholds hashtable, lists quicklist", () => {
  const ks = new Keyspace();
  ks.set("h", ByteHash.from([["f", "v"]]));
  ks.set("h-long", ByteHash.from([["f", "v".repeat(65)]]));
  ks.set("s", ByteSet.from(ints(512)));
  ks.set("s-big", ByteSet.from(ints(513)));
  ks.set("s-word", ByteSet.from(["a"]));
  ks.set("l", ByteList.from(["a", "b"]));
  ks.set("l-long", ByteList.from(Array(3000).fill("x".repeat(10))));
  // Before packing: named by whether they will pack.
  assert.equal(ks.objectEncoding("h"), "listpack");
  assert.equal(ks.objectEncoding("s-big"), "hashtable");
  ks.packCollections();
  assert.equal(ks.objectEncoding("h"), "listpack");
  assert.equal(ks.objectEncoding("h-long"), "hashtable");
  assert.equal(ks.objectEncoding("s"), "intset");
  assert.equal(ks.objectEncoding("s-big"), "hashtable");
  assert.equal(ks.objectEncoding("s-word"), "hashtable");
  assert.equal(ks.objectEncoding("l"), "quicklist");
  assert.equal(ks.objectEncoding("l-long"), "quicklist");
});

Deno.test("Keyspace: a hash or set past the thresholds stays a hashtable when it shrinks; a list packs again", () => {
  const ks = new Keyspace();
  const set = ByteSet.from(ints(513));
  ks.set("s", set);
  ks.packCollections();
  assert.equal(ks.objectEncoding("s"), "hashtable");
  const held = ks.get("s") as ByteSet;
  for (let i = 0; i < 510; i++) held.delete(String(i));
  ks.packCollections();
  assert.equal(ks.objectEncoding("s"), "hashtable");
  // Renamed, it is still the same structure.
  ks.rename("s", "t");
  ks.packCollections();
  assert.equal(ks.objectEncoding("t"), "hashtable");
  // Deleted and made again: a fresh value packs.
  ks.delete("t");
  ks.set("t", ByteSet.from(["1"]));
  ks.packCollections();
  assert.equal(ks.objectEncoding("t"), "intset");

  const list = ByteList.from(Array(3000).fill("x".repeat(10)));
  ks.set("l", list);
  ks.packCollections();
  const before = ks.memoryUsage("l")!;
  const l = ks.get("l") as ByteList;
  while (l.length > 2) l.popLeft();
  ks.packCollections();
  assert.ok(ks.memoryUsage("l")! < before);
  assert.equal(ks.objectEncoding("l"), "quicklist");
});

Deno.test("Keyspace.configurePacking changes the thresholds for the next writes, not the values held", () => {
  const ks = new Keyspace({ packing: { hashMaxListpackEntries: 2 } });
  assert.equal(ks.packedLimits.hashMaxListpackEntries, 2);
  assert.equal(
    ks.packedLimits.setMaxIntsetEntries,
    PACKED_LIMITS.setMaxIntsetEntries,
  );
  ks.set("h3", ByteHash.from([["a", "1"], ["b", "2"], ["c", "3"]]));
  ks.set("s3", ByteSet.from(["1", "2", "3"]));
  ks.packCollections();
  assert.equal(ks.objectEncoding("h3"), "hashtable");
  assert.equal(ks.objectEncoding("s3"), "intset");
  ks.configurePacking({ setMaxIntsetEntries: 2, hashMaxListpackValue: 1 });
  // Held as it was until a command touches it.
  assert.equal(ks.objectEncoding("s3"), "intset");
  ks.set("s4", ByteSet.from(["1", "2", "3"]));
  ks.set("h1", ByteHash.from([["a", "12"]]));
  ks.packCollections();
  assert.equal(ks.objectEncoding("s4"), "hashtable");
  assert.equal(ks.objectEncoding("h1"), "hashtable");
  ks.configurePacking({ listMaxListpackSize: 1 });
  ks.set("l", ByteList.from(["a", "b"]));
  ks.packCollections();
  assert.equal(ks.objectEncoding("l"), "quicklist");
  assert.deepEqual((ks.get("l") as ByteList).toArray(), ["a", "b"]);
});

Deno.test("Keyspace.memoryUsage counts the record, the index share and a structure", () => {
  const ks = new Keyspace();
  ks.set("small", "v");
  ks.set("big", "v".repeat(1000));
  const small = ks.memoryUsage("small")!;
  const big = ks.memoryUsage("big")!;
  assert.ok(small > 0 && big >= small + 990, `${small} ${big}`);
  ks.set("set", ByteSet.from(Array.from({ length: 2000 }, (_, i) => `m${i}`)));
  ks.packCollections();
  assert.ok(ks.memoryUsage("set")! > 2000 * 5);
  assert.equal(ks.memoryUsage("missing"), undefined);
});
