/**
 * A promise with its settle functions outside: what `Promise.withResolvers`
 * gives, which Node.js 20 lacks (the npm package runs there). Private to
 * the package.
 *
 * @module
 */

/** A promise and the functions that settle it. */
export interface Deferred<T> {
  /** Settles when `resolve` or `reject` is called. */
  readonly promise: Promise<T>;
  /** Fulfils `promise`. */
  readonly resolve: (value: T | PromiseLike<T>) => void;
  /** Rejects `promise`. */
  readonly reject: (reason?: unknown) => void;
}

/**
 * Makes a {@linkcode Deferred}.
 *
 * @returns A pending promise and its settle functions.
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
