/**
 * `deno task bench client`: 50 concurrent callers in this one process, 80%
 * GET / 20% SET, through `CacheMirClient` to a CacheMir node (binary
 * protocol) and through `npm:ioredis` to a real redis-server (issue 9).
 *
 * Both servers hold the same key space (`key:<n>`, n < 100,000, preloaded
 * with values of the workload's size: 32 B, then 1 KB). One seeded sequence
 * of (key, GET or SET) is shared by both sides: each of the 50 async
 * callers takes the next operation of the sequence, awaits it and records
 * its latency (`performance.now()`, µs) in an HDR histogram
 * (`npm:hdr-histogram-js`). A warm-up part of the sequence runs first and
 * is not measured. Each round starts fresh servers and a fresh client per
 * workload, with each library's default pool (`CacheMirClient`: up to 4
 * connections per node, a new one only when the open ones each carry 32
 * commands; ioredis: one connection); which side goes first alternates
 * between rounds. The servers' CPU time comes from /proc/<pid>/stat, the
 * benchmark process's own from `process.cpuUsage()`.
 *
 * @module
 */

import * as hdr from "hdr-histogram-js";
import process from "node:process";
import { Redis } from "ioredis";
import { CacheMirClient } from "../../client/mod.ts";
import { type Server, startNode, startRedis } from "./procs.ts";
import { procCpuSeconds } from "./sys.ts";
import { seededRandom as mulberry32 } from "../../tests/_helpers/prng.ts";
import { note, progress } from "./progress.ts";
import { cell, count, markdownTable, num, summarize } from "./stats.ts";
import type { RatioPoint } from "./ratio_chart.ts";

/** The two sides compared, reference first. */
export const SIDES = ["ioredis", "CacheMirClient"] as const;

/** A side: the client library (and the server it talks to). */
export type Side = typeof SIDES[number];

/** The server each side talks to. */
export const SIDE_SERVER: Readonly<Record<Side, string>> = {
  ioredis: "Redis",
  CacheMirClient: "CacheMir",
};

/** Sizes of one run of the client benchmark. */
export interface ClientSizes {
  /** Keys `key:0` .. `key:<keyspace - 1>`, all preloaded. */
  readonly keyspace: number;
  /** Concurrent async callers. */
  readonly callers: number;
  /** Share of GETs (the rest are SETs). */
  readonly getFraction: number;
  /** Value sizes in bytes, one workload each. */
  readonly valueSizes: readonly number[];
  /** Measured operations per workload and side. */
  readonly operations: number;
  /** Unmeasured operations before them. */
  readonly warmup: number;
  /** Seed of the operation sequence. */
  readonly seed: number;
}

/** Full sizes: 3 rounds take about 5 minutes on 2 cores. */
export const FULL_CLIENT_SIZES: ClientSizes = {
  keyspace: 100_000,
  callers: 50,
  getFraction: 0.8,
  valueSizes: [32, 1024],
  operations: 1_000_000,
  warmup: 50_000,
  seed: 9,
};

/** `--quick` sizes: about 30 s in all. */
export const QUICK_CLIENT_SIZES: ClientSizes = {
  ...FULL_CLIENT_SIZES,
  operations: 300_000,
  warmup: 20_000,
};

/**
 * A small seeded PRNG (mulberry32) giving numbers in [0, 1): the same seed
 * gives the same numbers. The one in tests/_helpers/prng.ts.
 */
export { mulberry32 };

/** A fixed sequence of operations: key numbers and which are SETs. */
export interface OpSequence {
  /** The key number of each operation (`key:<n>`). */
  readonly keys: Uint32Array;
  /** 1 where the operation is a SET, 0 for a GET. */
  readonly sets: Uint8Array;
}

/**
 * The operation sequence: uniform keys over the key space, a GET with
 * probability `getFraction`, else a SET.
 *
 * @param length Operations.
 * @param keyspace Keys.
 * @param getFraction Share of GETs.
 * @param seed The seed.
 * @returns The sequence.
 */
