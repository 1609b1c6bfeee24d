/**
 * Reliability drills under load (issue 12): starts a local cluster of real
 * node processes, each behind an in-process TCP proxy
 * (scripts/drill/tcp_proxy.ts) so that the client's every node address can
 * be given a network fault, runs a bounded mixed load through
 * `CacheMirClient`, and injects each fault in turn:
 *
 * - `kill`: kill -9 a node, restart it on the same port after the hold;
 * - `kill-replicas`: the same with `replicas: 2` (no read may fail);
 * - `stop`: SIGSTOP a node, SIGCONT after the hold;
 * - `restart`: SIGTERM a node and start it again on the same port at once;
 * - `blackhole`: its proxy accepts and swallows, never answers;
 * - `delay`: its proxy delays every chunk by `--delay-ms` each way;
 * - `reset`: its proxy closes each connection in the middle of a reply;
 * - `halfopen`: its proxy forwards requests but no reply, closing nothing;
 * - `add`: a new node joins (`client.addNode`);
 * - `remove`: a node leaves (`client.removeNode`), then its process stops.
 *
 * Every fault gets a fresh client and its own keys. The load: `--workers`
 * callers paced to `--rate` calls/s in all — 65% GET, 25% SET, 10% MGET of 4
 * keys; each key is written by one worker only, with values `v<n>` (n one
 * more each write), and a read returning a version older than one
 * acknowledged before the read started is a stale read
 * (scripts/drill/ledger.ts). Per fault it reports failed calls (by command
 * and error), p99 and longest call (HDR histogram), time from the fault to the
 * client's `nodeDown` (routed around), from the fault's end to the first read
 * the node answered again, and stale reads — on stdout, as a markdown file
 * (`--out`) and as JSON (`--json`).
 *
 * Exit status 0 when no read was stale, no value was foreign, no promise
 * rejection went unhandled and no read failed under `kill-replicas`; 1
 * otherwise (the report is written first); 2 for bad flags.
 *
 * ```sh
 * deno task drill --seconds 20                     # writes bench/drill.md
 * deno task drill --nodes 3 --seconds 3 --faults kill,stop --out /tmp/d.md
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import * as hdr from "hdr-histogram-js";
import {
  CacheMirClient,
  type CacheMirClientOptions,
  type NodeEvent,
} from "../client/mod.ts";
import {
  type NodeProcess,
  startNodeProcess,
} from "../tests/_helpers/node_process.ts";
import { clearProgress, progress } from "./progress.ts";
import { TcpProxy } from "./drill/tcp_proxy.ts";
import { VersionLedger } from "./drill/ledger.ts";
import { integerFlag } from "./_flags.ts";
import {
  type DrillReport,
  type FaultResult,
  formatMs,
  markdownReport,
  markdownTable,
} from "./drill/report.ts";

/** Every fault, in the order a drill runs them. */
export const FAULTS = [
  "kill",
  "kill-replicas",
  "stop",
  "restart",
  "blackhole",
  "delay",
  "reset",
  "halfopen",
  "add",
  "remove",
] as const;
/**
 * Faults run only when asked for (`--faults readd`): `readd` removes a
 * node from the ring and adds it back while it kept its data — a case the
 * client's no-stale guarantee does not cover (it covers nodes that were
 * down, not removed), so stale reads are expected there.
 */
export const EXTRA_FAULTS = ["readd"] as const;
/** A fault's name. */
export type FaultName =
  | typeof FAULTS[number]
  | typeof EXTRA_FAULTS[number];
const ALL_FAULTS: readonly FaultName[] = [...FAULTS, ...EXTRA_FAULTS];

const USAGE = `Usage: deno task drill [options]

Options:
  --nodes <n>       nodes in the cluster, 3 to 5 (default 4)
  --seconds <n>     seconds per fault, 2 to 600 (default 10)
  --faults <list>   comma-separated, from: ${FAULTS.join(", ")}
                    (default: all of these), and ${EXTRA_FAULTS.join(", ")}
  --workers <n>     concurrent callers (default 8)
  --rate <n>        calls per second, all workers together (default 800)
  --keys <n>        keys per fault (default 400)
  --max-calls <n>   the most calls per fault (default 200000)
  --delay-ms <n>    the delay fault's added latency, each way (default 200)
  --replicas <n>    the client's replicas for every fault but kill-replicas
                    (always 2), 1 to 3 (default 1)
  --out <file>      the markdown report (default bench/drill.md)
  --json <file>     also write the report as JSON
  -h, --help        show this text
`;

