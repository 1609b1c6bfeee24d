/**
 * Writes the table of settings (`server/settings.ts`) into README.md,
 * between the `settings:start` and `settings:end` markers, and formats it
 * with `deno fmt`. `server/settings_test.ts` fails when the README's table
 * and the settings disagree.
 *
 * Usage: `deno run -A scripts/readme_settings.ts`
 *
 * @module
 */

import { settingsTable } from "../server/settings.ts";

const README = new URL("../README.md", import.meta.url).pathname;
const START = /<!-- settings:start[^>]*-->\n/;
const END = "<!-- settings:end -->";

if (import.meta.main) {
  const text = await Deno.readTextFile(README);
  const start = text.match(START);
  const end = text.indexOf(END);
  if (start?.index === undefined || end < 0) {
    throw new Error(`Cannot find the settings markers in ${README}`);
  }
  const from = start.index + start[0].length;
  await Deno.writeTextFile(
    README,
    `${text.slice(0, from)}\n${settingsTable().join("\n")}\n\n${
      text.slice(end)
    }`,
  );
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", README],
  }).output();
  if (!fmt.success) throw new Error(new TextDecoder().decode(fmt.stderr));
}
