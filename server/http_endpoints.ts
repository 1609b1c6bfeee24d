/**
 * {@linkcode HttpEndpoints}: the node's HTTP port for operators
 * (`--http-port`): `/healthz` (liveness), `/readyz` (readiness), `/metrics`
 * (Prometheus text exposition format 0.0.4), `/info` (INFO's fields as
 * JSON) and `/` (the dashboard page of `deno task dashboard`, for this node
 * alone: server/dashboard/page.ts). With a password set, `/metrics`,
 * `/info` and the dashboard require it (HTTP basic auth, any user name, or
 * `Authorization: Bearer <password>`); the probes never do.
 *
 * @module
 */

import process from "node:process";
import { samePassword } from "./commands/auth.ts";
import type { CommandStats } from "./commands/command_stats.ts";
import {
  DASHBOARD_PATHS,
  dashboardResponse,
  type InfoFields,
  InfoSampler,
  summarize,
} from "./dashboard/page.ts";
import { unescapeInfoKey } from "./commands/hotkeys.ts";

/** Where the node is in its life, as the probes report it. */
export type NodePhase = "starting" | "serving" | "draining";

/** INFO's fields by section, as `/info` returns them (the dashboard's `InfoFields`). */
export type InfoSections = InfoFields;

/** What {@linkcode HttpEndpoints} needs from the node. */
export interface HttpEndpointsOptions {
  /** The address to bind (the node's host). */
  readonly hostname: string;
  /** The port; 0 picks a free one. */
  readonly port: number;
  /** INFO with every section, as the node answers `INFO everything`. */
  readonly info: () => string;
  /** The node's phase now. */
  readonly phase: () => NodePhase;
  /** The password `/metrics` and `/info` require; "" for none. */
  readonly password: () => string;
  /**
   * The command table's counters: commands and errors by name, and the
   * command latency histogram of `/metrics`.
   */
  readonly commandStats?: CommandStats;
  /** The PEM certificate and key to serve HTTPS with; plain HTTP without. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/**
 * Parses INFO's text: `# Section` lines, then `field:value` lines.
 *
 * @param text INFO's reply.
 * @returns The fields by lower-case section name.
 *
 * @example
 * ```ts
 * import { parseInfo } from "./http_endpoints.ts";
 * import assert from "node:assert/strict";
 *
 * const info = parseInfo("# Server\r\nrun_id:ab\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0\r\n");
 * assert.deepEqual(info, { server: { run_id: "ab" }, keyspace: { db0: "keys=1,expires=0" } });
 * ```
 */
export function parseInfo(text: string): InfoSections {
  const out: InfoSections = {};
  let section: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("# ")) {
      section = {};
      out[line.slice(2).trim().toLowerCase()] = section;
    } else {
      const colon = line.indexOf(":");
      if (colon > 0) section[line.slice(0, colon)] = line.slice(colon + 1);
    }
  }
  return out;
}

/**
 * A label value as the exposition format requires it: the byte string
 * read as UTF-8, a byte that is not part of a valid UTF-8 sequence (or a
 * control byte) shown as the text `\x..`; then `\`, `"` and newline
 * escaped as the format says (so `\x..` is written `\\x..`, which
 * Prometheus reads back as the four characters).
 *
 * @param value The label value, a byte string (one char per byte).
 * @returns The escaped text, without quotes.
 *
 * @example
 * ```ts
 * import { escapeLabel } from "./http_endpoints.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeLabel('a"b\n'), 'a\\"b\\n');
 * assert.equal(escapeLabel("caf\xc3\xa9"), "café"); // UTF-8 bytes
 * assert.equal(escapeLabel("\xff"), "\\\\xff"); // not UTF-8
 * ```
 */
export function escapeLabel(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += "\\n";
    else if (c >= 0x20 && c < 0x7f) out += value[i];
    else {
      const n = c >= 0xc2 && c <= 0xdf
        ? 2
        : c >= 0xe0 && c <= 0xef
        ? 3
        : c >= 0xf0 && c <= 0xf4
        ? 4
        : 0;
      const decoded = n === 0 ? undefined : utf8At(value, i, n);
      if (decoded === undefined) {
        out += "\\\\x" + c.toString(16).padStart(2, "0");
      } else {
        out += decoded;
        i += n - 1;
      }
    }
  }
  return out;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The character of the `n`-byte UTF-8 sequence at `i`, if it is valid. */
function utf8At(value: string, i: number, n: number): string | undefined {
  if (i + n > value.length) return undefined;
  const bytes = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const b = value.charCodeAt(i + k);
    if (k > 0 && (b < 0x80 || b > 0xbf)) return undefined;
    bytes[k] = b;
  }
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** One metric: name, type, help, and its samples (labels, value). */
interface Metric {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly help: string;
  readonly samples: readonly [labels: string, value: number][];
}

