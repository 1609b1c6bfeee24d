/**
 * The npm package as a Node.js or Bun user gets it: `deno task build:npm`,
 * `npm pack`, then `npm install` of the tarball (and of the npm package
 * `bun`) into a scratch project in a temporary folder, outside the
 * repository. There, an ESM program runs against real node processes
 * under `node` and under `bun`: SET/GET, MGET, a hash, 1,000 calls
 * pipelined, a 3 MB value each way, a command error, and TLS with a client
 * certificate (a node started with `--tls-ca`). The README's program runs
 * too. `deno check` of a TypeScript program in the
 * scratch project checks the package's `.d.ts` types (with an
 * `@ts-expect-error` that fails if they were `any`).
 *
 * npm uses its own cache (`~/.npm`, `--prefer-offline`): a run after the
 * first downloads nothing (the first fetches `bun`, 103 MB unpacked, in a few
 * seconds). The test prints how long each stage took.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { makeTestCerts } from "./_helpers/certs.ts";
import {
  freePort,
  type NodeProcess,
  startNodeProcess,
} from "./_helpers/node_process.ts";
import { type Ran, run as runCommand } from "./_helpers/run.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The Bun release the test runs the package under (the npm package `bun`). */
const BUN_VERSION = "1.4.5";

/** The program a Node.js user would write; run by `node` and by `bun`. */
const PROGRAM = `
import { readFileSync } from "node:fs";
import { CacheMirClient, ReplyError } from "@cachemir/client";
import { commandInfo } from "@cachemir/client/protocol";

const [address, tlsDir] = process.argv.slice(2);
const runtime = typeof Bun === "undefined" ? "node" : "bun";
const tls = tlsDir === undefined ? undefined : {
  caCerts: [readFileSync(tlsDir + "/ca.crt", "utf8")],
  cert: readFileSync(tlsDir + "/client.crt", "utf8"),
  key: readFileSync(tlsDir + "/client.key", "utf8"),
};
const client = new CacheMirClient({
  nodes: [address],
  tls,
  connectTimeoutMs: 30000,
  commandTimeoutMs: 30000,
});
const out = { runtime };
const k = (name) => runtime + ":" + name;
await client.set(k("greeting"), "hello");
out.get = await client.get(k("greeting"));
await client.mset({ [k("a")]: "1", [k("b")]: "2" });
out.mget = await client.mget(k("a"), k("b"), k("none"));
await client.hset(k("h"), { f1: "v1", f2: "v2" });
out.hgetall = await client.hgetall(k("h"));
const counts = await Promise.all(
  Array.from({ length: 1000 }, () => client.incr(k("counter"))),
);
out.pipeline = {
  calls: counts.length,
  distinct: new Set(counts).size,
  max: Math.max(...counts),
};
// 3 MB each way: many socket reads for one reply.
const big = "0123456789".repeat(300000);
await client.set(k("big"), big);
out.big = (await client.get(k("big"))) === big;
try {
  await client.incr(k("greeting"));
  out.error = "none";
} catch (e) {
  out.error = (e instanceof ReplyError ? "ReplyError: " : "other: ") + e.message;
}
out.getOpcode = commandInfo("GET").opcode;
await client.close();
console.log(JSON.stringify(out));
`;

/** The READMEs' five-line program (its node's address replaced). */
const README_PROGRAM = `import { CacheMirClient } from "@cachemir/client";
const client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
await client.set("greeting", "hello from Node.js");
console.log(await client.get("greeting"));
await client.close();
`;

/** A TypeScript user's program: only type-checked (`deno check`). */
const TYPED_PROGRAM = `
import { CacheMirClient, type CacheMirClientOptions } from "@cachemir/client";
import { HashRing } from "@cachemir/client/ring";
import { commandInfo } from "@cachemir/client/protocol";

const options: CacheMirClientOptions = { nodes: ["127.0.0.1:7379"] };
const client = new CacheMirClient(options);
const value: string | null = await client.get("k");
// @ts-expect-error: get() resolves with a string or null, not a number.
const wrong: number = await client.get("k");
const ring = new HashRing();
ring.add("10.0.0.1:7379");
const opcode: number = commandInfo("GET").opcode;
console.log(value, wrong, ring, opcode);
`;

/** {@linkcode runCommand} with npm's update notice off. */
function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Ran> {
  return runCommand(cmd, args, {
    ...options,
    env: { npm_config_update_notifier: "false" },
  });
}

/** {@linkcode run}, failing with the command's output when it exits non-zero. */
async function ok(
  cmd: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  const r = await run(cmd, args, options);
  assert.equal(
    r.code,
    0,
    `${cmd} ${args.join(" ")} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`,
  );
  return r.stdout;
}

/** Seconds each stage took, printed at the end. */
const timings: [string, number][] = [];
async function timed<T>(stage: string, f: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await f();
  } finally {
    timings.push([stage, (performance.now() - started) / 1000]);
  }
}

