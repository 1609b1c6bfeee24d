import assert from "node:assert/strict";
import { uplotModule } from "./build_assets.ts";

Deno.test("_uplot.ts holds the pinned uPlot's files (regenerate with build_assets.ts)", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../server/dashboard/_uplot.ts", import.meta.url),
  );
  assert.ok(
    committed === await uplotModule(),
    "server/dashboard/_uplot.ts is out of date: deno run -A scripts/dashboard/build_assets.ts",
  );
});
