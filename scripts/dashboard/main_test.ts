import assert from "node:assert/strict";
import { CacheMirClient } from "@cachemir/client";
import { Dashboard } from "./main.ts";
import type { DashboardSnapshot } from "../../server/dashboard/page.ts";
import {
  freePort,
  startNodeProcess,
} from "../../tests/_helpers/node_process.ts";
import { run } from "../../tests/_helpers/run.ts";

/** Asks the dashboard's data until `ok` accepts it (at most ~30 s). */
async function until(
  dashboard: Dashboard,
  ok: (s: DashboardSnapshot) => boolean,
): Promise<DashboardSnapshot> {
  let last: DashboardSnapshot | undefined;
  for (let i = 0; i < 300; i++) {
    const res = await fetch(new URL("dashboard/data", dashboard.url));
    last = await res.json() as DashboardSnapshot;
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the dashboard never showed it: ${JSON.stringify(last)}`);
}

Deno.test({
  name:
    "Dashboard: a dns: spec finds the node, its keys show, and a dead address shows down",
  async fn() {
    const node = await startNodeProcess();
    const dead = `127.0.0.1:${freePort()}`; // nothing listens there
    const resolver = (_name: string, type: "A" | "AAAA") =>
      Promise.resolve(type === "A" ? ["127.0.0.1"] : []);
    const dashboard = new Dashboard({
      nodes: [`dns:cache.test:${node.port}`, dead],
      port: 0,
      intervalMs: 200,
      resolver,
    });
    const client = new CacheMirClient({ nodes: [node.address] });
    try {
      await client.mset({ a: "1", b: "2", c: "3" });
      const snap = await until(
        dashboard,
        (s) => s.nodes.length === 2 && s.keys === 3,
      );
      const [down, up] = [...snap.nodes].sort((x, y) =>
        x.address === dead ? -1 : y.address === dead ? 1 : 0
      );
      assert.deepEqual([down.address, down.up], [dead, false]);
      assert.deepEqual([up.address, up.up, up.keys], [node.address, true, 3]);
      assert.deepEqual([snap.up, snap.down], [1, 1]);
      // Each node's share of the ring, over the two addresses.
      assert.ok(
        Math.abs((up.ringShare ?? 0) + (down.ringShare ?? 0) - 1) < 1e-9,
      );
      const page = await fetch(dashboard.url);
      assert.match(await page.text(), /<h1>CacheMir · dns:cache\.test:/);
    } finally {
      await client.close();
      await dashboard.close();
      await node.stop("SIGKILL");
    }
  },
});

Deno.test("deno task dashboard refuses a flag that is not an integer in range, before it starts", async () => {
  const main = new URL("./main.ts", import.meta.url).pathname;
  for (
    const [flag, value, range] of [
      ["--port", "abc", "0 to 65535"],
      ["--port", "70000", "0 to 65535"],
      ["--interval-ms", "0", "1 to 86400000"],
      ["--points-per-node", "1.5", "1 to"],
    ]
  ) {
    const r = await run(Deno.execPath(), ["run", "-A", main, flag, value], {
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 2, `${flag} ${value}: ${r.stdout}${r.stderr}`);
    assert.ok(
      r.stderr.includes(
        `Invalid ${flag} "${value}": expected an integer from ${range}`,
      ),
      r.stderr,
    );
    assert.doesNotMatch(r.stdout, /dashboard: http/);
  }
});
