/**
 * Connection and server commands: PING, ECHO, HELLO, QUIT, DBSIZE,
 * FLUSHALL, FLUSHDB, CLIENT, SELECT, RESET, SHUTDOWN (AUTH is in `auth.ts`).
 *
 * HELLO has two dialects. On the binary port its arguments are the protocol
 * versions the client speaks and its reply is the map of protocol/README.md
 * ("HELLO: versions and features"). On a RESP connection it is Redis's
 * `HELLO [protover [AUTH username password] [SETNAME clientname]]`: it may
 * switch the connection to RESP3 and replies Redis's map (server, version,
 * proto, id, mode, role, modules).
 *
 * @module
 */

import {
  array,
  bytes,
  EMPTY_ARRAY,
  error,
  type ErrorReply,
  int,
  map,
  NULL,
  OK,
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  type Reply,
  status,
  type StatusReply,
} from "@cachemir/protocol";
import type {
  ClientBuffers,
  CommandContext,
  Handler,
  Session,
} from "./types.ts";
import {
  arityError,
  dbIndexError,
  isWord,
  NOT_INTEGER,
  printable,
  SYNTAX_ERROR,
} from "./common.ts";
import { parseInt64 } from "./numbers.ts";
import {
  containerHandler,
  type Subcommand,
  subcommandArgsError,
} from "./_subcommands.ts";
import { authenticate, NOAUTH_HELLO, requiredPassword } from "./auth.ts";

const PONG: StatusReply = Object.freeze(status("PONG"));
const PING_ARITY: ErrorReply = arityError("ping");

/** PING [message] */
function pingCommand(_ctx: CommandContext, args: string[]): Reply {
  if (args.length === 0) return PONG;
  if (args.length === 1) return bytes(args[0]);
  return PING_ARITY;
}

/** ECHO message */
function echoCommand(_ctx: CommandContext, args: string[]): Reply {
  return bytes(args[0]);
}

/** QUIT: replies OK, then the connection closes. */
function quitCommand(ctx: CommandContext, _args: string[]): Reply {
  ctx.session.closeAfterReply = true;
  return OK;
}

/** DBSIZE */
function dbsizeCommand(ctx: CommandContext, _args: string[]): Reply {
  return int(ctx.store.size);
}

/** FLUSHALL / FLUSHDB [ASYNC | SYNC] (both flush at once: the GC frees). */
function flushCommand(ctx: CommandContext, args: string[]): Reply {
  if (
    args.length > 1 ||
    (args.length === 1 && !isWord(args[0], "sync") &&
      !isWord(args[0], "async"))
  ) {
    return SYNTAX_ERROR;
  }
  // Every key removed is a change (expired ones not reclaimed yet too, as
  // in Redis, which counts what its dictionaries held).
  ctx.store.changes += ctx.store.size;
  ctx.store.flush();
  return OK;
}

const NOPROTO_BINARY: ErrorReply = Object.freeze(
  error(
    `NOPROTO unsupported protocol version; this node speaks ${
      PROTOCOL_VERSIONS.join(", ")
    }`,
  ),
);

/**
 * HELLO on the binary port: picks the highest listed version this node
 * speaks (version 1 when none is listed).
 */
function helloBinary(ctx: CommandContext, args: string[]): Reply {
  let chosen = args.length === 0 ? PROTOCOL_VERSION : 0;
  for (const arg of args) {
    const v = parseInt64(arg);
    if (
      typeof v === "number" && v > chosen && PROTOCOL_VERSIONS.includes(v)
    ) {
      chosen = v;
    }
  }
  if (chosen === 0) return NOPROTO_BINARY;
  const node = ctx.node;
  return map([
    [bytes("server"), bytes("cachemir")],
    [bytes("version"), bytes(node.version)],
    [bytes("proto"), int(chosen)],
    [bytes("protos"), array(PROTOCOL_VERSIONS.map((v) => int(v)))],
    [bytes("id"), int(ctx.session.id)],
    [bytes("features"), array([bytes("call")])],
    [bytes("max-frame-bytes"), int(node.maxFrameBytes)],
    [bytes("max-args"), int(node.maxArgs)],
    [bytes("run-id"), bytes(node.runId ?? "")],
  ]);
}

