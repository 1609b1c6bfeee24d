/**
 * Keyspace benchmarks.
 *
 * Throughput: `deno bench server/store/keyspace_bench.ts` (SET/GET on the
 * keyspace, and through the command table as a connection runs them).
 *
 * Memory: `deno run --v8-flags=--expose-gc server/store/keyspace_bench.ts
 * --memory [--ttl] [--keys N]` fills a keyspace with N (1,000,000) keys of 16
 * bytes holding 32-byte values (with a TTL each when `--ttl` is given) and
 * prints heap, RSS and `used_memory` bytes per key.
 *
 * @module
 */

import { toByteString } from "@cachemir/protocol";
import { Keyspace } from "./keyspace.ts";
import { CommandTable } from "../commands/table.ts";
import type { CommandContext } from "../commands/types.ts";

const N = 100_000;

const scratch = new Uint8Array(32);

/**
 * `length` bytes: `prefix` then `i` in decimal, zero-padded, repeated to
 * fill. Decoded the way the network loop decodes arguments (a flat latin1
 * string), not concatenated (V8 would make a cons string).
 */
function text(prefix: string, i: number, length: number): string {
  const s = prefix + String(i).padStart(16 - prefix.length, "0");
  for (let j = 0; j < length; j++) scratch[j] = s.charCodeAt(j % 16);
  return toByteString(scratch, 0, length);
}

/** A 16-byte key. */
function key(i: number): string {
  return text("key:", i, 16);
}

/** A 32-byte value. */
function value(i: number): string {
  return text("val:", i, 32);
}

const keys = Array.from({ length: N }, (_, i) => key(i));
const values = Array.from({ length: N }, (_, i) => value(i));

const ks = new Keyspace();
for (let i = 0; i < N; i++) ks.set(keys[i], values[i]);
let cursor = 0;

Deno.bench("Keyspace.set() 100k keys, 16 B key, 32 B value", {
  group: "keyspace",
  baseline: true,
}, () => {
  for (let i = 0; i < N; i++) ks.set(keys[i], values[i]);
});

Deno.bench("Keyspace.get() 100k hits", { group: "keyspace" }, () => {
  let n = 0;
  for (let i = 0; i < N; i++) if (ks.get(keys[i]) !== undefined) n++;
  if (n !== N) throw new Error(`Expected ${N} hits, got ${n}`);
});

const volatile = new Keyspace();
for (let i = 0; i < N; i++) {
  volatile.set(keys[i], values[i], Date.now() + 3600_000);
}

Deno.bench("Keyspace.get() 100k hits on keys with a TTL", {
  group: "keyspace",
}, () => {
  let n = 0;
  for (let i = 0; i < N; i++) if (volatile.get(keys[i]) !== undefined) n++;
  if (n !== N) throw new Error(`Expected ${N} hits, got ${n}`);
});

const table = new CommandTable();
const ctx: CommandContext = {
  store: new Keyspace(),
  session: {
    id: 1,
    peer: "bench",
    dialect: "binary",
    name: "",
    closeAfterReply: false,
  },
  node: {
    version: "0.0.0",
    startedAt: 0,
    maxFrameBytes: 1 << 24,
    maxArgs: 1 << 20,
  },
};
const setSpec = table.byName("SET")!;
const getSpec = table.byName("GET")!;
const incrSpec = table.byName("INCR")!;
const argv = keys.map((k, i) => [k, values[i]]);
const getArgv = keys.map((k) => [k]);

Deno.bench("CommandTable SET 100k (dispatch + handler)", {
  group: "commands",
  baseline: true,
}, () => {
  for (let i = 0; i < N; i++) table.dispatch(ctx, setSpec, argv[i]);
});

Deno.bench("CommandTable GET 100k (dispatch + handler)", {
  group: "commands",
}, () => {
  for (let i = 0; i < N; i++) table.dispatch(ctx, getSpec, getArgv[i]);
});

Deno.bench("CommandTable INCR 100k", { group: "commands" }, () => {
  for (let i = 0; i < N; i++) {
    table.dispatch(ctx, incrSpec, getArgv[cursor++ % 1000]);
  }
});

Deno.bench("CommandTable SET EX 100k", { group: "commands" }, () => {
  for (let i = 0; i < N; i++) {
    table.dispatch(ctx, setSpec, [keys[i], values[i], "EX", "100"]);
  }
});

// ---- memory: run this file with `deno run --v8-flags=--expose-gc` ---------

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) {
    throw new Error(
      "Cannot measure memory: run with --v8-flags=--expose-gc",
    );
  }
  for (let i = 0; i < 3; i++) g();
}

function measure(label: string, ttl: boolean, count: number): void {
  gc();
  const before = Deno.memoryUsage();
  const store = new Keyspace();
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    // Fresh strings, flattened, as decoded from the network.
    const k = key(i);
    const v = value(i);
    store.set(k, v, ttl ? now + 3600_000 + i : undefined);
  }
  gc();
  const after = Deno.memoryUsage();
  const heap = (after.heapUsed - before.heapUsed) / count;
  const rss = (after.rss - before.rss) / count;
  const used = store.usedMemory / count;
  console.log(
    `${label}: ${count} keys, ${heap.toFixed(1)} heap bytes/key, ` +
      `${rss.toFixed(1)} RSS bytes/key, ${used.toFixed(1)} used_memory ` +
      `bytes/key (size ${store.size})`,
  );
}

if (Deno.args.includes("--memory")) {
  const ttl = Deno.args.includes("--ttl");
  const at = Deno.args.indexOf("--keys");
  const count = at >= 0 ? Number(Deno.args[at + 1]) : 1_000_000;
  measure(ttl ? "keys with a TTL" : "persistent keys", ttl, count);
}
