/**
 * A promise with its settle functions outside: `Promise.withResolvers`
 * where the runtime has it (Deno, Node.js 22, Bun), chosen once — this is
 * every command's path — and a promise executor on Node.js 20, which lacks
 * it (the npm package runs there). Private to the package.
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
 * {@linkcode deferred} for runtimes without `Promise.withResolvers`.
 *
 * @returns A pending promise and its settle functions.
 */
export function deferredByExecutor<T>(): Deferred<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** `Promise.withResolvers`, where the runtime has it. */
const withResolvers = (Promise as {
  withResolvers?: <T>() => Deferred<T>;
}).withResolvers?.bind(Promise);

/**
 * Makes a {@linkcode Deferred}.
 *
 * @returns A pending promise and its settle functions.
 */
export const deferred: <T>() => Deferred<T> = withResolvers ??
  deferredByExecutor;
