/**
 * `deno task bench resp`: redis-benchmark against a real redis-server and a
 * CacheMir node on the same machine, in the same run (issue 9).
 *
 * Workloads: `-t <test> -r 100000 -c 50` with values of 32 B and 1 KB
 * (`-d`), at `-P 1` and `-P 16`, for SET, GET, INCR, LPUSH, RPOP, SADD, HSET
 * and MSET, one test per redis-benchmark run so that the server's CPU time,
 * read from /proc before and after, is per test. Each round starts fresh
 * servers; within a round every workload runs against both servers, and
 * which server goes first alternates from round to round. Figures are
 * medians of the rounds.
 *
 * @module
 */

import { type Server, startNode, startRedis } from "./procs.ts";
import { redisBenchmark } from "./redis_benchmark.ts";
import { procCpuSeconds } from "./sys.ts";
import { note, progress } from "./progress.ts";
import { runInterleaved } from "./interleave.ts";
import { cell, count, markdownTable, num, summarize } from "./stats.ts";
import type { RatioPoint } from "./ratio_chart.ts";

/** The two servers compared, reference first. */
export const SERVERS = ["Redis", "CacheMir"] as const;

/** A server's name in the reports. */
export type ServerName = typeof SERVERS[number];

/** The redis-benchmark tests of issue 9 (`-t` names), in run order. */
export const RESP_TESTS: readonly string[] = [
  "set",
  "get",
  "incr",
  "lpush",
  "rpop",
  "sadd",
  "hset",
  "mset",
];

/** One redis-benchmark run's settings. */
export interface Workload {
  /** The `-t` test, e.g. `"get"`. */
  readonly test: string;
  /** The value size, `-d`. */
  readonly size: number;
  /** The pipeline depth, `-P`. */
  readonly pipeline: number;
  /** Requests, `-n`. */
  readonly requests: number;
}

/** Sizes of one run of the resp benchmark. */
export interface RespSizes {
  /** Tests to run. */
  readonly tests: readonly string[];
  /** Value sizes (`-d`). */
  readonly sizes: readonly number[];
  /** Pipeline depths (`-P`). */
  readonly pipelines: readonly number[];
  /** Requests per run (`-n`) by depth. */
  readonly requests: Readonly<Record<number, number>>;
  /** MSET (10 keys a request) runs this fraction of the requests. */
  readonly msetFraction: number;
  /** Key space (`-r`). */
  readonly keyspace: number;
  /** Connections (`-c`). */
  readonly clients: number;
}

/** Full sizes: 3 rounds take about 10 minutes on 2 cores. */
export const FULL_RESP_SIZES: RespSizes = {
  tests: RESP_TESTS,
  sizes: [32, 1024],
  pipelines: [1, 16],
  requests: { 1: 200_000, 16: 1_000_000 },
  msetFraction: 0.25,
  keyspace: 100_000,
  clients: 50,
};

/** `--quick` sizes: every workload, a tenth of the requests. */
export const QUICK_RESP_SIZES: RespSizes = {
  ...FULL_RESP_SIZES,
  requests: { 1: 20_000, 16: 100_000 },
};

/**
 * The workloads of a run, in run order: by value size, then depth, then
 * test (LPUSH before RPOP, so that RPOP pops what LPUSH pushed).
 *
 * @param z The sizes.
 * @returns The workloads.
 */
export function respWorkloads(z: RespSizes): Workload[] {
  const out: Workload[] = [];
  for (const size of z.sizes) {
    for (const pipeline of z.pipelines) {
      const n = z.requests[pipeline];
      if (n === undefined) {
        throw new Error(`no request count for -P ${pipeline}`);
      }
      for (const test of z.tests) {
        const requests = test === "mset"
          ? Math.max(1, Math.round(n * z.msetFraction))
          : n;
        out.push({ test, size, pipeline, requests });
      }
    }
  }
  return out;
}

/**
 * redis-benchmark's flags for a workload (the address and `--csv` are added
 * by {@link redisBenchmark}).
 *
 * @param w The workload.
 * @param z The sizes (key space, clients).
 * @returns The flags.
 */
export function benchmarkArgs(w: Workload, z: RespSizes): string[] {
  return [
    "-t",
    w.test,
    "-r",
    String(z.keyspace),
    "-d",
    String(w.size),
    "-P",
    String(w.pipeline),
    "-c",
    String(z.clients),
    "-n",
    String(w.requests),
  ];
}

/** A workload's key in {@link RespSamples}. */
export function workloadKey(w: Workload): string {
  return `${w.test} -d ${w.size} -P ${w.pipeline}`;
}

