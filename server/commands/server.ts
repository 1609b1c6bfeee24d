/**
 * Server commands that Redis tools send when they connect, or that users of
 * Redis expect: COMMAND (COUNT, DOCS, INFO, LIST, GETKEYS, HELP), CONFIG
 * (GET, SET, RESETSTAT, REWRITE, HELP), INFO [section ...], SLOWLOG (GET,
 * LEN, RESET, HELP), TIME, FUNCTION (FLUSH, LIST, HELP: CacheMir holds
 * no function library, see below).
 *
 * COMMAND describes this node's command table in Redis 7's format (name,
 * arity, flags, key positions, ACL categories, tips, key specs,
 * subcommands), derived from the shared protocol table. CONFIG GET reports
 * the settings a Redis tool asks about (`save` and `appendonly`: CacheMir
 * never persists), the memory limit and the node's limits; CONFIG SET
 * changes the memory limit (`maxmemory`, `maxmemory-policy`,
 * `maxmemory-samples`, `lfu-log-factor`, `lfu-decay-time`) and the node's
 * runtime settings (`maxclients`, `timeout`, `requirepass`) and the slow
 * log's (`slowlog-log-slower-than`, `slowlog-max-len`) and the store's
 * encoding thresholds (`hash-max-listpack-entries`, `hash-max-listpack-value`,
 * `set-max-intset-entries`, `list-max-listpack-size`, their `*-ziplist-*`
 * aliases, and `list-compress-depth`) at run time and accepts only
 * the values the other settings already have.
 *
 * @module
 */

import {
  array,
  bytes,
  type CommandInfo,
  COMMANDS,
  error,
  type ErrorReply,
  int,
  keyPositions,
  map,
  NULL,
  OK,
  type Reply,
  set,
  status,
} from "@cachemir/protocol";
import type { CommandContext, Handler, RuntimeSettings } from "./types.ts";
import { asciiUpper, isWord, printable, SYNTAX_ERROR } from "./common.ts";
import { parseInt64 } from "./numbers.ts";
import { Glob } from "../store/glob.ts";
import {
  EVICTION_POLICIES,
  isEvictionPolicy,
  type MemoryLimit,
} from "../store/memory_limit.ts";
import {
  containerHandler,
  type Subcommand,
  subcommandArgsError,
} from "./_subcommands.ts";
import { OBJECT_SUBCOMMANDS } from "./keys.ts";
import { humanBytes, parseMemorySize } from "./memory_size.ts";
import type { PackedLimits } from "../store/packed.ts";
import {
  SlowLog,
  SLOWLOG_DEFAULTS,
  type SlowLogEntry,
  type SlowLogSettings,
} from "./slowlog.ts";
import process from "node:process";
import { hotkeysCommand, hotkeysInfoLines } from "./hotkeys.ts";

/** The Redis version whose semantics CacheMir follows, as INFO reports it. */
export const REDIS_VERSION = "7.0.0";

// ---- COMMAND ---------------------------------------------------------------

/** Redis's command group (COMMAND DOCS `group`) of a CacheMir command. */
function groupOf(info: CommandInfo): string {
  switch (info.opcode >> 8) {
    case 0x01:
      return "string";
    case 0x02:
      return "generic";
    case 0x03:
      return "hash";
    case 0x04:
      return "list";
    case 0x05:
      return "set";
    default:
      return CONNECTION_GROUP.has(info.name) ? "connection" : "server";
  }
}

const CONNECTION_GROUP = new Set([
  "AUTH",
  "HELLO",
  "PING",
  "ECHO",
  "QUIT",
  "CLIENT",
  "SELECT",
  "RESET",
]);

function aclCategories(info: CommandInfo): string[] {
  const out: string[] = [];
  if (info.flags.includes("readonly")) out.push("@read");
  if (info.flags.includes("write")) out.push("@write");
  const group = groupOf(info);
  out.push(
    group === "generic"
      ? "@keyspace"
      : group === "server"
      ? "@slow"
      : `@${group}`,
  );
  if (info.flags.includes("admin")) out.push("@admin", "@dangerous");
  if (info.flags.includes("blocking")) out.push("@blocking");
  return out;
}

function commandFlags(info: CommandInfo): Reply {
  const out: Reply[] = [];
  for (const f of info.flags) {
    if (
      f === "readonly" || f === "write" || f === "denyoom" || f === "admin" ||
      f === "blocking"
    ) {
      out.push(status(f));
    }
  }
  if (info.keys.countAt !== undefined) out.push(status("movablekeys"));
  return set(out);
}

function tips(info: CommandInfo): Reply {
  const out: Reply[] = [];
  if (info.flags.includes("random")) out.push(bytes("nondeterministic_output"));
  if (info.flags.includes("unordered")) {
    out.push(bytes("nondeterministic_output_order"));
  }
  return array(out);
}

function keySpecs(info: CommandInfo): Reply {
  const { first, last, step, countAt } = info.keys;
  if (first === 0) return array([]);
  const access = info.flags.includes("write")
    ? [status("RW"), status("update")]
    : [status("RO"), status("access")];
  const begin = countAt ?? first;
  const find = countAt !== undefined
    ? map([
      [bytes("type"), bytes("keynum")],
      [
        bytes("spec"),
        map([
          [bytes("keynumidx"), int(0)],
          [bytes("firstkey"), int(first - countAt)],
          [bytes("keystep"), int(step)],
        ]),
      ],
    ])
    : map([
      [bytes("type"), bytes("range")],
      [
        bytes("spec"),
        map([
          [bytes("lastkey"), int(last < 0 ? last : last - first)],
          [bytes("keystep"), int(step)],
          [bytes("limit"), int(0)],
        ]),
      ],
    ]);
  return array([
    map([
      [bytes("flags"), set(access)],
      [
        bytes("begin_search"),
        map([
          [bytes("type"), bytes("index")],
          [bytes("spec"), map([[bytes("index"), int(begin)]])],
        ]),
      ],
      [bytes("find_keys"), find],
    ]),
  ]);
}

