/**
 * The slow log and the command counters on a running node: the settings
 * from its configuration, CONFIG SET and `reconfigure` (SIGHUP), both
 * ports, and INFO commandstats across them.
 */

import assert from "node:assert/strict";
import { commandByName } from "@cachemir/protocol";
import { RawClient } from "./_helpers/raw_client.ts";
import { RespClient } from "./_helpers/resp_client.ts";
import { startRespNode } from "./_helpers/resp_node.ts";

const op = (name: string): number => commandByName(name)!.opcode;

Deno.test("a node's slow log takes its settings from the configuration, CONFIG SET and reconfigure, on both ports", async () => {
  const node = await startRespNode({
    logLevel: "error",
    slowlogLogSlowerThan: 0,
    slowlogMaxLen: 3,
  });
  const resp = await RespClient.connect(node.respPort);
  const binary = await RawClient.connect(node.port);
  try {
    assert.deepEqual(await resp.call("CONFIG", "GET", "slowlog*"), [
      "slowlog-log-slower-than",
      "0",
      "slowlog-max-len",
      "3",
    ]);
    assert.deepEqual(await resp.call("SLOWLOG", "RESET"), { status: "OK" });
    await binary.call(op("SET"), "k", "v");
    await binary.call(op("GET"), "k");
    // The binary port sends no name: the entry names the command in lower
    // case, as redis-cli sends it.
    const entries = await resp.call("SLOWLOG", "GET") as unknown[][];
    assert.deepEqual(entries.map((e) => e[3]), [
      ["get", "k"],
      ["set", "k", "v"],
      ["SLOWLOG", "RESET"],
    ]);
    assert.deepEqual(await binary.call(op("SLOWLOG"), "LEN"), {
      kind: "int",
      value: 3,
    });
    node.reconfigure({ slowlogMaxLen: 1, slowlogLogSlowerThan: -1 });
    assert.deepEqual(await resp.call("SLOWLOG", "LEN"), 1);
    assert.deepEqual(await resp.call("CONFIG", "GET", "slowlog*"), [
      "slowlog-log-slower-than",
      "-1",
      "slowlog-max-len",
      "1",
    ]);
    // Both ports count in INFO commandstats.
    const info = String(await resp.call("INFO", "commandstats"));
    assert.match(info, /^cmdstat_get:calls=1,/m);
    assert.match(info, /^cmdstat_slowlog\|len:calls=2,/m);
    node.reconfigure({ timingSample: 1 });
    for (let i = 0; i < 3; i++) await binary.call(op("GET"), "k");
    const latency = String(await resp.call("INFO", "latencystats"));
    assert.match(latency, /^latency_percentiles_usec_get:p50=/m);
  } finally {
    resp.close();
    binary.close();
    await node.close();
  }
});
