/**
 * End-to-end proof of the rule "every input from the network is hostile
 * until decoded": one real node process (binary port and RESP port) is
 * attacked on many connections while two well-behaved witness clients, one
 * per port, keep writing and reading their own keys. After every assault the
 * node must be alive, answer PING on fresh connections on both ports, have
 * released the attackers' connections, and the witnesses must have seen every
 * one of their values intact. The node's memory (VmRSS, and VmSize where a
 * reservation is the risk) is sampled from /proc during each assault.
 *
 * Inputs are seeded: the seed is printed with any failure, and
 * `CACHEMIR_SEED=<n>` replays a run.
 */

import assert from "node:assert/strict";
import {
  commandByName,
  COMMANDS,
  DEFAULT_MAX_FRAME_BYTES,
  encodeRequest,
  fromByteString,
  hasFlag,
  HEADER_BYTES,
} from "@cachemir/protocol";
import {
  freePort,
  type NodeProcess,
  startNodeProcess,
} from "./_helpers/node_process.ts";
import { RawClient } from "./_helpers/raw_client.ts";
import { encodeCommands, RespClient } from "./_helpers/resp_client.ts";
import {
  ascii,
  binaryReplies,
  errorText,
  HostilePeer,
  respError,
  respReplies,
  show,
} from "./_helpers/hostile_peer.ts";
import { Prng } from "./_helpers/prng.ts";
import { mib, procMemory } from "./_helpers/proc_status.ts";
import { Witness } from "./_helpers/witness.ts";

const SEED = Number(Deno.env.get("CACHEMIR_SEED") ?? 20261125);
/** Most the node's RSS may grow above its level before an assault. */
const RSS_BOUND = 100 * 1024 * 1024;
const PING = commandByName("PING")!.opcode;
const GET = commandByName("GET")!.opcode;
const SET = commandByName("SET")!.opcode;

/** A frame header with any field value, payload not included. */
function header(
  fields: {
    version?: number;
    flags?: number;
    opcode: number;
    id: number;
    length: number;
  },
): Uint8Array {
  const h = new Uint8Array(HEADER_BYTES);
  const v = new DataView(h.buffer);
  v.setUint8(0, fields.version ?? 1);
  v.setUint8(1, fields.flags ?? 0);
  v.setUint16(2, fields.opcode);
  v.setUint32(4, fields.id);
  v.setUint32(8, fields.length);
  return h;
}

