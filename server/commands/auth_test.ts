import assert from "node:assert/strict";
import { COMMANDS, errorText, type Reply } from "@cachemir/protocol";
import { Keyspace } from "../store/keyspace.ts";
import { CommandTable } from "./table.ts";
import type { CommandContext, RuntimeSettings, Session } from "./types.ts";
import { samePassword } from "./auth.ts";
import { replyNow } from "../blocking.ts";

const NOAUTH = "NOAUTH Authentication required.";
const WRONGPASS =
  "WRONGPASS invalid username-password pair or user is disabled.";

function harness(requirepass: string) {
  const settings: RuntimeSettings = {
    maxclients: 10,
    timeout: 0,
    requirepass,
    clientOutputBufferLimit: 0,
    rateLimit: 0,
    trackingTableMaxKeys: 1_000_000,
  };
  const failures: number[] = [];
  const session: Session = {
    id: 7,
    peer: "127.0.0.1:5000",
    dialect: "resp2",
    name: "",
    closeAfterReply: false,
    authenticated: requirepass === "",
  };
  const ctx: CommandContext = {
    store: new Keyspace(),
    session,
    node: {
      version: "0.1.0",
      startedAt: 0,
      maxFrameBytes: 1 << 24,
      maxArgs: 1 << 20,
      settings,
      onAuthFailure: (s) => failures.push(s.id),
    },
  };
  const table = new CommandTable();
  const text = (r: Reply): string =>
    r.kind === "error" ? errorText(r) : r.kind === "status" ? r.value : r.kind;
  return {
    ctx,
    session,
    settings,
    failures,
    table,
    run: (...argv: string[]): string =>
      text(replyNow(table.execute(ctx, argv[0], argv.slice(1)))),
  };
}

Deno.test("before AUTH, every command of the table but the noauth ones is refused", () => {
  const h = harness("pw");
  const noauth = COMMANDS.filter((c) => c.flags.includes("noauth")).map((c) =>
    c.name
  );
  assert.deepEqual(noauth.sort(), ["AUTH", "HELLO", "QUIT", "RESET"]);
  for (const info of COMMANDS) {
    if (noauth.includes(info.name)) continue;
    // Enough arguments for any arity: the auth check comes after arity.
    const argc = info.arity > 0 ? info.arity - 1 : -info.arity - 1;
    const args = Array.from({ length: argc }, () => "x");
    assert.equal(h.run(info.name, ...args), NOAUTH, info.name);
  }
  // The arity check comes first, as in Redis.
  assert.equal(
    h.run("GET"),
    "ERR wrong number of arguments for 'get' command",
  );
  assert.equal(h.ctx.store.size, 0);
});

Deno.test("AUTH [default] password authenticates; a wrong one is counted", () => {
  const h = harness("pw");
  assert.equal(h.run("AUTH", "nope"), WRONGPASS);
  assert.equal(h.run("AUTH", "default", "nope"), WRONGPASS);
  assert.equal(h.run("AUTH", "admin", "pw"), WRONGPASS);
  assert.deepEqual(h.failures, [7, 7, 7]);
  assert.equal(h.run("AUTH", "a", "b", "c"), "ERR syntax error");
  assert.equal(h.session.authenticated, false);
  assert.equal(h.run("AUTH", "pw"), "ok");
  assert.equal(h.session.authenticated, true);
  assert.equal(h.run("PING"), "PONG");
  // RESET forgets it.
  assert.equal(h.run("RESET"), "RESET");
  assert.equal(h.run("PING"), NOAUTH);
  assert.equal(h.run("AUTH", "default", "pw"), "ok");
  assert.equal(h.run("PING"), "PONG");
});

Deno.test("without a password: AUTH pw is Redis's error, AUTH default anything succeeds", () => {
  const h = harness("");
  assert.equal(
    h.run("AUTH", "x"),
    "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
  );
  assert.equal(h.run("AUTH", "default", "x"), "ok");
  assert.equal(h.run("AUTH", "bob", "x"), WRONGPASS);
  assert.equal(h.run("PING"), "PONG");
  // A password removed at run time lets a waiting connection in.
  const g = harness("pw");
  g.settings.requirepass = "";
  assert.equal(g.run("PING"), "PONG");
});

Deno.test("HELLO on RESP before AUTH: refused without its AUTH option", () => {
  const h = harness("pw");
  assert.match(h.run("HELLO", "3"), /^NOAUTH HELLO must be called/);
  assert.equal(h.session.dialect, "resp2");
  assert.equal(h.run("HELLO", "3", "AUTH", "default", "no"), WRONGPASS);
  assert.equal(
    h.run("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "n"),
    "map",
  );
  assert.equal(h.session.dialect, "resp3");
  assert.equal(h.session.name, "n");
  assert.equal(h.session.authenticated, true);
  // The binary port's HELLO negotiates the protocol before AUTH.
  const b = harness("pw");
  b.session.dialect = "binary";
  assert.equal(b.run("HELLO", "1"), "map");
  assert.equal(b.run("PING"), NOAUTH);
});

Deno.test("samePassword() compares bytes, the password as UTF-8", () => {
  assert.equal(samePassword("pw", "pw"), true);
  assert.equal(samePassword("pw ", "pw"), false);
  assert.equal(samePassword("", "pw"), false);
  assert.equal(samePassword("p", "pw"), false);
  // "é" arrives as its two UTF-8 bytes, one char each.
  assert.equal(samePassword("\xc3\xa9", "é"), true);
  assert.equal(samePassword("é", "é"), false);
});
