/**
 * {@linkcode ByteSet}: the value of a Redis set key, with O(1) add, remove,
 * lookup and uniform random member at any size, and the SINTER / SUNION /
 * SDIFF algorithms.
 *
 * @module
 */

import { IndexedMap } from "./_indexed_map.ts";
import { type MemoryCounted, objectBytes } from "./collection.ts";

/** Bytes of a ByteSet object: its one field, the map. */
const WRAPPER_BYTES = objectBytes(1);

/** Options of {@linkcode ByteSet}. */
export interface ByteSetOptions {
  /**
   * A source of uniform numbers in [0, 1), for SPOP and SRANDMEMBER (tests
   * pass a seeded one).
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * A set of byte strings (one char per byte, codes 0–255) with Redis's set
 * semantics.
 *
 * Members live in slots with a `Map<member, slot>` index (built past 16
 * members; smaller sets scan their few slots), so {@linkcode ByteSet.add},
 * {@linkcode ByteSet.delete} and {@linkcode ByteSet.has} are O(1) and a
 * uniform random member ({@linkcode ByteSet.random}, {@linkcode ByteSet.pop})
 * is O(1) expected — a plain JS `Set` has no random access.
 *
 * Order: members are listed in insertion order until the set first holds
 * more than 128 members (removals leave tombstones, compacted in order once
 * they outnumber members). From then on a removal moves the last member
 * into the freed slot — O(1) worst case, no compaction pauses — and the
 * order is unspecified, as for Redis's hashtable-encoded sets.
 *
 * {@linkcode ByteSet.scan} implements SSCAN's guarantee: every member
 * present for the whole scan is returned at least once, whatever is added
 * or removed between the calls. Its cursor is a slot position visited
 * downwards, and members never move to a higher slot (appends go on top;
 * tombstones move nothing; compaction and swap-remove only move members
 * down), so a member not visited yet cannot move behind the cursor. The
 * proof is in `_indexed_map.ts`.
 *
 * @example Use it as a set
 * ```ts
 * import { ByteSet } from "./set.ts";
 * import assert from "node:assert/strict";
 *
 * const set = ByteSet.from(["a", "b"]);
 * assert.equal(set.add("c"), true);
 * assert.equal(set.add("a"), false);
 * assert.equal(set.has("b"), true);
 * assert.equal(set.delete("b"), true);
 * assert.deepEqual(set.members(), ["a", "c"]);
 * assert.equal(set.has(set.random() as string), true);
 * ```
 */
export class ByteSet implements MemoryCounted {
  #map: IndexedMap;

  /**
   * Makes an empty set.
   *
   * @param options The source of randomness.
   *
   * @example Make a set
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ByteSet().size, 0);
   * ```
   */
  constructor(options: ByteSetOptions = {}) {
    this.#map = new IndexedMap(false, options.random);
  }

  /**
   * Makes a set of the given members (repeats are added once).
   *
   * @param members The members.
   * @param options The source of randomness.
   * @returns The new set.
   *
   * @example Make a set from an array
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteSet.from(["a", "b", "a"]).size, 2);
   * ```
   */
  static from(
    members: Iterable<string>,
    options: ByteSetOptions = {},
  ): ByteSet {
    const set = new ByteSet(options);
    for (const member of members) set.#map.set(member, "");
    return set;
  }

  /**
   * The type TYPE reports for a set key: always `"set"` (the keyspace's
   * `CollectionValue` contract in `keyspace.ts`; a prototype getter, so it costs
   * no memory per value).
   *
   * @example Read the type
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ByteSet().type, "set");
   * ```
   */
  get type(): "set" {
    return "set";
  }

  /**
   * The number of members (SCARD).
   *
   * @example Count members
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteSet.from(["a", "b"]).size, 2);
   * ```
   */
  get size(): number {
    return this.#map.size;
  }

