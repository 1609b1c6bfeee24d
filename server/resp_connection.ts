/**
 * The RESP port's codec, and {@linkcode RespConnection}: the shared read
 * loop of `connection.ts` speaking Redis's protocol, RESP2 by default and
 * RESP3 after `HELLO 3`.
 *
 * @module
 */

import { array, bytes, NULL, type Reply } from "@cachemir/protocol";
import type {
  ArgvView,
  ReplyOut,
  Session,
  Suspension,
} from "./_util/request.ts";
import { Connection, type PortOptions, StreamCodec } from "./connection.ts";
import {
  type RespCommand,
  RespDecoder,
  type RespLimits,
  RespView,
} from "./resp/decoder.ts";
import { RespWriter } from "./resp/writer.ts";
import { isWord } from "./_util/ascii.ts";

/** Runs one command by name for a session: the node's command table. */
export type ExecuteByName = (
  session: Session,
  name: string,
  args: string[],
) => Reply | Suspension;

/**
 * Runs one command by name whose arguments are still in the read buffer:
 * the node's command table. It writes the reply into `out` itself and
 * returns `undefined`, or returns the reply to write.
 */
export type ExecuteView = (
  session: Session,
  name: string,
  argv: ArgvView,
  out: ReplyOut,
) => Reply | Suspension | undefined;

/** What a RESP connection needs from the node. */
export interface RespConnectionOptions extends PortOptions {
  /** Runs a command by name. */
  readonly execute: ExecuteByName;
  /** Runs a command by name on arguments in place (a request that came whole). */
  readonly executeView: ExecuteView;
  /** Bulk, argument and request limits. */
  readonly limits?: RespLimits;
}

const INVALIDATE: Reply = Object.freeze(bytes("invalidate"));

/**
 * Tells whether a command name is one Redis treats as a cross-protocol
 * attack (`POST` or `Host:`, an HTTP request sent to the port): the
 * connection is closed without a reply.
 */
function isHttp(name: string): boolean {
  if (name.length === 4) return isWord(name, "post");
  return name.length === 5 && name.charCodeAt(4) === 0x3a && // ':'
    isWord(name.slice(0, 4), "host");
}

/**
 * RESP as a {@linkcode Codec}: a protocol error is answered with
 * `-ERR Protocol error: ...` and breaks the connection (RESP cannot find
 * the next request after one). Replies are RESP3 while the session's
 * dialect is `resp3`.
 *
 * @example Decode a command and encode its reply
 * ```ts
 * import { RespCodec } from "./resp_connection.ts";
 * import { OK } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const session = { id: 1, peer: "test", dialect: "resp2" as const, name: "", closeAfterReply: false };
 * const codec = new RespCodec(session);
 * codec.push(new TextEncoder().encode("SET k v\r\n"));
 * const command = codec.next()!;
 * assert.deepEqual(command, { name: "SET", args: ["k", "v"] });
 * codec.writeReply(command, OK);
 * assert.equal(new TextDecoder().decode(codec.take()), "+OK\r\n");
 * ```
 */
export class RespCodec extends StreamCodec<RespCommand | RespView>
  implements ReplyOut {
  #session: Session;
  #decoder: RespDecoder;
  #writer: RespWriter;

  /**
   * @param session The connection's session (its dialect picks RESP2 or RESP3).
   * @param limits Bulk, argument and request limits.
   */
  constructor(session: Session, limits: RespLimits = {}) {
    const decoder = new RespDecoder({ ...limits, views: true });
    const writer = new RespWriter();
    super(decoder, writer);
    this.#session = session;
    this.#decoder = decoder;
    this.#writer = writer;
  }

  /**
   * The next command; a protocol error is answered on the way.
   *
   * @returns A command — the decoder's reused {@linkcode RespView} when it
   * came whole — or `undefined`.
   */
  next(): RespCommand | RespView | undefined {
    if (this.broken) return undefined;
    const r = this.#decoder.next();
    if (r === undefined) return undefined;
    if ("kind" in r) {
      this.#writer.writeError(r.message);
      this.breakStream();
      return undefined;
    }
    if (isHttp(r.name)) {
      this.breakStream(); // no reply, as Redis
      return undefined;
    }
    return r;
  }

  /**
   * Encodes a reply, in RESP3 when the session speaks it.
   *
   * @param _command The command.
   * @param reply Its reply.
   */
  writeReply(_command: RespCommand | RespView, reply: Reply): void {
    this.#writer.writeReply(reply, this.#session.dialect === "resp3");
  }

  /**
   * Encodes an invalidation push, RESP3's `>2 invalidate [keys]` (`_` for
   * every key), as Redis writes it. A RESP2 connection cannot carry a push
   * (Redis's RESP2 clients get invalidations through REDIRECT): nothing is
   * written.
   *
   * @param keys The changed keys (byte strings), or `null` for every key.
   */
  writePush(keys: readonly string[] | null): void {
    if (this.#session.dialect !== "resp3") return;
    this.#writer.writePush([
      INVALIDATE,
      keys === null ? NULL : array(keys.map((k) => bytes(k))),
    ]);
  }

  /**
   * Writes a reply value ({@linkcode ReplyOut} for direct handlers).
   *
   * @param reply The reply.
   */
  reply(reply: Reply): void {
    this.#writer.writeReply(reply, this.#session.dialect === "resp3");
  }

  /**
   * Writes a bulk reply from bytes in place.
   *
   * @param bytes The buffer.
   * @param start Where the value starts.
   * @param length Its length.
   */
  bulk(bytes: Uint8Array, start: number, length: number): void {
    this.#writer.writeBulk(bytes, start, length);
  }

  /**
   * Writes an integer reply.
   *
   * @param n A safe integer.
   */
  integer(n: number): void {
    this.#writer.writeInteger(n);
  }
}

/**
 * One connection speaking RESP. `run()` resolves when the peer hangs up, a
 * protocol error or QUIT ends it, or `shutdown()` is called; it never
 * rejects.
 */
export class RespConnection extends Connection<RespCommand | RespView> {
  /**
   * @param options The connection, its session, the command table and limits.
   */
  constructor(options: RespConnectionOptions) {
    const { session, execute, executeView } = options;
    const codec = new RespCodec(session, options.limits);
    super({
      conn: options.conn,
      session,
      codec,
      execute: (c: RespCommand | RespView): Reply | Suspension | undefined =>
        c instanceof RespView
          ? executeView(session, c.name, c, codec)
          : execute(session, c.name, c.args),
      readBytes: options.readBytes,
      limits: options.flow,
      onOutputLimit: options.onOutputLimit,
      traffic: options.traffic,
    });
  }
}
