import assert from "node:assert/strict";
import { err, harness } from "./_testing.ts";

Deno.test("PING answers PONG or echoes its argument", () => {
  const h = harness();
  assert.deepEqual(h.run("PING"), { kind: "status", value: "PONG" });
  assert.deepEqual(h.run("PING", "hi\x00\xff"), {
    kind: "bytes",
    value: "hi\x00\xff",
  });
  assert.deepEqual(
    h.call("PING", "a", "b"),
    err("ERR wrong number of arguments for 'ping' command"),
  );
});

Deno.test("ECHO returns its argument, binary-safe", () => {
  const h = harness();
  assert.equal(h.call("ECHO", "\x00\x80\xff"), "\x00\x80\xff");
  assert.equal(h.call("ECHO", ""), "");
  assert.deepEqual(
    h.call("ECHO"),
    err("ERR wrong number of arguments for 'echo' command"),
  );
});

Deno.test("QUIT replies OK and asks for the connection to close", () => {
  const h = harness();
  assert.equal(h.ctx.session.closeAfterReply, false);
  assert.equal(h.call("QUIT"), "OK");
  assert.equal(h.ctx.session.closeAfterReply, true);
  assert.equal(harness().call("QUIT", "a", "b"), "OK");
});

Deno.test("DBSIZE, FLUSHALL and FLUSHDB", () => {
  const h = harness();
  assert.equal(h.call("DBSIZE"), 0);
  h.call("MSET", "a", "1", "b", "2");
  assert.equal(h.call("DBSIZE"), 2);
  assert.equal(h.call("FLUSHALL"), "OK");
  assert.equal(h.call("DBSIZE"), 0);
  for (const cmd of ["FLUSHALL", "FLUSHDB"]) {
    for (const opt of ["ASYNC", "sync", "Async"]) {
      h.call("SET", "a", "1");
      assert.equal(h.call(cmd, opt), "OK");
      assert.equal(h.call("DBSIZE"), 0);
    }
    h.call("SET", "a", "1");
    assert.deepEqual(h.call(cmd, "foo"), err("ERR syntax error"));
    assert.deepEqual(h.call(cmd, "sync", "async"), err("ERR syntax error"));
    assert.equal(h.call("DBSIZE"), 1);
  }
});

Deno.test("HELLO on the binary port answers the protocol map", () => {
  const h = harness();
  const expected = [
    ["server", "cachemir"],
    ["version", "0.1.0"],
    ["proto", 1],
    ["protos", [1]],
    ["id", 7],
    ["features", ["call"]],
    ["max-frame-bytes", 16 * 1024 * 1024],
    ["max-args", 1024 * 1024],
    ["run-id", "5".repeat(40)],
  ];
  assert.deepEqual(h.call("HELLO"), expected);
  assert.deepEqual(h.call("HELLO", "1"), expected);
  assert.deepEqual(h.call("HELLO", "7", "1", "x"), expected);
  assert.equal(h.run("HELLO").kind, "map");
  const noproto = err(
    "NOPROTO unsupported protocol version; this node speaks 1",
  );
  assert.deepEqual(h.call("HELLO", "2"), noproto);
  assert.deepEqual(h.call("HELLO", "abc"), noproto);
  assert.equal(h.ctx.session.dialect, "binary");
});

