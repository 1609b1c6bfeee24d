/**
 * {@linkcode Cluster}: the nodes of a {@linkcode CacheMirClient} and how each
 * command reaches them — routing by key, failover, replicas, retries,
 * multi-key splits, keyless fan-out and DNS discovery. Private to the
 * package: the client's methods all end in {@linkcode Cluster.send}.
 *
 * @module
 */

import {
  array,
  bytes,
  type CommandInfo,
  commandInfo,
  decodeUtf8,
  hasFlag,
  keyPositions,
  NULL,
  type Reply,
  type RoutePolicy,
  toByteString,
} from "@cachemir/protocol";
import type { CacheMirClientOptions, NodeSpec } from "./options.ts";
import {
  type Arg,
  ClientConnection,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_REPLY_BYTES,
  formatAddress,
  type ReplyTransform,
} from "./connection.ts";
import {
  DEFAULT_DISCOVERY_INTERVAL_MS,
  type DnsNodes,
  parseDnsNodes,
  resolveNodes,
  type Resolver,
} from "./discovery.ts";
import {
  ConnectionError,
  CrossSlotError,
  NodeDownError,
  ReplyError,
  TimeoutError,
} from "./errors.ts";
import { ClientErrorEvent, NodeEvent } from "./events.ts";
import type { Key } from "./hash.ts";
import { JumpHash } from "./jump.ts";
import type { NodeLocator } from "./locator.ts";
import {
  type Connector,
  DEFAULT_ACQUIRE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_IN_FLIGHT,
} from "./pool.ts";
import { HashRing } from "./ring.ts";
import {
  backoffDelay,
  canRetry,
  isNetworkError,
  type RetryPolicy,
  retryPolicy,
  wasNotSent,
} from "./retry.ts";
import type { ClientNodeStats } from "./stats.ts";
import { concatArrays, joinParts, mergeTop, type PartReply } from "./_join.ts";
import {
  DEFAULT_FAILURE_THRESHOLD,
  DEFAULT_HEALTH_CHECK_INTERVAL_MS,
  type NodeOptions,
  NodeState,
  parseAddress,
} from "./_node.ts";
import { positiveInteger, positiveMs } from "./_options.ts";
import { checkTlsOptions } from "./_dial.ts";
import { deferred } from "./_deferred.ts";
import { unrefTimer } from "./_transport.ts";
import { TIMED_OUT, withTimeout } from "./_timeout.ts";
import { WarmUps } from "./_warm_up.ts";

/** A failed-over node's record past `failoverKeyMemory`: flush it instead. */
function overflow(record: FailedOver): void {
  record.overflow = true;
  record.keys.length = 0;
  record.standIns.clear();
}

/** HOTKEYS' count argument as a number (given as text or as its bytes). */
function topCount(arg: Arg): number {
  return Number(typeof arg === "string" ? arg : decodeUtf8(arg));
}

/** Keeps a reply as it is: for parts that are joined before the caller's transform. */
const asReply: ReplyTransform<Reply> = (reply) => reply;

/** SCAN cursors hold the node's index in their low bits: at most this many nodes. */
const SCAN_NODES = 1024n;

/** A split command's keys that go to the same node(s). */
/**
 * What a client wrote elsewhere while one node was down: the keys, and for
 * each stand-in the keys it holds copies of; or only that there were more
 * than `failoverKeyMemory`.
 */
interface FailedOver {
  /** Keys to delete from the node when it returns. */
  readonly keys: Key[];
  /** Stand-in address to the keys written to it. */
  readonly standIns: Map<string, Key[]>;
  /** More keys than remembered: flush the returning node. */
  overflow: boolean;
}

/** Keys deleted per DEL when a node returns. */
const CLEANUP_BATCH = 500;

const OPCODE_DEL = commandInfo("DEL").opcode;
const GET_INFO = commandInfo("GET");
const OPCODE_GET = GET_INFO.opcode;
const OPCODE_PTTL = commandInfo("PTTL").opcode;
const OPCODE_SET = commandInfo("SET").opcode;
/** A GET's miss on a node warming up (see `#warmSend`). */
const MISS: unique symbol = Symbol("miss");
const OPCODE_FLUSHALL = commandInfo("FLUSHALL").opcode;
const OPCODE_PEXPIRE = commandInfo("PEXPIRE").opcode;

interface Group {
  /** Where: one node, or a key's replicas for a replicated write. */
  readonly targets: NodeState[];
  /** Positions of the keys in the command's arguments. */
  readonly positions: number[];
  /** Ordinals of the keys among all the command's keys. */
  readonly indices: number[];
}

/** Attempts of one command so far: those that counted, and those that did not. */
interface Tally {
  /** Attempts that count against `retry.attempts`. */
  spent: number;
  /** Attempts lost to their node being taken down (at most one per node). */
  free: number;
}

function text(arg: Arg | Reply): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof Uint8Array) return toByteString(arg);
  if (arg.kind === "bytes" || arg.kind === "status") {
    const v = arg.value;
    return typeof v === "string" ? v : toByteString(v);
  }
  if (arg.kind === "int") return String(arg.value);
  return "";
}

/**
 * The nodes of a client and the routing of its commands. See
 * {@linkcode CacheMirClient} for the behaviour; this class implements it.
 */
export class Cluster {
  #nodes = new Map<string, NodeState>();
  /** The node when there is exactly one: no hashing needed. */
  #only: NodeState | undefined;
  #locator: NodeLocator;
  #remap: boolean;
  #replicas: number;
  #retry: RetryPolicy;
  #nodeOptions: NodeOptions;
  #drainMs: number;
  /** Member nodes that are down now. */
  #down = 0;
  #failoverTtlMs: number;
  #failoverKeyMemory: number;
  /** By node address: what was written elsewhere while it was down. */
  #failedOver = new Map<string, FailedOver>();
  #emit: (event: Event) => void;
  #closing: Promise<void> | undefined;
  #sleeps = new Map<ReturnType<typeof setTimeout>, () => void>();
  #removing = new Set<Promise<void>>();
  #isUp = (address: string): boolean => this.#nodes.get(address)?.up === true;
  /** A new, empty locator of the client's kind (for a warm-up's old ring). */
  #newLocator: () => NodeLocator;
  /** Nodes added with `warmUpMs` that are still warming up. */
  #warmUps = new WarmUps();
  // Discovery
  #dns: DnsNodes[] = [];
  #resolver: Resolver | undefined;
  #discoveryMs: number;
  #discovered = new Set<string>();
  #discovering: Promise<void> | undefined;
  #discoveryTimer: ReturnType<typeof setTimeout> | undefined;
  #discoveryError: Error | undefined;

