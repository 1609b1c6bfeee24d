/**
 * The options of {@linkcode CacheMirClient}: its nodes, routing, failover,
 * retries and timeouts.
 *
 * @module
 */

import type { ClientTlsOptions } from "./_dial.ts";
import type { Resolver } from "./discovery.ts";
import type { Hashing } from "./locator.ts";
import type { RetryOptions } from "./retry.ts";
import type { NearCacheOptions } from "./near_cache.ts";

/**
 * A node in {@linkcode CacheMirClientOptions.nodes}: `"host:port"`
 * (`"[::1]:7379"` for IPv6; the port defaults to 7379), `"dns:name:port"` to
 * discover nodes through DNS, or an address with a weight.
 */
export type NodeSpec =
  | string
  | {
    /** `host:port`. */
    readonly address: string;
    /**
     * The node's share of keys relative to a node of weight 1 (a whole
     * number with `hashing: "jump"`).
     * @default {1}
     */
    readonly weight?: number;
  };

/** Options of {@linkcode CacheMirClient.addNode}. */
export interface AddNodeOptions {
  /**
   * The node's share of keys relative to a node of weight 1.
   * @default {1}
   */
  readonly weight?: number;
  /**
   * How long, in milliseconds, a read that misses on the new node is tried
   * on the key's previous owner (0: not at all).
   * @default {0}
   */
  readonly warmUpMs?: number;
}

