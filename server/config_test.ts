import assert from "node:assert/strict";
import { ConfigError, DEFAULT_CONFIG, parseConfig } from "./config.ts";

Deno.test("parseConfig() gives the defaults for no flags", () => {
  assert.deepEqual(parseConfig([]), DEFAULT_CONFIG);
  assert.equal(DEFAULT_CONFIG.host, "127.0.0.1");
  assert.equal(DEFAULT_CONFIG.port, 7379);
  assert.equal(DEFAULT_CONFIG.respPort, 0);
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
    ]),
    {
      host: "0.0.0.0",
      port: 0,
      respPort: 6380,
      logLevel: "debug",
      maxFrameBytes: 65536,
      maxArgs: 1024,
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
