/**
 * Runs units of Redis 7.0.15's own Tcl test suite against a CacheMir node's
 * RESP port and against a real `redis-server`, side by side, and compares
 * (`deno task test:redis-suite`; `tests/redis_suite_test.ts` runs the same
 * in `deno task test` when the suite is present).
 *
 * Each unit runs against a freshly started node and a fresh redis-server
 * (`--save '' --appendonly no`): units change settings and leave them.
 * The suite runs in its external-server mode:
 * `tclsh tests/test_helper.tcl --host 127.0.0.1 --port P --single UNIT
 * --singledb --tags "-needs:debug -needs:repl -needs:save -needs:reset"`,
 * plus `--clients 1` (one test client: a unit is one file) and `--durable`
 * (a test that hits an error is counted failed and the unit goes on,
 * rather than the whole unit stopping at the first unknown command; the
 * same flags for both servers). A unit that runs past its time is killed
 * (its process group) and counted as it stood.
 *
 * The result, per unit: tests passed, failed and skipped on Redis and on
 * CacheMir, and the tests Redis passes that CacheMir does not. The run
 * fails when such a test is not on the skip list
 * (`tests/redis_suite_skips.ts`).
 *
 * The suite is found at `--suite DIR` (a directory with
 * `tests/test_helper.tcl`), else `$CACHEMIR_REDIS_SUITE`, else
 * `.redis-suite/redis-7.0.15`; when none has it, `scripts/redis_suite_fetch.sh`
 * brings it there from Debian's source package, as CI does.
 *
 * ```sh
 * deno task test:redis-suite                       # every unit
 * deno task test:redis-suite --unit unit/type/set  # one (repeatable)
 * deno task test:redis-suite --suite /src/redis-7.0.15 --out results.md
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startRedis } from "../tests/compat/_harness.ts";
import { freePort, startNodeProcess } from "../tests/_helpers/node_process.ts";
import { SUITE_SKIPS, type SuiteSkip } from "../tests/redis_suite_skips.ts";
import { SUITE_PENDING } from "../tests/redis_suite_pending.ts";

/** The units the run covers (issue 16), in order. */
export const SUITE_UNITS: readonly string[] = Object.freeze([
  "unit/type/string",
  "unit/type/hash",
  "unit/type/list",
  "unit/type/set",
  "unit/type/incr",
  "unit/scan",
  "unit/bitops",
  "unit/protocol",
  "unit/info-command",
  "unit/quit",
]);

/** The tags that leave out what an external server cannot be asked to do. */
export const SUITE_TAGS = "-needs:debug -needs:repl -needs:save -needs:reset";

/** Where the suite is cached when no other place is given (gitignored). */
export const SUITE_CACHE: string =
  new URL("../.redis-suite/redis-7.0.15", import.meta.url).pathname;

/** The script that downloads the suite into the cache (Debian's source package). */
export const SUITE_FETCH: string =
  new URL("./redis_suite_fetch.sh", import.meta.url).pathname;

/** Seconds a unit may run against one server before it is killed. */
export const DEFAULT_UNIT_TIMEOUT_S = 300;

/** What to stop if the run is interrupted: process groups and servers. */
const RUNNING = new Set<() => void>();

function killGroup(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch { /* gone */ }
}

