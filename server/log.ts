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

/** The forms `--log-format` accepts: text lines, or JSON lines. */
export type LogFormatName = "text" | "json";

/** Every value `--log-format` accepts. */
export const LOG_FORMATS: readonly LogFormatName[] = Object.freeze([
  "text",
  "json",
]);

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
 * @param format `text` lines, or `json` lines (`@timestamp`, `level`,
 * `message`, `logger` — the category — and the record's fields, such as
 * `peer`, at the top level).
 * @default {write} synchronous writes to stderr
 * @default {format} `"text"`
 *
 * @example JSON lines
 * ```ts
 * import { logger, setupLogging } from "./log.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * setupLogging("info", (line) => lines.push(line), "json");
 * logger("net").warn("Refused {peer}", { peer: "10.0.0.1:5000" });
 * const record = JSON.parse(lines[0]);
 * assert.equal(record.level, "WARN");
 * assert.equal(record.message, "Refused 10.0.0.1:5000");
 * assert.equal(record.logger, "cachemir.net");
 * assert.equal(record.peer, "10.0.0.1:5000");
 * setupLogging("info");
 * ```
 */
export function setupLogging(
  level: LogLevelName,
  write: (line: string) => void = writeStderr,
  format: LogFormatName = "text",
): void {
  const render = format === "json" ? jsonLine : getTextFormatter({
    // Strings print as they are (logtape's default quotes them).
    value: renderValue,
  });
  resetSync();
  configureSync({
    reset: true,
    sinks: { out: (record: LogRecord) => write(render(record)) },
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

/** A value inside a message: strings as they are, others inspected. */
function renderValue(v: unknown): string {
  return typeof v === "string" ? v : Deno.inspect(v);
}

const JSON_LEVELS: Record<LogLevel, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warning: "WARN",
  error: "ERROR",
  fatal: "FATAL",
};

/**
 * A record as one JSON line: `@timestamp`, `level`, `message` (rendered as
 * the text lines render it), `logger` (the category, dotted) and the
 * record's fields at the top level (bigints as decimal strings).
 */
function jsonLine(record: LogRecord): string {
  let message = "";
  for (let i = 0; i < record.message.length; i++) {
    const part = record.message[i];
    message += i % 2 === 0 ? String(part) : renderValue(part);
  }
  const line: Record<string, unknown> = {
    "@timestamp": new Date(record.timestamp).toISOString(),
    level: JSON_LEVELS[record.level],
    message,
    logger: record.category.join("."),
  };
  for (const [key, value] of Object.entries(record.properties)) {
    if (!(key in line)) line[key] = value; // a field never hides these four
  }
  return JSON.stringify(
    line,
    (_key, v) => typeof v === "bigint" ? v.toString() : v,
  ) + "\n";
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