/** What the program printed, checked. */
function checkOutput(stdout: string, runtime: string): void {
  const out = JSON.parse(stdout.trim().split("\n").at(-1)!);
  assert.deepEqual(out, {
    runtime,
    get: "hello",
    mget: ["1", "2", null],
    hgetall: { f1: "v1", f2: "v2" },
    pipeline: { calls: 1000, distinct: 1000, max: 1000 },
    big: true,
    error: "ReplyError: ERR value is not an integer or out of range",
    getOpcode: 0x0100,
  });
}

Deno.test("the npm package installs from its tarball and runs under Node.js and Bun against real nodes", async (t) => {
  const scratch = await Deno.makeTempDir({ prefix: "cachemir-npm-project-" });
  const certs = await makeTestCerts();
  const nodes: NodeProcess[] = [];
  try {
    await timed(
      "deno task build:npm",
      () => ok(Deno.execPath(), ["task", "build:npm"], { cwd: ROOT }),
    );
    const packed = await timed(
      "npm pack",
      () =>
        ok("npm", ["pack", "--json", "--pack-destination", scratch], {
          cwd: `${ROOT}/dist/npm`,
        }),
    );
    const [info] = JSON.parse(packed) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = info.files.map((f) => f.path);
    for (
      const f of [
        "package.json",
        "README.md",
        "LICENSE",
        "client/mod.js",
        "client/mod.d.ts",
        "protocol/mod.js",
        "protocol/mod.d.ts",
      ]
    ) {
      assert.ok(files.includes(f), `the tarball lacks ${f}: ${files}`);
    }
    assert.ok(
      !files.some((f) =>
        /_test\.|_bench|\.ts$/.test(f) && !f.endsWith(".d.ts")
      ),
      `the tarball holds sources or tests: ${files}`,
    );

    await Deno.writeTextFile(
      `${scratch}/package.json`,
      JSON.stringify({ name: "scratch", private: true, type: "module" }),
    );
    await timed("npm install (tarball and bun)", () =>
      ok("npm", [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        `./${info.filename}`,
        `bun@${BUN_VERSION}`,
      ], { cwd: scratch, timeoutMs: 300_000 }));
    await Deno.writeTextFile(`${scratch}/program.mjs`, PROGRAM);
    for (const readme of ["README.md", "dist/npm/README.md"]) {
      const text = await Deno.readTextFile(`${ROOT}/${readme}`);
      assert.ok(
        text.includes("```js\n" + README_PROGRAM + "```"),
        `${readme} lacks the five-line program`,
      );
      assert.ok(text.includes("npm install @cachemir/client"));
    }
    await Deno.writeTextFile(`${scratch}/typed.ts`, TYPED_PROGRAM);

    const node = await timed("start a node", () => startNodeProcess());
    nodes.push(node);

    await t.step("the README's program, under node and bun", async () => {
      await Deno.writeTextFile(
        `${scratch}/main.mjs`,
        README_PROGRAM.replace("127.0.0.1:7379", node.address),
      );
      assert.equal(
        await ok("node", ["main.mjs"], { cwd: scratch }),
        "hello from Node.js\n",
      );
      assert.equal(
        await ok(`${scratch}/node_modules/.bin/bun`, ["main.mjs"], {
          cwd: scratch,
        }),
        "hello from Node.js\n",
      );
    });

    await t.step("under node", async () => {
      const stdout = await timed(
        "node program.mjs",
        () => ok("node", ["program.mjs", node.address], { cwd: scratch }),
      );
      checkOutput(stdout, "node");
    });

    await t.step("under bun", async () => {
      const bun = `${scratch}/node_modules/.bin/bun`;
      assert.equal((await ok(bun, ["--version"])).trim(), BUN_VERSION);
      const stdout = await timed(
        "bun program.mjs",
        () => ok(bun, ["program.mjs", node.address], { cwd: scratch }),
      );
      checkOutput(stdout, "bun");
    });

    await t.step(
      "TLS with a client certificate, under node and bun",
      async () => {
        const tlsNode = await timed("start a TLS node", () =>
          startNodeProcess([
            "--http-port",
            String(freePort()),
            "--tls-cert",
            certs.serverCertFile,
            "--tls-key",
            certs.serverKeyFile,
            "--tls-ca",
            certs.caFile,
          ]));
        nodes.push(tlsNode);
        for (const runtime of ["node", "bun"]) {
          const exe = runtime === "node"
            ? "node"
            : `${scratch}/node_modules/.bin/bun`;
          const stdout = await timed(
            `${runtime} program.mjs over TLS`,
            () =>
              ok(exe, ["program.mjs", tlsNode.address, certs.dir], {
                cwd: scratch,
              }),
          );
          checkOutput(stdout, runtime);
        }
      },
    );

    await t.step(
      "its .d.ts types check (deno check in the scratch project)",
      async () => {
        await timed(
          "deno check typed.ts",
          () => ok(Deno.execPath(), ["check", "typed.ts"], { cwd: scratch }),
        );
      },
    );
  } finally {
    for (const n of nodes) await n.stop();
    await certs.remove();
    await Deno.remove(scratch, { recursive: true });
    console.log(
      "npm package test, seconds by stage: " +
        timings.map(([s, secs]) => `${s} ${secs.toFixed(1)}`).join(", "),
    );
  }
});
