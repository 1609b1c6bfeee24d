/**
 * A CacheMir node: one keyspace, its expiry cycle, and the listeners that
 * serve it. `server/main.ts` is the command-line wrapper around this class;
 * tests start nodes in-process with it.
 *
 * @module
 */

import { DEFAULT_CONFIG, type NodeConfig, SETTINGS } from "./settings.ts";
import { BinaryCodec, BinaryConnection } from "./binary_connection.ts";
import { RespConnection } from "./resp_connection.ts";
import type { Connection } from "./connection.ts";
import type {
  CommandContext,
  NodeInfo,
  NodeStats,
  RuntimeSettings,
  Session,
  ShutdownRequest,
} from "./commands/types.ts";
import { Keyspace, type KeyspaceObserver } from "./store/keyspace.ts";
import { TrackingTable } from "./tracking.ts";
import { ActiveExpiry } from "./store/expiry.ts";
import { FreedMemoryTrimmer, openMallocTrim } from "./malloc_trim.ts";
import type { MemoryLimit } from "./store/memory_limit.ts";
import { CommandTable } from "./commands/table.ts";
import { SlowLog } from "./commands/slowlog.ts";
import { logger } from "./log.ts";
import {
  describeBudget,
  gib,
  type MemoryBudget,
  memoryBudget,
  SYSTEM_MEMORY,
} from "./memory_budget.ts";
import v8 from "node:v8";
import {
  commandInfo,
  error,
  keyPositions,
  toByteString,
} from "@cachemir/protocol";
import { BlockingRegistry } from "./blocking.ts";
import { HttpEndpoints, type NodePhase } from "./http_endpoints.ts";
import { isWord } from "./_util/ascii.ts";
import { listenMutualTls } from "./_mutual_tls.ts";
import { InstantaneousRate } from "./instantaneous.ts";

/** The node's software version. */
export const VERSION = "0.1.0";

const log = logger("node");

/** How long a graceful shutdown waits for connections to finish. */

/** Longest pause before accepting again after `accept()` failed. */
const ACCEPT_RETRY_MAX_MS = 250;

/** How often the node samples `used_memory` for its peak (Redis's cron: 10 Hz). */
const MEMORY_SAMPLE_MS = 100;

/** How often idle connections are looked for when `timeout` is set. */
const IDLE_CHECK_MS = 250;

/** How long a connection over `maxclients` on the binary port may take to send its first frame. */
const REFUSE_WAIT_MS = 1_000;

/** Redis's reply to a connection over `maxclients`. */
const MAX_CLIENTS_TEXT = "ERR max number of clients reached";

/** CLIENT's opcode: CLIENT CACHING's answer waits past it for the next command. */
const CLIENT_OPCODE = commandInfo("CLIENT").opcode;

/** Which protocol a listener speaks. */
type Port = "binary" | "resp";

/** The PEM texts of `--tls-cert`, `--tls-key` and `--tls-ca`. */
interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
}

