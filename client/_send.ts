/**
 * The promise form shared by the `send` methods of {@linkcode ClientConnection},
 * {@linkcode Pool} and the client's per-node state: each is its `sendWith`
 * with a promise's callbacks. Private to the package.
 *
 * @module
 */

import type { Arg, ReplyTransform } from "./types.ts";

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

/** `Promise.withResolvers`, where the runtime has it (Deno, Node.js 22, Bun). */
const withResolvers = (Promise as {
  withResolvers?: <T>() => {
    promise: Promise<T>;
    resolve: (value: T) => void;
    reject: (error: Error) => void;
  };
}).withResolvers?.bind(Promise);

/** {@linkcode sendPromise} with `Promise.withResolvers`: no closure made. */
function sendWithResolvers<T>(
  sender: CallbackSender,
  opcode: number,
  args: readonly Arg[],
  transform: ReplyTransform<T>,
): Promise<T> {
  const { promise, resolve, reject } = withResolvers!<T>();
  sender.sendWith(opcode, args, transform, resolve, reject);
  return promise;
}

/** {@linkcode sendPromise} for runtimes without it (Node.js 20). */
function sendWithExecutor<T>(
  sender: CallbackSender,
  opcode: number,
  args: readonly Arg[],
  transform: ReplyTransform<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    sender.sendWith(opcode, args, transform, resolve, reject)
  );
}

/**
 * `sender.sendWith()` with a promise's callbacks. (`Promise.withResolvers`
 * where the runtime has it, chosen once: this is every command's path.)
 *
 * @param sender A connection, a pool or a node.
 * @param opcode The command's opcode.
 * @param args Its arguments.
 * @param transform Turns the reply into the resolved value.
 * @returns The transformed reply.
 */
export const sendPromise: <T>(
  sender: CallbackSender,
  opcode: number,
  args: readonly Arg[],
  transform: ReplyTransform<T>,
) => Promise<T> = withResolvers === undefined
  ? sendWithExecutor
  : sendWithResolvers;
