import assert from "node:assert/strict";
import { err, harness } from "./_testing.ts";

Deno.test("MEMORY USAGE: a key's bytes, null for a missing key, SAMPLES checked as Redis checks it", () => {
  const h = harness();
  assert.equal(h.call("MEMORY", "USAGE", "nokey"), null);
  h.call("SET", "k", "v");
  const small = h.call("MEMORY", "USAGE", "k") as number;
  assert.ok(small > 0);
  h.call("SET", "big", "x".repeat(10_000));
  const big = h.call("MEMORY", "USAGE", "big") as number;
  assert.ok(big >= 10_000 && big < 20_000, `big: ${big}`);
  // A collection counts its elements too.
  for (let i = 0; i < 200; i++) h.call("RPUSH", "l", "e".repeat(100) + i);
  assert.ok((h.call("MEMORY", "USAGE", "l") as number) > 200 * 100);
  assert.equal(h.call("MEMORY", "USAGE", "k", "SAMPLES", "0"), small);
  assert.equal(h.call("MEMORY", "usage", "k", "samples", "5"), small);
  assert.deepEqual(
    h.call("MEMORY", "USAGE", "k", "SAMPLES", "x"),
    err("ERR value is not an integer or out of range"),
  );
  for (
    const args of [["SAMPLES", "-1"], ["SAMPLES"], ["extra"], ["FOO", "1"]]
  ) {
    assert.deepEqual(
      h.call("MEMORY", "USAGE", "k", ...args),
      err("ERR syntax error"),
      args.join(" "),
    );
  }
  assert.deepEqual(
    h.call("MEMORY", "USAGE"),
    err("ERR wrong number of arguments for 'memory|usage' command"),
  );
  // Not a read: no hit is counted.
  assert.equal(h.store.keyspaceHits, 0);
  assert.equal(h.store.keyspaceMisses, 0);
});

Deno.test("MEMORY STATS: Redis's field names, the keyspace's counts", () => {
  const h = harness();
  h.call("SET", "a", "1");
  h.call("SET", "b", "2");
  const pairs = h.call("MEMORY", "STATS") as [string, unknown][];
  const fields = new Map(pairs);
  for (
    const name of [
      "peak.allocated",
      "total.allocated",
      "startup.allocated",
      "clients.normal",
      "overhead.total",
      "keys.count",
      "keys.bytes-per-key",
      "dataset.bytes",
      "dataset.percentage",
      "peak.percentage",
    ]
  ) {
    assert.ok(fields.has(name), name);
  }
  assert.equal(fields.get("keys.count"), 2);
  assert.equal(
    fields.get("total.allocated"),
    h.store.usedMemory,
  );
  assert.ok(
    (fields.get("dataset.bytes") as number) +
        (fields.get("overhead.total") as number) ===
      h.store.usedMemory,
  );
  assert.deepEqual(
    h.call("MEMORY", "STATS", "x"),
    err("ERR wrong number of arguments for 'memory|stats' command"),
  );
});

Deno.test("MEMORY HELP, DOCTOR, and Redis's errors for the rest", () => {
  const h = harness();
  const help = h.call("MEMORY", "HELP") as string[];
  assert.match(help[0], /^MEMORY <subcommand>/);
  assert.ok(help.some((l) => l.startsWith("USAGE <key>")));
  assert.equal(typeof h.call("MEMORY", "DOCTOR"), "string");
  assert.deepEqual(
    h.call("MEMORY", "foo"),
    err("ERR unknown subcommand 'foo'. Try MEMORY HELP."),
  );
  assert.deepEqual(
    h.call("MEMORY"),
    err("ERR wrong number of arguments for 'memory' command"),
  );
});
