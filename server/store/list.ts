/**
 * {@linkcode ByteList}: the value of a Redis list key, a sequence of byte
 * strings with O(1) push and pop at both ends at any length.
 *
 * @module
 */

import {
  arrayBytes,
  type MemoryCounted,
  objectBytes,
  stringWords,
  WORD_BYTES,
} from "./collection.ts";

/** The smallest capacity the ring buffer shrinks to (a power of two). */
const MIN_CAPACITY = 4;

/** The largest buffer made with `new Array(n)` (see `#resize`). */
const MAX_PREALLOCATED = 2 ** 25;

/**
 * Bytes of a ByteList object: its 5 fields and its private brand (the slot
 * V8 adds to instances of a class with private methods).
 */
const LIST_OBJECT_BYTES = objectBytes(6);

/** Options of {@linkcode ByteList.positions} (the LPOS arguments). */
export interface PositionsOptions {
  /**
   * Which match to start from: 1 is the first match from the head, 2 the
   * second...; -1 is the first match from the tail, -2 the second...
   *
   * @default {1}
   */
  rank?: number;
  /**
   * How many matches to return at most; 0 returns all of them.
   *
   * @default {1}
   */
  count?: number;
  /**
   * How many elements to compare at most, counted from the end the scan
   * starts at; 0 compares the whole list.
   *
   * @default {0}
   */
  maxLen?: number;
}

/**
 * A list of byte strings (one char per byte, codes 0–255) with Redis's list
 * semantics.
 *
 * Storage is a growable ring buffer whose capacity is a power of two: pushes
 * and pops at either end, {@linkcode ByteList.index} and
 * {@linkcode ByteList.set} are O(1) (pushes amortized: the buffer doubles
 * when full). The buffer halves when it is less than a quarter full, so a
 * list never keeps more than four slots per element (beyond a minimum of 4),
 * and popped slots are cleared at once so their strings can be collected.
 * Inserting or removing in the middle moves the elements of the shorter side
 * only.
 *
 * Indexes follow Redis: 0 is the head, -1 the tail.
 *
 * {@linkcode ByteList.memoryBytes} estimates the V8 heap the list holds:
 * the strings' share is a running sum updated by every change, the buffer's
 * share follows from its capacity.
 *
 * @example Use it as a deque
 * ```ts
 * import { ByteList } from "./list.ts";
 * import assert from "node:assert/strict";
 *
 * const list = new ByteList();
 * list.pushRight("b");
 * list.pushRight("c");
 * list.pushLeft("a");
 * assert.deepEqual(list.range(0, -1), ["a", "b", "c"]);
 * assert.equal(list.popLeft(), "a");
 * assert.equal(list.popRight(), "c");
 * assert.equal(list.length, 1);
 * ```
 */
export class ByteList implements MemoryCounted {
  #buf: string[];
  #mask: number;
  #head = 0;
  #length = 0;
  /** V8 heap words of the elements (`stringWords` of each). */
  #stringWords = 0;

  /**
   * Makes an empty list.
   *
   * @example Make a list
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ByteList().length, 0);
   * ```
   */
  constructor() {
    this.#buf = new Array<string>(MIN_CAPACITY);
    this.#mask = MIN_CAPACITY - 1;
  }

  /**
   * Makes a list of the given elements, head first.
   *
   * @param elements The elements, head first.
   * @returns The new list.
   *
   * @example Make a list from an array
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(ByteList.from(["a", "b"]).range(0, -1), ["a", "b"]);
   * ```
   */
  static from(elements: Iterable<string>): ByteList {
    const list = new ByteList();
    for (const element of elements) list.pushRight(element);
    return list;
  }

  /**
   * The type TYPE reports for a list key: always `"list"` (the keyspace's
   * `CollectionValue` contract in `keyspace.ts`; a prototype getter, so it costs
   * no memory per value).
   *
   * @example Read the type
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ByteList().type, "list");
   * ```
   */
  get type(): "list" {
    return "list";
  }

