/**
 * The client in a Deno project of a user's own, outside the repository,
 * as the README shows it: a scratch project in a temporary folder whose
 * `deno.json` points `@cachemir/client` and `@cachemir/protocol` at this
 * checkout, runs a five-line program against a real node process with
 * `--allow-net` only, after `deno check` of it. Two ways: an import map, and `links` (the JSR import
 * `jsr:@cachemir/client`, served from the checkout: the same program and
 * import as once the package is on JSR, which our machines cannot reach).
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startNodeProcess } from "./_helpers/node_process.ts";
import { run } from "./_helpers/run.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** The README's five-line program (its node's address replaced). */
const PROGRAM = `import { CacheMirClient } from "@cachemir/client";
await using client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
await client.set("greeting", "hello from Deno");
console.log(await client.get("greeting"));
console.log(await client.incr("visits"));
`;

/** The project's deno.json, each way. */
const CONFIGS: Record<string, unknown> = {
  "an import map": {
    imports: {
      "@cachemir/client": `${ROOT}/client/mod.ts`,
      "@cachemir/protocol": `${ROOT}/protocol/mod.ts`,
    },
  },
  "links to the checkout": {
    imports: { "@cachemir/client": "jsr:@cachemir/client@^0.1.0" },
    links: [`${ROOT}/client`, `${ROOT}/protocol`],
  },
};

Deno.test("the README shows the Deno program and both deno.json files", async () => {
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  assert.ok(
    readme.includes("```ts\n" + PROGRAM + "```"),
    "README lacks PROGRAM",
  );
  assert.ok(readme.includes("deno add jsr:@cachemir/client"));
  for (
    const line of [
      `"@cachemir/protocol": "../cachemir/protocol/mod.ts"`,
      `"links": ["../cachemir/client", "../cachemir/protocol"]`,
    ]
  ) {
    assert.ok(readme.includes(line), `README lacks ${line}`);
  }
});

Deno.test("a Deno project outside the repository uses the client from a checkout", async (t) => {
  const node = await startNodeProcess();
  try {
    let visits = 0;
    for (const [way, config] of Object.entries(CONFIGS)) {
      await t.step(`through ${way}`, async () => {
        const dir = await Deno.makeTempDir({
          prefix: "cachemir-deno-project-",
        });
        assert.ok(!dir.startsWith(ROOT), `${dir} is inside the repository`);
        try {
          await Deno.writeTextFile(
            `${dir}/deno.json`,
            JSON.stringify(config, null, 2),
          );
          await Deno.writeTextFile(
            `${dir}/main.ts`,
            PROGRAM.replace("127.0.0.1:7379", node.address),
          );
          assert.equal(PROGRAM.trimEnd().split("\n").length, 5);
          const check = await run(Deno.execPath(), ["check", "main.ts"], {
            cwd: dir,
          });
          assert.equal(
            check.code,
            0,
            `deno check failed:\n${check.stderr}`,
          );
          const { code, stdout, stderr } = await run(
            Deno.execPath(),
            ["run", "--allow-net", "main.ts"],
            { cwd: dir },
          );
          assert.equal(code, 0, `deno run failed:\n${stdout}\n${stderr}`);
          visits++;
          assert.equal(stdout, `hello from Deno\n${visits}\n`);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      });
    }
  } finally {
    await node.stop();
  }
});
