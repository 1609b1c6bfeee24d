/**
 * A cache-aside client for the eviction benchmark: pipelined batches of GET
 * over a few connections; every miss is followed by a SET of the key (32-byte
 * value), as an application filling its cache would.
 *
 * @module
 */

import { RespConn } from "./resp.ts";
import { KEY, template, VALUE, writeRequest } from "./load.ts";

const GET = template(["GET", KEY]);
const SET = template(["SET", KEY, VALUE]);

/** What a run of the cache-aside client saw. */
export interface CacheAsideResult {
  /** GETs sent. */
  gets: number;
  /** GETs that found the key. */
  hits: number;
  /** SETs sent (one per miss). */
  sets: number;
  /** SETs refused (e.g. `-OOM` under noeviction). */
  setErrors: number;
  /** The first refusal's text. */
  firstError?: string;
  /** Wall time, seconds. */
  seconds: number;
}

/** Options of {@link cacheAside}. */
export interface CacheAsideOptions {
  /** GETs per pipelined batch (default 500). */
  readonly batch?: number;
  /** Connections working at once (default 2). */
  readonly connections?: number;
  /** Called with the fraction done now and then. */
  readonly onProgress?: (fraction: number) => void;
  /** Bound for the whole run (default 10 min). */
  readonly timeoutMs?: number;
}

/**
 * Runs `ops` GETs of the key numbers `next()` gives against a RESP server,
 * SETting every key that missed.
 *
 * @param port The server's RESP port on 127.0.0.1.
 * @param next The workload: the next key number.
 * @param ops How many GETs.
 * @param options Batch size, connections, progress.
 * @returns Hits and misses.
 */
export async function cacheAside(
  port: number,
  next: () => number,
  ops: number,
  options: CacheAsideOptions = {},
): Promise<CacheAsideResult> {
  const batch = options.batch ?? 500;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  const result: CacheAsideResult = {
    gets: 0,
    hits: 0,
    sets: 0,
    setErrors: 0,
    seconds: 0,
  };
  const started = performance.now();
  let issued = 0;
  let lastReport = 0;
  const worker = async (): Promise<void> => {
    const conn = await RespConn.connect(port);
    const ids = new Float64Array(batch);
    const getBuf = new Uint8Array(batch * GET.bytes.length);
    const setBuf = new Uint8Array(batch * SET.bytes.length);
    try {
      while (issued < ops) {
        if (Date.now() > deadline) throw new Error("cache-aside run timed out");
        const n = Math.min(batch, ops - issued);
        issued += n;
        for (let k = 0; k < n; k++) {
          ids[k] = next();
          writeRequest(GET, ids[k], getBuf, k * GET.bytes.length);
        }
        await conn.writeAll(getBuf.subarray(0, n * GET.bytes.length));
        const got = await conn.countReplies(n);
        if (got.errors > 0) throw new Error(`GET failed: ${got.firstError}`);
        result.gets += n;
        result.hits += got.bulk;
        let misses = 0;
        for (let k = 0; k < n; k++) {
          if (got.present[k] === 0) {
            writeRequest(SET, ids[k], setBuf, misses * SET.bytes.length);
            misses++;
          }
        }
        if (misses > 0) {
          await conn.writeAll(setBuf.subarray(0, misses * SET.bytes.length));
          const set = await conn.countReplies(misses);
          result.sets += misses;
          result.setErrors += set.errors;
          result.firstError ??= set.firstError;
        }
        if (options.onProgress && issued - lastReport >= 50_000) {
          lastReport = issued;
          options.onProgress(issued / ops);
        }
      }
    } finally {
      conn.close();
    }
  };
  await Promise.all(
    Array.from({ length: options.connections ?? 2 }, () => worker()),
  );
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
