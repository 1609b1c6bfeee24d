/**
 * {@linkcode CacheMirClient}: Redis-named methods over CacheMir's binary
 * protocol. The command methods come from the declarations in `commands/`,
 * one per command; this file holds the class, and the methods that are not
 * one command (`call`, `quit`, the node and event methods).
 *
 * @module
 */

import {
  commandByName,
  type CommandInfo,
  OPCODE_CALL,
} from "@cachemir/protocol";
import { type CacheMirClientEventMap, NodeEvent } from "./events.ts";
import type { AddNodeOptions, CacheMirClientOptions } from "./options.ts";
import type { ClientNodeStats } from "./stats.ts";
import type { Arg, ClientValue, Key, ReplyTransform } from "./types.ts";
import { Cluster } from "./_cluster.ts";
import { NearLayer } from "./_near.ts";
import type { NearCacheStats } from "./near_cache.ts";
import {
  type Decoder,
  isDeclaration,
  isWalk,
  type Methods,
  type Walk,
} from "./commands/_define.ts";
import { valueArg } from "./commands/_args.ts";
import {
  asCallBufferReply,
  asCallReply,
  type CallBufferReply,
  type CallReply,
} from "./commands/_replies.ts";
import * as connection from "./commands/connection.ts";
import * as hashes from "./commands/hashes.ts";
import * as keys from "./commands/keys.ts";
import * as lists from "./commands/lists.ts";
import * as server from "./commands/server.ts";
import * as sets from "./commands/sets.ts";
import * as strings from "./commands/strings.ts";

/** The modules of command declarations, one per family. */
const FAMILIES = [connection, strings, keys, hashes, lists, sets, server];

/** CALL: a command the table does not know, by name; no known keys. */
const CALL: CommandInfo = Object.freeze({
  name: "CALL",
  opcode: OPCODE_CALL,
  arity: -2,
  flags: Object.freeze([]),
  keys: Object.freeze({ first: 0, last: 0, step: 0 }),
  route: "first-up",
});

/**
 * Installs a walk's iterators, `nameIterator` and `nameBufferIterator`: the
 * page command is sent with the cursor inserted among the caller's
 * arguments, from `"0"` until the node's cursor is `"0"` again.
 */
function installWalk(
  proto: Record<string, unknown>,
  method: string,
  walk: Walk<unknown, unknown>,
  cluster: (client: CacheMirClient) => Cluster,
): void {
  const { info, args, reply } = walk.page;
  const build = args as (...a: unknown[]) => readonly Arg[];
  const decoder = reply as Decoder<unknown, unknown>;
  const { cursorAt, pairs } = walk;
  const variants: [string, ReplyTransform<unknown> | undefined][] = [
    [method, decoder.text],
    [method.replace(/Iterator$/, "BufferIterator"), decoder.bytes],
  ];
  for (const [name, transform] of variants) {
    if (transform === undefined) continue;
    proto[name] = async function* (
      this: CacheMirClient,
      ...a: unknown[]
    ): AsyncGenerator<unknown, void, undefined> {
      let cursor = "0";
      do {
        const withCursor = [
          ...a.slice(0, cursorAt),
          cursor,
          ...a.slice(cursorAt),
        ];
        const [next, items] = await cluster(this).send(
          info,
          build(...withCursor),
          transform,
        ) as [string, unknown[]];
        if (pairs) {
          for (let i = 0; i + 1 < items.length; i += 2) {
            yield [items[i], items[i + 1]];
          }
        } else {
          yield* items;
        }
        cursor = next;
      } while (cursor !== "0");
    };
  }
}

/**
 * The command methods of {@linkcode CacheMirClient}, one family after the
 * other, each from its declaration in `commands/`: `get` and `getBuffer`
 * from `strings.get`, `incr` and `incrBig` from `strings.incr`,
 * `scanIterator` and `scanBufferIterator` from `keys.scanIterator`. Each
 * command's documentation, with an example, is on its declaration: see
 * `@cachemir/client/commands`.
 */
