/**
 * The server commands of {@linkcode CacheMirClient}: DBSIZE, FLUSHALL,
 * FLUSHDB, SHUTDOWN — commands without keys that every node answers — and
 * MEMORY USAGE, answered by the key's node.
 * Each is declared once — its table row, how its arguments are built, how
 * its reply becomes a value — and gives {@linkcode CacheMirClient} its
 * method and, when it has one, its `...Buffer` variant (bytes).
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import { type Command, command, type Decoder } from "./_define.ts";
import { asInteger, INTEGER, OK } from "./_replies.ts";
import type { Key } from "../types.ts";

/** An integer reply, or `null` for a null reply (a missing key). */
const INTEGER_OR_NULL: Decoder<number | null> = Object.freeze({
  text: (reply: Reply): number | null =>
    reply.kind === "null" ? null : asInteger(reply),
});

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

/**
 * MEMORY USAGE: the bytes a key holds on its node (its record, its share of
 * the node's index, its collection), or `null` when it does not exist.
 * MEMORY STATS, DOCTOR and HELP go through `call()` (to one node each).
 *
 * @param subcommand `"USAGE"`.
 * @param key The key.
 * @param samples Accepted as Redis's SAMPLES (0 or more); CacheMir does
 * not sample, so it changes nothing.
 * @returns The bytes, or `null`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.set("k", "v");
 * console.log(await client.memory("USAGE", "k")); // 40
 * ```
 */
export const memory: Command<
  [subcommand: "USAGE", key: Key, samples?: number],
  number | null
> = command(
  "MEMORY",
  (subcommand, key, samples) =>
    samples === undefined
      ? [subcommand, key]
      : [subcommand, key, "SAMPLES", String(samples)],
  INTEGER_OR_NULL,
);

/**
 * SHUTDOWN: stops every node, each as SIGTERM stops it (it stops accepting,
 * answers what its connections sent, and exits). Each node replies OK
 * before it closes the connection. CacheMir keeps nothing on disk: `SAVE`
 * is refused unless `FORCE` is given too.
 *
 * @param options `"NOSAVE"` or `"SAVE"`, `"NOW"`, `"FORCE"`.
 * @returns `"OK"`.
 * @throws {ReplyError} `ERR Errors trying to SHUTDOWN. Check logs.` for
 * SAVE without FORCE.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * const client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * await client.shutdown("NOSAVE");
 * await client.close();
 * ```
 */
export const shutdown: Command<
  ("NOSAVE" | "SAVE" | "NOW" | "FORCE")[],
  "OK"
> = command("SHUTDOWN", (...options) => options, OK);
