/**
 * Model-based test of {@linkcode ByteList} (fast-check `commands`): random
 * command sequences against the list and against a plain array with
 * Redis's index rules written out agree (LPUSH, RPUSH, LPOP, RPOP, LINDEX,
 * LSET, LRANGE, LTRIM, LREM, LINSERT, LPOS), through growth past the ring
 * buffer's capacity and wrap-around, with the running memory count equal
 * to a recount after every command.
 *
 * `FUZZ_RUNS` / `FUZZ_SECONDS` / `FUZZ_SEED` run it longer
 * (tests/_helpers/fuzz.ts; `deno task fuzz`).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  byteStringArbitrary,
  checkProperty,
  command,
  showKey,
} from "../../tests/_helpers/fuzz.ts";
import { ByteList } from "./list.ts";

type Model = { a: string[] };
type Cmd = fc.Command<Model, ByteList>;

const show = showKey;

function agree(m: Model, l: ByteList): void {
  assert.equal(l.length, m.a.length, "length");
  assert.ok(l.capacity >= l.length, "capacity");
  assert.equal(l.memoryBytes, l.recountMemoryBytes(), "memory count");
}

/** Redis's LRANGE / LTRIM index rules: the kept span [from, to), or empty. */
function span(len: number, start: number, stop: number): [number, number] {
  if (start < 0) start = Math.max(0, start + len);
  if (stop < 0) stop += len;
  if (start > stop || start >= len) return [0, 0];
  return [start, Math.min(stop, len - 1) + 1];
}

/** Redis's index rule (LINDEX, LSET): a position, or -1 out of range. */
function at(len: number, i: number): number {
  const p = i < 0 ? i + len : i;
  return p >= 0 && p < len ? p : -1;
}

/** LPOS written out. */
function positions(
  a: readonly string[],
  v: string,
  rank: number,
  count: number,
  maxLen: number,
): number[] {
  const out: number[] = [];
  const n = a.length;
  let skip = Math.abs(rank) - 1;
  for (let k = 0; k < n && (maxLen === 0 || k < maxLen); k++) {
    const i = rank > 0 ? k : n - 1 - k;
    if (a[i] !== v) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    out.push(i);
    if (count !== 0 && out.length === count) break;
  }
  return out;
}

const element = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("a", "b", "c", "") },
  { weight: 1, arbitrary: byteStringArbitrary(6) },
);
const index = fc.integer({ min: -70, max: 70 });

const commands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(element, fc.boolean()).map(([v, left]) =>
    command(`${left ? "pushLeft" : "pushRight"}(${show(v)})`, (m, l) => {
      if (left) m.a.unshift(v);
      else m.a.push(v);
      assert.equal(left ? l.pushLeft(v) : l.pushRight(v), m.a.length);
      agree(m, l);
    })
  ),
  fc.tuple(fc.integer({ min: 1, max: 150 }), fc.boolean()).map(([n, left]) =>
    command(`pushMany(${n}, ${left ? "left" : "right"})`, (m, l) => {
      for (let i = 0; i < n; i++) {
        const v = String(i % 7);
        if (left) m.a.unshift(v);
        else m.a.push(v);
        assert.equal(left ? l.pushLeft(v) : l.pushRight(v), m.a.length);
      }
      agree(m, l);
    })
  ),
  fc.tuple(fc.integer({ min: 1, max: 100 }), fc.boolean()).map(([n, left]) =>
    command(`pop(${n}, ${left ? "left" : "right"})`, (m, l) => {
      for (let i = 0; i < n; i++) {
        const want = left ? m.a.shift() : m.a.pop();
        assert.equal(left ? l.popLeft() : l.popRight(), want);
      }
      agree(m, l);
    })
  ),
  index.map((i) =>
    command(`index(${i})`, (m, l) => {
      const p = at(m.a.length, i);
      assert.equal(l.index(i), p < 0 ? undefined : m.a[p]);
    })
  ),
  fc.tuple(index, element).map(([i, v]) =>
    command(`set(${i}, ${show(v)})`, (m, l) => {
      const p = at(m.a.length, i);
      assert.equal(l.set(i, v), p >= 0);
      if (p >= 0) m.a[p] = v;
      agree(m, l);
    })
  ),
  fc.tuple(index, index).map(([start, stop]) =>
    command(`range(${start}, ${stop})`, (m, l) => {
      const [from, to] = span(m.a.length, start, stop);
      assert.deepEqual(l.range(start, stop), m.a.slice(from, to));
    })
  ),
  fc.tuple(index, index).map(([start, stop]) =>
    command(`trim(${start}, ${stop})`, (m, l) => {
      const [from, to] = span(m.a.length, start, stop);
      const removed = m.a.length - (to - from);
      m.a = m.a.slice(from, to);
      assert.equal(l.trim(start, stop), removed);
      agree(m, l);
    })
  ),
  fc.tuple(fc.integer({ min: -4, max: 4 }), element).map(([count, v]) =>
    command(`remove(${count}, ${show(v)})`, (m, l) => {
      let removed = 0;
      const limit = count === 0 ? Infinity : Math.abs(count);
      const keep = new Array<boolean>(m.a.length).fill(true);
      for (let k = 0; k < m.a.length && removed < limit; k++) {
        const i = count < 0 ? m.a.length - 1 - k : k;
        if (m.a[i] === v) {
          keep[i] = false;
          removed++;
        }
      }
      m.a = m.a.filter((_, i) => keep[i]);
      assert.equal(l.remove(count, v), removed);
      agree(m, l);
    })
  ),
  fc.tuple(element, element, fc.boolean()).map(([pivot, v, after]) =>
    command(`insert(${show(pivot)}, ${show(v)}, ${after})`, (m, l) => {
      const p = m.a.indexOf(pivot);
      if (p >= 0) m.a.splice(after ? p + 1 : p, 0, v);
      assert.equal(l.insert(pivot, v, after), p < 0 ? -1 : m.a.length);
      agree(m, l);
    })
  ),
  fc.tuple(
    element,
    fc.integer({ min: -4, max: 4 }).filter((r) => r !== 0),
    fc.nat(4),
    fc.nat(30),
  ).map(([v, rank, count, maxLen]) =>
    command(
      `positions(${show(v)}, rank ${rank}, count ${count}, maxLen ${maxLen})`,
      (m, l) => {
        assert.deepEqual(
          l.positions(v, { rank, count, maxLen }),
          positions(m.a, v, rank, count, maxLen),
        );
      },
    )
  ),
  fc.constant(command<Model, ByteList>("clear()", (m, l) => {
    l.clear();
    m.a = [];
    agree(m, l);
    assert.deepEqual(l.toArray(), []);
  })),
  fc.constant(command<Model, ByteList>("toArray()", (m, l) => {
    assert.deepEqual(l.toArray(), m.a);
  })),
];

Deno.test("ByteList agrees with an array under random command sequences", async () => {
  await checkProperty(
    "list model",
    fc.property(
      fc.commands(commands, { maxCommands: 100, size: "max" }),
      (cmds) => {
        fc.modelRun(() => ({ model: { a: [] }, real: new ByteList() }), cmds);
      },
    ),
    200,
  );
});
