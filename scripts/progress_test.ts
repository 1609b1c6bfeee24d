import assert from "node:assert/strict";

/** Runs `code` (importing ./progress.ts) with stderr piped: not a terminal. */
async function stderrOf(code: string): Promise<string> {
  const module = new URL("./progress.ts", import.meta.url).href;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `import * as p from "${module}";\n${code}`],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stderr);
}

Deno.test("progress: plain lines when stderr is not a terminal, no carriage returns", async () => {
  const text = await stderrOf(`
    p.progress("load", "1%");
    p.progress("load", "2%"); // same phase within 5 s: not printed
    p.progress("run", "10%"); // a new phase always is
    p.note("done");
    p.clearProgress();
  `);
  assert.ok(!text.includes("\r"), JSON.stringify(text));
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 3, text);
  assert.match(lines[0], /^\[0:0\d\] load · 1%$/);
  assert.match(lines[1], /^\[0:0\d\] run · 10%$/);
  assert.equal(lines[2], "done");
});
