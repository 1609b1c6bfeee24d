/**
 * The node's command-line flags, parsed and checked.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { DEFAULT_MAX_ARGS, DEFAULT_MAX_FRAME_BYTES } from "@cachemir/protocol";
import { LOG_LEVELS, type LogLevelName } from "./log.ts";
import {
  DEFAULT_MEMORY_LIMIT,
  EVICTION_POLICIES,
  type EvictionPolicy,
  isEvictionPolicy,
} from "./store/memory_limit.ts";
import { parseMemorySize } from "./commands/memory_size.ts";

/** How a node is configured. */
export interface NodeConfig {
  /** Address to bind. */
  readonly host: string;
  /** Binary-protocol port; 0 picks a free one. */
  readonly port: number;
  /** RESP (Redis protocol) port on the same host; 0 = no RESP listener. */
  readonly respPort: number;
  /** Least severe level logged. */
  readonly logLevel: LogLevelName;
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
}

/** The defaults of every flag. */
export const DEFAULT_CONFIG: NodeConfig = Object.freeze({
  host: "127.0.0.1",
  port: 7379,
  respPort: 0,
  logLevel: "info",
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxArgs: DEFAULT_MAX_ARGS,
  maxmemory: "auto",
  maxmemoryPolicy: DEFAULT_MEMORY_LIMIT.policy,
  maxmemorySamples: DEFAULT_MEMORY_LIMIT.samples,
  lfuLogFactor: DEFAULT_MEMORY_LIMIT.lfuLogFactor,
  lfuDecayTime: DEFAULT_MEMORY_LIMIT.lfuDecayTime,
});

/** The `--help` text. */
export const USAGE: string = `Usage: deno run -A server/main.ts [options]

Options:
  --host <addr>             address to bind (default ${DEFAULT_CONFIG.host})
  --port <n>                binary-protocol port, 0 = any free port (default ${DEFAULT_CONFIG.port})
  --resp-port <n>           also serve RESP (redis-cli, Redis clients) on this port, 0 = off (default ${DEFAULT_CONFIG.respPort})
  --log-level <level>       debug | info | warn | error (default ${DEFAULT_CONFIG.logLevel})
  --max-frame-bytes <n>     largest request payload accepted (default ${DEFAULT_CONFIG.maxFrameBytes})
  --max-args <n>            most arguments in one request (default ${DEFAULT_CONFIG.maxArgs})
  --maxmemory <size>        memory limit: bytes, or with a unit k=1000 kb=1024 m mb g gb
                            (e.g. 256mb); 0 = no limit (default 75% of the cgroup's
                            memory limit, else of physical memory)
  --maxmemory-policy <p>    what to do at the limit: ${
  EVICTION_POLICIES.slice(0, 4).join(", ")
},
                            ${
  EVICTION_POLICIES.slice(4).join(", ")
} (default ${DEFAULT_CONFIG.maxmemoryPolicy})
  --maxmemory-samples <n>   keys sampled per eviction, 1 to 64 (default ${DEFAULT_CONFIG.maxmemorySamples})
  --lfu-log-factor <n>      how slowly the LFU counter grows (default ${DEFAULT_CONFIG.lfuLogFactor})
  --lfu-decay-time <n>      minutes after which the LFU counter halves (default ${DEFAULT_CONFIG.lfuDecayTime})
  -h, --help                show this text
`;

/** A flag that could not be accepted. */
export class ConfigError extends Error {
  /**
   * @param message What is wrong, naming the flag and the value.
   */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(
      `Invalid --${flag} ${
        JSON.stringify(raw)
      }: expected an integer from ${min} to ${max}`,
    );
  }
  return n;
}

const INT_MAX = 2147483647;

function memorySize(flag: string, raw: string): number {
  const bytes = /^\d/.test(raw) ? parseMemorySize(raw) : undefined;
  if (bytes === undefined) {
    throw new ConfigError(
      `Invalid --${flag} ${
        JSON.stringify(raw)
      }: expected bytes or a size with a unit (k=1000, kb=1024, m, mb, g, gb; e.g. 256mb), 0 = no limit`,
    );
  }
  return bytes;
}

function policy(flag: string, raw: string): EvictionPolicy {
  const name = raw.toLowerCase();
  if (!isEvictionPolicy(name)) {
    throw new ConfigError(
      `Invalid --${flag} ${JSON.stringify(raw)}: expected one of ${
        EVICTION_POLICIES.join(", ")
      }`,
    );
  }
  return name;
}

/**
 * Parses the node's flags.
 *
 * @param argv The arguments after the script name.
 * @returns The configuration, or `"help"` when `--help` was given.
 * @throws {ConfigError} On an unknown flag or a bad value.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./config.ts";
 * const config = parseConfig(["--port", "7400", "--log-level", "warn"]);
 * console.log(config !== "help" && config.port); // 7400
 * ```
 */
export function parseConfig(argv: readonly string[]): NodeConfig | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "resp-port": { type: "string" },
        "log-level": { type: "string" },
        "max-frame-bytes": { type: "string" },
        "max-args": { type: "string" },
        maxmemory: { type: "string" },
        "maxmemory-policy": { type: "string" },
        "maxmemory-samples": { type: "string" },
        "lfu-log-factor": { type: "string" },
        "lfu-decay-time": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  const logLevel = v["log-level"] ?? DEFAULT_CONFIG.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(
      `Invalid --log-level ${JSON.stringify(logLevel)}: expected one of ${
        LOG_LEVELS.join(", ")
      }`,
    );
  }
  const host = v.host ?? DEFAULT_CONFIG.host;
  if (host === "") throw new ConfigError("Invalid --host: empty address");
  return {
    host,
    port: v.port === undefined
      ? DEFAULT_CONFIG.port
      : integer("port", v.port, 0, 65535),
    respPort: v["resp-port"] === undefined
      ? DEFAULT_CONFIG.respPort
      : integer("resp-port", v["resp-port"], 0, 65535),
    logLevel: logLevel as LogLevelName,
    maxFrameBytes: v["max-frame-bytes"] === undefined
      ? DEFAULT_CONFIG.maxFrameBytes
      : integer("max-frame-bytes", v["max-frame-bytes"], 64, 2 ** 31),
    maxArgs: v["max-args"] === undefined
      ? DEFAULT_CONFIG.maxArgs
      : integer("max-args", v["max-args"], 1, 2 ** 31),
    maxmemory: v.maxmemory === undefined
      ? DEFAULT_CONFIG.maxmemory
      : memorySize("maxmemory", v.maxmemory),
    maxmemoryPolicy: v["maxmemory-policy"] === undefined
      ? DEFAULT_CONFIG.maxmemoryPolicy
      : policy("maxmemory-policy", v["maxmemory-policy"]),
    maxmemorySamples: v["maxmemory-samples"] === undefined
      ? DEFAULT_CONFIG.maxmemorySamples
      : integer("maxmemory-samples", v["maxmemory-samples"], 1, 64),
    lfuLogFactor: v["lfu-log-factor"] === undefined
      ? DEFAULT_CONFIG.lfuLogFactor
      : integer("lfu-log-factor", v["lfu-log-factor"], 0, INT_MAX),
    lfuDecayTime: v["lfu-decay-time"] === undefined
      ? DEFAULT_CONFIG.lfuDecayTime
      : integer("lfu-decay-time", v["lfu-decay-time"], 0, INT_MAX),
  };
}
