/**
 * `deno task bench binary`: the node's CPU per request on its binary port,
 * under {@link runBinaryLoad} (`binary_load.ts`, a child process), against
 * Redis's under redis-benchmark with the same `-r/-d/-P/-c/-n` (issue 9).
 *
 * Workloads: SET then GET at `-d 32` and `-d 1024`, `-P 1` and `-P 16`,
 * `-c 50`, `-r 100000`. Each round starts a fresh node and a fresh
 * redis-server; the server that goes first alternates between rounds. The
 * figure is each server's user + system CPU time from /proc over the run,
 * divided by the requests; the target is node ≤ 1.0× Redis.
 *
 * @module
 */

import { runBounded, type Server, startNode, startRedis } from "./procs.ts";
import { redisBenchmark } from "./redis_benchmark.ts";
import { procCpuSeconds } from "./sys.ts";
import { note, progress } from "./progress.ts";
import { runInterleaved } from "./interleave.ts";
import { cell, count, markdownTable, num, summarize } from "./stats.ts";
import type { RatioPoint } from "./ratio_chart.ts";
import {
  BINARY_TESTS,
  type BinaryLoadOptions,
  type BinaryLoadResult,
  loadArgs,
} from "./binary_load.ts";
import {
  benchmarkArgs,
  FULL_RESP_SIZES,
  QUICK_RESP_SIZES,
  type RespSizes,
  testTitle,
  type Workload,
} from "./resp_bench_suite.ts";
import type { SubBenchmarkResult } from "./result.ts";

const LOAD = new URL("./binary_load.ts", import.meta.url).pathname;

/** The two sides compared: Redis over RESP, the node over its binary port. */
export const BINARY_SIDES = ["Redis", "CacheMir"] as const;

/** A side's name. */
export type Side = typeof BINARY_SIDES[number];

/**
 * Sizes of one run of the binary benchmark: the resp benchmark's (tests in
 * run order, SET first so that GET finds keys), without MSET.
 */
export type BinarySizes = Omit<RespSizes, "msetFraction">;

/** Full sizes: the resp benchmark's. */
export const FULL_BINARY_SIZES: BinarySizes = {
  tests: BINARY_TESTS,
  sizes: FULL_RESP_SIZES.sizes,
  pipelines: FULL_RESP_SIZES.pipelines,
  requests: FULL_RESP_SIZES.requests,
  keyspace: FULL_RESP_SIZES.keyspace,
  clients: FULL_RESP_SIZES.clients,
};

/** `--quick`: a tenth of the requests. */
export const QUICK_BINARY_SIZES: BinarySizes = {
  ...FULL_BINARY_SIZES,
  requests: QUICK_RESP_SIZES.requests,
};

/** The CPU-per-request target: the node at most this times Redis. */
export const BINARY_CPU_TARGET = 1.0;

/**
 * The workloads in run order: by size, then depth, then test.
 *
 * @param z The sizes.
 * @returns The workloads.
 */
export function binaryWorkloads(z: BinarySizes): Workload[] {
  const out: Workload[] = [];
  for (const size of z.sizes) {
    for (const pipeline of z.pipelines) {
      const requests = z.requests[pipeline];
      if (requests === undefined) {
        throw new Error(`no request count for -P ${pipeline}`);
      }
      for (const test of z.tests) out.push({ test, size, pipeline, requests });
    }
  }
  return out;
}

/**
 * binary_load's settings for a workload.
 *
 * @param w The workload.
 * @param z The sizes.
 * @param ports The node's binary port(s).
 * @returns The settings.
 */
export function loadOptions(
  w: Workload,
  z: BinarySizes,
  ports: readonly number[],
): BinaryLoadOptions {
  return {
    ports,
    test: w.test,
    size: w.size,
    pipeline: w.pipeline,
    clients: z.clients,
    requests: w.requests,
    keyspace: z.keyspace,
  };
}

/** One side's figures of one run. */
export interface BinaryFigures {
  /** Requests per second. */
  readonly rps: number;
  /** Median latency, ms. */
  readonly p50Ms: number;
  /** 99th percentile latency, ms. */
  readonly p99Ms: number;
  /** Server CPU µs per request. */
  readonly cpuUs: number;
  /** Errors counted by the load generator (0 for redis-benchmark). */
  readonly errors: number;
}

/** Workload key → side → one figure per round. */
export type BinarySamples = Map<string, Record<Side, BinaryFigures[]>>;

/** A workload's key. */
export function binaryKey(w: Workload): string {
  return `${w.test} -d ${w.size} -P ${w.pipeline}`;
}

