/**
 * ByteSet benchmarks: add/remove/has and random members on a 10-member and
 * a 1,000,000-member set, against a plain JS `Set`.
 *
 * Run: `deno bench -A --v8-flags=--expose-gc server/store/set_bench.ts`
 * (with `--expose-gc` it also prints memory per member against `Set`).
 *
 * @module
 */

import { ByteSet } from "./set.ts";
import { distinctStrings, measureBytes } from "./_testing.ts";

const BIG = 1_000_000;
const members = distinctStrings(BIG, 16, "m");
const absent = distinctStrings(1024, 16, "z");

function setOf(n: number): ByteSet {
  const set = new ByteSet();
  for (let i = 0; i < n; i++) set.add(members[i]);
  return set;
}

function plainSetOf(n: number): Set<string> {
  const set = new Set<string>();
  for (let i = 0; i < n; i++) set.add(members[i]);
  return set;
}

const sink: { value: unknown } = { value: undefined };
let i = 0;

for (const [name, n] of [["10", 10], ["1M", BIG]] as const) {
  const set = setOf(n);
  const plain = plainSetOf(n);
  Deno.bench({
    name: `SADD+SREM (new member) on ${name}`,
    group: `SADD+SREM ${name}`,
    baseline: true,
    fn() {
      const m = absent[i++ & 1023];
      set.add(m);
      set.delete(m);
    },
  });
  Deno.bench({
    name: `Set add+delete on ${name}`,
    group: `SADD+SREM ${name}`,
    fn() {
      const m = absent[i++ & 1023];
      plain.add(m);
      plain.delete(m);
    },
  });
  Deno.bench({
    name: `SISMEMBER (hit) on ${name}`,
    group: `SISMEMBER ${name}`,
    baseline: true,
    fn() {
      sink.value = set.has(members[(i++ * 7919) % n]);
    },
  });
  Deno.bench({
    name: `Set has (hit) on ${name}`,
    group: `SISMEMBER ${name}`,
    fn() {
      sink.value = plain.has(members[(i++ * 7919) % n]);
    },
  });
  Deno.bench({
    name: `SRANDMEMBER on ${name}`,
    group: "SRANDMEMBER",
    baseline: name === "10",
    fn() {
      sink.value = set.random();
    },
  });
  Deno.bench({
    name: `SPOP+SADD on ${name}`,
    group: "SPOP+SADD",
    baseline: name === "10",
    fn() {
      set.add(set.pop() as string);
    },
  });
  Deno.bench({
    name: `SRANDMEMBER 5 on ${name}`,
    group: "SRANDMEMBER 5",
    baseline: name === "10",
    fn() {
      sink.value = set.randomMembers(5);
    },
  });
  Deno.bench({
    name: `SRANDMEMBER -5 on ${name}`,
    group: "SRANDMEMBER -5",
    baseline: name === "10",
    fn() {
      sink.value = set.randomMembers(-5);
    },
  });
}

// SSCAN: a whole scan with COUNT 10, per member.
const scanned = setOf(100_000);
Deno.bench({
  name: "SSCAN COUNT 10, full scan of 100k (per scan)",
  group: "SSCAN",
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

const a = setOf(100_000);
const b = ByteSet.from(members.slice(50_000, 60_000));
Deno.bench({
  name: "SINTER 100k with 10k (walks the 10k)",
  group: "SINTER",
  fn() {
    sink.value = ByteSet.intersection([a, b]);
  },
});

function reportMemory(): void {
  const n = BIG;
  const ours = measureBytes(() => setOf(n));
  if (ours === undefined) return;
  const plain = measureBytes(() => plainSetOf(n)) as number;
  const smallCount = 100_000;
  const smallOurs = measureBytes(() => {
    const sets: ByteSet[] = [];
    for (let k = 0; k < smallCount; k++) {
      sets.push(ByteSet.from([members[0], members[1], members[2]]));
    }
    return sets;
  }) as number;
  const smallPlain = measureBytes(() => {
    const sets: Set<string>[] = [];
    for (let k = 0; k < smallCount; k++) {
      sets.push(new Set([members[0], members[1], members[2]]));
    }
    return sets;
  }) as number;
  console.log(
    [
      "ByteSet memory (the 16-byte member strings are shared, not counted;",
      "each costs about 32 B more):",
      `  ${n} members: ByteSet ${(ours / n).toFixed(1)} B/member, ` +
      `Set ${(plain / n).toFixed(1)} B/member`,
      `  a 3-member set: ByteSet ${(smallOurs / smallCount).toFixed(0)} B, ` +
      `Set ${(smallPlain / smallCount).toFixed(0)} B`,
    ].join("\n"),
  );
}

reportMemory();
