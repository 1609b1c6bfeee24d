import assert from "node:assert/strict";
import { examples, runs } from "./doc_test.ts";

Deno.test("examples() finds fenced code in JSDoc and Markdown; runs() skips no-eval and ignore", () => {
  const text = [
    "/**", //           1
    " * @example", //   2
    " * ```ts no-eval", // 3
    " * await client.get('k');",
    " * ```",
    " * ```ts", //      6
    " * console.log(1);",
    " * ```",
    " * ```json", //    9: not code
    " * {}",
    " * ```",
    " */",
    "```ts ignore", //  13
    "x",
    "```",
  ].join("\n");
  const found = examples(text);
  assert.deepEqual(found, [
    { line: 3, info: "ts no-eval" },
    { line: 6, info: "ts" },
    { line: 13, info: "ts ignore" },
  ]);
  assert.deepEqual(found.map(runs), [false, true, false]);
});
