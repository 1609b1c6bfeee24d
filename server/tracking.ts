/**
 * {@linkcode TrackingTable}: server-assisted client-side caching, as Redis's
 * `CLIENT TRACKING`. A connection that turns tracking on has the keys its
 * read-only commands read remembered; once such a key changes (written,
 * deleted, expired, evicted, flushed — by any connection) the table asks
 * for an invalidation to be pushed to that connection (or the one it
 * redirects to) and forgets the key until it is read again.
 *
 * A read costs no string: the key is hashed where it lies (the request's
 * bytes) and compared in place with the keys tracked under its hash; only
 * a key read for the first time becomes a string.
 *
 * The table knows sessions by id only; the node delivers pushes to its
 * connections (`deliver`). It is bounded: past `maxKeys` keys, the oldest
 * tracked keys are invalidated to make room (Redis's
 * `tracking-table-max-keys`; 0 = no bound).
 *
 * Modes: the default (keys read), `BCAST` (every key changed, or those
 * starting with one of the connection's prefixes, read or not), `OPTIN`
 * (only the reads of the command after `CLIENT CACHING yes`), `OPTOUT`
 * (every read but those of the command after `CLIENT CACHING no`), and
 * `NOLOOP` (not the keys the connection changes itself).
 *
 * @module
 */

import { murmur3ByteString, murmur3Range } from "@cachemir/protocol";
import type { ByteSpan } from "./store/byte_span.ts";
import { TombstoneMap } from "./store/tombstone_map.ts";

/** One connection's tracking options (CLIENT TRACKING ON ...). */
export interface TrackingOptions {
  /** The session invalidations go to instead (REDIRECT); 0 = this one. */
  readonly redirect: number;
  /** BCAST: every change of a key matching `prefixes`, read or not. */
  readonly bcast: boolean;
  /** BCAST's prefixes (byte strings); none = every key. */
  readonly prefixes: readonly string[];
  /** OPTIN: only reads after CLIENT CACHING yes are tracked. */
  readonly optin: boolean;
  /** OPTOUT: reads after CLIENT CACHING no are not tracked. */
  readonly optout: boolean;
  /** NOLOOP: no invalidation for the keys this connection changes. */
  readonly noloop: boolean;
}

/** `CLIENT TRACKING ON` with no option: the keys read, told to the session itself. */
export const TRACKING_DEFAULTS: TrackingOptions = Object.freeze({
  redirect: 0,
  bcast: false,
  prefixes: Object.freeze([]),
  optin: false,
  optout: false,
  noloop: false,
});

/** Where invalidations go: the node pushes them to a session's connection. */
export type Deliver = (
  /** The session tracking the keys. */
  tracker: number,
  /** The session to push to (the tracker, or its REDIRECT). */
  target: number,
  /** The keys (byte strings), or `null` for every key. */
  keys: readonly string[] | null,
) => void;

/** What {@linkcode TrackingTable} needs. */
export interface TrackingTableOptions {
  /** Pushes an invalidation to a session's connection. */
  readonly deliver: Deliver;
  /** Most keys tracked (read at each use); 0 = no bound. */
  readonly maxKeys: () => number;
  /**
   * Told when the table starts or stops needing to hear of changes (the
   * node subscribes to the store only while something is tracked).
   */
  readonly onActive?: (active: boolean) => void;
  /** The keys' hash seed (for tests); random by default. */
  readonly seed?: number;
}

/** A tracked key: who read it. */
interface Tracked {
  /** The key, as a byte string. */
  readonly key: string;
  /** The session that read it, or the sessions when several did. */
  readers: number | Set<number>;
  /** Another tracked key with the same hash. */
  next: Tracked | undefined;
}

function sameKey(name: string, key: string | ByteSpan): boolean {
  if (typeof key === "string") return name === key;
  const n = key.length;
  if (name.length !== n) return false;
  const bytes = key.bytes;
  const start = key.start;
  for (let i = 0; i < n; i++) {
    if (name.charCodeAt(i) !== bytes[start + i]) return false;
  }
  return true;
}

interface ClientState {
  options: TrackingOptions;
  /** OPTIN/OPTOUT: CLIENT CACHING's answer for the next command. */
  caching: boolean | undefined;
}

