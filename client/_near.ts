/**
 * The near cache wired to the cluster (private): reads of string values
 * (GET, MGET and their Buffer forms) are answered from a
 * {@linkcode NearCache} when it holds them; every connection to a node
 * turns `CLIENT TRACKING ON` as it opens, so the node pushes an
 * invalidation once a key the connection read changes; the client's own
 * writes drop their keys at once; a lost connection drops what its node
 * served, and a change of the nodes (down, up, added, removed) drops
 * everything.
 *
 * @module
 */

import {
  type CommandInfo,
  commandInfo,
  encodeUtf8,
  hasFlag,
  keyPositions,
  toByteString,
} from "@cachemir/protocol";
import { ClientConnection, formatAddress } from "./connection.ts";
import type { Connector } from "./pool.ts";
import type { Cluster } from "./_cluster.ts";
import type { Key } from "./hash.ts";
import type { Arg, ReplyTransform } from "./types.ts";
import { NULLABLE_VALUES, VALUE_OR_NULL } from "./commands/_replies.ts";
import { ReplyError } from "./errors.ts";
import {
  NearCache,
  type NearCacheOptions,
  type NearValue,
} from "./near_cache.ts";

const OPCODE_CLIENT = commandInfo("CLIENT").opcode;
const MGET_INFO = commandInfo("MGET");
const DECODER = new TextDecoder();
const TRACKING_ON: readonly Arg[] = Object.freeze(["TRACKING", "ON"]);

/**
 * A key as the node knows it: its bytes as a byte string (one char per
 * byte), which is how invalidation pushes name it.
 */
export function cacheKey(key: Key): string {
  if (typeof key !== "string") return toByteString(key);
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) > 0x7f) return toByteString(encodeUtf8(key));
  }
  return key;
}

function decode(v: NearValue): string | null {
  return v === null ? null : DECODER.decode(v);
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
   * cache and its loss to dropping what its node served.
   */
  readonly connector: Connector = async (target, options) => {
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
    const names = keys.map((k) => toByteString(k));
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
    if (positions.length === 0) {
      this.cache.clear();
      const done = (): void => this.cache.clear();
      const sent = cluster.send(info, args, transform);
      sent.then(done, done);
      return sent;
    }
    const keys = positions.map((at) => cacheKey(args[at] as Key));
    this.cache.invalidate(keys);
    const done = (): void => this.cache.invalidate(keys);
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
    const node = cluster.readTarget(key);
    const cache = this.cache;
    const hit = asBytes ? cache.bytesOf(name, node) : cache.text(name, node);
    if (hit !== undefined) return Promise.resolve(hit);
    const token = cache.begin();
    return cluster.send(info, [key], VALUE_OR_NULL.bytes!).then((value) => {
      // asBytesOrNull copies the value out of the read buffer.
      cache.store(name, value, node, token);
      if (!asBytes) return decode(value);
      return value === null ? null : value.slice();
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
    const names: string[] = new Array(keys.length);
    const nodes: string[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const name = cacheKey(keys[i]);
      const node = cluster.readTarget(keys[i]);
      names[i] = name;
      nodes[i] = node;
      const hit = asBytes ? cache.bytesOf(name, node) : cache.text(name, node);
      if (hit === undefined) missing.push(i);
      else out[i] = hit;
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
      cache.store(names[i], v, nodes[i], token);
      out[i] = asBytes ? (v === null ? null : v.slice()) : decode(v);
    }
    return out;
  }
}