  /**
   * An estimate of the bytes of V8 heap the set holds
   * ({@linkcode MemoryCounted}): its objects, its slot array, its index
   * `Map` (past 16 entries) and its members, with the model of
   * `collection.ts` (a string of n ≥ 2 bytes costs 16 + n rounded up to 8).
   * O(1); kept up to date by every change, and back to an empty set's
   * value once the set is empty.
   *
   * @example Count memory
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = new ByteSet();
   * const empty = set.memoryBytes;
   * set.add("member");
   * assert.ok(set.memoryBytes > empty);
   * set.delete("member");
   * assert.equal(set.memoryBytes, empty);
   * ```
   */
  get memoryBytes(): number {
    return WRAPPER_BYTES + this.#map.memoryBytes;
  }

  /**
   * {@linkcode ByteSet.memoryBytes} computed again from scratch, walking
   * every slot: O(n), for tests that check the running count.
   *
   * @returns The bytes.
   *
   * @example Check the running count
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const value = ByteSet.from(["member"]);
   * assert.equal(value.recountMemoryBytes(), value.memoryBytes);
   * ```
   */
  recountMemoryBytes(): number {
    return WRAPPER_BYTES + this.#map.recountMemoryBytes();
  }

  /**
   * The number of slots, members and tombstones (for memory accounting and
   * tests); at most twice {@linkcode ByteSet.size}.
   *
   * @example Count slots
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteSet.from(["a"]).slotCount, 1);
   * ```
   */
  get slotCount(): number {
    return this.#map.slotCount;
  }

  /**
   * Whether a member is in the set (SISMEMBER). O(1).
   *
   * @param member The member.
   * @returns `true` when present.
   *
   * @example Test membership
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = ByteSet.from(["a"]);
   * assert.equal(set.has("a"), true);
   * assert.equal(set.has("b"), false);
   * ```
   */
  has(member: string): boolean {
    return this.#map.has(member);
  }

  /**
   * Adds a member (SADD of one member). Amortized O(1).
   *
   * @param member The member.
   * @returns `true` when it was not in the set.
   *
   * @example Add members
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = new ByteSet();
   * assert.equal(set.add("a"), true);
   * assert.equal(set.add("a"), false);
   * ```
   */
  add(member: string): boolean {
    return this.#map.setIfAbsent(member, "");
  }

  /**
   * Adds a member given as bytes where they sit (SADD in place): a member
   * already there is found without making a string.
   *
   * @param bytes The buffer holding the member.
   * @param start Where it starts.
   * @param length Its length.
   * @returns `true` when it was not in the set.
   *
   * @example Add a member from a request's bytes
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = new ByteSet();
   * const request = new TextEncoder().encode("SADD s m");
   * assert.equal(set.addBytes(request, 7, 1), true);
   * assert.equal(set.addBytes(request, 7, 1), false);
   * assert.equal(set.has("m"), true);
   * ```
   */
  addBytes(bytes: Uint8Array, start: number, length: number): boolean {
    return this.#map.setFromBytes(bytes, start, length, 0, 0);
  }

  /**
   * Removes a member (SREM of one member). Amortized O(1).
   *
   * @param member The member.
   * @returns `true` when it was in the set.
   *
   * @example Remove a member
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = ByteSet.from(["a"]);
   * assert.equal(set.delete("a"), true);
   * assert.equal(set.delete("a"), false);
   * ```
   */
  delete(member: string): boolean {
    return this.#map.delete(member);
  }

  /**
   * Removes every member.
   *
   * @example Empty a set
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = ByteSet.from(["a"]);
   * set.clear();
   * assert.equal(set.size, 0);
   * ```
   */
  clear(): void {
    this.#map.clear();
  }

  /**
   * Returns every member (SMEMBERS), in the set's order.
   *
   * @returns A new array.
   *
   * @example List members
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(ByteSet.from(["b", "a"]).members(), ["b", "a"]);
   * ```
   */
  members(): string[] {
    return this.#map.keys();
  }

