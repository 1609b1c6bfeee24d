/**
 * One round of a side-by-side benchmark: every workload runs on both
 * servers in turn, Redis first in odd rounds and CacheMir first in even
 * ones, so that neither always runs on a warmer (or busier) machine.
 *
 * @module
 */

import type { Server } from "./procs.ts";
import { progress } from "./progress.ts";

/** What {@linkcode runInterleaved} needs. */
export interface InterleavedRound<W> {
  /** The progress line's prefix, e.g. `resp · round 1/3`. */
  readonly phase: string;
  /** The round, from 1: its parity picks which server goes first. */
  readonly round: number;
  /** The two servers, Redis first; stopped when the round ends. */
  readonly servers: readonly [Server, Server];
  /** The workloads, in run order. */
  readonly workloads: readonly W[];
  /** A workload's name on the progress line. */
  readonly label: (workload: W) => string;
  /** Runs one workload on one server and records its figures. */
  readonly measure: (server: Server, workload: W) => Promise<void>;
}

/**
 * The order the two servers run in for a round: Redis first in odd rounds.
 *
 * @param round The round, from 1.
 * @param servers Redis, then CacheMir.
 * @returns The servers in this round's order.
 */
export function roundOrder(
  round: number,
  servers: readonly [Server, Server],
): Server[] {
  return round % 2 === 1 ? [servers[0], servers[1]] : [servers[1], servers[0]];
}

/**
 * Runs every workload on both servers, alternating which goes first by
 * round, then stops both servers (also when a workload throws).
 *
 * @param r The round's servers, workloads and measure.
 */
export async function runInterleaved<W>(r: InterleavedRound<W>): Promise<void> {
  const order = roundOrder(r.round, r.servers);
  try {
    for (const [i, w] of r.workloads.entries()) {
      for (const s of order) {
        progress(
          `${r.phase} · ${i + 1}/${r.workloads.length} · ${
            r.label(w)
          } · ${s.name}`,
        );
        await r.measure(s, w);
      }
    }
  } finally {
    await Promise.all(r.servers.map((s) => s.stop()));
  }
}