/** One server's figures of one run. */
export interface RunFigures {
  /** Requests per second. */
  readonly rps: number;
  /** Median latency, ms. */
  readonly p50Ms: number;
  /** 99th percentile latency, ms. */
  readonly p99Ms: number;
  /** The server's CPU time (user + system) per request, µs. */
  readonly cpuUs: number;
  /**
   * Young-generation GCs (V8 Scavenges) per million requests during the run
   * (CacheMir, from `--trace-gc`; undefined for Redis).
   */
  readonly scavengesPerM?: number;
  /** Full GCs (Mark-Compact) per million requests (CacheMir only). */
  readonly fullGcsPerM?: number;
}

/** The figures of every round: workload key → server → one per round. */
export type RespSamples = Map<string, Record<ServerName, RunFigures[]>>;

/**
 * Adds one run's figures.
 *
 * @param samples Where.
 * @param w The workload.
 * @param server The server.
 * @param f The figures.
 */
export function addSample(
  samples: RespSamples,
  w: Workload,
  server: ServerName,
  f: RunFigures,
): void {
  const k = workloadKey(w);
  let s = samples.get(k);
  if (s === undefined) samples.set(k, s = { Redis: [], CacheMir: [] });
  s[server].push(f);
}

/** The targets of issue 9 at a pipeline depth. */
export interface RespTarget {
  /** CacheMir's ops/s at least this times Redis's. */
  readonly minOps: number;
  /** CacheMir's p99 at most this times Redis's. */
  readonly maxP99: number;
}

/**
 * The targets: at -P 1 ops/s ≥ 1.0× Redis and p99 ≤ 1.5×; at -P 16 (and
 * deeper) ops/s ≥ 0.7× and p99 ≤ 2×.
 *
 * @param pipeline The depth.
 * @returns The target.
 */
export function respTarget(pipeline: number): RespTarget {
  return pipeline <= 1
    ? { minOps: 1.0, maxP99: 1.5 }
    : { minOps: 0.7, maxP99: 2 };
}

/** Ratios of CacheMir's medians to Redis's for one workload. */
export interface WorkloadRatios {
  /** ops/s. */
  readonly ops: number;
  /** p50 latency. */
  readonly p50: number;
  /** p99 latency. */
  readonly p99: number;
  /** CPU µs per request. */
  readonly cpu: number;
}

function medianOf(
  runs: readonly RunFigures[],
  field: keyof RunFigures,
): number {
  return summarize(runs.map((r) => r[field] ?? NaN))?.median ?? NaN;
}

/**
 * The GC target of issue 9: at most one Scavenge per million requests once
 * warm, for GET and SET at -P 16 (and deeper); undefined elsewhere.
 *
 * @param w The workload.
 * @returns The bound, or undefined.
 */
export function gcTarget(w: Workload): number | undefined {
  return w.pipeline >= 16 && (w.test === "get" || w.test === "set")
    ? 1
    : undefined;
}

/**
 * The GC target's cell: `"≤ 1: yes"`, `"≤ 1: no"`, `"≤ 1: n/m"`, or `""`
 * where there is no target.
 *
 * @param w The workload.
 * @param runs CacheMir's figures.
 * @returns The text for the table.
 */
export function gcTargetCell(
  w: Workload,
  runs: readonly RunFigures[],
): string {
  const t = gcTarget(w);
  if (t === undefined) return "";
  const m = medianOf(runs, "scavengesPerM");
  return `≤ ${t}: ${!Number.isFinite(m) ? "n/m" : m <= t ? "yes" : "no"}`;
}

function gcCell(runs: readonly RunFigures[], field: keyof RunFigures): string {
  return cell(
    runs.flatMap((r) => r[field] === undefined ? [] : [r[field]]),
    1,
  );
}

function div(a: number, b: number): number {
  return b === 0 || !Number.isFinite(b) || !Number.isFinite(a) ? NaN : a / b;
}

/**
 * CacheMir / Redis for each figure (ratio of medians; NaN when either is
 * missing).
 *
 * @param s The samples of one workload.
 * @returns The ratios.
 */
export function workloadRatios(
  s: Readonly<Record<ServerName, readonly RunFigures[]>>,
): WorkloadRatios {
  const r = (f: keyof RunFigures): number =>
    div(medianOf(s.CacheMir, f), medianOf(s.Redis, f));
  return { ops: r("rps"), p50: r("p50Ms"), p99: r("p99Ms"), cpu: r("cpuUs") };
}

/** redis-benchmark's name of a `-t` test, as its CSV prints it. */
export function testTitle(test: string): string {
  return test === "mset" ? "MSET (10 keys)" : test.toUpperCase();
}

const x = (r: number): string =>
  Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/m";

