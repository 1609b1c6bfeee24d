/**
 * Operating a node process over both ports: CLIENT LIST's fields, CLIENT
 * KILL closing another connection (old and new forms), SHUTDOWN stopping
 * the process as SIGTERM does (behind AUTH when a password is set), and
 * the client's `memory()` and `shutdown()`.
 */

import assert from "node:assert/strict";
import { commandByName, type ErrorReply, errorText } from "@cachemir/protocol";
import { CacheMirClient } from "@cachemir/client";
import { startRespNodeProcess } from "./_helpers/node_process.ts";
import type { NodeProcess } from "./_helpers/node_process.ts";
import { RawClient } from "./_helpers/raw_client.ts";
import { RespClient } from "./_helpers/resp_client.ts";

const op = (name: string): number => commandByName(name)!.opcode;

/** Starts a node process with a RESP port, logging at info. */
function startNode(args: string[] = []): Promise<NodeProcess> {
  return startRespNodeProcess(["--log-level", "info", ...args]);
}

/** Waits for the process to exit, failing after `ms`. */
async function exited(node: NodeProcess, ms = 20_000): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`node did not exit:\n${node.log()}`)),
      ms,
    );
  });
  try {
    return (await Promise.race([node.child.status, late])).code;
  } finally {
    clearTimeout(timer);
  }
}

/** CLIENT LIST's lines as maps of field to value. */
function clientList(text: unknown): Map<string, string>[] {
  return String(text).split("\n").filter((l) => l !== "").map((line) =>
    new Map(
      line.split(" ").map((kv) => {
        const eq = kv.indexOf("=");
        return [kv.slice(0, eq), kv.slice(eq + 1)] as [string, string];
      }),
    )
  );
}

Deno.test("CLIENT LIST shows every connection of both ports; CLIENT KILL closes one, in both forms, from both ports", async () => {
  const node = await startNode();
  const a = await RespClient.connect(node.respPort);
  const b = await RespClient.connect(node.respPort);
  const c = await RawClient.connect(node.port);
  try {
    await b.call("CLIENT", "SETNAME", "bee");
    const cId = await c.call(op("CLIENT"), "ID");
    assert.equal(cId.kind, "int");
    const list = clientList(await a.call("CLIENT", "LIST"));
    assert.equal(list.length, 3);
    for (const line of list) {
      for (
        const field of [
          "id",
          "addr",
          "laddr",
          "name",
          "age",
          "idle",
          "cmd",
          "qbuf",
          "omem",
          "tot-mem",
        ]
      ) {
        assert.ok(line.has(field), `${field} in ${[...line.keys()]}`);
      }
      assert.match(line.get("addr")!, /^127\.0\.0\.1:\d+$/);
      // The read buffer at least: a connection's memory is not zero.
      assert.ok(Number(line.get("tot-mem")) > 0);
    }
    const bee = list.find((l) => l.get("name") === "bee")!;
    assert.equal(bee.get("cmd"), "client");
    const mine = clientList(await a.call("CLIENT", "INFO"))[0];
    assert.equal(mine.get("cmd"), "client");
    // New form, from the RESP port: the binary connection is closed.
    assert.equal(
      await a.call(
        "CLIENT",
        "KILL",
        "ID",
        String((cId as { value: number }).value),
      ),
      1,
    );
    assert.equal(await c.read(), undefined);
    // Old form: by address.
    assert.deepEqual(await a.call("CLIENT", "KILL", bee.get("addr")!), {
      status: "OK",
    });
    assert.equal(await b.read(), undefined);
    assert.deepEqual(await a.call("CLIENT", "KILL", bee.get("addr")!), {
      error: "ERR No such client",
    });
    // From the binary port: the RESP connection is closed.
    const d = await RawClient.connect(node.port);
    try {
      const aId = await a.call("CLIENT", "ID");
      const killed = await d.call(
        op("CLIENT"),
        "KILL",
        "ID",
        String(aId),
        "SKIPME",
        "yes",
      );
      assert.deepEqual(killed, { kind: "int", value: 1 });
      assert.equal(await a.read(), undefined);
      const none = await d.call(op("CLIENT"), "KILL", "1.2.3.4:5");
      assert.equal(errorText(none as ErrorReply), "ERR No such client");
    } finally {
      d.close();
    }
  } finally {
    a.close();
    b.close();
    c.close();
    assert.equal((await node.stop()).code, 0);
  }
});

Deno.test("SHUTDOWN over RESP: no reply, as Redis; every connection closed; the process exits 0", async () => {
  const node = await startNode();
  const idle = await RespClient.connect(node.respPort);
  const a = await RespClient.connect(node.respPort);
  try {
    assert.deepEqual(await a.call("SHUTDOWN", "ABORT"), {
      error: "ERR No shutdown in progress.",
    });
    assert.deepEqual(await a.call("SHUTDOWN", "SAVE"), {
      error: "ERR Errors trying to SHUTDOWN. Check logs.",
    });
    assert.deepEqual(await a.call("PING"), { status: "PONG" });
    await a.write(new TextEncoder().encode("SHUTDOWN NOSAVE\r\n"));
    assert.equal(await a.read(), undefined);
    assert.equal(await idle.read(), undefined);
    assert.equal(await exited(node), 0);
    assert.match(
      node.log(),
      /SHUTDOWN SAVE from client \d+ at 127\.0\.0\.1:\d+ refused/,
    );
    assert.match(
      node.log(),
      /SHUTDOWN NOSAVE from client \d+ at 127\.0\.0\.1:\d+: stopping/,
    );
    assert.match(node.log(), /Shut down/);
  } finally {
    a.close();
    idle.close();
    await node.stop();
  }
});

Deno.test("SHUTDOWN over the binary port: OK, then the process exits 0", async () => {
  const node = await startNode();
  const c = await RawClient.connect(node.port);
  try {
    assert.deepEqual(await c.call(op("SHUTDOWN")), { kind: "ok" });
    assert.equal(await c.read(), undefined);
    assert.equal(await exited(node), 0);
  } finally {
    c.close();
    await node.stop();
  }
});

Deno.test("SHUTDOWN is behind AUTH when the node has a password", async () => {
  const node = await startNode(["--requirepass", "s3cret"]);
  const a = await RespClient.connect(node.respPort);
  const c = await RawClient.connect(node.port);
  try {
    assert.deepEqual(await a.call("SHUTDOWN"), {
      error: "NOAUTH Authentication required.",
    });
    const refused = await c.call(op("SHUTDOWN"));
    assert.equal(
      errorText(refused as ErrorReply),
      "NOAUTH Authentication required.",
    );
    assert.deepEqual(await a.call("AUTH", "s3cret"), { status: "OK" });
    await a.write(new TextEncoder().encode("SHUTDOWN\r\n"));
    assert.equal(await a.read(), undefined);
    assert.equal(await exited(node), 0);
  } finally {
    a.close();
    c.close();
    await node.stop();
  }
});

Deno.test("the client: memory('USAGE') from the key's node, shutdown() stops the node", async () => {
  const node = await startNode();
  const client = new CacheMirClient({ nodes: node.address });
  try {
    await client.set("k", "v".repeat(1000));
    const used = await client.memory("USAGE", "k");
    assert.ok(used !== null && used >= 1000, String(used));
    assert.equal(await client.memory("USAGE", "k", 0), used);
    assert.equal(await client.memory("USAGE", "missing"), null);
    assert.equal(await client.shutdown("NOSAVE"), "OK");
    assert.equal(await exited(node), 0);
  } finally {
    await client.close();
    await node.stop();
  }
});
