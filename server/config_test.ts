import assert from "node:assert/strict";
import {
  ConfigError,
  DEFAULT_CONFIG,
  loadConfig,
  parseConfig,
  USAGE,
} from "./config.ts";
import { SETTINGS } from "./settings.ts";

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
  assert.equal(DEFAULT_CONFIG.maxclients, 10000);
  assert.equal(DEFAULT_CONFIG.timeout, 0);
  assert.equal(DEFAULT_CONFIG.requirepass, "");
  assert.equal(DEFAULT_CONFIG.protectedMode, true);
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
      "--http-port",
      "9121",
      "--log-level",
      "debug",
      "--log-format",
      "json",
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
      "--maxclients",
      "100",
      "--timeout",
      "30",
      "--client-output-buffer-limit",
      "64mb",
      "--rate-limit",
      "1000",
      "--shutdown-timeout",
      "4",
      "--requirepass",
      "pw",
      "--protected-mode",
      "no",
      "--slowlog-log-slower-than=-1", // a negative value needs the = form
      "--slowlog-max-len",
      "5",
      "--timing-sample",
      "1",
      "--hotkeys-sample",
      "4",
      "--tls-cert",
      "node.crt",
      "--tls-key=node.key",
      "--tls-ca",
      "ca.crt",
      "--tracking-table-max-keys",
      "5000",
    ]),
    {
      config: "",
      host: "0.0.0.0",
      port: 0,
      respPort: 6380,
      httpPort: 9121,
      logLevel: "debug",
      logFormat: "json",
      maxFrameBytes: 65536,
      maxArgs: 1024,
      maxmemory: 256 * 1024 * 1024,
      maxmemoryPolicy: "volatile-lfu",
      maxmemorySamples: 10,
      lfuLogFactor: 0,
      lfuDecayTime: 5,
      maxclients: 100,
      timeout: 30,
      clientOutputBufferLimit: 64 * 1024 * 1024,
      rateLimit: 1000,
      shutdownTimeout: 4,
      requirepass: "pw",
      requirepassFile: "",
      protectedMode: false,
      slowlogLogSlowerThan: -1,
      slowlogMaxLen: 5,
      timingSample: 1,
      hotkeysSample: 4,
      tlsCert: "node.crt",
      tlsKey: "node.key",
      tlsCa: "ca.crt",
      trackingTableMaxKeys: 5000,
    },
  );
  assert.equal(parseConfig(["--help"]), "help");
  assert.equal(parseConfig(["-h"]), "help");
  assert.equal(parseConfig(["--version"]), "version");
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
    return typeof config === "string" ? undefined : config.maxmemory;
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
  assert.equal(
    typeof policy === "object" && policy.maxmemoryPolicy,
    "noeviction",
  );
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
  // -1 is the only negative value a setting takes (slowlog: log none).
  assert.throws(() => parseConfig(["--slowlog-log-slower-than=-2"]), {
    message:
      'Invalid --slowlog-log-slower-than "-2": expected an integer from -1 to 9007199254740991',
  });
  assert.throws(
    () => parseConfig(["--slowlog-log-slower-than=1.5"]),
    ConfigError,
  );
  assert.throws(() => parseConfig(["--lfu-decay-time", "x"]), {
    message:
      'Invalid --lfu-decay-time "x": expected an integer from 0 to 2147483647',
  });
  assert.throws(() => parseConfig(["--maxmemory"]), ConfigError);
});

/** Sources with a config file `node.toml` holding `toml`. */
function withFile(
  toml: string,
  env: Record<string, string> = {},
): { env: Record<string, string>; readTextFile: (path: string) => string } {
  return {
    env,
    readTextFile: (path) => {
      if (path !== "node.toml") throw new Deno.errors.NotFound(path);
      return toml;
    },
  };
}