const PROTOVER_NOT_INTEGER: ErrorReply = Object.freeze(
  error("ERR Protocol version is not an integer or out of range"),
);
const NOPROTO_RESP: ErrorReply = Object.freeze(
  error("NOPROTO unsupported protocol version"),
);
const BAD_CLIENT_NAME: ErrorReply = Object.freeze(
  error(
    "ERR Client names cannot contain spaces, newlines or special characters.",
  ),
);

/** Redis's `validateClientAttr`: only printable ASCII other than space. */
function isValidClientAttr(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/**
 * HELLO on a RESP connection, as Redis 7 answers it. CacheMir's one user is
 * Redis's `default`: `AUTH default <password>` authenticates the
 * connection (any password when the node has none, as Redis's `nopass`
 * user), any other user is refused. Before the connection authenticated,
 * HELLO without AUTH is refused with Redis's `NOAUTH HELLO ...`.
 */
function helloResp(ctx: CommandContext, args: string[]): Reply {
  const session = ctx.session;
  let version = 0;
  let next = 0;
  let user: string | undefined;
  let password = "";
  let name: string | undefined;
  if (args.length >= 1) {
    const v = parseInt64(args[0]);
    if (v === undefined) return PROTOVER_NOT_INTEGER;
    if (v < 2 || v > 3) return NOPROTO_RESP;
    version = Number(v);
    next = 1;
  }
  for (let j = next; j < args.length; j++) {
    const more = args.length - 1 - j;
    const opt = args[j];
    if (isWord(opt, "auth") && more >= 2) {
      user = args[j + 1];
      password = args[j + 2];
      j += 2;
    } else if (isWord(opt, "setname") && more >= 1) {
      name = args[j + 1];
      if (!isValidClientAttr(name)) return BAD_CLIENT_NAME;
      j++;
    } else {
      return error(`ERR Syntax error in HELLO option '${printable(opt)}'`);
    }
  }
  if (user !== undefined) {
    const refused = authenticate(ctx, user, password);
    if (refused !== undefined) return refused;
  }
  if (session.authenticated === false && requiredPassword(ctx) !== "") {
    return NOAUTH_HELLO;
  }
  if (name !== undefined) session.name = name;
  if (version !== 0) session.dialect = version === 3 ? "resp3" : "resp2";
  return map([
    [bytes("server"), bytes("cachemir")],
    [bytes("version"), bytes(ctx.node.version)],
    [bytes("proto"), int(session.dialect === "resp3" ? 3 : 2)],
    [bytes("id"), int(session.id)],
    [bytes("mode"), bytes("standalone")],
    [bytes("role"), bytes("master")],
    [bytes("modules"), EMPTY_ARRAY],
  ]);
}

/** HELLO, in the connection's dialect. */
function helloCommand(ctx: CommandContext, args: string[]): Reply {
  return ctx.session.dialect === "binary"
    ? helloBinary(ctx, args)
    : helloResp(ctx, args);
}

const NO_BUFFERS: ClientBuffers = Object.freeze({
  input: 0,
  output: 0,
  total: 0,
});

/**
 * One line of CLIENT LIST / CLIENT INFO, with Redis 7.2's fields in Redis's
 * order. `qbuf` (input not run yet), `omem` (replies not yet written) and
 * `tot-mem` (all the connection's buffers, its read buffer included) are
 * the node's own counts; fields CacheMir has no notion of are reported as a
 * Redis client with nothing pending would show them; `fd` is -1, `resp` is
 * 0 for a binary-protocol connection; `flags` is `N`, `e` after CLIENT
 * NO-EVICT on.
 *
 * @param session The connection.
 * @param now The time now, ms since the epoch.
 * @param buffers The connection's buffers; zeros when unknown.
 * @returns The line, without its trailing newline.
 */
export function clientInfoLine(
  session: Session,
  now: number,
  buffers: ClientBuffers = NO_BUFFERS,
  blocked = false,
): string {
  const age = Math.max(
    0,
    Math.floor((now - (session.createdAt ?? now)) / 1000),
  );
  const idle = Math.max(
    0,
    Math.floor((now - (session.lastActive ?? now)) / 1000),
  );
  const resp = session.dialect === "resp3"
    ? 3
    : session.dialect === "resp2"
    ? 2
    : 0;
  const cmd = session.lastCommand ? session.lastCommand.toLowerCase() : "NULL";
  const flags = (blocked ? "b" : "") + (session.noEvict ? "e" : "") || "N";
  return `id=${session.id} addr=${session.peer} laddr=${
    session.local ?? ""
  } fd=-1 name=${session.name} age=${age} idle=${idle} flags=${flags} db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=${buffers.input} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=${buffers.output} tot-mem=${buffers.total} events=r cmd=${cmd} user=default redir=-1 resp=${resp} lib-name=${
    session.libName ?? ""
  } lib-ver=${session.libVersion ?? ""}`;
}

const CLIENT_HELP: Reply = array(
  [
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Close the connection from <ip:port> (the old form).",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Close the connections that match every option: ID <id>, ADDR <ip:port>,",
    "    LADDR <ip:port>, TYPE <normal|master|replica|pubsub>, USER <user>,",
    "    SKIPME <yes|no> (yes by default: not this connection); replies how many.",
    "LIST [TYPE <normal|master|replica|pubsub>]",
    "LIST [ID <id> [<id> ...]]",
    "    Return information about client connections.",
    "CACHING (YES|NO)",
    "    In OPTIN (OPTOUT) mode: track (do not track) the keys of the next command.",
    "GETREDIR",
    "    The id invalidations go to: 0 without REDIRECT, -1 with tracking off.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client (BLPOP...): it gets its command's",
    "    timeout reply, or with ERROR the UNBLOCKED error.",
    "NO-EVICT <on|off>",
    "    Accepted for Redis's tools; CacheMir's eviction never closes clients.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Turn on (off) the tracking of keys read, for client-side caching.",
    "TRACKINGINFO",
    "    This connection's tracking flags, redirect and prefixes.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "HELP",
    "    Print this help.",
  ].map((line) => status(line)),
);

function clientList(ctx: CommandContext, args: string[]): Reply {
  let ids: Set<number> | undefined;
  let normal = true;
  if (args.length > 1) {
    if (args.length === 3 && isWord(args[1], "type")) {
      const type = args[2].toLowerCase();
      if (!["normal", "master", "replica", "slave", "pubsub"].includes(type)) {
        return error(`ERR Unknown client type '${printable(args[2])}'`);
      }
      normal = type === "normal";
    } else if (args.length > 2 && isWord(args[1], "id")) {
      ids = new Set();
      for (let i = 2; i < args.length; i++) {
        const id = parseInt64(args[i]);
        if (id === undefined || id <= 0) {
          return error("ERR Invalid client ID");
        }
        ids.add(Number(id));
      }
    } else {
      return SYNTAX_ERROR;
    }
  }
  const now = Date.now();
  let text = "";
  const sessions = ctx.node.clients?.() ?? [ctx.session];
  if (normal) {
    for (const s of sessions) {
      if (ids === undefined || ids.has(s.id)) {
        text += clientInfoLine(
          s,
          now,
          ctx.node.clientBuffers?.(s.id),
          ctx.node.isBlocked?.(s.id),
        ) + "\n";
      }
    }
  }
  return bytes(text);
}

const NO_SUCH_CLIENT: ErrorReply = Object.freeze(
  error("ERR No such client"),
);
const BAD_CLIENT_ID: ErrorReply = Object.freeze(
  error("ERR client-id should be greater than 0"),
);
const CLIENT_TYPES = ["normal", "master", "replica", "slave", "pubsub"];

/** What CLIENT KILL's new form matches; every given filter must match. */
interface KillFilter {
  id?: number;
  addr?: string;
  laddr?: string;
  /** `false` when a TYPE or USER no connection here has was given. */
  possible: boolean;
  skipme: boolean;
}

/** Parses CLIENT KILL's option pairs (`args[1..]`), as Redis 7.0 does: the first bad one wins. */
function killFilter(args: string[]): KillFilter | ErrorReply {
  const filter: KillFilter = { possible: true, skipme: true };
  for (let i = 1; i < args.length; i += 2) {
    const opt = args[i];
    if (i + 1 >= args.length) return SYNTAX_ERROR;
    const value = args[i + 1];
    if (isWord(opt, "id")) {
      const id = parseInt64(value);
      if (id === undefined || id <= 0) return BAD_CLIENT_ID;
      filter.id = Number(id);
    } else if (isWord(opt, "type")) {
      const type = value.toLowerCase();
      if (!CLIENT_TYPES.includes(type)) {
        return error(`ERR Unknown client type '${printable(value)}'`);
      }
      if (type !== "normal") filter.possible = false;
    } else if (isWord(opt, "user")) {
      // CacheMir has one user, Redis's `default`.
      if (value !== "default") {
        return error(`ERR No such user '${printable(value)}'`);
      }
    } else if (isWord(opt, "addr")) {
      filter.addr = value;
    } else if (isWord(opt, "laddr")) {
      filter.laddr = value;
    } else if (isWord(opt, "skipme")) {
      if (isWord(value, "yes")) filter.skipme = true;
      else if (isWord(value, "no")) filter.skipme = false;
      else return SYNTAX_ERROR;
    } else {
      return SYNTAX_ERROR;
    }
  }
  return filter;
}

/**
 * Closes a connection for CLIENT KILL: the caller's own after its reply
 * (as Redis), another at once through the node.
 */
function kill(ctx: CommandContext, target: Session): void {
  if (target === ctx.session || target.id === ctx.session.id) {
    ctx.session.closeAfterReply = true;
  } else {
    ctx.node.killClient?.(target.id);
  }
}

/**
 * CLIENT KILL ip:port (replies OK, or `ERR No such client`), or CLIENT KILL
 * <option> <value> ... (replies how many connections it closed).
 */
function clientKill(ctx: CommandContext, args: string[]): Reply {
  const sessions = ctx.node.clients?.() ?? [ctx.session];
  if (args.length === 2) {
    for (const s of sessions) {
      if (s.peer === args[1]) {
        kill(ctx, s);
        return OK;
      }
    }
    return NO_SUCH_CLIENT;
  }
  const filter = killFilter(args);
  if (!("possible" in filter)) return filter;
  if (!filter.possible) return int(0);
  const targets: Session[] = [];
  for (const s of sessions) {
    if (filter.id !== undefined && s.id !== filter.id) continue;
    if (filter.addr !== undefined && s.peer !== filter.addr) continue;
    if (filter.laddr !== undefined && s.local !== filter.laddr) continue;
    if (filter.skipme && s.id === ctx.session.id) continue;
    targets.push(s);
  }
  for (const s of targets) kill(ctx, s);
  return int(targets.length);
}

const UNBLOCK_REASON: ErrorReply = Object.freeze(
  error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"),
);

/**
 * CLIENT UNBLOCK id [TIMEOUT | ERROR]: ends a blocked client's wait, with
 * its command's timeout reply or the `UNBLOCKED` error; replies 1, or 0
 * when that client is not blocked.
 */
function clientUnblock(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 3) {
    return subcommandArgsError("CLIENT", args[0]);
  }
  const id = parseInt64(args[1]);
  if (id === undefined) return NOT_INTEGER;
  let asError = false;
  if (args.length === 3) {
    if (isWord(args[2], "error")) asError = true;
    else if (!isWord(args[2], "timeout")) return UNBLOCK_REASON;
  }
  return int(ctx.node.unblockClient?.(Number(id), asError) ? 1 : 0);
}

