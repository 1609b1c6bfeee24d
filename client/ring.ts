/**
 * A consistent-hash ring with virtual nodes, ketama style, looked up with
 * several probes per key.
 *
 * Each node puts `pointsPerNode × weight` points on a 32-bit circle: point
 * `i` of node `addr` sits at `murmurHash3String(`${addr}-${i}`)`. Points
 * depend only on the node's own address, so every client computes the same
 * ring whatever order it learns the nodes in.
 *
 * A key is hashed to `probes` positions on the circle ({@linkcode keyHash}
 * and re-mixes of it). From each position the first point at or after it
 * (going round past the top) is found, and the key belongs to the point
 * closest to its probe (multi-probe consistent hashing, Appleton & O'Reilly
 * 2015, here over virtual nodes). With one probe this is the classic ketama
 * ring. More probes keep every consistency property of the ring — adding a
 * node moves keys only to it, removing a node moves only its keys — and make
 * the spread more even, because a point's share of keys grows less than in
 * proportion to the gap before it. Over 200 random sets of 10 addresses with
 * 160 points each (`deno bench client/ring_bench.ts -- --survey`), the
 * busiest node held on average 1.12× the mean with one probe (above 1.15× for
 * a quarter of the sets, 1.24× at worst), 1.07× with two (1.14× at worst) and
 * 1.05× with three, the default (1.12× at worst), for about 5 ns per extra
 * probe.
 *
 * A key's preference order (for {@linkcode HashRing.successors} and
 * {@linkcode HashRing.find}) lists the nodes by their nearest point after any
 * of the key's probes; removing a node sends each of its keys to the next node
 * in that order, which is where replicas go.
 *
 * @module
 */

import { fmix32, type Key, keyHash, murmurHash3String } from "./hash.ts";
import type { NodeLocator } from "./locator.ts";
import { checkNodeAddress, firstAccepted, firstNodes } from "./_walk.ts";

/**
 * How many points a node of weight 1 puts on the ring unless told otherwise
 * (as ketama/libmemcached do).
 *
 * @example Read the default
 * ```ts
 * import { DEFAULT_POINTS_PER_NODE, HashRing } from "@cachemir/client";
 * console.log(new HashRing().pointsPerNode === DEFAULT_POINTS_PER_NODE); // true
 * ```
 */
export const DEFAULT_POINTS_PER_NODE = 160;

/**
 * How many positions a key is hashed to unless told otherwise: with three,
 * the busiest of 10 nodes × 160 points held at most 1.12× the mean in each of
 * 200 random address sets tried.
 *
 * @example Read the default
 * ```ts
 * import { DEFAULT_PROBES, HashRing } from "@cachemir/client";
 * console.log(new HashRing().probes === DEFAULT_PROBES); // true
 * ```
 */
export const DEFAULT_PROBES = 3;

/** At most this many points for one node (its weight × points per node). */
const MAX_POINTS_PER_NODE = 65536;
/** At most this many probes per key. */
const MAX_PROBES = 8;
/** Points and node ranks are sorted together as `point × RANK_SPAN + rank` in a float64. */
const RANK_SPAN = 2 ** 21;
/** At most 2^this buckets index the points. */
const MAX_BUCKET_BITS = 20;
/** Up to this many nodes, walks remember the nodes they have seen in an int mask. */
const MASK_BITS = 32;
/** Odd constant that makes the positions of probes after the first. */
const PROBE_SALT = 0x9e3779b9;

/** Options for {@linkcode HashRing}. */
export interface HashRingOptions {
  /**
   * Points on the ring per node of weight 1. More points spread keys more
   * evenly (a node's share varies by about `1/√points` of the mean with one
   * probe, `0.58/√points` with two and `0.45/√points` with three) at the cost
   * of memory and of time to add or remove a node.
   *
   * @default {160}
   */
  pointsPerNode?: number;
  /**
   * Positions each key is hashed to, 1 to 8; the nearest point after any of
   * them owns the key. 1 is a classic ketama ring; each probe costs one more
   * search of the points per lookup.
   *
   * @default {3}
   */
  probes?: number;
  /** Nodes to start with, each of weight 1. */
  nodes?: Iterable<string>;
}

