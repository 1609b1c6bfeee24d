/**
 * {@linkcode CommandTable}: the node's command table, built from the
 * protocol's `COMMANDS` rows and the handlers, and the dispatch that checks
 * arity and answers unknown commands with Redis's texts.
 *
 * Both ports use it: the binary port by opcode
 * ({@linkcode CommandTable.executeOpcode}), the RESP port by name
 * ({@linkcode CommandTable.execute}).
 *
 * @module
 */

import {
  type CommandInfo,
  COMMANDS,
  error,
  type ErrorReply,
  OPCODE_CALL,
  type Reply,
  toByteString,
} from "@cachemir/protocol";
import type {
  ArgvView,
  Blocked,
  CommandContext,
  CommandSpec,
  DirectHandler,
  Handler,
  ReplyOut,
} from "./types.ts";
import type { Keyspace } from "../store/keyspace.ts";
import { arityError, asciiUpper, printable } from "./common.ts";
import { CONNECTION_HANDLERS } from "./connection.ts";
import { AUTH_HANDLERS, NOAUTH } from "./auth.ts";
import { SERVER_HANDLERS } from "./server.ts";
import { KEY_HANDLERS } from "./keys.ts";
import { STRING_DIRECT_HANDLERS, STRING_HANDLERS } from "./strings.ts";
import { HASH_DIRECT_HANDLERS, HASH_HANDLERS } from "./hashes.ts";
import { LIST_HANDLERS } from "./lists.ts";
import { SET_DIRECT_HANDLERS, SET_HANDLERS } from "./sets.ts";
import { MEMORY_HANDLERS } from "./memory.ts";
import { CONTAINER_COMMANDS } from "./_subcommands.ts";
import { type CommandStat, CommandStats } from "./command_stats.ts";
import { redactArgv, SlowLog } from "./slowlog.ts";
import { HotKeys } from "../hot_keys.ts";

/** Every handler this node has, by upper-case command name. */
export const HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  ...CONNECTION_HANDLERS,
  ...AUTH_HANDLERS,
  ...SERVER_HANDLERS,
  ...STRING_HANDLERS,
  ...KEY_HANDLERS,
  ...HASH_HANDLERS,
  ...LIST_HANDLERS,
  ...SET_HANDLERS,
  ...MEMORY_HANDLERS,
});

/**
 * The allocation-free forms ({@linkcode DirectHandler}) of the hottest
 * commands, by upper-case name; each has a handler in
 * {@linkcode HANDLERS} too, for the shapes it leaves.
 */
export const DIRECT_HANDLERS: Readonly<Record<string, DirectHandler>> = Object
  .freeze({
    ...STRING_DIRECT_HANDLERS,
    ...HASH_DIRECT_HANDLERS,
    ...SET_DIRECT_HANDLERS,
  });

/**
 * A request's arguments as byte strings, for a command without a direct
 * form.
 *
 * @param argv The arguments in place.
 * @returns One byte string per argument.
 */
export function argvStrings(argv: ArgvView): string[] {
  const n = argv.count;
  const o = argv.offsets;
  const b = argv.bytes;
  const args = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const start = o[2 * i];
    args[i] = toByteString(b, start, start + o[2 * i + 1]);
  }
  return args;
}

