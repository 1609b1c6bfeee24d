/**
 * The node's settings as data: one row per setting (its flag and config-file
 * key, its environment variable, how its value is parsed, its default,
 * whether it can change at run time, its help text). The command-line
 * parser, the environment, the config file, `--help`, the start-up log and
 * the README's table all read {@linkcode SETTINGS}; a new setting is one
 * more row here and one more field in {@linkcode NodeConfig}.
 *
 * @module
 */

import { DEFAULT_MAX_ARGS, DEFAULT_MAX_FRAME_BYTES } from "@cachemir/protocol";
import {
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormatName,
  type LogLevelName,
} from "./log.ts";
import {
  DEFAULT_MEMORY_LIMIT,
  EVICTION_POLICIES,
  type EvictionPolicy,
  isEvictionPolicy,
} from "./store/memory_limit.ts";
import { parseMemorySize } from "./commands/memory_size.ts";

/** How a node is configured. */
export interface NodeConfig {
  /** The config file read at start and on SIGHUP; "" = none. */
  readonly config: string;
  /** Address to bind. */
  readonly host: string;
  /** Binary-protocol port; 0 picks a free one. */
  readonly port: number;
  /** RESP (Redis protocol) port on the same host; 0 = no RESP listener. */
  readonly respPort: number;
  /** HTTP port of /metrics, /healthz, /readyz, /info; 0 = off. */
  readonly httpPort: number;
  /** Least severe level logged. */
  readonly logLevel: LogLevelName;
  /** Log lines as text, or as JSON lines. */
  readonly logFormat: LogFormatName;
  /** Largest frame payload accepted, in bytes. */
  readonly maxFrameBytes: number;
  /** Most arguments in one request. */
  readonly maxArgs: number;
  /**
   * The most bytes `used_memory` may reach (0 = no limit), or `"auto"`:
   * 75% of the memory the process may use (its cgroup's limit, else
   * physical memory; see `memory_budget.ts`).
   */
  readonly maxmemory: number | "auto";
  /** Which keys are evicted first when the limit is reached. */
  readonly maxmemoryPolicy: EvictionPolicy;
  /** Keys sampled per eviction, 1–64. */
  readonly maxmemorySamples: number;
  /** How slowly the LFU counter grows. */
  readonly lfuLogFactor: number;
  /** Minutes after which the LFU counter halves. */
  readonly lfuDecayTime: number;
  /** Most client connections at once, on both ports together. */
  readonly maxclients: number;
  /** Seconds a connection may stay idle before it is closed; 0 = never. */
  readonly timeout: number;
  /**
   * Bytes of unread replies a client may have waiting in the node before it
   * is disconnected; 0 = no limit (the node stops reading a client that
   * does not read its replies instead).
   */
  readonly clientOutputBufferLimit: number;
  /** Commands per second per connection (token bucket); 0 = no limit. */
  readonly rateLimit: number;
  /**
   * Most keys the client-side caching table tracks (CLIENT TRACKING); past
   * it the oldest are invalidated. 0 = no limit.
   */
  readonly trackingTableMaxKeys: number;
  /**
   * Seconds a stopping node waits for its connections to answer what they
   * read; past it, they are cut (and the exit status says so).
   */
  readonly shutdownTimeout: number;
  /** The password of the default user; "" = none (no AUTH needed). */
  readonly requirepass: string;
  /** A file whose first line is the password; "" = none. */
  readonly requirepassFile: string;
  /** Refuse to bind a non-loopback address without a password. */
  readonly protectedMode: boolean;
  /** Log commands that take at least this many µs; -1 = none, 0 = all. */
  readonly slowlogLogSlowerThan: number;
  /** Most entries the slow log keeps. */
  readonly slowlogMaxLen: number;
  /** O(1) commands (those with a direct form) are timed on one run in this many. */
  readonly timingSample: number;
  /** The hot-key sketch records one request in this many (0 = off). */
  readonly hotkeysSample: number;
  /**
   * The PEM file of the certificate (chain) both ports and the HTTP port
   * serve TLS with; "" = plain TCP. Needs `tlsKey`.
   */
  readonly tlsCert: string;
  /** The PEM file of `tlsCert`'s private key; "" = none. */
  readonly tlsKey: string;
  /**
   * The PEM file of the CA that must have signed every client's
   * certificate on the binary and RESP ports; "" = no client certificates
   * asked for.
   */
  readonly tlsCa: string;
}

