/**
 * {@linkcode Arena}: the memory the keyspace owns. Large `ArrayBuffer` pages
 * (1 MiB) are carved into slots of one size class each, as memcached's slab
 * classes: 4-byte steps from 16 to 256 bytes (a 16-byte key, a 32-byte value
 * and a 12-byte header fit a 60-byte slot exactly), then steps of 1/8 up to
 * 256 KiB. A record larger than that gets a page of its own, sized to it.
 *
 * A slot is named by a 32-bit reference, `page << 16 | slot`: 65,536 pages
 * of 1 MiB (64 GiB), 65,536 slots per page (16-byte slots at least).
 *
 * A class's pages grow as the class does: its first page is small (16 KiB,
 * or 4 slots when they are larger), each new page twice the one before, up
 * to 1 MiB. A class that holds a few records holds a few KiB: with one
 * 1 MiB page per class, a mix of sizes across 70 classes held 100 MiB for
 * 8 MiB of records.
 *
 * The arena knows one thing of what its slots hold: a live slot's first
 * 32-bit word is never 0. A freed slot gets word 0 = 0 and word 1 = the next
 * free slot of its page, so free slots need no memory of their own and
 * {@linkcode Arena.evacuate} can tell live slots from free ones.
 *
 * Freed memory is reused: a slot goes back to its page's free list, a page
 * whose last slot is freed goes back to a pool shared by every class, and
 * {@linkcode Arena.evacuate} moves the live slots out of the emptiest page of
 * the most fragmented class (active defragmentation), so memory freed in one
 * class can serve another.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** Bytes in one page. */
export const PAGE_BYTES = 1 << 20;
/** The largest slot carved from shared pages; larger records get their own page. */
export const MAX_SLOT_BYTES = 256 * 1024;
/** The smallest page of a class (its first, when its slots are small). */
export const MIN_PAGE_BYTES = 16 * 1024;
const MAX_PAGES = 1 << 16;
const NONE = -1;
const LARGE = -2;
const FREE_END = 0xffffffff;

function buildClasses(): number[] {
  const sizes: number[] = [];
  for (let s = 16; s <= 256; s += 4) sizes.push(s);
  let s = 256;
  while (s < MAX_SLOT_BYTES) {
    s = Math.min(MAX_SLOT_BYTES, Math.ceil((s * 1.125) / 8) * 8);
    sizes.push(s);
  }
  return sizes;
}

/** The slot sizes of the size classes, smallest first. */
export const SLOT_SIZES: readonly number[] = Object.freeze(buildClasses());

// The smallest class whose slots hold `size` starts at CLASS_BY_64[(size - 1) >> 6].
const CLASS_BY_64 = new Uint8Array((MAX_SLOT_BYTES >> 6) + 1);
{
  let c = 0;
  for (let b = 0; b < CLASS_BY_64.length; b++) {
    while (SLOT_SIZES[c] < b * 64 + 1) c++;
    CLASS_BY_64[b] = c;
  }
}

/**
 * A page seen as a `node:buffer` Buffer, for its native latin1 conversions
 * (one char per byte; present at run time, missing from the typings).
 */
export interface Latin1Page {
  /** Decodes bytes `[start, end)` as one char per byte. */
  latin1Slice(start: number, end: number): string;
  /** Writes `length` chars of `s` (codes 0–255) at `offset`; returns bytes written. */
  latin1Write(s: string, offset: number, length: number): number;
}

/** Options of {@linkcode Arena}. */
export interface ArenaOptions {
  /**
   * Empty pages kept for reuse; beyond that an empty page is dropped and
   * its memory goes back to the system at once.
   * @default {8}
   */
  readonly keepFreePages?: number;
}

/** What the arena holds, in bytes. */
export interface ArenaStats {
  /** Slots in use, counted whole (with their size-class slack). */
  readonly used: number;
  /** Pages held: in classes, own pages of large records, and pooled empty pages. */
  readonly reserved: number;
  /** Live slots. */
  readonly slots: number;
  /** Pages in classes or holding a large record. */
  readonly pages: number;
  /** Empty pages kept for reuse. */
  readonly pooledPages: number;
}

