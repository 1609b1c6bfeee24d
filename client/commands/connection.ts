/**
 * The connection commands of {@linkcode CacheMirClient}: PING, ECHO,
 * HELLO. (QUIT is the client's own `quit()`: it closes every connection.)
 * Each is declared once — its table row, how its arguments are built, how
 * its reply becomes a value — and gives {@linkcode CacheMirClient} its
 * method and, when it has one, its `...Buffer` variant (bytes).
 *
 * @module
 */

import type { ClientValue } from "../types.ts";
import { type HelloInfo, parseHello } from "../connection.ts";
import { type Command, command, type Decoder } from "./_define.ts";
import { valueArg } from "./_args.ts";
import { STATUS, VALUE } from "./_replies.ts";

const HELLO_INFO: Decoder<HelloInfo> = Object.freeze({ text: parseHello });

/**
 * PING: checks a node answers (the first one that is up; see
 * {@linkcode CacheMirClient.stats} for every node's state).
 *
 * @param message Optional text to echo back.
 * @returns `"PONG"`, or `message`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.ping()); // "PONG"
 * ```
 */
export const ping: Command<
  [message?: ClientValue],
  string
> = command(
  "PING",
  (message) => message === undefined ? [] : [valueArg(message)],
  STATUS,
);

/**
 * ECHO: returns its argument.
 *
 * `echoBuffer()` takes the same arguments and resolves with bytes
 * (`Uint8Array`) where this resolves with text.
 *
 * @param message The text.
 * @returns `message`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.echo("hi")); // "hi"
 * ```
 *
 * @example `echoBuffer()`: bytes
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * console.log(await client.echoBuffer(new Uint8Array([0, 255]))); // Uint8Array(2) [ 0, 255 ]
 * ```
 */
export const echo: Command<
  [message: ClientValue],
  string,
  Uint8Array
> = command("ECHO", (message) => [valueArg(message)], VALUE);

/**
 * HELLO: what the node says about itself. The client already exchanges
 * HELLO on connect; this asks again.
 *
 * @param versions Protocol versions to offer, e.g. `1`; none = version 1.
 * @returns The node's name, version, chosen protocol and limits.
 * @throws {ReplyError} `NOPROTO ...` when the node speaks none of `versions`.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
 * const info = await client.hello(1);
 * console.log(info.server, info.proto, info.maxFrameBytes); // cachemir 1 16777216
 * ```
 */
export const hello: Command<
  [...versions: (number | string)[]],
  HelloInfo
> = command("HELLO", (...versions) => versions.map(String), HELLO_INFO);
