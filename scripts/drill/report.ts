/**
 * What one fault of a drill measured, and the markdown table of a run.
 *
 * @module
 */

/** One fault's figures (times in ms; `null`: it did not happen). */
export interface FaultResult {
  /** The fault's name, e.g. `kill`. */
  readonly fault: string;
  /** What was done, e.g. `kill -9 127.0.0.1:40123, restarted after 3 s`. */
  readonly description: string;
  /** The client's `replicas`. */
  readonly replicas: number;
  /** Nodes in the client's ring when the fault began. */
  readonly nodes: number;
  /** Calls that started from the fault's start to the end of its window. */
  readonly calls: number;
  /** Of them, reads (GET, MGET). */
  readonly reads: number;
  /** Calls that rejected. */
  readonly failed: number;
  /** Reads that rejected. */
  readonly failedReads: number;
  /** Rejections by `command:ErrorName`, e.g. `{ "get:TimeoutError": 3 }`. */
  readonly failures: Readonly<Record<string, number>>;
  /** The first message of each failure kind, for the log. */
  readonly failureSamples: Readonly<Record<string, string>>;
  /** 99th percentile of the calls' times. */
  readonly p99Ms: number;
  /** The longest call. */
  readonly maxMs: number;
  /** From the fault to the client's `nodeDown` for the node; null: none came. */
  readonly routedAroundMs: number | null;
  /** From the fault's end to the `nodeUp`; null: none came (or none needed). */
  readonly nodeUpMs: number | null;
  /**
   * From the fault's end (for `add`: the node's addition) to the first read
   * the node answered; null: not measured (the node is gone) or never.
   */
  readonly usedAgainMs: number | null;
  /** Reads older than a write acknowledged before they started. */
  readonly staleReads: number;
  /** A few stale reads: key, what came, the version acknowledged before. */
  readonly staleSamples: readonly string[];
  /** Values the drill never wrote (corrupted or mispaired replies). */
  readonly foreignValues: number;
  /** The client's `error` events during the fault. */
  readonly errorEvents: number;
  /**
   * From the fault's client (`stats()`, summed over nodes; its whole life,
   * warm-up included): commands sent again after a network failure, and
   * commands that failed on a node (timeouts among them).
   */
  readonly clientCounters: {
    readonly retries: number;
    readonly errors: number;
    readonly timeouts: number;
  };
}

/** A whole run. */
export interface DrillReport {
  /** The command line that made it. */
  readonly command: string;
  /** When it started (ISO). */
  readonly started: string;
  /** Seconds per fault. */
  readonly seconds: number;
  /** The client's options common to all faults. */
  readonly clientOptions: Readonly<Record<string, unknown>>;
  /** The load: workers, rate, keys, mix. */
  readonly load: string;
  /** One entry per fault, in the order run. */
  readonly faults: readonly FaultResult[];
  /** Unhandled promise rejections in the drill's process. */
  readonly unhandledRejections: number;
  /** Their messages (a few). */
  readonly unhandledSamples: readonly string[];
  /** Wall time of the run. */
  readonly wallSeconds: number;
}

/**
 * Formats a time in ms for the table.
 *
 * @param ms The time; null prints as "—".
 * @returns e.g. `12 ms`, `1.35 s`.
 */
export function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function failedCell(r: FaultResult): string {
  if (r.failed === 0) return "0";
  const kinds = Object.entries(r.failures)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
  return `${r.failed} (${kinds})`;
}

/**
 * The markdown table of a run: one row per fault.
 *
 * @param faults The faults' figures.
 * @returns The table, with its header.
 */
export function markdownTable(faults: readonly FaultResult[]): string {
  const header = [
    "fault",
    "replicas",
    "calls",
    "failed calls (command:error)",
    "p99",
    "longest",
    "routed around after",
    "node used again after",
    "stale reads",
  ];
  const rows = faults.map((r) => [
    r.fault,
    String(r.replicas),
    String(r.calls),
    failedCell(r),
    formatMs(r.p99Ms),
    formatMs(r.maxMs),
    r.routedAroundMs === null ? "not marked down" : formatMs(r.routedAroundMs),
    formatMs(r.usedAgainMs),
    String(r.staleReads + r.foreignValues),
  ]);
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(header),
    line(header.map(() => "---")),
    ...rows.map(line),
  ].join("\n") + "\n";
}

/**
 * The whole markdown document of a run: what was run, the table, and what
 * each fault did.
 *
 * @param report The run.
 * @returns Markdown.
 */
export function markdownReport(report: DrillReport): string {
  const faults = report.faults.map((r) =>
    `- **${r.fault}**: ${r.description}. The client sent ${r.clientCounters.retries} commands again; ${r.clientCounters.errors} attempts failed on a node (${r.clientCounters.timeouts} timeouts); ${r.errorEvents} \`error\` events.` +
    (r.staleSamples.length > 0
      ? ` Stale reads, e.g. ${r.staleSamples.join("; ")}.`
      : "")
  );
  return [
    "# Reliability drill",
    "",
    `\`${report.command}\` — started ${report.started}, ${
      report.wallSeconds.toFixed(0)
    } s of wall time, ${report.unhandledRejections} unhandled rejection(s).`,
    "",
    `Load: ${report.load}. Client options: \`${
      JSON.stringify(report.clientOptions)
    }\`.`,
    "",
    markdownTable(report.faults),
    ...faults,
    "",
  ].join("\n");
}
