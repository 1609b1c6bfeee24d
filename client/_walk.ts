/**
 * What {@linkcode HashRing} and {@linkcode JumpHash} share: the checks of a
 * node address, and the answers they read off a walk of a key's preference
 * order (each distinct node once, the owner first). Private to the package.
 *
 * @module
 */

/**
 * Visits the nodes of one key's preference order, in order, while `visit`
 * returns `true`.
 */
export type Walk = (visit: (node: string) => boolean) => void;

/**
 * Checks a node address given to a locator.
 *
 * @param node What was given.
 * @throws {TypeError} When it is not a non-empty string.
 */
export function checkNodeAddress(node: string): void {
  if (typeof node !== "string" || node.length === 0) {
    throw new TypeError(
      `Cannot add node: address must be a non-empty string, got ${
        typeof node === "string" ? '""' : typeof node
      }`,
    );
  }
  // A lone surrogate has no UTF-8 form: two such addresses would hash alike.
  if (!node.isWellFormed()) {
    throw new TypeError(
      `Cannot add node ${
        JSON.stringify(node)
      }: address is not well-formed UTF-16 (a lone surrogate)`,
    );
  }
}

/**
 * The first node of a walk that `accept` returns true for; `accept` is
 * called at most once per node.
 *
 * @param walk The key's walk.
 * @param accept Tells whether a node may serve the key.
 * @param skipOwner Pass over the first node without asking: the caller has
 * already asked about the owner.
 * @returns The node, or `undefined` when none is accepted.
 */
export function firstAccepted(
  walk: Walk,
  accept: (node: string) => boolean,
  skipOwner: boolean,
): string | undefined {
  let found: string | undefined;
  let skip = skipOwner;
  walk((node) => {
    if (skip) {
      skip = false;
      return true;
    }
    if (!accept(node)) return true;
    found = node;
    return false;
  });
  return found;
}

/**
 * The first `count` nodes of a walk.
 *
 * @param walk The key's walk.
 * @param count How many at most.
 * @returns Up to `count` distinct addresses, the owner first.
 */
export function firstNodes(walk: Walk, count: number): string[] {
  const out: string[] = [];
  if (count > 0) {
    walk((node) => {
      out.push(node);
      return out.length < count;
    });
  }
  return out;
}
