/**
 * The near cache wired to the cluster (private): reads of string values
 * (GET, MGET and their Buffer forms) and of hashes as text (HGET,
 * HGETALL) are answered from a {@linkcode NearCache} when it holds them;
 * every connection to a node turns `CLIENT TRACKING ON` as it opens, so
 * the node pushes an invalidation once a key the connection read changes; the client's own
 * writes drop their keys at once; a lost connection drops what its node
 * served, and a change of the nodes (down, up, added, removed) drops
 * everything.
 *
 * @module
 */

import {
  type CommandInfo,
  commandInfo,
  hasFlag,
  keyPositions,
} from "@cachemir/protocol";
import { ClientConnection, formatAddress } from "./connection.ts";
import type { Connector } from "./pool.ts";
import type { Cluster } from "./_cluster.ts";
import type { Key } from "./hash.ts";
import type { Arg, ReplyTransform } from "./types.ts";
import {
  asStringOrNull,
  NULLABLE_VALUES,
  RECORD,
  utf8Range,
  VALUE_OR_NULL,
} from "./commands/_replies.ts";
import { ReplyError } from "./errors.ts";
import { NearCache, type NearCacheOptions } from "./near_cache.ts";

const OPCODE_CLIENT = commandInfo("CLIENT").opcode;
const MGET_INFO = commandInfo("MGET");
const STRICT_DECODER = new TextDecoder("utf-8", {
  fatal: true,
  ignoreBOM: true,
});
const TRACKING_ON: readonly Arg[] = Object.freeze(["TRACKING", "ON"]);

/**
 * The name a key is cached under: the text its bytes are the UTF-8 of (a
 * string key as it is). A key that is no such text — bytes that are not
 * UTF-8, a string with a lone surrogate, which two keys could share — has
 * none (`undefined`) and is never cached. One text is one key's bytes and
 * back, so a push's key decodes to the same name.
 *
 * @param key The key.
 * @returns Its name, or `undefined` when it is not cached.
 */
