/**
 * The benchmark suite's entry: `deno task bench <name...> [flags]`.
 *
 * ```sh
 * deno task bench memory                 # issue 8's memory benchmark, 3 rounds
 * deno task bench memory --quick         # small sizes, a smoke run (< 2 min)
 * deno task bench memory --rounds 5 --only 1,4
 * deno task bench resp                   # issue 9's redis-benchmark workloads
 * deno task bench resp memory --quick    # both, small sizes
 * deno task bench binary                 # node CPU per request on its binary port
 * deno task bench client                 # CacheMirClient against ioredis
 * deno task bench cluster                # 1 and 2 nodes behind one load
 * deno task bench nearcache              # the client's near cache, with and without
 * ```
 *
 * Flags: `--quick` (small sizes, 1 round unless `--rounds` is given),
 * `--rounds N` (default 3), `--only 1,2` (parts of a sub-benchmark),
 * `--out <dir>` (default `bench/`). Each sub-benchmark writes
 * `<out>/results-<name>.md`; the run also writes `<out>/results.md` (every
 * sub-benchmark of this invocation, the machine, every command line) and,
 * when a sub-benchmark gives CacheMir / Redis ratios, `<out>/results.svg` (a
 * vega-lite chart of them; removed when none does). Every child process (redis-server,
 * nodes, redis-cli, redis-benchmark) is killed on exit, on error and on
 * Ctrl-C. The micro-benchmarks (`*_bench.ts`) run with
 * `deno task bench:micro`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { MemoryBench } from "./memory.ts";
import { RespBench } from "./resp_bench_suite.ts";
import { ClientBench } from "./client_bench_suite.ts";
import { BinaryBench } from "./binary_bench_suite.ts";
import { ClusterBench } from "./cluster_bench_suite.ts";
import { NearCacheBench } from "./nearcache.ts";
import { type RatioPoint, renderRatioChart } from "./ratio_chart.ts";
import type { SubBenchmarkResult } from "./result.ts";
import { killAll, killChildrenOnSignals, recordedCommands } from "./procs.ts";
import { type MachineInfo, machineInfo } from "./sys.ts";
import { clearProgress } from "./progress.ts";
import { bytes, markdownTable } from "./stats.ts";

/** Options every sub-benchmark receives. */
export interface SuiteOptions {
  /** Small sizes for a smoke run. */
  readonly quick: boolean;
  /** Rounds of fresh servers; medians are reported. */
  readonly rounds: number;
  /** Parts to run (numbers); empty = all. */
  readonly only: ReadonlySet<number>;
}

export type { SubBenchmarkResult };

/** A sub-benchmark: runs and returns its report. */
export type SubBenchmark = (
  options: SuiteOptions,
) => Promise<SubBenchmarkResult>;

/** The sub-benchmarks by name. */
export const SUB_BENCHMARKS: Readonly<Record<string, SubBenchmark>> = {
  resp: (o) => new RespBench({ rounds: o.rounds, quick: o.quick }).run(),
  binary: (o) => new BinaryBench({ rounds: o.rounds, quick: o.quick }).run(),
  cluster: (o) => new ClusterBench({ rounds: o.rounds, quick: o.quick }).run(),
  client: (o) => new ClientBench({ rounds: o.rounds, quick: o.quick }).run(),
  nearcache: (o) =>
    new NearCacheBench({ rounds: o.rounds, quick: o.quick }).run(),
  memory: async (o) => ({
    markdown: await new MemoryBench({
      rounds: o.rounds,
      quick: o.quick,
      // Part 3 (50M keys) is too big for a smoke run.
      parts: o.only.size > 0
        ? o.only
        : new Set(o.quick ? [1, 2, 4, 5] : [1, 2, 3, 4, 5]),
    }).run(),
  }),
};

const USAGE = `Usage: deno task bench <${
  Object.keys(SUB_BENCHMARKS).join("|")
}>... [--quick] [--rounds N] [--only 1,2] [--out dir]`;

/**
 * Parses the command line.
 *
 * @param args `Deno.args`.
 * @returns The sub-benchmarks to run, their options and the output folder.
 * @throws {Error} On unknown names or bad numbers.
 */
export function parseSuiteArgs(
  args: readonly string[],
): { names: string[]; options: SuiteOptions; out: string } {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      only: { type: "string", default: "" },
      out: { type: "string", default: "bench" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const names = positionals.length > 0 ? positionals : ["memory"];
  for (const n of names) {
    if (!(n in SUB_BENCHMARKS)) {
      throw new Error(`unknown benchmark ${n}\n${USAGE}`);
    }
  }
  const rounds = values.rounds === undefined
    ? (values.quick ? 1 : 3)
    : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`--rounds: a positive integer, not ${values.rounds}`);
  }
  const only = new Set(
    values.only.split(",").filter((s) => s !== "").map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1) {
        throw new Error(`--only: bad part ${s}`);
      }
      return n;
    }),
  );
  return {
    names,
    options: { quick: values.quick, rounds, only },
    out: values.out,
  };
}

