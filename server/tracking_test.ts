import assert from "node:assert/strict";
import { TRACKING_DEFAULTS, TrackingTable } from "./tracking.ts";
import { Keyspace } from "./store/keyspace.ts";
import { ByteSpan } from "./store/byte_span.ts";
import { murmur3ByteString } from "@cachemir/protocol";

const DEFAULT = TRACKING_DEFAULTS;

function table(max = 1000) {
  const pushed: [number, number, readonly string[] | null][] = [];
  const active: boolean[] = [];
  const t = new TrackingTable({
    deliver: (tracker, target, keys) => pushed.push([tracker, target, keys]),
    maxKeys: () => max,
    onActive: (a) => active.push(a),
  });
  return { t, pushed, active };
}

Deno.test("tracking: a key read by two sessions is invalidated to both, once", () => {
  const { t, pushed } = table();
  t.enable(1, DEFAULT);
  t.enable(2, DEFAULT);
  t.read(1, "k");
  t.read(2, "k");
  t.read(1, "other");
  t.changed("k");
  assert.deepEqual(pushed, [[1, 1, ["k"]], [2, 2, ["k"]]]);
  t.changed("k");
  assert.equal(pushed.length, 2);
  assert.equal(t.size, 1);
});

Deno.test("tracking: REDIRECT sends to the target, NOLOOP skips the writer's own changes", () => {
  const { t, pushed } = table();
  t.enable(1, { ...DEFAULT, redirect: 7 });
  t.enable(2, { ...DEFAULT, noloop: true });
  t.read(1, "k");
  t.read(2, "k");
  t.writer = 2;
  t.changed("k");
  assert.deepEqual(pushed, [[1, 7, ["k"]]]);
});

Deno.test("tracking: FLUSHALL tells every tracking session once, with null", () => {
  const { t, pushed } = table();
  t.enable(1, DEFAULT);
  t.enable(2, DEFAULT);
  t.read(1, "a");
  t.flushed();
  assert.deepEqual(pushed, [[1, 1, null], [2, 2, null]]);
  assert.equal(t.size, 0);
});

Deno.test("tracking: past maxKeys the oldest keys are invalidated", () => {
  const { t, pushed } = table(3);
  t.enable(1, DEFAULT);
  for (const k of ["a", "b", "c", "d", "e"]) t.read(1, k);
  assert.equal(t.size, 3);
  assert.deepEqual(pushed.map((p) => p[2]), [["a"], ["b"]]);
  assert.equal(t.evictedKeys, 2);
});

Deno.test("tracking: BCAST with prefixes hears of matching changes, read or not", () => {
  const { t, pushed } = table();
  t.enable(1, { ...DEFAULT, bcast: true, prefixes: ["user:"] });
  t.changed("user:1");
  t.changed("order:1");
  assert.deepEqual(pushed, [[1, 1, ["user:1"]]]);
});

Deno.test("tracking: OPTIN tracks only the command after CLIENT CACHING yes", () => {
  const { t } = table();
  t.enable(1, { ...DEFAULT, optin: true });
  assert.equal(t.tracksReadsOf(1, false), false);
  t.setCaching(1, true);
  assert.equal(t.tracksReadsOf(1, true), true); // CLIENT keeps the answer
  assert.equal(t.tracksReadsOf(1, false), true);
  assert.equal(t.tracksReadsOf(1, false), false);
});

Deno.test("tracking: a disabled session is told nothing; activity follows sessions and keys", () => {
  const { t, pushed, active } = table();
  t.enable(1, DEFAULT);
  t.read(1, "k");
  t.disable(1);
  t.changed("k");
  assert.deepEqual(pushed, []);
  assert.deepEqual(active, [true, false]);
});

Deno.test("tracking: the store's observer hears reads of read-only commands and every kind of change", () => {
  let now = 1000;
  const ks = new Keyspace({
    now: () => now,
    memory: { maxmemory: 0 },
  });
  const reads: string[] = [];
  const changes: (string | null)[] = [];
  ks.observer = {
    read: (k) => reads.push(typeof k === "string" ? k : k.text()),
    changed: (k) => changes.push(k),
  };
  ks.set("a", "1");
  ks.set("b", "2", now + 10);
  ks.trackReads = true;
  ks.countReads = "every";
  ks.get("a");
  ks.get("missing");
  ks.countReads = "none";
  ks.get("b"); // not a read-only command's lookup
  ks.trackReads = false;
  assert.deepEqual(reads, ["a", "missing"]);
  changes.length = 0;
  ks.set("a", "3");
  ks.delete("a");
  ks.setExpire("b", now + 5);
  now += 100;
  ks.get("b"); // expired on the way
  ks.set("c", "1");
  ks.flush();
  assert.deepEqual(changes, ["a", "a", "b", "b", "c", null]);
});

