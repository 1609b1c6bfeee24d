import assert from "node:assert/strict";
import { runInterleaved } from "./interleave.ts";
import type { Server } from "./procs.ts";

function fakeServer(name: string, log: string[]): Server {
  return {
    name,
    stop: () => {
      log.push(`stop ${name}`);
      return Promise.resolve();
    },
  } as unknown as Server;
}

Deno.test("runInterleaved() alternates the first server by round and stops both, also on errors", async () => {
  for (const round of [1, 2]) {
    const log: string[] = [];
    const servers = [fakeServer("Redis", log), fakeServer("CacheMir", log)] as [
      Server,
      Server,
    ];
    await runInterleaved({
      phase: "t",
      round,
      servers,
      workloads: ["a", "b"],
      label: (w) => w,
      measure: (s, w) => {
        log.push(`${w} ${s.name}`);
        return Promise.resolve();
      },
    });
    const [first, second] = round === 1
      ? ["Redis", "CacheMir"]
      : ["CacheMir", "Redis"];
    assert.deepEqual(log, [
      `a ${first}`,
      `a ${second}`,
      `b ${first}`,
      `b ${second}`,
      "stop Redis",
      "stop CacheMir",
    ]);
  }
  const log: string[] = [];
  await assert.rejects(
    runInterleaved({
      phase: "t",
      round: 1,
      servers: [fakeServer("Redis", log), fakeServer("CacheMir", log)],
      workloads: ["a"],
      label: (w) => w,
      measure: () => Promise.reject(new Error("boom")),
    }),
    /boom/,
  );
  assert.deepEqual(log, ["stop Redis", "stop CacheMir"]);
});
