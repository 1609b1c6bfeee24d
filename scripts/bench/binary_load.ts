/**
 * A load generator for CacheMir's binary protocol, redis-benchmark's
 * counterpart (issue 9's `binary`): `-c` connections, each sending batches
 * of `-P` pipelined requests and waiting for their replies, GET or SET over
 * keys `key:<n>` (n < `-r`, zero-padded to 12 digits as redis-benchmark's
 * `__rand_int__`) with `-d`-byte values, until `-n` requests are done.
 *
 * Each batch is encoded once by the protocol package's
 * {@linkcode FrameWriter} into a reusable buffer (`takeView`) and written in
 * one write; replies are split by {@linkcode FrameDecoder} and decoded by
 * {@linkcode decodeReply}; error replies, wrong ids and wrong reply kinds are
 * counted. A request's latency is from its batch's write to its reply's
 * arrival, as redis-benchmark measures it.
 *
 * Run as a child process so that its CPU is not the node's:
 *
 * ```sh
 * deno run -A scripts/bench/binary_load.ts --port 7379 -t get -d 32 -P 16 -c 50 -n 1000000 -r 100000
 * # {"requests":1000000,"errors":0,"seconds":4.1,"rps":243902,"p50Ms":2.9,"p99Ms":6.1}
 * ```
 *
 * `--port` takes a comma-separated list: connection i goes to port
 * i mod (count).
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  commandByName,
  decodeReply,
  FrameDecoder,
  FrameWriter,
} from "@cachemir/protocol";

/** The tests binary_load runs (redis-benchmark's `-t` names). */
export const BINARY_TESTS: readonly string[] = ["set", "get"];

/** Settings of one load run. */
export interface BinaryLoadOptions {
  /** Binary ports on `host`; connection i uses `ports[i % ports.length]`. */
  readonly ports: readonly number[];
  /** Host (default 127.0.0.1). */
  readonly host?: string;
  /** `"set"` or `"get"`. */
  readonly test: string;
  /** Value size in bytes (`-d`). */
  readonly size: number;
  /** Pipeline depth (`-P`). */
  readonly pipeline: number;
  /** Connections (`-c`). */
  readonly clients: number;
  /** Requests in all (`-n`). */
  readonly requests: number;
  /** Key space (`-r`). */
  readonly keyspace: number;
}

/** What a load run measured. */
export interface BinaryLoadResult {
  /** Requests answered. */
  readonly requests: number;
  /** Error replies, unexpected reply kinds and wrong ids. */
  readonly errors: number;
  /** Wall time, s. */
  readonly seconds: number;
  /** Requests per second. */
  readonly rps: number;
  /** Median latency, ms. */
  readonly p50Ms: number;
  /** 99th percentile latency, ms. */
  readonly p99Ms: number;
}

/**
 * redis-benchmark's key for `-r`: `key:` and the number zero-padded to 12
 * digits.
 *
 * @param n The key's number.
 * @returns The key.
 */
export function benchKey(n: number): string {
  return `key:${String(n).padStart(12, "0")}`;
}

/**
 * Encodes one batch of requests into a writer's reusable buffer and returns
 * a view of it (valid until the writer writes again).
 *
 * @param w The writer.
 * @param firstId The first request's id; the others follow.
 * @param count Requests in the batch.
 * @param opcode The command's opcode.
 * @param value The value for SET, or undefined for GET.
 * @param keyspace Keys are drawn uniformly below this.
 * @param random A source of numbers in [0, 1).
 * @returns The frames, for one write.
 */
export function encodeBatch(
  w: FrameWriter,
  firstId: number,
  count: number,
  opcode: number,
  value: Uint8Array | undefined,
  keyspace: number,
  random: () => number = Math.random,
): Uint8Array {
  for (let i = 0; i < count; i++) {
    const key = benchKey(Math.floor(random() * keyspace));
    w.writeRequest(
      (firstId + i) >>> 0,
      opcode,
      value === undefined ? [key] : [key, value],
    );
  }
  return w.takeView();
}

/**
 * The q-quantile of sorted samples (nearest rank).
 *
 * @param sorted Ascending samples.
 * @param q In [0, 1].
 * @returns The sample, or NaN when there are none.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

/**
 * Whether a reply is what the test expects: OK for SET; BYTES or NULL for
 * GET.
 *
 * @param test The test.
 * @param kind The reply's kind.
 * @returns Whether it is.
 */