Deno.test("HELLO on a RESP connection is Redis's HELLO", () => {
  const h = harness({ dialect: "resp2" });
  const map = (proto: number): unknown => [
    ["server", "cachemir"],
    ["version", "0.1.0"],
    ["proto", proto],
    ["id", 7],
    ["mode", "standalone"],
    ["role", "master"],
    ["modules", []],
  ];
  assert.deepEqual(h.call("HELLO"), map(2));
  assert.deepEqual(h.call("HELLO", "3"), map(3));
  assert.equal(h.ctx.session.dialect, "resp3");
  assert.deepEqual(h.call("HELLO"), map(3));
  assert.deepEqual(h.call("HELLO", "2"), map(2));
  assert.equal(h.ctx.session.dialect, "resp2");
  const noproto = err("NOPROTO unsupported protocol version");
  assert.deepEqual(h.call("HELLO", "1"), noproto);
  assert.deepEqual(h.call("HELLO", "4"), noproto);
  assert.deepEqual(
    h.call("HELLO", "abc"),
    err("ERR Protocol version is not an integer or out of range"),
  );
  assert.deepEqual(
    h.call("HELLO", "3", "foo"),
    err("ERR Syntax error in HELLO option 'foo'"),
  );
  assert.equal(h.ctx.session.dialect, "resp2"); // an error switches nothing
  assert.deepEqual(h.call("HELLO", "2", "SETNAME", "app-1"), map(2));
  assert.equal(h.ctx.session.name, "app-1");
  for (const bad of ["a b", "a\nb", "\x7f", "a\x00b", "\xe9"]) {
    assert.deepEqual(
      h.call("HELLO", "2", "setname", bad),
      err(
        "ERR Client names cannot contain spaces, newlines or special characters.",
      ),
    );
  }
  assert.deepEqual(h.call("HELLO", "2", "SETNAME", ""), map(2));
  assert.equal(h.ctx.session.name, "");
  assert.deepEqual(h.call("HELLO", "3", "AUTH", "default", "any"), map(3));
  assert.deepEqual(
    h.call("HELLO", "3", "AUTH", "bob", "pw"),
    err("WRONGPASS invalid username-password pair or user is disabled."),
  );
  assert.deepEqual(
    h.call("HELLO", "3", "AUTH", "default"),
    err("ERR Syntax error in HELLO option 'AUTH'"),
  );
});

Deno.test("CLIENT SETNAME, GETNAME, ID, SETINFO, INFO and LIST", () => {
  const h = harness({ dialect: "resp2" });
  assert.equal(h.call("CLIENT", "GETNAME"), null);
  assert.equal(h.call("CLIENT", "SETNAME", "app-1"), "OK");
  assert.equal(h.call("client", "getname"), "app-1");
  assert.deepEqual(
    h.call("CLIENT", "SETNAME", "a b"),
    err(
      "ERR Client names cannot contain spaces, newlines or special characters.",
    ),
  );
  assert.equal(h.call("CLIENT", "ID"), 7);
  assert.equal(h.call("CLIENT", "SETINFO", "lib-name", "ioredis"), "OK");
  assert.equal(h.call("CLIENT", "SETINFO", "LIB-VER", "6.0.0"), "OK");
  assert.deepEqual(
    h.call("CLIENT", "SETINFO", "lib-name", "a b"),
    err("ERR lib-name cannot contain spaces, newlines or special characters."),
  );
  assert.deepEqual(
    h.call("CLIENT", "SETINFO", "foo", "x"),
    err("ERR Unrecognized option 'foo'"),
  );
  const info = h.call("CLIENT", "INFO") as string;
  assert.match(
    info,
    /^id=7 addr=127\.0\.0\.1:1 laddr= fd=-1 name=app-1 age=0 idle=0 flags=N db=0 .* cmd=client user=default redir=-1 resp=2 lib-name=ioredis lib-ver=6\.0\.0\n$/,
  );
  assert.equal(h.call("CLIENT", "LIST"), info);
  assert.equal(h.call("CLIENT", "LIST", "ID", "7", "8"), info);
  assert.equal(h.call("CLIENT", "LIST", "ID", "8"), "");
  assert.equal(h.call("CLIENT", "LIST", "TYPE", "pubsub"), "");
  assert.deepEqual(
    h.call("CLIENT", "LIST", "TYPE", "x"),
    err("ERR Unknown client type 'x'"),
  );
  assert.deepEqual(
    h.call("CLIENT", "SETNAME"),
    err("ERR wrong number of arguments for 'client|setname' command"),
  );
  assert.deepEqual(
    h.call("CLIENT", "bogus"),
    err("ERR unknown subcommand 'bogus'. Try CLIENT HELP."),
  );
});

