/**
 * Connection and server commands: PING, ECHO, HELLO, QUIT, DBSIZE,
 * FLUSHALL, FLUSHDB, CLIENT, SELECT, RESET (AUTH is in `auth.ts`).
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
import type { CommandContext, Handler, Session } from "./types.ts";
import {
  arityError,
  isWord,
  NOT_INTEGER,
  printable,
  SYNTAX_ERROR,
} from "./common.ts";
import { parseInt64 } from "./numbers.ts";
import { containerHandler, type Subcommand } from "./_subcommands.ts";
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

/**
 * One line of CLIENT LIST / CLIENT INFO, with Redis 7.2's fields in Redis's
 * order. Fields CacheMir has no notion of are reported as a Redis client
 * with nothing pending would show them; `fd` is -1, `resp` is 0 for a
 * binary-protocol connection.
 *
 * @param session The connection.
 * @param now The time now, ms since the epoch.
 * @returns The line, without its trailing newline.
 */
export function clientInfoLine(session: Session, now: number): string {
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
  return `id=${session.id} addr=${session.peer} laddr=${
    session.local ?? ""
  } fd=-1 name=${session.name} age=${age} idle=${idle} flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=${cmd} user=default redir=-1 resp=${resp} lib-name=${
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
    "LIST [TYPE <normal|master|replica|pubsub>]",
    "LIST [ID <id> [<id> ...]]",
    "    Return information about client connections.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
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
        text += clientInfoLine(s, now) + "\n";
      }
    }
  }
  return bytes(text);
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
      run: (ctx) => bytes(clientInfoLine(ctx.session, Date.now()) + "\n"),
    },
    LIST: { arity: -2, run: clientList },
    HELP: { arity: 2, run: () => CLIENT_HELP },
  },
);

/** CLIENT ID | GETNAME | SETNAME | SETINFO | INFO | LIST | HELP */
const clientCommand: Handler = containerHandler("CLIENT", CLIENT_SUBCOMMANDS);

const DB_OUT_OF_RANGE: ErrorReply = Object.freeze(
  error("ERR DB index is out of range"),
);
const NOT_INT32: ErrorReply = Object.freeze(
  error(
    "ERR value is out of range, value must between -2147483648 and 2147483647",
  ),
);

/**
 * SELECT index: a node has one database, 0. Deviation from Redis (16
 * databases by default): any other index is out of range.
 */
function selectCommand(_ctx: CommandContext, args: string[]): Reply {
  const index = parseInt64(args[0]);
  if (index === undefined) return NOT_INTEGER;
  // Redis reads an int (getIntFromObjectOrReply).
  if (index > 2147483647 || index < -2147483648) return NOT_INT32;
  return index === 0 ? OK : DB_OUT_OF_RANGE;
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
  session.name = "";
  session.libName = "";
  session.libVersion = "";
  return RESET_REPLY;
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
  });