/** A subcommand row for COMMAND's output. */
interface SubcommandRow {
  readonly name: string;
  readonly arity: number;
}

function commandEntry(
  info: CommandInfo | SubcommandRow,
  parent?: CommandInfo,
): Reply {
  const row: CommandInfo = "opcode" in info ? info : {
    ...parent!,
    name: `${parent!.name}|${info.name}`,
    arity: info.arity,
  };
  const subs = "opcode" in info ? SUBCOMMAND_ROWS.get(info.name) : undefined;
  const { first, last, step, countAt } = row.keys;
  return array([
    bytes(row.name.toLowerCase()),
    int(row.arity),
    commandFlags(row),
    int(countAt !== undefined ? 0 : first),
    int(countAt !== undefined ? 0 : last),
    int(countAt !== undefined ? 0 : step),
    set(aclCategories(row).map((c) => status(c))),
    tips(row),
    keySpecs(row),
    array(subs?.map((s) => commandEntry(s, row)) ?? []),
  ]);
}

function commandDocs(info: CommandInfo): Reply {
  const subs = SUBCOMMAND_ROWS.get(info.name);
  const pairs: [Reply, Reply][] = [
    [bytes("summary"), bytes(`${info.name} (see the Redis documentation)`)],
    [bytes("since"), bytes("0.1.0")],
    [bytes("group"), bytes(groupOf(info))],
  ];
  if (subs !== undefined) {
    pairs.push([
      bytes("subcommands"),
      map(subs.map((s) => [
        bytes(`${info.name.toLowerCase()}|${s.name.toLowerCase()}`),
        map([
          [bytes("summary"), bytes(`${info.name} ${s.name}`)],
          [bytes("since"), bytes("0.1.0")],
          [bytes("group"), bytes(groupOf(info))],
        ]),
      ])),
    ]);
  }
  return map(pairs);
}

function commandsOf(ctx: CommandContext): readonly CommandInfo[] {
  return ctx.node.commands ?? COMMANDS;
}

function findCommand(
  ctx: CommandContext,
  name: string,
): CommandInfo | undefined {
  const upper = asciiUpper(name);
  return commandsOf(ctx).find((c) => c.name === upper);
}

/** COMMAND (no subcommand): every command. */
function commandAll(ctx: CommandContext): Reply {
  return array(commandsOf(ctx).map((c) => commandEntry(c)));
}

function commandInfo(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 1) return commandAll(ctx);
  const out: Reply[] = [];
  for (let i = 1; i < args.length; i++) {
    const info = findCommand(ctx, args[i]);
    out.push(info === undefined ? NULL : commandEntry(info));
  }
  return array(out);
}

function commandDocsSub(ctx: CommandContext, args: string[]): Reply {
  const pairs: [Reply, Reply][] = [];
  const infos = args.length === 1
    ? commandsOf(ctx)
    : args.slice(1).map((n) => findCommand(ctx, n)).filter((c) =>
      c !== undefined
    ) as CommandInfo[];
  for (const info of infos) {
    pairs.push([bytes(info.name.toLowerCase()), commandDocs(info)]);
  }
  return map(pairs);
}

function commandList(ctx: CommandContext, args: string[]): Reply {
  let accept: (info: CommandInfo) => boolean = () => true;
  if (args.length > 1) {
    if (args.length !== 4 || !isWord(args[1], "filterby")) return SYNTAX_ERROR;
    const value = args[3];
    if (isWord(args[2], "pattern")) {
      const glob = new Glob(value.toLowerCase());
      accept = (info) => glob.matches(info.name.toLowerCase());
    } else if (isWord(args[2], "aclcat")) {
      const cat = `@${value.toLowerCase()}`;
      accept = (info) => aclCategories(info).includes(cat);
    } else if (isWord(args[2], "module")) {
      accept = () => false;
    } else {
      return SYNTAX_ERROR;
    }
  }
  return array(
    commandsOf(ctx).filter(accept).map((c) => bytes(c.name.toLowerCase())),
  );
}

const INVALID_COMMAND: ErrorReply = Object.freeze(
  error("ERR Invalid command specified"),
);
const INVALID_ARGC: ErrorReply = Object.freeze(
  error("ERR Invalid number of arguments specified for command"),
);
const NO_KEY_ARGS: ErrorReply = Object.freeze(
  error("ERR The command has no key arguments"),
);

function commandGetkeys(ctx: CommandContext, args: string[]): Reply {
  let info = findCommand(ctx, args[1]);
  if (info === undefined) return INVALID_COMMAND;
  const cmdArgs = args.slice(2);
  const subs = SUBCOMMAND_ROWS.get(info.name);
  if (subs !== undefined && cmdArgs.length > 0) {
    // A container (OBJECT): Redis looks its subcommand up, whose key
    // spec is the container's.
    const name = asciiUpper(cmdArgs[0]);
    const sub = subs.find((s) => s.name === name);
    if (sub === undefined) return INVALID_COMMAND;
    info = { ...info, arity: sub.arity };
    if (sub.name === "HELP") return NO_KEY_ARGS;
  }
  if (info.keys.first === 0) return NO_KEY_ARGS;
  const argc = cmdArgs.length + 1;
  if (info.arity > 0 ? argc !== info.arity : argc < -info.arity) {
    return INVALID_ARGC;
  }
  let count: number | undefined;
  if (info.keys.countAt !== undefined) {
    const n = parseInt64(cmdArgs[info.keys.countAt - 1] ?? "");
    count = n === undefined ? 0 : Math.max(0, Number(n));
  }
  const positions = keyPositions(info, cmdArgs.length, count);
  if (positions.length === 0) return NO_KEY_ARGS;
  return array(positions.map((i) => bytes(cmdArgs[i])));
}