/** Options of {@linkcode CommandTable}. */
export interface CommandTableOptions {
  /**
   * The command rows (name, opcode, arity...). Rows for commands without an
   * opcode (RESP-only: COMMAND, CONFIG, INFO...) may be added with a
   * negative opcode: they are found by name only. Opcodes must be unique.
   * @default {COMMANDS}
   */
  readonly commands?: readonly CommandInfo[];
  /**
   * The handlers by upper-case name. A row without a handler is answered
   * as an unknown command.
   * @default {HANDLERS}
   */
  readonly handlers?: Readonly<Record<string, Handler>>;
  /**
   * The allocation-free forms by upper-case name; each needs a handler.
   * @default {DIRECT_HANDLERS, or none when `handlers` is given}
   */
  readonly directHandlers?: Readonly<Record<string, DirectHandler>>;
  /**
   * The counters dispatch keeps (calls, time, errors, latency).
   * @default {a new one}
   */
  readonly stats?: CommandStats;
  /**
   * The slow log dispatch writes to.
   * @default {a new one, with Redis's defaults}
   */
  readonly slowlog?: SlowLog;
  /**
   * `false`: dispatch keeps no counters, times nothing and logs nothing
   * slow (what the bookkeeping costs is measured against it:
   * `table_bench.ts`).
   * @default {true}
   */
  readonly counting?: boolean;
  /**
   * Commands with a direct form (the O(1) ones: GET, SET, INCR, HSET,
   * SADD...) are timed on one run in this many (their first run always),
   * since a clock read costs about as much as such a command; see
   * {@linkcode CommandTable.timingSample}.
   * @default {16}
   */
  readonly timingSample?: number;
  /**
   * The hot-key sketch dispatch samples requests' keys into (HOTKEYS);
   * `new HotKeys({ sample: 0 })` records nothing.
   * @default {a new one: one request in 16}
   */
  readonly hotKeys?: HotKeys;
  /**
   * Without `hotKeys`: the new sketch records one request in this many (0:
   * none).
   * @default {16}
   */
  readonly hotKeysSample?: number;
}

/**
 * Redis's reply to an unknown command: `ERR unknown command 'foo', with
 * args beginning with: 'a' 'b' ` (name and arguments cut as Redis cuts
 * them: 128 bytes, at a NUL byte, CR/LF as spaces).
 *
 * @param name The command name as the client sent it.
 * @param args The arguments after the name.
 * @returns The error reply.
 *
 * @example Answer an unknown command
 * ```ts
 * import { unknownCommand } from "./table.ts";
 * import { errorText } from "@cachemir/protocol";
 *
 * console.log(errorText(unknownCommand("foo", ["a"])));
 * // ERR unknown command 'foo', with args beginning with: 'a'
 * ```
 */
export function unknownCommand(
  name: string,
  args: readonly string[],
): ErrorReply {
  let text = "";
  for (let i = 0; i < args.length && text.length < 128; i++) {
    text += `'${printable(args[i].slice(0, 128 - text.length))}' `;
  }
  return error(
    `ERR unknown command '${
      printable(name.slice(0, 128))
    }', with args beginning with: ${text}`,
  );
}

const CALL_ARITY = arityError("call");

/**
 * Redis's reply to a `denyoom` command while the node is over `maxmemory`
 * and cannot evict enough.
 */
export const OOM_ERROR: ErrorReply = Object.freeze(
  error("OOM command not allowed when used memory > 'maxmemory'."),
);

/** The reply to a handler that threw (a bug must not take the node down). */
function thrownError(e: unknown): ErrorReply {
  const message = e instanceof Error ? e.message : String(e);
  return error(`ERR ${printable(message)}`);
}

/**
 * Writes that read their key first and that Redis counts in
 * `keyspace_hits`/`keyspace_misses` (they look it up with
 * `lookupKeyRead`): their first lookup counts, as a read-only command's
 * every lookup does.
 */
const READ_FIRST: ReadonlySet<string> = new Set(["GETDEL", "GETEX", "GETSET"]);

/**
 * A row of this table: the spec plus what dispatch checks, decided once
 * when the table is built (no `flags.includes()` per command).
 */
interface TableSpec extends CommandSpec {
  /** A write: the store makes room (evicts) before it runs. */
  readonly makesRoom: boolean;
  /** Refused with OOM when the store is still over its limit. */
  readonly denyoom: boolean;
  /** Runs before the connection authenticated (AUTH, HELLO, QUIT, RESET). */
  readonly noauth: boolean;
  /** Which of its key lookups count as hits or misses (see `READ_FIRST`). */
  readonly countsReads: "none" | "every" | "first";
  /** A `write` command: {@linkcode CommandTable.onWrite} is told after it ran. */
  readonly writes: boolean;
  /** Its counters (a container's subcommands have their own). */
  readonly stat: CommandStat;
  /** A container (CONFIG GET...): counted by subcommand, as Redis does. */
  readonly container: boolean;
}