/** The drill's client options (each fault adds its `replicas`). */
const CLIENT_OPTIONS = {
  connectTimeoutMs: 1000,
  commandTimeoutMs: 1000,
  failureThreshold: 3,
  healthCheckIntervalMs: 250,
  retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
} as const;

interface Options {
  nodes: number;
  seconds: number;
  faults: FaultName[];
  workers: number;
  rate: number;
  keys: number;
  maxCalls: number;
  delayMs: number;
  replicas: number;
  out: string;
  json: string | undefined;
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function integer(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  return raw === undefined ? fallback : integerFlag(name, raw, min, max, fail);
}

function parseOptions(args: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        nodes: { type: "string" },
        seconds: { type: "string" },
        faults: { type: "string" },
        workers: { type: "string" },
        rate: { type: "string" },
        keys: { type: "string" },
        "max-calls": { type: "string" },
        "delay-ms": { type: "string" },
        replicas: { type: "string" },
        out: { type: "string" },
        json: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  let faults: FaultName[] = [...FAULTS];
  if (values.faults !== undefined) {
    const asked = values.faults.split(",").map((f) => f.trim());
    for (const f of asked) {
      if (!(ALL_FAULTS as readonly string[]).includes(f)) {
        fail(`Unknown fault ${JSON.stringify(f)}`);
      }
    }
    faults = ALL_FAULTS.filter((f) => asked.includes(f));
  }
  return {
    nodes: integer("nodes", values.nodes, 4, 3, 5),
    seconds: integer("seconds", values.seconds, 10, 2, 600),
    faults,
    workers: integer("workers", values.workers, 8, 1, 256),
    rate: integer("rate", values.rate, 800, 1, 1_000_000),
    keys: integer("keys", values.keys, 400, 8, 1_000_000),
    maxCalls: integer("max-calls", values["max-calls"], 200_000, 1, 1e9),
    delayMs: integer("delay-ms", values["delay-ms"], 200, 0, 60_000),
    replicas: integer("replicas", values.replicas, 1, 1, 3),
    out: values.out ?? "bench/drill.md",
    json: values.json,
  };
}

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => setTimeout(r, ms));

/** A node process behind its proxy; the client only knows the proxy. */
interface Member {
  node: NodeProcess;
  readonly proxy: TcpProxy;
  /** The node's own port (kept across restarts). */
  readonly port: number;
}

/** Starts a node on `port` (0: any), retrying while the port lingers. */
async function startNode(port = 0): Promise<NodeProcess> {
  for (let attempt = 1;; attempt++) {
    try {
      return await startNodeProcess(["--port", String(port)], 30_000);
    } catch (e) {
      if (attempt === 50 || !/in use/i.test(String(e))) throw e;
      await sleep(100);
    }
  }
}

async function startMember(): Promise<Member> {
  const node = await startNode();
  const proxy = await TcpProxy.start({
    hostname: "127.0.0.1",
    port: node.port,
  });
  return { node, proxy, port: node.port };
}

/** Stops a node: resumes it if stopped, then SIGKILL. */
async function killNode(node: NodeProcess): Promise<void> {
  try {
    node.child.kill("SIGCONT");
  } catch { /* gone */ }
  await node.stop("SIGKILL");
}

/** SIGTERM, SIGKILL if still running after `ms`. */
async function terminate(node: NodeProcess, ms: number): Promise<void> {
  const timer = setTimeout(() => {
    try {
      node.child.kill("SIGKILL");
    } catch { /* gone */ }
  }, ms);
  await node.stop("SIGTERM");
  clearTimeout(timer);
}

/** How one call settled. */
interface Call {
  readonly op: "get" | "set" | "mget";
  readonly start: number;
  readonly ms: number;
  readonly error?: Error;
}

/** The load of one fault: runs until stopped, records every call. */
class Load {
  readonly calls: Call[] = [];
  stale = 0;
  foreign = 0;
  readonly staleSamples: string[] = [];
  #stopped = false;
  #running: Promise<void> | undefined;

  constructor(
    private readonly client: CacheMirClient,
    private readonly keys: readonly string[],
    private readonly ledger: VersionLedger,
    private readonly options: Options,
  ) {}