function helpReply(lines: string[]): Reply {
  return array(lines.map((line) => status(line)));
}

const COMMAND_HELP = helpReply([
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all commands.",
  "COUNT",
  "    Return the total number of commands in this server.",
  "LIST",
  "    Return a list of all commands in this server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple commands.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple commands.",
  "GETKEYS <full-command>",
  "    Return the keys from a full command.",
  "HELP",
  "    Print this help.",
]);

const COMMAND_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object
  .freeze({
    COUNT: { arity: 2, run: (ctx) => int(commandsOf(ctx).length) },
    INFO: { arity: -2, run: commandInfo },
    DOCS: { arity: -2, run: commandDocsSub },
    LIST: { arity: -2, run: commandList },
    GETKEYS: { arity: -4, run: commandGetkeys },
    HELP: { arity: 2, run: () => COMMAND_HELP },
  });

const commandContainer = containerHandler("COMMAND", COMMAND_SUBCOMMANDS);

/** COMMAND [COUNT | DOCS | INFO | LIST | GETKEYS | HELP ...] */
function commandCommand(ctx: CommandContext, args: string[]): Reply {
  return args.length === 0 ? commandAll(ctx) : commandContainer(ctx, args);
}

// ---- CONFIG ----------------------------------------------------------------

/**
 * A setting CONFIG SET can change: parses a value into a change of the
 * memory limit, or returns the text Redis puts after ` - ` when it refuses
 * the value.
 */
type MemorySetter = (value: string) => Partial<MemoryLimit> | string;

/**
 * A node setting CONFIG SET can change: parses a value into a change of the
 * node's runtime settings, or returns the text Redis puts after ` - ` when
 * it refuses the value.
 */
type NodeSetter = (value: string) => Partial<RuntimeSettings> | string;

/** One setting CONFIG GET reports. */
interface Setting {
  readonly name: string;
  readonly value: (ctx: CommandContext) => string;
  /** `true` when Redis can change it at run time (CONFIG SET then accepts its current value only). */
  readonly mutable: boolean;
  /** How CONFIG SET changes it, for the memory limit's settings. */
  readonly set?: MemorySetter;
  /** How CONFIG SET changes it, for the node's runtime settings. */
  readonly setNode?: NodeSetter;
  /** How CONFIG SET changes it, for the slow log's settings. */
  readonly setSlowlog?: (value: string) => Partial<SlowLogSettings> | string;
  /** How CONFIG SET changes it, for the store's packing thresholds. */
  readonly setPacking?: (value: string) => Partial<PackingSettings> | string;
}

/**
 * The store's encoding settings: its packing thresholds, and
 * `list-compress-depth`, which CacheMir keeps and reports (Redis's
 * setting of how many end nodes of a long list stay uncompressed) but
 * does not act on: it compresses no list nodes.
 */
type PackingSettings = PackedLimits & { readonly listCompressDepth: number };

/** A packing threshold under its Redis 7.0 name and, as `alias`, its pre-7.0 one. */
function packingSettings(
  name: string,
  alias: string | undefined,
  field: keyof PackingSettings,
  parse: (value: string) => number | string,
): Setting[] {
  const row = (n: string): Setting => ({
    name: n,
    value: (ctx) =>
      String(
        field === "listCompressDepth"
          ? ctx.store.listCompressDepth
          : ctx.store.packedLimits[field],
      ),
    mutable: true,
    setPacking: (value) => {
      const n = parse(value);
      return typeof n === "string" ? n : { [field]: n };
    },
  });
  return alias === undefined ? [row(name)] : [row(name), row(alias)];
}

/** A size_t setting Redis reads as a memory value (`1kb`...). */
function memoryValue(value: string): number | string {
  const n = parseMemorySize(value);
  return n === undefined ? "argument must be a memory value" : n;
}

const INT_MAX = 2147483647;

/**
 * An integer setting of the memory limit, refused with Redis's texts.
 * `maxmemory-samples` stops at 64 (the keyspace's bound), where Redis
 * allows up to 2147483647.
 */
function intSetting(
  min: number,
  max: number,
  field: "samples" | "lfuLogFactor" | "lfuDecayTime",
): MemorySetter {
  return (value) => {
    const n = boundedInt(value, min, max);
    return typeof n === "string" ? n : { [field]: n };
  };
}

/**
 * An integer CONFIG SET value within bounds, or the text Redis puts after
 * ` - ` when it is not one.
 */
function boundedInt(value: string, min: number, max: number): number | string {
  const n = parseInt64(value);
  if (n === undefined) return "argument couldn't be parsed into an integer";
  if (n < min || n > max) {
    return `argument must be between ${min} and ${max} inclusive`;
  }
  return Number(n);
}

/**
 * A 64-bit CONFIG SET value from `min` up (Redis's long long settings), or
 * the text Redis puts after ` - ` when it is not one.
 */
