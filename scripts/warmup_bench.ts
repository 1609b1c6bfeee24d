/**
 * `deno task warmup`: what a 5th node's arrival does to the hit ratio, with
 * and without `addNode(address, { warmUpMs })`. Four real nodes hold
 * `--keys` keys (all written first); callers run a read-heavy load (`--reads`
 * GETs, the rest SETs, of random keys); after `--before-ms` a 5th node is
 * added; the hit ratio of the GETs is printed per `--bucket-ms` for
 * `--seconds` after the add, for both runs side by side (a Markdown table).
 *
 * ```sh
 * deno task warmup --keys 20000 --seconds 4
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { integerFlag } from "./_flags.ts";
import { CacheMirClient } from "../client/mod.ts";
import {
  killChildrenOnSignals,
  type Server,
  startNode,
} from "./bench/procs.ts";
import { clearProgress, progress } from "./progress.ts";

/** Settings of one run. */
export interface WarmUpBenchOptions {
  /** Keys written before the load. */
  readonly keys: number;
  /** Share of the operations that are GETs (0..1). */
  readonly reads: number;
  /** Callers running at once. */
  readonly concurrency: number;
  /** Load before the 5th node is added, in ms. */
  readonly beforeMs: number;
  /** Load after it is added, in seconds. */
  readonly seconds: number;
  /** Width of a hit-ratio bucket, in ms. */
  readonly bucketMs: number;
  /** The warm-up of the 5th node, in ms (0: none). */
  readonly warmUpMs: number;
}

/** Hits and misses of the GETs in one bucket. */
export interface Bucket {
  /** The bucket's start, in ms after the add (negative: before it). */
  readonly atMs: number;
  /** GETs that found their key. */
  hits: number;
  /** GETs that did not. */
  misses: number;
}

/**
 * One run: 5 fresh nodes, 4 in the client, the load, the add.
 *
 * @param o The run's settings.
 * @returns The buckets, from `-beforeMs` to `seconds` after the add.
 */
