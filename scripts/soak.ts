/**
 * A soak of one node under a mixed workload (issue 12): `--minutes N` of all
 * five types — strings with TTLs from 1 s to 1 h, hashes, lists, sets,
 * counters; reads, overwrites, deletes; values of 16 B to 16 KiB — through
 * `CacheMirClient`, against a node with `--maxmemory` set, so that it
 * expires and evicts all along. Every 5 s it samples the node's RSS (from
 * /proc) and V8-side `used_memory` (INFO), ops/s, p99 and evicted keys, and
 * writes `soak.csv` and `soak.svg` (vega-lite) into `--out`.
 *
 * The verdict: after a warm-up of the first fifth of the run, RSS stays
 * within 10% of its level at the end of the warm-up, and p99 does not trend
 * up (the last third's median p99 is at most twice the first third's after
 * the warm-up). Exit 0 when both hold, 1 otherwise.
 *
 * ```sh
 * deno run -A scripts/soak.ts --minutes 10            # writes bench/soak.csv, bench/soak.svg
 * deno run -A scripts/soak.ts --minutes 1 --out /tmp  # what CI runs
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { integerFlag } from "./_flags.ts";
import * as vl from "vega-lite";
import * as vega from "vega";
import { CacheMirClient } from "../client/mod.ts";
import { startNode } from "./bench/procs.ts";
import { clearProgress, progress } from "./progress.ts";
import { procRss } from "./bench/sys.ts";
import { latencyHistogram } from "./bench/client_bench_suite.ts";
import { writeFormatted } from "./bench/main.ts";

/** One sample of the run. */
export interface SoakSample {
  /** Seconds since the start. */
  readonly second: number;
  /** The node's resident memory, MiB. */
  readonly rssMiB: number;
  /** INFO's used_memory, MiB. */
  readonly usedMiB: number;
  /** Operations per second over the last interval. */
  readonly opsPerSecond: number;
  /** p99 latency over the last interval, ms. */
  readonly p99Ms: number;
  /** Keys evicted so far. */
  readonly evicted: number;
  /** Calls that failed so far. */
  readonly errors: number;
}