/**
 * Size-classed slots in `ArrayBuffer` pages.
 *
 * @example Allocate, write and free a slot
 * ```ts
 * import { Arena } from "./arena.ts";
 * import assert from "node:assert/strict";
 *
 * const arena = new Arena();
 * const ref = arena.alloc(60);
 * assert.equal(arena.slotSize(ref), 60);
 * arena.words(ref)[arena.wordOffset(ref)] = 1; // a live slot's word 0 is not 0
 * assert.equal(arena.stats().used, 60);
 * arena.free(ref);
 * assert.equal(arena.stats().used, 0);
 * ```
 */
export class Arena {
  #bytes: (Uint8Array | undefined)[] = [];
  #words: (Uint32Array | undefined)[] = [];
  #buffers: (Latin1Page | undefined)[] = [];
  #slotSize = new Uint32Array(MAX_PAGES);
  #class = new Int16Array(MAX_PAGES).fill(NONE);
  #live = new Uint32Array(MAX_PAGES);
  #freeHead = new Int32Array(MAX_PAGES).fill(NONE);
  #bump = new Uint32Array(MAX_PAGES);
  #capacity = new Uint32Array(MAX_PAGES);
  #freeIds: number[] = [];
  #nextId = 0;
  /** Empty pages kept for reuse: their ids, with their buffers and views. */
  #parked: number[] = [];
  #keepFree: number;
  #current: Int32Array = new Int32Array(SLOT_SIZES.length).fill(NONE);
  #avail: number[][] = SLOT_SIZES.map(() => []);
  #classPages: Uint32Array = new Uint32Array(SLOT_SIZES.length);
  /** Slots in the class's pages, free or not. */
  #classCapacity: Float64Array = new Float64Array(SLOT_SIZES.length);
  #classLive: Float64Array = new Float64Array(SLOT_SIZES.length);
  #draining = NONE;
  #used = 0;
  #reserved = 0;
  #released = 0;
  #slots = 0;
  #pages = 0;

  /**
   * Makes an empty arena; pages are made on demand.
   *
   * @param options How many empty pages to keep.
   */
  constructor(options: ArenaOptions = {}) {
    this.#keepFree = options.keepFreePages ?? 8;
  }

  /**
   * The size of the next page of a class: 16 KiB (or 4 slots, when more)
   * doubled for each page the class holds, up to {@linkcode PAGE_BYTES}.
   *
   * @param slotSize The class's slot size.
   * @param pages Pages the class holds now.
   * @returns Bytes.
   */
  static pageBytes(slotSize: number, pages: number): number {
    const first = Math.max(MIN_PAGE_BYTES, slotSize * 4);
    return pages >= 7 ? PAGE_BYTES : Math.min(PAGE_BYTES, first * 2 ** pages);
  }

  /**
   * The size class that holds `size` bytes.
   *
   * @param size Bytes, 1 to {@linkcode MAX_SLOT_BYTES}.
   * @returns The index into {@linkcode SLOT_SIZES}.
   */
  static classOf(size: number): number {
    let c = CLASS_BY_64[(size - 1) >> 6];
    while (SLOT_SIZES[c] < size) c++;
    return c;
  }

