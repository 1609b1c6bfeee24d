/**
 * Helpers for tests with several node processes: start and stop them, wait
 * for a client's node events, read a node's counters, and run a bounded load
 * while recording how every call settled (and the bound it must keep).
 *
 * @module
 */

import type {
  CacheMirClient,
  ClientNodeStats,
  NodeEvent,
  NodeEventType,
} from "@cachemir/client";
import { sleep } from "./node_client.ts";
import { type NodeProcess, startNodeProcess } from "./node_process.ts";

export type { NodeProcess };
export { sleep };

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
 * Waits for a node's event (`nodeDown`, `nodeUp`...), at most `timeoutMs`.
 *
 * @param client Where it is dispatched.
 * @param type Its name.
 * @param address The node it is about.
 * @param timeoutMs The longest wait.
 * @returns The event, and when it came (`performance.now()`).
 */
export function nodeEvent(
  client: CacheMirClient,
  type: NodeEventType,
  address: string,
  timeoutMs: number,
): Promise<{ event: NodeEvent; at: number }> {
  return new Promise((resolve, reject) => {
    const listener = (event: NodeEvent) => {
      if (event.address !== address) return;
      clearTimeout(timer);
      client.removeEventListener(type, listener);
      resolve({ event, at: performance.now() });
    };
    const timer = setTimeout(() => {
      client.removeEventListener(type, listener);
      reject(
        new Error(`no ${type} event for ${address} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    client.addEventListener(type, listener);
  });
}

/**
 * A node's counters, as the client reports them.
 *
 * @param client The client.
 * @param address The node.
 * @returns Its entry in `client.stats()`.
 */
export function nodeStats(
  client: CacheMirClient,
  address: string,
): ClientNodeStats {
  const stats = client.stats().find((s) => s.address === address);
  if (stats === undefined) throw new Error(`the client has no node ${address}`);
  return stats;
}

/** The client options a call's time bound depends on. */
export interface TimeoutOptions {
  /** As the client's option. */
  readonly connectTimeoutMs: number;
  /** As the client's option. */
  readonly commandTimeoutMs: number;
  /** As the client's option. */
  readonly retry: { readonly attempts: number; readonly maxDelayMs: number };
}

/**
 * The longest a call may take (with no wait for a pool slot): every
 * attempt's connect and command timeouts, and the delays between them.
 *
 * @param options The client's timeouts and retries.
 * @returns The bound in ms.
 */
export function callBoundMs(options: TimeoutOptions): number {
  const { attempts, maxDelayMs } = options.retry;
  return attempts * (options.connectTimeoutMs + options.commandTimeoutMs) +
    (attempts - 1) * maxDelayMs;
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
 * The slowest call of a load.
 *
 * @param records Every call's record.
 * @returns Its time to settle, in ms; 0 for no calls.
 */
export function slowest(records: readonly CallRecord[]): number {
  return records.reduce((m, r) => Math.max(m, r.ms), 0);
}
