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
  assert.deepEqual(mset.slice(0, 6), [
    "mset",
    -3,
    ["write", "denyoom"],
    1,
    -1,
    2,
  ]);
  const object = (h.call("COMMAND", "INFO", "OBJECT") as unknown[][])[0];
  assert.deepEqual(object.slice(0, 6), ["object", -2, ["readonly"], 2, 2, 1]);
  assert.deepEqual(
    (object[9] as unknown[][]).map((s) => s[0]),
    [
      "object|encoding",
      "object|freq",
      "object|idletime",
      "object|refcount",
      "object|help",
    ],
  );
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
  // A container's subcommand is looked up, as Redis does.
  assert.deepEqual(h.call("COMMAND", "GETKEYS", "object", "encoding", "k"), [
    "k",
  ]);
  assert.deepEqual(h.call("COMMAND", "GETKEYS", "OBJECT", "Freq", "k"), ["k"]);
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "object", "k"),
    err("ERR Invalid command specified"),
  );
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "object", "help"),
    err("ERR The command has no key arguments"),
  );
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "object", "help", "x"),
    err("ERR The command has no key arguments"),
  );
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "object", "encoding", "a", "b"),
    err("ERR Invalid number of arguments specified for command"),
  );
  assert.deepEqual(
    h.call("COMMAND", "GETKEYS", "randomkey", "x"),
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
    ["maxmemory-policy", "allkeys-lru"],
    ["maxmemory-samples", "5"],
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
    "CPU",
    "Errorstats",
    "Keyspace",
  ]);
  assert.match(all, /\r\nredis_version:7\.0\.0\r\n/);
  assert.match(all, /\r\ncachemir_version:0\.1\.0\r\n/);
  assert.match(all, /\r\nused_memory:\d+\r\n/);
  assert.ok(
    all.endsWith("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=100000\r\n"),
  );
  assert.equal(
    h.call("INFO", "keyspace"),
    "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=100000\r\n",
  );
  assert.match(
    h.call("INFO", "STATS", "clients") as string,
    /^# Clients\r\nconnected_clients:1\r\n.*\r\n\r\n# Stats\r\n/s,
  );
  assert.equal(h.call("INFO", "nosuch"), "");
});

