/**
 * `scripts/cli.ts` (`deno task cli`): its pieces (arguments, reply format,
 * JSON, line splitting, completion) and the program against real node
 * processes: one-shot commands, `--json`, `--nodes` routing, the exit
 * status of an error, commands piped to its stdin, and the interactive
 * prompt on a pseudo-terminal (`script`), with its history file.
 */

import assert from "node:assert/strict";
import {
  completeCommand,
  formatReply,
  historyPath,
  parseCliArgs,
  routeOf,
  splitLine,
  toJsonReply,
  UsageError,
} from "../scripts/cli.ts";
import { CacheMirClient } from "@cachemir/client";
import { HashRing } from "@cachemir/client/ring";
import { type NodeProcess, startNodeProcess } from "./_helpers/node_process.ts";
import { makeTestCerts } from "./_helpers/certs.ts";

const CLI = new URL("../scripts/cli.ts", import.meta.url).pathname;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const b = (s: string): Uint8Array => encoder.encode(s);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], stdin?: string): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", CACHEMIR_CLI_HISTFILE: "" },
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(encoder.encode(stdin));
    await w.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

Deno.test("parseCliArgs: -h/-p, --nodes, -a, --json, the command", () => {
  const one = parseCliArgs(["-h", "10.0.0.1", "-p", "7380", "GET", "-1"]);
  assert.deepEqual(one.nodes, ["10.0.0.1:7380"]);
  assert.equal(one.cluster, false);
  assert.deepEqual(one.command, ["GET", "-1"]); // options end at the command
  assert.deepEqual(parseCliArgs([]).nodes, ["127.0.0.1:7379"]);
  assert.deepEqual(parseCliArgs(["-h", "::1"]).nodes, ["[::1]:7379"]);
  const many = parseCliArgs(["--nodes", "a:1, b:2", "--json", "-a", "pw"]);
  assert.deepEqual(many.nodes, ["a:1", "b:2"]);
  assert.equal(many.cluster, true);
  assert.equal(many.json, true);
  assert.equal(many.password, "pw");
  assert.deepEqual(many.command, []);
  assert.equal(
    parseCliArgs([], (n) => n === "CACHEMIR_CLI_AUTH" ? "env" : undefined)
      .password,
    "env",
  );
  assert.throws(() => parseCliArgs(["-p", "70000"]), UsageError);
  assert.throws(() => parseCliArgs(["-p"]), /-p needs a value/);
  assert.throws(() => parseCliArgs(["--bogus"]), /Unknown option --bogus/);
});

Deno.test("parseCliArgs: --tls with --cacert, --cert/--key, --sni", () => {
  assert.deepEqual(
    parseCliArgs(["--tls", "--cacert", "ca.pem", "--sni", "cache", "PING"]).tls,
    { cacert: "ca.pem", sni: "cache" },
  );
  assert.equal(parseCliArgs(["PING"]).tls, undefined);
  assert.throws(
    () => parseCliArgs(["--cacert", "ca.pem", "PING"]),
    new UsageError("--cacert needs --tls"),
  );
  assert.throws(
    () => parseCliArgs(["--tls", "--cert", "c.pem", "PING"]),
    new UsageError("--cert and --key go together"),
  );
});

Deno.test({
  name: "the CLI over TLS: --tls --cacert talks to a node with --tls-cert",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const certs = await makeTestCerts();
    const node = await startNodeProcess([
      "--tls-cert",
      certs.serverCertFile,
      "--tls-key",
      certs.serverKeyFile,
    ]);
    try {
      const p = ["-p", String(node.port)];
      assert.deepEqual(
        await cli([...p, "--tls", "--cacert", certs.caFile, "SET", "k", "v"]),
        { code: 0, stdout: "OK\n", stderr: "" },
      );
      assert.equal(
        (await cli([...p, "--tls", "--cacert", certs.caFile, "GET", "k"]))
          .stdout,
        '"v"\n',
      );
      // Without the CA the node's certificate is not trusted: an error, 1.
      const untrusted = await cli([...p, "--tls", "GET", "k"]);
      assert.equal(untrusted.code, 1);
      assert.notEqual(untrusted.stderr, "");
    } finally {
      await node.stop();
      await Deno.remove(certs.dir, { recursive: true });
    }
  },
});

