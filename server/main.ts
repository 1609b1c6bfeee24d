/**
 * The CacheMir node's command line: `deno run -A server/main.ts [options]`.
 * Run with `--help` for the options. SIGINT or SIGTERM stop the node
 * gracefully and exit with status 0.
 *
 * @module
 */

import { ConfigError, parseConfig, USAGE } from "./config.ts";
import { logger, setupLogging } from "./log.ts";
import { CacheNode } from "./node.ts";

async function main(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseConfig(argv);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (config === "help") {
    console.log(USAGE);
    return 0;
  }
  setupLogging(config.logLevel);
  const log = logger("main");
  const node = new CacheNode(config);
  try {
    await node.start();
  } catch (e) {
    log.error("Cannot listen on {host}:{port}: {error}", {
      host: config.host,
      port: config.port,
      error: (e as Error).message,
    });
    return 1;
  }
  const stopped = Promise.withResolvers<string>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) {
    Deno.addSignalListener(signal, () => stopped.resolve(signal));
  }
  const signal = await stopped.promise;
  log.info("Received {signal}", { signal });
  await node.close();
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
