// The dashboard in a real headless Chromium (Debian's `chromium`, driven
// by puppeteer-core): 3 node processes under a load, `deno task
// dashboard`'s page shows them up with a non-zero ops/s and no console
// error; a node killed meanwhile turns red; a node's own `/` shows that
// node. Saves bench/dashboard.png (the README shows it). Skipped, saying
// why, where no Chromium is installed (.ci/run installs it).
import assert from "node:assert/strict";
import puppeteer from "puppeteer-core";
import { CacheMirClient } from "@cachemir/client";
import { Dashboard } from "../scripts/dashboard/main.ts";
import { sleep, stopNodes } from "./_helpers/cluster.ts";
import {
  freePort,
  type NodeProcess,
  startNodeProcess,
} from "./_helpers/node_process.ts";

/** Chromium's path: $CHROMIUM_PATH, or `chromium`/`chromium-browser` on PATH. */
function findChromium(): string | undefined {
  const given = Deno.env.get("CHROMIUM_PATH");
  if (given) return given;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of ["chromium", "chromium-browser"]) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch { /* not here */ }
    }
  }
  return undefined;
}

const CHROMIUM = findChromium();
if (CHROMIUM === undefined) {
  console.warn(
    "dashboard_test: skipped — no Chromium on PATH (apt-get install chromium, or set CHROMIUM_PATH)",
  );
}

const SCREENSHOT = new URL("../bench/dashboard.png", import.meta.url).pathname;

/** Starts a node with an HTTP port (retrying when the free port was taken meanwhile). */
async function nodeWithHttp(): Promise<{ node: NodeProcess; http: number }> {
  for (let attempt = 1;; attempt++) {
    const http = freePort();
    try {
      return {
        node: await startNodeProcess(["--http-port", String(http)]),
        http,
      };
    } catch (e) {
      if (attempt === 5 || !/in use/i.test(String(e))) throw e;
    }
  }
}

Deno.test({
  name:
    "dashboard in headless Chromium: 3 nodes under load, one killed turns red; a node's own /",
  ignore: CHROMIUM === undefined,
  // puppeteer keeps timers and sockets of its own past close().
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const first = await nodeWithHttp();
    const others = await Promise.all([startNodeProcess(), startNodeProcess()]);
    const nodes = [first.node, ...others];
    const addresses = nodes.map((n) => n.address);
    const dashboard = new Dashboard({
      nodes: addresses,
      port: 0,
      intervalMs: 500,
    });
    const client = new CacheMirClient({ nodes: addresses });
    client.addEventListener("error", () => {});
    let loading = true;
    const load = (async () => {
      for (let i = 0; loading && i < 2_000_000; i++) {
        const key = `dash:${Math.floor(Math.random() * 2000)}`;
        try {
          if (i % 4 === 0) await client.set(key, "v");
          else await client.get(key);
        } catch {
          await sleep(10); // the killed node: the client remaps
        }
      }
    })();
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    const problems: string[] = [];
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 560 });
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page: ${e}`));
      page.on("requestfailed", (r) => problems.push(`request: ${r.url()}`));
      await page.goto(dashboard.url, { waitUntil: "load" });

      // Three nodes up, and a non-zero total ops/s.
      // (Browser-side code is passed as text: this file is type-checked
      // without the DOM's types.)
      await page.waitForFunction(
        `document.querySelectorAll("#nodes tr.up").length === 3 &&
          Number(document.getElementById("total-ops").textContent.replace(/,/g, "")) > 0`,
        { timeout: 60_000, polling: 200 },
      );
      assert.equal(
        await page.$eval("#node-count", (e) => e.textContent),
        "3",
      );
      // Both charts are drawn by uPlot, on canvases.
      assert.equal(await page.$$eval(".uplot canvas", (c) => c.length), 2);
      const shares = await page.$$eval(
        "#nodes tr td:nth-child(7)",
        (cells) => cells.map((c) => c.textContent),
      );
      assert.equal(shares.length, 3);
      for (const s of shares) assert.match(s ?? "", /^\d+\.\d%$/);

      // A node killed during the test turns red (down).
      const victim = nodes[2];
      await victim.stop("SIGKILL");
      const row = `#nodes tr[data-address="${victim.address}"]`;
      await page.waitForFunction(
        `document.querySelector('${row}')?.className === "down"`,
        { timeout: 60_000, polling: 200 },
      );
      const color = await page.evaluate(
        `getComputedStyle(document.querySelector('${row} td.state')).color`,
      );
      assert.equal(color, "rgb(187, 0, 0)"); // red
      assert.equal(
        await page.$eval("#node-count", (e) => e.textContent),
        "3 (1 down)",
      );
      await sleep(1200); // one more tick: the ops/s chart has a few points
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // A single node's own page, on its HTTP port: that node only.
      await page.goto(`http://127.0.0.1:${first.http}/`, { waitUntil: "load" });
      await page.waitForFunction(
        `document.querySelectorAll("#nodes tr.up").length === 1`,
        { timeout: 30_000, polling: 200 },
      );
      assert.equal(
        await page.$eval("#nodes tr.up td:first-child", (e) => e.textContent),
        first.node.address,
      );
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      loading = false;
      await load;
      await client.close();
      await dashboard.close();
      await stopNodes(nodes);
    }
  },
});
