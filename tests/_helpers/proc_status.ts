/**
 * Reads a process's memory figures from Linux's `/proc/<pid>/status`.
 *
 * @module
 */

/** Memory figures of a process, in bytes. */
export interface ProcMemory {
  /** Resident set size (`VmRSS`): memory really in use. */
  readonly rss: number;
  /** Virtual size (`VmSize`): address space reserved, touched or not. */
  readonly vsize: number;
}

/**
 * Reads `VmRSS` and `VmSize` of a process.
 *
 * @param pid The process id.
 * @returns The figures in bytes.
 * @throws {Deno.errors.NotFound} When the process is gone.
 * @throws {Error} When the file has no such lines (not Linux).
 */
export function procMemory(pid: number): ProcMemory {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kib = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    if (m === null) throw new Error(`No ${field} in /proc/${pid}/status`);
    return Number(m[1]) * 1024;
  };
  return { rss: kib("VmRSS"), vsize: kib("VmSize") };
}

/**
 * Formats a byte count as MiB with one decimal, for messages.
 *
 * @param bytes The count.
 * @returns E.g. `"12.5 MiB"`.
 */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