const configFailed = (name: string, why: string) =>
  err(
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`,
  );

Deno.test("CONFIG SET changes the memory limit at run time, with Redis's units", () => {
  const h = harness();
  assert.equal(h.call("CONFIG", "SET", "maxmemory", "100mb"), "OK");
  assert.equal(h.store.memoryLimit.maxmemory, 100 * 1024 * 1024);
  assert.deepEqual(h.call("CONFIG", "GET", "maxmemory"), [
    ["maxmemory", "104857600"],
  ]);
  for (
    const [value, bytes] of [
      ["1k", 1000],
      ["1KB", 1024],
      ["2m", 2_000_000],
      ["2Mb", 2 * 1024 ** 2],
      ["3g", 3e9],
      ["3GB", 3 * 1024 ** 3],
      ["7b", 7],
      ["42", 42],
      ["kb", 0], // no digits is 0, as Redis's memtoull
      ["0", 0],
    ] as const
  ) {
    assert.equal(h.call("CONFIG", "SET", "maxmemory", value), "OK", value);
    assert.equal(h.store.memoryLimit.maxmemory, bytes, value);
  }
  assert.equal(
    h.call(
      "CONFIG",
      "SET",
      "MAXMEMORY-POLICY",
      "Volatile-TTL",
      "maxmemory-samples",
      "10",
      "lfu-log-factor",
      "0",
      "lfu-decay-time",
      "2147483647",
    ),
    "OK",
  );
  assert.deepEqual(h.store.memoryLimit, {
    maxmemory: 0,
    policy: "volatile-ttl",
    samples: 10,
    lfuLogFactor: 0,
    lfuDecayTime: 2147483647,
  });
  assert.deepEqual(h.call("CONFIG", "GET", "lfu*", "maxmemory-*"), [
    ["lfu-log-factor", "0"],
    ["lfu-decay-time", "2147483647"],
    ["maxmemory-policy", "volatile-ttl"],
    ["maxmemory-samples", "10"],
  ]);
});

Deno.test("CONFIG SET refuses bad memory settings with Redis's texts, changing nothing", () => {
  const h = harness();
  for (const value of ["12xb", "-1", "1.5mb", " 5", "5 ", "1e6", "0x10"]) {
    assert.deepEqual(
      h.call("CONFIG", "SET", "maxmemory", value),
      configFailed("maxmemory", "argument must be a memory value"),
      value,
    );
  }
  assert.deepEqual(
    h.call("CONFIG", "SET", "maxmemory-policy", "lru"),
    configFailed(
      "maxmemory-policy",
      "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
    ),
  );
  for (const value of ["x", "1k", " 1", "+1", "01", "1.0", ""]) {
    assert.deepEqual(
      h.call("CONFIG", "SET", "lfu-log-factor", value),
      configFailed(
        "lfu-log-factor",
        "argument couldn't be parsed into an integer",
      ),
      value,
    );
  }
  assert.deepEqual(
    h.call("CONFIG", "SET", "lfu-decay-time", "-1"),
    configFailed(
      "lfu-decay-time",
      "argument must be between 0 and 2147483647 inclusive",
    ),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "lfu-log-factor", "2147483648"),
    configFailed(
      "lfu-log-factor",
      "argument must be between 0 and 2147483647 inclusive",
    ),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "maxmemory-samples", "0"),
    configFailed(
      "maxmemory-samples",
      "argument must be between 1 and 64 inclusive",
    ),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "maxmemory-samples", "65"),
    configFailed(
      "maxmemory-samples",
      "argument must be between 1 and 64 inclusive",
    ),
  );
  // All or nothing: a bad value after a good one changes nothing.
  assert.deepEqual(
    h.call("CONFIG", "SET", "maxmemory", "1mb", "maxmemory-policy", "nope"),
    configFailed(
      "maxmemory-policy",
      "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
    ),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "maxmemory", "1", "MAXMEMORY", "2"),
    configFailed("maxmemory", "duplicate parameter"),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "maxmemory", "1mb", "appendonly", "yes"),
    configFailed("appendonly", "CacheMir cannot change this setting"),
  );
  assert.equal(h.store.memoryLimit.maxmemory, 0);
  assert.equal(h.store.memoryLimit.policy, "allkeys-lru");
});

Deno.test("CONFIG RESETSTAT zeroes the store's counters", () => {
  const h = harness();
  let resets = 0;
  const resetStats = h.store.resetStats.bind(h.store);
  h.store.resetStats = () => {
    resets++;
    resetStats();
  };
  assert.equal(h.call("CONFIG", "RESETSTAT"), "OK");
  assert.equal(resets, 1);
  assert.match(h.call("INFO", "stats") as string, /\r\nevicted_keys:0\r\n/);
});

Deno.test("INFO persistence reports the store's count of changes; RESETSTAT keeps it", () => {
  const h = harness();
  const changes = () =>
    Number(
      /\r\nrdb_changes_since_last_save:(\d+)\r\n/.exec(
        h.call("INFO", "persistence") as string,
      )?.[1],
    );
  assert.equal(changes(), 0);
  h.call("SADD", "s", "a", "b", "a");
  h.call("SADD", "s", "a");
  h.call("DEL", "s", "missing");
  assert.equal(h.store.changes, 3);
  assert.equal(changes(), 3);
  assert.equal(h.call("CONFIG", "RESETSTAT"), "OK");
  assert.equal(changes(), 3);
});

Deno.test("INFO memory reports the store's memory and limit", () => {
  const h = harness();
  h.call(
    "CONFIG",
    "SET",
    "maxmemory",
    "64mb",
    "maxmemory-policy",
    "allkeys-lfu",
  );
  for (let i = 0; i < 100; i++) h.call("SET", `k${i}`, "v".repeat(100));
  const text = h.call("INFO", "memory") as string;
  const field = (name: string): string => {
    const m = text.match(new RegExp(`\r\n${name}:([^\r]*)\r\n`));
    assert.ok(m, `${name} in ${text}`);
    return m[1];
  };
  const used = Number(field("used_memory"));
  assert.equal(used, h.store.usedMemory);
  assert.ok(used > 0);
  assert.match(field("used_memory_human"), /^\d+(\.\d\d[KMGTP])?B?$/);
  assert.ok(Number(field("used_memory_rss")) > 0);
  assert.ok(Number(field("used_memory_peak")) >= used);
  assert.equal(field("maxmemory"), String(64 * 1024 * 1024));
  assert.equal(field("maxmemory_human"), "64.00M");
  assert.equal(field("maxmemory_policy"), "allkeys-lfu");
  assert.match(field("mem_fragmentation_ratio"), /^\d+\.\d\d$/);
  assert.match(field("allocator_frag_ratio"), /^\d+\.\d\d$/);
  assert.ok(Number(field("allocator_frag_ratio")) >= 1);
  assert.equal(
    field("mem_fragmentation_ratio"),
    (Number(field("used_memory_rss")) / used).toFixed(2),
  );
  assert.match(h.call("INFO", "stats") as string, /\r\nevicted_keys:\d+\r\n/);
});

Deno.test("TIME answers seconds and microseconds", () => {
  const h = harness();
  const [s, us] = h.call("TIME") as string[];
  assert.ok(Math.abs(Number(s) - Date.now() / 1000) < 5);
  assert.ok(Number(us) >= 0 && Number(us) < 1_000_000);
  assert.match(us, /^\d+$/);
});

Deno.test("CONFIG GET/SET of the encoding thresholds and their ziplist names change the store's packing", () => {
  const h = harness();
  assert.deepEqual(h.call("CONFIG", "GET", "hash-max-ziplist-value"), [
    ["hash-max-ziplist-value", "64"],
  ]);
  assert.deepEqual(h.call("CONFIG", "GET", "set-max-intset-entries"), [
    ["set-max-intset-entries", "512"],
  ]);
  assert.equal(
    h.call(
      "CONFIG",
      "SET",
      "hash-max-ziplist-entries",
      "4",
      "hash-max-listpack-value",
      "1kb",
      "set-max-intset-entries",
      "2",
      "list-max-ziplist-size",
      "-5",
      "list-compress-depth",
      "3",
    ),
    "OK",
  );
  assert.deepEqual(h.store.packedLimits, {
    hashMaxListpackEntries: 4,
    hashMaxListpackValue: 1024,
    setMaxIntsetEntries: 2,
    listMaxListpackSize: -5,
  });
  assert.equal(h.store.listCompressDepth, 3);
  const got = h.call("CONFIG", "GET", "*-max-*") as [string, string][];
  const byName = new Map(got);
  assert.equal(byName.get("hash-max-listpack-entries"), "4");
  assert.equal(byName.get("hash-max-ziplist-entries"), "4");
  assert.equal(byName.get("list-max-listpack-size"), "-5");
  assert.deepEqual(h.call("CONFIG", "GET", "list-compress-depth"), [
    ["list-compress-depth", "3"],
  ]);
  h.call("SADD", "s", "1", "2", "3");
  assert.equal(h.call("OBJECT", "ENCODING", "s"), "hashtable");
  h.call("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4");
  assert.equal(h.call("OBJECT", "ENCODING", "h"), "listpack");
  h.call("HSET", "h", "e", "5");
  assert.equal(h.call("OBJECT", "ENCODING", "h"), "hashtable");
});

Deno.test("CONFIG SET refuses bad encoding thresholds with Redis's texts, changing nothing", () => {
  const h = harness();
  const failed = (name: string, why: string) =>
    err(
      `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`,
    );
  for (
    const [name, value, why] of [
      [
        "hash-max-listpack-entries",
        "-1",
        "argument must be between 0 and 9223372036854775807 inclusive",
      ],
      [
        "set-max-intset-entries",
        "abc",
        "argument couldn't be parsed into an integer",
      ],
      ["hash-max-ziplist-value", "-1", "argument must be a memory value"],
      [
        "list-max-listpack-size",
        "-2147483649",
        "argument must be between -2147483648 and 2147483647 inclusive",
      ],
      [
        "list-compress-depth",
        "-1",
        "argument must be between 0 and 2147483647 inclusive",
      ],
    ] as const
  ) {
    assert.deepEqual(
      h.call("CONFIG", "SET", "hash-max-listpack-value", "7", name, value),
      failed(name, why),
    );
  }
  assert.equal(h.store.packedLimits.hashMaxListpackValue, 64);
});

Deno.test("FUNCTION FLUSH and LIST answer for a node without function libraries, with Redis's checks", () => {
  const h = harness();
  assert.equal(h.call("FUNCTION", "FLUSH"), "OK");
  assert.equal(h.call("FUNCTION", "flush", "async"), "OK");
  assert.equal(h.call("FUNCTION", "FLUSH", "SYNC"), "OK");
  assert.deepEqual(
    h.call("FUNCTION", "FLUSH", "now"),
    err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"),
  );
  assert.deepEqual(
    h.call("FUNCTION", "flush", "a", "b"),
    err(
      "ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.",
    ),
  );
  assert.deepEqual(h.call("FUNCTION", "LIST"), []);
  assert.deepEqual(
    h.call("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x*"),
    [],
  );
  assert.deepEqual(
    h.call("FUNCTION", "LIST", "LIBRARYNAME"),
    err("ERR library name argument was not given"),
  );
  assert.deepEqual(
    h.call("FUNCTION", "LIST", "foo"),
    err("ERR Unknown argument foo"),
  );
  assert.deepEqual(
    h.call("FUNCTION", "LOAD", "#!lua name=x\n"),
    err("ERR unknown subcommand 'LOAD'. Try FUNCTION HELP."),
  );
  assert.ok((h.call("FUNCTION", "HELP") as string[]).length > 2);
});

Deno.test("INFO cpu reports the process's CPU seconds; replication its offset; all and default include them", () => {
  const h = harness();
  const cpu = h.call("INFO", "cpu") as string;
  assert.match(cpu, /^# CPU\r\n/);
  for (const field of ["sys", "user", "sys_children", "user_children"]) {
    assert.match(
      cpu,
      new RegExp(
        `\\r\\nused_cpu_${field}:\\d+\\.\\d{6}\\r\\n|^# CPU\\r\\nused_cpu_${field}:`,
      ),
    );
  }
  assert.ok(!cpu.includes("used_memory"));
  for (const arg of [[], ["all"], ["default"], ["cpu", "all"]]) {
    const text = h.call("INFO", ...arg) as string;
    assert.equal(text.split("used_cpu_user_children").length, 2, arg.join());
    assert.ok(text.includes("master_repl_offset:0"), arg.join());
  }
});