  /**
   * The number of elements (LLEN).
   *
   * @example Read the length
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ByteList.from(["a", "b"]).length, 2);
   * ```
   */
  get length(): number {
    return this.#length;
  }

  /**
   * The number of slots the ring buffer holds now (for memory accounting and
   * tests): a power of two, at least 4 and at least {@linkcode length}.
   *
   * @example Read the capacity
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ByteList().capacity, 4);
   * ```
   */
  get capacity(): number {
    return this.#buf.length;
  }

  /**
   * An estimate of the bytes of V8 heap the list holds
   * ({@linkcode MemoryCounted}): this object, its ring buffer (its capacity)
   * and its elements, with the model of `collection.ts` (a string of n ≥ 2
   * bytes costs 16 + n rounded up to 8). O(1); kept up to date by every
   * change, and back to an empty list's value once the list is empty.
   *
   * @example Count memory
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = new ByteList();
   * const empty = list.memoryBytes;
   * list.pushRight("element");
   * assert.ok(list.memoryBytes > empty);
   * list.popLeft();
   * assert.equal(list.memoryBytes, empty);
   * ```
   */
  get memoryBytes(): number {
    return LIST_OBJECT_BYTES + arrayBytes(this.#buf.length) +
      this.#stringWords * WORD_BYTES;
  }

  /**
   * {@linkcode ByteList.memoryBytes} computed again from scratch, walking
   * every slot of the buffer (so a string left in a freed slot is counted):
   * O(capacity), for tests that check the running count.
   *
   * @returns The bytes.
   *
   * @example Check the running count
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "bcd"]);
   * assert.equal(list.recountMemoryBytes(), list.memoryBytes);
   * ```
   */
  recountMemoryBytes(): number {
    const buf = this.#buf;
    let words = 0;
    for (let i = 0; i < buf.length; i++) {
      const s = buf[i];
      if (s !== undefined) words += stringWords(s.length);
    }
    return LIST_OBJECT_BYTES + arrayBytes(buf.length) + words * WORD_BYTES;
  }

  /**
   * Adds an element at the head (LPUSH of one element). Amortized O(1).
   *
   * @param value The element.
   * @returns The length after the push.
   *
   * @example Push at the head
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["b"]);
   * assert.equal(list.pushLeft("a"), 2);
   * assert.equal(list.index(0), "a");
   * ```
   */
  pushLeft(value: string): number {
    if (this.#length === this.#buf.length) this.#resize(this.#buf.length * 2);
    this.#head = (this.#head - 1) & this.#mask;
    this.#buf[this.#head] = value;
    this.#stringWords += stringWords(value.length);
    return ++this.#length;
  }

  /**
   * Adds an element at the tail (RPUSH of one element). Amortized O(1).
   *
   * @param value The element.
   * @returns The length after the push.
   *
   * @example Push at the tail
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a"]);
   * assert.equal(list.pushRight("b"), 2);
   * assert.equal(list.index(-1), "b");
   * ```
   */
  pushRight(value: string): number {
    if (this.#length === this.#buf.length) this.#resize(this.#buf.length * 2);
    this.#buf[(this.#head + this.#length) & this.#mask] = value;
    this.#stringWords += stringWords(value.length);
    return ++this.#length;
  }

  /**
   * Removes and returns the head element (LPOP). Amortized O(1).
   *
   * @returns The element, or `undefined` when the list is empty.
   *
   * @example Pop the head
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "b"]);
   * assert.equal(list.popLeft(), "a");
   * assert.equal(list.popLeft(), "b");
   * assert.equal(list.popLeft(), undefined);
   * ```
   */
  popLeft(): string | undefined {
    if (this.#length === 0) return undefined;
    const buf = this.#buf;
    const head = this.#head;
    const value = buf[head];
    buf[head] = "";
    this.#stringWords -= stringWords(value.length);
    this.#head = (head + 1) & this.#mask;
    this.#length--;
    if (this.#length < buf.length >>> 2 && buf.length > MIN_CAPACITY) {
      this.#resize(buf.length >>> 1);
    }
    return value;
  }

  /**
   * Removes and returns the tail element (RPOP). Amortized O(1).
   *
   * @returns The element, or `undefined` when the list is empty.
   *
   * @example Pop the tail
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "b"]);
   * assert.equal(list.popRight(), "b");
   * assert.equal(list.length, 1);
   * ```
   */
  popRight(): string | undefined {
    if (this.#length === 0) return undefined;
    const buf = this.#buf;
    const slot = (this.#head + this.#length - 1) & this.#mask;
    const value = buf[slot];
    buf[slot] = "";
    this.#stringWords -= stringWords(value.length);
    this.#length--;
    if (this.#length < buf.length >>> 2 && buf.length > MIN_CAPACITY) {
      this.#resize(buf.length >>> 1);
    }
    return value;
  }

  /**
   * Returns the element at an index (LINDEX). O(1).
   *
   * @param index 0 is the head, -1 the tail.
   * @returns The element, or `undefined` when the index is out of range.
   *
   * @example Read by index
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "b", "c"]);
   * assert.equal(list.index(1), "b");
   * assert.equal(list.index(-1), "c");
   * assert.equal(list.index(3), undefined);
   * ```
   */
  index(index: number): string | undefined {
    const i = index < 0 ? index + this.#length : index;
    if (!(i >= 0 && i < this.#length)) return undefined;
    return this.#buf[(this.#head + i) & this.#mask];
  }

  /**
   * Replaces the element at an index (LSET). O(1).
   *
   * @param index 0 is the head, -1 the tail.
   * @param value The new element.
   * @returns `false` when the index is out of range (LSET then replies
   * `ERR index out of range`), else `true`.
   *
   * @example Replace by index
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "b"]);
   * assert.equal(list.set(-1, "z"), true);
   * assert.equal(list.set(2, "y"), false);
   * assert.deepEqual(list.range(0, -1), ["a", "z"]);
   * ```
   */
  set(index: number, value: string): boolean {
    const i = index < 0 ? index + this.#length : index;
    if (!(i >= 0 && i < this.#length)) return false;
    const buf = this.#buf;
    const slot = (this.#head + i) & this.#mask;
    this.#stringWords += stringWords(value.length) -
      stringWords(buf[slot].length);
    buf[slot] = value;
    return true;
  }

  /**
   * Returns the elements from `start` to `stop`, both inclusive (LRANGE).
   * Negative indexes count from the tail; out-of-range indexes are clamped
   * as Redis does. O(N) for N returned elements (the start is found in
   * O(1)).
   *
   * @param start The first index.
   * @param stop The last index.
   * @returns A new array, head first (empty when the range is empty).
   * @throws {RangeError} When `start` or `stop` is not an integer.
   *
   * @example Read ranges
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "b", "c", "d"]);
   * assert.deepEqual(list.range(1, 2), ["b", "c"]);
   * assert.deepEqual(list.range(-2, 100), ["c", "d"]);
   * assert.deepEqual(list.range(-100, 0), ["a"]);
   * assert.deepEqual(list.range(3, 1), []);
   * ```
   */
  range(start: number, stop: number): string[] {
    checkIntegers("range", start, stop);
    const len = this.#length;
    if (start < 0) start += len;
    if (stop < 0) stop += len;
    if (start < 0) start = 0;
    if (stop >= len) stop = len - 1;
    const out: string[] = [];
    if (start > stop) return out;
    const buf = this.#buf;
    const mask = this.#mask;
    const from = this.#head + start;
    const to = this.#head + stop;
    for (let i = from; i <= to; i++) out.push(buf[i & mask]);
    return out;
  }

  /**
   * Keeps only the elements from `start` to `stop`, both inclusive (LTRIM),
   * with the same index rules as {@linkcode ByteList.range}; an empty range
   * empties the list. O(number of removed elements).
   *
   * @param start The first index kept.
   * @param stop The last index kept.
   * @returns The number of elements removed.
   * @throws {RangeError} When `start` or `stop` is not an integer.
   *
   * @example Trim a list
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "b", "c", "d"]);
   * assert.equal(list.trim(1, -2), 2);
   * assert.deepEqual(list.range(0, -1), ["b", "c"]);
   * list.trim(5, 10);
   * assert.equal(list.length, 0);
   * ```
   */
  trim(start: number, stop: number): number {
    checkIntegers("trim", start, stop);
    const len = this.#length;
    if (start < 0) start += len;
    if (stop < 0) stop += len;
    if (start < 0) start = 0;
    if (stop >= len) stop = len - 1;
    if (start > stop) {
      this.clear();
      return len;
    }
    const kept = stop - start + 1;
    const removed = len - kept;
    if (removed === 0) return 0;
    const buf = this.#buf;
    const mask = this.#mask;
    const head = this.#head;
    let words = 0;
    for (let i = 0; i < start; i++) {
      words += stringWords(buf[(head + i) & mask].length);
    }
    for (let i = stop + 1; i < len; i++) {
      words += stringWords(buf[(head + i) & mask].length);
    }
    this.#stringWords -= words;
    let capacity = buf.length;
    while (kept < capacity >>> 2 && capacity > MIN_CAPACITY) capacity >>>= 1;
    if (capacity !== buf.length) {
      this.#head = (head + start) & mask;
      this.#length = kept;
      this.#resize(capacity);
      return removed;
    }
    for (let i = 0; i < start; i++) buf[(head + i) & mask] = "";
    for (let i = stop + 1; i < len; i++) buf[(head + i) & mask] = "";
    this.#head = (head + start) & mask;
    this.#length = kept;
    return removed;
  }

  /**
   * Removes elements equal to `value` (LREM): the first `count` from the
   * head when `count > 0`, the first `-count` from the tail when
   * `count < 0`, all of them when `count` is 0. O(N): one scan, then the
   * elements of the shorter side of the removed span are moved.
   *
   * @param count How many and from which end, as LREM.
   * @param value The element to remove.
   * @returns The number of elements removed.
   * @throws {RangeError} When `count` is not an integer.
   *
   * @example Remove from either end
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["x", "a", "x", "b", "x"]);
   * assert.equal(list.remove(-2, "x"), 2);
   * assert.deepEqual(list.range(0, -1), ["x", "a", "b"]);
   * assert.equal(list.remove(0, "x"), 1);
   * assert.deepEqual(list.range(0, -1), ["a", "b"]);
   * ```
   */
  remove(count: number, value: string): number {
    checkIntegers("remove", count, 0);
    const len = this.#length;
    const buf = this.#buf;
    const mask = this.#mask;
    const head = this.#head;
    // The removed matches are exactly the matches within [first, last].
    let first = -1;
    let last = -1;
    if (count > 0) {
      let seen = 0;
      for (let i = 0; i < len; i++) {
        if (buf[(head + i) & mask] === value) {
          if (first < 0) first = i;
          last = i;
          if (++seen === count) break;
        }
      }
    } else if (count < 0) {
      let seen = 0;
      for (let i = len - 1; i >= 0; i--) {
        if (buf[(head + i) & mask] === value) {
          if (last < 0) last = i;
          first = i;
          if (++seen === -count) break;
        }
      }
    } else {
      for (let i = 0; i < len; i++) {
        if (buf[(head + i) & mask] === value) {
          first = i;
          break;
        }
      }
      if (first >= 0) {
        for (let i = len - 1; i >= first; i--) {
          if (buf[(head + i) & mask] === value) {
            last = i;
            break;
          }
        }
      }
    }
    if (first < 0) return 0;
    let removed = 0;
    if (last + 1 <= len - first) {
      // Move [0, last] towards the tail, dropping the matches.
      let w = last;
      for (let r = last; r >= 0; r--) {
        const element = buf[(head + r) & mask];
        if (r >= first && element === value) {
          removed++;
        } else {
          if (w !== r) buf[(head + w) & mask] = element;
          w--;
        }
      }
      for (let i = 0; i < removed; i++) buf[(head + i) & mask] = "";
      this.#head = (head + removed) & mask;
    } else {
      // Move [first, len) towards the head, dropping the matches.
      let w = first;
      for (let r = first; r < len; r++) {
        const element = buf[(head + r) & mask];
        if (r <= last && element === value) {
          removed++;
        } else {
          if (w !== r) buf[(head + w) & mask] = element;
          w++;
        }
      }
      for (let i = w; i < len; i++) buf[(head + i) & mask] = "";
    }
    this.#length = len - removed;
    this.#stringWords -= removed * stringWords(value.length);
    this.#shrinkToFit();
    return removed;
  }

  /**
   * Inserts `value` just before or just after the first element equal to
   * `pivot`, searching from the head (LINSERT). O(N): the scan, then the
   * elements of the shorter side are moved.
   *
   * @param pivot The element to insert next to.
   * @param value The element to insert.
   * @param after `true` to insert after the pivot, `false` before it.
   * @returns The length after the insert, or -1 when `pivot` is not in the
   * list (nothing is inserted).
   *
   * @example Insert next to a pivot
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "c"]);
   * assert.equal(list.insert("c", "b", false), 3);
   * assert.equal(list.insert("c", "d", true), 4);
   * assert.equal(list.insert("zz", "e", true), -1);
   * assert.deepEqual(list.range(0, -1), ["a", "b", "c", "d"]);
   * ```
   */
  insert(pivot: string, value: string, after: boolean): number {
    const len = this.#length;
    const buf = this.#buf;
    const mask = this.#mask;
    const head = this.#head;
    let at = -1;
    for (let i = 0; i < len; i++) {
      if (buf[(head + i) & mask] === pivot) {
        at = i;
        break;
      }
    }
    if (at < 0) return -1;
    this.#insertAt(after ? at + 1 : at, value);
    return this.#length;
  }

  /**
   * Finds the indexes of elements equal to `value` (LPOS). With a negative
   * rank the scan starts at the tail; the indexes returned always count
   * from the head, in scan order. O(N), or O(maxLen).
   *
   * @param value The element to look for.
   * @param options RANK, COUNT and MAXLEN as LPOS.
   * @returns The indexes found, at most `count` of them (all when `count`
   * is 0); empty when there is none.
   * @throws {RangeError} When `rank` is 0 or not an integer, or `count` or
   * `maxLen` is negative (LPOS checks these first and answers with Redis's
   * error text).
   *
   * @example Find positions
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "b", "a", "c", "a"]);
   * assert.deepEqual(list.positions("a"), [0]);
   * assert.deepEqual(list.positions("a", { rank: -1 }), [4]);
   * assert.deepEqual(list.positions("a", { rank: 2, count: 0 }), [2, 4]);
   * assert.deepEqual(list.positions("a", { rank: -1, count: 2 }), [4, 2]);
   * assert.deepEqual(list.positions("a", { count: 0, maxLen: 3 }), [0, 2]);
   * assert.deepEqual(list.positions("z"), []);
   * ```
   */
  positions(value: string, options: PositionsOptions = {}): number[] {
    const { rank = 1, count = 1, maxLen = 0 } = options;
    if (rank === 0 || !Number.isInteger(rank)) {
      throw new RangeError(
        `Cannot find positions: rank ${rank} is not a non-zero integer`,
      );
    }
    if (!(count >= 0)) {
      throw new RangeError(`Cannot find positions: count ${count} is negative`);
    }
    if (!(maxLen >= 0)) {
      throw new RangeError(
        `Cannot find positions: maxLen ${maxLen} is negative`,
      );
    }
    const len = this.#length;
    const buf = this.#buf;
    const mask = this.#mask;
    const head = this.#head;
    const limit = maxLen === 0 || maxLen > len ? len : maxLen;
    const out: number[] = [];
    let skip = (rank > 0 ? rank : -rank) - 1;
    for (let n = 0; n < limit; n++) {
      const i = rank > 0 ? n : len - 1 - n;
      if (buf[(head + i) & mask] !== value) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push(i);
      if (out.length === count) break;
    }
    return out;
  }

  /**
   * Removes every element and gives the buffer back.
   *
   * @example Empty a list
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * const list = ByteList.from(["a", "b"]);
   * list.clear();
   * assert.equal(list.length, 0);
   * ```
   */
  clear(): void {
    this.#buf = new Array<string>(MIN_CAPACITY);
    this.#mask = MIN_CAPACITY - 1;
    this.#head = 0;
    this.#length = 0;
    this.#stringWords = 0;
  }

  /**
   * Returns every element, head first (LRANGE 0 -1).
   *
   * @returns A new array.
   *
   * @example Copy to an array
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(ByteList.from(["a", "b"]).toArray(), ["a", "b"]);
   * ```
   */
  toArray(): string[] {
    return this.range(0, -1);
  }

  /**
   * Iterates the elements head first. The list must not change during the
   * iteration.
   *
   * @returns An iterator over the elements.
   *
   * @example Iterate
   * ```ts
   * import { ByteList } from "./list.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual([...ByteList.from(["a", "b"])], ["a", "b"]);
   * ```
   */
  *[Symbol.iterator](): IterableIterator<string> {
    const buf = this.#buf;
    const mask = this.#mask;
    const head = this.#head;
    const len = this.#length;
    for (let i = 0; i < len; i++) yield buf[(head + i) & mask];
  }

  #insertAt(index: number, value: string): void {
    if (this.#length === this.#buf.length) this.#resize(this.#buf.length * 2);
    const buf = this.#buf;
    const mask = this.#mask;
    const len = this.#length;
    if (index < len - index) {
      // Move [0, index) one slot towards the head.
      const head = (this.#head - 1) & mask;
      for (let i = 0; i < index; i++) {
        buf[(head + i) & mask] = buf[(head + i + 1) & mask];
      }
      buf[(head + index) & mask] = value;
      this.#head = head;
    } else {
      // Move [index, len) one slot towards the tail.
      const head = this.#head;
      for (let i = len; i > index; i--) {
        buf[(head + i) & mask] = buf[(head + i - 1) & mask];
      }
      buf[(head + index) & mask] = value;
    }
    this.#length = len + 1;
    this.#stringWords += stringWords(value.length);
  }

  #shrinkToFit(): void {
    let capacity = this.#buf.length;
    while (this.#length < capacity >>> 2 && capacity > MIN_CAPACITY) {
      capacity >>>= 1;
    }
    if (capacity !== this.#buf.length) this.#resize(capacity);
  }

  /** Copies the live elements, head first, into a new buffer. */
  #resize(capacity: number): void {
    const buf = this.#buf;
    const mask = this.#mask;
    const head = this.#head;
    const len = this.#length;
    // Preallocated: slots past the length stay holes until written (only
    // live slots are ever read). V8 makes `new Array(n)` a slow dictionary
    // above 2^25 elements, so bigger buffers are built by appending.
    const next: string[] = capacity <= MAX_PREALLOCATED
      ? new Array<string>(capacity)
      : [];
    for (let i = 0; i < len; i++) next[i] = buf[(head + i) & mask];
    for (let i = next.length; i < capacity; i++) next.push("");
    this.#buf = next;
    this.#mask = capacity - 1;
    this.#head = 0;
  }
}

function checkIntegers(what: string, a: number, b: number): void {
  if (!Number.isInteger(a) || !Number.isInteger(b)) {
    throw new RangeError(
      `Cannot ${what} the list: ${a}, ${b} must be integers`,
    );
  }
}
