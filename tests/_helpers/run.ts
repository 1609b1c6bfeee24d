/**
 * Runs a program to its end with its output captured, for tests.
 *
 * @module
 */

/** What a program did. */
export interface Ran {
  /** Its exit code. */
  readonly code: number;
  /** Its standard output, decoded. */
  readonly stdout: string;
  /** Its standard error, decoded. */
  readonly stderr: string;
}

/** Options of {@linkcode run}. */
export interface RunOptions {
  /** The folder it runs in. */
  readonly cwd?: string;
  /** Environment variables added to the test's (`NO_COLOR=1` always). */
  readonly env?: Record<string, string>;
  /** It is killed after this long (default 120 s). */
  readonly timeoutMs?: number;
}

/**
 * Runs `cmd` with `args` and no input, to its end.
 *
 * @param cmd The program (`Deno.execPath()` for deno).
 * @param args Its arguments.
 * @param options Where, with what environment, how long at most.
 * @returns Its exit code and output.
 */
export async function run(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<Ran> {
  const out = await new Deno.Command(cmd, {
    args: [...args],
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}
