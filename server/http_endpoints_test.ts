import { escapeInfoKey } from "./commands/hotkeys.ts";
import assert from "node:assert/strict";
import {
  escapeLabel,
  HttpEndpoints,
  type NodePhase,
  parseInfo,
  prometheusMetrics,
} from "./http_endpoints.ts";
import { CacheNode } from "./node.ts";
import { CommandStats } from "./commands/command_stats.ts";

/** A free TCP port on 127.0.0.1 (bound, then released). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Checks text against the exposition format 0.0.4: HELP and TYPE before a
 * metric's samples, one TYPE per metric, names and labels well formed,
 * values numbers.
 */
function assertExposition(text: string): void {
  const typed = new Set<string>();
  const histograms = new Set<string>();
  const name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const sample = new RegExp(
    `^(${name})(\\{${label}(,${label})*\\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$`,
  );
  assert.ok(text.endsWith("\n"), "ends with a newline");
  for (const line of text.slice(0, -1).split("\n")) {
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/
      .exec(line);
    if (type !== null) {
      assert.ok(!typed.has(type[1]), `one TYPE for ${type[1]}`);
      typed.add(type[1]);
      if (type[2] === "histogram") histograms.add(type[1]);
      continue;
    }
    if (line.startsWith("# HELP ")) continue;
    const m = sample.exec(line);
    assert.ok(m !== null, `bad sample line: ${JSON.stringify(line)}`);
    const histogram = m[1].replace(/_(bucket|sum|count)$/, "");
    assert.ok(
      typed.has(m[1]) || histograms.has(histogram),
      `${m[1]} has a TYPE line before it`,
    );
  }
}

