/**
 * {@linkcode CacheMirClient}: Redis-named methods over CacheMir's binary
 * protocol.
 *
 * @module
 */

import type { Key } from "./hash.ts";
import {
  commandByName,
  type CommandInfo,
  OPCODE_CALL,
} from "@cachemir/protocol";
import {
  type Arg,
  type HelloInfo,
  parseHello,
  type ReplyTransform,
} from "./connection.ts";
import type { Resolver } from "./discovery.ts";
import type { CacheMirClientEventMap } from "./events.ts";
import type { Hashing } from "./locator.ts";
import type { RetryOptions } from "./retry.ts";
import type { NodeStats } from "./stats.ts";
import { Cluster } from "./_cluster.ts";
import {
  asBigInteger,
  asBytes,
  asBytesArray,
  asBytesOrNull,
  asCallBufferReply,
  asCallReply,
  asFloatString,
  asInteger,
  asNullableBytesArray,
  asNullableStringArray,
  asOk,
  asScan,
  asScanBuffer,
  asSetReply,
  asSetReplyBuffer,
  asString,
  asStringArray,
  asStringOrNull,
  type CallBufferReply,
  type CallReply,
} from "./_replies.ts";
import { command, flat, pushPairs, scanArgs, valueArg } from "./_args.ts";
import {
  C,
  hashArgs,
  keyAndValues,
  keyList,
  lposArgs,
  sintercardArgs,
} from "./_collection_args.ts";
import {
  asBytesArrayOrNull,
  asFlatPairs,
  asFlatPairsBuffer,
  asIntegerArray,
  asPositions,
  asRecord,
  asRecordBuffer,
  asStringArrayOrNull,
} from "./_collection_replies.ts";
import type {
  CollectionScanOptions,
  HashData,
  InsertPosition,
  ListEnd,
  LPosOptions,
  SInterCardOptions,
} from "./collections.ts";

export type { Key };

/** A value: text (sent as UTF-8), a number (sent as its decimal text) or raw bytes. */
export type Value = string | number | Uint8Array;

/**
 * A node in {@linkcode CacheMirClientOptions.nodes}: `"host:port"`
 * (`"[::1]:7379"` for IPv6; the port defaults to 7379), `"dns:name:port"` to
 * discover nodes through DNS, or an address with a weight.
 */
export type NodeSpec =
  | string
  | {
    /** `host:port`. */
    readonly address: string;
    /**
     * The node's share of keys relative to a node of weight 1 (a whole
     * number with `hashing: "jump"`).
     * @default {1}
     */
    readonly weight?: number;
  };

/** Options of {@linkcode CacheMirClient}. */
export interface CacheMirClientOptions {
  /**
   * The nodes: a list of {@linkcode NodeSpec}s, or one spec. A
   * `"dns:name:port"` spec is looked up (A and AAAA records) when the client
   * is made and every `discoveryIntervalMs`; each address found is a node
   * on `port`. Commands issued before the first answer wait for it.
   */
  readonly nodes: string | readonly NodeSpec[];
  /**
   * How keys map to nodes: a ring of virtual nodes with multi-probe lookups, or
   * jump consistent hash (an even spread; clients must add nodes in the same
   * order).
   * @default {"ring"}
   */
  readonly hashing?: Hashing;
  /**
   * Points on the ring per node of weight 1 (`hashing: "ring"`).
   * @default {160}
   */
  readonly pointsPerNode?: number;
  /**
   * Positions looked up per key on the ring (`hashing: "ring"`), 1 to 64: 16
   * keeps every node within 1.05× the mean share up to thousands of nodes.
   * 3 maps keys as clients before 16 probes did (use it while a fleet still
   * has such clients; see client/RING.md).
   * @default {16}
   */
  readonly probes?: number;
  /**
   * How many nodes hold each key. With 2, writes go to the key's owner and
   * the next distinct node on the ring (in parallel; the call resolves once
   * both answered) and reads go to the first of them that is up, so losing
   * one node loses no data. 1 to 16.
   * @default {1}
   */
  readonly replicas?: number;
  /**
   * What happens to the keys of a node that is down: `"remap"` sends them to
   * the next nodes on the ring (the node's keys are cache misses there
   * until written again); `"fail"` rejects their commands at once with a
   * {@linkcode NodeDownError} (replicas still serve reads and take writes).
   * @default {"remap"}
   */
  readonly onNodeDown?: "remap" | "fail";
  /**
   * Consecutive network failures (lost or refused connections, timeouts) on
   * one node that take it down. A success resets the count.
   * @default {3}
   */
  readonly failureThreshold?: number;
  /**
   * How often a down node is sent PING on a fresh connection; it is up
   * again at the first answer.
   * @default {1000}
   */
  readonly healthCheckIntervalMs?: number;
  /**
   * Retries after a network failure, with exponential backoff and full
   * jitter, for commands safe to repeat (the command table's `retry` flag:
   * GET, SET, DEL, EXPIRE..., never INCR, LPUSH, APPEND) and for any command
   * that was never sent. A retry goes where the key lives then; a command
   * stranded on a node when the client takes that node down is sent again
   * without counting that attempt.
   * @default {{ attempts: 3, baseDelayMs: 50, maxDelayMs: 1000 }}
   */
  readonly retry?: RetryOptions;
  /**
   * Time allowed to open a connection, HELLO included.
   * @default {5000}
   */
  readonly connectTimeoutMs?: number;
  /**
   * Time a command may wait for its reply once sent. A command issued while
   * a connection is being opened may wait up to `connectTimeoutMs` more.
   * @default {5000}
   */
  readonly commandTimeoutMs?: number;
  /**
   * The most connections to one node.
   * @default {4}
   */
  readonly maxConnections?: number;
  /**
   * The most commands in flight to one node; more wait for a slot.
   * @default {4096}
   */
  readonly maxInFlight?: number;
  /**
   * The longest a command waits for a slot in its node's pool before it
   * rejects with a {@linkcode TimeoutError} (`operation` `"acquire"`).
   * @default {5000}
   */
  readonly acquireTimeoutMs?: number;
  /**
   * How often `dns:` node specs are looked up again.
   * @default {30000}
   */
  readonly discoveryIntervalMs?: number;
  /**
   * How `dns:` names are looked up (`Deno.resolveDns` by default, which
   * needs `--allow-net`).
   */
  readonly resolver?: Resolver;
  /**
   * Exchange HELLO on connect, to check the peer is a CacheMir node speaking
   * protocol version 1.
   * @default {true}
   */
  readonly hello?: boolean;
  /**
   * The largest reply accepted, in bytes; a larger one rejects its command
   * with a {@linkcode ProtocolError}.
   * @default {536870912}
   */
  readonly maxReplyBytes?: number;
}

/** Options of {@linkcode CacheMirClient.set}; at most one expiry and one of `nx`/`xx`. */
export interface SetOptions {
  /** Expire after this many seconds (`EX`). */
  readonly ex?: number;
  /** Expire after this many milliseconds (`PX`). */
  readonly px?: number;
  /** Expire at this Unix time in seconds (`EXAT`). */
  readonly exat?: number;
  /** Expire at this Unix time in milliseconds (`PXAT`). */
  readonly pxat?: number;
  /** Only set if the key does not exist (`NX`). */
  readonly nx?: boolean;
  /** Only set if the key exists (`XX`). */
  readonly xx?: boolean;
  /** Keep the key's time to live (`KEEPTTL`). */
  readonly keepttl?: boolean;
  /** Return the old value instead of `"OK"` (`GET`). */
  readonly get?: boolean;
}

/** Options of {@linkcode CacheMirClient.getex}; at most one. */
export interface GetExOptions {
  /** Expire after this many seconds (`EX`). */
  readonly ex?: number;
  /** Expire after this many milliseconds (`PX`). */
  readonly px?: number;
  /** Expire at this Unix time in seconds (`EXAT`). */
  readonly exat?: number;
  /** Expire at this Unix time in milliseconds (`PXAT`). */
  readonly pxat?: number;
  /** Remove the time to live (`PERSIST`). */
  readonly persist?: boolean;
}

/** Options of {@linkcode CacheMirClient.scan} and its iterators. */
export interface ScanOptions {
  /** Only keys matching this glob-style pattern (`MATCH`). */
  readonly match?: Key;
  /** A hint of how many keys to look at per call (`COUNT`). */
  readonly count?: number;
  /** Only keys of this type, e.g. `"string"` (`TYPE`). */
  readonly type?: string;
}

/** The condition of {@linkcode CacheMirClient.expire} and its siblings. */
export type ExpireMode = "NX" | "XX" | "GT" | "LT";

/** Keys and values for {@linkcode CacheMirClient.mset}: an object or a Map. */
export type MSetData =
  | Readonly<Record<string, Value>>
  | ReadonlyMap<Key, Value>;

export type { CallBufferReply, CallReply };

const HELLO = command("HELLO");
const PING = command("PING");
const ECHO = command("ECHO");
const DBSIZE = command("DBSIZE");
const FLUSHALL = command("FLUSHALL");
const FLUSHDB = command("FLUSHDB");
const GET = command("GET");
const SET = command("SET");
const SETNX = command("SETNX");
const SETEX = command("SETEX");
const PSETEX = command("PSETEX");
const GETSET = command("GETSET");
const GETDEL = command("GETDEL");
const GETEX = command("GETEX");
const MGET = command("MGET");
const MSET = command("MSET");
const MSETNX = command("MSETNX");
const INCR = command("INCR");
const DECR = command("DECR");
const INCRBY = command("INCRBY");
const DECRBY = command("DECRBY");
const INCRBYFLOAT = command("INCRBYFLOAT");
const APPEND = command("APPEND");
const STRLEN = command("STRLEN");
const GETRANGE = command("GETRANGE");
const SETRANGE = command("SETRANGE");
const DEL = command("DEL");
const UNLINK = command("UNLINK");
const EXISTS = command("EXISTS");
const TYPE = command("TYPE");
const EXPIRE = command("EXPIRE");
const PEXPIRE = command("PEXPIRE");
const EXPIREAT = command("EXPIREAT");
const PEXPIREAT = command("PEXPIREAT");
const TTL = command("TTL");
const PTTL = command("PTTL");
const EXPIRETIME = command("EXPIRETIME");
const PEXPIRETIME = command("PEXPIRETIME");
const PERSIST = command("PERSIST");
const RENAME = command("RENAME");
const RENAMENX = command("RENAMENX");
const KEYS = command("KEYS");
const SCAN = command("SCAN");
const RANDOMKEY = command("RANDOMKEY");

/** CALL: a command the table does not know, by name; no known keys. */
const CALL: CommandInfo = Object.freeze({
  name: "CALL",
  opcode: OPCODE_CALL,
  arity: -2,
  flags: Object.freeze([]),
  keys: Object.freeze({ first: 0, last: 0, step: 0 }),
  route: "first-up",
});

/** MSET / MSETNX arguments from `(data)` or `(key, value, ...)`. */
function msetArgs(input: readonly unknown[]): Arg[] {
  const out: Arg[] = [];
  return pushPairs(out, input)
    ? out
    : (input as readonly Value[]).map(valueArg);
}

function expiryArgs(
  args: Arg[],
  o: { ex?: number; px?: number; exat?: number; pxat?: number },
): void {
  if (o.ex !== undefined) args.push("EX", String(o.ex));
  if (o.px !== undefined) args.push("PX", String(o.px));
  if (o.exat !== undefined) args.push("EXAT", String(o.exat));
  if (o.pxat !== undefined) args.push("PXAT", String(o.pxat));
}