  start(): void {
    const { workers, rate } = this.options;
    const interval = (1000 * workers) / rate;
    const mine = (w: number) => this.keys.filter((_, i) => i % workers === w);
    this.#running = Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const own = mine(w);
        const t0 = performance.now() + (interval * w) / workers;
        for (let i = 0; !this.#stopped; i++) {
          if (this.calls.length >= this.options.maxCalls) break;
          const due = t0 + i * interval;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          else if (wait < -1000) i += Math.floor(-wait / interval); // fell behind: skip, do not burst
          if (this.#stopped) break;
          await this.#step(own);
        }
      }),
    ).then(() => {});
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  #random(list: readonly string[]): string {
    return list[Math.floor(Math.random() * list.length)];
  }

  #check(key: string, value: string | null, floor: number): void {
    let stale: boolean;
    try {
      stale = this.ledger.isStale(value, floor);
    } catch {
      this.foreign++;
      if (this.staleSamples.length < 5) {
        this.staleSamples.push(
          `${key}: foreign value ${JSON.stringify(value)}`,
        );
      }
      return;
    }
    if (stale) {
      this.stale++;
      if (this.staleSamples.length < 5) {
        this.staleSamples.push(
          `${key} read ${value} after v${floor} was acknowledged`,
        );
      }
    }
  }

  async #step(own: readonly string[]): Promise<void> {
    const roll = Math.random();
    const start = performance.now();
    let op: Call["op"];
    let error: Error | undefined;
    try {
      if (roll < 0.25 && own.length > 0) {
        op = "set";
        const key = this.#random(own);
        const value = this.ledger.nextValue(key);
        await this.client.set(key, value);
        this.ledger.acknowledge(key, value);
      } else if (roll < 0.35) {
        op = "mget";
        const keys = Array.from({ length: 4 }, () => this.#random(this.keys));
        const floors = keys.map((k) => this.ledger.floor(k));
        const values = await this.client.mget(keys);
        keys.forEach((k, i) => this.#check(k, values[i], floors[i]));
      } else {
        op = "get";
        const key = this.#random(this.keys);
        const floor = this.ledger.floor(key);
        const value = await this.client.get(key);
        this.#check(key, value, floor);
      }
    } catch (e) {
      op = roll < 0.25 && own.length > 0 ? "set" : roll < 0.35 ? "mget" : "get";
      error = e instanceof Error ? e : new Error(String(e));
    }
    this.calls.push({ op, start, ms: performance.now() - start, error });
  }
}

