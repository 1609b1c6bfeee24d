/**
 * How a client command is declared: its row in the command table, how its
 * arguments are built and how its reply becomes a value, once — the
 * `CacheMirClient` method of the same name, its `...Buffer` variant (bytes)
 * and its `...Big` variant (a `bigint`) all come from that one declaration.
 *
 * @module
 */

import {
  type CommandInfo,
  commandInfo,
  type CommandName,
} from "@cachemir/protocol";
import type { Arg, ReplyTransform } from "../types.ts";

/**
 * How a command's reply becomes a value: as text (the method), and when the
 * command has them, as bytes (the `...Buffer` method) and as a `bigint`
 * (the `...Big` method).
 *
 * @typeParam T The value the method resolves with.
 * @typeParam B The value the `...Buffer` method resolves with.
 * @typeParam G The value the `...Big` method resolves with.
 */
export interface Decoder<T, B = never, G = never> {
  /** The reply as text (strings for values). */
  readonly text: ReplyTransform<T>;
  /** The reply with values as bytes; no `...Buffer` method without it. */
  readonly bytes?: ReplyTransform<B>;
  /** The reply as a `bigint`; no `...Big` method without it. */
  readonly big?: ReplyTransform<G>;
}

/**
 * One command of the client, declared once. `Text`, `Bytes` and `Big` are
 * the types of the methods it gives `CacheMirClient` (a function type each,
 * overloads allowed; `never` when there is no such variant). They are
 * type-level only: {@linkcode Declaration.signatures} is never set.
 *
 * @typeParam Text The method's type, e.g. `(key: Key) => Promise<string | null>`.
 * @typeParam Bytes The `...Buffer` method's type, or `never`.
 * @typeParam Big The `...Big` method's type, or `never`.
 */
export interface Declaration<Text, Bytes = never, Big = never> {
  /** The command's row in the shared command table. */
  readonly info: CommandInfo;
  /** Builds the command's arguments from the method's. */
  readonly args: (...args: never[]) => readonly Arg[];
  /**
   * How the reply becomes a value: one decoder, or one picked from the
   * method's arguments (LPOP with or without a count).
   */
  readonly reply:
    | Decoder<unknown, unknown, unknown>
    | ((...args: never[]) => Decoder<unknown, unknown, unknown>);
  /** Type-level only: the methods' types. Never set. */
  readonly signatures?: {
    readonly text: Text;
    readonly bytes: Bytes;
    readonly big: Big;
  };
}

/**
 * The type of a variant method (`...Buffer`, `...Big`) taking `A` and
 * resolving with `R`; `never` when `R` is `never` (no such variant).
 *
 * @typeParam A The method's parameters.
 * @typeParam R The value it resolves with.
 */
export type Variant<A extends unknown[], R> = [R] extends [never] ? never
  : (...args: A) => Promise<R>;

/**
 * The declaration of a command whose methods take arguments `A` and
 * resolve with `T` (text), `B` (bytes) and `G` (bigint).
 *
 * @typeParam A The methods' parameters, as a labelled tuple: `[key: Key]`.
 * @typeParam T The value the method resolves with.
 * @typeParam B The value the `...Buffer` method resolves with, or `never`.
 * @typeParam G The value the `...Big` method resolves with, or `never`.
 */
export type Command<A extends unknown[], T, B = never, G = never> = Declaration<
  (...args: A) => Promise<T>,
  Variant<A, B>,
  Variant<A, G>
>;

/**
 * The methods a module of declarations gives `CacheMirClient`: for each
 * declaration `name`, the method `name`, and `nameBuffer` and `nameBig` when
 * it has those variants; for each walk `nameIterator`, the method
 * `nameIterator` and `nameBufferIterator`. Other exports give nothing.
 *
 * @typeParam F The module's namespace type (`typeof strings`).
 */
export type Methods<F> =
  & {
    [
      K in keyof F as F[K] extends Declaration<unknown, unknown, unknown> ? K
        : never
    ]: F[K] extends Declaration<infer T, unknown, unknown> ? T : never;
  }
  & {
    [
      K in keyof F as F[K] extends Declaration<unknown, infer B, unknown>
        ? [B] extends [never] ? never : `${K & string}Buffer`
        : never
    ]: F[K] extends Declaration<unknown, infer B, unknown> ? B : never;
  }
  & {
    [
      K in keyof F as F[K] extends Declaration<unknown, unknown, infer G>
        ? [G] extends [never] ? never : `${K & string}Big`
        : never
    ]: F[K] extends Declaration<unknown, unknown, infer G> ? G : never;
  }
  & {
    [K in keyof F as F[K] extends Walk<unknown, unknown> ? K : never]:
      F[K] extends Walk<infer T, unknown> ? T : never;
  }
  & {
    [
      K in keyof F as F[K] extends Walk<unknown, infer B>
        ? [B] extends [never] ? never
        : K extends `${infer P}Iterator` ? `${P}BufferIterator`
        : never
        : never
    ]: F[K] extends Walk<unknown, infer B> ? B : never;
  };

