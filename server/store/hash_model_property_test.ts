/**
 * Model-based test of {@linkcode ByteHash} (fast-check `commands`): random
 * command sequences against the hash and against a plain `Map` agree,
 * across the small, ordered and indexed forms (bulk adds cross 16 and 128
 * fields, deletes come back down), with the running memory count equal to
 * a recount after every command.
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
import { ByteHash } from "./hash.ts";
import { assertRandomDraw, seededRandom } from "./_testing.ts";

type Model = { map: Map<string, string> };
type Cmd = fc.Command<Model, ByteHash>;

const enc = latin1;
const show = showKey;

/** After every command: the same contents, and an exact memory count. */
function agree(m: Model, h: ByteHash): void {
  assert.equal(h.size, m.map.size, "size");
  assert.equal(h.memoryBytes, h.recountMemoryBytes(), "memory count");
  assert.ok(h.slotCount >= h.size && h.slotCount <= 2 * h.size + 2, "slots");
}

function sameSet(got: readonly string[], want: Iterable<string>): void {
  assert.deepEqual([...got].sort(), [...want].sort());
}

const field = byteStringArbitrary(40);
const value = fc.oneof(
  fc.nat(999).map(String),
  byteStringArbitrary(4),
);

const commands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(field, value).map(([f, v]) =>
    command(`set(${show(f)}, ${show(v)})`, (m, h) => {
      assert.equal(h.set(f, v), !m.map.has(f));
      m.map.set(f, v);
      agree(m, h);
    })
  ),
  fc.tuple(field, value).map(([f, v]) =>
    command(`setBytes(${show(f)}, ${show(v)})`, (m, h) => {
      const bytes = enc(`HSET h ${f} ${v}`);
      assert.equal(
        h.setBytes(bytes, 7, f.length, 8 + f.length, v.length),
        !m.map.has(f),
      );
      m.map.set(f, v);
      agree(m, h);
    })
  ),
  fc.tuple(field, value).map(([f, v]) =>
    command(`setIfAbsent(${show(f)}, ${show(v)})`, (m, h) => {
      const absent = !m.map.has(f);
      assert.equal(h.setIfAbsent(f, v), absent);
      if (absent) m.map.set(f, v);
      agree(m, h);
    })
  ),
  field.map((f) =>
    command(`delete(${show(f)})`, (m, h) => {
      assert.equal(h.delete(f), m.map.delete(f));
      agree(m, h);
    })
  ),
  field.map((f) =>
    command(`get/has(${show(f)})`, (m, h) => {
      assert.equal(h.get(f), m.map.get(f));
      assert.equal(h.has(f), m.map.has(f));
    })
  ),
  fc.tuple(fc.integer({ min: 1, max: 200 }), fc.nat(1000)).map(([n, base]) =>
    command(`addMany(${n} from g${base})`, (m, h) => {
      for (let i = 0; i < n; i++) {
        const f = `g${base + i}`;
        assert.equal(h.set(f, String(i)), !m.map.has(f));
        m.map.set(f, String(i));
      }
      agree(m, h);
    })
  ),
  fc.integer({ min: 1, max: 200 }).map((n) =>
    command(`deleteMany(${n})`, (m, h) => {
      for (const f of [...m.map.keys()].slice(0, n)) {
        assert.equal(h.delete(f), true);
        m.map.delete(f);
      }
      agree(m, h);
    })
  ),
  fc.constant(command<Model, ByteHash>("clear()", (m, h) => {
    h.clear();
    m.map.clear();
    agree(m, h);
  })),
  fc.constant(command<Model, ByteHash>("read all", (m, h) => {
    const fields = h.fields();
    const values = h.values();
    const flat = h.fieldsAndValues();
    sameSet(fields, m.map.keys());
    assert.equal(values.length, fields.length);
    assert.equal(flat.length, 2 * fields.length);
    for (let i = 0; i < fields.length; i++) {
      assert.equal(values[i], m.map.get(fields[i]));
      assert.equal(flat[2 * i], fields[i]);
      assert.equal(flat[2 * i + 1], values[i]);
    }
  })),
  fc.tuple(fc.integer({ min: -50, max: 300 }), fc.boolean()).map((
    [count, withValues],
  ) =>
    command(`randomFields(${count}, ${withValues})`, (m, h) => {
      const got = h.randomFields(count, withValues);
      const step = withValues ? 2 : 1;
      const fields = got.filter((_, i) => i % step === 0);
      if (withValues) {
        for (let i = 0; i < got.length; i += 2) {
          assert.equal(got[i + 1], m.map.get(got[i]));
        }
      }
      assertRandomDraw(
        fields,
        count,
        h.randomField(),
        (f) => m.map.has(f),
        m.map.size,
      );
    })
  ),
  fc.integer({ min: 1, max: 40 }).map((count) =>
    command(`scan(count ${count})`, (m, h) => {
      const seen = new Map<string, string>();
      let cursor = 0;
      let steps = 0;
      do {
        const out: string[] = [];
        cursor = h.scan(cursor, count, out);
        assert.ok(out.length <= 2 * count, "at most count fields a step");
        for (let i = 0; i < out.length; i += 2) seen.set(out[i], out[i + 1]);
        assert.ok(++steps <= 100_000, "scan ends");
      } while (cursor !== 0);
      assert.deepEqual(
        [...seen].sort(),
        [...m.map].sort(),
        "a scan sees every field with its value",
      );
    })
  ),
  fc.tuple(
    fc.integer({ min: 1, max: 20 }),
    fc.array(fc.tuple(fc.boolean(), fc.nat(300)), { maxLength: 40 }),
  ).map(([count, changes]) =>
    command(
      `scan(count ${count}) with ${changes.length} changes between steps`,
      (m, h) => {
        // Fields present from the first step to the last: each must be
        // returned at least once, however the hash grows and shrinks.
        const throughout = new Set(m.map.keys());
        const ever = new Set(m.map.keys());
        const seen = new Set<string>();
        let cursor = 0;
        let steps = 0;
        let next = 0;
        do {
          const out: string[] = [];
          cursor = h.scan(cursor, count, out);
          for (let i = 0; i < out.length; i += 2) seen.add(out[i]);
          const change = changes[next++];
          if (change !== undefined) {
            const [add, i] = change;
            if (add) {
              const f = `s${i}`;
              h.set(f, "v");
              m.map.set(f, "v");
              ever.add(f);
            } else {
              const f = [...m.map.keys()][i % Math.max(1, m.map.size)];
              if (f !== undefined) {
                h.delete(f);
                m.map.delete(f);
                throughout.delete(f);
              }
            }
          }
          assert.ok(++steps <= 100_000, "scan ends");
        } while (cursor !== 0);
        for (const f of throughout) {
          assert.ok(seen.has(f), `scan missed ${show(f)}`);
        }
        for (const f of seen) assert.ok(ever.has(f), `scan made up ${show(f)}`);
        agree(m, h);
      },
    )
  ),
];

Deno.test("ByteHash agrees with a Map under random command sequences", async () => {
  await checkProperty(
    "hash model",
    fc.property(
      fc.integer(),
      fc.commands(commands, { maxCommands: 100, size: "max" }),
      (seed, cmds) => {
        fc.modelRun(() => ({
          model: { map: new Map() },
          real: new ByteHash({ random: seededRandom(seed) }),
        }), cmds);
      },
    ),
    200,
  );
});
