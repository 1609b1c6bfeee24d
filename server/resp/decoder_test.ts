import assert from "node:assert/strict";
import { toByteString } from "@cachemir/protocol";
import {
  INLINE_MAX_BYTES,
  MAX_VIEW_ARGS,
  type RespCommand,
  RespDecoder,
  type RespError,
  type RespLimits,
  RespView,
} from "./decoder.ts";

const enc = (s: string): Uint8Array =>
  Uint8Array.from(s, (c) => c.charCodeAt(0));

type Out = RespCommand | RespError;

/** A view made into strings at once (it is valid until the next call). */
function strings(r: RespCommand | RespView | RespError): Out {
  if (!(r instanceof RespView)) return r;
  const args: string[] = [];
  for (let i = 0; i < r.count; i++) {
    const start = r.offsets[2 * i];
    args.push(toByteString(r.bytes, start, start + r.offsets[2 * i + 1]));
  }
  return { name: r.name, args };
}

/** Pushes `chunks` one by one into `d`, draining after each. */
function drain(chunks: Uint8Array[], d: RespDecoder): Out[] {
  const out: Out[] = [];
  for (const c of chunks) {
    // The caller may reuse its buffer after next() returns undefined: prove
    // the decoder copied what it kept by scribbling over the chunk.
    const copy = c.slice();
    d.push(copy);
    for (let r = d.next(); r !== undefined; r = d.next()) out.push(strings(r));
    copy.fill(0x21);
  }
  return out;
}

/**
 * Pushes `chunks` one by one, draining after each; returns everything
 * decoded. A second decoder with `views` on must decode the same.
 */
function decodeChunks(
  chunks: Uint8Array[],
  d: RespDecoder = new RespDecoder(),
  limits: RespLimits = {},
): Out[] {
  const out = drain(chunks, d);
  const viewed = drain(chunks, new RespDecoder({ ...limits, views: true }));
  assert.deepEqual(viewed, out, "views decode as strings do");
  return out;
}

function decodeAll(s: string): Out[] {
  return decodeChunks([enc(s)]);
}

/** Decodes `input` split at every pair of points; all must agree with the unsplit result. */
function assertEverySplit(input: string, expected: Out[]): void {
  const bytes = enc(input);
  assert.deepEqual(decodeChunks([bytes]), expected, "unsplit");
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j++) {
      const got = decodeChunks([
        bytes.subarray(0, i),
        bytes.subarray(i, j),
        bytes.subarray(j),
      ]);
      assert.deepEqual(got, expected, `split at ${i}, ${j}`);
    }
  }
}

const cmd = (name: string, ...args: string[]): RespCommand => ({ name, args });
const perr = (what: string): RespError => ({
  kind: "resp-error",
  message: `ERR Protocol error: ${what}`,
});

Deno.test("RespDecoder.next() decodes multibulk requests at every split", () => {
  assertEverySplit(
    "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nab\r\n*1\r\n$4\r\nPING\r\n",
    [cmd("SET", "k", "ab"), cmd("PING")],
  );
});

Deno.test("RespDecoder.next() keeps binary arguments with CR, LF and NUL intact", () => {
  const value = "\r\n\x00\xff\x80*$\r\n";
  assertEverySplit(
    `*3\r\n$3\r\nSET\r\n$2\r\n\x00\r\r\n$${value.length}\r\n${value}\r\n`,
    [cmd("SET", "\x00\r", value)],
  );
  const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  assert.deepEqual(
    decodeAll(`*2\r\n$4\r\nECHO\r\n$256\r\n${all}\r\n`),
    [cmd("ECHO", all)],
  );
});

Deno.test("RespDecoder.next() decodes inline commands at every split", () => {
  assertEverySplit(
    `PING\r\nSET k "a b\\x00\\n" 'c\\'d'\nGET  k \r\n`,
    [cmd("PING"), cmd("SET", "k", "a b\x00\n", "c'd"), cmd("GET", "k")],
  );
});

Deno.test("RespDecoder.next() skips blank lines and empty multibulk requests", () => {
  assertEverySplit("\r\n\n  \r\n*0\r\n*-1\r\n*-5\r\nPING\r\n", [cmd("PING")]);
});

Deno.test("RespDecoder.next() accepts what Redis accepts after CR and after a bulk", () => {
  // Redis skips the byte after '\r' in header lines and the two bytes after
  // a bulk string without looking at them.
  assert.deepEqual(decodeAll("*1\rX$4\rXPINGxx"), [cmd("PING")]);
});

Deno.test("RespDecoder.next() waits when a NUL hides the line end, as strchr does", () => {
  const d = new RespDecoder();
  assert.deepEqual(decodeChunks([enc("ECHO a\x00b\r\nPING\r\n")], d), []);
  assert.equal(d.buffered, 16);
});