export interface CacheMirClient
  extends
    Methods<typeof connection>,
    Methods<typeof strings>,
    Methods<typeof keys>,
    Methods<typeof hashes>,
    Methods<typeof lists>,
    Methods<typeof sets>,
    Methods<typeof server> {}

/**
 * A client for a cluster of CacheMir nodes, with Redis's commands as
 * lower-case methods (as in ioredis). Nodes never talk to each other: the
 * client decides which node owns each key.
 *
 * - Keys and values go in as strings (sent as UTF-8), numbers or
 *   `Uint8Array`s; values come back as strings (UTF-8 decoded), and as
 *   `Uint8Array` from the `...Buffer` variants (`getBuffer`, `mgetBuffer`...).
 * - Integer replies are numbers, as in ioredis. A counter beyond
 *   ±(2^53 − 1) makes `incr`, `decr`, `incrby`, `decrby` and `hincrby`
 *   reject with a `RangeError` that names their `...Big` variant
 *   (`incrBig`, `incrbyBig`...), which resolves with a `bigint`.
 * - Each command's method (and its `...Buffer` and `...Big` variants) is
 *   declared once in `commands/` (`@cachemir/client/commands` documents
 *   them); the methods here that are not commands are written out.
 *
 * **Routing.** A key's owner is found by consistent hashing over the nodes
 * (`hashing: "ring"`, 160 virtual points per node, or `"jump"`); only a key's
 * hash tag is hashed when it has one, so `{user:1}:a` and `{user:1}:b` share
 * a node ({@linkcode CacheMirClient.nodeFor}). MGET, MSET, DEL, EXISTS and
 * UNLINK are split by node, sent in parallel and joined in the caller's
 * order. Other commands with several keys (RENAME, SMOVE, LMOVE,
 * SINTERSTORE, MSETNX...) must have all their keys on one node, or reject
 * with a {@linkcode CrossSlotError} before anything is sent. Commands without
 * keys: DBSIZE sums every node, KEYS concatenates them, FLUSHALL and FLUSHDB
 * go to every node (and reject if one is down), SCAN walks the nodes one
 * after the other with a composite cursor ({@linkcode CacheMirClient.scan}),
 * RANDOMKEY asks nodes in random order until one has a key; PING, ECHO,
 * HELLO and commands the table does not know go to the first node that is
 * up.
 *
 * **Connections.** Each node has a pool of up to `maxConnections`
 * connections, opened on demand; commands are pipelined over them and those
 * issued in the same tick leave in one write. A broken connection is
 * replaced, never reused.
 *
 * **Failures.** A {@linkcode ReplyError} carries the node's text (`ERR value
 * is not an integer or out of range`); a {@linkcode ConnectionError} or
 * {@linkcode TimeoutError} means the command's fate is unknown. Commands
 * safe to repeat are retried after network failures (`retry`). After
 * `failureThreshold` consecutive failures a node is down: its keys go to
 * the next nodes on the ring (`onNodeDown: "remap"`) or reject with a
 * {@linkcode NodeDownError} (`"fail"`), and it is sent PING every
 * `healthCheckIntervalMs` until it answers. `nodeDown`, `nodeUp`,
 * `nodeAdded`, `nodeRemoved` and `error` events are dispatched on the client,
 * an `EventTarget`.
 *
 * **Time.** No attempt waits longer than `connectTimeoutMs` +
 * `commandTimeoutMs` (plus `acquireTimeoutMs` when the node already has
 * `maxInFlight` commands in flight); a call makes at most `retry.attempts`
 * attempts, each retry after a delay below `retry.maxDelayMs`.
 *
 * @example Set and get over three nodes
 * ```ts no-eval
 * // Needs nodes on 127.0.0.1:7379..7381 (`deno task cluster --nodes 3`).
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({
 *   nodes: ["127.0.0.1:7379", "127.0.0.1:7380", "127.0.0.1:7381"],
 * });
 * client.addEventListener("nodeDown", (e) => console.warn(`${e.address} is down`));
 * await client.set("greeting", "hello", { ex: 60 });
 * console.log(await client.get("greeting")); // "hello"
 * console.log(client.nodeFor("greeting")); // e.g. "127.0.0.1:7380"
 * ```
 */
