/**
 * Fails when the client's modules import each other in a cycle, type-only
 * imports included: walks `deno info --json` from every entry point of the
 * client package (its `exports` and its tests' roots) and prints each cycle.
 *
 * Usage: `deno run -A scripts/check_cycles.ts [dir...]` (default `client`).
 *
 * @module
 */

interface Dependency {
  readonly code?: { readonly specifier: string };
  readonly type?: { readonly specifier: string };
}

interface InfoModule {
  readonly specifier: string;
  readonly dependencies?: readonly Dependency[];
}

interface Info {
  readonly modules: readonly InfoModule[];
}

/**
 * The import graph of the given modules, as `deno info --json` reports it.
 *
 * @param roots Paths of the modules to start from.
 * @returns Each module's specifier and the specifiers it imports (code or types).
 */
export async function importGraph(
  roots: readonly string[],
): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const root of roots) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", root],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `deno info --json ${root} failed: ${
          new TextDecoder().decode(out.stderr)
        }`,
      );
    }
    const info: Info = JSON.parse(new TextDecoder().decode(out.stdout));
    for (const m of info.modules) {
      if (graph.has(m.specifier)) continue;
      const deps = new Set<string>();
      for (const d of m.dependencies ?? []) {
        if (d.code) deps.add(d.code.specifier);
        if (d.type) deps.add(d.type.specifier);
      }
      graph.set(m.specifier, [...deps]);
    }
  }
  return graph;
}

/**
 * The cycles of a graph: its strongly connected components of more than one
 * module, or of one module that imports itself (Tarjan's algorithm).
 *
 * @param graph Each node and the nodes it points to.
 * @param keep Only nodes for which this is true are walked.
 * @returns Each cycle's nodes, sorted.
 */
export function cycles(
  graph: ReadonlyMap<string, readonly string[]>,
  keep: (node: string) => boolean,
): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!keep(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) {
        out.push(component.sort());
      }
    }
  };
  for (const v of graph.keys()) if (keep(v) && !index.has(v)) visit(v);
  return out;
}

if (import.meta.main) {
  const dirs = Deno.args.length > 0 ? Deno.args : ["client"];
  const roots: string[] = [];
  for (const dir of dirs) {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isFile && entry.name.endsWith(".ts")) {
        roots.push(`${dir}/${entry.name}`);
      }
    }
    for (const sub of Deno.readDirSync(dir)) {
      if (!sub.isDirectory) continue;
      for (const entry of Deno.readDirSync(`${dir}/${sub.name}`)) {
        if (entry.isFile && entry.name.endsWith(".ts")) {
          roots.push(`${dir}/${sub.name}/${entry.name}`);
        }
      }
    }
  }
  // One `deno info` over a temporary module that imports every root.
  const cwd = `file://${Deno.cwd()}/`;
  const tmp = await Deno.makeTempFile({ suffix: "_cycles.ts" });
  let found: string[][];
  let size: number;
  try {
    await Deno.writeTextFile(
      tmp,
      roots.map((r) => `import "${new URL(r, cwd).href}";\n`).join(""),
    );
    const graph = await importGraph([tmp]);
    size = graph.size;
    const prefixes = dirs.map((d) =>
      new URL(`${d.replace(/\/$/, "")}/`, cwd).href
    );
    found = cycles(graph, (s) => prefixes.some((p) => s.startsWith(p)));
  } finally {
    await Deno.remove(tmp);
  }
  if (found.length > 0) {
    console.error(
      `Import cycles in ${dirs.join(", ")} (type-only imports included):\n` +
        found.map((c) => `  ${c.map((s) => s.replace(cwd, "")).join(" <-> ")}`)
          .join("\n"),
    );
    Deno.exit(1);
  }
  console.log(
    `No import cycles among ${size} modules reached from ${roots.length} files in ${
      dirs.join(", ")
    }`,
  );
}
