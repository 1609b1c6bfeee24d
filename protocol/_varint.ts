/**
 * Unsigned LEB128 varints of at most 5 bytes (values up to 2^32 - 1).
 * Private to the package.
 *
 * @module
 */

/** Largest number of bytes a varint may take. */
export const MAX_VARINT_BYTES = 5;

/**
 * Gives the number of bytes `value` takes as a varint.
 *
 * @param value An integer in 0..2^32-1.
 * @returns 1 to 5.
 */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/**
 * Writes `value` as a varint at `pos`; the caller has made room.
 *
 * @param buf The destination.
 * @param pos Where to write.
 * @param value An integer in 0..2^32-1.
 * @returns The position after the varint.
 */
export function writeVarint(
  buf: Uint8Array,
  pos: number,
  value: number,
): number {
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[pos++] = value;
  return pos;
}

/**
 * Where {@linkcode readVarint} leaves its result: the value and the position
 * after it, or `pos = -1` when the varint runs past `end`, and `pos = -2` when
 * it is longer than 5 bytes or exceeds 2^32 - 1.
 */
export interface VarintCursor {
  /** The decoded value. */
  value: number;
  /** The position after the varint, or a negative failure code. */
  pos: number;
}

/**
 * Reads a varint at `pos`, without throwing.
 *
 * @param buf The source.
 * @param pos Where the varint starts.
 * @param end Where readable bytes end.
 * @param out Receives the value and the next position.
 */
export function readVarint(
  buf: Uint8Array,
  pos: number,
  end: number,
  out: VarintCursor,
): void {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos >= end) {
      out.pos = -1;
      return;
    }
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (value > 0xffffffff) {
        out.pos = -2;
        return;
      }
      out.value = value;
      out.pos = pos;
      return;
    }
    scale *= 128;
  }
  out.pos = -2;
}
