/**
 * The errors a {@linkcode CacheMirClient} rejects with.
 *
 * Every error is a {@linkcode CacheMirError}. A {@linkcode ReplyError} comes
 * from the node (the command ran, or was refused, and the node said why); a
 * {@linkcode ConnectionError} or a {@linkcode TimeoutError} means the command's
 * fate is unknown; a {@linkcode ProtocolError} means the client could not
 * accept a reply.
 *
 * @module
 */

/**
 * The base class of every error the client throws or rejects with.
 *
 * @example Catch any client error
 * ```ts no-eval
 * import { CacheMirClient, CacheMirError } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
 * try {
 *   await client.incr("greeting");
 * } catch (e) {
 *   if (e instanceof CacheMirError) console.log(e.name, e.message);
 * }
 * ```
 */
export class CacheMirError extends Error {
  /**
   * Makes an error.
   *
   * @param message What failed and in which state.
   * @param options The underlying cause, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CacheMirError";
  }
}

/**
 * An error reply from the node: `message` is the node's full text, exactly as
 * Redis would write it, and `code` is its first word.
 *
 * @example Tell a WRONGTYPE from other errors
 * ```ts no-eval
 * import { CacheMirClient, ReplyError } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: ["127.0.0.1:7379"] });
 * await client.set("name", "ada");
 * try {
 *   await client.incr("name");
 * } catch (e) {
 *   if (e instanceof ReplyError) {
 *     console.log(e.code); // "ERR"
 *     console.log(e.message); // "ERR value is not an integer or out of range"
 *   }
 * }
 * ```
 */
export class ReplyError extends CacheMirError {
  /** The first word of the text: `ERR`, `WRONGTYPE`, `NOPROTO`, ... */
  readonly code: string;

  /**
   * Makes a reply error.
   *
   * @param code The error code, e.g. `"ERR"`.
   * @param message The rest of the node's text (may be empty).
   */
  constructor(code: string, message: string) {
    super(message === "" ? code : `${code} ${message}`);
    this.name = "ReplyError";
    this.code = code;
  }
}

/**
 * The client could not reach a node, or lost its connection to it. A command
 * rejected with this error may or may not have run on the node.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient, ConnectionError } from "@cachemir/client";
 * await using client = new CacheMirClient({ nodes: ["127.0.0.1:1"] });
 * try {
 *   await client.get("k");
 * } catch (e) {
 *   if (e instanceof ConnectionError) console.log(e.address); // "127.0.0.1:1"
 * }
 * ```
 */
export class ConnectionError extends CacheMirError {
  /** The node's address, `host:port`. */
  readonly address: string;