Deno.test("loadConfig() reads every setting from CACHEMIR_ variables", () => {
  const loaded = loadConfig([], {
    env: {
      CACHEMIR_PORT: "7400",
      CACHEMIR_RESP_PORT: "6380",
      CACHEMIR_LOG_LEVEL: "warn",
      CACHEMIR_MAXMEMORY: "1gb",
      CACHEMIR_MAXMEMORY_POLICY: "allkeys-lfu",
      CACHEMIR_LFU_DECAY_TIME: "3",
      CACHEMIR_MAXCLIENTS: "100",
      CACHEMIR_TIMEOUT: "60",
      UNRELATED: "x",
    },
  });
  assert.ok(typeof loaded === "object");
  assert.equal(loaded.config.port, 7400);
  assert.equal(loaded.config.respPort, 6380);
  assert.equal(loaded.config.logLevel, "warn");
  assert.equal(loaded.config.maxmemory, 1024 ** 3);
  assert.equal(loaded.config.maxmemoryPolicy, "allkeys-lfu");
  assert.equal(loaded.config.lfuDecayTime, 3);
  assert.equal(loaded.config.maxclients, 100);
  assert.equal(loaded.config.timeout, 60);
  assert.equal(loaded.config.host, "127.0.0.1");
  assert.equal(loaded.sources["maxmemory-policy"], "CACHEMIR_MAXMEMORY_POLICY");
  assert.equal(loaded.sources["host"], "default");
});

Deno.test("loadConfig() reads the --config file, keys named as the flags", () => {
  const loaded = loadConfig(
    ["--config", "node.toml"],
    withFile(
      'maxmemory-policy = "allkeys-lfu"\nport = 7401\nmaxmemory = "256mb"\nmaxmemory-samples = 10\n',
    ),
  );
  assert.ok(typeof loaded === "object");
  assert.equal(loaded.config.config, "node.toml");
  assert.equal(loaded.config.maxmemoryPolicy, "allkeys-lfu");
  assert.equal(loaded.config.port, 7401);
  assert.equal(loaded.config.maxmemory, 256 * 1024 ** 2);
  assert.equal(loaded.config.maxmemorySamples, 10);
  assert.equal(loaded.sources["port"], "node.toml:port");
  assert.equal(loaded.sources["config"], "--config");
  // CACHEMIR_CONFIG names the file too.
  const fromEnv = parseConfig(
    [],
    withFile("port = 7402", { CACHEMIR_CONFIG: "node.toml" }),
  );
  assert.equal(typeof fromEnv === "object" && fromEnv.port, 7402);
});

Deno.test("loadConfig() takes a flag over the environment over the file over the default", () => {
  const sources = withFile("port = 1\nresp-port = 2\nmaxmemory-samples = 3\n", {
    CACHEMIR_PORT: "10",
    CACHEMIR_RESP_PORT: "20",
  });
  const loaded = loadConfig(
    ["--config", "node.toml", "--port", "100"],
    sources,
  );
  assert.ok(typeof loaded === "object");
  assert.equal(loaded.config.port, 100);
  assert.equal(loaded.config.respPort, 20);
  assert.equal(loaded.config.maxmemorySamples, 3);
  assert.equal(loaded.config.lfuLogFactor, 10);
  assert.deepEqual(
    [
      loaded.sources["port"],
      loaded.sources["resp-port"],
      loaded.sources["maxmemory-samples"],
      loaded.sources["lfu-log-factor"],
    ],
    ["--port", "CACHEMIR_RESP_PORT", "node.toml:maxmemory-samples", "default"],
  );
});

