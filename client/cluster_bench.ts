// Throughput of CacheMirClient over 3 node processes against 1, on
// 127.0.0.1. Run: deno bench -A client/cluster_bench.ts
// Each bench sends DEPTH commands per iteration: commands/s = iter/s × DEPTH.
// Every node is one process on one core: on a machine with fewer cores than
// nodes + 1, the nodes share cores with each other and with the client.
// Skipped (with a message) when the nodes cannot be started.
import { CacheMirClient } from "./mod.ts";

const DEPTH = 1000;
const VALUE = "x".repeat(32);

async function startNode(): Promise<
  { address: string; child: Deno.ChildProcess } | undefined
> {
  const main = new URL("../server/main.ts", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main.pathname, "--port", "0"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      const m = text.match(/Listening on \S+?:(\d+) \(binary/);
      if (m) {
        child.stderr.pipeTo(new WritableStream()).catch(() => {});
        return { address: `127.0.0.1:${m[1]}`, child };
      }
    }
  } catch {
    // stream ended
  } finally {
    clearTimeout(timer);
  }
  try {
    child.kill("SIGKILL");
  } catch {
    // gone
  }
  console.error(`cluster_bench: cannot start a node, skipping:\n${text}`);
  return undefined;
}

const started = await Promise.all([startNode(), startNode(), startNode()]);
const nodes = started.flatMap((n) => n === undefined ? [] : [n]);
globalThis.addEventListener("unload", () => {
  for (const n of nodes) {
    try {
      n.child.kill("SIGKILL");
    } catch {
      // gone
    }
  }
});
const ignore = nodes.length < 3;
const keys = Array.from({ length: DEPTH }, (_, i) => `bench:${i}`);
let one: CacheMirClient | undefined;
let three: CacheMirClient | undefined;
if (!ignore) {
  one = new CacheMirClient({ nodes: [nodes[0].address] });
  three = new CacheMirClient({ nodes: nodes.map((n) => n.address) });
  const data = Object.fromEntries(keys.map((k) => [k, VALUE]));
  await one.mset(data);
  await three.mset(data);
}

for (
  const [label, client] of [["1 node", () => one!], [
    "3 nodes",
    () => three!,
  ]] as const
) {
  Deno.bench({
    name: `get() pipelined ×${DEPTH}, ${label}`,
    group: "get",
    baseline: label === "1 node",
    ignore,
    async fn() {
      const c = client();
      const all = new Array<Promise<unknown>>(DEPTH);
      for (let i = 0; i < DEPTH; i++) all[i] = c.get(keys[i]);
      await Promise.all(all);
    },
  });
  Deno.bench({
    name: `set() pipelined ×${DEPTH}, ${label}`,
    group: "set",
    baseline: label === "1 node",
    ignore,
    async fn() {
      const c = client();
      const all = new Array<Promise<unknown>>(DEPTH);
      for (let i = 0; i < DEPTH; i++) all[i] = c.set(keys[i], VALUE);
      await Promise.all(all);
    },
  });
  Deno.bench({
    name: `mget() of ${DEPTH} keys, ${label}`,
    group: "mget",
    baseline: label === "1 node",
    ignore,
    async fn() {
      await client().mget(keys);
    },
  });
}
