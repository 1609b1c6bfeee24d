/**
 * Calibration of `memoryBytes` ({@linkcode MemoryCounted}) against V8's
 * heap: builds many collections of each type, at several sizes and member
 * lengths, and compares the sum of their `memoryBytes` with the heap growth
 * (`Deno.memoryUsage().heapUsed` after full GCs, the holder array taken
 * out). Every member is a fresh flat string, as a decoded request argument
 * is; a hash's field and value are both `member` bytes long.
 *
 * Run: `deno run --v8-flags=--expose-gc server/store/collection_memory_bench.ts`
 * (without `--expose-gc`, as under `deno bench`, it only says so).
 *
 * One run on Deno 2.9.6 (V8 15.0, x86-64, no pointer compression), 2 vCPUs;
 * the target is model / heap within ±25% in every row. "B/coll" is bytes
 * per collection.
 *
 * ```
 * built:
 * type  elements  member  collections  model B/coll  heap B/coll  model/heap
 * hash         5      8B       10,000           552          557       0.991
 * hash         5    100B       10,000         1,512        1,513       1.000
 * hash       100      8B       10,000        10,688       10,649       1.004
 * hash       100    100B       10,000        29,888       29,612       1.009
 * hash    10,000      8B          100     1,200,841    1,196,095       1.004
 * hash    10,000    100B          100     3,119,597    3,092,772       1.009
 * list         5      8B       10,000           304          305       0.996
 * list         5    100B       10,000           784          787       0.997
 * list       100      8B       10,000         3,544        3,546       0.999
 * list       100    100B       10,000        13,144       13,147       1.000
 * list    10,000      8B          100       371,192      371,400       0.999
 * list    10,000    100B          100     1,331,192    1,331,435       1.000
 * set          5      8B       10,000           368          371       0.991
 * set          5    100B       10,000           848          851       0.997
 * set        100      8B       10,000         7,264        7,171       1.013
 * set        100    100B       10,000        16,864       16,308       1.034
 * set     10,000      8B          100       830,071      821,455       1.010
 * set     10,000    100B          100     1,790,037    1,734,425       1.032
 *
 * churned:
 * type  elements  member  collections  model B/coll  heap B/coll  model/heap
 * hash         5      8B       10,000           456          460       0.992
 * hash         5    100B       10,000         1,032        1,037       0.995
 * hash       100      8B       10,000        10,112       10,124       0.999
 * hash       100    100B       10,000        27,008       26,869       1.005
 * hash    10,000      8B          100     1,111,313    1,114,625       0.997
 * hash    10,000    100B          100     2,671,956    2,658,885       1.005
 * list         5      8B       10,000           280          281       0.996
 * list         5    100B       10,000           664          666       0.997
 * list       100      8B       10,000         2,944        2,947       0.999
 * list       100    100B       10,000        10,144       10,147       1.000
 * list    10,000      8B          100       311,192      311,486       0.999
 * list    10,000    100B          100     1,031,192    1,031,486       1.000
 * set          5      8B       10,000           320          326       0.982
 * set          5    100B       10,000           608          609       0.998
 * set        100      8B       10,000         7,288        7,268       1.003
 * set        100    100B       10,000        16,984       16,682       1.018
 * set     10,000      8B          100       800,410      794,959       1.007
 * set     10,000    100B          100     1,641,731    1,612,074       1.018
 *
 * re-added:
 * type  elements  member  collections  model B/coll  heap B/coll  model/heap
 * hash         5      8B       10,000           552          557       0.991
 * hash         5    100B       10,000         1,512        1,518       0.996
 * hash       100      8B       10,000        12,736       12,752       0.999
 * hash       100    100B       10,000        31,936       31,814       1.004
 * hash    10,000      8B          100     1,200,841    1,204,257       0.997
 * hash    10,000    100B          100     3,119,597    3,103,257       1.005
 * list         5      8B       10,000           304          305       0.996
 * list         5    100B       10,000           784          787       0.997
 * list       100      8B       10,000         3,544        3,548       0.999
 * list       100    100B       10,000        13,144       13,147       1.000
 * list    10,000      8B          100       371,192      371,524       0.999
 * list    10,000    100B          100     1,331,192    1,331,517       1.000
 * set          5      8B       10,000           368          371       0.992
 * set          5    100B       10,000           848          852       0.996
 * set        100      8B       10,000         8,288        8,225       1.008
 * set        100    100B       10,000        17,888       17,377       1.029
 * set     10,000      8B          100       830,071      819,753       1.013
 * set     10,000    100B          100     1,790,037    1,735,182       1.032
 *
 * worst |model/heap - 1|: 3.4%
 * ```
 *
 * @module
 */

import type { MemoryCounted } from "./collection.ts";
import { arrayBytes } from "./collection.ts";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";
import { measureBytes } from "./_testing.ts";

type Kind = "hash" | "list" | "set";

/** A source of distinct flat strings of one length. */
class Members {
  #next = 0;
  #codes: number[];

  constructor(length: number) {
    this.#codes = new Array<number>(length).fill(0x61);
  }