export async function warmUpRun(o: WarmUpBenchOptions): Promise<Bucket[]> {
  const phase = `warm-up bench · warmUpMs ${o.warmUpMs}`;
  progress(phase, "starting 5 nodes");
  const started = await Promise.allSettled(
    Array.from({ length: 5 }, () => startNode()),
  );
  const servers: Server[] = started.flatMap((s) =>
    s.status === "fulfilled" ? [s.value] : []
  );
  const client = new CacheMirClient({
    nodes: servers.slice(0, 4).map((s) => `127.0.0.1:${s.binaryPort}`),
  });
  try {
    const failed = started.find((s) => s.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    for (let i = 0; i < o.keys; i += 1000) {
      progress(phase, `writing keys ${i}/${o.keys}`);
      const batch: Record<string, string> = {};
      for (let k = i; k < Math.min(o.keys, i + 1000); k++) {
        batch[`key:${k}`] = `value:${k}`;
      }
      await client.mset(batch);
    }
    const buckets: Bucket[] = [];
    let addedAt = performance.now() + o.beforeMs;
    const endAt = addedAt + o.seconds * 1000;
    const bucketOf = (now: number): Bucket => {
      const atMs = Math.floor((now - addedAt) / o.bucketMs) * o.bucketMs;
      let b = buckets.at(-1);
      if (b === undefined || b.atMs !== atMs) {
        b = buckets.find((x) => x.atMs === atMs);
        if (b === undefined) {
          b = { atMs, hits: 0, misses: 0 };
          buckets.push(b);
        }
      }
      return b;
    };
    let errors = 0;
    const callers = Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < endAt) {
        const key = `key:${Math.floor(Math.random() * o.keys)}`;
        try {
          if (Math.random() < o.reads) {
            const value = await client.get(key);
            const b = bucketOf(performance.now());
            if (value === null) b.misses++;
            else b.hits++;
          } else {
            await client.set(key, `value:${key}`);
          }
        } catch {
          errors++;
        }
      }
    });
    await new Promise((r) => setTimeout(r, o.beforeMs));
    addedAt = performance.now();
    buckets.length = 0; // the buckets before, measured from the real add
    client.addNode(`127.0.0.1:${servers[4].binaryPort}`, {
      warmUpMs: o.warmUpMs,
    });
    const ticker = setInterval(() => {
      progress(
        phase,
        `${((performance.now() - addedAt) / 1000).toFixed(1)} s after the add`,
      );
    }, 500);
    await Promise.all(callers);
    clearInterval(ticker);
    if (errors > 0) console.error(`${phase}: ${errors} operations failed`);
    return buckets.filter((b) => b.atMs >= 0).sort((a, b) => a.atMs - b.atMs);
  } finally {
    await client.close();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/**
 * The Markdown table of two runs' hit ratios, bucket by bucket.
 *
 * @param without The run without warm-up.
 * @param withWarmUp The run with it.
 * @param bucketMs The buckets' width.
 * @returns The table.
 */
export function warmUpTable(
  without: readonly Bucket[],
  withWarmUp: readonly Bucket[],
  bucketMs: number,
): string {
  const ratio = (b: Bucket | undefined): string =>
    b === undefined || b.hits + b.misses === 0
      ? "—"
      : `${(100 * b.hits / (b.hits + b.misses)).toFixed(1)}%`;
  const rows = [
    "| after the add | hit ratio, no warm-up | hit ratio, warm-up |",
    "| ------------- | --------------------: | -----------------: |",
  ];
  const n = Math.max(without.length, withWarmUp.length);
  for (let i = 0; i < n; i++) {
    const at = i * bucketMs;
    rows.push(
      `| ${at}–${at + bucketMs} ms | ${
        ratio(without.find((b) => b.atMs === at))
      } | ${ratio(withWarmUp.find((b) => b.atMs === at))} |`,
    );
  }
  return rows.join("\n");
}

if (import.meta.main) {
  killChildrenOnSignals();
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      keys: { type: "string", default: "20000" },
      reads: { type: "string", default: "0.9" },
      concurrency: { type: "string", default: "32" },
      "before-ms": { type: "string", default: "1000" },
      seconds: { type: "string", default: "4" },
      "bucket-ms": { type: "string", default: "250" },
      "warm-up-ms": { type: "string", default: "10000" },
    },
  });
  const fail = (message: string): never => {
    console.error(message);
    Deno.exit(2);
  };
  const int = (name: keyof typeof values, min: number, max: number) =>
    integerFlag(name, values[name], min, max, fail);
  const reads = Number(values.reads);
  if (!(reads >= 0 && reads <= 1)) {
    fail(`Invalid --reads ${JSON.stringify(values.reads)}: expected 0 to 1`);
  }
  const base = {
    keys: int("keys", 1, 10_000_000),
    reads,
    concurrency: int("concurrency", 1, 10_000),
    beforeMs: int("before-ms", 0, 3_600_000),
    seconds: int("seconds", 1, 3_600),
    bucketMs: int("bucket-ms", 1, 3_600_000),
  };
  const without = await warmUpRun({ ...base, warmUpMs: 0 });
  const withWarmUp = await warmUpRun({
    ...base,
    warmUpMs: int("warm-up-ms", 0, 3_600_000),
  });
  clearProgress();
  console.log(
    `4 nodes, ${base.keys} keys written first, ${
      Math.round(base.reads * 100)
    }% GET / ${
      Math.round((1 - base.reads) * 100)
    }% SET of random keys, ${base.concurrency} callers; a 5th node added (warm-up ${
      values["warm-up-ms"]
    } ms):\n`,
  );
  console.log(warmUpTable(without, withWarmUp, base.bucketMs));
  const getsPerSecond = (buckets: readonly Bucket[]): number =>
    Math.round(
      buckets.reduce((n, b) => n + b.hits + b.misses, 0) / base.seconds,
    );
  console.log(
    `\nGETs/s after the add: ${getsPerSecond(without)} without warm-up, ${
      getsPerSecond(withWarmUp)
    } with it (a miss on the new node costs a GET and PTTL on the old owner and a SET on the new one).`,
  );
}