  /**
   * Takes a slot of at least `size` bytes. Its content is undefined: the
   * caller writes it, with a word 0 that is not 0.
   *
   * @param size Bytes needed.
   * @returns The slot's reference.
   * @throws {RangeError} When all 65,536 page ids are in use.
   */
  alloc(size: number): number {
    if (size > MAX_SLOT_BYTES) return this.#allocLarge(size);
    const c = Arena.classOf(size);
    let p = this.#current[c];
    if (p === NONE || !this.#hasRoom(p)) p = this.#nextPage(c);
    const slotSize = this.#slotSize[p];
    let slot = this.#freeHead[p];
    if (slot !== NONE) {
      const next = this.#words[p]![((slot * slotSize) >> 2) + 1];
      this.#freeHead[p] = next === FREE_END ? NONE : next;
    } else {
      slot = this.#bump[p]++;
    }
    this.#live[p]++;
    this.#classLive[c]++;
    this.#used += slotSize;
    this.#slots++;
    return (p << 16) | slot;
  }

  /**
   * Gives a slot back.
   *
   * @param ref The slot, from {@linkcode Arena.alloc}, not freed since.
   */
  free(ref: number): void {
    const p = ref >>> 16;
    const slotSize = this.#slotSize[p];
    this.#used -= slotSize;
    this.#slots--;
    const c = this.#class[p];
    if (c === LARGE) {
      this.#reserved -= slotSize;
      this.#dropPage(p);
      return;
    }
    const slot = ref & 0xffff;
    const w = (slot * slotSize) >> 2;
    const words = this.#words[p]!;
    words[w] = 0;
    const head = this.#freeHead[p];
    words[w + 1] = head === NONE ? FREE_END : head;
    this.#freeHead[p] = slot;
    this.#classLive[c]--;
    const live = --this.#live[p];
    if (live === 0) {
      this.#releasePage(p, c);
    } else if (live === this.#capacity[p] - 1 && p !== this.#current[c]) {
      this.#avail[c].push(p); // it was full: it has room again
    }
  }

  /**
   * The bytes of a slot's page.
   *
   * @param ref The slot.
   * @returns The page (index it with {@linkcode Arena.byteOffset}).
   */
  bytes(ref: number): Uint8Array {
    return this.#bytes[ref >>> 16]!;
  }

  /**
   * The page as 32-bit words.
   *
   * @param ref The slot.
   * @returns The page (index it with {@linkcode Arena.wordOffset}).
   */
  words(ref: number): Uint32Array {
    return this.#words[ref >>> 16]!;
  }

  /**
   * The page as a `node:buffer` Buffer (for its latin1 conversions).
   *
   * @param ref The slot.
   * @returns The page.
   */
  buffer(ref: number): Latin1Page {
    return this.#buffers[ref >>> 16]!;
  }

  /**
   * Where a slot starts in its page, in bytes.
   *
   * @param ref The slot.
   * @returns The offset (a multiple of 4).
   */
  byteOffset(ref: number): number {
    return (ref & 0xffff) * this.#slotSize[ref >>> 16];
  }

  /**
   * Where a slot starts in its page, in 32-bit words.
   *
   * @param ref The slot.
   * @returns The offset.
   */
  wordOffset(ref: number): number {
    return ((ref & 0xffff) * this.#slotSize[ref >>> 16]) >> 2;
  }

  /**
   * A slot's size: what its record may grow to in place.
   *
   * @param ref The slot.
   * @returns Bytes.
   */
  slotSize(ref: number): number {
    return this.#slotSize[ref >>> 16];
  }

  /**
   * Tells whether a reference names a live slot (for references kept across
   * frees, as the eviction pool keeps them).
   *
   * @param ref A reference made by this arena at some time.
   * @returns `true` when the slot is allocated now.
   */
  isLive(ref: number): boolean {
    const p = ref >>> 16;
    const c = this.#class[p];
    if (c === NONE) return false;
    if (c === LARGE) return (ref & 0xffff) === 0;
    const slot = ref & 0xffff;
    if (slot >= this.#bump[p]) return false;
    return this.#words[p]![(slot * this.#slotSize[p]) >> 2] !== 0;
  }

  /**
   * What the arena holds.
   *
   * @returns Bytes used and reserved, live slots, pages.
   */
  stats(): ArenaStats {
    return {
      used: this.#used,
      reserved: this.#reserved,
      slots: this.#slots,
      pages: this.#pages,
      pooledPages: this.#parked.length,
    };
  }

  /** Bytes of the slots in use (with size-class slack): O(1). */
  get usedBytes(): number {
    return this.#used;
  }

  /** Bytes of the pages held, pooled ones included: O(1). */
  get reservedBytes(): number {
    return this.#reserved;
  }

  /**
   * Bytes of pages dropped since the arena was made (it only grows): the
   * node asks the C allocator to return freed memory when this moves.
   */
  get releasedBytes(): number {
    return this.#released;
  }

  /**
   * Frees every slot at once; pages go back to the pool (up to its size).
   */
  clear(): void {
    for (let p = 0; p < this.#nextId; p++) {
      const c = this.#class[p];
      if (c === NONE) continue;
      if (c === LARGE) {
        this.#reserved -= this.#slotSize[p];
        this.#dropPage(p);
      } else {
        this.#releasePage(p, c);
      }
    }
    this.#current.fill(NONE);
    for (const list of this.#avail) list.length = 0;
    this.#classLive.fill(0);
    this.#draining = NONE;
    this.#used = 0;
    this.#slots = 0;
  }

  /**
   * One step of active defragmentation: moves live slots out of the
   * emptiest page of the class that wastes the most (free slots in partly
   * used pages), so that the page can go back to the pool. Runs only where
   * the class's other pages have room for what moves.
   *
   * @param maxMoves Most slots to move in this step.
   * @param move Called for each slot moved, after its bytes were copied to
   * `to`, before `from` is freed: the owner updates its reference.
   * @returns Slots moved (0 when nothing is worth moving).
   */
  evacuate(maxMoves: number, move: (from: number, to: number) => void): number {
    let p = this.#draining;
    if (p === NONE || this.#class[p] < 0) {
      p = this.#pickVictim();
      if (p === NONE) return 0;
      this.#draining = p;
      const c = this.#class[p];
      if (this.#current[c] === p) this.#current[c] = NONE;
    }
    const c = this.#class[p];
    const slotSize = this.#slotSize[p];
    const words = this.#words[p]!;
    const bytes = this.#bytes[p]!;
    let moved = 0;
    const end = this.#bump[p];
    for (let slot = 0; slot < end && moved < maxMoves; slot++) {
      const off = slot * slotSize;
      if (words[off >> 2] === 0) continue;
      const from = (p << 16) | slot;
      const to = this.alloc(slotSize);
      const toPage = to >>> 16;
      this.#bytes[toPage]!.set(
        bytes.subarray(off, off + slotSize),
        (to & 0xffff) * slotSize,
      );
      move(from, to);
      this.free(from); // the last one releases the page
      moved++;
      if (this.#class[p] !== c) break;
    }
    if (this.#class[p] !== c || this.#live[p] === 0) this.#draining = NONE;
    return moved;
  }

  // ---- private -------------------------------------------------------------

  #hasRoom(p: number): boolean {
    return this.#freeHead[p] !== NONE || this.#bump[p] < this.#capacity[p];
  }

  #nextPage(c: number): number {
    const avail = this.#avail[c];
    while (avail.length !== 0) {
      const p = avail.pop()!;
      if (
        this.#class[p] === c && p !== this.#draining && this.#hasRoom(p)
      ) {
        this.#current[c] = p;
        return p;
      }
    }
    const slotSize = SLOT_SIZES[c];
    const p = this.#newPage(
      Arena.pageBytes(slotSize, this.#classPages[c]),
      true,
    );
    const capacity = Math.floor(this.#bytes[p]!.byteLength / slotSize);
    this.#class[p] = c;
    this.#slotSize[p] = slotSize;
    this.#capacity[p] = capacity;
    this.#classPages[c]++;
    this.#classCapacity[c] += capacity;
    this.#current[c] = p;
    return p;
  }

  #allocLarge(size: number): number {
    const bytes = Math.ceil(size / 8) * 8;
    const p = this.#newPage(bytes, false);
    this.#class[p] = LARGE;
    this.#slotSize[p] = bytes;
    this.#capacity[p] = 1;
    this.#live[p] = 1;
    this.#used += bytes;
    this.#slots++;
    return p << 16;
  }

  /**
   * A page of `bytes`, or for a class (`pooled`) a parked 1 MiB page when
   * there is one, whatever size the class asked for.
   */
  #newPage(bytes: number, pooled: boolean): number {
    if (pooled && this.#parked.length !== 0) {
      // A parked page: buffer and views as they were (no allocation).
      const p = this.#parked.pop()!;
      this.#freeHead[p] = NONE;
      this.#bump[p] = 0;
      this.#live[p] = 0;
      this.#pages++;
      return p;
    }
    const p = this.#freeIds.length !== 0
      ? this.#freeIds.pop()!
      : this.#nextId++;
    if (p >= MAX_PAGES) {
      this.#nextId = MAX_PAGES;
      throw new RangeError(
        `Arena cannot grow: all ${MAX_PAGES} pages are in use (${this.#reserved} bytes reserved)`,
      );
    }
    const ab = new ArrayBuffer(bytes);
    this.#reserved += bytes;
    this.#bytes[p] = new Uint8Array(ab);
    this.#words[p] = new Uint32Array(ab);
    this.#buffers[p] = Buffer.from(ab) as unknown as Latin1Page;
    this.#freeHead[p] = NONE;
    this.#bump[p] = 0;
    this.#live[p] = 0;
    this.#pages++;
    return p;
  }

  /**
   * A page of a class whose last slot was freed: parked for reuse by any
   * class (still reserved), or dropped when enough are parked.
   */
  #releasePage(p: number, c: number): void {
    this.#classPages[c]--;
    this.#classCapacity[c] -= this.#capacity[p];
    if (this.#current[c] === p) this.#current[c] = NONE;
    if (this.#draining === p) this.#draining = NONE;
    this.#classLive[c] -= this.#live[p];
    this.#live[p] = 0;
    const bytes = this.#bytes[p]!.byteLength;
    if (bytes === PAGE_BYTES && this.#parked.length < this.#keepFree) {
      this.#class[p] = NONE;
      this.#pages--;
      this.#parked.push(p);
    } else {
      this.#reserved -= bytes;
      this.#dropPage(p);
    }
  }

  #dropPage(p: number): void {
    // Detach the buffer: its memory goes back to the system now, not when
    // V8 next collects (nothing else keeps a view of a dropped page).
    const buffer = this.#bytes[p]!.buffer as ArrayBuffer;
    this.#released += buffer.byteLength;
    buffer.transfer(0);
    this.#class[p] = NONE;
    this.#bytes[p] = undefined;
    this.#words[p] = undefined;
    this.#buffers[p] = undefined;
    this.#live[p] = 0;
    this.#bump[p] = 0;
    this.#freeHead[p] = NONE;
    this.#freeIds.push(p);
    this.#pages--;
  }

  /**
   * The emptiest page of the class that wastes the most, when its other
   * pages can take that page's live slots; `NONE` when no class qualifies.
   */
  #pickVictim(): number {
    let best = NONE;
    let bestWaste = 0;
    for (let c = 0; c < SLOT_SIZES.length; c++) {
      const pages = this.#classPages[c];
      if (pages < 2) continue;
      const free = this.#classCapacity[c] - this.#classLive[c];
      // Worth it only when at least two pages' worth of slots are free (an
      // average page: a class's pages differ in size).
      if (free < 2 * this.#classCapacity[c] / pages) continue;
      const waste = free * SLOT_SIZES[c];
      if (waste > bestWaste) {
        bestWaste = waste;
        best = c;
      }
    }
    if (best === NONE) return NONE;
    let victim = NONE;
    let fewest = Infinity;
    for (let p = 0; p < this.#nextId; p++) {
      if (this.#class[p] === best && this.#live[p] < fewest) {
        fewest = this.#live[p];
        victim = p;
      }
    }
    return victim;
  }
}