/**
 * The node's table of tracked keys.
 *
 * @example A key read by session 1, then written: session 1 is told
 * ```ts
 * import { TRACKING_DEFAULTS, TrackingTable } from "./tracking.ts";
 * import assert from "node:assert/strict";
 *
 * const pushed: unknown[] = [];
 * const table = new TrackingTable({
 *   deliver: (_tracker, target, keys) => pushed.push([target, keys]),
 *   maxKeys: () => 1000,
 * });
 * table.enable(1, TRACKING_DEFAULTS);
 * table.read(1, "k");
 * table.changed("k");
 * assert.deepEqual(pushed, [[1, ["k"]]]);
 * table.changed("k"); // forgotten until read again
 * assert.equal(pushed.length, 1);
 * ```
 */
export class TrackingTable {
  #deliver: Deliver;
  #maxKeys: () => number;
  #onActive: ((active: boolean) => void) | undefined;
  /**
   * Key hash → the keys tracked under it (a chain, nearly always of one);
   * insertion order is about age. Keys are forgotten and tracked again all
   * the time: a `Map` slows down under that (see `TombstoneMap`).
   */
  #keys = new TombstoneMap<number, Tracked>();
  /** Keys tracked. */
  #size = 0;
  /** The keys' hash seed: random, so no one can choose keys that collide. */
  readonly #seed: number;
  #clients = new Map<number, ClientState>();
  /** Sessions in BCAST mode. */
  #bcast = new Map<number, ClientState>();
  #active = false;
  /**
   * The session running the current command: whose reads `read` records
   * from the store, and whose writes NOLOOP skips; 0 = none.
   */
  writer = 0;
  /** Keys invalidated because the table was full. */
  #evicted = 0;

  /**
   * @param options Where pushes go, the bound, and who hears of activity.
   */
  constructor(options: TrackingTableOptions) {
    this.#deliver = options.deliver;
    this.#maxKeys = options.maxKeys;
    this.#onActive = options.onActive;
    this.#seed = options.seed ?? (Math.random() * 0x1_0000_0000) | 0;
  }

  /** Keys tracked now (INFO's `tracking_total_keys`). */
  get size(): number {
    return this.#size;
  }

  /** Sessions with tracking on (INFO's `tracking_clients`). */
  get clients(): number {
    return this.#clients.size;
  }

  /** Keys invalidated to keep the table within its bound. */
  get evictedKeys(): number {
    return this.#evicted;
  }

  /** `true` while the table must hear of every change. */
  get active(): boolean {
    return this.#active;
  }

  /**
   * Turns tracking on for a session (or changes its options).
   *
   * @param session The session's id.
   * @param options Its options.
   */
  enable(session: number, options: TrackingOptions): void {
    const state: ClientState = { options, caching: undefined };
    this.#clients.set(session, state);
    if (options.bcast) this.#bcast.set(session, state);
    else this.#bcast.delete(session);
    this.#update();
  }

  /**
   * Turns tracking off for a session (CLIENT TRACKING OFF, or its
   * connection closed). The keys it read stay in the table until they
   * change (their invalidation finds no one), as in Redis.
   *
   * @param session The session's id.
   */
  disable(session: number): void {
    this.#clients.delete(session);
    this.#bcast.delete(session);
    this.#update();
  }

  /**
   * A session's options, or `undefined` when tracking is off for it.
   *
   * @param session The session's id.
   * @returns Its options.
   */
  options(session: number): TrackingOptions | undefined {
    return this.#clients.get(session)?.options;
  }

  /**
   * Records CLIENT CACHING yes|no for the session's next command.
   *
   * @param session The session's id.
   * @param yes The answer.
   */
  setCaching(session: number, yes: boolean): void {
    const state = this.#clients.get(session);
    if (state !== undefined) state.caching = yes;
  }

  /**
   * CLIENT CACHING's answer waiting for the next command, if any.
   *
   * @param session The session's id.
   * @returns `true`, `false` or `undefined`.
   */
  caching(session: number): boolean | undefined {
    return this.#clients.get(session)?.caching;
  }

  /**
   * Whether the reads of a session's command now are to be tracked; clears
   * a CLIENT CACHING answer (it applies to one command).
   *
   * @param session The session's id.
   * @param client `true` when the command is CLIENT (CLIENT CACHING keeps
   * its answer for the command after it).
   * @returns `true` to track its reads.
   */
  tracksReadsOf(session: number, client: boolean): boolean {
    const state = this.#clients.get(session);
    if (state === undefined) return false;
    const o = state.options;
    if (o.bcast) return false;
    const caching = state.caching;
    if (!client) state.caching = undefined;
    if (o.optin) return caching === true;
    if (o.optout) return caching !== false;
    return true;
  }