interface RingNode {
  weight: number;
  points: Uint32Array;
}

/** Position of probe `j` of a key whose first probe is at `h`. */
function probeAt(h: number, j: number): number {
  return j === 0 ? h : fmix32(h ^ Math.imul(j, PROBE_SALT));
}

/**
 * A consistent-hash ring of virtual nodes (see the module documentation for
 * the multi-probe lookup).
 *
 * `nodeFor` hashes the key (MurmurHash3 of its UTF-8 bytes or hash tag) and
 * finds the next point on a sorted `Uint32Array` once per probe, with no
 * allocation: a table indexed by the top bits of the position (about two
 * entries per point) narrows the search to under one point on average. `add`/`remove` rebuild the sorted points (`O(P log P)` for `P`
 * points; about 0.2 ms for 1,600).
 *
 * @example Route keys over three nodes
 * ```ts
 * import { HashRing } from "@cachemir/client";
 * const ring = new HashRing({
 *   nodes: ["127.0.0.1:7379", "127.0.0.1:7380", "127.0.0.1:7381"],
 * });
 * const owner = ring.nodeFor("user:42");
 * console.log(ring.has(owner)); // true
 * console.log(ring.nodeFor("{user:42}:cart") === ring.nodeFor("{user:42}:name")); // true
 *
 * const next = ring.successors("user:42", 2)[1];
 * ring.add("127.0.0.1:7382"); // some keys move to the new node, no others move
 * ring.remove(owner); // the keys of `owner` move to their next node
 * console.log(ring.nodeFor("user:42") === next || ring.nodeFor("user:42") === "127.0.0.1:7382"); // true
 * ```
 */
export class HashRing implements NodeLocator {
  #pointsPerNode: number;
  #probes: number;
  #entries: Map<string, RingNode> = new Map();
  /** Sorted points. */
  #points: Uint32Array = new Uint32Array(0);
  /** `#owners[i]` is the rank (index in `#ranked`) of the node owning `#points[i]`. */
  #owners: Uint32Array = new Uint32Array(0);
  /** Node addresses sorted by UTF-16 code units, so ties between equal points break alike everywhere. */
  #ranked: string[] = [];
  /** `#buckets[b]` is the index of the first point at or after `b << #shift`; one more entry holds the count. */
  #buckets: Uint32Array = new Uint32Array(2);
  /** 32 minus the number of top hash bits that pick a bucket. */
  #shift = 31;

  /**
   * Makes a ring.
   *
   * @param options Points per node, probes per key and the first nodes.
   * @throws {RangeError} If `pointsPerNode` is not an integer from 1 to
   * 65536, or `probes` not one from 1 to 8.
   * @throws {TypeError} If a node address is not a non-empty string.
   */
  constructor(options: HashRingOptions = {}) {
    const perNode = options.pointsPerNode ?? DEFAULT_POINTS_PER_NODE;
    if (
      !Number.isInteger(perNode) || perNode < 1 ||
      perNode > MAX_POINTS_PER_NODE
    ) {
      throw new RangeError(
        `Cannot make ring: pointsPerNode must be an integer from 1 to ${MAX_POINTS_PER_NODE}, got ${perNode}`,
      );
    }
    const probes = options.probes ?? DEFAULT_PROBES;
    if (!Number.isInteger(probes) || probes < 1 || probes > MAX_PROBES) {
      throw new RangeError(
        `Cannot make ring: probes must be an integer from 1 to ${MAX_PROBES}, got ${probes}`,
      );
    }
    this.#pointsPerNode = perNode;
    this.#probes = probes;
    if (options.nodes !== undefined) {
      for (const node of options.nodes) this.#put(node, 1);
      this.#rebuild();
    }
  }

  /**
   * How many nodes the ring holds.
   *
   * @returns The number of nodes.
   */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Points per node of weight 1.
   *
   * @returns The number given to the constructor, or 160.
   */
  get pointsPerNode(): number {
    return this.#pointsPerNode;
  }

  /**
   * Positions each key is hashed to.
   *
   * @returns The number given to the constructor, or 3.
   */
  get probes(): number {
    return this.#probes;
  }

