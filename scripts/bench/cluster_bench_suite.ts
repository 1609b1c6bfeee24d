/**
 * `deno task bench cluster`: node CPU per request with 1 and with 2 nodes
 * behind one load generator (issue 9). A 2-core machine cannot show
 * scaling by throughput while the load generator shares it, so the figure
 * is the nodes' CPU time per request, in all and per node: if it stays
 * flat from 1 to 2 nodes, the work splits without overhead and each added
 * core (one node per core) adds a node's throughput.
 *
 * Load: `binary_load.ts` (a child process), `-c 50` connections spread
 * round-robin over the nodes' binary ports, SET then GET of `-d 32` values
 * over `-r 100000` keys at `-P 1` and `-P 16`. Each round starts fresh
 * nodes for each count; which count goes first alternates between rounds.
 *
 * @module
 */

import { type Server, startNode } from "./procs.ts";
import { procCpuSeconds } from "./sys.ts";
import { note, progress } from "./progress.ts";
import { cell, count, markdownTable, summarize } from "./stats.ts";
import { binaryLoadChild, binaryWorkloads } from "./binary_bench_suite.ts";
import { BINARY_TESTS } from "./binary_load.ts";
import { testTitle, type Workload } from "./resp_bench_suite.ts";
import type { SubBenchmarkResult } from "./result.ts";

/** Sizes of one run of the cluster benchmark. */
export interface ClusterSizes {
  /** Node counts compared. */
  readonly nodeCounts: readonly number[];
  /** Tests (SET first). */
  readonly tests: readonly string[];
  /** Value size (`-d`). */
  readonly size: number;
  /** Pipeline depths. */
  readonly pipelines: readonly number[];
  /** Requests per run by depth. */
  readonly requests: Readonly<Record<number, number>>;
  /** Key space. */
  readonly keyspace: number;
  /** Connections, spread over the nodes. */
  readonly clients: number;
}

/** Full sizes. */
export const FULL_CLUSTER_SIZES: ClusterSizes = {
  nodeCounts: [1, 2],
  tests: BINARY_TESTS,
  size: 32,
  pipelines: [1, 16],
  requests: { 1: 200_000, 16: 1_000_000 },
  keyspace: 100_000,
  clients: 50,
};

/** `--quick`: a tenth of the requests. */
export const QUICK_CLUSTER_SIZES: ClusterSizes = {
  ...FULL_CLUSTER_SIZES,
  requests: { 1: 20_000, 16: 100_000 },
};

/**
 * The workloads of one node count, in run order.
 *
 * @param z The sizes.
 * @returns The workloads.
 */
export function clusterWorkloads(z: ClusterSizes): Workload[] {
  return binaryWorkloads({ ...z, sizes: [z.size] });
}

/** One run's figures. */
export interface ClusterFigures {
  /** Requests per second. */
  readonly rps: number;
  /** 99th percentile latency, ms. */
  readonly p99Ms: number;
  /** Every node's CPU µs per request of the run (they add up to the total). */
  readonly perNodeUs: readonly number[];
  /** Errors the load generator counted. */
  readonly errors: number;
}

/** `<nodes>/<workload>` → one figure per round. */
export type ClusterSamples = Map<string, ClusterFigures[]>;

/** A sample's key. */
export function clusterKey(nodes: number, w: Workload): string {
  return `${nodes} nodes · ${w.test} -d ${w.size} -P ${w.pipeline}`;
}

/** A run's total node CPU µs per request. */
export function totalUs(f: ClusterFigures): number {
  return f.perNodeUs.reduce((a, b) => a + b, 0);
}

/**
 * The table: per node count and workload, ops/s, total node CPU per
 * request, its split over the nodes, the total against 1 node's, p99.
 *
 * @param z The sizes.
 * @param samples The figures.
 * @returns A Markdown table.
 */
export function clusterTable(z: ClusterSizes, samples: ClusterSamples): string {
  const workloads = clusterWorkloads(z);
  const rows: string[][] = [];
  for (const w of workloads) {
    const base = summarize(
      (samples.get(clusterKey(z.nodeCounts[0], w)) ?? []).map(totalUs),
    )?.median;
    for (const nodes of z.nodeCounts) {
      const runs = samples.get(clusterKey(nodes, w)) ?? [];
      const total = summarize(runs.map(totalUs))?.median;
      const split = Array.from(
        { length: nodes },
        (_, i) => cell(runs.map((r) => r.perNodeUs[i] ?? NaN), 2),
      ).join(" + ");
      rows.push([
        testTitle(w.test),
        String(w.pipeline),
        String(nodes),
        cell(runs.map((r) => r.rps)),
        cell(runs.map(totalUs), 2),
        split,
        base !== undefined && total !== undefined && base > 0
          ? `${(total / base).toFixed(2)}×`
          : "n/m",
        cell(runs.map((r) => r.p99Ms), 3),
        String(runs.reduce((a, r) => a + r.errors, 0)),
      ]);
    }
  }
  return markdownTable([
    "test",
    ">-P",
    ">nodes",
    ">ops/s",
    ">node CPU µs/req (all nodes)",
    ">per node µs/req",
    `>vs ${z.nodeCounts[0]} node`,
    ">p99 ms",
    ">errors",
  ], rows);
}

