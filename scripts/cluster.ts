/**
 * Starts a local cluster: N node processes on consecutive ports, until
 * Ctrl-C (SIGINT) or SIGTERM stops them all.
 *
 * ```sh
 * deno task cluster --nodes 3 --port 7379
 * # CacheMir cluster: 3 nodes on 127.0.0.1:7379..7381
 * # nodes: 127.0.0.1:7379,127.0.0.1:7380,127.0.0.1:7381
 * ```
 *
 * Each node gets an equal share of the host's memory as its `--maxmemory`
 * (75% of the cgroup's limit or of physical memory, divided by N) unless
 * `--maxmemory` is among the flags after `--`. Nodes run with V8's heap
 * limit raised past their maxmemory (`--v8-flags`, as `deno task start`).
 *
 * The `nodes:` line lists the addresses for a client:
 * `new CacheMirClient({ nodes: "127.0.0.1:7379,...".split(",") })`. Node
 * logs go to stderr, each line prefixed with the node's port. When a node
 * cannot start (say, its port is taken), the others are stopped and the
 * script exits with status 1.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { formatAddress } from "@cachemir/client/connection";
import {
  describeBudget,
  gib,
  memoryBudget,
  SYSTEM_MEMORY,
} from "../server/memory_budget.ts";
import { integerFlag } from "./_flags.ts";

const MAIN = new URL("../server/main.ts", import.meta.url).pathname;
/**
 * V8's heap flags for every node: an old-generation limit of 1 TiB (in MiB),
 * since records live outside V8's heap and eviction at maxmemory, not V8,
 * must be what stops growth; and 4 MiB young-generation semi-spaces, which V8
 * would otherwise size from that limit, to hold memory outside maxmemory.
 */
export const V8_HEAP_FLAG =
  "--v8-flags=--max-old-space-size=1048576,--max-semi-space-size=4";
const USAGE = `Usage: deno task cluster [options] [-- node flags]

Options:
  --nodes <n>         how many nodes (default 3)
  --port <n>          the first node's port; the others follow (default 7379)
  --host <addr>       address the nodes bind (default 127.0.0.1)
  --log-level <lvl>   the nodes' log level (default info)
  -h, --help          show this text

Flags after -- go to every node (e.g. -- --max-frame-bytes 1048576).
Each node's --maxmemory is its share of the host's memory (75% of it, split
evenly) unless one is given after --.
`;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

interface Node {
  readonly port: number;
  readonly child: Deno.ChildProcess;
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  exited: boolean;
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function integer(name: string, raw: string, min: number, max: number): number {
  return integerFlag(name, raw, min, max, fail);
}

/** Copies a node's stderr to ours, each line prefixed; resolves `ready` at "Listening". */
async function pump(
  stream: ReadableStream<Uint8Array>,
  port: number,
  ready: PromiseWithResolvers<void>,
): Promise<void> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (/Listening on \S+ \(binary/.test(line)) ready.resolve();
      await Deno.stderr.write(encoder.encode(`[${port}] ${line}\n`));
    }
  }
  if (pending !== "") {
    await Deno.stderr.write(encoder.encode(`[${port}] ${pending}\n`));
  }
}

function start(port: number, host: string, flags: string[]): Node {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      V8_HEAP_FLAG,
      MAIN,
      "--host",
      host,
      "--port",
      String(port),
      ...flags,
    ],
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  const ready = Promise.withResolvers<void>();
  const node: Node = {
    port,
    child,
    ready: ready.promise,
    exited: false,
    done: Promise.resolve(),
  };
  const pumping = pump(child.stderr, port, ready).catch(() => {});
  (node as { done: Promise<void> }).done = child.status.then(async (status) => {
    node.exited = true;
    await pumping;
    ready.reject(
      new Error(
        `node on port ${port} exited with status ${status.code} before listening`,
      ),
    );
  });
  ready.promise.catch(() => {});
  return node;
}

/** Sends a signal to a node that has not exited. */
function kill(node: Node, signal: Deno.Signal): void {
  if (node.exited) return;
  try {
    node.child.kill(signal);
  } catch {
    // already gone
  }
}