/** What {@linkcode verdict} found. */
export interface SoakVerdict {
  /** RSS reached by the end of the warm-up (its highest sample), MiB. */
  readonly baseRssMiB: number;
  /** The largest RSS after it, MiB. */
  readonly maxRssMiB: number;
  /** RSS stayed within 10% of the base. */
  readonly rssBounded: boolean;
  /** Median p99 of the first and last thirds after the warm-up, ms. */
  readonly p99FirstMs: number;
  /** Median p99 of the last third, ms. */
  readonly p99LastMs: number;
  /** The last third's p99 is at most twice the first's. */
  readonly p99Flat: boolean;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

/**
 * Judges a run: RSS bound after the warm-up (the first fifth), and no p99
 * trend.
 *
 * @param samples The samples, in order.
 * @returns The verdict.
 *
 * @example
 * ```ts
 * import { verdict } from "./soak.ts";
 * import assert from "node:assert/strict";
 *
 * const flat = Array.from({ length: 10 }, (_, i) => ({
 *   second: 5 * i, rssMiB: 100, usedMiB: 50, opsPerSecond: 1000, p99Ms: 1, evicted: 0, errors: 0,
 * }));
 * assert.equal(verdict(flat).rssBounded, true);
 * assert.equal(verdict(flat).p99Flat, true);
 * ```
 */
export function verdict(samples: readonly SoakSample[]): SoakVerdict {
  const warm = Math.max(1, Math.ceil(samples.length / 5));
  // The level reached by the end of the warm-up: its highest sample (one
  // sample may fall just after a collection).
  const base = Math.max(...samples.slice(0, warm).map((s) => s.rssMiB));
  const after = samples.slice(warm);
  const maxRss = Math.max(base, ...after.map((s) => s.rssMiB));
  const third = Math.max(1, Math.floor(after.length / 3));
  const first = median(after.slice(0, third).map((s) => s.p99Ms));
  const last = median(after.slice(-third).map((s) => s.p99Ms));
  return {
    baseRssMiB: base,
    maxRssMiB: maxRss,
    rssBounded: maxRss <= base * 1.1,
    p99FirstMs: first,
    p99LastMs: last,
    p99Flat: !(last > 2 * first),
  };
}

/** The chart: RSS and used memory, ops/s, p99 over time. */
async function chart(samples: readonly SoakSample[]): Promise<string> {
  const values = samples.flatMap((s) => [
    { second: s.second, panel: "memory (MiB)", series: "RSS", v: s.rssMiB },
    {
      second: s.second,
      panel: "memory (MiB)",
      series: "used_memory",
      v: s.usedMiB,
    },
    { second: s.second, panel: "ops/s", series: "ops/s", v: s.opsPerSecond },
    { second: s.second, panel: "p99 (ms)", series: "p99", v: s.p99Ms },
  ]);
  const spec: vl.TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "CacheMir soak (scripts/soak.ts)",
    background: "white",
    data: { values },
    facet: { row: { field: "panel", type: "nominal", title: null } },
    spec: {
      width: 600,
      height: 140,
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "second", type: "quantitative", title: "seconds" },
        y: { field: "v", type: "quantitative", title: null },
        color: { field: "series", type: "nominal" },
      },
    },
    resolve: { scale: { y: "independent" } },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), {
    renderer: "none",
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A random integer in [0, n). */
const rand = (n: number): number => Math.floor(Math.random() * n);

/** One operation of the mix, on a random key. */
function operation(client: CacheMirClient, big: string): Promise<unknown> {
  const k = rand(50_000);
  const r = rand(100);
  const value = r % 10 === 0 ? big.slice(0, 1024 + rand(15 * 1024)) : big
    .slice(0, 16 + rand(200));
  if (r < 30) return client.get(`s:${k}`);
  if (r < 50) return client.set(`s:${k}`, value, { ex: 1 + rand(3600) });
  if (r < 55) return client.del(`s:${k}`);
  if (r < 62) return client.hset(`h:${k % 2000}`, `f${rand(200)}`, value);
  if (r < 67) return client.hget(`h:${k % 2000}`, `f${rand(200)}`);
  if (r < 73) return client.lpush(`l:${k % 2000}`, value);
  if (r < 78) return client.rpop(`l:${k % 2000}`);
  if (r < 84) return client.sadd(`t:${k % 2000}`, `m${rand(500)}`);
  if (r < 88) return client.srem(`t:${k % 2000}`, `m${rand(500)}`);
  if (r < 95) return client.incr(`c:${k % 5000}`);
  return client.expire(`h:${k % 2000}`, 1 + rand(60));
}

/**
 * Runs the soak.
 *
 * @param minutes How long.
 * @param out Where soak.csv and soak.svg go.
 * @param maxmemory The node's `--maxmemory`.
 * @returns The samples and the verdict.
 */
export async function soak(
  minutes: number,
  out: string,
  maxmemory = "48mb",
): Promise<{ samples: SoakSample[]; verdict: SoakVerdict }> {
  const node = await startNode(["--maxmemory", maxmemory]);
  const client = new CacheMirClient({
    nodes: [`127.0.0.1:${node.binaryPort}`],
  });
  const samples: SoakSample[] = [];
  try {
    const big = "v".repeat(16 * 1024);
    const started = performance.now();
    const endAt = started + minutes * 60_000;
    let hist = latencyHistogram();
    let ops = 0;
    let errors = 0;
    const callers = Array.from({ length: 20 }, async () => {
      while (performance.now() < endAt) {
        const t = performance.now();
        try {
          await operation(client, big);
        } catch {
          errors++;
        }
        hist.recordValue(
          Math.max(1, Math.round((performance.now() - t) * 1000)),
        );
        ops++;
      }
    });
    let last = started;
    while (performance.now() < endAt) {
      await new Promise((r) =>
        setTimeout(r, Math.min(5000, endAt - performance.now()))
      );
      const now = performance.now();
      const info = String(
        await node.conn.call("INFO", "everything"),
      );
      const field = (f: string): number =>
        Number(new RegExp(`^${f}:(\\d+)`, "m").exec(info)?.[1] ?? NaN);
      const sample: SoakSample = {
        second: Math.round((now - started) / 1000),
        rssMiB: procRss(node.pid) / 2 ** 20,
        usedMiB: field("used_memory") / 2 ** 20,
        opsPerSecond: Math.round(ops / ((now - last) / 1000)),
        p99Ms: hist.getValueAtPercentile(99) / 1000,
        evicted: field("evicted_keys"),
        errors,
      };
      samples.push(sample);
      clearProgress();
      console.log(
        `${sample.second}s rss ${sample.rssMiB.toFixed(1)} MiB, used ${
          sample.usedMiB.toFixed(1)
        } MiB, ${sample.opsPerSecond} ops/s, p99 ${
          sample.p99Ms.toFixed(2)
        } ms, evicted ${sample.evicted}, errors ${errors}`,
      );
      hist = latencyHistogram();
      progress(
        `soak · ${minutes} min`,
        `${
          Math.min(100, Math.round((now - started) * 100 / (endAt - started)))
        }% · ${sample.opsPerSecond} ops/s`,
      );
      ops = 0;
      last = now;
    }
    await Promise.all(callers);
  } finally {
    clearProgress();
    await client.close();
    await node.stop();
  }
  const csv = "second,rss_mib,used_mib,ops_per_second,p99_ms,evicted,errors\n" +
    samples.map((s) =>
      [
        s.second,
        s.rssMiB.toFixed(2),
        s.usedMiB.toFixed(2),
        s.opsPerSecond,
        s.p99Ms,
        s.evicted,
        s.errors,
      ]
        .join(",")
    ).join("\n") + "\n";
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(`${out}/soak.csv`, csv);
  await writeFormatted(`${out}/soak.svg`, await chart(samples));
  return { samples, verdict: verdict(samples) };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      minutes: { type: "string", default: "10" },
      out: { type: "string", default: "bench" },
      maxmemory: { type: "string", default: "48mb" },
    },
  });
  const fail = (message: string): never => {
    console.error(message);
    Deno.exit(2);
  };
  const { verdict: v } = await soak(
    integerFlag("minutes", values.minutes, 1, 10_080, fail),
    values.out,
    values.maxmemory,
  );
  console.log(
    `RSS after the warm-up ${v.baseRssMiB.toFixed(1)} MiB, at most ${
      v.maxRssMiB.toFixed(1)
    } MiB (${v.rssBounded ? "within" : "OVER"} 10%); p99 ${
      v.p99FirstMs.toFixed(2)
    } -> ${v.p99LastMs.toFixed(2)} ms (${v.p99Flat ? "flat" : "TRENDING UP"})`,
  );
  Deno.exit(v.rssBounded && v.p99Flat ? 0 : 1);
}