/** Options of {@link ClusterBench}. */
export interface ClusterOptions {
  /** Rounds. */
  readonly rounds: number;
  /** Small request counts. */
  readonly quick: boolean;
}

/** Runs the cluster benchmark. */
export class ClusterBench {
  readonly #o: ClusterOptions;
  readonly #z: ClusterSizes;
  readonly #samples: ClusterSamples = new Map();
  readonly #notes: string[] = [];

  /**
   * @param options Rounds, quick.
   * @param sizes Overrides the sizes (tests).
   */
  constructor(options: ClusterOptions, sizes?: ClusterSizes) {
    this.#o = options;
    this.#z = sizes ??
      (options.quick ? QUICK_CLUSTER_SIZES : FULL_CLUSTER_SIZES);
  }

  /**
   * Runs every round and builds the report.
   *
   * @returns The report.
   */
  async run(): Promise<SubBenchmarkResult> {
    for (let round = 1; round <= this.#o.rounds; round++) {
      const counts = round % 2 === 1
        ? this.#z.nodeCounts
        : [...this.#z.nodeCounts].reverse();
      for (const nodes of counts) await this.#round(round, nodes);
    }
    return { markdown: this.#report() };
  }

  async #round(round: number, nodes: number): Promise<void> {
    const phase =
      `cluster · round ${round}/${this.#o.rounds} · ${nodes} node(s)`;
    progress(phase, "starting nodes");
    const started = await Promise.allSettled(
      Array.from({ length: nodes }, () => startNode()),
    );
    const servers = started.flatMap((s) =>
      s.status === "fulfilled" ? [s.value] : []
    );
    try {
      const failed = started.find((s) => s.status === "rejected");
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
      const workloads = clusterWorkloads(this.#z);
      for (const [i, w] of workloads.entries()) {
        progress(
          `${phase} · ${
            i + 1
          }/${workloads.length} · ${w.test} -P ${w.pipeline}`,
        );
        await this.#measure(servers, w, round);
      }
    } catch (e) {
      this.#fail(`Round ${round}, ${nodes} node(s): ${(e as Error).message}`);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }

  #fail(message: string): void {
    const line = message.split("\n")[0];
    this.#notes.push(line);
    note(line);
  }

  async #measure(
    servers: readonly Server[],
    w: Workload,
    round: number,
  ): Promise<void> {
    try {
      const cpu0 = servers.map((s) => procCpuSeconds(s.pid));
      const r = await binaryLoadChild({
        ports: servers.map((s) => s.binaryPort!),
        test: w.test,
        size: w.size,
        pipeline: w.pipeline,
        clients: this.#z.clients,
        requests: w.requests,
        keyspace: this.#z.keyspace,
      });
      const perNodeUs = servers.map((s, i) =>
        (procCpuSeconds(s.pid) - cpu0[i]) * 1e6 / w.requests
      );
      if (r.errors > 0) {
        this.#notes.push(
          `Round ${round}, ${
            clusterKey(servers.length, w)
          }: ${r.errors} errors`,
        );
      }
      const samples = this.#samples;
      const k = clusterKey(servers.length, w);
      samples.set(k, [
        ...(samples.get(k) ?? []),
        { rps: r.rps, p99Ms: r.p99Ms, perNodeUs, errors: r.errors },
      ]);
    } catch (e) {
      this.#fail(
        `Round ${round}, ${clusterKey(servers.length, w)}: ${
          (e as Error).message
        }`,
      );
    }
  }

  #report(): string {
    const z = this.#z;
    const ns = z.pipelines.map((p) => `-n ${count(z.requests[p])} at -P ${p}`);
    return [
      "## Nodes behind one load generator",
      "",
      `${
        z.nodeCounts.join(" and ")
      } node(s) (\`startNode\`, as \`deno task cluster --nodes N\` starts them) under one \`deno run -A scripts/bench/binary_load.ts --port <port1>,<port2> -t <test> -r ${
        count(z.keyspace)
      } -d ${z.size} -P <depth> -c ${z.clients} -n <n>\`, ${
        ns.join(", ")
      }: the ${z.clients} connections are spread round-robin over the nodes' binary ports. Fresh nodes for each count each round; the count that goes first alternates between rounds. CPU µs/req is the nodes' user + system CPU time from /proc/<pid>/stat over the run divided by all the requests (10 ms ticks): the total, then each node's share. On a 2-core machine shared with the load generator, ops/s cannot show scaling; a total CPU per request that stays flat from 1 to 2 nodes says that each node added on its own core adds its throughput.`,
      "",
      clusterTable(z, this.#samples),
      "",
      ...(this.#notes.length > 0
        ? ["### Notes", "", ...this.#notes.map((n) => `- ${n}`), ""]
        : []),
    ].join("\n");
  }
}