/** Options of {@linkcode CacheMirClient}. */
export interface CacheMirClientOptions {
  /**
   * The nodes: a list of {@linkcode NodeSpec}s, or one spec. A
   * `"dns:name:port"` spec is looked up (A and AAAA records) when the client
   * is made and every `discoveryIntervalMs`; each address found is a node
   * on `port`. Commands issued before the first answer wait for it.
   */
  readonly nodes: string | readonly NodeSpec[];
  /**
   * How keys map to nodes: a ring of virtual nodes with multi-probe lookups, or
   * jump consistent hash (an even spread; clients must add nodes in the same
   * order).
   * @default {"ring"}
   */
  readonly hashing?: Hashing;
  /**
   * Points on the ring per node of weight 1 (`hashing: "ring"`).
   * @default {160}
   */
  readonly pointsPerNode?: number;
  /**
   * Positions looked up per key on the ring (`hashing: "ring"`), 1 to 64: 16
   * keeps every node within 1.05× the mean share up to thousands of nodes.
   * 3 maps keys as clients before 16 probes did (use it while a fleet still
   * has such clients; see client/RING.md).
   * @default {16}
   */
  readonly probes?: number;
  /**
   * How many nodes hold each key. With 2, writes go to the key's owner and
   * the next distinct node on the ring (in parallel; the call resolves once
   * both answered) and reads go to the first of them that is up, so losing
   * one node loses no data. 1 to 16.
   * @default {1}
   */
  readonly replicas?: number;
  /**
   * Keep recently read string values (GET, MGET, and their Buffer forms) in
   * this process, kept correct by the nodes: each connection turns
   * `CLIENT TRACKING ON`, and a node pushes an invalidation once a key the
   * connection read changes (written, deleted, expired, evicted, flushed,
   * by any client). The client's own writes drop their keys at once; a
   * lost connection drops what its node served; a change of the nodes
   * (down, up, added, removed) drops everything. A value is kept at most
   * `ttlMs`. See the README's "Near cache". Off when absent.
   */
  readonly nearCache?: NearCacheOptions;
  /**
   * What happens to the keys of a node that is down: `"remap"` sends them to
   * the next nodes on the ring (the node's keys are cache misses there
   * until written again); `"fail"` rejects their commands at once with a
   * {@linkcode NodeDownError} (replicas still serve reads and take writes).
   * @default {"remap"}
   */
  readonly onNodeDown?: "remap" | "fail";
  /**
   * Consecutive network failures (lost or refused connections, timeouts) on
   * one node that take it down. A success resets the count.
   * @default {3}
   */
  readonly failureThreshold?: number;
  /**
   * How often a down node is sent PING on a fresh connection; it is up
   * again at the first answer (after the client cleaned up what it wrote
   * elsewhere meanwhile: see `failoverKeyMemory`).
   * @default {1000}
   */
  readonly healthCheckIntervalMs?: number;
  /**
   * The longest a key written to a stand-in lives there: a write sent to
   * another node because the key's node is down gets its time to live
   * capped at this many ms (`PEXPIRE ... LT`: a shorter one stays), so a
   * copy left behind cannot come back later with an old value.
   * @default {60000}
   */
  readonly failoverTtlMs?: number;
  /**
   * How many keys written elsewhere while their node was down the client
   * remembers, per node. Before a node that comes back (not restarted: its
   * run id is the same) is used again, the client deletes those keys from
   * it, and their copies from the stand-ins, so that no read returns a value
   * older than the last write. Past this many, it flushes the returning node
   * instead (and says so in an `error` event). The guarantee is per client:
   * each client cleans up what it wrote.
   * @default {100000}
   */
  readonly failoverKeyMemory?: number;
  /**
   * Retries after a network failure, with exponential backoff and full
   * jitter, for commands safe to repeat (the command table's `retry` flag:
   * GET, SET, DEL, EXPIRE..., never INCR, LPUSH, APPEND) and for any command
   * that was never sent. A retry goes where the key lives then; a command
   * stranded on a node when the client takes that node down is sent again
   * without counting that attempt.
   * @default {{ attempts: 3, baseDelayMs: 50, maxDelayMs: 1000 }}
   */
  readonly retry?: RetryOptions;
  /**
   * Time allowed to open a connection, HELLO included.
   * @default {5000}
   */
  readonly connectTimeoutMs?: number;
  /**
   * Time a command may wait for its reply once sent. A command issued while
   * a connection is being opened may wait up to `connectTimeoutMs` more.
   * @default {5000}
   */
  readonly commandTimeoutMs?: number;
  /**
   * The most connections to one node.
   * @default {4}
   */
  readonly maxConnections?: number;
  /**
   * The most commands in flight to one node; more wait for a slot.
   * @default {4096}
   */
  readonly maxInFlight?: number;
  /**
   * The longest a command waits for a slot in its node's pool before it
   * rejects with a {@linkcode TimeoutError} (`operation` `"acquire"`).
   * @default {5000}
   */
  readonly acquireTimeoutMs?: number;
  /**
   * How often `dns:` node specs are looked up again.
   * @default {30000}
   */
  readonly discoveryIntervalMs?: number;
  /**
   * How `dns:` names are looked up (`systemResolver` of
   * `@cachemir/client/discovery` by default: `Deno.resolveDns` under Deno,
   * which needs `--allow-net`, and `node:dns` under Node.js and Bun).
   */
  readonly resolver?: Resolver;
  /**
   * Exchange HELLO on connect, to check the peer is a CacheMir node speaking
   * protocol version 1.
   * @default {true}
   */
  readonly hello?: boolean;
  /**
   * The largest reply accepted, in bytes; a larger one rejects its command
   * with a {@linkcode ProtocolError}.
   * @default {536870912}
   */
  readonly maxReplyBytes?: number;
  /**
   * The nodes' password (their `--requirepass`): every new connection,
   * health checks' included, sends `AUTH <password>` right after HELLO, and
   * fails to open with a {@linkcode ConnectionError} naming the node's
   * reply (`WRONGPASS ...`) when it is refused.
   * @default {none: connections do not authenticate}
   */
  readonly password?: string;
  /**
   * Connect to the nodes with TLS (nodes started with `--tls-cert` and
   * `--tls-key`); every connection, health checks' included, does. Set
   * `caCerts` to the PEM text of the CA that signed the nodes' certificates
   * when it is not one the system trusts; `hostname` when the certificates
   * name another host than the addresses in `nodes` (with `dns:` specs,
   * nodes are reached by IP address: give the DNS name their certificates
   * carry); `cert` and `key` (PEM) for nodes started with `--tls-ca`, which
   * require a client certificate. A node that serves TLS to a client
   * without this option fails its connections at once with a
   * {@linkcode ProtocolError} saying it answered TLS; a node without TLS
   * fails a client with it with a {@linkcode ConnectionError} (`TLS
   * handshake failed`).
   *
   * @example
   * ```ts no-eval
   * import { CacheMirClient } from "@cachemir/client";
   * await using client = new CacheMirClient({
   *   nodes: ["127.0.0.1:7379"],
   *   tls: { caCerts: [Deno.readTextFileSync("ca.crt")] },
   * });
   * await client.set("k", "v");
   * ```
   * @default {plain TCP}
   */
  readonly tls?: ClientTlsOptions;
}
