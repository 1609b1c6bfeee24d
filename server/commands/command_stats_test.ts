import assert from "node:assert/strict";
import { CommandStats } from "./command_stats.ts";

Deno.test("CommandStats: commandstats lines in Redis 7's format, sorted by name, only commands counted", () => {
  const stats = new CommandStats();
  stats.of("set").ran(0.0105, false);
  stats.of("set").ran(0.0015, true);
  stats.of("get").rejectedCalls++;
  stats.of("del"); // made, never counted
  assert.deepEqual(stats.commandstatsLines(), [
    "cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0",
    "cmdstat_set:calls=2,usec=12,usec_per_call=6.00,rejected_calls=0,failed_calls=1",
  ]);
});

Deno.test("CommandStats: errors by first word, and their total", () => {
  const stats = new CommandStats();
  stats.error("WRONGTYPE");
  stats.error("ERR");
  stats.error("ERR");
  assert.deepEqual(stats.errorstatsLines(), [
    "errorstat_ERR:count=2",
    "errorstat_WRONGTYPE:count=1",
  ]);
  assert.equal(stats.totalErrorReplies, 3);
});

Deno.test("CommandStats: latencystats lines give p50, p99, p99.9 in µs with three decimals", () => {
  const stats = new CommandStats();
  const get = stats.of("get");
  for (let i = 0; i < 998; i++) get.ran(0.001, false); // 1 µs
  get.ran(1, false); // 1 ms, twice: the slowest 0.2%
  get.ran(1, false);
  stats.of("set").rejectedCalls++; // never ran: no latency line
  const [line, ...rest] = stats.latencystatsLines();
  assert.deepEqual(rest, []);
  const m = line.match(
    /^latency_percentiles_usec_get:p50=(\d+\.\d{3}),p99=(\d+\.\d{3}),p99\.9=(\d+\.\d{3})$/,
  );
  assert.ok(m, line);
  assert.ok(Number(m[1]) >= 1 && Number(m[1]) < 1.07, line);
  assert.equal(m[2], m[1]);
  assert.ok(Number(m[3]) >= 1000 && Number(m[3]) < 1070, line);
});

Deno.test("CommandStats.reset() zeroes every count and keeps the counters' objects", () => {
  const stats = new CommandStats();
  const get = stats.of("get");
  get.ran(0.002, true);
  stats.error("ERR");
  stats.reset();
  assert.equal(stats.of("get"), get);
  assert.deepEqual(
    [
      get.calls,
      get.usec,
      get.failedCalls,
      get.rejectedCalls,
      get.latency.count,
    ],
    [0, 0, 0, 0, 0],
  );
  assert.deepEqual(stats.commandstatsLines(), []);
  assert.deepEqual(stats.errorstatsLines(), []);
  assert.deepEqual(stats.latencystatsLines(), []);
  assert.equal(stats.totalErrorReplies, 0);
});
