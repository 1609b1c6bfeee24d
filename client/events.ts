/**
 * The events a {@linkcode CacheMirClient} dispatches (it is an
 * `EventTarget`): a node going down or coming back, nodes added or removed
 * (by {@linkcode CacheMirClient.addNode}, {@linkcode CacheMirClient.removeNode}
 * or DNS discovery), and errors no command reports.
 *
 * @module
 */

/** The names of the node events. */
export type NodeEventType = "nodeDown" | "nodeUp" | "nodeAdded" | "nodeRemoved";

/**
 * Something happened to a node: it went down (`nodeDown`), answered its
 * health check again (`nodeUp`), or was added (`nodeAdded`) or removed
 * (`nodeRemoved`).
 *
 * @example Log nodes going down and up
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * const client = new CacheMirClient({ nodes: ["127.0.0.1:7379", "127.0.0.1:7380"] });
 * client.addEventListener("nodeDown", (e) => console.warn(`${e.address} down: ${e.error?.message}`));
 * client.addEventListener("nodeUp", (e) => console.info(`${e.address} back`));
 * ```
 */
export class NodeEvent extends Event {
  /** The node's address, `host:port`. */
  readonly address: string;
  /** For `nodeDown`: the failure that crossed the threshold. */
  readonly error: Error | undefined;

  /**
   * Makes a node event.
   *
   * @param type `nodeDown`, `nodeUp`, `nodeAdded` or `nodeRemoved`.
   * @param address The node's address.
   * @param error For `nodeDown`, the last failure.
   */
  constructor(type: NodeEventType, address: string, error?: Error) {
    super(type);
    this.address = address;
    this.error = error;
  }
}

/**
 * An error that no command rejects with: a pooled connection lost or
 * refused, a failed DNS discovery. Commands report their own failures.
 * Unlike Node.js's `EventEmitter`, an `error` event with no listener is
 * simply dropped.
 *
 * @example Log background errors
 * ```ts no-eval
 * import { CacheMirClient } from "@cachemir/client";
 * const client = new CacheMirClient({ nodes: "dns:cache.internal:7379" });
 * client.addEventListener("error", (e) => console.error(e.address, e.error.message));
 * ```
 */
export class ClientErrorEvent extends Event {
  /** What failed. */
  readonly error: Error;
  /** The node concerned, if any. */
  readonly address: string | undefined;

  /**
   * Makes an error event.
   *
   * @param error What failed.
   * @param address The node concerned, if any.
   */
  constructor(error: Error, address?: string) {
    super("error");
    this.error = error;
    this.address = address;
  }
}

/** The events of a {@linkcode CacheMirClient}, by name. */
export interface CacheMirClientEventMap {
  /** A node was marked down after `failureThreshold` consecutive failures. */
  nodeDown: NodeEvent;
  /** A down node answered its health check and serves its keys again. */
  nodeUp: NodeEvent;
  /** A node joined the client's ring. */
  nodeAdded: NodeEvent;
  /** A node left the client's ring. */
  nodeRemoved: NodeEvent;
  /** A background error. */
  error: ClientErrorEvent;
}