/**
 * Watches what a direct handler writes, to tell whether it replied an
 * error (its `failed_calls`): one instance per table, pointed at the
 * port's output for each command (dispatch is synchronous).
 */
class ErrorWatch implements ReplyOut {
  target: ReplyOut | undefined;
  failed: ErrorReply | undefined;
  reply(reply: Reply): void {
    if (reply.kind === "error") this.failed = reply;
    this.target!.reply(reply);
  }
  bulk(bytes: Uint8Array, start: number, length: number): void {
    this.target!.bulk(bytes, start, length);
  }
  integer(n: number): void {
    this.target!.integer(n);
  }
}

/**
 * Makes room before a write, as Redis's `processCommand` calls
 * `performEvictions` when `maxmemory` is set: evicts by the policy, and
 * tells whether a `denyoom` command must be refused.
 *
 * @returns `true` when the command may run.
 */
function roomFor(store: Keyspace, denyoom: boolean): boolean {
  if (store.memoryLimit.maxmemory === 0) return true;
  return store.makeRoom() || !denyoom;
}

/**
 * The command table of a node.
 *
 * @example Run commands without a network
 * ```ts
 * import { CommandTable } from "./table.ts";
 * import { Keyspace } from "../store/keyspace.ts";
 * import assert from "node:assert/strict";
 *
 * const table = new CommandTable();
 * const ctx = {
 *   store: new Keyspace(),
 *   session: { id: 1, peer: "test", dialect: "binary" as const, name: "", closeAfterReply: false },
 *   node: { version: "0.1.0", startedAt: 0, maxFrameBytes: 1 << 24, maxArgs: 1 << 20 },
 * };
 * assert.deepEqual(table.execute(ctx, "set", ["k", "v"]), { kind: "ok" });
 * // GET's reply views the value's bytes in the store.
 * assert.deepEqual(table.execute(ctx, "GET", ["k"]), {
 *   kind: "bytes",
 *   value: new TextEncoder().encode("v"),
 * });
 * ```
 */
export class CommandTable {
  #byOpcode: (CommandSpec | undefined)[] = [];
  #byName = new Map<string, CommandSpec>();
  #infoByOpcode = new Map<number, CommandInfo>();
  #arityErrors = new Map<string, ErrorReply>();
  #specs: CommandSpec[] = [];
  #watch = new ErrorWatch();
  #counting: boolean;
  /**
   * Commands with a direct form are timed on one run in this many, counted
   * per command (its first run always); their `usec` and latency
   * percentiles are estimated from the timed runs, their calls and errors
   * counted exactly. 1 times every run, as Redis does. Every run is timed
   * while `slowlog-log-slower-than` is 0, and commands without a direct form
   * always are.
   */
  timingSample: number;
  /** The counters dispatch keeps (INFO commandstats, errorstats, latencystats). */
  readonly stats: CommandStats;
  /** The commands slower than `slowlog-log-slower-than` (SLOWLOG). */
  readonly slowlog: SlowLog;
  /** The hot-key sketch every command that runs is sampled into (HOTKEYS). */
  readonly hotKeys: HotKeys;
  /**
   * Told after each `write` command without a direct form ran, with its
   * row and arguments: the node wakes the clients blocked on the keys it
   * wrote (`server/blocking.ts`). Direct forms (SET, HSET, SADD...) never
   * make a list, so they are not told.
   */
  onWrite: ((spec: CommandSpec, args: readonly string[]) => void) | undefined;

