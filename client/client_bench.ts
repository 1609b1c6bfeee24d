// Throughput of CacheMirClient against a real node process on 127.0.0.1.
// Run: deno bench -A client/client_bench.ts
// Each pipelined bench sends DEPTH commands per iteration: commands/s =
// iter/s × DEPTH. Skipped (with a message) when no node can be started.
import { CacheMirClient } from "./mod.ts";
import { startBenchNodes } from "./_bench_nodes.ts";

const DEPTH = 1000;
const VALUE = "x".repeat(32);

const nodes = await startBenchNodes(1, "client_bench");
let client: CacheMirClient | undefined;
if (nodes !== undefined) {
  client = new CacheMirClient({ nodes: [nodes[0].address] });
  await client.set("bench:get", VALUE);
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