/**
 * Whether a workload meets its target, e.g. `"yes"`, `"no (ops/s)"`,
 * `"n/m"`.
 *
 * @param r The ratios.
 * @param pipeline The depth.
 * @returns The text for the table.
 */
export function targetMet(r: WorkloadRatios, pipeline: number): string {
  if (!Number.isFinite(r.ops) || !Number.isFinite(r.p99)) return "n/m";
  const t = respTarget(pipeline);
  const missed = [
    ...(r.ops < t.minOps ? ["ops/s"] : []),
    ...(r.p99 > t.maxP99 ? ["p99"] : []),
  ];
  return missed.length === 0 ? "yes" : `no (${missed.join(", ")})`;
}

/**
 * The summary table: medians of ops/s and the ratios against the targets.
 *
 * @param workloads The workloads, in table order.
 * @param samples The figures.
 * @returns A Markdown table.
 */
export function ratioTable(
  workloads: readonly Workload[],
  samples: RespSamples,
): string {
  const rows = workloads.map((w) => {
    const s = samples.get(workloadKey(w)) ?? { Redis: [], CacheMir: [] };
    const r = workloadRatios(s);
    const t = respTarget(w.pipeline);
    const ops = (runs: readonly RunFigures[]): string => {
      const m = medianOf(runs, "rps");
      return Number.isFinite(m) ? num(m) : "n/m";
    };
    return [
      testTitle(w.test),
      String(w.size),
      String(w.pipeline),
      ops(s.Redis),
      ops(s.CacheMir),
      x(r.ops),
      x(r.p99),
      x(r.cpu),
      `ops/s ≥ ${t.minOps.toFixed(1)}×, p99 ≤ ${t.maxP99.toFixed(1)}×`,
      targetMet(r, w.pipeline),
      gcCell(s.CacheMir, "scavengesPerM"),
      gcCell(s.CacheMir, "fullGcsPerM"),
      gcTargetCell(w, s.CacheMir),
    ];
  });
  return markdownTable([
    "test",
    ">-d",
    ">-P",
    ">Redis ops/s",
    ">CacheMir ops/s",
    ">ops/s ratio",
    ">p99 ratio",
    ">CPU/req ratio",
    "target",
    "met",
    ">CacheMir scavenges / 1M req",
    ">CacheMir full GCs / 1M req",
    "scavenge target",
  ], rows);
}

/**
 * The detail table: every figure of both servers, median (min–max).
 *
 * @param workloads The workloads, in table order.
 * @param samples The figures.
 * @returns A Markdown table.
 */
export function detailTable(
  workloads: readonly Workload[],
  samples: RespSamples,
): string {
  const rows: string[][] = [];
  for (const w of workloads) {
    const s = samples.get(workloadKey(w)) ?? { Redis: [], CacheMir: [] };
    for (const server of SERVERS) {
      const runs = s[server];
      rows.push([
        testTitle(w.test),
        String(w.size),
        String(w.pipeline),
        count(w.requests),
        server,
        cell(runs.map((r) => r.rps)),
        cell(runs.map((r) => r.p50Ms), 3),
        cell(runs.map((r) => r.p99Ms), 3),
        cell(runs.map((r) => r.cpuUs), 2),
        server === "CacheMir" ? gcCell(runs, "scavengesPerM") : "–",
        server === "CacheMir" ? gcCell(runs, "fullGcsPerM") : "–",
      ]);
    }
  }
  return markdownTable([
    "test",
    ">-d",
    ">-P",
    ">-n",
    "server",
    ">ops/s",
    ">p50 ms",
    ">p99 ms",
    ">CPU µs/req",
    ">scavenges / 1M req",
    ">full GCs / 1M req",
  ], rows);
}

/**
 * The chart's bars: ops/s and CPU-per-request ratios of every workload.
 *
 * @param workloads The workloads.
 * @param samples The figures.
 * @returns The points (NaN ratios included; the chart leaves them out).
 */
export function respRatioPoints(
  workloads: readonly Workload[],
  samples: RespSamples,
): RatioPoint[] {
  const out: RatioPoint[] = [];
  for (
    const [measure, field] of [
      ["resp: ops/s (higher is better)", "ops"],
      ["resp: server CPU per request (lower is better)", "cpu"],
    ] as const
  ) {
    for (const w of workloads) {
      const s = samples.get(workloadKey(w)) ?? { Redis: [], CacheMir: [] };
      out.push({
        measure,
        test: testTitle(w.test),
        series: `-P ${w.pipeline} · -d ${w.size}`,
        ratio: workloadRatios(s)[field],
      });
    }
  }
  return out;
}

/** What a run of the resp benchmark gives: its report and the chart's bars. */
export interface RespResult {
  /** The Markdown report. */
  readonly markdown: string;
  /** The ratios for the chart. */
  readonly ratios: readonly RatioPoint[];
}

