/**
 * The dashboard page, shared by `deno task dashboard` (a whole cluster) and
 * a node's HTTP port (`/`, that node only): the numbers of each node from
 * its INFO ({@linkcode InfoSampler}), their totals ({@linkcode summarize}),
 * and the page itself — HTML, its script, and uPlot (bundled: the page
 * loads nothing from outside) — served by {@linkcode dashboardResponse}.
 * It lives in the server's room (the node serves it) and imports nothing
 * from `client/`: `scripts/dashboard/` (the cluster view) imports it.
 *
 * Routes: `/` (the page), `/dashboard/app.js`, `/dashboard/uplot.js`,
 * `/dashboard/uplot.css`, `/dashboard/data` (a {@linkcode DashboardSnapshot}
 * as JSON, which the page asks for every second).
 *
 * @module
 */

import { UPLOT_CSS, UPLOT_JS, UPLOT_VERSION } from "./_uplot.ts";

/** INFO's fields by lower-case section name (as `parseInfo` returns them). */
export type InfoFields = Record<string, Record<string, string>>;

/** The latency of a node's busiest command, from INFO latencystats. */
export interface CommandLatency {
  /** The command (lower case), the one with the most calls. */
  readonly command: string;
  /** Median, in microseconds. */
  readonly p50Us: number;
  /** 99th percentile, in microseconds. */
  readonly p99Us: number;
}

/** One node's numbers at one moment; `null` where INFO did not say. */
export interface NodeSnapshot {
  /** `host:port`. */
  readonly address: string;
  /** Whether it answered INFO. */
  readonly up: boolean;
  /** Why not, when it did not. */
  readonly error: string | null;
  /** Commands per second (INFO's `instantaneous_ops_per_sec`). */
  readonly opsPerSec: number | null;
  /** Key lookups that hit since the previous sample (all time on the first). */
  readonly hits: number;
  /** Key lookups that missed since the previous sample. */
  readonly misses: number;
  /** `hits / (hits + misses)`, or `null` with no lookups. */
  readonly hitRatio: number | null;
  /** `used_memory`, in bytes. */
  readonly usedMemory: number | null;
  /** `maxmemory`, in bytes (0: no limit). */
  readonly maxMemory: number | null;
  /** Keys in all databases. */
  readonly keys: number | null;
  /** `connected_clients`. */
  readonly connections: number | null;
  /** Latency of the busiest command. */
  readonly latency: CommandLatency | null;
  /** `evicted_keys` since the node started. */
  readonly evictions: number | null;
  /**
   * INFO's `hotkeys` section as `[field, value]` pairs, or `null` when the
   * node has no such section.
   */
  readonly hotKeys: readonly (readonly [string, string])[] | null;
  /** The node's share of the hash ring (0..1), when known. */
  readonly ringShare: number | null;
}

/** What the page shows: every node, and their totals. */
export interface DashboardSnapshot {
  /** `"cluster"` from `deno task dashboard`, `"node"` from a node's `/`. */
  readonly scope: "cluster" | "node";
  /** When it was taken (ms since the epoch). */
  readonly time: number;
  /** The nodes, in a stable order. */
  readonly nodes: readonly NodeSnapshot[];
  /** Nodes that answered. */
  readonly up: number;
  /** Nodes that did not. */
  readonly down: number;
  /** Sum of the nodes' ops/s. */
  readonly opsPerSec: number;
  /** Hits over lookups, over all nodes, or `null` with no lookups. */
  readonly hitRatio: number | null;
  /** Sum of the nodes' keys. */
  readonly keys: number;
}