export function opSequence(
  length: number,
  keyspace: number,
  getFraction: number,
  seed: number,
): OpSequence {
  const rnd = mulberry32(seed);
  const keys = new Uint32Array(length);
  const sets = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    keys[i] = Math.floor(rnd() * keyspace);
    sets[i] = rnd() < getFraction ? 0 : 1;
  }
  return { keys, sets };
}

/**
 * The value SETs write and the preload stores: `size` printable bytes from
 * a fixed pseudo-random sequence (not one repeated byte).
 *
 * @param size Bytes.
 * @returns The value.
 */
export function valueOf(size: number): string {
  const rnd = mulberry32(size);
  const chars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let out = "";
  for (let i = 0; i < size; i++) out += chars[Math.floor(rnd() * 62)];
  return out;
}

/**
 * The binary-protocol port of a node started by `startNode`, when the
 * `Server` does not give it: its `--port` argument (the server's `port` is
 * the RESP one).
 *
 * @param argv The node's command line, e.g. from /proc/<pid>/cmdline.
 * @returns The port.
 * @throws {Error} When there is no `--port`.
 */
export function binaryPortOf(argv: readonly string[]): number {
  const i = argv.indexOf("--port");
  const port = i < 0 ? NaN : Number(argv[i + 1]);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error(`no --port in ${argv.join(" ")}`);
  }
  return port;
}

function nodeBinaryPort(s: Server): number {
  if (s.binaryPort !== undefined) return s.binaryPort;
  const cmdline = Deno.readTextFileSync(`/proc/${s.pid}/cmdline`);
  return binaryPortOf(cmdline.split("\0"));
}

/** What the load needs of a client library. */
export interface KvDriver {
  /** GET. */
  get(key: string): Promise<unknown>;
  /** SET. */
  set(key: string, value: string): Promise<unknown>;
}

/** How {@link runLoad} went. */
export interface LoadResult {
  /** Operations done. */
  readonly done: number;
  /** Operations that failed. */
  readonly errors: number;
  /** The first failure's message. */
  readonly firstError?: string;
  /** Wall time, ms. */
  readonly elapsedMs: number;
}

/** A latency histogram in µs (1 µs .. 60 s, 3 significant digits). */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/**
 * Runs operations `from .. to - 1` of a sequence with `callers` async
 * callers: each takes the next operation, awaits it, records its latency.
 *
 * @param driver The client.
 * @param seq The sequence.
 * @param range `[from, to)`.
 * @param callers Concurrent callers.
 * @param value The value SETs write.
 * @param histogram Where latencies go (µs); none for a warm-up.
 * @param onProgress Called every 5,000 operations with the count done.
 * @returns Counts and wall time.
 */