/** CLIENT NO-EVICT on|off: accepted (CacheMir's eviction evicts keys, never clients). */
function clientNoEvict(ctx: CommandContext, args: string[]): Reply {
  if (isWord(args[1], "on")) ctx.session.noEvict = true;
  else if (isWord(args[1], "off")) ctx.session.noEvict = false;
  else return SYNTAX_ERROR;
  return OK;
}

function clientSetinfo(ctx: CommandContext, args: string[]): Reply {
  const attr = args[1];
  const lib = isWord(attr, "lib-name")
    ? "libName"
    : isWord(attr, "lib-ver")
    ? "libVersion"
    : undefined;
  if (lib === undefined) {
    return error(`ERR Unrecognized option '${printable(attr)}'`);
  }
  if (!isValidClientAttr(args[2])) {
    return error(
      `ERR ${
        printable(attr)
      } cannot contain spaces, newlines or special characters.`,
    );
  }
  ctx.session[lib] = args[2];
  return OK;
}

const NO_REDIRECT_CLIENT: ErrorReply = Object.freeze(
  error("ERR The client ID you want redirect to does not exist"),
);
const PREFIX_NEEDS_BCAST: ErrorReply = Object.freeze(
  error("ERR PREFIX option requires BCAST mode to be enabled"),
);
const OPTIN_AND_OPTOUT: ErrorReply = Object.freeze(
  error("ERR You can't specify both OPTIN mode and OPTOUT mode"),
);
const OPT_WITH_BCAST: ErrorReply = Object.freeze(
  error("ERR OPTIN and OPTOUT are not compatible with BCAST"),
);
const SWITCH_BCAST: ErrorReply = Object.freeze(
  error(
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
  ),
);
const SWITCH_OPT: ErrorReply = Object.freeze(
  error(
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
  ),
);
const CACHING_NEEDS_OPT: ErrorReply = Object.freeze(
  error(
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
  ),
);
const CACHING_YES_NEEDS_OPTIN: ErrorReply = Object.freeze(
  error(
    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
  ),
);
const CACHING_NO_NEEDS_OPTOUT: ErrorReply = Object.freeze(
  error(
    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
  ),
);
const TRACKING_UNAVAILABLE: ErrorReply = Object.freeze(
  error("ERR client tracking is not available on this node"),
);

