/**
 * A well-behaved client that keeps writing and reading its own keys while a
 * test attacks the node on other connections: the proof that bad input from
 * one client never costs another client its data.
 *
 * @module
 */

import {
  commandByName,
  encodeRequest,
  fromByteString,
  type Reply,
  toByteString,
} from "@cachemir/protocol";
import type { Prng } from "./prng.ts";
import { RawClient } from "./raw_client.ts";
import { type RespClient, type RespValue } from "./resp_client.ts";

/** Which port a witness talks to. */
export type WitnessPort = "binary" | "resp";

/** What a witness needs. */
export interface WitnessOptions {
  /** The port's protocol. */
  readonly kind: WitnessPort;
  /** The connected client (a `RawClient` for binary, a `RespClient` for RESP). */
  readonly client: RawClient | RespClient;
  /** Picks keys and values; the witness owns it. */
  readonly prng: Prng;
  /** Distinct keys it writes, prefixed `witness:<kind>:`. */
  readonly keys?: number;
  /** Largest value, in bytes (values hold any byte 0x00–0xFF). */
  readonly maxValueBytes?: number;
  /** Pause between rounds, so that it does not hog a shared CPU. */
  readonly pauseMs?: number;
  /** Longest wait for one round's replies before it counts as a failure. */
  readonly replyTimeoutMs?: number;
}

const SET = commandByName("SET")!.opcode;
const GET = commandByName("GET")!.opcode;
const MGET = commandByName("MGET")!.opcode;

/**
 * Runs rounds of `SET k v; GET k; GET k2` (one pipelined write each) and
 * checks every reply against what it wrote before; `stop()` reads every key
 * back once more.
 *
 * @example Watch a node while attacking it
 * ```ts ignore
 * const w = new Witness({ kind: "resp", client, prng: new Prng(1) });
 * // ... attack ...
 * await w.progress(3, 5_000);
 * await w.stop();
 * assert.deepEqual(w.failures, []);
 * ```
 */
export class Witness {
  #kind: WitnessPort;
  #client: RawClient | RespClient;
  #prng: Prng;
  #keys: number;
  #maxValue: number;
  #pauseMs: number;
  #replyTimeoutMs: number;
  #expected = new Map<string, string>();
  #rounds = 0;
  #checked = 0;
  #failures: string[] = [];
  #stopping = false;
  #loop: Promise<void>;

  /**
   * Starts the rounds at once.
   *
   * @param options The client and how to pick keys and values.
   */
  constructor(options: WitnessOptions) {
    this.#kind = options.kind;
    this.#client = options.client;
    this.#prng = options.prng;
    this.#keys = options.keys ?? 64;
    this.#maxValue = options.maxValueBytes ?? 2048;
    this.#pauseMs = options.pauseMs ?? 2;
    this.#replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
    this.#loop = this.#run();
  }

  /** Rounds completed. */
  get rounds(): number {
    return this.#rounds;
  }

  /** Values read back and compared. */
  get checked(): number {
    return this.#checked;
  }

  /** What went wrong, one line each; empty while all is well. */
  get failures(): readonly string[] {
    return this.#failures;
  }

