import assert from "node:assert/strict";
import { COMMANDS } from "@cachemir/protocol";
import { err, harness } from "./_testing.ts";

Deno.test("COMMAND COUNT, LIST and INFO describe the command table", () => {
  const h = harness();
  assert.equal(h.call("COMMAND", "COUNT"), COMMANDS.length);
  const list = h.call("COMMAND", "LIST") as string[];
  assert.ok(list.includes("get") && list.includes("config"));
  assert.deepEqual(h.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "getr*"), [
    "getrange",
  ]);
  const [get, missing] = h.call(
    "COMMAND",
    "INFO",
    "get",
    "nosuch",
  ) as unknown[][];
  assert.equal(missing, null);
  assert.deepEqual(get.slice(0, 8), [
    "get",
    2,
    ["readonly"],
    1,
    1,
    1,
    ["@read", "@string"],
    [],
  ]);
  const mset = (h.call("COMMAND", "INFO", "MSET") as unknown[][])[0];
  assert.deepEqual(mset.slice(0, 6), ["mset", -3, ["write"], 1, -1, 2]);
  const all = h.call("COMMAND") as unknown[][];
  assert.equal(all.length, COMMANDS.length);
  const config = all.find((c) => c[0] === "config")!;
  assert.ok((config[9] as unknown[][]).some((s) => s[0] === "config|get"));
});

Deno.test("COMMAND DOCS answers a map redis-cli accepts", () => {
  const h = harness();
  const docs = h.run("COMMAND", "DOCS", "get", "nosuch");
  assert.equal(docs.kind, "map");
  assert.deepEqual(h.call("COMMAND", "DOCS", "get"), [[
    "get",
    [
      ["summary", "GET (see the Redis documentation)"],
      ["since", "0.1.0"],
      ["group", "string"],
    ],
  ]]);
  assert.equal(
    (h.call("COMMAND", "DOCS") as unknown[]).length,
    COMMANDS.length,
  );
});

Deno.test("COMMAND GETKEYS finds keys as Redis does", () => {
  const h = harness();
  assert.deepEqual(h.call("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"), [
    "a",
    "b",
  ]);
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "sintercard", "2", "a", "b", "LIMIT", "1"),
    ["a", "b"],
  );
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "get"),
    err("ERR wrong number of arguments for 'command|getkeys' command"),
  );
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "nosuch", "a"),
    err("ERR Invalid command specified"),
  );
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "set", "a"),
    err("ERR Invalid number of arguments specified for command"),
  );
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "ping", "x"),
    err("ERR The command has no key arguments"),
  );
  assert.deepEqual(
    h.call("COMMAND", "foo"),
    err("ERR unknown subcommand 'foo'. Try COMMAND HELP."),
  );
});

Deno.test("CONFIG GET matches names as Redis does; CONFIG SET refuses changes", () => {
  const h = harness();
  assert.deepEqual(h.call("CONFIG", "GET", "save"), [["save", ""]]);
  assert.deepEqual(h.call("CONFIG", "GET", "SAVE"), [["SAVE", ""]]);
  assert.deepEqual(h.call("CONFIG", "GET", "append*", "save", "sav?"), [
    ["appendonly", "no"],
    ["save", ""],
  ]);
  assert.deepEqual(h.call("CONFIG", "GET", "maxmemory*"), [
    ["maxmemory", "0"],
    ["maxmemory-policy", "noeviction"],
  ]);
  assert.deepEqual(h.call("CONFIG", "GET", "nosuch"), []);
  assert.equal(h.run("CONFIG", "GET", "save").kind, "map");
  assert.equal(h.call("CONFIG", "SET", "save", ""), "OK");
  assert.equal(h.call("CONFIG", "SET", "appendonly", "no", "save", ""), "OK");
  assert.deepEqual(
    h.call("CONFIG", "SET", "nosuch", "1"),
    err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "databases", "3"),
    err(
      "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
    ),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "appendonly", "yes"),
    err(
      "ERR CONFIG SET failed (possibly related to argument 'appendonly') - CacheMir cannot change this setting",
    ),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "a", "b", "c"),
    err("ERR syntax error"),
  );
  assert.deepEqual(
    h.call("CONFIG", "GET"),
    err("ERR wrong number of arguments for 'config|get' command"),
  );
  assert.deepEqual(
    h.call("CONFIG"),
    err("ERR wrong number of arguments for 'config' command"),
  );
  assert.deepEqual(
    h.call("CONFIG", "foo"),
    err("ERR unknown subcommand 'foo'. Try CONFIG HELP."),
  );
  assert.equal(h.call("CONFIG", "RESETSTAT"), "OK");
});

Deno.test("INFO writes Redis's sections; INFO section picks some", () => {
  const h = harness();
  h.call("SET", "a", "1");
  h.call("SET", "b", "2", "EX", "100");
  const all = h.call("INFO") as string;
  const titles = [...all.matchAll(/^# (\w+)\r$/gm)].map((m) => m[1]);
  assert.deepEqual(titles, [
    "Server",
    "Clients",
    "Memory",
    "Persistence",
    "Stats",
    "Replication",
    "Keyspace",
  ]);
  assert.match(all, /\r\nredis_version:7\.0\.0\r\n/);
  assert.match(all, /\r\ncachemir_version:0\.1\.0\r\n/);
  assert.match(all, /\r\nused_memory:\d+\r\n/);
  assert.ok(all.endsWith("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n"));
  assert.equal(
    h.call("INFO", "keyspace"),
    "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n",
  );
  assert.match(
    h.call("INFO", "STATS", "clients") as string,
    /^# Clients\r\nconnected_clients:1\r\n.*\r\n\r\n# Stats\r\n/s,
  );
  assert.equal(h.call("INFO", "nosuch"), "");
});

Deno.test("TIME answers seconds and microseconds", () => {
  const h = harness();
  const [s, us] = h.call("TIME") as string[];
  assert.ok(Math.abs(Number(s) - Date.now() / 1000) < 5);
  assert.ok(Number(us) >= 0 && Number(us) < 1_000_000);
  assert.match(us, /^\d+$/);
});
