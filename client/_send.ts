/**
 * The promise form shared by the `send` methods of {@linkcode ClientConnection},
 * {@linkcode Pool} and the client's per-node state: each is its `sendWith`
 * with a promise's callbacks. Private to the package.
 *
 * @module
 */

import type { Arg, ReplyTransform } from "./types.ts";
import { deferred } from "./_deferred.ts";

/** Sends a command and settles it through callbacks: exactly one is called. */
export interface CallbackSender {
  /**
   * Sends a command.
   *
   * @param opcode The command's opcode.
   * @param args Its arguments.
   * @param transform Turns the reply into the resolved value.
   * @param resolve Called with the transformed reply.
   * @param reject Called with the error.
   */
  sendWith<T>(
    opcode: number,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
    resolve: (value: T) => void,
    reject: (error: Error) => void,
  ): void;
}

/**
 * `sender.sendWith()` with a promise's callbacks (from
 * {@linkcode deferred}: no closure made where the runtime has
 * `Promise.withResolvers`).
 *
 * @param sender A connection, a pool or a node.
 * @param opcode The command's opcode.
 * @param args Its arguments.
 * @param transform Turns the reply into the resolved value.
 * @returns The transformed reply.
 */
export function sendPromise<T>(
  sender: CallbackSender,
  opcode: number,
  args: readonly Arg[],
  transform: ReplyTransform<T>,
): Promise<T> {
  const { promise, resolve, reject } = deferred<T>();
  sender.sendWith(opcode, args, transform, resolve, reject);
  return promise;
}
