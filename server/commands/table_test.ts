import assert from "node:assert/strict";
import {
  commandByName,
  COMMANDS,
  errorText,
  OK,
  OPCODE_CALL,
  type Reply,
} from "@cachemir/protocol";
import { CommandTable, HANDLERS, OOM_ERROR, unknownCommand } from "./table.ts";
import { argvView, err, harness, plain } from "./_testing.ts";
import type { CommandContext } from "./types.ts";
import { Keyspace } from "../store/keyspace.ts";

Deno.test("CommandTable.byName() finds commands in any case", () => {
  const table = new CommandTable();
  assert.equal(table.byName("GET")?.name, "GET");
  assert.equal(table.byName("get")?.name, "GET");
  assert.equal(table.byName("gEt")?.name, "GET");
  assert.equal(table.byName("nope"), undefined);
  // Only ASCII letters fold: "ß" does not become "SS" (SSCAN).
  assert.equal(table.byName("\xdfcan"), undefined);
  assert.equal(table.byOpcode(0x0100)?.name, "GET");
  assert.equal(table.byOpcode(0x7777), undefined);
});

Deno.test("CommandTable has a handler for every command of issue 2", () => {
  const table = new CommandTable();
  const names = table.specs.map((s) => s.name).sort();
  assert.deepEqual(names, Object.keys(HANDLERS).sort());
  for (const spec of table.specs) {
    assert.equal(spec.opcode, commandByName(spec.name)?.opcode);
  }
  assert.ok(names.length >= 45);
});

Deno.test("CommandTable.execute() checks arity with Redis's text", () => {
  const h = harness();
  assert.deepEqual(
    h.call("get"),
    err("ERR wrong number of arguments for 'get' command"),
  );
  assert.deepEqual(
    h.call("GET", "a", "b"),
    err("ERR wrong number of arguments for 'get' command"),
  );
  assert.deepEqual(
    h.call("Set", "k"),
    err("ERR wrong number of arguments for 'set' command"),
  );
  assert.deepEqual(
    h.call("MGET"),
    err("ERR wrong number of arguments for 'mget' command"),
  );
  assert.deepEqual(
    h.call("RANDOMKEY", "x"),
    err("ERR wrong number of arguments for 'randomkey' command"),
  );
});

Deno.test("CommandTable.execute() answers unknown commands with Redis's text", () => {
  const h = harness();
  assert.deepEqual(
    h.call("foo", "a", "b"),
    err("ERR unknown command 'foo', with args beginning with: 'a' 'b' "),
  );
  assert.deepEqual(
    h.call("foo"),
    err("ERR unknown command 'foo', with args beginning with: "),
  );
  // Cut as Redis cuts: args up to 128 bytes, each at a NUL, CR/LF as spaces.
  assert.deepEqual(
    h.call("foo\x00bar", "a\nb", "c\x00d"),
    err("ERR unknown command 'foo', with args beginning with: 'a b' 'c' "),
  );
  assert.deepEqual(
    h.call("foo", "a".repeat(95), "b".repeat(100), "c".repeat(18)),
    err(
      `ERR unknown command 'foo', with args beginning with: '${
        "a".repeat(95)
      }' '${"b".repeat(30)}' `,
    ),
  );
  assert.equal(
    errorText(unknownCommand("x".repeat(200), [])),
    `ERR unknown command '${"x".repeat(128)}', with args beginning with: `,
  );
});

Deno.test("CommandTable answers protocol commands without a handler as unknown", () => {
  const h = harness();
  const { HSET: _, ...withoutHset } = HANDLERS;
  const table = new CommandTable({ handlers: withoutHset });
  assert.deepEqual(
    plain(table.execute(h.ctx, "HSET", ["h", "f", "v"])),
    err("ERR unknown command 'HSET', with args beginning with: 'h' 'f' 'v' "),
  );
  const hset = commandByName("HSET")!;
  assert.deepEqual(
    plain(table.executeOpcode(h.ctx, hset.opcode, ["h"])),
    err("ERR unknown command 'hset', with args beginning with: 'h' "),
  );
  // Every protocol command answers something without throwing.
  for (const info of COMMANDS) {
    const args = Array.from({ length: Math.abs(info.arity) - 1 }, () => "1");
    const reply = h.table.executeOpcode(h.ctx, info.opcode, args);
    assert.ok(typeof reply.kind === "string", info.name);
  }
});

