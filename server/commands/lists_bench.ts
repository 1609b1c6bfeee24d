/**
 * Command-level benchmarks of the collection commands: each command runs
 * through the command table as the binary port runs it (by opcode: arity
 * check, handler, keyspace lookup, reply value), on a collection of 10
 * elements and of 1,000,000. The two must cost the same: LPOP, RPOP, LPUSH,
 * RPUSH, HSET, HGET, SADD, SISMEMBER and SPOP are O(1) at any size.
 *
 * Writes are timed in pairs that leave the size unchanged, so that every
 * iteration sees the same state (`LPOP+RPUSH`: pop the head, push it back at
 * the tail): a pair costs two commands. Reads are timed alone, on 64 keys
 * that stay in the CPU cache. SPOP picks a random member, so at 1M it pays
 * cache misses that no 10-element set has (a lookup of a random key in a
 * plain JS `Map` of 1M keys costs about 0.7 µs on our 2-core machine, as
 * random dict lookups do in Redis): its cost is flat in the size, not equal
 * to the cache-hot small case.
 *
 * Run: `deno bench -A server/commands/lists_bench.ts`
 *
 * @module
 */

import { commandByName } from "@cachemir/protocol";
import { harness } from "./_testing.ts";

const BIG = 1_000_000;
const SIZES = [["10", 10], ["1M", BIG]] as const;

const h = harness();
const { ctx, table } = h;

function opcode(name: string): number {
  return commandByName(name)!.opcode;
}
const LPOP = opcode("LPOP");
const RPOP = opcode("RPOP");
const LPUSH = opcode("LPUSH");
const RPUSH = opcode("RPUSH");
const HSET = opcode("HSET");
const HGET = opcode("HGET");
const HDEL = opcode("HDEL");
const SADD = opcode("SADD");
const SREM = opcode("SREM");
const SISMEMBER = opcode("SISMEMBER");
const SPOP = opcode("SPOP");

/** Runs a command by opcode, as the binary port does; returns BYTES as text. */
function run(op: number, args: string[]): string {
  const reply = table.executeOpcode(ctx, op, args);
  if (reply.kind === "error") throw new Error(reply.message);
  return reply.kind === "bytes" ? reply.value as string : "";
}

/** Fills `key` with `n` elements, 10,000 per command. */
function fill(name: string, key: string, n: number, pairs: boolean): void {
  for (let i = 0; i < n; i += 10_000) {
    const args = [key];
    for (let j = i; j < Math.min(n, i + 10_000); j++) {
      args.push(`element:${j}`);
      if (pairs) args.push(`value:${j}`);
    }
    h.run(name, ...args);
  }
}

for (const [label, size] of SIZES) {
  const list = `list:${label}`;
  const hash = `hash:${label}`;
  const set = `set:${label}`;
  fill("RPUSH", list, size, false);
  fill("HSET", hash, size, true);
  fill("SADD", set, size, false);
  const baseline = label === "10";
  const key = [list];
  const pushed = [list, "pushed-element"];
  const pushBack = [list, ""];
  let i = 0;
  const present = (prefix: string): string[][] =>
    Array.from(
      { length: 64 },
      (_, j) => [prefix, `element:${(j * 7919) % size}`],
    );
  const hgetArgs = present(hash);
  const sismemberArgs = present(set).map((
    [k, m],
    j,
  ) => [k, j % 2 ? m : `absent:${j}`]);
  const hsetArgs = [hash, "new-field", "value"];
  const hdelArgs = [hash, "new-field"];
  const saddArgs = [set, "new-member"];
  const sremArgs = [set, "new-member"];
  const spopArgs = [set];
  const saddBack = [set, ""];

  Deno.bench({
    name: `LPOP+RPUSH on ${label}`,
    group: "LPOP+RPUSH",
    baseline,
    fn() {
      pushBack[1] = run(LPOP, key);
      run(RPUSH, pushBack);
    },
  });
  Deno.bench({
    name: `RPOP+LPUSH on ${label}`,
    group: "RPOP+LPUSH",
    baseline,
    fn() {
      pushBack[1] = run(RPOP, key);
      run(LPUSH, pushBack);
    },
  });
  Deno.bench({
    name: `LPUSH+LPOP on ${label}`,
    group: "LPUSH+LPOP",
    baseline,
    fn() {
      run(LPUSH, pushed);
      run(LPOP, key);
    },
  });
  Deno.bench({
    name: `RPUSH+RPOP on ${label}`,
    group: "RPUSH+RPOP",
    baseline,
    fn() {
      run(RPUSH, pushed);
      run(RPOP, key);
    },
  });
  Deno.bench({
    name: `HSET+HDEL (new field) on ${label}`,
    group: "HSET+HDEL",
    baseline,
    fn() {
      run(HSET, hsetArgs);
      run(HDEL, hdelArgs);
    },
  });
  Deno.bench({
    name: `HGET on ${label}`,
    group: "HGET",
    baseline,
    fn() {
      run(HGET, hgetArgs[i++ & 63]);
    },
  });
  Deno.bench({
    name: `SADD+SREM (new member) on ${label}`,
    group: "SADD+SREM",
    baseline,
    fn() {
      run(SADD, saddArgs);
      run(SREM, sremArgs);
    },
  });
  Deno.bench({
    name: `SISMEMBER on ${label}`,
    group: "SISMEMBER",
    baseline,
    fn() {
      run(SISMEMBER, sismemberArgs[i++ & 63]);
    },
  });
  Deno.bench({
    name: `SPOP+SADD (back) on ${label}`,
    group: "SPOP+SADD",
    baseline,
    fn() {
      saddBack[1] = run(SPOP, spopArgs);
      run(SADD, saddBack);
    },
  });
}
