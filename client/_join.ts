/**
 * Joins the replies of a command sent in parts to many nodes back into the
 * one reply a single node would have given. Pure functions on
 * {@linkcode Reply} values; private to the package.
 *
 * A part whose reply has an unexpected type is returned as the joined reply
 * unchanged, so that the caller's transform rejects it with its usual
 * message.
 *
 * @module
 */

import { array, int, OK, type Reply } from "@cachemir/protocol";
import type { CommandJoin } from "@cachemir/protocol";
import { ProtocolError } from "./errors.ts";

/** One part of a split command: the ordinals of its keys, and its reply. */
export interface PartReply {
  /** For each key of the part, its position among all the command's keys. */
  readonly indices: readonly number[];
  /** The node's reply to the part. */
  readonly reply: Reply;
}

/**
 * Joins the parts of a command split by node.
 *
 * @param join How: `array` puts each element back at its key's position,
 * `sum` adds integers, `ok` checks every part said OK.
 * @param parts The parts and their replies.
 * @param keys How many keys the whole command has.
 * @param command The command's name, for errors.
 * @returns The joined reply.
 * @throws {ProtocolError} When an `array` part has a different number of
 * elements than keys.
 */
export function joinParts(
  join: CommandJoin,
  parts: readonly PartReply[],
  keys: number,
  command: string,
): Reply {
  switch (join) {
    case "array": {
      const out = new Array<Reply>(keys);
      for (const { indices, reply } of parts) {
        if (reply.kind !== "array") return reply;
        if (reply.value.length !== indices.length) {
          throw new ProtocolError(
            `Unexpected reply to a part of ${command}: ${reply.value.length} elements for ${indices.length} keys`,
          );
        }
        for (let i = 0; i < indices.length; i++) {
          out[indices[i]] = reply.value[i];
        }
      }
      return array(out);
    }
    case "sum": {
      let sum = 0;
      let big = false;
      let bigSum = 0n;
      for (const { reply } of parts) {
        if (reply.kind !== "int") return reply;
        if (typeof reply.value === "bigint") big = true;
        sum += Number(reply.value);
        bigSum += BigInt(reply.value);
      }
      return int(big || !Number.isSafeInteger(sum) ? bigSum : sum);
    }
    case "ok":
      for (const { reply } of parts) if (reply.kind !== "ok") return reply;
      return OK;
  }
}

/**
 * Concatenates array replies (KEYS over every node).
 *
 * @param replies One reply per node.
 * @returns One array with every element, in node order.
 */
export function concatArrays(replies: readonly Reply[]): Reply {
  const out: Reply[] = [];
  for (const reply of replies) {
    if (reply.kind !== "array" && reply.kind !== "set") return reply;
    for (const element of reply.value) out.push(element);
  }
  return array(out);
}
