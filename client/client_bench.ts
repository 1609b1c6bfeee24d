// Throughput of CacheMirClient against a real node process on 127.0.0.1.
// Run: deno bench -A client/client_bench.ts
// Each pipelined bench sends DEPTH commands per iteration: commands/s =
// iter/s × DEPTH. Skipped (with a message) when no node can be started.
import { CacheMirClient } from "./mod.ts";

const DEPTH = 1000;
const VALUE = "x".repeat(32);

async function startNode(): Promise<
  { address: string; child: Deno.ChildProcess } | undefined
> {
  const main = new URL("../server/main.ts", import.meta.url);
  try {
    await Deno.stat(main);
  } catch {
    return undefined;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main.pathname, "--port", "0", "--log-level", "info"],
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
  try {
    child.kill("SIGKILL");
  } catch {
    // gone
  }
  console.error(`client_bench: cannot start a node, skipping:\n${text}`);
  return undefined;
}

const node = await startNode();
let client: CacheMirClient | undefined;
if (node !== undefined) {
  client = new CacheMirClient({ nodes: [node.address] });
  await client.set("bench:get", VALUE);
  globalThis.addEventListener("unload", () => {
    try {
      node.child.kill("SIGKILL");
    } catch {
      // gone
    }
  });
}
const ignore = client === undefined;
const keys = Array.from({ length: DEPTH }, (_, i) => `bench:${i}`);

Deno.bench({
  name: "CacheMirClient.get() one at a time (round trip)",
  group: "latency",
  ignore,
  async fn() {
    await client!.get("bench:get");
  },
});

Deno.bench({
  name: "CacheMirClient.set() one at a time (round trip)",
  group: "latency",
  ignore,
  async fn() {
    await client!.set("bench:set", VALUE);
  },
});

Deno.bench({
  name: `CacheMirClient.set() pipelined ×${DEPTH} (32-byte values)`,
  group: "pipelined",
  ignore,
  async fn() {
    const c = client!;
    const all = new Array<Promise<unknown>>(DEPTH);
    for (let i = 0; i < DEPTH; i++) all[i] = c.set(keys[i], VALUE);
    await Promise.all(all);
  },
});

Deno.bench({
  name: `CacheMirClient.get() pipelined ×${DEPTH} (32-byte values)`,
  group: "pipelined",
  baseline: true,
  ignore,
  async fn() {
    const c = client!;
    const all = new Array<Promise<unknown>>(DEPTH);
    for (let i = 0; i < DEPTH; i++) all[i] = c.get(keys[i]);
    await Promise.all(all);
  },
});

Deno.bench({
  name: `CacheMirClient.getBuffer() pipelined ×${DEPTH}`,
  group: "pipelined",
  ignore,
  async fn() {
    const c = client!;
    const all = new Array<Promise<unknown>>(DEPTH);
    for (let i = 0; i < DEPTH; i++) all[i] = c.getBuffer(keys[i]);
    await Promise.all(all);
  },
});

Deno.bench({
  name: `CacheMirClient.mget() of ${DEPTH} keys`,
  group: "pipelined",
  ignore,
  async fn() {
    await client!.mget(keys);
  },
});