function boundedLong(value: string, min: bigint): number | string {
  const n = parseInt64(value);
  if (n === undefined) return "argument couldn't be parsed into an integer";
  if (n < min) {
    return `argument must be between ${min} and 9223372036854775807 inclusive`;
  }
  return Number(n);
}

/** An integer setting of the node, refused with Redis's texts. */
function nodeIntSetting(
  min: number,
  max: number,
  field: "maxclients" | "timeout" | "rateLimit" | "trackingTableMaxKeys",
): NodeSetter {
  return (value) => {
    const n = boundedInt(value, min, max);
    return typeof n === "string" ? n : { [field]: n };
  };
}

/** The defaults CONFIG GET reports without a node (tests). */
const RUNTIME_DEFAULTS: RuntimeSettings = Object.freeze({
  maxclients: 10000,
  timeout: 0,
  requirepass: "",
  clientOutputBufferLimit: 0,
  rateLimit: 0,
  trackingTableMaxKeys: 1_000_000,
});

function runtime(ctx: CommandContext): RuntimeSettings {
  return ctx.node.settings ?? RUNTIME_DEFAULTS;
}

/** The slow log's settings; without a node (tests), its defaults. */
function slowlogSettings(ctx: CommandContext): SlowLogSettings {
  return ctx.node.slowlog?.settings ?? SLOWLOG_DEFAULTS;
}

const POLICY_NAMES = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "noeviction",
].filter((p) => (EVICTION_POLICIES as readonly string[]).includes(p));

const SETTINGS: readonly Setting[] = Object.freeze<Setting[]>([
  { name: "save", value: () => "", mutable: true },
  { name: "appendonly", value: () => "no", mutable: true },
  {
    name: "maxmemory",
    value: (ctx) => String(ctx.store.memoryLimit.maxmemory),
    mutable: true,
    set: (value) => {
      const bytes = memoryValue(value);
      return typeof bytes === "string" ? bytes : { maxmemory: bytes };
    },
  },
  {
    name: "maxmemory-policy",
    value: (ctx) => ctx.store.memoryLimit.policy,
    mutable: true,
    set: (value) => {
      const policy = value.toLowerCase();
      return isEvictionPolicy(policy)
        ? { policy }
        : `argument(s) must be one of the following: ${
          POLICY_NAMES.join(", ")
        }`;
    },
  },
  {
    name: "maxmemory-samples",
    value: (ctx) => String(ctx.store.memoryLimit.samples),
    mutable: true,
    set: intSetting(1, 64, "samples"),
  },
  {
    name: "lfu-log-factor",
    value: (ctx) => String(ctx.store.memoryLimit.lfuLogFactor),
    mutable: true,
    set: intSetting(0, INT_MAX, "lfuLogFactor"),
  },
  {
    name: "lfu-decay-time",
    value: (ctx) => String(ctx.store.memoryLimit.lfuDecayTime),
    mutable: true,
    set: intSetting(0, INT_MAX, "lfuDecayTime"),
  },
  { name: "databases", value: () => "1", mutable: false },
  { name: "bind", value: (ctx) => ctx.node.host ?? "127.0.0.1", mutable: true },
  {
    name: "port",
    value: (ctx) => String(ctx.node.respPort || ctx.node.port || 0),
    mutable: true,
  },
  {
    name: "timeout",
    value: (ctx) => String(runtime(ctx).timeout),
    mutable: true,
    setNode: nodeIntSetting(0, INT_MAX, "timeout"),
  },
  {
    name: "maxclients",
    value: (ctx) => String(runtime(ctx).maxclients),
    mutable: true,
    setNode: nodeIntSetting(1, 4294967295, "maxclients"),
  },
  {
    // As in Redis: a new password applies to connections made from now on
    // (and to RESET ones); connections authenticated before stay so.
    name: "requirepass",
    value: (ctx) => runtime(ctx).requirepass,
    mutable: true,
    setNode: (value) => ({ requirepass: value }),
  },
  {
    // CacheMir's one class of clients: a size, not Redis's
    // "normal <hard> <soft> <seconds> ..." list.
    name: "client-output-buffer-limit",
    value: (ctx) => String(runtime(ctx).clientOutputBufferLimit),
    mutable: true,
    setNode: (value) => {
      const bytes = memoryValue(value);
      return typeof bytes === "string"
        ? bytes
        : { clientOutputBufferLimit: bytes };
    },
  },
  {
    name: "rate-limit",
    value: (ctx) => String(runtime(ctx).rateLimit),
    mutable: true,
    setNode: nodeIntSetting(0, INT_MAX, "rateLimit"),
  },
  {
    name: "tracking-table-max-keys",
    value: (ctx) => String(runtime(ctx).trackingTableMaxKeys),
    mutable: true,
    setNode: nodeIntSetting(0, INT_MAX, "trackingTableMaxKeys"),
  },
  {
    name: "slowlog-log-slower-than",
    value: (ctx) => String(slowlogSettings(ctx).slowerThan),
    mutable: true,
    setSlowlog: (value) => {
      const n = boundedLong(value, -1n);
      return typeof n === "string" ? n : { slowerThan: n };
    },
  },
  {
    name: "slowlog-max-len",
    value: (ctx) => String(slowlogSettings(ctx).maxLen),
    mutable: true,
    setSlowlog: (value) => {
      const n = boundedLong(value, 0n);
      return typeof n === "string" ? n : { maxLen: n };
    },
  },
  { name: "hz", value: () => "10", mutable: true },
  {
    name: "proto-max-bulk-len",
    value: (ctx) => String(ctx.node.maxFrameBytes),
    mutable: true,
  },
  { name: "cluster-enabled", value: () => "no", mutable: false },
  ...packingSettings(
    "hash-max-listpack-entries",
    "hash-max-ziplist-entries",
    "hashMaxListpackEntries",
    (v) => boundedLong(v, 0n),
  ),
  ...packingSettings(
    "hash-max-listpack-value",
    "hash-max-ziplist-value",
    "hashMaxListpackValue",
    memoryValue,
  ),
  ...packingSettings(
    "set-max-intset-entries",
    undefined,
    "setMaxIntsetEntries",
    (v) => boundedLong(v, 0n),
  ),
  ...packingSettings(
    "list-max-listpack-size",
    "list-max-ziplist-size",
    "listMaxListpackSize",
    (v) => boundedInt(v, -2147483648, INT_MAX),
  ),
  ...packingSettings(
    "list-compress-depth",
    undefined,
    "listCompressDepth",
    (v) => boundedInt(v, 0, INT_MAX),
  ),
]);