Deno.test("SELECT accepts database 0 only", () => {
  const h = harness({ dialect: "resp2" });
  assert.equal(h.call("SELECT", "0"), "OK");
  for (const index of ["1", "15", "16", "-1"]) {
    assert.deepEqual(
      h.call("SELECT", index),
      err("ERR DB index is out of range"),
    );
  }
  assert.deepEqual(
    h.call("SELECT", "abc"),
    err("ERR value is not an integer or out of range"),
  );
  assert.deepEqual(
    h.call("SELECT", "2147483648"),
    err(
      "ERR value is out of range, value must between -2147483648 and 2147483647",
    ),
  );
});

Deno.test("RESET returns the connection to RESP2 without a name", () => {
  const h = harness({ dialect: "resp2" });
  h.call("HELLO", "3", "SETNAME", "x");
  assert.equal(h.ctx.session.dialect, "resp3");
  assert.equal(h.call("RESET"), "RESET");
  assert.equal(h.ctx.session.dialect, "resp2");
  assert.equal(h.ctx.session.name, "");
  const b = harness();
  b.call("RESET");
  assert.equal(b.ctx.session.dialect, "binary");
});

Deno.test("CLIENT KILL: the old and new forms, with Redis's replies and errors", () => {
  const h = harness({ dialect: "resp2" });
  const others = [
    { id: 8, peer: "127.0.0.1:2", local: "127.0.0.1:9" },
    { id: 9, peer: "127.0.0.1:3", local: "127.0.0.1:10" },
  ].map((s) => ({
    ...s,
    dialect: "resp2" as const,
    name: "",
    closeAfterReply: false,
  }));
  const killed: number[] = [];
  const me = h.ctx.session;
  Object.assign(h.ctx.node, {
    clients: () => [me, ...others],
    killClient: (id: number) => {
      killed.push(id);
      return true;
    },
  });
  assert.equal(h.call("CLIENT", "KILL", "127.0.0.1:2"), "OK");
  assert.deepEqual(killed, [8]);
  assert.deepEqual(
    h.call("CLIENT", "KILL", "1.2.3.4:5"),
    err("ERR No such client"),
  );
  assert.deepEqual(h.call("CLIENT", "KILL", "id"), err("ERR No such client"));
  assert.equal(h.call("CLIENT", "KILL", "ID", "9"), 1);
  assert.equal(h.call("CLIENT", "KILL", "ID", "999"), 0);
  assert.equal(h.call("CLIENT", "KILL", "LADDR", "127.0.0.1:9"), 1);
  assert.deepEqual(killed, [8, 9, 8]);
  // SKIPME yes (the default) spares the caller; SKIPME no closes it after
  // its reply.
  assert.equal(h.call("CLIENT", "KILL", "ID", "7"), 0);
  assert.equal(me.closeAfterReply, false);
  assert.equal(h.call("CLIENT", "KILL", "ADDR", "127.0.0.1:1"), 0);
  assert.equal(h.call("CLIENT", "KILL", "TYPE", "pubsub"), 0);
  assert.equal(h.call("CLIENT", "KILL", "USER", "default", "SKIPME", "yes"), 2);
  for (
    const [args, text] of [
      [["ID", "0"], "ERR client-id should be greater than 0"],
      [["ID", "abc"], "ERR client-id should be greater than 0"],
      [["SKIPME", "maybe"], "ERR syntax error"],
      [["ID", "1", "SKIPME"], "ERR syntax error"],
      [["FOO", "bar"], "ERR syntax error"],
      [["TYPE", "foo"], "ERR Unknown client type 'foo'"],
      [["USER", "nobody"], "ERR No such user 'nobody'"],
      [["MAXAGE", "10"], "ERR syntax error"],
    ] as const
  ) {
    assert.deepEqual(
      h.call("CLIENT", "KILL", ...args),
      err(text),
      args.join(" "),
    );
  }
  assert.deepEqual(
    h.call("CLIENT", "KILL"),
    err("ERR wrong number of arguments for 'client|kill' command"),
  );
  assert.equal(h.call("CLIENT", "KILL", "ID", "7", "SKIPME", "no"), 1);
  assert.equal(me.closeAfterReply, true);
});

