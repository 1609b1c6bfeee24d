/**
 * Model-based test of {@linkcode Keyspace} (fast-check `commands`): random
 * sequences of SET (string and bytes API), INCR-style writes, GET, DEL,
 * EXPIRE, PERSIST, RENAME, SCAN, KEYS, a moving clock, and hashes, sets and
 * lists stored, changed in place, packed and unpacked, against a plain
 * `Map` with Redis's lazy expiry agree.
 *
 * It complements keyspace_model_test.ts (seeded, long, with big values and
 * eviction): here fast-check shrinks a failure to a short sequence.
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
import { type CollectionValue, Keyspace } from "./keyspace.ts";
import { ByteHash } from "./hash.ts";
import { ByteList } from "./list.ts";
import { ByteSet } from "./set.ts";
import { seededRandom } from "./_testing.ts";
import { toByteString } from "@cachemir/protocol";

/** A collection's contents in the model. */
type Contents =
  | { type: "hash"; map: Map<string, string> }
  | { type: "set"; set: Set<string> }
  | { type: "list"; list: string[] };

interface Entry {
  value: string | Contents;
  expireAt: number | undefined;
}

const START = 1_700_000_000_000;

class Model {
  map = new Map<string, Entry>();
  now = START;

  expired(e: Entry): boolean {
    return e.expireAt !== undefined && this.now > e.expireAt;
  }

  /** A live entry; an expired one is dropped, as a reader drops it. */
  lookup(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e !== undefined && this.expired(e)) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  liveKeys(): string[] {
    return [...this.map].filter(([, e]) => !this.expired(e)).map(([k]) => k);
  }
}

interface Real {
  ks: Keyspace;
  clock: { now: number };
}

type Cmd = fc.Command<Model, Real>;

const enc = latin1;
const show = showKey;

function contentsOf(v: CollectionValue): Contents {
  if (v instanceof ByteHash) {
    const flat = v.fieldsAndValues();
    const map = new Map<string, string>();
    for (let i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
    return { type: "hash", map };
  }
  if (v instanceof ByteSet) return { type: "set", set: new Set(v.members()) };
  if (v instanceof ByteList) return { type: "list", list: v.toArray() };
  throw new Error(`unexpected collection ${v.type}`);
}

function makeCollection(c: Contents, seed: number): CollectionValue {
  const random = seededRandom(seed);
  if (c.type === "hash") return ByteHash.from(c.map, { random });
  if (c.type === "set") return ByteSet.from(c.set, { random });
  return ByteList.from(c.list);
}

function copyContents(c: Contents): Contents {
  if (c.type === "hash") return { type: "hash", map: new Map(c.map) };
  if (c.type === "set") return { type: "set", set: new Set(c.set) };
  return { type: "list", list: [...c.list] };
}

/** The value as the model holds it, compared by contents. */
function assertValue(
  got: string | CollectionValue | undefined,
  want: Entry | undefined,
  what: string,
): void {
  if (want === undefined) return assert.equal(got, undefined, what);
  if (typeof want.value === "string") {
    return assert.equal(got, want.value, what);
  }
  assert.ok(
    got !== undefined && typeof got !== "string",
    `${what}: a collection`,
  );
  assert.deepEqual(contentsOf(got), want.value, what);
}

const key = byteStringArbitrary(8);
const str = fc.oneof(
  { weight: 3, arbitrary: byteStringArbitrary(6) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.integer({ min: -100, max: 100 }).map(String) },
  // Past the 256-byte size classes, now and then a page of its own.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 200, max: 3000 }), fc.nat(255)).map((
      [n, c],
    ) => String.fromCharCode(c).repeat(n) + String(n)),
  },
);
/** A time to live in ms, or none. */
const ttl = fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined });
const contentsArb: fc.Arbitrary<Contents> = fc.oneof(
  fc.array(fc.tuple(byteStringArbitrary(30), str), { maxLength: 150 }).map((
    e,
  ): Contents => ({ type: "hash", map: new Map(e) })),
  fc.array(byteStringArbitrary(30), { maxLength: 150 }).map((m): Contents => ({
    type: "set",
    set: new Set(m),
  })),
  // Integers only: these pack as an intset.
  fc.array(fc.integer({ min: -70_000, max: 70_000 }).map(String), {
    maxLength: 150,
  }).map((m): Contents => ({ type: "set", set: new Set(m) })),
  fc.array(str, { maxLength: 150 }).map((list): Contents => ({
    type: "list",
    list,
  })),
);

/** Checked after every command: what holds without touching a key. */
function agree(m: Model, r: Real): void {
  assert.ok(r.ks.size >= m.liveKeys().length, "size counts every live key");
}

