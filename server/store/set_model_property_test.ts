/**
 * Model-based test of {@linkcode ByteSet} (fast-check `commands`): random
 * command sequences against the set and against a plain `Set` agree,
 * across the small, ordered and indexed forms (bulk adds cross 16 and 128
 * members, pops and deletes come back down), with the running memory count
 * equal to a recount after every command.
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
  latin1,
  showKey,
} from "../../tests/_helpers/fuzz.ts";
import { ByteSet } from "./set.ts";
import { assertRandomDraw, seededRandom } from "./_testing.ts";

type Model = { set: Set<string> };
type Cmd = fc.Command<Model, ByteSet>;

const enc = latin1;
const show = showKey;

function agree(m: Model, s: ByteSet): void {
  assert.equal(s.size, m.set.size, "size");
  assert.equal(s.memoryBytes, s.recountMemoryBytes(), "memory count");
  assert.ok(s.slotCount >= s.size && s.slotCount <= 2 * s.size + 2, "slots");
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

const member = byteStringArbitrary(40);
/** A second set for SINTER, SUNION and SDIFF: pooled members. */
const otherArb = fc.array(member, { maxLength: 30 });

const commands: fc.Arbitrary<Cmd>[] = [
  member.map((x) =>
    command(`add(${show(x)})`, (m, s) => {
      assert.equal(s.add(x), !m.set.has(x));
      m.set.add(x);
      agree(m, s);
    })
  ),
  member.map((x) =>
    command(`addBytes(${show(x)})`, (m, s) => {
      const bytes = enc(`SADD s ${x}`);
      assert.equal(s.addBytes(bytes, 7, x.length), !m.set.has(x));
      m.set.add(x);
      agree(m, s);
    })
  ),
  member.map((x) =>
    command(`delete(${show(x)})`, (m, s) => {
      assert.equal(s.delete(x), m.set.delete(x));
      agree(m, s);
    })
  ),
  member.map((x) =>
    command(`has(${show(x)})`, (m, s) => {
      assert.equal(s.has(x), m.set.has(x));
    })
  ),
  fc.tuple(fc.integer({ min: 1, max: 200 }), fc.nat(1000)).map(([n, base]) =>
    command(`addMany(${n} from g${base})`, (m, s) => {
      for (let i = 0; i < n; i++) {
        const x = `g${base + i}`;
        assert.equal(s.add(x), !m.set.has(x));
        m.set.add(x);
      }
      agree(m, s);
    })
  ),
  fc.constant(command<Model, ByteSet>("pop()", (m, s) => {
    const x = s.pop();
    if (m.set.size === 0) assert.equal(x, undefined);
    else {
      assert.ok(x !== undefined && m.set.delete(x), "a member popped");
    }
    agree(m, s);
  })),
  fc.integer({ min: -3, max: 200 }).map((n) =>
    command(`popMany(${n})`, (m, s) => {
      const got = s.popMany(n);
      assert.equal(got.length, Math.max(0, Math.min(n, m.set.size)));
      assert.equal(new Set(got).size, got.length, "distinct");
      for (const x of got) assert.ok(m.set.delete(x), "a member popped");
      agree(m, s);
    })
  ),
  fc.constant(command<Model, ByteSet>("clear()", (m, s) => {
    s.clear();
    m.set.clear();
    agree(m, s);
  })),
  fc.constant(command<Model, ByteSet>("members()", (m, s) => {
    assert.deepEqual(sorted(s.members()), sorted(m.set));
  })),
  fc.integer({ min: -50, max: 300 }).map((count) =>
    command(`randomMembers(${count})`, (m, s) => {
      assertRandomDraw(
        s.randomMembers(count),
        count,
        s.random(),
        (x) => m.set.has(x),
        m.set.size,
      );
    })
  ),
  fc.integer({ min: 1, max: 40 }).map((count) =>
    command(`scan(count ${count})`, (m, s) => {
      const seen = new Set<string>();
      let cursor = 0;
      let steps = 0;
      do {
        const out: string[] = [];
        cursor = s.scan(cursor, count, out);
        assert.ok(out.length <= count, "at most count members a step");
        for (const x of out) seen.add(x);
        assert.ok(++steps <= 100_000, "scan ends");
      } while (cursor !== 0);
      assert.deepEqual(sorted(seen), sorted(m.set), "a scan sees them all");
    })
  ),
  fc.tuple(
    fc.integer({ min: 1, max: 20 }),
    fc.array(fc.tuple(fc.boolean(), fc.nat(300)), { maxLength: 40 }),
  ).map(([count, changes]) =>
    command(
      `scan(count ${count}) with ${changes.length} changes between steps`,
      (m, s) => {
        // Members present from the first step to the last: each must be
        // returned at least once, however the set grows and shrinks.
        const throughout = new Set(m.set);
        const ever = new Set(m.set);
        const seen = new Set<string>();
        let cursor = 0;
        let steps = 0;
        let next = 0;
        do {
          const out: string[] = [];
          cursor = s.scan(cursor, count, out);
          for (const x of out) seen.add(x);
          const change = changes[next++];
          if (change !== undefined) {
            const [add, i] = change;
            if (add) {
              const x = `s${i}`;
              s.add(x);
              m.set.add(x);
              ever.add(x);
            } else {
              const x = [...m.set][i % Math.max(1, m.set.size)];
              if (x !== undefined) {
                s.delete(x);
                m.set.delete(x);
                throughout.delete(x);
              }
            }
          }
          assert.ok(++steps <= 100_000, "scan ends");
        } while (cursor !== 0);
        for (const x of throughout) {
          assert.ok(
            seen.has(x),
            `scan missed ${show(x)}`,
          );
        }
        for (const x of seen) assert.ok(ever.has(x), `scan made up ${show(x)}`);
        agree(m, s);
      },
    )
  ),
  fc.tuple(otherArb, fc.nat(5)).map(([other, limit]) =>
    command(`inter/union/diff with ${other.length}, limit ${limit}`, (m, s) => {
      const o = ByteSet.from(other);
      const oSet = new Set(other);
      const inter = [...m.set].filter((x) => oSet.has(x));
      assert.deepEqual(sorted(ByteSet.intersection([s, o])), sorted(inter));
      assert.equal(ByteSet.intersectionSize([s, o]), inter.length);
      assert.equal(
        ByteSet.intersectionSize([o, s], limit),
        limit === 0 ? inter.length : Math.min(limit, inter.length),
      );
      assert.equal(
        ByteSet.intersection([s, o], limit).length,
        limit === 0 ? inter.length : Math.min(limit, inter.length),
      );
      assert.deepEqual(
        sorted(ByteSet.union([s, o]).members()),
        sorted(new Set([...m.set, ...other])),
      );
      assert.deepEqual(
        sorted(ByteSet.difference(s, [o])),
        sorted([...m.set].filter((x) => !oSet.has(x))),
      );
    })
  ),
];

Deno.test("ByteSet agrees with a Set under random command sequences", async () => {
  await checkProperty(
    "set model",
    fc.property(
      fc.integer(),
      fc.commands(commands, { maxCommands: 100, size: "max" }),
      (seed, cmds) => {
        fc.modelRun(() => ({
          model: { set: new Set<string>() },
          real: new ByteSet({ random: seededRandom(seed) }),
        }), cmds);
      },
    ),
    200,
  );
});
