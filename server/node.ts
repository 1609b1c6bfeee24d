/**
 * A CacheMir node: one keyspace, its expiry cycle, and the listeners that
 * serve it. `server/main.ts` is the command-line wrapper around this class;
 * tests start nodes in-process with it.
 *
 * @module
 */

import { DEFAULT_CONFIG, type NodeConfig } from "./config.ts";
import { BinaryConnection } from "./binary_connection.ts";
import type { NodeInfo, Session } from "./commands/types.ts";
import { Keyspace } from "./store/keyspace.ts";
import { ActiveExpiry } from "./store/expiry.ts";
import { CommandTable } from "./commands/table.ts";
import { logger } from "./log.ts";

/** The node's software version. */
export const VERSION = "0.1.0";

const log = logger("node");

/** How long a graceful shutdown waits for connections to finish. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * A running node. Create it, `await start()`, and `await close()` to stop
 * gracefully (stop accepting, answer what was received, close connections).
 *
 * @example Start a node on a free port and stop it
 * ```ts ignore
 * import { CacheNode } from "./node.ts";
 * const node = new CacheNode({ port: 0 });
 * await node.start();
 * console.log(node.address); // "127.0.0.1:41234"
 * await node.close();
 * ```
 */
export class CacheNode {
  #config: NodeConfig;
  #keyspace: Keyspace;
  #expiry: ActiveExpiry;
  #table: CommandTable;
  #info: NodeInfo;
  #listener: Deno.TcpListener | undefined;
  #connections = new Set<BinaryConnection>();
  #running = new Set<Promise<unknown>>();
  #nextSessionId = 1;
  #closing: Promise<void> | undefined;
  #acceptLoop: Promise<void> | undefined;

  /**
   * @param config Any subset of the configuration; the rest takes defaults.
   */
  constructor(config: Partial<NodeConfig> = {}) {
    this.#config = { ...DEFAULT_CONFIG, ...config };
    this.#keyspace = new Keyspace();
    this.#expiry = new ActiveExpiry(this.#keyspace);
    this.#table = new CommandTable();
    this.#info = {
      version: VERSION,
      startedAt: Date.now(),
      maxFrameBytes: this.#config.maxFrameBytes,
      maxArgs: this.#config.maxArgs,
    };
  }

  /** The keyspace (for tests and introspection). */
  get keyspace(): Keyspace {
    return this.#keyspace;
  }

  /**
   * The binary port's bound `host:port`.
   *
   * @throws {Error} Before `start()`.
   */
  get address(): string {
    const addr = this.#listener?.addr as Deno.NetAddr | undefined;
    if (addr === undefined) throw new Error("CacheNode is not started");
    return `${addr.hostname}:${addr.port}`;
  }

  /** The binary port's bound port number. */
  get port(): number {
    return (this.#listener!.addr as Deno.NetAddr).port;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Binds the listener and starts serving and the expiry cycle.
   *
   * @throws {Deno.errors.AddrInUse} When the port is taken.
   */
  start(): Promise<void> {
    if (this.#listener !== undefined) {
      return Promise.reject(new Error("CacheNode is already started"));
    }
    this.#listener = Deno.listen({
      hostname: this.#config.host,
      port: this.#config.port,
      transport: "tcp",
    });
    this.#expiry.start();
    this.#acceptLoop = this.#accept(this.#listener);
    log.info("Listening on {address} (binary protocol)", {
      address: this.address,
    });
    return Promise.resolve();
  }

  async #accept(listener: Deno.TcpListener): Promise<void> {
    try {
      for await (const conn of listener) {
        if (this.#closing !== undefined) {
          conn.close();
          continue;
        }
        this.#serve(conn);
      }
    } catch (e) {
      if (this.#closing === undefined) {
        log.error("Accept loop failed: {error}", { error: String(e) });
      }
    }
  }

  #serve(conn: Deno.TcpConn): void {
    try {
      conn.setNoDelay(true);
    } catch {
      // not every transport supports it
    }
    const peer = conn.remoteAddr as Deno.NetAddr;
    const session: Session = {
      id: this.#nextSessionId++,
      peer: `${peer.hostname}:${peer.port}`,
      dialect: "binary",
      name: "",
      closeAfterReply: false,
    };
    const connection = new BinaryConnection({
      conn,
      session,
      execute: (s, opcode, args) =>
        this.#table.executeOpcode(
          { store: this.#keyspace, session: s, node: this.#info },
          opcode,
          args,
        ),
      limits: {
        maxFrameBytes: this.#config.maxFrameBytes,
        maxArgs: this.#config.maxArgs,
      },
    });
    this.#connections.add(connection);
    log.debug("Client {id} connected from {peer}", { ...session });
    const done = connection.run().then((why) => {
      this.#connections.delete(connection);
      this.#running.delete(done);
      log.debug("Client {id} from {peer} closed: {why}", { ...session, why });
    });
    this.#running.add(done);
  }

  /**
   * Stops gracefully: stops accepting, lets every connection answer what it
   * has already read, closes them, and stops the expiry cycle. Connections
   * still busy after a grace period are closed anyway. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    log.info("Shutting down: {connections} open connections", {
      connections: this.#connections.size,
    });
    try {
      this.#listener?.close();
    } catch {
      // already closed
    }
    await this.#acceptLoop;
    for (const c of this.#connections) c.shutdown();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const c of this.#connections) c.close();
        resolve();
      }, SHUTDOWN_GRACE_MS);
    });
    await Promise.race([Promise.all(this.#running), grace]);
    clearTimeout(timer);
    await Promise.all(this.#running);
    this.#expiry.stop();
    log.info("Shut down");
  }
}