Deno.test("formatReply prints as redis-cli does", () => {
  assert.equal(formatReply("OK"), "OK");
  assert.equal(formatReply(null), "(nil)");
  assert.equal(formatReply(7), "(integer) 7");
  assert.equal(formatReply(2n ** 63n - 1n), "(integer) 9223372036854775807");
  assert.equal(formatReply(1.5), "(double) 1.5");
  assert.equal(formatReply([]), "(empty array)");
  assert.equal(
    formatReply(new Uint8Array([0x61, 0x22, 0x5c, 0x0a, 0x09, 0x00, 0xc3])),
    '"a\\"\\\\\\n\\t\\x00\\xc3"',
  );
  assert.equal(
    formatReply([b("a"), [b("0"), [b("x"), 2]], null]),
    [
      '1) "a"',
      '2) 1) "0"',
      '   2) 1) "x"',
      "      2) (integer) 2",
      "3) (nil)",
    ].join("\n"),
  );
  // Ten or more: the numbers are right-aligned.
  const ten = Array.from({ length: 10 }, (_, i) => i);
  const lines = formatReply(ten).split("\n");
  assert.equal(lines[0], " 1) (integer) 0");
  assert.equal(lines[9], "10) (integer) 9");
});

Deno.test("toJsonReply: text, numbers, nil, bytes that are not UTF-8", () => {
  assert.deepEqual(
    toJsonReply([b("héllo"), 3, null, "OK", new Uint8Array([0xff, 0xfe])]),
    ["héllo", 3, null, "OK", { base64: "//4=" }],
  );
  assert.equal(toJsonReply(5n), 5);
  assert.equal(toJsonReply(2n ** 60n), "1152921504606846976");
});

Deno.test("splitLine reads quotes and escapes as redis-cli", () => {
  const text = (line: string) => splitLine(line).map((x) => decoder.decode(x));
  assert.deepEqual(text('  SET k "a b"  '), ["SET", "k", "a b"]);
  assert.deepEqual(text(`SET k 'it\\'s' "q\\"\\n"`), [
    "SET",
    "k",
    "it's",
    'q"\n',
  ]);
  assert.deepEqual(splitLine('"\\xff\\x00"')[0], new Uint8Array([0xff, 0]));
  assert.deepEqual(text("SET k ünï"), ["SET", "k", "ünï"]);
  assert.deepEqual(text('SET k ""'), ["SET", "k", ""]);
  assert.deepEqual(text("   "), []);
  assert.throws(() => splitLine('GET "k'), /Invalid argument/);
  assert.throws(() => splitLine('GET "k"x'), /Invalid argument/);
});

Deno.test("completeCommand completes command names from the table", () => {
  assert.deepEqual(completeCommand("hge"), [["hget", "hgetall"], "hge"]);
  assert.deepEqual(completeCommand("LRAN"), [["LRANGE"], "LRAN"]);
  assert.deepEqual(completeCommand("qu"), [["quit"], "qu"]);
  assert.deepEqual(completeCommand("GET k"), [[], "GET k"]);
  assert.ok(completeCommand("")[0].includes("SET"));
});

Deno.test("historyPath: CACHEMIR_CLI_HISTFILE, else a file in the home", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  assert.equal(
    historyPath(env({ HOME: "/home/u" })),
    "/home/u/.cachemir_cli_history",
  );
  assert.equal(
    historyPath(env({ HOME: "/home/u", CACHEMIR_CLI_HISTFILE: "/tmp/h" })),
    "/tmp/h",
  );
  assert.equal(historyPath(env({ CACHEMIR_CLI_HISTFILE: "" })), "");
  assert.equal(historyPath(env({})), "");
});

