/**
 * Server commands that Redis tools send when they connect, or that users of
 * Redis expect: COMMAND (COUNT, DOCS, INFO, LIST, GETKEYS, HELP), CONFIG
 * (GET, SET, RESETSTAT, REWRITE, HELP), INFO [section ...], TIME.
 *
 * COMMAND describes this node's command table in Redis 7's format (name,
 * arity, flags, key positions, ACL categories, tips, key specs,
 * subcommands), derived from the shared protocol table. CONFIG GET reports
 * the settings a Redis tool asks about (`save` and `appendonly`: CacheMir
 * never persists), CONFIG SET accepts only the values those settings
 * already have.
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
import type { CommandContext, Handler } from "./types.ts";
import { asciiUpper, isWord, printable, SYNTAX_ERROR } from "./common.ts";
import { parseInt64 } from "./numbers.ts";
import { Glob } from "../store/glob.ts";
import { containerHandler, type Subcommand } from "./_subcommands.ts";

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
  return out;
}

function commandFlags(info: CommandInfo): Reply {
  const out: Reply[] = [];
  for (const f of info.flags) {
    if (f === "readonly" || f === "write" || f === "admin") out.push(status(f));
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
  const info = findCommand(ctx, args[1]);
  if (info === undefined) return INVALID_COMMAND;
  const cmdArgs = args.slice(2);
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

/** One setting CONFIG GET reports. */
interface Setting {
  readonly name: string;
  readonly value: (ctx: CommandContext) => string;
  /** `true` when Redis can change it at run time (CONFIG SET then accepts its current value only). */
  readonly mutable: boolean;
}

const SETTINGS: readonly Setting[] = Object.freeze<Setting[]>([
  { name: "save", value: () => "", mutable: true },
  { name: "appendonly", value: () => "no", mutable: true },
  { name: "maxmemory", value: () => "0", mutable: true },
  { name: "maxmemory-policy", value: () => "noeviction", mutable: true },
  { name: "databases", value: () => "1", mutable: false },
  { name: "bind", value: (ctx) => ctx.node.host ?? "127.0.0.1", mutable: true },
  {
    name: "port",
    value: (ctx) => String(ctx.node.respPort || ctx.node.port || 0),
    mutable: true,
  },
  { name: "timeout", value: () => "0", mutable: true },
  { name: "hz", value: () => "10", mutable: true },
  {
    name: "proto-max-bulk-len",
    value: (ctx) => String(ctx.node.maxFrameBytes),
    mutable: true,
  },
  { name: "cluster-enabled", value: () => "no", mutable: false },
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

function configSet(ctx: CommandContext, args: string[]): Reply {
  if ((args.length - 1) % 2 !== 0) return SYNTAX_ERROR;
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
    if (!s.mutable) {
      return error(
        `ERR CONFIG SET failed (possibly related to argument '${s.name}') - can't set immutable config`,
      );
    }
    if (args[i + 1] !== s.value(ctx)) {
      return error(
        `ERR CONFIG SET failed (possibly related to argument '${s.name}') - CacheMir cannot change this setting`,
      );
    }
  }
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
    RESETSTAT: {
      arity: 2,
      run: (ctx) => {
        const stats = ctx.node.stats;
        if (stats !== undefined) {
          stats.commandsProcessed = 0;
          stats.connectionsReceived = 0;
        }
        return OK;
      },
    },
    REWRITE: {
      arity: 2,
      run: () => error("ERR The server is running without a config file"),
    },
    HELP: { arity: 2, run: () => CONFIG_HELP },
  },
);

/** CONFIG GET | SET | RESETSTAT | REWRITE | HELP */
const configCommand: Handler = containerHandler("CONFIG", CONFIG_SUBCOMMANDS);

// ---- INFO and TIME ---------------------------------------------------------

function human(n: number): string {
  const units = ["B", "K", "M", "G", "T"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n}B` : `${v.toFixed(2)}${units[u]}`;
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
      `tcp_port:${node.respPort || node.port || 0}`,
      `uptime_in_seconds:${uptime}`,
      `uptime_in_days:${Math.floor(uptime / 86400)}`,
      "hz:10",
      `cachemir_version:${node.version}`,
      `cachemir_binary_port:${node.port ?? 0}`,
      `deno_version:${Deno.version.deno}`,
    ];
  },
  clients: (ctx) => {
    let n = 0;
    for (const _ of ctx.node.clients?.() ?? [ctx.session]) n++;
    return [`connected_clients:${n}`, "blocked_clients:0"];
  },
  memory: () => {
    const m = Deno.memoryUsage();
    const used = m.heapUsed + m.external;
    return [
      `used_memory:${used}`,
      `used_memory_human:${human(used)}`,
      `used_memory_rss:${m.rss}`,
      `used_memory_rss_human:${human(m.rss)}`,
      "maxmemory:0",
      "maxmemory_human:0B",
      "maxmemory_policy:noeviction",
    ];
  },
  persistence: () => [
    "loading:0",
    "async_loading:0",
    "rdb_changes_since_last_save:0",
    "rdb_bgsave_in_progress:0",
    "aof_enabled:0",
  ],
  stats: (ctx) => [
    `total_connections_received:${ctx.node.stats?.connectionsReceived ?? 0}`,
    `total_commands_processed:${ctx.node.stats?.commandsProcessed ?? 0}`,
    `expired_keys:${ctx.store.expiredKeys}`,
    "evicted_keys:0",
  ],
  replication: () => ["role:master", "connected_slaves:0"],
  keyspace: (ctx) =>
    ctx.store.size === 0 ? [] : [
      `db0:keys=${ctx.store.size},expires=${ctx.store.volatileSize},avg_ttl=0`,
    ],
});

const TITLES: Readonly<Record<string, string>> = Object.freeze({
  server: "Server",
  clients: "Clients",
  memory: "Memory",
  persistence: "Persistence",
  stats: "Stats",
  replication: "Replication",
  keyspace: "Keyspace",
});

/**
 * INFO [section ...]: Redis's `# Title` / `field:value` text. Sections:
 * server, clients, memory, persistence, stats, replication, keyspace (all
 * of them with no argument, `default`, `all` or `everything`); an unknown
 * section gives nothing, as in Redis.
 */
function infoCommand(ctx: CommandContext, args: string[]): Reply {
  let wanted: Set<string> | undefined;
  for (const arg of args) {
    const name = arg.toLowerCase();
    if (name === "default" || name === "all" || name === "everything") {
      wanted = undefined;
      break;
    }
    (wanted ??= new Set()).add(name);
  }
  let text = "";
  for (const name of Object.keys(SECTIONS)) {
    if (wanted !== undefined && !wanted.has(name)) continue;
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

// ---- subcommand rows for COMMAND ----------------------------------------------

function rows(subs: Readonly<Record<string, Subcommand>>): SubcommandRow[] {
  return Object.entries(subs).map(([name, s]) => ({ name, arity: s.arity }));
}

const SUBCOMMAND_ROWS = new Map<string, SubcommandRow[]>([
  ["COMMAND", rows(COMMAND_SUBCOMMANDS)],
  ["CONFIG", rows(CONFIG_SUBCOMMANDS)],
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
    INFO: infoCommand,
    TIME: timeCommand,
  });
