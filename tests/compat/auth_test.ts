/**
 * AUTH against Redis: a redis-server and a CacheMir node with the same
 * password (and, apart, both without one) get the same commands on fresh
 * connections, and every reply must be the same — NOAUTH before AUTH (PING
 * included), WRONGPASS, AUTH's two forms, HELLO's AUTH option, RESET.
 * HELLO's successful replies differ by design (server name, version, id):
 * for them only the kind of reply is compared.
 */

import assert from "node:assert/strict";
import { RespClient, type RespValue } from "../_helpers/resp_client.ts";
import { startRespNode } from "../_helpers/resp_node.ts";
import { startRedis } from "./_harness.ts";
import { show } from "./_compare.ts";

/** Commands sent in order on one fresh connection. */
type Session = readonly (readonly string[])[];

const WITH_PASSWORD: readonly Session[] = [
  [
    ["PING"],
    ["PING", "hi"],
    ["GET", "k"],
    ["SET", "k", "v"],
    ["ECHO", "a"],
    ["COMMAND", "COUNT"],
    ["CONFIG", "GET", "timeout"],
    ["CLIENT", "ID"],
    ["FOO", "bar"],
    ["GET"],
    ["AUTH"],
    ["AUTH", "a", "b", "c"],
    ["AUTH", "wrong"],
    ["AUTH", "default", "wrong"],
    ["AUTH", "bob", "s3cret"],
    ["AUTH", "Default", "s3cret"],
    ["HELLO"],
    ["HELLO", "3"],
    ["HELLO", "2", "SETNAME", "x"],
    ["HELLO", "3", "AUTH", "default", "wrong"],
    ["HELLO", "3", "AUTH", "bob", "s3cret"],
    ["GET", "k"],
    ["AUTH", "s3cret"],
    ["PING"],
    ["SET", "k", "v"],
    ["GET", "k"],
    ["AUTH", "wrong"],
    ["GET", "k"],
    ["RESET"],
    ["GET", "k"],
    ["AUTH", "default", "s3cret"],
    ["GET", "k"],
    ["QUIT"],
  ],
  [
    ["HELLO", "2", "AUTH", "default", "s3cret", "SETNAME", "me"],
    ["CLIENT", "GETNAME"],
    ["GET", "k"],
  ],
  [["RESET"], ["PING"], ["QUIT"]],
];

const WITHOUT_PASSWORD: readonly Session[] = [
  [
    ["AUTH", "x"],
    ["AUTH", "default", "x"],
    ["AUTH", "bob", "x"],
    ["AUTH", "a", "b", "c"],
    ["HELLO", "2", "AUTH", "bob", "x"],
    ["HELLO", "2", "AUTH", "default", "anything"],
    ["PING"],
  ],
];

/** HELLO's map (or flat list on RESP2) differs by design: compare its kind. */
function comparable(command: readonly string[], reply: RespValue): string {
  if (command[0] === "HELLO" && Array.isArray(reply)) return "hello-reply";
  return show(reply);
}

async function compare(
  sessions: readonly Session[],
  redisPort: number,
  nodePort: number,
): Promise<void> {
  for (const [s, session] of sessions.entries()) {
    const redis = await RespClient.connect(redisPort);
    const node = await RespClient.connect(nodePort);
    try {
      for (const [i, command] of session.entries()) {
        const expected = await redis.call(...command);
        const actual = await node.call(...command);
        assert.equal(
          comparable(command, actual),
          comparable(command, expected),
          `session ${s}, command ${i}: ${command.join(" ")}`,
        );
      }
    } finally {
      redis.close();
      node.close();
    }
  }
}

Deno.test("compat: AUTH, NOAUTH and WRONGPASS as Redis answers them, with a password", async () => {
  const redis = await startRedis(10_000, ["--requirepass", "s3cret"]);
  const node = await startRespNode({ requirepass: "s3cret" });
  try {
    await compare(WITH_PASSWORD, redis.port, node.respPort);
    // Every refused password was counted.
    assert.equal(node.stats.authFailures, 7);
  } finally {
    await node.close();
    await redis.stop();
  }
});

Deno.test("compat: AUTH as Redis answers it without a password", async () => {
  const redis = await startRedis();
  const node = await startRespNode();
  try {
    await compare(WITHOUT_PASSWORD, redis.port, node.respPort);
  } finally {
    await node.close();
    await redis.stop();
  }
});