Deno.test("routeOf: the key's node, every key's nodes, or the route policy", async () => {
  // No command is sent: routing is read from the ring alone.
  const nodes = ["127.0.0.1:7001", "127.0.0.1:7002"];
  const client = new CacheMirClient({ nodes });
  try {
    const ring = new HashRing({ nodes });
    const keyOn = (node: string) =>
      Array.from({ length: 1000 }, (_, i) => `k${i}`).find((k) =>
        ring.nodeFor(k) === node
      )!;
    const [k1, k2] = nodes.map(keyOn);
    const route = (...words: string[]) => routeOf(client, words.map(b));
    assert.equal(route("GET", k1), nodes[0]);
    assert.equal(route("set", k2, "v"), nodes[1]);
    assert.equal(route("MGET", k1, k2), `${nodes[0]}, ${nodes[1]}`);
    assert.equal(route("MSET", k2, "a", k2, "b"), nodes[1]);
    assert.equal(route("DBSIZE"), "every node (replies summed)");
    assert.equal(route("PING"), "the first node up");
    assert.equal(route("NOSUCHCOMMAND", k1), "the first node up");
  } finally {
    await client.close();
  }
});

Deno.test({
  name: "the CLI against real nodes: one-shot, --json, --nodes, errors, piped",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const nodes: NodeProcess[] = [];
    try {
      nodes.push(await startNodeProcess(["--maxmemory", "64mb"]));
      nodes.push(await startNodeProcess(["--maxmemory", "64mb"]));
      const [a, c] = nodes;
      const p = ["-h", "127.0.0.1", "-p", String(a.port)];

      assert.deepEqual(await cli([...p, "SET", "greeting", "hello world"]), {
        code: 0,
        stdout: "OK\n",
        stderr: "",
      });
      assert.equal(
        (await cli([...p, "GET", "greeting"])).stdout,
        '"hello world"\n',
      );
      assert.equal((await cli([...p, "GET", "nope"])).stdout, "(nil)\n");
      assert.equal(
        (await cli([...p, "RPUSH", "l", "a", "b"])).stdout,
        "(integer) 2\n",
      );
      assert.equal(
        (await cli([...p, "LRANGE", "l", "0", "-1"])).stdout,
        '1) "a"\n2) "b"\n',
      );

      assert.deepEqual(
        JSON.parse(
          (await cli([...p, "--json", "LRANGE", "l", "0", "-1"])).stdout,
        ),
        { node: a.address, reply: ["a", "b"] },
      );

      // An error reply: the node's text on stderr, exit status 1.
      const wrong = await cli([...p, "INCR", "greeting"]);
      assert.equal(wrong.code, 1);
      assert.equal(wrong.stdout, "");
      assert.equal(
        wrong.stderr,
        "(error) ERR value is not an integer or out of range\n",
      );
      const wrongJson = await cli([...p, "--json", "LPUSH", "greeting", "x"]);
      assert.equal(wrongJson.code, 1);
      assert.deepEqual(JSON.parse(wrongJson.stdout), {
        node: a.address,
        error:
          "WRONGTYPE Operation against a key holding the wrong kind of value",
      });
      const usage = await cli(["--bogus"]);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /Unknown option --bogus/);

      // --nodes: a key that the ring puts on each node is written there, and
      // the CLI says where.
      const list = `${a.address},${c.address}`;
      const ring = new HashRing({ nodes: [a.address, c.address] });
      for (const owner of nodes) {
        const key = Array.from({ length: 1000 }, (_, i) => `key:${i}`)
          .find((k) => ring.nodeFor(k) === owner.address)!;
        const set = await cli(["--nodes", list, "SET", key, `v-${key}`]);
        assert.equal(set.code, 0, set.stderr);
        assert.equal(set.stdout, `-> ${owner.address}\nOK\n`);
        const other = owner === a ? c : a;
        assert.equal(
          (await cli(["-p", String(owner.port), "GET", key])).stdout,
          `"v-${key}"\n`,
        );
        assert.equal(
          (await cli(["-p", String(other.port), "EXISTS", key])).stdout,
          "(integer) 0\n",
        );
      }
      const sum = await cli(["--nodes", list, "--json", "DBSIZE"]);
      const parsed = JSON.parse(sum.stdout);
      assert.equal(parsed.node, "every node (replies summed)");
      assert.ok(parsed.reply >= 4);

      // A node out of reach: exit status 1, the reason on stderr.
      const down = await cli(["-p", "1", "GET", "k"]);
      assert.equal(down.code, 1);
      assert.match(down.stderr, /^Could not reach 127\.0\.0\.1:1: /);

      // Commands piped to stdin: one reply each, no prompt; an error sets the status.
      const piped = await cli(
        p,
        'SET p "two words"\nGET p\n\nHGETALL nope\nLRANGE l 0 -1\n',
      );
      assert.equal(piped.code, 0, piped.stderr);
      assert.equal(
        piped.stdout,
        'OK\n"two words"\n(empty array)\n1) "a"\n2) "b"\n',
      );
      const pipedError = await cli(p, "GET\nGET p\nquit\nGET p\n");
      assert.equal(pipedError.code, 1);
      assert.equal(
        pipedError.stdout,
        "(error) ERR wrong number of arguments for 'get' command\n\"two words\"\n",
      );
    } finally {
      for (const n of nodes) await n.stop();
    }
  },
});

