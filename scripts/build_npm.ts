/**
 * `deno task build:npm`: builds `dist/npm/`, the npm package
 * `@cachemir/client` for Node.js (20 and later) and Bun, with
 * `@cachemir/protocol` inside it so that one package installs.
 *
 * - The modules the client's exports reach (found by esbuild's metafile)
 *   are compiled one to one, `.ts` to ESM `.js` by esbuild and to `.d.ts`
 *   by TypeScript (`tsc`'s compiler API); `@cachemir/protocol` becomes a
 *   relative import of `protocol/mod.js`, also the package's `./protocol`
 *   export.
 * - Before writing, TypeScript checks those modules against the ES2023
 *   library (what Node.js 20 has): a call of an API Node 20 lacks
 *   (`Promise.withResolvers`, `Array.fromAsync`, `Object.groupBy`...) fails
 *   the build, naming the file and line.
 * - `package.json` takes its name, version and license from
 *   `client/deno.json`, and maps every export of it (with its types);
 *   `README.md` is `scripts/npm/README.md`, `LICENSE` the repository's.
 *
 * Then `cd dist/npm && npm pack` makes the tarball (tests/npm_package_test.ts).
 *
 * @module
 */

import * as esbuild from "esbuild";
import ts from "typescript";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "dist", "npm");
const PROTOCOL_ENTRY = join(ROOT, "protocol", "mod.ts");

/** The package's one-line description. */
export const DESCRIPTION =
  "Client for CacheMir, a distributed in-memory cache speaking Redis's commands: consistent hashing, pooling, pipelining, retries, replicas, TLS and DNS discovery (Node.js, Bun and Deno).";

interface DenoConfig {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
}

/** What a build made. */
export interface BuildResult {
  /** The package's folder. */
  readonly outDir: string;
  /** Its `package.json`, as written. */
  readonly packageJson: Record<string, unknown>;
  /** The modules compiled, relative to the repository. */
  readonly modules: readonly string[];
}

/**
 * Rewrites relative `.ts` specifiers to `.js`, and `@cachemir/protocol` to a
 * relative path; in documentation comments (lines starting with `*`), to
 * `@cachemir/client/protocol`, which is what a user of the npm package
 * imports.
 */