export class CacheMirClient extends EventTarget {
  #cluster: Cluster;
  #near: NearLayer | undefined;

  /**
   * Makes a client. No connection is opened until the first command; `dns:`
   * names are looked up at once.
   *
   * @param options The nodes, routing, failover and timeouts.
   * @throws {TypeError} When `nodes` is empty, an address or `dns:` spec is
   * malformed, or `hashing` or `onNodeDown` is not one of its values.
   * @throws {RangeError} When a timeout, limit, weight or retry setting is
   * out of range.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * const client = new CacheMirClient({
   *   nodes: ["127.0.0.1:7379", "127.0.0.1:7380"],
   *   connectTimeoutMs: 1000,
   *   commandTimeoutMs: 500,
   *   replicas: 2,
   *   retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 500 },
   * });
   * await client.close();
   * ```
   */
  constructor(options: CacheMirClientOptions) {
    super();
    const near = options.nearCache === undefined
      ? undefined
      : new NearLayer(options.nearCache);
    this.#near = near;
    this.#cluster = new Cluster(
      options,
      (event) => {
        // Keys moved (or a node's connections went): what was read may be stale.
        if (near !== undefined && event instanceof NodeEvent) near.remapped();
        this.dispatchEvent(event);
      },
      near?.connector,
    );
    near?.attach(this.#cluster);
  }

