/**
 * `deno task bench memory`: what a CacheMir node's memory holds against a
 * real redis-server on the same machine, in the same run, with the same
 * data (issue 8).
 *
 * 1. Memory per key: 1M and 10M string keys (16-byte keys, 32-byte
 *    values), 1M small hashes, and 2M keys set with `EX 3` watched each
 *    second until reclaimed.
 * 2. redis-benchmark GET (-P 1) and SET (-P 16) with the 10M keys loaded.
 * 3. 50M keys in one node (once, when the machine has the memory).
 * 4. Eviction quality: a Zipf(0.99) cache-aside workload under allkeys-lru
 *    and allkeys-lfu, at the same maxmemory and at the same key count.
 * 5. Memory reuse: SETs whose value size shifts (32 B → 1 KB → 32 B) into a
 *    server at maxmemory 256mb, its fragmentation and RSS watched.
 *
 * Every round starts fresh servers; figures are medians of the rounds.
 *
 * @module
 */

import {
  configSet,
  dbsize,
  type NodeFeatures,
  nodeFeatures,
  recordCommand,
  type Server,
  startNode,
  startRedis,
} from "./procs.ts";
import { info, infoNumber } from "./resp.ts";
import { memAvailable, memTotal, procCpuSeconds, procRss } from "./sys.ts";
import {
  d,
  KEY,
  keyOf,
  type Part,
  pipeLoad,
  type Template,
  template,
  VALUE,
  valueOf,
} from "./load.ts";
import { redisBenchmark } from "./redis_benchmark.ts";
import { zipfKeys, type ZipfTable, zipfTable } from "./zipf.ts";
import { cacheAside } from "./cache_aside.ts";
import { note, progress } from "./progress.ts";
import { roundOrder } from "./interleave.ts";
import { bytes, cell, count, markdownTable, num, ratio } from "./stats.ts";

/** Sizes and switches of one run of the memory benchmark. */
export interface MemoryOptions {
  /** Rounds (fresh servers each), medians reported. */
  readonly rounds: number;
  /** Parts to run (1–5). */
  readonly parts: ReadonlySet<number>;
  /** Small sizes, for a smoke run. */
  readonly quick: boolean;
}

/** The sizes the parts use. */
export interface MemorySizes {
  /** Part 1: the first string size (1M). */
  readonly smallKeys: number;
  /** Parts 1–2: the second string size (10M); also redis-benchmark's -r. */
  readonly largeKeys: number;
  /** Part 1: small hashes (1M). */
  readonly hashKeys: number;
  /** Part 1: keys set with EX (2M). */
  readonly exKeys: number;
  /** Part 1: their TTL, seconds. */
  readonly exSeconds: number;
  /** Part 1: how long they are watched at most, seconds. */
  readonly exWatchSeconds: number;
  /** Part 2: requests per redis-benchmark run. */
  readonly benchRequests: number;
  /** Part 3: keys in one node (50M). */
  readonly hugeKeys: number;
  /** Part 4: the Zipf key space (5M). */
  readonly zipfKeys: number;
  /** Part 4: the Zipf exponent. */
  readonly zipfS: number;
  /** Part 4: the shared maxmemory. */
  readonly maxmemory: string;
  /** Part 4: GETs before measuring. */
  readonly warmOps: number;
  /** Part 4: GETs measured. */
  readonly measuredOps: number;
  /** Part 5: redis-benchmark's -r (6M). */
  readonly shiftKeys: number;
  /** Part 5: SETs per value size. */
  readonly shiftRequests: number;
  /** Part 5: maxmemory. */
  readonly shiftMaxmemory: string;
}

/** Full sizes (issue 8). */
export const FULL_SIZES: MemorySizes = {
  smallKeys: 1_000_000,
  largeKeys: 10_000_000,
  hashKeys: 1_000_000,
  exKeys: 2_000_000,
  exSeconds: 3,
  exWatchSeconds: 20,
  benchRequests: 1_000_000,
  hugeKeys: 50_000_000,
  zipfKeys: 5_000_000,
  zipfS: 0.99,
  maxmemory: "256mb",
  warmOps: 1_000_000,
  measuredOps: 2_000_000,
  shiftKeys: 6_000_000,
  shiftRequests: 5_000_000,
  shiftMaxmemory: "256mb",
};

/** `--quick` sizes: the same steps, small (part 3 is skipped). */
export const QUICK_SIZES: MemorySizes = {
  smallKeys: 100_000,
  largeKeys: 200_000,
  hashKeys: 50_000,
  exKeys: 100_000,
  exSeconds: 3,
  exWatchSeconds: 12,
  benchRequests: 100_000,
  hugeKeys: 0,
  zipfKeys: 200_000,
  zipfS: 0.99,
  maxmemory: "12mb",
  warmOps: 100_000,
  measuredOps: 100_000,
  shiftKeys: 600_000,
  shiftRequests: 500_000,
  shiftMaxmemory: "32mb",
};

