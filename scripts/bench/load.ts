/**
 * Bulk loading with `redis-cli --pipe`: RESP requests generated from a
 * template (only the digits change from one request to the next) and
 * streamed into redis-cli's stdin, so that tens of millions of keys need
 * neither a file nor a string per key.
 *
 * @module
 */

import { killAfter, spawn } from "./procs.ts";

const encoder = new TextEncoder();

/** A run of decimal digits in a request, zero-padded to `width`. */
export interface Digits {
  /** How many digits. */
  readonly width: number;
  /** The number written there for request `i` (reduced modulo 10^width). */
  readonly of: (i: number) => number;
}

/** One part of an argument: fixed text or digits. */
export type Part = string | Digits;

/** A request compiled once: its bytes, and where the digits go. */
export interface Template {
  /** The request with zeros where digits go. */
  readonly bytes: Uint8Array;
  /** Offsets of the digit runs. */
  readonly slots: readonly { offset: number; digits: Digits }[];
}

/**
 * Digits of a request's number, e.g. `d(12)` for `000000000042`.
 *
 * @param width How many digits.
 * @param of The number for request `i` (default: `i`).
 * @returns The digit run.
 */
export function d(width: number, of: (i: number) => number = (i) => i): Digits {
  return { width, of };
}

/**
 * Compiles a request whose arguments are made of fixed text and digits.
 *
 * @param args The arguments, each a list of parts (or one string).
 * @returns The template.
 */
export function template(args: readonly (Part | readonly Part[])[]): Template {
  const chunks: Uint8Array[] = [];
  const slots: { offset: number; digits: Digits }[] = [];
  let size = 0;
  const push = (b: Uint8Array): void => {
    chunks.push(b);
    size += b.length;
  };
  push(encoder.encode(`*${args.length}\r\n`));
  for (const arg of args) {
    const parts: readonly Part[] = Array.isArray(arg) ? arg : [arg as Part];
    const len = parts.reduce(
      (n: number, p) =>
        n + (typeof p === "string" ? encoder.encode(p).length : p.width),
      0,
    );
    push(encoder.encode(`$${len}\r\n`));
    for (const p of parts) {
      if (typeof p === "string") push(encoder.encode(p));
      else {
        slots.push({ offset: size, digits: p });
        push(new Uint8Array(p.width).fill(48));
      }
    }
    push(encoder.encode("\r\n"));
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, slots };
}

/**
 * Writes request `i` of a template at `at`.
 *
 * @param t The template.
 * @param i The request's number.
 * @param out Where to write.
 * @param at Offset in `out` (must leave room for `t.bytes.length`).
 */
