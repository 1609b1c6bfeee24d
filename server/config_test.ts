import assert from "node:assert/strict";
import { ConfigError, DEFAULT_CONFIG, parseConfig } from "./config.ts";

Deno.test("parseConfig() gives the defaults for no flags", () => {
  assert.deepEqual(parseConfig([]), DEFAULT_CONFIG);
  assert.equal(DEFAULT_CONFIG.host, "127.0.0.1");
  assert.equal(DEFAULT_CONFIG.port, 7379);
  assert.equal(DEFAULT_CONFIG.respPort, 0);
  assert.equal(DEFAULT_CONFIG.maxmemory, "auto");
  assert.equal(DEFAULT_CONFIG.maxmemoryPolicy, "allkeys-lru");
  assert.equal(DEFAULT_CONFIG.maxmemorySamples, 5);
  assert.equal(DEFAULT_CONFIG.lfuLogFactor, 10);
  assert.equal(DEFAULT_CONFIG.lfuDecayTime, 1);
});

Deno.test("parseConfig() reads every flag", () => {
  assert.deepEqual(
    parseConfig([
      "--host",
      "0.0.0.0",
      "--port",
      "0",
      "--resp-port",
      "6380",
      "--log-level",
      "debug",
      "--max-frame-bytes=65536",
      "--max-args",
      "1024",
      "--maxmemory",
      "256mb",
      "--maxmemory-policy",
      "volatile-lfu",
      "--maxmemory-samples",
      "10",
      "--lfu-log-factor",
      "0",
      "--lfu-decay-time=5",
    ]),
    {
      host: "0.0.0.0",
      port: 0,
      respPort: 6380,
      logLevel: "debug",
      maxFrameBytes: 65536,
      maxArgs: 1024,
      maxmemory: 256 * 1024 * 1024,
      maxmemoryPolicy: "volatile-lfu",
      maxmemorySamples: 10,
      lfuLogFactor: 0,
      lfuDecayTime: 5,
    },
  );
  assert.equal(parseConfig(["--help"]), "help");
  assert.equal(parseConfig(["-h"]), "help");
});

Deno.test("parseConfig() names the flag and value it refuses", () => {
  assert.throws(() => parseConfig(["--port", "70000"]), {
    name: "ConfigError",
    message: 'Invalid --port "70000": expected an integer from 0 to 65535',
  });
  assert.throws(() => parseConfig(["--port", "12ab"]), ConfigError);
  assert.throws(() => parseConfig(["--resp-port", "65536"]), {
    name: "ConfigError",
    message: 'Invalid --resp-port "65536": expected an integer from 0 to 65535',
  });
  assert.throws(() => parseConfig(["--resp-port", "-1"]), ConfigError);
  assert.throws(() => parseConfig(["--log-level", "loud"]), {
    message:
      'Invalid --log-level "loud": expected one of debug, info, warn, error',
  });
  assert.throws(() => parseConfig(["--max-frame-bytes", "-1"]), ConfigError);
  assert.throws(() => parseConfig(["--bogus"]), ConfigError);
  assert.throws(() => parseConfig(["stray"]), ConfigError);
});

Deno.test("parseConfig() reads --maxmemory with Redis's units, in any case", () => {
  const maxmemory = (raw: string) => {
    const config = parseConfig(["--maxmemory", raw]);
    return config === "help" ? undefined : config.maxmemory;
  };
  assert.equal(maxmemory("0"), 0);
  assert.equal(maxmemory("1000"), 1000);
  assert.equal(maxmemory("100b"), 100);
  assert.equal(maxmemory("1k"), 1000);
  assert.equal(maxmemory("1kb"), 1024);
  assert.equal(maxmemory("1KB"), 1024);
  assert.equal(maxmemory("2m"), 2_000_000);
  assert.equal(maxmemory("2mb"), 2 * 1024 ** 2);
  assert.equal(maxmemory("2Mb"), 2 * 1024 ** 2);
  assert.equal(maxmemory("3g"), 3_000_000_000);
  assert.equal(maxmemory("3GB"), 3 * 1024 ** 3);
  const policy = parseConfig(["--maxmemory-policy", "NoEviction"]);
  assert.equal(policy !== "help" && policy.maxmemoryPolicy, "noeviction");
});

Deno.test("parseConfig() names the memory flag and value it refuses", () => {
  const units =
    "expected bytes or a size with a unit (k=1000, kb=1024, m, mb, g, gb; e.g. 256mb), 0 = no limit";
  for (const raw of ["", "mb", "-1", "1.5gb", "10 mb", "10tb", "1e9", "lots"]) {
    assert.throws(() => parseConfig([`--maxmemory=${raw}`]), {
      name: "ConfigError",
      message: `Invalid --maxmemory ${JSON.stringify(raw)}: ${units}`,
    });
  }
  assert.throws(() => parseConfig(["--maxmemory-policy", "lru"]), {
    name: "ConfigError",
    message:
      'Invalid --maxmemory-policy "lru": expected one of noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl',
  });
  assert.throws(() => parseConfig(["--maxmemory-samples", "0"]), {
    message:
      'Invalid --maxmemory-samples "0": expected an integer from 1 to 64',
  });
  assert.throws(() => parseConfig(["--maxmemory-samples", "65"]), ConfigError);
  assert.throws(() => parseConfig(["--lfu-log-factor=-1"]), {
    message:
      'Invalid --lfu-log-factor "-1": expected an integer from 0 to 2147483647',
  });
  assert.throws(() => parseConfig(["--lfu-decay-time", "x"]), {
    message:
      'Invalid --lfu-decay-time "x": expected an integer from 0 to 2147483647',
  });
  assert.throws(() => parseConfig(["--maxmemory"]), ConfigError);
});