/** Samples of every figure, by name, one per round. */
class Samples {
  #m = new Map<string, number[]>();
  add(name: string, value: number): void {
    let a = this.#m.get(name);
    if (a === undefined) this.#m.set(name, a = []);
    a.push(value);
  }
  get(name: string): number[] {
    return this.#m.get(name) ?? [];
  }
}

const STRING = template(["SET", KEY, VALUE]);

function hashTemplate(): Template {
  const args: (Part | Part[])[] = ["HSET", ["hsh:", d(12)]];
  for (let f = 1; f <= 5; f++) {
    args.push(`field:0${f}`, [`v${f}`, d(6, (i) => i % 1_000_000)]);
  }
  return template(args);
}

function sizeBytes(text: string): number {
  const m = /^(\d+)(b|kb|mb|gb)?$/i.exec(text);
  if (m === null) throw new Error(`bad size ${text}`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[
    (m[2] ?? "b").toLowerCase() as "b"
  ];
  return Number(m[1]) * unit;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => setTimeout(r, ms));

interface Footprint {
  rss: number;
  used: number;
}

async function footprint(s: Server): Promise<Footprint> {
  return {
    rss: procRss(s.pid),
    used: infoNumber(await info(s.conn, "memory"), "used_memory"),
  };
}

/** Runs the memory benchmark and returns its Markdown report. */
export class MemoryBench {
  readonly #o: MemoryOptions;
  readonly #z: MemorySizes;
  readonly #s = new Samples();
  readonly #notes: string[] = [];
  #features: NodeFeatures = {
    maxmemory: false,
    maxmemoryPolicy: false,
    help: "",
  };
  #zipf?: ZipfTable;
  #round = 0;
  #exSeconds = 0;
  #huge: string[] = [];

  /**
   * @param options Rounds, parts, quick.
   */
  constructor(options: MemoryOptions) {
    this.#o = options;
    this.#z = options.quick ? QUICK_SIZES : FULL_SIZES;
  }

  /**
   * Runs every selected part and returns the report.
   *
   * @returns Markdown sections (tables and notes).
   */
  async run(): Promise<string> {
    this.#features = await nodeFeatures();
    if (!this.#features.maxmemory) {
      this.#notes.push(
        "The node's `--help` has no `--maxmemory`: size parts run without it, and the node's side of part 4 is not measured.",
      );
    }
    const p = this.#o.parts;
    // A part that fails (a server dies, a timeout) is noted and the run
    // goes on: one crash must not lose the other parts' figures.
    const attempt = async (what: string, part: () => Promise<void>) => {
      try {
        await part();
      } catch (e) {
        const msg = `Round ${this.#round}, ${what}: failed: ${
          String((e as Error)?.message ?? e).slice(0, 600)
        }`;
        note(msg);
        this.#notes.push(msg.replaceAll("\n", " "));
      }
    };
    for (let r = 1; r <= this.#o.rounds; r++) {
      this.#round = r;
      if (p.has(1) || p.has(2)) {
        await attempt("strings (parts 1–2)", () => this.#strings());
      }
      if (p.has(1)) {
        await attempt("hashes", () => this.#hashes());
        await attempt("EX keys", () => this.#expiry());
      }
      if (p.has(4)) await attempt("eviction", () => this.#eviction());
      if (p.has(5)) await attempt("size shift", () => this.#sizeShift());
    }
    if (p.has(3)) await attempt("part 3", () => this.#hugeNode());
    return this.#report();
  }

  #phase(what: string): string {
    return `round ${this.#round}/${this.#o.rounds} · ${what}`;
  }

  /** Node flags for the size parts: a limit that never evicts. */
  #sizeFlags(): string[] {
    const f: string[] = [];
    if (this.#features.maxmemory) {
      f.push("--maxmemory", `${Math.floor(memTotal() * 0.85 / 2 ** 20)}mb`);
    }
    if (this.#features.maxmemoryPolicy) {
      f.push("--maxmemory-policy", "noeviction");
    }
    return f;
  }

  /** Starts both servers; the order alternates between rounds. */
  async #pair(redisFlags: string[] = [], nodeFlags?: string[]) {
    const redis = await startRedis(redisFlags);
    let node: Server;
    try {
      node = await startNode(nodeFlags ?? this.#sizeFlags());
    } catch (e) {
      await redis.stop();
      throw e;
    }
    const servers = roundOrder(this.#round, [redis, node]);
    return { redis, node, servers };
  }

  async #load(
    s: Server,
    what: string,
    t: Template,
    from: number,
    to: number,
  ): Promise<{ seconds: number; cpu: number }> {
    const phase = this.#phase(`${what} · ${s.name}`);
    progress(phase);
    const cpu0 = procCpuSeconds(s.pid);
    const r = await pipeLoad(
      s.port,
      t,
      from,
      to,
      (f) => progress(phase, `${Math.round(f * 100)}%`),
    );
    const cpu = procCpuSeconds(s.pid) - cpu0;
    if (r.errors > 0) {
      this.#notes.push(
        `Round ${this.#round}, ${what}, ${s.name}: ${num(r.errors)} of ${
          num(r.requests)
        } writes refused (first: ${r.firstErrors[0] ?? "?"}).`,
      );
    }
    return { seconds: r.seconds, cpu };
  }

  async #measureKeys(
    tag: string,
    s: Server,
    base: Footprint,
    keys: number,
  ): Promise<void> {
    await sleep(1000);
    const f = await footprint(s);
    const held = await dbsize(s);
    this.#s.add(`${tag}.${s.name}.rss`, (f.rss - base.rss) / keys);
    this.#s.add(`${tag}.${s.name}.used`, (f.used - base.used) / keys);
    this.#s.add(`${tag}.${s.name}.rssTotal`, f.rss);
    if (held !== keys) {
      this.#notes.push(
        `Round ${this.#round}, ${tag}, ${s.name}: DBSIZE ${
          num(held)
        }, expected ${num(keys)}.`,
      );
    }
  }

  /** Part 1 (strings) and part 2 (redis-benchmark on the 10M keys). */
  async #strings(): Promise<void> {
    const z = this.#z;
    progress(this.#phase("starting servers"));
    const { redis, node, servers } = await this.#pair();
    try {
      const base = new Map<Server, Footprint>();
      for (const s of servers) base.set(s, await footprint(s));
      for (const s of servers) {
        await this.#load(
          s,
          `load ${count(z.smallKeys)} keys`,
          STRING,
          0,
          z.smallKeys,
        );
        await this.#measureKeys(
          `str${z.smallKeys}`,
          s,
          base.get(s)!,
          z.smallKeys,
        );
      }
      for (const s of servers) {
        const l = await this.#load(
          s,
          `load up to ${count(z.largeKeys)} keys`,
          STRING,
          z.smallKeys,
          z.largeKeys,
        );
        const loaded = z.largeKeys - z.smallKeys;
        this.#s.add(`load.${s.name}.rate`, loaded / l.seconds);
        this.#s.add(`load.${s.name}.cpu`, l.cpu * 1e6 / loaded);
        await this.#measureKeys(
          `str${z.largeKeys}`,
          s,
          base.get(s)!,
          z.largeKeys,
        );
      }
      if (this.#o.parts.has(2)) {
        const common = [
          "-r",
          String(z.largeKeys),
          "-d",
          "32",
          "-c",
          "50",
          "-n",
          String(z.benchRequests),
        ];
        for (const [test, pipeline] of [["get", 1], ["set", 16]] as const) {
          for (const s of servers) {
            progress(
              this.#phase(`redis-benchmark ${test} -P ${pipeline} · ${s.name}`),
            );
            const cpu0 = procCpuSeconds(s.pid);
            const row = await redisBenchmark(s.port, [
              "-t",
              test,
              "-P",
              String(pipeline),
              ...common,
            ]);
            const cpu = procCpuSeconds(s.pid) - cpu0;
            const k = `rb.${test}.${s.name}`;
            this.#s.add(`${k}.rps`, row.rps);
            this.#s.add(`${k}.p50`, row.p50Ms);
            this.#s.add(`${k}.p99`, row.p99Ms);
            this.#s.add(`${k}.cpu`, cpu * 1e6 / z.benchRequests);
          }
        }
        for (const s of [redis, node]) {
          const held = await dbsize(s);
          if (held < z.largeKeys) {
            this.#notes.push(
              `Round ${this.#round}, after redis-benchmark, ${s.name}: DBSIZE ${
                num(held)
              } < ${num(z.largeKeys)}.`,
            );
          }
        }
      }
    } finally {
      await Promise.all([redis.stop(), node.stop()]);
    }
  }

  /** Part 1: small hashes. */
  async #hashes(): Promise<void> {
    const z = this.#z;
    progress(this.#phase("starting servers"));
    const { redis, node, servers } = await this.#pair();
    try {
      const t = hashTemplate();
      for (const s of servers) {
        const base = await footprint(s);
        await this.#load(
          s,
          `load ${count(z.hashKeys)} hashes`,
          t,
          0,
          z.hashKeys,
        );
        await this.#measureKeys("hash", s, base, z.hashKeys);
      }
    } finally {
      await Promise.all([redis.stop(), node.stop()]);
    }
  }

  /**
   * Part 1: keys with a TTL, watched each second until reclaimed. Each
   * server is loaded alone (the other one idle or only watched) and watched
   * from the end of its own load.
   */
  async #expiry(): Promise<void> {
    const z = this.#z;
    progress(this.#phase("starting servers"));
    const { redis, node, servers } = await this.#pair();
    try {
      const t = template(["SET", KEY, VALUE, "EX", String(z.exSeconds)]);
      const watchers: Promise<void>[] = [];
      for (const s of servers) {
        const l = await this.#load(
          s,
          `load ${count(z.exKeys)} keys EX ${z.exSeconds}`,
          t,
          0,
          z.exKeys,
        );
        this.#s.add(`ex.${s.name}.load`, l.seconds);
        watchers.push(this.#watchExpiry(s));
      }
      await Promise.all(watchers);
    } finally {
      await Promise.all([redis.stop(), node.stop()]);
    }
  }

  async #watchExpiry(s: Server): Promise<void> {
    const z = this.#z;
    const t0 = performance.now();
    for (let sec = 0; sec <= z.exWatchSeconds; sec++) {
      const wait = t0 + sec * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      const keys = await dbsize(s);
      const f = await footprint(s);
      this.#s.add(`ex.${sec}.${s.name}.keys`, keys);
      this.#s.add(`ex.${sec}.${s.name}.used`, f.used);
      this.#s.add(`ex.${sec}.${s.name}.rss`, f.rss);
      this.#exSeconds = Math.max(this.#exSeconds, sec);
      progress(
        this.#phase(`watching EX keys · ${s.name}`),
        `${sec} s, ${num(keys)} keys left`,
      );
      if (keys === 0) break;
    }
  }

  /** Part 3: many keys into one node (and Redis when memory allows). */
  async #hugeNode(): Promise<void> {
    const z = this.#z;
    if (z.hugeKeys === 0) {
      this.#huge.push("Skipped (`--quick`).");
      return;
    }
    const perKey = (name: string, fallback: number): number => {
      const s = this.#s.get(`str${z.largeKeys}.${name}.rss`);
      return s.length > 0 ? Math.max(...s) : fallback;
    };
    const rows: string[][] = [];
    for (const name of ["CacheMir", "Redis"]) {
      const need = z.hugeKeys * perKey(name, name === "Redis" ? 160 : 200) *
          1.1 + 2 ** 30;
      const avail = memAvailable();
      if (avail < need) {
        const msg = `${name}: not measured — needs about ${
          bytes(need)
        }, MemAvailable is ${bytes(avail)}.`;
        note(msg);
        this.#huge.push(msg);
        rows.push([name, "not measured", "", "", "", ""]);
        continue;
      }
      this.#round = 0;
      progress(`part 3 · starting ${name}`);
      let s: Server | undefined;
      let peak = 0;
      try {
        s = name === "Redis"
          ? await startRedis()
          : await startNode(this.#sizeFlags());
        const base = await footprint(s);
        const phase = `part 3 · load ${count(z.hugeKeys)} keys · ${name}`;
        progress(phase);
        const pid = s.pid;
        const r = await pipeLoad(
          s.port,
          STRING,
          0,
          z.hugeKeys,
          (f) => {
            try {
              peak = Math.max(peak, procRss(pid));
            } catch { /* exited */ }
            progress(phase, `${Math.round(f * 100)}%, RSS ${bytes(peak)}`);
          },
          60 * 60_000,
        );
        await sleep(1000);
        const f = await footprint(s);
        const held = await dbsize(s);
        // A few random loaded keys, and the last one, must come back.
        const ids = [0, z.hugeKeys - 1];
        for (let i = 0; i < 5; i++) {
          ids.push(Math.floor(Math.random() * z.hugeKeys));
        }
        const replies = await s.conn.pipeline(
          ids.map((i) => ["GET", keyOf(i)]),
        );
        const good = replies.filter((v, k) => v === valueOf(ids[k])).length;
        rows.push([
          name,
          num(held),
          `${num(r.seconds, 1)} s (${num(z.hugeKeys / r.seconds)} keys/s)`,
          r.errors > 0 ? `${num(r.errors)} (${r.firstErrors[0] ?? "?"})` : "0",
          `${bytes(f.rss)} (${num((f.rss - base.rss) / z.hugeKeys)} B/key)`,
          `${good}/${ids.length}`,
        ]);
      } catch (e) {
        const why = String((e as Error)?.message ?? e).slice(0, 300);
        const log = (s?.log() ?? "").trim().split("\n").slice(-3).join(" ⏎ ")
          .slice(-400);
        rows.push([
          name,
          "failed",
          "",
          "",
          `peak ${bytes(peak)}`,
          `${why}${log ? ` — its last output: ${log}` : ""}`.replaceAll(
            "\n",
            " ",
          ),
        ]);
      } finally {
        await s?.stop();
      }
    }
    this.#huge.unshift(
      markdownTable(
        [
          "server",
          ">keys held (DBSIZE)",
          ">load",
          ">writes refused",
          ">RSS",
          ">GETs of loaded keys correct",
        ],
        rows,
      ),
    );
  }

  // ---------------------------------------------------------------- part 4

  async #zipfRun(
    s: Server,
    label: string,
    seed: number,
    limitNote: string,
    adjust?: (keys: number) => Promise<boolean>,
  ): Promise<{ hit: number; keys: number; used: number }> {
    const z = this.#z;
    this.#zipf ??= zipfTable(z.zipfKeys, z.zipfS);
    await this.#load(
      s,
      `part 4 · ${label} · fill ${count(z.zipfKeys)} keys`,
      STRING,
      0,
      z.zipfKeys,
    );
    const next = zipfKeys(this.#zipf, seed);
    const warm = this.#phase(`part 4 · ${label} · ${limitNote} · warm-up`);
    progress(warm);
    await cacheAside(s.port, next, z.warmOps, {
      onProgress: (f) => progress(warm, `${Math.round(f * 100)}%`),
    });
    let keys = await dbsize(s);
    for (let i = 0; adjust !== undefined && i < 4; i++) {
      if (!(await adjust(keys))) break;
      await cacheAside(s.port, next, Math.ceil(z.warmOps / 4));
      keys = await dbsize(s);
    }
    const phase = this.#phase(`part 4 · ${label} · ${limitNote} · measured`);
    progress(phase);
    const r = await cacheAside(s.port, next, z.measuredOps, {
      onProgress: (f) => progress(phase, `${Math.round(f * 100)}%`),
    });
    if (r.setErrors > 0) {
      this.#notes.push(
        `Round ${this.#round}, part 4, ${label}: ${
          num(r.setErrors)
        } SETs refused (${r.firstError}).`,
      );
    }
    const used = infoNumber(await info(s.conn, "memory"), "used_memory");
    return { hit: r.hits / r.gets, keys: await dbsize(s), used };
  }

  /** Part 4: eviction quality, allkeys-lru and allkeys-lfu. */
  async #eviction(): Promise<void> {
    const z = this.#z;
    const limit = sizeBytes(z.maxmemory);
    for (const policy of ["allkeys-lru", "allkeys-lfu"]) {
      const seed = 1000 * this.#round + (policy === "allkeys-lru" ? 1 : 2);
      // Redis, at the shared limit (set again with CONFIG SET, as an
      // operator would at run time).
      progress(this.#phase(`part 4 · ${policy} · starting Redis`));
      const redis = await startRedis([
        "--maxmemory",
        z.maxmemory,
        "--maxmemory-policy",
        policy,
      ]);
      let redisKeys: number;
      try {
        await redis.conn.must("CONFIG", "SET", "maxmemory", z.maxmemory);
        recordCommand([
          "redis-cli",
          "-p",
          "0",
          "CONFIG",
          "SET",
          "maxmemory",
          z.maxmemory,
        ]);
        const r = await this.#zipfRun(
          redis,
          `${policy} · Redis`,
          seed,
          z.maxmemory,
        );
        redisKeys = r.keys;
        this.#s.add(`ev.${policy}.Redis.hit`, r.hit * 100);
        this.#s.add(`ev.${policy}.Redis.keys`, r.keys);
        this.#s.add(`ev.${policy}.Redis.used`, r.used);
      } finally {
        await redis.stop();
      }
      if (!this.#features.maxmemory) continue;
      const policyFlags = this.#features.maxmemoryPolicy
        ? ["--maxmemory-policy", policy]
        : [];
      // The node at the same limit.
      progress(this.#phase(`part 4 · ${policy} · starting CacheMir`));
      let node = await startNode(["--maxmemory", z.maxmemory, ...policyFlags]);
      let base: number;
      let nodeA: { hit: number; keys: number; used: number };
      try {
        base = infoNumber(await info(node.conn, "memory"), "used_memory");
        if (
          !this.#features.maxmemoryPolicy &&
          !(await configSet(node, "maxmemory-policy", policy))
        ) {
          this.#notes.push(
            `Part 4: the node refused maxmemory-policy ${policy}.`,
          );
          continue;
        }
        nodeA = await this.#zipfRun(
          node,
          `${policy} · CacheMir`,
          seed,
          z.maxmemory,
        );
        this.#s.add(`ev.${policy}.CacheMir.hit`, nodeA.hit * 100);
        this.#s.add(`ev.${policy}.CacheMir.keys`, nodeA.keys);
        this.#s.add(`ev.${policy}.CacheMir.used`, nodeA.used);
      } finally {
        await node.stop();
      }
      // The node with the limit that holds as many keys as Redis did.
      const perKey = (Math.min(nodeA.used, limit) - base) /
        Math.max(1, nodeA.keys);
      let nodeLimit = Math.round(base + redisKeys * perKey);
      if (!(nodeLimit > base) || !Number.isFinite(nodeLimit)) {
        this.#notes.push(
          `Round ${this.#round}, part 4, ${policy}: no usable estimate of the node's limit for ${
            num(redisKeys)
          } keys (empty node used_memory ${num(base)}, ${
            num(nodeA.keys)
          } keys at ${num(nodeA.used)}); "same keys" not measured.`,
        );
        continue;
      }
      progress(this.#phase(`part 4 · ${policy} · starting CacheMir`));
      node = await startNode([
        "--maxmemory",
        String(nodeLimit),
        ...policyFlags,
      ]);
      try {
        if (!this.#features.maxmemoryPolicy) {
          await configSet(node, "maxmemory-policy", policy);
        }
        const adjust = async (keys: number): Promise<boolean> => {
          if (Math.abs(keys - redisKeys) <= redisKeys * 0.005) return false;
          // Data bytes scale with keys; at most ×4 or ÷4 a step.
          const scale = Math.min(
            4,
            Math.max(0.25, redisKeys / Math.max(1, keys)),
          );
          nodeLimit = Math.round(base + (nodeLimit - base) * scale);
          return await configSet(node, "maxmemory", String(nodeLimit));
        };
        const b = await this.#zipfRun(
          node,
          `${policy} · CacheMir (same keys)`,
          seed,
          `same keys as Redis (${count(redisKeys)})`,
          adjust,
        );
        this.#s.add(`ev.${policy}.same.hit`, b.hit * 100);
        this.#s.add(`ev.${policy}.same.keys`, b.keys);
        this.#s.add(`ev.${policy}.same.limit`, nodeLimit);
        this.#s.add(`ev.${policy}.same.used`, b.used);
      } finally {
        await node.stop();
      }
    }
  }

  // ---------------------------------------------------------------- part 5

  /**
   * Part 5: SETs whose value size shifts (32 B → 1 KB → 32 B) into one
   * server at a time, under maxmemory with allkeys-lru. Every second:
   * INFO memory's allocator_frag_ratio (counted once used_memory is past a
   * quarter of the limit, when it means something) and RSS.
   */
  async #sizeShift(): Promise<void> {
    const z = this.#z;
    const order = this.#round % 2 === 1
      ? ["Redis", "CacheMir"]
      : ["CacheMir", "Redis"];
    const limit = sizeBytes(z.shiftMaxmemory);
    for (const name of order) {
      if (name === "CacheMir" && !this.#features.maxmemory) continue;
      progress(this.#phase(`part 5 · starting ${name}`));
      const flags = [
        "--maxmemory",
        z.shiftMaxmemory,
        "--maxmemory-policy",
        "allkeys-lru",
      ];
      const s = name === "Redis"
        ? await startRedis(flags)
        : await startNode(flags);
      let maxFrag = 0;
      let maxRss = 0;
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const m = await info(s.conn, "memory");
          const frag = infoNumber(m, "allocator_frag_ratio");
          if (infoNumber(m, "used_memory") > limit / 4 && frag > maxFrag) {
            maxFrag = frag;
          }
          maxRss = Math.max(maxRss, procRss(s.pid));
          await sleep(1000);
        }
      })();
      try {
        const cpu0 = procCpuSeconds(s.pid);
        const sizes = [32, 1024, 32];
        for (const [i, size] of sizes.entries()) {
          const phase = this.#phase(
            `part 5 · ${name} · SET -d ${size} (${i + 1}/${sizes.length})`,
          );
          progress(phase);
          const row = await redisBenchmark(s.port, [
            "-t",
            "set",
            "-P",
            "16",
            "-r",
            String(z.shiftKeys),
            "-d",
            String(size),
            "-c",
            "50",
            "-n",
            String(z.shiftRequests),
          ]);
          this.#s.add(`shift.${name}.rps${i}`, row.rps);
        }
        const cpu = procCpuSeconds(s.pid) - cpu0;
        watching = false;
        await watch;
        const m = await info(s.conn, "memory");
        this.#s.add(`shift.${name}.maxFrag`, maxFrag);
        this.#s.add(`shift.${name}.maxRss`, maxRss);
        this.#s.add(
          `shift.${name}.endFrag`,
          infoNumber(m, "allocator_frag_ratio"),
        );
        this.#s.add(`shift.${name}.endRss`, procRss(s.pid));
        this.#s.add(`shift.${name}.endUsed`, infoNumber(m, "used_memory"));
        this.#s.add(`shift.${name}.keys`, await dbsize(s));
        this.#s.add(
          `shift.${name}.cpu`,
          cpu * 1e6 / (z.shiftRequests * sizes.length),
        );
      } finally {
        watching = false;
        await watch.catch(() => {});
        await s.stop();
      }
    }
  }

  // ---------------------------------------------------------------- report

  #report(): string {
    const z = this.#z;
    const g = (k: string): number[] => this.#s.get(k);
    const out: string[] = [];
    const p = this.#o.parts;
    if (p.has(1)) {
      const rows: string[][] = [];
      const sizes: [string, string, string][] = [
        [
          `str${z.smallKeys}`,
          `${count(z.smallKeys)} strings (16 B keys, 32 B values)`,
          "",
        ],
        [
          `str${z.largeKeys}`,
          `${count(z.largeKeys)} strings (16 B keys, 32 B values)`,
          "≤ 100 B",
        ],
        [
          "hash",
          `${count(z.hashKeys)} hashes (5 fields, 8 B names, 8 B values)`,
          "≤ Redis",
        ],
      ];
      for (const [tag, what, target] of sizes) {
        for (
          const [m, label] of [["rss", "RSS per key"], [
            "used",
            "used_memory per key",
          ]]
        ) {
          rows.push([
            what,
            label,
            cell(g(`${tag}.Redis.${m}`), 1, " B"),
            cell(g(`${tag}.CacheMir.${m}`), 1, " B"),
            ratio(g(`${tag}.CacheMir.${m}`), g(`${tag}.Redis.${m}`)),
            m === "rss" ? target : "",
          ]);
        }
      }
      rows.push([
        `load ${count(z.largeKeys - z.smallKeys)} strings (redis-cli --pipe)`,
        "keys/s",
        cell(g("load.Redis.rate")),
        cell(g("load.CacheMir.rate")),
        ratio(g("load.CacheMir.rate"), g("load.Redis.rate")),
        "",
      ]);
      rows.push([
        "",
        "server CPU per key",
        cell(g("load.Redis.cpu"), 2, " µs"),
        cell(g("load.CacheMir.cpu"), 2, " µs"),
        ratio(g("load.CacheMir.cpu"), g("load.Redis.cpu")),
        "",
      ]);
      out.push(
        "## 1. Memory per key",
        "",
        "Per key: (figure after loading − figure of the empty server) / keys. RSS from /proc/<pid>/status, used_memory from INFO memory.",
        "",
        markdownTable(
          [
            "data",
            "measure",
            ">Redis",
            ">CacheMir",
            ">CacheMir / Redis",
            "target",
          ],
          rows,
        ),
        "",
      );
      const ex: string[][] = [];
      const mibs = (a: number[]): string =>
        cell(a.map((x) => x / 2 ** 20), 0, " MiB");
      for (let sec = 0; sec <= this.#exSeconds; sec++) {
        const k = (n: string, m: string): number[] => g(`ex.${sec}.${n}.${m}`);
        // Every round of that server was done (no key left) before then.
        const done = (c: string): string => (c === "n/m" ? "—" : c);
        ex.push([
          String(sec),
          done(cell(k("Redis", "keys"))),
          done(mibs(k("Redis", "used"))),
          done(mibs(k("Redis", "rss"))),
          done(cell(k("CacheMir", "keys"))),
          done(mibs(k("CacheMir", "used"))),
          done(mibs(k("CacheMir", "rss"))),
        ]);
      }
      out.push(
        `### ${count(z.exKeys)} keys set with EX ${z.exSeconds}`,
        "",
        `Each server loaded alone (Redis in ${
          cell(g("ex.Redis.load"), 1, " s")
        }, CacheMir in ${
          cell(g("ex.CacheMir.load"), 1, " s")
        }: keys set early in the load expire before it ends), then DBSIZE, used_memory and RSS every second after the end of its load, for at most ${z.exWatchSeconds} s or until it holds no key. A round stops being counted once its server holds no key (—: every round had stopped). Target: all reclaimed within a few seconds of expiring.`,
        "",
        markdownTable(
          [
            ">s after load",
            ">Redis keys",
            ">Redis used_memory",
            ">Redis RSS",
            ">CacheMir keys",
            ">CacheMir used_memory",
            ">CacheMir RSS",
          ],
          ex,
        ),
        "",
      );
    }
    if (p.has(2)) {
      const rows: string[][] = [];
      for (
        const [test, label, target] of [
          ["get", "GET -P 1", ["≥ 0.9×", "", ""]],
          ["set", "SET -P 16", ["", "", "≤ 2×"]],
        ] as const
      ) {
        for (
          const [m, name, dec] of [
            ["rps", "ops/s", 0],
            ["p50", "p50 ms", 3],
            ["p99", "p99 ms", 3],
            ["cpu", "server CPU per request", 2],
          ] as const
        ) {
          rows.push([
            label,
            name,
            cell(g(`rb.${test}.Redis.${m}`), dec, m === "cpu" ? " µs" : ""),
            cell(g(`rb.${test}.CacheMir.${m}`), dec, m === "cpu" ? " µs" : ""),
            ratio(g(`rb.${test}.CacheMir.${m}`), g(`rb.${test}.Redis.${m}`)),
            m === "rps" ? target[0] : m === "p99" ? target[2] : "",
          ]);
        }
      }
      out.push(
        `## 2. redis-benchmark with ${count(z.largeKeys)} keys loaded`,
        "",
        `\`redis-benchmark -t <test> -P <n> -r ${z.largeKeys} -d 32 -c 50 -n ${z.benchRequests} --csv\`: every request hits a loaded key (\`key:__rand_int__\` = the loaded names). Server CPU from /proc/<pid>/stat.`,
        "",
        markdownTable(
          [
            "test",
            "measure",
            ">Redis",
            ">CacheMir",
            ">CacheMir / Redis",
            "target",
          ],
          rows,
        ),
        "",
      );
    }
    if (p.has(3)) {
      out.push(
        `## 3. ${
          z.hugeKeys > 0 ? count(z.hugeKeys) : "Many"
        } keys in one server`,
        "",
        "One run (not rounds); each server alone on the machine.",
        "",
        ...this.#huge.flatMap((x) => [x, ""]),
      );
    }
    if (p.has(4)) {
      const rows: string[][] = [];
      for (const policy of ["allkeys-lru", "allkeys-lfu"]) {
        const k = (n: string): number[] => g(`ev.${policy}.${n}`);
        const diff = (a: number[], b: number[]): string => {
          const r = ratio(a, b);
          if (r === "n/m") return r;
          const sa = a.slice().sort((x, y) => x - y)[a.length >> 1];
          const sb = b.slice().sort((x, y) => x - y)[b.length >> 1];
          return `${sa - sb >= 0 ? "+" : ""}${(sa - sb).toFixed(2)}`;
        };
        const mibCell = (a: number[]): string =>
          cell(a.map((x) => x / 2 ** 20), 1, " MiB");
        const notMeasured = this.#features.maxmemory
          ? undefined
          : "n/m (no --maxmemory)";
        rows.push([
          policy,
          `both ${z.maxmemory}`,
          cell(k("Redis.keys")),
          mibCell(k("Redis.used")),
          cell(k("Redis.hit"), 2, " %"),
          notMeasured ?? cell(k("CacheMir.keys")),
          notMeasured ?? mibCell(k("CacheMir.used")),
          notMeasured ?? cell(k("CacheMir.hit"), 2, " %"),
          diff(k("CacheMir.hit"), k("Redis.hit")),
        ]);
        rows.push([
          policy,
          `same keys (CacheMir at ${mibCell(k("same.limit"))})`,
          cell(k("Redis.keys")),
          mibCell(k("Redis.used")),
          cell(k("Redis.hit"), 2, " %"),
          notMeasured ?? cell(k("same.keys")),
          notMeasured ?? mibCell(k("same.used")),
          notMeasured ?? cell(k("same.hit"), 2, " %"),
          diff(k("same.hit"), k("Redis.hit")),
        ]);
      }
      out.push(
        `## 4. Eviction quality: Zipf(${z.zipfS}) over ${
          count(z.zipfKeys)
        } keys`,
        "",
        `Cache-aside client (pipelined GET, SET on a miss, 32 B values, 2 connections × 500 per batch), the same seeded sequence on both servers: each server is first filled with all ${
          count(z.zipfKeys)
        } keys (\`redis-cli --pipe\`, evicting as it goes), then ${
          count(z.warmOps)
        } GETs of warm-up, then ${
          count(z.measuredOps)
        } GETs measured. Keys and used_memory: at the end. "Same keys": the node's maxmemory set so that it holds as many keys as Redis at ${z.maxmemory} (from its used_memory per key at ${z.maxmemory}, then corrected with CONFIG SET). Targets: ahead of Redis at the same limit; within 1 point at the same key count.`,
        "",
        markdownTable(
          [
            "policy",
            "limit",
            ">Redis keys",
            ">Redis used_memory",
            ">Redis hit ratio",
            ">CacheMir keys",
            ">CacheMir used_memory",
            ">CacheMir hit ratio",
            ">CacheMir − Redis (points)",
          ],
          rows,
        ),
        "",
      );
    }
    if (p.has(5)) {
      const limit = sizeBytes(z.shiftMaxmemory);
      const mib = (a: number[]): number[] => a.map((x) => x / 2 ** 20);
      const k = (n: string, m: string): number[] => g(`shift.${n}.${m}`);
      const rows: string[][] = [
        ["max allocator_frag_ratio", "maxFrag", 2, "", "< 1.3"],
        [
          "max RSS",
          "maxRss",
          0,
          " MiB",
          `≤ ${num(limit * 1.1 / 2 ** 20 + 64)} MiB`,
        ],
        ["allocator_frag_ratio at the end", "endFrag", 2, "", ""],
        ["RSS at the end", "endRss", 0, " MiB", ""],
        ["used_memory at the end", "endUsed", 0, " MiB", ""],
        ["keys at the end", "keys", 0, "", ""],
        ["SET -d 32 ops/s", "rps0", 0, "", ""],
        ["SET -d 1024 ops/s", "rps1", 0, "", ""],
        ["SET -d 32 again ops/s", "rps2", 0, "", ""],
        ["server CPU per SET", "cpu", 2, " µs", ""],
      ].map(([label, m, dec, unit, target]) => {
        const scale = unit === " MiB" ? mib : (a: number[]) => a;
        return [
          label as string,
          cell(scale(k("Redis", m as string)), dec as number, unit as string),
          cell(
            scale(k("CacheMir", m as string)),
            dec as number,
            unit as string,
          ),
          ratio(k("CacheMir", m as string), k("Redis", m as string)),
          target as string,
        ];
      });
      out.push(
        "## 5. Memory reuse: value sizes that shift",
        "",
        `Each server alone, \`--maxmemory ${z.shiftMaxmemory} --maxmemory-policy allkeys-lru\`, then \`redis-benchmark -t set -P 16 -r ${z.shiftKeys} -c 50 -n ${z.shiftRequests}\` with \`-d 32\`, \`-d 1024\`, \`-d 32\` in turn. INFO memory's allocator_frag_ratio (bytes the allocator holds / bytes in live allocations; counted while used_memory is past a quarter of the limit) and RSS from /proc every second. Targets: allocator_frag_ratio under 1.3, RSS never past maxmemory + 10% + 64 MiB.`,
        "",
        markdownTable(
          ["measure", ">Redis", ">CacheMir", ">CacheMir / Redis", "target"],
          rows,
        ),
        "",
      );
    }
    if (this.#notes.length > 0) {
      out.push("### Notes", "", ...this.#notes.map((n) => `- ${n}`), "");
    }
    return out.join("\n");
  }
}
