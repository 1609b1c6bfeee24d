/**
 * Container commands (CLIENT, CONFIG, COMMAND): a subcommand table with
 * Redis's arities and error texts (private).
 *
 * @module
 */

import { error, type ErrorReply, type Reply } from "@cachemir/protocol";
import type { CommandContext } from "./types.ts";
import { arityError, asciiUpper, printable } from "./common.ts";

/** One subcommand: its Redis arity (counting the container and the subcommand) and its handler. */
export interface Subcommand {
  /** Redis-style arity of `container|sub`; negative means "at least". */
  readonly arity: number;
  /** Runs it: `args[0]` is the subcommand's name. */
  readonly run: (ctx: CommandContext, args: string[]) => Reply;
}

const containers = new Set<string>();

/**
 * The commands made with {@linkcode containerHandler}, upper case: the
 * command table counts them by subcommand (`config|get`), as Redis 7 does.
 */
export const CONTAINER_COMMANDS: ReadonlySet<string> = containers;

/**
 * Makes the handler of a container command.
 *
 * @param container The container's name, upper case (`"CLIENT"`).
 * @param subs The subcommands by upper-case name.
 * @returns A handler answering `ERR unknown subcommand 'x'. Try CLIENT HELP.`
 * and `ERR wrong number of arguments for 'client|setname' command` as Redis.
 */
export function containerHandler(
  container: string,
  subs: Readonly<Record<string, Subcommand>>,
): (ctx: CommandContext, args: string[]) => Reply {
  containers.add(container);
  const arityErrors = new Map<string, ErrorReply>();
  for (const name of Object.keys(subs)) {
    arityErrors.set(name, arityError(`${container}|${name}`));
  }
  return (ctx: CommandContext, args: string[]): Reply => {
    const name = asciiUpper(args[0]);
    const sub = Object.hasOwn(subs, name) ? subs[name] : undefined;
    if (sub === undefined) {
      return error(
        `ERR unknown subcommand '${
          printable(args[0].slice(0, 128))
        }'. Try ${container} HELP.`,
      );
    }
    const argc = args.length + 1;
    if (sub.arity > 0 ? argc !== sub.arity : argc < -sub.arity) {
      return arityErrors.get(name)!;
    }
    return sub.run(ctx, args);
  };
}

/**
 * Redis 7.0's error for a subcommand given too many arguments where it
 * checks the count itself (CLIENT UNBLOCK, FUNCTION FLUSH, SLOWLOG GET).
 *
 * @param container The container's name, upper case (`"CLIENT"`).
 * @param sent The subcommand's name as sent (cut to 128 characters).
 * @returns `ERR unknown subcommand or wrong number of arguments for 'x'. Try CLIENT HELP.`
 */
export function subcommandArgsError(
  container: string,
  sent: string,
): ErrorReply {
  return error(
    `ERR unknown subcommand or wrong number of arguments for '${
      printable(sent.slice(0, 128))
    }'. Try ${container} HELP.`,
  );
}
