/**
 * {@linkcode HttpEndpoints}: the node's HTTP port for operators
 * (`--http-port`): `/healthz` (liveness), `/readyz` (readiness), `/metrics`
 * (Prometheus text exposition format 0.0.4) and `/info` (INFO's fields as
 * JSON). With a password set, `/metrics` and `/info` require it (HTTP basic
 * auth, any user name, or `Authorization: Bearer <password>`); the probes
 * never do.
 *
 * @module
 */

import process from "node:process";
import { samePassword } from "./commands/auth.ts";

/** Where the node is in its life, as the probes report it. */
export type NodePhase = "starting" | "serving" | "draining";

/** INFO's fields by section, as `/info` returns them. */
export type InfoSections = Record<string, Record<string, string>>;

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
 * Escapes a label value as the exposition format requires (`\\`, `"`,
 * newline), and shows bytes that are not printable ASCII as `\x..`.
 *
 * @param value The label value, a byte string.
 * @returns The escaped text, without quotes.
 *
 * @example
 * ```ts
 * import { escapeLabel } from "./http_endpoints.ts";
 * console.log(escapeLabel('a"b\n\xff')); // a\"b\n\xff
 * ```
 */
export function escapeLabel(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += "\\n";
    else if (c < 0x20 || c > 0x7e) {
      out += "\\x" + c.toString(16).padStart(2, "0");
    } else out += value[i];
  }
  return out;
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
    "cachemir_commands_processed_total",
    "counter",
    "stats",
    "total_commands_processed",
    "Commands run, on both ports.",
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
 * The node's metrics in the Prometheus text format, from its INFO and the
 * process's CPU and memory.
 *
 * @param info INFO's fields ({@linkcode parseInfo}).
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
export function prometheusMetrics(info: InfoSections): string {
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
    }, (request) => this.#handle(request));
  }

  /** The port it listens on. */
  get port(): number {
    return this.#server.addr.port;
  }

  #handle(request: Request): Response {
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
        if (!authorized(request, options.password())) {
          return new Response("authentication required\n", {
            status: 401,
            headers: { ...TEXT, "www-authenticate": 'Basic realm="cachemir"' },
          });
        }
        const info = parseInfo(options.info());
        return path === "/info"
          ? Response.json(info)
          : new Response(prometheusMetrics(info), { headers: METRICS });
      }
      default:
        return new Response("not found\n", { status: 404, headers: TEXT });
    }
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
