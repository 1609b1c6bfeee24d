/**
 * Runs `redis-benchmark --csv` and parses its result row (Redis 7 prints
 * rps, avg, min, p50, p95, p99 and max latency).
 *
 * @module
 */

import { runBounded } from "./procs.ts";

/** One test's figures from `redis-benchmark --csv`. */
export interface BenchmarkRow {
  /** The test's name, e.g. `"GET"`. */
  readonly test: string;
  /** Requests per second. */
  readonly rps: number;
  /** Mean latency, ms. */
  readonly avgMs: number;
  /** Median latency, ms. */
  readonly p50Ms: number;
  /** 99th percentile latency, ms. */
  readonly p99Ms: number;
  /** Largest latency, ms. */
  readonly maxMs: number;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)) {
    out.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]);
  }
  return out;
}

/**
 * Parses `redis-benchmark --csv` output (header line, then one row per
 * test).
 *
 * @param text The output.
 * @returns The rows.
 * @throws {Error} When there is no header with rps and p99 columns.
 */
export function parseBenchmarkCsv(text: string): BenchmarkRow[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) =>
    l.startsWith('"')
  );
  const headerAt = lines.findIndex((l) => l.startsWith('"test"'));
  if (headerAt < 0) throw new Error(`no CSV header in:\n${text}`);
  const header = splitCsvLine(lines[headerAt]);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`no ${name} column in: ${lines[headerAt]}`);
    return i;
  };
  const [rps, avg, p50, p99, max] = [
    "rps",
    "avg_latency_ms",
    "p50_latency_ms",
    "p99_latency_ms",
    "max_latency_ms",
  ].map(col);
  return lines.slice(headerAt + 1).map((l) => {
    const f = splitCsvLine(l);
    return {
      test: f[0],
      rps: Number(f[rps]),
      avgMs: Number(f[avg]),
      p50Ms: Number(f[p50]),
      p99Ms: Number(f[p99]),
      maxMs: Number(f[max]),
    };
  });
}

/**
 * Runs redis-benchmark against a server on 127.0.0.1 and returns its
 * first row.
 *
 * @param port The server's RESP port.
 * @param args Flags (`-t get -P 1 -r ... -d 32 -c 50 -n ...`); `--csv` and
 *   the address are added.
 * @param timeoutMs Killed after this long.
 * @returns The row.
 * @throws {Error} When it fails or prints no row.
 */
export async function redisBenchmark(
  port: number,
  args: readonly string[],
  timeoutMs = 600_000,
): Promise<BenchmarkRow> {
  const out = await runBounded("redis-benchmark", [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    ...args,
    "--csv",
  ], timeoutMs);
  if (out.code !== 0) {
    throw new Error(
      `redis-benchmark exited ${out.code}: ${out.stdout} ${out.stderr}`,
    );
  }
  const rows = parseBenchmarkCsv(out.stdout);
  if (rows.length === 0) {
    throw new Error(`redis-benchmark: no row:\n${out.stdout}`);
  }
  return rows[0];
}
