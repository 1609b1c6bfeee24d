import assert from "node:assert/strict";
import {
  DEFAULT_CONFIG,
  displayValue,
  envName,
  settingByName,
  SETTINGS,
  settingsTable,
} from "./settings.ts";

/** A Markdown table row's cells, trimmed (padding is deno fmt's). */
function cells(line: string): string[] {
  return line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((c) =>
    c.trim()
  );
}

Deno.test("README's table of settings is the one settings.ts generates (deno run -A scripts/readme_settings.ts)", async () => {
  const readme = await Deno.readTextFile(
    new URL("../README.md", import.meta.url),
  );
  const start = readme.search(/<!-- settings:start[^>]*-->/);
  const end = readme.indexOf("<!-- settings:end -->");
  assert.ok(start >= 0 && end > start, "README has no settings markers");
  const rows = readme.slice(start, end).split("\n").filter((l) =>
    l.startsWith("|") && !/^\|\s*-/.test(l)
  ).map(cells);
  const expected = settingsTable().filter((l) => !l.startsWith("| ---")).map(
    cells,
  );
  assert.deepEqual(rows, expected);
});

Deno.test("SETTINGS: one row per config field, names and variables derived", () => {
  const keys = new Set(SETTINGS.map((s) => s.key));
  assert.deepEqual([...keys].sort(), Object.keys(DEFAULT_CONFIG).sort());
  assert.equal(keys.size, SETTINGS.length);
  for (const s of SETTINGS) {
    assert.match(s.name, /^[a-z][a-z-]*$/);
    assert.equal(s.env, envName(s.name));
    assert.equal(settingByName(s.name), s);
    assert.ok(s.help.length > 0, s.name);
  }
  assert.equal(envName("maxmemory-policy"), "CACHEMIR_MAXMEMORY_POLICY");
  assert.equal(settingByName("nope"), undefined);
});

Deno.test("SETTINGS: every default is accepted by its own parser", () => {
  for (const s of SETTINGS) {
    if (s.default === "auto" || s.default === "") continue;
    const text = (s.format as (v: unknown) => string)(s.default);
    assert.deepEqual(s.parse(text), s.default, s.name);
  }
  assert.equal(
    displayValue(settingByName("maxmemory-policy")!, DEFAULT_CONFIG),
    "allkeys-lru",
  );
});