  /**
   * Makes a connection error.
   *
   * @param address The node's address, `host:port`.
   * @param message What failed, naming the address and the requests in flight.
   * @param options The underlying cause, if any.
   */
  constructor(address: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectionError";
    this.address = address;
  }
}

/**
 * A connection attempt or a command did not complete in time. For a command,
 * its fate on the node is unknown.
 *
 * @example
 * ```ts no-eval
 * import { CacheMirClient, TimeoutError } from "@cachemir/client";
 * await using client = new CacheMirClient({
 *   nodes: ["127.0.0.1:7379"],
 *   commandTimeoutMs: 50,
 * });
 * try {
 *   await client.keys("*");
 * } catch (e) {
 *   if (e instanceof TimeoutError) console.log(e.operation, e.timeoutMs); // KEYS 50
 * }
 * ```
 */
export class TimeoutError extends CacheMirError {
  /** The node's address, `host:port`. */
  readonly address: string;
  /**
   * What timed out: a command's name (`"GET"`), `"connect"`, `"acquire"`
   * (waiting for a free slot in a node's connection pool: the command was
   * never sent), or `"discover"` (the first DNS lookup of a client with no
   * other nodes; `address` is then the `dns:` spec).
   */
  readonly operation: string;
  /** The timeout that expired, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * Makes a timeout error.
   *
   * @param address The node's address, `host:port`.
   * @param operation A command name, or `"connect"`.
   * @param timeoutMs The timeout that expired, in milliseconds.
   */
  constructor(address: string, operation: string, timeoutMs: number) {
    super(
      operation === "connect"
        ? `Connecting to ${address} timed out after ${timeoutMs} ms`
        : operation === "acquire"
        ? `Waiting for a free slot in the pool of ${address} timed out after ${timeoutMs} ms`
        : operation === "discover"
        ? `Discovering nodes from ${address} timed out after ${timeoutMs} ms`
        : `Command ${operation} to ${address} timed out after ${timeoutMs} ms`,
    );
    this.name = "TimeoutError";
    this.address = address;
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The client received a reply it cannot accept: larger than its limit, or of
 * a type the command never answers with. The connection stays usable when
 * the byte stream is still in sync; otherwise pending commands reject with a
 * {@linkcode ConnectionError} whose `cause` is this error.
 *
 * @example
 * ```ts no-eval
 * import { ProtocolError } from "@cachemir/client";
 * const e = new ProtocolError("Unexpected ARRAY reply to GET");
 * console.log(e.name); // "ProtocolError"
 * ```
 */
export class ProtocolError extends CacheMirError {
  /**
   * Makes a protocol error.
   *
   * @param message What was wrong with the reply.
   */
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/**
 * A command was not sent because the node that serves its key is down (it
 * failed `failureThreshold` times in a row and has not answered a health
 * check since), and the client cannot or may not send it elsewhere: with
 * `onNodeDown: "fail"`, or when every node is down. Unlike its parent
 * {@linkcode ConnectionError}, the command certainly did not run.
 *
 * @example Tell a down node from other failures
 * ```ts no-eval
 * import { CacheMirClient, NodeDownError } from "@cachemir/client";
 * await using client = new CacheMirClient({
 *   nodes: ["127.0.0.1:7379", "127.0.0.1:7380"],
 *   onNodeDown: "fail",
 * });
 * try {
 *   await client.get("k");
 * } catch (e) {
 *   if (e instanceof NodeDownError) console.log(`${e.address} is down`);
 * }
 * ```
 */
export class NodeDownError extends ConnectionError {
  /**
   * Makes a node-down error.
   *
   * @param address The node's address, `host:port` (the key's owner).
   * @param message What was refused, naming the node and why.
   * @param options The failure that took the node down, if known.
   */
  constructor(address: string, message: string, options?: ErrorOptions) {
    super(address, message, options);
    this.name = "NodeDownError";
  }
}

/**
 * A command that must run on one node (RENAME, SMOVE, SINTERSTORE, MSETNX,
 * LMOVE...) names keys that different nodes own. Raised by the client
 * before anything is sent. Keys that share a hash tag (`{user:1}:a`,
 * `{user:1}:b`) are always owned by the same node.
 *
 * @example Keep keys together with a hash tag
 * ```ts no-eval
 * import { CacheMirClient, CrossSlotError } from "@cachemir/client";
 * await using client = new CacheMirClient({
 *   nodes: ["127.0.0.1:7379", "127.0.0.1:7380"],
 * });
 * try {
 *   await client.rename("draft", "final");
 * } catch (e) {
 *   if (e instanceof CrossSlotError) console.log(e.code, e.addresses);
 * }
 * await client.rename("{doc:1}:draft", "{doc:1}:final"); // same node
 * ```
 */
export class CrossSlotError extends CacheMirError {
  /** Always `"CROSSSLOT"`, as Redis Cluster's error code. */
  readonly code: "CROSSSLOT" = "CROSSSLOT";
  /** The command's name, e.g. `"RENAME"`. */
  readonly command: string;
  /** The distinct owners of its keys, in key order. */
  readonly addresses: readonly string[];

  /**
   * Makes a cross-slot error.
   *
   * @param command The command's name.
   * @param addresses The distinct nodes that own its keys, in key order.
   */
  constructor(command: string, addresses: readonly string[]) {
    super(
      `CROSSSLOT Keys in request don't hash to the same node: ${command} has keys on ${
        addresses.join(", ")
      }; put them under one hash tag, e.g. {user:1}:a and {user:1}:b`,
    );
    this.name = "CrossSlotError";
    this.command = command;
    this.addresses = addresses;
  }
}
