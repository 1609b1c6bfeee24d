/**
 * A consistent-hash ring with virtual nodes, ketama style, looked up with
 * several probes per key. `client/RING.md` specifies it byte for byte, with
 * test vectors, for clients in other languages.
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
 * proportion to the gap before it (with `k` probes, a point whose gap is `g`
 * of the circle gets `k ∫₀^g S(x)^(k−1) dx`, where `S(x)` is the part of the
 * circle farther than `x` before its next point). {@linkcode HashRing.shares}
 * computes each node's share of the hash space that way, exactly, from the
 * points' positions. With the defaults (160 points, 16 probes) the largest
 * share is 1.016× the mean over 10 nodes and 1.035× over 1,000 (1 probe:
 * 1.18× and 1.27×; 3 probes: 1.06× and 1.11×), at about 15 ns per probe (a
 * lookup takes about 280 ns with 16 probes, 80 ns with 3, on 2 shared cores).
 *
 * A key's preference order (for {@linkcode HashRing.successors} and
 * {@linkcode HashRing.find}) lists the nodes by their nearest point after any
 * of the key's probes; removing a node sends each of its keys to the next node
 * in that order, which is where replicas go.
 *
 * @module
 */

import { fmix32, type Key, keyHash } from "./hash.ts";
import type { NodeLocator } from "./locator.ts";
import { checkNodeAddress, firstAccepted, firstNodes } from "./_walk.ts";
import { murmur3Mix, murmur3Scramble } from "@cachemir/protocol";

/**
 * How many points a node of weight 1 puts on the ring unless told otherwise
 * (as ketama/libmemcached do).
 *
 * @example Read the default
 * ```ts
 * import { DEFAULT_POINTS_PER_NODE, HashRing } from "@cachemir/client/ring";
 * console.log(new HashRing().pointsPerNode === DEFAULT_POINTS_PER_NODE); // true
 * ```
 */
export const DEFAULT_POINTS_PER_NODE = 160;

/**
 * How many positions a key is hashed to unless told otherwise: with 16 and
 * 160 points per node, the largest share of the hash space is within 1.05×
 * the mean up to thousands of nodes (1.035× at 1,000).
 *
 * @example Read the default
 * ```ts
 * import { DEFAULT_PROBES, HashRing } from "@cachemir/client/ring";
 * console.log(new HashRing().probes === DEFAULT_PROBES); // true
 * ```
 */
export const DEFAULT_PROBES = 16;

/** At most this many points for one node (its weight × points per node). */
const MAX_POINTS_PER_NODE = 65536;
/** At most this many probes per key. */
const MAX_PROBES = 64;
/** At most this many nodes. */
const MAX_NODES = 2 ** 21;
/** At most 2^this buckets index the points. */
const MAX_BUCKET_BITS = 20;
/** Up to this many node slots, walks remember the nodes they have seen in an int mask. */
const MASK_BITS = 32;
/** Odd constant that makes the positions of probes after the first. */
const PROBE_SALT = 0x9e3779b9;
/** Below this many new points, they are sorted natively; from it, by radix. */
const RADIX_MIN = 4096;
const TWO_32 = 2 ** 32;

/** Options for {@linkcode HashRing}. */
export interface HashRingOptions {
  /**
   * Points on the ring per node of weight 1. More points spread keys more
   * evenly (a node's share varies by about `1/√(points × (2 × probes − 1))`
   * of the mean) at the cost of memory and of time to add or remove a node.
   *
   * @default {160}
   */
  pointsPerNode?: number;
  /**
   * Positions each key is hashed to, 1 to 64; the nearest point after any of
   * them owns the key. 1 is a classic ketama ring; each probe costs one more
   * search of the points per lookup (about 15 ns).
   *
   * @default {16}
   */
  probes?: number;
  /** Nodes to start with, each of weight 1. */
  nodes?: Iterable<string>;
}

interface RingNode {
  /** Its address. */
  node: string;
  weight: number;
  /** Index in `#slots`, the number its points carry in `#owners`. */
  slot: number;
  /** How many points it has. */
  count: number;
  /** Added since the last lookup: its points are not on the ring yet. */
  pending: boolean;
  /** Removed again before its points joined: the next lookup skips it. */
  dropped: boolean;
}

