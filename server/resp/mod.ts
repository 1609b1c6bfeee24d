/**
 * RESP, Redis's protocol, for the node's second port: a pure, incremental
 * request parser ({@linkcode RespDecoder}, with inline commands split as
 * Redis's `sdssplitargs` does) and a reply encoder for RESP2 and RESP3
 * ({@linkcode RespWriter}). No I/O: `server/resp_connection.ts` plugs them
 * into the node's connection loop.
 *
 * @example Parse a request and encode its reply
 * ```ts
 * import { RespDecoder, RespWriter } from "./mod.ts";
 * import { OK } from "@cachemir/protocol";
 * import assert from "node:assert/strict";
 *
 * const d = new RespDecoder();
 * d.push(new TextEncoder().encode("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"));
 * assert.deepEqual(d.next(), { name: "SET", args: ["k", "v"] });
 * const w = new RespWriter();
 * w.writeReply(OK, false);
 * assert.equal(new TextDecoder().decode(w.takeView()), "+OK\r\n");
 * ```
 *
 * @module
 */

export * from "./decoder.ts";
export * from "./split_args.ts";
export * from "./writer.ts";
