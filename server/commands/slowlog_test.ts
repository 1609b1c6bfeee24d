import assert from "node:assert/strict";
import { harness } from "./_testing.ts";
import { redactArgv, SlowLog, trimArgv } from "./slowlog.ts";

Deno.test("trimArgv keeps 32 arguments (the last says how many more) and 128 bytes of each", () => {
  const many = ["rpush", "l", ...Array.from({ length: 40 }, (_, i) => `${i}`)];
  const kept = trimArgv(many);
  assert.equal(kept.length, 32);
  assert.deepEqual(kept.slice(0, 31), many.slice(0, 31));
  assert.equal(kept[31], "... (11 more arguments)");
  assert.deepEqual(trimArgv(many.slice(0, 32)), many.slice(0, 32));
  assert.deepEqual(trimArgv(["set", "x".repeat(128)]), [
    "set",
    "x".repeat(128),
  ]);
  assert.deepEqual(trimArgv(["set", "x".repeat(200)]), [
    "set",
    "x".repeat(128) + "... (72 more bytes)",
  ]);
});

Deno.test("redactArgv hides AUTH's, HELLO AUTH's and CONFIG SET requirepass's secrets", () => {
  const auth = ["auth", "pw"];
  redactArgv("AUTH", auth);
  assert.deepEqual(auth, ["auth", "(redacted)"]);
  const hello = ["hello", "3", "AUTH", "u", "p", "SETNAME", "n"];
  redactArgv("HELLO", hello);
  assert.deepEqual(hello, [
    "hello",
    "3",
    "AUTH",
    "(redacted)",
    "(redacted)",
    "SETNAME",
    "n",
  ]);
  const config = ["config", "set", "maxclients", "5", "requirepass", "pw"];
  redactArgv("CONFIG", config);
  assert.deepEqual(config, [
    "config",
    "set",
    "maxclients",
    "5",
    "requirepass",
    "(redacted)",
  ]);
  const get = ["get", "k"];
  redactArgv("GET", get);
  assert.deepEqual(get, ["get", "k"]);
});

Deno.test("SlowLog: threshold (negative: none, 0: all), length, newest first, ids kept across RESET", () => {
  const log = new SlowLog();
  assert.deepEqual(log.settings, { slowerThan: 10000, maxLen: 128 });
  assert.ok(!log.logs(9999));
  assert.ok(log.logs(10000));
  log.settings.slowerThan = -1;
  assert.ok(!log.logs(1e9));
  log.settings.slowerThan = 0;
  assert.ok(log.logs(0));
  log.settings.maxLen = 3;
  for (let i = 0; i < 5; i++) log.push([`c${i}`], i, "p", "n");
  assert.equal(log.length, 3);
  assert.deepEqual(log.entries(-1).map((e) => [e.id, e.argv[0]]), [[4, "c4"], [
    3,
    "c3",
  ], [2, "c2"]]);
  assert.deepEqual(log.entries(1).map((e) => e.id), [4]);
  log.settings.maxLen = 1;
  log.trim();
  assert.equal(log.length, 1);
  log.reset();
  assert.equal(log.length, 0);
  log.push(["x"], 1.9, "127.0.0.1:9", "me");
  const [e] = log.entries(10);
  assert.equal(e.id, 5);
  assert.equal(e.micros, 1);
  assert.equal(e.peer, "127.0.0.1:9");
  assert.equal(e.name, "me");
  assert.ok(Math.abs(e.time - Date.now() / 1000) < 5);
});

Deno.test("SLOWLOG GET/LEN/RESET/HELP through the table, with slowlog-log-slower-than 0", () => {
  const h = harness();
  assert.equal(h.call("CONFIG", "SET", "slowlog-log-slower-than", "0"), "OK");
  h.call("SET", "k", "v");
  h.call("GET", "k");
  // Newest first: GET, SET, CONFIG SET; SLOWLOG GET itself comes after.
  const entries = h.call("SLOWLOG", "GET", "2") as unknown[][];
  assert.equal(entries.length, 2);
  const [get, set] = entries;
  assert.equal(get.length, 6);
  assert.equal(typeof get[0], "number");
  assert.equal(get[0], (set[0] as number) + 1);
  assert.ok(Math.abs((get[1] as number) - h.now / 1000) < 1e9); // unix seconds
  assert.ok((get[2] as number) >= 0);
  assert.deepEqual(get[3], ["GET", "k"]);
  assert.deepEqual(set[3], ["SET", "k", "v"]);
  assert.equal(get[4], "127.0.0.1:1");
  assert.equal(get[5], "");
  // CONFIG SET, SET, GET, SLOWLOG GET (LEN is logged after it replies).
  assert.equal(h.call("SLOWLOG", "LEN"), 4);
  assert.equal(h.call("SLOWLOG", "RESET"), "OK");
  assert.equal(h.call("SLOWLOG", "LEN"), 1); // the RESET itself
  assert.equal((h.call("SLOWLOG", "GET", "-1") as unknown[]).length, 2);
  assert.equal(
    (h.call("SLOWLOG", "HELP") as string[])[0],
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  );
  assert.deepEqual(h.call("SLOWLOG", "GET", "-2"), {
    error: "ERR count should be greater than or equal to -1",
  });
  assert.deepEqual(h.call("SLOWLOG", "GET", "x"), {
    error: "ERR count should be greater than or equal to -1",
  });
  assert.deepEqual(h.call("SLOWLOG", "GET", "1", "2"), {
    error:
      "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.",
  });
  assert.deepEqual(h.call("SLOWLOG", "LEN", "x"), {
    error: "ERR wrong number of arguments for 'slowlog|len' command",
  });
  assert.deepEqual(h.call("SLOWLOG", "FOO"), {
    error: "ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.",
  });
});

Deno.test("CONFIG GET/SET slowlog-log-slower-than and slowlog-max-len, with Redis's bounds", () => {
  const h = harness();
  assert.deepEqual(h.call("CONFIG", "GET", "slowlog*"), [
    ["slowlog-log-slower-than", "10000"],
    ["slowlog-max-len", "128"],
  ]);
  assert.deepEqual(h.call("CONFIG", "SET", "slowlog-log-slower-than", "-5"), {
    error:
      "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive",
  });
  assert.deepEqual(h.call("CONFIG", "SET", "slowlog-max-len", "x"), {
    error:
      "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument couldn't be parsed into an integer",
  });
  assert.equal(
    h.call(
      "CONFIG",
      "SET",
      "slowlog-log-slower-than",
      "0",
      "slowlog-max-len",
      "2",
    ),
    "OK",
  );
  assert.deepEqual(h.call("CONFIG", "GET", "slowlog-max-len"), [[
    "slowlog-max-len",
    "2",
  ]]);
  for (let i = 0; i < 5; i++) h.call("PING");
  assert.equal(h.call("SLOWLOG", "LEN"), 2);
  assert.equal(h.call("CONFIG", "SET", "slowlog-max-len", "0"), "OK");
  assert.equal(h.call("SLOWLOG", "LEN"), 0);
  assert.equal(
    h.call(
      "CONFIG",
      "SET",
      "slowlog-max-len",
      "10",
      "slowlog-log-slower-than",
      "-1",
    ),
    "OK",
  );
  h.call("PING");
  assert.equal(h.call("SLOWLOG", "LEN"), 0);
});