  /**
   * Waits until `n` more rounds complete.
   *
   * @param n How many.
   * @param timeoutMs The longest wait.
   * @throws {Error} When they do not complete in time, or the witness failed.
   */
  async progress(n: number, timeoutMs: number): Promise<void> {
    const target = this.#rounds + n;
    const deadline = performance.now() + timeoutMs;
    while (this.#rounds < target) {
      if (this.#failures.length > 0) {
        throw new Error(`${this.#kind} witness failed: ${this.#failures[0]}`);
      }
      if (performance.now() > deadline) {
        throw new Error(
          `${this.#kind} witness made ${
            n - (target - this.#rounds)
          } of ${n} rounds in ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Stops the rounds, then reads every key it wrote and compares.
   *
   * @returns When done; failures are in `failures`.
   */
  async stop(): Promise<void> {
    if (this.#stopping) return await this.#loop;
    this.#stopping = true;
    await this.#loop;
    if (this.#failures.length > 0) return;
    const keys = [...this.#expected.keys()];
    try {
      const got = await this.#timed(this.#mget(keys), "MGET of every key");
      keys.forEach((k, i) => this.#compare(`final MGET ${k}`, k, got[i]));
    } catch (e) {
      this.#failures.push((e as Error).message);
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopping && this.#failures.length === 0) {
      const key = this.#key(this.#prng.int(this.#keys));
      const other = this.#key(this.#prng.int(this.#keys));
      const value = toByteString(
        this.#prng.bytes(this.#prng.between(0, this.#maxValue)),
      );
      try {
        const [ok, got, gotOther] = await this.#timed(
          this.#round(key, value, other),
          `round ${this.#rounds}`,
        );
        if (ok !== "OK") {
          this.#failures.push(`SET ${key} replied ${JSON.stringify(ok)}`);
          return;
        }
        const before = this.#expected.get(other);
        this.#expected.set(key, value);
        this.#compare(`GET after SET`, key, got);
        this.#compare(`GET`, other, gotOther, other === key ? value : before);
      } catch (e) {
        this.#failures.push((e as Error).message);
        return;
      }
      this.#rounds++;
      await new Promise((resolve) => setTimeout(resolve, this.#pauseMs));
    }
  }

  #key(i: number): string {
    return `witness:${this.#kind}:${i}`;
  }

  #compare(
    what: string,
    key: string,
    got: string | null,
    want: string | undefined = this.#expected.get(key),
  ): void {
    this.#checked++;
    if (got === (want ?? null)) return;
    this.#failures.push(
      `${what} ${key}: got ${describe(got)}, want ${describe(want ?? null)}`,
    );
  }

  /** One pipelined write: SET key value, GET key, GET other. */
  async #round(
    key: string,
    value: string,
    other: string,
  ): Promise<[string, string | null, string | null]> {
    if (this.#client instanceof RawClient) {
      const c = this.#client;
      const v = fromByteString(value);
      const frames = [
        encodeRequest(1, SET, [fromByteString(key), v]),
        encodeRequest(2, GET, [fromByteString(key)]),
        encodeRequest(3, GET, [fromByteString(other)]),
      ];
      const all = new Uint8Array(frames.reduce((s, f) => s + f.length, 0));
      let p = 0;
      for (const f of frames) {
        all.set(f, p);
        p += f.length;
      }
      await c.write(all);
      const replies: Reply[] = [];
      for (let id = 1; id <= 3; id++) {
        const r = await c.read();
        if (r === undefined) throw new Error("binary witness: node closed");
        if (r.id !== id) {
          throw new Error(`binary witness: reply id ${r.id} for ${id}`);
        }
        replies.push(r.reply);
      }
      return [
        replies[0].kind === "ok" ? "OK" : JSON.stringify(replies[0]),
        binaryValue(replies[1]),
        binaryValue(replies[2]),
      ];
    }
    const replies = await this.#client.pipeline([
      ["SET", key, value],
      ["GET", key],
      ["GET", other],
    ]);
    const ok = replies[0] as { status?: string };
    return [
      ok?.status === "OK" ? "OK" : JSON.stringify(replies[0]),
      respValue(replies[1]),
      respValue(replies[2]),
    ];
  }

  async #mget(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    if (this.#client instanceof RawClient) {
      const r = await this.#client.call(MGET, ...keys.map(fromByteString));
      if (r.kind !== "array") throw new Error(`MGET replied ${r.kind}`);
      return r.value.map(binaryValue);
    }
    const r = await this.#client.call("MGET", ...keys);
    if (!Array.isArray(r)) throw new Error(`MGET replied ${JSON.stringify(r)}`);
    return r.map(respValue);
  }

  async #timed<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${this.#kind} witness: no reply to ${what} within ${this.#replyTimeoutMs} ms`,
            ),
          ),
        this.#replyTimeoutMs,
      );
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function binaryValue(r: Reply): string | null {
  if (r.kind === "null") return null;
  if (r.kind === "bytes") {
    return typeof r.value === "string" ? r.value : toByteString(r.value);
  }
  throw new Error(`binary witness: unexpected reply ${JSON.stringify(r)}`);
}

function respValue(v: RespValue | undefined): string | null {
  if (v === null || typeof v === "string") return v;
  throw new Error(`RESP witness: unexpected reply ${JSON.stringify(v)}`);
}

function describe(v: string | null): string {
  if (v === null) return "nil";
  return `${v.length} bytes ${JSON.stringify(v.slice(0, 16))}`;
}
