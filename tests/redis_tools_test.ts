/**
 * The real Redis tools against a node's RESP port: redis-cli (one-shot,
 * piped, RESP3) and redis-benchmark (pipelined and not). Each run is bounded
 * in time.
 */

import assert from "node:assert/strict";
import { setupLogging } from "../server/log.ts";
import { startRespNode } from "./_helpers/resp_node.ts";

setupLogging("error");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  cmd: string,
  args: string[],
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<Run> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const text = (b: Uint8Array): string => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("redis-cli runs commands against a node", async () => {
  const node = await startRespNode();
  const p = String(node.respPort);
  try {
    const cli = (...args: string[]): Promise<Run> =>
      run("redis-cli", ["-p", p, ...args]);
    assert.equal((await cli("SET", "greeting", "hello world")).stdout, "OK\n");
    assert.equal((await cli("GET", "greeting")).stdout, "hello world\n");
    assert.equal((await cli("INCRBY", "n", "41")).stdout, "41\n");
    assert.equal((await cli("--no-raw", "INCR", "n")).stdout, "(integer) 42\n");
    assert.equal(
      (await cli("--no-raw", "INCR", "greeting")).stdout,
      "(error) ERR value is not an integer or out of range\n",
    );
    assert.equal((await cli("--no-raw", "GET", "nope")).stdout, "(nil)\n");
    assert.equal((await cli("DBSIZE")).stdout, "2\n");
    // Piped commands: redis-cli first sends COMMAND DOCS.
    const piped = await run("redis-cli", ["-p", p], {
      stdin: "SET a 1\nMGET a greeting\nTYPE a\n",
    });
    assert.equal(piped.stdout, "OK\n1\nhello world\nstring\n");
    // RESP3 (-3 sends HELLO 3 first).
    const resp3 = await run("redis-cli", [
      "-3",
      "-p",
      p,
      "--no-raw",
      "CONFIG",
      "GET",
      "save",
    ]);
    assert.equal(resp3.code, 0, resp3.stderr);
    assert.equal(resp3.stdout, '1# "save" => ""\n');
    assert.match((await cli("INFO", "server")).stdout, /redis_version:7\.0\.0/);
  } finally {
    await node.close();
  }
});

/** Asserts every test of a quiet redis-benchmark run reports a rate. */
function assertBenchmark(out: Run, pipeline: number): void {
  assert.equal(out.code, 0, out.stderr);
  // -q prints progress lines ending in \r, then one final line per test.
  const lines = out.stdout.split(/[\r\n]/).filter((l) =>
    /requests per second/.test(l)
  );
  const tests = ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET"];
  for (const t of tests) {
    assert.ok(
      lines.some((l) =>
        l.startsWith(`${t}`) && /: [\d.]+ requests per second/.test(l)
      ),
      `-P ${pipeline}: no rate for ${t} in:\n${out.stdout}`,
    );
  }
}

Deno.test("redis-benchmark completes against a node, with -P 1 and -P 16", async () => {
  const node = await startRespNode();
  try {
    for (const pipeline of [1, 16]) {
      const out = await run("redis-benchmark", [
        "-p",
        String(node.respPort),
        "-t",
        "ping,set,get,incr,mset",
        "-n",
        "100000",
        "-q",
        "-P",
        String(pipeline),
      ], { timeoutMs: 90_000 });
      assertBenchmark(out, pipeline);
    }
    assert.ok(node.keyspace.size > 0);
  } finally {
    await node.close();
  }
});
