/**
 * Logging for the node, through @logtape/logtape: one category tree
 * (`cachemir`), text lines on stderr, a level chosen on the command line.
 *
 * @module
 */

import {
  configureSync,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
  resetSync,
} from "@logtape/logtape";

/** The levels `--log-level` accepts. */
export type LogLevelName = "debug" | "info" | "warn" | "error";

/** Every value `--log-level` accepts, least severe first. */
export const LOG_LEVELS: readonly LogLevelName[] = Object.freeze([
  "debug",
  "info",
  "warn",
  "error",
]);

const TO_LOGTAPE: Record<LogLevelName, LogLevel> = {
  debug: "debug",
  info: "info",
  warn: "warning",
  error: "error",
};

/**
 * Sends the node's log records at `level` and above to stderr. Call once per
 * process; calling again replaces the configuration.
 *
 * @param level The least severe level that is written.
 * @param write Where formatted lines go.
 * @default {write} synchronous writes to stderr
 */
export function setupLogging(
  level: LogLevelName,
  write: (line: string) => void = writeStderr,
): void {
  // Strings print as they are (logtape's default quotes them).
  const format = getTextFormatter({
    value: (v: unknown) => typeof v === "string" ? v : Deno.inspect(v),
  });
  resetSync();
  configureSync({
    reset: true,
    sinks: { out: (record: LogRecord) => write(format(record)) },
    loggers: [
      {
        category: ["cachemir"],
        lowestLevel: TO_LOGTAPE[level],
        sinks: ["out"],
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["out"] },
    ],
  });
}

const encoder = new TextEncoder();

function writeStderr(line: string): void {
  const bytes = encoder.encode(line);
  let written = 0;
  while (written < bytes.length) {
    written += Deno.stderr.writeSync(bytes.subarray(written));
  }
}

/**
 * Gives the logger of one part of the node.
 *
 * @param part The sub-category, e.g. `"net"`.
 * @returns A logger under `cachemir`.
 */
export function logger(part: string): Logger {
  return getLogger(["cachemir", part]);
}