/**
 * The metrics that are one INFO field each: name, type, INFO section and
 * field, help. A field INFO lacks leaves its metric out.
 */
const INFO_METRICS: readonly (readonly [
  name: string,
  type: "counter" | "gauge",
  section: string,
  field: string,
  help: string,
])[] = [
  [
    "cachemir_uptime_seconds",
    "gauge",
    "server",
    "uptime_in_seconds",
    "Seconds since the node started.",
  ],
  [
    "cachemir_connected_clients",
    "gauge",
    "clients",
    "connected_clients",
    "Client connections open now.",
  ],
  [
    "cachemir_maxclients",
    "gauge",
    "clients",
    "maxclients",
    "The most client connections allowed.",
  ],
  [
    "cachemir_connections_received_total",
    "counter",
    "stats",
    "total_connections_received",
    "Connections accepted.",
  ],
  [
    "cachemir_connections_rejected_total",
    "counter",
    "stats",
    "rejected_connections",
    "Connections refused over maxclients.",
  ],
  [
    "cachemir_output_buffer_disconnections_total",
    "counter",
    "stats",
    "client_output_buffer_limit_disconnections",
    "Clients disconnected because their unread replies passed client-output-buffer-limit.",
  ],
  [
    "cachemir_commands_processed_total",
    "counter",
    "stats",
    "total_commands_processed",
    "Commands run, on both ports.",
  ],
  [
    "cachemir_error_replies_total",
    "counter",
    "stats",
    "total_error_replies",
    "Error replies of any kind (INFO's total_error_replies).",
  ],
  [
    "cachemir_auth_failures_total",
    "counter",
    "stats",
    "acl_access_denied_auth",
    "AUTH attempts refused.",
  ],
  [
    "cachemir_expired_keys_total",
    "counter",
    "stats",
    "expired_keys",
    "Keys deleted because they expired.",
  ],
  [
    "cachemir_evicted_keys_total",
    "counter",
    "stats",
    "evicted_keys",
    "Keys evicted to stay under maxmemory.",
  ],
  [
    "cachemir_keyspace_hits_total",
    "counter",
    "stats",
    "keyspace_hits",
    "Key lookups of read commands that found the key.",
  ],
  [
    "cachemir_keyspace_misses_total",
    "counter",
    "stats",
    "keyspace_misses",
    "Key lookups of read commands that did not.",
  ],
  [
    "cachemir_memory_used_bytes",
    "gauge",
    "memory",
    "used_memory",
    "used_memory: data and buffers.",
  ],
  [
    "cachemir_memory_max_bytes",
    "gauge",
    "memory",
    "maxmemory",
    "maxmemory (0: no limit).",
  ],
];

/** A number from INFO, or `NaN` when the field is missing. */
function field(info: InfoSections, section: string, name: string): number {
  const v = info[section]?.[name];
  return v === undefined ? NaN : Number(v);
}

/**
 * The upper bounds (`le`) of the command latency histogram, in seconds:
 * powers of two of nanoseconds from 2^10 (about 1 µs) to 2^30 (about 1 s),
 * a factor 4 apart. A power of two is a bucket boundary of the commands'
 * `LatencyHistogram` (server/commands/latency_histogram.ts), so each count
 * is exact.
 */
const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze(
  Array.from({ length: 11 }, (_, i) => 2 ** (10 + 2 * i) / 1e9),
);

/**
 * The metrics of the command table: runs, refusals, failures and time by
 * command, errors by kind, and a latency histogram per command (the
 * commands that ran; at most the table's ~90 commands, 14 series each).
 *
 * @param stats The table's counters.
 * @returns The exposition text of those metrics.
 */
