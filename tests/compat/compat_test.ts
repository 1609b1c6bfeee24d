/**
 * Differential tests: real Redis decides. The same seeded random command
 * sequences go to a `redis-server` and to a CacheMir node over RESP; every
 * reply must be identical (or match after the normalisation its command
 * needs: sorted KEYS, SCAN run to completion, RANDOMKEY's key checked to
 * exist, TTLs within a tolerance).
 *
 * Seed: `CACHEMIR_SEED=<n>`, or random (printed). Deliberate differences
 * from Redis, not compared: SCAN cursor values (CacheMir's cursors are ids,
 * not positions: scans are compared as complete sets), SELECT 1..15 (one
 * database), the fields of HELLO that name the server, and the commands in
 * `NOT_COMPARED` (families.ts).
 */

import assert from "node:assert/strict";
import { COMMANDS } from "@cachemir/protocol";
import { CommandTable } from "../../server/commands/table.ts";
import { setupLogging } from "../../server/log.ts";
import { Gen } from "./_gen.ts";
import { runDifferential, seedFromEnv, withServers } from "./_harness.ts";
import { FAMILIES, NOT_COMPARED, PENDING_FAMILIES } from "./families.ts";

setupLogging("error");

const COMMANDS_PER_RUN = 100_000;

Deno.test("compat: every command the node implements has a generator", () => {
  const generated = new Set(FAMILIES.flatMap((f) => Object.keys(f.commands)));
  const opcodes = new Map(COMMANDS.map((c) => [c.name, c.opcode]));
  const missing = new CommandTable().specs
    .map((s) => s.name)
    .filter((name) =>
      !generated.has(name) && !(name in NOT_COMPARED) &&
      !PENDING_FAMILIES.has((opcodes.get(name) ?? 0) >> 8)
    );
  assert.deepEqual(
    missing,
    [],
    `no generator for ${
      missing.join(", ")
    }: add them to a tests/compat/gen_*.ts family`,
  );
  for (const name of generated) {
    assert.ok(opcodes.has(name), `generator for unknown command ${name}`);
  }
});

Deno.test({
  name: "compat: Redis and CacheMir answer the same random command sequences",
  // ~25,000 commands; each side in its own pipelined batches.
  async fn() {
    const seed = seedFromEnv();
    console.log(`compat seed ${seed} (rerun with CACHEMIR_SEED=${seed})`);
    await withServers(async (redis, client) => {
      const started = performance.now();
      const result = await runDifferential({
        gen: new Gen(seed),
        seed,
        families: FAMILIES,
        commands: COMMANDS_PER_RUN,
        redis,
        node: client,
      });
      const ms = Math.round(performance.now() - started);
      console.log(
        `compat: ${result.commands} commands (${result.counts.size} kinds) identical in ${ms} ms`,
      );
      assert.ok(result.commands >= 20_000);
      const generated = FAMILIES.flatMap((f) => Object.keys(f.commands));
      for (const name of generated) {
        assert.ok(
          (result.counts.get(name) ?? 0) > 0,
          `${name} never generated`,
        );
      }
    });
  },
});

Deno.test("compat: runDifferential() stops at the first difference, naming the seed", async () => {
  await withServers(async (redis, client) => {
    // Keys only the node has: some command soon sees one (a single key may
    // be overwritten on both servers before anything reads it).
    for (const key of ["k0", "k1", "k2", "k3"]) {
      await client.call("SET", key, "only on the node");
    }
    await assert.rejects(
      runDifferential({
        gen: new Gen(42),
        seed: 42,
        families: FAMILIES,
        commands: 5_000,
        redis,
        node: client,
      }),
      (e: Error) => {
        assert.equal(e.name, "DifferenceError");
        assert.match(e.message, /\(seed 42, command #\d+/);
        assert.match(e.message, /\n {2}command: {2}\[/);
        assert.match(e.message, /\n {2}redis: {4}/);
        assert.match(e.message, /\n {2}cachemir: /);
        return true;
      },
    );
  });
});
