/**
 * An in-process TCP proxy for fault drills: it listens on 127.0.0.1 and
 * forwards every connection to one target, and its mode — changed at any
 * time, for new and open connections alike — injects a network fault:
 *
 * - `pass`: forwards both ways.
 * - `blackhole`: accepts and swallows; never answers, never closes. New
 *   connections are not even forwarded to the target.
 * - `delay`: forwards both ways, each chunk `ms` later (order kept).
 * - `reset`: forwards requests; of each reply chunk, forwards the first half
 *   and then closes the connection (both sides). Deno cannot send a TCP RST,
 *   so the client sees the connection end mid-reply (FIN).
 * - `halfOpen`: forwards requests to the target but no reply back, and
 *   closes nothing: the client's side stays open and silent.
 *
 * A connection that lost bytes one way (swallowed by `blackhole` or
 * `halfOpen`) never forwards that way again, even once the mode is `pass`: resuming a stream with
 * a hole would pair replies with the wrong requests, which no real network
 * does. It keeps swallowing until the client closes it.
 *
 * @example Delay every chunk by 200 ms, then heal
 * ```ts no-eval
 * import { TcpProxy } from "./tcp_proxy.ts";
 * const proxy = await TcpProxy.start({ hostname: "127.0.0.1", port: 7379 });
 * console.log(proxy.address); // 127.0.0.1:<port>: give it to the client
 * proxy.setMode({ kind: "delay", ms: 200 });
 * proxy.setMode({ kind: "pass" });
 * await proxy.close();
 * ```
 *
 * @module
 */

/** What the proxy does to the bytes it carries. */
export type ProxyMode =
  | { readonly kind: "pass" }
  | { readonly kind: "blackhole" }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "reset" }
  | { readonly kind: "halfOpen" };

/** Where the proxy forwards to. */
export interface ProxyTarget {
  /** The target's host. */
  readonly hostname: string;
  /** The target's port. */
  readonly port: number;
}

/** One client connection and its (possible) upstream. */
interface Link {
  readonly client: Deno.Conn;
  upstream: Deno.Conn | undefined;
  /** Directions that lost bytes: they swallow from now on. */
  readonly lost: { request: boolean; reply: boolean };
  closed: boolean;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

function closeQuietly(conn: Deno.Conn | undefined): void {
  try {
    conn?.close();
  } catch { /* already closed */ }
}

/** A TCP proxy whose mode injects network faults (see the module's doc). */
export class TcpProxy {
  readonly #listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
  readonly #target: ProxyTarget;
  readonly #links = new Set<Link>();
  readonly #tasks = new Set<Promise<void>>();
  #mode: ProxyMode = { kind: "pass" };
  #closed = false;
  readonly #accepting: Promise<void>;

  private constructor(
    listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>,
    target: ProxyTarget,
  ) {
    this.#listener = listener;
    this.#target = target;
    this.#accepting = this.#accept();
  }

  /**
   * Starts a proxy on 127.0.0.1 to `target`.
   *
   * @param target Where connections are forwarded.
   * @param port The port to listen on (0: a free one).
   * @returns The running proxy, in `pass` mode.
   */
  static start(target: ProxyTarget, port = 0): Promise<TcpProxy> {
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    return Promise.resolve(new TcpProxy(listener, target));
  }

  /** The port it listens on. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** `127.0.0.1:port`: the address clients use. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The current mode. */
  get mode(): ProxyMode {
    return this.#mode;
  }

  /** How many client connections are open. */
  get connections(): number {
    return this.#links.size;
  }

  /**
   * Changes the mode, for new and open connections.
   *
   * @param mode The new mode.
   */
  setMode(mode: ProxyMode): void {
    if (mode.kind === "delay" && !(mode.ms >= 0)) {
      throw new RangeError(`delay must be >= 0 ms, got ${mode.ms}`);
    }
    this.#mode = mode;
  }

  /**
   * Closes every connection (both sides), e.g. to make a client reconnect.
   */
  dropConnections(): void {
    for (const link of this.#links) this.#end(link);
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch { /* closed */ }
    this.dropConnections();
    await this.#accepting;
    await Promise.allSettled([...this.#tasks]);
  }

  #track(task: Promise<void>): void {
    const t = task.catch(() => {}).finally(() => this.#tasks.delete(t));
    this.#tasks.add(t);
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) {
        if (this.#closed) {
          closeQuietly(client);
          break;
        }
        const link: Link = {
          client,
          upstream: undefined,
          lost: { request: false, reply: false },
          closed: false,
        };
        this.#links.add(link);
        this.#track(this.#serve(link));
      }
    } catch {
      // The listener was closed.
    }
  }

  #end(link: Link): void {
    if (link.closed) return;
    link.closed = true;
    closeQuietly(link.client);
    closeQuietly(link.upstream);
    this.#links.delete(link);
  }

  async #serve(link: Link): Promise<void> {
    if (this.#mode.kind === "blackhole") {
      // Accepted, swallowed, never forwarded.
      link.lost.request = link.lost.reply = true;
      await this.#swallow(link);
      return;
    }
    try {
      link.upstream = await Deno.connect({
        hostname: this.#target.hostname,
        port: this.#target.port,
      });
    } catch {
      this.#end(link); // the target is gone: as a refused connection would
      return;
    }
    if (link.closed) {
      closeQuietly(link.upstream);
      return;
    }
    await Promise.allSettled([
      this.#pump(link, link.client, link.upstream, "request"),
      this.#pump(link, link.upstream, link.client, "reply"),
    ]);
    this.#end(link);
  }

  /** Reads the client's bytes and drops them until it closes. */
  async #swallow(link: Link): Promise<void> {
    const buf = new Uint8Array(16 * 1024);
    try {
      while ((await link.client.read(buf)) !== null) { /* dropped */ }
    } catch { /* closed */ }
    this.#end(link);
  }

  async #pump(
    link: Link,
    from: Deno.Conn,
    to: Deno.Conn,
    direction: "request" | "reply",
  ): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    // Delayed chunks are written in order by one chain.
    let chain: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        const chunk = buf.slice(0, n);
        const mode = this.#mode;
        if (link.lost[direction]) continue;
        switch (mode.kind) {
          case "pass":
            await chain;
            await writeAll(to, chunk);
            break;
          case "delay": {
            const due = performance.now() + mode.ms;
            chain = chain.then(async () => {
              const wait = due - performance.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
              if (!link.closed) await writeAll(to, chunk);
            });
            chain.catch(() => this.#end(link));
            break;
          }
          case "blackhole":
            link.lost.request = link.lost.reply = true;
            break;
          case "halfOpen":
            if (direction === "request") {
              await chain;
              await writeAll(to, chunk);
            } else {
              link.lost.reply = true;
            }
            break;
          case "reset":
            if (direction === "request") {
              await chain;
              await writeAll(to, chunk);
            } else {
              await chain;
              await writeAll(to, chunk.subarray(0, chunk.length >> 1));
              this.#end(link);
              return;
            }
            break;
        }
      }
      await chain;
    } catch {
      // Either side closed or failed.
    }
    // One side ended: the other follows, unless the client's side is
    // swallowing (a black hole or half-open link stays open until the client
    // closes it; the request pump still reads it).
    if (direction === "reply" && link.lost.reply) return;
    this.#end(link);
  }
}