export function cacheKey(key: Key): string | undefined {
  if (typeof key === "string") return key.isWellFormed() ? key : undefined;
  let ascii = true;
  for (let i = 0; i < key.length; i++) {
    if (key[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return utf8Range(key, 0, key.length);
  try {
    return STRICT_DECODER.decode(key);
  } catch {
    return undefined;
  }
}

/** A value read as text on a miss, with its length in bytes. */
interface TextRead {
  readonly text: string | null;
  readonly byteLength: number;
}

const MISSING: TextRead = Object.freeze({ text: null, byteLength: 0 });

/** GET's reply as text and its length, decoded from the read buffer. */
const TEXT_READ: ReplyTransform<TextRead> = Object.assign(
  (reply: Parameters<typeof asStringOrNull>[0]): TextRead => {
    const text = asStringOrNull(reply);
    return text === null
      ? MISSING
      : { text, byteLength: reply.kind === "bytes" ? reply.value.length : 0 };
  },
  {
    fromBytes: (payload: Uint8Array, start: number, end: number): TextRead => ({
      text: utf8Range(payload, start, end),
      byteLength: end - start,
    }),
  },
);

/**
 * The node a read of `key` goes to, found on the first call only: a
 * near-cache hit never calls it, and so skips hashing the key.
 */
function lazyTarget(cluster: Cluster, key: Key): () => string {
  let node: string | undefined;
  return () => node ??= cluster.readTarget(key);
}

/** The near cache between the client's methods and the cluster. */
export class NearLayer {
  /** The values. */
  readonly cache: NearCache;
  #cluster: Cluster | undefined;
  /** A node refused CLIENT TRACKING: nothing is cached any more. */
  #untracked = false;

  /**
   * @param options The near cache's bounds and hooks.
   */
  constructor(options: NearCacheOptions) {
    this.cache = new NearCache(options);
  }

  /**
   * The cluster the reads go to (set once, after it is made with
   * {@linkcode connector}).
   *
   * @param cluster The client's cluster.
   */
  attach(cluster: Cluster): void {
    this.#cluster = cluster;
  }

  /**
   * Opens a node's connection with tracking on, its pushes wired to the
   * cache and its loss to dropping what its node served. A blocking
   * command's connection reads nothing the cache holds: it opens as it is,
   * and its closing drops nothing.
   */
  readonly connector: Connector = async (target, options, blocking) => {
    if (blocking === true) return ClientConnection.connect(target, options);
    const address = formatAddress(target);
    const conn = await ClientConnection.connect(target, {
      ...options,
      onClose: (error) => {
        this.#lost(address);
        options.onClose?.(error);
      },
    });
    conn.onPush = (keys) => this.#pushed(address, keys);
    try {
      await conn.send(OPCODE_CLIENT, TRACKING_ON, () => true);
    } catch (e) {
      if (!(e instanceof ReplyError)) {
        await conn.close();
        throw e;
      }
      // A node without tracking: caching would be unsafe.
      this.#untracked = true;
      this.cache.clear();
    }
    return conn;
  };

  #lost(address: string): void {
    if (this.#cluster !== undefined && this.#cluster.replicas > 1) {
      this.cache.clear(); // a copy may have served any key
    } else {
      this.cache.dropNode(address);
    }
  }

  #pushed(address: string, keys: Uint8Array[] | null): void {
    if (keys === null) {
      this.#lost(address);
      this.cache.onInvalidate?.(null);
      return;
    }
    const names: string[] = [];
    for (const k of keys) {
      // A key that is not text was never cached.
      const name = cacheKey(k);
      if (name !== undefined) names.push(name);
    }
    this.cache.invalidate(names);
    this.cache.onInvalidate?.(names);
  }

  /** The nodes changed (down, up, added, removed): keys moved, drop everything. */
  remapped(): void {
    this.cache.clear();
  }

  /**
   * Resolves once every push the nodes sent before now was handled: one
   * round trip on every open connection.
   *
   * @returns Settles after the round trips.
   */
  settled(): Promise<void> {
    return this.#cluster!.roundTrips();
  }

  /**
   * Sends a command through the near cache: GET and MGET (with the
   * client's own decoders) may be answered from it; a write drops its
   * keys (every key for a keyless one, FLUSHALL) before it is sent and
   * again once it settles.
   *
   * @param info The command.
   * @param args Its arguments.
   * @param transform The caller's reply transform.
   * @returns The reply.
   */
  send<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const cluster = this.#cluster!;
    if (!this.#untracked) {
      if (info.name === "GET" && args.length === 1) {
        if (transform === VALUE_OR_NULL.text) {
          return this.#get(info, args[0] as Key, false) as Promise<T>;
        }
        if (transform === VALUE_OR_NULL.bytes) {
          return this.#get(info, args[0] as Key, true) as Promise<T>;
        }
      } else if (
        info.name === "HGET" && args.length === 2 &&
        transform === VALUE_OR_NULL.text
      ) {
        return this.#hget(info, args[0] as Key, args[1]) as Promise<T>;
      } else if (
        info.name === "HGETALL" && args.length === 1 &&
        transform === RECORD.text
      ) {
        return this.#hgetall(info, args[0] as Key) as Promise<T>;
      } else if (info.name === "MGET" && args.length > 0) {
        if (transform === NULLABLE_VALUES.text) {
          return this.#mget(args as Key[], false) as Promise<T>;
        }
        if (transform === NULLABLE_VALUES.bytes) {
          return this.#mget(args as Key[], true) as Promise<T>;
        }
      }
    }
    if (!hasFlag(info, "write")) return cluster.send(info, args, transform);
    const positions = keyPositions(info, args.length);
    let done: () => void;
    if (positions.length === 0) {
      done = () => this.cache.clear();
    } else {
      const keys: string[] = [];
      for (const at of positions) {
        const name = cacheKey(args[at] as Key);
        if (name !== undefined) keys.push(name);
      }
      done = () => this.cache.invalidate(keys);
    }
    done();
    const sent = cluster.send(info, args, transform);
    sent.then(done, done);
    return sent;
  }

  #get(
    info: CommandInfo,
    key: Key,
    asBytes: boolean,
  ): Promise<string | Uint8Array | null> {
    const cluster = this.#cluster!;
    const name = cacheKey(key);
    if (name === undefined) {
      return asBytes
        ? cluster.send(info, [key], VALUE_OR_NULL.bytes!)
        : cluster.send(info, [key], VALUE_OR_NULL.text);
    }
    const target = lazyTarget(cluster, key);
    const cache = this.cache;
    const hit = asBytes
      ? cache.bytesOf(name, target)
      : cache.text(name, target);
    if (hit !== undefined) return Promise.resolve(hit);
    const node = target();
    const token = cache.begin();
    if (!asBytes) {
      return cluster.send(info, [key], TEXT_READ).then((read) => {
        cache.storeText(name, read.text, read.byteLength, node, token);
        return read.text;
      });
    }
    return cluster.send(info, [key], VALUE_OR_NULL.bytes!).then((value) => {
      // asBytesOrNull copies the value out of the read buffer.
      cache.store(name, value, node, token);
      return value === null ? null : value.slice();
    });
  }

  #hget(info: CommandInfo, key: Key, field: Arg): Promise<string | null> {
    const cluster = this.#cluster!;
    const name = cacheKey(key);
    const fieldName = cacheKey(field);
    if (name === undefined || fieldName === undefined) {
      return cluster.send(info, [key, field], VALUE_OR_NULL.text);
    }
    const target = lazyTarget(cluster, key);
    const cache = this.cache;
    const hit = cache.field(name, fieldName, target);
    if (hit !== undefined) return Promise.resolve(hit);
    const node = target();
    const token = cache.begin();
    return cluster.send(info, [key, field], VALUE_OR_NULL.text).then(
      (value) => {
        cache.storeField(name, fieldName, value, node, token);
        return value;
      },
    );
  }

  #hgetall(info: CommandInfo, key: Key): Promise<Record<string, string>> {
    const cluster = this.#cluster!;
    const name = cacheKey(key);
    if (name === undefined) return cluster.send(info, [key], RECORD.text);
    const target = lazyTarget(cluster, key);
    const cache = this.cache;
    const hit = cache.hash(name, target);
    if (hit !== undefined) return Promise.resolve(hit);
    const node = target();
    const token = cache.begin();
    return cluster.send(info, [key], RECORD.text).then((record) => {
      // The cache keeps a frozen copy: the caller may change this one.
      cache.storeHash(name, record, node, token);
      return record;
    });
  }

  async #mget(
    keys: readonly Key[],
    asBytes: boolean,
  ): Promise<(string | Uint8Array | null)[]> {
    const cluster = this.#cluster!;
    const cache = this.cache;
    const out: (string | Uint8Array | null)[] = new Array(keys.length);
    const missing: number[] = [];
    const names: (string | undefined)[] = new Array(keys.length);
    const nodes: string[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const name = cacheKey(keys[i]);
      names[i] = name;
      if (name === undefined) {
        missing.push(i);
        continue;
      }
      const target = lazyTarget(cluster, keys[i]);
      const hit = asBytes
        ? cache.bytesOf(name, target)
        : cache.text(name, target);
      if (hit === undefined) {
        nodes[i] = target();
        missing.push(i);
      } else out[i] = hit;
    }
    if (missing.length === 0) return out;
    const token = cache.begin();
    const values = await cluster.send(
      MGET_INFO,
      missing.map((i) => keys[i]),
      NULLABLE_VALUES.bytes!,
    );
    for (let j = 0; j < missing.length; j++) {
      const i = missing[j];
      const v = values[j] === null ? null : values[j]!.slice();
      const name = names[i];
      // MGET answers nil for a key of another type too: only values are
      // kept (GET of a hash must still fail).
      if (name !== undefined && v !== null) {
        cache.store(name, v, nodes[i], token);
      }
      out[i] = v === null
        ? null
        : asBytes
        ? v.slice()
        : utf8Range(v, 0, v.length);
    }
    return out;
  }
}
