/**
 * HOTKEYS [count] — a CacheMir command, on both ports — and INFO's
 * `hotkeys` section: the node's hottest keys now, from the command table's
 * sketch ({@linkcode HotKeys}, `server/hot_keys.ts`).
 *
 * HOTKEYS replies an array of `[key, accesses per second]` pairs, hottest
 * first: the key as bulk bytes, the estimated rate as an integer (rounded);
 * `count` defaults to 10, and at most the sketch's capacity (64) are
 * listed. INFO's section has one line per key, in the same order:
 * `hotkey_<rank>:ops_per_sec=<n>,key=<key>` (rank from 1; `key` last and
 * escaped as {@linkcode escapeInfoKey} says, so the line reads back
 * whatever the key's bytes).
 *
 * @module
 */

import { array, bytes, int, type Reply } from "@cachemir/protocol";
import type { CommandContext } from "./types.ts";
import { SYNTAX_ERROR } from "./common.ts";
import { MUST_BE_POSITIVE } from "./_collections.ts";
import { parseInt64 } from "./numbers.ts";

/** How many keys HOTKEYS lists without a count. */
export const HOTKEYS_DEFAULT_COUNT = 10;

/**
 * HOTKEYS [count]: the hottest keys with their estimated accesses per
 * second. A node without a sketch (a context without a node) lists none.
 *
 * @param ctx The context; its node's `hotKeys` is read.
 * @param args `[]` or `[count]`.
 * @returns The pairs (none for a count of 0), or Redis's error for a count
 * that is not an integer from 0 up (`ERR value is out of range, must be
 * positive`, as LPOP answers) or for more arguments (`ERR syntax error`).
 */
export function hotkeysCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 1) return SYNTAX_ERROR;
  let count = HOTKEYS_DEFAULT_COUNT;
  if (args.length === 1) {
    const n = parseInt64(args[0]);
    if (n === undefined || n < 0) return MUST_BE_POSITIVE; // as LPOP and SPOP answer a bad count
    count = n > 1_000_000 ? 1_000_000 : Number(n);
  }
  const top = ctx.node.hotKeys?.top(count) ?? [];
  return array(
    top.map((k) => array([bytes(k.key), int(Math.round(k.opsPerSec))])),
  );
}

/**
 * A key as INFO's `hotkeys` section writes it: printable ASCII (space to
 * `~`) as it is but `\`, written `\\`; every other byte as `\xhh`. No CR,
 * LF or other control byte is left, and {@linkcode unescapeInfoKey} gives
 * the bytes back.
 *
 * @param key The key, a byte string (one char per byte).
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import { escapeInfoKey } from "./hotkeys.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeInfoKey("user:1 a\\b\r\n\xff"), "user:1 a\\\\b\\x0d\\x0a\\xff");
 * ```
 */
export function escapeInfoKey(key: string): string {
  let out = "";
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += key[i];
    else out += "\\x" + c.toString(16).padStart(2, "0");
  }
  return out;
}

/**
 * The key {@linkcode escapeInfoKey} escaped, as a byte string.
 *
 * @param text The escaped text.
 * @returns The key's bytes, one char per byte.
 *
 * @example
 * ```ts
 * import { escapeInfoKey, unescapeInfoKey } from "./hotkeys.ts";
 * import assert from "node:assert/strict";
 *
 * const key = "a\\b\r\n\xff,=";
 * assert.equal(unescapeInfoKey(escapeInfoKey(key)), key);
 * ```
 */
export function unescapeInfoKey(text: string): string {
  return text.replace(
    /\\(\\|x[0-9a-fA-F]{2})/g,
    (_, e: string) =>
      e === "\\" ? "\\" : String.fromCharCode(parseInt(e.slice(1), 16)),
  );
}

/**
 * INFO's `hotkeys` section: `hotkey_<rank>:ops_per_sec=<n>,key=<key>`, for
 * the sketch's hottest keys (at most {@linkcode HOTKEYS_DEFAULT_COUNT}),
 * hottest first.
 *
 * @param ctx The context; its node's `hotKeys` is read.
 * @returns The section's lines.
 */
export function hotkeysInfoLines(ctx: CommandContext): string[] {
  const top = ctx.node.hotKeys?.top(HOTKEYS_DEFAULT_COUNT) ?? [];
  return top.map((k, i) =>
    `hotkey_${i + 1}:ops_per_sec=${Math.round(k.opsPerSec)},key=${
      escapeInfoKey(k.key)
    }`
  );
}
