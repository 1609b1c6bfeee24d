/**
 * Connection and server commands: PING, ECHO, HELLO, QUIT, DBSIZE,
 * FLUSHALL, FLUSHDB.
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
  OK,
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  type Reply,
  status,
  type StatusReply,
} from "@cachemir/protocol";
import type { CommandContext, Handler } from "./types.ts";
import { isWord, printable, SYNTAX_ERROR } from "./common.ts";
import { parseInt64 } from "./numbers.ts";

const PONG: StatusReply = Object.freeze(status("PONG"));
const PING_ARITY: ErrorReply = Object.freeze(
  error("ERR wrong number of arguments for 'ping' command"),
);

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
  ]);
}

const PROTOVER_NOT_INTEGER: ErrorReply = Object.freeze(
  error("ERR Protocol version is not an integer or out of range"),
);
const NOPROTO_RESP: ErrorReply = Object.freeze(
  error("NOPROTO unsupported protocol version"),
);
const WRONGPASS: ErrorReply = Object.freeze(
  error(
    "WRONGPASS invalid username-password pair or user is disabled.",
  ),
);
const BAD_CLIENT_NAME: ErrorReply = Object.freeze(
  error(
    "ERR Client names cannot contain spaces, newlines or special characters.",
  ),
);

/**
 * HELLO on a RESP connection, as Redis 7 answers it. CacheMir has no users:
 * `AUTH default <any password>` succeeds (Redis's default `nopass` user),
 * any other user is refused.
 */
function helloResp(ctx: CommandContext, args: string[]): Reply {
  const session = ctx.session;
  let version = 0;
  let next = 0;
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
      if (args[j + 1] !== "default") return WRONGPASS;
      j += 2;
    } else if (isWord(opt, "setname") && more >= 1) {
      const name = args[j + 1];
      for (let i = 0; i < name.length; i++) {
        const c = name.charCodeAt(i);
        if (c < 0x21 || c > 0x7e) return BAD_CLIENT_NAME;
      }
      session.name = name;
      j++;
    } else {
      return error(`ERR Syntax error in HELLO option '${printable(opt)}'`);
    }
  }
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
  });