Deno.test("loadConfig() names the source of a value it refuses", () => {
  assert.throws(() => loadConfig([], { env: { CACHEMIR_PORT: "70000" } }), {
    name: "ConfigError",
    message:
      'Invalid CACHEMIR_PORT "70000": expected an integer from 0 to 65535',
  });
  assert.throws(
    () => loadConfig(["--config", "node.toml"], withFile("port = 70000")),
    {
      name: "ConfigError",
      message:
        "Invalid node.toml:port 70000: expected an integer from 0 to 65535",
    },
  );
  assert.throws(
    () =>
      loadConfig(
        ["--config", "node.toml"],
        withFile('maxmemory-policy = "lru"'),
      ),
    {
      message:
        'Invalid node.toml:maxmemory-policy "lru": expected one of noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl',
    },
  );
  assert.throws(
    () => loadConfig(["--config", "node.toml"], withFile("port = [1]")),
    {
      message:
        "Invalid node.toml:port [1]: expected a string, an integer or a boolean",
    },
  );
  assert.throws(
    () => loadConfig(["--config", "node.toml"], withFile("max_clients = 5")),
    (e: Error) =>
      e instanceof ConfigError &&
      e.message.startsWith(
        "Unknown key node.toml:max_clients: expected one of host, port, ",
      ),
  );
  assert.throws(
    () => loadConfig(["--config", "node.toml"], withFile('config = "x"')),
    (e: Error) => e.message.startsWith("Unknown key node.toml:config: "),
  );
  assert.throws(
    () => loadConfig(["--config", "node.toml"], withFile("port = ")),
    (e: Error) =>
      e.message.startsWith("Cannot parse the config file node.toml: "),
  );
  assert.throws(
    () => loadConfig(["--config", "missing.toml"], withFile("")),
    (e: Error) =>
      e instanceof ConfigError &&
      e.message.startsWith("Cannot read the config file missing.toml: "),
  );
  // Only the value in force is read: a flag hides a bad value in the file.
  const hidden = parseConfig(
    ["--config", "node.toml", "--port", "1"],
    withFile("port = 70000"),
  );
  assert.equal(typeof hidden === "object" && hidden.port, 1);
});

Deno.test("USAGE lists every setting with its default", () => {
  for (const s of SETTINGS) {
    assert.match(USAGE, new RegExp(`--${s.name} `), s.name);
  }
  assert.match(USAGE, /CACHEMIR_<NAME>/);
  assert.match(USAGE, /--version/);
});

Deno.test("loadConfig() reads the password from --requirepass-file's first line", () => {
  const sources = {
    env: {},
    readTextFile: (path: string) => {
      if (path === "pw.txt") return "s3cret\nignored\n";
      if (path === "empty.txt") return "\n";
      throw new Deno.errors.NotFound(`No such file: ${path}`);
    },
  };
  const loaded = loadConfig(["--requirepass-file", "pw.txt"], sources);
  assert.ok(typeof loaded === "object");
  assert.equal(loaded.config.requirepass, "s3cret");
  assert.equal(loaded.sources["requirepass"], "--requirepass-file");
  assert.throws(
    () =>
      loadConfig(
        ["--requirepass-file", "pw.txt", "--requirepass", "x"],
        sources,
      ),
    {
      name: "ConfigError",
      message:
        "Both --requirepass and --requirepass-file give a password: give one",
    },
  );
  assert.throws(
    () => loadConfig(["--requirepass-file", "empty.txt"], sources),
    {
      message: "Invalid --requirepass-file empty.txt: its first line is empty",
    },
  );
  assert.throws(
    () =>
      loadConfig([], {
        ...sources,
        env: { CACHEMIR_REQUIREPASS_FILE: "nope" },
      }),
    (e: Error) =>
      e instanceof ConfigError &&
      e.message.startsWith("Cannot read CACHEMIR_REQUIREPASS_FILE nope: "),
  );
});

Deno.test("loadConfig() refuses a non-loopback host without a password (protected mode)", () => {
  for (const host of ["0.0.0.0", "10.1.2.3", "::"]) {
    assert.throws(() => loadConfig(["--host", host]), {
      name: "ConfigError",
      message:
        `Refusing to listen on ${host} (--host) without a password: protected mode lets a node without one bind only a loopback address. Set --requirepass (or --requirepass-file), bind 127.0.0.1, or pass --protected-mode no`,
    });
  }
  for (const host of ["127.0.0.1", "127.0.1.1", "::1", "localhost"]) {
    assert.ok(typeof loadConfig(["--host", host]) === "object", host);
  }
  const open = parseConfig(["--host", "0.0.0.0", "--protected-mode", "no"]);
  assert.equal(typeof open === "object" && open.protectedMode, false);
  const withPassword = parseConfig([], {
    env: { CACHEMIR_HOST: "0.0.0.0", CACHEMIR_REQUIREPASS: "pw" },
  });
  assert.equal(
    typeof withPassword === "object" && withPassword.host,
    "0.0.0.0",
  );
  assert.throws(() => loadConfig(["--protected-mode", "maybe"]), {
    message: 'Invalid --protected-mode "maybe": expected yes or no',
  });
});
