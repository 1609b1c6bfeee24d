/**
 * Starts a real node process (`deno run -A server/main.ts`) on 127.0.0.1 and
 * a free port, for tests that cross process boundaries.
 *
 * @module
 */

const MAIN = new URL("../../server/main.ts", import.meta.url).pathname;

/** A node process started by a test. */
export interface NodeProcess {
  /** The bound port of the binary protocol. */
  readonly port: number;
  /** The bound RESP port; 0 when the node was started without `--resp-port`. */
  readonly respPort: number;
  /** `127.0.0.1:port`. */
  readonly address: string;
  /** The child process. */
  readonly child: Deno.ChildProcess;
  /** Each listener's port by the name it logs ("binary", "RESP", "HTTP"). */
  readonly ports: ReadonlyMap<string, number>;
  /** Everything the node wrote to stderr so far. */
  readonly log: () => string;
  /** Sends a signal and waits for the exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Finds a port that is free on 127.0.0.1 now (binds port 0 and lets it go).
 * Another process may take it before it is used: callers retry on
 * `AddrInUse`.
 *
 * @returns The port number.
 */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Starts a node and waits until it listens (on every port it was asked to
 * open: `--resp-port` adds the RESP listener's line).
 *
 * @param args Extra flags for server/main.ts.
 * @param timeoutMs How long to wait for the listening line.
 * @param env Environment variables added to the test's (`CACHEMIR_*`...).
 * @returns The running process.
 */
export function startNodeProcess(
  args: string[] = [],
  timeoutMs = 15_000,
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  const respAt = args.indexOf("--resp-port");
  const wantsResp = respAt >= 0 && args[respAt + 1] !== "0";
  return startNodeCommand(
    [Deno.execPath(), "run", "-A", MAIN, "--port", "0", ...args],
    { timeoutMs, env, listeners: wantsResp ? ["binary", "RESP"] : ["binary"] },
  );
}

/** Options of {@linkcode startNodeCommand}. */
export interface NodeCommandOptions {
  /** The folder it runs in. */
  readonly cwd?: string;
  /** Environment variables added to the test's (`NO_COLOR=1` always). */
  readonly env?: Record<string, string>;
  /** How long to wait for the listening lines (default 15 s). */
  readonly timeoutMs?: number;
  /**
   * The listeners whose "Listening on ... (name" line it waits for
   * (default `["binary"]`; others: `"RESP"`, `"HTTP"`).
   */
  readonly listeners?: readonly string[];
}

/**
 * Starts a node from any command line (a bundle, a unit's ExecStart, the
 * Dockerfile's CMD...) and waits until it logs every listener asked for.
 *
 * @param command The program and its arguments.
 * @param options Where and how long; which listeners.
 * @returns The running process; `ports` maps each listener logged to its port.
 * @throws {Error} When it exits or stays silent before listening (it is killed).
 */
export async function startNodeCommand(
  command: readonly string[],
  options: NodeCommandOptions = {},
): Promise<NodeProcess> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const listeners = options.listeners ?? ["binary"];
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const ready = Promise.withResolvers<Map<string, number>>();
  const ports = new Map<string, number>();
  const pump = (async () => {
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      for (const m of text.matchAll(/Listening on \S+?:(\d+) \((\w+)/g)) {
        ports.set(m[2], Number(m[1]));
      }
      if (listeners.every((name) => ports.has(name))) ready.resolve(ports);
    }
    ready.reject(
      new Error(`${command.join(" ")} exited before listening:\n${text}`),
    );
  })();
  // Drain stdout so the child never blocks on a full pipe.
  const drainOut = child.stdout.pipeTo(new WritableStream());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${
              command.join(" ")
            } did not listen within ${timeoutMs} ms:\n${text}`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([ready.promise, timeout]);
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.status;
    await Promise.allSettled([pump, drainOut]);
    throw e;
  } finally {
    clearTimeout(timer);
  }
  const port = ports.get("binary") ?? 0;
  return {
    port,
    ports,
    respPort: ports.get("RESP") ?? 0,
    address: `127.0.0.1:${port}`,
    child,
    log: () => text,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      const status = await child.status;
      await Promise.allSettled([pump, drainOut]);
      return status;
    },
  };
}

/**
 * {@linkcode startNodeProcess} with `--resp-port` on a port found free,
 * retried (up to 5 times) when another process takes it first.
 *
 * @param args More flags for server/main.ts.
 * @param env Environment variables added to the test's.
 * @param timeoutMs How long to wait for the listening lines, each try.
 * @returns The running process (`respPort` set).
 */
export async function startRespNodeProcess(
  args: string[] = [],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<NodeProcess> {
  for (let attempt = 1;; attempt++) {
    try {
      return await startNodeProcess(
        ["--resp-port", String(freePort()), ...args],
        timeoutMs,
        env,
      );
    } catch (e) {
      if (attempt >= 5 || !String(e).includes("in use")) throw e;
    }
  }
}