/** A value a setting refuses: the text says what it expects. */
export class SettingValueError extends Error {
  /**
   * @param expected What the setting accepts, e.g. `expected an integer from 0 to 65535`.
   */
  constructor(expected: string) {
    super(expected);
    this.name = "SettingValueError";
  }
}

/** One setting: where it comes from, how it is read, what it means. */
export interface Setting<K extends keyof NodeConfig = keyof NodeConfig> {
  /** The flag without `--`, and the config file's key: `maxmemory-policy`. */
  readonly name: string;
  /** The field of {@linkcode NodeConfig}. */
  readonly key: K;
  /** The environment variable: `CACHEMIR_` and the name in upper snake case. */
  readonly env: string;
  /** What the flag takes, for `--help`: `<n>`, `<size>`... */
  readonly arg: string;
  /**
   * Reads a value given as text (flag, environment, or a file's value as
   * text).
   *
   * @throws {SettingValueError} When the value is not accepted.
   */
  readonly parse: (raw: string) => NodeConfig[K];
  /** The value as text (logs, CONFIG GET). */
  readonly format: (value: NodeConfig[K]) => string;
  /** The value a node takes when no source gives one. */
  readonly default: NodeConfig[K];
  /** The default as the help and the README show it. */
  readonly defaultText: string;
  /**
   * `true` when SIGHUP can change it on a running node (CONFIG SET can too
   * for those Redis has: the memory limit's, maxclients, timeout,
   * requirepass).
   */
  readonly runtime: boolean;
  /** One line on what it does. */
  readonly help: string;
  /** `true` for a secret: logged as `(set)`, never its value. */
  readonly secret?: boolean;
}

const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;

/**
 * The environment variable of a setting.
 *
 * @param name The setting's name.
 * @returns `CACHEMIR_` and the name in upper snake case.
 *
 * @example
 * ```ts
 * import { envName } from "./settings.ts";
 * console.log(envName("maxmemory-policy")); // "CACHEMIR_MAXMEMORY_POLICY"
 * ```
 */
export function envName(name: string): string {
  return `CACHEMIR_${name.toUpperCase().replaceAll("-", "_")}`;
}

/** An integer within bounds; a minus sign only when `min` is negative (`-1`). */
function integer(min: number, max: number): (raw: string) => number {
  const digits = min < 0 ? /^-?\d+$/ : /^\d+$/;
  return (raw) => {
    const n = Number(raw);
    if (!digits.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new SettingValueError(
        `expected an integer from ${min} to ${max}`,
      );
    }
    return n;
  };
}

function memorySize(raw: string): number {
  const bytes = /^\d/.test(raw) ? parseMemorySize(raw) : undefined;
  if (bytes === undefined) {
    throw new SettingValueError(
      "expected bytes or a size with a unit (k=1000, kb=1024, m, mb, g, gb; e.g. 256mb), 0 = no limit",
    );
  }
  return bytes;
}

function policy(raw: string): EvictionPolicy {
  const name = raw.toLowerCase();
  if (!isEvictionPolicy(name)) {
    throw new SettingValueError(
      `expected one of ${EVICTION_POLICIES.join(", ")}`,
    );
  }
  return name;
}

function logFormat(raw: string): LogFormatName {
  if (!(LOG_FORMATS as readonly string[]).includes(raw)) {
    throw new SettingValueError(`expected one of ${LOG_FORMATS.join(", ")}`);
  }
  return raw as LogFormatName;
}

function logLevel(raw: string): LogLevelName {
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new SettingValueError(`expected one of ${LOG_LEVELS.join(", ")}`);
  }
  return raw as LogLevelName;
}