/** The commit measured, e.g. `5e24184` or `5e24184 + uncommitted changes`. */
async function gitRevision(): Promise<string> {
  const git = async (...args: string[]): Promise<string> => {
    const out = await new Deno.Command("git", {
      args,
      cwd: new URL("../../", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(10_000),
    }).output();
    if (out.code !== 0) throw new Error(`git ${args[0]} failed`);
    return new TextDecoder().decode(out.stdout).trim();
  };
  try {
    const head = await git("rev-parse", "--short", "HEAD");
    const dirty = await git(
      "status",
      "--porcelain",
      "--untracked-files=no",
      "--",
      "server",
      "protocol",
    );
    return dirty === "" ? head : `${head} + uncommitted changes`;
  } catch {
    return "(revision unknown)";
  }
}

/**
 * The machine as a Markdown table.
 *
 * @param machine What {@link machineInfo} found.
 * @returns The table.
 */
export function machineTable(machine: MachineInfo): string {
  return markdownTable(["machine", ""], [
    ["cores", String(machine.cores)],
    ["CPU", machine.cpuModel],
    ["memory", bytes(machine.memTotal)],
    ["Linux", machine.kernel],
    ["Deno", machine.deno],
    ["Redis", machine.redis],
  ]);
}

/**
 * Moves every Markdown heading one level down (`## a` → `### a`), outside
 * fenced code blocks, so that a sub-benchmark's report nests in
 * `results.md`.
 *
 * @param markdown The report.
 * @returns The report with deeper headings.
 */
export function demoteHeadings(markdown: string): string {
  let fenced = false;
  return markdown.split("\n").map((line) => {
    if (line.startsWith("```")) fenced = !fenced;
    return !fenced && /^#{1,5} /.test(line) ? `#${line}` : line;
  }).join("\n");
}

/**
 * Writes a file (Markdown, SVG) as `deno fmt` wants it (the repository
 * checks fmt).
 *
 * @param file The path.
 * @param text The content.
 */
export async function writeFormatted(
  file: string,
  text: string,
): Promise<void> {
  await Deno.writeTextFile(file, text);
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "-q", file],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => {});
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseSuiteArgs(Deno.args);
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(2);
  }
  killChildrenOnSignals();
  const started = new Date();
  const t0 = performance.now();
  const machine = await machineInfo();
  const revision = await gitRevision();
  const rounds = `${parsed.options.rounds} round(s)${
    parsed.options.quick ? " · --quick (small sizes)" : ""
  }; figures are medians of the rounds, min–max in parentheses.`;
  // The heading line and machine table every results file starts with.
  const header = (command: string, ms: number): string[] => [
    `\`${command}\` · started ${started.toISOString()} · ${
      (ms / 60_000).toFixed(1)
    } min · CacheMir ${revision} · ${rounds}`,
    "",
    machineTable(machine),
    "",
  ];
  const sections: string[] = [];
  const ratios: RatioPoint[] = [];
  await Deno.mkdir(parsed.out, { recursive: true });
  for (const name of parsed.names) {
    const t1 = performance.now();
    const result = await SUB_BENCHMARKS[name](parsed.options);
    const minutes = (performance.now() - t1) / 60_000;
    const argv = [
      "deno",
      "task",
      "bench",
      ...Deno.args.filter((a) => a !== name),
      name,
    ];
    const report = [
      `# CacheMir ${name} benchmark`,
      "",
      ...header(argv.join(" "), minutes * 60_000),
      result.markdown,
      "## Command lines",
      "",
      "```sh",
      ...recordedCommands(),
      "```",
      "",
    ].join("\n");
    const file = `${parsed.out}/results-${name}.md`;
    await writeFormatted(file, report);
    clearProgress();
    console.log(await Deno.readTextFile(file));
    console.error(`written: ${file}`);
    sections.push(
      `## ${name} (${minutes.toFixed(1)} min)`,
      "",
      demoteHeadings(result.markdown),
    );
    ratios.push(...(result.ratios ?? []));
  }
  const svg = `${parsed.out}/results.svg`;
  if (ratios.length > 0) {
    await writeFormatted(svg, await renderRatioChart(ratios));
    console.error(`written: ${svg}`);
  } else {
    // results.md describes this run only: a chart of an earlier one goes.
    await Deno.remove(svg).catch(() => {});
  }
  const all = `${parsed.out}/results.md`;
  await writeFormatted(
    all,
    [
      "# CacheMir benchmarks",
      "",
      ...header(
        `deno task bench ${Deno.args.join(" ")}`,
        performance.now() - t0,
      ),
      ...(ratios.length > 0
        ? ["![CacheMir / Redis ratios](results.svg)", ""]
        : []),
      ...sections,
      "## Command lines",
      "",
      "```sh",
      ...recordedCommands(),
      "```",
      "",
    ].join("\n"),
  );
  console.error(`written: ${all}`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    clearProgress();
    console.error(e);
    killAll();
    Deno.exit(1);
  } finally {
    killAll();
  }
}
