/**
 * Unit tests of procs.ts's pieces that need no child: counting V8's
 * `--trace-gc` lines from a stream, and the node's command line.
 *
 * @module
 */

import assert from "node:assert/strict";
import { gcEventOf, GcLineCounter, shellLine } from "./procs.ts";

// Lines as V8 prints them under Deno 2.9.6 (`--v8-flags=--trace-gc`).
const SCAVENGE =
  "[1923:0x562858fea000]     4011 ms: Scavenge 6.6 (8.6) -> 6.2 (8.9) MB, pooled: 0.0 MB, 1.67 / 0.00 ms (average mu = 1.000, current mu = 1.000) allocation failure; ";
const MARK_COMPACT =
  "[1923:0x562858fea000]     4330 ms: Incremental Mark-Compact 10.1 (15.4) -> 6.6 (15.4) MB, pooled: 0.0 MB, 1.47 / 0.00 ms (+ 2.8 ms in 67 steps since start of marking, biggest step 0.2 ms, walltime since start of marking 6 ms) (average mu = 0.999, current mu = 0.999) finalize incremental marking via task; GC in old space requested";

Deno.test("procs: gcEventOf tells Scavenge from Mark-Compact lines", () => {
  assert.equal(gcEventOf(SCAVENGE), "scavenge");
  assert.equal(gcEventOf(MARK_COMPACT), "full");
  assert.equal(
    gcEventOf(
      "[7:0x1]  100 ms: Mark-Compact (reduce) 5.0 (8.0) -> 4.0 (7.0) MB, 3.0 / 0.0 ms  (average mu = 0.9) last resort; GC in old space requested",
    ),
    "full",
  );
  assert.equal(
    gcEventOf("[7:0x1]  9 ms: Mark-sweep 1.0 (2.0) -> 1.0 (2.0) MB"),
    "full",
  );
  assert.equal(
    gcEventOf("[7:0x1]  9 ms: Minor Mark-Sweep 1.0 (2.0) -> 1.0 (2.0) MB"),
    "scavenge",
  );
  assert.equal(gcEventOf("listening on 127.0.0.1:7379"), undefined);
  assert.equal(gcEventOf(""), undefined);
});

Deno.test("procs: GcLineCounter counts lines split anywhere, keeps other lines", () => {
  const text = [
    "CacheMir node up",
    SCAVENGE,
    SCAVENGE,
    MARK_COMPACT,
    "some warning",
    SCAVENGE,
  ].join("\n") + "\r\n" + SCAVENGE; // the last line unfinished
  for (const step of [1, 7, 100, text.length]) {
    const other: string[] = [];
    const c = new GcLineCounter((l) => other.push(l));
    for (let i = 0; i < text.length; i += step) {
      c.push(text.slice(i, i + step));
    }
    assert.deepEqual(c.counts(), { scavenges: 3, markCompacts: 1 });
    c.end();
    assert.deepEqual(c.counts(), { scavenges: 4, markCompacts: 1 });
    assert.deepEqual(other, ["CacheMir node up", "some warning"]);
  }
  const c = new GcLineCounter();
  c.push("x".repeat(200_000));
  c.push("\n" + SCAVENGE + "\n");
  assert.deepEqual(c.counts(), { scavenges: 1, markCompacts: 0 });
});

Deno.test("procs: shellLine keeps comma-separated V8 flags as one word", () => {
  assert.equal(
    shellLine(["deno", "--v8-flags=--max-semi-space-size=4,--trace-gc"]),
    "deno --v8-flags=--max-semi-space-size=4,--trace-gc",
  );
});
