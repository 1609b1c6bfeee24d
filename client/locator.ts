/**
 * The interface every key-to-node mapping implements: the virtual-node ring
 * ({@linkcode HashRing}) and jump consistent hash ({@linkcode JumpHash}).
 *
 * @module
 */

import type { Key } from "./hash.ts";

/** Which mapping a client uses: a virtual-node ring, or jump consistent hash. */
export type Hashing = "ring" | "jump";

/**
 * Maps keys to nodes (`"host:port"` strings) so that every client with the
 * same node list maps every key to the same node, and a change of the list
 * moves few keys.
 *
 * Each key has a preference order over the nodes: {@linkcode NodeLocator.nodeFor}
 * is its first node, {@linkcode NodeLocator.successors} the first few, and
 * {@linkcode NodeLocator.find} the first one a predicate accepts. Removing a
 * node moves only its own keys, each to its next node in that order, so
 * `find(key, isUp)` sends a down node's keys exactly where `remove` would,
 * and replicas written to `successors(key, 2)` are found there.
 *
 * @example Route keys, and around a node that is down
 * ```ts
 * import { HashRing } from "@cachemir/client/ring";
 * import { type NodeLocator } from "@cachemir/client/locator";
 * const locator: NodeLocator = new HashRing({
 *   nodes: ["10.0.0.1:7379", "10.0.0.2:7379", "10.0.0.3:7379"],
 * });
 * const owner = locator.nodeFor("user:42");
 * const fallback = locator.find("user:42", (node) => node !== owner);
 * console.log(fallback === locator.successors("user:42", 2)[1]); // true
 * ```
 */
export interface NodeLocator {
  /** How many nodes the locator holds. */
  readonly size: number;

  /**
   * Adds a node, or changes the weight of one already present.
   *
   * @param node The node's address, `"host:port"`: the same string on every client.
   * @param weight How many keys the node gets relative to a node of weight 1.
   * @default {1} weight
   * @throws {TypeError} If `node` is not a non-empty string.
   * @throws {RangeError} If the weight is not one the locator supports.
   */
  add(node: string, weight?: number): void;

  /**
   * Removes a node; its keys move to their next node, no other key moves.
   *
   * @param node The node's address.
   * @returns Whether the node was present.
   */
  remove(node: string): boolean;

  /**
   * Tells whether a node is present.
   *
   * @param node The node's address.
   * @returns `true` if it was added and not removed since.
   */
  has(node: string): boolean;

  /**
   * The node that owns a key.
   *
   * @param key A string (hashed as UTF-8, hash tag only when it has one) or bytes.
   * @returns The owner's address.
   * @throws {RangeError} If the locator holds no nodes.
   */
  nodeFor(key: Key): string;

  /**
   * The first node, in the key's preference order, that `accept` returns true
   * for; `accept` is called at most once per node.
   *
   * @param key The key.
   * @param accept Tells whether a node may serve the key (say, is up).
   * @returns The node, or `undefined` when no node is accepted.
   */
  find(key: Key, accept: (node: string) => boolean): string | undefined;

  /**
   * The first `count` distinct nodes in the key's preference order: the owner,
   * then where its keys go if it is removed, and so on.
   *
   * @param key The key.
   * @param count How many nodes to return at most.
   * @returns `min(count, size)` distinct addresses, the owner first.
   */
  successors(key: Key, count: number): string[];

  /**
   * The nodes, in the order they were added.
   *
   * @returns A new array of addresses.
   */
  nodes(): string[];
}
