/**
 * The results chart (`bench/results.svg`): CacheMir / Redis ratios as grouped
 * bars, one panel per measure, with a reference line at 1.0 (as fast, or as
 * much CPU, as Redis). Drawn with vega-lite, compiled to a vega spec and
 * rendered to SVG headless (`renderer: "none"`).
 *
 * @module
 */

import * as vl from "vega-lite";
import * as vega from "vega";

/** One bar of the chart: a ratio of CacheMir's median to Redis's. */
export interface RatioPoint {
  /** The measure, e.g. `"ops/s"` or `"CPU per request"`. */
  readonly measure: string;
  /** The test, e.g. `"SET"`. */
  readonly test: string;
  /** The series within a test, e.g. `"-P 1 · -d 32"`. */
  readonly series: string;
  /** CacheMir / Redis. */
  readonly ratio: number;
}

/**
 * The vega-lite spec of the ratio chart.
 *
 * @param points The bars; non-finite ratios are left out.
 * @param title The chart's title.
 * @returns A vega-lite top-level spec.
 */
export function ratioChartSpec(
  points: readonly RatioPoint[],
  title = "CacheMir / Redis (medians; 1.0 = same as Redis)",
): vl.TopLevelSpec {
  const values = points.filter((p) => Number.isFinite(p.ratio)).map((p) => ({
    ...p,
  }));
  const tests = [...new Set(values.map((p) => p.test))];
  const series = [...new Set(values.map((p) => p.series))];
  const measures = [...new Set(values.map((p) => p.measure))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    data: { values },
    facet: {
      row: {
        field: "measure",
        type: "nominal",
        sort: measures,
        title: null,
        header: {
          labelAngle: 0,
          labelOrient: "top",
          labelAnchor: "start",
          labelAlign: "left",
          labelFontSize: 13,
          labelFontWeight: "bold",
        },
      },
    },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: Math.max(240, tests.length * Math.max(series.length, 1) * 20),
      height: 180,
      layer: [
        {
          mark: { type: "bar", tooltip: true },
          encoding: {
            x: {
              field: "test",
              type: "nominal",
              sort: tests,
              title: "test",
              axis: { labelAngle: 0 },
            },
            xOffset: { field: "series", type: "nominal", sort: series },
            y: {
              field: "ratio",
              type: "quantitative",
              title: "CacheMir / Redis",
            },
            color: {
              field: "series",
              type: "nominal",
              sort: series,
              title: "depth · value size",
            },
          },
        },
        {
          mark: { type: "rule", color: "#d62728", strokeDash: [4, 3] },
          encoding: { y: { datum: 1 } },
        },
      ],
    },
  };
}

/**
 * Renders the ratio chart to SVG.
 *
 * @param points The bars.
 * @param title The chart's title.
 * @returns The SVG document's text.
 */
export async function renderRatioChart(
  points: readonly RatioPoint[],
  title?: string,
): Promise<string> {
  const spec = vl.compile(ratioChartSpec(points, title)).spec;
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