  /**
   * Adds a node, or changes the weight of one already present. The node puts
   * `round(pointsPerNode × weight)` points (at least 1) on the ring; points of
   * a lower weight are a prefix of those of a higher one, so raising a weight
   * only moves keys to the node, and lowering it only moves keys away.
   *
   * @param node The node's address, `"host:port"`, spelled the same on every client.
   * @param weight The node's share relative to a node of weight 1.
   * @default {1} weight
   * @throws {TypeError} If `node` is not a non-empty string.
   * @throws {RangeError} If `weight` is not a positive finite number, or
   * gives the node more than 65536 points.
   */
  add(node: string, weight = 1): void {
    if (this.#put(node, weight)) this.#rebuild();
  }

  /**
   * Removes a node; its keys move to their next node, no other key moves.
   *
   * @param node The node's address.
   * @returns Whether the node was present.
   */
  remove(node: string): boolean {
    if (!this.#entries.delete(node)) return false;
    this.#rebuild();
    return true;
  }

  /**
   * Tells whether a node is on the ring.
   *
   * @param node The node's address.
   * @returns `true` if it was added and not removed since.
   */
  has(node: string): boolean {
    return this.#entries.has(node);
  }

  /**
   * The weight a node was added with.
   *
   * @param node The node's address.
   * @returns Its weight, or `undefined` if it is not on the ring.
   */
  weightOf(node: string): number | undefined {
    return this.#entries.get(node)?.weight;
  }

  /**
   * The node that owns a key: of the first points at or after each of the
   * key's probes, the one closest to its probe (the earlier probe on a tie).
   *
   * @param key A string (hashed as UTF-8; only its hash tag if it has one) or bytes.
   * @returns The owner's address.
   * @throws {RangeError} If the ring has no nodes.
   * @throws {TypeError} If `key` is neither a string nor a `Uint8Array`.
   */
  nodeFor(key: Key): string {
    const points = this.#points;
    if (points.length === 0) {
      throw new RangeError("Cannot locate key: the ring has no nodes");
    }
    const h = keyHash(key);
    let best = this.#search(h);
    let bestGap = (points[best] - h) >>> 0;
    for (let j = 1; j < this.#probes; j++) {
      const p = probeAt(h, j);
      const i = this.#search(p);
      const gap = (points[i] - p) >>> 0;
      if (gap < bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    return this.#ranked[this.#owners[best]];
  }

  /**
   * The first node in the key's preference order that `accept` returns true
   * for; `accept` is called at most once per node. With `accept` = "is up", a
   * down node's keys go exactly where {@linkcode HashRing.remove} would send them.
   *
   * @param key The key.
   * @param accept Tells whether a node may serve the key.
   * @returns The node, or `undefined` if the ring is empty or no node is accepted.
   */
  find(key: Key, accept: (node: string) => boolean): string | undefined {
    if (this.#points.length === 0) return undefined;
    const owner = this.nodeFor(key);
    if (accept(owner)) return owner;
    const h = keyHash(key);
    // The walk starts with the owner, refused already.
    return firstAccepted((visit) => this.#walk(h, visit), accept, true);
  }

  /**
   * The first `count` distinct nodes in the key's preference order: the owner,
   * then the node that would own the key if the owner were removed, and so on
   * (for replicas, and for keys of a node that is down).
   *
   * @param key The key.
   * @param count How many nodes at most.
   * @returns `min(count, size)` distinct addresses, the owner first.
   */
  successors(key: Key, count: number): string[] {
    const want = Math.min(count, this.#ranked.length);
    if (!(want > 0)) return [];
    const h = keyHash(key);
    return firstNodes((visit) => this.#walk(h, visit), want);
  }

  /**
   * The nodes, in the order they were added.
   *
   * @returns A new array of addresses.
   */
  nodes(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Index of the first point at or after `h`, wrapping to 0: the bucket of
   * `h`'s top bits gives the range to scan (under one point on average).
   */
  #search(h: number): number {
    const points = this.#points;
    const bucket = h >>> this.#shift;
    let i = this.#buckets[bucket];
    const end = this.#buckets[bucket + 1];
    while (i < end && points[i] < h) i++;
    return i === points.length ? 0 : i;
  }

  /**
   * Calls `visit` with each distinct node in the preference order of a key
   * whose first probe is at `h`, until it returns false or every node has
   * been visited. The order merges the clockwise walks from every probe by
   * distance from their probe (the earlier probe first on a tie), so each node
   * comes at its nearest point after any probe.
   */
  #walk(h: number, visit: (node: string) => boolean): void {
    const points = this.#points;
    const owners = this.#owners;
    const ranked = this.#ranked;
    const total = points.length;
    const probes = this.#probes;
    const at: number[] = []; // each probe's position
    const cursor: number[] = []; // each probe's next point index
    const taken: number[] = []; // points each probe has passed
    for (let j = 0; j < probes; j++) {
      at.push(probeAt(h, j));
      cursor.push(this.#search(at[j]));
      taken.push(0);
    }
    let left = ranked.length;
    let mask = 0;
    const seen = left > MASK_BITS ? new Uint8Array(left) : undefined;
    for (;;) {
      let next = -1;
      let nextGap = Infinity;
      for (let j = 0; j < probes; j++) {
        if (taken[j] === total) continue;
        const gap = (points[cursor[j]] - at[j]) >>> 0;
        if (gap < nextGap) {
          nextGap = gap;
          next = j;
        }
      }
      if (next < 0) return;
      const owner = owners[cursor[next]];
      taken[next]++;
      if (++cursor[next] === total) cursor[next] = 0;
      if (seen === undefined) {
        const bit = 1 << owner;
        if ((mask & bit) !== 0) continue;
        mask |= bit;
      } else {
        if (seen[owner] !== 0) continue;
        seen[owner] = 1;
      }
      if (!visit(ranked[owner]) || --left === 0) return;
    }
  }

  /** Records a node; returns whether the ring changed. */
  #put(node: string, weight: number): boolean {
    checkNodeAddress(node);
    if (typeof weight !== "number" || !(weight > 0) || weight === Infinity) {
      throw new RangeError(
        `Cannot add node ${node}: weight must be a positive finite number, got ${weight}`,
      );
    }
    const count = Math.max(1, Math.round(this.#pointsPerNode * weight));
    if (count > MAX_POINTS_PER_NODE) {
      throw new RangeError(
        `Cannot add node ${node}: weight ${weight} gives ${count} points, more than ${MAX_POINTS_PER_NODE}`,
      );
    }
    const old = this.#entries.get(node);
    if (old !== undefined && old.points.length === count) {
      old.weight = weight;
      return false;
    }
    if (old === undefined && this.#entries.size >= RANK_SPAN) {
      throw new RangeError(
        `Cannot add node ${node}: the ring already holds ${this.#entries.size} nodes`,
      );
    }
    const points = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      points[i] = murmurHash3String(`${node}-${i}`);
    }
    this.#entries.set(node, { weight, points });
    return true;
  }

  /** Sorts all points, ties broken by address, and records their owners. */
  #rebuild(): void {
    const ranked = [...this.#entries.keys()].sort();
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.points.length;
    const packed = new Float64Array(total);
    let k = 0;
    for (let rank = 0; rank < ranked.length; rank++) {
      const points = this.#entries.get(ranked[rank])!.points;
      for (let i = 0; i < points.length; i++) {
        packed[k++] = points[i] * RANK_SPAN + rank;
      }
    }
    packed.sort();
    const sorted = new Uint32Array(total);
    const owners = new Uint32Array(total);
    for (let i = 0; i < total; i++) {
      const v = packed[i];
      const rank = v % RANK_SPAN;
      owners[i] = rank;
      sorted[i] = (v - rank) / RANK_SPAN;
    }
    // About two buckets per point, from 2 to 2^20 buckets.
    const bits = Math.min(
      MAX_BUCKET_BITS,
      Math.max(1, Math.ceil(Math.log2(total + 1)) + 1),
    );
    const shift = 32 - bits;
    const buckets = new Uint32Array((1 << bits) + 1);
    let i = 0;
    for (let b = 0; b < buckets.length - 1; b++) {
      const start = b * 2 ** shift;
      while (i < total && sorted[i] < start) i++;
      buckets[b] = i;
    }
    buckets[buckets.length - 1] = total;
    this.#points = sorted;
    this.#owners = owners;
    this.#ranked = ranked;
    this.#buckets = buckets;
    this.#shift = shift;
  }
}