  /** Sends through the near cache when there is one. */
  #send<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const near = this.#near;
    return near === undefined
      ? this.#cluster.send(info, args, transform)
      : near.send(info, args, transform);
  }

  /**
   * Resolves once every invalidation the nodes sent before this call was
   * applied to the near cache: one round trip on each open connection (a
   * node writes its pushes before the replies that follow them). Resolves
   * at once without `nearCache`.
   *
   * @returns Settles after the round trips.
   *
   * @example Another client's write, then a read that sees it
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using a = new CacheMirClient({ nodes: "127.0.0.1:7379", nearCache: {} });
   * await using b = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * await a.get("k"); // cached
   * await b.set("k", "new");
   * await a.nearCacheSettled();
   * console.log(await a.get("k")); // "new"
   * ```
   */
  async nearCacheSettled(): Promise<void> {
    await this.#near?.settled();
  }

  /**
   * The near cache's counters summed over the nodes (`stats()` has them
   * per node); `undefined` without `nearCache`.
   *
   * @returns Hits, misses, evictions and invalidations.
   */
  nearCacheStats(): NearCacheStats | undefined {
    return this.#near?.cache.totals();
  }

  static {
    // Each declared command becomes a method, and a `...Buffer` and a
    // `...Big` method when its decoder has bytes and bigint variants.
    const proto = this.prototype as unknown as Record<string, unknown>;
    for (const family of FAMILIES) {
      for (const [method, declared] of Object.entries(family)) {
        if (isWalk(declared)) {
          installWalk(proto, method, declared, (client) => client.#cluster);
          continue;
        }
        if (!isDeclaration(declared)) continue;
        const { info, args, reply } = declared;
        const build = args as (...a: unknown[]) => readonly Arg[];
        const variants: [string, "text" | "bytes" | "big"][] = [
          [method, "text"],
          [`${method}Buffer`, "bytes"],
          [`${method}Big`, "big"],
        ];
        for (const [name, variant] of variants) {
          if (typeof reply === "function") {
            const pick = reply as (...a: unknown[]) => Decoder<unknown>;
            if (variant === "big") continue;
            if (variant === "bytes" && !("bytes" in pick())) continue;
            proto[name] = function (
              this: CacheMirClient,
              ...a: unknown[]
            ): Promise<unknown> {
              const decoder = pick(...a);
              return this.#send(
                info,
                build(...a),
                (variant === "bytes" ? decoder.bytes : decoder.text)!,
              );
            };
          } else {
            const transform = reply[variant];
            if (transform === undefined) continue;
            proto[name] = function (
              this: CacheMirClient,
              ...a: unknown[]
            ): Promise<unknown> {
              return this.#send(info, build(...a), transform);
            };
          }
        }
      }
    }
  }

  /**
   * QUIT: asks each node the client is connected to to close the connection
   * once it has answered everything sent before, then closes the client.
   *
   * @returns `"OK"`.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * console.log(await client.quit()); // "OK"
   * ```
   */
  async quit(): Promise<"OK"> {
    if (!this.#cluster.closed) await this.#cluster.quit();
    await this.close();
    return "OK";
  }

  /**
   * Runs any command by name: with its opcode when the protocol's command
   * table knows it, otherwise with CALL (opcode 0). Replies are plain
   * values: text, numbers (bigint outside the safe range), `null`, arrays;
   * OK and status words as text; maps flattened to `[k1, v1, k2, v2...]`
   * (as RESP2 and ioredis give them).
   *
   * @param name The command's name, any case.
   * @param args Its arguments.
   * @returns The reply.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * console.log(await client.call("strlen", "k")); // 5
   * ```
   */
  call(name: string, ...args: ClientValue[]): Promise<CallReply> {
    return this.#call(name, args, asCallReply);
  }

  /**
   * {@linkcode CacheMirClient.call} with BYTES replies as `Uint8Array`.
   *
   * @param name The command's name, any case.
   * @param args Its arguments.
   * @returns The reply.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * console.log(await client.callBuffer("get", "k")); // Uint8Array(...)
   * ```
   */
  callBuffer(name: string, ...args: ClientValue[]): Promise<CallBufferReply> {
    return this.#call(name, args, asCallBufferReply);
  }

  /** A command by name: with its opcode when the table knows it, else CALL. */
  #call<T>(
    name: string,
    args: readonly ClientValue[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const values = args.map(valueArg);
    const info = commandByName(name);
    return info === undefined
      ? this.#send(CALL, [name, ...values], transform)
      : this.#send(info, values, transform);
  }

  /**
   * The node that owns a key (hash tags included), whatever its health:
   * while it is down, with `onNodeDown: "remap"`, its keys are served by the
   * next nodes on the ring.
   *
   * @param key The key.
   * @returns The owner's address, `host:port`.
   * @throws {RangeError} When the client has no nodes (yet).
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * console.log(client.nodeFor("{user:1}:name") === client.nodeFor("{user:1}:cart")); // true
   * ```
   */
  nodeFor(key: Key): string {
    return this.#cluster.nodeFor(key);
  }

  /**
   * The nodes' addresses, in the order they were added.
   *
   * @returns A new array of `host:port` strings.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * console.log(client.nodes()); // [ "127.0.0.1:7379", "127.0.0.1:7380" ]
   * ```
   */
  nodes(): string[] {
    return this.#cluster.nodes();
  }

  /**
   * Adds a node at run time, or changes the weight of one present. Only keys
   * that the new node now owns move (to it); dispatches `nodeAdded`.
   *
   * With `{ warmUpMs }`, the new node warms up for that long: a GET (or a
   * key of an MGET) that misses on it is tried on the key's previous owner
   * (its owner before the add), and a hit there is returned and copied to
   * the new node with the time it has left to live (`SET ... PX ... NX`).
   * Writes still go only to the new owner; during the warm-up, a write or
   * delete of one of its keys also deletes the key on the previous owner
   * (and resolves once both are done), so that a later read through this
   * client never brings back a value older than that write. FLUSHALL and
   * FLUSHDB end the warm-up. The fallback follows the key's first node (with
   * `replicas`, the copy goes to that node only).
   *
   * @param address `host:port`.
   * @param options Its weight (its share of keys relative to a node of
   *   weight 1), or `{ weight, warmUpMs }`.
   * @default {1} weight
   * @returns The node's normalized address.
   * @throws {TypeError} When the address is malformed.
   * @throws {RangeError} When the weight is out of range for the hashing,
   *   or `warmUpMs` is negative or not finite.
   * @throws {ConnectionError} When the client is closed.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * client.addNode("127.0.0.1:7382");
   * // Misses on the new node are read from the old owners for 30 s:
   * client.addNode("127.0.0.1:7383", { warmUpMs: 30_000 });
   * ```
   */
  addNode(address: string, options?: number | AddNodeOptions): string {
    if (typeof options === "object" && options !== null) {
      return this.#cluster.addNode(
        address,
        options.weight,
        options.warmUpMs ?? 0,
      );
    }
    return this.#cluster.addNode(address, options);
  }

  /**
   * Removes a node at run time: its keys move to their next nodes, no other
   * key moves. Commands in flight to it may finish (up to
   * `commandTimeoutMs`), then its connections close; dispatches
   * `nodeRemoved`.
   *
   * @param address `host:port`.
   * @returns Whether the node was present.
   * @throws {TypeError} When the address is malformed.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * console.log(client.removeNode("127.0.0.1:7382")); // true
   * ```
   */
  removeNode(address: string): boolean {
    return this.#cluster.removeNode(address);
  }

  /**
   * Looks `dns:` node specs up now instead of waiting for
   * `discoveryIntervalMs`, and applies the answer. Does nothing without
   * `dns:` specs.
   *
   * @returns Settles once the node list is updated (a failed lookup
   * dispatches an `error` event and keeps the nodes).
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * await client.refreshNodes();
   * console.log(client.nodes());
   * ```
   */
  refreshNodes(): Promise<void> {
    return this.#cluster.refresh();
  }

  /**
   * Counters per node: state, commands, errors, timeouts, retries, latency
   * percentiles, and pool use.
   *
   * @returns One entry per node, in the order they were added.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * for (const s of client.stats()) {
   *   console.log(s.address, s.state, s.requests, s.latency.p99, s.pool.inUse);
   * }
   * ```
   */
  stats(): ClientNodeStats[] {
    const stats = this.#cluster.stats();
    const near = this.#near;
    if (near === undefined) return stats;
    return stats.map((s) => ({ ...s, nearCache: near.cache.stats(s.address) }));
  }

  /**
   * Listens for one of the client's events: `nodeDown`, `nodeUp`,
   * `nodeAdded`, `nodeRemoved` ({@linkcode NodeEvent}) or `error`
   * ({@linkcode ClientErrorEvent}).
   *
   * @param type The event's name.
   * @param listener Called with the event.
   * @param options As for `EventTarget.addEventListener`.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * client.addEventListener("nodeDown", (e) => console.warn(e.address, e.error));
   * ```
   */
  override addEventListener<K extends keyof CacheMirClientEventMap>(
    type: K,
    listener: (this: CacheMirClient, event: CacheMirClientEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;

  /**
   * Listens for any event, as `EventTarget.addEventListener`.
   *
   * @param type The event's name.
   * @param listener Called with the event.
   * @param options As for `EventTarget.addEventListener`.
   */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
  }

  /**
   * Stops listening for one of the client's events.
   *
   * @param type The event's name.
   * @param listener The listener given to `addEventListener`.
   * @param options As for `EventTarget.removeEventListener`.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * const onDown = () => {};
   * client.addEventListener("nodeDown", onDown);
   * client.removeEventListener("nodeDown", onDown);
   * ```
   */
  override removeEventListener<K extends keyof CacheMirClientEventMap>(
    type: K,
    listener: (this: CacheMirClient, event: CacheMirClientEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;

  /**
   * Stops listening for any event, as `EventTarget.removeEventListener`.
   *
   * @param type The event's name.
   * @param listener The listener given to `addEventListener`.
   * @param options As for `EventTarget.removeEventListener`.
   */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
  }

  /**
   * Closes every connection at once: commands in flight reject with a
   * {@linkcode ConnectionError}, and so do later calls. Idempotent. Use
   * {@linkcode CacheMirClient.quit} to let commands in flight finish first.
   *
   * @returns Settles once every socket has stopped.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * const client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
   * try {
   *   await client.set("k", "v");
   * } finally {
   *   await client.close();
   * }
   * ```
   */
  close(): Promise<void> {
    return this.#cluster.close();
  }

  /**
   * Closes the client at the end of an `await using` block.
   *
   * @returns Settles once every socket has stopped.
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({ nodes: "127.0.0.1:7379" });
   * {
   *   await using client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
   *   await client.set("k", "v");
   * } // closed here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
