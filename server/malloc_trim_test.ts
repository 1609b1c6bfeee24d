import assert from "node:assert/strict";
import { FreedMemoryTrimmer, openMallocTrim } from "./malloc_trim.ts";

Deno.test("FreedMemoryTrimmer trims after enough is released, at most once per interval", () => {
  let released = 0;
  let trims = 0;
  const trimmer = new FreedMemoryTrimmer(() => trims++, () => released, {
    minReleasedBytes: 1000,
    minIntervalMs: 100,
  });
  assert.equal(trimmer.tick(0), false, "nothing released yet");
  released = 999;
  assert.equal(trimmer.tick(0), false, "below the threshold");
  released = 1000;
  assert.equal(trimmer.tick(0), true);
  assert.equal(trims, 1);
  released = 5000;
  assert.equal(trimmer.tick(50), false, "within the interval");
  assert.equal(trimmer.tick(100), true);
  assert.equal(trimmer.tick(300), false, "nothing new released");
  // The counter started over (a new keyspace): counted from 0 again.
  released = 500;
  assert.equal(trimmer.tick(400), false);
  released = 1500;
  assert.equal(trimmer.tick(500), true);
  assert.equal(trims, 3);
  assert.equal(trimmer.trims, 3);
});

Deno.test("openMallocTrim() returns memory on glibc and is absent elsewhere", () => {
  const trim = openMallocTrim();
  const glibc = Deno.build.os === "linux" &&
    (() => {
      try {
        Deno.dlopen("libc.so.6", {}).close();
        return true;
      } catch {
        return false;
      }
    })();
  if (!glibc) {
    assert.equal(trim, undefined);
    return;
  }
  assert.ok(trim !== undefined);
  // Blocks of 64 KiB come from glibc's heap. Free nine in ten, keeping the
  // tenth so that the heap's top cannot shrink: the freed memory stays
  // resident until malloc_trim returns it.
  const blocks = Array.from({ length: 2_000 }, () => {
    const b = new Uint8Array(64 << 10);
    b.fill(1);
    return b;
  });
  for (let i = 0; i < blocks.length; i++) {
    if (i % 10 !== 0) (blocks[i].buffer as ArrayBuffer).transfer(0);
  }
  const before = Deno.memoryUsage().rss;
  trim();
  const after = Deno.memoryUsage().rss;
  assert.ok(
    before - after > 50 << 20,
    `RSS ${before >> 20} MiB before the trim, ${after >> 20} MiB after`,
  );
  assert.equal(blocks[0][0], 1); // the kept blocks are untouched
});
