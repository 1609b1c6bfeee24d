/**
 * `deno task dashboard`: a web page on 127.0.0.1 that shows a cluster's
 * nodes live — up or down, ops/s, hit ratio, memory used against the limit,
 * keys, connections, p50/p99 latency, evictions, hot keys — and the
 * cluster's totals and key distribution (keys per node and each node's
 * share of the hash ring) as uPlot charts. Each node is asked `INFO
 * everything` every `--interval-ms` over the binary protocol (a
 * `CacheMirClient` per node); a node that does not answer is shown down.
 *
 * ```sh
 * deno task dashboard --nodes 127.0.0.1:7379,127.0.0.1:7380,127.0.0.1:7381
 * deno task dashboard --nodes dns:cachemir.internal:7379 --port 8080
 * # dashboard: http://127.0.0.1:8080/
 * ```
 *
 * Flags: `--nodes` (comma-separated `host:port` and `dns:name:port` specs),
 * `--host` (default 127.0.0.1), `--port` (default 7390; 0 picks one),
 * `--interval-ms` (default 1000), `--password` (the nodes' password),
 * `--points-per-node` (the clients' ring setting, for the ring shares).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { CacheMirClient } from "../../client/mod.ts";
import { parseDnsNodes, type Resolver } from "../../client/discovery.ts";
import { HashRing } from "../../client/ring.ts";
import { integerFlag } from "../_flags.ts";
import { parseInfo } from "../../server/http_endpoints.ts";
import {
  dashboardResponse,
  type DashboardSnapshot,
  InfoSampler,
  type NodeSnapshot,
  summarize,
} from "../../server/dashboard/page.ts";

/** Settings of {@linkcode Dashboard}. */
export interface DashboardOptions {
  /** `host:port` and `dns:name:port` specs. */
  readonly nodes: readonly string[];
  /** Where to serve the page. */
  readonly hostname?: string;
  /** Its port (0: a free one). */
  readonly port?: number;
  /** How often the nodes are asked. */
  readonly intervalMs?: number;
  /** The nodes' password. */
  readonly password?: string;
  /** The ring's points per node, as the cluster's clients use it. */
  readonly pointsPerNode?: number;
  /** How `dns:` specs are looked up (the system's resolver by default). */
  readonly resolver?: Resolver;
}

/** Polls the nodes and serves the page. */
export class Dashboard {
  #options: DashboardOptions;
  #clients = new Map<string, CacheMirClient>();
  #discovery: CacheMirClient | undefined;
  #static: string[] = [];
  #sampler = new InfoSampler();
  #snapshot: DashboardSnapshot = summarize("cluster", []);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;
  #server: Deno.HttpServer<Deno.NetAddr>;

  /**
   * Starts polling and serving.
   *
   * @param options The nodes, and where to serve.
   */
  constructor(options: DashboardOptions) {
    this.#options = options;
    const dns = options.nodes.filter((n) => parseDnsNodes(n) !== undefined);
    this.#static = options.nodes.filter((n) => parseDnsNodes(n) === undefined);
    if (this.#static.length + dns.length === 0) {
      throw new TypeError("No nodes: pass --nodes host:port,...");
    }
    if (dns.length > 0) {
      this.#discovery = new CacheMirClient({
        nodes: dns,
        password: options.password,
        resolver: options.resolver,
      });
      this.#discovery.addEventListener("error", () => {});
    }
    const title = `${options.nodes.join(", ")}`;
    this.#server = Deno.serve({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
      onListen: () => {},
    }, async (request) => {
      const path = new URL(request.url).pathname;
      return await dashboardResponse(path, title, () => this.#snapshot) ??
        new Response("not found\n", { status: 404 });
    });
    this.#polling = this.#poll();
  }

  /** The page's URL. */
  get url(): string {
    const { hostname, port } = this.#server.addr;
    return `http://${
      hostname.includes(":") ? `[${hostname}]` : hostname
    }:${port}/`;
  }

  /** The latest snapshot. */
  get snapshot(): DashboardSnapshot {
    return this.#snapshot;
  }

  /** The nodes' addresses now: the static ones, then the discovered ones. */
  async #addresses(): Promise<string[]> {
    const out = [...this.#static];
    if (this.#discovery !== undefined) {
      try {
        await this.#discovery.refreshNodes();
      } catch { /* the last answer stays */ }
      for (const a of this.#discovery.nodes()) {
        if (!out.includes(a)) out.push(a);
      }
    }
    return out;
  }

  #client(address: string): CacheMirClient {
    let client = this.#clients.get(address);
    if (client === undefined) {
      client = new CacheMirClient({
        nodes: [address],
        password: this.#options.password,
        connectTimeoutMs: 1000,
        commandTimeoutMs: 1500,
        healthCheckIntervalMs: 500,
        retry: { attempts: 1 },
        maxConnections: 1,
      });
      // A node that is down is shown so; its client's errors are expected.
      client.addEventListener("error", () => {});
      this.#clients.set(address, client);
    }
    return client;
  }

  async #poll(): Promise<void> {
    const addresses = await this.#addresses();
    for (const [address, client] of this.#clients) {
      if (!addresses.includes(address)) {
        this.#clients.delete(address);
        this.#sampler.forget(address);
        client.close().catch(() => {});
      }
    }
    let shares: Map<string, number> | undefined;
    try {
      shares = new HashRing({
        nodes: addresses,
        pointsPerNode: this.#options.pointsPerNode,
      }).shares();
    } catch {
      shares = undefined;
    }
    const nodes: NodeSnapshot[] = await Promise.all(
      addresses.map(async (address) => {
        const share = shares?.get(address) ?? null;
        try {
          const reply = await this.#client(address).call("INFO", "everything");
          return this.#sampler.sample(
            address,
            parseInfo(String(reply)),
            "",
            share,
          );
        } catch (e) {
          return this.#sampler.sample(
            address,
            undefined,
            (e as Error).message,
            share,
          );
        }
      }),
    );
    this.#snapshot = summarize("cluster", nodes);
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#polling = this.#poll();
    }, this.#options.intervalMs ?? 1000);
  }

  /**
   * Stops polling and serving, and closes the clients.
   *
   * @returns Settles when everything is closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#polling;
    await this.#server.shutdown();
    await Promise.all([...this.#clients.values()].map((c) => c.close()));
    await this.#discovery?.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      nodes: { type: "string", default: "127.0.0.1:7379" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "7390" },
      "interval-ms": { type: "string", default: "1000" },
      password: { type: "string" },
      "points-per-node": { type: "string" },
    },
  });
  const fail = (message: string): never => {
    console.error(message);
    Deno.exit(2);
  };
  const perNode = values["points-per-node"];
  const dashboard = new Dashboard({
    nodes: values.nodes.split(",").map((s) => s.trim()).filter((s) => s),
    hostname: values.host,
    port: integerFlag("port", values.port, 0, 65535, fail),
    intervalMs: integerFlag(
      "interval-ms",
      values["interval-ms"],
      1,
      86_400_000,
      fail,
    ),
    password: values.password,
    // 65536: the most HashRing takes.
    pointsPerNode: perNode === undefined
      ? undefined
      : integerFlag("points-per-node", perNode, 1, 65536, fail),
  });
  console.log(`dashboard: ${dashboard.url}`);
  const stop = async () => {
    await dashboard.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