  /**
   * Iterates the members in the set's order. The set must not change
   * during the iteration (use {@linkcode ByteSet.members} for a snapshot).
   *
   * @returns An iterator.
   *
   * @example Iterate
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual([...ByteSet.from(["a", "b"])], ["a", "b"]);
   * ```
   */
  [Symbol.iterator](): IterableIterator<string> {
    return this.#map.iterateKeys();
  }

  /**
   * Returns one uniformly random member (SRANDMEMBER without a count).
   * Expected O(1).
   *
   * @returns The member, or `undefined` when the set is empty.
   *
   * @example Pick a member
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteSet.from(["a"]).random(), "a");
   * assert.equal(new ByteSet().random(), undefined);
   * ```
   */
  random(): string | undefined {
    return this.#map.randomKey();
  }

  /**
   * Random members with SRANDMEMBER's count rules: a positive count returns
   * `min(count, size)` distinct members (the whole set, in order, when
   * `count >= size`); a negative count returns `-count` members drawn
   * independently, repeats possible; 0 returns none.
   *
   * @param count The count, as SRANDMEMBER.
   * @returns A new array.
   *
   * @example Sample members
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = ByteSet.from(["a", "b", "c"]);
   * assert.equal(new Set(set.randomMembers(2)).size, 2);
   * assert.equal(set.randomMembers(10).length, 3);
   * assert.equal(set.randomMembers(-10).length, 10);
   * ```
   */
  randomMembers(count: number): string[] {
    return this.#map.sample(count, false);
  }

  /**
   * Removes and returns one uniformly random member (SPOP). Expected
   * amortized O(1).
   *
   * @returns The member, or `undefined` when the set is empty.
   *
   * @example Pop a member
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = ByteSet.from(["a"]);
   * assert.equal(set.pop(), "a");
   * assert.equal(set.size, 0);
   * ```
   */
  pop(): string | undefined {
    return this.#map.popRandom();
  }

  /**
   * Removes and returns `count` distinct random members (SPOP with a
   * count): every member when `count >= size`, none when `count <= 0`.
   * O(count) expected.
   *
   * @param count How many members.
   * @returns A new array of the removed members.
   *
   * @example Pop several members
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = ByteSet.from(["a", "b", "c"]);
   * assert.equal(set.popMany(2).length, 2);
   * assert.equal(set.size, 1);
   * ```
   */
  popMany(count: number): string[] {
    return this.#map.popRandomMany(count);
  }

  /**
   * One step of SSCAN: pushes up to `count` members to `out` (it may visit
   * up to `10 * count` slots) and returns the next cursor, 0 when the scan
   * is complete. Every member present from the first step to the last is
   * returned at least once; a member may be returned twice. A scan that
   * starts at 0 on a set of at most `count` slots returns it all at once.
   *
   * @param cursor 0 to start, else the cursor the previous step returned.
   * @param count How many members to return at most (SSCAN's COUNT).
   * @param out Where the members are pushed.
   * @returns The next cursor; 0 when done.
   *
   * @example Scan a set
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const set = ByteSet.from(Array.from({ length: 50 }, (_, i) => `m${i}`));
   * const seen: string[] = [];
   * let cursor = 0;
   * do cursor = set.scan(cursor, 10, seen); while (cursor !== 0);
   * assert.equal(new Set(seen).size, 50);
   * ```
   */
  scan(cursor: number, count: number, out: string[]): number {
    return this.#map.scan(cursor, count, false, out);
  }

  /**
   * The members in every set (SINTER), found by walking the smallest set
   * and looking each member up in the others, smallest first.
   * O(N * M) worst case for N the smallest size and M sets.
   *
   * @param sets The sets (a missing key is an empty set: the result is
   * then empty).
   * @param limit Stop after this many members; 0 for no limit.
   * @default {0} for `limit`
   * @returns A new array, in the smallest set's order.
   *
   * @example Intersect
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const a = ByteSet.from(["a", "b", "c", "d"]);
   * const b = ByteSet.from(["c", "b", "z"]);
   * assert.deepEqual(ByteSet.intersection([a, b]), ["c", "b"]);
   * assert.deepEqual(ByteSet.intersection([a, b], 1), ["c"]);
   * ```
   */
  static intersection(sets: readonly ByteSet[], limit = 0): string[] {
    const out: string[] = [];
    ByteSet.#intersect(sets, limit, out);
    return out;
  }

