import assert from "node:assert/strict";
import { type CommandName, COMMANDS } from "@cachemir/protocol";
import { CacheMirClient } from "../client.ts";
import * as families from "./mod.ts";
import { type Declaration, isDeclaration, isWalk } from "./_define.ts";

/**
 * Commands of the table that the client does not declare, each with why.
 * A new command must get a declaration in a family module, or a line here.
 */
const NOT_DECLARED: Readonly<Partial<Record<CommandName, string>>> = {
  // Written out on the client: it sends QUIT on every pooled connection of
  // every node (Pool.quit), then closes the client; not one routed command.
  QUIT: "CacheMirClient.quit()",
  // Sent by the client itself on every new connection when it is given a
  // password (the `password` option): authentication belongs to a
  // connection, and the client pools them.
  AUTH: "the password option",
  // Introspection for Redis tools (redis-cli, client libraries probing the
  // node); a caller can still send them with call().
  COMMAND: "call()",
  CONFIG: "call()",
  INFO: "call()",
  TIME: "call()",
  // One node's slow log: call() asks the node it is routed to.
  SLOWLOG: "call()",
  // About one connection's state (name, database, reset): the client pools
  // connections, so setting state on one of them would not follow a caller.
  CLIENT: "call()",
  SELECT: "call()",
  RESET: "call()",
  // OBJECT's key is its second argument (OBJECT ENCODING key): call()
  // routes it to the node that owns the key.
  OBJECT: "call()",
  // CacheMir holds no function library: FUNCTION FLUSH and LIST exist for
  // tools that clear a server first (Redis's test suite); a method named
  // after it cannot be declared (\`function\` is a reserved word).
  FUNCTION: "call()",
};

function declarations(): [string, Declaration<unknown, unknown, unknown>][] {
  const out: [string, Declaration<unknown, unknown, unknown>][] = [];
  for (const family of Object.values(families)) {
    for (const [method, value] of Object.entries(family)) {
      if (isDeclaration(value)) out.push([method, value]);
    }
  }
  return out;
}

Deno.test("every command of the table has a client declaration or a reason in NOT_DECLARED", () => {
  const declared = new Map<string, string>();
  for (const [method, d] of declarations()) {
    assert.ok(
      !declared.has(d.info.name),
      `${d.info.name} is declared twice: ${
        declared.get(d.info.name)
      } and ${method}`,
    );
    declared.set(d.info.name, method);
  }
  for (const row of COMMANDS) {
    const name = row.name as CommandName;
    const reason = NOT_DECLARED[name];
    if (declared.has(name)) {
      assert.equal(
        reason,
        undefined,
        `${name} is declared (${
          declared.get(name)
        }) and in NOT_DECLARED: drop the entry`,
      );
    } else {
      assert.ok(
        reason !== undefined,
        `${name} has neither a declaration in client/commands/ nor an entry in NOT_DECLARED`,
      );
    }
  }
});

Deno.test("each declaration gives CacheMirClient its method, named after its command, and its variants", () => {
  const proto = CacheMirClient.prototype as unknown as Record<string, unknown>;
  for (const [method, d] of declarations()) {
    assert.equal(method, d.info.name.toLowerCase(), `${method}: name`);
    assert.equal(typeof proto[method], "function", method);
    const decoder = typeof d.reply === "function"
      ? (d.reply as () => { bytes?: unknown; big?: unknown })()
      : d.reply;
    assert.equal(
      typeof proto[`${method}Buffer`],
      decoder.bytes === undefined ? "undefined" : "function",
      `${method}Buffer`,
    );
    assert.equal(
      typeof proto[`${method}Big`],
      decoder.big === undefined ? "undefined" : "function",
      `${method}Big`,
    );
  }
});

Deno.test("each walk gives CacheMirClient its iterator and buffer iterator over a declared cursor command", () => {
  const proto = CacheMirClient.prototype as unknown as Record<string, unknown>;
  const walks: string[] = [];
  for (const family of Object.values(families)) {
    for (const [method, value] of Object.entries(family)) {
      if (!isWalk(value)) continue;
      walks.push(method);
      assert.ok(isDeclaration(value.page), `${method}: page`);
      assert.match(method, /Iterator$/);
      assert.equal(typeof proto[method], "function", method);
      const buffer = method.replace(/Iterator$/, "BufferIterator");
      assert.equal(typeof proto[buffer], "function", buffer);
    }
  }
  assert.deepEqual(walks.sort(), [
    "hscanIterator",
    "scanIterator",
    "sscanIterator",
  ]);
});
