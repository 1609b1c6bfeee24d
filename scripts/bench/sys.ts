/**
 * Readers of Linux's `/proc` for the benchmarks: a process's RSS and CPU
 * time, the memory the machine has available, and a description of the
 * machine (cores, CPU model, versions) for the results file.
 *
 * @module
 */

/**
 * Parses the `VmRSS` line of a `/proc/<pid>/status` text.
 *
 * @param status The file's text.
 * @returns The resident set size in bytes.
 * @throws {Error} When the text has no `VmRSS` line.
 */
export function parseRss(status: string): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (m === null) throw new Error("no VmRSS line in /proc/<pid>/status");
  return Number(m[1]) * 1024;
}

/**
 * The resident set size of a process, from `/proc/<pid>/status`.
 *
 * @param pid The process id.
 * @returns Bytes.
 * @throws {Deno.errors.NotFound} When the process is gone.
 */
export function procRss(pid: number): number {
  return parseRss(Deno.readTextFileSync(`/proc/${pid}/status`));
}

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`: 100 on Linux). */
export const CLOCK_TICKS = 100;

/**
 * Parses the user and system CPU time of a `/proc/<pid>/stat` line (fields
 * 14 and 15, counted after the command name, which may hold spaces and
 * parentheses).
 *
 * @param stat The file's text.
 * @returns CPU seconds, user + system.
 * @throws {Error} When the line is not in that format.
 */
export function parseCpuSeconds(stat: string): number {
  const close = stat.lastIndexOf(")");
  if (close < 0) throw new Error("malformed /proc/<pid>/stat");
  // After ") ": field 3 (state) is index 0, so utime (14) is 11, stime 12.
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error("malformed /proc/<pid>/stat");
  }
  return (utime + stime) / CLOCK_TICKS;
}

/**
 * The CPU time a process has used so far (user + system), from
 * `/proc/<pid>/stat`.
 *
 * @param pid The process id.
 * @returns Seconds.
 * @throws {Deno.errors.NotFound} When the process is gone.
 */
export function procCpuSeconds(pid: number): number {
  return parseCpuSeconds(Deno.readTextFileSync(`/proc/${pid}/stat`));
}

/**
 * Parses one `kB` field of a `/proc/meminfo` text.
 *
 * @param meminfo The file's text.
 * @param field E.g. `"MemAvailable"`.
 * @returns Bytes.
 * @throws {Error} When the field is missing.
 */
export function parseMeminfo(meminfo: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(meminfo);
  if (m === null) throw new Error(`no ${field} in /proc/meminfo`);
  return Number(m[1]) * 1024;
}

/**
 * Memory the machine can give to new work now (`MemAvailable`).
 *
 * @returns Bytes.
 */
export function memAvailable(): number {
  return parseMeminfo(Deno.readTextFileSync("/proc/meminfo"), "MemAvailable");
}

/**
 * Physical memory of the machine (`MemTotal`).
 *
 * @returns Bytes.
 */
export function memTotal(): number {
  return parseMeminfo(Deno.readTextFileSync("/proc/meminfo"), "MemTotal");
}

/** What the results file says about the machine. */
export interface MachineInfo {
  /** Logical CPUs. */
  readonly cores: number;
  /** `model name` of /proc/cpuinfo. */
  readonly cpuModel: string;
  /** Physical memory in bytes. */
  readonly memTotal: number;
  /** Deno's version (the node runs on the same binary). */
  readonly deno: string;
  /** `redis-server --version`, first words. */
  readonly redis: string;
  /** Linux kernel release. */
  readonly kernel: string;
}

/**
 * Describes this machine for the results file.
 *
 * @returns Cores, CPU model, memory, Deno and Redis versions.
 */
export async function machineInfo(): Promise<MachineInfo> {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ??
    "unknown";
  const cores = cpuinfo.match(/^processor\s*:/gm)?.length ??
    navigator.hardwareConcurrency;
  let redis = "unknown";
  try {
    const out = await new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(10_000),
    }).output();
    redis = new TextDecoder().decode(out.stdout).trim().split(" ").slice(0, 3)
      .join(" ");
  } catch { /* not installed: reported as unknown */ }
  let kernel = "unknown";
  try {
    kernel = Deno.readTextFileSync("/proc/sys/kernel/osrelease").trim();
  } catch { /* not Linux */ }
  return {
    cores,
    cpuModel: model,
    memTotal: memTotal(),
    deno: Deno.version.deno,
    redis,
    kernel,
  };
}
