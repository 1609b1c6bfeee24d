import assert from "node:assert/strict";
import readme from "./README.md" with { type: "text" };
import { FrameDecoder } from "./frame_decoder.ts";
import { encodeReply } from "./frame_writer.ts";
import { isProbe, OPENING_PROBE, PROBE_ID, PROBE_OPCODE } from "./probe.ts";
import { status } from "./replies.ts";
import { commandInfo } from "./commands.ts";

/** The hex blocks of README.md's "Opening a connection" section, as bytes. */
function sectionBlocks(): Uint8Array[] {
  const start = readme.indexOf("## Opening a connection");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  return [...section.matchAll(/^```\n([0-9a-f ]+)\n```/gm)].map((m) =>
    new Uint8Array(
      m[1].trim().split(/\s+/).map((h) => parseInt(h, 16)),
    )
  );
}

Deno.test("the opening probe is the frame README.md shows, and its reply too", () => {
  const [probe, reply] = sectionBlocks();
  assert.deepEqual(OPENING_PROBE, probe);
  assert.deepEqual(encodeReply(PROBE_ID, PROBE_OPCODE, status("PONG")), reply);
});

Deno.test("the opening probe is a whole frame with a line end before any NUL", () => {
  const d = new FrameDecoder();
  d.push(OPENING_PROBE);
  const f = d.next();
  assert.ok(f !== undefined && !("kind" in f));
  assert.equal(f.opcode, commandInfo("PING").opcode);
  assert.equal(f.id, 0x0d0a0d0a);
  assert.ok(isProbe(f));
  // A plain request (flags 00), a reply (80): not the probe.
  assert.equal(isProbe({ ...f, flags: 0x00 }), false);
  assert.equal(isProbe({ ...f, flags: 0x80 }), false);
  assert.equal(d.buffered, 0);
  const lf = OPENING_PROBE.indexOf(0x0a);
  const nul = OPENING_PROBE.indexOf(0x00);
  assert.ok(lf >= 0 && lf < nul, `\\n at ${lf}, NUL at ${nul}`);
  // "\r\n\r\n" ends an HTTP header block.
  assert.deepEqual([...OPENING_PROBE.subarray(4, 8)], [13, 10, 13, 10]);
});
