/**
 * The CacheMir client: Redis's commands, as lower-case methods like
 * ioredis's, over CacheMir's pipelined binary protocol, spread over many
 * nodes by consistent hashing.
 *
 * ```ts no-eval
 * // Needs nodes on 127.0.0.1:7379..7381 (`deno task cluster --nodes 3`).
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({
 *   nodes: ["127.0.0.1:7379", "127.0.0.1:7380", "127.0.0.1:7381"],
 * });
 * await client.set("greeting", "hello", { ex: 60 });
 * console.log(await client.get("greeting")); // "hello"
 * console.log((await client.incr("visits")) + 1); // integer replies are numbers
 * ```
 *
 * The client owns the ring: each key goes to one node (consistent hashing;
 * `{hash tags}` keep keys together), multi-key commands are split by node
 * and joined, each node has a pool of pipelined connections, network
 * failures are retried with backoff when the command is safe to repeat, and
 * a node that keeps failing is routed around until its health check passes,
 * with {@linkcode NodeEvent}s on the client. `replicas: 2` keeps each key on
 * two nodes; `nodes: "dns:name:port"` discovers nodes through DNS.
 *
 * Strings go in and come out as text (UTF-8); `Uint8Array` is accepted
 * wherever a key or value goes, and the `...Buffer` methods (`getBuffer`,
 * `mgetBuffer`...) return bytes. Integer replies are numbers; a counter
 * beyond ±(2^53 − 1) rejects with a `RangeError` that names the `...Big`
 * variant (`incrBig`, `incrbyBig`...), which resolves with a `bigint`.
 * Errors are {@linkcode ReplyError} (the node's text),
 * {@linkcode ConnectionError} and {@linkcode TimeoutError}.
 *
 * The parts the client is built from have their own entry points:
 * `@cachemir/client/ring` ({@linkcode HashRing}), `/jump` (jump consistent
 * hash), `/hash` (MurmurHash3, hash slots), `/locator` (the interface both
 * locators implement), `/pool` (a node's pool of connections), `/semaphore`,
 * `/connection` (one pipelined connection), `/retry` (backoff and the retry
 * rule), `/discovery` (DNS node lists) and `/commands` (the declaration of
 * every command method, with its documentation).
 *
 * @module
 */

export { CacheMirClient } from "./client.ts";
export type {
  AddNodeOptions,
  CacheMirClientOptions,
  NodeSpec,
} from "./options.ts";
export type { ClientValue, Key } from "./types.ts";
export type { CallBufferReply, CallReply } from "./commands/_replies.ts";
export type { ClientTlsOptions, HelloInfo } from "./connection.ts";
export type {
  CopyOptions,
  ExpireMode,
  RestoreOptions,
  ScanOptions,
} from "./commands/keys.ts";
export type { GetExOptions, MSetData, SetOptions } from "./commands/strings.ts";
export type {
  ClientCollectionScanOptions,
  HashData,
} from "./commands/hashes.ts";
export type { InsertPosition, ListEnd, LPosOptions } from "./commands/lists.ts";
export type { SInterCardOptions } from "./commands/sets.ts";
export type { ClientHotKey } from "./commands/server.ts";
export type { Hashing } from "./locator.ts";
export type { RetryOptions } from "./retry.ts";
export type { Resolver } from "./discovery.ts";
export type { ClientNodeStats, LatencyStats, NodeHealth } from "./stats.ts";
export type { PoolStats } from "./pool.ts";
export type { NearCacheOptions, NearCacheStats } from "./near_cache.ts";
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
