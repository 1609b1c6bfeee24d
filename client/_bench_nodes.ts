/**
 * Node processes for the client's benches: `deno run -A server/main.ts` on
 * 127.0.0.1 and a free port, killed when the bench exits. Private to the
 * package's benches, and not published (the server is not in the package).
 *
 * @module
 */

const MAIN = new URL("../server/main.ts", import.meta.url);

/** A node process started for a bench. */
export interface BenchNode {
  /** `127.0.0.1:port`. */
  readonly address: string;
  /** The process. */
  readonly child: Deno.ChildProcess;
}

function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // gone
  }
}

/** One node, or what it wrote when it did not listen within 15 s. */
async function startNode(): Promise<BenchNode | string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN.pathname, "--port", "0", "--log-level", "info"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => kill(child), 15_000);
  try {
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      const m = text.match(/Listening on \S+?:(\d+) \(binary/);
      if (m) {
        // Keep draining stderr so the node never blocks on a full pipe.
        child.stderr.pipeTo(new WritableStream()).catch(() => {});
        return { address: `127.0.0.1:${m[1]}`, child };
      }
    }
  } catch {
    // stream ended
  } finally {
    clearTimeout(timer);
  }
  kill(child);
  return text;
}

/**
 * Starts `count` nodes in parallel; they are killed when the bench unloads.
 *
 * @param count How many nodes.
 * @param bench The bench's name, for the message when they cannot start.
 * @returns The nodes, or `undefined` when the server is not there or a node
 * did not start (after a message, and with the others killed): the benches
 * are then skipped.
 */
export async function startBenchNodes(
  count: number,
  bench: string,
): Promise<BenchNode[] | undefined> {
  try {
    await Deno.stat(MAIN);
  } catch {
    console.error(`${bench}: no ${MAIN.pathname}, skipping`);
    return undefined;
  }
  const started = await Promise.all(
    Array.from({ length: count }, () => startNode()),
  );
  const nodes = started.filter((n) => typeof n !== "string");
  const failed = started.find((n) => typeof n === "string");
  if (failed !== undefined) {
    for (const n of nodes) kill(n.child);
    console.error(`${bench}: cannot start a node, skipping:\n${failed}`);
    return undefined;
  }
  globalThis.addEventListener("unload", () => {
    for (const n of nodes) kill(n.child);
  });
  return nodes;
}
