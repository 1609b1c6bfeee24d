/**
 * Redis 7.0.15's own test suite against CacheMir, in `deno task test`: one
 * test per unit (`scripts/redis_suite.ts` runs it against a fresh
 * redis-server and a fresh node process, and compares), then the table,
 * written to `.redis-suite/results.md` and printed. A unit's test fails when
 * a test Redis passes fails on CacheMir and is on neither the skip list
 * (`tests/redis_suite_skips.ts`: outside CacheMir's scope) nor the pending
 * list (`tests/redis_suite_pending.ts`: not built yet, issue 16 open), and
 * when a pending test passes (the list only shrinks); the last one fails
 * when the skip list reaches 5% of the tests.
 *
 * The suite is not in the repository: `.ci/run` brings it into
 * `.redis-suite/` (`scripts/redis_suite_fetch.sh`, Debian's source package);
 * elsewhere set `CACHEMIR_REDIS_SUITE` to a directory holding Redis
 * 7.0.15's `tests/`. Without the suite, `tclsh` or `redis-server`, the
 * tests are ignored with a message saying what is missing — unless
 * `CACHEMIR_REDIS_SUITE_REQUIRED` is set (CI sets it), when that fails.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  findSuite,
  formatTable,
  hasProgram,
  runSuite,
  SUITE_CACHE,
  SUITE_UNITS,
  type UnitComparison,
  verdict,
} from "../scripts/redis_suite.ts";

const OUT = new URL("../.redis-suite/", import.meta.url).pathname;

function whatIsMissing(): string | undefined {
  if (findSuite() === undefined) {
    return `no suite at $CACHEMIR_REDIS_SUITE or ${SUITE_CACHE} (.ci/run fetches it; or run deno task test:redis-suite)`;
  }
  for (const program of ["tclsh", "redis-server", "setsid"]) {
    if (!hasProgram(program)) return `${program} is not installed`;
  }
  return undefined;
}

const missing = whatIsMissing();

if (missing !== undefined && Deno.env.get("CACHEMIR_REDIS_SUITE_REQUIRED")) {
  // CI (.ci/run) fetched the suite and requires it: missing is a failure.
  Deno.test("redis suite: required (CACHEMIR_REDIS_SUITE_REQUIRED) and present", () => {
    assert.fail(`redis suite: ${missing}`);
  });
} else if (missing !== undefined) {
  console.log(`redis suite: skipped: ${missing}`);
  Deno.test({
    name: `redis suite: skipped (${missing})`,
    ignore: true,
    fn: () => {},
  });
} else {
  const suite = findSuite()!;
  const results: UnitComparison[] = [];
  for (const unit of SUITE_UNITS) {
    Deno.test(`redis suite: ${unit}: what Redis 7.0.15 passes passes on CacheMir`, async () => {
      const [result] = await runSuite({
        suite,
        units: [unit],
        outputDir: `${OUT}output`,
        log: (line) => console.log(line),
      });
      results.push(result);
      assert.deepEqual(
        result.regressions,
        [],
        `${unit}: tests Redis passes that fail on CacheMir (outputs in ${OUT}output)`,
      );
      assert.deepEqual(
        result.built.map((s) => s.test),
        [],
        `${unit}: tests on the pending list that pass now: remove them from tests/redis_suite_pending.ts`,
      );
      assert.ok(result.redis.passed.length > 0, `${unit}: Redis passed none`);
    });
  }
  Deno.test("redis suite: the table, and a skip list under 5% of the tests", async () => {
    const table = formatTable(results);
    await Deno.mkdir(OUT, { recursive: true });
    await Deno.writeTextFile(`${OUT}results.md`, table);
    console.log(`\n${table}`);
    const listTooLong = verdict(results).filter((p) =>
      p.startsWith("the skip list")
    );
    assert.deepEqual(listTooLong, []);
  });
}
