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
    h.call("CLIENT", "kill"),
    err("ERR unknown subcommand 'kill'. Try CLIENT HELP."),
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