function hasScript(): boolean {
  try {
    return new Deno.Command("script", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "the interactive prompt on a terminal: Tab completion and history",
  ignore: !hasScript(), // util-linux's script(1) gives the CLI a pseudo-terminal
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const node = await startNodeProcess(["--maxmemory", "64mb"]);
    const dir = await Deno.makeTempDir({ prefix: "cachemir-cli-" });
    const histfile = `${dir}/history`;
    await Deno.writeTextFile(histfile, "PING\n");
    const command = `${Deno.execPath()} run -A ${CLI} -p ${node.port}`;
    const child = new Deno.Command("script", {
      args: ["-qfec", command, "/dev/null"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", CACHEMIR_CLI_HISTFILE: histfile },
      signal: AbortSignal.timeout(60_000),
    }).spawn();
    const writer = child.stdin.getWriter();
    const reader = child.stdout.getReader();
    let screen = "";
    // Reads the terminal until `text` has appeared `times` times in all.
    const waitFor = async (text: string, times = 1) => {
      while (screen.split(text).length - 1 < times) {
        const { value, done } = await reader.read();
        assert.ok(
          !done,
          `the CLI ended before showing ${JSON.stringify(text)}:\n${screen}`,
        );
        screen += decoder.decode(value, { stream: true });
      }
    };
    const type = (text: string) => writer.write(encoder.encode(text));
    const prompt = `127.0.0.1:${node.port}> `;
    try {
      await waitFor(prompt);
      await type("SET tty 42\r");
      await waitFor("OK");
      await waitFor(prompt, 2);
      // "INC" + Tab completes to INCR (INCRBY, INCRBYFLOAT too: the common prefix).
      await type("INC\t");
      await waitFor("INCR");
      await type(" tty\r");
      await waitFor("(integer) 43");
      await waitFor(prompt, 3);
      // Up arrow: the previous line, run again.
      await type("\x1b[A");
      await waitFor("INCR tty", 2);
      await type("\r");
      await waitFor("(integer) 44");
      await waitFor(prompt, 4);
      await type("\x03"); // Ctrl-C ends, as in redis-cli
      await writer.close();
      const status = await child.status;
      assert.equal(status.code, 0);
      while (!(await reader.read()).done) { /* drain */ }
      await child.stderr.cancel();
      assert.deepEqual(
        (await Deno.readTextFile(histfile)).split("\n"),
        ["PING", "SET tty 42", "INCR tty", ""],
      );
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await node.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