Deno.test("RespDecoder.next() answers malformed requests with Redis's errors", () => {
  const cases: [string, Out[]][] = [
    ["*x\r\n", [perr("invalid multibulk length")]],
    ["*\r\n", [perr("invalid multibulk length")]],
    ["*+1\r\n", [perr("invalid multibulk length")]],
    ["*01\r\n", [perr("invalid multibulk length")]],
    ["*2147483648\r\n", [perr("invalid multibulk length")]],
    ["*99999999999999999999\r\n", [perr("invalid multibulk length")]],
    ["*1\r\nx\r\n", [perr("expected '$', got 'x'")]],
    ["*1\r\n*4\r\n", [perr("expected '$', got '*'")]],
    ["*1\r\n\r\n", [perr("expected '$', got ' '")]],
    ["*1\r\n$x\r\n", [perr("invalid bulk length")]],
    ["*1\r\n$-1\r\n", [perr("invalid bulk length")]],
    ["*1\r\n$01\r\n", [perr("invalid bulk length")]],
    ["*1\r\n$536870913\r\n", [perr("invalid bulk length")]],
    ['ECHO "a\r\n', [perr("unbalanced quotes in request")]],
    ['ECHO "a"b\r\n', [perr("unbalanced quotes in request")]],
    ["ECHO 'a\r\n", [perr("unbalanced quotes in request")]],
    // Commands before the bad one are still returned.
    ["PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n", [
      cmd("PING"),
      cmd("PING"),
      perr("invalid multibulk length"),
    ]],
  ];
  for (const [input, expected] of cases) {
    assert.deepEqual(decodeAll(input), expected, JSON.stringify(input));
  }
});

Deno.test("RespDecoder.next() drops all input after an error", () => {
  const d = new RespDecoder();
  assert.deepEqual(decodeChunks([enc("*x\r\n"), enc("PING\r\n")], d), [
    perr("invalid multibulk length"),
  ]);
  assert.equal(d.buffered, 0);
  d.push(enc("PING\r\n"));
  assert.equal(d.next(), undefined);
});

Deno.test("RespDecoder.next() refuses lines longer than 64 KiB without a line end", () => {
  const long = "x".repeat(INLINE_MAX_BYTES + 1);
  assert.deepEqual(decodeAll(long), [perr("too big inline request")]);
  assert.deepEqual(decodeAll("*1" + long), [
    perr("too big mbulk count string"),
  ]);
  assert.deepEqual(decodeAll("*1\r\n$" + long), [
    perr("too big bulk count string"),
  ]);
  // Exactly at the limit: still waiting.
  assert.deepEqual(decodeAll("x".repeat(INLINE_MAX_BYTES)), []);
});

Deno.test("RespDecoder enforces its limits on bulks, arguments and request size", () => {
  const limits = { maxBulkBytes: 10, maxArgs: 3, maxRequestBytes: 15 };
  const run = (s: string): Out[] =>
    decodeChunks([enc(s)], new RespDecoder(limits), limits);
  assert.deepEqual(run("*1\r\n$10\r\n0123456789\r\n"), [cmd("0123456789")]);
  assert.deepEqual(run("*1\r\n$11\r\n"), [perr("invalid bulk length")]);
  assert.deepEqual(run("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"), [
    cmd("a", "b", "c"),
  ]);
  assert.deepEqual(run("*4\r\n"), [perr("invalid multibulk length")]);
  assert.deepEqual(run("*2\r\n$10\r\n0123456789\r\n$6\r\n"), [
    perr("request of more than 15 bytes exceeds the limit"),
  ]);
});

Deno.test("RespDecoder does not allocate a declared bulk before it arrives", () => {
  const d = new RespDecoder();
  d.push(enc("*2\r\n$3\r\nSET\r\n$500000000\r\nab"));
  assert.equal(d.next(), undefined);
  assert.equal(d.buffered, 2);
});

Deno.test("RespDecoder.next() decodes a large bulk arriving in many chunks", () => {
  const value = "v".repeat(300_000);
  const bytes = enc(`*2\r\n$4\r\nECHO\r\n$${value.length}\r\n${value}\r\n`);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 65536) {
    chunks.push(bytes.subarray(i, i + 65536));
  }
  assert.deepEqual(decodeChunks(chunks), [cmd("ECHO", value)]);
});

Deno.test("RespDecoder.next() never throws on random bytes", () => {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const alphabet = enc("*$\r\n0123456789-+\" 'x\\\x00");
  for (let n = 0; n < 2000; n++) {
    const len = Math.floor(rand() * 40);
    const bytes = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      bytes[i] = alphabet[Math.floor(rand() * alphabet.length)];
    }
    const limits = { maxBulkBytes: 100 };
    const cut = Math.floor(rand() * (len + 1));
    decodeChunks(
      [bytes.subarray(0, cut), bytes.subarray(cut)],
      new RespDecoder(limits),
      limits,
    );
  }
});

Deno.test("RespDecoder with views leaves a whole request's arguments in place", () => {
  const d = new RespDecoder({ views: true });
  const read = enc("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nab\r\n*2\r\n$3\r\nGET");
  d.push(read);
  const r = d.next();
  assert.ok(r instanceof RespView);
  assert.equal(r.name, "SET");
  assert.equal(r.bytes, read); // no copy: the read buffer itself
  assert.equal(r.count, 2);
  assert.deepEqual([...r.offsets.subarray(0, 4)], [17, 1, 24, 2]);
  // The next request has not arrived whole: it waits, then comes as strings.
  assert.equal(d.next(), undefined);
  d.push(enc("\r\n$1\r\nk\r\n"));
  assert.deepEqual(d.next(), cmd("GET", "k"));
});

Deno.test("RespDecoder with views decodes a request of many arguments as strings", () => {
  const n = MAX_VIEW_ARGS; // the name and MAX_VIEW_ARGS arguments
  let s = `*${n + 1}\r\n$4\r\nMSET\r\n`;
  for (let i = 0; i < n; i++) s += "$1\r\nx\r\n";
  const d = new RespDecoder({ views: true });
  d.push(enc(s));
  assert.deepEqual(d.next(), cmd("MSET", ...Array<string>(n).fill("x")));
});
