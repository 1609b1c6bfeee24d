import assert from "node:assert/strict";
import { deferred } from "./_deferred.ts";

Deno.test("deferred(): resolve fulfils the promise with the value", async () => {
  const d = deferred<number>();
  d.resolve(42);
  assert.equal(await d.promise, 42);
});

Deno.test("deferred(): reject rejects the promise with the reason", async () => {
  const d = deferred<void>();
  d.reject(new Error("gone"));
  await assert.rejects(d.promise, /gone/);
});
