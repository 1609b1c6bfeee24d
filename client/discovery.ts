/**
 * Node discovery through DNS: `nodes: "dns:cache.internal:7379"` makes a
 * {@linkcode CacheMirClient} look up the name's A and AAAA records, use every
 * address as a node on the given port, and look again every
 * `discoveryIntervalMs`, adding and removing nodes as the answer changes.
 *
 * @module
 */

import { formatAddress } from "./connection.ts";
import { DEFAULT_PORT } from "./_node.ts";
import { resolveDns } from "./_transport.ts";

/**
 * Looks up the addresses of a host name: {@linkcode systemResolver} by
 * default; tests and other environments may give their own.
 *
 * @param hostname The name to look up.
 * @param recordType `"A"` (IPv4) or `"AAAA"` (IPv6).
 * @returns The addresses, without brackets; a lookup that finds no record
 * may return `[]` or throw.
 */
export type Resolver = (
  hostname: string,
  recordType: "A" | "AAAA",
) => Promise<string[]>;

/** A name to discover nodes from, and the port they listen on. */
export interface DnsNodes {
  /** The host name whose A and AAAA records list the nodes. */
  readonly hostname: string;
  /** The port every node listens on. */
  readonly port: number;
}

/** Default of `discoveryIntervalMs`: look the name up again every 30 s. */
export const DEFAULT_DISCOVERY_INTERVAL_MS = 30_000;

const PREFIX = "dns:";

/**
 * Reads a `dns:name:port` node spec (the port defaults to 7379).
 *
 * @param spec A node spec as given in `nodes`.
 * @returns The name and port, or `undefined` when `spec` does not start with `dns:`.
 * @throws {TypeError} When the name is empty or the port is not an integer in 1..65535.
 *
 * @example
 * ```ts
 * import { parseDnsNodes } from "@cachemir/client/discovery";
 * console.log(parseDnsNodes("dns:cache.internal:7380")); // { hostname: "cache.internal", port: 7380 }
 * console.log(parseDnsNodes("10.0.0.1:7379")); // undefined
 * ```
 */
export function parseDnsNodes(spec: string): DnsNodes | undefined {
  if (!spec.startsWith(PREFIX)) return undefined;
  const rest = spec.slice(PREFIX.length);
  const colon = rest.lastIndexOf(":");
  const hostname = colon < 0 ? rest : rest.slice(0, colon);
  const portText = colon < 0 ? undefined : rest.slice(colon + 1);
  if (hostname === "" || hostname.includes(":")) {
    throw new TypeError(
      `Invalid node spec "${spec}": expected dns:<host name>:<port>`,
    );
  }
  let port = DEFAULT_PORT;
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw new TypeError(
        `Invalid node spec "${spec}": port "${portText}" is not an integer in 1..65535`,
      );
    }
  }
  return { hostname, port };
}

/**
 * The runtime's DNS as a {@linkcode Resolver}, the default one:
 * `Deno.resolveDns` under Deno (which needs `--allow-net`), `node:dns`'s
 * `resolve4` and `resolve6` under Node.js and Bun. Both ask DNS itself,
 * not the hosts file.
 *
 * @param hostname The name to look up.
 * @param recordType `"A"` or `"AAAA"`.
 * @returns The addresses.
 * @throws {Error} When the name has no such record.
 */
export function systemResolver(
  hostname: string,
  recordType: "A" | "AAAA",
): Promise<string[]> {
  return resolveDns(hostname, recordType);
}

/**
 * The default resolver, by its former name.
 *
 * @deprecated Use {@linkcode systemResolver}: it is the same function,
 * and is not Deno's only.
 */
export const denoResolver: Resolver = systemResolver;

/**
 * Looks a name's A and AAAA records up (in parallel) and makes node
 * addresses of them: `ip:port` and `[ipv6]:port`, sorted, without repeats.
 * One record type failing is fine (a name often has no AAAA).
 *
 * @param name The name and port.
 * @param resolver How to look names up.
 * @default {systemResolver} resolver
 * @returns The node addresses, at least one.
 * @throws {Error} When both lookups fail, or find no address.
 *
 * @example With a resolver of our own
 * ```ts
 * import { resolveNodes } from "@cachemir/client/discovery";
 * const fake = (_name: string, type: "A" | "AAAA") =>
 *   Promise.resolve(type === "A" ? ["10.0.0.2", "10.0.0.1"] : ["fd00::1"]);
 * console.log(await resolveNodes({ hostname: "cache", port: 7379 }, fake));
 * // [ "10.0.0.1:7379", "10.0.0.2:7379", "[fd00::1]:7379" ]
 * ```
 */
export async function resolveNodes(
  name: DnsNodes,
  resolver: Resolver = systemResolver,
): Promise<string[]> {
  const [a, aaaa] = await Promise.allSettled([
    resolver(name.hostname, "A"),
    resolver(name.hostname, "AAAA"),
  ]);
  const spec = `${PREFIX}${name.hostname}:${name.port}`;
  if (a.status === "rejected" && aaaa.status === "rejected") {
    throw new Error(
      `Cannot discover nodes from ${spec}: ${(a.reason as Error)?.message}`,
      { cause: a.reason },
    );
  }
  const found = new Set<string>();
  for (const result of [a, aaaa]) {
    if (result.status !== "fulfilled") continue;
    for (const ip of result.value) {
      found.add(formatAddress({ hostname: ip, port: name.port }));
    }
  }
  if (found.size === 0) {
    throw new Error(
      `Cannot discover nodes from ${spec}: the name has no A or AAAA records`,
    );
  }
  return [...found].sort();
}