  /**
   * Builds the table.
   *
   * @param options The rows and the handlers.
   * @throws {Error} When a handler names no row, or two rows share an opcode.
   */
  constructor(options: CommandTableOptions = {}) {
    this.stats = options.stats ?? new CommandStats();
    this.slowlog = options.slowlog ?? new SlowLog();
    this.hotKeys = options.hotKeys ??
      new HotKeys({ sample: options.hotKeysSample ?? 16 });
    this.#counting = options.counting ?? true;
    this.timingSample = options.timingSample ?? 16;
    const commands = options.commands ?? COMMANDS;
    const handlers = options.handlers ?? HANDLERS;
    const directs = options.directHandlers ??
      (options.handlers === undefined ? DIRECT_HANDLERS : {});
    const names = new Set<string>();
    for (const info of commands) {
      const hasOpcode = info.opcode >= 0;
      if (hasOpcode && this.#infoByOpcode.has(info.opcode)) {
        throw new Error(
          `Cannot build the command table: opcode 0x${
            info.opcode.toString(16)
          } of ${info.name} is taken by ${
            this.#infoByOpcode.get(info.opcode)!.name
          }`,
        );
      }
      if (hasOpcode) this.#infoByOpcode.set(info.opcode, info);
      names.add(info.name);
      const handler = handlers[info.name];
      if (handler === undefined) continue;
      const denyoom = info.flags.includes("denyoom");
      const direct = directs[info.name];
      const spec: TableSpec = Object.freeze({
        ...info,
        handler,
        ...(direct === undefined ? {} : { direct }),
        makesRoom: denyoom || info.flags.includes("write"),
        writes: info.flags.includes("write"),
        denyoom,
        noauth: info.flags.includes("noauth"),
        countsReads: info.flags.includes("readonly")
          ? "every"
          : READ_FIRST.has(info.name)
          ? "first"
          : "none",
        stat: this.stats.of(info.name.toLowerCase()),
        container: CONTAINER_COMMANDS.has(info.name),
      });
      this.#specs.push(spec);
      if (hasOpcode) this.#byOpcode[info.opcode] = spec;
      this.#byName.set(info.name, spec);
      this.#byName.set(info.name.toLowerCase(), spec);
      this.#arityErrors.set(info.name, arityError(info.name));
    }
    for (const name of Object.keys(directs)) {
      if (handlers[name] === undefined) {
        throw new Error(
          `Cannot build the command table: direct handler ${name} has no handler`,
        );
      }
    }
    for (const name of Object.keys(handlers)) {
      if (!names.has(name)) {
        throw new Error(
          `Cannot build the command table: handler ${name} has no command row`,
        );
      }
    }
  }

  /** The commands that have a handler. */
  get specs(): readonly CommandSpec[] {
    return this.#specs;
  }

  /**
   * Looks a command up by name, in any case.
   *
   * @param name The name.
   * @returns The command, or `undefined` when this node has no handler for it.
   */
  byName(name: string): CommandSpec | undefined {
    return this.#byName.get(name) ?? this.#byName.get(asciiUpper(name));
  }

  /**
   * Looks a command up by opcode.
   *
   * @param opcode The opcode.
   * @returns The command, or `undefined` when this node has no handler for it.
   */
  byOpcode(opcode: number): CommandSpec | undefined {
    return this.#byOpcode[opcode];
  }

  /**
   * Runs a command: checks its arity, makes room in memory before a write
   * when the store has a `maxmemory` (a `denyoom` command the store cannot
   * make room for is answered `OOM command not allowed when used memory >
   * 'maxmemory'.`, as Redis does; other writes, DEL included, still run),
   * calls its handler, and turns a handler that throws into an `ERR` reply
   * (a bug must not take the node down).
   *
   * @param ctx The store, session and node.
   * @param spec The command.
   * @param args The arguments after the name, as byte strings.
   * @returns The reply, or a {@linkcode Blocked} when a blocking command
   * must wait.
   */
  dispatch(
    ctx: CommandContext,
    spec: CommandSpec,
    args: string[],
    name?: string,
  ): Reply | Blocked {
    const refused = this.#admit(ctx, spec, args.length + 1);
    if (refused !== undefined) return this.#refused(spec, refused);
    const hot = this.hotKeys;
    if (--hot.skip <= 0) hot.recordArgs(spec.keys, args);
    const reply = this.#counting
      ? this.#runAdmitted(ctx, spec, args, name)
      : this.#run(ctx, spec, args);
    if (this.onWrite !== undefined && (spec as TableSpec).writes) {
      this.onWrite(spec, args);
    }
    return reply;
  }