/** What the suite printed for one run of one unit. */
export interface SuiteOutcome {
  /** Names of the tests that passed (`[ok]`), in order; a name may repeat. */
  readonly passed: readonly string[];
  /** Names of the tests that failed (`[err]`), in order. */
  readonly failed: readonly string[];
  /** Tests skipped by name or left out by tags (`[skip]`, `[ignore]`). */
  readonly skipped: number;
  /** The `[exception]` line's text, when the unit stopped on one. */
  readonly exception?: string;
  /** True when the unit ran past its time and was killed. */
  readonly timedOut: boolean;
  /** Wall-clock seconds the unit took. */
  readonly seconds: number;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Reads the suite's output: `[ok]: NAME (N ms)`, `[err]: NAME in FILE`
 * (then detail lines), `[skip]: NAME`, `[ignore]: NAME: why`,
 * `[exception]: why`. Colours are stripped.
 *
 * @param text What test_helper.tcl printed.
 * @returns The tests by outcome (`timedOut` false, `seconds` 0).
 *
 * @example Parse a few lines
 * ```ts
 * import { parseSuiteOutput } from "./redis_suite.ts";
 * import assert from "node:assert/strict";
 *
 * const out = parseSuiteOutput(
 *   "[ok]: INCR against non existing key (1 ms)\n" +
 *     "[err]: SETBIT fuzzing in tests/unit/bitops.tcl\nExpected 1\n" +
 *     "[ignore]: big keys: large memory flag not provided\n",
 * );
 * assert.deepEqual(out.passed, ["INCR against non existing key"]);
 * assert.deepEqual(out.failed, ["SETBIT fuzzing"]);
 * assert.equal(out.skipped, 1);
 * ```
 */
export function parseSuiteOutput(text: string): SuiteOutcome {
  const passed: string[] = [];
  const failed: string[] = [];
  let skipped = 0;
  let exception: string | undefined;
  for (const raw of text.replace(ANSI, "").split("\n")) {
    const m = /^\[(ok|err|skip|ignore|exception)\]: (.*)$/.exec(raw);
    if (m === null) continue;
    const [, status, rest] = m;
    if (status === "ok") passed.push(rest.replace(/ \(\d+ ms\)$/, ""));
    else if (status === "err") {
      failed.push(rest.replace(/ in tests\/\S+\.tcl$/, ""));
    } else if (status === "exception") exception = rest;
    else skipped++;
  }
  return { passed, failed, skipped, exception, timedOut: false, seconds: 0 };
}

/** One unit's two runs, compared. */
export interface UnitComparison {
  /** The unit. */
  readonly unit: string;
  /** Its run against redis-server. */
  readonly redis: SuiteOutcome;
  /** Its run against CacheMir. */
  readonly cachemir: SuiteOutcome;
  /** Tests Redis passed that CacheMir did not, on neither list. */
  readonly regressions: readonly string[];
  /** Tests Redis passed that CacheMir did not, on the pending list (not built yet). */
  readonly pending: readonly SuiteSkip[];
  /** Pending-list entries of this unit whose test passes now: to remove. */
  readonly built: readonly SuiteSkip[];
  /** Tests Redis passed that CacheMir did not, on the skip list. */
  readonly skippedByList: readonly SuiteSkip[];
  /** Skip-list entries of this unit whose test passes on CacheMir now. */
  readonly stale: readonly SuiteSkip[];
}

/**
 * Compares two runs of a unit: a test counts as passed as many times as
 * `[ok]` named it (a unit may name two tests alike).
 *
 * @param unit The unit.
 * @param redis Its run against redis-server.
 * @param cachemir Its run against CacheMir.
 * @param skips The skip list.
 * @param pendingList The tests not built yet.
 * @returns The comparison.
 *
 * @example Compare
 * ```ts
 * import { compareUnit, parseSuiteOutput } from "./redis_suite.ts";
 * import assert from "node:assert/strict";
 *
 * const redis = parseSuiteOutput("[ok]: a (0 ms)\n[ok]: b (0 ms)\n");
 * const ours = parseSuiteOutput("[ok]: a (0 ms)\n[err]: b in tests/unit/x.tcl\n");
 * const c = compareUnit("unit/x", redis, ours, []);
 * assert.deepEqual(c.regressions, ["b"]);
 * ```
 */
export function compareUnit(
  unit: string,
  redis: SuiteOutcome,
  cachemir: SuiteOutcome,
  skips: readonly SuiteSkip[] = SUITE_SKIPS,
  pendingList: readonly SuiteSkip[] = SUITE_PENDING,
): UnitComparison {
  const ours = new Map<string, number>();
  for (const name of cachemir.passed) ours.set(name, (ours.get(name) ?? 0) + 1);
  const missing: string[] = [];
  for (const name of redis.passed) {
    const n = ours.get(name) ?? 0;
    if (n > 0) ours.set(name, n - 1);
    else missing.push(name);
  }
  const mine = skips.filter((s) => s.unit === unit);
  const later = pendingList.filter((s) => s.unit === unit);
  const regressions = missing.filter((t) =>
    !mine.some((s) => s.test === t) && !later.some((s) => s.test === t)
  );
  const skippedByList = mine.filter((s) => missing.includes(s.test));
  const stale = mine.filter((s) => !missing.includes(s.test));
  const pending = later.filter((s) => missing.includes(s.test));
  const built = later.filter((s) =>
    !missing.includes(s.test) && redis.passed.includes(s.test)
  );
  return {
    unit,
    redis,
    cachemir,
    regressions,
    skippedByList,
    stale,
    pending,
    built,
  };
}

/**
 * Finds the suite: a directory holding `tests/test_helper.tcl`.
 *
 * @param given `--suite`'s value, if any.
 * @returns The directory, or `undefined` when no candidate has the suite.
 */
export function findSuite(given?: string): string | undefined {
  const candidates = given !== undefined && given !== ""
    ? [given]
    : [Deno.env.get("CACHEMIR_REDIS_SUITE") ?? "", SUITE_CACHE];
  for (const dir of candidates) {
    if (dir === "") continue;
    try {
      if (Deno.statSync(`${dir}/tests/test_helper.tcl`).isFile) return dir;
    } catch { /* not there */ }
  }
  return undefined;
}

/**
 * Whether a program is on the PATH.
 *
 * @param name The program.
 * @returns True when `command -v` finds it.
 */
export function hasProgram(name: string): boolean {
  try {
    const { success } = new Deno.Command("sh", {
      args: ["-c", `command -v ${name}`],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return success;
  } catch {
    return false;
  }
}

/**
 * Runs one unit of the suite against a server on 127.0.0.1.
 *
 * The suite runs in its own process group (`setsid`), killed whole on
 * timeout: its test clients are child processes of its own.
 *
 * @param suite The suite's directory.
 * @param unit The unit, e.g. `unit/type/incr`.
 * @param port The server's RESP port.
 * @param timeoutS Seconds before the unit is killed.
 * @param skip Tests not to run (`--skiptest`, exact names): CacheMir's
 * run leaves out its skip list's tests, since a test cut short by a
 * missing command can leave state behind that fails later tests (a client
 * it left blocked on a key counts in every later `blocked_clients`).
 * @returns What it printed, parsed.
 */
export async function runUnit(
  suite: string,
  unit: string,
  port: number,
  timeoutS: number = DEFAULT_UNIT_TIMEOUT_S,
  skip: readonly string[] = [],
): Promise<SuiteOutcome & { readonly output: string }> {
  const started = performance.now();
  const child = new Deno.Command("setsid", {
    args: [
      "tclsh",
      "tests/test_helper.tcl",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--single",
      unit,
      "--singledb",
      "--clients",
      "1",
      "--durable",
      "--tags",
      SUITE_TAGS,
      ...skip.flatMap((test) => ["--skiptest", test]),
    ],
    cwd: suite,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const stop = () => killGroup(child.pid);
  RUNNING.add(stop);
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, timeoutS * 1000);
  const out = await child.output();
  clearTimeout(timer);
  // The group may outlive its leader (a test client): end it too.
  stop();
  RUNNING.delete(stop);
  const dec = new TextDecoder();
  const output = dec.decode(out.stdout) + dec.decode(out.stderr);
  const parsed = parseSuiteOutput(output);
  return {
    ...parsed,
    timedOut,
    seconds: (performance.now() - started) / 1000,
    output,
  };
}

/**
 * Takes the suite directory for this process: the suite clears its
 * `tests/tmp` when it starts, so two runs in one directory break each
 * other. A lock file holds the owner's pid; one whose process is gone is
 * taken over.
 *
 * @param suite The suite's directory.
 * @returns Gives the directory back.
 * @throws {Error} When another live process holds it.
 */
export function lockSuite(suite: string): () => void {
  const file = `${suite}/.cachemir-suite.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      Deno.writeTextFileSync(file, String(Deno.pid), { createNew: true });
      return () => {
        try {
          Deno.removeSync(file);
        } catch { /* gone */ }
      };
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      const owner = Number(Deno.readTextFileSync(file).trim());
      let alive = false;
      try {
        alive = Deno.statSync(`/proc/${owner}`).isDirectory;
      } catch { /* no such process */ }
      if (alive && owner !== Deno.pid) {
        throw new Error(
          `Redis's suite at ${suite} is in use by process ${owner} (the suite clears tests/tmp when it starts: one run at a time)`,
        );
      }
      Deno.removeSync(file);
    }
  }
  throw new Error(`cannot lock ${file}`);
}