/** A frame with a raw payload. */
function frame(
  fields: { version?: number; flags?: number; opcode: number; id: number },
  payload: number[] | Uint8Array,
): Uint8Array {
  const p = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
  return concat([header({ ...fields, length: p.length }), p]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads, or sets, a process's limit on open files (`prlimit`, util-linux).
 *
 * @returns The soft and hard limits before the call.
 */
async function nofile(
  pid: number,
  soft?: number,
  hard?: number,
): Promise<[number, number]> {
  const args = [
    "--pid",
    String(pid),
    "--nofile",
    "--output=SOFT,HARD",
    "--noheadings",
  ];
  const out = await new Deno.Command("prlimit", { args }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const [s, h] = new TextDecoder().decode(out.stdout).trim().split(/\s+/).map(
    Number,
  );
  if (soft !== undefined) {
    const set = await new Deno.Command("prlimit", {
      args: ["--pid", String(pid), `--nofile=${soft}:${hard ?? h}`],
    }).output();
    assert.ok(set.success, new TextDecoder().decode(set.stderr));
  }
  return [s, h];
}

/** Starts the node, retrying when the RESP port found free was taken. */
async function startNode(): Promise<NodeProcess> {
  for (let attempt = 1;; attempt++) {
    try {
      return await startNodeProcess(["--resp-port", String(freePort())]);
    } catch (e) {
      if (attempt >= 5 || !/in use/i.test(String(e))) throw e;
    }
  }
}

/** Samples the node's memory every few ms while `during` runs. */
async function peakMemory<T>(
  pid: number,
  during: () => Promise<T>,
): Promise<{ result: T; rss: number; vsize: number }> {
  let rss = 0;
  let vsize = 0;
  const sample = (): void => {
    const m = procMemory(pid);
    rss = Math.max(rss, m.rss);
    vsize = Math.max(vsize, m.vsize);
  };
  let running = true;
  const sampler = (async () => {
    while (running) {
      sample();
      await sleep(25);
    }
  })();
  try {
    const result = await during();
    sample();
    return { result, rss, vsize };
  } finally {
    running = false;
    await sampler;
  }
}

Deno.test({
  name:
    "server/main.ts keeps serving other clients, with bounded memory, under hostile input on both ports",
}, async (t) => {
  const prng = new Prng(SEED);
  const node = await startNode();
  const pid = node.child.pid;
  let exited: Deno.CommandStatus | undefined;
  node.child.status.then((s) => exited = s);
  const figures: string[] = [];
  const note = (line: string): void => {
    figures.push(line);
  };

  const binWitnessClient = await RawClient.connect(node.port);
  const respWitnessClient = await RespClient.connect(node.respPort);
  const observer = await RespClient.connect(node.respPort);
  const witnesses = [
    new Witness({
      kind: "binary",
      client: binWitnessClient,
      prng: new Prng(SEED + 1),
    }),
    new Witness({
      kind: "resp",
      client: respWitnessClient,
      prng: new Prng(SEED + 2),
    }),
  ];
  /** The witnesses' connections and the observer's. */
  const BASE_CLIENTS = 3;

  const clientCount = async (): Promise<number> => {
    const list = await within(
      observer.call("CLIENT", "LIST"),
      5_000,
      "CLIENT LIST",
    );
    assert.equal(
      typeof list,
      "string",
      `CLIENT LIST replied ${JSON.stringify(list)}`,
    );
    return (list as string).split("\n").filter((l) => l.length > 0).length;
  };
  /** Waits until the node holds `n` connections (accepted, or released). */
  const clientsReach = async (n: number, what: string): Promise<void> => {
    const deadline = performance.now() + 5_000;
    let count = await clientCount();
    while (count !== n && performance.now() < deadline) {
      await sleep(20);
      count = await clientCount();
    }
    assert.equal(
      count,
      n,
      `after ${what} the node holds ${
        count - BASE_CLIENTS
      } attacker connections, not ${n - BASE_CLIENTS}`,
    );
  };
  /** Waits until the node has released every attacker's connection. */
  const settled = (what: string): Promise<void> =>
    clientsReach(BASE_CLIENTS, what);
  /** The checks after every assault. */
  const healthy = async (what: string): Promise<void> => {
    assert.equal(
      exited,
      undefined,
      `node exited during ${what}: ${JSON.stringify(exited)}\n${node.log()}`,
    );
    const bin = await within(RawClient.connect(node.port), 5_000, "connect");
    try {
      const r = await within(
        bin.call(PING),
        5_000,
        `binary PING after ${what}`,
      );
      assert.deepEqual(r, { kind: "status", value: "PONG" });
    } finally {
      bin.close();
    }
    const resp = await within(
      RespClient.connect(node.respPort),
      5_000,
      "connect",
    );
    try {
      const r = await within(
        resp.call("PING"),
        5_000,
        `RESP PING after ${what}`,
      );
      assert.deepEqual(r, { status: "PONG" });
    } finally {
      resp.close();
    }
    for (const w of witnesses) {
      assert.deepEqual(w.failures, [], `witness failed during ${what}`);
      await w.progress(2, 5_000);
    }
    await settled(what);
  };
  /** Runs an assault as a step; a failure names the seed to replay it. */
  const assault = async (
    name: string,
    fn: () => Promise<void>,
  ): Promise<void> => {
    await t.step(name, async () => {
      try {
        await fn();
        await healthy(name);
      } catch (e) {
        const err = e as Error;
        err.message += `\n(seed ${SEED}: replay with CACHEMIR_SEED=${SEED})`;
        throw err;
      }
    });
  };

  try {
    await witnesses[0].progress(5, 10_000);
    await witnesses[1].progress(5, 10_000);
    const start = procMemory(pid);
    note(`start: RSS ${mib(start.rss)}, VmSize ${mib(start.vsize)}`);

    await assault("seeded random bytes on both ports", async () => {
      // Plans first, so that the bytes do not depend on I/O timing.
      const plans = Array.from({ length: 48 }, (_, i) => ({
        port: i % 2 === 0 ? "binary" as const : "resp" as const,
        bursts: Array.from(
          { length: prng.between(1, 3) },
          () => prng.bytes(prng.between(1, 4096)),
        ),
      }));
      const outcomes = await Promise.all(plans.map(async (plan) => {
        const peer = await HostilePeer.connect(
          plan.port === "binary" ? node.port : node.respPort,
        );
        try {
          for (const b of plan.bursts) {
            if (await peer.write(b) !== "written") break;
          }
          // A bad version must be answered and closed: wait for it.
          const badVersion = plan.port === "binary" && plan.bursts[0][0] !== 1;
          return { plan, got: await peer.readFor(badVersion ? 5_000 : 150) };
        } finally {
          await peer.close();
        }
      }));
      const tally = { error: 0, closed: 0, waiting: 0 };
      for (const { plan, got } of outcomes) {
        const first = plan.bursts[0][0];
        let errors = 0;
        if (plan.port === "binary") {
          const replies = binaryReplies(got.bytes);
          for (const r of replies) {
            assert.ok(
              errorText(r.reply) !== undefined,
              `random bytes on the binary port got a non-error reply ${
                JSON.stringify(r)
              }`,
            );
          }
          errors = replies.length;
          if (first !== 1) {
            // Not version 1: one error frame, then the node hangs up.
            assert.equal(replies.length, 1, show(got.bytes));
            assert.match(
              errorText(replies[0].reply)!,
              /^ERR Protocol error: unsupported version 0x[0-9a-f]{2} \(this node speaks 1\)$/,
            );
            assert.ok(got.closed, "binary port kept a stream of bad version");
          }
        } else {
          const replies = respReplies(got.bytes);
          for (const r of replies) {
            assert.ok(
              respError(r) !== undefined,
              `random bytes on the RESP port got a non-error reply ${
                JSON.stringify(r)
              }`,
            );
          }
          errors = replies.length;
        }
        if (errors > 0) tally.error++;
        if (got.closed) tally.closed++;
        if (errors === 0 && !got.closed) tally.waiting++;
      }
      note(
        `random bytes: 48 connections: ${tally.error} got error replies, ${tally.closed} closed by the node, ${tally.waiting} waiting for the rest of a request`,
      );
      assert.ok(tally.error + tally.closed >= 24, JSON.stringify(tally));
    });

    await assault("truncated frames, then a hang-up mid-frame", async () => {
      const plans = Array.from({ length: 40 }, (_, i) => {
        const key = `trunc:${i}`;
        const value = prng.bytes(prng.between(1, 100_000));
        const bytes = i % 2 === 0
          ? encodeRequest(i, SET, [fromByteString(key), value])
          : encodeCommands([["SET", key, value]]);
        // Some cuts inside the binary header, the rest anywhere.
        const cut = i % 2 === 0 && i < 8
          ? [1, 5, 11, 12][i / 2]
          : prng.between(1, bytes.length - 1);
        return {
          port: i % 2 === 0 ? node.port : node.respPort,
          key,
          bytes,
          cut,
          pauseMs: prng.int(20),
        };
      });
      await Promise.all(plans.map(async (plan) => {
        const peer = await HostilePeer.connect(plan.port);
        await peer.write(plan.bytes.subarray(0, plan.cut));
        await sleep(plan.pauseMs);
        await peer.close();
      }));
      await settled("the hang-ups");
      const exists = await observer.call("EXISTS", ...plans.map((p) => p.key));
      assert.equal(exists, 0, "a truncated SET was executed");
    });

    await assault(
      "a frame header claiming 4 GiB, then 64 MiB of it",
      async () => {
        const before = procMemory(pid);
        const peer = await HostilePeer.connect(node.port);
        try {
          const { rss } = await peakMemory(pid, async () => {
            await peer.write(
              header({ opcode: PING, id: 77, length: 0xffff_ffff }),
            );
            const got = await peer.readUntil(
              (b) => b.length > HEADER_BYTES,
              2_000,
            );
            const replies = binaryReplies(got.bytes);
            assert.equal(replies.length, 1, show(got.bytes));
            assert.equal(replies[0].id, 77);
            assert.equal(
              errorText(replies[0].reply),
              `ERR Protocol error: frame length 4294967295 exceeds limit ${DEFAULT_MAX_FRAME_BYTES}`,
            );
            const junk = new Uint8Array(1024 * 1024).fill(0x5a);
            for (let i = 0; i < 64; i++) {
              assert.equal(await peer.write(junk), "written", `chunk ${i}`);
            }
            const after = await peer.readFor(50);
            assert.equal(
              after.closed,
              false,
              "the node hung up while skipping",
            );
            assert.equal(
              after.bytes.length,
              got.bytes.length,
              "a reply to skipped bytes",
            );
          });
          note(
            `4 GiB header + 64 MiB streamed: peak RSS ${mib(rss)} (+${
              mib(rss - before.rss)
            })`,
          );
          assert.ok(
            rss - before.rss < RSS_BOUND,
            `RSS grew ${mib(rss - before.rss)}`,
          );
        } finally {
          await peer.close();
        }
      },
    );

    await assault(
      "a frame one byte over the limit is skipped and the stream stays in sync",
      async () => {
        const peer = await HostilePeer.connect(node.port);
        try {
          const over = DEFAULT_MAX_FRAME_BYTES + 1;
          await peer.write(header({ opcode: SET, id: 1, length: over }));
          await peer.write(new Uint8Array(over).fill(0x2a));
          await peer.write(encodeRequest(2, PING, []));
          const got = await peer.readUntil(
            (b) => binaryReplies(b).length >= 2,
            5_000,
          );
          const replies = binaryReplies(got.bytes);
          assert.deepEqual(replies.map((r) => r.id), [1, 2], show(got.bytes));
          assert.equal(
            errorText(replies[0].reply),
            `ERR Protocol error: frame length ${over} exceeds limit ${DEFAULT_MAX_FRAME_BYTES}`,
          );
          assert.deepEqual(replies[1].reply, { kind: "status", value: "PONG" });
          assert.equal(got.closed, false);
        } finally {
          await peer.close();
        }
      },
    );

    await assault(
      "128 connections each send a header claiming the largest allowed frame",
      async () => {
        // The decoder must not reserve a payload's claimed length before it
        // arrives: 13 bytes would otherwise pin 16-32 MiB each.
        const before = procMemory(pid);
        const peers: HostilePeer[] = [];
        try {
          const { rss, vsize } = await peakMemory(pid, async () => {
            for (let i = 0; i < 128; i++) {
              const peer = await HostilePeer.connect(node.port);
              peers.push(peer);
              await peer.write(
                concat([
                  header({
                    opcode: SET,
                    id: i,
                    length: DEFAULT_MAX_FRAME_BYTES,
                  }),
                  new Uint8Array([2]),
                ]),
              );
            }
            // Let the node accept and read them all.
            await clientsReach(BASE_CLIENTS + 128, "128 headers");
            await sleep(100);
          });
          note(
            `128 headers claiming ${mib(DEFAULT_MAX_FRAME_BYTES)}: RSS +${
              mib(rss - before.rss)
            }, VmSize +${mib(vsize - before.vsize)}`,
          );
          assert.ok(
            rss - before.rss < RSS_BOUND,
            `RSS grew ${mib(rss - before.rss)}`,
          );
          assert.ok(
            vsize - before.vsize < 1024 * 1024 * 1024,
            `VmSize grew ${
              mib(vsize - before.vsize)
            }: claimed lengths were reserved`,
          );
        } finally {
          await Promise.all(peers.map((p) => p.close()));
        }
      },
    );

    await assault(
      "RESP bulk and multibulk lengths past every limit",
      async () => {
        const cases: [string, string][] = [
          ["*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"],
          [
            "*1\r\n$1099511627776\r\n",
            "ERR Protocol error: invalid bulk length",
          ],
          [
            `*1\r\n$${DEFAULT_MAX_FRAME_BYTES + 1}\r\n`,
            "ERR Protocol error: invalid bulk length",
          ],
          ["*1\r\n$-2\r\n", "ERR Protocol error: invalid bulk length"],
          ["*2147483648\r\n", "ERR Protocol error: invalid multibulk length"],
          [
            "*99999999999999999999\r\n",
            "ERR Protocol error: invalid multibulk length",
          ],
          [
            "*1\r\n*1\r\n$4\r\nPING\r\n",
            "ERR Protocol error: expected '$', got '*'",
          ],
        ];
        await Promise.all(cases.map(async ([input, want]) => {
          const peer = await HostilePeer.connect(node.respPort);
          try {
            await peer.write(ascii(input));
            const got = await peer.readFor(2_000);
            assert.deepEqual(
              respReplies(got.bytes),
              [{ error: want }],
              JSON.stringify(input),
            );
            assert.ok(
              got.closed,
              `${JSON.stringify(input)}: connection left open`,
            );
          } finally {
            await peer.close();
          }
        }));
      },
    );

    await assault("inline and header lines that never end", async () => {
      const before = procMemory(pid);
      const long = (fill: string, n: number): string => fill.repeat(n);
      const cases: [string, Uint8Array, string][] = [
        [
          "200 KiB inline, no LF",
          ascii(long("a", 200 * 1024)),
          "too big inline request",
        ],
        [
          "inline of spaces and quotes",
          ascii(long(' "x', 30 * 1024)),
          "too big inline request",
        ],
        // A NUL hides the line ending from the search, as in Redis (strchr).
        [
          "NUL then PINGs",
          ascii("\x00" + long("PING\n", 20_000)),
          "too big inline request",
        ],
        [
          "multibulk count digits",
          ascii("*" + long("9", 70_000)),
          "too big mbulk count string",
        ],
        [
          "bulk length digits",
          ascii("*1\r\n$" + long("9", 70_000)),
          "too big bulk count string",
        ],
      ];
      const { rss } = await peakMemory(
        pid,
        () =>
          Promise.all(cases.map(async ([what, bytes, want]) => {
            const peer = await HostilePeer.connect(node.respPort);
            try {
              for (let p = 0; p < bytes.length; p += 4096) {
                const w = await peer.write(bytes.subarray(p, p + 4096));
                if (w !== "written") break;
              }
              const got = await peer.readFor(2_000);
              assert.deepEqual(
                respReplies(got.bytes),
                [{ error: `ERR Protocol error: ${want}` }],
                `${what}: ${show(got.bytes)}`,
              );
              assert.ok(got.closed, `${what}: connection left open`);
            } finally {
              await peer.close();
            }
          })),
      );
      // Lines just under the limit are kept, and cost what they hold.
      const peers: HostilePeer[] = [];
      try {
        const held = await peakMemory(pid, async () => {
          for (let i = 0; i < 100; i++) {
            const peer = await HostilePeer.connect(node.respPort);
            peers.push(peer);
            await peer.write(ascii(long("b", 60 * 1024)));
          }
          await sleep(100);
        });
        note(
          `never-ending lines: RSS +${
            mib(rss - before.rss)
          }; 100 x 60 KiB inline held: RSS +${mib(held.rss - before.rss)}`,
        );
        assert.ok(
          held.rss - before.rss < RSS_BOUND,
          `RSS grew ${mib(held.rss - before.rss)}`,
        );
      } finally {
        await Promise.all(peers.map((p) => p.close()));
      }
    });

    await assault("many connections opened and abandoned", async () => {
      const before = procMemory(pid);
      // Opened and closed at once, without a byte.
      await Promise.all(Array.from({ length: 300 }, async (_, i) => {
        const peer = await HostilePeer.connect(
          i % 2 ? node.respPort : node.port,
        );
        await peer.close();
      }));
      await settled("300 connections opened and closed");
      // Opened, a partial request, then left open.
      const peers: HostilePeer[] = [];
      try {
        const { rss } = await peakMemory(pid, async () => {
          for (let i = 0; i < 300; i++) {
            const peer = await HostilePeer.connect(
              i % 2 ? node.respPort : node.port,
            );
            peers.push(peer);
            await peer.write(
              i % 2 ? ascii("*2\r\n$3\r\nGET") : new Uint8Array([1, 0, 1]),
            );
          }
          // Every one of them is accepted and held.
          await clientsReach(BASE_CLIENTS + 300, "300 connections");
          await witnesses[0].progress(2, 5_000);
          await witnesses[1].progress(2, 5_000);
        });
        note(
          `300 idle half-open connections: RSS +${mib(rss - before.rss)} (${
            ((rss - before.rss) / 300 / 1024).toFixed(0)
          } KiB each); the node keeps them (no idle timeout)`,
        );
        assert.ok(
          rss - before.rss < RSS_BOUND,
          `RSS grew ${mib(rss - before.rss)}`,
        );
      } finally {
        await Promise.all(peers.map((p) => p.close()));
      }
    });

    await assault(
      "a client that pipelines big replies and never reads",
      async () => {
        const big = "v".repeat(64 * 1024);
        assert.deepEqual(await observer.call("SET", "slow:big", big), {
          status: "OK",
        });
        const ports = [
          {
            port: node.port,
            name: "binary",
            requests: 2900,
            batch: concat(
              Array.from(
                { length: 2900 },
                (_, i) => encodeRequest(i, GET, [ascii("slow:big")]),
              ),
            ),
          },
          {
            port: node.respPort,
            name: "RESP",
            requests: 4500,
            batch: ascii("GET slow:big\r\n".repeat(4500)),
          },
        ];
        for (const { port, name, batch, requests } of ports) {
          const before = procMemory(pid);
          const peer = await HostilePeer.connect(port, 0);
          try {
            const { rss, result: outcome } = await peakMemory(pid, async () => {
              // Write batches until the node stops reading (TCP back-pressure)
              // or 1.5 s pass; never read a byte.
              const until = performance.now() + 1_500;
              let batches = 0;
              let last: string = "written";
              while (performance.now() < until && last === "written") {
                last = await peer.write(batch, until - performance.now());
                if (last === "written") batches++;
              }
              await witnesses[0].progress(2, 5_000);
              await witnesses[1].progress(2, 5_000);
              return { batches, last };
            });
            note(
              `slow reader on the ${name} port: ${outcome.batches} batches of ${requests} GETs of a 64 KiB value sent (${
                mib(outcome.batches * batch.length)
              } asking for ${
                mib(outcome.batches * requests * big.length)
              } of replies), last write ${outcome.last}; RSS +${
                mib(rss - before.rss)
              }`,
            );
            assert.ok(
              rss - before.rss < RSS_BOUND,
              `slow reader on the ${name} port: RSS grew ${
                mib(rss - before.rss)
              }`,
            );
          } finally {
            await peer.close();
          }
        }
        await observer.call("DEL", "slow:big");
      },
    );

    await assault(
      "binary frames with unknown opcodes, flags, versions and malformed payloads",
      async () => {
        const peer = await HostilePeer.connect(node.port);
        try {
          const frames: [Uint8Array, RegExp][] = [
            [
              frame({ opcode: 0x7777, id: 1 }, [0]),
              /^ERR unknown opcode 0x7777$/,
            ],
            [
              frame({ opcode: 0xffff, id: 2 }, [0]),
              /^ERR unknown opcode 0xffff$/i,
            ],
            [
              frame({ opcode: PING, id: 3, flags: 0x80 }, [0]),
              /^ERR Protocol error: unknown flags 0x80$/,
            ],
            [
              frame({ opcode: PING, id: 4, flags: 0x04 }, [0]),
              /^ERR Protocol error: unknown flags 0x04$/,
            ],
            [
              frame({ opcode: PING, id: 5 }, [
                0xff,
                0xff,
                0xff,
                0xff,
                0xff,
                0xff,
              ]),
              /^ERR Protocol error: invalid argument count varint/,
            ],
            [
              frame({ opcode: GET, id: 6 }, [0x03, 0x01, 0x6b]),
              /^ERR Protocol error: 3 arguments cannot fit/,
            ],
            [
              frame({ opcode: PING, id: 7 }, [0x00, 0x00]),
              /^ERR Protocol error: 1 trailing bytes/,
            ],
            [
              frame({ opcode: SET, id: 8 }, [0xff, 0xff, 0xff, 0xff, 0x0f]),
              /^ERR Protocol error: 4294967295 arguments exceed limit/,
            ],
            [
              // A length varint of 6 bytes (at most 5 are allowed).
              frame({ opcode: GET, id: 9 }, [1, ...Array(5).fill(0x80), 1]),
              /^ERR Protocol error: invalid length varint of argument 0/,
            ],
            [
              frame({ opcode: GET, id: 10 }, [0x01, 0x05, 0x6b]),
              /^ERR Protocol error: argument 0 length 5 runs past payload end/,
            ],
            [
              frame({ opcode: 0x0000, id: 11 }, [0x01, 0x03, 0x4e, 0x4f, 0x50]),
              /^ERR unknown command 'NOP'/,
            ],
            [frame({ opcode: 0x0000, id: 12 }, [0x00]), /^ERR/],
            [
              frame({ opcode: GET, id: 13 }, []),
              /^ERR Protocol error: truncated argument count varint/,
            ],
          ];
          await peer.write(
            concat([...frames.map((f) => f[0]), encodeRequest(99, PING, [])]),
          );
          const got = await peer.readUntil(
            (b) => binaryReplies(b).length >= frames.length + 1,
            5_000,
          );
          const replies = binaryReplies(got.bytes);
          assert.deepEqual(
            replies.map((r) => r.id),
            [...frames.map((_, i) => i + 1), 99],
            show(got.bytes),
          );
          frames.forEach(([, want], i) => {
            assert.match(
              errorText(replies[i].reply) ?? JSON.stringify(replies[i]),
              want,
              `frame ${i + 1}`,
            );
            assert.equal(
              replies[i].opcode,
              new DataView(frames[i][0].buffer).getUint16(2),
            );
          });
          assert.deepEqual(replies.at(-1)!.reply, {
            kind: "status",
            value: "PONG",
          });
          assert.equal(
            got.closed,
            false,
            "the node hung up on a frame it can step over",
          );
        } finally {
          await peer.close();
        }
        // A version the node does not speak: one error, then it hangs up.
        for (const version of [0x00, 0x02, 0xff, 0x2a]) {
          const peer = await HostilePeer.connect(node.port);
          try {
            await peer.write(concat([
              frame({ version, opcode: PING, id: 5 }, [0]),
              encodeRequest(6, PING, []),
            ]));
            const got = await peer.readFor(2_000);
            const replies = binaryReplies(got.bytes);
            assert.equal(replies.length, 1, show(got.bytes));
            assert.equal(
              errorText(replies[0].reply),
              `ERR Protocol error: unsupported version 0x${
                version.toString(16).padStart(2, "0")
              } (this node speaks 1)`,
            );
            assert.ok(got.closed, `version ${version}: connection left open`);
          } finally {
            await peer.close();
          }
        }
      },
    );

    await assault(
      "real commands with seeded random arguments on the binary port",
      async () => {
        const words = [
          "EX",
          "PX",
          "EXAT",
          "PXAT",
          "NX",
          "XX",
          "GT",
          "LT",
          "KEEPTTL",
          "GET",
          "PERSIST",
          "COUNT",
          "MATCH",
          "TYPE",
          "WITHVALUES",
          "RANK",
          "MAXLEN",
          "BEFORE",
          "AFTER",
          "LEFT",
          "RIGHT",
          "0",
          "1",
          "-1",
          "2",
          "3",
          "100",
          "-100",
          "2147483648",
          "-2147483649",
          "9223372036854775807",
          "-9223372036854775808",
          "9223372036854775808",
          "1.5",
          "inf",
          "-inf",
          "nan",
          "",
          "*",
          "fuzz:a",
          "fuzz:b",
          "fuzz:c",
        ];
        // Blocking commands wait for their timeout (or forever): they are
        // fuzzed by tests/compat/gen_lists.ts, with timeouts that end.
        const commands = COMMANDS.filter((c) =>
          !hasFlag(c, "admin") && !hasFlag(c, "blocking") &&
          c.name !== "QUIT" && c.name !== "HELLO"
        );
        const arg = (): Uint8Array =>
          prng.int(3) === 0
            ? prng.bytes(prng.between(0, 24))
            : ascii(words[prng.int(words.length)]);
        const requests = Array.from({ length: 3000 }, (_, i) => {
          const c = commands[prng.int(commands.length)];
          return encodeRequest(
            i,
            c.opcode,
            Array.from({ length: prng.between(0, 6) }, arg),
          );
        });
        const peer = await HostilePeer.connect(node.port, 64 * 1024 * 1024);
        try {
          for (let i = 0; i < requests.length; i += 500) {
            await peer.write(concat(requests.slice(i, i + 500)));
            const want = Math.min(i + 500, requests.length);
            const got = await peer.readUntil(
              (b) => binaryReplies(b).length >= want,
              10_000,
            );
            assert.equal(
              got.closed,
              false,
              `closed after ${binaryReplies(got.bytes).length} replies`,
            );
          }
          const replies = binaryReplies((await peer.readFor(0)).bytes);
          assert.deepEqual(replies.map((r) => r.id), requests.map((_, i) => i));
          const errors = replies.filter((r) => r.reply.kind === "error").length;
          note(
            `command fuzz: 3000 requests, ${errors} error replies, ${
              3000 - errors
            } values`,
          );
        } finally {
          await peer.close();
        }
        // A glob that backtracks exponentially in a naive matcher.
        const long = "a".repeat(4096);
        await observer.call("SET", `fuzz:${long}`, "x");
        const evil = "*a".repeat(500) + "b";
        assert.deepEqual(
          await within(observer.call("KEYS", evil), 5_000, "KEYS (*a)^500 b"),
          [],
        );
        const keys = await observer.call("KEYS", "fuzz:*");
        if (Array.isArray(keys) && keys.length > 0) {
          await observer.call("DEL", ...(keys as string[]));
        }
      },
    );

    await assault("file descriptors run out, then free up again", async () => {
      // Redis's maxclients is missing: enough connections exhaust the node's
      // descriptors. Accepting must resume when they are closed.
      const [soft, hard] = await nofile(pid);
      const open = [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
      await nofile(pid, open + 40, hard);
      const peers: HostilePeer[] = [];
      try {
        for (let i = 0; i < 80; i++) {
          peers.push(
            await HostilePeer.connect(i % 2 ? node.respPort : node.port),
          );
        }
        // The node ran out of descriptors while accepting them.
        const deadline = performance.now() + 5_000;
        while (
          !node.log().includes("Too many open files") &&
          performance.now() < deadline
        ) {
          await sleep(20);
        }
        assert.match(node.log(), /Too many open files/);
        note(
          `descriptor limit lowered to ${
            open + 40
          } (${open} open): 80 connections, ${
            (await clientCount()) - BASE_CLIENTS
          } accepted`,
        );
        await witnesses[0].progress(2, 5_000);
        await witnesses[1].progress(2, 5_000);
        await Promise.all(peers.map((p) => p.close()));
        peers.length = 0;
        await settled("the descriptor flood");
        // Both ports accept again, with the limit still low.
        const bin = await RawClient.connect(node.port);
        try {
          assert.deepEqual(
            await within(bin.call(PING), 5_000, "binary PING after the flood"),
            { kind: "status", value: "PONG" },
          );
        } finally {
          bin.close();
        }
        const resp = await RespClient.connect(node.respPort);
        try {
          assert.deepEqual(
            await within(resp.call("PING"), 5_000, "RESP PING after the flood"),
            { status: "PONG" },
          );
        } finally {
          resp.close();
        }
      } finally {
        await Promise.all(peers.map((p) => p.close()));
        await nofile(pid, soft, hard);
      }
    });

    // Every value every witness ever wrote is still there.
    for (const w of witnesses) await w.stop();
    for (const w of witnesses) assert.deepEqual(w.failures, []);
    const end = procMemory(pid);
    note(
      `end: RSS ${mib(end.rss)}, VmSize ${mib(end.vsize)}; witnesses checked ${
        witnesses.map((w) => `${w.checked} values in ${w.rounds} rounds`).join(
          " and ",
        )
      }`,
    );
  } finally {
    for (const w of witnesses) await w.stop();
    binWitnessClient.close();
    respWitnessClient.close();
    observer.close();
    await node.stop("SIGKILL");
    console.log(`hostile input (seed ${SEED}):\n  ${figures.join("\n  ")}`);
  }
});