function configGet(ctx: CommandContext, args: string[]): Reply {
  const pairs: [Reply, Reply][] = [];
  const seen = new Set<string>();
  for (let i = 1; i < args.length; i++) {
    const pattern = args[i];
    if (!/[[*?]/.test(pattern)) {
      // No glob characters: a direct, case-insensitive lookup that
      // replies with the name as given (Redis does the same).
      const lower = pattern.toLowerCase();
      const s = SETTINGS.find((x) => x.name === lower);
      if (s !== undefined && !seen.has(pattern)) {
        seen.add(pattern);
        pairs.push([bytes(pattern), bytes(s.value(ctx))]);
      }
      continue;
    }
    const glob = new Glob(pattern.toLowerCase());
    for (const s of SETTINGS) {
      if (glob.matches(s.name) && !seen.has(s.name)) {
        seen.add(s.name);
        pairs.push([bytes(s.name), bytes(s.value(ctx))]);
      }
    }
  }
  return map(pairs);
}

function configSetError(name: string, why: string): ErrorReply {
  return error(
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`,
  );
}

/**
 * CONFIG SET name value [name value ...]: all or nothing, as Redis 7. The
 * names are checked first (unknown, immutable, named twice), then the
 * values in order; the memory limit changes in one step once every value
 * was accepted (lowering `maxmemory` evicts down to it at once).
 */
function configSet(ctx: CommandContext, args: string[]): Reply {
  if ((args.length - 1) % 2 !== 0) return SYNTAX_ERROR;
  const settings: Setting[] = [];
  for (let i = 1; i < args.length; i += 2) {
    const name = args[i].toLowerCase();
    const s = SETTINGS.find((x) => x.name === name);
    if (s === undefined) {
      return error(
        `ERR Unknown option or number of arguments for CONFIG SET - '${
          printable(args[i])
        }'`,
      );
    }
    if (!s.mutable) return configSetError(s.name, "can't set immutable config");
    if (settings.includes(s)) {
      return configSetError(s.name, "duplicate parameter");
    }
    settings.push(s);
  }
  let patch: Partial<MemoryLimit> | undefined;
  let nodePatch: Partial<RuntimeSettings> | undefined;
  let slowlogPatch: Partial<SlowLogSettings> | undefined;
  let packingPatch: Partial<PackingSettings> | undefined;
  for (let j = 0; j < settings.length; j++) {
    const s = settings[j];
    const value = args[2 + 2 * j];
    if (s.set !== undefined) {
      const change = s.set(value);
      if (typeof change === "string") return configSetError(s.name, change);
      patch = { ...patch, ...change };
    } else if (s.setPacking !== undefined) {
      const change = s.setPacking(value);
      if (typeof change === "string") return configSetError(s.name, change);
      packingPatch = { ...packingPatch, ...change };
    } else if (s.setSlowlog !== undefined && ctx.node.slowlog !== undefined) {
      const change = s.setSlowlog(value);
      if (typeof change === "string") return configSetError(s.name, change);
      slowlogPatch = { ...slowlogPatch, ...change };
    } else if (s.setNode !== undefined && ctx.node.settings !== undefined) {
      const change = s.setNode(value);
      if (typeof change === "string") return configSetError(s.name, change);
      nodePatch = { ...nodePatch, ...change };
    } else if (value !== s.value(ctx)) {
      return configSetError(s.name, "CacheMir cannot change this setting");
    }
  }
  if (patch !== undefined) ctx.store.configureMemory(patch);
  if (packingPatch !== undefined) {
    const { listCompressDepth, ...limits } = packingPatch;
    if (listCompressDepth !== undefined) {
      ctx.store.listCompressDepth = listCompressDepth;
    }
    ctx.store.configurePacking(limits);
  }
  if (nodePatch !== undefined) Object.assign(ctx.node.settings!, nodePatch);
  if (slowlogPatch !== undefined) {
    Object.assign(ctx.node.slowlog!.settings, slowlogPatch);
    ctx.node.slowlog!.trim();
  }
  return OK;
}

/**
 * CONFIG RESETSTAT: zeroes the node's and the store's counters and the
 * command table's (commandstats, errorstats, latencystats,
 * `total_error_replies`), and starts the memory peak again from the memory
 * used now. The slow log stays (SLOWLOG RESET empties it), as in Redis.
 */
