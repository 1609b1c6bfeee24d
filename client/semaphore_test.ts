import assert from "node:assert/strict";
import { Semaphore } from "./semaphore.ts";

Deno.test("Semaphore.tryAcquire() takes free permits only", () => {
  const sem = new Semaphore(2);
  assert.equal(sem.permits, 2);
  assert.ok(sem.tryAcquire());
  assert.ok(sem.tryAcquire());
  assert.ok(!sem.tryAcquire());
  assert.equal(sem.available, 0);
  sem.release();
  assert.equal(sem.available, 1);
  sem.release();
  assert.throws(
    () => sem.release(),
    /Cannot release a semaphore permit: all 2 are already free/,
  );
});

Deno.test("Semaphore.acquire() hands released permits over in FIFO order", async () => {
  const sem = new Semaphore(1);
  assert.equal(await sem.acquire(1000), true);
  const order: number[] = [];
  const waits = [1, 2, 3].map((i) =>
    sem.acquire(1000).then((ok) => {
      assert.ok(ok);
      order.push(i);
    })
  );
  assert.equal(sem.waiting, 3);
  assert.ok(!sem.tryAcquire(), "a free permit does not jump the queue");
  sem.release();
  sem.release();
  sem.release();
  await Promise.all(waits);
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(sem.waiting, 0);
  assert.equal(sem.available, 0, "the last waiter holds the permit");
  sem.release();
  assert.equal(sem.available, 1);
});

Deno.test("Semaphore.acquire() resolves false after its timeout, holding nothing", async () => {
  const sem = new Semaphore(1);
  sem.tryAcquire();
  const started = performance.now();
  const late = sem.acquire(30);
  const patient = sem.acquire(5000);
  assert.equal(await late, false);
  const waited = performance.now() - started;
  assert.ok(waited >= 25 && waited < 1000, `waited ${waited} ms`);
  assert.equal(sem.waiting, 1);
  sem.release(); // skips the timed-out waiter
  assert.equal(await patient, true);
  assert.equal(sem.available, 0);
  sem.release();
  assert.equal(sem.available, 1);
});

Deno.test("Semaphore.rejectWaiters() rejects every waiter and clears their timers", async () => {
  const sem = new Semaphore(1);
  sem.tryAcquire();
  const a = sem.acquire(10_000);
  const b = sem.acquire(10_000);
  sem.rejectWaiters(new Error("node is down"));
  await assert.rejects(a, /node is down/);
  await assert.rejects(b, /node is down/);
  assert.equal(sem.waiting, 0);
  assert.equal(sem.available, 0, "held permits stay held");
});

Deno.test("Semaphore.acquire() serves thousands of waiters in turn, round after round", async () => {
  const sem = new Semaphore(1);
  sem.tryAcquire();
  for (let round = 0; round < 5; round++) {
    const waits = Array.from({ length: 3000 }, () => sem.acquire(10_000));
    for (let i = 0; i < 3000; i++) sem.release();
    assert.ok((await Promise.all(waits)).every((ok) => ok));
  }
  assert.equal(sem.waiting, 0);
});

Deno.test("Semaphore() rejects a bad permit count", () => {
  assert.throws(() => new Semaphore(0), /with 0 permits/);
  assert.throws(() => new Semaphore(1.5), RangeError);
});