  /** Counts a command refused before it ran, and returns the refusal. */
  #refused(spec: CommandSpec, refused: ErrorReply): ErrorReply {
    if (!this.#counting) return refused;
    (spec as TableSpec).stat.rejectedCalls++;
    this.stats.error(refused.code);
    return refused;
  }

  /**
   * Counts a container's run under its subcommand (`config|get`), as Redis
   * does: an unknown subcommand counts as an unknown command (its error
   * only), a subcommand's wrong arity as refused.
   */
  #ranSubcommand(
    spec: CommandSpec,
    args: string[],
    millis: number,
    failed: ErrorReply | undefined,
  ): void {
    if (failed !== undefined) this.stats.error(failed.code);
    if (args.length === 0) {
      (spec as TableSpec).stat.ran(millis, failed !== undefined);
      return;
    }
    const message = failed?.message ?? "";
    if (message.startsWith("unknown subcommand '")) return;
    const stat = this.stats.of(
      `${spec.name.toLowerCase()}|${args[0].toLowerCase()}`,
    );
    if (message.startsWith("wrong number of arguments for '")) {
      stat.rejectedCalls++;
    } else {
      stat.ran(millis, failed !== undefined);
    }
  }

  /** Puts a command in the slow log (secrets redacted). */
  #logSlow(
    ctx: CommandContext,
    spec: CommandSpec,
    name: string | undefined,
    args: readonly string[],
    millis: number,
  ): void {
    const argv = [name ?? spec.name.toLowerCase(), ...args];
    redactArgv(spec.name, argv);
    const session = ctx.session;
    this.slowlog.push(argv, millis * 1000, session.peer, session.name);
  }

  /**
   * What every command goes through before it runs: the arity check, the
   * authentication check (a connection that must still AUTH runs only the
   * `noauth` commands; the others get Redis's `NOAUTH Authentication
   * required.`), and room made in memory before a write.
   *
   * @returns The refusal, or `undefined` when the command may run.
   */
  #admit(
    ctx: CommandContext,
    spec: CommandSpec,
    argc: number,
  ): ErrorReply | undefined {
    const arity = spec.arity;
    if (arity > 0 ? argc !== arity : argc < -arity) {
      return this.#arityErrors.get(spec.name) ?? arityError(spec.name);
    }
    const session = ctx.session;
    if (
      session.authenticated === false && !(spec as TableSpec).noauth &&
      (ctx.node.settings?.requirepass ?? "") !== ""
    ) {
      return NOAUTH;
    }
    session.lastCommand = spec.name;
    if (
      (spec as TableSpec).makesRoom &&
      !roomFor(ctx.store, (spec as TableSpec).denyoom)
    ) {
      return OOM_ERROR;
    }
    return undefined;
  }

  /** Calls an admitted command's handler. */
  #run(
    ctx: CommandContext,
    spec: CommandSpec,
    args: string[],
  ): Reply | Blocked {
    const store = ctx.store;
    store.countReads = (spec as TableSpec).countsReads;
    try {
      return spec.handler(ctx, args);
    } catch (e) {
      return thrownError(e);
    } finally {
      store.countReads = "none";
      // Small collections the command unpacked or made go back to their
      // packed form now that nothing holds them.
      store.packCollections();
    }
  }

  /**
   * Runs a command by name (RESP, and CALL on the binary port).
   *
   * @param ctx The store, session and node.
   * @param name The command name, any case.
   * @param args The arguments after the name.
   * @returns The reply (a {@linkcode Blocked} when a blocking command must
   * wait); Redis's unknown-command error for a name this node has no
   * handler for.
   */
  execute(
    ctx: CommandContext,
    name: string,
    args: string[],
  ): Reply | Blocked {
    const spec = this.byName(name);
    if (spec === undefined) return this.#unknown(unknownCommand(name, args));
    return this.dispatch(ctx, spec, args, name);
  }

  /**
   * Runs a command whose arguments are still in the read buffer: a command
   * with a direct form writes its reply into `out` itself (nothing is
   * decoded or allocated); any other is run as {@linkcode execute} runs it,
   * on its arguments made into strings.
   *
   * @param ctx The store, session and node.
   * @param name The command name, any case.
   * @param argv The arguments after the name, in place.
   * @param out Where a direct form writes its reply.
   * @returns The reply to write, or `undefined` when it is written already.
   *
   * @example Run GET on a request's bytes
   * ```ts
   * import { CommandTable } from "./table.ts";
   * import { Keyspace } from "../store/keyspace.ts";
   * import type { Reply } from "@cachemir/protocol";
   * import assert from "node:assert/strict";
   *
   * const table = new CommandTable();
   * const store = new Keyspace();
   * store.set("k", "v");
   * const ctx = {
   *   store,
   *   session: { id: 1, peer: "test", dialect: "resp2" as const, name: "", closeAfterReply: false },
   *   node: { version: "0.1.0", startedAt: 0, maxFrameBytes: 1 << 24, maxArgs: 1 << 20 },
   * };
   * const request = new TextEncoder().encode("GET k");
   * const argv = { bytes: request, count: 1, offsets: new Int32Array([4, 1]) };
   * const written: string[] = [];
   * const out = {
   *   reply: (r: Reply) => written.push(r.kind),
   *   bulk: (b: Uint8Array, start: number, length: number) =>
   *     written.push(new TextDecoder().decode(b.subarray(start, start + length))),
   *   integer: (n: number) => written.push(String(n)),
   * };
   * assert.equal(table.executeView(ctx, "get", argv, out), undefined);
   * assert.deepEqual(written, ["v"]);
   * ```
   */
  executeView(
    ctx: CommandContext,
    name: string,
    argv: ArgvView,
    out: ReplyOut,
  ): Reply | Blocked | undefined {
    const spec = this.byName(name);
    if (spec === undefined) {
      return this.#unknown(unknownCommand(name, argvStrings(argv)));
    }
    return this.#dispatchView(ctx, spec, argv, out, name);
  }

  /**
   * Runs a command by opcode on arguments in place (the binary port), as
   * {@linkcode executeView} runs one by name; CALL and unknown opcodes are
   * run as {@linkcode executeOpcode} runs them.
   *
   * @param ctx The store, session and node.
   * @param opcode The frame's opcode.
   * @param argv The frame's arguments, in place.
   * @param out Where a direct form writes its reply.
   * @returns The reply to write, or `undefined` when it is written already.
   */
  executeOpcodeView(
    ctx: CommandContext,
    opcode: number,
    argv: ArgvView,
    out: ReplyOut,
  ): Reply | Blocked | undefined {
    const spec = this.#byOpcode[opcode];
    if (spec !== undefined) return this.#dispatchView(ctx, spec, argv, out);
    return this.executeOpcode(ctx, opcode, argvStrings(argv));
  }

  /** Runs a found command on arguments in place (see {@linkcode executeView}). */
  #dispatchView(
    ctx: CommandContext,
    spec: CommandSpec,
    argv: ArgvView,
    out: ReplyOut,
    name?: string,
  ): Reply | Blocked | undefined {
    if (spec.direct === undefined) {
      return this.dispatch(ctx, spec, argvStrings(argv), name);
    }
    if (!this.#counting) return this.#dispatchDirect(ctx, spec, argv, out);
    const refused = this.#admit(ctx, spec, argv.count + 1);
    if (refused !== undefined) return this.#refused(spec, refused);
    const watch = this.#watch;
    watch.target = out;
    watch.failed = undefined;
    const stat = (spec as TableSpec).stat;
    const timed = stat.calls % this.timingSample === 0 ||
      this.slowlog.settings.slowerThan === 0;
    const start = timed ? performance.now() : 0;
    const ran = this.#runDirect(ctx, spec, argv, watch);
    const done = ran === true;
    if (ran !== false && ran !== true) watch.failed = ran;
    // The keys are sampled after the handler ran (they are still in place),
    // once, whichever way the command went on.
    const hot = this.hotKeys;
    if (--hot.skip <= 0) hot.recordView(spec.keys, argv);
    if (!done && watch.failed === undefined) {
      // A shape the direct form leaves to the handler: timed from here.
      return this.#runAdmitted(ctx, spec, argvStrings(argv), name);
    }
    const failed = watch.failed;
    if (failed !== undefined) this.stats.error(failed.code);
    if (!timed) {
      stat.ranUntimed(failed !== undefined);
      return done ? undefined : failed;
    }
    const millis = performance.now() - start;
    stat.ran(millis, failed !== undefined);
    if (this.slowlog.logs(millis * 1000)) {
      this.#logSlow(ctx, spec, name, argvStrings(argv), millis);
    }
    return done ? undefined : failed;
  }

  /** Runs a command with a direct form, counting nothing (`counting: false`). */
  #dispatchDirect(
    ctx: CommandContext,
    spec: CommandSpec,
    argv: ArgvView,
    out: ReplyOut,
  ): Reply | Blocked | undefined {
    const refused = this.#admit(ctx, spec, argv.count + 1);
    if (refused !== undefined) return refused;
    const hot = this.hotKeys;
    if (--hot.skip <= 0) hot.recordView(spec.keys, argv);
    const ran = this.#runDirect(ctx, spec, argv, out);
    if (ran === true) return undefined;
    if (ran !== false) return ran;
    return this.#run(ctx, spec, argvStrings(argv));
  }

  /**
   * Runs a command's direct form with the store counting its reads as the
   * command's row says.
   *
   * @returns `true` when it wrote its reply, `false` when it left the
   * request to the handler, or the error it threw as a reply.
   */
  #runDirect(
    ctx: CommandContext,
    spec: CommandSpec,
    argv: ArgvView,
    out: ReplyOut,
  ): boolean | ErrorReply {
    const store = ctx.store;
    store.countReads = (spec as TableSpec).countsReads;
    try {
      return spec.direct!(ctx, argv, out);
    } catch (e) {
      return thrownError(e);
    } finally {
      store.countReads = "none";
      // A collection handed out to SADD or HSET: its memory is recounted
      // (and whether it packs looked at) now, as after any command.
      store.packCollections();
    }
  }

  /** Runs and counts a command {@linkcode #admit} let through. */
  #runAdmitted(
    ctx: CommandContext,
    spec: CommandSpec,
    args: string[],
    name: string | undefined,
  ): Reply | Blocked {
    const start = performance.now();
    const reply = this.#run(ctx, spec, args);
    const millis = performance.now() - start;
    const failed = reply.kind === "error" ? reply : undefined;
    if ((spec as TableSpec).container) {
      this.#ranSubcommand(spec, args, millis, failed);
    } else {
      (spec as TableSpec).stat.ran(millis, failed !== undefined);
      if (failed !== undefined) this.stats.error(failed.code);
    }
    if (this.slowlog.logs(millis * 1000)) {
      this.#logSlow(ctx, spec, name, args, millis);
    }
    return reply;
  }

  /** Counts an unknown command's error, and returns it. */
  #unknown(reply: ErrorReply): ErrorReply {
    if (this.#counting) this.stats.error(reply.code);
    return reply;
  }

  /**
   * Runs a command by opcode (the binary port). CALL (`0000`) runs the
   * command named by its first argument.
   *
   * @param ctx The store, session and node.
   * @param opcode The frame's opcode.
   * @param args The frame's arguments.
   * @returns The reply; `ERR unknown opcode 0x....` for an opcode the
   * protocol does not define, the unknown-command error for one this node
   * has no handler for yet.
   */
  executeOpcode(
    ctx: CommandContext,
    opcode: number,
    args: string[],
  ): Reply | Blocked {
    const spec = this.#byOpcode[opcode];
    if (spec !== undefined) return this.dispatch(ctx, spec, args);
    if (opcode === OPCODE_CALL) {
      if (args.length === 0) return this.#unknown(CALL_ARITY);
      return this.execute(ctx, args[0], args.slice(1));
    }
    const info = this.#infoByOpcode.get(opcode);
    if (info !== undefined) {
      return this.#unknown(unknownCommand(info.name.toLowerCase(), args));
    }
    return this.#unknown(error(
      `ERR unknown opcode 0x${opcode.toString(16).padStart(4, "0")}`,
    ));
  }
}