function configResetstat(ctx: CommandContext): Reply {
  const stats = ctx.node.stats;
  if (stats !== undefined) {
    stats.connectionsReceived = 0;
    stats.peakMemory = ctx.store.usedMemory;
    stats.rejectedConnections = 0;
    stats.authFailures = 0;
    stats.outputLimitDisconnections = 0;
    stats.netInputBytes = 0;
    stats.netOutputBytes = 0;
  }
  ctx.store.resetStats();
  ctx.node.commandStats?.reset();
  return OK;
}

const CONFIG_HELP = helpReply([
  "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
  "HELP",
  "    Print this help.",
]);

const CONFIG_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object.freeze(
  {
    GET: { arity: -3, run: configGet },
    SET: { arity: -4, run: configSet },
    RESETSTAT: { arity: 2, run: configResetstat },
    REWRITE: {
      arity: 2,
      run: () => error("ERR The server is running without a config file"),
    },
    HELP: { arity: 2, run: () => CONFIG_HELP },
  },
);

/** CONFIG GET | SET | RESETSTAT | REWRITE | HELP */
const configCommand: Handler = containerHandler("CONFIG", CONFIG_SUBCOMMANDS);

// ---- FUNCTION ---------------------------------------------------------------

/*
 * CacheMir runs no scripts: it has no function libraries, so there is never
 * one to list or to delete. FUNCTION FLUSH and FUNCTION LIST answer truthfully
 * about that empty set (OK: after the call no library is loaded; an empty
 * list), with Redis's argument checks, so that tools that clear the server
 * first (Redis's own test suite sends FUNCTION FLUSH after FLUSHALL) work;
 * FUNCTION LOAD, DELETE, DUMP, RESTORE, STATS and KILL are unknown
 * subcommands, as they are features CacheMir does not have.
 */

const FUNCTION_HELP = helpReply([
  "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "FLUSH [ASYNC|SYNC]",
  "    Delete all the libraries. CacheMir runs no scripts and holds no",
  "    library: there is never one to delete.",
  "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
  "    List the libraries: always empty on CacheMir.",
  "HELP",
  "    Print this help.",
]);

/** FUNCTION FLUSH [ASYNC | SYNC]: a change, as in Redis, though none is held. */
function functionFlush(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2) {
    return subcommandArgsError("FUNCTION", args[0]);
  }
  if (
    args.length === 2 && !isWord(args[1], "async") && !isWord(args[1], "sync")
  ) {
    return error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  }
  ctx.store.changes++;
  return OK;
}

/** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE] */
function functionList(_ctx: CommandContext, args: string[]): Reply {
  for (let i = 1; i < args.length; i++) {
    if (isWord(args[i], "withcode")) continue;
    if (isWord(args[i], "libraryname")) {
      if (++i >= args.length) {
        return error("ERR library name argument was not given");
      }
      continue;
    }
    return error(`ERR Unknown argument ${printable(args[i])}`);
  }
  return array([]);
}

const FUNCTION_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object
  .freeze({
    FLUSH: { arity: -2, run: functionFlush },
    LIST: { arity: -2, run: functionList },
    HELP: { arity: 2, run: () => FUNCTION_HELP },
  });

/** FUNCTION FLUSH | LIST | HELP */
const functionCommand: Handler = containerHandler(
  "FUNCTION",
  FUNCTION_SUBCOMMANDS,
);

// ---- INFO and TIME ---------------------------------------------------------

/** A ratio as Redis prints it: two decimals. */
function ratio(a: number, b: number): string {
  return (b > 0 ? a / b : 1).toFixed(2);
}

/** The node's program, as INFO's `executable`: the main module's path. */
function executable(): string {
  const main = Deno.mainModule;
  return main.startsWith("file:") ? new URL(main).pathname : Deno.execPath();
}

/** The machine's physical memory (INFO's `total_system_memory`), 0 when unknown. */
function totalSystemMemory(): number {
  try {
    return Deno.systemMemoryInfo().total;
  } catch {
    return 0;
  }
}

/**
 * INFO memory: `used_memory` is the store's count (records, index,
 * collections, connection buffers), which `maxmemory` is compared with;
 * RSS and V8's heap are the process's. The peak is kept up to date here
 * and by the node's own sampling.
 */
function memorySection(ctx: CommandContext): string[] {
  const store = ctx.store;
  const m = store.memoryStats();
  const used = m.used;
  const stats = ctx.node.stats;
  const peak = Math.max(stats?.peakMemory ?? 0, used);
  if (stats !== undefined) stats.peakMemory = peak;
  const process = Deno.memoryUsage();
  const rss = process.rss;
  const limit = store.memoryLimit;
  const overhead = m.index + m.external;
  const dataset = Math.max(0, used - overhead);
  const system = totalSystemMemory();
  return [
    `used_memory:${used}`,
    `used_memory_human:${humanBytes(used)}`,
    `used_memory_rss:${rss}`,
    `used_memory_rss_human:${humanBytes(rss)}`,
    `used_memory_peak:${peak}`,
    `used_memory_peak_human:${humanBytes(peak)}`,
    `used_memory_peak_perc:${(peak > 0 ? used / peak * 100 : 100).toFixed(2)}%`,
    `used_memory_overhead:${overhead}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${
      (used > 0 ? dataset / used * 100 : 0).toFixed(2)
    }%`,
    `used_memory_records:${m.records}`,
    `used_memory_index:${m.index}`,
    `used_memory_collections:${m.collections}`,
    `allocator_allocated:${m.allocatorLive}`,
    `allocator_active:${m.allocatorReserved}`,
    `total_system_memory:${system}`,
    `total_system_memory_human:${humanBytes(system)}`,
    `v8_heap_used:${process.heapUsed}`,
    `v8_heap_total:${process.heapTotal}`,
    `maxmemory:${limit.maxmemory}`,
    `maxmemory_human:${humanBytes(limit.maxmemory)}`,
    `maxmemory_policy:${limit.policy}`,
    `allocator_frag_ratio:${
      m.allocatorLive > 0 ? ratio(m.allocatorReserved, m.allocatorLive) : "1.00"
    }`,
    `allocator_frag_bytes:${m.allocatorReserved - m.allocatorLive}`,
    `mem_fragmentation_ratio:${ratio(rss, used)}`,
    `mem_fragmentation_bytes:${rss - used}`,
    `mem_clients_normal:${m.external}`,
    "mem_allocator:cachemir",
  ];
}

