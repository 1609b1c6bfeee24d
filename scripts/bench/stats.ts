/**
 * Medians with their range, number formatting and Markdown tables for the
 * benchmark reports.
 *
 * @module
 */

/** The median of some samples and their range. */
export interface Summary {
  /** Median (mean of the two middle values for an even count). */
  readonly median: number;
  /** Smallest sample. */
  readonly min: number;
  /** Largest sample. */
  readonly max: number;
  /** How many samples. */
  readonly n: number;
}

/**
 * Summarizes samples; non-finite samples (not measured) are left out.
 *
 * @param samples The values of each round.
 * @returns The summary, or `undefined` when no sample is finite.
 */
export function summarize(samples: readonly number[]): Summary | undefined {
  const s = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/**
 * Formats a number with a fixed count of decimals and thousands separators.
 *
 * @param x The number.
 * @param decimals Digits after the point.
 * @returns E.g. `"1,234.5"`.
 */
export function num(x: number, decimals = 0): string {
  return x.toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/**
 * Formats samples as `median (min–max)`; one sample alone; `n/m` when none.
 *
 * @param samples The values of each round.
 * @param decimals Digits after the point.
 * @param unit Appended to the median (e.g. `" B"`).
 * @returns The text for a table cell.
 */
export function cell(
  samples: readonly number[],
  decimals = 0,
  unit = "",
): string {
  const s = summarize(samples);
  if (s === undefined) return "n/m";
  const [median, min, max] = [s.median, s.min, s.max].map((x) =>
    num(x, decimals)
  );
  if (s.n === 1 || min === max) return `${median}${unit}`;
  return `${median}${unit} (${min}–${max})`;
}

/**
 * The ratio of two medians, e.g. `"0.92×"`; `n/m` when either is missing.
 *
 * @param ours Our samples.
 * @param theirs The reference's samples.
 * @param decimals Digits after the point.
 * @returns The text for a table cell.
 */
export function ratio(
  ours: readonly number[],
  theirs: readonly number[],
  decimals = 2,
): string {
  const a = summarize(ours);
  const b = summarize(theirs);
  if (a === undefined || b === undefined || b.median === 0) return "n/m";
  return `${(a.median / b.median).toFixed(decimals)}×`;
}

/**
 * A Markdown table; the first row is the header. Columns whose header
 * starts with a space-free `>` are right-aligned (the `>` is dropped).
 *
 * @param header Column titles; prefix with `>` to align right.
 * @param rows Cells.
 * @returns The table, lines joined with `\n`.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const right = header.map((h) => h.startsWith(">"));
  const titles = header.map((h) => (h.startsWith(">") ? h.slice(1) : h));
  const esc = (s: string): string => s.replaceAll("|", "\\|");
  const lines = [
    `| ${titles.map(esc).join(" | ")} |`,
    `| ${right.map((r) => (r ? "--:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ];
  return lines.join("\n");
}

/**
 * Formats a byte count in binary units with one decimal.
 *
 * @param bytes The count.
 * @returns E.g. `"1.5 GiB"`, `"12.0 MiB"`.
 */
export function bytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "n/m";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  let x = bytes;
  while (Math.abs(x) >= 1024 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return `${x.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/**
 * A count in short form: 1,000,000 → `"1M"`, 200,000 → `"200k"`.
 *
 * @param n The count.
 * @returns The short form.
 */
export function count(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return num(n);
}
