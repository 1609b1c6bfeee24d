/**
 * The server commands of {@linkcode CacheMirClient}: DBSIZE, FLUSHALL,
 * FLUSHDB, SHUTDOWN, HOTKEYS — commands without keys that every node
 * answers — and MEMORY USAGE, answered by the key's node.
 * Each is declared once — its table row, how its arguments are built, how
 * its reply becomes a value — and gives {@linkcode CacheMirClient} its
 * method and, when it has one, its `...Buffer` variant (bytes).
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import { type Command, command, type Decoder } from "./_define.ts";
import { asBytes, asInteger, asString, INTEGER, OK } from "./_replies.ts";
import { ProtocolError } from "../errors.ts";
import { kindName } from "../_kind_name.ts";
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

/** A hot key: the key and its estimated accesses per second, now. */
export interface ClientHotKey<K = string> {
  /** The key (text, or bytes from `hotkeysBuffer`). */
  readonly key: K;
  /**
   * Estimated accesses per second, summed over the nodes that listed the
   * key (its primary and, with `replicas`, its copies).
   */
  readonly opsPerSec: number;
}

/** HOTKEYS' `[key, rate]` pairs, each key made by `key`. */
function hotKeyPairs<K>(
  key: (reply: Reply) => K,
): (reply: Reply) => ClientHotKey<K>[] {
  return (reply) => {
    if (reply.kind !== "array") {
      throw new ProtocolError(
        `Unexpected ${
          kindName(reply)
        } reply to HOTKEYS, expected an array of pairs`,
      );
    }
    return reply.value.map((pair) => {
      if (pair.kind !== "array" || pair.value.length !== 2) {
        throw new ProtocolError(
          "Unexpected element in the reply to HOTKEYS, expected a [key, rate] pair",
        );
      }
      const [k, rate] = pair.value;
      return {
        key: key(k),
        opsPerSec: rate.kind === "float" ? rate.value : asInteger(rate),
      };
    });
  };
}

const HOT_KEYS: Decoder<ClientHotKey[], ClientHotKey<Uint8Array>[]> = Object
  .freeze({
    text: hotKeyPairs(asString),
    bytes: hotKeyPairs(asBytes),
  });

/**
 * HOTKEYS: the hottest keys now, from every node's sketch (each node
 * samples the keys its requests name and decays the counts, half-life 5
 * s): the nodes' lists merged — a key several nodes list (its replicas)
 * gets the sum of their rates — sorted hottest first and cut to `count`.
 * Keys are text (UTF-8); `hotkeysBuffer` gives them as bytes. Down nodes
 * are left out.
 *
 * @param count How many keys, at most (each node lists at most 64); 10
 * without it.
 * @returns The keys and their estimated accesses per second, hottest first.
 * @throws {ReplyError} `ERR value is out of range, must be positive` for a
 * negative count.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * for (const { key, opsPerSec } of await client.hotkeys(5)) {
 *   console.log(key, opsPerSec); // user:42 1830
 * }
 * ```
 */
export const hotkeys: Command<
  [count?: number],
  ClientHotKey[],
  ClientHotKey<Uint8Array>[]
> = command(
  "HOTKEYS",
  (count) => count === undefined ? [] : [String(count)],
  HOT_KEYS,
);
