/**
 * Runs fast-check properties with the repository's fuzzing knobs: a fixed
 * number of cases in the default run (CI), more when asked.
 *
 * Environment (all optional):
 * - `FUZZ_RUNS=N`: run each property N times instead of its default.
 * - `FUZZ_SECONDS=S`: run each property for S seconds (as many cases as fit).
 * - `FUZZ_DEADLINE=ms`: never run a property past this epoch time.
 * - `FUZZ_SEED=n`: the seed (default: fast-check's random one, printed on
 *   failure with the path to replay the shrunk counterexample).
 * - `FUZZ_PATH=p`: with `FUZZ_SEED`, replay the failing case at this path
 *   (both printed on failure).
 * - `FUZZ_REPORT=path`: append `name<TAB>cases<TAB>seed` per property run.
 *
 * @module
 */

import fc from "fast-check";
import type { Reply } from "@cachemir/protocol";

/** Joins byte arrays (the client tests' helper). */
export { concat as concatBytes } from "../../client/_test_utils.ts";

function envNumber(name: string): number | undefined {
  const text = Deno.env.get(name);
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`${name}=${text} is not a number`);
  return n;
}

/**
 * The fast-check parameters for one property.
 *
 * @param defaultRuns The cases the default run (CI) makes.
 * @returns Parameters honouring `FUZZ_RUNS`, `FUZZ_SECONDS`, `FUZZ_DEADLINE`,
 * `FUZZ_SEED` and `FUZZ_PATH`.
 */
export function fuzzParameters<T>(defaultRuns: number): fc.Parameters<T> {
  const runs = envNumber("FUZZ_RUNS");
  const seconds = envNumber("FUZZ_SECONDS");
  const deadline = envNumber("FUZZ_DEADLINE");
  const seed = envNumber("FUZZ_SEED");
  const params: fc.Parameters<T> = { numRuns: runs ?? defaultRuns };
  if (seed !== undefined) params.seed = seed | 0;
  const path = Deno.env.get("FUZZ_PATH");
  if (path !== undefined && path !== "") params.path = path;
  let budget = seconds === undefined ? undefined : seconds * 1000;
  if (deadline !== undefined) {
    const left = Math.max(0, deadline - Date.now());
    budget = budget === undefined ? left : Math.min(budget, left);
  }
  if (budget !== undefined) {
    if (seconds !== undefined && runs === undefined) {
      params.numRuns = 2 ** 31 - 1;
    }
    params.interruptAfterTimeLimit = Math.max(1, Math.floor(budget));
    params.markInterruptAsFailure = false;
  }
  return params;
}

/**
 * Checks a property, reports the cases run (`FUZZ_REPORT`) and throws
 * fast-check's report (seed, path, counterexample) when it fails.
 *
 * @param name A name for the report.
 * @param property The property.
 * @param defaultRuns The cases the default run (CI) makes.
 * @returns The number of cases run.
 */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  defaultRuns: number,
): Promise<number> {
  const params = fuzzParameters<Ts>(defaultRuns);
  const check = fc.check as (
    p: unknown,
    params: fc.Parameters<Ts>,
  ) => fc.RunDetails<Ts> | Promise<fc.RunDetails<Ts>>;
  const details = await check(property, params);
  // A budget spent before the first case (FUZZ_DEADLINE passed) is no
  // failure: nothing was tried.
  const failed = details.failed &&
    !(details.interrupted && details.counterexample === null);
  const report = Deno.env.get("FUZZ_REPORT");
  if (report !== undefined && report !== "") {
    await Deno.writeTextFile(
      report,
      `${name}\t${details.numRuns}\t${details.seed}\t${
        failed ? "FAILED" : "ok"
      }\n`,
      { append: true },
    );
  }
  if (failed) {
    throw new Error(
      `${name}: ${fc.defaultReportMessage(details) ?? "failed"}\n${
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance)
      }`,
    );
  }
  return details.numRuns;
}

/** The largest length asked of each array constructor while a function ran. */
export interface Allocations {
  /** Largest `new Uint8Array(n)`, `new Int32Array(n)` or `new Float64Array(n)`. */
  typed: number;
  /** Largest `new Array(n)`. */
  array: number;
}

/**
 * Runs `fn` with the global `Uint8Array`, `Int32Array`, `Float64Array` and
 * `Array` constructors watched, and returns the largest length any of them
 * was asked for (array literals and `Array.from` are not seen: the code
 * under test sizes its buffers with `new`).
 *
 * @param fn The code to watch.
 * @returns The largest lengths asked for.
 */
export function watchAllocations(fn: () => void): Allocations {
  const seen: Allocations = { typed: 0, array: 0 };
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = {
    Uint8Array: g.Uint8Array,
    Int32Array: g.Int32Array,
    Float64Array: g.Float64Array,
    Array: g.Array,
  };
  type Ctor = new (...a: unknown[]) => object;
  const watch = (ctor: Ctor, field: keyof Allocations): Ctor => {
    const proxy: Ctor = new Proxy(ctor, {
      construct(target, args, newTarget) {
        if (typeof args[0] === "number") {
          seen[field] = Math.max(seen[field], args[0]);
        }
        return Reflect.construct(
          target,
          args,
          newTarget === proxy ? target : newTarget,
        );
      },
    });
    return proxy;
  };
  try {
    for (const name of ["Uint8Array", "Int32Array", "Float64Array"] as const) {
      g[name] = watch(saved[name] as Ctor, "typed");
    }
    g.Array = watch(saved.Array as Ctor, "array");
    fn();
  } finally {
    Object.assign(g, saved);
  }
  return seen;
}

