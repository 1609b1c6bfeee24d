/**
 * The server commands of {@linkcode CacheMirClient}: DBSIZE, FLUSHALL,
 * FLUSHDB — commands without keys that every node answers.
 * Each is declared once — its table row, how its arguments are built, how
 * its reply becomes a value — and gives {@linkcode CacheMirClient} its
 * method and, when it has one, its `...Buffer` variant (bytes).
 *
 * @module
 */

import { type Command, command } from "./_define.ts";
import { INTEGER, OK } from "./_replies.ts";

/**
 * DBSIZE: the number of keys, summed over every node (with `replicas`,
 * each copy counts). Down nodes are left out (`onNodeDown: "remap"`) or
 * make it reject (`"fail"`).
 *
 * @returns The count.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.dbsize()); // 42
 * ```
 */
export const dbsize: Command<
  [],
  number
> = command("DBSIZE", () => [], INTEGER);

/**
 * FLUSHALL: deletes every key on every node.
 *
 * @param mode `"ASYNC"` or `"SYNC"`.
 * @returns `"OK"`.
 * @throws {NodeDownError} When a node is down: its keys could not be deleted.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.flushall();
 * ```
 */
export const flushall: Command<
  [mode?: "ASYNC" | "SYNC"],
  "OK"
> = command("FLUSHALL", (mode) => mode === undefined ? [] : [mode], OK);

/**
 * FLUSHDB: deletes every key of every node's (only) database.
 *
 * @param mode `"ASYNC"` or `"SYNC"`.
 * @returns `"OK"`.
 * @throws {NodeDownError} When a node is down: its keys could not be deleted.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.flushdb("SYNC");
 * ```
 */
export const flushdb: Command<
  [mode?: "ASYNC" | "SYNC"],
  "OK"
> = command("FLUSHDB", (mode) => mode === undefined ? [] : [mode], OK);
