/**
 * The bit commands and LCS against a real redis-server on random inputs
 * larger and more varied than the random command stream's: strings of up
 * to 300 bytes made of runs of 0x00, 0xff and random bytes (the shapes
 * where counting and searching take shortcuts), every range form of
 * BITCOUNT and BITPOS, BITFIELD at every width and offset with every
 * overflow behaviour, BITOP over several sources, and LCS of related
 * strings with IDX, MINMATCHLEN and WITHMATCHLEN. Replies and the
 * resulting values must be identical.
 *
 * Seed: `CACHEMIR_SEED=<n>`, or random (printed).
 */

import assert from "node:assert/strict";
import { setupLogging } from "../../server/log.ts";
import { Gen } from "./_gen.ts";
import { seedFromEnv, withServers } from "./_harness.ts";
import type { RespClient, RespValue } from "../_helpers/resp_client.ts";

setupLogging("error");

/** A string of runs: zeros, ones, random bytes, text. */
function runs(g: Gen, max: number): string {
  let s = "";
  const target = g.int(0, max);
  while (s.length < target) {
    const n = g.int(1, 40);
    const r = g.random();
    if (r < 0.3) s += "\x00".repeat(n);
    else if (r < 0.6) s += "\xff".repeat(n);
    else if (r < 0.85) s += g.bytes(n);
    else s += g.pick(["foobar", "ohmytext", "mynewtext", "abc"]);
  }
  return s.slice(0, target);
}

/** A range end: near the string's length in bytes or bits, negative, edges. */
function end(g: Gen, length: number, bits: boolean): string {
  const n = bits ? length * 8 : length;
  const r = g.random();
  if (r < 0.75) return String(g.int(-n - 10, n + 10));
  return g.pick([
    "0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
  ]);
}

function show(v: RespValue): string {
  return JSON.stringify(
    v,
    (_, x) => typeof x === "bigint" ? `${x}n` : x,
  );
}

/** Sends one command to both servers; the replies must be identical. */
async function same(
  redis: RespClient,
  node: RespClient,
  seed: number,
  ...args: string[]
): Promise<RespValue> {
  const want = await redis.call(...args);
  const got = await node.call(...args);
  assert.deepEqual(
    got,
    want,
    `seed ${seed}: ${show(args).slice(0, 300)}\n  redis: ${
      show(want).slice(0, 300)
    }\n  cachemir: ${show(got).slice(0, 300)}`,
  );
  return want;
}

Deno.test("compat: BITCOUNT and BITPOS over random strings and every range form", async () => {
  const seed = seedFromEnv();
  console.log(`bits seed ${seed} (rerun with CACHEMIR_SEED=${seed})`);
  const g = new Gen(seed);
  await withServers(async (redis, node) => {
    for (let round = 0; round < 300; round++) {
      const s = runs(g, 300);
      await same(redis, node, seed, "SET", "s", s);
      await same(redis, node, seed, "BITCOUNT", "s");
      for (let i = 0; i < 8; i++) {
        const bits = g.chance(0.5);
        const range = [end(g, s.length, bits), end(g, s.length, bits)];
        const unit = bits ? ["BIT"] : g.chance(0.5) ? ["BYTE"] : [];
        await same(redis, node, seed, "BITCOUNT", "s", ...range, ...unit);
        const bit = String(g.int(0, 1));
        const form = g.int(0, 2);
        const args = form === 0
          ? [range[0]]
          : form === 1
          ? range
          : [...range, bits ? "BIT" : "BYTE"];
        await same(redis, node, seed, "BITPOS", "s", bit, ...args);
      }
      await same(redis, node, seed, "BITPOS", "s", "0");
      await same(redis, node, seed, "BITPOS", "s", "1");
    }
  });
});