/** The runtime shape of every declaration; `isDeclaration` tests for it. */
class Declared implements Declaration<unknown, unknown, unknown> {
  readonly info: CommandInfo;
  readonly args: (...args: never[]) => readonly Arg[];
  readonly reply:
    | Decoder<unknown, unknown, unknown>
    | ((...args: never[]) => Decoder<unknown, unknown, unknown>);
  constructor(
    info: CommandInfo,
    args: (...args: never[]) => readonly Arg[],
    reply:
      | Decoder<unknown, unknown, unknown>
      | ((...args: never[]) => Decoder<unknown, unknown, unknown>),
  ) {
    this.info = info;
    this.args = args;
    this.reply = reply;
    Object.freeze(this);
  }
}

/**
 * Declares a command with one signature.
 *
 * @param name The command's name in the table (a typo fails to compile).
 * @param args Builds its arguments from the method's.
 * @param reply How its reply becomes a value, as text and as the variants.
 * @returns The declaration.
 */
export function command<A extends unknown[], T, B = never, G = never>(
  name: CommandName,
  args: (...args: A) => readonly Arg[],
  reply: Decoder<T, B, G>,
): Command<A, T, B, G> {
  return new Declared(
    commandInfo(name),
    args as unknown as (...args: never[]) => readonly Arg[],
    reply,
  ) as Command<A, T, B, G>;
}

/**
 * Declares a command with overloads: its type (given where it is declared)
 * lists the method's signatures; `args` and `reply` take the union of their
 * parameters.
 *
 * @param name The command's name in the table.
 * @param args Builds its arguments from the method's.
 * @param reply How its reply becomes a value, or picks that from the
 * method's arguments.
 * @returns The declaration, to be typed by the caller (a `never` signature
 * is assignable to any).
 */
export function overloaded<A extends unknown[]>(
  name: CommandName,
  args: (...args: A) => readonly Arg[],
  reply:
    | Decoder<unknown, unknown, unknown>
    | ((...args: A) => Decoder<unknown, unknown, unknown>),
): Declaration<never, never, never> {
  return new Declared(
    commandInfo(name),
    args as unknown as (...args: never[]) => readonly Arg[],
    reply as unknown as (
      ...args: never[]
    ) => Decoder<unknown, unknown, unknown>,
  );
}

/**
 * Tells whether a module's export is a command declaration.
 *
 * @param value The export.
 * @returns `true` for a value made by {@linkcode command} or {@linkcode overloaded}.
 */
export function isDeclaration(
  value: unknown,
): value is Declaration<unknown, unknown, unknown> {
  return value instanceof Declared;
}

/**
 * An iterator over every page of a cursor command (SCAN, HSCAN, SSCAN):
 * `scanIterator` and `scanBufferIterator` come from one walk over the
 * `scan` declaration. `Text` and `Bytes` are the methods' types
 * (type-level only, like {@linkcode Declaration.signatures}).
 *
 * @typeParam Text The iterator method's type.
 * @typeParam Bytes The `...BufferIterator` method's type, or `never`.
 */
export interface Walk<Text, Bytes = never> {
  /** The cursor command each step sends. */
  readonly page: Declaration<unknown, unknown, unknown>;
  /**
   * Where the cursor goes among the page command's arguments: 0 for SCAN,
   * 1 for HSCAN and SSCAN (after the key).
   */
  readonly cursorAt: number;
  /** Yield `[field, value]` pairs (HSCAN) rather than one item at a time. */
  readonly pairs: boolean;
  /** Type-level only: the methods' types. Never set. */
  readonly signatures?: { readonly text: Text; readonly bytes: Bytes };
}

class Walked implements Walk<unknown, unknown> {
  readonly page: Declaration<unknown, unknown, unknown>;
  readonly cursorAt: number;
  readonly pairs: boolean;
  constructor(
    page: Declaration<unknown, unknown, unknown>,
    cursorAt: number,
    pairs: boolean,
  ) {
    this.page = page;
    this.cursorAt = cursorAt;
    this.pairs = pairs;
    Object.freeze(this);
  }
}

/**
 * Declares the iterators over a cursor command: the caller's arguments are
 * the page command's without the cursor, which starts at `"0"` and follows
 * the node's until it is `"0"` again.
 *
 * @param page The cursor command's declaration; its decoder gives
 * `[cursor, items]` as text and as bytes.
 * @param cursorAt Where the cursor goes among the page command's arguments.
 * @param pairs Yield `[field, value]` pairs rather than single items.
 * @returns The walk, to be typed by the caller.
 */
export function walk(
  page: Declaration<unknown, unknown, unknown>,
  cursorAt: number,
  pairs: boolean,
): Walk<never, never> {
  return new Walked(page, cursorAt, pairs) as Walk<never, never>;
}

/**
 * Tells whether a module's export is a walk.
 *
 * @param value The export.
 * @returns `true` for a value made by {@linkcode walk}.
 */
export function isWalk(value: unknown): value is Walk<unknown, unknown> {
  return value instanceof Walked;
}
