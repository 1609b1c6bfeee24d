/**
 * {@linkcode SlowLog}: the commands that took at least
 * `slowlog-log-slower-than` microseconds, newest first, at most
 * `slowlog-max-len` of them, as Redis 7 keeps them (an entry: id, unix
 * time, duration in µs, the arguments cut to 32 and each to 128 bytes, the
 * client's address and name). SLOWLOG's handler is in `server.ts`.
 *
 * @module
 */

/** Most arguments an entry keeps (the last one then says how many more). */
export const SLOWLOG_MAX_ARGS = 32;
/** Most bytes an argument keeps (then says how many more). */
export const SLOWLOG_MAX_STRING = 128;

/** One logged command. */
export interface SlowLogEntry {
  /** Increasing id, never reused (RESET keeps counting). */
  readonly id: number;
  /** When it ran, unix seconds. */
  readonly time: number;
  /** How long it took, µs. */
  readonly micros: number;
  /** The command's arguments, its name first, cut as Redis cuts them. */
  readonly argv: readonly string[];
  /** The client's `host:port`. */
  readonly peer: string;
  /** The client's name, "" when none. */
  readonly name: string;
}

/** The slow log's settings (CONFIG SET changes them at run time). */
export interface SlowLogSettings {
  /** Log commands that take at least this many µs; negative: none; 0: all. */
  slowerThan: number;
  /** Most entries kept; the oldest go first. */
  maxLen: number;
}

/**
 * Cuts a command's arguments for an entry: at most 32 (the last saying
 * `... (N more arguments)`), each at most 128 bytes (then `... (N more
 * bytes)`).
 *
 * @param argv The arguments, the command's name first.
 * @returns The arguments kept.
 *
 * @example
 * ```ts
 * import { trimArgv } from "./slowlog.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(trimArgv(["set", "k", "x".repeat(130)]), ["set", "k", "x".repeat(128) + "... (2 more bytes)"]);
 * ```
 */
export function trimArgv(argv: readonly string[]): string[] {
  const n = argv.length;
  const kept = n > SLOWLOG_MAX_ARGS ? SLOWLOG_MAX_ARGS - 1 : n;
  const out: string[] = [];
  for (let i = 0; i < kept; i++) {
    const a = argv[i];
    out.push(
      a.length > SLOWLOG_MAX_STRING
        ? `${a.slice(0, SLOWLOG_MAX_STRING)}... (${
          a.length - SLOWLOG_MAX_STRING
        } more bytes)`
        : a,
    );
  }
  if (kept < n) out.push(`... (${n - kept} more arguments)`);
  return out;
}

/** Redis's defaults: log commands of 10000 µs or more, keep 128. */
export const SLOWLOG_DEFAULTS: Readonly<SlowLogSettings> = Object.freeze({
  slowerThan: 10000,
  maxLen: 128,
});

/**
 * The slow log of a node.
 *
 * @example Log every command
 * ```ts
 * import { SlowLog } from "./slowlog.ts";
 * import assert from "node:assert/strict";
 *
 * const log = new SlowLog({ slowerThan: 0, maxLen: 2 });
 * assert.ok(log.logs(0));
 * log.push(["get", "k"], 3, "127.0.0.1:5000", "");
 * log.push(["set", "k", "v"], 4, "127.0.0.1:5000", "");
 * log.push(["del", "k"], 5, "127.0.0.1:5000", "");
 * assert.equal(log.length, 2);
 * assert.deepEqual(log.entries(10).map((e) => e.argv[0]), ["del", "set"]);
 * ```
 */
export class SlowLog {
  /** The settings, shared with CONFIG SET. */
  readonly settings: SlowLogSettings;
  /** Oldest first. */
  #entries: SlowLogEntry[] = [];
  #nextId = 0;

  /**
   * Makes an empty slow log.
   *
   * @param settings The threshold and length (defaults:
   * {@linkcode SLOWLOG_DEFAULTS}).
   */
  constructor(settings: Partial<SlowLogSettings> = {}) {
    this.settings = { ...SLOWLOG_DEFAULTS, ...settings };
  }

  /**
   * Whether a command that took `micros` is logged.
   *
   * @param micros The duration in µs.
   * @returns `true` when it is.
   */
  logs(micros: number): boolean {
    const t = this.settings.slowerThan;
    return t >= 0 && micros >= t;
  }

  /**
   * Logs a command (the caller checked {@linkcode logs}).
   *
   * @param argv Its arguments, the name first (cut here).
   * @param micros How long it took, µs.
   * @param peer The client's `host:port`.
   * @param name The client's name.
   */
  push(
    argv: readonly string[],
    micros: number,
    peer: string,
    name: string,
  ): void {
    this.#entries.push({
      id: this.#nextId++,
      time: Math.floor(Date.now() / 1000),
      micros: Math.floor(micros),
      argv: trimArgv(argv),
      peer,
      name,
    });
    this.trim();
  }

  /** Drops the oldest entries over `maxLen` (after the setting changed too). */
  trim(): void {
    const over = this.#entries.length - Math.max(0, this.settings.maxLen);
    if (over > 0) this.#entries.splice(0, over);
  }

  /** Entries kept now. */
  get length(): number {
    return this.#entries.length;
  }

  /**
   * The newest entries.
   *
   * @param count How many; negative: all.
   * @returns Newest first.
   */
  entries(count: number): SlowLogEntry[] {
    const all = this.#entries;
    const n = count < 0 ? all.length : Math.min(count, all.length);
    const out: SlowLogEntry[] = [];
    for (let i = 0; i < n; i++) out.push(all[all.length - 1 - i]);
    return out;
  }

  /** Forgets every entry (ids keep counting). */
  reset(): void {
    this.#entries = [];
  }
}

/**
 * Hides the secrets of a command before it is logged, as Redis does:
 * AUTH's arguments, HELLO's after AUTH, CONFIG SET requirepass's value
 * become `(redacted)`.
 *
 * @param command The command's upper-case name.
 * @param argv Its arguments, the name first; changed in place.
 *
 * @example
 * ```ts
 * import { redactArgv } from "./slowlog.ts";
 * import assert from "node:assert/strict";
 *
 * const argv = ["auth", "user", "secret"];
 * redactArgv("AUTH", argv);
 * assert.deepEqual(argv, ["auth", "(redacted)", "(redacted)"]);
 * ```
 */
export function redactArgv(command: string, argv: string[]): void {
  if (command === "AUTH") {
    for (let i = 1; i < argv.length; i++) argv[i] = REDACTED;
  } else if (command === "HELLO") {
    for (let i = 2; i < argv.length; i++) {
      if (argv[i].toLowerCase() === "auth") {
        for (let j = i + 1; j < Math.min(i + 3, argv.length); j++) {
          argv[j] = REDACTED;
        }
        i += 2;
      }
    }
  } else if (command === "CONFIG" && argv[1]?.toLowerCase() === "set") {
    for (let i = 2; i + 1 < argv.length; i += 2) {
      if (argv[i].toLowerCase() === "requirepass") argv[i + 1] = REDACTED;
    }
  }
}

const REDACTED = "(redacted)";
