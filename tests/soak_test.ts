// One minute of scripts/soak.ts in CI (the README's figures come from a
// ten-minute run): a node under the mixed workload with --maxmemory 16mb,
// small enough that it is full and evicting before the warm-up ends. It
// asserts what must hold on any machine — no failed call, keys evicted, used
// memory within the limit, RSS within 10% of its level at the end of the
// warm-up — and prints the p99 trend, which a loaded machine distorts.
import assert from "node:assert/strict";
import { soak } from "../scripts/soak.ts";
import { run } from "./_helpers/run.ts";

Deno.test({
  name:
    "soak: one minute under --maxmemory 16mb, RSS bounded after the warm-up",
  // The vega renderer keeps a timer of its own past the test.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "cachemir-soak-" });
    try {
      const { samples, verdict } = await soak(1, out, "16mb");
      const last = samples[samples.length - 1];
      assert.ok(samples.length >= 10, `${samples.length} samples`);
      assert.equal(last.errors, 0);
      assert.ok(last.evicted > 0, "the node never evicted");
      for (const s of samples) {
        assert.ok(s.usedMiB <= 16.5, `used ${s.usedMiB}`);
      }
      console.log(
        `RSS ${verdict.baseRssMiB.toFixed(1)} -> at most ${
          verdict.maxRssMiB.toFixed(1)
        } MiB; p99 ${verdict.p99FirstMs.toFixed(2)} -> ${
          verdict.p99LastMs.toFixed(2)
        } ms (${verdict.p99Flat ? "flat" : "trending up"})`,
      );
      assert.ok(
        verdict.rssBounded,
        `RSS rose from ${
          verdict.baseRssMiB.toFixed(1)
        } MiB after the warm-up to ${verdict.maxRssMiB.toFixed(1)} MiB`,
      );
      const csv = await Deno.readTextFile(`${out}/soak.csv`);
      assert.equal(csv.trim().split("\n").length, samples.length + 1);
      assert.match(await Deno.readTextFile(`${out}/soak.svg`), /<svg/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test("deno task soak refuses --minutes that is not a whole number of minutes", async () => {
  const main = new URL("../scripts/soak.ts", import.meta.url).pathname;
  for (const value of ["abc", "0", "1.5"]) {
    const r = await run(Deno.execPath(), [
      "run",
      "-A",
      main,
      "--minutes",
      value,
    ], {
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 2, `--minutes ${value}: ${r.stdout}${r.stderr}`);
    assert.ok(
      r.stderr.includes(
        `Invalid --minutes "${value}": expected an integer from 1 to 10080`,
      ),
      r.stderr,
    );
  }
});
