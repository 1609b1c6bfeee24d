/**
 * The server's rooms import only the rooms below them: the transport (the
 * read loop, the two ports' connections and codecs, the RESP decoder and
 * writer) reaches nothing in `server/commands/` — what the two share is in
 * `server/_util/` — and the command handlers reach no transport module.
 */

import assert from "node:assert/strict";
import { importGraph } from "../scripts/check_cycles.ts";

const here = new URL(".", import.meta.url);

/** Every module reached from `roots` (paths relative to server/), transitively. */
async function reached(roots: string[]): Promise<string[]> {
  const graph = await importGraph(
    roots.map((r) => new URL(r, here).pathname),
  );
  return [...graph.keys()].filter((s) => s.startsWith("file:"));
}

const TRANSPORT = [
  "connection.ts",
  "resp_connection.ts",
  "binary_connection.ts",
  "resp/mod.ts",
  "resp/decoder.ts",
  "resp/writer.ts",
  "resp/split_args.ts",
];

Deno.test("the transport imports nothing from server/commands/", async () => {
  const bad = (await reached(TRANSPORT)).filter((s) =>
    s.includes("/server/commands/")
  );
  assert.deepEqual(bad, []);
});

Deno.test("the command handlers import no transport module", async () => {
  const commands = [...Deno.readDirSync(new URL("commands/", here))]
    .map((e) => e.name)
    .filter((n) => n.endsWith(".ts") && !n.endsWith("_test.ts"))
    .map((n) => `commands/${n}`);
  const transport = TRANSPORT.map((t) => new URL(t, here).href);
  const bad = (await reached(commands)).filter((s) => transport.includes(s));
  assert.deepEqual(bad, []);
});