/** Position of probe `j` of a key whose first probe is at `h`. */
function probeAt(h: number, j: number): number {
  return j === 0 ? h : fmix32(h ^ Math.imul(j, PROBE_SALT));
}

const utf8 = new TextEncoder();
const tail = new Uint8Array(16);

/**
 * Writes `murmurHash3String(`${node}-${i}`)` for `i` from 0 to `count - 1`
 * into `out` from `at`: the blocks of `node-` are mixed once, and only the
 * rest and the digits of `i` per point.
 */
function pointsOf(
  node: string,
  count: number,
  out: Uint32Array,
  at: number,
): void {
  const prefix = utf8.encode(`${node}-`);
  const full = prefix.length & ~3;
  let h0 = 0;
  for (let i = 0; i < full; i += 4) {
    h0 = murmur3Mix(
      h0,
      prefix[i] | (prefix[i + 1] << 8) | (prefix[i + 2] << 16) |
        (prefix[i + 3] << 24),
    );
  }
  const rest = prefix.length - full;
  for (let i = 0; i < rest; i++) tail[i] = prefix[full + i];
  for (let i = 0; i < count; i++) {
    let digits = 1;
    for (let v = i; v >= 10; v = Math.floor(v / 10)) digits++;
    for (let v = i, d = rest + digits - 1; d >= rest; d--) {
      tail[d] = 48 + v % 10;
      v = Math.floor(v / 10);
    }
    const len = rest + digits;
    const blockEnd = len & ~3;
    let h = h0;
    let k = 0;
    for (; k < blockEnd; k += 4) {
      h = murmur3Mix(
        h,
        tail[k] | (tail[k + 1] << 8) | (tail[k + 2] << 16) |
          (tail[k + 3] << 24),
      );
    }
    const left = len & 3;
    if (left !== 0) {
      let b = tail[k];
      if (left > 1) b |= tail[k + 1] << 8;
      if (left > 2) b |= tail[k + 2] << 16;
      h ^= murmur3Scramble(b);
    }
    out[at + i] = fmix32(h ^ (full + len));
  }
}

/**
 * Sorts `points` (with `owners` alongside) by point, stably: LSD radix sort,
 * two passes of 16 bits.
 */
function radixSort(points: Uint32Array, owners: Uint32Array): void {
  const n = points.length;
  const p2 = new Uint32Array(n);
  const o2 = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (let i = 0; i < n; i++) count[(points[i] & 0xffff) + 1]++;
  for (let b = 1; b <= 65536; b++) count[b] += count[b - 1];
  for (let i = 0; i < n; i++) {
    const at = count[points[i] & 0xffff]++;
    p2[at] = points[i];
    o2[at] = owners[i];
  }
  count.fill(0);
  for (let i = 0; i < n; i++) count[(p2[i] >>> 16) + 1]++;
  for (let b = 1; b <= 65536; b++) count[b] += count[b - 1];
  for (let i = 0; i < n; i++) {
    const at = count[p2[i] >>> 16]++;
    points[at] = p2[i];
    owners[at] = o2[i];
  }
}

/**
 * Each point's share of the circle, given the sorted points of a ring and
 * the number of probes per key: with one probe the gap before the point
 * (exactly its part of the 2^32 hash values), with `k` the chance that the
 * nearest point after any of `k` independent uniform probes is this one,
 * `k ∫₀^g S(x)^(k−1) dx` for a gap `g`, where `S(x) = 1 − Σₘ min(gₘ, x)` is
 * the part of the circle farther than `x` before its next point. `S` is
 * piecewise linear between the sorted gaps, so the integral is summed exactly
 * segment by segment.
 */