/** Two BCAST prefixes overlap when one starts the other. */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN]
 * [OPTOUT] [NOLOOP], with Redis's checks and error texts. A RESP2
 * connection may turn it on, as in Redis, and receives no push (RESP2 has
 * none; Redis's RESP2 clients take them through REDIRECT to a RESP3 or
 * binary connection here, SUBSCRIBE not being implemented).
 */
function clientTracking(ctx: CommandContext, args: string[]): Reply {
  const tracking = ctx.node.tracking;
  if (tracking === undefined) return TRACKING_UNAVAILABLE;
  const id = ctx.session.id;
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let i = 2; i < args.length; i++) {
    const opt = args[i];
    const more = i + 1 < args.length;
    if (isWord(opt, "redirect") && more) {
      const target = parseInt64(args[++i]);
      if (target === undefined) return NOT_INTEGER;
      if (typeof target !== "number" || !tracking.exists(target)) {
        return NO_REDIRECT_CLIENT;
      }
      redirect = target;
    } else if (isWord(opt, "bcast")) {
      bcast = true;
    } else if (isWord(opt, "optin")) {
      optin = true;
    } else if (isWord(opt, "optout")) {
      optout = true;
    } else if (isWord(opt, "noloop")) {
      noloop = true;
    } else if (isWord(opt, "prefix") && more) {
      prefixes.push(args[++i]);
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (isWord(args[1], "off")) {
    tracking.disable(id);
    return OK;
  }
  if (!isWord(args[1], "on")) return SYNTAX_ERROR;
  const current = tracking.options(id);
  if (current !== undefined && current.bcast !== bcast) return SWITCH_BCAST;
  if (optin && optout) return OPTIN_AND_OPTOUT;
  if ((optin || optout) && bcast) return OPT_WITH_BCAST;
  if (
    current !== undefined &&
    ((optin && current.optout) || (optout && current.optin))
  ) {
    return SWITCH_OPT;
  }
  if (prefixes.length > 0 && !bcast) return PREFIX_NEEDS_BCAST;
  const existing = current?.prefixes ?? [];
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i];
    for (const e of existing) {
      if (overlaps(p, e)) {
        return error(
          `ERR Prefix '${printable(p)}' overlaps with an existing prefix '${
            printable(e)
          }'. Prefixes for a single client must not overlap.`,
        );
      }
    }
    for (let j = 0; j < prefixes.length; j++) {
      if (i !== j && overlaps(p, prefixes[j])) {
        return error(
          `ERR Prefix '${
            printable(p)
          }' overlaps with another provided prefix '${
            printable(prefixes[j])
          }'. Prefixes for a single client must not overlap.`,
        );
      }
    }
  }
  tracking.enable(id, {
    redirect,
    bcast,
    prefixes: [...existing, ...prefixes],
    optin: optin || (current?.optin ?? false),
    optout: optout || (current?.optout ?? false),
    noloop,
  });
  return OK;
}

