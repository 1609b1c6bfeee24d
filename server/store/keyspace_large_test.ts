/**
 * The keyspace past V8's limits: more keys than a `Map` can hold (2^24).
 * About 20 s on a 2-core machine; kept in the suite because the entry cap
 * was a real failure (every write past 16,777,216 keys failed).
 *
 * @module
 */

import assert from "node:assert/strict";
import { Keyspace } from "./keyspace.ts";

Deno.test("Keyspace holds more than 2^24 keys (V8's Map limit) and reads them back", () => {
  const ks = new Keyspace({ hashSeed: 1 });
  const n = 2 ** 24 + 100_000;
  const value = "value:01";
  for (let i = 0; i < n; i++) ks.set(`k${i}`, value);
  assert.equal(ks.size, n);
  for (let i = 0; i < n; i += 9_973) assert.equal(ks.get(`k${i}`), value);
  assert.equal(ks.get(`k${n - 1}`), value);
  assert.equal(ks.get(`k${n}`), undefined);
  // Deleting and writing still work at that size.
  assert.equal(ks.delete("k0"), true);
  ks.set("k0", "again");
  assert.equal(ks.get("k0"), "again");
  assert.equal(ks.size, n);
  // No V8 heap per key: the data is in the arena (counted in used_memory).
  assert.ok(ks.dataMemory > n * 30, `${ks.dataMemory} bytes`);
  ks.flush();
  assert.equal(ks.size, 0);
});