/**
 * Cuts `bytes` into chunks at the given points (taken modulo its length,
 * duplicates dropped): one way a stream may arrive.
 *
 * @param bytes The stream.
 * @param cuts Cut points, any non-negative integers.
 * @returns The chunks, in order; they join to `bytes`.
 */
export function splitBytes(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [
    ...new Set(cuts.map((c) => c % (bytes.length + 1))),
  ].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    if (p > at) out.push(bytes.subarray(at, p));
    at = Math.max(at, p);
  }
  if (at < bytes.length || out.length === 0) out.push(bytes.subarray(at));
  return out;
}

/** Cut points for {@linkcode splitBytes}: none, a few, or one per byte. */
export const cutsArbitrary: fc.Arbitrary<number[]> = fc.oneof(
  fc.constant<number[]>([]),
  fc.array(fc.nat(), { maxLength: 8 }),
  fc.constant(Array.from({ length: 4096 }, (_, i) => i)),
);

/**
 * A byte string's bytes (one byte per char).
 *
 * @param s The byte string.
 * @returns Its bytes.
 */
export function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * A key or member as a counterexample shows it: quoted, or its length when
 * long.
 *
 * @param s The byte string.
 * @returns A short description.
 */
export function showKey(s: string): string {
  return s.length > 20 ? `<${s.length} bytes>` : JSON.stringify(s);
}

/** A mutation of a byte stream: set, insert or delete a byte, or cut the tail. */
export type Mutation =
  | { readonly op: "set"; readonly at: number; readonly byte: number }
  | { readonly op: "insert"; readonly at: number; readonly byte: number }
  | { readonly op: "delete"; readonly at: number }
  | { readonly op: "truncate"; readonly at: number };

/** A few mutations to apply with {@linkcode mutate}. */
export const mutationsArbitrary: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    fc.record({
      op: fc.constant("set" as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      op: fc.constant("insert" as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
    fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  ),
  { minLength: 1, maxLength: 4 },
);

/**
 * Applies mutations to a copy of `bytes`.
 *
 * @param bytes The valid stream.
 * @param mutations What to change (positions taken modulo the length).
 * @returns The changed copy.
 */
export function mutate(
  bytes: Uint8Array,
  mutations: readonly Mutation[],
): Uint8Array {
  const b = [...bytes];
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.op === "set" && at < b.length) b[at] = m.byte;
    else if (m.op === "insert") b.splice(at, 0, m.byte);
    else if (m.op === "delete" && at < b.length) b.splice(at, 1);
    else if (m.op === "truncate") b.length = at;
  }
  return Uint8Array.from(b);
}

/**
 * A model-based test's command made of a name and a function: `run`
 * applies it to the model and to the real object and asserts they agree.
 *
 * @param name What the command does, for the counterexample.
 * @param run Applies the command to both and checks their answers.
 * @returns A fast-check command that always applies.
 */
export function command<M extends object, R>(
  name: string,
  run: (model: M, real: R) => void,
): fc.Command<M, R> {
  return { check: () => true, run, toString: () => name };
}

/**
 * A byte string (one char per byte, 0–255) drawn mostly from a small pool,
 * so that commands meet the same fields, members and keys again.
 *
 * @param pool How many distinct pooled strings.
 * @returns The arbitrary.
 */
export function byteStringArbitrary(pool = 24): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.nat(pool - 1).map((i) => `f${i}`) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) =>
        String.fromCharCode(...b)
      ),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 200, maxLength: 300 }).map((b) =>
        String.fromCharCode(...b)
      ),
    },
  );
}

const byteString = fc.uint8Array({ maxLength: 20 }).map((b) =>
  String.fromCharCode(...b)
);

/**
 * Every reply value the binary writer makes, in the form the decoder gives
 * back (a NULL without `array`, an int a number when safe, BYTES as bytes).
 */
export const replyArbitrary: fc.Arbitrary<Reply> =
  fc.letrec<{ reply: Reply }>((tie) => ({
    reply: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant<Reply>({ kind: "ok" }),
      fc.constant<Reply>({ kind: "null" }),
      fc.oneof(
        fc.integer({
          min: Number.MIN_SAFE_INTEGER,
          max: Number.MAX_SAFE_INTEGER,
        }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) =>
          v >= BigInt(Number.MIN_SAFE_INTEGER) &&
            v <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(v)
            : v
        ),
      ).map((value): Reply => ({ kind: "int", value })),
      fc.double().map((value): Reply => ({ kind: "float", value })),
      fc.uint8Array({ maxLength: 40 }).map((value): Reply => ({
        kind: "bytes",
        value,
      })),
      byteString.map((value): Reply => ({ kind: "status", value })),
      fc.tuple(
        fc.stringMatching(/^[A-Z]{1,10}$/),
        fc.string({ maxLength: 30 }),
      ).map(([code, message]): Reply => ({ kind: "error", code, message })),
      fc.array(tie("reply"), { maxLength: 4 }).map((value): Reply => ({
        kind: "array",
        value,
      })),
      fc.array(tie("reply"), { maxLength: 4 }).map((value): Reply => ({
        kind: "set",
        value,
      })),
      fc.array(fc.tuple(tie("reply"), tie("reply")), { maxLength: 3 }).map((
        value,
      ): Reply => ({ kind: "map", value })),
    ),
  })).reply;