/** CLIENT CACHING yes|no: OPTIN/OPTOUT's answer for the next command. */
function clientCaching(ctx: CommandContext, args: string[]): Reply {
  const tracking = ctx.node.tracking;
  const o = tracking?.options(ctx.session.id);
  if (tracking === undefined || o === undefined || (!o.optin && !o.optout)) {
    return CACHING_NEEDS_OPT;
  }
  if (isWord(args[1], "yes")) {
    if (!o.optin) return CACHING_YES_NEEDS_OPTIN;
    tracking.setCaching(ctx.session.id, true);
  } else if (isWord(args[1], "no")) {
    if (!o.optout) return CACHING_NO_NEEDS_OPTOUT;
    tracking.setCaching(ctx.session.id, false);
  } else {
    return SYNTAX_ERROR;
  }
  return OK;
}

/** CLIENT TRACKINGINFO: flags, redirect and prefixes, as Redis's map. */
function clientTrackingInfo(ctx: CommandContext): Reply {
  const tracking = ctx.node.tracking;
  const o = tracking?.options(ctx.session.id);
  const flags: Reply[] = [];
  if (o === undefined) {
    flags.push(bytes("off"));
  } else {
    flags.push(bytes("on"));
    if (o.bcast) flags.push(bytes("bcast"));
    if (o.optin) flags.push(bytes("optin"));
    if (o.optout) flags.push(bytes("optout"));
    const caching = tracking!.caching(ctx.session.id);
    if (caching === true) flags.push(bytes("caching-yes"));
    if (caching === false) flags.push(bytes("caching-no"));
    if (o.noloop) flags.push(bytes("noloop"));
    if (o.redirect !== 0 && !tracking!.exists(o.redirect)) {
      flags.push(bytes("broken_redirect"));
    }
  }
  return map([
    [bytes("flags"), { kind: "set", value: flags }],
    [bytes("redirect"), int(o === undefined ? -1 : o.redirect)],
    [bytes("prefixes"), array((o?.prefixes ?? []).map((p) => bytes(p)))],
  ]);
}

