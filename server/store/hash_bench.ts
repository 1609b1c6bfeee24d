/**
 * ByteHash benchmarks: get/set/delete and random fields on a 10-field and a
 * 1,000,000-field hash, against a plain JS `Map`.
 *
 * Run: `deno bench -A --v8-flags=--expose-gc server/store/hash_bench.ts`
 * (with `--expose-gc` it also prints memory per field against `Map`).
 *
 * @module
 */

import { ByteHash } from "./hash.ts";
import { distinctStrings, measureBytes } from "./_testing.ts";

const BIG = 1_000_000;
const fields = distinctStrings(BIG, 16, "f");
const values = distinctStrings(1024, 16, "v");
const absent = distinctStrings(1024, 16, "z");

function hashOf(n: number): ByteHash {
  const hash = new ByteHash();
  for (let i = 0; i < n; i++) hash.set(fields[i], values[i & 1023]);
  return hash;
}

function mapOf(n: number): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < n; i++) map.set(fields[i], values[i & 1023]);
  return map;
}

const sink: { value: unknown } = { value: undefined };
let i = 0;

for (const [name, n] of [["10", 10], ["1M", BIG]] as const) {
  const hash = hashOf(n);
  const map = mapOf(n);
  Deno.bench({
    name: `HGET (hit) on ${name}`,
    group: `HGET ${name}`,
    baseline: true,
    fn() {
      sink.value = hash.get(fields[(i++ * 7919) % n]);
    },
  });
  Deno.bench({
    name: `Map get (hit) on ${name}`,
    group: `HGET ${name}`,
    fn() {
      sink.value = map.get(fields[(i++ * 7919) % n]);
    },
  });
  Deno.bench({
    name: `HSET (existing field) on ${name}`,
    group: `HSET existing ${name}`,
    baseline: true,
    fn() {
      hash.set(fields[(i++ * 7919) % n], values[i & 1023]);
    },
  });
  Deno.bench({
    name: `Map set (existing key) on ${name}`,
    group: `HSET existing ${name}`,
    fn() {
      map.set(fields[(i++ * 7919) % n], values[i & 1023]);
    },
  });
  Deno.bench({
    name: `HSET+HDEL (new field) on ${name}`,
    group: `HSET+HDEL ${name}`,
    baseline: true,
    fn() {
      const f = absent[i++ & 1023];
      hash.set(f, "v");
      hash.delete(f);
    },
  });
  Deno.bench({
    name: `Map set+delete (new key) on ${name}`,
    group: `HSET+HDEL ${name}`,
    fn() {
      const f = absent[i++ & 1023];
      map.set(f, "v");
      map.delete(f);
    },
  });
  Deno.bench({
    name: `HRANDFIELD on ${name}`,
    group: "HRANDFIELD",
    baseline: name === "10",
    fn() {
      sink.value = hash.randomField();
    },
  });
  Deno.bench({
    name: `HRANDFIELD 5 WITHVALUES on ${name}`,
    group: "HRANDFIELD 5 WITHVALUES",
    baseline: name === "10",
    fn() {
      sink.value = hash.randomFields(5, true);
    },
  });
}

const scanned = hashOf(100_000);
Deno.bench({
  name: "HSCAN COUNT 10, full scan of 100k (per scan)",
  group: "HSCAN",
  n: 20,
  fn() {
    const out: string[] = [];
    let cursor = 0;
    do {
      out.length = 0;
      cursor = scanned.scan(cursor, 10, out);
    } while (cursor !== 0);
  },
});

function reportMemory(): void {
  const n = BIG;
  const ours = measureBytes(() => hashOf(n));
  if (ours === undefined) return;
  const plain = measureBytes(() => mapOf(n)) as number;
  const smallCount = 100_000;
  const pairs: [string, string][] = [[fields[0], values[0]], [
    fields[1],
    values[1],
  ], [fields[2], values[2]]];
  const smallOurs = measureBytes(() => {
    const hashes: ByteHash[] = [];
    for (let k = 0; k < smallCount; k++) hashes.push(ByteHash.from(pairs));
    return hashes;
  }) as number;
  const smallPlain = measureBytes(() => {
    const maps: Map<string, string>[] = [];
    for (let k = 0; k < smallCount; k++) maps.push(new Map(pairs));
    return maps;
  }) as number;
  const shrunk = measureBytes(() => {
    const hash = hashOf(100_000);
    for (let k = 0; k < 99_000; k++) hash.delete(fields[k]);
    return hash;
  }) as number;
  const fresh = measureBytes(() => {
    const hash = new ByteHash();
    for (let k = 99_000; k < 100_000; k++) hash.set(fields[k], values[0]);
    return hash;
  }) as number;
  console.log(
    [
      "ByteHash memory (the 16-byte field and value strings are shared, not",
      "counted; each costs about 32 B more):",
      `  ${n} fields: ByteHash ${(ours / n).toFixed(1)} B/field, ` +
      `Map ${(plain / n).toFixed(1)} B/entry`,
      `  a 3-field hash: ByteHash ${(smallOurs / smallCount).toFixed(0)} B, ` +
      `Map ${(smallPlain / smallCount).toFixed(0)} B`,
      `  1,000 fields left of 100,000: ${(shrunk / 1000).toFixed(1)} B/field ` +
      `(a fresh 1,000-field hash: ${(fresh / 1000).toFixed(1)} B/field)`,
    ].join("\n"),
  );
}

reportMemory();