Deno.test("CommandTable.executeOpcode() runs opcodes, CALL, and refuses unknown opcodes", () => {
  const h = harness();
  const run = (op: number, ...args: string[]): unknown =>
    plain(h.table.executeOpcode(h.ctx, op, args));
  assert.equal(run(commandByName("SET")!.opcode, "k", "v"), "OK");
  assert.equal(run(commandByName("GET")!.opcode, "k"), "v");
  assert.equal(run(OPCODE_CALL, "echo", "hi"), "hi");
  assert.equal(run(OPCODE_CALL, "GET", "k"), "v");
  assert.deepEqual(
    run(OPCODE_CALL),
    err("ERR wrong number of arguments for 'call' command"),
  );
  assert.deepEqual(
    run(OPCODE_CALL, "nope", "x"),
    err("ERR unknown command 'nope', with args beginning with: 'x' "),
  );
  assert.deepEqual(run(0x7777), err("ERR unknown opcode 0x7777"));
  assert.deepEqual(run(0x00ff), err("ERR unknown opcode 0x00ff"));
  assert.deepEqual(
    run(commandByName("GET")!.opcode),
    err("ERR wrong number of arguments for 'get' command"),
  );
});

Deno.test("CommandTable.dispatch() turns a throwing handler into an error reply", () => {
  const boom = (_ctx: CommandContext, _args: string[]): Reply => {
    throw new TypeError("Cannot read properties of undefined\r\n(oops)");
  };
  const table = new CommandTable({ handlers: { ...HANDLERS, GET: boom } });
  const h = harness();
  const reply = table.execute(h.ctx, "GET", ["k"]);
  assert.deepEqual(
    plain(reply),
    err("ERR Cannot read properties of undefined  (oops)"),
  );
  // The table still works afterwards.
  assert.equal(table.execute(h.ctx, "SET", ["k", "v"]), OK);
});

Deno.test("a throwing direct form replies its error, counted as a failed call", () => {
  const boom = (): boolean => {
    throw new RangeError("direct\r\nboom");
  };
  for (const counting of [true, false]) {
    const table = new CommandTable({
      handlers: HANDLERS,
      directHandlers: { GET: boom },
      counting,
    });
    const h = harness();
    const reply = table.executeView(h.ctx, "GET", argvView("k"), {
      reply: () => assert.fail("nothing is written"),
      bulk: () => assert.fail("nothing is written"),
      integer: () => assert.fail("nothing is written"),
    });
    assert.deepEqual(plain(reply!), err("ERR direct  boom"), `${counting}`);
    const get = table.stats.of("get");
    assert.equal(get.calls, counting ? 1 : 0);
    assert.equal(get.failedCalls, counting ? 1 : 0);
    assert.equal(table.execute(h.ctx, "SET", ["k", "v"]), OK);
  }
});

Deno.test("CommandTable() refuses a handler without a command row", () => {
  assert.throws(
    () => new CommandTable({ handlers: { NOPE: () => OK } }),
    /handler NOPE has no command row/,
  );
  assert.throws(
    () =>
      new CommandTable({
        commands: [COMMANDS[0], { ...COMMANDS[1], opcode: COMMANDS[0].opcode }],
        handlers: {},
      }),
    /opcode 0x1 of PING is taken by HELLO/,
  );
});

Deno.test("CommandTable() takes name-only rows with a negative opcode", () => {
  const info = { ...commandByName("PING")!, name: "XPING", opcode: -1 };
  const table = new CommandTable({
    commands: [...COMMANDS, info, { ...info, name: "YPING" }],
    handlers: { ...HANDLERS, XPING: () => OK, YPING: () => OK },
  });
  const h = harness();
  assert.equal(table.execute(h.ctx, "xping", []), OK);
  assert.equal(table.execute(h.ctx, "YPING", []), OK);
  assert.equal(table.byOpcode(-1), undefined);
});

/** A store whose `makeRoom()` answers what the test says, and counts calls. */
class FakeStore extends Keyspace {
  room = true;
  calls = 0;
  override makeRoom(): boolean {
    this.calls++;
    return this.room;
  }
}