/** CLIENT GETREDIR: -1 with tracking off, 0 without REDIRECT, else its id. */
function clientGetredir(ctx: CommandContext): Reply {
  const o = ctx.node.tracking?.options(ctx.session.id);
  return int(o === undefined ? -1 : o.redirect);
}

const CLIENT_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = Object.freeze(
  {
    ID: { arity: 2, run: (ctx) => int(ctx.session.id) },
    GETNAME: {
      arity: 2,
      run: (ctx) => ctx.session.name === "" ? NULL : bytes(ctx.session.name),
    },
    SETNAME: {
      arity: 3,
      run: (ctx, args) => {
        if (!isValidClientAttr(args[1])) return BAD_CLIENT_NAME;
        ctx.session.name = args[1];
        return OK;
      },
    },
    SETINFO: { arity: 4, run: clientSetinfo },
    INFO: {
      arity: 2,
      run: (ctx) =>
        bytes(
          clientInfoLine(
            ctx.session,
            Date.now(),
            ctx.node.clientBuffers?.(ctx.session.id),
          ) + "\n",
        ),
    },
    LIST: { arity: -2, run: clientList },
    KILL: { arity: -3, run: clientKill },
    UNBLOCK: { arity: -3, run: clientUnblock },
    "NO-EVICT": { arity: 3, run: clientNoEvict },
    TRACKING: { arity: -3, run: clientTracking },
    CACHING: { arity: 3, run: clientCaching },
    TRACKINGINFO: { arity: 2, run: clientTrackingInfo },
    GETREDIR: { arity: 2, run: clientGetredir },
    HELP: { arity: 2, run: () => CLIENT_HELP },
  },
);

