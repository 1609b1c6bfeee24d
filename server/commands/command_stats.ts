/**
 * {@linkcode CommandStats}: what the command table counts per command and
 * per error, for INFO's `commandstats`, `errorstats` and `latencystats`
 * sections, `total_error_replies` and `/metrics`, as Redis 7 counts them:
 *
 * - `calls`, `usec`: commands that ran (an error they replied included);
 * - `rejected_calls`: refused before running (arity, NOAUTH, OOM);
 * - `failed_calls`: ran and replied an error;
 * - errors by their first word (`ERR`, `WRONGTYPE`...), unknown commands
 *   included;
 * - durations in a {@linkcode LatencyHistogram} per command.
 *
 * @module
 */

import { LatencyHistogram } from "./latency_histogram.ts";

/** The counters of one command (or `container|subcommand`). */
export class CommandStat {
  /** The name as INFO shows it: lower case, `config|get` for a subcommand. */
  readonly name: string;
  /** Runs. */
  calls = 0;
  /** Runs that were timed (all of them, unless timing is sampled). */
  timed = 0;
  /** Time the timed runs took, in milliseconds. */
  millis = 0;
  /** Refused before running. */
  rejectedCalls = 0;
  /** Ran and replied an error. */
  failedCalls = 0;
  /** Durations of the runs. */
  readonly latency: LatencyHistogram = new LatencyHistogram();

  /**
   * Makes the counters of a command, all zero.
   *
   * @param name The name as INFO shows it.
   */
  constructor(name: string) {
    this.name = name;
  }

  /**
   * Time spent running, in whole microseconds (INFO's `usec`): the timed
   * runs' time, scaled up to every run when only some were timed.
   */
  get usec(): number {
    if (this.timed === 0) return 0;
    return Math.round(this.millis * 1000 * this.calls / this.timed);
  }

  /**
   * Counts one timed run.
   *
   * @param millis How long it took, in milliseconds.
   * @param failed Whether it replied an error.
   */
  ran(millis: number, failed: boolean): void {
    this.calls++;
    this.timed++;
    this.millis += millis;
    if (failed) this.failedCalls++;
    this.latency.record(millis * 1e6);
  }

  /**
   * Counts one run that was not timed (timing is sampled).
   *
   * @param failed Whether it replied an error.
   */
  ranUntimed(failed: boolean): void {
    this.calls++;
    if (failed) this.failedCalls++;
  }

  /** Forgets everything counted. */
  reset(): void {
    this.calls = 0;
    this.timed = 0;
    this.millis = 0;
    this.rejectedCalls = 0;
    this.failedCalls = 0;
    this.latency.reset();
  }
}

/** The percentiles INFO latencystats reports (Redis's default). */
export const LATENCY_PERCENTILES: readonly number[] = Object.freeze([
  50,
  99,
  99.9,
]);

/**
 * The node's command and error counters.
 *
 * @example Count, then read INFO's lines
 * ```ts
 * import { CommandStats } from "./command_stats.ts";
 * import assert from "node:assert/strict";
 *
 * const stats = new CommandStats();
 * stats.of("get").ran(0.002, false);
 * stats.error("WRONGTYPE");
 * assert.deepEqual(stats.errorstatsLines(), ["errorstat_WRONGTYPE:count=1"]);
 * assert.equal(stats.totalErrorReplies, 1);
 * assert.match(stats.commandstatsLines()[0], /^cmdstat_get:calls=1,usec=2,usec_per_call=2\.00,rejected_calls=0,failed_calls=0$/);
 * ```
 */
export class CommandStats {
  #byName = new Map<string, CommandStat>();
  #errors = new Map<string, number>();
  /** Error replies of any kind (INFO's `total_error_replies`). */
  totalErrorReplies = 0;

  /**
   * The counters of a command, made on first use.
   *
   * @param name The name as INFO shows it (lower case).
   * @returns Its counters.
   */
  of(name: string): CommandStat {
    let stat = this.#byName.get(name);
    if (stat === undefined) {
      stat = new CommandStat(name);
      this.#byName.set(name, stat);
    }
    return stat;
  }

  /**
   * Counts one error reply by its first word.
   *
   * @param code The first word: `ERR`, `WRONGTYPE`, `NOAUTH`...
   */
  error(code: string): void {
    this.totalErrorReplies++;
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /**
   * Commands run, of every name (INFO's `total_commands_processed`: refused
   * ones are not counted, as in Redis). O(names): for INFO and sampling.
   */
  get totalCalls(): number {
    let n = 0;
    for (const stat of this.#byName.values()) n += stat.calls;
    return n;
  }

  /** The commands counted (run or refused at least once), by name. */
  commands(): CommandStat[] {
    return [...this.#byName.values()]
      .filter((s) => s.calls + s.rejectedCalls > 0)
      .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  }

  /** Error counts by first word, sorted by it. */
  errors(): [code: string, count: number][] {
    return [...this.#errors].sort((a, b) =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
    );
  }

  /**
   * INFO commandstats: `cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=..`.
   *
   * @returns One line per command counted.
   */
  commandstatsLines(): string[] {
    return this.commands().map((s) => {
      const usec = s.usec;
      const perCall = s.calls === 0 ? 0 : usec / s.calls;
      return `cmdstat_${s.name}:calls=${s.calls},usec=${usec},usec_per_call=${
        perCall.toFixed(2)
      },rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}`;
    });
  }

  /**
   * INFO errorstats: `errorstat_<CODE>:count=..`.
   *
   * @returns One line per kind of error.
   */
  errorstatsLines(): string[] {
    return this.errors().map(([code, n]) => `errorstat_${code}:count=${n}`);
  }

  /**
   * INFO latencystats:
   * `latency_percentiles_usec_<name>:p50=..,p99=..,p99.9=..` (microseconds,
   * three decimals), for the commands that ran.
   *
   * @returns One line per command that ran.
   */
  latencystatsLines(): string[] {
    const out: string[] = [];
    for (const s of this.commands()) {
      if (s.latency.count === 0) continue;
      out.push(
        `latency_percentiles_usec_${s.name}:` +
          LATENCY_PERCENTILES.map((p) =>
            `p${p}=${(s.latency.percentileNanos(p) / 1000).toFixed(3)}`
          ).join(","),
      );
    }
    return out;
  }

  /** Forgets every count (CONFIG RESETSTAT). */
  reset(): void {
    for (const s of this.#byName.values()) s.reset();
    this.#errors.clear();
    this.totalErrorReplies = 0;
  }
}