/**
 * Adds one run's figures.
 *
 * @param samples Where.
 * @param w The workload.
 * @param side Which side.
 * @param f The figures.
 */
export function addBinarySample(
  samples: BinarySamples,
  w: Workload,
  side: Side,
  f: BinaryFigures,
): void {
  const k = binaryKey(w);
  let s = samples.get(k);
  if (s === undefined) samples.set(k, s = { Redis: [], CacheMir: [] });
  s[side].push(f);
}

function med(runs: readonly BinaryFigures[], f: keyof BinaryFigures): number {
  return summarize(runs.map((r) => r[f]))?.median ?? NaN;
}

/**
 * Node / Redis CPU per request (ratio of medians; NaN when missing).
 *
 * @param s One workload's samples.
 * @returns The ratio.
 */
export function cpuRatio(
  s: Readonly<Record<Side, readonly BinaryFigures[]>>,
): number {
  const a = med(s.CacheMir, "cpuUs");
  const b = med(s.Redis, "cpuUs");
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN;
}

/**
 * The summary table: CPU µs/req of both sides, their ratio against the
 * target, and ops/s.
 *
 * @param workloads The workloads.
 * @param samples The figures.
 * @returns A Markdown table.
 */
export function binaryTable(
  workloads: readonly Workload[],
  samples: BinarySamples,
): string {
  const rows = workloads.map((w) => {
    const s = samples.get(binaryKey(w)) ?? { Redis: [], CacheMir: [] };
    const r = cpuRatio(s);
    return [
      testTitle(w.test),
      String(w.size),
      String(w.pipeline),
      cell(s.CacheMir.map((x) => x.cpuUs), 2),
      cell(s.Redis.map((x) => x.cpuUs), 2),
      Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/m",
      `≤ ${BINARY_CPU_TARGET.toFixed(1)}×`,
      Number.isFinite(r) ? (r <= BINARY_CPU_TARGET ? "yes" : "no") : "n/m",
      cell(s.CacheMir.map((x) => x.rps)),
      cell(s.Redis.map((x) => x.rps)),
    ];
  });
  return markdownTable([
    "test",
    ">-d",
    ">-P",
    ">node CPU µs/req (binary)",
    ">Redis CPU µs/req (RESP)",
    ">ratio",
    "target",
    "met",
    ">node ops/s",
    ">Redis ops/s",
  ], rows);
}

/**
 * The detail table: latency and errors of both sides.
 *
 * @param workloads The workloads.
 * @param samples The figures.
 * @returns A Markdown table.
 */
export function binaryDetailTable(
  workloads: readonly Workload[],
  samples: BinarySamples,
): string {
  const rows: string[][] = [];
  for (const w of workloads) {
    const s = samples.get(binaryKey(w)) ?? { Redis: [], CacheMir: [] };
    for (const side of BINARY_SIDES) {
      const runs = s[side];
      rows.push([
        testTitle(w.test),
        String(w.size),
        String(w.pipeline),
        count(w.requests),
        side === "Redis" ? "Redis (redis-benchmark)" : "node (binary_load)",
        cell(runs.map((r) => r.p50Ms), 3),
        cell(runs.map((r) => r.p99Ms), 3),
        num(runs.reduce((a, r) => a + r.errors, 0)),
      ]);
    }
  }
  return markdownTable([
    "test",
    ">-d",
    ">-P",
    ">-n",
    "server (load)",
    ">p50 ms",
    ">p99 ms",
    ">errors (all rounds)",
  ], rows);
}

/**
 * The chart's bars: node / Redis CPU per request.
 *
 * @param workloads The workloads.
 * @param samples The figures.
 * @returns The points.
 */
export function binaryRatioPoints(
  workloads: readonly Workload[],
  samples: BinarySamples,
): RatioPoint[] {
  return workloads.map((w) => ({
    measure: "binary: node CPU per request vs Redis RESP (lower is better)",
    test: testTitle(w.test),
    series: `-P ${w.pipeline} · -d ${w.size}`,
    ratio: cpuRatio(samples.get(binaryKey(w)) ?? { Redis: [], CacheMir: [] }),
  }));
}

/**
 * Runs binary_load as a child process and parses its JSON line.
 *
 * @param o The settings.
 * @param timeoutMs Killed after this long.
 * @returns Its figures.
 * @throws {Error} When it fails.
 */