type Section = (ctx: CommandContext) => string[];

const SECTIONS: Readonly<Record<string, Section>> = Object.freeze({
  server: (ctx) => {
    const node = ctx.node;
    const uptime = Math.floor((Date.now() - node.startedAt) / 1000);
    return [
      `redis_version:${REDIS_VERSION}`,
      "redis_mode:standalone",
      `os:${Deno.build.os} ${Deno.build.arch}`,
      "arch_bits:64",
      `process_id:${Deno.pid}`,
      `run_id:${node.runId ?? ""}`,
      `tcp_port:${node.respPort || node.port || 0}`,
      `uptime_in_seconds:${uptime}`,
      `uptime_in_days:${Math.floor(uptime / 86400)}`,
      "hz:10",
      `executable:${executable()}`,
      `config_file:${node.configFile ?? ""}`,
      `cachemir_version:${node.version}`,
      `cachemir_binary_port:${node.port ?? 0}`,
      `deno_version:${Deno.version.deno}`,
    ];
  },
  clients: (ctx) => {
    let n = 0;
    for (const _ of ctx.node.clients?.() ?? [ctx.session]) n++;
    const max = ctx.node.settings?.maxclients;
    return [
      `connected_clients:${n}`,
      ...(max === undefined ? [] : [`maxclients:${max}`]),
      `blocked_clients:${ctx.node.blockedClients?.() ?? 0}`,
      `clients_in_timeout_table:${ctx.node.clientsWithTimeout?.() ?? 0}`,
      `tracking_clients:${ctx.node.tracking?.clients ?? 0}`,
    ];
  },
  memory: memorySection,
  persistence: (ctx) => [
    "loading:0",
    "async_loading:0",
    `rdb_changes_since_last_save:${ctx.store.changes}`,
    "rdb_bgsave_in_progress:0",
    "aof_enabled:0",
  ],
  stats: (ctx) => {
    const stats = ctx.node.stats;
    const now = stats?.instantaneous;
    return [
      `total_connections_received:${stats?.connectionsReceived ?? 0}`,
      `total_commands_processed:${ctx.node.commandStats?.totalCalls ?? 0}`,
      `instantaneous_ops_per_sec:${now?.opsPerSec ?? 0}`,
      `total_net_input_bytes:${stats?.netInputBytes ?? 0}`,
      `total_net_output_bytes:${stats?.netOutputBytes ?? 0}`,
      `instantaneous_input_kbps:${(now?.inputKbps ?? 0).toFixed(2)}`,
      `instantaneous_output_kbps:${(now?.outputKbps ?? 0).toFixed(2)}`,
      `rejected_connections:${stats?.rejectedConnections ?? 0}`,
      `expired_keys:${ctx.store.expiredKeys}`,
      `evicted_keys:${ctx.store.evictedKeys}`,
      `keyspace_hits:${ctx.store.keyspaceHits}`,
      `keyspace_misses:${ctx.store.keyspaceMisses}`,
      `tracking_total_keys:${ctx.node.tracking?.keys ?? 0}`,
      `total_error_replies:${ctx.node.commandStats?.totalErrorReplies ?? 0}`,
      `acl_access_denied_auth:${stats?.authFailures ?? 0}`,
      `client_output_buffer_limit_disconnections:${
        stats?.outputLimitDisconnections ?? 0
      }`,
    ];
  },
  // A node streams no replication (the client writes to replicas itself).
  replication: () => [
    "role:master",
    "connected_slaves:0",
    "master_repl_offset:0",
    "repl_backlog_active:0",
  ],
  cpu: () => {
    const cpu = process.cpuUsage(); // µs of system and user time so far
    return [
      `used_cpu_sys:${(cpu.system / 1e6).toFixed(6)}`,
      `used_cpu_user:${(cpu.user / 1e6).toFixed(6)}`,
      "used_cpu_sys_children:0.000000",
      "used_cpu_user_children:0.000000",
    ];
  },
  commandstats: (ctx) => ctx.node.commandStats?.commandstatsLines() ?? [],
  errorstats: (ctx) => ctx.node.commandStats?.errorstatsLines() ?? [],
  latencystats: (ctx) => ctx.node.commandStats?.latencystatsLines() ?? [],
  hotkeys: hotkeysInfoLines,
  keyspace: (ctx) =>
    ctx.store.size === 0 ? [] : [
      `db0:keys=${ctx.store.size},expires=${ctx.store.volatileSize},avg_ttl=${ctx.store.averageTtl()}`,
    ],
});

const TITLES: Readonly<Record<string, string>> = Object.freeze({
  server: "Server",
  clients: "Clients",
  memory: "Memory",
  persistence: "Persistence",
  stats: "Stats",
  replication: "Replication",
  cpu: "CPU",
  commandstats: "Commandstats",
  errorstats: "Errorstats",
  latencystats: "Latencystats",
  hotkeys: "Hotkeys",
  keyspace: "Keyspace",
});