export async function runLoad(
  driver: KvDriver,
  seq: OpSequence,
  range: readonly [number, number],
  callers: number,
  value: string,
  histogram?: hdr.Histogram,
  onProgress?: (done: number) => void,
): Promise<LoadResult> {
  const [from, to] = range;
  let next = from;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const caller = async (): Promise<void> => {
    while (next < to) {
      const i = next++;
      const key = `key:${seq.keys[i]}`;
      const t = performance.now();
      try {
        if (seq.sets[i] === 1) await driver.set(key, value);
        else await driver.get(key);
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
      }
      if (histogram !== undefined) {
        histogram.recordValue(
          Math.max(1, Math.round((performance.now() - t) * 1000)),
        );
      }
      if (onProgress !== undefined && (i - from) % 5000 === 0) {
        onProgress(i - from);
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return {
    done: to - from,
    errors,
    firstError,
    elapsedMs: performance.now() - t0,
  };
}

/** One side's figures of one run. */
export interface ClientFigures {
  /** Operations per second. */
  readonly ops: number;
  /** Latency percentiles, ms. */
  readonly p50Ms: number;
  /** 99th. */
  readonly p99Ms: number;
  /** 99.9th. */
  readonly p999Ms: number;
  /** The server's CPU time per operation, µs. */
  readonly serverCpuUs: number;
  /** The benchmark process's CPU time per operation, µs. */
  readonly clientCpuUs: number;
  /** Connections the client had open at the end. */
  readonly connections: number;
}

/** Figures of every round: value size → side → one per round. */
export type ClientSamples = Map<number, Record<Side, ClientFigures[]>>;

/**
 * Adds one run's figures.
 *
 * @param samples Where.
 * @param size The value size.
 * @param side The side.
 * @param f The figures.
 */
export function addClientSample(
  samples: ClientSamples,
  size: number,
  side: Side,
  f: ClientFigures,
): void {
  let s = samples.get(size);
  if (s === undefined) {
    samples.set(size, s = { ioredis: [], CacheMirClient: [] });
  }
  s[side].push(f);
}

/** Issue 9's targets for the client path against ioredis → Redis. */
export const CLIENT_TARGET = {
  /** CacheMirClient's ops/s at least this times ioredis's. */
  minOps: 1.3,
  /** CacheMirClient's p99.9 at most this times ioredis's. */
  maxP999: 1.0,
} as const;

/** CacheMirClient / ioredis ratios of the medians. */
export interface ClientRatios {
  /** ops/s. */
  readonly ops: number;
  /** p50. */
  readonly p50: number;
  /** p99. */
  readonly p99: number;
  /** p99.9. */
  readonly p999: number;
  /** Server CPU per operation. */
  readonly serverCpu: number;
  /** Benchmark-process CPU per operation. */
  readonly clientCpu: number;
}

function medianOf(
  runs: readonly ClientFigures[],
  field: keyof ClientFigures,
): number {
  return summarize(runs.map((r) => r[field]))?.median ?? NaN;
}

function div(a: number, b: number): number {
  return b === 0 || !Number.isFinite(b) || !Number.isFinite(a) ? NaN : a / b;
}

/**
 * CacheMirClient / ioredis for each figure (NaN when either is missing).
 *
 * @param s One workload's samples.
 * @returns The ratios.
 */
export function clientRatios(
  s: Readonly<Record<Side, readonly ClientFigures[]>>,
): ClientRatios {
  const r = (f: keyof ClientFigures): number =>
    div(medianOf(s.CacheMirClient, f), medianOf(s.ioredis, f));
  return {
    ops: r("ops"),
    p50: r("p50Ms"),
    p99: r("p99Ms"),
    p999: r("p999Ms"),
    serverCpu: r("serverCpuUs"),
    clientCpu: r("clientCpuUs"),
  };
}

/**
 * Whether the targets are met: `"yes"`, `"no (ops/s, p99.9)"`, `"n/m"`.
 *
 * @param r The ratios.
 * @returns The text for the table.
 */
export function clientTargetMet(r: ClientRatios): string {
  if (!Number.isFinite(r.ops) || !Number.isFinite(r.p999)) return "n/m";
  const missed = [
    ...(r.ops < CLIENT_TARGET.minOps ? ["ops/s"] : []),
    ...(r.p999 > CLIENT_TARGET.maxP999 ? ["p99.9"] : []),
  ];
  return missed.length === 0 ? "yes" : `no (${missed.join(", ")})`;
}

const x = (r: number): string =>
  Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/m";

const EMPTY: Record<Side, ClientFigures[]> = {
  ioredis: [],
  CacheMirClient: [],
};

/**
 * The summary table: median ops/s of both sides and the ratios against the
 * targets, one row per value size.
 *
 * @param sizes Value sizes, in table order.
 * @param samples The figures.
 * @returns A Markdown table.
 */
export function clientRatioTable(
  sizes: readonly number[],
  samples: ClientSamples,
): string {
  const rows = sizes.map((size) => {
    const s = samples.get(size) ?? EMPTY;
    const r = clientRatios(s);
    const ops = (runs: readonly ClientFigures[]): string => {
      const m = medianOf(runs, "ops");
      return Number.isFinite(m) ? num(m) : "n/m";
    };
    return [
      String(size),
      ops(s.ioredis),
      ops(s.CacheMirClient),
      x(r.ops),
      x(r.p50),
      x(r.p99),
      x(r.p999),
      x(r.serverCpu),
      x(r.clientCpu),
      clientTargetMet(r),
    ];
  });
  return markdownTable([
    ">value B",
    ">ioredis→Redis ops/s",
    ">CacheMirClient→CacheMir ops/s",
    ">ops/s ratio",
    ">p50 ratio",
    ">p99 ratio",
    ">p99.9 ratio",
    ">server CPU/op ratio",
    ">bench CPU/op ratio",
    `met (ops/s ≥ ${CLIENT_TARGET.minOps}×, p99.9 ≤ ${CLIENT_TARGET.maxP999}×)`,
  ], rows);
}

/**
 * The detail table: every figure of both sides, median (min–max).
 *
 * @param sizes Value sizes, in table order.
 * @param samples The figures.
 * @returns A Markdown table.
 */
export function clientDetailTable(
  sizes: readonly number[],
  samples: ClientSamples,
): string {
  const rows: string[][] = [];
  for (const size of sizes) {
    const s = samples.get(size) ?? EMPTY;
    for (const side of SIDES) {
      const runs = s[side];
      rows.push([
        String(size),
        `${side} → ${SIDE_SERVER[side]}`,
        cell(runs.map((r) => r.ops)),
        cell(runs.map((r) => r.p50Ms), 3),
        cell(runs.map((r) => r.p99Ms), 3),
        cell(runs.map((r) => r.p999Ms), 3),
        cell(runs.map((r) => r.serverCpuUs), 2),
        cell(runs.map((r) => r.clientCpuUs), 2),
        cell(runs.map((r) => r.connections)),
      ]);
    }
  }
  return markdownTable([
    ">value B",
    "client → server",
    ">ops/s",
    ">p50 ms",
    ">p99 ms",
    ">p99.9 ms",
    ">server CPU µs/op",
    ">bench CPU µs/op",
    ">connections",
  ], rows);
}

/**
 * The chart's bars: ops/s, p99.9 and CPU ratios of each value size.
 *
 * @param sizes Value sizes.
 * @param samples The figures.
 * @returns The points (NaN ratios included; the chart leaves them out).
 */
export function clientRatioPoints(
  sizes: readonly number[],
  samples: ClientSamples,
): RatioPoint[] {
  const out: RatioPoint[] = [];
  for (
    const [measure, field] of [
      ["client: ops/s (higher is better)", "ops"],
      ["client: p99.9 latency (lower is better)", "p999"],
      ["client: server CPU per op (lower is better)", "serverCpu"],
    ] as const
  ) {
    for (const size of sizes) {
      out.push({
        measure,
        test: "80% GET / 20% SET",
        series: `-d ${size}`,
        ratio: clientRatios(samples.get(size) ?? EMPTY)[field],
      });
    }
  }
  return out;
}

/** A client library opened for one run. */
interface OpenClient extends KvDriver {
  /** Writes keys 0 .. n-1 with a value. */
  preload(keyspace: number, value: string): Promise<void>;
  /** Connections open now. */
  connections(): number;
  /** Closes it. */
  close(): Promise<void>;
}

const PRELOAD_CHUNK = 1000;

async function checkValue(
  c: KvDriver,
  key: string,
  value: string,
): Promise<void> {
  const got = await c.get(key);
  if (got !== value) {
    throw new Error(
      `${key}: expected the ${value.length}-byte value, got ${
        String(got).slice(0, 40)
      }`,
    );
  }
}

function chunkKeys(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `key:${from + i}`);
}

async function openIoredis(s: Server): Promise<OpenClient> {
  const redis = new Redis({
    host: "127.0.0.1",
    port: s.port,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null, // a benchmark must not reconnect forever
  });
  await redis.connect();
  return {
    get: (k) => redis.get(k),
    set: (k, v) => redis.set(k, v),
    async preload(keyspace, value) {
      for (let i = 0; i < keyspace; i += PRELOAD_CHUNK) {
        const keys = chunkKeys(i, Math.min(keyspace, i + PRELOAD_CHUNK));
        await redis.mset(keys.flatMap((k) => [k, value]));
      }
    },
    connections: () => 1,
    async close() {
      redis.disconnect();
      await Promise.resolve();
    },
  };
}

async function openCacheMirClient(s: Server): Promise<OpenClient> {
  const client = new CacheMirClient({
    nodes: [`127.0.0.1:${nodeBinaryPort(s)}`],
  });
  await client.ping();
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    async preload(keyspace, value) {
      for (let i = 0; i < keyspace; i += PRELOAD_CHUNK) {
        const keys = chunkKeys(i, Math.min(keyspace, i + PRELOAD_CHUNK));
        await client.mset(Object.fromEntries(keys.map((k) => [k, value])));
      }
    },
    connections: () => client.stats()[0]?.pool.open ?? NaN,
    close: () => client.close(),
  };
}

/** What a run of the client benchmark gives. */
export interface ClientResult {
  /** The Markdown report. */
  readonly markdown: string;
  /** The ratios for the chart. */
  readonly ratios: readonly RatioPoint[];
}

/** Options of {@link ClientBench}. */
export interface ClientOptions {
  /** Rounds (fresh servers each), medians reported. */
  readonly rounds: number;
  /** Fewer operations, for a smoke run. */
  readonly quick: boolean;
}

/** Runs the client benchmark. */
export class ClientBench {
  readonly #o: ClientOptions;
  readonly #z: ClientSizes;
  readonly #samples: ClientSamples = new Map();
  readonly #notes: string[] = [];
  readonly #seconds: number[] = [];

  /**
   * @param options Rounds, quick.
   * @param sizes Overrides the sizes (tests).
   */
  constructor(options: ClientOptions, sizes?: ClientSizes) {
    this.#o = options;
    this.#z = sizes ?? (options.quick ? QUICK_CLIENT_SIZES : FULL_CLIENT_SIZES);
  }

  /**
   * Runs every round and builds the report.
   *
   * @returns The report and the chart's bars.
   */
  async run(): Promise<ClientResult> {
    const z = this.#z;
    const seq = opSequence(
      z.warmup + z.operations,
      z.keyspace,
      z.getFraction,
      z.seed,
    );
    for (let round = 1; round <= this.#o.rounds; round++) {
      const t0 = performance.now();
      await this.#round(round, seq);
      this.#seconds.push((performance.now() - t0) / 1000);
    }
    return {
      markdown: this.#report(),
      ratios: clientRatioPoints(z.valueSizes, this.#samples),
    };
  }

  async #round(round: number, seq: OpSequence): Promise<void> {
    const phase = `client · round ${round}/${this.#o.rounds}`;
    progress(phase, "starting servers");
    const [redis, node] = await Promise.all([startRedis(), startNode()]);
    // Odd rounds: ioredis first; even rounds: CacheMirClient first.
    const order: Side[] = round % 2 === 1
      ? ["ioredis", "CacheMirClient"]
      : ["CacheMirClient", "ioredis"];
    try {
      for (const size of this.#z.valueSizes) {
        for (const side of order) {
          const server = side === "ioredis" ? redis : node;
          await this.#measure(`${phase} · -d ${size} · ${side}`, {
            side,
            server,
            size,
            seq,
            round,
          });
        }
      }
    } finally {
      await Promise.all([redis.stop(), node.stop()]);
    }
  }

  async #measure(
    phase: string,
    m: {
      side: Side;
      server: Server;
      size: number;
      seq: OpSequence;
      round: number;
    },
  ): Promise<void> {
    const z = this.#z;
    const value = valueOf(m.size);
    let client: OpenClient | undefined;
    try {
      progress(phase, "preload");
      client = m.side === "ioredis"
        ? await openIoredis(m.server)
        : await openCacheMirClient(m.server);
      await client.preload(z.keyspace, value);
      await checkValue(client, `key:${z.keyspace - 1}`, value);
      progress(phase, "warm-up");
      await runLoad(client, m.seq, [0, z.warmup], z.callers, value);
      const histogram = latencyHistogram();
      const end = z.warmup + z.operations;
      const server0 = procCpuSeconds(m.server.pid);
      const own0 = process.cpuUsage();
      const r = await runLoad(
        client,
        m.seq,
        [z.warmup, end],
        z.callers,
        value,
        histogram,
        (done) => progress(phase, `${Math.round(done * 100 / z.operations)}%`),
      );
      const own = process.cpuUsage(own0);
      const serverCpu = procCpuSeconds(m.server.pid) - server0;
      await checkValue(client, `key:${m.seq.keys[end - 1]}`, value);
      if (r.errors > 0) {
        this.#addNote(
          m,
          `${r.errors} of ${r.done} operations failed: ${r.firstError}`,
        );
      }
      const pct = (p: number): number =>
        histogram.getValueAtPercentile(p) / 1000;
      addClientSample(this.#samples, m.size, m.side, {
        ops: r.done / (r.elapsedMs / 1000),
        p50Ms: pct(50),
        p99Ms: pct(99),
        p999Ms: pct(99.9),
        serverCpuUs: serverCpu * 1e6 / r.done,
        clientCpuUs: (own.user + own.system) / r.done,
        connections: client.connections(),
      });
    } catch (e) {
      this.#addNote(m, (e as Error).message.split("\n")[0]);
    } finally {
      await client?.close().catch(() => {});
    }
  }

  #addNote(m: { side: Side; size: number; round: number }, text: string) {
    const message = `Round ${m.round}, -d ${m.size}, ${m.side}: ${text}`;
    this.#notes.push(message);
    note(message);
  }

  #report(): string {
    const z = this.#z;
    const secs = this.#seconds.map((s) => `${s.toFixed(0)} s`).join(", ");
    return [
      "## CacheMirClient against ioredis",
      "",
      `${z.callers} concurrent async callers in the benchmark process, ${
        Math.round(z.getFraction * 100)
      }% GET / ${
        Math.round((1 - z.getFraction) * 100)
      }% SET on keys \`key:<n>\`, n < ${
        count(z.keyspace)
      } (all preloaded with values of the workload's size), one seeded sequence for both sides, ${
        count(z.warmup)
      } warm-up operations then ${
        count(z.operations)
      } measured ones per workload. CacheMirClient talks the binary protocol to a CacheMir node with its default pool (up to 4 connections per node, another only when every open one carries 32 commands: the connections column is how many were open at the end); ioredis talks RESP to redis-server over its one connection (defaults: no auto-pipelining). Latency is each call's \`performance.now()\` span in an HDR histogram (\`npm:hdr-histogram-js\`, 1 µs resolution, 3 significant digits). Fresh servers and clients each round; the side that goes first alternates between rounds. Ratios are CacheMirClient / ioredis of the medians. Server CPU/op is the server's user + system time from /proc/<pid>/stat (10 ms ticks) over the measured part, divided by its operations; bench CPU/op is this process's (\`process.cpuUsage()\`: the client library, the 50 callers and the histogram). Rounds took ${secs}.`,
      "",
      clientRatioTable(z.valueSizes, this.#samples),
      "",
      "### Figures",
      "",
      clientDetailTable(z.valueSizes, this.#samples),
      "",
      ...(this.#notes.length > 0
        ? ["### Notes", "", ...this.#notes.map((n) => `- ${n}`), ""]
        : []),
    ].join("\n");
  }
}