function setArgs(key: Key, value: Value, options?: SetOptions): Arg[] {
  const args: Arg[] = [key, valueArg(value)];
  if (options !== undefined) {
    if (options.nx) args.push("NX");
    if (options.xx) args.push("XX");
    if (options.get) args.push("GET");
    expiryArgs(args, options);
    if (options.keepttl) args.push("KEEPTTL");
  }
  return args;
}

function getexArgs(key: Key, options?: GetExOptions): Arg[] {
  const args: Arg[] = [key];
  if (options !== undefined) {
    expiryArgs(args, options);
    if (options.persist) args.push("PERSIST");
  }
  return args;
}

function expireArgs(key: Key, time: number, mode?: ExpireMode): Arg[] {
  return mode === undefined ? [key, String(time)] : [key, String(time), mode];
}

/**
 * A client for a cluster of CacheMir nodes, with Redis's commands as
 * lower-case methods (as in ioredis). Nodes never talk to each other: the
 * client decides which node owns each key.
 *
 * - Keys and values go in as strings (sent as UTF-8), numbers or
 *   `Uint8Array`s; values come back as strings (UTF-8 decoded), and as
 *   `Uint8Array` from the `...Buffer` variants (`getBuffer`, `mgetBuffer`...).
 * - Integer replies are numbers. `incr`, `decr`, `incrby` and `decrby` give a
 *   `bigint` when the counter is outside ±(2^53 − 1); other integer replies
 *   (counts, lengths, TTLs) never get there.
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
 * ```ts ignore
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
   * ```ts ignore
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
    this.#cluster = new Cluster(options, (event) => this.dispatchEvent(event));
  }

  /** Every command goes through here: routing, retries, splits and joins. */
  #send<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    return this.#cluster.send(info, args, transform);
  }

  // ---------------------------------------------------------------- connection

  /**
   * PING: checks a node answers (the first one that is up; see
   * {@linkcode CacheMirClient.stats} for every node's state).
   *
   * @param message Optional text to echo back.
   * @returns `"PONG"`, or `message`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.ping()); // "PONG"
   * ```
   */
  ping(message?: Value): Promise<string> {
    return this.#send(
      PING,
      message === undefined ? [] : [valueArg(message)],
      asString,
    );
  }

  /**
   * ECHO: returns its argument.
   *
   * @param message The text.
   * @returns `message`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.echo("hi")); // "hi"
   * ```
   */
  echo(message: Value): Promise<string> {
    return this.#send(ECHO, [valueArg(message)], asString);
  }

  /**
   * ECHO, with the reply as bytes.
   *
   * @param message The bytes or text.
   * @returns `message` as bytes.
   *
   * @example
   * ```ts ignore
   * console.log(await client.echoBuffer(new Uint8Array([0, 255]))); // Uint8Array(2) [ 0, 255 ]
   * ```
   */
  echoBuffer(message: Value): Promise<Uint8Array> {
    return this.#send(ECHO, [valueArg(message)], asBytes);
  }

  /**
   * HELLO: what the node says about itself. The client already exchanges
   * HELLO on connect; this asks again.
   *
   * @param versions Protocol versions to offer, e.g. `1`; none = version 1.
   * @returns The node's name, version, chosen protocol and limits.
   * @throws {ReplyError} `NOPROTO ...` when the node speaks none of `versions`.
   *
   * @example
   * ```ts ignore
   * const info = await client.hello(1);
   * console.log(info.server, info.proto, info.maxFrameBytes); // cachemir 1 16777216
   * ```
   */
  hello(...versions: (number | string)[]): Promise<HelloInfo> {
    return this.#send(HELLO, versions.map(String), parseHello);
  }

  /**
   * QUIT: asks each node the client is connected to to close the connection
   * once it has answered everything sent before, then closes the client.
   *
   * @returns `"OK"`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.quit()); // "OK"
   * ```
   */
  async quit(): Promise<"OK"> {
    if (!this.#cluster.closed) await this.#cluster.quit();
    await this.close();
    return "OK";
  }

  // ------------------------------------------------------------------ strings

  /**
   * GET: a key's value.
   *
   * @param key The key.
   * @returns The value as text, or `null` when the key does not exist.
   * @throws {ReplyError} `WRONGTYPE ...` when the key holds a non-string.
   *
   * @example
   * ```ts ignore
   * await client.set("k", "v");
   * console.log(await client.get("k")); // "v"
   * console.log(await client.get("missing")); // null
   * ```
   */
  get(key: Key): Promise<string | null> {
    return this.#send(GET, [key], asStringOrNull);
  }

  /**
   * GET, with the value as bytes.
   *
   * @param key The key.
   * @returns The value's bytes, or `null` when the key does not exist.
   *
   * @example Binary values
   * ```ts ignore
   * await client.set("bin", new Uint8Array([0, 1, 255]));
   * console.log(await client.getBuffer("bin")); // Uint8Array(3) [ 0, 1, 255 ]
   * ```
   */
  getBuffer(key: Key): Promise<Uint8Array | null> {
    return this.#send(GET, [key], asBytesOrNull);
  }

  /**
   * SET with the `get` option: sets the value and returns the old one.
   *
   * @param key The key.
   * @param value The new value.
   * @param options `get: true`, and optionally an expiry, `nx`/`xx`, `keepttl`.
   * @returns The old value as text, or `null` when there was none.
   *
   * @example
   * ```ts ignore
   * await client.set("k", "old");
   * console.log(await client.set("k", "new", { get: true })); // "old"
   * ```
   */
  set(
    key: Key,
    value: Value,
    options: SetOptions & { readonly get: true },
  ): Promise<string | null>;
  /**
   * SET: stores a string value, with an optional expiry and condition.
   *
   * @param key The key.
   * @param value The value.
   * @param options `ex`/`px`/`exat`/`pxat`, `nx`/`xx`, `keepttl`.
   * @returns `"OK"`, or `null` when `nx`/`xx` was not met.
   *
   * @example Expire in 60 seconds, only if absent
   * ```ts ignore
   * console.log(await client.set("lock", "me", { ex: 60, nx: true })); // "OK"
   * console.log(await client.set("lock", "you", { ex: 60, nx: true })); // null
   * ```
   */
  set(
    key: Key,
    value: Value,
    options?: SetOptions & { readonly get?: false },
  ): Promise<"OK" | null>;
  /**
   * SET with options known only at run time.
   *
   * @param key The key.
   * @param value The value.
   * @param options Any {@linkcode SetOptions}.
   * @returns `"OK"`, `null`, or the old value when `get` is set.
   *
   * @example
   * ```ts ignore
   * const options: SetOptions = { px: 1500 };
   * console.log(await client.set("k", "v", options)); // "OK"
   * ```
   */
  set(key: Key, value: Value, options?: SetOptions): Promise<string | null>;
  set(key: Key, value: Value, options?: SetOptions): Promise<string | null> {
    return this.#send(SET, setArgs(key, value, options), asSetReply);
  }

  /**
   * SET, with the old value (`get` option) as bytes.
   *
   * @param key The key.
   * @param value The value.
   * @param options Any {@linkcode SetOptions}.
   * @returns `"OK"`, `null`, or the old value's bytes when `get` is set.
   *
   * @example
   * ```ts ignore
   * await client.set("k", "old");
   * console.log(await client.setBuffer("k", "new", { get: true })); // Uint8Array(3) [ 111, 108, 100 ]
   * ```
   */
  setBuffer(
    key: Key,
    value: Value,
    options?: SetOptions,
  ): Promise<Uint8Array | "OK" | null> {
    return this.#send(SET, setArgs(key, value, options), asSetReplyBuffer);
  }

  /**
   * SETNX: sets the value only if the key does not exist.
   *
   * @param key The key.
   * @param value The value.
   * @returns `1` when set, `0` when the key existed.
   *
   * @example
   * ```ts ignore
   * console.log(await client.setnx("once", "a")); // 1
   * console.log(await client.setnx("once", "b")); // 0
   * ```
   */
  setnx(key: Key, value: Value): Promise<number> {
    return this.#send(SETNX, [key, valueArg(value)], asInteger);
  }

  /**
   * SETEX: sets the value with a time to live in seconds.
   *
   * @param key The key.
   * @param seconds Time to live, > 0.
   * @param value The value.
   * @returns `"OK"`.
   * @throws {ReplyError} `ERR invalid expire time in 'setex' command` for `seconds` <= 0.
   *
   * @example
   * ```ts ignore
   * await client.setex("session", 3600, "data");
   * ```
   */
  setex(key: Key, seconds: number, value: Value): Promise<"OK"> {
    return this.#send(SETEX, [key, String(seconds), valueArg(value)], asOk);
  }

  /**
   * PSETEX: sets the value with a time to live in milliseconds.
   *
   * @param key The key.
   * @param milliseconds Time to live, > 0.
   * @param value The value.
   * @returns `"OK"`.
   *
   * @example
   * ```ts ignore
   * await client.psetex("flash", 1500, "data");
   * ```
   */
  psetex(key: Key, milliseconds: number, value: Value): Promise<"OK"> {
    return this.#send(
      PSETEX,
      [key, String(milliseconds), valueArg(value)],
      asOk,
    );
  }

  /**
   * GETSET: sets the value and returns the old one (the key's TTL is cleared).
   *
   * @param key The key.
   * @param value The new value.
   * @returns The old value as text, or `null`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.getset("k", "new")); // the previous value or null
   * ```
   */
  getset(key: Key, value: Value): Promise<string | null> {
    return this.#send(GETSET, [key, valueArg(value)], asStringOrNull);
  }

  /**
   * GETSET, with the old value as bytes.
   *
   * @param key The key.
   * @param value The new value.
   * @returns The old value's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const old = await client.getsetBuffer("k", new Uint8Array([1]));
   * ```
   */
  getsetBuffer(key: Key, value: Value): Promise<Uint8Array | null> {
    return this.#send(GETSET, [key, valueArg(value)], asBytesOrNull);
  }

  /**
   * GETDEL: returns the value and deletes the key.
   *
   * @param key The key.
   * @returns The value as text, or `null`.
   *
   * @example
   * ```ts ignore
   * await client.set("once", "v");
   * console.log(await client.getdel("once")); // "v"
   * console.log(await client.get("once")); // null
   * ```
   */
  getdel(key: Key): Promise<string | null> {
    return this.#send(GETDEL, [key], asStringOrNull);
  }

  /**
   * GETDEL, with the value as bytes.
   *
   * @param key The key.
   * @returns The value's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const bytes = await client.getdelBuffer("once");
   * ```
   */
  getdelBuffer(key: Key): Promise<Uint8Array | null> {
    return this.#send(GETDEL, [key], asBytesOrNull);
  }

  /**
   * GETEX: returns the value and sets or removes its expiry.
   *
   * @param key The key.
   * @param options One of `ex`/`px`/`exat`/`pxat`/`persist`; none = like GET.
   * @returns The value as text, or `null`.
   *
   * @example Slide a session's expiry
   * ```ts ignore
   * const session = await client.getex("session", { ex: 3600 });
   * ```
   */
  getex(key: Key, options?: GetExOptions): Promise<string | null> {
    return this.#send(GETEX, getexArgs(key, options), asStringOrNull);
  }

  /**
   * GETEX, with the value as bytes.
   *
   * @param key The key.
   * @param options One of `ex`/`px`/`exat`/`pxat`/`persist`.
   * @returns The value's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const bytes = await client.getexBuffer("k", { persist: true });
   * ```
   */
  getexBuffer(key: Key, options?: GetExOptions): Promise<Uint8Array | null> {
    return this.#send(GETEX, getexArgs(key, options), asBytesOrNull);
  }

  /**
   * MGET: the values of several keys, in order. Keys on different nodes
   * are asked of each node at once, in parallel, and put back in order.
   *
   * @param keys The keys, as arguments or as one array.
   * @returns One value (text) or `null` per key.
   *
   * @example
   * ```ts ignore
   * await client.mset({ a: "1", b: "2" });
   * console.log(await client.mget("a", "b", "c")); // [ "1", "2", null ]
   * console.log(await client.mget(["a", "b"])); // [ "1", "2" ]
   * ```
   */
  mget(...keys: Key[] | [readonly Key[]]): Promise<(string | null)[]> {
    return this.#send(MGET, flat(keys), asNullableStringArray);
  }

  /**
   * MGET, with the values as bytes.
   *
   * @param keys The keys, as arguments or as one array.
   * @returns One value (bytes) or `null` per key.
   *
   * @example
   * ```ts ignore
   * const [a, b] = await client.mgetBuffer("a", "b");
   * ```
   */
  mgetBuffer(
    ...keys: Key[] | [readonly Key[]]
  ): Promise<(Uint8Array | null)[]> {
    return this.#send(MGET, flat(keys), asNullableBytesArray);
  }

  /**
   * MSET: sets several keys from an object or a Map, one MSET per node,
   * in parallel (atomic on each node, not across nodes).
   *
   * @param data Keys and values.
   * @returns `"OK"`.
   *
   * @example
   * ```ts ignore
   * await client.mset({ a: "1", b: "2" });
   * await client.mset(new Map([["c", "3"]]));
   * ```
   */
  mset(data: MSetData): Promise<"OK">;
  /**
   * MSET: sets several keys given as `key, value, key, value...`.
   *
   * @param keysAndValues Alternating keys and values.
   * @returns `"OK"`.
   *
   * @example
   * ```ts ignore
   * await client.mset("a", "1", "b", "2");
   * ```
   */
  mset(...keysAndValues: Value[]): Promise<"OK">;
  mset(...input: unknown[]): Promise<"OK"> {
    return this.#send(MSET, msetArgs(input), asOk);
  }

  /**
   * MSETNX: sets several keys only if none of them exists. Atomic, so
   * every key must be on one node (use a hash tag).
   *
   * @param data Keys and values.
   * @returns `1` when all were set, `0` when none was.
   * @throws {CrossSlotError} When the keys are owned by different nodes.
   *
   * @example
   * ```ts ignore
   * console.log(await client.msetnx({ x: "1", y: "2" })); // 1
   * ```
   */
  msetnx(data: MSetData): Promise<number>;
  /**
   * MSETNX with `key, value, key, value...`.
   *
   * @param keysAndValues Alternating keys and values.
   * @returns `1` when all were set, `0` when none was.
   *
   * @example
   * ```ts ignore
   * console.log(await client.msetnx("x", "1", "y", "2")); // 1
   * ```
   */
  msetnx(...keysAndValues: Value[]): Promise<number>;
  msetnx(...input: unknown[]): Promise<number> {
    return this.#send(MSETNX, msetArgs(input), asInteger);
  }

  /**
   * INCR: adds 1 to an integer value (a missing key counts as 0).
   *
   * @param key The key.
   * @returns The new value; a `bigint` outside ±(2^53 − 1).
   * @throws {ReplyError} `ERR value is not an integer or out of range`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.incr("visits")); // 1
   * ```
   */
  incr(key: Key): Promise<number | bigint> {
    return this.#send(INCR, [key], asBigInteger);
  }

  /**
   * DECR: subtracts 1 from an integer value.
   *
   * @param key The key.
   * @returns The new value; a `bigint` outside ±(2^53 − 1).
   *
   * @example
   * ```ts ignore
   * console.log(await client.decr("stock")); // -1 on a missing key
   * ```
   */
  decr(key: Key): Promise<number | bigint> {
    return this.#send(DECR, [key], asBigInteger);
  }

  /**
   * INCRBY: adds an integer to an integer value.
   *
   * @param key The key.
   * @param increment A 64-bit signed integer.
   * @returns The new value; a `bigint` outside ±(2^53 − 1).
   *
   * @example
   * ```ts ignore
   * console.log(await client.incrby("n", 5)); // 5
   * console.log(await client.incrby("big", 9007199254740993n)); // 9007199254740993n
   * ```
   */
  incrby(key: Key, increment: number | bigint): Promise<number | bigint> {
    return this.#send(INCRBY, [key, String(increment)], asBigInteger);
  }

  /**
   * DECRBY: subtracts an integer from an integer value.
   *
   * @param key The key.
   * @param decrement A 64-bit signed integer.
   * @returns The new value; a `bigint` outside ±(2^53 − 1).
   *
   * @example
   * ```ts ignore
   * console.log(await client.decrby("n", 2)); // -2 on a missing key
   * ```
   */
  decrby(key: Key, decrement: number | bigint): Promise<number | bigint> {
    return this.#send(DECRBY, [key, String(decrement)], asBigInteger);
  }

  /**
   * INCRBYFLOAT: adds a decimal number to a numeric value. The result is the
   * node's exact text (as in ioredis), not a rounded JS number.
   *
   * @param key The key.
   * @param increment The amount, a number or its decimal text.
   * @returns The new value as text, e.g. `"10.5"`.
   * @throws {ReplyError} `ERR value is not a valid float`.
   *
   * @example
   * ```ts ignore
   * await client.set("f", "10");
   * console.log(await client.incrbyfloat("f", 0.5)); // "10.5"
   * ```
   */
  incrbyfloat(key: Key, increment: number | string): Promise<string> {
    return this.#send(INCRBYFLOAT, [key, String(increment)], asFloatString);
  }

  /**
   * APPEND: appends to a value (a missing key counts as empty).
   *
   * @param key The key.
   * @param value What to append.
   * @returns The new length in bytes.
   *
   * @example
   * ```ts ignore
   * console.log(await client.append("log", "line\n")); // 5
   * ```
   */
  append(key: Key, value: Value): Promise<number> {
    return this.#send(APPEND, [key, valueArg(value)], asInteger);
  }

  /**
   * STRLEN: a value's length in bytes.
   *
   * @param key The key.
   * @returns The length, 0 for a missing key.
   *
   * @example
   * ```ts ignore
   * await client.set("k", "héllo");
   * console.log(await client.strlen("k")); // 6
   * ```
   */
  strlen(key: Key): Promise<number> {
    return this.#send(STRLEN, [key], asInteger);
  }

  /**
   * GETRANGE: a substring by byte offsets, inclusive; negative offsets count
   * from the end.
   *
   * @param key The key.
   * @param start First byte.
   * @param end Last byte.
   * @returns The bytes in range, as text (empty when out of range).
   *
   * @example
   * ```ts ignore
   * await client.set("k", "Hello World");
   * console.log(await client.getrange("k", 0, 4)); // "Hello"
   * console.log(await client.getrange("k", -5, -1)); // "World"
   * ```
   */
  getrange(key: Key, start: number, end: number): Promise<string> {
    return this.#send(GETRANGE, [key, String(start), String(end)], asString);
  }

  /**
   * GETRANGE, with the bytes as a `Uint8Array`.
   *
   * @param key The key.
   * @param start First byte.
   * @param end Last byte.
   * @returns The bytes in range.
   *
   * @example
   * ```ts ignore
   * const header = await client.getrangeBuffer("file", 0, 3);
   * ```
   */
  getrangeBuffer(key: Key, start: number, end: number): Promise<Uint8Array> {
    return this.#send(GETRANGE, [key, String(start), String(end)], asBytes);
  }

  /**
   * SETRANGE: overwrites part of a value from a byte offset, padding with
   * zero bytes.
   *
   * @param key The key.
   * @param offset Where to write, >= 0.
   * @param value What to write.
   * @returns The new length in bytes.
   *
   * @example
   * ```ts ignore
   * await client.set("k", "Hello World");
   * console.log(await client.setrange("k", 6, "Redis")); // 11
   * ```
   */
  setrange(key: Key, offset: number, value: Value): Promise<number> {
    return this.#send(
      SETRANGE,
      [key, String(offset), valueArg(value)],
      asInteger,
    );
  }

  // --------------------------------------------------------------------- keys

  /**
   * DEL: deletes keys (split by node, in parallel; the counts are added).
   *
   * @param keys The keys, as arguments or as one array.
   * @returns How many existed.
   *
   * @example
   * ```ts ignore
   * console.log(await client.del("a", "b")); // 2
   * ```
   */
  del(...keys: Key[] | [readonly Key[]]): Promise<number> {
    return this.#send(DEL, flat(keys), asInteger);
  }

  /**
   * UNLINK: deletes keys (the node may reclaim memory later).
   *
   * @param keys The keys, as arguments or as one array.
   * @returns How many existed.
   *
   * @example
   * ```ts ignore
   * console.log(await client.unlink(["a", "b"])); // 2
   * ```
   */
  unlink(...keys: Key[] | [readonly Key[]]): Promise<number> {
    return this.#send(UNLINK, flat(keys), asInteger);
  }

  /**
   * EXISTS: counts the keys that exist (a key named twice counts twice).
   *
   * @param keys The keys, as arguments or as one array.
   * @returns The count.
   *
   * @example
   * ```ts ignore
   * console.log(await client.exists("a", "missing")); // 1
   * ```
   */
  exists(...keys: Key[] | [readonly Key[]]): Promise<number> {
    return this.#send(EXISTS, flat(keys), asInteger);
  }

  /**
   * TYPE: the type of a key's value.
   *
   * @param key The key.
   * @returns `"string"`, `"hash"`, `"list"`, `"set"`, or `"none"` when missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.type("k")); // "string"
   * ```
   */
  type(key: Key): Promise<string> {
    return this.#send(TYPE, [key], asString);
  }

  /**
   * EXPIRE: sets a time to live in seconds.
   *
   * @param key The key.
   * @param seconds Time to live (<= 0 deletes the key).
   * @param mode Only when it has none (`NX`), has one (`XX`), or the new one is greater (`GT`) or less (`LT`).
   * @returns `1` when set, `0` when the key is missing or the condition was not met.
   *
   * @example
   * ```ts ignore
   * console.log(await client.expire("k", 10, "NX")); // 1
   * ```
   */
  expire(key: Key, seconds: number, mode?: ExpireMode): Promise<number> {
    return this.#send(EXPIRE, expireArgs(key, seconds, mode), asInteger);
  }

  /**
   * PEXPIRE: sets a time to live in milliseconds.
   *
   * @param key The key.
   * @param milliseconds Time to live.
   * @param mode `NX`, `XX`, `GT` or `LT`, as for {@linkcode CacheMirClient.expire}.
   * @returns `1` when set, `0` otherwise.
   *
   * @example
   * ```ts ignore
   * console.log(await client.pexpire("k", 1500)); // 1
   * ```
   */
  pexpire(key: Key, milliseconds: number, mode?: ExpireMode): Promise<number> {
    return this.#send(PEXPIRE, expireArgs(key, milliseconds, mode), asInteger);
  }

  /**
   * EXPIREAT: expires the key at a Unix time in seconds.
   *
   * @param key The key.
   * @param unixSeconds When.
   * @param mode `NX`, `XX`, `GT` or `LT`.
   * @returns `1` when set, `0` otherwise.
   *
   * @example
   * ```ts ignore
   * await client.expireat("k", Math.floor(Date.now() / 1000) + 60);
   * ```
   */
  expireat(key: Key, unixSeconds: number, mode?: ExpireMode): Promise<number> {
    return this.#send(EXPIREAT, expireArgs(key, unixSeconds, mode), asInteger);
  }

  /**
   * PEXPIREAT: expires the key at a Unix time in milliseconds.
   *
   * @param key The key.
   * @param unixMilliseconds When.
   * @param mode `NX`, `XX`, `GT` or `LT`.
   * @returns `1` when set, `0` otherwise.
   *
   * @example
   * ```ts ignore
   * await client.pexpireat("k", Date.now() + 60_000);
   * ```
   */
  pexpireat(
    key: Key,
    unixMilliseconds: number,
    mode?: ExpireMode,
  ): Promise<number> {
    return this.#send(
      PEXPIREAT,
      expireArgs(key, unixMilliseconds, mode),
      asInteger,
    );
  }

  /**
   * TTL: remaining time to live in seconds.
   *
   * @param key The key.
   * @returns Seconds; `-1` when the key has no expiry, `-2` when it is missing.
   *
   * @example
   * ```ts ignore
   * await client.set("k", "v", { ex: 10 });
   * console.log(await client.ttl("k")); // 10
   * ```
   */
  ttl(key: Key): Promise<number> {
    return this.#send(TTL, [key], asInteger);
  }

  /**
   * PTTL: remaining time to live in milliseconds.
   *
   * @param key The key.
   * @returns Milliseconds; `-1` without expiry, `-2` when missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.pttl("k")); // e.g. 9998
   * ```
   */
  pttl(key: Key): Promise<number> {
    return this.#send(PTTL, [key], asInteger);
  }

  /**
   * EXPIRETIME: the Unix time in seconds at which the key expires.
   *
   * @param key The key.
   * @returns Seconds; `-1` without expiry, `-2` when missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.expiretime("k"));
   * ```
   */
  expiretime(key: Key): Promise<number> {
    return this.#send(EXPIRETIME, [key], asInteger);
  }

  /**
   * PEXPIRETIME: the Unix time in milliseconds at which the key expires.
   *
   * @param key The key.
   * @returns Milliseconds; `-1` without expiry, `-2` when missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.pexpiretime("k"));
   * ```
   */
  pexpiretime(key: Key): Promise<number> {
    return this.#send(PEXPIRETIME, [key], asInteger);
  }

  /**
   * PERSIST: removes the key's time to live.
   *
   * @param key The key.
   * @returns `1` when a TTL was removed, `0` otherwise.
   *
   * @example
   * ```ts ignore
   * console.log(await client.persist("k")); // 1
   * ```
   */
  persist(key: Key): Promise<number> {
    return this.#send(PERSIST, [key], asInteger);
  }

  /**
   * RENAME: renames a key, replacing any key of the new name. Both names
   * must be on one node (use a hash tag: `{doc:1}:draft`, `{doc:1}:final`).
   *
   * @param key The key.
   * @param newKey Its new name.
   * @returns `"OK"`.
   * @throws {ReplyError} `ERR no such key` when `key` is missing.
   * @throws {CrossSlotError} When the two names are owned by different nodes.
   *
   * @example
   * ```ts ignore
   * await client.rename("draft", "final");
   * ```
   */
  rename(key: Key, newKey: Key): Promise<"OK"> {
    return this.#send(RENAME, [key, newKey], asOk);
  }

  /**
   * RENAMENX: renames a key only if the new name is free.
   *
   * @param key The key.
   * @param newKey Its new name.
   * @returns `1` when renamed, `0` when `newKey` exists.
   *
   * @example
   * ```ts ignore
   * console.log(await client.renamenx("a", "b")); // 1
   * ```
   */
  renamenx(key: Key, newKey: Key): Promise<number> {
    return this.#send(RENAMENX, [key, newKey], asInteger);
  }

  /**
   * KEYS: every key matching a glob-style pattern, from every node that is
   * up (concatenated, node by node; with `replicas`, each copy). O(n) on each
   * node: prefer {@linkcode CacheMirClient.scanIterator} on large keyspaces.
   *
   * @param pattern E.g. `"user:*"`; `*`, `?`, `[abc]`, `[^a]`, `\` escapes.
   * @returns The keys, in no particular order.
   *
   * @example
   * ```ts ignore
   * console.log(await client.keys("user:*")); // [ "user:1", "user:2" ]
   * ```
   */
  keys(pattern: Key): Promise<string[]> {
    return this.#send(KEYS, [pattern], asStringArray);
  }

  /**
   * KEYS, with the keys as bytes.
   *
   * @param pattern A glob-style pattern.
   * @returns The keys' bytes.
   *
   * @example
   * ```ts ignore
   * const keys = await client.keysBuffer("*");
   * ```
   */
  keysBuffer(pattern: Key): Promise<Uint8Array[]> {
    return this.#send(KEYS, [pattern], asBytesArray);
  }

  /**
   * SCAN: one step of an incremental iteration over the keys. Start with
   * cursor `"0"`; the iteration is over when cursor `"0"` comes back. A key
   * may be returned more than once.
   *
   * Over several nodes the nodes are scanned one after the other, in address
   * order, and the cursor returned is `nodeCursor × 1024 + nodeIndex` (at
   * most 1024 nodes); a step may return no keys. Down nodes are skipped
   * (`onNodeDown: "remap"`) or make the step reject (`"fail"`). Adding or
   * removing nodes during an iteration can make it miss or repeat keys. With
   * a single node, cursors are the node's own.
   *
   * @param cursor `"0"`, or the cursor of the previous step.
   * @param options `match`, `count`, `type`.
   * @returns `[nextCursor, keys]`.
   *
   * @example
   * ```ts ignore
   * let cursor = "0";
   * do {
   *   const [next, keys] = await client.scan(cursor, { match: "user:*", count: 100 });
   *   console.log(keys);
   *   cursor = next;
   * } while (cursor !== "0");
   * ```
   */
  scan(
    cursor: string | number,
    options?: ScanOptions,
  ): Promise<[string, string[]]> {
    return this.#send(SCAN, scanArgs(undefined, cursor, options), asScan);
  }

  /**
   * SCAN, with the keys as bytes.
   *
   * @param cursor `"0"`, or the cursor of the previous step.
   * @param options `match`, `count`, `type`.
   * @returns `[nextCursor, keys]`.
   *
   * @example
   * ```ts ignore
   * const [next, keys] = await client.scanBuffer("0");
   * ```
   */
  scanBuffer(
    cursor: string | number,
    options?: ScanOptions,
  ): Promise<[string, Uint8Array[]]> {
    return this.#send(SCAN, scanArgs(undefined, cursor, options), asScanBuffer);
  }

  /**
   * Iterates over every key with SCAN, one step at a time. Keys present for
   * the whole iteration are yielded at least once; a key may repeat.
   *
   * @param options `match`, `count`, `type`.
   * @returns An async iterator of keys.
   *
   * @example
   * ```ts ignore
   * for await (const key of client.scanIterator({ match: "session:*" })) {
   *   await client.del(key);
   * }
   * ```
   */
  async *scanIterator(
    options?: ScanOptions,
  ): AsyncGenerator<string, void, undefined> {
    let cursor = "0";
    do {
      const [next, keys] = await this.scan(cursor, options);
      yield* keys;
      cursor = next;
    } while (cursor !== "0");
  }

  /**
   * {@linkcode CacheMirClient.scanIterator} with the keys as bytes.
   *
   * @param options `match`, `count`, `type`.
   * @returns An async iterator of keys' bytes.
   *
   * @example
   * ```ts ignore
   * for await (const key of client.scanBufferIterator()) console.log(key);
   * ```
   */
  async *scanBufferIterator(
    options?: ScanOptions,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    let cursor = "0";
    do {
      const [next, keys] = await this.scanBuffer(cursor, options);
      yield* keys;
      cursor = next;
    } while (cursor !== "0");
  }

  /**
   * RANDOMKEY: a key picked at random, from nodes asked in random order
   * until one has a key.
   *
   * @returns A key, or `null` when every node that is up is empty.
   *
   * @example
   * ```ts ignore
   * console.log(await client.randomkey());
   * ```
   */
  randomkey(): Promise<string | null> {
    return this.#send(RANDOMKEY, [], asStringOrNull);
  }

  /**
   * RANDOMKEY, with the key as bytes.
   *
   * @returns A key's bytes, or `null` when the keyspace is empty.
   *
   * @example
   * ```ts ignore
   * console.log(await client.randomkeyBuffer());
   * ```
   */
  randomkeyBuffer(): Promise<Uint8Array | null> {
    return this.#send(RANDOMKEY, [], asBytesOrNull);
  }

  /**
   * DBSIZE: the number of keys, summed over every node (with `replicas`,
   * each copy counts). Down nodes are left out (`onNodeDown: "remap"`) or
   * make it reject (`"fail"`).
   *
   * @returns The count.
   *
   * @example
   * ```ts ignore
   * console.log(await client.dbsize()); // 42
   * ```
   */
  dbsize(): Promise<number> {
    return this.#send(DBSIZE, [], asInteger);
  }

  /**
   * FLUSHALL: deletes every key on every node.
   *
   * @param mode `"ASYNC"` or `"SYNC"`.
   * @returns `"OK"`.
   * @throws {NodeDownError} When a node is down: its keys could not be deleted.
   *
   * @example
   * ```ts ignore
   * await client.flushall();
   * ```
   */
  flushall(mode?: "ASYNC" | "SYNC"): Promise<"OK"> {
    return this.#send(FLUSHALL, mode === undefined ? [] : [mode], asOk);
  }

  /**
   * FLUSHDB: deletes every key of every node's (only) database.
   *
   * @param mode `"ASYNC"` or `"SYNC"`.
   * @returns `"OK"`.
   * @throws {NodeDownError} When a node is down: its keys could not be deleted.
   *
   * @example
   * ```ts ignore
   * await client.flushdb("SYNC");
   * ```
   */
  flushdb(mode?: "ASYNC" | "SYNC"): Promise<"OK"> {
    return this.#send(FLUSHDB, mode === undefined ? [] : [mode], asOk);
  }

  // ------------------------------------------------------------------- hashes

  /**
   * HSET: sets fields of a hash, creating it if needed.
   *
   * @param key The key.
   * @param data The fields and values, as an object or a Map.
   * @returns How many fields were new.
   * @throws {ReplyError} `WRONGTYPE ...` when the key holds another type.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hset("user:1", { name: "Ada", born: 1815 })); // 2
   * ```
   */
  hset(key: Key, data: HashData): Promise<number>;
  /**
   * HSET with fields and values as arguments: `hset(key, f1, v1, f2, v2)`.
   *
   * @param key The key.
   * @param field The first field.
   * @param value Its value.
   * @param fieldsAndValues More fields, each followed by its value.
   * @returns How many fields were new.
   * @throws {TypeError} When a field has no value.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hset("user:1", "name", "Ada", "born", 1815)); // 2
   * ```
   */
  hset(
    key: Key,
    field: Value,
    value: Value,
    ...fieldsAndValues: Value[]
  ): Promise<number>;
  hset(key: Key, ...input: unknown[]): Promise<number> {
    return this.#send(C.HSET, hashArgs(key, input, "hset"), asInteger);
  }

  /**
   * HMSET: HSET replying `"OK"` (deprecated in Redis, kept for old code).
   *
   * @param key The key.
   * @param data The fields and values, as an object or a Map.
   * @returns `"OK"`.
   *
   * @example
   * ```ts ignore
   * await client.hmset("user:1", { name: "Ada" });
   * ```
   */
  hmset(key: Key, data: HashData): Promise<"OK">;
  /**
   * HMSET with fields and values as arguments.
   *
   * @param key The key.
   * @param field The first field.
   * @param value Its value.
   * @param fieldsAndValues More fields, each followed by its value.
   * @returns `"OK"`.
   *
   * @example
   * ```ts ignore
   * await client.hmset("user:1", "name", "Ada");
   * ```
   */
  hmset(
    key: Key,
    field: Value,
    value: Value,
    ...fieldsAndValues: Value[]
  ): Promise<"OK">;
  hmset(key: Key, ...input: unknown[]): Promise<"OK"> {
    return this.#send(C.HMSET, hashArgs(key, input, "hmset"), asOk);
  }

  /**
   * HSETNX: sets a field only if the hash does not have it.
   *
   * @param key The key.
   * @param field The field.
   * @param value The value.
   * @returns `1` when set, `0` when the field existed.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hsetnx("user:1", "name", "Ada")); // 1
   * console.log(await client.hsetnx("user:1", "name", "Grace")); // 0
   * ```
   */
  hsetnx(key: Key, field: Value, value: Value): Promise<number> {
    return this.#send(
      C.HSETNX,
      [key, valueArg(field), valueArg(value)],
      asInteger,
    );
  }

  /**
   * HGET: a field's value.
   *
   * @param key The key.
   * @param field The field.
   * @returns The value as text, or `null` when the field or key is missing.
   * @throws {ReplyError} `WRONGTYPE ...` when the key holds another type.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hget("user:1", "name")); // "Ada"
   * ```
   */
  hget(key: Key, field: Value): Promise<string | null> {
    return this.#send(C.HGET, [key, valueArg(field)], asStringOrNull);
  }

  /**
   * HGET, with the value as bytes.
   *
   * @param key The key.
   * @param field The field.
   * @returns The value's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const avatar = await client.hgetBuffer("user:1", "avatar");
   * ```
   */
  hgetBuffer(key: Key, field: Value): Promise<Uint8Array | null> {
    return this.#send(C.HGET, [key, valueArg(field)], asBytesOrNull);
  }

  /**
   * HMGET: the values of several fields.
   *
   * @param key The key.
   * @param fields The fields, as arguments or as one array.
   * @returns One value or `null` per field, in order.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hmget("user:1", "name", "nope")); // [ "Ada", null ]
   * ```
   */
  hmget(
    key: Key,
    ...fields: Value[] | [readonly Value[]]
  ): Promise<(string | null)[]> {
    return this.#send(
      C.HMGET,
      keyAndValues(key, fields),
      asNullableStringArray,
    );
  }

  /**
   * HMGET, with the values as bytes.
   *
   * @param key The key.
   * @param fields The fields, as arguments or as one array.
   * @returns One value's bytes or `null` per field, in order.
   *
   * @example
   * ```ts ignore
   * const [a, b] = await client.hmgetBuffer("h", ["a", "b"]);
   * ```
   */
  hmgetBuffer(
    key: Key,
    ...fields: Value[] | [readonly Value[]]
  ): Promise<(Uint8Array | null)[]> {
    return this.#send(
      C.HMGET,
      keyAndValues(key, fields),
      asNullableBytesArray,
    );
  }

  /**
   * HGETALL: every field and value of a hash, as an object (as ioredis
   * gives it). Field names are decoded as UTF-8: for binary field names use
   * {@linkcode CacheMirClient.hscanBuffer}.
   *
   * @param key The key.
   * @returns `{ field: value }`; `{}` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hgetall("user:1")); // { name: "Ada", born: "1815" }
   * ```
   */
  hgetall(key: Key): Promise<Record<string, string>> {
    return this.#send(C.HGETALL, [key], asRecord);
  }

  /**
   * HGETALL, with the values as bytes (field names as UTF-8 text).
   *
   * @param key The key.
   * @returns `{ field: bytes }`; `{}` when the key is missing.
   *
   * @example
   * ```ts ignore
   * const { avatar } = await client.hgetallBuffer("user:1");
   * ```
   */
  hgetallBuffer(key: Key): Promise<Record<string, Uint8Array>> {
    return this.#send(C.HGETALL, [key], asRecordBuffer);
  }

  /**
   * HDEL: deletes fields; a hash left empty is deleted.
   *
   * @param key The key.
   * @param fields The fields, as arguments or as one array.
   * @returns How many fields were deleted.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hdel("user:1", "name", "nope")); // 1
   * ```
   */
  hdel(key: Key, ...fields: Value[] | [readonly Value[]]): Promise<number> {
    return this.#send(C.HDEL, keyAndValues(key, fields), asInteger);
  }

  /**
   * HEXISTS: whether a hash has a field. Like ioredis, the reply is the
   * node's integer: `1` or `0`.
   *
   * @param key The key.
   * @param field The field.
   * @returns `1` when the field exists, else `0`.
   *
   * @example
   * ```ts ignore
   * if (await client.hexists("user:1", "name")) console.log("named");
   * ```
   */
  hexists(key: Key, field: Value): Promise<number> {
    return this.#send(C.HEXISTS, [key, valueArg(field)], asInteger);
  }

  /**
   * HLEN: the number of fields.
   *
   * @param key The key.
   * @returns The count; `0` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hlen("user:1")); // 2
   * ```
   */
  hlen(key: Key): Promise<number> {
    return this.#send(C.HLEN, [key], asInteger);
  }

  /**
   * HKEYS: every field of a hash.
   *
   * @param key The key.
   * @returns The fields, in the order of {@linkcode CacheMirClient.hvals}.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hkeys("user:1")); // [ "name", "born" ]
   * ```
   */
  hkeys(key: Key): Promise<string[]> {
    return this.#send(C.HKEYS, [key], asStringArray);
  }

  /**
   * HKEYS, with the fields as bytes.
   *
   * @param key The key.
   * @returns The fields' bytes.
   *
   * @example
   * ```ts ignore
   * const fields = await client.hkeysBuffer("h");
   * ```
   */
  hkeysBuffer(key: Key): Promise<Uint8Array[]> {
    return this.#send(C.HKEYS, [key], asBytesArray);
  }

  /**
   * HVALS: every value of a hash.
   *
   * @param key The key.
   * @returns The values, in the order of {@linkcode CacheMirClient.hkeys}.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hvals("user:1")); // [ "Ada", "1815" ]
   * ```
   */
  hvals(key: Key): Promise<string[]> {
    return this.#send(C.HVALS, [key], asStringArray);
  }

  /**
   * HVALS, with the values as bytes.
   *
   * @param key The key.
   * @returns The values' bytes.
   *
   * @example
   * ```ts ignore
   * const values = await client.hvalsBuffer("h");
   * ```
   */
  hvalsBuffer(key: Key): Promise<Uint8Array[]> {
    return this.#send(C.HVALS, [key], asBytesArray);
  }

  /**
   * HINCRBY: adds to the integer in a field (a missing field counts as 0).
   *
   * @param key The key.
   * @param field The field.
   * @param increment The amount, may be negative.
   * @returns The new value: a `bigint` outside ±(2^53 − 1).
   * @throws {ReplyError} `ERR hash value is not an integer`, or
   * `ERR increment or decrement would overflow`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hincrby("stats", "visits", 1)); // 1
   * ```
   */
  hincrby(
    key: Key,
    field: Value,
    increment: number | bigint,
  ): Promise<number | bigint> {
    return this.#send(
      C.HINCRBY,
      [key, valueArg(field), String(increment)],
      asBigInteger,
    );
  }

  /**
   * HINCRBYFLOAT: adds to the number in a field, in Redis's long double
   * arithmetic.
   *
   * @param key The key.
   * @param field The field.
   * @param increment The amount, as a number or as text (`"1.5e3"`).
   * @returns The new value as text, as Redis formats it (`"10.6"`).
   * @throws {ReplyError} `ERR hash value is not a float`, or
   * `ERR value is NaN or Infinity`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hincrbyfloat("prices", "tea", 0.1)); // "10.6"
   * ```
   */
  hincrbyfloat(
    key: Key,
    field: Value,
    increment: number | string,
  ): Promise<string> {
    return this.#send(
      C.HINCRBYFLOAT,
      [key, valueArg(field), String(increment)],
      asFloatString,
    );
  }

  /**
   * HSTRLEN: the length in bytes of a field's value.
   *
   * @param key The key.
   * @param field The field.
   * @returns The length; `0` when the field or key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hstrlen("user:1", "name")); // 3
   * ```
   */
  hstrlen(key: Key, field: Value): Promise<number> {
    return this.#send(C.HSTRLEN, [key, valueArg(field)], asInteger);
  }

  /**
   * HRANDFIELD: one field picked at random.
   *
   * @param key The key.
   * @returns A field, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hrandfield("user:1")); // e.g. "born"
   * ```
   */
  hrandfield(key: Key): Promise<string | null>;
  /**
   * HRANDFIELD with a count: `count > 0` picks that many distinct fields
   * (the whole hash when it has fewer); `count < 0` picks `-count` fields
   * that may repeat. With `withValues`, each field is followed by its value
   * in one flat array, as ioredis gives it.
   *
   * @param key The key.
   * @param count How many, and whether they may repeat.
   * @param withValues Follow each field by its value (`WITHVALUES`).
   * @default {false} for `withValues`
   * @returns `[field, ...]`, or `[field, value, field, value, ...]`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.hrandfield("user:1", 2, true)); // [ "born", "1815", "name", "Ada" ]
   * ```
   */
  hrandfield(key: Key, count: number, withValues?: boolean): Promise<string[]>;
  hrandfield(
    key: Key,
    count?: number,
    withValues?: boolean,
  ): Promise<string | null | string[]> {
    if (count === undefined) {
      return this.#send(C.HRANDFIELD, [key], asStringOrNull);
    }
    return withValues
      ? this.#send(
        C.HRANDFIELD,
        [key, String(count), "WITHVALUES"],
        asFlatPairs,
      )
      : this.#send(C.HRANDFIELD, [key, String(count)], asStringArray);
  }

  /**
   * HRANDFIELD, with the field as bytes.
   *
   * @param key The key.
   * @returns A field's bytes, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * const field = await client.hrandfieldBuffer("h");
   * ```
   */
  hrandfieldBuffer(key: Key): Promise<Uint8Array | null>;
  /**
   * HRANDFIELD with a count, as bytes.
   *
   * @param key The key.
   * @param count How many, and whether they may repeat (see
   * {@linkcode CacheMirClient.hrandfield}).
   * @param withValues Follow each field by its value.
   * @default {false} for `withValues`
   * @returns The fields (and values) as bytes, flat.
   *
   * @example
   * ```ts ignore
   * const pairs = await client.hrandfieldBuffer("h", -5, true);
   * ```
   */
  hrandfieldBuffer(
    key: Key,
    count: number,
    withValues?: boolean,
  ): Promise<Uint8Array[]>;
  hrandfieldBuffer(
    key: Key,
    count?: number,
    withValues?: boolean,
  ): Promise<Uint8Array | null | Uint8Array[]> {
    if (count === undefined) {
      return this.#send(C.HRANDFIELD, [key], asBytesOrNull);
    }
    return withValues
      ? this.#send(
        C.HRANDFIELD,
        [key, String(count), "WITHVALUES"],
        asFlatPairsBuffer,
      )
      : this.#send(C.HRANDFIELD, [key, String(count)], asBytesArray);
  }

  /**
   * HSCAN: one step of an incremental iteration over a hash. Start with
   * cursor `"0"`; the iteration is over when the node returns `"0"`. A field
   * may be returned more than once; one present for the whole iteration is
   * returned at least once.
   *
   * @param key The key.
   * @param cursor `"0"`, or the cursor of the previous step.
   * @param options `match`, `count`.
   * @returns `[nextCursor, [field, value, field, value, ...]]`.
   *
   * @example
   * ```ts ignore
   * const [cursor, flat] = await client.hscan("user:1", "0", { match: "n*" });
   * ```
   */
  hscan(
    key: Key,
    cursor: string | number,
    options?: CollectionScanOptions,
  ): Promise<[string, string[]]> {
    return this.#send(
      C.HSCAN,
      scanArgs(key, cursor, options),
      asScan,
    );
  }

  /**
   * HSCAN, with fields and values as bytes.
   *
   * @param key The key.
   * @param cursor `"0"`, or the cursor of the previous step.
   * @param options `match`, `count`.
   * @returns `[nextCursor, [field, value, ...]]`.
   *
   * @example
   * ```ts ignore
   * const [cursor, flat] = await client.hscanBuffer("h", "0");
   * ```
   */
  hscanBuffer(
    key: Key,
    cursor: string | number,
    options?: CollectionScanOptions,
  ): Promise<[string, Uint8Array[]]> {
    return this.#send(
      C.HSCAN,
      scanArgs(key, cursor, options),
      asScanBuffer,
    );
  }

  /**
   * Iterates over a hash's fields with HSCAN, one step at a time.
   *
   * @param key The key.
   * @param options `match`, `count`.
   * @returns An async iterator of `[field, value]` pairs.
   *
   * @example
   * ```ts ignore
   * for await (const [field, value] of client.hscanIterator("user:1")) {
   *   console.log(field, value);
   * }
   * ```
   */
  async *hscanIterator(
    key: Key,
    options?: CollectionScanOptions,
  ): AsyncGenerator<[string, string], void, undefined> {
    let cursor = "0";
    do {
      const [next, flat] = await this.hscan(key, cursor, options);
      for (let i = 0; i + 1 < flat.length; i += 2) yield [flat[i], flat[i + 1]];
      cursor = next;
    } while (cursor !== "0");
  }

  /**
   * {@linkcode CacheMirClient.hscanIterator} with fields and values as
   * bytes.
   *
   * @param key The key.
   * @param options `match`, `count`.
   * @returns An async iterator of `[field, value]` pairs of bytes.
   *
   * @example
   * ```ts ignore
   * for await (const [field, value] of client.hscanBufferIterator("h")) {
   *   console.log(field.length, value.length);
   * }
   * ```
   */
  async *hscanBufferIterator(
    key: Key,
    options?: CollectionScanOptions,
  ): AsyncGenerator<[Uint8Array, Uint8Array], void, undefined> {
    let cursor = "0";
    do {
      const [next, flat] = await this.hscanBuffer(key, cursor, options);
      for (let i = 0; i + 1 < flat.length; i += 2) yield [flat[i], flat[i + 1]];
      cursor = next;
    } while (cursor !== "0");
  }

  // -------------------------------------------------------------------- lists

  /**
   * LPUSH: inserts elements at the head of a list, creating it if needed.
   * `lpush(k, "a", "b")` leaves `b` first.
   *
   * @param key The key.
   * @param elements The elements, as arguments or as one array.
   * @returns The list's length after the push.
   * @throws {ReplyError} `WRONGTYPE ...` when the key holds another type.
   *
   * @example
   * ```ts ignore
   * console.log(await client.lpush("queue", "a", "b")); // 2
   * ```
   */
  lpush(key: Key, ...elements: Value[] | [readonly Value[]]): Promise<number> {
    return this.#send(C.LPUSH, keyAndValues(key, elements), asInteger);
  }

  /**
   * RPUSH: appends elements at the tail of a list, creating it if needed.
   *
   * @param key The key.
   * @param elements The elements, as arguments or as one array.
   * @returns The list's length after the push.
   *
   * @example
   * ```ts ignore
   * console.log(await client.rpush("queue", ["a", "b", "c"])); // 3
   * ```
   */
  rpush(key: Key, ...elements: Value[] | [readonly Value[]]): Promise<number> {
    return this.#send(C.RPUSH, keyAndValues(key, elements), asInteger);
  }

  /**
   * LPUSHX: LPUSH only if the list exists.
   *
   * @param key The key.
   * @param elements The elements, as arguments or as one array.
   * @returns The length after the push; `0` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.lpushx("missing", "a")); // 0
   * ```
   */
  lpushx(key: Key, ...elements: Value[] | [readonly Value[]]): Promise<number> {
    return this.#send(C.LPUSHX, keyAndValues(key, elements), asInteger);
  }

  /**
   * RPUSHX: RPUSH only if the list exists.
   *
   * @param key The key.
   * @param elements The elements, as arguments or as one array.
   * @returns The length after the push; `0` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.rpushx("queue", "d")); // 4
   * ```
   */
  rpushx(key: Key, ...elements: Value[] | [readonly Value[]]): Promise<number> {
    return this.#send(C.RPUSHX, keyAndValues(key, elements), asInteger);
  }

  /**
   * LPOP: removes and returns the head of a list; a list left empty is
   * deleted.
   *
   * @param key The key.
   * @returns The element, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.lpop("queue")); // "b"
   * ```
   */
  lpop(key: Key): Promise<string | null>;
  /**
   * LPOP with a count: removes and returns up to `count` elements from the
   * head.
   *
   * @param key The key.
   * @param count How many, >= 0.
   * @returns The elements, head first (`[]` for a count of 0), or `null`
   * when the key is missing.
   * @throws {ReplyError} `ERR value is out of range, must be positive` for a
   * negative count.
   *
   * @example
   * ```ts ignore
   * console.log(await client.lpop("queue", 2)); // [ "a", "b" ]
   * ```
   */
  lpop(key: Key, count: number): Promise<string[] | null>;
  lpop(key: Key, count?: number): Promise<string | string[] | null> {
    return count === undefined
      ? this.#send(C.LPOP, [key], asStringOrNull)
      : this.#send(C.LPOP, [key, String(count)], asStringArrayOrNull);
  }

  /**
   * LPOP, with the element as bytes.
   *
   * @param key The key.
   * @returns The element's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const job = await client.lpopBuffer("jobs");
   * ```
   */
  lpopBuffer(key: Key): Promise<Uint8Array | null>;
  /**
   * LPOP with a count, as bytes.
   *
   * @param key The key.
   * @param count How many, >= 0.
   * @returns The elements' bytes, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * const jobs = await client.lpopBuffer("jobs", 10);
   * ```
   */
  lpopBuffer(key: Key, count: number): Promise<Uint8Array[] | null>;
  lpopBuffer(
    key: Key,
    count?: number,
  ): Promise<Uint8Array | Uint8Array[] | null> {
    return count === undefined
      ? this.#send(C.LPOP, [key], asBytesOrNull)
      : this.#send(C.LPOP, [key, String(count)], asBytesArrayOrNull);
  }

  /**
   * RPOP: removes and returns the tail of a list; a list left empty is
   * deleted.
   *
   * @param key The key.
   * @returns The element, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.rpop("queue")); // "c"
   * ```
   */
  rpop(key: Key): Promise<string | null>;
  /**
   * RPOP with a count: removes and returns up to `count` elements from the
   * tail, tail first.
   *
   * @param key The key.
   * @param count How many, >= 0.
   * @returns The elements, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.rpop("queue", 2)); // [ "c", "b" ]
   * ```
   */
  rpop(key: Key, count: number): Promise<string[] | null>;
  rpop(key: Key, count?: number): Promise<string | string[] | null> {
    return count === undefined
      ? this.#send(C.RPOP, [key], asStringOrNull)
      : this.#send(C.RPOP, [key, String(count)], asStringArrayOrNull);
  }

  /**
   * RPOP, with the element as bytes.
   *
   * @param key The key.
   * @returns The element's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const last = await client.rpopBuffer("jobs");
   * ```
   */
  rpopBuffer(key: Key): Promise<Uint8Array | null>;
  /**
   * RPOP with a count, as bytes.
   *
   * @param key The key.
   * @param count How many, >= 0.
   * @returns The elements' bytes, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * const last = await client.rpopBuffer("jobs", 3);
   * ```
   */
  rpopBuffer(key: Key, count: number): Promise<Uint8Array[] | null>;
  rpopBuffer(
    key: Key,
    count?: number,
  ): Promise<Uint8Array | Uint8Array[] | null> {
    return count === undefined
      ? this.#send(C.RPOP, [key], asBytesOrNull)
      : this.#send(C.RPOP, [key, String(count)], asBytesArrayOrNull);
  }

  /**
   * LLEN: the length of a list.
   *
   * @param key The key.
   * @returns The length; `0` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.llen("queue")); // 3
   * ```
   */
  llen(key: Key): Promise<number> {
    return this.#send(C.LLEN, [key], asInteger);
  }

  /**
   * LRANGE: the elements from `start` to `stop`, both included; negative
   * indexes count from the tail (-1 is the last).
   *
   * @param key The key.
   * @param start The first index.
   * @param stop The last index.
   * @returns The elements; `[]` when the range is empty or the key missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.lrange("queue", 0, -1)); // every element
   * ```
   */
  lrange(key: Key, start: number, stop: number): Promise<string[]> {
    return this.#send(
      C.LRANGE,
      [key, String(start), String(stop)],
      asStringArray,
    );
  }

  /**
   * LRANGE, with the elements as bytes.
   *
   * @param key The key.
   * @param start The first index.
   * @param stop The last index.
   * @returns The elements' bytes.
   *
   * @example
   * ```ts ignore
   * const frames = await client.lrangeBuffer("frames", 0, 9);
   * ```
   */
  lrangeBuffer(key: Key, start: number, stop: number): Promise<Uint8Array[]> {
    return this.#send(
      C.LRANGE,
      [key, String(start), String(stop)],
      asBytesArray,
    );
  }

  /**
   * LINDEX: the element at an index (negative counts from the tail).
   *
   * @param key The key.
   * @param index The index.
   * @returns The element, or `null` when out of range or the key missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.lindex("queue", -1)); // the last element
   * ```
   */
  lindex(key: Key, index: number): Promise<string | null> {
    return this.#send(C.LINDEX, [key, String(index)], asStringOrNull);
  }

  /**
   * LINDEX, with the element as bytes.
   *
   * @param key The key.
   * @param index The index.
   * @returns The element's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const first = await client.lindexBuffer("frames", 0);
   * ```
   */
  lindexBuffer(key: Key, index: number): Promise<Uint8Array | null> {
    return this.#send(C.LINDEX, [key, String(index)], asBytesOrNull);
  }

  /**
   * LSET: replaces the element at an index.
   *
   * @param key The key.
   * @param index The index (negative counts from the tail).
   * @param element The new element.
   * @returns `"OK"`.
   * @throws {ReplyError} `ERR no such key`, or `ERR index out of range`.
   *
   * @example
   * ```ts ignore
   * await client.lset("queue", 0, "first");
   * ```
   */
  lset(key: Key, index: number, element: Value): Promise<"OK"> {
    return this.#send(
      C.LSET,
      [key, String(index), valueArg(element)],
      asOk,
    );
  }

  /**
   * LREM: removes elements equal to `element`: the first `count` from the
   * head when `count > 0`, the first `-count` from the tail when
   * `count < 0`, all of them when `count` is 0.
   *
   * @param key The key.
   * @param count How many and from which end.
   * @param element The element to remove.
   * @returns How many were removed.
   *
   * @example
   * ```ts ignore
   * console.log(await client.lrem("queue", 0, "done")); // 2
   * ```
   */
  lrem(key: Key, count: number, element: Value): Promise<number> {
    return this.#send(
      C.LREM,
      [key, String(count), valueArg(element)],
      asInteger,
    );
  }

  /**
   * LTRIM: keeps only the elements from `start` to `stop` (both included);
   * a list left empty is deleted.
   *
   * @param key The key.
   * @param start The first index kept.
   * @param stop The last index kept.
   * @returns `"OK"`.
   *
   * @example Keep the 100 newest entries
   * ```ts ignore
   * await client.lpush("log", "entry");
   * await client.ltrim("log", 0, 99);
   * ```
   */
  ltrim(key: Key, start: number, stop: number): Promise<"OK"> {
    return this.#send(C.LTRIM, [key, String(start), String(stop)], asOk);
  }

  /**
   * LINSERT: inserts an element before or after the first element equal to
   * `pivot`.
   *
   * @param key The key.
   * @param position `"BEFORE"` or `"AFTER"` the pivot.
   * @param pivot The element to insert next to.
   * @param element The element to insert.
   * @returns The new length; `-1` when the pivot is not found; `0` when the
   * key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.linsert("queue", "BEFORE", "c", "b")); // 3
   * ```
   */
  linsert(
    key: Key,
    position: InsertPosition,
    pivot: Value,
    element: Value,
  ): Promise<number> {
    return this.#send(
      C.LINSERT,
      [key, position, valueArg(pivot), valueArg(element)],
      asInteger,
    );
  }

  /**
   * LPOS: the index of an element, counted from the head.
   *
   * @param key The key.
   * @param element The element to find.
   * @param options `rank` (which match, negative from the tail) and
   * `maxlen` (how many elements to compare).
   * @returns The index, or `null` when there is no match.
   * @throws {ReplyError} `ERR RANK can't be zero: ...` for `rank: 0`.
   *
   * @example
   * ```ts ignore
   * await client.rpush("l", "a", "b", "a");
   * console.log(await client.lpos("l", "a", { rank: -1 })); // 2
   * ```
   */
  lpos(
    key: Key,
    element: Value,
    options?: LPosOptions & { readonly count?: undefined },
  ): Promise<number | null>;
  /**
   * LPOS with `count`: the indexes of up to `count` matches (0 for all),
   * in the order found.
   *
   * @param key The key.
   * @param element The element to find.
   * @param options `count`, and `rank` and `maxlen`.
   * @returns The indexes; `[]` when there is none.
   *
   * @example
   * ```ts ignore
   * console.log(await client.lpos("l", "a", { count: 0 })); // [ 0, 2 ]
   * ```
   */
  lpos(
    key: Key,
    element: Value,
    options: LPosOptions & { readonly count: number },
  ): Promise<number[]>;
  lpos(
    key: Key,
    element: Value,
    options?: LPosOptions,
  ): Promise<number | number[] | null> {
    return this.#send(C.LPOS, lposArgs(key, element, options), asPositions);
  }

  /**
   * LMOVE: pops an element from one end of `source` and pushes it to one
   * end of `destination`, atomically. The same key for both rotates the
   * list.
   *
   * @param source The list to pop from.
   * @param destination The list to push to (created if needed).
   * @param from `"LEFT"` (head) or `"RIGHT"` (tail) of `source`.
   * @param to `"LEFT"` or `"RIGHT"` of `destination`.
   * @returns The element moved, or `null` when `source` is missing.
   * @throws {ReplyError} `WRONGTYPE ...` when either key holds another type.
   *
   * @example A reliable queue
   * ```ts ignore
   * const job = await client.lmove("jobs", "jobs:working", "LEFT", "RIGHT");
   * ```
   */
  lmove(
    source: Key,
    destination: Key,
    from: ListEnd,
    to: ListEnd,
  ): Promise<string | null> {
    return this.#send(
      C.LMOVE,
      [source, destination, from, to],
      asStringOrNull,
    );
  }

  /**
   * LMOVE, with the element as bytes.
   *
   * @param source The list to pop from.
   * @param destination The list to push to.
   * @param from `"LEFT"` or `"RIGHT"` of `source`.
   * @param to `"LEFT"` or `"RIGHT"` of `destination`.
   * @returns The element's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const job = await client.lmoveBuffer("jobs", "done", "LEFT", "LEFT");
   * ```
   */
  lmoveBuffer(
    source: Key,
    destination: Key,
    from: ListEnd,
    to: ListEnd,
  ): Promise<Uint8Array | null> {
    return this.#send(
      C.LMOVE,
      [source, destination, from, to],
      asBytesOrNull,
    );
  }

  /**
   * RPOPLPUSH: LMOVE from the tail of `source` to the head of
   * `destination`.
   *
   * @param source The list to pop from.
   * @param destination The list to push to.
   * @returns The element moved, or `null` when `source` is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.rpoplpush("a", "b"));
   * ```
   */
  rpoplpush(source: Key, destination: Key): Promise<string | null> {
    return this.#send(C.RPOPLPUSH, [source, destination], asStringOrNull);
  }

  /**
   * RPOPLPUSH, with the element as bytes.
   *
   * @param source The list to pop from.
   * @param destination The list to push to.
   * @returns The element's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const element = await client.rpoplpushBuffer("a", "b");
   * ```
   */
  rpoplpushBuffer(source: Key, destination: Key): Promise<Uint8Array | null> {
    return this.#send(C.RPOPLPUSH, [source, destination], asBytesOrNull);
  }

  // --------------------------------------------------------------------- sets

  /**
   * SADD: adds members to a set, creating it if needed.
   *
   * @param key The key.
   * @param members The members, as arguments or as one array.
   * @returns How many were new.
   * @throws {ReplyError} `WRONGTYPE ...` when the key holds another type.
   *
   * @example
   * ```ts ignore
   * console.log(await client.sadd("tags", "a", "b", "a")); // 2
   * ```
   */
  sadd(key: Key, ...members: Value[] | [readonly Value[]]): Promise<number> {
    return this.#send(C.SADD, keyAndValues(key, members), asInteger);
  }

  /**
   * SREM: removes members; a set left empty is deleted.
   *
   * @param key The key.
   * @param members The members, as arguments or as one array.
   * @returns How many were removed.
   *
   * @example
   * ```ts ignore
   * console.log(await client.srem("tags", ["a", "z"])); // 1
   * ```
   */
  srem(key: Key, ...members: Value[] | [readonly Value[]]): Promise<number> {
    return this.#send(C.SREM, keyAndValues(key, members), asInteger);
  }

  /**
   * SMEMBERS: every member of a set, in no particular order.
   *
   * @param key The key.
   * @returns The members; `[]` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.smembers("tags")); // [ "b", "a" ]
   * ```
   */
  smembers(key: Key): Promise<string[]> {
    return this.#send(C.SMEMBERS, [key], asStringArray);
  }

  /**
   * SMEMBERS, with the members as bytes.
   *
   * @param key The key.
   * @returns The members' bytes.
   *
   * @example
   * ```ts ignore
   * const members = await client.smembersBuffer("ids");
   * ```
   */
  smembersBuffer(key: Key): Promise<Uint8Array[]> {
    return this.#send(C.SMEMBERS, [key], asBytesArray);
  }

  /**
   * SISMEMBER: whether a value is a member. Like ioredis, the reply is the
   * node's integer: `1` or `0`.
   *
   * @param key The key.
   * @param member The value.
   * @returns `1` when it is a member, else `0`.
   *
   * @example
   * ```ts ignore
   * if (await client.sismember("tags", "a")) console.log("tagged");
   * ```
   */
  sismember(key: Key, member: Value): Promise<number> {
    return this.#send(C.SISMEMBER, [key, valueArg(member)], asInteger);
  }

  /**
   * SMISMEMBER: whether each value is a member.
   *
   * @param key The key.
   * @param members The values, as arguments or as one array.
   * @returns `1` or `0` per value, in order.
   *
   * @example
   * ```ts ignore
   * console.log(await client.smismember("tags", "a", "z")); // [ 1, 0 ]
   * ```
   */
  smismember(
    key: Key,
    ...members: Value[] | [readonly Value[]]
  ): Promise<number[]> {
    return this.#send(
      C.SMISMEMBER,
      keyAndValues(key, members),
      asIntegerArray,
    );
  }

  /**
   * SCARD: the number of members.
   *
   * @param key The key.
   * @returns The count; `0` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.scard("tags")); // 2
   * ```
   */
  scard(key: Key): Promise<number> {
    return this.#send(C.SCARD, [key], asInteger);
  }

  /**
   * SPOP: removes and returns a random member; a set left empty is deleted.
   *
   * @param key The key.
   * @returns The member, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.spop("deck")); // e.g. "7h"
   * ```
   */
  spop(key: Key): Promise<string | null>;
  /**
   * SPOP with a count: removes and returns up to `count` distinct random
   * members.
   *
   * @param key The key.
   * @param count How many, >= 0.
   * @returns The members; `[]` when the key is missing.
   * @throws {ReplyError} `ERR value is out of range, must be positive` for a
   * negative count.
   *
   * @example
   * ```ts ignore
   * const hand = await client.spop("deck", 5);
   * ```
   */
  spop(key: Key, count: number): Promise<string[]>;
  spop(key: Key, count?: number): Promise<string | string[] | null> {
    return count === undefined
      ? this.#send(C.SPOP, [key], asStringOrNull)
      : this.#send(C.SPOP, [key, String(count)], asStringArray);
  }

  /**
   * SPOP, with the member as bytes.
   *
   * @param key The key.
   * @returns The member's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const member = await client.spopBuffer("ids");
   * ```
   */
  spopBuffer(key: Key): Promise<Uint8Array | null>;
  /**
   * SPOP with a count, as bytes.
   *
   * @param key The key.
   * @param count How many, >= 0.
   * @returns The members' bytes.
   *
   * @example
   * ```ts ignore
   * const members = await client.spopBuffer("ids", 3);
   * ```
   */
  spopBuffer(key: Key, count: number): Promise<Uint8Array[]>;
  spopBuffer(
    key: Key,
    count?: number,
  ): Promise<Uint8Array | Uint8Array[] | null> {
    return count === undefined
      ? this.#send(C.SPOP, [key], asBytesOrNull)
      : this.#send(C.SPOP, [key, String(count)], asBytesArray);
  }

  /**
   * SRANDMEMBER: a random member, left in the set.
   *
   * @param key The key.
   * @returns The member, or `null` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.srandmember("deck"));
   * ```
   */
  srandmember(key: Key): Promise<string | null>;
  /**
   * SRANDMEMBER with a count: `count > 0` returns that many distinct members
   * (the whole set when it has fewer); `count < 0` returns `-count` members
   * that may repeat (at most 1,048,576 of them on CacheMir).
   *
   * @param key The key.
   * @param count How many, and whether they may repeat.
   * @returns The members; `[]` when the key is missing.
   *
   * @example
   * ```ts ignore
   * console.log(await client.srandmember("deck", -3)); // e.g. [ "2c", "2c", "Qs" ]
   * ```
   */
  srandmember(key: Key, count: number): Promise<string[]>;
  srandmember(key: Key, count?: number): Promise<string | string[] | null> {
    return count === undefined
      ? this.#send(C.SRANDMEMBER, [key], asStringOrNull)
      : this.#send(C.SRANDMEMBER, [key, String(count)], asStringArray);
  }

  /**
   * SRANDMEMBER, with the member as bytes.
   *
   * @param key The key.
   * @returns The member's bytes, or `null`.
   *
   * @example
   * ```ts ignore
   * const member = await client.srandmemberBuffer("ids");
   * ```
   */
  srandmemberBuffer(key: Key): Promise<Uint8Array | null>;
  /**
   * SRANDMEMBER with a count, as bytes.
   *
   * @param key The key.
   * @param count How many, and whether they may repeat.
   * @returns The members' bytes.
   *
   * @example
   * ```ts ignore
   * const members = await client.srandmemberBuffer("ids", 3);
   * ```
   */
  srandmemberBuffer(key: Key, count: number): Promise<Uint8Array[]>;
  srandmemberBuffer(
    key: Key,
    count?: number,
  ): Promise<Uint8Array | Uint8Array[] | null> {
    return count === undefined
      ? this.#send(C.SRANDMEMBER, [key], asBytesOrNull)
      : this.#send(C.SRANDMEMBER, [key, String(count)], asBytesArray);
  }

  /**
   * SMOVE: moves a member from one set to another, atomically.
   *
   * @param source The set to take it from; deleted when left empty.
   * @param destination The set to add it to (created if needed).
   * @param member The member.
   * @returns `1` when moved, `0` when it was not in `source`.
   *
   * @example
   * ```ts ignore
   * console.log(await client.smove("todo", "done", "task1")); // 1
   * ```
   */
  smove(source: Key, destination: Key, member: Value): Promise<number> {
    return this.#send(
      C.SMOVE,
      [source, destination, valueArg(member)],
      asInteger,
    );
  }

  /**
   * SINTER: the members in every set (a missing key is an empty set).
   *
   * @param keys The keys, as arguments or as one array.
   * @returns The members, in no particular order.
   *
   * @example
   * ```ts ignore
   * console.log(await client.sinter("a", "b"));
   * ```
   */
  sinter(...keys: Key[] | [readonly Key[]]): Promise<string[]> {
    return this.#send(C.SINTER, keyList(keys), asStringArray);
  }

  /**
   * SINTER, with the members as bytes.
   *
   * @param keys The keys, as arguments or as one array.
   * @returns The members' bytes.
   *
   * @example
   * ```ts ignore
   * const common = await client.sinterBuffer(["a", "b"]);
   * ```
   */
  sinterBuffer(...keys: Key[] | [readonly Key[]]): Promise<Uint8Array[]> {
    return this.#send(C.SINTER, keyList(keys), asBytesArray);
  }

  /**
   * SUNION: the members in any of the sets.
   *
   * @param keys The keys, as arguments or as one array.
   * @returns The members, in no particular order.
   *
   * @example
   * ```ts ignore
   * console.log(await client.sunion("a", "b"));
   * ```
   */
  sunion(...keys: Key[] | [readonly Key[]]): Promise<string[]> {
    return this.#send(C.SUNION, keyList(keys), asStringArray);
  }

  /**
   * SUNION, with the members as bytes.
   *
   * @param keys The keys, as arguments or as one array.
   * @returns The members' bytes.
   *
   * @example
   * ```ts ignore
   * const all = await client.sunionBuffer("a", "b");
   * ```
   */
  sunionBuffer(...keys: Key[] | [readonly Key[]]): Promise<Uint8Array[]> {
    return this.#send(C.SUNION, keyList(keys), asBytesArray);
  }

  /**
   * SDIFF: the members of the first set that are in none of the others.
   *
   * @param keys The keys, as arguments or as one array.
   * @returns The members, in no particular order.
   *
   * @example
   * ```ts ignore
   * console.log(await client.sdiff("all", "done"));
   * ```
   */
  sdiff(...keys: Key[] | [readonly Key[]]): Promise<string[]> {
    return this.#send(C.SDIFF, keyList(keys), asStringArray);
  }

  /**
   * SDIFF, with the members as bytes.
   *
   * @param keys The keys, as arguments or as one array.
   * @returns The members' bytes.
   *
   * @example
   * ```ts ignore
   * const left = await client.sdiffBuffer("all", "done");
   * ```
   */
  sdiffBuffer(...keys: Key[] | [readonly Key[]]): Promise<Uint8Array[]> {
    return this.#send(C.SDIFF, keyList(keys), asBytesArray);
  }

  /**
   * SINTERSTORE: stores the intersection of sets at `destination`,
   * replacing its value and TTL (deleting it when the result is empty).
   *
   * @param destination Where to store the result.
   * @param keys The sets, as arguments or as one array.
   * @returns The size of the result.
   *
   * @example
   * ```ts ignore
   * console.log(await client.sinterstore("common", "a", "b")); // 2
   * ```
   */
  sinterstore(
    destination: Key,
    ...keys: Key[] | [readonly Key[]]
  ): Promise<number> {
    return this.#send(
      C.SINTERSTORE,
      [destination, ...keyList(keys)],
      asInteger,
    );
  }

  /**
   * SUNIONSTORE: stores the union of sets at `destination`.
   *
   * @param destination Where to store the result.
   * @param keys The sets, as arguments or as one array.
   * @returns The size of the result.
   *
   * @example
   * ```ts ignore
   * console.log(await client.sunionstore("all", "a", "b")); // 5
   * ```
   */
  sunionstore(
    destination: Key,
    ...keys: Key[] | [readonly Key[]]
  ): Promise<number> {
    return this.#send(
      C.SUNIONSTORE,
      [destination, ...keyList(keys)],
      asInteger,
    );
  }

  /**
   * SDIFFSTORE: stores the difference of sets at `destination`.
   *
   * @param destination Where to store the result.
   * @param keys The sets, first the one to subtract from.
   * @returns The size of the result.
   *
   * @example
   * ```ts ignore
   * console.log(await client.sdiffstore("left", "all", "done")); // 3
   * ```
   */
  sdiffstore(
    destination: Key,
    ...keys: Key[] | [readonly Key[]]
  ): Promise<number> {
    return this.#send(
      C.SDIFFSTORE,
      [destination, ...keyList(keys)],
      asInteger,
    );
  }

  /**
   * SINTERCARD: the size of the intersection of sets, without building it.
   *
   * @param keys The sets (at least one).
   * @param options `limit`: stop counting there (0 for no limit).
   * @returns The count.
   *
   * @example
   * ```ts ignore
   * console.log(await client.sintercard(["a", "b"], { limit: 10 })); // 2
   * ```
   */
  sintercard(
    keys: readonly Key[],
    options?: SInterCardOptions,
  ): Promise<number> {
    return this.#send(C.SINTERCARD, sintercardArgs(keys, options), asInteger);
  }

  /**
   * SSCAN: one step of an incremental iteration over a set. Start with
   * cursor `"0"`; the iteration is over when the node returns `"0"`. A
   * member may be returned more than once; one present for the whole
   * iteration is returned at least once.
   *
   * @param key The key.
   * @param cursor `"0"`, or the cursor of the previous step.
   * @param options `match`, `count`.
   * @returns `[nextCursor, members]`.
   *
   * @example
   * ```ts ignore
   * const [cursor, members] = await client.sscan("tags", "0", { count: 100 });
   * ```
   */
  sscan(
    key: Key,
    cursor: string | number,
    options?: CollectionScanOptions,
  ): Promise<[string, string[]]> {
    return this.#send(
      C.SSCAN,
      scanArgs(key, cursor, options),
      asScan,
    );
  }

  /**
   * SSCAN, with the members as bytes.
   *
   * @param key The key.
   * @param cursor `"0"`, or the cursor of the previous step.
   * @param options `match`, `count`.
   * @returns `[nextCursor, members]`.
   *
   * @example
   * ```ts ignore
   * const [cursor, members] = await client.sscanBuffer("ids", "0");
   * ```
   */
  sscanBuffer(
    key: Key,
    cursor: string | number,
    options?: CollectionScanOptions,
  ): Promise<[string, Uint8Array[]]> {
    return this.#send(
      C.SSCAN,
      scanArgs(key, cursor, options),
      asScanBuffer,
    );
  }

  /**
   * Iterates over a set's members with SSCAN, one step at a time.
   *
   * @param key The key.
   * @param options `match`, `count`.
   * @returns An async iterator of members.
   *
   * @example
   * ```ts ignore
   * for await (const tag of client.sscanIterator("tags", { match: "a*" })) {
   *   console.log(tag);
   * }
   * ```
   */
  async *sscanIterator(
    key: Key,
    options?: CollectionScanOptions,
  ): AsyncGenerator<string, void, undefined> {
    let cursor = "0";
    do {
      const [next, members] = await this.sscan(key, cursor, options);
      yield* members;
      cursor = next;
    } while (cursor !== "0");
  }

  /**
   * {@linkcode CacheMirClient.sscanIterator} with the members as bytes.
   *
   * @param key The key.
   * @param options `match`, `count`.
   * @returns An async iterator of members' bytes.
   *
   * @example
   * ```ts ignore
   * for await (const id of client.sscanBufferIterator("ids")) console.log(id);
   * ```
   */
  async *sscanBufferIterator(
    key: Key,
    options?: CollectionScanOptions,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    let cursor = "0";
    do {
      const [next, members] = await this.sscanBuffer(key, cursor, options);
      yield* members;
      cursor = next;
    } while (cursor !== "0");
  }

  // -------------------------------------------------------------------- other

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
   * ```ts ignore
   * console.log(await client.call("strlen", "k")); // 5
   * ```
   */
  call(name: string, ...args: Value[]): Promise<CallReply> {
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
   * ```ts ignore
   * console.log(await client.callBuffer("get", "k")); // Uint8Array(...)
   * ```
   */
  callBuffer(name: string, ...args: Value[]): Promise<CallBufferReply> {
    return this.#call(name, args, asCallBufferReply);
  }

  /** A command by name: with its opcode when the table knows it, else CALL. */
  #call<T>(
    name: string,
    args: readonly Value[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const values = args.map(valueArg);
    const info = commandByName(name);
    return info === undefined
      ? this.#send(CALL, [name, ...values], transform)
      : this.#send(info, values, transform);
  }

  // ------------------------------------------------------------------ cluster

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
   * ```ts ignore
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
   * ```ts ignore
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
   * @param address `host:port`.
   * @param weight Its share of keys relative to a node of weight 1.
   * @default {1} weight
   * @returns The node's normalized address.
   * @throws {TypeError} When the address is malformed.
   * @throws {RangeError} When the weight is out of range for the hashing.
   * @throws {ConnectionError} When the client is closed.
   *
   * @example
   * ```ts ignore
   * client.addNode("127.0.0.1:7382");
   * ```
   */
  addNode(address: string, weight?: number): string {
    return this.#cluster.addNode(address, weight);
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
   * ```ts ignore
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
   * ```ts ignore
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
   * ```ts ignore
   * for (const s of client.stats()) {
   *   console.log(s.address, s.state, s.requests, s.latency.p99, s.pool.inUse);
   * }
   * ```
   */
  stats(): NodeStats[] {
    return this.#cluster.stats();
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
   * ```ts ignore
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
   * ```ts ignore
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
   * ```ts ignore
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
   * ```ts ignore
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
