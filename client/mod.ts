/**
 * The CacheMir client: Redis's commands, as lower-case methods like
 * ioredis's, over CacheMir's pipelined binary protocol.
 *
 * ```ts ignore
 * // Needs a node on 127.0.0.1:7379 (`deno task start`).
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
 * await client.set("greeting", "hello", { ex: 60 });
 * console.log(await client.get("greeting")); // "hello"
 * ```
 *
 * Strings go in and come out as text (UTF-8); `Uint8Array` is accepted
 * wherever a key or value goes, and the `...Buffer` methods (`getBuffer`,
 * `mgetBuffer`...) return bytes. Errors are {@linkcode ReplyError} (the node's
 * text), {@linkcode ConnectionError} and {@linkcode TimeoutError}.
 *
 * @module
 */

export {
  CacheMirClient,
  type CacheMirClientOptions,
  type CallBufferReply,
  type CallReply,
  type ExpireMode,
  type GetExOptions,
  type Key,
  type MSetData,
  type ScanOptions,
  type SetOptions,
  type Value,
} from "./client.ts";
export {
  type Arg,
  Connection,
  type ConnectionOptions,
  type ConnectionTarget,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_REPLY_BYTES,
  formatAddress,
  type HelloInfo,
  parseHello,
  type ReplyTransform,
} from "./connection.ts";
export type {
  ArrayReply,
  BytesReply,
  ErrorReply,
  FloatReply,
  IntReply,
  MapReply,
  NullReply,
  OkReply,
  Reply,
  SetReply,
  StatusReply,
} from "@cachemir/protocol";
export {
  fmix32,
  hashSlotKey,
  keyHash,
  murmurHash3,
  murmurHash3String,
} from "./hash.ts";
export {
  DEFAULT_POINTS_PER_NODE,
  DEFAULT_PROBES,
  HashRing,
  type HashRingOptions,
} from "./ring.ts";
export { jumpConsistentHash, JumpHash, type JumpHashOptions } from "./jump.ts";
export type { Hashing, NodeLocator } from "./locator.ts";
export {
  CacheMirError,
  ConnectionError,
  ProtocolError,
  ReplyError,
  TimeoutError,
} from "./errors.ts";