function pointShares(points: Uint32Array, probes: number): Float64Array {
  const n = points.length;
  const gaps = new Float64Array(n);
  if (n === 0) return gaps;
  for (let i = 1; i < n; i++) gaps[i] = (points[i] - points[i - 1]) / TWO_32;
  gaps[0] = (points[0] + TWO_32 - points[n - 1]) / TWO_32;
  if (n === 1) gaps[0] = 1;
  if (probes === 1) return gaps;
  const sorted = gaps.slice().sort();
  // At each distinct gap value, F(g) = k ∫₀^g S(x)^(k−1) dx.
  const values: number[] = [];
  const integrals: number[] = [];
  let x = 0;
  let s = 1; // S(x)
  let f = 0;
  for (let r = 0; r < n; r++) {
    const g = sorted[r];
    if (g > x) {
      const end = Math.max(0, s - (n - r) * (g - x));
      // k ∫ S^(k−1) over a linear piece = dx × Σₘ s^m end^(k−1−m).
      let sum = 0;
      let power = 1;
      for (let m = 0; m < probes; m++) {
        sum = sum * s + power;
        power *= end;
      }
      f += (g - x) * sum;
      x = g;
      s = end;
      values.push(g);
      integrals.push(f);
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = gaps[i];
    if (g === 0) continue;
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid] < g) lo = mid + 1;
      else hi = mid;
    }
    out[i] = integrals[lo];
  }
  return out;
}

/** One to two buckets per point, from 2 to 2^20 buckets: the number of bits that pick one. */
function bucketBits(total: number): number {
  return Math.min(
    MAX_BUCKET_BITS,
    Math.max(1, Math.ceil(Math.log2(total + 1))),
  );
}

