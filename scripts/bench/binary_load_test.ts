/**
 * Tests of the binary load generator: batches of frames encoded by the
 * protocol package, the command line, quantiles; and one short run against
 * a node (a few seconds) that checks the replies are decoded.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  commandByName,
  decodeRequest,
  FrameDecoder,
  FrameWriter,
} from "@cachemir/protocol";
import {
  benchKey,
  encodeBatch,
  expectedReply,
  loadArgs,
  parseLoadArgs,
  quantile,
  runBinaryLoad,
} from "./binary_load.ts";
import { startNode } from "./procs.ts";

Deno.test("binary_load: keys as redis-benchmark's -r", () => {
  assert.equal(benchKey(0), "key:000000000000");
  assert.equal(benchKey(99_999), "key:000000099999");
});

Deno.test("binary_load: a batch is P frames with consecutive ids, reusing one buffer", () => {
  const w = new FrameWriter(64);
  const set = commandByName("SET")!.opcode;
  const value = new Uint8Array(1024).fill(0x78);
  let r = 0;
  const random = (): number => (r++ % 10) / 10;
  const out = encodeBatch(w, 0xffff_fffe, 16, set, value, 100_000, random);
  const d = new FrameDecoder();
  d.push(out.slice());
  const ids: number[] = [];
  for (let f = d.next(); f !== undefined; f = d.next()) {
    if ("kind" in f) throw new Error(f.message);
    assert.equal(f.opcode, set);
    ids.push(f.id);
    const args = decodeRequest(f);
    if (!Array.isArray(args)) throw new Error("bad request");
    assert.equal(args.length, 2);
    assert.match(args[0], /^key:0000000\d0000$/);
    assert.equal(args[1], "x".repeat(1024));
  }
  assert.equal(ids.length, 16);
  assert.deepEqual(ids.slice(0, 3), [0xffff_fffe, 0xffff_ffff, 0]);
  assert.equal(w.length, 0);
  const get = commandByName("GET")!.opcode;
  const again = encodeBatch(w, 1, 1, get, undefined, 10);
  assert.equal(again.buffer, out.buffer, "the writer's buffer is reused");
});

Deno.test("binary_load: flags round-trip; quantiles; expected replies", () => {
  const o = {
    ports: [1, 2],
    test: "get",
    size: 32,
    pipeline: 16,
    clients: 50,
    requests: 1000,
    keyspace: 100_000,
  };
  assert.deepEqual(parseLoadArgs(loadArgs(o)), { ...o, host: "127.0.0.1" });
  assert.throws(() => parseLoadArgs(["-t", "get"]), /--port/);
  assert.throws(() => parseLoadArgs(["--port", "1", "-P", "0"]), /-P/);
  const s = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(s, 0.5), 50);
  assert.equal(quantile(s, 0.99), 99);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  assert.ok(expectedReply("set", "ok"));
  assert.ok(!expectedReply("set", "error"));
  assert.ok(expectedReply("get", "bytes") && expectedReply("get", "null"));
});

Deno.test({
  name: "binary_load: a short run against a node decodes every reply",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const node = await startNode();
    try {
      const base = {
        ports: [node.binaryPort!],
        size: 32,
        clients: 4,
        keyspace: 50,
      };
      const set = await runBinaryLoad({
        ...base,
        test: "set",
        pipeline: 16,
        requests: 1000,
      });
      assert.equal(set.requests, 1000);
      assert.equal(set.errors, 0);
      assert.ok(set.p50Ms > 0 && set.p99Ms >= set.p50Ms);
      const get = await runBinaryLoad({
        ...base,
        test: "get",
        pipeline: 1,
        requests: 200,
      });
      assert.equal(get.requests, 200);
      assert.equal(get.errors, 0);
      const [value] = await Promise.all([node.conn.call("GET", benchKey(0))]);
      assert.equal(value, "x".repeat(32));
    } finally {
      await node.stop();
    }
  },
});
