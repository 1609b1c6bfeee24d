/**
 * {@linkcode WarmUps}: the nodes that joined with `addNode(address,
 * { warmUpMs })` and are still warming up — for each, the ring as it was
 * before it joined, so that a read that misses on it can be tried on the
 * key's previous owner, and a count of the writes of each key while it
 * warms, so that a copy from the previous owner never lands after a newer
 * write. Private to the package; {@linkcode Cluster} does the sending.
 *
 * @module
 */

import { toByteString } from "@cachemir/protocol";
import type { Key } from "./hash.ts";
import type { NodeLocator } from "./locator.ts";

/** One node warming up. */
interface WarmUp {
  /** The new node's address. */
  readonly address: string;
  /** When the warm-up ends (`performance.now()` time). */
  readonly until: number;
  /** The locator as it was before the node joined. */
  readonly previous: NodeLocator;
}

/** A key as a map key: strings as they are, bytes as a byte string. */
function keyId(key: Key): string {
  return typeof key === "string" ? "s" + key : "b" + toByteString(key);
}

/** The nodes warming up now, and the writes of their keys meanwhile. */
export class WarmUps {
  #list: WarmUp[] = [];
  #writes = new Map<string, number>();
  #forgotten = new Set<string>();
  #now: () => number;

  /**
   * @param now The clock (tests may pass their own).
   */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /**
   * Starts the warm-up of a node that just joined.
   *
   * @param address The new node.
   * @param ms How long it lasts.
   * @param previous The locator before the node joined (not shared).
   */
  start(address: string, ms: number, previous: NodeLocator): void {
    this.end(address);
    this.#list.push({ address, until: this.#now() + ms, previous });
  }

  /**
   * Ends a node's warm-up (it was removed, say).
   *
   * @param address The node.
   */
  end(address: string): void {
    const i = this.#list.findIndex((w) => w.address === address);
    if (i >= 0) this.#list.splice(i, 1);
    if (this.#list.length === 0) this.#clear();
  }

  /** Ends every warm-up (the data of the previous owners was flushed). */
  endAll(): void {
    this.#list = [];
    this.#clear();
  }

  /**
   * Never reads a key from its previous owner again during this warm-up
   * (its delete there failed).
   *
   * @param key The key.
   */
  forget(key: Key): void {
    this.#forgotten.add(keyId(key));
  }

  /**
   * Whether some node is warming up now; drops the warm-ups that ended.
   *
   * @returns `true` while at least one lasts.
   */
  active(): boolean {
    if (this.#list.length === 0) return false;
    const now = this.#now();
    if (this.#list.some((w) => w.until <= now)) {
      this.#list = this.#list.filter((w) => w.until > now);
      if (this.#list.length === 0) this.#clear();
    }
    return this.#list.length > 0;
  }

  /**
   * Whether a node is warming up (as of the last {@linkcode WarmUps.active}).
   *
   * @param address The node.
   * @returns `true` if it is.
   */
  isWarming(address: string): boolean {
    for (const w of this.#list) if (w.address === address) return true;
    return false;
  }

  /**
   * The node a key lived on before its owner joined, when its owner is
   * warming up and that node is another one.
   *
   * @param key The key.
   * @param owner Its owner now.
   * @returns The previous owner's address, or `undefined`.
   */
  previousOwner(key: Key, owner: string): string | undefined {
    for (const w of this.#list) {
      if (w.address !== owner) continue;
      if (w.previous.size === 0) return undefined;
      if (this.#forgotten.size > 0 && this.#forgotten.has(keyId(key))) {
        return undefined;
      }
      const previous = w.previous.nodeFor(key);
      return previous === owner ? undefined : previous;
    }
    return undefined;
  }

  #clear(): void {
    this.#writes.clear();
    this.#forgotten.clear();
  }

  /**
   * Counts a write of a key whose owner is warming up.
   *
   * @param key The key.
   */
  wrote(key: Key): void {
    const id = keyId(key);
    this.#writes.set(id, (this.#writes.get(id) ?? 0) + 1);
  }

  /**
   * How many writes of a key were counted: a copy is made only if it did
   * not change since the read began.
   *
   * @param key The key.
   * @returns The count.
   */
  writesOf(key: Key): number {
    return this.#writes.get(keyId(key)) ?? 0;
  }
}
