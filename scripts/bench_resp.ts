/**
 * Compares a CacheMir node's RESP port with real Redis on this machine, in
 * the same run, with the same `redis-benchmark` flags:
 *
 * ```sh
 * deno run -A scripts/bench_resp.ts [--requests 100000] [--clients 50] [--tests ping,set,get,incr,mset]
 * ```
 *
 * Starts `redis-server` (no persistence) and a node (`server/main.ts
 * --resp-port`) as separate processes on free 127.0.0.1 ports, runs
 * `redis-benchmark -t <tests> -n <requests> -q` with `-P 1` and `-P 16`
 * against each, and prints a Markdown table of requests per second and the
 * CacheMir / Redis ratio.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startRedis } from "../tests/compat/_harness.ts";
import { freePort, startNodeProcess } from "../tests/_helpers/node_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "100000" },
    clients: { type: "string", default: "50" },
    tests: { type: "string", default: "ping,set,get,incr,mset" },
  },
});

/** Runs redis-benchmark; returns requests per second by test name. */
async function benchmark(
  port: number,
  pipeline: number,
): Promise<Map<string, number>> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-t",
      values.tests!,
      "-n",
      values.requests!,
      "-c",
      values.clients!,
      "-P",
      String(pipeline),
      "-q",
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(300_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (out.code !== 0) {
    throw new Error(
      `redis-benchmark failed (${out.code}):\n${text}\n${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
  const rates = new Map<string, number>();
  for (
    const m of text.matchAll(
      /([A-Z_]+(?: \(\d+ keys\))?): ([\d.]+) requests per second/g,
    )
  ) {
    rates.set(m[1], Number(m[2]));
  }
  return rates;
}

const redis = await startRedis();
let node: Awaited<ReturnType<typeof startNodeProcess>> | undefined;
const rows: string[] = [];
try {
  // Info level: the node's "Listening on" lines are how the port is found.
  node = await startNodeProcess(["--resp-port", String(freePort())]);
  for (const pipeline of [1, 16]) {
    const r = await benchmark(redis.port, pipeline);
    const c = await benchmark(node.respPort, pipeline);
    for (const [name, redisRate] of r) {
      const ours = c.get(name) ?? 0;
      rows.push(
        `| ${name} | ${pipeline} | ${Math.round(redisRate)} | ${
          Math.round(ours)
        } | ${(ours / redisRate).toFixed(2)} |`,
      );
    }
  }
} finally {
  await node?.stop();
  await redis.stop();
}

const redisVersion = new TextDecoder().decode(
  (await new Deno.Command("redis-server", { args: ["--version"] }).output())
    .stdout,
).trim();
console.log(
  `redis-benchmark -t ${values.tests} -n ${values.requests} -c ${values.clients} -q; ${
    redisVersion.split(" ").slice(0, 3).join(" ")
  }; deno ${Deno.version.deno}\n`,
);
console.log("| test | -P | Redis (req/s) | CacheMir (req/s) | ratio |");
console.log("| ---- | -: | ------------: | ---------------: | ----: |");
for (const row of rows) console.log(row);