/** Options of {@linkcode runSuite}. */
export interface RunSuiteOptions {
  /** The suite's directory. */
  readonly suite: string;
  /** The units to run. */
  readonly units?: readonly string[];
  /** Seconds a unit may run against one server. */
  readonly timeoutS?: number;
  /** Called with a line of progress. */
  readonly log?: (line: string) => void;
  /** Where to write each run's raw output (`<dir>/<server>-<unit>.out`). */
  readonly outputDir?: string;
}

/**
 * Runs each unit against a fresh redis-server, then a fresh CacheMir node
 * (a real process with a RESP port), and compares.
 *
 * @param options The suite and the units.
 * @returns One comparison per unit.
 */
export async function runSuite(
  options: RunSuiteOptions,
): Promise<UnitComparison[]> {
  const units = options.units ?? SUITE_UNITS;
  const timeoutS = options.timeoutS ?? DEFAULT_UNIT_TIMEOUT_S;
  const log = options.log ?? (() => {});
  const results: UnitComparison[] = [];
  if (options.outputDir !== undefined) {
    await Deno.mkdir(options.outputDir, { recursive: true });
  }
  const unlock = lockSuite(options.suite);
  try {
    await runUnits(options, units, timeoutS, log, results);
  } finally {
    unlock();
  }
  return results;
}

