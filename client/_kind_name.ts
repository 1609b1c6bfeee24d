/**
 * How error messages name a reply's type. Private to the package.
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";

/**
 * A reply's type as the protocol's README names it: `INTEGER`, `BYTES`...
 *
 * @param reply The reply.
 * @returns Its type's name, upper-case.
 */
export function kindName(reply: Reply): string {
  return reply.kind === "int" ? "INTEGER" : reply.kind.toUpperCase();
}