async function stopAll(nodes: readonly Node[]): Promise<void> {
  for (const node of nodes) kill(node, "SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const all = Promise.all(nodes.map((n) => n.done));
  const late = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (late) {
    for (const node of nodes) {
      if (node.exited) continue;
      console.error(
        `node on port ${node.port} did not stop in ${STOP_TIMEOUT_MS} ms: killing it`,
      );
      kill(node, "SIGKILL");
    }
    await all;
  }
}

/**
 * Each node's share of the host's memory, when the node flags do not set
 * `--maxmemory`.
 */
function memoryShare(
  nodeFlags: readonly string[],
  count: number,
): { bytes: number; message: string } | undefined {
  if (
    nodeFlags.some((f) => f === "--maxmemory" || f.startsWith("--maxmemory="))
  ) {
    return undefined;
  }
  const budget = memoryBudget(SYSTEM_MEMORY);
  if (budget.maxmemory === 0) return undefined; // unknown: each node decides
  const bytes = Math.floor(budget.maxmemory / count);
  return {
    bytes,
    message: `maxmemory per node: ${gib(bytes)} = ${
      describeBudget(budget).split(";")[0]
    } / ${count} nodes`,
  };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        nodes: { type: "string", default: "3" },
        port: { type: "string", default: "7379" },
        host: { type: "string", default: "127.0.0.1" },
        "log-level": { type: "string", default: "info" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const count = integer("nodes", v.nodes!, 1, 1000);
  const first = integer("port", v.port!, 1, 65535);
  if (first + count - 1 > 65535) {
    fail(`Invalid --port ${first}: ${count} nodes would go past port 65535`);
  }
  const host = v.host!;
  const flags = ["--log-level", v["log-level"]!, ...parsed.positionals];
  const share = memoryShare(parsed.positionals, count);
  if (share !== undefined) {
    flags.push("--maxmemory", String(share.bytes));
    console.log(share.message);
  }

  const nodes: Node[] = [];
  for (let i = 0; i < count; i++) nodes.push(start(first + i, host, flags));

  const stop = Promise.withResolvers<string>();
  const onSignal = (signal: Deno.Signal) => () => stop.resolve(signal);
  const signals: [Deno.Signal, () => void][] = [
    ["SIGINT", onSignal("SIGINT")],
    ["SIGTERM", onSignal("SIGTERM")],
  ];
  for (const [signal, listener] of signals) {
    Deno.addSignalListener(signal, listener);
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const started = await Promise.race([
    Promise.all(nodes.map((n) => n.ready)).then(() => "ready"),
    stop.promise,
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("timeout"), START_TIMEOUT_MS);
    }),
  ]).catch((e: Error) => e.message);
  clearTimeout(timer);
  if (started !== "ready") {
    console.error(
      started === "timeout"
        ? `Cannot start the cluster: not every node listened within ${START_TIMEOUT_MS} ms`
        : started === "SIGINT" || started === "SIGTERM"
        ? `Received ${started} while starting`
        : `Cannot start the cluster: ${started}`,
    );
    await stopAll(nodes);
    return started === "SIGINT" || started === "SIGTERM" ? 0 : 1;
  }

  const addresses = nodes.map((n) =>
    formatAddress({ hostname: host, port: n.port })
  );
  console.log(
    `CacheMir cluster: ${count} ${count === 1 ? "node" : "nodes"} on ${
      addresses[0]
    }${count > 1 ? `..${first + count - 1}` : ""}`,
  );
  console.log(`nodes: ${addresses.join(",")}`);
  console.log("Press Ctrl-C to stop.");

  // A node that dies is reported; the cluster stops when none is left.
  let stopping = false;
  for (const node of nodes) {
    node.done.then(() => {
      if (!stopping) console.error(`node on port ${node.port} exited`);
      if (nodes.every((n) => n.exited)) stop.resolve("exit");
    });
  }
  const why = await stop.promise;
  stopping = true;
  for (const [signal, listener] of signals) {
    Deno.removeSignalListener(signal, listener);
  }
  if (why !== "exit") console.log(`Received ${why}: stopping ${count} nodes`);
  await stopAll(nodes);
  return why === "exit" ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