/** Runs `promtool check metrics` (Debian's prometheus package) on text. */
async function assertPromtool(text: string): Promise<void> {
  const promtool = new Deno.Command("promtool", {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = promtool.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const checked = await promtool.output();
  const said = new TextDecoder().decode(checked.stdout) +
    new TextDecoder().decode(checked.stderr);
  assert.equal(checked.code, 0, `promtool check metrics: ${said}`);
  assert.equal(said.trim(), "", said);
}

/** The samples of a histogram's series: `le` to cumulative count. */
function buckets(
  text: string,
  metric: string,
  labels: string,
): Map<string, number> {
  const out = new Map<string, number>();
  const re = new RegExp(
    `^${metric}_bucket\\{${labels},le="([^"]+)"\\} (\\d+)$`,
    "gm",
  );
  for (const m of text.matchAll(re)) out.set(m[1], Number(m[2]));
  return out;
}

Deno.test("prometheusMetrics() adds commands and errors by name and a latency histogram per command", async () => {
  const stats = new CommandStats();
  const get = stats.of("get");
  get.ran(0.0005, false); // 0.5 µs
  get.ran(0.003, true); // 3 µs
  get.ran(2, false); // 2 ms
  get.ranUntimed(false);
  stats.of("set").rejectedCalls++;
  stats.of('we"ird\n\xff').ran(0.001, false);
  stats.error("WRONGTYPE");
  stats.error('B"AD');
  const text = prometheusMetrics(
    { stats: { total_error_replies: "2" } },
    stats,
  );
  assertExposition(text);
  await assertPromtool(text);
  assert.match(text, /^cachemir_commands_total\{command="get"\} 4$/m);
  assert.match(text, /^cachemir_commands_total\{command="set"\} 0$/m);
  assert.match(text, /^cachemir_commands_rejected_total\{command="set"\} 1$/m);
  assert.match(text, /^cachemir_commands_failed_total\{command="get"\} 1$/m);
  assert.match(
    text,
    /^cachemir_commands_duration_seconds_total\{command="get"\} 0\.0026\d*$/m,
  );
  assert.match(text, /^cachemir_errors_total\{kind="WRONGTYPE"\} 1$/m);
  assert.match(text, /^cachemir_errors_total\{kind="B\\"AD"\} 1$/m);
  assert.match(text, /^cachemir_error_replies_total 2$/m);
  assert.match(
    text,
    /^cachemir_commands_total\{command="we\\"ird\\n\\\\xff"\} 1$/m,
  );
  assert.match(text, /^# TYPE cachemir_command_duration_seconds histogram$/m);
  const b = buckets(text, "cachemir_command_duration_seconds", 'command="get"');
  // Cumulative, exact at each bound: 0.5 µs ≤ 1.024 µs; 3 µs ≤ 4.096 µs;
  // 2 ms ≤ 4.19 ms.
  assert.equal(b.get("0.000001024"), 1);
  assert.equal(b.get("0.000004096"), 2);
  assert.equal(b.get("0.001048576"), 2);
  assert.equal(b.get("0.004194304"), 3);
  assert.equal(b.get("+Inf"), 3);
  assert.equal(b.size, 12);
  assert.match(
    text,
    /^cachemir_command_duration_seconds_count\{command="get"\} 3$/m,
  );
  assert.match(
    text,
    /^cachemir_command_duration_seconds_sum\{command="get"\} 0\.00200\d*$/m,
  );
  // A command that never ran has no histogram.
  assert.doesNotMatch(text, /_bucket\{command="set"/);
});

Deno.test("escapeLabel() escapes what the exposition format requires, other bytes as \\x..", () => {
  assert.equal(escapeLabel('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  // Control bytes and bytes that are not UTF-8: the text \x.., whose
  // backslash the format escapes.
  assert.equal(escapeLabel("\x00\x7f\xe9"), "\\\\x00\\\\x7f\\\\xe9");
  assert.equal(escapeLabel("\xc3\xa9\xe2\x82\xac!"), "é€!");
  assert.equal(escapeLabel("\xc3"), "\\\\xc3"); // cut short
  assert.equal(escapeLabel("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80"); // a surrogate
  assert.equal(escapeLabel("db0"), "db0");
});

Deno.test("prometheusMetrics() writes valid exposition text from INFO", () => {
  const info = parseInfo(
    '# Server\r\ncachemir_version:0.1.0\r\nrun_id:ab"\r\nuptime_in_seconds:7\r\n' +
      "# Clients\r\nconnected_clients:3\r\nmaxclients:10000\r\n" +
      "# Stats\r\ntotal_commands_processed:42\r\nexpired_keys:1\r\n" +
      "# Memory\r\nused_memory:1000\r\nmaxmemory:0\r\n" +
      "# Keyspace\r\ndb0:keys=5,expires=2,avg_ttl=0\r\n",
  );
  const text = prometheusMetrics(info);
  assertExposition(text);
  assert.match(text, /^cachemir_commands_processed_total 42$/m);
  assert.match(text, /^cachemir_keys\{db="db0"\} 5$/m);
  assert.match(text, /^cachemir_keys_with_expiry\{db="db0"\} 2$/m);
  assert.match(
    text,
    /^cachemir_build_info\{version="0.1.0",run_id="ab\\""\} 1$/m,
  );
  assert.match(text, /^process_cpu_seconds_total [0-9.e-]+$/m);
  // A field INFO lacks is left out, not written as NaN.
  assert.doesNotMatch(text, /evicted|NaN/);
});

Deno.test("HttpEndpoints: probes by phase, /metrics and /info behind the password", async () => {
  let phase: NodePhase = "starting";
  let password = "s3cret";
  const http = new HttpEndpoints({
    hostname: "127.0.0.1",
    port: 0,
    info: () => "# Server\r\nuptime_in_seconds:1\r\nrun_id:x\r\n",
    phase: () => phase,
    password: () => password,
  });
  const base = `http://127.0.0.1:${http.port}`;
  const get = async (path: string, headers: HeadersInit = {}) => {
    const res = await fetch(base + path, { headers });
    return { status: res.status, body: await res.text(), res };
  };
  try {
    assert.equal((await get("/healthz")).status, 200);
    assert.equal((await get("/readyz")).status, 503);
    phase = "serving";
    assert.equal((await get("/readyz")).status, 200);
    const refused = await get("/metrics");
    assert.equal(refused.status, 401);
    assert.match(refused.res.headers.get("www-authenticate") ?? "", /Basic/);
    assert.equal(
      (await get("/info", { authorization: "Bearer nope" })).status,
      401,
    );
    const bearer = await get("/metrics", { authorization: "Bearer s3cret" });
    assert.equal(bearer.status, 200);
    assert.match(bearer.res.headers.get("content-type")!, /version=0\.0\.4/);
    assertExposition(bearer.body);
    const basic = await get("/info", {
      authorization: `Basic ${btoa("anyone:s3cret")}`,
    });
    assert.equal(basic.status, 200);
    assert.deepEqual(JSON.parse(basic.body), {
      server: { uptime_in_seconds: "1", run_id: "x" },
    });
    password = "";
    assert.equal((await get("/metrics")).status, 200);
    assert.equal((await get("/nope")).status, 404);
    const post = await fetch(`${base}/metrics`, { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    await post.body?.cancel();
    phase = "draining";
    assert.equal((await get("/readyz")).status, 503);
    assert.equal((await get("/healthz")).status, 200);
  } finally {
    await http.close();
  }
});

Deno.test("CacheNode --http-port serves the node's own metrics and INFO", async () => {
  const node = new CacheNode({
    port: 0,
    httpPort: freePort(),
    logLevel: "error",
  });
  await node.start();
  try {
    const base = `http://127.0.0.1:${node.httpPort}`;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assertExposition(metrics);
    assert.match(metrics, /^cachemir_connected_clients 0$/m);
    assert.match(metrics, /^cachemir_memory_max_bytes \d+$/m);
    assert.match(metrics, /^cachemir_maxclients 10000$/m);
    // Prometheus's own checker (Debian's prometheus package; .ci/run
    // installs it) accepts the node's exposition.
    await assertPromtool(metrics);
    // The scrape ran INFO through the command table: the next one counts
    // it, with its latency histogram, and promtool still accepts it.
    const again = await (await fetch(`${base}/metrics`)).text();
    assertExposition(again);
    await assertPromtool(again);
    assert.match(
      again,
      /^cachemir_commands_total\{command="info"\} [1-9]\d*$/m,
    );
    assert.match(
      again,
      /^cachemir_command_duration_seconds_bucket\{command="info",le="\+Inf"\} [1-9]\d*$/m,
    );
    assert.match(again, /^cachemir_error_replies_total 0$/m);
    const info = await (await fetch(`${base}/info`)).json();
    assert.equal(info.server.run_id.length, 40);
    assert.equal(info.clients.maxclients, "10000");
  } finally {
    await node.close();
  }
});

Deno.test("prometheusMetrics() lists INFO hotkeys as a gauge by rank and key, the key escaped as a label value", async () => {
  const odd = 'a"b\\c\n\xff caf\xc3\xa9';
  const text = prometheusMetrics({
    hotkeys: {
      hotkey_1: `ops_per_sec=1200,key=${escapeInfoKey(odd)}`,
      hotkey_2: "ops_per_sec=30,key=user:1,x=y",
    },
  });
  assertExposition(text);
  await assertPromtool(text);
  assert.match(text, /^# TYPE cachemir_hotkey_ops_per_second gauge$/m);
  assert.ok(
    text.includes(
      'cachemir_hotkey_ops_per_second{rank="1",key="a\\"b\\\\c\\n\\\\xff café"} 1200\n',
    ),
    text,
  );
  assert.match(
    text,
    /^cachemir_hotkey_ops_per_second\{rank="2",key="user:1,x=y"\} 30$/m,
  );
  // No section (sampling off, or no key yet): no metric.
  assert.doesNotMatch(prometheusMetrics({}), /hotkey/);
});