/** Index of the first of the sorted `points` at or after `value`. */
function lowerBound(points: Uint32Array, value: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A consistent-hash ring of virtual nodes (see the module documentation for
 * the multi-probe lookup).
 *
 * `nodeFor` hashes the key (MurmurHash3 of its UTF-8 bytes or hash tag) and
 * finds the next point on a sorted `Uint32Array` once per probe, with no
 * allocation: a table indexed by the top bits of the position (one to two
 * entries per point) narrows the search to under one point on average.
 *
 * `add` and `remove` only record the change; the next lookup applies all the
 * changes recorded since the last one at once, in time linear in the points:
 * the new nodes' points are sorted (radix sort) and merged into the sorted
 * points while the removed nodes' points are dropped. Adding 1,000 nodes one
 * by one and looking a key up costs one sort of their 160,000 points (about
 * 10 ms), and adding or removing a node of a 1,000-node ring about 0.5 ms.
 *
 * @example Route keys over three nodes
 * ```ts
 * import { HashRing } from "@cachemir/client/ring";
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
  /** Sorted points; equal points are ordered by their nodes' addresses (UTF-16 code units). */
  #points: Uint32Array = new Uint32Array(0);
  /** `#owners[i]` is the slot of the node owning `#points[i]`. */
  #owners: Uint32Array = new Uint32Array(0);
  /** Node address by slot; `undefined` for a free slot. */
  #slots: (string | undefined)[] = [];
  /** Slots free for new nodes (their points are gone from `#points`). */
  #free: number[] = [];
  /** Nodes added since the last lookup, with their slots. */
  #added: RingNode[] = [];
  /** Counts changes (add, remove, weight), so find() can tell accept changed the ring. */
  #version = 0;
  /** Nodes removed since the last lookup (their points are still in `#points`). */
  #removed: RingNode[] = [];
  /** `#buckets[b]` is the index of the first point at or after `b << #shift`; one more entry holds the count. */
  #buckets: Uint32Array = new Uint32Array(2);
  /** 32 minus the number of top hash bits that pick a bucket. */
  #shift = 31;

  /**
   * Makes a ring.
   *
   * @param options Points per node, probes per key and the first nodes.
   * @throws {RangeError} If `pointsPerNode` is not an integer from 1 to
   * 65536, or `probes` not one from 1 to 64.
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
   * @returns The number given to the constructor, or 16.
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
    this.#put(node, weight);
  }

  /**
   * Removes a node; its keys move to their next node, no other key moves.
   *
   * @param node The node's address.
   * @returns Whether the node was present.
   */
  remove(node: string): boolean {
    const entry = this.#entries.get(node);
    if (entry === undefined) return false;
    this.#entries.delete(node);
    this.#drop(entry);
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
    if (this.#added.length !== 0 || this.#removed.length !== 0) this.#apply();
    const points = this.#points;
    const total = points.length;
    if (total === 0) {
      throw new RangeError("Cannot locate key: the ring has no nodes");
    }
    const buckets = this.#buckets;
    const shift = this.#shift;
    const h = keyHash(key);
    let best = this.#search(h);
    let bestGap = (points[best] - h) >>> 0;
    for (let j = 1; j < this.#probes; j++) {
      const p = fmix32(h ^ Math.imul(j, PROBE_SALT));
      const bucket = p >>> shift;
      let i = buckets[bucket];
      const end = buckets[bucket + 1];
      while (i < end && points[i] < p) i++;
      if (i === total) i = 0;
      const gap = (points[i] - p) >>> 0;
      if (gap < bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    return this.#slots[this.#owners[best]]!;
  }

  /**
   * The first node in the key's preference order that `accept` returns true
   * for; `accept` is called at most once per node. With `accept` = "is up", a
   * down node's keys go exactly where {@linkcode HashRing.remove} would send them.
   *
   * @param key The key.
   * @param accept Tells whether a node may serve the key; it must not
   * change the ring.
   * @returns The node, or `undefined` if the ring is empty or no node is accepted.
   * @throws {Error} When `accept` added, removed or re-weighted a node.
   */
  find(key: Key, accept: (node: string) => boolean): string | undefined {
    if (this.#entries.size === 0) return undefined;
    const owner = this.nodeFor(key);
    const version = this.#version;
    const checked = (node: string): boolean => {
      const ok = accept(node);
      if (this.#version !== version) {
        throw new Error(
          `HashRing.find(): accept changed the ring while it was asked about ${node}; change the ring after find() returns`,
        );
      }
      return ok;
    };
    if (checked(owner)) return owner;
    const h = keyHash(key);
    // The walk starts with the owner, refused already.
    return firstAccepted((visit) => this.#walk(h, visit), checked, true);
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
    const want = Math.min(Math.floor(count), this.#entries.size);
    if (!(want > 0)) return [];
    if (this.#added.length !== 0 || this.#removed.length !== 0) this.#apply();
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
   * Each node's share of the hash space: the fraction of the 2^32 key
   * hashes it owns. With one probe this is exact (the gaps before its
   * points); with more, it is each node's exact expected share when a key's
   * probes are independent uniform positions, computed from the gaps between
   * the points (see the module documentation) — the re-mixed probes of real
   * keys follow it to within sampling noise. Shares add up to 1 (up to
   * rounding); takes about 40 ms for 1,000 nodes of 160 points.
   *
   * @returns A map from each node, in the order they were added, to its share.
   *
   * @example The busiest node's share against the mean
   * ```ts
   * import { HashRing } from "@cachemir/client/ring";
   * const nodes = Array.from({ length: 100 }, (_, i) => `10.0.0.${i}:7379`);
   * const ring = new HashRing({ nodes });
   * const shares = [...ring.shares().values()];
   * const largest = Math.max(...shares) * shares.length;
   * console.log(largest > 1 && largest < 1.05); // true
   * ```
   */
  shares(): Map<string, number> {
    if (this.#added.length !== 0 || this.#removed.length !== 0) this.#apply();
    const perPoint = pointShares(this.#points, this.#probes);
    const perSlot = new Float64Array(this.#slots.length);
    const owners = this.#owners;
    for (let i = 0; i < perPoint.length; i++) perSlot[owners[i]] += perPoint[i];
    const out = new Map<string, number>();
    for (const [node, entry] of this.#entries) {
      out.set(node, perSlot[entry.slot]);
    }
    return out;
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
    const slots = this.#slots;
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
    let left = this.#entries.size;
    let mask = 0;
    const seen = slots.length > MASK_BITS
      ? new Uint8Array(slots.length)
      : undefined;
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
      if (!visit(slots[owner]!) || --left === 0) return;
    }
  }

  /** Records a node or its new weight; its points join at the next lookup. */
  #put(node: string, weight: number): void {
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
    if (old !== undefined) {
      old.weight = weight;
      if (old.count === count) return;
      // New points under a new slot; the map keeps the node's place in order.
      this.#drop(old);
    } else if (this.#entries.size >= MAX_NODES) {
      throw new RangeError(
        `Cannot add node ${node}: the ring already holds ${this.#entries.size} nodes`,
      );
    }
    const slot = this.#free.pop() ?? this.#slots.length;
    this.#slots[slot] = node;
    const entry: RingNode = {
      node,
      weight,
      slot,
      count,
      pending: true,
      dropped: false,
    };
    this.#entries.set(node, entry);
    this.#added.push(entry);
    this.#version++;
  }

  /** Takes a node's points off the ring at the next lookup. */
  #drop(entry: RingNode): void {
    this.#version++;
    if (entry.pending) {
      // Never applied: its slot holds no points yet. Marked rather than
      // spliced out of #added, so that many removals stay linear.
      entry.dropped = true;
      this.#slots[entry.slot] = undefined;
      this.#free.push(entry.slot);
    } else {
      // Its points leave at the next lookup; the slot is free after that.
      this.#slots[entry.slot] = undefined;
      this.#removed.push(entry);
    }
  }

  /**
   * Applies the changes recorded since the last lookup: sorts the added
   * nodes' points, merges them into the sorted points while dropping the
   * removed nodes' points, and indexes the result. Linear in the points but
   * for the sort of the new ones.
   */
  #apply(): void {
    const slots = this.#slots;
    // Added points, sorted by position, then address.
    const added = this.#added.filter((entry) => !entry.dropped).sort((a, b) =>
      slots[a.slot]! < slots[b.slot]! ? -1 : 1
    );
    let count = 0;
    for (const entry of added) count += entry.count;
    const newPoints = new Uint32Array(count);
    const newOwners = new Uint32Array(count);
    let k = 0;
    for (const entry of added) {
      pointsOf(slots[entry.slot]!, entry.count, newPoints, k);
      newOwners.fill(entry.slot, k, k + entry.count);
      k += entry.count;
    }
    if (count >= RADIX_MIN) {
      radixSort(newPoints, newOwners);
    } else if (count > 1) {
      const rank = new Map(added.map((entry, i) => [entry.slot, i]));
      const packed = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        packed[i] = newPoints[i] * MAX_NODES + rank.get(newOwners[i])!;
      }
      packed.sort();
      for (let i = 0; i < count; i++) {
        const r = packed[i] % MAX_NODES;
        newPoints[i] = (packed[i] - r) / MAX_NODES;
        newOwners[i] = added[r].slot;
      }
    }
    const removed = this.#removed;
    let removedCount = 0;
    for (const entry of removed) removedCount += entry.count;
    const oldTotal = this.#points.length;
    if (
      oldTotal !== 0 && (count + removedCount) * 16 < oldTotal &&
      this.#spliceRuns(newPoints, newOwners, removedCount)
    ) {
      this.#finish();
      return;
    }
    // Merge, dropping removed slots.
    const gone = new Uint8Array(slots.length);
    for (const entry of removed) gone[entry.slot] = 1;
    const oldPoints = this.#points;
    const oldOwners = this.#owners;
    const points = new Uint32Array(oldTotal - removedCount + count);
    const owners = new Uint32Array(points.length);
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < oldTotal && j < count) {
      const owner = oldOwners[i];
      if (gone[owner] !== 0) {
        i++;
        continue;
      }
      const a = oldPoints[i];
      const b = newPoints[j];
      if (a < b || (a === b && slots[owner]! < slots[newOwners[j]]!)) {
        points[o] = a;
        owners[o++] = owner;
        i++;
      } else {
        points[o] = b;
        owners[o++] = newOwners[j++];
      }
    }
    for (; i < oldTotal; i++) {
      const owner = oldOwners[i];
      if (gone[owner] !== 0) continue;
      points[o] = oldPoints[i];
      owners[o++] = owner;
    }
    for (; j < count; j++) {
      points[o] = newPoints[j];
      owners[o++] = newOwners[j];
    }
    this.#points = points;
    this.#owners = owners;
    this.#finish();
    this.#index();
  }

  /**
   * Applies few changes to many points: finds where each new point goes
   * (binary search) and where each removed point is, and copies the runs of
   * points between them (`TypedArray.set`). Returns false, having changed
   * nothing, if a removed point is not found (it cannot happen).
   */
  #spliceRuns(
    newPoints: Uint32Array,
    newOwners: Uint32Array,
    removedCount: number,
  ): boolean {
    const slots = this.#slots;
    const oldPoints = this.#points;
    const oldOwners = this.#owners;
    const oldTotal = oldPoints.length;
    const count = newPoints.length;
    // Indexes of the removed points.
    const drop = new Uint32Array(removedCount);
    let most = 0;
    for (const entry of this.#removed) most = Math.max(most, entry.count);
    const scratch = new Uint32Array(most);
    let d = 0;
    for (const entry of this.#removed) {
      pointsOf(entry.node, entry.count, scratch, 0);
      for (let k = 0; k < entry.count; k++) {
        let at = lowerBound(oldPoints, scratch[k]);
        while (
          at < oldTotal && oldPoints[at] === scratch[k] &&
          oldOwners[at] !== entry.slot
        ) at++;
        if (at === oldTotal || oldOwners[at] !== entry.slot) return false;
        drop[d++] = at;
      }
    }
    drop.sort();
    for (let k = 1; k < removedCount; k++) {
      // A node with two equal points: leave it to the full merge.
      if (drop[k] === drop[k - 1]) return false;
    }
    // Index in the old points before which each new point goes.
    const before = new Uint32Array(count);
    for (let j = 0; j < count; j++) {
      const b = newPoints[j];
      let at = lowerBound(oldPoints, b);
      const node = slots[newOwners[j]]!;
      while (
        at < oldTotal && oldPoints[at] === b &&
        (slots[oldOwners[at]] ?? "") < node
      ) at++;
      before[j] = at;
    }
    const total = oldTotal - removedCount + count;
    const points = new Uint32Array(total);
    const owners = new Uint32Array(total);
    let from = 0; // next old point to copy
    let o = 0;
    let r = 0;
    const copy = (to: number): void => {
      if (to > from) {
        points.set(oldPoints.subarray(from, to), o);
        owners.set(oldOwners.subarray(from, to), o);
        o += to - from;
        from = to;
      }
    };
    for (let j = 0; j <= count; j++) {
      const to = j < count ? before[j] : oldTotal;
      while (r < removedCount && drop[r] < to) {
        copy(drop[r]);
        from = drop[r++] + 1;
      }
      copy(to);
      if (j < count) {
        points[o] = newPoints[j];
        owners[o++] = newOwners[j];
      }
    }
    // The bucket table shifts by the points added and removed before each bucket.
    const bits = bucketBits(total);
    const buckets = this.#buckets;
    if (32 - bits === this.#shift) {
      const shift = this.#shift;
      let delta = 0;
      let b = 0;
      let j = 0;
      r = 0;
      while (j < count || r < removedCount) {
        let at: number;
        let step: number;
        if (
          r === removedCount ||
          (j < count && newPoints[j] <= oldPoints[drop[r]])
        ) {
          at = newPoints[j++] >>> shift;
          step = 1;
        } else {
          at = oldPoints[drop[r++]] >>> shift;
          step = -1;
        }
        if (delta === 0) b = at + 1;
        else for (; b <= at; b++) buckets[b] += delta;
        delta += step;
      }
      if (delta !== 0) { for (; b < buckets.length; b++) buckets[b] += delta; }
      this.#points = points;
      this.#owners = owners;
    } else {
      this.#points = points;
      this.#owners = owners;
      this.#index();
    }
    return true;
  }

  /** Frees the removed nodes' slots and clears the changes. */
  #finish(): void {
    for (const entry of this.#removed) this.#free.push(entry.slot);
    for (const entry of this.#added) entry.pending = false;
    this.#added = [];
    this.#removed = [];
  }

  /** Builds the bucket table of the points. */
  #index(): void {
    const points = this.#points;
    const total = points.length;
    const shift = 32 - bucketBits(total);
    const buckets = new Uint32Array((1 << (32 - shift)) + 1);
    let b = 0;
    for (let p = 0; p < total; p++) {
      const at = points[p] >>> shift;
      while (b <= at) buckets[b++] = p;
    }
    while (b < buckets.length) buckets[b++] = total;
    this.#buckets = buckets;
    this.#shift = shift;
  }
}
