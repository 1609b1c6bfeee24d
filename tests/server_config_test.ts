/**
 * server/main.ts's configuration end to end: flags, CACHEMIR_* variables and
 * a --config file on a real process; start-up refusals; --version; SIGHUP.
 */

import assert from "node:assert/strict";
import { eventually } from "./_helpers/eventually.ts";
import { freePort, startNodeProcess } from "./_helpers/node_process.ts";
import { type Ran, run } from "./_helpers/run.ts";
import { RespClient } from "./_helpers/resp_client.ts";
import { VERSION } from "../server/node.ts";
import { SETTINGS } from "../server/settings.ts";

const MAIN = new URL("../server/main.ts", import.meta.url).pathname;

/** Runs server/main.ts to its end (for flags that exit at once). */
function runMain(
  args: string[],
  env: Record<string, string> = {},
): Promise<Ran> {
  return run(Deno.execPath(), ["run", "-A", MAIN, ...args], {
    env,
    timeoutMs: 20_000,
  });
}

Deno.test("server/main.ts takes a flag over CACHEMIR_ variables over the --config file, and logs every setting once", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/node.toml`;
  await Deno.writeTextFile(
    file,
    'maxmemory-policy = "allkeys-random"\nmaxmemory-samples = 7\nlfu-log-factor = 3\nmaxmemory = "64mb"\n',
  );
  const proc = await startNodeProcess(
    [
      "--config",
      file,
      "--maxmemory-policy",
      "volatile-ttl",
    ],
    15_000,
    {
      CACHEMIR_MAXMEMORY_POLICY: "allkeys-lfu",
      CACHEMIR_MAXMEMORY_SAMPLES: "9",
    },
  );
  try {
    const log = proc.log();
    for (const s of SETTINGS) {
      const lines = log.split("\n").filter((l) =>
        l.includes(`config ${s.name} = `)
      );
      assert.equal(lines.length, 1, `${s.name}:\n${log}`);
    }
    assert.match(
      log,
      /config maxmemory-policy = volatile-ttl \(--maxmemory-policy\)/,
    );
    assert.match(
      log,
      /config maxmemory-samples = 9 \(CACHEMIR_MAXMEMORY_SAMPLES\)/,
    );
    assert.match(
      log,
      new RegExp(`config lfu-log-factor = 3 \\(${file}:lfu-log-factor\\)`),
    );
    assert.match(log, /config lfu-decay-time = 1 \(default\)/);
  } finally {
    const status = await proc.stop();
    assert.equal(status.code, 0, proc.log());
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server/main.ts refuses a bad value or an unknown key at start, naming its source", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/node.toml`;
    await Deno.writeTextFile(file, "maxclient = 5\n");
    let r = await runMain(["--port", "0", "--config", file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^Unknown key ${file}:maxclient: `));
    await Deno.writeTextFile(file, 'maxmemory-samples = "many"\n');
    r = await runMain(["--port", "0", "--config", file]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      new RegExp(
        `^Invalid ${file}:maxmemory-samples "many": expected an integer from 1 to 64`,
      ),
    );
    r = await runMain(["--port", "0"], { CACHEMIR_LOG_LEVEL: "loud" });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^Invalid CACHEMIR_LOG_LEVEL "loud": expected one of debug, info, warn, error/,
    );
    r = await runMain(["--port", "0", "--host", "0.0.0.0"]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^Refusing to listen on 0\.0\.0\.0 \(--host\) without a password: protected mode/,
    );
    r = await runMain(["--port", "0", "--config", `${dir}/missing.toml`]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Cannot read the config file .*missing\.toml: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server/main.ts --version prints the version", async () => {
  const r = await runMain(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, new RegExp(`^cachemir-server ${VERSION} `));
  const help = await runMain(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--maxmemory-policy <policy>/);
});

Deno.test("SIGHUP reads the config file again and applies what can change at run time", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/node.toml`;
  await Deno.writeTextFile(
    file,
    'maxmemory-policy = "allkeys-lru"\nmaxmemory = "64mb"\n',
  );
  const proc = await startNodeProcess([
    "--config",
    file,
    "--resp-port",
    String(freePort()),
    "--maxmemory-samples",
    "5",
  ]);
  const c = await RespClient.connect(proc.respPort);
  try {
    assert.deepEqual(await c.call("CONFIG", "GET", "maxmemory-policy"), [
      "maxmemory-policy",
      "allkeys-lru",
    ]);
    await Deno.writeTextFile(
      file,
      'maxmemory-policy = "allkeys-lfu"\nmaxmemory = "32mb"\nmaxmemory-samples = 9\nmax-args = 10\n',
    );
    proc.child.kill("SIGHUP");
    await eventually(
      () => proc.log().includes("SIGHUP: maxmemory-policy"),
      "the SIGHUP log",
    );
    assert.deepEqual(
      await c.call("CONFIG", "GET", "maxmemory-policy"),
      ["maxmemory-policy", "allkeys-lfu"],
    );
    assert.deepEqual(await c.call("CONFIG", "GET", "maxmemory"), [
      "maxmemory",
      String(32 * 1024 * 1024),
    ]);
    // The flag still wins over the file.
    assert.deepEqual(await c.call("CONFIG", "GET", "maxmemory-samples"), [
      "maxmemory-samples",
      "5",
    ]);
    const log = proc.log();
    assert.match(
      log,
      /SIGHUP: maxmemory-policy allkeys-lru -> allkeys-lfu \(.*node\.toml:maxmemory-policy\)/,
    );
    assert.match(log, /SIGHUP: max-args changed to 10 .* needs a restart/);
    assert.doesNotMatch(log, /SIGHUP: maxmemory-samples/);
    // A file that no longer parses leaves the node as it was.
    await Deno.writeTextFile(file, "maxmemory-policy = \n");
    proc.child.kill("SIGHUP");
    await eventually(
      () => proc.log().includes("configuration not reloaded"),
      "the refusal",
    );
    assert.deepEqual(await c.call("PING"), { status: "PONG" });
  } finally {
    c.close();
    const status = await proc.stop();
    assert.equal(status.code, 0, proc.log());
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SIGHUP changes the password for new connections", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/node.toml`;
  await Deno.writeTextFile(file, 'requirepass = "pw-first-9f"\n');
  const proc = await startNodeProcess([
    "--config",
    file,
    "--resp-port",
    String(freePort()),
  ]);
  const c = await RespClient.connect(proc.respPort);
  try {
    assert.match(
      proc.log(),
      /config requirepass = \(set\) \(.*node\.toml:requirepass\)/,
    );
    assert.doesNotMatch(proc.log(), /pw-first-9f/);
    assert.deepEqual(await c.call("AUTH", "pw-first-9f"), { status: "OK" });
    await Deno.writeTextFile(file, 'requirepass = "pw-second-7c"\n');
    proc.child.kill("SIGHUP");
    await eventually(
      () => proc.log().includes("SIGHUP: requirepass"),
      "the SIGHUP log",
    );
    assert.doesNotMatch(proc.log(), /pw-second-7c/);
    const d = await RespClient.connect(proc.respPort);
    assert.deepEqual(await d.call("AUTH", "pw-first-9f"), {
      error: "WRONGPASS invalid username-password pair or user is disabled.",
    });
    assert.deepEqual(await d.call("AUTH", "pw-second-7c"), { status: "OK" });
    d.close();
    // The connection authenticated before stays so.
    assert.deepEqual(await c.call("PING"), { status: "PONG" });
  } finally {
    c.close();
    const status = await proc.stop();
    assert.equal(status.code, 0, proc.log());
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--log-format json writes every log line as a JSON object", async () => {
  const node = await startNodeProcess(["--log-format", "json"]);
  try {
    const lines = node.log().split("\n").filter((l) => l !== "");
    assert.ok(lines.length >= 2, node.log());
    const records = lines.map((l) => JSON.parse(l));
    for (const r of records) {
      assert.equal(typeof r["@timestamp"], "string");
      assert.ok(["DEBUG", "INFO", "WARN", "ERROR"].includes(r.level), r.level);
      assert.match(r.logger, /^cachemir/);
    }
    assert.ok(
      records.some((r) =>
        /^Listening on .* \(binary protocol\)$/.test(r.message)
      ),
    );
  } finally {
    await node.stop();
  }
});
