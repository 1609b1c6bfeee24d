/**
 * The differential generator's building blocks: a seeded random source with
 * helpers for keys, values and numbers that Redis treats specially, and the
 * {@linkcode Family} shape that each command family's generator file
 * (`gen_strings.ts`, `gen_keys.ts`, ...) exports.
 *
 * @module
 */

import { seededRandom } from "../_helpers/prng.ts";
import type { RespClient, RespValue } from "../_helpers/resp_client.ts";

/**
 * How the replies of one step are compared. The default is exact equality.
 * `normalize` maps a reply (of either server) to what is compared;
 * `followUp` replaces a reply by talking to the same server again after the
 * batch (for replies that are random or server-specific, like RANDOMKEY's
 * key or SCAN's cursor); `equal` replaces deep equality.
 */
export interface Comparator {
  /** A name for failure messages. */
  readonly name: string;
  /** Turns one server's reply into what is compared. */
  readonly normalize?: (reply: RespValue, step: Step) => RespValue;
  /**
   * Asks the same server more, after the batch (the batch is cut after this
   * step); the result replaces the reply. Not called on error replies.
   */
  readonly followUp?: (
    client: RespClient,
    reply: RespValue,
    step: Step,
  ) => Promise<RespValue>;
  /** Tells whether two (normalized) replies match. */
  readonly equal?: (redis: RespValue, node: RespValue) => boolean;
}

/** One generated command and how to compare its replies. */
export interface Step {
  /** The command name and its arguments, as byte strings. */
  readonly args: string[];
  /** How to compare; exact equality when absent. */
  readonly compare?: Comparator;
}

/** Generates one command of a family. */
export type CommandGen = (g: Gen) => Step | string[];

/**
 * A command family's generators. Adding a family: write `gen_<family>.ts`
 * exporting a `Family`, and list it in `families.ts`.
 */
export interface Family {
  /** The family's name, e.g. `"strings"`. */
  readonly name: string;
  /**
   * Generators by upper-case command name. Every command the node
   * implements must have one (or be listed in `NOT_COMPARED` in
   * families.ts with the reason).
   */
  readonly commands: Readonly<Record<string, CommandGen>>;
  /**
   * Relative weights of commands (default 1): how often each is picked
   * compared with the others of every family.
   */
  readonly weights?: Readonly<Record<string, number>>;
  /**
   * For the periodic state comparison: commands that read a whole value of
   * a type this family owns (`"string"` → `[["GET", key]]`).
   */
  readonly snapshot?: Readonly<Record<string, (key: string) => Step[]>>;
}

/** A small key space, so that commands collide; binary keys included. */
export const KEY_SPACE: readonly string[] = Object.freeze([
  "k0",
  "k1",
  "k2",
  "k3",
  "k4",
  "k5",
  "k6",
  "k7",
  "",
  "\x00",
  "a\r\nb",
  "\xff\xfe\x80",
  "key with spaces",
  "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87", // "ключ" as UTF-8 bytes
  "*",
  "[k]",
]);

/** Integers Redis parses strictly: valid ones near the edges, and bad ones. */
export const INT_EDGES: readonly string[] = Object.freeze([
  "0",
  "1",
  "-1",
  "2",
  "10",
  "-10",
  "100",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775806",
  "-9223372036854775807",
  "4611686018427387904",
  "9007199254740993",
  "-9007199254740993",
]);

/** Strings that are not integers to Redis. */
export const BAD_INTS: readonly string[] = Object.freeze([
  "",
  "abc",
  "1.5",
  "1e3",
  "0x10",
  " 1",
  "1 ",
  "+1",
  "-0",
  "01",
  "--1",
  "9223372036854775808",
  "-9223372036854775809",
  "99999999999999999999",
  "1\x00",
  "\xff",
  "inf",
]);

/** Strings to INCRBYFLOAT: valid, edge and bad floats. */
export const FLOATS: readonly string[] = Object.freeze([
  "0",
  "1",
  "-1",
  "0.1",
  "1.5",
  "-2.25",
  "3.0e3",
  "1e-3",
  ".5",
  "5.",
  "1e308",
  "-1e308",
  "1.7976931348623157e308",
  "5e-324",
  "0x1p3",
  "0x1.8p1",
  "10.5",
  "1.23456789012345678901",
  "inf",
  "-inf",
  "nan",
  "abc",
  "",
  " 1",
  "1e",
  "1e400",
  "1e-400",
  "0.0000001",
  "12345678901234567890",
]);

/**
 * A seeded random source (mulberry32) with helpers for command arguments.
 *
 * @example Replay a sequence
 * ```ts
 * import { Gen } from "./_gen.ts";
 * console.log(new Gen(7).int(0, 9) === new Gen(7).int(0, 9)); // true
 * ```
 */
export class Gen {
  #random: () => number;

  /** @param seed Any 32-bit integer. */
  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  /** A uniform number in [0, 1). */
  random(): number {
    return this.#random();
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.random() < p;
  }

  /** One element of a list. */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)];
  }

  /** A key from the small key space. */
  key(): string {
    return this.pick(KEY_SPACE);
  }

  /** `n` keys (may repeat). */
  keys(n: number): string[] {
    return Array.from({ length: n }, () => this.key());
  }

  /** A value: short text, numbers, binary bytes, sometimes longer. */
  value(): string {
    const r = this.random();
    if (r < 0.3) return this.pick(INT_EDGES);
    if (r < 0.4) return this.pick(FLOATS);
    if (r < 0.5) return "";
    if (r < 0.6) return this.bytes(this.int(1, 8));
    if (r < 0.65) return "x".repeat(this.int(50, 400));
    return this.pick(["v", "hello", "a b", "abc", "12abc", "\r\n", "ok"]) +
      (this.chance(0.5) ? String(this.int(0, 99)) : "");
  }

  /** Random bytes 0x00–0xFF as a byte string. */
  bytes(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(0, 255));
    return s;
  }

  /** An integer argument: mostly small valid ones, some edges, some bad. */
  intArg(lo = -20, hi = 100): string {
    const r = this.random();
    if (r < 0.75) return String(this.int(lo, hi));
    if (r < 0.88) return this.pick(INT_EDGES);
    return this.pick(BAD_INTS);
  }

  /** A keyword in random letter case (`ex`, `Ex`, `EX`). */
  word(w: string): string {
    const r = this.random();
    if (r < 0.5) return w.toUpperCase();
    if (r < 0.8) return w.toLowerCase();
    let s = "";
    for (const c of w) {
      s += this.chance(0.5) ? c.toUpperCase() : c.toLowerCase();
    }
    return s;
  }

  /** A time far in the future, in seconds or ms since the epoch. */
  futureAt(ms: boolean): string {
    const t = Date.now() + this.int(1_000_000, 100_000_000);
    return String(ms ? t : Math.floor(t / 1000));
  }

  /** A time in the past (the key is deleted or never visible). */
  pastAt(ms: boolean): string {
    const t = this.int(1, Date.now() - 1_000_000);
    return String(ms ? t : Math.floor(t / 1000));
  }

  /** A glob pattern with Redis's special characters. */
  pattern(): string {
    const r = this.random();
    if (r < 0.2) return "*";
    if (r < 0.35) return this.key();
    const parts = [
      "*",
      "?",
      "k",
      "0",
      "1",
      "[",
      "]",
      "^",
      "-",
      "\\",
      "a",
      "[k",
      "[0-3]",
      "\x00",
      "\xff",
      " ",
    ];
    let s = "";
    const n = this.int(1, 5);
    for (let i = 0; i < n; i++) s += this.pick(parts);
    return s;
  }
}
