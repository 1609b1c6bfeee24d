/**
 * The one-file node: `scripts/bundle.ts` (`deno task bundle`) builds
 * `cachemir-server.js`; copied alone into an empty folder, it starts with
 * the command the README documents and serves the client, redis-cli and
 * the CLI's own bundle (`cachemir-cli.js`, alone in another folder).
 */

import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";
import { bundle, externalImports } from "../scripts/bundle.ts";
import {
  freePort,
  type NodeProcess,
  startNodeCommand,
} from "./_helpers/node_process.ts";
import { run } from "./_helpers/run.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** The README's command for the bundled node, as words. */
async function documentedCommand(): Promise<string[]> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const m = readme.match(/^deno run -A --v8-flags=\S+ cachemir-server\.js$/m);
  assert.ok(
    m,
    "README.md documents `deno run -A --v8-flags=... cachemir-server.js`",
  );
  return m[0].split(" ");
}

Deno.test("externalImports lists what a bundle still imports", () => {
  const code = [
    'import { parseArgs } from "node:util";',
    'import v8 from "node:v8";',
    'import "npm:left-out";',
    'export { x } from "./x.js";',
    'const m = await import("node:fs");',
  ].join("\n");
  assert.deepEqual(externalImports(code).sort(), [
    "./x.js",
    "node:fs",
    "node:util",
    "node:v8",
    "npm:left-out",
  ]);
});

Deno.test("the README's start command uses deno task start's V8 flags", async () => {
  const words = await documentedCommand();
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const flags = (config.tasks.start as string).match(/--v8-flags=\S+/)?.[0];
  assert.ok(flags, "deno task start passes --v8-flags");
  assert.ok(words.includes(flags), `${words.join(" ")} has ${flags}`);
});

Deno.test({
  name: "the bundled node runs alone in an empty folder: client and redis-cli",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const build = await Deno.makeTempDir({ prefix: "cachemir-build-" });
    const alone = await Deno.makeTempDir({ prefix: "cachemir-alone-" });
    let node: NodeProcess | undefined;
    try {
      const [server, cliBundle] = await bundle(build);
      assert.ok(cliBundle.endsWith("/cachemir-cli.js"));
      assert.ok(server.endsWith("/cachemir-server.js"));
      await Deno.copyFile(server, `${alone}/cachemir-server.js`);
      assert.deepEqual(
        [...Deno.readDirSync(alone)].map((e) => e.name),
        ["cachemir-server.js"],
      );

      const [deno, ...args] = await documentedCommand();
      assert.equal(deno, "deno");
      const version = await run(Deno.execPath(), [...args, "--version"], {
        cwd: alone,
        timeoutMs: 30_000,
      });
      assert.equal(version.code, 0, version.stderr);
      assert.match(
        version.stdout,
        /^cachemir-server \d+\.\d+\.\d+/,
      );

      node = await startNodeCommand(
        [
          Deno.execPath(),
          ...args,
          "--port",
          "0",
          "--resp-port",
          String(freePort()), // 0 would turn RESP off
          "--maxmemory",
          "64mb",
        ],
        { cwd: alone, timeoutMs: 60_000, listeners: ["binary", "RESP"] },
      );
      const ports = node.ports;
      assert.doesNotMatch(
        node.log(),
        /V8's heap limit/,
        "the documented V8 flags apply",
      );

      {
        await using client = new CacheMirClient({
          nodes: [`127.0.0.1:${ports.get("binary")}`],
        });
        assert.equal(await client.set("greeting", "hello"), "OK");
        assert.equal(await client.get("greeting"), "hello");
        assert.equal(await client.incr("visits"), 1);
        assert.deepEqual(
          await client.call("rpush", "l", "a", "b"),
          2,
        );
      }

      const cli = async (...words: string[]): Promise<string> => {
        const out = await run(
          "redis-cli",
          ["-p", String(ports.get("RESP")), ...words],
          { timeoutMs: 10_000 },
        );
        assert.equal(out.code, 0, out.stderr);
        return out.stdout;
      };
      assert.equal(await cli("GET", "greeting"), "hello\n");
      assert.equal(await cli("LRANGE", "l", "0", "-1"), "a\nb\n");
      assert.equal(await cli("DBSIZE"), "3\n");

      // The CLI's bundle, alone in another folder, against the bundled node.
      const cliAlone = await Deno.makeTempDir({ prefix: "cachemir-cli-" });
      try {
        await Deno.copyFile(cliBundle, `${cliAlone}/cachemir-cli.js`);
        const out = await run(
          Deno.execPath(),
          [
            "run",
            "-A",
            "cachemir-cli.js",
            "-p",
            String(ports.get("binary")),
            "LRANGE",
            "l",
            "0",
            "-1",
          ],
          {
            cwd: cliAlone,
            env: { CACHEMIR_CLI_HISTFILE: "" },
            timeoutMs: 30_000,
          },
        );
        assert.equal(out.code, 0, out.stderr);
        assert.equal(out.stdout, '1) "a"\n2) "b"\n');
      } finally {
        await Deno.remove(cliAlone, { recursive: true });
      }

      const status = await node.stop();
      node = undefined;
      assert.equal(status.code, 0);
    } finally {
      await node?.stop("SIGKILL");
      await Deno.remove(build, { recursive: true });
      await Deno.remove(alone, { recursive: true });
    }
  },
});
