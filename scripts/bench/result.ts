/**
 * What a sub-benchmark of `deno task bench` gives back: its own file so the
 * suites need not import scripts/bench/main.ts, which imports them.
 *
 * @module
 */

import type { RatioPoint } from "./ratio_chart.ts";

/** What a sub-benchmark gives back. */
export interface SubBenchmarkResult {
  /** Its Markdown report (headings from `##`). */
  readonly markdown: string;
  /** CacheMir / Redis ratios for the results chart, if it has any. */
  readonly ratios?: readonly RatioPoint[];
}
