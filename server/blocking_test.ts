import assert from "node:assert/strict";
import {
  bytes,
  errorText,
  NULL_ARRAY,
  OK,
  type Reply,
} from "@cachemir/protocol";
import { Blocked, BlockingRegistry, replyNow } from "./blocking.ts";
import type { Session } from "./_util/request.ts";

function session(id: number): Session {
  return { id, peer: "t", dialect: "resp2", name: "", closeAfterReply: false };
}

/** A queue per key, and a Blocked that pops from the first non-empty one. */
function queues(): {
  q: Map<string, string[]>;
  pop: (keys: string[], timeoutMs?: number) => Blocked;
} {
  const q = new Map<string, string[]>();
  const tryPop = (keys: string[]): Reply | undefined => {
    for (const k of keys) {
      const v = q.get(k)?.shift();
      if (v !== undefined) return bytes(v);
    }
    return undefined;
  };
  return {
    q,
    pop: (keys, timeoutMs = 0) =>
      new Blocked(keys, timeoutMs, () => tryPop(keys)),
  };
}

const text = (r: Reply): string =>
  r.kind !== "bytes"
    ? r.kind
    : typeof r.value === "string"
    ? r.value
    : new TextDecoder().decode(r.value);

Deno.test("waiters are served first blocked, first served; one write serves many", async () => {
  const registry = new BlockingRegistry();
  const { q, pop } = queues();
  const a = registry.wait(session(1), pop(["k"]));
  const b = registry.wait(session(2), pop(["k"]));
  const c = registry.wait(session(3), pop(["k"]));
  assert.equal(registry.blockedClients, 3);
  q.set("k", ["x", "y"]);
  registry.written(["k"]);
  assert.equal(text(await a.done), "x");
  assert.equal(text(await b.done), "y");
  assert.equal(registry.blockedClients, 1);
  assert.ok(registry.isBlocked(3));
  c.cancel();
  assert.equal(registry.blockedClients, 0);
  assert.equal(registry.waiting, false);
});

Deno.test("a writes-to key serves the clients waiting on it in the same turn", async () => {
  const registry = new BlockingRegistry();
  const q = new Map<string, string[]>([["src", []], ["dst", []]]);
  const moved = registry.wait(
    session(1),
    new Blocked(["src"], 0, () => {
      const v = q.get("src")!.shift();
      if (v === undefined) return undefined;
      q.get("dst")!.push(v);
      return bytes(v);
    }, ["dst"]),
  );
  const popped = registry.wait(
    session(2),
    new Blocked(["dst"], 0, () => {
      const v = q.get("dst")!.shift();
      return v === undefined ? undefined : bytes(v);
    }),
  );
  q.get("src")!.push("v");
  registry.written(["src"]);
  assert.equal(text(await moved.done), "v");
  assert.equal(text(await popped.done), "v");
  assert.deepEqual(q.get("dst"), []);
});

Deno.test("unblock answers the timeout reply or the UNBLOCKED error", async () => {
  const registry = new BlockingRegistry();
  const { pop } = queues();
  const a = registry.wait(session(1), pop(["k"]));
  assert.equal(registry.unblock(1), true);
  assert.equal(await a.done, NULL_ARRAY);
  const b = registry.wait(session(1), pop(["k"]));
  assert.equal(registry.unblock(1, true), true);
  const e = await b.done;
  assert.equal(e.kind, "error");
  assert.equal(
    errorText(e as Parameters<typeof errorText>[0]),
    "UNBLOCKED client unblocked via CLIENT UNBLOCK",
  );
  assert.equal(registry.unblock(1), false);
});

Deno.test("a timeout answers the null array and forgets the waiter", async () => {
  const registry = new BlockingRegistry();
  const { pop } = queues();
  const a = registry.wait(session(1), pop(["k"], 5));
  assert.equal(registry.withTimeout, 1);
  assert.equal(await a.done, NULL_ARRAY);
  assert.equal(registry.blockedClients, 0);
  assert.equal(registry.waiting, false);
});

Deno.test("clear answers every waiter; replyNow turns a Blocked into its timeout reply", async () => {
  const registry = new BlockingRegistry();
  const { pop } = queues();
  const a = registry.wait(session(1), pop(["k"]));
  registry.clear();
  assert.equal(await a.done, NULL_ARRAY);
  assert.equal(replyNow(pop(["k"])), NULL_ARRAY);
  assert.equal(replyNow(OK), OK);
});

Deno.test("a timeout past the longest timer does not fire early", async () => {
  const registry = new BlockingRegistry();
  const { pop } = queues();
  const wait = registry.wait(session(1), pop(["k"], 2 ** 40));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(registry.blockedClients, 1);
  wait.cancel();
  assert.equal(registry.blockedClients, 0);
});

Deno.test("a session that blocks again ends its first wait: that one pops nothing", async () => {
  const registry = new BlockingRegistry();
  const { q, pop } = queues();
  const first = registry.wait(session(1), pop(["a"]));
  const second = registry.wait(session(1), pop(["b"]));
  assert.equal(await first.done, NULL_ARRAY);
  assert.equal(registry.blockedClients, 1);
  // The first wait's key is no longer watched for that session.
  q.set("a", ["x"]);
  registry.written(["a"]);
  assert.deepEqual(q.get("a"), ["x"]);
  q.set("b", ["y"]);
  registry.written(["b"]);
  assert.equal(text(await second.done), "y");
  assert.equal(registry.waiting, false);
});
