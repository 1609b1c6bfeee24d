/**
 * The differential harness: a real `redis-server` and a CacheMir node side
 * by side, the same seeded command sequence sent to both over RESP in
 * pipelined batches, every pair of replies compared.
 *
 * @module
 */

import { COMMANDS } from "@cachemir/protocol";
import { RespClient, type RespValue } from "../_helpers/resp_client.ts";
import { freePort } from "../_helpers/node_process.ts";
import type { CommandGen, Comparator, Family, Gen, Step } from "./_gen.ts";
import { isError, near, show } from "./_compare.ts";
import { startRespNode } from "../_helpers/resp_node.ts";

/** A running redis-server. */
export interface RedisProcess {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Stops it (SIGTERM, then waits). */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free 127.0.0.1 port, without persistence, and
 * waits until it answers PING.
 *
 * @param timeoutMs How long to wait for it.
 * @param extraArgs More flags for redis-server (`--requirepass p`...).
 * @returns The process.
 * @throws {Error} When it does not start.
 */
export async function startRedis(
  timeoutMs = 10_000,
  extraArgs: readonly string[] = [],
): Promise<RedisProcess> {
  let lastError = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = freePort();
    const child = new Deno.Command("redis-server", {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
        ...extraArgs,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    let exited = false;
    output.then(() => (exited = true), () => (exited = true));
    const deadline = Date.now() + timeoutMs;
    while (!exited && Date.now() < deadline) {
      try {
        const c = await RespClient.connect(port);
        const pong = await c.call("PING");
        c.close();
        // With --requirepass, NOAUTH says it is up as well as PONG does.
        if (
          (pong as { status?: string }).status === "PONG" ||
          (pong as { error?: string }).error?.startsWith("NOAUTH")
        ) {
          return {
            port,
            async stop() {
              try {
                child.kill("SIGTERM");
              } catch { /* gone */ }
              await output;
            },
          };
        }
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    const out = await output;
    lastError = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
  }
  throw new Error(`redis-server did not start:\n${lastError}`);
}

function sameValue(a: RespValue, b: RespValue): boolean {
  return show(a) === show(b);
}

/**
 * The seed of a differential run: `CACHEMIR_SEED` when set, else a random
 * one (print it, so that a failure can be rerun).
 *
 * @returns The seed.
 * @throws {Error} When `CACHEMIR_SEED` is not an integer.
 */
export function seedFromEnv(): number {
  const env = Deno.env.get("CACHEMIR_SEED");
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isSafeInteger(n)) {
      throw new Error(
        `CACHEMIR_SEED must be an integer, got ${JSON.stringify(env)}`,
      );
    }
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * Starts a `redis-server` and an in-process CacheMir node with a RESP port,
 * connects to both, runs `fn`, and stops everything, whatever `fn` did.
 *
 * @param fn The test, given a connection to each server.
 * @returns What `fn` returns.
 */
export async function withServers<T>(
  fn: (redis: RespClient, node: RespClient) => Promise<T>,
): Promise<T> {
  const redisProcess = await startRedis();
  const stack = new AsyncDisposableStack();
  stack.defer(() => redisProcess.stop());
  try {
    const node = await startRespNode();
    stack.defer(() => node.close());
    const redis = await RespClient.connect(redisProcess.port);
    stack.defer(() => redis.close());
    const client = await RespClient.connect(node.respPort);
    stack.defer(() => client.close());
    return await fn(redis, client);
  } finally {
    await stack.disposeAsync();
  }
}

/** What a differential run did. */
export interface RunResult {
  /** Commands generated and compared (follow-ups not counted). */
  readonly commands: number;
  /** Commands per name. */
  readonly counts: ReadonlyMap<string, number>;
}

/** Options of {@linkcode runDifferential}. */
export interface RunOptions {
  /** The random source (seeded). */
  readonly gen: Gen;
  /** The seed, for failure messages. */
  readonly seed: number;
  /** The command families to draw from. */
  readonly families: readonly Family[];
  /** How many commands to generate. */
  readonly commands: number;
  /** Connection to Redis. */
  readonly redis: RespClient;
  /** Connection to the CacheMir node. */
  readonly node: RespClient;
  /**
   * Commands per pipelined batch.
   * @default {200}
   */
  readonly batch?: number;
  /**
   * Compare the whole keyspace every this many batches.
   * @default {10}
   */
  readonly snapshotEvery?: number;
}

/** A mismatch: the message names the seed, the command and both replies. */
export class DifferenceError extends Error {
  /** @param message The details. */
  constructor(message: string) {
    super(message);
    this.name = "DifferenceError";
  }
}

const ARITY = new Map(COMMANDS.map((c) => [c.name, c.arity]));

/** A command with a number of arguments its arity refuses, or `undefined`. */
function wrongArity(g: Gen, name: string): string[] | undefined {
  const arity = ARITY.get(name);
  if (arity === undefined || arity === -1) return undefined;
  let argc: number;
  if (arity > 0) {
    do argc = g.int(1, arity + 2); while (argc === arity);
  } else {
    argc = g.int(1, -arity - 1);
  }
  return [name, ...Array.from({ length: argc - 1 }, () => g.key())];
}

function randomCase(g: Gen, name: string): string {
  if (!g.chance(0.2)) return name;
  return g.chance(0.5) ? name.toLowerCase() : g.word(name);
}

/** A family's command generator, with its name. */
export interface CommandRow {
  readonly name: string;
  readonly make: CommandGen;
}

/**
 * Draws the families' commands at random, each as often as its family's
 * weight for it says (1 by default).
 *
 * @param g The generator.
 * @param families The families.
 * @returns A function that draws one command's row.
 */
export function commandPicker(
  g: Gen,
  families: readonly Family[],
): () => CommandRow {
  const table: (CommandRow & { weight: number })[] = [];
  for (const f of families) {
    for (const [name, make] of Object.entries(f.commands)) {
      table.push({ name, weight: f.weights?.[name] ?? 1, make });
    }
  }
  const total = table.reduce((s, r) => s + r.weight, 0);
  return () => {
    let x = g.random() * total;
    for (const r of table) {
      x -= r.weight;
      if (x < 0) return r;
    }
    return table[table.length - 1];
  };
}

/**
 * Sends the same random commands to Redis and to the node and compares the
 * replies; also compares the whole keyspace (keys, types, values, TTLs)
 * every few batches and at the end.
 *
 * @param options The generator, families, connections and sizes.
 * @returns How many commands were compared.
 * @throws {DifferenceError} At the first difference, naming the seed, the
 * command, both replies and the commands before it.
 */
export async function runDifferential(options: RunOptions): Promise<RunResult> {
  const { gen: g, families, redis, node } = options;
  const batchSize = options.batch ?? 200;
  const snapshotEvery = options.snapshotEvery ?? 10;
  const pickRow = commandPicker(g, families);
  const counts = new Map<string, number>();
  const history: string[] = [];

  const pickStep = (): Step => {
    if (g.chance(0.003)) {
      return {
        args: [g.pick(["NOSUCHCMD", "foo", "GETX"]), ...g.keys(g.int(0, 3))],
      };
    }
    const row = pickRow();
    counts.set(row.name, (counts.get(row.name) ?? 0) + 1);
    if (g.chance(0.02)) {
      const bad = wrongArity(g, row.name);
      if (bad !== undefined) return { args: bad };
    }
    const made = row.make(g);
    const step = Array.isArray(made) ? { args: made } : made;
    return {
      args: [randomCase(g, step.args[0]), ...step.args.slice(1)],
      compare: step.compare,
    };
  };

  const compare = async (
    step: Step,
    a: RespValue,
    b: RespValue,
    index: number,
  ): Promise<void> => {
    const c: Comparator | undefined = step.compare;
    let ra = a;
    let rb = b;
    if (c?.followUp !== undefined && !isError(ra) && !isError(rb)) {
      [ra, rb] = await Promise.all([
        c.followUp(redis, ra, step),
        c.followUp(node, rb, step),
      ]);
    }
    if (c?.normalize !== undefined) {
      ra = c.normalize(ra, step);
      rb = c.normalize(rb, step);
    }
    const same = c?.equal !== undefined ? c.equal(ra, rb) : sameValue(ra, rb);
    if (same) return;
    throw new DifferenceError(
      [
        `Redis and CacheMir differ (seed ${options.seed}, command #${index}${
          c ? `, compared ${c.name}` : ""
        }):`,
        `  command:  ${show(step.args)}`,
        `  redis:    ${show(ra)}${ra !== a ? ` (raw ${show(a)})` : ""}`,
        `  cachemir: ${show(rb)}${rb !== b ? ` (raw ${show(b)})` : ""}`,
        `  rerun: CACHEMIR_SEED=${options.seed} deno test -A tests/compat/`,
        `  the commands before it:`,
        ...history.slice(-Number(Deno.env.get("CACHEMIR_HISTORY") ?? 15)).map((
          h,
        ) => `    ${h}`),
      ].join("\n"),
    );
  };

  const runBatch = async (steps: Step[], first: number): Promise<void> => {
    const commands = steps.map((s) => s.args);
    const [ra, rb] = await Promise.all([
      redis.pipeline(commands),
      node.pipeline(commands),
    ]);
    for (let i = 0; i < steps.length; i++) {
      await compare(steps[i], ra[i], rb[i], first + i);
      history.push(show(steps[i].args));
      if (history.length > 50) history.splice(0, history.length - 20);
    }
  };

  const snapshot = async (index: number): Promise<void> => {
    const keysStep: Step = { args: ["KEYS", "*"] };
    const [ka, kb] = await Promise.all([
      redis.call("KEYS", "*"),
      node.call("KEYS", "*"),
    ]);
    const sort = (v: RespValue): RespValue =>
      Array.isArray(v) ? [...(v as string[])].sort() : v;
    await compare(keysStep, sort(ka), sort(kb), index);
    const steps: Step[] = [];
    const types = await redis.pipeline(
      (ka as string[]).map((k) => ["TYPE", k]),
    );
    (ka as string[]).forEach((key, i) => {
      steps.push({ args: ["TYPE", key] });
      steps.push({ args: ["PTTL", key], compare: near(1000) });
      const type = (types[i] as { status: string }).status;
      for (const f of families) {
        const read = f.snapshot?.[type];
        if (read !== undefined) steps.push(...read(key));
      }
    });
    if (steps.length > 0) await runBatch(steps, index);
  };

  let pending: Step[] = [];
  let first = 0;
  let batches = 0;
  for (let i = 0; i < options.commands; i++) {
    const step = pickStep();
    pending.push(step);
    if (pending.length >= batchSize || step.compare?.followUp !== undefined) {
      await runBatch(pending, first);
      first = i + 1;
      pending = [];
      if (++batches % snapshotEvery === 0) await snapshot(i);
    }
  }
  if (pending.length > 0) await runBatch(pending, first);
  await snapshot(options.commands);
  return { commands: options.commands, counts };
}
