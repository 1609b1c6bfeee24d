import assert from "node:assert/strict";
import { deferred, deferredByExecutor } from "./_deferred.ts";

for (
  const [name, make] of [
    ["deferred()", deferred],
    ["deferredByExecutor()", deferredByExecutor],
  ] as const
) {
  Deno.test(`${name}: resolve fulfils the promise with the value`, async () => {
    const d = make<number>();
    d.resolve(42);
    assert.equal(await d.promise, 42);
  });

  Deno.test(`${name}: reject rejects the promise with the reason`, async () => {
    const d = make<void>();
    d.reject(new Error("gone"));
    await assert.rejects(d.promise, /gone/);
  });
}
