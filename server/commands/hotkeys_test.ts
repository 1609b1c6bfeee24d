import assert from "node:assert/strict";
import { harness, plain, tableContext } from "./_testing.ts";
import { HotKeys } from "../hot_keys.ts";
import { CommandTable } from "./table.ts";
import { Keyspace } from "../store/keyspace.ts";
import { escapeInfoKey, unescapeInfoKey } from "./hotkeys.ts";

/** A harness whose table records every request (sample 1). */
function everyRequest() {
  const table = new CommandTable({ hotKeys: new HotKeys({ sample: 1 }) });
  const ctx = tableContext(table, new Keyspace());
  return {
    call: (name: string, ...args: string[]): unknown =>
      plain(table.execute(ctx, name, args)),
  };
}

Deno.test("HOTKEYS lists the hottest keys first with integer rates; count defaults to 10", () => {
  const h = everyRequest();
  for (let i = 0; i < 300; i++) {
    h.call("GET", "a");
    if (i % 2 === 0) h.call("SET", "b", "v");
    if (i % 3 === 0) h.call("MGET", "c", "a");
  }
  for (let i = 0; i < 20; i++) h.call("GET", `cold:${i}`);
  const reply = h.call("HOTKEYS") as [string, number][];
  assert.equal(reply.length, 10);
  assert.deepEqual(reply.slice(0, 3).map(([k]) => k), ["a", "b", "c"]);
  for (const [, rate] of reply) assert.ok(Number.isInteger(rate) && rate >= 0);
  assert.ok(reply[0][1] >= reply[1][1] && reply[1][1] >= reply[2][1]);
  const two = h.call("HOTKEYS", "2") as [string, number][];
  assert.deepEqual(two.map(([k]) => k), ["a", "b"]);
  // A count past the cap (1,000,000) lists every key the sketch holds.
  const all = h.call("HOTKEYS", "9223372036854775807") as [string, number][];
  assert.ok(all.length > 10, `${all.length} keys`);
  assert.deepEqual(all.slice(0, 3).map(([k]) => k), ["a", "b", "c"]);
});

Deno.test("HOTKEYS: keyless commands and refused commands record nothing", () => {
  const h = everyRequest();
  h.call("PING");
  h.call("GET"); // wrong arity
  h.call("DBSIZE");
  assert.deepEqual(h.call("HOTKEYS"), []);
});

Deno.test("HOTKEYS answers bad arguments with Redis's errors", () => {
  const h = harness();
  // As LPOP's count: not an integer, negative or too big.
  assert.deepEqual(h.call("HOTKEYS", "x"), {
    error: "ERR value is out of range, must be positive",
  });
  assert.deepEqual(h.call("HOTKEYS", "0"), []);
  assert.deepEqual(h.call("HOTKEYS", "-3"), {
    error: "ERR value is out of range, must be positive",
  });
  assert.deepEqual(h.call("HOTKEYS", "1", "2"), { error: "ERR syntax error" });
  assert.deepEqual(h.call("HOTKEYS", "99999999999999999999"), {
    error: "ERR value is out of range, must be positive",
  });
});

Deno.test("INFO hotkeys: one line per key, hottest first, the key escaped last; not in the default INFO", () => {
  const h = everyRequest();
  const odd = "k,=\r\n\\\xff";
  for (let i = 0; i < 50; i++) {
    h.call("GET", odd);
    if (i % 2 === 0) h.call("GET", "plain");
  }
  const text = h.call("INFO", "hotkeys") as string;
  const lines = text.trim().split("\r\n");
  assert.equal(lines[0], "# Hotkeys");
  assert.match(
    lines[1],
    /^hotkey_1:ops_per_sec=\d+,key=k,=\\x0d\\x0a\\\\\\xff$/,
  );
  assert.match(lines[2], /^hotkey_2:ops_per_sec=\d+,key=plain$/);
  assert.equal(
    unescapeInfoKey(lines[1].slice(lines[1].indexOf(",key=") + 5)),
    odd,
  );
  assert.ok(!(h.call("INFO") as string).includes("# Hotkeys"));
  assert.ok((h.call("INFO", "all") as string).includes("# Hotkeys"));
  assert.ok((h.call("INFO", "everything") as string).includes("# Hotkeys"));
});

Deno.test("escapeInfoKey leaves no control byte and reads back", () => {
  let all = "";
  for (let c = 0; c < 256; c++) all += String.fromCharCode(c);
  const text = escapeInfoKey(all);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    assert.ok(c >= 0x20 && c < 0x7f, `byte ${c} at ${i}`);
  }
  assert.equal(unescapeInfoKey(text), all);
});
