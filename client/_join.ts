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

import {
  array,
  float,
  int,
  OK,
  type Reply,
  toByteString,
} from "@cachemir/protocol";
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

/**
 * Merges the `[member, score]` pair arrays of every node (HOTKEYS, route
 * `top`): a member several nodes list (a key and its replicas) gets the sum
 * of their scores; the result is sorted by score, highest first (ties by
 * member's bytes), and cut to `count`.
 *
 * @param replies One reply per node: arrays of `[bytes, int or float]`.
 * @param count How many pairs to keep.
 * @returns One array of pairs, scores as integers when every score was one.
 */
export function mergeTop(replies: readonly Reply[], count: number): Reply {
  const merged = new Map<string, { member: Reply; score: number }>();
  let integers = true;
  for (const reply of replies) {
    if (reply.kind !== "array") return reply;
    for (const pair of reply.value) {
      if (pair.kind !== "array" || pair.value.length !== 2) return reply;
      const [member, score] = pair.value;
      if (member.kind !== "bytes") return reply;
      if (score.kind !== "int" && score.kind !== "float") return reply;
      if (score.kind === "float") integers = false;
      const bytes = member.value;
      const id = typeof bytes === "string" ? bytes : toByteString(bytes);
      const seen = merged.get(id);
      if (seen === undefined) {
        merged.set(id, { member, score: Number(score.value) });
      } else seen.score += Number(score.value);
    }
  }
  const sorted = [...merged.entries()].sort(([a, x], [b, y]) =>
    y.score - x.score || (a < b ? -1 : a > b ? 1 : 0)
  );
  return array(
    sorted.slice(0, Math.max(0, count)).map(([, { member, score }]) =>
      array([member, integers ? int(score) : float(score)])
    ),
  );
}
