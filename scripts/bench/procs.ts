/**
 * Child processes of the benchmarks: every one is registered so that it is
 * killed on exit, on error and on Ctrl-C; redis-server and CacheMir nodes
 * are started on free 127.0.0.1 ports and waited for; every command line is
 * recorded for the results file.
 *
 * @module
 */

import { RespConn, RespError } from "./resp.ts";

const MAIN = new URL("../../server/main.ts", import.meta.url).pathname;
const REPO = new URL("../../", import.meta.url).pathname;

const children = new Set<Deno.ChildProcess>();
const commandLines = new Set<string>();

/** Heap headroom given to the node's V8 (MiB): data, not V8, must be the limit. */
export const NODE_V8_OLD_SPACE_MB = 8192;

/**
 * Quotes a command line for display (single quotes where needed).
 *
 * @param argv Program and arguments.
 * @returns The line as one would type it.
 */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) =>
    a === ""
      ? "''"
      : /^[\w@%+=:,./-]+$/.test(a)
      ? a
      : `'${a.replaceAll("'", `'\\''`)}'`
  ).join(" ");
}

/**
 * Records a command line for the results file; ports and the repository's
 * path are replaced by placeholders so that rounds share one line.
 *
 * @param argv Program and arguments.
 */
export function recordCommand(argv: readonly string[]): void {
  let line = shellLine(argv)
    .replaceAll(REPO, "")
    .replace(/(-p|--port|--resp-port) \d+/g, "$1 <port>");
  if (argv.slice(0, 3).includes(Deno.execPath())) {
    line = line.replace(Deno.execPath(), "deno");
  }
  commandLines.add(line);
}

/**
 * Every command line recorded so far, in first-use order.
 *
 * @returns The lines.
 */
export function recordedCommands(): string[] {
  return [...commandLines];
}

/**
 * Spawns a registered child process (killed by {@link killAll}).
 *
 * @param program The program.
 * @param args Its arguments.
 * @param options Deno.Command options (stdin/stdout/stderr...).
 * @returns The child.
 */
export function spawn(
  program: string,
  args: readonly string[],
  options: Omit<Deno.CommandOptions, "args"> = {},
): Deno.ChildProcess {
  recordCommand([program, ...args]);
  const child = new Deno.Command(program, { ...options, args: [...args] })
    .spawn();
  children.add(child);
  child.status.finally(() => children.delete(child));
  return child;
}

/** A kill timer on a child: {@link killAfter}. */
export interface KillTimer {
  /** Whether the child was killed because it ran too long. */
  readonly timedOut: boolean;
  /** Stops the timer (the child ended). */
  clear(): void;
}

/**
 * Kills a child (SIGKILL) if it still runs after `timeoutMs`.
 *
 * @param child The child.
 * @param timeoutMs The bound.
 * @returns The timer: clear it once the child ended.
 */
export function killAfter(
  child: Deno.ChildProcess,
  timeoutMs: number,
): KillTimer {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, timeoutMs);
  return {
    get timedOut(): boolean {
      return timedOut;
    },
    clear: () => clearTimeout(timer),
  };
}

/**
 * Runs a registered child to its end with a time bound, collecting its
 * output.
 *
 * @param program The program.
 * @param args Its arguments.
 * @param timeoutMs Killed (SIGKILL) after this long.
 * @returns Exit code, stdout and stderr as text.
 * @throws {Error} When it timed out.
 */
export async function runBounded(
  program: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(program, args, {
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const timer = killAfter(child, timeoutMs);
  try {
    const out = await child.output();
    if (timer.timedOut) {
      throw new Error(`${program} did not finish within ${timeoutMs} ms`);
    }
    const d = new TextDecoder();
    return {
      code: out.code,
      stdout: d.decode(out.stdout),
      stderr: d.decode(out.stderr),
    };
  } finally {
    timer.clear();
  }
}

/** Kills every child still running (SIGKILL): for errors and Ctrl-C. */
export function killAll(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }
}

/**
 * Makes Ctrl-C and SIGTERM kill every child before the process exits
 * (status 130 / 143).
 */
export function killChildrenOnSignals(): void {
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    Deno.addSignalListener(sig, () => {
      killAll();
      Deno.stderr.writeSync(new TextEncoder().encode(`\n${sig}: stopped\n`));
      Deno.exit(code);
    });
  }
}

/**
 * A port free on 127.0.0.1 now (bound to 0 and released); callers retry
 * when another process takes it first.
 *
 * @returns The port.
 */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A running server: redis-server or a CacheMir node. */
export interface Server {
  /** `"Redis"` or `"CacheMir"`. */
  readonly name: string;
  /** Its RESP port on 127.0.0.1. */
  readonly port: number;
  /** Its process id (for /proc). */
  readonly pid: number;
  /** A node's binary-protocol port on 127.0.0.1 (undefined for Redis). */
  readonly binaryPort?: number;
  /** A connection for control commands (INFO, DBSIZE, CONFIG). */
  readonly conn: RespConn;
  /** The last lines it wrote to stderr/stdout. */
  log(): string;
  /**
   * GC events V8 printed so far (a node started with `traceGc` only):
   * readable at any time, counted from its stdout as it arrives.
   */
  readonly gcCounts?: () => GcCounts;
  /** Stops it (SIGTERM, SIGKILL after 10 s) and waits for its exit. */
  stop(): Promise<void>;
}

/** GC events counted from V8's `--trace-gc` lines. */
export interface GcCounts {
  /** Young-generation collections (Scavenge, Minor Mark-Sweep). */
  readonly scavenges: number;
  /** Full collections (Mark-Compact, Mark-sweep; incremental or not). */
  readonly markCompacts: number;
}

/**
 * What one `--trace-gc` line reports, e.g.
 * `[1923:0x5628…]  4011 ms: Scavenge 6.6 (8.6) -> 6.2 (8.9) MB, …` (young)
 * or `… ms: Incremental Mark-Compact 10.1 (15.4) -> …` (full).
 *
 * @param line One line of the node's stdout.
 * @returns The kind of GC event, or undefined for any other line.
 */
export function gcEventOf(line: string): "scavenge" | "full" | undefined {
  // The event's name follows "<time> ms: " in V8's format; fall back to the
  // whole line when the prefix differs.
  const m = /\d ms: (.*)$/.exec(line);
  const event = m === null ? line : m[1];
  if (/\bScavenge\b/.test(event) || /\bMinor Mark-Sweep\b/i.test(event)) {
    return "scavenge";
  }
  if (/\bMark-Compact\b/i.test(event) || /\bMark-sweep\b/i.test(event)) {
    return "full";
  }
  return undefined;
}

/**
 * Splits a text stream into lines as it arrives and counts V8's GC lines;
 * keeps only the unfinished last line (bounded), never the text.
 */
export class GcLineCounter {
  #partial = "";
  #scavenges = 0;
  #markCompacts = 0;
  readonly #other: (line: string) => void;

  /**
   * @param other Receives every line that is not a GC event (e.g. to keep
   *   the node's log).
   */
  constructor(other: (line: string) => void = () => {}) {
    this.#other = other;
  }

  /**
   * Feeds text (any split: partial lines are joined with the next push).
   *
   * @param text The next piece of the stream.
   */
  push(text: string): void {
    let start = 0;
    let nl = text.indexOf("\n");
    if (nl === -1) {
      // Bounded: a line longer than 64 KiB is no GC line; keep its head.
      if (this.#partial.length < 65_536) this.#partial += text;
      return;
    }
    this.#line(this.#partial + text.slice(0, nl));
    this.#partial = "";
    start = nl + 1;
    while ((nl = text.indexOf("\n", start)) !== -1) {
      this.#line(text.slice(start, nl));
      start = nl + 1;
    }
    this.#partial = text.slice(start, start + 65_536);
  }

  /** Counts the unfinished last line, if any (the stream ended). */
  end(): void {
    if (this.#partial !== "") this.#line(this.#partial);
    this.#partial = "";
  }

  /** The counts so far. */
  counts(): GcCounts {
    return { scavenges: this.#scavenges, markCompacts: this.#markCompacts };
  }

  #line(raw: string): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const kind = gcEventOf(line);
    if (kind === "scavenge") this.#scavenges++;
    else if (kind === "full") this.#markCompacts++;
    else this.#other(line);
  }
}

/**
 * Reads a child's stream to its end (so that the child never blocks on a
 * full pipe), keeping its last 4000 characters, or, with `gc`, counting
 * its GC lines and keeping only the other lines.
 */
function drain(
  stream: ReadableStream<Uint8Array>,
  keep: { text: string },
  gc?: GcLineCounter,
): Promise<void> {
  const d = new TextDecoder();
  return (async () => {
    try {
      for await (const chunk of stream) {
        const text = d.decode(chunk, { stream: true });
        if (gc !== undefined) gc.push(text);
        else keep.text = (keep.text + text).slice(-4000);
      }
    } catch { /* closed */ }
    gc?.end();
  })();
}

async function startServer(
  name: string,
  program: string,
  args: (port: number) => string[],
  portOf: (ports: number[]) => number,
  portsNeeded: number,
  timeoutMs: number,
  traceGc = false,
): Promise<Server> {
  let lastError = "";
  for (let attempt = 0; attempt < 4; attempt++) {
    const ports = Array.from({ length: portsNeeded }, freePort);
    const port = portOf(ports);
    const child = spawn(
      program,
      args(ports[0]).map((a) => a === "<port2>" ? String(ports[1]) : a),
      {
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      },
    );
    const keep = { text: "" };
    const gc = traceGc
      ? new GcLineCounter((line) => {
        keep.text = (keep.text + line + "\n").slice(-4000);
      })
      : undefined;
    const pumps = [drain(child.stdout, keep, gc), drain(child.stderr, keep)];
    let exited = false;
    child.status.then(() => (exited = true));
    const deadline = Date.now() + timeoutMs;
    let conn: RespConn | undefined;
    while (!exited && Date.now() < deadline) {
      try {
        const c = await RespConn.connect(port, "127.0.0.1", 1000);
        const pong = await c.call("PING");
        if (pong === "PONG") {
          conn = c;
          break;
        }
        c.close();
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    const stop = async (): Promise<void> => {
      conn?.close();
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 10_000);
      await child.status;
      clearTimeout(timer);
      await Promise.allSettled(pumps);
    };
    if (conn !== undefined) {
      const c = conn;
      return {
        name,
        port,
        pid: child.pid,
        binaryPort: portsNeeded > 1 ? ports[0] : undefined,
        conn: c,
        log: () => keep.text,
        ...(gc !== undefined ? { gcCounts: () => gc.counts() } : {}),
        stop,
      };
    }
    await stop();
    lastError = keep.text;
    if (!/in use|AddrInUse/i.test(lastError)) break;
  }
  throw new Error(`${name} did not start:\n${lastError}`);
}

/**
 * Starts redis-server on a free 127.0.0.1 port without persistence.
 *
 * @param extra More flags (e.g. `["--maxmemory", "256mb"]`).
 * @returns The running server, answering PING.
 */
export function startRedis(extra: readonly string[] = []): Promise<Server> {
  return startServer(
    "Redis",
    "redis-server",
    (port) => [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
      ...extra,
    ],
    (p) => p[0],
    1,
    15_000,
  );
}

/**
 * Starts a CacheMir node (`deno run -A` on the repository's server/main.ts,
 * big V8 heap headroom) with its binary and RESP ports free on 127.0.0.1.
 *
 * @param extra More flags (e.g. `["--maxmemory", "256mb"]`).
 * @param options `traceGc`: add `--trace-gc` to its V8 flags and count the
 *   GC events it prints (the server's `gcCounts`).
 * @returns The running node; `port` is its RESP port.
 */
export function startNode(
  extra: readonly string[] = [],
  options: NodeOptions = {},
): Promise<Server> {
  const traceGc = options.traceGc ?? false;
  // V8 prints its GC lines with printf: a pipe gets them in 4 KiB blocks
  // (~20 lines) unless stdout is line-buffered, which stdbuf does (it execs
  // deno: same pid).
  const lineBuffered = traceGc && stdbufPath() !== undefined;
  return startServer(
    "CacheMir",
    lineBuffered ? "stdbuf" : Deno.execPath(),
    (port) => [
      ...(lineBuffered ? ["-oL", Deno.execPath()] : []),
      "run",
      "-A",
      `--v8-flags=--max-old-space-size=${NODE_V8_OLD_SPACE_MB},--max-semi-space-size=4${
        traceGc ? ",--trace-gc" : ""
      }`,
      MAIN,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--resp-port",
      "<port2>",
      "--log-level",
      "warn",
      ...extra,
    ],
    (p) => p[1],
    2,
    60_000,
    traceGc,
  );
}

let stdbuf: string | null | undefined;

/**
 * Where coreutils' `stdbuf` is on PATH, if it is (looked up once).
 *
 * @returns Its path, or undefined.
 */
export function stdbufPath(): string | undefined {
  if (stdbuf === undefined) {
    stdbuf = null;
    for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
      if (dir === "") continue;
      try {
        if (Deno.statSync(`${dir}/stdbuf`).isFile) {
          stdbuf = `${dir}/stdbuf`;
          break;
        }
      } catch { /* not here */ }
    }
  }
  return stdbuf ?? undefined;
}

/** Options of {@link startNode}. */
export interface NodeOptions {
  /**
   * Run V8 with `--trace-gc` and count its Scavenge and Mark-Compact lines
   * on the node's stdout ({@link Server.gcCounts}); default false. The node
   * runs under `stdbuf -oL` when it is on PATH, so that each line arrives
   * when V8 prints it; without it the counts lag by up to 4 KiB of lines.
   */
  readonly traceGc?: boolean;
}

/** What the node's `--help` says it supports. */
export interface NodeFeatures {
  /** `--maxmemory <size>` exists. */
  readonly maxmemory: boolean;
  /** `--maxmemory-policy <policy>` exists. */
  readonly maxmemoryPolicy: boolean;
  /** The help text. */
  readonly help: string;
}

/**
 * Asks the node's `--help` which memory flags it has.
 *
 * @returns The flags found.
 */
export async function nodeFeatures(): Promise<NodeFeatures> {
  const out = await runBounded(
    Deno.execPath(),
    ["run", "-A", MAIN, "--help"],
    60_000,
  );
  return parseNodeHelp(out.stdout + out.stderr);
}

/**
 * Finds the memory flags in a `--help` text.
 *
 * @param help The text.
 * @returns The flags found.
 */
export function parseNodeHelp(help: string): NodeFeatures {
  return {
    maxmemory: /^\s*--maxmemory(?![-\w])/m.test(help),
    maxmemoryPolicy: /^\s*--maxmemory-policy\b/m.test(help),
    help,
  };
}

/**
 * `DBSIZE`.
 *
 * @param s The server.
 * @returns The key count.
 */
export async function dbsize(s: Server): Promise<number> {
  const r = await s.conn.must("DBSIZE");
  if (typeof r !== "number") throw new Error(`${s.name}: DBSIZE: ${r}`);
  return r;
}

/**
 * `CONFIG SET name value`; returns false instead of throwing when the
 * server refuses.
 *
 * @param s The server.
 * @param name The setting.
 * @param value Its value.
 * @returns Whether the server accepted it.
 */
export async function configSet(
  s: Server,
  name: string,
  value: string,
): Promise<boolean> {
  const r = await s.conn.call("CONFIG", "SET", name, value);
  return !(r instanceof RespError);
}
