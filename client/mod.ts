/**
 * The CacheMir client: Redis's commands, as lower-case methods like
 * ioredis's, over CacheMir's pipelined binary protocol, spread over many
 * nodes by consistent hashing.
 *
 * ```ts ignore
 * // Needs nodes on 127.0.0.1:7379..7381 (`deno task cluster --nodes 3`).
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({
 *   nodes: ["127.0.0.1:7379", "127.0.0.1:7380", "127.0.0.1:7381"],
 * });
 * await client.set("greeting", "hello", { ex: 60 });
 * console.log(await client.get("greeting")); // "hello"
 * ```
 *
 * The client owns the ring: each key goes to one node ({@linkcode HashRing}
 * or {@linkcode JumpHash}; `{hash tags}` keep keys together), multi-key
 * commands are split by node and joined, each node has a {@linkcode Pool} of
 * pipelined connections, network failures are retried with backoff when the
 * command is safe to repeat ({@linkcode canRetry}), and a node that keeps
 * failing is routed around until its health check passes, with
 * {@linkcode NodeEvent}s on the client. `replicas: 2` keeps each key on two
 * nodes; `nodes: "dns:name:port"` discovers nodes through DNS.
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
  type NodeSpec,
  type ScanOptions,
  type SetOptions,
  type Value,
} from "./client.ts";
export type {
  CollectionScanOptions,
  HashData,
  InsertPosition,
  ListEnd,
  LPosOptions,
  SInterCardOptions,
} from "./collections.ts";
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
  CommandFlag,
  CommandInfo,
  CommandJoin,
  ErrorReply,
  FloatReply,
  IntReply,
  KeySpec,
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
  CrossSlotError,
  NodeDownError,
  ProtocolError,
  ReplyError,
  TimeoutError,
} from "./errors.ts";
export {
  type CacheMirClientEventMap,
  ClientErrorEvent,
  NodeEvent,
  type NodeEventType,
} from "./events.ts";
export {
  type Connector,
  DEFAULT_ACQUIRE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_IN_FLIGHT,
  Pool,
  type PoolOptions,
  type PoolStats,
} from "./pool.ts";
export { Semaphore } from "./semaphore.ts";
export {
  backoffDelay,
  canRetry,
  DEFAULT_RETRY,
  isNetworkError,
  type RetryOptions,
  type RetryPolicy,
  retryPolicy,
} from "./retry.ts";
export {
  DEFAULT_DISCOVERY_INTERVAL_MS,
  denoResolver,
  type DnsNodes,
  parseDnsNodes,
  resolveNodes,
  type Resolver,
} from "./discovery.ts";
export type { LatencyStats, NodeHealth, NodeStats } from "./stats.ts";