/**
 * A running node. Create it, `await start()`, and `await close()` to stop
 * gracefully (stop accepting, answer what was received, close connections).
 * With `respPort` set, a second listener on the same host speaks RESP over
 * the same command table and keyspace.
 *
 * @example Start a node on a free port and stop it
 * ```ts
 * import { CacheNode } from "./node.ts";
 * const node = new CacheNode({ port: 0, logLevel: "error" });
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
  /** The clients blocked on keys (BLPOP...). */
  #blocking = new BlockingRegistry();
  #info: NodeInfo;
  #listener: Deno.Listener | undefined;
  #respListener: Deno.Listener | undefined;
  #http: HttpEndpoints | undefined;
  /** Set by `start()`, cleared when it fails. */
  #starting = false;
  #cut = 0;
  #phase: NodePhase = "starting";
  #connections = new Set<Connection<unknown>>();
  /** The open connections by session id (CLIENT KILL, CLIENT LIST's buffers). */
  #byId = new Map<number, Connection<unknown>>();
  /** Settled when SHUTDOWN asks the node to stop. */
  #shutdownAsked = Promise.withResolvers<string>();
  #running = new Set<Promise<unknown>>();
  #nextSessionId = 1;
  #closing: Promise<void> | undefined;
  #acceptLoops: Promise<void>[] = [];
  #stats: NodeStats = {
    connectionsReceived: 0,
    peakMemory: 0,
    rejectedConnections: 0,
    authFailures: 0,
    outputLimitDisconnections: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    instantaneous: { opsPerSec: 0, inputKbps: 0, outputKbps: 0 },
  };
  /** Commands, bytes in and bytes out, sampled every 100 ms. */
  #rates = {
    ops: new InstantaneousRate(),
    input: new InstantaneousRate(),
    output: new InstantaneousRate(),
  };
  /** What CONFIG SET and SIGHUP change, shared with the commands. */
  #settings: RuntimeSettings;
  #idleTimer: ReturnType<typeof setInterval> | undefined;
  /** Connections being refused over `maxclients`. */
  #refusing = new Set<Promise<void>>();
  /** Where the default maxmemory came from; `undefined` when it was given. */
  #budget: MemoryBudget | undefined;
  #memoryTimer: ReturnType<typeof setInterval> | undefined;
  /** Returns memory the keyspace gave up to the system (glibc only). */
  #trimmer: FreedMemoryTrimmer | undefined;
  /** The connections' buffer bytes, summed once per turn of the event loop. */
  #bufferBytes = -1;
  /** Client-side caching: the keys tracking connections read. */
  #tracking: TrackingTable;
  #forgetBufferBytes = (): void => {
    this.#bufferBytes = -1;
  };

  /**
   * @param config Any subset of the configuration; the rest takes defaults.
   * `maxmemory: "auto"` (the default) is resolved now, from the cgroup's
   * memory limit or physical memory (see `memory_budget.ts`).
   */
  constructor(config: Partial<NodeConfig> = {}) {
    this.#config = { ...DEFAULT_CONFIG, ...config };
    let maxmemory = this.#config.maxmemory;
    if (maxmemory === "auto") {
      this.#budget = memoryBudget(SYSTEM_MEMORY);
      maxmemory = this.#budget.maxmemory;
    }
    const memory: MemoryLimit = {
      maxmemory,
      policy: this.#config.maxmemoryPolicy,
      samples: this.#config.maxmemorySamples,
      lfuLogFactor: this.#config.lfuLogFactor,
      lfuDecayTime: this.#config.lfuDecayTime,
    };
    this.#keyspace = new Keyspace({
      memory,
      externalMemory: () => this.#connectionBufferBytes(),
    });
    this.#expiry = new ActiveExpiry(this.#keyspace);
    const trim = openMallocTrim();
    if (trim !== undefined) {
      const keyspace = this.#keyspace;
      this.#trimmer = new FreedMemoryTrimmer(
        trim,
        () => keyspace.releasedBytes,
      );
    }
    this.#table = new CommandTable({
      slowlog: new SlowLog({
        slowerThan: this.#config.slowlogLogSlowerThan,
        maxLen: this.#config.slowlogMaxLen,
      }),
      timingSample: this.#config.timingSample,
      hotKeysSample: this.#config.hotkeysSample,
    });
    const blocking = this.#blocking;
    const keyspace = this.#keyspace;
    // After a write, the clients blocked on the keys it wrote are served
    // (first blocked, first served) before the next command runs.
    this.#table.onWrite = (spec, args): void => {
      if (!blocking.waiting) return;
      const countAt = spec.keys.countAt;
      const count = countAt === undefined
        ? undefined
        : Number(args[countAt - 1]);
      const keys: string[] = [];
      for (const i of keyPositions(spec, args.length, count)) {
        keys.push(args[i]);
      }
      blocking.written(keys);
      keyspace.packCollections();
    };
    this.#settings = {
      maxclients: this.#config.maxclients,
      timeout: this.#config.timeout,
      requirepass: this.#config.requirepass,
      clientOutputBufferLimit: this.#config.clientOutputBufferLimit,
      rateLimit: this.#config.rateLimit,
      trackingTableMaxKeys: this.#config.trackingTableMaxKeys,
    };
    const stats = this.#stats;
    const connections = this.#connections;
    const byId = this.#byId;
    const tracking = new TrackingTable({
      deliver: (_tracker, target, keys) => byId.get(target)?.push(keys),
      maxKeys: () => this.#settings.trackingTableMaxKeys,
      // The store tells of changes only while someone tracks.
      onActive: (active) => {
        keyspace.observer = active ? observer : undefined;
      },
    });
    const observer: KeyspaceObserver = {
      read: (key) => tracking.read(tracking.writer, key),
      changed: (key) => {
        if (key === null) tracking.flushed();
        else tracking.changed(key);
      },
    };
    this.#tracking = tracking;
    const binaryPort = (): number =>
      this.#listener === undefined ? 0 : this.port;
    const respPort = (): number => this.respPort;
    this.#info = {
      version: VERSION,
      startedAt: Date.now(),
      runId: Array.from(
        crypto.getRandomValues(new Uint8Array(20)),
        (b) => b.toString(16).padStart(2, "0"),
      ).join(""),
      configFile: this.#config.config === ""
        ? ""
        : new URL(this.#config.config, `file://${Deno.cwd()}/`).pathname,
      maxFrameBytes: this.#config.maxFrameBytes,
      maxArgs: this.#config.maxArgs,
      host: this.#config.host,
      get port(): number {
        return binaryPort();
      },
      get respPort(): number {
        return respPort();
      },
      stats: this.#stats,
      commands: this.#table.specs,
      settings: this.#settings,
      commandStats: this.#table.stats,
      slowlog: this.#table.slowlog,
      hotKeys: this.#table.hotKeys,
      onAuthFailure: (session: Session): void => {
        stats.authFailures = (stats.authFailures ?? 0) + 1;
        log.warn("Authentication failed for client {id} from {peer}", {
          id: session.id,
          peer: session.peer,
        });
      },
      clients: function* (): Iterable<Session> {
        for (const c of connections) yield c.session;
      },
      killClient: (id: number): boolean => {
        const c = byId.get(id);
        if (c === undefined) return false;
        log.info("Closing client {id} from {peer}: CLIENT KILL", {
          id,
          peer: c.session.peer,
        });
        c.kill();
        return true;
      },
      clientBuffers: (id: number) => byId.get(id)?.buffers,
      tracking: {
        enable: (id, options) => tracking.enable(id, options),
        disable: (id) => tracking.disable(id),
        options: (id) => tracking.options(id),
        setCaching: (id, yes) => tracking.setCaching(id, yes),
        caching: (id) => tracking.caching(id),
        exists: (id) => byId.has(id),
        get clients(): number {
          return tracking.clients;
        },
        get keys(): number {
          return tracking.size;
        },
      },
      blockedClients: (): number => blocking.blockedClients,
      clientsWithTimeout: (): number => blocking.withTimeout,
      isBlocked: (id: number): boolean => blocking.isBlocked(id),
      unblockClient: (id: number, error: boolean): boolean =>
        blocking.unblock(id, error),
      shutdown: (request: ShutdownRequest): boolean =>
        this.#askShutdown(request),
      startupMemory: 0,
    };
  }

  /**
   * Bytes held by the connections' buffers (read buffer, input not decoded
   * yet, replies not written yet), counted in `used_memory`. The sum is
   * taken once per turn of the event loop, not per command: within one read
   * batch only the running connection's output grows, by what its replies
   * add.
   */
  #connectionBufferBytes(): number {
    if (this.#bufferBytes < 0) {
      let n = 0;
      for (const c of this.#connections) n += c.bufferBytes;
      this.#bufferBytes = n;
      queueMicrotask(this.#forgetBufferBytes);
    }
    return this.#bufferBytes;
  }

  /** Every 100 ms: the peak of used_memory, and freed memory back to the system. */
  #sampleMemory(): void {
    const used = this.#keyspace.usedMemory;
    if (used > (this.#stats.peakMemory ?? 0)) this.#stats.peakMemory = used;
    const now = performance.now();
    this.#trimmer?.tick(now);
    const stats = this.#stats;
    const rates = this.#rates;
    rates.ops.sample(now, this.#table.stats.totalCalls);
    rates.input.sample(now, stats.netInputBytes);
    rates.output.sample(now, stats.netOutputBytes);
    const current = stats.instantaneous;
    current.opsPerSec = Math.round(rates.ops.perSecond);
    current.inputKbps = rates.input.perSecond / 1024;
    current.outputKbps = rates.output.perSecond / 1024;
  }

  /** Logs the memory limit in force and what it was derived from. */
  #logMemoryLimit(): void {
    const limit = this.#keyspace.memoryLimit;
    if (this.#budget !== undefined) {
      log.info("{message}", { message: describeBudget(this.#budget) });
    } else if (limit.maxmemory === 0) {
      log.info("maxmemory: no limit (--maxmemory 0)");
    } else {
      log.info("maxmemory {size} (--maxmemory), policy {policy}", {
        size: gib(limit.maxmemory),
        policy: limit.policy,
      });
    }
    // Records live outside V8's heap, but big collections and connection
    // state do not: a heap limit below maxmemory could stop the process
    // before eviction does.
    const heapLimit = v8.getHeapStatistics().heap_size_limit;
    if (limit.maxmemory > heapLimit) {
      log.warn(
        "V8's heap limit {heap} is below maxmemory {max}: run the node with --v8-flags=--max-old-space-size={mib} (deno task start does) or lower --maxmemory",
        {
          heap: gib(heapLimit),
          max: gib(limit.maxmemory),
          mib: Math.ceil(limit.maxmemory / 2 ** 20),
        },
      );
    }
  }

  /**
   * SHUTDOWN: logs who asked, then stops as SIGTERM does (after the asking
   * connection's reply is written: the stop starts on the next turn).
   */
  #askShutdown(request: ShutdownRequest): boolean {
    const { session, options } = request;
    const fields = {
      options: options.length === 0 ? "" : ` ${options.join(" ")}`,
      id: session.id,
      peer: session.peer,
    };
    if (request.save && !request.force) {
      log.warn(
        "SHUTDOWN{options} from client {id} at {peer} refused: CacheMir keeps no data on disk, so nothing can be saved; send SHUTDOWN NOSAVE (or SAVE FORCE) to stop",
        fields,
      );
      return false;
    }
    if (this.#closing !== undefined) return true;
    log.warn("SHUTDOWN{options} from client {id} at {peer}: stopping", fields);
    this.#shutdownAsked.resolve(`SHUTDOWN from ${session.peer}`);
    setTimeout(() => void this.close(), 0);
    return true;
  }

  /**
   * Settles when a client asked the node to stop with SHUTDOWN, with who
   * asked; the node is already stopping then (`close()` waits for the end).
   * `server/main.ts` exits as after SIGTERM.
   */
  get shutdownRequested(): Promise<string> {
    return this.#shutdownAsked.promise;
  }

  /** The configuration in force (CONFIG SET changes are not reflected). */
  get config(): NodeConfig {
    return this.#config;
  }

  /**
   * Applies settings that can change at run time (the rows of `SETTINGS`
   * marked `runtime`), as SIGHUP does after reading the config file again:
   * the memory limit's settings change in one step (lowering `maxmemory`
   * evicts down to it at once; `"auto"` is resolved again). Settings that
   * cannot change at run time are refused.
   *
   * @param change The settings to change.
   * @throws {Error} When `change` names a setting that needs a restart.
   */
  reconfigure(change: Partial<NodeConfig>): void {
    for (const key of Object.keys(change) as (keyof NodeConfig)[]) {
      const s = SETTINGS.find((x) => x.key === key);
      if (s === undefined || !s.runtime) {
        throw new Error(
          `Cannot change ${s?.name ?? key} on a running node: restart it`,
        );
      }
    }
    const memory: { -readonly [K in keyof MemoryLimit]?: MemoryLimit[K] } = {};
    if (change.maxmemory !== undefined) {
      if (change.maxmemory === "auto") {
        this.#budget = memoryBudget(SYSTEM_MEMORY);
        memory.maxmemory = this.#budget.maxmemory;
      } else {
        this.#budget = undefined;
        memory.maxmemory = change.maxmemory;
      }
    }
    if (change.maxmemoryPolicy !== undefined) {
      memory.policy = change.maxmemoryPolicy;
    }
    if (change.maxmemorySamples !== undefined) {
      memory.samples = change.maxmemorySamples;
    }
    if (change.lfuLogFactor !== undefined) {
      memory.lfuLogFactor = change.lfuLogFactor;
    }
    if (change.lfuDecayTime !== undefined) {
      memory.lfuDecayTime = change.lfuDecayTime;
    }
    if (Object.keys(memory).length > 0) {
      this.#keyspace.configureMemory(memory);
    }
    if (change.maxclients !== undefined) {
      this.#settings.maxclients = change.maxclients;
    }
    if (change.timeout !== undefined) this.#settings.timeout = change.timeout;
    if (change.slowlogLogSlowerThan !== undefined) {
      this.#table.slowlog.settings.slowerThan = change.slowlogLogSlowerThan;
    }
    if (change.timingSample !== undefined) {
      this.#table.timingSample = change.timingSample;
    }
    if (change.slowlogMaxLen !== undefined) {
      this.#table.slowlog.settings.maxLen = change.slowlogMaxLen;
      this.#table.slowlog.trim();
    }
    if (change.requirepass !== undefined) {
      this.#settings.requirepass = change.requirepass;
    }
    if (change.clientOutputBufferLimit !== undefined) {
      this.#settings.clientOutputBufferLimit = change.clientOutputBufferLimit;
    }
    if (change.rateLimit !== undefined) {
      this.#settings.rateLimit = change.rateLimit;
    }
    this.#config = { ...this.#config, ...change };
    if (change.trackingTableMaxKeys !== undefined) {
      this.#settings.trackingTableMaxKeys = change.trackingTableMaxKeys;
      this.#tracking.enforceBound();
    }
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

  /** The RESP port's bound port number; 0 when the node has no RESP port. */
  get respPort(): number {
    const addr = this.#respListener?.addr as Deno.NetAddr | undefined;
    return addr?.port ?? 0;
  }

  /**
   * Connections `close()` cut because they were still answering after
   * `--shutdown-timeout` (0 after a clean drain).
   */
  get cutConnections(): number {
    return this.#cut;
  }

  /**
   * The error of a listener that could not bind: the same kind (AddrInUse
   * stays AddrInUse), its message naming the port and its flag.
   */
  #listenError(e: unknown, flag: string, port: number): Error {
    const message = `Cannot listen on ${this.#config.host}:${port} (${flag}): ${
      e instanceof Error ? e.message : String(e)
    }`;
    if (e instanceof Deno.errors.AddrInUse) {
      return new Deno.errors.AddrInUse(message, { cause: e });
    }
    return new Error(message, { cause: e });
  }

  /**
   * Reads the PEM files of `--tls-cert`, `--tls-key` and `--tls-ca`:
   * `undefined` when TLS is off.
   *
   * @throws {Error} When one is missing or cannot be read, naming the flag and file.
   */
  #readTls(): TlsFiles | undefined {
    const { tlsCert, tlsKey, tlsCa } = this.#config;
    if (tlsCert === "" && tlsKey === "" && tlsCa === "") return undefined;
    if (tlsCert === "" || tlsKey === "") {
      const flags = (set: boolean): string[] =>
        [
          [tlsCert, "--tls-cert"],
          [tlsKey, "--tls-key"],
          [tlsCa, "--tls-ca"],
        ].filter(([v]) => (v !== "") === set).map(([, flag]) => flag);
      const given = flags(true);
      const missing = flags(false).filter((f) => f !== "--tls-ca");
      throw new Error(
        `Cannot serve TLS: ${given.join(" and ")} ${
          given.length === 1 ? "is" : "are"
        } set but ${missing.join(" and ")} ${
          missing.length === 1 ? "is" : "are"
        } not`,
      );
    }
    const read = (flag: string, path: string): string => {
      try {
        return Deno.readTextFileSync(path);
      } catch (e) {
        throw new Error(
          `Cannot read ${flag} ${path}: ${
            e instanceof Error ? e.message : String(e)
          }`,
          { cause: e },
        );
      }
    };
    return {
      cert: read("--tls-cert", tlsCert),
      key: read("--tls-key", tlsKey),
      ...(tlsCa === "" ? {} : { ca: read("--tls-ca", tlsCa) }),
    };
  }

  /**
   * Listens on `port` of the node's host: plain TCP, or TLS with `tls`
   * (`Deno.listenTls`; with a CA, client certificates are required: see
   * `_mutual_tls.ts`).
   */
  #listen(
    port: number,
    tls: TlsFiles | undefined,
  ): Deno.Listener | Promise<Deno.Listener> {
    const hostname = this.#config.host;
    if (tls === undefined) {
      return Deno.listen({ hostname, port, transport: "tcp" });
    }
    if (tls.ca !== undefined) {
      return listenMutualTls({ hostname, port, ...tls, ca: tls.ca });
    }
    return Deno.listenTls({
      hostname,
      port,
      transport: "tcp",
      cert: tls.cert,
      key: tls.key,
    });
  }

  /** The HTTP port's bound port number; 0 when it has none. */
  get httpPort(): number {
    return this.#http?.port ?? 0;
  }

  /** INFO with every section, as a client would read it (for `/info`, `/metrics`). */
  #infoText(): string {
    const ctx: CommandContext = {
      store: this.#keyspace,
      session: {
        id: 0,
        peer: "http",
        dialect: "resp2",
        name: "",
        closeAfterReply: false,
      },
      node: this.#info,
    };
    const reply = this.#table.execute(ctx, "INFO", ["everything"]);
    if (reply.kind !== "bytes") return "";
    const v = reply.value;
    return typeof v === "string" ? v : toByteString(v, 0, v.length);
  }

  /** The node's counters. */
  get stats(): Readonly<NodeStats> {
    return this.#stats;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Binds the listeners and starts serving and the expiry cycle.
   *
   * @throws {Deno.errors.AddrInUse} When a port is taken (no listener is
   * left open then).
   */
  start(): Promise<void> {
    if (this.#starting) {
      return Promise.reject(new Error("CacheNode is already started"));
    }
    this.#starting = true;
    return this.#start().catch((e) => {
      this.#starting = false;
      throw e;
    });
  }

  /**
   * `start()`: synchronous up to its end unless a listener is made with
   * `node:tls` (`--tls-ca`), which binds asynchronously.
   */
  async #start(): Promise<void> {
    const tls = this.#readTls();
    let listener: Deno.Listener;
    try {
      const l = this.#listen(this.#config.port, tls);
      listener = l instanceof Promise ? await l : l;
    } catch (e) {
      throw this.#listenError(e, "--port", this.#config.port);
    }
    if (this.#config.respPort !== 0) {
      try {
        const l = this.#listen(this.#config.respPort, tls);
        this.#respListener = l instanceof Promise ? await l : l;
      } catch (e) {
        listener.close();
        throw this.#listenError(e, "--resp-port", this.#config.respPort);
      }
    }
    if (this.#config.httpPort !== 0) {
      try {
        this.#http = new HttpEndpoints({
          hostname: this.#config.host,
          port: this.#config.httpPort,
          info: () => this.#infoText(),
          phase: () => this.#phase,
          password: () => this.#settings.requirepass,
          commandStats: this.#table.stats,
          ...(tls === undefined ? {} : { tls }),
        });
      } catch (e) {
        listener.close();
        this.#respListener?.close();
        this.#respListener = undefined;
        throw this.#listenError(e, "--http-port", this.#config.httpPort);
      }
    }
    this.#listener = listener;
    this.#expiry.start();
    this.#logMemoryLimit();
    this.#memoryTimer = setInterval(
      () => this.#sampleMemory(),
      MEMORY_SAMPLE_MS,
    );
    this.#idleTimer = setInterval(() => this.#closeIdle(), IDLE_CHECK_MS);
    this.#acceptLoops.push(this.#accept(listener, "binary"));
    const secure = tls === undefined
      ? ""
      : tls.ca === undefined
      ? ", TLS"
      : ", TLS with client certificates";
    log.info("Listening on {address} (binary protocol{secure})", {
      address: this.address,
      secure,
    });
    if (this.#respListener !== undefined) {
      this.#acceptLoops.push(this.#accept(this.#respListener, "resp"));
      log.info("Listening on {host}:{port} (RESP{secure})", {
        host: (this.#respListener.addr as Deno.NetAddr).hostname,
        port: this.respPort,
        secure,
      });
    }
    if (this.#http !== undefined) {
      log.info(
        "Listening on {host}:{port} ({scheme}: /metrics /healthz /readyz /info)",
        {
          host: this.#config.host,
          port: this.httpPort,
          scheme: tls === undefined ? "HTTP" : "HTTPS",
        },
      );
    }
    (this.#info as { startupMemory?: number }).startupMemory =
      this.#keyspace.usedMemory;
    this.#phase = "serving";
  }

  async #accept(listener: Deno.Listener, port: Port): Promise<void> {
    let failures = 0;
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (this.#closing !== undefined) return;
        if (e instanceof Deno.errors.BadResource) {
          log.error("Accept loop failed: {error}", { error: String(e) });
          return;
        }
        // Out of file descriptors (EMFILE) and the like pass when clients
        // leave: keep the port alive, and retry with a growing pause.
        if (failures++ === 0) {
          log.warn("Cannot accept a connection on the {port} port: {error}", {
            port,
            error: String(e),
          });
        }
        await new Promise((r) =>
          setTimeout(r, Math.min(ACCEPT_RETRY_MAX_MS, 5 * 2 ** failures))
        );
        continue;
      }
      if (failures > 0) {
        log.warn(
          "Accepting on the {port} port again after {failures} failures",
          {
            port,
            failures,
          },
        );
        failures = 0;
      }
      if (this.#closing !== undefined) {
        conn.close();
        continue;
      }
      this.#serve(conn, port);
    }
  }

  /**
   * Closes the connections idle for longer than `timeout` seconds, as
   * Redis's `clientsCronHandleTimeout` does (silently).
   */
  #closeIdle(): void {
    const timeout = this.#settings.timeout;
    if (timeout <= 0) return;
    const oldest = Date.now() - timeout * 1000;
    for (const c of this.#connections) {
      const session = c.session;
      // A blocked client waits on its command's timeout, not idle (Redis).
      if (c.blocked) continue;
      if ((session.lastActive ?? session.createdAt ?? 0) < oldest) {
        log.debug("Closing client {id} from {peer}: idle for {timeout} s", {
          id: session.id,
          peer: session.peer,
          timeout,
        });
        c.kill();
      }
    }
  }

  /**
   * Refuses a connection over `maxclients` as Redis does: `-ERR max number
   * of clients reached`, then closes it. On the binary port the error is a
   * reply frame to the client's first request (with its id and opcode, as
   * every error on that port), if it comes within a second.
   */
  #refuse(conn: Deno.Conn, port: Port): void {
    this.#stats.rejectedConnections = (this.#stats.rejectedConnections ?? 0) +
      1;
    log.debug("Refused a connection from {peer} on the {port} port: {why}", {
      peer: `${(conn.remoteAddr as Deno.NetAddr).hostname}:${
        (conn.remoteAddr as Deno.NetAddr).port
      }`,
      port,
      why: MAX_CLIENTS_TEXT,
    });
    const limits = {
      maxFrameBytes: this.#config.maxFrameBytes,
      maxArgs: this.#config.maxArgs,
    };
    const done = (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        let out: Uint8Array;
        if (port === "resp") {
          out = new TextEncoder().encode(`-${MAX_CLIENTS_TEXT}\r\n`);
        } else {
          timer = setTimeout(() => conn.close(), REFUSE_WAIT_MS);
          const codec = new BinaryCodec(limits);
          const buf = new Uint8Array(4096);
          for (;;) {
            const n = await conn.read(buf);
            if (n === null) return;
            codec.push(buf.subarray(0, n));
            const frame = codec.next();
            if (frame !== undefined) {
              codec.writeReply(frame, error(MAX_CLIENTS_TEXT));
              break;
            }
            if (codec.broken) break;
          }
          out = codec.take();
        }
        let written = 0;
        while (written < out.length) {
          written += await conn.write(out.subarray(written));
        }
      } catch {
        // the peer left, or the wait ran out
      } finally {
        clearTimeout(timer);
        try {
          conn.close();
        } catch {
          // closed already
        }
      }
    })();
    this.#refusing.add(done);
    done.then(() => this.#refusing.delete(done));
  }

  #serve(conn: Deno.Conn, port: Port): void {
    if (this.#connections.size >= this.#settings.maxclients) {
      this.#refuse(conn, port);
      return;
    }
    try {
      // A TLS connection has no setNoDelay.
      if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
    } catch {
      // not every transport supports it
    }
    const peer = conn.remoteAddr as Deno.NetAddr;
    const local = conn.localAddr as Deno.NetAddr;
    const now = Date.now();
    const session: Session = {
      id: this.#nextSessionId++,
      peer: `${peer.hostname}:${peer.port}`,
      dialect: port === "binary" ? "binary" : "resp2",
      name: "",
      closeAfterReply: false,
      authenticated: this.#settings.requirepass === "",
      local: `${local.hostname}:${local.port}`,
      createdAt: now,
      lastActive: now,
      lastCommand: "",
      libName: "",
      libVersion: "",
    };
    this.#stats.connectionsReceived++;
    // One context per connection: nothing is allocated per command.
    const ctx: CommandContext = {
      store: this.#keyspace,
      session,
      node: this.#info,
    };
    const table = this.#table;
    const blocking = this.#blocking;
    const stats = this.#stats;
    const config = this.#config;
    const flow = this.#settings;
    const tracking = this.#tracking;
    const keyspace = this.#keyspace;
    // While anyone tracks, a command runs knowing its session (NOLOOP, and
    // whose reads are remembered); otherwise it pays one test (the closure
    // is made only while tracking is on).
    const tracked = <R>(client: boolean, run: () => R): R => {
      tracking.writer = session.id;
      keyspace.trackReads = tracking.tracksReadsOf(session.id, client);
      try {
        return run();
      } finally {
        keyspace.trackReads = false;
        tracking.writer = 0;
      }
    };
    const onOutputLimit = (s: Session, queued: number): void => {
      stats.outputLimitDisconnections = (stats.outputLimitDisconnections ??
        0) + 1;
      log.warn(
        "Closing client {id} from {peer}: {queued} bytes of replies unread, over client-output-buffer-limit {limit}",
        {
          id: s.id,
          peer: s.peer,
          queued,
          limit: flow.clientOutputBufferLimit,
        },
      );
    };
    const connection: Connection<unknown> = port === "binary"
      ? new BinaryConnection({
        conn,
        session,
        execute: (_s, opcode, args) => {
          const r = tracking.active
            ? tracked(
              opcode === CLIENT_OPCODE,
              () => table.executeOpcode(ctx, opcode, args),
            )
            : table.executeOpcode(ctx, opcode, args);
          return r.kind === "blocked" ? blocking.wait(session, r) : r;
        },
        executeView: (_s, opcode, argv, out) => {
          const r = tracking.active
            ? tracked(
              opcode === CLIENT_OPCODE,
              () => table.executeOpcodeView(ctx, opcode, argv, out),
            )
            : table.executeOpcodeView(ctx, opcode, argv, out);
          return r?.kind === "blocked" ? blocking.wait(session, r) : r;
        },
        limits: {
          maxFrameBytes: config.maxFrameBytes,
          maxArgs: config.maxArgs,
        },
        flow,
        onOutputLimit,
        traffic: stats,
      }) as Connection<unknown>
      : new RespConnection({
        conn,
        session,
        execute: (_s, name, args) => {
          const r = tracking.active
            ? tracked(
              isWord(name, "client"),
              () => table.execute(ctx, name, args),
            )
            : table.execute(ctx, name, args);
          return r.kind === "blocked" ? blocking.wait(session, r) : r;
        },
        executeView: (_s, name, argv, out) => {
          const r = tracking.active
            ? tracked(
              isWord(name, "client"),
              () => table.executeView(ctx, name, argv, out),
            )
            : table.executeView(ctx, name, argv, out);
          return r?.kind === "blocked" ? blocking.wait(session, r) : r;
        },
        limits: {
          // The same bounds as a binary frame: one argument, and all of a
          // request's arguments together, fit in --max-frame-bytes.
          maxBulkBytes: config.maxFrameBytes,
          maxRequestBytes: config.maxFrameBytes,
          maxArgs: config.maxArgs,
        },
        flow,
        onOutputLimit,
        traffic: stats,
      }) as Connection<unknown>;
    this.#connections.add(connection);
    this.#byId.set(session.id, connection);
    log.debug("Client {id} connected from {peer}", { ...session });
    const done = connection.run().then((why) => {
      this.#connections.delete(connection);
      this.#byId.delete(session.id);
      tracking.disable(session.id);
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
    this.#phase = "draining";
    log.info("Shutting down: {connections} open connections", {
      connections: this.#connections.size,
    });
    for (const listener of [this.#listener, this.#respListener]) {
      try {
        listener?.close();
      } catch {
        // already closed
      }
    }
    await Promise.all(this.#acceptLoops);
    for (const c of this.#connections) c.shutdown();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#cut = this.#connections.size;
        if (this.#cut > 0) {
          log.warn(
            "Shutdown timeout ({seconds} s): cutting {connections} connections still answering",
            {
              seconds: this.#config.shutdownTimeout,
              connections: this.#cut,
            },
          );
        }
        for (const c of this.#connections) c.close();
        resolve();
      }, this.#config.shutdownTimeout * 1000);
    });
    await Promise.race([Promise.all(this.#running), grace]);
    clearTimeout(timer);
    await Promise.all(this.#running);
    await Promise.all(this.#refusing);
    await this.#http?.close();
    this.#expiry.stop();
    clearInterval(this.#memoryTimer);
    clearInterval(this.#idleTimer);
    log.info("Shut down");
  }
}
