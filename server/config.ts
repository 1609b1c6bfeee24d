/**
 * The node's configuration from its four sources, in order of precedence:
 * command-line flags, `CACHEMIR_*` environment variables, the TOML file
 * named by `--config`, and the defaults. Every setting is a row of
 * {@linkcode SETTINGS} (`settings.ts`); this module only reads the sources.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parse as parseToml } from "smol-toml";
import {
  DEFAULT_CONFIG,
  envName,
  type NodeConfig,
  type Setting,
  SETTINGS,
  SettingValueError,
} from "./settings.ts";

export { DEFAULT_CONFIG, type NodeConfig } from "./settings.ts";

/** A setting or source that could not be accepted. */
export class ConfigError extends Error {
  /**
   * @param message What is wrong, naming the source (flag, environment
   * variable or `file:key`) and the value.
   */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Where the sources are read from (the process's by default in `main.ts`). */
export interface ConfigSources {
  /**
   * The environment; `CACHEMIR_<NAME>` variables are read from it.
   * @default {no variables}
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Reads a file (the config file, the password file).
   * @default {Deno.readTextFileSync}
   */
  readonly readTextFile?: (path: string) => string;
}

/** A configuration with where each setting came from. */
export interface LoadedConfig {
  /** The effective settings. */
  readonly config: NodeConfig;
  /**
   * Where each setting's value came from, by setting name: `--port`,
   * `CACHEMIR_PORT`, `node.toml:port` or `default`.
   */
  readonly sources: Readonly<Record<string, string>>;
}

/** The `--help` text. */
export const USAGE: string = usage();

function usage(): string {
  const left = SETTINGS.map((s) => `  --${s.name} ${s.arg}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = SETTINGS.map((s, i) =>
    `${left[i].padEnd(width)}${s.help} (default ${s.defaultText}${
      s.runtime ? "; changes on SIGHUP" : ""
    })`
  );
  return `Usage: deno run -A server/main.ts [options]

Every option is also read from the environment variable CACHEMIR_<NAME>
(e.g. CACHEMIR_MAXMEMORY_POLICY=allkeys-lfu) and from the TOML file given
by --config (e.g. maxmemory-policy = "allkeys-lfu"); a flag wins over the
environment, the environment over the file, the file over the default.

Options:
${lines.join("\n")}
${"  -h, --help".padEnd(width)}show this text
${"  --version".padEnd(width)}print the version
`;
}

function invalid(source: string, shown: string, e: unknown): ConfigError {
  if (e instanceof SettingValueError) {
    return new ConfigError(`Invalid ${source} ${shown}: ${e.message}`);
  }
  throw e;
}

const FLAG_OPTIONS = Object.fromEntries([
  ...SETTINGS.map((s) => [s.name, { type: "string" as const }]),
  ["help", { type: "boolean" as const, short: "h" }],
  ["version", { type: "boolean" as const }],
]);

/** Reads the config file's table into raw values by setting name. */
function readFile(
  path: string,
  read: (path: string) => string,
): Map<Setting, { raw: string; shown: string }> {
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    throw new ConfigError(
      `Cannot read the config file ${path}: ${(e as Error).message}`,
    );
  }
  let table: Record<string, unknown>;
  try {
    table = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(
      `Cannot parse the config file ${path}: ${(e as Error).message}`,
    );
  }
  const out = new Map<Setting, { raw: string; shown: string }>();
  for (const [key, value] of Object.entries(table)) {
    const s = SETTINGS.find((x) => x.name === key && x.name !== "config");
    if (s === undefined) {
      throw new ConfigError(
        `Unknown key ${path}:${key}: expected one of ${
          SETTINGS.filter((x) => x.name !== "config").map((x) => x.name).join(
            ", ",
          )
        }`,
      );
    }
    const shown = typeof value === "bigint"
      ? String(value)
      : JSON.stringify(value);
    if (
      typeof value !== "string" && typeof value !== "boolean" &&
      !(typeof value === "number" && Number.isInteger(value))
    ) {
      throw new ConfigError(
        `Invalid ${path}:${key} ${shown}: expected a string, an integer or a boolean`,
      );
    }
    out.set(s, { raw: String(value), shown });
  }
  return out;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/**
 * Reads the node's configuration from flags, environment and config file.
 *
 * @param argv The arguments after the script name.
 * @param sources The environment and how files are read.
 * @returns The configuration and where each setting came from; `"help"`
 * for `--help`, `"version"` for `--version`.
 * @throws {ConfigError} On an unknown flag or file key, a bad value (naming
 * its source), an unreadable file, or a non-loopback host without a
 * password in protected mode.
 *
 * @example Flags win over the environment, which wins over the file
 * ```ts
 * import { loadConfig } from "./config.ts";
 * const loaded = loadConfig(["--port", "7400", "--config", "node.toml"], {
 *   env: { CACHEMIR_PORT: "7500", CACHEMIR_MAXMEMORY_SAMPLES: "10" },
 *   readTextFile: () => 'maxmemory-samples = 3\nmaxmemory-policy = "allkeys-lfu"',
 * });
 * if (typeof loaded === "object") {
 *   console.log(loaded.config.port, loaded.config.maxmemorySamples); // 7400 10
 *   console.log(loaded.sources["maxmemory-policy"]); // "node.toml:maxmemory-policy"
 * }
 * ```
 */
export function loadConfig(
  argv: readonly string[],
  sources: ConfigSources = {},
): LoadedConfig | "help" | "version" {
  const env = sources.env ?? {};
  const read = sources.readTextFile ?? Deno.readTextFileSync;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: FLAG_OPTIONS,
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  if (flags.help) return "help";
  if (flags.version) return "version";
  const configPath = (flags.config as string | undefined) ??
    env[envName("config")] ?? "";
  const file = configPath === "" ? undefined : readFile(configPath, read);
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  const from: Record<string, string> = {};
  for (const s of SETTINGS) {
    const flag = flags[s.name] as string | undefined;
    const fromEnv = env[s.env];
    const inFile = file?.get(s);
    let source = "default";
    try {
      if (flag !== undefined) {
        source = `--${s.name}`;
        config[s.key] = s.parse(flag);
      } else if (fromEnv !== undefined) {
        source = s.env;
        config[s.key] = s.parse(fromEnv);
      } else if (inFile !== undefined) {
        source = `${configPath}:${s.name}`;
        config[s.key] = s.parse(inFile.raw);
      }
    } catch (e) {
      const shown = source.startsWith("--")
        ? JSON.stringify(flag)
        : source === s.env
        ? JSON.stringify(fromEnv)
        : inFile!.shown;
      throw invalid(source, shown, e);
    }
    from[s.name] = source;
  }
  if (config.requirepassFile !== "") {
    const fileSource = from["requirepass-file"];
    if (config.requirepass !== "") {
      throw new ConfigError(
        `Both ${
          from["requirepass"]
        } and ${fileSource} give a password: give one`,
      );
    }
    let text: string;
    try {
      text = read(config.requirepassFile as string);
    } catch (e) {
      throw new ConfigError(
        `Cannot read ${fileSource} ${config.requirepassFile}: ${
          (e as Error).message
        }`,
      );
    }
    const password = text.split(/\r?\n/, 1)[0];
    if (password === "") {
      throw new ConfigError(
        `Invalid ${fileSource} ${config.requirepassFile}: its first line is empty`,
      );
    }
    config.requirepass = password;
    from["requirepass"] = fileSource;
  }
  const host = config.host as string;
  if (config.protectedMode && config.requirepass === "" && !isLoopback(host)) {
    throw new ConfigError(
      `Refusing to listen on ${host} (${
        from["host"]
      }) without a password: protected mode lets a node without one bind only a loopback address. Set --requirepass (or --requirepass-file), bind 127.0.0.1, or pass --protected-mode no`,
    );
  }
  return {
    config: Object.freeze(config) as unknown as NodeConfig,
    sources: from,
  };
}

/**
 * Parses the node's flags (and, given `sources`, its environment and config
 * file): {@linkcode loadConfig} without the sources of each value.
 *
 * @param argv The arguments after the script name.
 * @param sources The environment and how files are read.
 * @returns The configuration, or `"help"` / `"version"`.
 * @throws {ConfigError} As {@linkcode loadConfig}.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./config.ts";
 * const config = parseConfig(["--port", "7400", "--log-level", "warn"]);
 * console.log(typeof config === "object" && config.port); // 7400
 * ```
 */
export function parseConfig(
  argv: readonly string[],
  sources: ConfigSources = {},
): NodeConfig | "help" | "version" {
  const loaded = loadConfig(argv, sources);
  return typeof loaded === "string" ? loaded : loaded.config;
}
