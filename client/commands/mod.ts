/**
 * The declaration of every command method of `CacheMirClient`, one module
 * per family, as on the node: what each command sends, how its reply
 * becomes a value, and its documentation with an example. Each
 * declaration `name` gives the client the method `name`, and `nameBuffer`
 * (bytes) and `nameBig` (a `bigint`) when it has those variants.
 *
 * ```ts no-eval
 * import { strings } from "@cachemir/client/commands";
 * console.log(strings.get.info.name); // "GET"
 * ```
 *
 * @module
 */

export * as connection from "./connection.ts";
export * as strings from "./strings.ts";
export * as keys from "./keys.ts";
export * as hashes from "./hashes.ts";
export * as lists from "./lists.ts";
export * as sets from "./sets.ts";
export * as server from "./server.ts";
export type {
  Command,
  Declaration,
  Decoder,
  Methods,
  Variant,
  Walk,
} from "./_define.ts";