function nonEmpty(raw: string): string {
  if (raw === "") throw new SettingValueError("expected an address, not empty");
  return raw;
}

function yesNo(raw: string): boolean {
  const v = raw.toLowerCase();
  if (v === "yes" || v === "true") return true;
  if (v === "no" || v === "false") return false;
  throw new SettingValueError("expected yes or no");
}

const yesNoText = (v: boolean): string => v ? "yes" : "no";

function anyText(raw: string): string {
  return raw;
}

function row<K extends keyof NodeConfig>(
  s: Omit<Setting<K>, "env" | "format" | "defaultText"> & {
    readonly format?: (value: NodeConfig[K]) => string;
    readonly defaultText?: string;
  },
): Setting<K> {
  const format = s.format ?? ((v: NodeConfig[K]) => String(v));
  return Object.freeze({
    ...s,
    env: envName(s.name),
    format,
    defaultText: s.defaultText ?? format(s.default),
  });
}

/** Every setting, in the order `--help` and the README list them. */
export const SETTINGS: readonly Setting[] = Object.freeze([
  row({
    name: "config",
    key: "config",
    arg: "<file>",
    parse: anyText,
    default: "",
    defaultText: "none",
    runtime: false,
    help:
      "TOML file of settings (keys are these names); re-read on SIGHUP (flag or environment only)",
  }),
  row({
    name: "host",
    key: "host",
    arg: "<addr>",
    parse: nonEmpty,
    default: "127.0.0.1",
    runtime: false,
    help: "address to bind",
  }),
  row({
    name: "port",
    key: "port",
    arg: "<n>",
    parse: integer(0, 65535),
    default: 7379,
    runtime: false,
    help: "binary-protocol port (0 = any free port, printed at start)",
  }),
  row({
    name: "resp-port",
    key: "respPort",
    arg: "<n>",
    parse: integer(0, 65535),
    default: 0,
    runtime: false,
    help: "also serve RESP (Redis's protocol) on this port; 0 = off",
  }),
  row({
    name: "http-port",
    key: "httpPort",
    arg: "<n>",
    parse: integer(0, 65535),
    default: 0,
    runtime: false,
    help:
      "serve /metrics (Prometheus), /healthz, /readyz, /info and the dashboard (/) on this port; 0 = off",
  }),
  row({
    name: "log-level",
    key: "logLevel",
    arg: "<level>",
    parse: logLevel,
    default: "info",
    runtime: true,
    help: "debug, info, warn or error (logs go to stderr)",
  }),
  row({
    name: "log-format",
    key: "logFormat",
    arg: "<text|json>",
    parse: logFormat,
    default: "text",
    runtime: true,
    help:
      "text lines, or JSON lines (@timestamp, level, message, logger and the record's fields)",
  }),
  row({
    name: "max-frame-bytes",
    key: "maxFrameBytes",
    arg: "<n>",
    parse: integer(64, 2 ** 31),
    default: DEFAULT_MAX_FRAME_BYTES,
    runtime: false,
    help: "largest request payload (on RESP: largest bulk and request)",
  }),
  row({
    name: "max-args",
    key: "maxArgs",
    arg: "<n>",
    parse: integer(1, 2 ** 31),
    default: DEFAULT_MAX_ARGS,
    runtime: false,
    help: "most arguments in one request (RESP: multibulk count)",
  }),
  row({
    name: "maxmemory",
    key: "maxmemory",
    arg: "<size>",
    parse: memorySize,
    default: "auto",
    defaultText: "75%",
    runtime: true,
    help:
      "memory limit: bytes, or k=1000 kb=1024 m mb g gb, any case (256mb); 0 = none; by default 75% of the cgroup's limit, else of physical memory",
  }),
  row({
    name: "maxmemory-policy",
    key: "maxmemoryPolicy",
    arg: "<policy>",
    parse: policy,
    default: DEFAULT_MEMORY_LIMIT.policy,
    runtime: true,
    help: `what to evict at the limit: ${EVICTION_POLICIES.join(", ")}`,
  }),
  row({
    name: "maxmemory-samples",
    key: "maxmemorySamples",
    arg: "<n>",
    parse: integer(1, 64),
    default: DEFAULT_MEMORY_LIMIT.samples,
    runtime: true,
    help: "keys sampled per eviction, 1 to 64",
  }),
  row({
    name: "lfu-log-factor",
    key: "lfuLogFactor",
    arg: "<n>",
    parse: integer(0, INT_MAX),
    default: DEFAULT_MEMORY_LIMIT.lfuLogFactor,
    runtime: true,
    help: "how slowly the LFU counter grows",
  }),
  row({
    name: "lfu-decay-time",
    key: "lfuDecayTime",
    arg: "<n>",
    parse: integer(0, INT_MAX),
    default: DEFAULT_MEMORY_LIMIT.lfuDecayTime,
    runtime: true,
    help: "minutes after which the LFU counter halves",
  }),
  row({
    name: "maxclients",
    key: "maxclients",
    arg: "<n>",
    parse: integer(1, UINT_MAX),
    default: 10000,
    runtime: true,
    help:
      "most connections at once, both ports together; one more gets ERR max number of clients reached and is closed",
  }),
  row({
    name: "timeout",
    key: "timeout",
    arg: "<seconds>",
    parse: integer(0, INT_MAX),
    default: 0,
    runtime: true,
    help: "close a connection idle this long; 0 = never",
  }),
  row({
    name: "client-output-buffer-limit",
    key: "clientOutputBufferLimit",
    arg: "<size>",
    parse: memorySize,
    default: 0,
    defaultText: "0 (no limit)",
    runtime: true,
    help:
      "disconnect a client whose unread replies waiting in the node pass this size (logged at warn); 0 = no limit: a client that does not read stops being read (at most about 1 MiB waits for it)",
  }),
  row({
    name: "rate-limit",
    key: "rateLimit",
    arg: "<n>",
    parse: integer(0, INT_MAX),
    default: 0,
    defaultText: "0 (off)",
    runtime: true,
    help:
      "commands per second per connection (bursts of one second's worth); past it the node stops reading that connection until it may run more; nothing is dropped; 0 = off",
  }),
  row({
    name: "tracking-table-max-keys",
    key: "trackingTableMaxKeys",
    arg: "<n>",
    parse: integer(0, INT_MAX),
    default: 1_000_000,
    runtime: true,
    help:
      "most keys the node remembers for client-side caching (CLIENT TRACKING, the client's near cache); past it the oldest tracked keys are invalidated; 0 = no limit",
  }),
  row({
    name: "shutdown-timeout",
    key: "shutdownTimeout",
    arg: "<seconds>",
    parse: integer(0, INT_MAX),
    default: 10,
    runtime: false,
    help:
      "on SIGTERM, wait this long for connections to answer what they read, then cut them (exit status 3)",
  }),
  row({
    name: "requirepass",
    key: "requirepass",
    arg: "<password>",
    parse: anyText,
    default: "",
    defaultText: "none",
    runtime: true,
    secret: true,
    help: "password clients must give with AUTH (or HELLO ... AUTH) first",
  }),
  row({
    name: "requirepass-file",
    key: "requirepassFile",
    arg: "<file>",
    parse: anyText,
    default: "",
    defaultText: "none",
    runtime: true,
    help:
      "read the password from this file's first line (instead of requirepass)",
  }),
  row({
    name: "protected-mode",
    key: "protectedMode",
    arg: "<yes|no>",
    parse: yesNo,
    format: yesNoText,
    default: true,
    runtime: false,
    help:
      "refuse to start on a non-loopback host without a password (no = allow)",
  }),
  row({
    name: "slowlog-log-slower-than",
    key: "slowlogLogSlowerThan",
    arg: "<µs>",
    parse: integer(-1, Number.MAX_SAFE_INTEGER),
    default: 10000,
    runtime: true,
    help:
      "log commands that take at least this many microseconds in SLOWLOG; -1 = none (as a flag: --slowlog-log-slower-than=-1), 0 = every command",
  }),
  row({
    name: "slowlog-max-len",
    key: "slowlogMaxLen",
    arg: "<n>",
    parse: integer(0, Number.MAX_SAFE_INTEGER),
    default: 128,
    runtime: true,
    help: "most entries SLOWLOG keeps; the oldest go first",
  }),
  row({
    name: "timing-sample",
    key: "timingSample",
    arg: "<n>",
    parse: integer(1, 1024),
    default: 16,
    runtime: true,
    help:
      "time one run in n of each O(1) command (GET, SET, INCR, HSET, SADD...; a clock read costs about as much as one): their usec and latency percentiles are estimated from those, calls and errors stay exact; 1 = every run, as Redis; other commands, and every command while slowlog-log-slower-than is 0, are always timed",
  }),
  row({
    name: "hotkeys-sample",
    key: "hotkeysSample",
    arg: "<n>",
    parse: integer(0, 1024),
    default: 16,
    runtime: false,
    help:
      "the hot-key sketch (HOTKEYS, INFO hotkeys, /metrics) records the keys of one request in n, on average; 1 = every request, 0 = off (HOTKEYS lists nothing)",
  }),
  row({
    name: "tls-cert",
    key: "tlsCert",
    arg: "<file>",
    parse: anyText,
    default: "",
    defaultText: "none",
    runtime: false,
    help:
      "serve TLS on the binary, RESP and HTTP ports with this PEM certificate (chain); needs tls-key",
  }),
  row({
    name: "tls-key",
    key: "tlsKey",
    arg: "<file>",
    parse: anyText,
    default: "",
    defaultText: "none",
    runtime: false,
    help: "the PEM private key of tls-cert",
  }),
  row({
    name: "tls-ca",
    key: "tlsCa",
    arg: "<file>",
    parse: anyText,
    default: "",
    defaultText: "none",
    runtime: false,
    help:
      "require a client certificate signed by this PEM CA on the binary and RESP ports (needs tls-cert and tls-key)",
  }),
] as Setting[]);

