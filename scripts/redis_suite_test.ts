import assert from "node:assert/strict";
import {
  compareUnit,
  formatTable,
  lockSuite,
  parseSuiteOutput,
  SUITE_UNITS,
  verdict,
} from "./redis_suite.ts";
import { SUITE_SKIPS } from "../tests/redis_suite_skips.ts";
import { SUITE_PENDING } from "../tests/redis_suite_pending.ts";

const ESC = "\x1b";

Deno.test("parseSuiteOutput reads ok, err, skip, ignore and exception lines, colours or not", () => {
  const text = [
    "Cleanup: may take some time... OK",
    "[ready]: 123",
    `[${ESC}[0;32;49mok${ESC}[0m]: INCR against non existing key (1 ms)`,
    "[ok]: A test (with parentheses) (12 ms)",
    `[${ESC}[0;31;49merr${ESC}[0m]: SETBIT fuzzing in tests/unit/type/string.tcl`,
    "Expected 'x' to equal 'y'",
    "[skip]: Skipped by name",
    "[ignore]: Needs a replica: Tag: needs:repl denied",
    "[exception]: Executing test client: ERR unknown command 'x'.",
    "[1/1 done]: unit/type/string (1 seconds)",
  ].join("\n");
  const out = parseSuiteOutput(text);
  assert.deepEqual(out.passed, [
    "INCR against non existing key",
    "A test (with parentheses)",
  ]);
  assert.deepEqual(out.failed, ["SETBIT fuzzing"]);
  assert.equal(out.skipped, 2);
  assert.equal(
    out.exception,
    "Executing test client: ERR unknown command 'x'.",
  );
});

Deno.test("compareUnit counts repeated names, honours the skip list and reports stale entries", () => {
  const redis = parseSuiteOutput(
    ["a", "a", "b", "c"].map((t) => `[ok]: ${t} (0 ms)`).join("\n"),
  );
  const ours = parseSuiteOutput(
    "[ok]: a (0 ms)\n[err]: a in tests/unit/x.tcl\n[ok]: d (0 ms)",
  );
  const skips = [
    { unit: "unit/x", test: "b", reason: "needs MULTI" },
    { unit: "unit/x", test: "d", reason: "passes now" },
    { unit: "unit/y", test: "c", reason: "another unit" },
  ];
  const c = compareUnit("unit/x", redis, ours, skips);
  assert.deepEqual(c.regressions, ["a", "c"]);
  assert.deepEqual(c.skippedByList.map((s) => s.test), ["b"]);
  assert.deepEqual(c.stale.map((s) => s.test), ["d"]);
  const table = formatTable([c]);
  assert.match(
    table,
    /\| unit\/x \| 4 \/ 0 \/ 0 \| 2 \/ 1 \/ 0 \| 2 failing, 0 not built yet, 1 on the skip list \|/,
  );
  assert.match(table, /- unit\/x: b \(skip list: needs MULTI\)/);
  const problems = verdict([c]);
  assert.equal(problems.length, 2);
  assert.match(problems[0], /"a" passes on Redis, fails on CacheMir/);
});

Deno.test("compareUnit lets pending tests fail and reports those that pass now", () => {
  const redis = parseSuiteOutput(
    ["a", "b", "c"].map((t) => `[ok]: ${t} (0 ms)`).join("\n"),
  );
  const ours = parseSuiteOutput("[ok]: b (0 ms)\n[err]: a in tests/unit/x.tcl");
  const pending = [
    { unit: "unit/x", test: "a", reason: "not built yet" },
    { unit: "unit/x", test: "b", reason: "not built yet" },
  ];
  const c = compareUnit("unit/x", redis, ours, [], pending);
  assert.deepEqual(c.regressions, ["c"]);
  assert.deepEqual(c.pending.map((s) => s.test), ["a"]);
  assert.deepEqual(c.built.map((s) => s.test), ["b"]);
  assert.match(
    formatTable([c]),
    /1 failing, 1 not built yet, 0 on the skip list/,
  );
  const problems = verdict([c]);
  assert.match(
    problems[1],
    /"b" passes now: remove it from tests\/redis_suite_pending.ts/,
  );
});

Deno.test("the pending list names units of the run, each test once, each with a reason", () => {
  const seen = new Set<string>();
  for (const s of SUITE_PENDING) {
    assert.ok(SUITE_UNITS.includes(s.unit), s.unit);
    assert.ok(s.reason.length > 10, `${s.test}: a reason`);
    const id = `${s.unit}: ${s.test}`;
    assert.ok(!seen.has(id), `${id} twice`);
    assert.ok(
      !SUITE_SKIPS.some((k) => k.unit === s.unit && k.test === s.test),
      `${id} on both lists`,
    );
    seen.add(id);
  }
});

Deno.test("the skip list names units of the run, each test once, each with a reason", () => {
  const seen = new Set<string>();
  for (const s of SUITE_SKIPS) {
    assert.ok(SUITE_UNITS.includes(s.unit), s.unit);
    assert.ok(s.reason.length > 10, `${s.test}: a reason`);
    const id = `${s.unit}: ${s.test}`;
    assert.ok(!seen.has(id), `${id} twice`);
    seen.add(id);
  }
});

Deno.test("lockSuite lets one process at a time use a suite directory, and takes over a dead owner's lock", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const unlock = lockSuite(dir);
    // This process holds it: taking it again is allowed (same pid)...
    lockSuite(dir);
    // ...another live process's lock is refused.
    Deno.writeTextFileSync(`${dir}/.cachemir-suite.lock`, "1");
    assert.throws(() => lockSuite(dir), /in use by process 1/);
    // A dead owner's lock is taken over: it names this process, and its
    // release removes it.
    const lock = `${dir}/.cachemir-suite.lock`;
    Deno.writeTextFileSync(lock, "999999999");
    const release = lockSuite(dir);
    assert.equal(Deno.readTextFileSync(lock), String(Deno.pid));
    release();
    assert.throws(() => Deno.statSync(lock), Deno.errors.NotFound);
    unlock();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
