/**
 * ByteList benchmarks: push/pop at both ends on a 10-element and a
 * 1,000,000-element list must cost the same (O(1) at any length).
 *
 * Run: `deno bench -A --v8-flags=--expose-gc server/store/list_bench.ts`
 * (with `--expose-gc` it also prints memory per element and the cost of one
 * buffer doubling at 1M).
 *
 * @module
 */

import { ByteList } from "./list.ts";
import { distinctStrings, measureBytes } from "./_testing.ts";

const BIG = 1_000_000;
const values = distinctStrings(BIG, 16, "e");

function listOf(n: number): ByteList {
  const list = new ByteList();
  for (let i = 0; i < n; i++) list.pushRight(values[i]);
  return list;
}

const small = listOf(10);
const big = listOf(BIG);
const sink = { value: "" };

// Each op pair keeps the length constant, so every iteration measures the
// same state. LPOP+RPUSH and RPOP+LPUSH rotate the list (and walk the ring);
// LPUSH+LPOP and RPUSH+RPOP push and pop at one end.
for (const [name, list] of [["10", small], ["1M", big]] as const) {
  Deno.bench({
    name: `LPOP+RPUSH on ${name}`,
    group: "LPOP+RPUSH",
    baseline: name === "10",
    fn() {
      list.pushRight(list.popLeft() as string);
    },
  });
  Deno.bench({
    name: `RPOP+LPUSH on ${name}`,
    group: "RPOP+LPUSH",
    baseline: name === "10",
    fn() {
      list.pushLeft(list.popRight() as string);
    },
  });
  Deno.bench({
    name: `LPUSH+LPOP on ${name}`,
    group: "LPUSH+LPOP",
    baseline: name === "10",
    fn() {
      list.pushLeft("new-element-0001");
      sink.value = list.popLeft() as string;
    },
  });
  Deno.bench({
    name: `RPUSH+RPOP on ${name}`,
    group: "RPUSH+RPOP",
    baseline: name === "10",
    fn() {
      list.pushRight("new-element-0001");
      sink.value = list.popRight() as string;
    },
  });
  Deno.bench({
    name: `LINDEX middle on ${name}`,
    group: "LINDEX",
    baseline: name === "10",
    fn() {
      sink.value = list.index(list.length >> 1) as string;
    },
  });
  Deno.bench({
    name: `LRANGE 0 9 on ${name}`,
    group: "LRANGE 0 9",
    baseline: name === "10",
    fn() {
      sink.value = list.range(0, 9)[0];
    },
  });
}

// Why not a plain array: unshift moves every element.
const array10 = values.slice(0, 10);
const arrayBig = values.slice();
Deno.bench({
  name: "Array unshift+pop on 10",
  group: "Array",
  fn() {
    array10.unshift(array10.pop() as string);
  },
});
Deno.bench({
  name: "Array unshift+pop on 1M",
  group: "Array",
  n: 200,
  fn() {
    arrayBig.unshift(arrayBig.pop() as string);
  },
});

// LREM/LINSERT/LPOS are O(N); one bench each on a 10,000-element list.
const mid = listOf(10_000);
Deno.bench({
  name: "LPOS (miss) on 10k",
  group: "O(N) on 10k",
  fn() {
    sink.value = String(mid.positions("absent")[0]);
  },
});
Deno.bench({
  name: "LINSERT+LREM 1 near head on 10k",
  group: "O(N) on 10k",
  fn() {
    mid.insert(values[5], "inserted", true);
    mid.remove(1, "inserted");
  },
});

function reportMemory(): void {
  const n = BIG;
  const listBytes = measureBytes(() => listOf(n));
  if (listBytes === undefined) return;
  const arrayBytes = measureBytes(() => {
    const array: string[] = [];
    for (let i = 0; i < n; i++) array.push(values[i]);
    return array;
  }) as number;
  const stringBytes = measureBytes(() => distinctStrings(n, 16, "x")) as number;
  const smallBytes = measureBytes(() => {
    const lists: ByteList[] = [];
    for (let i = 0; i < 100_000; i++) {
      lists.push(ByteList.from(["a", "b", "c"]));
    }
    return lists;
  }) as number;
  const perElement = (bytes: number): string => (bytes / n).toFixed(1);
  console.log(
    [
      `ByteList memory (the 16-byte strings are shared, not counted):`,
      `  ${n} elements: ByteList ${perElement(listBytes)} B/element, ` +
      `Array (push-built) ${perElement(arrayBytes)} B/element`,
      `  a 16-byte string costs ${perElement(stringBytes)} B ` +
      `(incl. an 8-byte array slot)`,
      `  a 3-element ByteList costs ${(smallBytes / 100_000).toFixed(0)} B`,
      `  worst single push (buffer doubling 2^20 -> 2^21): ` +
      `${timeDoubling().toFixed(2)} ms`,
    ].join("\n"),
  );
}

function timeDoubling(): number {
  const full = listOf(1 << 20);
  const t0 = performance.now();
  full.pushRight("one-more");
  return performance.now() - t0;
}

reportMemory();