export function expectedReply(test: string, kind: string): boolean {
  return test === "set" ? kind === "ok" : kind === "bytes" || kind === "null";
}

/**
 * Runs the load and measures it.
 *
 * @param o The settings.
 * @returns The figures.
 * @throws {Error} On an unknown test or a connection that closes early.
 */
export async function runBinaryLoad(
  o: BinaryLoadOptions,
): Promise<BinaryLoadResult> {
  if (!BINARY_TESTS.includes(o.test)) throw new Error(`unknown test ${o.test}`);
  const opcode = commandByName(o.test.toUpperCase())!.opcode;
  const value = o.test === "set"
    ? new Uint8Array(o.size).fill(0x78) // "x", as redis-benchmark
    : undefined;
  const host = o.host ?? "127.0.0.1";
  const conns = await Promise.all(
    Array.from(
      { length: o.clients },
      (_, i) =>
        Deno.connect({ hostname: host, port: o.ports[i % o.ports.length] }),
    ),
  );
  for (const c of conns) c.setNoDelay(true);
  const latencies = new Float64Array(o.requests);
  let recorded = 0;
  let issued = 0;
  let errors = 0;

  const drive = async (conn: Deno.TcpConn): Promise<void> => {
    const writer = new FrameWriter(64 * 1024);
    const decoder = new FrameDecoder();
    const readBuf = new Uint8Array(256 * 1024);
    let nextId = 1;
    while (issued < o.requests) {
      const count = Math.min(o.pipeline, o.requests - issued);
      issued += count;
      const firstId = nextId;
      nextId = (nextId + count) >>> 0;
      const out = encodeBatch(
        writer,
        firstId,
        count,
        opcode,
        value,
        o.keyspace,
      );
      const sent = performance.now();
      let written = 0;
      while (written < out.length) {
        written += await conn.write(out.subarray(written));
      }
      let got = 0;
      while (got < count) {
        const n = await conn.read(readBuf);
        if (n === null) throw new Error("connection closed by the node");
        decoder.push(readBuf.subarray(0, n));
        const now = performance.now();
        for (;;) {
          const f = decoder.next();
          if (f === undefined) break;
          got++;
          if ("kind" in f) {
            errors++;
            continue;
          }
          const r = decodeReply(f.payload);
          if (
            f.id !== ((firstId + got - 1) >>> 0) ||
            !expectedReply(o.test, r.kind)
          ) {
            errors++;
          }
          latencies[recorded++] = now - sent;
        }
      }
    }
  };

  const t0 = performance.now();
  try {
    await Promise.all(conns.map(drive));
  } finally {
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const sorted = latencies.subarray(0, recorded).sort();
  return {
    requests: recorded,
    errors,
    seconds,
    rps: recorded / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
  };
}

/**
 * The command-line flags of a load run (as {@link parseLoadArgs} reads
 * them).
 *
 * @param o The settings.
 * @returns The flags.
 */
export function loadArgs(o: BinaryLoadOptions): string[] {
  return [
    "--port",
    o.ports.join(","),
    "-t",
    o.test,
    "-r",
    String(o.keyspace),
    "-d",
    String(o.size),
    "-P",
    String(o.pipeline),
    "-c",
    String(o.clients),
    "-n",
    String(o.requests),
  ];
}

/**
 * Parses the command line.
 *
 * @param args The arguments.
 * @returns The settings.
 * @throws {Error} On missing ports or bad numbers.
 */
export function parseLoadArgs(args: readonly string[]): BinaryLoadOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      t: { type: "string", short: "t", default: "get" },
      r: { type: "string", short: "r", default: "100000" },
      d: { type: "string", short: "d", default: "32" },
      P: { type: "string", short: "P", default: "1" },
      c: { type: "string", short: "c", default: "50" },
      n: { type: "string", short: "n", default: "100000" },
    },
  });
  const int = (name: string, raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`-${name}: bad ${raw}`);
    return n;
  };
  if (values.port === undefined) throw new Error("--port is required");
  return {
    ports: values.port.split(",").map((p) => int("-port", p)),
    host: values.host,
    test: values.t,
    keyspace: int("r", values.r),
    size: int("d", values.d),
    pipeline: int("P", values.P),
    clients: int("c", values.c),
    requests: int("n", values.n),
  };
}

if (import.meta.main) {
  const result = await runBinaryLoad(parseLoadArgs(Deno.args));
  console.log(JSON.stringify(result));
}
