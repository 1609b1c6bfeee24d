/**
 * Long fuzzing: re-runs the property-based tests (`*_property_test.ts`)
 * with a time budget instead of their fixed CI case counts, round after
 * round with fresh seeds, until the minutes given have passed. Prints the
 * cases run per property and, on a failure, fast-check's report (seed, path
 * and shrunk counterexample) with the command that replays it; exits 1
 * then.
 *
 * Usage: `deno task fuzz [--minutes N] [--seconds S] [filter...]`
 * - `--minutes N` (default 5): the whole budget.
 * - `--seconds S`: each property's budget in a round (default: the
 *   budget spread over three rounds, 1 to 60 s).
 * - `filter`: only test files whose path contains one of these words.
 *
 * @module
 */

const ROOTS = ["protocol", "server", "client", "tests", "scripts"];
const SUFFIX = "_property_test.ts";

/** The property test files under `roots`, sorted. */
export async function findPropertyTests(
  roots: readonly string[] = ROOTS,
): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory && !e.name.startsWith(".")) await walk(path);
      else if (e.isFile && e.name.endsWith(SUFFIX)) out.push(path);
    }
  };
  for (const r of roots) await walk(r);
  return out.sort();
}

/** Options read from the command line. */
export interface FuzzOptions {
  /** The whole budget, in minutes. */
  minutes: number;
  /** Each property's budget in a round, in seconds (undefined: derived). */
  seconds: number | undefined;
  /** Words a test file's path must contain one of. */
  filters: string[];
}

/**
 * Reads `--minutes N`, `--seconds S` and filter words.
 *
 * @param args The command line.
 * @returns The options.
 * @throws {Error} On a bad number or an unknown flag.
 */
export function parseArgs(args: readonly string[]): FuzzOptions {
  const options: FuzzOptions = { minutes: 5, seconds: undefined, filters: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.split("=", 2);
    if (flag === "--minutes" || flag === "--seconds") {
      const text = inline ?? args[++i];
      const n = Number(text);
      if (!(n > 0)) {
        throw new Error(`${flag} needs a positive number, got ${text}`);
      }
      if (flag === "--minutes") options.minutes = n;
      else options.seconds = n;
    } else if (a.startsWith("-")) {
      throw new Error(`unknown flag ${a}`);
    } else {
      options.filters.push(a);
    }
  }
  return options;
}

/** One line of a test run's `FUZZ_REPORT`: a property's cases. */
interface ReportLine {
  name: string;
  cases: number;
  seed: string;
  ok: boolean;
}

function readReport(text: string): ReportLine[] {
  return text.split("\n").filter((l) => l !== "").map((l) => {
    const [name, cases, seed, status] = l.split("\t");
    return { name, cases: Number(cases), seed, ok: status === "ok" };
  });
}

async function main(): Promise<number> {
  const options = parseArgs(Deno.args);
  const files = (await findPropertyTests()).filter((f) =>
    options.filters.length === 0 || options.filters.some((w) => f.includes(w))
  );
  if (files.length === 0) {
    console.error("fuzz: no property test files match");
    return 1;
  }
  const deadline = Date.now() + options.minutes * 60_000;
  let properties = 0;
  for (const f of files) {
    properties += (await Deno.readTextFile(f)).split("checkProperty(").length -
      1;
  }
  // Three rounds in the budget, with a second a file to start deno.
  const seconds = options.seconds ??
    Math.min(
      60,
      Math.max(
        1,
        Math.floor(
          (options.minutes * 60 / 3 - files.length) / Math.max(1, properties),
        ),
      ),
    );
  console.log(
    `fuzz: ${properties} properties in ${files.length} files, ${options.minutes} min, ${seconds} s per property a round`,
  );
  const totals = new Map<string, number>();
  const report = await Deno.makeTempFile({ prefix: "fuzz-", suffix: ".tsv" });
  let round = 0;
  try {
    while (Date.now() < deadline - 1000) {
      round++;
      for (const file of files) {
        if (Date.now() >= deadline - 1000) break;
        await Deno.writeTextFile(report, "");
        const run = await new Deno.Command(Deno.execPath(), {
          args: ["test", "-A", "--no-check", file],
          env: {
            FUZZ_SECONDS: String(seconds),
            FUZZ_DEADLINE: String(deadline),
            FUZZ_REPORT: report,
            NO_COLOR: "1",
          },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const lines = readReport(await Deno.readTextFile(report));
        for (const l of lines) {
          totals.set(l.name, (totals.get(l.name) ?? 0) + l.cases);
          console.log(
            `round ${round} ${file}: ${l.name}: ${l.cases} cases, seed ${l.seed}${
              l.ok ? "" : " FAILED"
            }`,
          );
        }
        if (!run.success) {
          const dec = new TextDecoder();
          console.log(dec.decode(run.stdout));
          console.error(dec.decode(run.stderr));
          const failed = lines.find((l) => !l.ok);
          console.error(
            failed === undefined
              ? `fuzz: ${file} failed (see above)`
              : `fuzz: ${failed.name} failed. Replay: FUZZ_SEED=${failed.seed} FUZZ_PATH=<path above> deno test -A ${file}`,
          );
          return 1;
        }
      }
    }
  } finally {
    await Deno.remove(report).catch(() => {});
  }
  let all = 0;
  for (const [name, cases] of totals) {
    console.log(`fuzz total: ${name}: ${cases} cases`);
    all += cases;
  }
  console.log(`fuzz: ${all} cases in ${round} rounds, no failure`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