Deno.test("CONFIG SET of the node's own settings (client-output-buffer-limit, rate-limit, tracking-table-max-keys): units, bounds, nothing changed on a refusal", () => {
  const h = harness();
  const settings = {
    maxclients: 10,
    timeout: 0,
    requirepass: "",
    clientOutputBufferLimit: 0,
    rateLimit: 0,
    trackingTableMaxKeys: 1_000_000,
  };
  Object.assign(h.ctx.node, { settings });
  assert.equal(
    h.call("CONFIG", "SET", "client-output-buffer-limit", "2mb"),
    "OK",
  );
  assert.equal(settings.clientOutputBufferLimit, 2 * 1024 * 1024);
  assert.deepEqual(h.call("CONFIG", "GET", "client-output-buffer-limit"), [
    ["client-output-buffer-limit", "2097152"],
  ]);
  assert.deepEqual(
    h.call("CONFIG", "SET", "client-output-buffer-limit", "lots"),
    configFailed(
      "client-output-buffer-limit",
      "argument must be a memory value",
    ),
  );
  assert.equal(h.call("CONFIG", "SET", "rate-limit", "500"), "OK");
  assert.equal(settings.rateLimit, 500);
  assert.deepEqual(
    h.call("CONFIG", "SET", "rate-limit", "-1"),
    configFailed(
      "rate-limit",
      "argument must be between 0 and 2147483647 inclusive",
    ),
  );
  assert.deepEqual(
    h.call("CONFIG", "SET", "tracking-table-max-keys", "x"),
    configFailed(
      "tracking-table-max-keys",
      "argument couldn't be parsed into an integer",
    ),
  );
  // A refused pair changes none of the others given with it.
  assert.deepEqual(
    h.call("CONFIG", "SET", "rate-limit", "7", "tracking-table-max-keys", "-5"),
    configFailed(
      "tracking-table-max-keys",
      "argument must be between 0 and 2147483647 inclusive",
    ),
  );
  assert.equal(settings.rateLimit, 500);
  assert.equal(settings.trackingTableMaxKeys, 1_000_000);
  assert.equal(h.call("CONFIG", "SET", "tracking-table-max-keys", "0"), "OK");
  assert.equal(settings.trackingTableMaxKeys, 0);
});
