/**
 * Per-node state: where a node is and how to reach it. Private to the
 * package. Today a node has one lazily opened connection; a pool of them and
 * the node's health fit here later without touching the client's methods.
 *
 * @module
 */

import {
  Connection,
  type ConnectionOptions,
  type ConnectionTarget,
  formatAddress,
} from "./connection.ts";
import { ConnectionError } from "./errors.ts";

/** The port a node listens on when an address names none. */
export const DEFAULT_PORT = 7379;

/**
 * Parses `host:port`, `[v6]:port`, `host` or `[v6]` (default port 7379).
 *
 * @param address The node's address.
 * @returns Its host name (IPv6 without brackets) and port.
 * @throws {TypeError} When the address is empty, or its port is not an integer in 1..65535.
 */
export function parseAddress(address: string): ConnectionTarget {
  const fail = (why: string): never => {
    throw new TypeError(`Invalid node address "${address}": ${why}`);
  };
  let hostname: string;
  let portText: string | undefined;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0) fail("missing ']'");
    hostname = address.slice(1, close);
    const rest = address.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) fail(`unexpected "${rest}" after ']'`);
      portText = rest.slice(1);
    }
  } else {
    const colon = address.lastIndexOf(":");
    if (colon >= 0 && address.indexOf(":") !== colon) {
      fail("an IPv6 address must be written in brackets, e.g. [::1]:7379");
    }
    hostname = colon < 0 ? address : address.slice(0, colon);
    portText = colon < 0 ? undefined : address.slice(colon + 1);
  }
  if (hostname === "") fail("no host");
  let port = DEFAULT_PORT;
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      fail(`port "${portText}" is not an integer in 1..65535`);
    }
  }
  return { hostname, port };
}

/** One node the client talks to, and its connection. */
export class NodeState {
  /** `host:port`, normalized. */
  readonly address: string;
  /** Host and port. */
  readonly target: ConnectionTarget;
  #options: ConnectionOptions;
  #conn: Connection | undefined;
  #connecting: Promise<Connection> | undefined;
  #closed = false;

  /**
   * @param address The node's address as the user gave it.
   * @param options Options for every connection to this node.
   */
  constructor(address: string, options: ConnectionOptions) {
    this.target = parseAddress(address);
    this.address = formatAddress(this.target);
    this.#options = options;
  }

  /** The open connection, if there is one. */
  get connection(): Connection | undefined {
    const conn = this.#conn;
    return conn !== undefined && !conn.closed ? conn : undefined;
  }

  /**
   * Opens a connection unless one is open or opening; concurrent callers
   * share one attempt. A failed attempt is not retried here.
   *
   * @returns The open connection.
   */
  connect(): Promise<Connection> {
    const open = this.connection;
    if (open !== undefined) return Promise.resolve(open);
    if (this.#closed) return Promise.reject(this.#closedError());
    this.#connecting ??= Connection.connect(this.target, this.#options).then(
      async (conn) => {
        this.#connecting = undefined;
        if (this.#closed) {
          await conn.close();
          throw this.#closedError();
        }
        this.#conn = conn;
        return conn;
      },
      (e) => {
        this.#connecting = undefined;
        throw e;
      },
    );
    return this.#connecting;
  }

  /**
   * Closes the connection (commands in flight reject) and refuses new ones.
   *
   * @returns Settles once the connection has stopped.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const connecting = this.#connecting;
    await this.#conn?.close();
    if (connecting !== undefined) {
      await connecting.catch(() => {});
    }
  }

  #closedError(): ConnectionError {
    return new ConnectionError(
      this.address,
      `Cannot use ${this.address}: the client is closed`,
    );
  }
}