export async function binaryLoadChild(
  o: BinaryLoadOptions,
  timeoutMs = 300_000,
): Promise<BinaryLoadResult> {
  const out = await runBounded(
    Deno.execPath(),
    ["run", "-A", LOAD, ...loadArgs(o)],
    timeoutMs,
  );
  const line = out.stdout.trim().split("\n").at(-1) ?? "";
  if (out.code !== 0 || !line.startsWith("{")) {
    throw new Error(`binary_load exited ${out.code}: ${out.stderr.trim()}`);
  }
  return JSON.parse(line) as BinaryLoadResult;
}

/** Options of {@link BinaryBench}. */
export interface BinaryOptions {
  /** Rounds (fresh servers each). */
  readonly rounds: number;
  /** Small request counts. */
  readonly quick: boolean;
}

/** Runs the binary benchmark. */
export class BinaryBench {
  readonly #o: BinaryOptions;
  readonly #z: BinarySizes;
  readonly #samples: BinarySamples = new Map();
  readonly #notes: string[] = [];

  /**
   * @param options Rounds, quick.
   * @param sizes Overrides the sizes (tests).
   */
  constructor(options: BinaryOptions, sizes?: BinarySizes) {
    this.#o = options;
    this.#z = sizes ??
      (options.quick ? QUICK_BINARY_SIZES : FULL_BINARY_SIZES);
  }

  /**
   * Runs every round and builds the report.
   *
   * @returns The report and the chart's bars.
   */
  async run(): Promise<SubBenchmarkResult> {
    const workloads = binaryWorkloads(this.#z);
    for (let round = 1; round <= this.#o.rounds; round++) {
      await this.#round(round, workloads);
    }
    return {
      markdown: this.#report(workloads),
      ratios: binaryRatioPoints(workloads, this.#samples),
    };
  }

  async #round(round: number, workloads: readonly Workload[]): Promise<void> {
    const phase = `binary · round ${round}/${this.#o.rounds}`;
    progress(phase, "starting servers");
    const servers = await Promise.all([startRedis(), startNode()]);
    await runInterleaved({
      phase,
      round,
      servers,
      workloads,
      label: binaryKey,
      measure: (s, w) => this.#measure(s, w, round),
    });
  }

  async #measure(s: Server, w: Workload, round: number): Promise<void> {
    const side = s.name as Side;
    try {
      const cpu0 = procCpuSeconds(s.pid);
      let f: Omit<BinaryFigures, "cpuUs">;
      if (side === "Redis") {
        const row = await redisBenchmark(
          s.port,
          benchmarkArgs(w, {
            ...FULL_RESP_SIZES,
            keyspace: this.#z.keyspace,
            clients: this.#z.clients,
          }),
          300_000,
        );
        f = { rps: row.rps, p50Ms: row.p50Ms, p99Ms: row.p99Ms, errors: 0 };
      } else {
        if (s.binaryPort === undefined) throw new Error("no binary port");
        const r = await binaryLoadChild(
          loadOptions(w, this.#z, [s.binaryPort]),
        );
        f = { rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors };
        if (r.errors > 0) {
          this.#notes.push(
            `Round ${round}, ${binaryKey(w)}: ${r.errors} errors`,
          );
        }
      }
      const cpu = procCpuSeconds(s.pid) - cpu0;
      addBinarySample(this.#samples, w, side, {
        ...f,
        cpuUs: cpu * 1e6 / w.requests,
      });
    } catch (e) {
      const message = `Round ${round}, ${binaryKey(w)}, ${side}: ${
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
      "## Binary protocol against Redis's RESP",
      "",
      `The node on its binary port under \`deno run -A scripts/bench/binary_load.ts --port <port> -t <test> -r ${
        count(z.keyspace)
      } -d <size> -P <depth> -c ${z.clients} -n <n>\` (a separate process: pipelined batches encoded by the protocol package's FrameWriter, replies decoded and checked) against redis-server under \`redis-benchmark -t <test> -r ${
        count(z.keyspace)
      } -d <size> -P <depth> -c ${z.clients} -n <n>\`, ${
        ns.join(", ")
      }. Fresh servers each round; the server that goes first alternates between rounds. CPU µs/req is the server's user + system CPU time from /proc/<pid>/stat over the run divided by the requests (10 ms ticks); ratio = node / Redis of the medians, target ≤ ${
        BINARY_CPU_TARGET.toFixed(1)
      }×. ops/s and latency are each load generator's own (binary_load, a Deno process, is not redis-benchmark: compare CPU per request, not ops/s).`,
      "",
      binaryTable(workloads, this.#samples),
      "",
      "### Latency and errors",
      "",
      binaryDetailTable(workloads, this.#samples),
      "",
      ...(this.#notes.length > 0
        ? ["### Notes", "", ...this.#notes.map((n) => `- ${n}`), ""]
        : []),
    ].join("\n");
  }
}
