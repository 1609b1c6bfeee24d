import assert from "node:assert/strict";
import { type FaultResult, formatMs, markdownTable } from "./report.ts";

const BASE: FaultResult = {
  fault: "kill",
  description: "kill -9",
  replicas: 1,
  nodes: 4,
  calls: 1000,
  reads: 750,
  failed: 0,
  failedReads: 0,
  failures: {},
  failureSamples: {},
  p99Ms: 4.25,
  maxMs: 1234,
  routedAroundMs: 12.4,
  nodeUpMs: 250,
  usedAgainMs: 251,
  staleReads: 0,
  staleSamples: [],
  foreignValues: 0,
  errorEvents: 0,
  clientCounters: { retries: 0, errors: 0, timeouts: 0 },
};

Deno.test("formatMs prints ms below a second, seconds above, a dash for none", () => {
  assert.equal(formatMs(4.25), "4.3 ms");
  assert.equal(formatMs(12.4), "12 ms");
  assert.equal(formatMs(1234), "1.23 s");
  assert.equal(formatMs(null), "—");
});

Deno.test("markdownTable has a row per fault, failures by kind, most first", () => {
  const table = markdownTable([
    BASE,
    {
      ...BASE,
      fault: "stop",
      failed: 5,
      failures: { "set:TimeoutError": 1, "get:TimeoutError": 4 },
      routedAroundMs: null,
      usedAgainMs: null,
      staleReads: 2,
      foreignValues: 1,
    },
  ]);
  const lines = table.trimEnd().split("\n");
  assert.equal(lines.length, 4);
  assert.equal(
    lines[2],
    "| kill | 1 | 1000 | 0 | 4.3 ms | 1.23 s | 12 ms | 251 ms | 0 |",
  );
  assert.equal(
    lines[3],
    "| stop | 1 | 1000 | 5 (get:TimeoutError 4, set:TimeoutError 1) | 4.3 ms | 1.23 s | not marked down | — | 3 |",
  );
});
