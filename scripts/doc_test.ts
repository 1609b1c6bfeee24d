/**
 * Checks the code examples in JSDoc and Markdown, the way the std library's
 * doc checker does: every example is type-checked; examples marked
 * `no-eval` (those that need a running node) are only type-checked, and the
 * others run. `deno test --doc` alone runs `no-eval` examples too, so this
 * runs it twice: `--no-run` over everything, then with a `--filter` that
 * names the runnable examples. A `ts ignore` example fails the check.
 *
 * Usage: `deno run -A scripts/doc_test.ts [dir...]` (default `client protocol`).
 *
 * @module
 */

/** A fenced code block in a file. */
export interface Example {
  /** 1-based line of the opening fence (the doc test's name starts with it). */
  readonly line: number;
  /** The fence's info string: `ts`, `ts no-eval`, `ts ignore`... */
  readonly info: string;
}

const CODE = /^(ts|tsx|js|jsx|javascript|typescript)\b/;

/**
 * The fenced TypeScript and JavaScript blocks of a file's text, in JSDoc
 * (` * ```ts`) or in Markdown.
 *
 * @param text The file's text.
 * @returns Each block's opening line and info string.
 */
export function examples(text: string): Example[] {
  const out: Example[] = [];
  let open = false;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:\*\s?)?```(.*)$/.exec(lines[i]);
    if (m === null) continue;
    if (open) {
      open = false;
      continue;
    }
    open = true;
    const info = m[1].trim();
    if (CODE.test(info)) out.push({ line: i + 1, info });
  }
  return out;
}

/**
 * Whether an example runs (not `ignore`, not `no-eval`).
 *
 * @param example The block.
 * @returns `true` when `deno test --doc` should run it.
 */
export function runs(example: Example): boolean {
  const words = example.info.split(/\s+/);
  return !words.includes("no-eval") && !words.includes("ignore");
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

async function deno(args: string[]): Promise<boolean> {
  const { success } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return success;
}

if (import.meta.main) {
  const dirs = Deno.args.length > 0 ? Deno.args : ["client", "protocol"];
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of Deno.readDirSync(dir)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) walk(path);
      else if (
        /\.(ts|md)$/.test(e.name) && !/_(test|bench)\.ts$/.test(e.name)
      ) files.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  files.sort();
  const ignored: string[] = [];
  const runnable = new Map<string, number[]>();
  for (const file of files) {
    for (const ex of examples(Deno.readTextFileSync(file))) {
      if (ex.info.split(/\s+/).includes("ignore")) {
        ignored.push(`${file}:${ex.line}`);
      }
      if (runs(ex)) {
        runnable.set(file, [...runnable.get(file) ?? [], ex.line]);
      }
    }
  }
  if (ignored.length > 0) {
    console.error(
      `Examples marked ignore (use no-eval for one that needs a node):\n  ${
        ignored.join("\n  ")
      }`,
    );
    Deno.exit(1);
  }
  // Every example type-checks.
  if (!await deno(["test", "--doc", "--no-run", ...files])) Deno.exit(1);
  // The runnable ones run.
  const filter = [...runnable].map(([file, lines]) =>
    `${escape(file)}#(?:${lines.join("|")})-`
  ).join("|");
  if (
    runnable.size > 0 &&
    !await deno([
      "test",
      "-A",
      "--doc",
      `--filter=/${filter}/`,
      ...runnable.keys(),
    ])
  ) Deno.exit(1);
}
