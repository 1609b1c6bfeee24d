// A short drill (scripts/drill.ts): every fault for a few seconds against 3
// real nodes behind proxies, under load. Asserts what must hold whatever the
// timings: the process exits by itself, every fault is reported, no read is
// stale, no promise rejection goes unhandled, and with `replicas: 2` no read
// fails through a kill -9.
import assert from "node:assert/strict";
import { FAULTS } from "../scripts/drill.ts";
import type { DrillReport } from "../scripts/drill/report.ts";
import { run } from "./_helpers/run.ts";

const DRILL = new URL("../scripts/drill.ts", import.meta.url).pathname;
/** Generous: the run takes about 35 s on 2 loaded cores. */
const BOUND_MS = 240_000;

Deno.test({
  name:
    "a short drill under load: no stale read, no unhandled rejection, every fault reported, the process exits",
  // The drill's nodes and proxies live in its own process.
  sanitizeResources: true,
  sanitizeOps: true,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "drill_test_" });
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          DRILL,
          "--nodes",
          "3",
          "--seconds",
          "2",
          "--rate",
          "400",
          "--keys",
          "200",
          "--out",
          `${dir}/drill.md`,
          "--json",
          `${dir}/drill.json`,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).spawn();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, BOUND_MS);
      const out = await child.output();
      clearTimeout(timer);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.ok(!timedOut, `the drill did not exit within ${BOUND_MS} ms`);

      const report: DrillReport = JSON.parse(
        await Deno.readTextFile(`${dir}/drill.json`),
      );
      assert.deepEqual(report.faults.map((f) => f.fault), [...FAULTS]);
      assert.equal(
        report.unhandledRejections,
        0,
        report.unhandledSamples.join("\n"),
      );
      for (const f of report.faults) {
        assert.ok(f.calls > 0, `${f.fault}: no call was made`);
        assert.equal(
          f.staleReads,
          0,
          `${f.fault}: stale reads ${f.staleSamples.join("; ")}`,
        );
        assert.equal(f.foreignValues, 0, `${f.fault}: foreign values`);
      }
      const withReplicas = report.faults.find((f) =>
        f.fault === "kill-replicas"
      )!;
      assert.equal(withReplicas.replicas, 2);
      assert.equal(
        withReplicas.failedReads,
        0,
        `reads failed through a kill -9 with replicas: 2: ${
          JSON.stringify(withReplicas.failureSamples)
        }`,
      );
      const md = await Deno.readTextFile(`${dir}/drill.md`);
      for (const fault of FAULTS) {
        assert.match(md, new RegExp(`\\| ${fault} +\\|`));
      }
      assert.equal(out.code, 0, stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("the drill refuses an unknown fault, an out-of-range or unknown flag, before it starts a node", async () => {
  for (
    const [args, expected] of [
      [["--faults", "kill,bogus"], 'Unknown fault "bogus"'],
      [
        ["--nodes", "9"],
        'Invalid --nodes "9": expected an integer from 3 to 5',
      ],
      [["--seconds", "1"], 'Invalid --seconds "1": expected an integer from 2'],
      [["--rate", "fast"], 'Invalid --rate "fast"'],
      [["--bogus"], "--bogus"],
    ] as const
  ) {
    const r = await run(Deno.execPath(), ["run", "-A", DRILL, ...args], {
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.includes(expected), r.stderr);
    assert.ok(r.stderr.includes("Usage: deno task drill"), r.stderr);
  }
});