/** Watches a node in the client's eyes: events and reads it answered. */
class Watch {
  downAt: number | null = null;
  upAt: number | null = null;
  errorEvents = 0;
  readonly #served: { at: number; count: number }[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #onDown = (e: NodeEvent) => {
    if (e.address === this.address && this.downAt === null) {
      this.downAt = performance.now();
    }
  };
  readonly #onUp = (e: NodeEvent) => {
    if (e.address === this.address && this.downAt !== null) {
      this.upAt ??= performance.now();
    }
  };
  readonly #onError = () => this.errorEvents++;

  constructor(
    private readonly client: CacheMirClient,
    private readonly address: string,
  ) {
    client.addEventListener("nodeDown", this.#onDown);
    client.addEventListener("nodeUp", this.#onUp);
    client.addEventListener("error", this.#onError);
    this.#timer = setInterval(() => this.#sample(), 20);
  }

  #last = 0;
  #total = 0;

  #sample(): void {
    const s = this.client.stats().find((x) => x.address === this.address);
    if (s === undefined) {
      this.#last = 0; // removed: if it is added again, it counts from 0
      return;
    }
    const count = s.hits + s.misses;
    this.#total += count >= this.#last ? count - this.#last : count;
    this.#last = count;
    if (s.state === "up") {
      this.#served.push({ at: performance.now(), count: this.#total });
    }
  }

  /** The first time after `from` that the node answered a read. */
  servedAfter(from: number): number | null {
    const before = this.#served.filter((x) => x.at <= from).at(-1)?.count ?? 0;
    return this.#served.find((x) => x.at > from && x.count > before)?.at ??
      null;
  }

  /** Whether the node answered a read after `from`. */
  hasServedAfter(from: number): boolean {
    this.#sample();
    return this.servedAfter(from) !== null;
  }

  close(): void {
    clearInterval(this.#timer);
    this.client.removeEventListener("nodeDown", this.#onDown);
    this.client.removeEventListener("nodeUp", this.#onUp);
    this.client.removeEventListener("error", this.#onError);
  }
}

function percentile99(calls: readonly Call[]): { p99: number; max: number } {
  if (calls.length === 0) return { p99: 0, max: 0 };
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  for (const c of calls) h.recordValue(Math.max(1, Math.round(c.ms * 1000)));
  const result = {
    p99: h.getValueAtPercentile(99) / 1000,
    max: Math.max(...calls.map((c) => c.ms)),
  };
  h.destroy();
  return result;
}

/** The drill's state across faults. */
class Drill {
  readonly members: Member[] = [];
  readonly results: FaultResult[] = [];
  #progress: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: Options) {}

  async start(): Promise<void> {
    const started = await Promise.allSettled(
      Array.from({ length: this.options.nodes }, () => startMember()),
    );
    for (const r of started) {
      if (r.status === "fulfilled") this.members.push(r.value);
    }
    const failed = started.find((r) => r.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  async stop(): Promise<void> {
    clearInterval(this.#progress);
    await Promise.all(this.members.map(async (m) => {
      await m.proxy.close();
      await killNode(m.node);
    }));
  }

  /** Runs one fault with a fresh client and keys, and records its figures. */
  async run(fault: FaultName, index: number): Promise<void> {
    const o = this.options;
    const S = o.seconds * 1000;
    const replicas = fault === "kill-replicas" ? 2 : o.replicas;
    const original = this.members.slice(0, o.nodes);
    const victim = fault === "remove"
      ? this.members.at(-1)!
      : original[index % original.length];
    const client = new CacheMirClient(
      {
        nodes: this.members.map((m) => m.proxy.address),
        ...CLIENT_OPTIONS,
        replicas,
      } satisfies CacheMirClientOptions,
    );
    const ledger = new VersionLedger();
    const keys = Array.from({ length: o.keys }, (_, i) => `${fault}:${i}`);
    const nodesBefore = this.members.length;
    let added: Member | undefined;
    let watchAddress = victim.proxy.address;
    if (fault === "add") {
      added = await startMember(); // before the load: its start is no fault
      watchAddress = added.proxy.address;
    }
    const watch = new Watch(client, watchAddress);
    const load = new Load(client, keys, ledger, o);
    let description = "";
    let faultStart = 0;
    let faultEnd: number | null = null;
    const counters = { retries: 0, errors: 0, timeouts: 0 };
    try {
      const preload = Object.fromEntries(
        keys.map((k) => [k, ledger.nextValue(k)]),
      );
      await client.mset(preload);
      for (const [k, v] of Object.entries(preload)) ledger.acknowledge(k, v);

      load.start();
      const callsBefore = () => load.calls.length;
      // The progress line (scripts/progress.ts): rewritten every second on
      // a terminal, a plain line every few seconds elsewhere.
      this.#progress = setInterval(() => {
        const failed = load.calls.filter((c) => c.error).length;
        progress(
          `drill · ${fault}`,
          `${
            faultStart === 0
              ? "before the fault"
              : `${((performance.now() - faultStart) / 1000).toFixed(1)} s`
          } · calls ${callsBefore()} · failed ${failed} · stale ${load.stale}`,
        );
      }, 1000);
      await sleep(Math.max(500, 0.15 * S));
      const hold = Math.max(1500, 0.4 * S);
      const holdText = `${(hold / 1000).toFixed(1)} s`;
      faultStart = performance.now();
      const addr = victim.proxy.address;
      switch (fault) {
        case "kill":
        case "kill-replicas": {
          victim.node.child.kill("SIGKILL");
          await victim.node.child.status;
          await sleep(hold - (performance.now() - faultStart));
          victim.node = await startNode(victim.port);
          faultEnd = performance.now();
          description =
            `kill -9 of ${addr}'s node, restarted on its port after ${holdText} (back in ${
              ((faultEnd - faultStart) / 1000).toFixed(1)
            } s)`;
          break;
        }
        case "stop":
          victim.node.child.kill("SIGSTOP");
          await sleep(hold);
          victim.node.child.kill("SIGCONT");
          faultEnd = performance.now();
          description = `SIGSTOP of ${addr}'s node, SIGCONT after ${holdText}`;
          break;
        case "restart": {
          await terminate(victim.node, 15_000);
          victim.node = await startNode(victim.port);
          faultEnd = performance.now();
          description =
            `SIGTERM of ${addr}'s node and a new process on its port at once (listening again after ${
              ((faultEnd - faultStart) / 1000).toFixed(1)
            } s)`;
          break;
        }
        case "blackhole":
        case "reset":
        case "halfopen": {
          victim.proxy.setMode({
            kind: fault === "halfopen" ? "halfOpen" : fault,
          });
          await sleep(hold);
          victim.proxy.setMode({ kind: "pass" });
          faultEnd = performance.now();
          description = {
            blackhole:
              `${addr}'s proxy swallowed everything for ${holdText} (accepts, never answers)`,
            reset:
              `${addr}'s proxy closed every connection in the middle of a reply for ${holdText}`,
            halfopen:
              `${addr}'s proxy forwarded requests but no reply, closing nothing, for ${holdText}`,
          }[fault];
          break;
        }
        case "delay":
          victim.proxy.setMode({ kind: "delay", ms: o.delayMs });
          await sleep(hold);
          victim.proxy.setMode({ kind: "pass" });
          faultEnd = performance.now();
          description =
            `${addr}'s proxy delayed every chunk by ${o.delayMs} ms each way for ${holdText}`;
          break;
        case "add":
          client.addNode(added!.proxy.address);
          this.members.push(added!);
          faultEnd = faultStart;
          description = `${
            added!.proxy.address
          } added to the ring of ${nodesBefore} nodes`;
          break;
        case "readd":
          client.removeNode(addr);
          await sleep(hold);
          client.addNode(addr);
          faultEnd = performance.now();
          description =
            `${addr} removed from the ring of ${nodesBefore} and added back ${holdText} later, with the data it held`;
          break;
        case "remove":
          client.removeNode(addr);
          faultEnd = null;
          description =
            `${addr} removed from the ring of ${nodesBefore} (its process stopped ${holdText} later)`;
          await sleep(hold);
          this.members.splice(this.members.indexOf(victim), 1);
          await victim.proxy.close();
          await killNode(victim.node);
          break;
      }
      // The rest of the window; then wait (bounded) for the node to serve
      // again, so that "used again" is measured.
      const windowEnd = faultStart + 0.85 * S;
      if (performance.now() < windowEnd) {
        await sleep(windowEnd - performance.now());
      }
      if (faultEnd !== null) {
        const limit = performance.now() + Math.max(10_000, S);
        while (
          !watch.hasServedAfter(faultEnd) && performance.now() < limit &&
          load.calls.length < o.maxCalls
        ) await sleep(50);
      }
    } finally {
      if (this.#progress !== undefined) {
        clearInterval(this.#progress);
        this.#progress = undefined;
        clearProgress();
      }
      await load.stop();
      watch.close();
      for (const n of client.stats()) {
        counters.retries += n.retries;
        counters.errors += n.errors;
        counters.timeouts += n.timeouts;
      }
      await client.close();
      if (
        fault === "add" && added !== undefined && !this.members.includes(added)
      ) {
        await added.proxy.close();
        await killNode(added.node);
      }
    }
    const window = load.calls.filter((c) => c.start >= faultStart);
    const failures: Record<string, number> = {};
    const failureSamples: Record<string, string> = {};
    for (const c of window) {
      if (c.error === undefined) continue;
      const kind = `${c.op}:${c.error.name}`;
      failures[kind] = (failures[kind] ?? 0) + 1;
      failureSamples[kind] ??= c.error.message;
    }
    const { p99, max } = percentile99(window);
    const reads = window.filter((c) => c.op !== "set");
    const usedAt = faultEnd === null ? null : watch.servedAfter(faultEnd);
    this.results.push({
      fault,
      description,
      replicas,
      nodes: nodesBefore,
      calls: window.length,
      reads: reads.length,
      failed: window.filter((c) => c.error).length,
      failedReads: reads.filter((c) => c.error).length,
      failures,
      failureSamples,
      p99Ms: p99,
      maxMs: max,
      routedAroundMs: watch.downAt === null || watch.downAt < faultStart
        ? null
        : watch.downAt - faultStart,
      nodeUpMs: watch.upAt === null || faultEnd === null
        ? null
        : Math.max(0, watch.upAt - faultEnd),
      usedAgainMs: usedAt === null || faultEnd === null
        ? null
        : usedAt - faultEnd,
      staleReads: load.stale,
      staleSamples: load.staleSamples,
      foreignValues: load.foreign,
      errorEvents: watch.errorEvents,
      clientCounters: counters,
    });
    const r = this.results.at(-1)!;
    console.error(
      `[${fault}] ${r.calls} calls, ${r.failed} failed, p99 ${
        formatMs(r.p99Ms)
      }, longest ${formatMs(r.maxMs)}, routed around after ${
        formatMs(r.routedAroundMs)
      }, used again after ${formatMs(r.usedAgainMs)}, ${
        r.staleReads + r.foreignValues
      } stale; the client retried ${counters.retries} commands`,
    );
  }
}

async function main(): Promise<number> {
  const options = parseOptions(Deno.args);
  const command = `deno task drill ${Deno.args.join(" ")}`.trim();
  const unhandled: string[] = [];
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    unhandled.push(String(e.reason?.stack ?? e.reason));
  });
  const t0 = performance.now();
  const started = new Date().toISOString();
  // The whole run is bounded: past it, the nodes are killed and we exit 1.
  const boundMs = options.faults.length * (options.seconds * 1000 + 60_000) +
    60_000;
  const drill = new Drill(options);
  let aborted = false;
  const watchdog = setTimeout(() => {
    aborted = true;
    console.error(`drill: still running after ${boundMs} ms; stopping`);
    for (const m of drill.members) {
      try {
        m.node.child.kill("SIGCONT");
        m.node.child.kill("SIGKILL");
      } catch { /* gone */ }
    }
    Deno.exit(1);
  }, boundMs);
  const signals = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const handler = () => {
      for (const m of drill.members) {
        try {
          m.node.child.kill("SIGCONT");
          m.node.child.kill("SIGKILL");
        } catch { /* gone */ }
      }
      Deno.exit(sig === "SIGINT" ? 130 : 143);
    };
    Deno.addSignalListener(sig, handler);
    return () => Deno.removeSignalListener(sig, handler);
  });
  try {
    await drill.start();
    console.error(
      `drill: ${options.nodes} nodes (${
        drill.members.map((m) => `${m.proxy.address}→${m.port}`).join(", ")
      }); faults ${options.faults.join(", ")}, ${options.seconds} s each`,
    );
    for (const [i, fault] of options.faults.entries()) {
      await drill.run(fault, i);
    }
  } finally {
    await drill.stop();
    clearTimeout(watchdog);
    for (const remove of signals) remove();
  }
  if (aborted) return 1;
  const report: DrillReport = {
    command,
    started,
    seconds: options.seconds,
    clientOptions: CLIENT_OPTIONS,
    load:
      `${options.workers} workers, ${options.rate} calls/s in all, ${options.keys} keys per fault (each written by one worker), 65% GET / 25% SET / 10% MGET of 4 keys, at most ${options.maxCalls} calls per fault`,
    faults: drill.results,
    unhandledRejections: unhandled.length,
    unhandledSamples: unhandled.slice(0, 5),
    wallSeconds: (performance.now() - t0) / 1000,
  };
  console.log(markdownTable(report.faults));
  const outDir = options.out.includes("/")
    ? options.out.slice(0, options.out.lastIndexOf("/"))
    : ".";
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(options.out, markdownReport(report));
  // Formatted as `deno fmt` wants it (the repository's check covers bench/).
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "-q", options.out],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => {});
  if (options.json !== undefined) {
    await Deno.writeTextFile(options.json, JSON.stringify(report, null, 2));
  }
  const problems = [
    ...report.faults.flatMap((r) => [
      ...(r.staleReads > 0 ? [`${r.fault}: ${r.staleReads} stale reads`] : []),
      ...(r.foreignValues > 0
        ? [`${r.fault}: ${r.foreignValues} foreign values`]
        : []),
      ...(r.fault === "kill-replicas" && r.failedReads > 0
        ? [`${r.fault}: ${r.failedReads} failed reads with replicas: 2`]
        : []),
    ]),
    ...(unhandled.length > 0
      ? [`${unhandled.length} unhandled rejections: ${unhandled[0]}`]
      : []),
  ];
  for (const p of problems) console.error(`drill: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

if (import.meta.main) {
  Deno.exitCode = await main();
}
