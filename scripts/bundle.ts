/**
 * `deno task bundle`: builds the node and the CLI into one JavaScript file
 * each, with `deno bundle` (Deno's own bundler, esbuild inside):
 * `dist/cachemir-server.js` and `dist/cachemir-cli.js`. The npm packages
 * they use (smol-toml, @logtape/logtape...) and the workspace's
 * `@cachemir/protocol` and `@cachemir/client` are inside; what is left
 * outside is only Node's built-in modules (`node:util`, `node:crypto`...),
 * which every Deno has. The script checks that, so a file that would need
 * anything else next to it fails the build.
 *
 * ```sh
 * deno task bundle                          # dist/cachemir-server.js, dist/cachemir-cli.js
 * deno run -A scripts/bundle.ts --outdir /tmp/out
 * cd anywhere && deno run -A --v8-flags=--max-old-space-size=1048576,--max-semi-space-size=4 cachemir-server.js
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname;

/** What is bundled: the entry point (from the repository's root) and the file it becomes. */
export const BUNDLES: readonly {
  readonly entry: string;
  readonly file: string;
}[] = [
  { entry: "server/main.ts", file: "cachemir-server.js" },
  { entry: "scripts/cli.ts", file: "cachemir-cli.js" },
];

/**
 * The modules a bundle still imports: every `import ... from "x"`,
 * `import "x"` and `import("x")` with a literal specifier.
 *
 * @param code The bundle's text.
 * @returns The specifiers, each once.
 *
 * @example
 * ```ts
 * import { externalImports } from "./bundle.ts";
 * console.log(externalImports('import { a } from "node:util";\nimport("x");')); // ["node:util", "x"]
 * ```
 */
export function externalImports(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /^\s*import\s[^;]*?\sfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /^\s*export\s[^;]*?\sfrom\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const m of code.matchAll(pattern)) found.add(m[1]);
  }
  return [...found];
}

/**
 * Builds every bundle into a folder and checks each imports nothing but
 * Node's built-in modules.
 *
 * @param outdir The folder (made if missing).
 * @returns The paths written.
 * @throws {Error} When `deno bundle` fails, or a bundle imports a module
 * that is not `node:*`.
 */
export async function bundle(outdir: string): Promise<string[]> {
  await Deno.mkdir(outdir, { recursive: true });
  const written: string[] = [];
  for (const { entry, file } of BUNDLES) {
    const output = `${outdir.replace(/\/$/, "")}/${file}`;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "deno",
        "--packages",
        "bundle",
        "--output",
        output,
        entry,
      ],
      cwd: ROOT,
      stdout: "inherit",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(
        `deno bundle ${entry} failed (exit status ${code}):\n${
          new TextDecoder().decode(stderr)
        }`,
      );
    }
    const outside = externalImports(await Deno.readTextFile(output)).filter(
      (s) => !s.startsWith("node:"),
    );
    if (outside.length > 0) {
      throw new Error(
        `${output} is not self-contained: it imports ${outside.join(", ")}`,
      );
    }
    written.push(output);
  }
  return written;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { outdir: { type: "string", default: `${ROOT}dist` } },
  });
  for (const path of await bundle(values.outdir)) {
    const { size } = await Deno.stat(path);
    console.log(`${path} (${(size / 1024).toFixed(0)} KiB)`);
  }
}
