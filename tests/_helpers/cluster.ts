/**
 * Helpers for tests with several node processes: start and stop them, wait
 * for a client's events, and run a bounded load while recording how every
 * call settled.
 *
 * @module
 */

import { type NodeProcess, startNodeProcess } from "./node_process.ts";

export type { NodeProcess };

/**
 * Starts `n` node processes on free ports, in parallel.
 *
 * @param n How many.
 * @returns The running processes, in start order.
 */
export async function startNodes(n: number): Promise<NodeProcess[]> {
  const started = await Promise.allSettled(
    Array.from({ length: n }, () => startNodeProcess()),
  );
  const nodes = started.flatMap((r) =>
    r.status === "fulfilled" ? [r.value] : []
  );
  const failed = started.find((r) => r.status === "rejected");
  if (failed !== undefined) {
    await stopNodes(nodes);
    throw (failed as PromiseRejectedResult).reason;
  }
  return nodes;
}

/**
 * Starts a node again on a given port (after it was killed).
 *
 * @param port The port it had.
 * @returns The new process.
 */
export async function restartNode(port: number): Promise<NodeProcess> {
  for (let attempt = 1;; attempt++) {
    try {
      return await startNodeProcess(["--port", String(port)]);
    } catch (e) {
      // The port may linger for a moment after a kill.
      if (attempt === 20 || !/in use/i.test(String(e))) throw e;
      await sleep(100);
    }
  }
}

/**
 * Stops node processes: resumes stopped ones, then kills them.
 *
 * @param nodes The processes (already stopped ones are fine).
 */
export async function stopNodes(nodes: readonly NodeProcess[]): Promise<void> {
  await Promise.all(nodes.map(async (n) => {
    try {
      n.child.kill("SIGCONT");
    } catch { /* gone */ }
    await n.stop("SIGKILL");
  }));
}

/**
 * Waits for an event, at most `timeoutMs`.
 *
 * @param target Where it is dispatched.
 * @param type Its name.
 * @param accept Which event is awaited.
 * @param timeoutMs The longest wait.
 * @returns The event.
 */
export function nextEvent<E extends Event>(
  target: EventTarget,
  type: string,
  accept: (event: E) => boolean,
  timeoutMs: number,
): Promise<E> {
  return new Promise((resolve, reject) => {
    const listener = (event: Event) => {
      if (!accept(event as E)) return;
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(event as E);
    };
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`no ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    target.addEventListener(type, listener);
  });
}

/** How one call of a load settled. */
export interface CallRecord {
  /** What was called, e.g. `"get"`. */
  readonly op: string;
  /** The key. */
  readonly key: string;
  /** When it started, `performance.now()`. */
  readonly start: number;
  /** How long it took to settle, in ms. */
  readonly ms: number;
  /** What it rejected with, if it did. */
  readonly error?: Error;
}

/**
 * Runs `workers` loops that each call `step` until `stop()` resolves, then
 * waits for the calls in progress. Every call is recorded.
 *
 * @param workers How many calls are in progress at once.
 * @param step Makes one call: given the worker and call numbers, returns its
 * name, key and promise.
 * @param stop Resolves when the load should end.
 * @returns Every call's record.
 */
export async function runLoad(
  workers: number,
  step: (worker: number, call: number) => [string, string, Promise<unknown>],
  stop: Promise<void>,
): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  let done = false;
  stop.then(() => done = true);
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; !done; i++) {
      const start = performance.now();
      const [op, key, call] = step(w, i);
      try {
        await call;
        records.push({ op, key, start, ms: performance.now() - start });
      } catch (e) {
        records.push({
          op,
          key,
          start,
          ms: performance.now() - start,
          error: e as Error,
        });
        await sleep(1); // a fast failure must not starve the timers
      }
    }
  }));
  return records;
}

/**
 * Resolves after `ms`.
 *
 * @param ms Milliseconds.
 * @returns A promise.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
