import assert from "node:assert/strict";
import { HashRing } from "./ring.ts";
import { WarmUps } from "./_warm_up.ts";

const OLD = ["10.0.0.1:7379", "10.0.0.2:7379"];
const NEW = "10.0.0.3:7379";

Deno.test("WarmUps: the previous owner of a key the new node owns, until the end", () => {
  let now = 0;
  const warm = new WarmUps(() => now);
  const previous = new HashRing({ nodes: OLD });
  const current = new HashRing({ nodes: [...OLD, NEW] });
  assert.equal(warm.active(), false);
  warm.start(NEW, 1000, previous);
  assert.equal(warm.active(), true);
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
  const moved = keys.filter((k) => current.nodeFor(k) === NEW);
  const stayed = keys.filter((k) => current.nodeFor(k) !== NEW);
  assert.ok(moved.length > 0 && stayed.length > 0);
  for (const k of moved) {
    assert.equal(warm.previousOwner(k, NEW), previous.nodeFor(k));
  }
  for (const k of stayed) {
    assert.equal(warm.previousOwner(k, current.nodeFor(k)), undefined);
  }
  // Writes are counted per key (strings and bytes alike), forgotten keys skipped.
  warm.wrote(moved[0]);
  warm.wrote(moved[0]);
  assert.equal(warm.writesOf(moved[0]), 2);
  assert.equal(warm.writesOf(new TextEncoder().encode(moved[0])), 0);
  warm.forget(moved[1]);
  assert.equal(warm.previousOwner(moved[1], NEW), undefined);
  now = 999;
  assert.equal(warm.active(), true);
  now = 1000;
  assert.equal(warm.active(), false);
  assert.equal(warm.previousOwner(moved[0], NEW), undefined);
  assert.equal(warm.writesOf(moved[0]), 0);
});

Deno.test("WarmUps: end and endAll stop a warm-up at once", () => {
  const warm = new WarmUps(() => 0);
  warm.start(NEW, 1000, new HashRing({ nodes: OLD }));
  warm.end(NEW);
  assert.equal(warm.active(), false);
  warm.start(NEW, 1000, new HashRing({ nodes: OLD }));
  warm.endAll();
  assert.equal(warm.active(), false);
});
