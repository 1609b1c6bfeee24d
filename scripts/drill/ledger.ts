/**
 * The drill's stale-read check: every value written is `v<n>`, with `n` one
 * more than the key's previous write; the ledger remembers, per key, the
 * highest version a write was acknowledged for. A read is stale when it
 * returns a version older than one acknowledged before the read started
 * (a miss is not stale: a cache may lose keys).
 *
 * Writes to one key must not overlap (the drill gives each key to one
 * worker): two writes in flight at once may land in either order, and the
 * older could then be read legitimately.
 *
 * @example
 * ```ts
 * import { VersionLedger } from "./ledger.ts";
 * const ledger = new VersionLedger();
 * const value = ledger.nextValue("k"); // "v1"
 * ledger.acknowledge("k", value);
 * const floor = ledger.floor("k"); // taken when a read starts
 * console.log(ledger.isStale("v0", floor)); // true
 * console.log(ledger.isStale(null, floor)); // false
 * ```
 *
 * @module
 */

/** Parses `v<n>` into `n`; throws on anything else (a corrupted value). */
export function versionOf(value: string): number {
  const m = /^v(\d+)$/.exec(value);
  if (m === null) {
    throw new Error(`a value the drill never writes: ${JSON.stringify(value)}`);
  }
  return Number(m[1]);
}

/** Versions written and acknowledged, per key. */
export class VersionLedger {
  readonly #issued = new Map<string, number>();
  readonly #acked = new Map<string, number>();

  /**
   * The value of the key's next write (its version is one past the last
   * issued).
   *
   * @param key The key.
   * @returns `v<n>`.
   */
  nextValue(key: string): string {
    const n = (this.#issued.get(key) ?? 0) + 1;
    this.#issued.set(key, n);
    return `v${n}`;
  }

  /**
   * Records a write's acknowledgement.
   *
   * @param key The key.
   * @param value The value the write carried.
   */
  acknowledge(key: string, value: string): void {
    const n = versionOf(value);
    if (n > (this.#acked.get(key) ?? -1)) this.#acked.set(key, n);
  }

  /**
   * The highest acknowledged version now: take it when a read starts.
   *
   * @param key The key.
   * @returns The version, -1 before any acknowledged write.
   */
  floor(key: string): number {
    return this.#acked.get(key) ?? -1;
  }

  /**
   * Whether a read's reply is older than what was acknowledged before it
   * started.
   *
   * @param value What the read returned (null: a miss).
   * @param floor {@linkcode VersionLedger.floor} of its key when the read
   * started.
   * @returns True for a stale read.
   */
  isStale(value: string | null, floor: number): boolean {
    if (value === null) return false;
    return versionOf(value) < floor;
  }
}