const commands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(key, str, ttl).map(([k, v, t]) =>
    command(`set(${show(k)}, ${show(v)}, ttl ${t})`, (m, r) => {
      const at = t === undefined ? undefined : m.now + t;
      r.ks.set(k, v, at);
      m.lookup(k);
      m.map.set(k, { value: v, expireAt: at });
      agree(m, r);
    })
  ),
  fc.tuple(key, str, ttl).map(([k, v, t]) =>
    command(`writeString(${show(k)}, ${show(v)}, ttl ${t})`, (m, r) => {
      const at = t === undefined ? undefined : m.now + t;
      const req = enc(`SET ${k} ${v}`);
      r.ks.writeString(req, 4, k.length, req, 5 + k.length, v.length, at);
      m.lookup(k);
      m.map.set(k, { value: v, expireAt: at });
      agree(m, r);
    })
  ),
  fc.tuple(key, fc.integer({ min: -1e15, max: 1e15 })).map(([k, n]) =>
    command(`writeInteger(${show(k)}, ${n})`, (m, r) => {
      const req = enc(`INCR ${k}`);
      r.ks.writeInteger(req, 5, k.length, n);
      const e = m.lookup(k);
      m.map.set(k, { value: String(n), expireAt: e?.expireAt });
      agree(m, r);
    })
  ),
  fc.tuple(key, str).map(([k, v]) =>
    command(`replace(${show(k)}, ${show(v)})`, (m, r) => {
      r.ks.replace(k, v);
      const e = m.lookup(k);
      m.map.set(k, { value: v, expireAt: e?.expireAt });
      agree(m, r);
    })
  ),
  fc.tuple(key, contentsArb, ttl, fc.integer()).map(([k, c, t, seed]) =>
    command(`setCollection(${show(k)}, ${c.type}, ttl ${t})`, (m, r) => {
      const at = t === undefined ? undefined : m.now + t;
      r.ks.set(k, makeCollection(c, seed), at);
      m.lookup(k);
      m.map.set(k, { value: copyContents(c), expireAt: at });
      agree(m, r);
    })
  ),
  fc.tuple(key, str, str).map(([k, a, b]) =>
    command(
      `change collection ${show(k)} in place (${show(a)}, ${show(b)})`,
      (m, r) => {
        const got = r.ks.get(k);
        const e = m.lookup(k);
        assertValue(got, e, "before the change");
        if (got === undefined || typeof got === "string" || e === undefined) {
          return;
        }
        const c = e.value as Contents;
        if (got instanceof ByteHash && c.type === "hash") {
          got.set(a, b);
          c.map.set(a, b);
          got.delete(b);
          c.map.delete(b);
        } else if (got instanceof ByteSet && c.type === "set") {
          got.add(a);
          c.set.add(a);
          got.delete(b);
          c.set.delete(b);
        } else if (got instanceof ByteList && c.type === "list") {
          got.pushRight(a);
          c.list.push(a);
          got.popLeft();
          c.list.shift();
        }
        agree(m, r);
      },
    )
  ),
  fc.constant(command<Model, Real>("packCollections()", (m, r) => {
    r.ks.packCollections();
    agree(m, r);
  })),
  key.map((k) =>
    command(`get(${show(k)})`, (m, r) => {
      assertValue(r.ks.get(k), m.lookup(k), `get(${show(k)})`);
      assert.equal(r.ks.has(k), m.lookup(k) !== undefined);
    })
  ),
  key.map((k) =>
    command(`readString(${show(k)})`, (m, r) => {
      const req = enc(`GET ${k}`);
      const got = r.ks.readString(req, 4, k.length);
      const e = m.lookup(k);
      if (e === undefined) assert.equal(got, undefined);
      else if (typeof e.value !== "string") assert.equal(got, false);
      else {
        assert.ok(got, "a span");
        assert.equal(got.text(), e.value);
      }
    })
  ),
  key.map((k) =>
    command(`delete(${show(k)})`, (m, r) => {
      const e = m.lookup(k);
      assert.equal(r.ks.delete(k), e !== undefined);
      m.map.delete(k);
      agree(m, r);
    })
  ),
  fc.tuple(key, fc.integer({ min: -20, max: 100 })).map(([k, t]) =>
    command(`setExpire(${show(k)}, now + ${t})`, (m, r) => {
      const e = m.lookup(k);
      assert.equal(r.ks.setExpire(k, m.now + t), e !== undefined);
      if (e !== undefined) e.expireAt = m.now + t;
      agree(m, r);
    })
  ),
  key.map((k) =>
    command(`getExpire/persist(${show(k)})`, (m, r) => {
      const e = m.lookup(k);
      const got = r.ks.getExpire(k);
      assert.equal(got === undefined ? undefined : Number(got), e?.expireAt);
      assert.equal(r.ks.persist(k), e?.expireAt !== undefined);
      if (e !== undefined) e.expireAt = undefined;
      agree(m, r);
    })
  ),
  fc.tuple(key, key).map(([from, to]) =>
    command(`rename(${show(from)}, ${show(to)})`, (m, r) => {
      const e = m.lookup(from);
      assert.equal(r.ks.rename(from, to), e !== undefined);
      if (e !== undefined && from !== to) {
        m.map.delete(from);
        m.lookup(to);
        m.map.set(to, e);
      }
      agree(m, r);
    })
  ),
  key.map((k) =>
    command(`getView/readCollection(${show(k)})`, (m, r) => {
      const e = m.lookup(k);
      const view = r.ks.getView(k);
      if (e !== undefined && typeof e.value === "string") {
        assert.ok(view instanceof Uint8Array, "a view of the bytes");
        assert.equal(toByteString(view, 0, view.length), e.value);
      } else {
        assertValue(view as CollectionValue | undefined, e, "getView");
      }
      const req = enc(`SADD ${k} x`);
      const c = r.ks.readCollection(req, 5, k.length);
      if (c !== undefined) {
        // Only an unpacked collection is handed out this way.
        assert.ok(e !== undefined && typeof e.value !== "string");
        assertValue(c, e, "readCollection");
      }
    })
  ),
  fc.tuple(
    fc.integer({ min: 300, max: 900 }),
    fc.constantFrom(2000, 3000),
    fc.integer({ min: 2, max: 5 }),
  ).map(([n, size, every]) =>
    command(
      `fill ${n} keys of ${size} bytes, keep 1 in ${every}`,
      (m, r) => {
        // More than a page of one size class, then holes in it: work for
        // defragStep.
        for (let i = 0; i < n; i++) {
          const k = `z${i}`;
          const v = String.fromCharCode(i & 0xff).repeat(size - 6) + `${i}`;
          r.ks.set(k, v);
          m.lookup(k);
          m.map.set(k, { value: v, expireAt: undefined });
        }
        for (let i = 0; i < n; i++) {
          if (i % every === 0) continue;
          const k = `z${i}`;
          assert.equal(r.ks.delete(k), true);
          m.map.delete(k);
        }
        agree(m, r);
      },
    )
  ),
  fc.integer({ min: 1, max: 64 }).map((moves) =>
    command(`defragStep(${moves}) at any fragmentation`, (m, r) => {
      r.ks.defragStep(moves, 0, 0);
      agree(m, r);
    })
  ),
  fc.constant(command<Model, Real>("randomKey()", (m, r) => {
    const k = r.ks.randomKey();
    if (k === undefined) assert.deepEqual(m.liveKeys(), []);
    else assert.ok(m.lookup(k) !== undefined, `randomKey ${show(k)} is live`);
  })),
  fc.integer({ min: 1, max: 30 }).map((max) =>
    command(`expireSome(${max})`, (m, r) => {
      const live = m.liveKeys().length;
      const { sampled, expired } = r.ks.expireSome(max);
      assert.ok(expired <= sampled && sampled <= max);
      // Only expired keys go: every live key is still there.
      for (const k of m.liveKeys()) assert.ok(r.ks.has(k), `${show(k)} kept`);
      assert.equal(m.liveKeys().length, live);
      agree(m, r);
    })
  ),
  fc.constant(command<Model, Real>("keys(even length)", (m, r) => {
    const even = (k: string): boolean => k.length % 2 === 0;
    assert.deepEqual(
      [...r.ks.keys(even)].sort(),
      m.liveKeys().filter(even).sort(),
    );
  })),
  fc.constant(command<Model, Real>("flush()", (m, r) => {
    r.ks.flush();
    m.map.clear();
    assert.equal(r.ks.size, 0);
    assert.equal(r.ks.volatileSize, 0);
  })),
  fc.integer({ min: 0, max: 60 }).map((ms) =>
    command(`clock += ${ms}`, (m, r) => {
      m.now += ms;
      r.clock.now = m.now;
    })
  ),
  fc.integer({ min: 1, max: 30 }).map((count) =>
    command(`scan(count ${count}), keys()`, (m, r) => {
      const live = new Set(m.liveKeys());
      const seen = new Set<string>();
      let cursor = 0;
      let steps = 0;
      do {
        const step = r.ks.scan(cursor, count);
        for (const k of step.keys) seen.add(k);
        cursor = step.cursor;
        assert.ok(++steps <= 100_000, "scan ends");
      } while (cursor !== 0);
      for (const k of live) assert.ok(seen.has(k), `scan sees ${show(k)}`);
      for (const k of seen) assert.ok(m.map.has(k), `scan's ${show(k)} exists`);
      // keys() reclaims what has expired: then sizes agree exactly.
      assert.deepEqual([...r.ks.keys()].sort(), [...live].sort());
      for (const k of [...m.map.keys()]) m.lookup(k);
      assert.equal(r.ks.size, m.map.size);
      let volatile = 0;
      for (const e of m.map.values()) if (e.expireAt !== undefined) volatile++;
      assert.equal(r.ks.volatileSize, volatile);
    })
  ),
];

Deno.test("Keyspace agrees with a Map under random command sequences", async () => {
  await checkProperty(
    "keyspace model",
    fc.property(
      fc.integer(),
      fc.commands(commands, { maxCommands: 80, size: "max" }),
      (seed, cmds) => {
        fc.modelRun(() => {
          const clock = { now: START };
          const ks = new Keyspace({
            now: () => clock.now,
            random: seededRandom(seed),
            hashSeed: seed,
          });
          return { model: new Model(), real: { ks, clock } };
        }, cmds);
      },
    ),
    300,
  );
});
