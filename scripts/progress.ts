/**
 * One progress line on stderr for the long-running scripts (`deno task
 * bench`, `scripts/drill.ts`, `scripts/soak.ts`, `scripts/warmup_bench.ts`):
 * rewritten in place (`\r`) on a terminal, printed as plain lines (at most
 * one every few seconds per phase) when stderr is a file or pipe — so a log
 * gets a readable trace and a terminal one live line.
 *
 * @module
 */

const encoder = new TextEncoder();
const started = performance.now();
let tty: boolean | undefined;
let lastText = "";
const plainAt = new Map<string, number>();
let shown = false;

function isTty(): boolean {
  if (tty === undefined) {
    try {
      tty = Deno.stderr.isTerminal();
    } catch {
      tty = false;
    }
  }
  return tty;
}

function elapsed(): string {
  const s = Math.floor((performance.now() - started) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * Shows what the benchmark is doing now.
 *
 * @param phase What runs (e.g. `"round 1/3 · load 10M keys · Redis"`); a new
 *   phase is always printed.
 * @param detail Changing detail (e.g. `"42%"`), printed on a terminal at
 *   once, elsewhere at most every 5 s.
 */
export function progress(phase: string, detail = ""): void {
  const text = `[${elapsed()}] ${phase}${detail ? ` · ${detail}` : ""}`;
  if (isTty()) {
    if (text === lastText) return;
    lastText = text;
    const width = Deno.consoleSize?.().columns ?? 120;
    Deno.stderr.writeSync(
      encoder.encode(`\r\x1b[K${text.slice(0, Math.max(20, width - 1))}`),
    );
    shown = true;
    return;
  }
  const now = performance.now();
  const last = plainAt.get(phase);
  if (last !== undefined && now - last < 5000) return;
  if (plainAt.size > 1000) plainAt.clear();
  plainAt.set(phase, now);
  Deno.stderr.writeSync(encoder.encode(`${text}\n`));
}

/**
 * Prints a message on its own line (clearing the progress line first).
 *
 * @param message The text.
 */
export function note(message: string): void {
  clearProgress();
  Deno.stderr.writeSync(encoder.encode(`${message}\n`));
}

/** Clears the progress line, e.g. before the results are printed. */
export function clearProgress(): void {
  if (isTty() && shown) {
    Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
    shown = false;
    lastText = "";
  }
}
