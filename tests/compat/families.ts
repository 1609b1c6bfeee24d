/**
 * The differential test's registry of command families. To add a family
 * (hashes, lists, sets...): write `gen_<family>.ts` exporting a
 * {@linkcode Family} (see `gen_strings.ts`), add it to `FAMILIES`, and
 * remove its commands' family from `PENDING_FAMILIES`. The coverage test
 * fails for any command the node implements that no family generates and
 * that is not listed below.
 *
 * @module
 */

import type { Family } from "./_gen.ts";
import { STRINGS } from "./gen_strings.ts";
import { BITS } from "./gen_bits.ts";
import { KEYS } from "./gen_keys.ts";
import { CONNECTION } from "./gen_connection.ts";
import { HASHES } from "./gen_hashes.ts";
import { LISTS } from "./gen_lists.ts";
import { SETS } from "./gen_sets.ts";

/** Every family the generator draws from. */
export const FAMILIES: readonly Family[] = Object.freeze([
  STRINGS,
  BITS,
  KEYS,
  CONNECTION,
  HASHES,
  LISTS,
  SETS,
]);

/**
 * Commands the node implements that are deliberately not compared with
 * Redis, and why. The README's "Deliberate differences" lists the same.
 */
export const NOT_COMPARED: Readonly<Record<string, string>> = Object.freeze({
  QUIT: "closes the connection (tested in tests/server_resp_test.ts)",
  INFO: "describes the server: versions, ports, memory differ by nature",
  TIME: "the clock: no two reads agree",
  AUTH:
    "needs servers with a password and fresh connections: compared in tests/compat/auth_test.ts, with and without one",
  SHUTDOWN:
    "stops the server: its failing forms (ABORT, bad options) are compared in tests/compat/admin_test.ts",
  MEMORY:
    "byte counts differ by store: MEMORY's errors, nulls and STATS's field names are compared in tests/compat/admin_test.ts",
  SLOWLOG:
    "its entries hold times and ids: compared by shape in tests/compat/command_stats_test.ts",
  HOTKEYS:
    "CacheMir's own (Redis has no HOTKEYS): tested in server/commands/hotkeys_test.ts and tests/hotkeys_test.ts",
});

/**
 * Opcode families (the high byte of the protocol's opcode) whose generators
 * are not written yet: their commands may be missing from `FAMILIES`
 * without failing the coverage test. The hashes/lists/sets work adds
 * `gen_hashes.ts`, `gen_lists.ts` and `gen_sets.ts` and empties this list.
 */
export const PENDING_FAMILIES: ReadonlySet<number> = new Set([]);