/** CLIENT ID | GETNAME | SETNAME | SETINFO | INFO | LIST | KILL | UNBLOCK | NO-EVICT | TRACKING | CACHING | TRACKINGINFO | GETREDIR | HELP */
const clientCommand: Handler = containerHandler("CLIENT", CLIENT_SUBCOMMANDS);

/**
 * SELECT index: a node has one database, 0. Deviation from Redis (16
 * databases by default): any other index is out of range.
 */
function selectCommand(_ctx: CommandContext, args: string[]): Reply {
  return dbIndexError(args[0]) ?? OK;
}

const RESET_REPLY: StatusReply = Object.freeze(status("RESET"));

/**
 * RESET: back to a fresh connection's state (RESP2, no name, and not
 * authenticated when the node has a password), replies RESET.
 */
function resetCommand(ctx: CommandContext, _args: string[]): Reply {
  const session = ctx.session;
  if (session.authenticated !== undefined) {
    session.authenticated = requiredPassword(ctx) === "";
  }
  if (session.dialect !== "binary") session.dialect = "resp2";
  ctx.node.tracking?.disable(session.id);
  session.name = "";
  session.libName = "";
  session.libVersion = "";
  return RESET_REPLY;
}

const SHUTDOWN_OPTIONS = ["NOSAVE", "SAVE", "NOW", "FORCE", "ABORT"];
const NO_SHUTDOWN: ErrorReply = Object.freeze(
  error("ERR No shutdown in progress."),
);
const SHUTDOWN_FAILED: ErrorReply = Object.freeze(
  error("ERR Errors trying to SHUTDOWN. Check logs."),
);

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: stops the node as SIGTERM
 * does (stops accepting, answers what every connection read, exits). A
 * RESP connection is closed without a reply, as Redis does (its clients
 * take the closed connection for success); a binary one gets OK first.
 * NOW and FORCE change nothing (no replicas to wait for; nothing to save
 * that could fail) but FORCE lets SAVE through. CacheMir keeps nothing on
 * disk, so SAVE without FORCE fails as Redis's failed save does
 * (`ERR Errors trying to SHUTDOWN. Check logs.`, and the node logs why).
 * ABORT: no stop can be aborted (a stop starts at once), so always
 * Redis's `ERR No shutdown in progress.`
 */
function shutdownCommand(ctx: CommandContext, args: string[]): Reply {
  const options: string[] = [];
  for (const arg of args) {
    const opt = arg.toUpperCase();
    if (!SHUTDOWN_OPTIONS.includes(opt)) return SYNTAX_ERROR;
    options.push(opt);
  }
  const has = (o: string): boolean => options.includes(o);
  if (has("NOSAVE") && has("SAVE")) return SYNTAX_ERROR;
  if (has("ABORT")) {
    return options.some((o) => o !== "ABORT") ? SYNTAX_ERROR : NO_SHUTDOWN;
  }
  const node = ctx.node;
  if (node.shutdown === undefined) return SHUTDOWN_FAILED;
  const started = node.shutdown({
    session: ctx.session,
    options,
    save: has("SAVE"),
    force: has("FORCE"),
  });
  if (!started) return SHUTDOWN_FAILED;
  const session = ctx.session;
  session.closeAfterReply = true;
  session.closeWithoutReply = session.dialect !== "binary";
  return OK;
}

/** The connection commands' handlers, by upper-case name. */
export const CONNECTION_HANDLERS: Readonly<Record<string, Handler>> = Object
  .freeze({
    HELLO: helloCommand,
    PING: pingCommand,
    ECHO: echoCommand,
    QUIT: quitCommand,
    DBSIZE: dbsizeCommand,
    FLUSHALL: flushCommand,
    FLUSHDB: flushCommand,
    CLIENT: clientCommand,
    SELECT: selectCommand,
    RESET: resetCommand,
    SHUTDOWN: shutdownCommand,
  });