function rewriteSpecifiers(code: string, file: string): string {
  const toProtocol = relative(dirname(file), PROTOCOL_ENTRY).replace(
    /\.ts$/,
    ".js",
  );
  const protocolSpec = toProtocol.startsWith(".")
    ? toProtocol
    : `./${toProtocol}`;
  return code.split("\n").map((line) => {
    if (/^\s*\*/.test(line)) {
      return line.replace(
        /(["'])@cachemir\/protocol\1/g,
        "$1@cachemir/client/protocol$1",
      );
    }
    return line
      .replace(/(["'])(\.\.?\/[^"']*?)\.ts\1/g, "$1$2.js$1")
      .replace(/(["'])@cachemir\/protocol\1/g, `$1${protocolSpec}$1`);
  }).join("\n");
}

/**
 * Newer than ES2023 and in Node.js 20 all the same (checked on 20.20:
 * `String.prototype.isWellFormed` since V8 11.1, `Symbol.dispose` and
 * `Symbol.asyncDispose` since Node 20.4; `using` and `DisposableStack`
 * are not).
 */
const IN_NODE_20 = new Set([
  "isWellFormed",
  "toWellFormed",
  "dispose",
  "asyncDispose",
]);

/**
 * Type-checks the modules against the ES2023 library and fails on calls of
 * APIs newer than that (TypeScript's "change your target library" errors)
 * but those of {@linkcode IN_NODE_20}: Node.js 20 lacks them. Then emits
 * their `.d.ts` (other type errors, such as `Deno` not being declared in
 * this program, do not stop it: Deno's own check covers those).
 *
 * @returns Each module's declarations, by its path.
 */
function checkAndDeclare(files: readonly string[]): Map<string, string> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    declaration: true,
    emitDeclarationOnly: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    paths: { "@cachemir/protocol": [PROTOCOL_ENTRY] },
  };
  const program = ts.createProgram(files, options);
  const tooNew = ts.getPreEmitDiagnostics(program).filter((d) => {
    if (d.code !== 2550 && d.code !== 2583) return false;
    const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
    const name = /^(?:Property|Cannot find name) '([^']+)'/.exec(text)?.[1];
    return name === undefined || !IN_NODE_20.has(name);
  });
  if (tooNew.length > 0) {
    const lines = tooNew.map((d) => {
      const where = d.file === undefined
        ? ""
        : `${relative(ROOT, d.file.fileName)}:${
          d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1
        }: `;
      return `  ${where}${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
    });
    throw new Error(
      `Cannot build the npm package: ${tooNew.length} use(s) of APIs Node.js 20 lacks:\n${
        lines.join("\n")
      }`,
    );
  }
  const declarations = new Map<string, string>();
  const emitted = program.emit(
    undefined,
    (name, text) => {
      declarations.set(name.replace(/\.d\.ts$/, ".ts"), text);
    },
    undefined,
    true,
  );
  if (emitted.emitSkipped) {
    throw new Error(
      "Cannot build the npm package: TypeScript emitted no types",
    );
  }
  for (const file of files) {
    if (!declarations.has(file)) {
      throw new Error(
        `Cannot build the npm package: no types for ${relative(ROOT, file)}`,
      );
    }
  }
  return declarations;
}

/** Where a module goes in the package: `client/x.ts` → `client/x`, `protocol/y.ts` → `protocol/y`. */
function outPath(file: string, ext: string): string {
  return join(OUT, relative(ROOT, file).replace(/\.ts$/, ext));
}

/**
 * Builds `dist/npm/`.
 *
 * @returns The folder, the package.json and the modules compiled.
 * @throws {Error} When a module uses an API Node.js 20 lacks, or cannot be
 * compiled.
 */
export async function buildNpm(): Promise<BuildResult> {
  const client = JSON.parse(
    await Deno.readTextFile(join(ROOT, "client", "deno.json")),
  ) as DenoConfig;
  const entries = Object.values(client.exports).map((p) =>
    join(ROOT, "client", p)
  );
  // The module graph, from esbuild's metafile.
  const graph = await esbuild.build({
    entryPoints: [...entries, PROTOCOL_ENTRY],
    bundle: true,
    write: false,
    metafile: true,
    outdir: join(OUT, ".graph"),
    platform: "node",
    format: "esm",
    splitting: true,
    alias: { "@cachemir/protocol": PROTOCOL_ENTRY },
    external: ["node:*"],
    logLevel: "silent",
  });
  const modules = Object.keys(graph.metafile!.inputs)
    .map((p) => resolve(ROOT, p))
    .filter((p) => p.endsWith(".ts"))
    .sort();
  for (const m of modules) {
    const rel = relative(ROOT, m);
    if (!/^(client|protocol)\//.test(rel) || /_test\.ts$|_bench/.test(rel)) {
      throw new Error(
        `Cannot build the npm package: the client reaches ${rel}, which is not part of it`,
      );
    }
  }
  const declarations = checkAndDeclare(modules);

  await Deno.remove(OUT, { recursive: true }).catch(() => {});
  for (const file of modules) {
    const source = await Deno.readTextFile(file);
    const js = await esbuild.transform(source, {
      loader: "ts",
      format: "esm",
      target: "node20",
      sourcefile: relative(ROOT, file),
    });
    const dts = declarations.get(file)!;
    await Deno.mkdir(dirname(outPath(file, ".js")), { recursive: true });
    await Deno.writeTextFile(
      outPath(file, ".js"),
      rewriteSpecifiers(js.code, file),
    );
    await Deno.writeTextFile(
      outPath(file, ".d.ts"),
      rewriteSpecifiers(dts, file),
    );
  }
  await esbuild.stop();

  const exportsMap: Record<
    string,
    { types: string; default: string } | string
  > = {};
  const target = (p: string, ext: string): string =>
    "./" + relative(OUT, outPath(join(ROOT, "client", p), ext));
  for (const [key, p] of Object.entries(client.exports)) {
    exportsMap[key] = { types: target(p, ".d.ts"), default: target(p, ".js") };
  }
  exportsMap["./protocol"] = {
    types: "./protocol/mod.d.ts",
    default: "./protocol/mod.js",
  };
  exportsMap["./package.json"] = "./package.json";
  const main = exportsMap["."] as { types: string; default: string };
  const packageJson: Record<string, unknown> = {
    name: client.name,
    version: client.version,
    description: DESCRIPTION,
    license: client.license,
    keywords: ["cache", "cachemir", "redis", "client", "consistent-hashing"],
    type: "module",
    engines: { node: ">=20" },
    sideEffects: false,
    main: main.default,
    types: main.types,
    exports: exportsMap,
    files: ["client/", "protocol/", "README.md", "LICENSE"],
  };
  await Deno.writeTextFile(
    join(OUT, "package.json"),
    JSON.stringify(packageJson, null, 2) + "\n",
  );
  await Deno.copyFile(
    join(ROOT, "scripts", "npm", "README.md"),
    join(OUT, "README.md"),
  );
  await Deno.copyFile(join(ROOT, "LICENSE"), join(OUT, "LICENSE"));
  return {
    outDir: OUT,
    packageJson,
    modules: modules.map((m) => relative(ROOT, m)),
  };
}

if (import.meta.main) {
  const started = performance.now();
  const result = await buildNpm();
  console.log(
    `Built ${
      relative(ROOT, result.outDir)
    }: ${result.packageJson.name}@${result.packageJson.version}, ${result.modules.length} modules, in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
}