  /**
   * @param options The client's options.
   * @param emit Dispatches an event on the client.
   * @param connect Opens the nodes' connections (the near cache's turns
   * tracking on); `ClientConnection.connect` when absent.
   */
  constructor(
    options: CacheMirClientOptions,
    emit: (event: Event) => void,
    connect?: Connector,
  ) {
    this.#emit = emit;
    const specs: readonly NodeSpec[] = typeof options.nodes === "string"
      ? [options.nodes]
      : options.nodes;
    if (!Array.isArray(specs) || specs.length === 0) {
      throw new TypeError("Cannot create a CacheMirClient: no nodes given");
    }
    checkTlsOptions(options.tls);
    const connectTimeoutMs = positiveMs(
      "connectTimeoutMs",
      options.connectTimeoutMs,
      DEFAULT_CONNECT_TIMEOUT_MS,
    );
    const commandTimeoutMs = positiveMs(
      "commandTimeoutMs",
      options.commandTimeoutMs,
      DEFAULT_COMMAND_TIMEOUT_MS,
    );
    this.#drainMs = commandTimeoutMs;
    // A node's callbacks speak only while it is a member: not once removed.
    const member = (node: NodeState): boolean =>
      this.#nodes.get(node.address) === node;
    this.#nodeOptions = {
      ...(connect === undefined ? {} : { connect }),
      connection: {
        connectTimeoutMs,
        commandTimeoutMs,
        hello: options.hello ?? true,
        maxReplyBytes: options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
        ...(options.password === undefined
          ? {}
          : { password: options.password }),
        ...(options.tls === undefined ? {} : { tls: options.tls }),
      },
      maxConnections: positiveInteger(
        "maxConnections",
        options.maxConnections,
        DEFAULT_MAX_CONNECTIONS,
      ),
      maxInFlight: positiveInteger(
        "maxInFlight",
        options.maxInFlight,
        DEFAULT_MAX_IN_FLIGHT,
      ),
      acquireTimeoutMs: positiveMs(
        "acquireTimeoutMs",
        options.acquireTimeoutMs,
        DEFAULT_ACQUIRE_TIMEOUT_MS,
      ),
      failureThreshold: positiveInteger(
        "failureThreshold",
        options.failureThreshold,
        DEFAULT_FAILURE_THRESHOLD,
      ),
      healthCheckIntervalMs: positiveMs(
        "healthCheckIntervalMs",
        options.healthCheckIntervalMs,
        DEFAULT_HEALTH_CHECK_INTERVAL_MS,
      ),
      onDown: (node, error) => {
        if (member(node)) {
          this.#down++;
          this.#emit(new NodeEvent("nodeDown", node.address, error));
        }
      },
      onUp: (node) => {
        if (member(node)) {
          this.#down--;
          this.#emit(new NodeEvent("nodeUp", node.address));
        }
      },
      readmit: (node, restarted) => this.#readmit(node, restarted),
      readmitPending: (node) => this.#failedOver.has(node.address),
      onError: (node, error) => {
        if (member(node)) this.#emit(new ClientErrorEvent(error, node.address));
      },
    };
    this.#retry = retryPolicy(options.retry);
    this.#failoverTtlMs = positiveMs(
      "failoverTtlMs",
      options.failoverTtlMs,
      60_000,
    );
    this.#failoverKeyMemory = positiveInteger(
      "failoverKeyMemory",
      options.failoverKeyMemory,
      100_000,
    );
    this.#replicas = positiveInteger("replicas", options.replicas, 1, 16);
    const onNodeDown = options.onNodeDown ?? "remap";
    if (onNodeDown !== "remap" && onNodeDown !== "fail") {
      throw new TypeError(
        `Invalid onNodeDown: ${
          JSON.stringify(onNodeDown)
        } (must be "remap" or "fail")`,
      );
    }
    this.#remap = onNodeDown === "remap";
    const hashing = options.hashing ?? "ring";
    if (hashing === "ring") {
      this.#newLocator = () =>
        new HashRing({
          pointsPerNode: options.pointsPerNode,
          probes: options.probes,
        });
      this.#locator = this.#newLocator();
    } else if (hashing === "jump") {
      this.#newLocator = () => new JumpHash();
      this.#locator = this.#newLocator();
    } else {
      throw new TypeError(
        `Invalid hashing: ${
          JSON.stringify(hashing)
        } (must be "ring" or "jump")`,
      );
    }
    this.#discoveryMs = positiveMs(
      "discoveryIntervalMs",
      options.discoveryIntervalMs,
      DEFAULT_DISCOVERY_INTERVAL_MS,
    );
    for (const spec of specs) {
      const address = typeof spec === "string" ? spec : spec?.address;
      if (typeof address !== "string") {
        throw new TypeError(
          `Invalid node spec ${
            JSON.stringify(spec)
          }: expected "host:port", "dns:name:port" or { address, weight }`,
        );
      }
      const dns = parseDnsNodes(address);
      if (dns !== undefined) {
        this.#dns.push(dns);
        continue;
      }
      this.#add(
        address,
        typeof spec === "string" ? undefined : spec.weight,
        false,
      );
    }
    if (this.#dns.length > 0) {
      this.#resolver = options.resolver;
      this.#discovering = this.#discover();
    }
  }

  // ------------------------------------------------------------ membership

  /**
   * Where a read of `key` goes now: its owner, or where failover sends it;
   * "" when no node serves it.
   *
   * @param key The key.
   * @returns The node's address.
   */
  readTarget(key: Key): string {
    const node = this.#target(GET_INFO, key);
    return node instanceof Error ? "" : node.address;
  }

  /** How many copies of each key are kept (`replicas`). */
  get replicas(): number {
    return this.#replicas;
  }

  /**
   * One round trip on every open connection to every node (see
   * `Pool.roundTrip`).
   *
   * @returns Settles when every round trip has.
   */
  async roundTrips(): Promise<void> {
    await Promise.all([...this.#nodes.values()].map((n) => n.pool.roundTrip()));
  }

  /**
   * Adds a node, or changes the weight of one already present.
   *
   * @param address `host:port`.
   * @param weight Its weight; 1 for a new node, unchanged for a present one.
   * @param announce Dispatch `nodeAdded`.
   * @returns The node's normalized address.
   */
  #add(address: string, weight: number | undefined, announce: boolean): string {
    const normalized = formatAddress(parseAddress(address));
    const present = this.#nodes.get(normalized);
    if (present !== undefined) {
      if (weight !== undefined && weight !== present.weight) {
        this.#locator.add(normalized, weight);
        present.weight = weight;
      }
      return normalized;
    }
    this.#locator.add(normalized, weight ?? 1); // validates the weight
    this.#nodes.set(
      normalized,
      new NodeState(normalized, { ...this.#nodeOptions, weight: weight ?? 1 }),
    );
    this.#onMembership();
    if (announce) this.#emit(new NodeEvent("nodeAdded", normalized));
    return normalized;
  }

  #onMembership(): void {
    this.#only = this.#nodes.size === 1
      ? this.#nodes.values().next().value
      : undefined;
    let down = 0;
    for (const node of this.#nodes.values()) if (!node.up) down++;
    this.#down = down;
    for (const address of this.#failedOver.keys()) {
      if (!this.#nodes.has(address)) this.#failedOver.delete(address);
    }
  }

  // ------------------------------------------------------------- failover

  /**
   * A write about to go to `targets` while some node is down: when the key's
   * own node(s) are down, remembers the key for their return and returns the
   * stand-ins among `targets` (their copies get the TTL cap once the write
   * succeeded), else `undefined`.
   */
  #failoverWrite(
    key: Key,
    targets: readonly NodeState[],
  ): NodeState[] | undefined {
    const home = this.#locator.successors(key, this.#replicas);
    let standIns: NodeState[] | undefined;
    for (const node of targets) {
      if (!home.includes(node.address)) (standIns ??= []).push(node);
    }
    if (standIns === undefined) return undefined;
    for (const address of home) {
      const node = this.#nodes.get(address);
      if (node === undefined || node.up) continue;
      const record = this.#remember(address, key);
      if (record === undefined) continue;
      for (const standIn of standIns) {
        let keys = record.standIns.get(standIn.address);
        if (keys === undefined) {
          keys = [];
          record.standIns.set(standIn.address, keys);
        }
        keys.push(key);
      }
    }
    return standIns;
  }

  /**
   * Remembers a key to delete from a node before it is used again; past
   * `failoverKeyMemory` keys, that the node must be flushed instead.
   *
   * @returns The node's record, or `undefined` when it overflowed.
   */
  #remember(address: string, key: Key): FailedOver | undefined {
    let record = this.#failedOver.get(address);
    if (record === undefined) {
      record = { keys: [], standIns: new Map(), overflow: false };
      this.#failedOver.set(address, record);
    }
    if (record.overflow) return undefined;
    if (record.keys.length >= this.#failoverKeyMemory) {
      overflow(record);
      return undefined;
    }
    record.keys.push(key);
    return record;
  }

  /**
   * A replicated write that reached some copies and failed on the network
   * on others: those may still hold the old value (or the new one: a
   * timeout does not say). Each is taken down and the keys remembered, so
   * that nothing reads it again before the keys were deleted from it.
   */
  #missedWrite(
    failed: readonly [NodeState, Error][],
    keys: readonly Key[],
  ): void {
    for (const [node, error] of failed) {
      for (const key of keys) this.#remember(node.address, key);
      node.markDown(error);
    }
  }

  /** Caps the TTL of a key's copies on stand-ins (PEXPIRE ... LT). */
  #capTtl(key: Key, standIns: readonly NodeState[]): void {
    const ttl = String(this.#failoverTtlMs);
    for (const node of standIns) {
      node.send(OPCODE_PEXPIRE, [key, ttl, "LT"], asReply).catch((e) =>
        this.#emit(new ClientErrorEvent(e as Error, node.address))
      );
    }
  }

  /**
   * Before a node that was down is used again: unless it restarted (empty),
   * deletes from it the keys this client wrote elsewhere meanwhile, and
   * their copies from the stand-ins; past `failoverKeyMemory` keys, flushes
   * it. Rejects (the node stays down) when that fails.
   *
   * The record is detached first: writes sent elsewhere while this runs
   * start a new one, which `readmitPending` reports, so the node is not
   * used again before a next round cleaned them.
   */
  async #readmit(node: NodeState, restarted: boolean): Promise<void> {
    const record = this.#failedOver.get(node.address);
    if (record === undefined) return;
    this.#failedOver.delete(node.address);
    try {
      await this.#cleanUp(node, record, restarted);
    } catch (e) {
      this.#reattach(node.address, record);
      throw e;
    }
  }

  /** Puts back a detached record whose cleanup failed, merged with any new one. */
  #reattach(address: string, record: FailedOver): void {
    const now = this.#failedOver.get(address);
    if (now !== undefined) {
      if (
        record.overflow || now.overflow ||
        record.keys.length + now.keys.length > this.#failoverKeyMemory
      ) {
        overflow(record);
      } else {
        record.keys.push(...now.keys);
        for (const [standIn, keys] of now.standIns) {
          const mine = record.standIns.get(standIn);
          if (mine === undefined) record.standIns.set(standIn, keys);
          else mine.push(...keys);
        }
      }
    }
    if (this.#nodes.has(address)) this.#failedOver.set(address, record);
  }

  /** The work of {@linkcode #readmit} for one record. */
  async #cleanUp(
    node: NodeState,
    record: FailedOver,
    restarted: boolean,
  ): Promise<void> {
    if (!restarted) {
      if (record.overflow) {
        this.#emit(
          new ClientErrorEvent(
            new ConnectionError(
              node.address,
              `Flushing ${node.address} before using it again: more than ${this.#failoverKeyMemory} keys (failoverKeyMemory) were written elsewhere while it was down`,
            ),
            node.address,
          ),
        );
        await this.#onFreshConnection(
          node,
          (conn) => conn.send(OPCODE_FLUSHALL, [], asReply).then(() => {}),
        );
      } else {
        await this.#deleteKeys(node, record.keys);
      }
    }
    for (const [address, keys] of record.standIns) {
      const standIn = this.#nodes.get(address);
      if (standIn !== undefined && standIn.up) {
        await this.#deleteKeys(standIn, keys);
      }
    }
  }

  /** DEL of `keys` on a node, in batches, over a connection of its own. */
  #deleteKeys(node: NodeState, keys: readonly Key[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    return this.#onFreshConnection(node, async (conn) => {
      for (let i = 0; i < keys.length; i += CLEANUP_BATCH) {
        await conn.send(
          OPCODE_DEL,
          keys.slice(i, i + CLEANUP_BATCH),
          asReply,
        );
      }
    });
  }

  /** Runs `work` on a new connection to the node (it may be down for routing). */
  async #onFreshConnection(
    node: NodeState,
    work: (conn: ClientConnection) => Promise<void>,
  ): Promise<void> {
    const conn = await ClientConnection.connect(
      node.target,
      this.#nodeOptions.connection,
    );
    try {
      await work(conn);
    } finally {
      await conn.close();
    }
  }

  /**
   * Adds a node at run time (see {@linkcode CacheMirClient.addNode}).
   *
   * @param address `host:port`.
   * @param weight Its weight.
   * @param warmUpMs How long a read that misses on the new node is tried on
   *   the key's previous owner (0: not at all; ignored for a node present).
   * @returns The normalized address.
   */
  addNode(address: string, weight?: number, warmUpMs = 0): string {
    if (this.#closing !== undefined) {
      throw new ConnectionError(
        address,
        `Cannot add node ${address}: the client is closed`,
      );
    }
    if (!(Number.isFinite(warmUpMs) && warmUpMs >= 0)) {
      throw new RangeError(
        `Invalid warmUpMs: ${warmUpMs} (must be a finite number >= 0)`,
      );
    }
    const fresh = warmUpMs > 0 && this.#nodes.size > 0 &&
      !this.#nodes.has(formatAddress(parseAddress(address)));
    let previous: NodeLocator | undefined;
    if (fresh) {
      previous = this.#newLocator();
      for (const node of this.#nodes.values()) {
        previous.add(node.address, node.weight);
      }
    }
    const normalized = this.#add(address, weight, true);
    if (previous !== undefined) {
      this.#warmUps.start(normalized, warmUpMs, previous);
    }
    return normalized;
  }

  /**
   * Removes a node at run time (see {@linkcode CacheMirClient.removeNode}).
   *
   * @param address `host:port`.
   * @returns Whether it was present.
   */
  removeNode(address: string): boolean {
    const normalized = formatAddress(parseAddress(address));
    const node = this.#nodes.get(normalized);
    if (node === undefined) return false;
    this.#nodes.delete(normalized);
    this.#locator.remove(normalized);
    this.#warmUps.end(normalized);
    this.#discovered.delete(normalized);
    this.#onMembership();
    const closing = node.close(this.#drainMs).catch(() => {});
    this.#removing.add(closing);
    closing.then(() => this.#removing.delete(closing));
    this.#emit(new NodeEvent("nodeRemoved", normalized));
    return true;
  }

  /**
   * The node that owns a key.
   *
   * @param key The key.
   * @returns Its address.
   */
  nodeFor(key: Key): string {
    return this.#locator.nodeFor(key);
  }

  /**
   * The nodes' addresses, in the order they were added.
   *
   * @returns A new array.
   */
  nodes(): string[] {
    return [...this.#nodes.keys()];
  }

  /**
   * Every node's counters.
   *
   * @returns One entry per node, in the order they were added.
   */
  stats(): ClientNodeStats[] {
    return [...this.#nodes.values()].map((n) => n.stats());
  }

  // ------------------------------------------------------------- discovery

  async #discover(): Promise<void> {
    const results = await Promise.allSettled(
      this.#dns.map((d) => resolveNodes(d, this.#resolver)),
    );
    if (this.#closing !== undefined) return;
    const found = new Set<string>();
    let failed = false;
    for (const result of results) {
      if (result.status === "fulfilled") {
        for (const a of result.value) found.add(a);
      } else {
        failed = true;
        this.#discoveryError = result.reason as Error;
        this.#emit(new ClientErrorEvent(result.reason as Error));
      }
    }
    if (!failed) {
      this.#discoveryError = undefined;
      // Only a complete answer removes nodes: a failed lookup keeps them.
      for (const address of [...this.#discovered]) {
        if (!found.has(address)) this.removeNode(address);
      }
    }
    for (const address of [...found].sort()) {
      if (this.#nodes.has(address)) continue;
      try {
        this.#discovered.add(this.#add(address, undefined, true));
      } catch (e) {
        // A resolver answer that is no address: report it, keep going.
        this.#emit(new ClientErrorEvent(e as Error, address));
      }
    }
    this.#discoveryTimer = setTimeout(() => {
      this.#discoveryTimer = undefined;
      this.#discovering = this.#discover();
    }, this.#discoveryMs);
    unrefTimer(this.#discoveryTimer);
  }

  /**
   * Looks the DNS names up now (as the timer does every
   * `discoveryIntervalMs`), and waits for the answer.
   *
   * @returns Settles once the nodes are updated.
   */
  async refresh(): Promise<void> {
    if (this.#dns.length === 0 || this.#closing !== undefined) return;
    await this.#discovering;
    if (this.#discoveryTimer !== undefined) {
      clearTimeout(this.#discoveryTimer);
      this.#discoveryTimer = undefined;
    }
    if (this.#closing !== undefined) return;
    this.#discovering = this.#discover();
    await this.#discovering;
  }

  // --------------------------------------------------------------- sending

  /**
   * Sends a command to the node(s) its keys map to (see
   * {@linkcode CacheMirClient} for the rules).
   *
   * @param info The command's row in the command table.
   * @param args Its arguments.
   * @param transform Turns the (joined) reply into the resolved value.
   * @returns The transformed reply.
   */
  send<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    if (this.#closing !== undefined) {
      return Promise.reject(
        new ConnectionError(
          this.#anyAddress(),
          `Cannot send ${info.name}: the client is closed`,
        ),
      );
    }
    if (this.#nodes.size === 0) return this.#whenNodes(info, args, transform);
    if (this.#warmUps.active()) {
      const warm = this.#warmSend(info, args, transform);
      if (warm !== undefined) return warm;
    }
    return this.#route(info, args, transform);
  }

  /** {@linkcode Cluster.send} past its checks: by keys, or by route. */
  #route<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const keys = info.keys;
    if (keys.first === 1 && keys.last === 1) {
      if (args.length === 0) return this.#anyNode(info, args, transform);
      return this.#keyed(info, args, args[0], transform);
    }
    if (keys.first === 0) return this.#keyless(info, args, transform);
    return this.#multiKey(info, args, transform);
  }

  // -------------------------------------------------------------- warm-up

  /**
   * A command while some node warms up (see {@linkcode CacheMirClient.addNode}):
   * a GET or MGET whose key misses on a warming owner is tried on the key's
   * previous owner, and a hit there is copied to the owner with its TTL; a
   * write of such a key also deletes it on the previous owner, and resolves
   * once both are done. FLUSHALL and FLUSHDB end every warm-up.
   *
   * @returns `undefined` when the command touches no warming node's key: it
   *   goes the usual way.
   */
  #warmSend<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> | undefined {
    if (info.opcode === OPCODE_GET) {
      if (args.length !== 1) return undefined;
      const key = args[0];
      const previous = this.#previousOwner(key);
      if (previous === undefined) return undefined;
      const writes = this.#warmUps.writesOf(key);
      // A hit keeps the transform's fast path; a miss comes back as MISS.
      const orMiss = ((reply: Reply) =>
        reply.kind === "null" ? MISS : transform(reply)) as ReplyTransform<
          T | typeof MISS
        >;
      const withFast = transform.fromBytes === undefined
        ? orMiss
        : Object.assign(orMiss, { fromBytes: transform.fromBytes });
      return this.#route(info, args, withFast).then(async (value) => {
        if (value !== MISS) {
          return value as T;
        }
        const found = await this.#fromPrevious(key, previous, writes);
        return transform(found ?? NULL);
      });
    }
    if (info.name === "MGET") {
      const keys = this.#keysOf(info, args);
      const moved = keys.map((key) => this.#previousOwner(key));
      if (moved.every((p) => p === undefined)) return undefined;
      const writes = keys.map((key) => this.#warmUps.writesOf(key));
      return this.#route(info, args, asReply).then(async (reply) => {
        if (reply.kind !== "array") return transform(reply);
        const values = [...reply.value];
        await Promise.all(values.map(async (value, i) => {
          const previous = moved[i];
          if (value.kind !== "null" || previous === undefined) return;
          const found = await this.#fromPrevious(keys[i], previous, writes[i]);
          if (found !== undefined) values[i] = found;
        }));
        return transform(array(values));
      });
    }
    if (!hasFlag(info, "write")) return undefined;
    if (info.keys.first === 0) {
      if (info.name === "FLUSHALL" || info.name === "FLUSHDB") {
        this.#warmUps.endAll();
      }
      return undefined;
    }
    const byPrevious = new Map<string, Key[]>();
    for (const key of this.#keysOf(info, args)) {
      const previous = this.#previousOwner(key);
      if (previous === undefined) continue;
      this.#warmUps.wrote(key);
      const keys = byPrevious.get(previous);
      if (keys === undefined) byPrevious.set(previous, [key]);
      else keys.push(key);
    }
    if (byPrevious.size === 0) return undefined;
    const deletes = [...byPrevious].map(([address, keys]) =>
      this.#nodes.get(address)!.send(OPCODE_DEL, keys, asReply).then(
        () => {},
        (e) => {
          // Not deleted there: never read these keys from there again.
          for (const key of keys) this.#warmUps.forget(key);
          this.#emit(new ClientErrorEvent(e as Error, address));
        },
      )
    );
    const sent = this.#route(info, args, transform);
    return Promise.all([sent, ...deletes]).then(() => sent);
  }

  /** The key's previous owner, when its owner is warming up and it is another node still present. */
  #previousOwner(key: Key): string | undefined {
    const owner = this.#locator.nodeFor(key);
    if (!this.#warmUps.isWarming(owner)) return undefined;
    const previous = this.#warmUps.previousOwner(key, owner);
    return previous !== undefined && this.#nodes.has(previous)
      ? previous
      : undefined;
  }

  /**
   * A key's value on its previous owner (GET and PTTL at once), copied to
   * its owner with the time it has left (SET ... PX ... NX: never over a
   * newer value). Nothing when the key is not there, expires now, or was
   * written by this client since the read began (`writes`).
   */
  async #fromPrevious(
    key: Key,
    address: string,
    writes: number,
  ): Promise<Reply | undefined> {
    const node = this.#nodes.get(address);
    if (node === undefined || !node.up) return undefined;
    try {
      const [value, ttl] = await Promise.all([
        node.send(OPCODE_GET, [key], asReply),
        node.send(OPCODE_PTTL, [key], asReply),
      ]);
      if (value.kind !== "bytes" || ttl.kind !== "int") return undefined;
      const ms = Number(ttl.value);
      if (ms === -2 || ms === 0) return undefined;
      if (this.#warmUps.writesOf(key) !== writes) return undefined;
      const owner = this.#nodes.get(this.#locator.nodeFor(key));
      if (owner !== undefined && owner.up && owner.address !== address) {
        const copy: Arg[] = ms > 0
          ? [key, value.value, "PX", String(ms), "NX"]
          : [key, value.value, "NX"];
        await owner.send(OPCODE_SET, copy, asReply).catch((e) =>
          this.#emit(new ClientErrorEvent(e as Error, owner.address))
        );
      }
      return value;
    } catch (e) {
      this.#emit(new ClientErrorEvent(e as Error, address));
      return undefined;
    }
  }

  #anyAddress(): string {
    for (const address of this.#nodes.keys()) return address;
    return "";
  }

  /** No nodes yet: wait for the first discovery, or fail. */
  #whenNodes<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const fail = (): Promise<T> =>
      Promise.reject(
        new ConnectionError(
          "",
          `Cannot send ${info.name}: the client has no nodes${
            this.#discoveryError === undefined
              ? ""
              : ` (${this.#discoveryError.message})`
          }`,
          { cause: this.#discoveryError },
        ),
      );
    const discovering = this.#discovering;
    if (discovering === undefined) return fail();
    // Bounded like a connect: a lookup that never answers fails the command.
    const waitMs = this.#nodeOptions.connection.connectTimeoutMs!;
    return withTimeout(discovering, waitMs).then((done) => {
      if (done === TIMED_OUT && this.#nodes.size === 0) {
        return Promise.reject(
          new TimeoutError(
            this.#dns.map((d) => `dns:${d.hostname}:${d.port}`).join(", "),
            "discover",
            waitMs,
          ),
        );
      }
      return this.#nodes.size === 0 || this.#closing !== undefined
        ? fail()
        : this.send(info, args, transform);
    });
  }

  /**
   * A command on one key, with retries. Off the replicated-write path the
   * node settles the caller's promise through callbacks: a retry costs
   * nothing until a command fails.
   */
  #keyed<T>(
    info: CommandInfo,
    args: readonly Arg[],
    key: Key,
    transform: ReplyTransform<T>,
  ): Promise<T> {
    if (this.#replicas > 1 && hasFlag(info, "write")) {
      return this.#withRetries(
        info,
        () => this.#replicatedWrite(info, args, key, transform),
      );
    }
    const { promise, resolve, reject } = deferred<T>();
    const fail = this.#retry.attempts === 1 ? reject : (error: Error): void => {
      this.#retrying(
        info,
        error,
        () => this.#keyedOnce(info, args, key, transform),
      ).then(resolve, reject);
    };
    const node = this.#target(info, key);
    if (node instanceof Error) {
      fail(node);
    } else if (this.#replicas > 1) {
      // A read that fails on the network goes to the key's next copy at
      // once, before any retry of the same copy: its node may have died
      // before the client could mark it down.
      let tried: string[] | undefined;
      const nextCopy = (error: Error): void => {
        if (!isNetworkError(error)) return fail(error);
        tried ??= [node.address];
        const next = this.#otherCopy(key, tried);
        if (next === undefined) return fail(error);
        tried.push(next.address);
        next.sendWith(info.opcode, args, transform, resolve, nextCopy);
      };
      node.sendWith(info.opcode, args, transform, resolve, nextCopy);
    } else {
      const standIns = this.#down > 0 && hasFlag(info, "write")
        ? this.#failoverWrite(key, [node])
        : undefined;
      const done = standIns === undefined ? resolve : (value: T): void => {
        this.#capTtl(key, standIns);
        resolve(value);
      };
      node.sendWith(info.opcode, args, transform, done, fail);
    }
    return promise;
  }

  /** A copy of the key on a node that is up and not among `tried`. */
  #otherCopy(key: Key, tried: readonly string[]): NodeState | undefined {
    for (const address of this.#locator.successors(key, this.#replicas)) {
      const node = this.#nodes.get(address)!;
      if (node.up && !tried.includes(address)) return node;
    }
    return undefined;
  }

  /** One attempt of a keyed command (not a replicated write), routed now. */
  #keyedOnce<T>(
    info: CommandInfo,
    args: readonly Arg[],
    key: Key,
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const node = this.#target(info, key);
    if (node instanceof Error) return Promise.reject(node);
    const standIns = this.#down > 0 && hasFlag(info, "write")
      ? this.#failoverWrite(key, [node])
      : undefined;
    const sent = node.send(info.opcode, args, transform);
    if (standIns === undefined) return sent;
    return sent.then((value) => {
      this.#capTtl(key, standIns);
      return value;
    });
  }

  /** One attempt of a write to the key's replicas, routed now. */
  #replicatedWrite<T>(
    info: CommandInfo,
    args: readonly Arg[],
    key: Key,
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const targets = this.#writeTargets(info, key);
    if (targets instanceof Error) return Promise.reject(targets);
    const standIns = this.#down > 0
      ? this.#failoverWrite(key, targets)
      : undefined;
    const sent = this.#sendAll(targets, info, args, transform);
    if (standIns === undefined) return sent;
    return sent.then((value) => {
      this.#capTtl(key, standIns);
      return value;
    });
  }

  /** The node that serves a key now: its owner, or where failover sends it. */
  #target(info: CommandInfo, key: Key): NodeState | NodeDownError {
    const only = this.#only;
    if (only !== undefined && only.up) return only; // no hashing needed
    const owner = this.#nodes.get(this.#locator.nodeFor(key))!;
    if (owner.up) return owner;
    if (this.#remap) {
      const found = this.#locator.find(key, this.#isUp);
      return found === undefined
        ? this.#allDown(info, owner)
        : this.#nodes.get(found)!;
    }
    if (this.#replicas > 1) {
      // Reads may come from any replica: they hold the same data.
      for (const address of this.#locator.successors(key, this.#replicas)) {
        const node = this.#nodes.get(address)!;
        if (node.up) return node;
      }
    }
    return new NodeDownError(
      owner.address,
      `Cannot send ${info.name}: node ${owner.address}, which owns the key, is down (onNodeDown is "fail")`,
    );
  }

  /** Where a write goes with replicas: the key's first `replicas` nodes that are up. */
  #writeTargets(info: CommandInfo, key: Key): NodeState[] | NodeDownError {
    const set = this.#locator.successors(key, this.#replicas);
    const out: NodeState[] = [];
    for (const address of set) {
      const node = this.#nodes.get(address)!;
      if (node.up) out.push(node);
    }
    if (out.length === set.length) return out;
    if (this.#remap) {
      out.length = 0;
      for (const address of this.#locator.successors(key, this.#nodes.size)) {
        const node = this.#nodes.get(address)!;
        if (node.up && out.push(node) === this.#replicas) break;
      }
    }
    if (out.length > 0) return out;
    const owner = this.#nodes.get(set[0])!;
    return this.#remap ? this.#allDown(info, owner) : new NodeDownError(
      owner.address,
      `Cannot send ${info.name}: every replica of the key (${
        set.join(", ")
      }) is down (onNodeDown is "fail")`,
    );
  }

  #allDown(info: CommandInfo, owner: NodeState): NodeDownError {
    return new NodeDownError(
      owner.address,
      `Cannot send ${info.name}: every node is down (${this.#nodes.size} ${
        this.#nodes.size === 1 ? "node" : "nodes"
      })`,
    );
  }

  /**
   * A write to every replica at once. Resolves with the first replica's
   * reply; when it failed on the network, with the next one that answered.
   * Waits for every replica, so that a resolved write is on all of them.
   */
  #sendAll<T>(
    targets: readonly NodeState[],
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    if (targets.length === 1) {
      return targets[0].send(info.opcode, args, transform);
    }
    return Promise.allSettled(
      targets.map((n) => n.send(info.opcode, args, transform)),
    ).then((results) => {
      const first = results[0];
      if (first.status === "rejected" && !isNetworkError(first.reason)) {
        throw first.reason;
      }
      const answered = first.status === "fulfilled"
        ? first
        : results.find((r) => r.status === "fulfilled");
      if (answered === undefined) throw (first as PromiseRejectedResult).reason;
      if (hasFlag(info, "write")) {
        this.#repairCopies(targets, results, info, args);
      }
      return (answered as PromiseFulfilledResult<T>).value;
    });
  }

  /**
   * After a replicated write that some copy took: the copies that failed
   * are mended. One that missed it on the network is taken down with the
   * keys remembered ({@linkcode #missedWrite}); one that refused it (OOM,
   * say) gets a DEL of the keys, so that reads of it miss rather than see
   * the old value.
   */
  #repairCopies(
    targets: readonly NodeState[],
    results: readonly PromiseSettledResult<unknown>[],
    info: CommandInfo,
    args: readonly Arg[],
  ): void {
    let keys: Key[] | undefined;
    let missed: [NodeState, Error][] | undefined;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r.status === "fulfilled") continue;
      keys ??= this.#keysOf(info, args);
      if (isNetworkError(r.reason)) {
        (missed ??= []).push([targets[i], r.reason]);
        continue;
      }
      const node = targets[i];
      node.send(OPCODE_DEL, keys, asReply).catch((e) =>
        this.#emit(new ClientErrorEvent(e as Error, node.address))
      );
    }
    if (missed !== undefined) this.#missedWrite(missed, keys!);
  }

  /** The keys a command names. */
  #keysOf(info: CommandInfo, args: readonly Arg[]): Key[] {
    return this.#positions(info, args).map((at) => args[at] as Key);
  }

  /** `run()`, and again while the retry policy allows after it fails. */
  #withRetries<T>(info: CommandInfo, run: () => Promise<T>): Promise<T> {
    const sent = run();
    if (this.#retry.attempts === 1) return sent;
    return sent.catch((error) => this.#retrying(info, error, run));
  }

  /**
   * Sends again after `error` while the policy allows: `run` re-routes, so a
   * retry goes where the key lives now. Rejects with the last error.
   */
  async #retrying<T>(
    info: CommandInfo,
    error: unknown,
    run: () => Promise<T>,
  ): Promise<T> {
    const tally: Tally = { spent: 0, free: 0 };
    for (;;) {
      await this.#backoff(info, error, tally);
      try {
        return await run();
      } catch (e) {
        error = e;
      }
    }
  }

  /**
   * Whether a command failed only because its node was taken down while it
   * waited or was in flight: its retry does not count as an attempt (at
   * most once per node), so that the node's own ejection does not use up
   * the retries of the commands it strands.
   */
  #lostToDown(error: unknown): boolean {
    if (this.#retry.attempts === 1) return false; // retries are off
    return error instanceof NodeDownError
      ? wasNotSent(error)
      : error instanceof ConnectionError &&
        error.cause instanceof NodeDownError;
  }

  /**
   * Counts the attempt that failed with `error` in `tally`, then waits before
   * the next one, or rejects with `error` when there is none.
   */
  #backoff(info: CommandInfo, error: unknown, tally: Tally): Promise<void> {
    if (this.#lostToDown(error) && tally.free < this.#nodes.size) tally.free++;
    else tally.spent++;
    if (
      tally.spent >= this.#retry.attempts || this.#closing !== undefined ||
      !this.#mayRetry(info, error)
    ) {
      return Promise.reject(error);
    }
    this.#nodes.get((error as ConnectionError).address)?.countRetry();
    return this.#sleep(backoffDelay(tally.spent, this.#retry)).then(() => {
      if (this.#closing !== undefined) throw error;
    });
  }

  #mayRetry(info: CommandInfo, error: unknown): boolean {
    if (error instanceof NodeDownError) {
      // Refused by routing: fail fast. Queued on a node that went down:
      // never sent, so send it where the key lives now (remap only).
      return this.#remap && wasNotSent(error);
    }
    return canRetry(info, error);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleeps.delete(timer);
        resolve();
      }, ms);
      this.#sleeps.set(timer, resolve);
    });
  }

  /** Key positions, reading SINTERCARD's numkeys. */
  #positions(info: CommandInfo, args: readonly Arg[]): number[] {
    const countAt = info.keys.countAt;
    const count = countAt === undefined ? undefined : Number(
      text(args[countAt - 1] ?? ""),
    );
    return keyPositions(
      info,
      args.length,
      count !== undefined && Number.isInteger(count) ? count : 0,
    );
  }

  #multiKey<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const positions = this.#positions(info, args);
    if (positions.length === 0) return this.#anyNode(info, args, transform);
    if (positions.length === 1) {
      return this.#keyed(info, args, args[positions[0]], transform);
    }
    if (info.join === undefined) {
      const crossed = this.#crossSlot(info, args, positions);
      if (crossed !== undefined) return Promise.reject(crossed);
      return this.#keyed(info, args, args[positions[0]], transform);
    }
    return this.#split(info, args).then(transform);
  }

  /** Where a key is placed: its owner, or its replica set. */
  #placement(key: Key): string {
    return this.#replicas > 1
      ? this.#locator.successors(key, this.#replicas).join("+")
      : this.#locator.nodeFor(key);
  }

  /** A CrossSlotError when the keys are not all placed alike. */
  #crossSlot(
    info: CommandInfo,
    args: readonly Arg[],
    positions: readonly number[],
  ): CrossSlotError | undefined {
    const first = this.#placement(args[positions[0]]);
    let seen: string[] | undefined;
    for (let i = 1; i < positions.length; i++) {
      const placement = this.#placement(args[positions[i]]);
      if (placement === first) continue;
      seen ??= [first];
      if (!seen.includes(placement)) seen.push(placement);
    }
    return seen === undefined ? undefined : new CrossSlotError(info.name, seen);
  }

  /**
   * Groups a multi-key command's keys by the node(s) they go to now; a read
   * given `avoid` sends each key to a copy on another node where it has one.
   */
  #plan(
    info: CommandInfo,
    args: readonly Arg[],
    avoid?: readonly string[],
  ): Group[] | NodeDownError {
    const positions = this.#positions(info, args);
    const replicated = this.#replicas > 1 && hasFlag(info, "write");
    const groups = new Map<string, Group>();
    for (let i = 0; i < positions.length; i++) {
      const key = args[positions[i]];
      let targets: NodeState[];
      let id: string;
      if (replicated) {
        const t = this.#writeTargets(info, key);
        if (t instanceof Error) return t;
        targets = t;
        id = t.map((n) => n.address).join("+");
      } else {
        const node = (avoid && this.#otherCopy(key, avoid)) ??
          this.#target(info, key);
        if (node instanceof Error) return node;
        targets = [node];
        id = node.address;
      }
      let group = groups.get(id);
      if (group === undefined) {
        group = { targets, positions: [], indices: [] };
        groups.set(id, group);
      }
      group.positions.push(positions[i]);
      group.indices.push(i);
    }
    return [...groups.values()];
  }

  /**
   * A command whose keys may be split by node (MGET, MSET, DEL, EXISTS,
   * UNLINK): one part per node, in parallel, joined in the caller's order.
   * Each part is retried on its own, re-planned where its keys live then.
   *
   * @param planned Where a part goes on its first attempt (already planned
   * with the whole command).
   */
  async #split(
    info: CommandInfo,
    args: readonly Arg[],
    planned?: Group,
  ): Promise<Reply> {
    const tally: Tally = { spent: 0, free: 0 };
    let plan = planned === undefined ? this.#plan(info, args) : [planned];
    let avoid: string[] | undefined;
    for (;;) {
      if (plan instanceof Error) throw plan;
      if (plan.length > 1) return this.#splitParts(info, args, plan);
      try {
        const targets = plan[0].targets;
        if (this.#down === 0 || !hasFlag(info, "write")) {
          return await this.#sendAll(targets, info, args, asReply);
        }
        const caps: [Key, NodeState[]][] = [];
        for (const at of this.#positions(info, args)) {
          const standIns = this.#failoverWrite(args[at], targets);
          if (standIns !== undefined) caps.push([args[at], standIns]);
        }
        const reply = await this.#sendAll(targets, info, args, asReply);
        for (const [key, standIns] of caps) this.#capTtl(key, standIns);
        return reply;
      } catch (e) {
        if (
          this.#replicas > 1 && !hasFlag(info, "write") && isNetworkError(e) &&
          (avoid?.length ?? 0) < this.#replicas - 1
        ) {
          // A read: its keys' next copies, at once, as for one key.
          (avoid ??= []).push(plan[0].targets[0].address);
          plan = this.#plan(info, args, avoid);
          continue;
        }
        await this.#backoff(info, e, tally);
      }
      plan = this.#plan(info, args);
    }
  }

  /** Sends each group's keys as a command of its own and joins the replies. */
  async #splitParts(
    info: CommandInfo,
    args: readonly Arg[],
    plan: readonly Group[],
  ): Promise<Reply> {
    const step = info.keys.step;
    let keys = 0;
    for (const group of plan) keys += group.indices.length;
    const parts = await Promise.all(
      plan.map(async (group): Promise<PartReply> => {
        const part: Arg[] = [];
        for (const at of group.positions) {
          for (let j = 0; j < step; j++) part.push(args[at + j]);
        }
        return {
          indices: group.indices,
          reply: await this.#split(info, part, group),
        };
      }),
    );
    return joinParts(info.join!, parts, keys, info.name);
  }

  // -------------------------------------------------------------- keyless

  /**
   * A command without keys, routed by its row's policy (see
   * {@linkcode RoutePolicy}); a row without one (CALL) goes to the first
   * node that is up.
   */
  #keyless<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    const route = info.route ?? "first-up";
    if (route === "first-up") return this.#anyNode(info, args, transform);
    return this.#routes[route](info, args).then(transform);
  }

  /** How each policy but `first-up` reaches the nodes and joins their replies. */
  readonly #routes: Readonly<
    Record<
      Exclude<RoutePolicy, "first-up">,
      (info: CommandInfo, args: readonly Arg[]) => Promise<Reply>
    >
  > = {
    sum: (info, args) =>
      this.#fanOut(info, args, false).then((replies) =>
        joinParts("sum", replies.map(part), replies.length, info.name)
      ),
    concat: (info, args) => this.#fanOut(info, args, false).then(concatArrays),
    "all-succeed": (info, args) =>
      this.#fanOut(info, args, true).then((replies) =>
        joinParts("ok", replies.map(part), replies.length, info.name)
      ),
    walk: (info, args) => this.#scan(info, args),
    random: (info, args) => this.#randomKey(info, args),
    top: (info, args) =>
      this.#fanOut(info, args, false).then((replies) =>
        mergeTop(replies, args.length === 0 ? 10 : topCount(args[0]))
      ),
  };

  /** A command for any one node: the first that is up, in the order nodes were added. */
  #anyNode<T>(
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    return this.#withRetries(info, () => {
      for (const node of this.#nodes.values()) {
        if (node.up) return node.send(info.opcode, args, transform);
      }
      const first = this.#nodes.values().next().value;
      return Promise.reject(
        first === undefined
          ? new ConnectionError(
            "",
            `Cannot send ${info.name}: the client has no nodes`,
          )
          : this.#allDown(info, first),
      );
    });
  }

  /** Sends to one given node, retrying there. */
  #onNode<T>(
    node: NodeState,
    info: CommandInfo,
    args: readonly Arg[],
    transform: ReplyTransform<T>,
  ): Promise<T> {
    return this.#withRetries(
      info,
      () =>
        node.up && this.#nodes.get(node.address) === node
          ? node.send(info.opcode, args, transform)
          : Promise.reject(
            new NodeDownError(
              node.address,
              `Cannot send ${info.name} to ${node.address}: the node is down`,
            ),
          ),
    );
  }

  /**
   * Sends to every node that is up. With `all`, or with `onNodeDown:
   * "fail"`, a down node rejects the whole command instead of being skipped.
   */
  #fanOut(
    info: CommandInfo,
    args: readonly Arg[],
    all: boolean,
  ): Promise<Reply[]> {
    const nodes = [...this.#nodes.values()];
    const down = nodes.filter((n) => !n.up);
    if (
      down.length > 0 &&
      (down.length === nodes.length || all || !this.#remap)
    ) {
      return Promise.reject(
        new NodeDownError(
          down[0].address,
          `Cannot send ${info.name} to every node: ${
            down.map((n) => n.address).join(", ")
          } ${down.length === 1 ? "is" : "are"} down`,
        ),
      );
    }
    return Promise.all(
      nodes.filter((n) => n.up).map((n) =>
        this.#onNode(n, info, args, asReply)
      ),
    );
  }

  /**
   * SCAN over every node in turn, by address order. The cursor given to the
   * caller is `nodeCursor × 1024 + nodeIndex`: `0` starts at the first node,
   * a node's cursor `0` moves on to the next node, and `0` comes back after
   * the last. Down nodes are skipped (`"remap"`) or reject (`"fail"`). With
   * a single node, its cursors pass through unchanged.
   */
  async #scan(info: CommandInfo, args: readonly Arg[]): Promise<Reply> {
    if (this.#nodes.size === 1) {
      // One node: its own cursors, exactly as a single Redis gives them.
      const node = this.#nodes.values().next().value!;
      if (node.up || this.#remap) {
        return this.#onNode(node, info, args, asReply);
      }
    }
    const raw = text(args[0] ?? "");
    if (!/^[0-9]+$/.test(raw)) throw new ReplyError("ERR", "invalid cursor");
    const composite = BigInt(raw);
    const order = [...this.#nodes.keys()].sort();
    let index = Number(composite % SCAN_NODES);
    let cursor = composite / SCAN_NODES;
    const rest = args.slice(1);
    for (; index < order.length; index++, cursor = 0n) {
      const node = this.#nodes.get(order[index])!;
      if (!node.up) {
        if (this.#remap) continue;
        throw new NodeDownError(
          node.address,
          `Cannot send ${info.name} to ${node.address}: the node is down (onNodeDown is "fail")`,
        );
      }
      const reply = await this.#onNode(
        node,
        info,
        [String(cursor), ...rest],
        asReply,
      );
      if (reply.kind !== "array" || reply.value.length !== 2) return reply;
      const next = BigInt(text(reply.value[0]) || "0");
      const out = next !== 0n
        ? next * SCAN_NODES + BigInt(index)
        : index + 1 < order.length
        ? BigInt(index + 1)
        : 0n;
      return array([bytes(String(out)), reply.value[1]]);
    }
    return array([bytes("0"), array([])]);
  }

  /** RANDOMKEY from nodes in random order until one has a key. */
  async #randomKey(info: CommandInfo, args: readonly Arg[]): Promise<Reply> {
    const nodes = [...this.#nodes.values()].filter((n) => n.up);
    if (nodes.length === 0) {
      const first = this.#nodes.values().next().value!;
      throw this.#allDown(info, first);
    }
    for (let i = nodes.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [nodes[i], nodes[j]] = [nodes[j], nodes[i]];
    }
    for (const node of nodes) {
      const reply = await this.#onNode(node, info, args, asReply);
      if (reply.kind !== "null") return reply;
    }
    return NULL;
  }

  // ---------------------------------------------------------------- closing

  /** `true` once {@linkcode Cluster.close} was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Sends QUIT on every open connection.
   *
   * @returns Settles once every QUIT is answered or failed.
   */
  async quit(): Promise<void> {
    await Promise.all([...this.#nodes.values()].map((n) => n.pool.quit()));
  }

  /**
   * Closes every node, stops discovery and health checks, and wakes
   * commands waiting to retry (they reject); idempotent.
   *
   * @returns Settles once every connection has stopped.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#discoveryTimer !== undefined) {
        clearTimeout(this.#discoveryTimer);
        this.#discoveryTimer = undefined;
      }
      for (const [timer, wake] of this.#sleeps) {
        clearTimeout(timer);
        wake();
      }
      this.#sleeps.clear();
      await Promise.all([
        ...[...this.#nodes.values()].map((n) => n.close()),
        ...this.#removing,
      ]);
    })();
    return this.#closing;
  }
}

function part(reply: Reply): PartReply {
  return { indices: [], reply };
}
