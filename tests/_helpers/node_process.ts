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
export async function startNodeProcess(
  args: string[] = [],
  timeoutMs = 15_000,
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", "0", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const ready = Promise.withResolvers<Map<string, number>>();
  const respAt = args.indexOf("--resp-port");
  const wantsResp = respAt >= 0 && args[respAt + 1] !== "0";
  const ports = new Map<string, number>();
  const pump = (async () => {
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      for (const m of text.matchAll(/Listening on \S+?:(\d+) \((\w+)/g)) {
        ports.set(m[2], Number(m[1]));
      }
      if (ports.has("binary") && (!wantsResp || ports.has("RESP"))) {
        ready.resolve(ports);
      }
    }
    ready.reject(new Error(`node exited before listening:\n${text}`));
  })();
  // Drain stdout so the child never blocks on a full pipe.
  const drainOut = child.stdout.pipeTo(new WritableStream());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`node did not listen within ${timeoutMs} ms:\n${text}`),
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
  const port = ports.get("binary")!;
  return {
    port,
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