async function runUnits(
  options: RunSuiteOptions,
  units: readonly string[],
  timeoutS: number,
  log: (line: string) => void,
  results: UnitComparison[],
): Promise<void> {
  const keep = async (server: string, unit: string, text: string) => {
    if (options.outputDir === undefined) return;
    const file = `${server}-${unit.replaceAll("/", "_")}.out`;
    await Deno.writeTextFile(`${options.outputDir}/${file}`, text);
  };
  for (const unit of units) {
    const redisServer = await startRedis();
    const stopRedis = () => void redisServer.stop();
    RUNNING.add(stopRedis);
    let redis;
    try {
      redis = await runUnit(options.suite, unit, redisServer.port, timeoutS);
    } finally {
      RUNNING.delete(stopRedis);
      await redisServer.stop();
    }
    await keep("redis", unit, redis.output);
    log(
      `${unit}: redis-server ${score(redis)} in ${redis.seconds.toFixed(0)} s`,
    );
    const node = await startCacheMir();
    const stopNode = () => void node.stop("SIGKILL");
    RUNNING.add(stopNode);
    let ours;
    try {
      ours = await runUnit(
        options.suite,
        unit,
        node.respPort,
        timeoutS,
        SUITE_SKIPS.filter((s) => s.unit === unit).map((s) => s.test),
      );
    } finally {
      RUNNING.delete(stopNode);
      await node.stop();
    }
    await keep("cachemir", unit, ours.output);
    log(`${unit}: CacheMir ${score(ours)} in ${ours.seconds.toFixed(0)} s`);
    results.push(compareUnit(unit, redis, ours));
  }
}

/** Starts a node process with a RESP port on a free port (retrying a taken one). */
async function startCacheMir() {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await startNodeProcess(
        ["--resp-port", String(freePort()), "--maxmemory", "1gb"],
        30_000,
      );
    } catch (e) {
      last = e;
      if (!String(e).includes("AddrInUse")) break;
    }
  }
  throw last;
}

function score(o: SuiteOutcome): string {
  const extra = o.timedOut
    ? ", killed on timeout"
    : o.exception !== undefined
    ? `, stopped: ${o.exception}`
    : "";
  return `${o.passed.length} passed, ${o.failed.length} failed, ${o.skipped} skipped${extra}`;
}

/**
 * The comparison as a Markdown table, then the tests Redis passes that
 * CacheMir fails (each marked when the skip list has it).
 *
 * @param results The comparisons.
 * @returns The Markdown.
 */
export function formatTable(results: readonly UnitComparison[]): string {
  const lines = [
    "| unit | Redis 7.0.15 passed / failed / skipped | CacheMir passed / failed / skipped | Redis passes, CacheMir fails |",
    "| --- | --- | --- | --- |",
  ];
  const cell = (o: SuiteOutcome) =>
    `${o.passed.length} / ${o.failed.length} / ${o.skipped}${
      o.timedOut ? " (killed on timeout)" : ""
    }${o.exception !== undefined ? " (stopped on an exception)" : ""}`;
  let redisPassed = 0;
  let ourPassed = 0;
  for (const r of results) {
    redisPassed += r.redis.passed.length;
    ourPassed += r.cachemir.passed.length;
    const gap = r.regressions.length + r.skippedByList.length +
      r.pending.length;
    lines.push(
      `| ${r.unit} | ${cell(r.redis)} | ${cell(r.cachemir)} | ${
        gap === 0
          ? "none"
          : `${r.regressions.length} failing, ${r.pending.length} not built yet, ${r.skippedByList.length} on the skip list`
      } |`,
    );
  }
  lines.push(
    `| total | ${redisPassed} passed | ${ourPassed} passed | |`,
  );
  const detail: string[] = [];
  for (const r of results) {
    for (const t of r.regressions) detail.push(`- ${r.unit}: ${t}`);
    for (const s of r.pending) {
      detail.push(`- ${r.unit}: ${s.test} (not built yet: ${s.reason})`);
    }
    for (const s of r.built) {
      detail.push(
        `- ${r.unit}: ${s.test} is on the pending list but passes: remove it`,
      );
    }
    for (const s of r.skippedByList) {
      detail.push(`- ${r.unit}: ${s.test} (skip list: ${s.reason})`);
    }
    for (const s of r.stale) {
      detail.push(`- ${r.unit}: ${s.test} is on the skip list but passes`);
    }
  }
  if (detail.length > 0) {
    lines.push("", "Tests Redis passes that CacheMir does not:", "", ...detail);
  }
  return lines.join("\n") + "\n";
}

