/**
 * The benchmark's progress line: the scripts' shared one
 * (`scripts/progress.ts`), re-exported where the suites import it.
 *
 * @module
 */

export { clearProgress, note, progress } from "../progress.ts";
