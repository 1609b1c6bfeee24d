/**
 * AUTH, and the password check HELLO's AUTH option shares: Redis 7's
 * `default` user with `requirepass`. A node without a password accepts
 * every connection (Redis's `nopass` default user); a node with one runs
 * only the `noauth` commands (AUTH, HELLO, QUIT, RESET) of a connection
 * until `AUTH <password>` or `AUTH default <password>` succeeds, and
 * answers the others `NOAUTH Authentication required.` (the command
 * table's admission). Passwords are compared in constant time.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import {
  encodeUtf8,
  error,
  type ErrorReply,
  OK,
  type Reply,
  toByteString,
} from "@cachemir/protocol";
import type { CommandContext, Handler } from "./types.ts";
import { SYNTAX_ERROR } from "./common.ts";

/** Redis's reply to a command before AUTH on a node with a password. */
export const NOAUTH: ErrorReply = Object.freeze(
  error("NOAUTH Authentication required."),
);

/** Redis's reply to HELLO without AUTH before the connection authenticated. */
export const NOAUTH_HELLO: ErrorReply = Object.freeze(
  error(
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
  ),
);

/** Redis's reply to a wrong password or a user other than `default`. */
export const WRONGPASS: ErrorReply = Object.freeze(
  error("WRONGPASS invalid username-password pair or user is disabled."),
);

/** Redis's reply to `AUTH <password>` on a node without a password. */
const NO_PASSWORD: ErrorReply = Object.freeze(
  error(
    "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
  ),
);

/** The node's password; "" when it has none. */
export function requiredPassword(ctx: CommandContext): string {
  return ctx.node.settings?.requirepass ?? "";
}

function digest(byteString: string): Uint8Array {
  return createHash("sha256").update(byteString, "latin1").digest();
}

/**
 * Compares a password a client sent with the node's in constant time: both
 * are hashed (SHA-256) and the digests compared with `timingSafeEqual`, so
 * the time taken tells nothing of the password, its length included.
 *
 * @param given The password sent, as a byte string (one char per byte).
 * @param password The node's password (any text; compared as UTF-8).
 * @returns `true` when they are the same bytes.
 *
 * @example
 * ```ts
 * import { samePassword } from "./auth.ts";
 * console.log(samePassword("s3cret", "s3cret"), samePassword("s3cre", "s3cret")); // true false
 * ```
 */
export function samePassword(given: string, password: string): boolean {
  const bytes = encodeUtf8(password);
  return timingSafeEqual(
    digest(given),
    digest(toByteString(bytes, 0, bytes.length)),
  );
}

/**
 * Authenticates the connection as `user` (the `default` user when absent),
 * as AUTH and HELLO's AUTH option do.
 *
 * @param ctx The connection and node.
 * @param user The user name, or `undefined` for `AUTH <password>`.
 * @param given The password sent.
 * @returns `undefined` when the connection is now authenticated; else
 * Redis's error (a refusal is counted and logged by the node).
 */
export function authenticate(
  ctx: CommandContext,
  user: string | undefined,
  given: string,
): ErrorReply | undefined {
  const password = requiredPassword(ctx);
  if (password === "" && user === undefined) return NO_PASSWORD;
  // Without a password the default user is Redis's `nopass`: any password.
  const ok = (user === undefined || user === "default") &&
    (password === "" || samePassword(given, password));
  if (!ok) {
    ctx.node.onAuthFailure?.(ctx.session);
    return WRONGPASS;
  }
  ctx.session.authenticated = true;
  return undefined;
}

/** AUTH [username] password */
function authCommand(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2) return SYNTAX_ERROR;
  const refused = args.length === 1
    ? authenticate(ctx, undefined, args[0])
    : authenticate(ctx, args[0], args[1]);
  return refused ?? OK;
}

/** AUTH's handler, by upper-case name. */
export const AUTH_HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  AUTH: authCommand,
});