/** Options of {@link RespBench}. */
export interface RespOptions {
  /** Rounds (fresh servers each), medians reported. */
  readonly rounds: number;
  /** Small request counts, for a smoke run. */
  readonly quick: boolean;
}

/** Runs the resp benchmark. */
export class RespBench {
  readonly #o: RespOptions;
  readonly #z: RespSizes;
  readonly #samples: RespSamples = new Map();
  readonly #notes: string[] = [];

  /**
   * @param options Rounds, quick.
   * @param sizes Overrides the sizes (tests).
   */
  constructor(options: RespOptions, sizes?: RespSizes) {
    this.#o = options;
    this.#z = sizes ?? (options.quick ? QUICK_RESP_SIZES : FULL_RESP_SIZES);
  }

  /**
   * Runs every round and builds the report.
   *
   * @returns The report and the chart's bars.
   */
  async run(): Promise<RespResult> {
    const workloads = respWorkloads(this.#z);
    for (let round = 1; round <= this.#o.rounds; round++) {
      await this.#round(round, workloads);
    }
    return {
      markdown: this.#report(workloads),
      ratios: respRatioPoints(workloads, this.#samples),
    };
  }

  async #round(round: number, workloads: readonly Workload[]): Promise<void> {
    const phase = `resp · round ${round}/${this.#o.rounds}`;
    progress(phase, "starting servers");
    const servers = await Promise.all([
      startRedis(),
      startNode([], { traceGc: true }),
    ]);
    await runInterleaved({
      phase,
      round,
      servers,
      workloads,
      label: workloadKey,
      measure: (s, w) => this.#measure(s, w, round),
    });
  }

  async #measure(s: Server, w: Workload, round: number): Promise<void> {
    const name = s.name as ServerName;
    try {
      const gc0 = s.gcCounts?.();
      const cpu0 = procCpuSeconds(s.pid);
      const row = await redisBenchmark(
        s.port,
        benchmarkArgs(w, this.#z),
        120_000,
      );
      const cpu = procCpuSeconds(s.pid) - cpu0;
      let gc: { scavengesPerM: number; fullGcsPerM: number } | undefined;
      if (gc0 !== undefined && s.gcCounts !== undefined) {
        // Let the last GC lines of the run arrive through the pipe.
        await new Promise((r) => setTimeout(r, 50));
        const gc1 = s.gcCounts();
        gc = {
          scavengesPerM: (gc1.scavenges - gc0.scavenges) * 1e6 / w.requests,
          fullGcsPerM: (gc1.markCompacts - gc0.markCompacts) * 1e6 /
            w.requests,
        };
      }
      addSample(this.#samples, w, name, {
        rps: row.rps,
        p50Ms: row.p50Ms,
        p99Ms: row.p99Ms,
        cpuUs: cpu * 1e6 / w.requests,
        ...gc,
      });
    } catch (e) {
      const message = `Round ${round}, ${workloadKey(w)}, ${name}: ${
        (e as Error).message.split("\n")[0]
      }`;
      this.#notes.push(message);
      note(message);
    }
  }

  #report(workloads: readonly Workload[]): string {
    const z = this.#z;
    const ns = z.pipelines.map((p) => `-n ${count(z.requests[p])} at -P ${p}`);
    return [
      "## redis-benchmark against Redis",
      "",
      `\`redis-benchmark -t <test> -r ${
        count(z.keyspace)
      } -d <size> -P <depth> -c ${z.clients} -n <n> --csv\`, one test per run, ${
        ns.join(", ")
      } (MSET, 10 keys a request: ${
        Math.round(z.msetFraction * 100)
      } % of that). Fresh servers each round; each workload runs against both, the server that goes first alternating between rounds. Ratios are CacheMir / Redis of the medians; CPU/req is the server's user + system CPU time from /proc/<pid>/stat over the run divided by the requests (10 ms ticks). The chart (results.svg) shows the ops/s and CPU/req ratios. The node runs with V8's \`--trace-gc\`; its Scavenge (young generation) and Mark-Compact (full) lines on stdout are counted over each CacheMir run and given per million requests, median (min–max) of the rounds. Each workload runs after the previous ones on the same node (warm), the first one of a round on a fresh node. Target (issue 9): at most one Scavenge per million requests for GET and SET at -P 16.`,
      "",
      ratioTable(workloads, this.#samples),
      "",
      "### Figures",
      "",
      detailTable(workloads, this.#samples),
      "",
      ...(this.#notes.length > 0
        ? ["### Notes", "", ...this.#notes.map((n) => `- ${n}`), ""]
        : []),
    ].join("\n");
  }
}