function commandMetrics(stats: CommandStats): string {
  const commands = stats.commands();
  const byCommand = (
    name: string,
    help: string,
    value: (s: (typeof commands)[number]) => number,
  ): Metric => ({
    name,
    type: "counter",
    help,
    samples: commands.map((
      s,
    ) => [`command="${escapeLabel(s.name)}"`, value(s)]),
  });
  const metrics: Metric[] = [
    byCommand(
      "cachemir_commands_total",
      "Commands run, by name (INFO commandstats calls).",
      (s) => s.calls,
    ),
    byCommand(
      "cachemir_commands_rejected_total",
      "Commands refused before they ran (arity, NOAUTH, OOM), by name.",
      (s) => s.rejectedCalls,
    ),
    byCommand(
      "cachemir_commands_failed_total",
      "Commands that ran and replied an error, by name.",
      (s) => s.failedCalls,
    ),
    byCommand(
      "cachemir_commands_duration_seconds_total",
      "Time spent running commands, by name (INFO commandstats usec; scaled from the timed runs when timing is sampled).",
      (s) => s.usec / 1e6,
    ),
    {
      name: "cachemir_errors_total",
      type: "counter",
      help: "Error replies by kind: their first word (INFO errorstats).",
      samples: stats.errors().map((
        [code, n],
      ) => [`kind="${escapeLabel(code)}"`, n]),
    },
  ];
  let out = exposition(metrics);
  const timed = commands.filter((s) => s.latency.count > 0);
  if (timed.length > 0) {
    const name = "cachemir_command_duration_seconds";
    out += `# HELP ${name} Command run times, by name (the timed runs).\n` +
      `# TYPE ${name} histogram\n`;
    for (const s of timed) {
      const label = `command="${escapeLabel(s.name)}"`;
      for (const le of LATENCY_BUCKETS_SECONDS) {
        out += `${name}_bucket{${label},le="${le}"} ${
          s.latency.countAtOrBelow(Math.round(le * 1e9))
        }\n`;
      }
      out += `${name}_bucket{${label},le="+Inf"} ${s.latency.count}\n`;
      out += `${name}_sum{${label}} ${s.millis / 1000}\n`;
      out += `${name}_count{${label}} ${s.latency.count}\n`;
    }
  }
  return out;
}

/**
 * The hottest keys of INFO's `hotkeys` section
 * (`hotkey_<rank>:ops_per_sec=<n>,key=<key>`), as samples of one gauge:
 * labels `rank` and `key` (the key's bytes, escaped as a label value).
 */
function hotKeySamples(info: InfoSections): [string, number][] {
  const out: [string, number][] = [];
  for (const [name, text] of Object.entries(info.hotkeys ?? {})) {
    const m = /^hotkey_(\d+)$/.exec(name);
    const at = text.indexOf(",key=");
    if (m === null || at < 0 || !text.startsWith("ops_per_sec=")) continue;
    const key = unescapeInfoKey(text.slice(at + 5));
    out.push([
      `rank="${m[1]}",key="${escapeLabel(key)}"`,
      Number(text.slice(12, at)),
    ]);
  }
  return out;
}

/** The text of metrics; those with no finite sample are left out. */
function exposition(metrics: readonly Metric[]): string {
  let out = "";
  for (const m of metrics) {
    const samples = m.samples.filter(([, v]) => Number.isFinite(v));
    if (samples.length === 0) continue;
    out += `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n`;
    for (const [labels, value] of samples) {
      out += `${m.name}${labels === "" ? "" : `{${labels}}`} ${value}\n`;
    }
  }
  return out;
}

/**
 * The node's metrics in the Prometheus text format, from its INFO, the
 * command table's counters and the process's CPU and memory.
 *
 * @param info INFO's fields ({@linkcode parseInfo}).
 * @param stats The command table's counters, for the metrics by command
 * and by error kind and the latency histogram; none without it.
 * @returns The exposition text.
 *
 * @example
 * ```ts
 * import { prometheusMetrics } from "./http_endpoints.ts";
 * import assert from "node:assert/strict";
 *
 * const text = prometheusMetrics({ server: { cachemir_version: "0.1.0", run_id: "ab", uptime_in_seconds: "5" } });
 * assert.match(text, /^cachemir_uptime_seconds 5$/m);
 * assert.match(text, /^cachemir_build_info\{version="0\.1\.0",run_id="ab"\} 1$/m);
 * ```
 */
export function prometheusMetrics(
  info: InfoSections,
  stats?: CommandStats,
): string {
  const keys: [string, number][] = [];
  const expires: [string, number][] = [];
  for (const [db, text] of Object.entries(info.keyspace ?? {})) {
    const parts = Object.fromEntries(
      text.split(",").map((kv) => kv.split("=") as [string, string]),
    );
    const label = `db="${escapeLabel(db)}"`;
    keys.push([label, Number(parts.keys ?? 0)]);
    expires.push([label, Number(parts.expires ?? 0)]);
  }
  const cpu = process.cpuUsage();
  const metrics: Metric[] = [
    {
      name: "cachemir_build_info",
      type: "gauge",
      help: "The node's version and run id (constant 1).",
      samples: [[
        `version="${escapeLabel(info.server?.cachemir_version ?? "")}",` +
        `run_id="${escapeLabel(info.server?.run_id ?? "")}"`,
        1,
      ]],
    },
    ...INFO_METRICS.map(([name, type, section, f, help]): Metric => ({
      name,
      type,
      help,
      samples: [["", field(info, section, f)]],
    })),
    gauge("cachemir_keys", "Keys in the keyspace.", keys),
    gauge("cachemir_keys_with_expiry", "Keys with a time to live.", expires),
    gauge(
      "cachemir_hotkey_ops_per_second",
      "The hottest keys now (INFO hotkeys, HOTKEYS): estimated accesses per second, by rank and key.",
      hotKeySamples(info),
    ),
    gauge(
      "process_resident_memory_bytes",
      "Resident memory of the node's process.",
      [["", Deno.memoryUsage().rss]],
    ),
    counter(
      "process_cpu_seconds_total",
      "CPU time of the node's process (user and system).",
      (cpu.user + cpu.system) / 1e6,
    ),
  ];
  return exposition(metrics) +
    (stats === undefined ? "" : commandMetrics(stats));
}