export function writeRequest(
  t: Template,
  i: number,
  out: Uint8Array,
  at: number,
): void {
  out.set(t.bytes, at);
  for (const { offset, digits } of t.slots) {
    let v = digits.of(i);
    for (let k = digits.width - 1; k >= 0; k--) {
      out[at + offset + k] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
  }
}

/**
 * Requests `from` (inclusive) to `to` (exclusive) of a template, in chunks
 * of about `chunkBytes`.
 *
 * @param t The template.
 * @param from First request number.
 * @param to End (exclusive).
 * @param chunkBytes Chunk size.
 * @yields Encoded requests.
 */
export function* requests(
  t: Template,
  from: number,
  to: number,
  chunkBytes = 1 << 20,
): Generator<Uint8Array> {
  const per = Math.max(1, Math.floor(chunkBytes / t.bytes.length));
  for (let i = from; i < to; i += per) {
    const n = Math.min(per, to - i);
    const out = new Uint8Array(n * t.bytes.length);
    for (let k = 0; k < n; k++) writeRequest(t, i + k, out, k * t.bytes.length);
    yield out;
  }
}

/** The 16-byte key of number `i`: redis-benchmark's `key:__rand_int__`. */
export const KEY: readonly Part[] = ["key:", d(12)];

/**
 * The 32-byte value of key `i`.
 *
 * @param i The key's number.
 * @returns `val:<12 digits>` padded with `-` to 32 bytes.
 */
export function valueOf(i: number): string {
  return `val:${String(i).padStart(12, "0")}${"-".repeat(16)}`;
}

/** The parts of {@link valueOf}. */
export const VALUE: readonly Part[] = ["val:", d(12), "-".repeat(16)];

/**
 * The key name of number `i` (as {@link KEY}).
 *
 * @param i The key's number.
 * @returns E.g. `key:000000000042`.
 */
export function keyOf(i: number): string {
  return `key:${String(i).padStart(12, "0")}`;
}

/** What `redis-cli --pipe` reported. */
export interface PipeResult {
  /** Requests sent. */
  readonly requests: number;
  /** Replies counted by redis-cli. */
  readonly replies: number;
  /** Error replies. */
  readonly errors: number;
  /** The first error lines printed. */
  readonly firstErrors: string[];
  /** Wall time, seconds. */
  readonly seconds: number;
}

/**
 * Streams requests into `redis-cli --pipe` and waits for its summary.
 *
 * @param port The server's RESP port on 127.0.0.1.
 * @param t The request template.
 * @param from First request number.
 * @param to End (exclusive).
 * @param onProgress Called with the fraction written.
 * @param timeoutMs redis-cli is killed after this long.
 * @returns The counts.
 * @throws {Error} When redis-cli fails or times out.
 */
export async function pipeLoad(
  port: number,
  t: Template,
  from: number,
  to: number,
  onProgress: (fraction: number) => void = () => {},
  timeoutMs = 30 * 60_000,
): Promise<PipeResult> {
  const started = performance.now();
  const child = spawn("redis-cli", [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "--pipe",
    "--pipe-timeout",
    "120",
  ], { stdin: "piped", stdout: "piped", stderr: "piped" });
  const timer = killAfter(child, timeoutMs);
  const firstErrors: string[] = [];
  let summary: { errors: number; replies: number } | undefined;
  const tails = { out: "", err: "" };
  // redis-cli prints each error reply on a line of its own (millions, when
  // a server refuses writes): keep the first few and the summary only.
  const readLines = async (
    stream: ReadableStream<Uint8Array>,
    which: "out" | "err",
  ): Promise<void> => {
    const d = new TextDecoder();
    let tail = "";
    for await (const chunk of stream) {
      const lines = (tail + d.decode(chunk, { stream: true })).split("\n");
      tail = lines.pop()!;
      if (tail.length > 100_000) tail = tail.slice(-1000);
      for (const line of lines) {
        const m = /^errors: (\d+), replies: (\d+)/.exec(line);
        if (m) summary = { errors: Number(m[1]), replies: Number(m[2]) };
        else if (
          firstErrors.length < 5 && line !== "" &&
          !/^(All data transferred|Last reply received)/.test(line)
        ) firstErrors.push(line);
      }
      tails[which] = tail;
    }
  };
  const readOut = readLines(child.stdout, "out").catch(() => {});
  const readErr = readLines(child.stderr, "err").catch(() => {});
  const writer = child.stdin.getWriter();
  let writeError: Error | undefined;
  try {
    const total = to - from;
    let written = 0;
    const per = Math.max(1, Math.floor((1 << 20) / t.bytes.length));
    for (const chunk of requests(t, from, to)) {
      await writer.write(chunk);
      written += per;
      onProgress(Math.min(1, written / Math.max(1, total)));
    }
    await writer.close();
  } catch (e) {
    writeError = e as Error;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }
  const status = await child.status;
  timer.clear();
  await Promise.all([readOut, readErr]);
  if (timer.timedOut) {
    throw new Error(`redis-cli --pipe timed out (${timeoutMs} ms)`);
  }
  if (writeError !== undefined) {
    throw new Error(`redis-cli --pipe: ${writeError.message}`);
  }
  const done = summary as { errors: number; replies: number } | undefined;
  if (done === undefined) {
    throw new Error(
      `redis-cli --pipe exited ${status.code} without a summary: ${
        firstErrors.join("; ")
      } ${tails.out} ${tails.err}`,
    );
  }
  return {
    requests: to - from,
    replies: done.replies,
    errors: done.errors,
    firstErrors,
    seconds: (performance.now() - started) / 1000,
  };
}