Deno.test("CLIENT NO-EVICT on|off is accepted; anything else is Redis's error", () => {
  const h = harness({ dialect: "resp2" });
  assert.equal(h.call("CLIENT", "NO-EVICT", "on"), "OK");
  assert.match(h.call("CLIENT", "INFO") as string, / flags=e /);
  assert.equal(h.call("CLIENT", "NO-EVICT", "OFF"), "OK");
  assert.match(h.call("CLIENT", "INFO") as string, / flags=N /);
  assert.deepEqual(
    h.call("CLIENT", "NO-EVICT", "maybe"),
    err("ERR syntax error"),
  );
  assert.deepEqual(
    h.call("CLIENT", "NO-EVICT"),
    err("ERR wrong number of arguments for 'client|no-evict' command"),
  );
});

Deno.test("CLIENT INFO reports the node's counts of qbuf, omem and tot-mem", () => {
  const h = harness({ dialect: "resp2" });
  Object.assign(h.ctx.node, {
    clientBuffers: () => ({ input: 12, output: 345, total: 6789 }),
  });
  assert.match(
    h.call("CLIENT", "INFO") as string,
    / qbuf=12 .* omem=345 tot-mem=6789 /,
  );
});

Deno.test("SHUTDOWN asks the node to stop; SAVE is refused unless FORCE; ABORT and bad options get Redis's errors", () => {
  const h = harness({ dialect: "resp2" });
  assert.deepEqual(
    h.call("SHUTDOWN", "ABORT"),
    err("ERR No shutdown in progress."),
  );
  for (
    const args of [["foo"], ["NOSAVE", "SAVE"], ["ABORT", "NOW"], [
      "SAVE",
      "ABORT",
    ]]
  ) {
    assert.deepEqual(
      h.call("SHUTDOWN", ...args),
      err("ERR syntax error"),
      args.join(" "),
    );
  }
  const asked: { options: readonly string[]; save: boolean }[] = [];
  Object.assign(h.ctx.node, {
    shutdown: (
      r: { options: readonly string[]; save: boolean; force: boolean },
    ) => {
      asked.push(r);
      return !r.save || r.force;
    },
  });
  assert.deepEqual(
    h.call("SHUTDOWN", "SAVE"),
    err("ERR Errors trying to SHUTDOWN. Check logs."),
  );
  assert.equal(h.ctx.session.closeAfterReply, false);
  assert.equal(h.call("SHUTDOWN", "nosave", "NOW", "now"), "OK");
  assert.deepEqual(asked.map((r) => r.options), [
    ["SAVE"],
    ["NOSAVE", "NOW", "NOW"],
  ]);
  // RESP: closed without a reply, as Redis; binary: OK, then closed.
  assert.equal(h.ctx.session.closeAfterReply, true);
  assert.equal(h.ctx.session.closeWithoutReply, true);
  const b = harness({ dialect: "binary" });
  Object.assign(b.ctx.node, { shutdown: () => true });
  assert.equal(b.call("SHUTDOWN"), "OK");
  assert.equal(b.ctx.session.closeWithoutReply, false);
});

Deno.test("CLIENT UNBLOCK with too many arguments: Redis 7.0's error, the name as sent", () => {
  const h = harness({ dialect: "resp2" });
  assert.deepEqual(
    h.call("CLIENT", "unBLOCK", "1", "TIMEOUT", "x"),
    err(
      "ERR unknown subcommand or wrong number of arguments for 'unBLOCK'. Try CLIENT HELP.",
    ),
  );
});