/** Sections INFO leaves out unless named, or asked for with `all`/`everything`. */
const NOT_DEFAULT: ReadonlySet<string> = new Set([
  "commandstats",
  "latencystats",
  "hotkeys",
]);

/**
 * INFO [section ...]: Redis's `# Title` / `field:value` text. Sections:
 * server, clients, memory, persistence, stats, replication, cpu, commandstats,
 * errorstats, latencystats, hotkeys (CacheMir's: see `hotkeys.ts`),
 * keyspace. With no argument or `default`, all of them but commandstats,
 * latencystats and hotkeys; with `all` or `everything`, all of them; an
 * unknown section gives nothing, as in Redis.
 */
function infoCommand(ctx: CommandContext, args: string[]): Reply {
  const wanted = new Set<string>();
  let defaults = args.length === 0;
  let all = false;
  for (const arg of args) {
    const name = arg.toLowerCase();
    if (name === "all" || name === "everything") all = true;
    else if (name === "default") defaults = true;
    else wanted.add(name);
  }
  let text = "";
  for (const name of Object.keys(SECTIONS)) {
    const shown = all || wanted.has(name) ||
      (defaults && !NOT_DEFAULT.has(name));
    if (!shown) continue;
    if (text !== "") text += "\r\n";
    text += `# ${TITLES[name]}\r\n`;
    for (const line of SECTIONS[name](ctx)) text += `${line}\r\n`;
  }
  return bytes(text);
}

/** TIME: [unix seconds, microseconds] as bulk strings. */
function timeCommand(_ctx: CommandContext, _args: string[]): Reply {
  const micros = Math.floor(
    (performance.timeOrigin + performance.now()) * 1000,
  );
  const seconds = Math.floor(micros / 1_000_000);
  return array([
    bytes(String(seconds)),
    bytes(String(micros - seconds * 1_000_000)),
  ]);
}

// ---- SLOWLOG -----------------------------------------------------------------

/** A slow log for a context without a node (tests): settings by default. */
const DETACHED = new WeakMap<object, SlowLog>();

function slowlogOf(ctx: CommandContext): SlowLog {
  const log = ctx.node.slowlog;
  if (log !== undefined) return log;
  let detached = DETACHED.get(ctx.node);
  if (detached === undefined) {
    detached = new SlowLog();
    DETACHED.set(ctx.node, detached);
  }
  return detached;
}

const COUNT_RANGE: ErrorReply = Object.freeze(
  error("ERR count should be greater than or equal to -1"),
);

function entryReply(e: SlowLogEntry): Reply {
  return array([
    int(e.id),
    int(e.time),
    int(e.micros),
    array(e.argv.map((a) => bytes(a))),
    bytes(e.peer),
    bytes(e.name),
  ]);
}

/** SLOWLOG GET [count]: the newest `count` entries (10; -1 = all). */
function slowlogGet(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2) return subcommandArgsError("SLOWLOG", args[0]);
  let count = 10;
  if (args.length === 2) {
    const n = parseInt64(args[1]);
    if (n === undefined || n < -1n) return COUNT_RANGE;
    count = n === -1n ? -1 : Number(n > 2n ** 52n ? 2n ** 52n : n);
  }
  return array(slowlogOf(ctx).entries(count).map(entryReply));
}

const SLOWLOG_HELP: Reply = helpReply(
  [
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Prints this help.",
  ],
);

/** SLOWLOG's subcommands, with Redis's arities. */
const SLOWLOG_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object
  .freeze({
    GET: { arity: -2, run: slowlogGet },
    LEN: { arity: 2, run: (ctx) => int(slowlogOf(ctx).length) },
    RESET: {
      arity: 2,
      run: (ctx) => {
        slowlogOf(ctx).reset();
        return OK;
      },
    },
    HELP: { arity: 2, run: () => SLOWLOG_HELP },
  });

/** SLOWLOG GET | LEN | RESET | HELP */
const slowlogCommand: Handler = containerHandler(
  "SLOWLOG",
  SLOWLOG_SUBCOMMANDS,
);

// ---- subcommand rows for COMMAND ----------------------------------------------

function rows(subs: Readonly<Record<string, Subcommand>>): SubcommandRow[] {
  return Object.entries(subs).map(([name, s]) => ({ name, arity: s.arity }));
}

const SUBCOMMAND_ROWS = new Map<string, SubcommandRow[]>([
  ["COMMAND", rows(COMMAND_SUBCOMMANDS)],
  ["CONFIG", rows(CONFIG_SUBCOMMANDS)],
  ["FUNCTION", rows(FUNCTION_SUBCOMMANDS)],
  ["OBJECT", rows(OBJECT_SUBCOMMANDS)],
  ["SLOWLOG", rows(SLOWLOG_SUBCOMMANDS)],
  ["CLIENT", [
    { name: "ID", arity: 2 },
    { name: "GETNAME", arity: 2 },
    { name: "SETNAME", arity: 3 },
    { name: "SETINFO", arity: 4 },
    { name: "INFO", arity: 2 },
    { name: "LIST", arity: -2 },
    { name: "HELP", arity: 2 },
  ]],
]);

/** The server commands' handlers, by upper-case name. */
export const SERVER_HANDLERS: Readonly<Record<string, Handler>> = Object
  .freeze({
    COMMAND: commandCommand,
    CONFIG: configCommand,
    FUNCTION: functionCommand,
    HOTKEYS: hotkeysCommand,
    INFO: infoCommand,
    SLOWLOG: slowlogCommand,
    TIME: timeCommand,
  });
