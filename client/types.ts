/**
 * The types every room of the client shares: what a key is, what a value
 * is, what goes on the wire as an argument, and how a reply becomes the
 * value a command resolves with.
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import type { Key } from "./hash.ts";

export type { Key };

/**
 * A value a client command takes: text (sent as UTF-8), a number (sent as
 * its decimal text) or raw bytes.
 */
export type ClientValue = string | number | Uint8Array;

/** A command argument: text (sent as UTF-8) or raw bytes. */
export type Arg = string | Uint8Array;

/**
 * Turns a reply value into the value a command resolves with. Error replies
 * never reach it: they reject with a {@linkcode ReplyError}. It throws (a
 * {@linkcode ProtocolError}, typically) when the reply has a type the command
 * never answers with; the command then rejects with that error.
 */
export type ReplyTransform<T> = ((reply: Reply) => T) & {
  /**
   * Optional fast path for a BYTES reply: called with the frame's payload
   * and the span of the bytes, instead of decoding a {@linkcode Reply}
   * first. It must copy or decode the span before returning: the payload is
   * reused after the call.
   */
  readonly fromBytes?: (payload: Uint8Array, start: number, end: number) => T;
};
