import assert from "node:assert/strict";
import { VersionLedger, versionOf } from "./ledger.ts";

Deno.test("VersionLedger numbers each key's writes from v1", () => {
  const ledger = new VersionLedger();
  assert.equal(ledger.nextValue("a"), "v1");
  assert.equal(ledger.nextValue("a"), "v2");
  assert.equal(ledger.nextValue("b"), "v1");
});

Deno.test("VersionLedger flags a read older than an acknowledged write, not a miss nor a newer value", () => {
  const ledger = new VersionLedger();
  assert.equal(ledger.floor("k"), -1);
  const v1 = ledger.nextValue("k");
  const v2 = ledger.nextValue("k");
  ledger.acknowledge("k", v2);
  ledger.acknowledge("k", v1); // a late acknowledgement never lowers the floor
  const floor = ledger.floor("k");
  assert.equal(floor, 2);
  assert.equal(ledger.isStale("v1", floor), true);
  assert.equal(ledger.isStale("v2", floor), false);
  assert.equal(ledger.isStale("v3", floor), false); // written, not yet acknowledged
  assert.equal(ledger.isStale(null, floor), false);
  // A read that started before the acknowledgement may see the older value.
  assert.equal(ledger.isStale("v1", 1), false);
});

Deno.test("versionOf rejects a value the drill never writes", () => {
  assert.equal(versionOf("v17"), 17);
  assert.throws(() => versionOf("x1"), /a value the drill never writes: "x1"/);
});
