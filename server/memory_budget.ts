/**
 * How much memory a node may use when `--maxmemory` is not given: 75% of
 * what the process may use, its cgroup's limit when it has one (a
 * container), else the machine's physical memory. A node started with no
 * flags then evicts before the kernel's OOM killer or V8 stops it.
 *
 * The decision is a pure function of what it reads ({@linkcode
 * MemorySource}), so that tests can give it any cgroup.
 *
 * @module
 */

/** Where {@linkcode memoryBudget} reads the process's memory bounds. */
export interface MemorySource {
  /**
   * Reads a small text file (a cgroup control file).
   *
   * @param path The file's path.
   * @returns Its text, or `undefined` when it cannot be read.
   */
  readFile(path: string): string | undefined;
  /**
   * The machine's physical memory.
   *
   * @returns Bytes, or 0 when unknown.
   */
  physicalMemory(): number;
}

/** cgroup v2's limit of the process's group (as seen inside a container). */
export const CGROUP_V2_MAX = "/sys/fs/cgroup/memory.max";
/** cgroup v1's limit of the memory controller's group. */
export const CGROUP_V1_LIMIT = "/sys/fs/cgroup/memory/memory.limit_in_bytes";

/**
 * A cgroup limit at or past this is "no limit" (cgroup v1 writes
 * 9223372036854771712 for none).
 */
const ABSURD_LIMIT = 2 ** 60;

/** The share of the available memory a node takes by default. */
export const DEFAULT_MEMORY_SHARE = 0.75;

/** What the default `maxmemory` is, and what it was derived from. */
export interface MemoryBudget {
  /** The default `maxmemory`, in bytes; 0 when nothing could be read (no limit). */
  readonly maxmemory: number;
  /** What bounds the process: its cgroup's limit or the machine's memory. */
  readonly basis: "cgroup" | "physical" | "unknown";
  /** The bound, in bytes. */
  readonly total: number;
}

function cgroupLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined; // "max", or unreadable
  const n = Number(t);
  return n > 0 && n < ABSURD_LIMIT ? n : undefined;
}

/**
 * Computes the default `maxmemory`: 75% of the cgroup's memory limit
 * (v2's `memory.max`, else v1's `memory.limit_in_bytes`; `max` or an
 * absurdly large value is no limit) when it is below physical memory, else
 * 75% of physical memory.
 *
 * @param source Where the limits are read.
 * @param share The share of the bound to take.
 * @returns The default and its basis.
 *
 * @example A container limited to 2 GiB on a 64 GiB machine
 * ```ts
 * import { memoryBudget } from "./memory_budget.ts";
 * import assert from "node:assert/strict";
 *
 * const budget = memoryBudget({
 *   readFile: (path) => path.endsWith("memory.max") ? "2147483648\n" : undefined,
 *   physicalMemory: () => 64 * 2 ** 30,
 * });
 * assert.deepEqual(budget, {
 *   maxmemory: 1.5 * 2 ** 30,
 *   basis: "cgroup",
 *   total: 2 ** 31,
 * });
 * ```
 */
export function memoryBudget(
  source: MemorySource,
  share: number = DEFAULT_MEMORY_SHARE,
): MemoryBudget {
  const physical = source.physicalMemory();
  const cgroup = cgroupLimit(source.readFile(CGROUP_V2_MAX)) ??
    cgroupLimit(source.readFile(CGROUP_V1_LIMIT));
  if (cgroup !== undefined && (physical <= 0 || cgroup < physical)) {
    return {
      maxmemory: Math.floor(cgroup * share),
      basis: "cgroup",
      total: cgroup,
    };
  }
  if (physical > 0) {
    return {
      maxmemory: Math.floor(physical * share),
      basis: "physical",
      total: physical,
    };
  }
  return { maxmemory: 0, basis: "unknown", total: 0 };
}

/**
 * The real process's memory bounds: the cgroup files, and
 * `Deno.systemMemoryInfo().total` for physical memory.
 */
export const SYSTEM_MEMORY: MemorySource = Object.freeze({
  readFile(path: string): string | undefined {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return undefined;
    }
  },
  physicalMemory(): number {
    try {
      return Deno.systemMemoryInfo().total;
    } catch {
      return 0;
    }
  },
});

/**
 * Bytes in GiB (or MiB below 1 GiB), one decimal, for logs.
 *
 * @param n Bytes.
 * @returns E.g. `"17.9 GiB"`.
 *
 * @example
 * ```ts
 * import { gib } from "./memory_budget.ts";
 * console.log(gib(1.5 * 2 ** 30)); // "1.5 GiB"
 * console.log(gib(256 * 2 ** 20)); // "256.0 MiB"
 * ```
 */
export function gib(n: number): string {
  return n >= 2 ** 30
    ? `${(n / 2 ** 30).toFixed(1)} GiB`
    : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The start-up line that says where the default came from.
 *
 * @param budget The default.
 * @returns E.g. `maxmemory 17.9 GiB (75% of physical memory 23.9 GiB); set
 * --maxmemory to choose another limit (0 = none)`.
 *
 * @example
 * ```ts
 * import { describeBudget } from "./memory_budget.ts";
 * console.log(describeBudget({ maxmemory: 3 * 2 ** 30, basis: "cgroup", total: 4 * 2 ** 30 }));
 * // maxmemory 3.0 GiB (75% of the cgroup's memory limit 4.0 GiB); set --maxmemory ...
 * ```
 */
export function describeBudget(budget: MemoryBudget): string {
  const hint = "set --maxmemory to choose another limit (0 = none)";
  if (budget.basis === "unknown") {
    return `maxmemory: no limit (the memory available could not be read); ${hint}`;
  }
  const share = budget.total > 0
    ? Math.round(budget.maxmemory / budget.total * 100)
    : 75;
  const of = budget.basis === "cgroup"
    ? "the cgroup's memory limit"
    : "physical memory";
  return `maxmemory ${gib(budget.maxmemory)} (${share}% of ${of} ${
    gib(budget.total)
  }); ${hint}`;
}