/**
 * The run's failures: tests Redis passes that CacheMir fails off the skip
 * list, and a skip list of 5% or more of the tests Redis passes.
 *
 * @param results The comparisons.
 * @returns One line per failure; empty when the run passes.
 */
export function verdict(results: readonly UnitComparison[]): string[] {
  const problems: string[] = [];
  for (const r of results) {
    for (const t of r.regressions) {
      problems.push(`${r.unit}: "${t}" passes on Redis, fails on CacheMir`);
    }
    for (const s of r.built) {
      problems.push(
        `${r.unit}: "${s.test}" passes now: remove it from tests/redis_suite_pending.ts`,
      );
    }
    if (r.redis.passed.length === 0) {
      problems.push(`${r.unit}: Redis passed no test (is the suite complete?)`);
    }
  }
  const total = results.reduce((n, r) => n + r.redis.passed.length, 0);
  const units = new Set(results.map((r) => r.unit));
  const listed = SUITE_SKIPS.filter((s) => units.has(s.unit)).length;
  if (total > 0 && listed * 20 >= total) {
    problems.push(
      `the skip list has ${listed} of ${total} tests: 5% or more`,
    );
  }
  return problems;
}

/**
 * Downloads the suite into {@linkcode SUITE_CACHE} with
 * `scripts/redis_suite_fetch.sh` (Debian's source package of redis).
 *
 * @returns True when the suite is there afterwards.
 */
export async function fetchSuite(): Promise<boolean> {
  const { success } = await new Deno.Command("bash", {
    args: [SUITE_FETCH, SUITE_CACHE],
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return success && findSuite(SUITE_CACHE) !== undefined;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      suite: { type: "string" },
      unit: { type: "string", multiple: true },
      timeout: { type: "string" },
      out: { type: "string" },
    },
  });
  let suite = findSuite(values.suite);
  if (suite === undefined && values.suite === undefined) {
    console.log(`redis-suite: fetching the suite into ${SUITE_CACHE}`);
    if (await fetchSuite()) suite = SUITE_CACHE;
  }
  if (suite === undefined) {
    console.error(
      `redis-suite: no suite (tests/test_helper.tcl) at ${
        values.suite ?? `$CACHEMIR_REDIS_SUITE or ${SUITE_CACHE}`
      }`,
    );
    Deno.exit(2);
  }
  for (const program of ["tclsh", "redis-server", "setsid"]) {
    if (!hasProgram(program)) {
      console.error(`redis-suite: ${program} is not installed`);
      Deno.exit(2);
    }
  }
  // Interrupted: stop the suite's process groups and the servers, then go.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      for (const stop of RUNNING) stop();
      Deno.exit(130);
    });
  }
  const outFile = values.out ??
    new URL("../.redis-suite/results.md", import.meta.url).pathname;
  const results = await runSuite({
    suite,
    units: values.unit ?? SUITE_UNITS,
    timeoutS: values.timeout ? Number(values.timeout) : undefined,
    log: (line) => console.log(line),
    outputDir: new URL("../.redis-suite/output", import.meta.url).pathname,
  });
  const table = formatTable(results);
  await Deno.mkdir(new URL(".", `file://${outFile}`).pathname, {
    recursive: true,
  });
  await Deno.writeTextFile(outFile, table);
  console.log(`\n${table}\nwritten to ${outFile}`);
  const problems = verdict(results);
  for (const p of problems) console.error(`redis-suite: ${p}`);
  Deno.exit(problems.length === 0 ? 0 : 1);
}