  /**
   * Records that a session read a key.
   *
   * @param session The session's id.
   * @param key The key as a byte string, or its bytes where they lie (not
   * kept: a key read for the first time is copied into a string).
   */
  read(session: number, key: string | ByteSpan): void {
    const keys = this.#keys;
    const hash = this.#hash(key);
    let last: Tracked | undefined;
    for (let t = keys.get(hash); t !== undefined; t = t.next) {
      last = t;
      if (!sameKey(t.key, key)) continue;
      const readers = t.readers;
      if (readers === session) return;
      if (typeof readers === "number") t.readers = new Set([readers, session]);
      else readers.add(session);
      return;
    }
    const name = typeof key === "string" ? key : key.text();
    const t: Tracked = { key: name, readers: session, next: undefined };
    // Behind the others: a chain's first key is its oldest.
    if (last === undefined) keys.set(hash, t);
    else last.next = t;
    this.#size++;
    this.#bound();
    if (!this.#active) this.#update();
  }

  /**
   * A key changed: its readers (and BCAST sessions whose prefixes match)
   * are told, and it is forgotten.
   *
   * @param key The key, as a byte string.
   */
  changed(key: string): void {
    if (this.#size !== 0) {
      const keys = this.#keys;
      const hash = this.#hash(key);
      let before: Tracked | undefined;
      for (let t = keys.get(hash); t !== undefined; t = t.next) {
        if (t.key !== key) {
          before = t;
          continue;
        }
        if (before !== undefined) before.next = t.next;
        else if (t.next !== undefined) keys.set(hash, t.next);
        else keys.delete(hash);
        this.#size--;
        this.#tell(t, true);
        if (this.#size === 0) this.#update();
        break;
      }
    }
    if (this.#bcast.size !== 0) {
      for (const [id, state] of this.#bcast) {
        const prefixes = state.options.prefixes;
        if (prefixes.length === 0 || prefixes.some((p) => key.startsWith(p))) {
          this.#send(id, [key], true);
        }
      }
    }
  }

  /**
   * A key's hash, cut to 30 bits: a small integer (a Smi) is a Map key V8
   * hashes without allocating.
   */
  #hash(key: string | ByteSpan): number {
    const hash = typeof key === "string"
      ? murmur3ByteString(key, this.#seed)
      : murmur3Range(key.bytes, key.start, key.start + key.length, this.#seed);
    return hash & 0x3fff_ffff;
  }

  /** Tells a forgotten key's readers. */
  #tell(t: Tracked, loop: boolean): void {
    const list = [t.key];
    const readers = t.readers;
    if (typeof readers === "number") this.#send(readers, list, loop);
    else for (const id of readers) this.#send(id, list, loop);
  }

  /** Every key changed (FLUSHALL): every tracking session is told, once. */
  flushed(): void {
    this.#keys = new TombstoneMap();
    this.#size = 0;
    for (const id of this.#clients.keys()) this.#send(id, null, false);
    this.#update();
  }

  #send(id: number, keys: readonly string[] | null, loop: boolean): void {
    const state = this.#clients.get(id);
    if (state === undefined) return; // tracking turned off, or closed
    const o = state.options;
    if (loop && o.noloop && id === this.writer) return;
    this.#deliver(id, o.redirect === 0 ? id : o.redirect, keys);
  }

  /** Invalidates the oldest keys while the table is over its bound. */
  #bound(): void {
    const max = this.#maxKeys();
    if (max <= 0) return;
    const keys = this.#keys;
    while (this.#size > max) {
      const hash = keys.keys().next().value!;
      const oldest = keys.get(hash)!;
      if (oldest.next !== undefined) keys.set(hash, oldest.next);
      else keys.delete(hash);
      this.#size--;
      this.#evicted++;
      this.#tell(oldest, false);
    }
  }

  /**
   * Applies a lowered bound now (CONFIG SET tracking-table-max-keys).
   */
  enforceBound(): void {
    this.#bound();
    this.#update();
  }

  /** Tells `onActive` when keys or tracking sessions (BCAST ones among them) appear or all go. */
  #update(): void {
    const active = this.#size !== 0 || this.#clients.size !== 0;
    if (active === this.#active) return;
    this.#active = active;
    this.#onActive?.(active);
  }
}