  /** A new flat (sequential one-byte) string, never returned before. */
  take(): string {
    const codes = this.#codes;
    let n = this.#next++;
    // The counter in base 36 at the end; the rest stays "a"s.
    for (let i = codes.length - 1; i >= 0 && n > 0; i--) {
      const digit = n % 36;
      codes[i] = digit < 10 ? 0x30 + digit : 0x61 + digit - 10;
      n = Math.floor(n / 36);
    }
    return String.fromCharCode.apply(null, codes);
  }
}

/**
 * How a collection is made: `"built"` by adds only; `"churned"`: built, then
 * half its elements deleted (lists: popped from the head) and a quarter
 * added; `"re-added"`: built, half deleted, then added again as new string
 * objects of the same bytes (lists: every other element replaced by LSET).
 */
type Mode = "built" | "churned" | "re-added";

const MODES: readonly Mode[] = ["built", "churned", "re-added"];

/** A new string object with the same chars (a flat copy). */
function copyOf(s: string): string {
  const codes: number[] = [];
  for (let i = 0; i < s.length; i++) codes.push(s.charCodeAt(i));
  return String.fromCharCode.apply(null, codes);
}

/** Makes a collection of `size` fresh members the way `mode` says. */
function build(
  kind: Kind,
  size: number,
  members: Members,
  mode: Mode,
): MemoryCounted {
  if (kind === "list") {
    const list = new ByteList();
    for (let i = 0; i < size; i++) list.pushRight(members.take());
    if (mode === "churned") {
      for (let i = 0; i < size >> 1; i++) list.popLeft();
      for (let i = 0; i < size >> 2; i++) list.pushRight(members.take());
    } else if (mode === "re-added") {
      for (let i = 0; i < size; i += 2) list.set(i, members.take());
    }
    return list;
  }
  const keys: string[] = [];
  const hash = kind === "hash" ? new ByteHash() : undefined;
  const set = kind === "set" ? new ByteSet() : undefined;
  const add = (key: string): void => {
    if (hash !== undefined) hash.set(key, members.take());
    else set?.add(key);
  };
  const remove = (key: string): void => {
    if (hash !== undefined) hash.delete(key);
    else set?.delete(key);
  };
  for (let i = 0; i < size; i++) {
    const key = members.take();
    keys.push(key);
    add(key);
  }
  if (mode === "churned") {
    for (let i = 0; i < size; i += 2) remove(keys[i]);
    for (let i = 0; i < size >> 2; i++) add(members.take());
  } else if (mode === "re-added") {
    for (let i = 0; i < size; i += 2) remove(keys[i]);
    for (let i = 0; i < size; i += 2) add(copyOf(keys[i]));
  }
  return (hash ?? set) as MemoryCounted;
}

interface Row {
  kind: Kind;
  size: number;
  member: number;
  count: number;
  model: number;
  heap: number;
}

function measure(
  kind: Kind,
  size: number,
  member: number,
  count: number,
  mode: Mode,
): Row | undefined {
  const members = new Members(member);
  let model = 0;
  const heap = measureBytes(() => {
    const holder = new Array<MemoryCounted>(count);
    for (let i = 0; i < count; i++) {
      holder[i] = build(kind, size, members, mode);
    }
    for (const value of holder) model += value.memoryBytes;
    return holder;
  });
  if (heap === undefined) return undefined;
  return {
    kind,
    size,
    member,
    count,
    model,
    heap: heap - arrayBytes(count),
  };
}

function format(row: Row): string {
  const n = (x: number): string => Math.round(x).toLocaleString("en-US");
  const ratio = row.model / row.heap;
  const flag = Math.abs(ratio - 1) <= 0.25 ? "" : "  <-- outside ±25%";
  return [
    row.kind.padEnd(4),
    n(row.size).padStart(9),
    `${row.member}B`.padStart(7),
    n(row.count).padStart(12),
    n(row.model / row.count).padStart(13),
    n(row.heap / row.count).padStart(12),
    ratio.toFixed(3).padStart(11),
  ].join(" ") + flag;
}

function main(): void {
  if ((globalThis as { gc?: unknown }).gc === undefined) {
    console.log(
      "collection_memory_bench.ts needs the GC exposed: deno run " +
        "--v8-flags=--expose-gc server/store/collection_memory_bench.ts",
    );
    return;
  }
  // Warm up the classes (V8's in-object slack tracking settles their size).
  for (const kind of ["hash", "list", "set"] as const) {
    measure(kind, 100, 8, 100, "re-added");
  }
  const header = "type  elements  member  collections  model B/coll  " +
    "heap B/coll  model/heap";
  let worst = 0;
  for (const mode of MODES) {
    console.log(`${mode === "built" ? "" : "\n"}${mode}:`);
    console.log(header);
    for (const kind of ["hash", "list", "set"] as const) {
      for (const size of [5, 100, 10_000]) {
        for (const member of [8, 100]) {
          const count = size <= 100 ? 10_000 : 100;
          const row = measure(kind, size, member, count, mode) as Row;
          worst = Math.max(worst, Math.abs(row.model / row.heap - 1));
          console.log(format(row));
        }
      }
    }
  }
  console.log(`\nworst |model/heap - 1|: ${(worst * 100).toFixed(1)}%`);
}

main();
