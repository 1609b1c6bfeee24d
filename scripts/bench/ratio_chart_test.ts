/**
 * Unit tests of the results chart on a tiny data set (no server).
 *
 * @module
 */

import assert from "node:assert/strict";
import { ratioChartSpec, renderRatioChart } from "./ratio_chart.ts";

const POINTS = [
  { measure: "ops/s", test: "SET", series: "-P 1 · -d 32", ratio: 0.9 },
  { measure: "ops/s", test: "GET", series: "-P 1 · -d 32", ratio: 1.1 },
  { measure: "ops/s", test: "GET", series: "-P 16 · -d 32", ratio: NaN },
  { measure: "CPU per request", test: "SET", series: "-P 1 · -d 32", ratio: 2 },
];

Deno.test("ratio chart: the spec leaves out missing ratios and draws 1.0", () => {
  const spec = ratioChartSpec(POINTS) as unknown as {
    data: { values: { ratio: number }[] };
    spec: { layer: { mark: { type: string }; encoding: unknown }[] };
  };
  assert.equal(spec.data.values.length, 3);
  assert.ok(spec.data.values.every((v) => Number.isFinite(v.ratio)));
  const rule = spec.spec.layer.find((l) => l.mark.type === "rule");
  assert.deepEqual(rule?.encoding, { y: { datum: 1 } });
});

Deno.test("ratio chart: renders an SVG document with the tests and measures", async () => {
  const svg = await renderRatioChart(POINTS, "tiny chart");
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  for (const text of ["SET", "GET", "ops/s", "CPU per request", "tiny chart"]) {
    assert.ok(svg.includes(`>${text}</text>`), `no text ${text}`);
  }
  // The reference line's 1.0 tick is on the axis.
  assert.ok(svg.includes(">1.0</text>"));
});

Deno.test("ratio chart: no points still renders", async () => {
  const svg = await renderRatioChart([]);
  assert.match(svg, /^<svg /);
});