  /**
   * The number of members in every set (SINTERCARD), without building the
   * intersection.
   *
   * @param sets The sets.
   * @param limit Stop counting at this number; 0 for no limit.
   * @default {0} for `limit`
   * @returns The count.
   *
   * @example Count the intersection
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const a = ByteSet.from(["a", "b", "c"]);
   * const b = ByteSet.from(["b", "c", "d"]);
   * assert.equal(ByteSet.intersectionSize([a, b]), 2);
   * assert.equal(ByteSet.intersectionSize([a, b], 1), 1);
   * ```
   */
  static intersectionSize(sets: readonly ByteSet[], limit = 0): number {
    return ByteSet.#intersect(sets, limit, undefined);
  }

  /**
   * The members in any of the sets (SUNION), as a new set.
   *
   * @param sets The sets.
   * @param options The new set's source of randomness.
   * @returns A new set, members in order of first appearance.
   *
   * @example Unite
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const union = ByteSet.union([ByteSet.from(["a", "b"]), ByteSet.from(["b", "c"])]);
   * assert.deepEqual(union.members(), ["a", "b", "c"]);
   * ```
   */
  static union(
    sets: readonly ByteSet[],
    options: ByteSetOptions = {},
  ): ByteSet {
    const result = new ByteSet(options);
    const target = result.#map;
    for (const set of sets) {
      const map = set.#map;
      const slots = map.slotCount;
      for (let slot = 0; slot < slots; slot++) {
        const member = map.keyAt(slot);
        if (member !== undefined) target.setIfAbsent(member, "");
      }
    }
    return result;
  }

  /**
   * The members of `first` that are in none of `others` (SDIFF).
   * O(N * M) worst case for N the size of `first` and M other sets.
   *
   * @param first The set to subtract from.
   * @param others The sets to subtract.
   * @returns A new array, in `first`'s order.
   *
   * @example Subtract
   * ```ts
   * import { ByteSet } from "./set.ts";
   * import assert from "node:assert/strict";
   *
   * const a = ByteSet.from(["a", "b", "c"]);
   * assert.deepEqual(ByteSet.difference(a, [ByteSet.from(["b"])]), ["a", "c"]);
   * ```
   */
  static difference(first: ByteSet, others: readonly ByteSet[]): string[] {
    const out: string[] = [];
    const map = first.#map;
    const rest: IndexedMap[] = [];
    for (const other of others) {
      if (other === first) return out;
      if (other.size > 0) rest.push(other.#map);
    }
    const slots = map.slotCount;
    outer: for (let slot = 0; slot < slots; slot++) {
      const member = map.keyAt(slot);
      if (member === undefined) continue;
      for (const other of rest) if (other.has(member)) continue outer;
      out.push(member);
    }
    return out;
  }

  static #intersect(
    sets: readonly ByteSet[],
    limit: number,
    out: string[] | undefined,
  ): number {
    if (sets.length === 0) return 0;
    const maps = sets.map((set) => set.#map).sort((a, b) => a.size - b.size);
    const smallest = maps[0];
    if (smallest.size === 0) return 0;
    const others = maps.filter((map) => map !== smallest);
    let found = 0;
    const slots = smallest.slotCount;
    outer: for (let slot = 0; slot < slots; slot++) {
      const member = smallest.keyAt(slot);
      if (member === undefined) continue;
      for (const other of others) if (!other.has(member)) continue outer;
      out?.push(member);
      if (++found === limit) break;
    }
    return found;
  }
}