function gauge(
  name: string,
  help: string,
  samples: [string, number][],
): Metric {
  return { name, type: "gauge", help, samples };
}

function counter(name: string, help: string, value: number): Metric {
  return { name, type: "counter", help, samples: [["", value]] };
}

/** Whether a request carries the password (basic auth or a bearer token). */
function authorized(request: Request, password: string): boolean {
  if (password === "") return true;
  const header = request.headers.get("authorization") ?? "";
  const space = header.indexOf(" ");
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  let given: string | undefined;
  if (scheme === "bearer") given = value;
  else if (scheme === "basic") {
    try {
      const decoded = atob(value); // a byte string
      const colon = decoded.indexOf(":");
      if (colon >= 0) given = decoded.slice(colon + 1);
    } catch {
      given = undefined;
    }
  }
  return given !== undefined && samePassword(given, password);
}

const TEXT = { "content-type": "text/plain; charset=utf-8" };
const METRICS = { "content-type": "text/plain; version=0.0.4; charset=utf-8" };

/**
 * The HTTP server of the endpoints.
 *
 * @example Serve the probes on a free port
 * ```ts
 * import { HttpEndpoints } from "./http_endpoints.ts";
 * import assert from "node:assert/strict";
 *
 * const http = new HttpEndpoints({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   info: () => "# Server\r\nuptime_in_seconds:1\r\n",
 *   phase: () => "serving",
 *   password: () => "",
 * });
 * const res = await fetch(`http://127.0.0.1:${http.port}/readyz`);
 * assert.equal(res.status, 200);
 * await res.body?.cancel();
 * await http.close();
 * ```
 */
export class HttpEndpoints {
  #server: Deno.HttpServer<Deno.NetAddr>;
  #options: HttpEndpointsOptions;
  /** The dashboard's sampler (hit ratio since the page's last request). */
  #sampler = new InfoSampler();

  /**
   * Starts serving.
   *
   * @param options Where to listen and what to report.
   */
  constructor(options: HttpEndpointsOptions) {
    this.#options = options;
    this.#server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      onListen: () => {},
      ...(options.tls === undefined
        ? {}
        : { cert: options.tls.cert, key: options.tls.key }),
    }, (request) => this.#handle(request));
  }

  /** The port it listens on. */
  get port(): number {
    return this.#server.addr.port;
  }

  #handle(request: Request): Response | Promise<Response> {
    const options = this.#options;
    const path = new URL(request.url).pathname;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed\n", {
        status: 405,
        headers: { ...TEXT, allow: "GET, HEAD" },
      });
    }
    switch (path) {
      case "/healthz":
        return new Response("ok\n", { headers: TEXT });
      case "/readyz": {
        const phase = options.phase();
        return new Response(`${phase}\n`, {
          status: phase === "serving" ? 200 : 503,
          headers: TEXT,
        });
      }
      case "/metrics":
      case "/info": {
        if (!authorized(request, options.password())) return unauthorized();
        const info = parseInfo(options.info());
        return path === "/info"
          ? Response.json(info)
          : new Response(prometheusMetrics(info, options.commandStats), {
            headers: METRICS,
          });
      }
      default:
        if (DASHBOARD_PATHS.has(path)) return this.#dashboard(request, path);
        return new Response("not found\n", { status: 404, headers: TEXT });
    }
  }

  /** The dashboard page and its data, for this node alone. */
  async #dashboard(request: Request, path: string): Promise<Response> {
    const options = this.#options;
    if (!authorized(request, options.password())) return unauthorized();
    const sample = () => {
      const info = parseInfo(options.info());
      const port = info.server?.cachemir_binary_port ?? "";
      const address = `${options.hostname}:${port}`;
      return summarize("node", [this.#sampler.sample(address, info)]);
    };
    const title = `node ${options.hostname}`;
    return (await dashboardResponse(path, title, sample))!;
  }

  /**
   * Stops serving (connections in progress finish).
   *
   * @returns Settles when the server has stopped.
   */
  close(): Promise<void> {
    return this.#server.shutdown();
  }
}

/** The answer to a request without the password: 401, asking for basic auth. */
function unauthorized(): Response {
  return new Response("authentication required\n", {
    status: 401,
    headers: { ...TEXT, "www-authenticate": 'Basic realm="cachemir"' },
  });
}
