/**
 * Unit tests of the suite's entry: arguments, the machine table and the
 * nesting of reports in results.md (no benchmark is run).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  demoteHeadings,
  machineTable,
  parseSuiteArgs,
  SUB_BENCHMARKS,
} from "./main.ts";

Deno.test("main: resp and memory are sub-benchmarks", () => {
  assert.ok("resp" in SUB_BENCHMARKS);
  assert.ok("memory" in SUB_BENCHMARKS);
  const { names, options } = parseSuiteArgs(["resp", "memory", "--quick"]);
  assert.deepEqual(names, ["resp", "memory"]);
  assert.equal(options.quick, true);
  assert.equal(options.rounds, 1);
  assert.throws(() => parseSuiteArgs(["nope"]), /unknown benchmark nope/);
});

Deno.test("main: headings move one level down, not in code blocks", () => {
  assert.equal(
    demoteHeadings("## a\ntext #1\n### b\n```sh\n# comment\n```\n## c"),
    "### a\ntext #1\n#### b\n```sh\n# comment\n```\n### c",
  );
});

Deno.test("main: the machine table", () => {
  const t = machineTable({
    cores: 2,
    cpuModel: "AMD EPYC",
    memTotal: 2 * 1024 ** 3,
    deno: "2.9.6",
    redis: "Redis server v=7.0.15",
    kernel: "6.1",
  });
  assert.match(t, /\| cores \| 2 \|/);
  assert.match(t, /\| memory \| 2\.0 GiB \|/);
  assert.match(t, /\| Redis \| Redis server v=7\.0\.15 \|/);
});
