// Throughput of CacheMirClient over 3 node processes against 1, on
// 127.0.0.1. Run: deno bench -A client/cluster_bench.ts
// Each bench sends DEPTH commands per iteration: commands/s = iter/s × DEPTH.
// Every node is one process on one core: on a machine with fewer cores than
// nodes + 1, the nodes share cores with each other and with the client.
// Skipped (with a message) when the nodes cannot be started.
import { CacheMirClient } from "./mod.ts";
import { startBenchNodes } from "./_bench_nodes.ts";

const DEPTH = 1000;
const VALUE = "x".repeat(32);

const nodes = await startBenchNodes(3, "cluster_bench");
const ignore = nodes === undefined;
const keys = Array.from({ length: DEPTH }, (_, i) => `bench:${i}`);
let one: CacheMirClient | undefined;
let three: CacheMirClient | undefined;
if (nodes !== undefined) {
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