function oomHarness(maxmemory: number) {
  const store = new FakeStore({ memory: { maxmemory } });
  const h = harness();
  const ctx: CommandContext = { ...h.ctx, store };
  const call = (name: string, ...args: string[]): unknown =>
    plain(h.table.execute(ctx, name, args));
  store.calls = 0;
  return { store, ctx, call, table: h.table };
}

const OOM = err("OOM command not allowed when used memory > 'maxmemory'.");

Deno.test("CommandTable.dispatch() makes room before writes only when there is a limit", () => {
  const none = oomHarness(0);
  none.store.room = false;
  assert.equal(none.call("SET", "k", "v"), "OK");
  assert.equal(none.store.calls, 0);

  const { store, call } = oomHarness(1000);
  assert.equal(call("SET", "k", "v"), "OK");
  assert.equal(store.calls, 1);
  assert.equal(call("GET", "k"), "v");
  assert.equal(call("EXISTS", "k"), 1);
  assert.equal(store.calls, 1); // reads do not evict
  assert.equal(call("DEL", "k"), 1);
  assert.equal(store.calls, 2); // every write does
});

Deno.test("CommandTable.dispatch() refuses denyoom commands with Redis's OOM error", () => {
  const { store, ctx, call, table } = oomHarness(1000);
  assert.equal(call("SET", "k", "v"), "OK");
  call("RPUSH", "l", "a", "b");
  store.room = false;
  assert.equal(errorText(OOM_ERROR), OOM.error);
  for (
    const line of [
      ["SET", "k", "w"],
      ["SETNX", "n", "1"],
      ["MSET", "a", "1"],
      ["INCR", "c"],
      ["APPEND", "k", "x"],
      ["HSET", "h", "f", "v"],
      ["LPUSH", "l", "x"],
      ["SADD", "s", "m"],
      ["SUNIONSTORE", "d", "s"],
    ]
  ) {
    assert.deepEqual(call(line[0], ...line.slice(1)), OOM, line.join(" "));
  }
  // By opcode too, and through CALL.
  const set = commandByName("SET")!.opcode;
  assert.deepEqual(plain(table.executeOpcode(ctx, set, ["k", "w"])), OOM);
  assert.deepEqual(
    plain(table.executeOpcode(ctx, OPCODE_CALL, ["set", "k", "w"])),
    OOM,
  );
  assert.equal(call("GET", "k"), "v"); // nothing was written
  // Arity is checked first, as Redis does.
  assert.deepEqual(
    call("SET", "k"),
    err("ERR wrong number of arguments for 'set' command"),
  );
  // Reads, and writes that are not denyoom, still run.
  assert.equal(call("GET", "k"), "v");
  assert.deepEqual(call("LRANGE", "l", "0", "-1"), ["a", "b"]);
  assert.equal(call("GETEX", "k", "PERSIST"), "v");
  assert.equal(call("RPOP", "l"), "b");
  assert.equal(call("EXPIRE", "k", "100"), 1);
  assert.equal(call("DEL", "k"), 1);
  assert.equal(call("FLUSHALL"), "OK");
  assert.equal(call("PING"), "PONG");
  store.room = true;
  assert.equal(call("SET", "k", "v"), "OK");
});

/** A ReplyOut that keeps what was written, as plain data. */
function collector() {
  const written: unknown[] = [];
  return {
    written,
    out: {
      reply: (r: Reply) => written.push(plain(r)),
      bulk: (b: Uint8Array, s: number, n: number) =>
        written.push(new TextDecoder().decode(b.subarray(s, s + n))),
      integer: (n: number) => written.push(n),
    },
  };
}

function statLine(lines: string[], name: string): string | undefined {
  return lines.find((l) => l.startsWith(`cmdstat_${name}:`));
}

