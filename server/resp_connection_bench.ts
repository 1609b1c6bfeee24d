/**
 * The RESP port's per-command CPU cost without a network: one read of 16
 * pipelined requests (what `redis-benchmark -P 16` sends) pushed through
 * {@linkcode RespCodec} (decode, encode) and the command table (arity check,
 * handler, keyspace), as `Connection` runs them. The requests are the ones
 * redis-benchmark writes for `-t ping,set,get,incr,mset`.
 *
 * Run: `deno bench -A server/resp_connection_bench.ts`
 *
 * @module
 */

import type { Reply } from "@cachemir/protocol";
import { RespCodec } from "./resp_connection.ts";
import { RespView } from "./resp/decoder.ts";
import { harness } from "./commands/_testing.ts";
import { type Blocked, replyNow } from "./blocking.ts";

const PIPELINE = 16;

const h = harness({ dialect: "resp2" });
const { ctx, table } = h;
const codec = new RespCodec(ctx.session);

/** One read: `PIPELINE` copies of the multibulk request `args`. */
function read(...args: string[]): Uint8Array {
  let one = `*${args.length}\r\n`;
  for (const a of args) one += `$${a.length}\r\n${a}\r\n`;
  return new TextEncoder().encode(one.repeat(PIPELINE));
}

/** Decodes, runs and encodes one read, as `Connection` does; returns bytes out. */
function serve(chunk: Uint8Array): number {
  codec.push(chunk);
  let n = 0;
  for (let c = codec.next(); c !== undefined; c = codec.next()) {
    const reply: Reply | Blocked | undefined = c instanceof RespView
      ? table.executeView(ctx, c.name, c, codec)
      : table.execute(ctx, c.name, c.args);
    if (reply !== undefined) codec.writeReply(c, replyNow(reply));
    n++;
  }
  if (n !== PIPELINE) throw new Error(`ran ${n} commands, not ${PIPELINE}`);
  return codec.take().length;
}

const mset: string[] = ["MSET"];
for (let i = 0; i < 10; i++) mset.push("key:__rand_int__", "xxx");

const READS: [string, Uint8Array][] = [
  ["PING", read("PING")],
  ["SET", read("SET", "key:__rand_int__", "xxx")],
  ["GET", read("GET", "key:__rand_int__")],
  ["INCR", read("INCR", "counter:__rand_int__")],
  ["MSET (10 keys)", read(...mset)],
];

for (const [name, chunk] of READS) {
  serve(chunk); // warm: the keys exist
  Deno.bench({
    name: `RESP ${name} x${PIPELINE} (one read)`,
    group: "resp",
    fn: () => {
      serve(chunk);
    },
  });
}
