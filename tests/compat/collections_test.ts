/**
 * Differential tests of the hash, list and set commands at size: the same
 * seeded random sequences to `redis-server` and to a CacheMir node, drawn
 * from the collection families only (plus TTL commands and HELLO), so that hashes,
 * lists and sets grow to thousands of elements and stay (the mixed run in
 * compat_test.ts overwrites them with strings and flushes them often).
 * Replies are compared as compat_test.ts does; every few batches the whole
 * keyspace is compared (LRANGE, SMEMBERS, HGETALL, TYPE and PTTL of every
 * key).
 *
 * Seed: `CACHEMIR_SEED=<n>`, or random (printed).
 *
 * @module
 */

import assert from "node:assert/strict";
import { setupLogging } from "../../server/log.ts";
import { type Family, Gen } from "./_gen.ts";
import { runDifferential, seedFromEnv, withServers } from "./_harness.ts";
import { CONNECTION } from "./gen_connection.ts";
import { HASHES } from "./gen_hashes.ts";
import { KEYS } from "./gen_keys.ts";
import { LISTS } from "./gen_lists.ts";
import { SETS } from "./gen_sets.ts";

setupLogging("error");

const COMMANDS_PER_RUN = 30_000;

/**
 * TTLs set, read and removed on collections (no deletes: keys stay big),
 * and HELLO 2 / 3 (replies in RESP2 and RESP3 shapes).
 */
const EXTRAS: Family = Object.freeze<Family>({
  name: "extras",
  commands: {
    EXPIRE: KEYS.commands.EXPIRE,
    PEXPIRE: KEYS.commands.PEXPIRE,
    PERSIST: KEYS.commands.PERSIST,
    TTL: KEYS.commands.TTL,
    TYPE: KEYS.commands.TYPE,
    HELLO: CONNECTION.commands.HELLO,
  },
  weights: {
    EXPIRE: 0.3,
    PEXPIRE: 0.3,
    PERSIST: 0.3,
    TTL: 0.3,
    TYPE: 0.3,
    HELLO: 0.2,
  },
});

Deno.test("compat: hashes, lists and sets of thousands of elements answer as Redis does", async () => {
  const seed = seedFromEnv();
  console.log(`collections seed ${seed} (rerun with CACHEMIR_SEED=${seed})`);
  await withServers(async (redis, client) => {
    // Start with big collections on both servers (the run grows and
    // shrinks them): a list, a set, an integer set and a hash past Redis's
    // compact encodings.
    const prime: string[][] = [
      ["RPUSH", "k0", ...Array.from({ length: 5000 }, (_, i) => `m${i % 25}`)],
      ["SADD", "k1", ...Array.from({ length: 5000 }, (_, i) => `e${i}`)],
      ["SADD", "k2", ...Array.from({ length: 3000 }, (_, i) => String(i))],
      [
        "HSET",
        "k3",
        ...Array.from({ length: 3000 }, (_, i) => [`f${i}`, `${i}`]).flat(),
      ],
    ];
    await Promise.all([redis.pipeline(prime), client.pipeline(prime)]);
    const families = [HASHES, LISTS, SETS, EXTRAS];
    const started = performance.now();
    const result = await runDifferential({
      gen: new Gen(seed),
      seed,
      families,
      commands: COMMANDS_PER_RUN,
      redis,
      node: client,
      // Random picks and scans are compared with follow-ups, which end a
      // batch: batches are short here, and a snapshot of thousands of
      // elements per key every 10 of them would dominate the run.
      snapshotEvery: 60,
    });
    const ms = Math.round(performance.now() - started);
    // How big the collections got, as Redis counts them.
    let largest = 0;
    for (const key of await redis.call("KEYS", "*") as string[]) {
      const type = (await redis.call("TYPE", key) as { status: string }).status;
      const size = type === "hash"
        ? await redis.call("HLEN", key)
        : type === "list"
        ? await redis.call("LLEN", key)
        : await redis.call("SCARD", key);
      largest = Math.max(largest, size as number);
    }
    console.log(
      `collections: ${result.commands} commands identical in ${ms} ms; largest collection at the end ${largest}`,
    );
    assert.ok(result.commands >= 20_000);
    for (const family of families) {
      for (const name of Object.keys(family.commands)) {
        assert.ok(
          (result.counts.get(name) ?? 0) > 0,
          `${name} never generated`,
        );
      }
    }
  });
});
