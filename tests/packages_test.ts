/**
 * What the published packages carry: each of `@cachemir/client` and
 * `@cachemir/protocol` has a README with an example, the repository's
 * license, a description, an exports map whose every entry passes
 * `deno doc --lint` (every exported symbol documented), and
 * `deno publish --dry-run` is clean. The client README's example runs
 * against a real node and prints what its comments say.
 */

import assert from "node:assert/strict";
import { startNodeProcess } from "./_helpers/node_process.ts";
import { run } from "./_helpers/run.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const PACKAGES = ["client", "protocol"];

async function deno(args: string[]): Promise<{ code: number; out: string }> {
  const r = await run(Deno.execPath(), args, { cwd: ROOT, timeoutMs: 240_000 });
  return { code: r.code, out: r.stdout + r.stderr };
}

Deno.test("each package has a README with an example, the license, a description, exports", () => {
  const license = Deno.readTextFileSync(`${ROOT}LICENSE`);
  assert.match(license, /^MIT License\n/);
  for (const pkg of PACKAGES) {
    const config = JSON.parse(Deno.readTextFileSync(`${ROOT}${pkg}/deno.json`));
    assert.equal(config.name, `@cachemir/${pkg}`);
    assert.equal(config.license, "MIT");
    assert.equal(Deno.readTextFileSync(`${ROOT}${pkg}/LICENSE`), license);
    assert.equal(typeof config.description, "string");
    assert.ok(
      config.description.length > 20 && config.description.length <= 250,
      `${pkg}: a description of at most 250 characters (JSR's limit)`,
    );
    assert.ok(config.exports, `${pkg}: an exports map`);
    const readme = Deno.readTextFileSync(`${ROOT}${pkg}/README.md`);
    assert.match(readme, new RegExp(`deno add jsr:@cachemir/${pkg}`));
    assert.match(
      readme,
      /^```ts$/m,
      `${pkg}: a runnable example (doc_test.ts runs it)`,
    );
    assert.match(readme, /\[LICENSE\]\(\.\/LICENSE\)/);
  }
});

Deno.test({
  name: "deno doc --lint passes on every entry of both exports maps",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const files: string[] = [];
    for (const pkg of PACKAGES) {
      const { exports } = JSON.parse(
        Deno.readTextFileSync(`${ROOT}${pkg}/deno.json`),
      );
      const entries = typeof exports === "string"
        ? [exports]
        : Object.values(exports);
      for (const e of entries as string[]) {
        files.push(`${pkg}/${e.replace(/^\.\//, "")}`);
      }
    }
    assert.ok(files.length >= 12);
    const { code, out } = await deno(["doc", "--lint", ...files]);
    assert.equal(code, 0, out);
    assert.doesNotMatch(out, /error|warning/i);
  },
});

Deno.test({
  name: "deno publish --dry-run is clean for the workspace",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { code, out } = await deno(["publish", "--dry-run", "--allow-dirty"]);
    assert.equal(code, 0, out);
    assert.match(out, /Simulating publish of @cachemir\/client@/);
    assert.match(out, /Simulating publish of @cachemir\/protocol@/);
    assert.doesNotMatch(out, /warning/i);
    for (const pkg of PACKAGES) {
      assert.ok(
        out.includes(`/${pkg}/README.md`),
        `${pkg}'s README is published`,
      );
      assert.ok(
        out.includes(`/${pkg}/LICENSE`),
        `${pkg}'s LICENSE is published`,
      );
    }
    assert.doesNotMatch(out, /_test\.ts/, "tests are not published");
  },
});

Deno.test({
  name: "the client README's example runs against a real node",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const readme = Deno.readTextFileSync(`${ROOT}client/README.md`);
    const start = readme.indexOf("## Example");
    const m = readme.slice(start).match(/```ts no-eval\n([\s\S]*?)```/);
    assert.ok(m, "the README's first example");
    const node = await startNodeProcess(["--maxmemory", "64mb"]);
    try {
      assert.ok(m[1].includes('"127.0.0.1:7379"'));
      const code = m[1].replaceAll('"127.0.0.1:7379"', `"${node.address}"`);
      const { code: status, out } = await deno(["eval", "--ext=ts", code]);
      assert.equal(status, 0, out);
      assert.deepEqual(out.trim().split("\n"), [
        "hello",
        "1",
        '{ name: "Ada", lang: "en" }',
        '[ "hello", null ]',
        "5",
        "ERR value is not an integer or out of range",
      ]);
    } finally {
      await node.stop();
    }
  },
});