Deno.test("compat: SETBIT, GETBIT and BITOP build the same strings", async () => {
  const seed = seedFromEnv();
  const g = new Gen(seed + 1);
  await withServers(async (redis, node) => {
    for (let round = 0; round < 40; round++) {
      const keys = ["{b}0", "{b}1", "{b}2", "{b}3"];
      for (const k of keys) {
        await same(redis, node, seed, "DEL", k);
        if (g.chance(0.7)) await same(redis, node, seed, "SET", k, runs(g, 80));
      }
      for (let i = 0; i < 30; i++) {
        const k = g.pick(keys);
        const offset = String(g.int(0, 1200));
        await same(redis, node, seed, "SETBIT", k, offset, String(g.int(0, 1)));
        await same(redis, node, seed, "GETBIT", g.pick(keys), offset);
      }
      const op = g.pick(["AND", "OR", "XOR", "NOT"]);
      const sources = op === "NOT" ? [g.pick(keys)] : keys.slice(g.int(0, 3));
      await same(redis, node, seed, "BITOP", op, g.pick(keys), ...sources);
      for (const k of keys) await same(redis, node, seed, "GET", k);
    }
  });
});

Deno.test("compat: BITFIELD at every width, offset and overflow behaviour", async () => {
  const seed = seedFromEnv();
  const g = new Gen(seed + 2);
  const values = [
    "0",
    "1",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "4611686018427387904",
    "-4611686018427387905",
    "9007199254740993",
    "255",
    "-129",
    "2147483648",
  ];
  await withServers(async (redis, node) => {
    for (let round = 0; round < 400; round++) {
      if (round % 20 === 0) {
        await same(redis, node, seed, "SET", "f", runs(g, 24));
      }
      const args = ["BITFIELD", "f"];
      const n = g.int(1, 6);
      for (let i = 0; i < n; i++) {
        const type = g.chance(0.5) ? `i${g.int(1, 64)}` : `u${g.int(1, 63)}`;
        const offset = g.chance(0.7)
          ? String(g.int(0, 250))
          : `#${g.int(0, 20)}`;
        const value = g.chance(0.5) ? String(g.int(-600, 600)) : g.pick(values);
        const r = g.random();
        if (r < 0.3) args.push("GET", type, offset);
        else if (r < 0.6) args.push("SET", type, offset, value);
        else if (r < 0.9) args.push("INCRBY", type, offset, value);
        else args.push("OVERFLOW", g.pick(["WRAP", "SAT", "FAIL"]));
      }
      await same(redis, node, seed, ...args);
      await same(redis, node, seed, "GET", "f");
      const reads = ["BITFIELD_RO", "f"];
      for (let i = g.int(1, 4); i > 0; i--) {
        reads.push("GET", `i${g.int(1, 64)}`, String(g.int(0, 400)));
      }
      await same(redis, node, seed, ...reads);
    }
  });
});

Deno.test("compat: LCS of related strings, with LEN, IDX, MINMATCHLEN, WITHMATCHLEN", async () => {
  const seed = seedFromEnv();
  const g = new Gen(seed + 3);
  await withServers(async (redis, node) => {
    for (let round = 0; round < 150; round++) {
      // Two edits of one string: long common runs, and ties to break.
      const base = runs(g, 120).replaceAll("\xff", "a").replaceAll("\x00", "b");
      const edit = (s: string): string => {
        let out = s;
        for (let i = g.int(0, 6); i > 0; i--) {
          const at = g.int(0, out.length);
          out = g.chance(0.5)
            ? out.slice(0, at) + g.pick(["x", "ab", "\x00", "yz"]) +
              out.slice(at)
            : out.slice(0, at) + out.slice(at + g.int(1, 5));
        }
        return out;
      };
      await same(redis, node, seed, "SET", "{l}a", edit(base));
      await same(redis, node, seed, "SET", "{l}b", edit(base));
      await same(redis, node, seed, "LCS", "{l}a", "{l}b");
      await same(redis, node, seed, "LCS", "{l}a", "{l}b", "LEN");
      const idx = ["LCS", "{l}a", "{l}b", "IDX"];
      if (g.chance(0.5)) idx.push("MINMATCHLEN", String(g.int(0, 8)));
      if (g.chance(0.5)) idx.push("WITHMATCHLEN");
      await same(redis, node, seed, ...idx);
    }
  });
});
