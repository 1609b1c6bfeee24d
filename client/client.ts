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
  type ConnectionOptions,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_REPLY_BYTES,
  type HelloInfo,
  parseHello,
  type ReplyTransform,
} from "./connection.ts";
import { ConnectionError } from "./errors.ts";
import { NodeState } from "./_node.ts";
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

export type { Key };

/** A value: text (sent as UTF-8), a number (sent as its decimal text) or raw bytes. */
export type Value = string | number | Uint8Array;

/** Options of {@linkcode CacheMirClient}. */
export interface CacheMirClientOptions {
  /**
   * The nodes, as `host:port` (`[::1]:7379` for IPv6; the port defaults to
   * 7379). This version talks to the first node only.
   */
  readonly nodes: readonly string[];
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

function command(name: string): CommandInfo {
  const info = commandByName(name);
  if (info === undefined) {
    throw new Error(`Command table has no ${name}: protocol package mismatch`);
  }
  return info;
}

const HELLO = command("HELLO");
const PING = command("PING");
const ECHO = command("ECHO");
const QUIT = command("QUIT");
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
});

function arg(value: Value | bigint): Arg {
  return typeof value === "string" || value instanceof Uint8Array
    ? value
    : String(value);
}

/** `mget("a", "b")` and `mget(["a", "b"])` alike. */
function flat(keys: readonly Key[] | [readonly Key[]]): readonly Key[] {
  return keys.length === 1 && Array.isArray(keys[0])
    ? keys[0] as readonly Key[]
    : keys as readonly Key[];
}