function num(info: InfoFields, section: string, field: string): number | null {
  const v = info[section]?.[field];
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** `a=1,b=2` as a map. */
function pairs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/**
 * Keys in all databases, from INFO keyspace (`db0:keys=3,expires=0,...`).
 *
 * @param info INFO's fields.
 * @returns The sum, or `null` without a keyspace section.
 */
export function keysOf(info: InfoFields): number | null {
  const keyspace = info.keyspace;
  if (keyspace === undefined) return null;
  let keys = 0;
  for (const text of Object.values(keyspace)) {
    keys += Number(pairs(text).get("keys") ?? 0);
  }
  return keys;
}

/**
 * The p50 and p99 of the command with the most calls (INFO commandstats
 * and latencystats).
 *
 * @param info INFO's fields.
 * @returns Its latency, or `null` when no command ran.
 *
 * @example
 * ```ts
 * import { busiestLatency } from "./page.ts";
 * import assert from "node:assert/strict";
 *
 * const latency = busiestLatency({
 *   commandstats: { cmdstat_get: "calls=9,usec=9", cmdstat_set: "calls=1,usec=3" },
 *   latencystats: {
 *     latency_percentiles_usec_get: "p50=2.001,p99=5.003,p99.9=9.001",
 *     latency_percentiles_usec_set: "p50=3.001,p99=3.001,p99.9=3.001",
 *   },
 * });
 * assert.deepEqual(latency, { command: "get", p50Us: 2.001, p99Us: 5.003 });
 * ```
 */
export function busiestLatency(info: InfoFields): CommandLatency | null {
  let best: [string, number] | undefined;
  for (const [field, text] of Object.entries(info.commandstats ?? {})) {
    if (!field.startsWith("cmdstat_")) continue;
    const calls = Number(pairs(text).get("calls") ?? 0);
    if (calls > 0 && (best === undefined || calls > best[1])) {
      best = [field.slice("cmdstat_".length), calls];
    }
  }
  if (best === undefined) return null;
  const text = info.latencystats?.[`latency_percentiles_usec_${best[0]}`];
  if (text === undefined) return null;
  const p = pairs(text);
  const p50 = Number(p.get("p50"));
  const p99 = Number(p.get("p99"));
  if (!Number.isFinite(p50) || !Number.isFinite(p99)) return null;
  return { command: best[0], p50Us: p50, p99Us: p99 };
}

/**
 * Turns each node's INFO into a {@linkcode NodeSnapshot}; remembers the
 * previous sample of each node so that the hit ratio is that of the last
 * interval, not of the node's life.
 *
 * @example
 * ```ts
 * import { InfoSampler } from "./page.ts";
 * import assert from "node:assert/strict";
 *
 * const sampler = new InfoSampler();
 * const info = (hits: number, misses: number) => ({
 *   stats: { keyspace_hits: String(hits), keyspace_misses: String(misses), instantaneous_ops_per_sec: "10" },
 * });
 * assert.equal(sampler.sample("a:1", info(10, 10)).hitRatio, 0.5);
 * assert.equal(sampler.sample("a:1", info(19, 11)).hitRatio, 0.9); // 9 of 10 since
 * assert.equal(sampler.sample("a:1", undefined, "refused").up, false);
 * ```
 */
export class InfoSampler {
  #last = new Map<string, { hits: number; misses: number }>();

  /**
   * One node's snapshot.
   *
   * @param address The node.
   * @param info Its INFO, or `undefined` when it did not answer.
   * @param error Why it did not.
   * @param ringShare Its share of the ring, if known.
   * @returns The snapshot.
   */
  sample(
    address: string,
    info: InfoFields | undefined,
    error = "",
    ringShare: number | null = null,
  ): NodeSnapshot {
    if (info === undefined) {
      this.#last.delete(address);
      return {
        address,
        up: false,
        error: error || "no answer",
        opsPerSec: null,
        hits: 0,
        misses: 0,
        hitRatio: null,
        usedMemory: null,
        maxMemory: null,
        keys: null,
        connections: null,
        latency: null,
        evictions: null,
        hotKeys: null,
        ringShare,
      };
    }
    const hitsTotal = num(info, "stats", "keyspace_hits") ?? 0;
    const missesTotal = num(info, "stats", "keyspace_misses") ?? 0;
    const last = this.#last.get(address);
    let hits = hitsTotal;
    let misses = missesTotal;
    if (
      last !== undefined && hitsTotal >= last.hits && missesTotal >= last.misses
    ) {
      hits = hitsTotal - last.hits;
      misses = missesTotal - last.misses;
    }
    this.#last.set(address, { hits: hitsTotal, misses: missesTotal });
    const hot = info.hotkeys;
    return {
      address,
      up: true,
      error: null,
      opsPerSec: num(info, "stats", "instantaneous_ops_per_sec"),
      hits,
      misses,
      hitRatio: hits + misses === 0 ? null : hits / (hits + misses),
      usedMemory: num(info, "memory", "used_memory"),
      maxMemory: num(info, "memory", "maxmemory"),
      keys: keysOf(info),
      connections: num(info, "clients", "connected_clients"),
      latency: busiestLatency(info),
      evictions: num(info, "stats", "evicted_keys"),
      hotKeys: hot === undefined ? null : Object.entries(hot),
      ringShare,
    };
  }

  /**
   * Forgets a node (it left the cluster).
   *
   * @param address The node.
   */
  forget(address: string): void {
    this.#last.delete(address);
  }
}

/**
 * The page's data: the nodes and their totals.
 *
 * @param scope `"cluster"` or `"node"`.
 * @param nodes The nodes' snapshots.
 * @param time When (ms since the epoch).
 * @returns The snapshot.
 *
 * @example
 * ```ts
 * import { InfoSampler, summarize } from "./page.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new InfoSampler();
 * const snap = summarize("cluster", [
 *   s.sample("a:1", { stats: { instantaneous_ops_per_sec: "5" }, keyspace: { db0: "keys=3,expires=0" } }),
 *   s.sample("b:2", undefined, "refused"),
 * ]);
 * assert.deepEqual([snap.up, snap.down, snap.opsPerSec, snap.keys], [1, 1, 5, 3]);
 * ```
 */
export function summarize(
  scope: "cluster" | "node",
  nodes: readonly NodeSnapshot[],
  time: number = Date.now(),
): DashboardSnapshot {
  let up = 0;
  let ops = 0;
  let hits = 0;
  let lookups = 0;
  let keys = 0;
  for (const n of nodes) {
    if (!n.up) continue;
    up++;
    ops += n.opsPerSec ?? 0;
    hits += n.hits;
    lookups += n.hits + n.misses;
    keys += n.keys ?? 0;
  }
  return {
    scope,
    time,
    nodes,
    up,
    down: nodes.length - up,
    opsPerSec: ops,
    hitRatio: lookups === 0 ? null : hits / lookups,
    keys,
  };
}

/**
 * The page's HTML.
 *
 * @param title What it shows (the cluster's nodes, or one node).
 * @returns The document.
 */
export function dashboardHtml(title: string): string {
  const escaped = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>CacheMir · ${escaped}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="dashboard/uplot.css">
<style>
body { font: 14px system-ui, sans-serif; margin: 16px 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 8px; }
.totals { display: flex; gap: 28px; margin: 8px 0 16px; }
.totals div { font-size: 13px; color: #666; }
.totals b { display: block; font-size: 22px; color: #111; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 4px 8px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, td.hot { text-align: left; }
td.hot { white-space: normal; font-size: 12px; max-width: 320px; }
tr.up td.state { color: #0a0; font-weight: bold; }
tr.down { background: #fde2e2; }
tr.down td { color: #b00; }
tr.down td.state { font-weight: bold; }
meter { width: 60px; vertical-align: middle; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; margin-top: 20px; }
.charts h2 { font-size: 15px; margin: 0 0 4px; }
#stale { color: #b00; font-weight: bold; }
</style>
</head>
<body>
<h1>CacheMir · ${escaped}</h1>
<div class="totals">
  <div>nodes<b id="node-count">—</b></div>
  <div>ops/s<b id="total-ops">—</b></div>
  <div>hit ratio<b id="hit-ratio">—</b></div>
  <div>keys<b id="total-keys">—</b></div>
  <div>updated<b id="updated">—</b></div>
</div>
<div id="stale"></div>
<table>
<thead><tr><th>node</th><th>state</th><th>ops/s</th><th>hit ratio</th><th>memory used / limit</th>
<th>keys</th><th>ring share</th><th>connections</th><th>p50 / p99</th><th>evictions</th><th>hot keys</th></tr></thead>
<tbody id="nodes"></tbody>
</table>
<div class="charts">
  <div><h2>Ops/s and hit ratio (last 2 minutes)</h2><div id="chart-ops"></div></div>
  <div><h2>Key distribution: keys per node and share of the ring</h2><div id="chart-keys"></div></div>
</div>
<script src="dashboard/uplot.js"></script>
<script src="dashboard/app.js"></script>
</body>
</html>
`;
}

/**
 * The page's script (plain browser JavaScript): asks for
 * `dashboard/data` every second, fills the table, draws the charts with
 * uPlot.
 */
export const DASHBOARD_JS: string = `"use strict";
(() => {
  const HISTORY = 120;
  const times = [], ops = [], ratios = [];
  let opsChart, keysChart, keysNodes = "";
  const $ = (id) => document.getElementById(id);
  const fmt = (n) => n === null || n === undefined ? "\\u2014" : Math.round(n).toLocaleString("en-US");
  const pct = (r) => r === null || r === undefined ? "\\u2014" : (100 * r).toFixed(1) + "%";
  const bytes = (b) => {
    if (b === null || b === undefined) return "\\u2014";
    const u = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
    return (i === 0 ? b : b.toFixed(1)) + " " + u[i];
  };
  const us = (v) => v < 1000 ? v.toFixed(0) + " \\u00b5s" : (v / 1000).toFixed(2) + " ms";
  const cell = (text, cls) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  };
  function row(n) {
    const tr = document.createElement("tr");
    tr.className = n.up ? "up" : "down";
    tr.dataset.address = n.address;
    tr.appendChild(cell(n.address));
    tr.appendChild(cell(n.up ? "up" : "down", "state")).title = n.error || "";
    tr.appendChild(cell(fmt(n.opsPerSec)));
    tr.appendChild(cell(pct(n.hitRatio)));
    const mem = cell(n.usedMemory === null ? "\\u2014" :
      bytes(n.usedMemory) + " / " + (n.maxMemory ? bytes(n.maxMemory) : "no limit") + " ");
    if (n.usedMemory !== null && n.maxMemory) {
      const m = document.createElement("meter");
      m.max = n.maxMemory; m.value = n.usedMemory; m.high = 0.9 * n.maxMemory;
      mem.appendChild(m);
    }
    tr.appendChild(mem);
    tr.appendChild(cell(fmt(n.keys)));
    tr.appendChild(cell(pct(n.ringShare)));
    tr.appendChild(cell(fmt(n.connections)));
    tr.appendChild(cell(n.latency === null ? "\\u2014" :
      us(n.latency.p50Us) + " / " + us(n.latency.p99Us) + " (" + n.latency.command + ")"));
    tr.appendChild(cell(fmt(n.evictions)));
    tr.appendChild(cell(n.hotKeys === null || n.hotKeys.length === 0 ? "\\u2014" :
      n.hotKeys.slice(0, 10).map(([k, v]) => k + ": " + v).join("; "), "hot"));
    return tr;
  }
  const fromZero = (u, min, max) => [0, max > 0 ? max * 1.1 : 1];
  function width(el) {
    return Math.max(360, Math.min(640, el.parentElement.parentElement.clientWidth / 2 - 24));
  }
  function drawOps() {
    const data = [times, ops, ratios.map((r) => r === null ? null : 100 * r)];
    if (opsChart === undefined) {
      const el = $("chart-ops");
      opsChart = new uPlot({
        width: width(el), height: 240,
        series: [{}, { label: "ops/s", stroke: "#1f77b4", width: 2, scale: "ops" },
          { label: "hit ratio %", stroke: "#2ca02c", width: 2, scale: "%" }],
        scales: { ops: { range: fromZero }, "%": { range: [0, 100] } },
        axes: [{}, { scale: "ops", size: 70 }, { scale: "%", side: 1, grid: { show: false } }],
      }, data, el);
    } else opsChart.setData(data);
  }
  function drawKeys(nodes) {
    const names = nodes.map((n) => n.address);
    const data = [names.map((_, i) => i), nodes.map((n) => n.keys),
      nodes.map((n) => n.ringShare === null ? null : 100 * n.ringShare)];
    if (keysChart === undefined || keysNodes !== names.join(",")) {
      if (keysChart !== undefined) keysChart.destroy();
      keysNodes = names.join(",");
      const el = $("chart-keys");
      const bars = (align) => uPlot.paths.bars({ size: [0.35, 60], align });
      keysChart = new uPlot({
        width: width(el), height: 240,
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, names.length - 0.5)] },
          keys: { range: fromZero }, "%": { range: [0, 100] } },
        series: [{ label: "node", value: (u, i) => i === null ? "" : (names[Math.round(i)] ?? "") },
          { label: "keys", scale: "keys", fill: "rgba(31,119,180,0.7)", stroke: "#1f77b4", paths: bars(-1), points: { show: false } },
          { label: "ring share %", scale: "%", fill: "rgba(255,127,14,0.7)", stroke: "#ff7f0e", paths: bars(1), points: { show: false } }],
        axes: [{ splits: () => names.map((_, i) => i), values: (u, s) => s.map((i) => names[i] ?? "") },
          { scale: "keys", size: 70 }, { scale: "%", side: 1, grid: { show: false } }],
      }, data, el);
    } else keysChart.setData(data);
  }
  async function tick() {
    let snap;
    try {
      const res = await fetch("dashboard/data", { cache: "no-store" });
      if (!res.ok) throw new Error("HTTP " + res.status);
      snap = await res.json();
    } catch (e) {
      $("stale").textContent = "The dashboard's server does not answer (" + e.message + ")";
      return;
    }
    $("stale").textContent = "";
    $("node-count").textContent = snap.nodes.length + (snap.down > 0 ? " (" + snap.down + " down)" : "");
    $("total-ops").textContent = fmt(snap.opsPerSec);
    $("hit-ratio").textContent = pct(snap.hitRatio);
    $("total-keys").textContent = fmt(snap.keys);
    $("updated").textContent = new Date(snap.time).toLocaleTimeString("en-GB");
    $("nodes").replaceChildren(...snap.nodes.map(row));
    times.push(snap.time / 1000); ops.push(snap.opsPerSec); ratios.push(snap.hitRatio);
    if (times.length > HISTORY) { times.shift(); ops.shift(); ratios.shift(); }
    drawOps();
    drawKeys(snap.nodes);
    document.body.dataset.ticks = String(Number(document.body.dataset.ticks ?? 0) + 1);
  }
  const loop = async () => { await tick(); setTimeout(loop, 1000); };
  loop();
})();
`;

/** The paths {@linkcode dashboardResponse} answers. */
export const DASHBOARD_PATHS: ReadonlySet<string> = new Set([
  "/",
  "/dashboard/app.js",
  "/dashboard/uplot.js",
  "/dashboard/uplot.css",
  "/dashboard/data",
]);

const HTML = { "content-type": "text/html; charset=utf-8" };
const JS = { "content-type": "text/javascript; charset=utf-8" };
const CSS = { "content-type": "text/css; charset=utf-8" };

/**
 * Answers a request for the dashboard's routes.
 *
 * @param path The request's path.
 * @param title The page's title.
 * @param data The current snapshot (for `/dashboard/data`).
 * @returns The response, or `undefined` for a path that is not the dashboard's.
 *
 * @example
 * ```ts
 * import { dashboardResponse, summarize } from "./page.ts";
 * import assert from "node:assert/strict";
 *
 * const res = await dashboardResponse("/", "test", () => summarize("node", []));
 * assert.equal(res?.status, 200);
 * assert.match(await res!.text(), /dashboard\/uplot\.js/);
 * assert.equal(await dashboardResponse("/metrics", "test", () => summarize("node", [])), undefined);
 * ```
 */
export async function dashboardResponse(
  path: string,
  title: string,
  data: () => DashboardSnapshot | Promise<DashboardSnapshot>,
): Promise<Response | undefined> {
  switch (path) {
    case "/":
      return new Response(dashboardHtml(title), { headers: HTML });
    case "/dashboard/app.js":
      return new Response(DASHBOARD_JS, { headers: JS });
    case "/dashboard/uplot.js":
      return new Response(UPLOT_JS, {
        headers: { ...JS, "x-uplot-version": UPLOT_VERSION },
      });
    case "/dashboard/uplot.css":
      return new Response(UPLOT_CSS, { headers: CSS });
    case "/dashboard/data":
      return Response.json(await data(), {
        headers: { "cache-control": "no-store" },
      });
    default:
      return undefined;
  }
}
