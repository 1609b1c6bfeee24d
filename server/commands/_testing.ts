/**
 * Helpers for the command tests (private): a context with a fake clock, and
 * a `run()` that executes a command line through the table.
 *
 * @module
 */

import { errorText, type Reply } from "@cachemir/protocol";
import { Keyspace } from "../store/keyspace.ts";
import { CommandTable } from "./table.ts";
import type {
  ArgvView,
  Blocked,
  CommandContext,
  Dialect,
  ReplyOut,
} from "./types.ts";

/** A test harness: a keyspace with a settable clock and a command table. */
export interface Harness {
  /** The context passed to handlers. */
  readonly ctx: CommandContext;
  /** The keyspace. */
  readonly store: Keyspace;
  /** The table. */
  readonly table: CommandTable;
  /** Runs `name args...` and returns the raw reply. */
  run(name: string, ...args: string[]): Reply | Blocked;
  /** Runs a command and returns its reply as plain data (see {@linkcode plain}). */
  call(name: string, ...args: string[]): unknown;
  /** The fake time, ms since the epoch. */
  now: number;
}

/**
 * Makes a harness.
 *
 * @param options The dialect of the session and the start time.
 * @returns The harness.
 *
 * @example Run a command
 * ```ts
 * import { harness } from "./_testing.ts";
 * import assert from "node:assert/strict";
 *
 * const h = harness();
 * assert.equal(h.call("SET", "k", "v"), "OK");
 * ```
 */
export function harness(
  options: { dialect?: Dialect; now?: number } = {},
): Harness {
  const h = {
    now: options.now ?? 1_700_000_000_000,
  } as Harness;
  const store = new Keyspace({ now: () => h.now });
  const table = new CommandTable();
  const ctx: CommandContext = {
    store,
    session: {
      id: 7,
      peer: "127.0.0.1:1",
      dialect: options.dialect ?? "binary",
      name: "",
      closeAfterReply: false,
    },
    node: {
      version: "0.1.0",
      startedAt: 0,
      runId: "5".repeat(40),
      maxFrameBytes: 16 * 1024 * 1024,
      maxArgs: 1024 * 1024,
      commandStats: table.stats,
      slowlog: table.slowlog,
      hotKeys: table.hotKeys,
    },
  };
  Object.assign(h, {
    ctx,
    store,
    table,
    run: (name: string, ...args: string[]): Reply | Blocked =>
      table.execute(ctx, name, args),
    call: (name: string, ...args: string[]): unknown =>
      plain(table.execute(ctx, name, args)),
  });
  return h;
}

/**
 * A reply as plain data, as redis-cli would show it: OK and status replies
 * are their text, NULL is `null`, integers are numbers (bigints beyond the
 * safe range), bytes are byte strings, errors are `{ error: text }`,
 * arrays/sets are arrays, maps are arrays of pairs.
 *
 * @param reply The reply.
 * @returns Plain data.
 *
 * @example Flatten a reply
 * ```ts
 * import { plain } from "./_testing.ts";
 * import { int } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * assert.equal(plain(int(3)), 3);
 * ```
 */
export function plain(reply: Reply | Blocked): unknown {
  if (reply.kind === "blocked") {
    return { blocked: reply.keys, timeoutMs: reply.timeoutMs };
  }
  switch (reply.kind) {
    case "ok":
      return "OK";
    case "status":
      return reply.value;
    case "null":
      return null;
    case "int":
      return reply.value;
    case "float":
      return reply.value;
    case "bytes":
      return typeof reply.value === "string"
        ? reply.value
        : String.fromCharCode(...reply.value);
    case "array":
    case "set":
      return reply.value.map(plain);
    case "map":
      return reply.value.map(([k, v]) => [plain(k), plain(v)]);
    case "error":
      return { error: errorText(reply) };
  }
}

/**
 * Shorthand for an expected error reply in {@linkcode plain} form.
 *
 * @param text The full error text.
 * @returns `{ error: text }`.
 *
 * @example Expect an error
 * ```ts
 * import { err } from "./_testing.ts";
 * console.log(err("ERR syntax error"));
 * ```
 */
export function err(text: string): { error: string } {
  return { error: text };
}

/** `WRONGTYPE ...` in {@linkcode plain} form. */
export const WRONGTYPE_ERR: { error: string } = err(
  "WRONGTYPE Operation against a key holding the wrong kind of value",
);

/** Every byte 0x00–0xFF once, as a byte string. */
export const ALL_BYTES: string = String.fromCharCode(
  ...Array.from({ length: 256 }, (_, i) => i),
);

/**
 * A context for running `table` directly (benchmarks, tests of one
 * table): a fresh session, and the node facts the table's own counters
 * feed (commandstats, slow log, hot keys).
 *
 * @param table The command table.
 * @param store The keyspace.
 * @returns The context.
 */
export function tableContext(
  table: CommandTable,
  store: Keyspace,
): CommandContext {
  return {
    store,
    session: {
      id: 1,
      peer: "127.0.0.1:1",
      dialect: "resp2",
      name: "",
      closeAfterReply: false,
    },
    node: {
      version: "0.1.0",
      startedAt: 0,
      maxFrameBytes: 1 << 24,
      maxArgs: 1 << 20,
      commandStats: table.stats,
      slowlog: table.slowlog,
      hotKeys: table.hotKeys,
    },
  };
}

/**
 * A request's arguments in place, as a port hands them to the table's
 * `executeView` (UTF-8, each argument's byte offset and length).
 *
 * @param args The arguments after the command's name.
 * @returns The view.
 *
 * @example
 * ```ts
 * import { argvView } from "./_testing.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(argvView("k", "v").count, 2);
 * ```
 */
export function argvView(...args: string[]): ArgvView {
  const encoder = new TextEncoder();
  const parts = args.map((a) => encoder.encode(a));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const offsets = new Int32Array(2 * args.length);
  let at = 0;
  parts.forEach((p, i) => {
    bytes.set(p, at);
    offsets[2 * i] = at;
    offsets[2 * i + 1] = p.length;
    at += p.length;
  });
  return { bytes, count: args.length, offsets };
}

/** A reply output that only counts what it is given (benchmarks). */
export class CountingOut implements ReplyOut {
  /** Replies, bulk bytes and integers, added up. */
  n = 0;
  /** Counts a reply. */
  reply(_reply: Reply): void {
    this.n++;
  }
  /** Counts a bulk string's bytes. */
  bulk(_bytes: Uint8Array, _start: number, length: number): void {
    this.n += length;
  }
  /** Adds an integer reply. */
  integer(n: number): void {
    this.n += n;
  }
}