function msetArgs(input: readonly unknown[]): Arg[] {
  const first = input[0];
  if (
    input.length === 1 && typeof first === "object" && first !== null &&
    !(first instanceof Uint8Array)
  ) {
    const out: Arg[] = [];
    if (first instanceof Map) {
      for (const [k, v] of first as ReadonlyMap<Key, Value>) {
        out.push(k, arg(v));
      }
    } else {
      const data = first as Readonly<Record<string, Value>>;
      for (const k of Object.keys(data)) out.push(k, arg(data[k]));
    }
    return out;
  }
  return (input as readonly Value[]).map(arg);
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
  const args: Arg[] = [key, arg(value)];
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

function scanArgs(cursor: string | number, options?: ScanOptions): Arg[] {
  const args: Arg[] = [String(cursor)];
  if (options !== undefined) {
    if (options.match !== undefined) args.push("MATCH", options.match);
    if (options.count !== undefined) args.push("COUNT", String(options.count));
    if (options.type !== undefined) args.push("TYPE", options.type);
  }
  return args;
}

function expireArgs(key: Key, time: number, mode?: ExpireMode): Arg[] {
  return mode === undefined ? [key, String(time)] : [key, String(time), mode];
}

function positive(
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Invalid ${name}: ${value} (must be a positive finite number of milliseconds)`,
    );
  }
  return value;
}

/**
 * A client for CacheMir nodes, with Redis's commands as lower-case methods
 * (as in ioredis).
 *
 * - Keys and values go in as strings (sent as UTF-8), numbers or
 *   `Uint8Array`s; values come back as strings (UTF-8 decoded), and as
 *   `Uint8Array` from the `...Buffer` variants (`getBuffer`, `mgetBuffer`...).
 * - Integer replies are numbers. `incr`, `decr`, `incrby` and `decrby` give a
 *   `bigint` when the counter is outside ±(2^53 − 1); other integer replies
 *   (counts, lengths, TTLs) never get there.
 * - Commands are pipelined over one connection, opened on first use: any
 *   number may be in flight, and commands issued in the same tick leave in
 *   one write. A lost connection is reopened by the next command.
 * - Errors: a {@linkcode ReplyError} carries the node's text
 *   (`ERR value is not an integer or out of range`); a
 *   {@linkcode ConnectionError} or {@linkcode TimeoutError} means the
 *   command's fate is unknown. No command waits longer than
 *   `commandTimeoutMs` once sent.
 *
 * This version talks to the first of `nodes`; consistent hashing over all of
 * them comes next.
 *
 * @example Set and get
 * ```ts ignore
 * // Needs a node on 127.0.0.1:7379 (`deno task start`).
 * import { CacheMirClient } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
 * await client.set("greeting", "hello", { ex: 60 });
 * console.log(await client.get("greeting")); // "hello"
 * ```
 */
export class CacheMirClient {
  #nodes: NodeState[];
  #closing: Promise<void> | undefined;

  /**
   * Makes a client. No connection is opened until the first command.
   *
   * @param options The nodes and timeouts.
   * @throws {TypeError} When `nodes` is empty or an address is malformed.
   * @throws {RangeError} When a timeout is not a positive number.
   *
   * @example
   * ```ts ignore
   * import { CacheMirClient } from "@cachemir/client";
   * const client = new CacheMirClient({
   *   nodes: ["127.0.0.1:7379"],
   *   connectTimeoutMs: 1000,
   *   commandTimeoutMs: 500,
   * });
   * await client.close();
   * ```
   */
  constructor(options: CacheMirClientOptions) {
    if (options.nodes.length === 0) {
      throw new TypeError("Cannot create a CacheMirClient: no nodes given");
    }
    const connection: ConnectionOptions = {
      connectTimeoutMs: positive(
        "connectTimeoutMs",
        options.connectTimeoutMs,
        DEFAULT_CONNECT_TIMEOUT_MS,
      ),
      commandTimeoutMs: positive(
        "commandTimeoutMs",
        options.commandTimeoutMs,
        DEFAULT_COMMAND_TIMEOUT_MS,
      ),
      hello: options.hello ?? true,
      maxReplyBytes: options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
    };
    this.#nodes = options.nodes.map((a) => new NodeState(a, connection));
  }

  /** Picks the node that serves a command: the ring's seam. */
  #route(_info: CommandInfo, _args: readonly Arg[]): NodeState {
    return this.#nodes[0];
  }

  /** Every command goes through here. */
  #send<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const node = this.#route(info, args);
    if (this.#closing !== undefined) {
      return Promise.reject(
        new ConnectionError(
          node.address,
          `Cannot send ${info.name}: the client is closed`,
        ),
      );
    }
    const conn = node.connection;
    if (conn !== undefined) return conn.send(info.opcode, args, transform);
    return node.connect().then((c) => c.send(info.opcode, args, transform));
  }

  // ---------------------------------------------------------------- connection

  /**
   * PING: checks the node answers.
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
      message === undefined ? [] : [arg(message)],
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
    return this.#send(ECHO, [arg(message)], asString);
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
    return this.#send(ECHO, [arg(message)], asBytes);
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
    if (this.#closing === undefined) {
      await Promise.allSettled(
        this.#nodes.map((n) => n.connection?.send(QUIT.opcode, [], asOk)),
      );
    }
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
    return this.#send(SETNX, [key, arg(value)], asInteger);
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
    return this.#send(SETEX, [key, String(seconds), arg(value)], asOk);
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
    return this.#send(PSETEX, [key, String(milliseconds), arg(value)], asOk);
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
    return this.#send(GETSET, [key, arg(value)], asStringOrNull);
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
    return this.#send(GETSET, [key, arg(value)], asBytesOrNull);
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
   * MGET: the values of several keys, in order.
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
   * MSET: sets several keys from an object or a Map.
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
   * MSETNX: sets several keys only if none of them exists.
   *
   * @param data Keys and values.
   * @returns `1` when all were set, `0` when none was.
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
    return this.#send(APPEND, [key, arg(value)], asInteger);
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
    return this.#send(SETRANGE, [key, String(offset), arg(value)], asInteger);
  }

  // --------------------------------------------------------------------- keys

  /**
   * DEL: deletes keys.
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
   * RENAME: renames a key, replacing any key of the new name.
   *
   * @param key The key.
   * @param newKey Its new name.
   * @returns `"OK"`.
   * @throws {ReplyError} `ERR no such key` when `key` is missing.
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
   * KEYS: every key matching a glob-style pattern. O(n) on the node: prefer
   * {@linkcode CacheMirClient.scanIterator} on large keyspaces.
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
   * cursor `"0"`; the iteration is over when the node returns cursor `"0"`.
   * A key may be returned more than once.
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
    return this.#send(SCAN, scanArgs(cursor, options), asScan);
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
    return this.#send(SCAN, scanArgs(cursor, options), asScanBuffer);
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
   * RANDOMKEY: a key picked at random.
   *
   * @returns A key, or `null` when the keyspace is empty.
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
   * DBSIZE: the number of keys on the node.
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
   * FLUSHALL: deletes every key on the node.
   *
   * @param mode `"ASYNC"` or `"SYNC"`.
   * @returns `"OK"`.
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
   * FLUSHDB: deletes every key of the node's (only) database.
   *
   * @param mode `"ASYNC"` or `"SYNC"`.
   * @returns `"OK"`.
   *
   * @example
   * ```ts ignore
   * await client.flushdb("SYNC");
   * ```
   */
  flushdb(mode?: "ASYNC" | "SYNC"): Promise<"OK"> {
    return this.#send(FLUSHDB, mode === undefined ? [] : [mode], asOk);
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
    const info = commandByName(name);
    if (info !== undefined) {
      return this.#send(info, args.map(arg), asCallReply);
    }
    return this.#send(CALL, [name, ...args.map(arg)], asCallReply);
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
    const info = commandByName(name);
    if (info !== undefined) {
      return this.#send(info, args.map(arg), asCallBufferReply);
    }
    return this.#send(CALL, [name, ...args.map(arg)], asCallBufferReply);
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
    this.#closing ??= Promise.all(this.#nodes.map((n) => n.close())).then(
      () => {},
    );
    return this.#closing;
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