Deno.test("dispatch counts calls, failed calls (an error replied) and errors by kind, on every path", () => {
  const h = harness();
  const { table, ctx } = h;
  const { written, out } = collector();
  table.timingSample = 1;
  h.call("SET", "k", "v");
  h.call("RPUSH", "l", "a");
  assert.equal(table.executeView(ctx, "get", argvView("k"), out), undefined); // direct form
  assert.equal(table.executeView(ctx, "GET", argvView("l"), out), undefined); // direct, WRONGTYPE
  assert.deepEqual(written, ["v", {
    error: "WRONGTYPE Operation against a key holding the wrong kind of value",
  }]);
  h.call("GET", "l"); // handler path, WRONGTYPE
  table.executeOpcodeView(
    ctx,
    commandByName("GET")!.opcode,
    argvView("k"),
    out,
  );
  h.call("LPUSH", "k", "x"); // WRONGTYPE through a handler
  const lines = table.stats.commandstatsLines();
  assert.equal(
    statLine(lines, "get"),
    `cmdstat_get:calls=4,usec=${table.stats.of("get").usec},usec_per_call=${
      (table.stats.of("get").usec / 4).toFixed(2)
    },rejected_calls=0,failed_calls=2`,
  );
  assert.match(
    statLine(lines, "set")!,
    /^cmdstat_set:calls=1,.*,rejected_calls=0,failed_calls=0$/,
  );
  assert.match(statLine(lines, "lpush")!, /,failed_calls=1$/);
  assert.deepEqual(table.stats.errorstatsLines(), [
    "errorstat_WRONGTYPE:count=3",
  ]);
  assert.equal(table.stats.totalErrorReplies, 3);
  assert.equal(table.stats.of("get").latency.count, 4);
});

Deno.test("dispatch counts refusals (arity, NOAUTH, OOM) as rejected calls, and unknown commands as errors only", () => {
  const h = harness();
  const { table, ctx } = h;
  const { out } = collector();
  h.call("GET");
  table.executeView(ctx, "get", argvView("a", "b"), out);
  h.call("NOSUCH", "x");
  table.executeView(ctx, "nosuch2", argvView(), out);
  table.executeOpcode(ctx, 0x7777, []);
  const locked: CommandContext = {
    ...ctx,
    session: { ...ctx.session, authenticated: false },
    node: {
      ...ctx.node,
      settings: {
        maxclients: 10,
        timeout: 0,
        requirepass: "pw",
        clientOutputBufferLimit: 0,
        rateLimit: 0,
        trackingTableMaxKeys: 1_000_000,
      },
    },
  };
  table.execute(locked, "SET", ["k", "v"]);
  const { call, table: oomTable, store } = oomHarness(1000);
  store.room = false;
  call("SET", "k", "v");
  assert.match(
    statLine(table.stats.commandstatsLines(), "get")!,
    /^cmdstat_get:calls=0,usec=0,usec_per_call=0\.00,rejected_calls=2,failed_calls=0$/,
  );
  assert.match(
    statLine(table.stats.commandstatsLines(), "set")!,
    /,rejected_calls=1,failed_calls=0$/,
  );
  assert.equal(table.stats.commandstatsLines().length, 2);
  assert.deepEqual(table.stats.errorstatsLines(), [
    "errorstat_ERR:count=5",
    "errorstat_NOAUTH:count=1",
  ]);
  assert.match(
    statLine(oomTable.stats.commandstatsLines(), "set")!,
    /^cmdstat_set:calls=0,.*,rejected_calls=1,failed_calls=0$/,
  );
  assert.deepEqual(oomTable.stats.errorstatsLines(), ["errorstat_OOM:count=1"]);
});

