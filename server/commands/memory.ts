/**
 * MEMORY: USAGE, STATS, DOCTOR and HELP, as Redis 7 answers them, over what
 * CacheMir's keyspace knows of its own memory (record slots, the hash
 * index, collection estimates, connection buffers). MALLOC-STATS and PURGE
 * are Redis allocator commands CacheMir has no counterpart for: unknown
 * subcommands here.
 *
 * @module
 */

import {
  array,
  bytes,
  float,
  int,
  map,
  NULL,
  type Reply,
  status,
} from "@cachemir/protocol";
import type { CommandContext, Handler } from "./types.ts";
import { isWord, NOT_INTEGER, SYNTAX_ERROR } from "./common.ts";
import { parseInt64 } from "./numbers.ts";
import { containerHandler, type Subcommand } from "./_subcommands.ts";

/**
 * MEMORY USAGE key [SAMPLES count]: the bytes the key holds in the store
 * (`Keyspace.memoryUsage`), or null when it does not exist. SAMPLES is
 * checked as Redis checks it (an integer, not negative) but changes
 * nothing: a collection's size is estimated whole, not sampled.
 */
function memoryUsage(ctx: CommandContext, args: string[]): Reply {
  for (let i = 2; i < args.length; i += 2) {
    if (!isWord(args[i], "samples") || i + 1 >= args.length) {
      return SYNTAX_ERROR;
    }
    const samples = parseInt64(args[i + 1]);
    if (samples === undefined) return NOT_INTEGER;
    if (samples < 0) return SYNTAX_ERROR;
  }
  const used = ctx.store.memoryUsage(args[1]);
  return used === undefined ? NULL : int(used);
}

/** What MEMORY STATS and DOCTOR read: the node's memory, in bytes. */
interface MemoryFacts {
  readonly peak: number;
  readonly total: number;
  readonly startup: number;
  readonly clients: number;
  readonly index: number;
  readonly dataset: number;
  readonly overhead: number;
  readonly keys: number;
  readonly rss: number;
}

function memoryFacts(ctx: CommandContext): MemoryFacts {
  const m = ctx.store.memoryStats();
  const stats = ctx.node.stats;
  const peak = Math.max(stats?.peakMemory ?? 0, m.used);
  if (stats !== undefined) stats.peakMemory = peak;
  const startup = Math.min(ctx.node.startupMemory ?? 0, m.used);
  // What is not data: client buffers and the main dictionary (our hash
  // index, which is most of what a node holds when it starts), as INFO's
  // used_memory_overhead counts it.
  const overhead = m.external + m.index;
  return {
    peak,
    total: m.used,
    startup,
    clients: m.external,
    index: m.index,
    dataset: Math.max(0, m.used - overhead),
    overhead,
    keys: ctx.store.size,
    rss: Deno.memoryUsage().rss,
  };
}

/**
 * MEMORY STATS: Redis's fields where CacheMir has the same thing, in
 * Redis's order; what CacheMir has no notion of (replication backlog, AOF
 * buffer, Lua caches...) is 0.
 */
function memoryStats(ctx: CommandContext): Reply {
  const f = memoryFacts(ctx);
  const net = f.total - f.startup;
  const pairs: [string, Reply][] = [
    ["peak.allocated", int(f.peak)],
    ["total.allocated", int(f.total)],
    ["startup.allocated", int(f.startup)],
    ["replication.backlog", int(0)],
    ["clients.slaves", int(0)],
    ["clients.normal", int(f.clients)],
    ["cluster.links", int(0)],
    ["aof.buffer", int(0)],
    ["lua.caches", int(0)],
    ["functions.caches", int(0)],
  ];
  const out: [Reply, Reply][] = pairs.map(([k, v]) => [bytes(k), v]);
  if (f.keys > 0) {
    out.push([
      bytes("db.0"),
      map([
        [bytes("overhead.hashtable.main"), int(f.index)],
        [bytes("overhead.hashtable.expires"), int(0)],
        [bytes("overhead.hashtable.slot-to-keys"), int(0)],
      ]),
    ]);
  }
  const more: [string, Reply][] = [
    ["overhead.total", int(f.overhead)],
    ["keys.count", int(f.keys)],
    ["keys.bytes-per-key", int(f.keys > 0 ? Math.floor(net / f.keys) : 0)],
    ["dataset.bytes", int(f.dataset)],
    ["dataset.percentage", float(net > 0 ? f.dataset * 100 / net : 0)],
    ["peak.percentage", float(f.peak > 0 ? f.total * 100 / f.peak : 0)],
    // Redis's allocator.* fields are jemalloc's; CacheMir's record pages
    // are in INFO memory (allocator_allocated, allocator_active).
    ["fragmentation", float(f.total > 0 ? f.rss / f.total : 1)],
    ["fragmentation.bytes", int(f.rss - f.total)],
  ];
  for (const [k, v] of more) out.push([bytes(k), v]);
  return map(out);
}

/** Below this much data there is nothing for DOCTOR to judge (Redis: 5 MB). */
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024;

/**
 * MEMORY DOCTOR: a few sentences on what stands out (in CacheMir's own
 * words): a peak far above the current use, a process much bigger than
 * what the node counts, big client buffers.
 */
function memoryDoctor(ctx: CommandContext): Reply {
  const f = memoryFacts(ctx);
  if (f.total - f.startup < DOCTOR_MIN_BYTES) {
    return bytes(
      "The node holds too little data for a diagnosis (under 5 MB); ask again when it holds more.",
    );
  }
  const findings: string[] = [];
  if (f.peak > f.total * 1.5) {
    findings.push(
      `* Peak: the node once used ${f.peak} bytes, ${
        (f.peak / f.total).toFixed(2)
      } times what it uses now (${f.total}); RSS may stay near the peak until the allocator returns pages.`,
    );
  }
  if (f.rss > f.total * 1.4) {
    findings.push(
      `* Process size: the RSS (${f.rss} bytes) is ${
        (f.rss / f.total).toFixed(2)
      } times used_memory (${f.total}): the V8 heap, freed pages not yet returned, or fragmentation.`,
    );
  }
  if (f.clients > f.total / 4) {
    findings.push(
      `* Clients: connection buffers hold ${f.clients} bytes, over a quarter of used memory; see CLIENT LIST's omem and client-output-buffer-limit.`,
    );
  }
  return bytes(
    findings.length === 0
      ? "Nothing stands out in the node's memory."
      : `Findings:\n\n${findings.join("\n")}\n`,
  );
}

const MEMORY_HELP: Reply = array(
  [
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Report what stands out in the node's memory.",
    "STATS",
    "    The node's memory, field by field (bytes).",
    "USAGE <key> [SAMPLES <count>]",
    "    Bytes the key holds in the store: its record, its share of the",
    "    index, its collection. SAMPLES is accepted; sizes are not sampled.",
    "HELP",
    "    Print this help.",
  ].map((line) => status(line)),
);

const MEMORY_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object.freeze(
  {
    USAGE: { arity: -3, run: memoryUsage },
    STATS: { arity: 2, run: memoryStats },
    DOCTOR: { arity: 2, run: memoryDoctor },
    HELP: { arity: 2, run: () => MEMORY_HELP },
  },
);

/** The MEMORY command's handler, by upper-case name. */
export const MEMORY_HANDLERS: Readonly<Record<string, Handler>> = Object
  .freeze({
    MEMORY: containerHandler("MEMORY", MEMORY_SUBCOMMANDS),
  });
