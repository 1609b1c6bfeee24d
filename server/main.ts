/**
 * The CacheMir node's command line: `deno run -A server/main.ts [options]`.
 * Run with `--help` for the options; each is also read from a `CACHEMIR_*`
 * environment variable and from the TOML file given by `--config`.
 * SIGINT or SIGTERM stop the node gracefully (every request read is
 * answered) and exit with status 0, or 3 when connections still answering
 * after `--shutdown-timeout` were cut; so does a client's SHUTDOWN; SIGHUP
 * reads the configuration again and applies the settings that can change
 * at run time.
 *
 * @module
 */

import {
  ConfigError,
  type ConfigSources,
  loadConfig,
  type LoadedConfig,
  USAGE,
} from "./config.ts";
import { displayValue, type NodeConfig, SETTINGS } from "./settings.ts";
import { logger, setupLogging } from "./log.ts";
import { CacheNode, VERSION } from "./node.ts";

const log = logger("main");

/** Logs every effective setting and where it came from, once. */
function logSettings(loaded: LoadedConfig): void {
  for (const s of SETTINGS) {
    log.info("config {name} = {value} ({source})", {
      name: s.name,
      value: displayValue(s, loaded.config),
      source: loaded.sources[s.name],
    });
  }
}

/**
 * Reads the configuration again (SIGHUP) and applies what changed among
 * the settings that can change at run time; logs the others that changed
 * as needing a restart.
 */
function reload(
  node: CacheNode,
  argv: string[],
  sources: ConfigSources,
  current: LoadedConfig,
): LoadedConfig {
  let loaded;
  try {
    loaded = loadConfig(argv, sources);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.error("SIGHUP: configuration not reloaded: {error}", {
      error: e.message,
    });
    return current;
  }
  if (typeof loaded === "string") return current;
  const change: Record<string, unknown> = {};
  let changed = 0;
  for (const s of SETTINGS) {
    const before = displayValue(s, current.config);
    const after = displayValue(s, loaded.config);
    const same = current.config[s.key] === loaded.config[s.key];
    if (same) continue;
    if (!s.runtime) {
      log.warn(
        "SIGHUP: {name} changed to {value} ({source}) but needs a restart; still {before}",
        { name: s.name, value: after, source: loaded.sources[s.name], before },
      );
      continue;
    }
    change[s.key] = loaded.config[s.key];
    changed++;
    log.info("SIGHUP: {name} {before} -> {value} ({source})", {
      name: s.name,
      before,
      value: after,
      source: loaded.sources[s.name],
    });
  }
  if (changed === 0) {
    log.info("SIGHUP: configuration read again, no setting changed");
    return current;
  }
  node.reconfigure(change as Partial<NodeConfig>);
  if (change.logLevel !== undefined || change.logFormat !== undefined) {
    setupLogging(
      loaded.config.logLevel,
      undefined,
      loaded.config.logFormat,
    );
  }
  // Settings that need a restart keep their running values.
  const config = { ...current.config };
  const from = { ...current.sources };
  for (const s of SETTINGS) {
    if (!s.runtime) continue;
    (config as Record<string, unknown>)[s.key] = loaded.config[s.key];
    from[s.name] = loaded.sources[s.name];
  }
  return { config, sources: from };
}

async function main(argv: string[]): Promise<number> {
  const sources: ConfigSources = { env: Deno.env.toObject() };
  let loaded;
  try {
    loaded = loadConfig(argv, sources);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (loaded === "help") {
    console.log(USAGE);
    return 0;
  }
  if (loaded === "version") {
    console.log(`cachemir-server ${VERSION} (deno ${Deno.version.deno})`);
    return 0;
  }
  const config = loaded.config;
  setupLogging(config.logLevel, undefined, config.logFormat);
  logSettings(loaded);
  const node = new CacheNode(config);
  // Signals are handled from before the node listens: a SIGTERM sent as
  // soon as it says it listens must stop it gracefully.
  const stopped = Promise.withResolvers<string>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) {
    Deno.addSignalListener(signal, () => stopped.resolve(signal));
  }
  let current = loaded;
  try {
    Deno.addSignalListener("SIGHUP", () => {
      log.info("Received SIGHUP: reading the configuration again");
      current = reload(node, argv, sources, current);
    });
  } catch {
    // no SIGHUP on this platform
  }
  try {
    await node.start();
  } catch (e) {
    log.error("{error}", { error: (e as Error).message });
    return 1;
  }
  node.shutdownRequested.then((who) => stopped.resolve(who));
  const signal = await stopped.promise;
  log.info("Received {signal}", { signal });
  await node.close();
  // 3: stopped, but connections still answering were cut at the timeout.
  return node.cutConnections > 0 ? 3 : 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