Deno.test("dispatch counts a container by subcommand, as Redis 7 (config|get); CONFIG RESETSTAT zeroes it all", () => {
  const h = harness();
  const { table } = h;
  h.call("CONFIG", "GET", "maxclients");
  h.call("config", "get", "timeout");
  h.call("CONFIG", "GET"); // wrong arity of config|get: refused
  h.call("CONFIG", "NOSUCH"); // unknown subcommand: an error only
  h.call("CONFIG", "SET", "maxclients", "x"); // ran, failed
  const lines = table.stats.commandstatsLines();
  assert.match(
    statLine(lines, "config|get")!,
    /^cmdstat_config\|get:calls=2,.*,rejected_calls=1,failed_calls=0$/,
  );
  assert.match(
    statLine(lines, "config|set")!,
    /^cmdstat_config\|set:calls=1,.*,rejected_calls=0,failed_calls=1$/,
  );
  assert.equal(statLine(lines, "config"), undefined);
  assert.equal(lines.length, 2);
  assert.deepEqual(table.stats.errorstatsLines(), ["errorstat_ERR:count=3"]);
  // Every container, FUNCTION too (redis-server 7.0.15 shows function|list).
  h.call("FUNCTION", "LIST");
  assert.match(
    statLine(table.stats.commandstatsLines(), "function|list")!,
    /^cmdstat_function\|list:calls=1,/,
  );
  assert.equal(
    statLine(table.stats.commandstatsLines(), "function"),
    undefined,
  );
  assert.ok(
    table.stats.latencystatsLines().some((l) =>
      l.startsWith("latency_percentiles_usec_config|get:p50=")
    ),
  );

  assert.equal(h.call("CONFIG", "RESETSTAT"), "OK");
  assert.deepEqual(table.stats.errorstatsLines(), []);
  assert.equal(table.stats.totalErrorReplies, 0);
  // Only RESETSTAT itself, counted once it ran (as in Redis).
  assert.deepEqual(
    table.stats.commandstatsLines().map((l) => l.slice(0, l.indexOf(":"))),
    ["cmdstat_config|resetstat"],
  );
});

Deno.test("dispatch logs commands at or over slowlog-log-slower-than, with the name as sent and secrets redacted", () => {
  const h = harness();
  const { table, ctx } = h;
  const { out } = collector();
  h.call("SET", "k", "v"); // under 10 ms: not logged
  assert.equal(table.slowlog.length, 0);
  table.slowlog.settings.slowerThan = 0;
  table.executeView(ctx, "gEt", argvView("k"), out);
  table.executeOpcodeView(
    ctx,
    commandByName("SET")!.opcode,
    argvView("k", "w"),
    out,
  );
  h.call("AUTH", "secret");
  h.call("GET"); // refused: never logged
  h.call("NOSUCH"); // unknown: never logged
  assert.deepEqual(
    table.slowlog.entries(-1).map((e) => e.argv),
    [["AUTH", "(redacted)"], ["set", "k", "w"], ["gEt", "k"]],
  );
  assert.equal(table.slowlog.entries(1)[0].peer, "127.0.0.1:1");
});

Deno.test("dispatch times one run in timingSample of a direct form (its first always), and every run while slowlog-log-slower-than is 0", () => {
  const h = harness();
  const { table, ctx } = h;
  const { out } = collector();
  h.call("SET", "k", "v");
  h.call("RPUSH", "l", "a");
  assert.equal(table.timingSample, 16);
  for (let i = 0; i < 40; i++) {
    table.executeView(ctx, "GET", argvView(i % 2 === 0 ? "k" : "l"), out);
  }
  const get = table.stats.of("get");
  assert.equal(get.calls, 40);
  assert.equal(get.failedCalls, 20); // counted on every run
  assert.equal(get.timed, 3); // runs 1, 17 and 33
  assert.equal(get.latency.count, 3);
  assert.equal(get.usec, Math.round(get.millis * 1000 * 40 / 3));
  assert.deepEqual(table.stats.errorstatsLines(), [
    "errorstat_WRONGTYPE:count=20",
  ]);
  // Commands without a direct form are always timed.
  for (let i = 0; i < 5; i++) h.call("LLEN", "l");
  assert.equal(table.stats.of("llen").timed, 5);
  // A slow log of every command sees every run.
  table.slowlog.settings.slowerThan = 0;
  for (let i = 0; i < 5; i++) table.executeView(ctx, "GET", argvView("k"), out);
  assert.equal(get.timed, 8);
  assert.equal(table.slowlog.length, 5);
});

Deno.test("CommandTable.onWrite is told after each write command, not after reads", () => {
  const h = harness();
  const told: string[][] = [];
  h.table.onWrite = (spec, args) => told.push([spec.name, ...args]);
  h.call("RPUSH", "l", "a");
  h.call("LRANGE", "l", "0", "-1");
  h.call("RENAME", "l", "m");
  h.call("LPUSH");
  assert.deepEqual(told, [["RPUSH", "l", "a"], ["RENAME", "l", "m"]]);
});
