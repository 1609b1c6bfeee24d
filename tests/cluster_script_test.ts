// scripts/cluster.ts (`deno task cluster`): starts N nodes on consecutive
// ports, prints them, stops them all on SIGTERM.
import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";

const SCRIPT = new URL("../scripts/cluster.ts", import.meta.url).pathname;

/** A port p such that p..p+n-1 are free right now. */
function freePorts(n: number): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const held: Deno.Listener[] = [];
    try {
      for (let i = 0; i < n; i++) {
        held.push(Deno.listen({ hostname: "127.0.0.1", port: base + i }));
      }
      return base;
    } catch {
      // taken: try another base
    } finally {
      for (const l of held) l.close();
    }
  }
  throw new Error(`no ${n} consecutive free ports found`);
}

function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

/** Reads a stream until `pattern` matches what was read, or the time is up. */
async function readUntil(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
  timeoutMs: number,
): Promise<{ text: string; rest: Promise<string> }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = setTimeout(() => reader.cancel(), timeoutMs);
  try {
    while (!pattern.test(text)) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
  }
  const rest = (async () => {
    let more = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        more += decoder.decode(value, { stream: true });
      }
    } catch {
      // cancelled
    }
    return more;
  })();
  return { text, rest };
}

Deno.test("scripts/cluster.ts starts nodes on consecutive ports and stops them on SIGTERM", async () => {
  const base = freePorts(3);
  const child = spawn(["--nodes", "3", "--port", String(base)]);
  const stderr = new Response(child.stderr).text();
  let exited = false;
  try {
    const { text, rest } = await readUntil(child.stdout, /nodes: .*\n/, 20_000);
    const expected = [0, 1, 2].map((i) => `127.0.0.1:${base + i}`);
    assert.match(
      text,
      new RegExp(
        `CacheMir cluster: 3 nodes on 127\\.0\\.0\\.1:${base}\\.\\.${base + 2}`,
      ),
    );
    assert.equal(text.match(/nodes: (.*)\n/)![1], expected.join(","));
    // Each node's maxmemory is its share of the host's memory.
    const share = text.match(/maxmemory per node: (\S+ [GM]iB) = /);
    assert.ok(share, text);

    await using client = new CacheMirClient({ nodes: expected });
    await client.mset(
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c:${i}`, "v"])),
    );
    assert.equal(await client.dbsize(), 30);
    assert.ok(client.stats().every((s) => s.requests > 0), "all 3 answer");
    await client.close();

    child.kill("SIGTERM");
    const status = await child.status;
    exited = true;
    assert.equal(status.code, 0);
    assert.match(await rest, /Received SIGTERM: stopping 3 nodes/);
    const log = await stderr;
    assert.match(log, new RegExp(`\\[${base + 1}\\] .*Shut down`));
    assert.match(
      log,
      new RegExp(`\\[${base}\\] .*maxmemory ${share[1]} \\(--maxmemory\\)`),
    );
    for (const address of expected) {
      const [host, port] = address.split(":");
      await assert.rejects(
        Deno.connect({ hostname: host, port: Number(port) }),
        Deno.errors.ConnectionRefused,
        `${address} is stopped`,
      );
    }
  } finally {
    if (!exited) {
      child.kill("SIGKILL");
      await child.status;
    }
    await stderr.catch(() => {});
  }
});

Deno.test("scripts/cluster.ts stops what it started when a port is taken", async () => {
  const base = freePorts(2);
  const taken = Deno.listen({ hostname: "127.0.0.1", port: base + 1 });
  const child = spawn([
    "--nodes",
    "2",
    "--port",
    String(base),
    "--",
    "--maxmemory",
    "64mb",
  ]);
  try {
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    assert.equal(status.code, 1, stdout + stderr);
    assert.match(stderr, /Cannot start the cluster: node on port \d+ exited/);
    // --maxmemory after -- wins over the share.
    assert.doesNotMatch(stdout, /maxmemory per node/);
    await assert.rejects(
      Deno.connect({ hostname: "127.0.0.1", port: base }),
      Deno.errors.ConnectionRefused,
      "the node that did start was stopped",
    );
  } finally {
    taken.close();
  }
});

Deno.test("scripts/cluster.ts rejects bad flags", async () => {
  const child = spawn(["--nodes", "0"]);
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
    new Response(child.stdout).text(),
  ]);
  assert.equal(status.code, 2);
  assert.match(
    stderr,
    /Invalid --nodes "0": expected an integer from 1 to 1000/,
  );
});
