import assert from "node:assert/strict";
import {
  array,
  bytes,
  EMPTY_ARRAY,
  error,
  float,
  int,
  map,
  NULL,
  NULL_ARRAY,
  OK,
  type Reply,
  set,
  status,
} from "@cachemir/protocol";
import { formatDouble, RespWriter } from "./writer.ts";

const text = (b: Uint8Array): string => String.fromCharCode(...b);

function encode(reply: Reply, resp3 = false): string {
  const w = new RespWriter(64);
  w.writeReply(reply, resp3);
  return text(w.takeView());
}

Deno.test("RespWriter.writeReply() writes integers at every digit count", () => {
  for (let v = 1, digits = 1; digits <= 17; v *= 10, digits++) {
    for (const n of [v - 1, v, v + 1, 2 * v - 1, 2 ** 31 - 1, 2 ** 31]) {
      assert.equal(encode(int(n)), `:${n}\r\n`);
      assert.equal(encode(int(-n)), `:${-n}\r\n`);
      assert.equal(encode(array([int(n)])), `*1\r\n:${n}\r\n`);
    }
  }
  assert.equal(encode(int(2 ** 53 - 1)), ":9007199254740991\r\n");
});

Deno.test("RespWriter.writeReply() encodes every reply kind in RESP2", () => {
  assert.equal(encode(OK), "+OK\r\n");
  assert.equal(encode(status("PONG")), "+PONG\r\n");
  assert.equal(encode(bytes("")), "$0\r\n\r\n");
  assert.equal(encode(bytes("\r\n\x00\xff")), "$4\r\n\r\n\x00\xff\r\n");
  assert.equal(encode(bytes(new Uint8Array([1, 2]))), "$2\r\n\x01\x02\r\n");
  assert.equal(encode(int(0)), ":0\r\n");
  assert.equal(encode(int(-1)), ":-1\r\n");
  assert.equal(encode(int(1234567890)), ":1234567890\r\n");
  assert.equal(encode(int(-(2 ** 53 - 1))), ":-9007199254740991\r\n");
  assert.equal(
    encode(int(-9223372036854775808n)),
    ":-9223372036854775808\r\n",
  );
  assert.equal(encode(NULL), "$-1\r\n");
  assert.equal(encode(NULL_ARRAY), "*-1\r\n");
  assert.equal(encode(float(1.5)), "$3\r\n1.5\r\n");
  assert.equal(encode(EMPTY_ARRAY), "*0\r\n");
  assert.equal(
    encode(array([bytes("a"), NULL, int(7), array([OK])])),
    "*4\r\n$1\r\na\r\n$-1\r\n:7\r\n*1\r\n+OK\r\n",
  );
  assert.equal(encode(set([bytes("m")])), "*1\r\n$1\r\nm\r\n");
  assert.equal(
    encode(map([[bytes("f"), bytes("v")], [bytes("n"), int(1)]])),
    "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nn\r\n:1\r\n",
  );
  assert.equal(
    encode(error("WRONGTYPE Operation against a key")),
    "-WRONGTYPE Operation against a key\r\n",
  );
  assert.equal(encode(error("NOPROTO")), "-NOPROTO\r\n");
});

Deno.test("RespWriter.writeReply() encodes RESP3 types after HELLO 3", () => {
  assert.equal(encode(NULL, true), "_\r\n");
  assert.equal(encode(NULL_ARRAY, true), "_\r\n");
  assert.equal(encode(float(1.5), true), ",1.5\r\n");
  assert.equal(encode(float(-Infinity), true), ",-inf\r\n");
  assert.equal(encode(set([int(1)]), true), "~1\r\n:1\r\n");
  assert.equal(
    encode(map([[bytes("proto"), int(3)]]), true),
    "%1\r\n$5\r\nproto\r\n:3\r\n",
  );
  assert.equal(encode(OK, true), "+OK\r\n");
});

Deno.test("RespWriter keeps status and error texts on one line", () => {
  assert.equal(encode(error("ERR bad\r\nthing")), "-ERR bad  thing\r\n");
  assert.equal(encode(status("a\nb")), "+a b\r\n");
  // A bulk string is binary-safe: nothing is replaced.
  assert.equal(encode(bytes("a\nb")), "$3\r\na\nb\r\n");
});

Deno.test("RespWriter.takeView() returns all replies since the last take", () => {
  const w = new RespWriter(64);
  for (let i = 0; i < 1000; i++) w.writeReply(bytes(`value-${i}`), false);
  const first = text(w.takeView());
  assert.ok(first.startsWith("$7\r\nvalue-0\r\n$7\r\nvalue-1\r\n"));
  assert.ok(first.endsWith("$9\r\nvalue-999\r\n"));
  assert.equal(w.length, 0);
  w.writeReply(OK, false);
  assert.equal(text(w.takeView()), "+OK\r\n");
  const big = "x".repeat(3_000_000);
  w.writeReply(bytes(big), false);
  const out = w.takeView();
  w.writeReply(OK, false); // a writer that shrank must not touch `out`
  assert.equal(out.length, big.length + 12);
  assert.equal(text(out.subarray(0, 13)), "$3000000\r\nxxx");
});

Deno.test("formatDouble() matches printf's %.17g", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "-0"],
    [1, "1"],
    [-2.5, "-2.5"],
    [0.1, "0.10000000000000001"],
    [1 / 3, "0.33333333333333331"],
    [100, "100"],
    [1e16, "10000000000000000"],
    [1e17, "1e+17"],
    [1.5e300, "1.5000000000000001e+300"],
    [0.0001, "0.0001"],
    [0.00001, "1.0000000000000001e-05"],
    [123456.789, "123456.789"],
    [5e-324, "4.9406564584124654e-324"],
    [Number.MAX_VALUE, "1.7976931348623157e+308"],
    [Infinity, "inf"],
    [NaN, "nan"],
  ];
  for (const [d, expected] of cases) {
    assert.equal(formatDouble(d), expected, String(d));
  }
});