/** The defaults of every setting. */
export const DEFAULT_CONFIG: NodeConfig = Object.freeze(
  Object.fromEntries(SETTINGS.map((s) => [s.key, s.default])),
) as unknown as NodeConfig;

/**
 * Looks a setting up by its name (flag or config key).
 *
 * @param name The name, e.g. `maxclients`.
 * @returns The setting, or `undefined`.
 *
 * @example
 * ```ts
 * import { settingByName } from "./settings.ts";
 * console.log(settingByName("maxmemory-policy")?.env); // "CACHEMIR_MAXMEMORY_POLICY"
 * ```
 */
export function settingByName(name: string): Setting | undefined {
  return SETTINGS.find((s) => s.name === name);
}

/**
 * A setting's value as text for a log line: a secret shows `(set)` or
 * `(none)`.
 *
 * @param s The setting.
 * @param config The configuration.
 * @returns The text.
 */
export function displayValue(s: Setting, config: NodeConfig): string {
  const value = config[s.key];
  if (s.secret) return value === "" ? "(none)" : "(set)";
  return (s.format as (v: unknown) => string)(value);
}

/**
 * The README's table of settings, as Markdown rows (not padded: `deno fmt`
 * aligns them).
 *
 * @returns The header, the separator and one row per setting.
 *
 * @example
 * ```ts
 * import { settingsTable } from "./settings.ts";
 * console.log(settingsTable()[0]);
 * // | flag | environment variable | config key | default | runtime | meaning |
 * ```
 */
export function settingsTable(): string[] {
  const lines = [
    "| flag | environment variable | config key | default | runtime | meaning |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const s of SETTINGS) {
    const key = s.name === "config" ? "—" : `\`${s.name}\``;
    lines.push(
      `| \`--${s.name} ${
        s.arg.replaceAll("|", "\\|")
      }\` | \`${s.env}\` | ${key} | \`${s.defaultText}\` | ${
        s.runtime ? "yes" : "no"
      } | ${s.help.replaceAll("|", "\\|")} |`,
    );
  }
  return lines;
}