Deno.test("tracking: a key read from its bytes in place is the key read as a string; keys sharing a hash stay apart", () => {
  const pushed: [number, readonly string[] | null][] = [];
  const t = new TrackingTable({
    deliver: (_tracker, target, keys) => pushed.push([target, keys]),
    maxKeys: () => 3,
  });
  t.enable(1, DEFAULT);
  t.enable(2, DEFAULT);
  const request = new TextEncoder().encode("GET user:\xff1");
  const span = new ByteSpan().set(request, 4, request.length - 4);
  t.read(1, span);
  request.fill(0); // the table kept its own copy
  t.read(2, "user:\xc3\xbf1"); // the same bytes, as a byte string
  assert.equal(t.size, 1);
  t.changed("user:\xc3\xbf1");
  assert.deepEqual(pushed, [[1, ["user:\xc3\xbf1"]], [2, ["user:\xc3\xbf1"]]]);
  assert.equal(t.size, 0);
  // Two keys with the same hash: each change tells its own key only.
  const seed = 1;
  const seen = new Map<number, string>();
  let pair: [string, string] | undefined;
  for (let i = 0; pair === undefined; i++) {
    const key = `k${i}`;
    const h = murmur3ByteString(key, seed);
    const other = seen.get(h);
    if (other !== undefined) pair = [other, key];
    else seen.set(h, key);
  }
  const [a, b] = pair;
  pushed.length = 0;
  const chained = new TrackingTable({
    deliver: (_tracker, target, keys) => pushed.push([target, keys]),
    maxKeys: () => 3,
    seed,
  });
  chained.enable(1, DEFAULT);
  chained.read(1, a);
  chained.read(1, b);
  chained.read(1, b);
  assert.equal(chained.size, 2);
  chained.changed(a);
  assert.deepEqual(pushed, [[1, [a]]]);
  chained.changed(a); // forgotten: no second push
  chained.changed(b);
  assert.deepEqual(pushed, [[1, [a]], [1, [b]]]);
  assert.equal(chained.size, 0);
  // Over the bound, the oldest go first, chained or not.
  pushed.length = 0;
  for (const k of [a, b, "x", "y"]) chained.read(1, k);
  assert.deepEqual(pushed, [[1, [a]]]);
  assert.equal(chained.size, 3);
  assert.equal(chained.evictedKeys, 1);
});

Deno.test("tracking: a bound lowered at run time (CONFIG SET) invalidates the oldest keys at once", () => {
  let max = 10;
  const pushed: (readonly string[] | null)[] = [];
  const t = new TrackingTable({
    deliver: (_tracker, _target, keys) => pushed.push(keys),
    maxKeys: () => max,
  });
  t.enable(1, DEFAULT);
  for (const k of ["a", "b", "c", "d", "e"]) t.read(1, k);
  assert.deepEqual(pushed, []);
  max = 2;
  t.enforceBound();
  assert.deepEqual(pushed, [["a"], ["b"], ["c"]]);
  assert.equal(t.size, 2);
  assert.equal(t.evictedKeys, 3);
  // 0 = no bound: nothing more goes.
  max = 0;
  t.enforceBound();
  t.read(1, "f");
  assert.equal(t.size, 3);
});

Deno.test("tracking: OPTOUT tracks every read but those of the command after CLIENT CACHING no; BCAST tracks no reads", () => {
  const { t } = table();
  t.enable(1, { ...DEFAULT, optout: true });
  assert.equal(t.tracksReadsOf(1, false), true);
  t.setCaching(1, false);
  assert.equal(t.caching(1), false);
  // CLIENT itself (CLIENT CACHING no) keeps the answer for the next one.
  assert.equal(t.tracksReadsOf(1, true), false);
  assert.equal(t.caching(1), false);
  assert.equal(t.tracksReadsOf(1, false), false);
  assert.equal(t.caching(1), undefined);
  assert.equal(t.tracksReadsOf(1, false), true);
  t.enable(2, { ...DEFAULT, bcast: true });
  assert.equal(t.tracksReadsOf(2, false), false);
  assert.equal(t.tracksReadsOf(3, false), false); // not tracking
});
