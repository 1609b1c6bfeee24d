/**
 * The values that cross the wire: frames, requests and typed replies.
 *
 * @module
 */

/** The protocol version this package speaks. */
export const PROTOCOL_VERSION = 1;

/** Every protocol version this package can decode, highest first. */
export const PROTOCOL_VERSIONS: readonly number[] = Object.freeze([1]);

/** Size of the fixed frame header in bytes. */
export const HEADER_BYTES = 12;

/** Flag bit set on every frame a node sends. */
export const FLAG_REPLY = 0x80;

/**
 * Flag bit set, with {@linkcode FLAG_REPLY}, on a push frame: one that
 * answers no request (an invalidation; see `push.ts`).
 */
export const FLAG_PUSH = 0x40;

/** Default limit on a frame's payload length: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Default limit on the number of arguments in a request (Redis's limit). */
export const DEFAULT_MAX_ARGS = 1024 * 1024;

/** Deepest nesting of arrays, maps and sets a reply decoder accepts. */
export const MAX_REPLY_DEPTH = 64;

/** Limits a decoder enforces. */
export interface Limits {
  /**
   * Largest payload accepted, in bytes.
   * @default {16777216}
   */
  readonly maxFrameBytes?: number;
  /**
   * Most arguments accepted in one request.
   * @default {1048576}
   */
  readonly maxArgs?: number;
}

/** One complete frame read from the byte stream. */
export interface Frame {
  /** Protocol version byte. */
  readonly version: number;
  /** Flags byte. */
  readonly flags: number;
  /** Opcode: the command. */
  readonly opcode: number;
  /** Request id (u32). */
  readonly id: number;
  /**
   * The payload. It may be a view into the decoder's buffer: read it before
   * the next `push()`, or copy it.
   */
  readonly payload: Uint8Array;
}

/**
 * A frame the decoder could not accept. `fatal` says whether the byte stream
 * is still in sync: when it is `false` the frame was skipped and decoding goes
 * on; when it is `true` the connection must be answered and closed.
 */
export interface FrameError {
  /** Discriminant. */
  readonly kind: "frame-error";
  /** The id read from the header (0 when no header was read). */
  readonly id: number;
  /** The opcode read from the header. */
  readonly opcode: number;
  /** Redis-style error text, e.g. `ERR Protocol error: frame length 70000 exceeds limit 65536`. */
  readonly message: string;
  /** `true` when decoding cannot go on. */
  readonly fatal: boolean;
}

/**
 * A reply payload that could not be decoded (a bug or a hostile peer, never a
 * command error: those are {@linkcode ErrorReply} values).
 */
export interface DecodeError {
  /** Discriminant. */
  readonly kind: "decode-error";
  /** What is wrong and where, e.g. `Cannot decode reply: unknown tag 0x0b at offset 0`. */
  readonly message: string;
}

/** `+OK` on RESP; tag `00` on the binary protocol. */
export interface OkReply {
  /** Discriminant. */
  readonly kind: "ok";
}

/** A short ASCII status word: `PONG`, `string`, `none`. */
export interface StatusReply {
  /** Discriminant. */
  readonly kind: "status";
  /** The status text. */
  readonly value: string;
}

/** No value: a missing key or field, an empty pop. */
export interface NullReply {
  /** Discriminant. */
  readonly kind: "null";
  /**
   * Set where Redis answers a null *array* (`*-1` on RESP2, e.g. `LPOP key
   * count` on a missing key). The binary protocol has one NULL for both.
   */
  readonly array?: boolean;
}

/** A signed 64-bit integer. */
export interface IntReply {
  /** Discriminant. */
  readonly kind: "int";
  /** The value; a `bigint` only outside the safe-integer range. */
  readonly value: number | bigint;
}

/** An IEEE 754 double. */
export interface FloatReply {
  /** Discriminant. */
  readonly kind: "float";
  /** The value. */
  readonly value: number;
}

/**
 * Bytes. On the node a `string` holds one byte per char code (0–255, a
 * "byte string"); a decoder always produces a `Uint8Array`.
 */
export interface BytesReply {
  /** Discriminant. */
  readonly kind: "bytes";
  /** The bytes. */
  readonly value: string | Uint8Array;
}

/** An ordered list of values. */
export interface ArrayReply {
  /** Discriminant. */
  readonly kind: "array";
  /** The elements. */
  readonly value: readonly Reply[];
}

/** Key-value pairs, in order (HGETALL, HELLO). */
export interface MapReply {
  /** Discriminant. */
  readonly kind: "map";
  /** The pairs as `[key, value]`. */
  readonly value: readonly (readonly [Reply, Reply])[];
}

/** An unordered collection (SMEMBERS). */
export interface SetReply {
  /** Discriminant. */
  readonly kind: "set";
  /** The members. */
  readonly value: readonly Reply[];
}

/** An error; its full text is `code + " " + message`. */
export interface ErrorReply {
  /** Discriminant. */
  readonly kind: "error";
  /** The first word: `ERR`, `WRONGTYPE`, `NOPROTO`, ... */
  readonly code: string;
  /** The rest of the text. */
  readonly message: string;
}

/** Any reply value. */
export type Reply =
  | OkReply
  | StatusReply
  | NullReply
  | IntReply
  | FloatReply
  | BytesReply
  | ArrayReply
  | MapReply
  | SetReply
  | ErrorReply;
