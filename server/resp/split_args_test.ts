import assert from "node:assert/strict";
import { splitArgs } from "./split_args.ts";

const split = (s: string): string[] | undefined => {
  const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0));
  return splitArgs(bytes, 0, bytes.length);
};

Deno.test("splitArgs() splits on blanks like sdssplitargs", () => {
  assert.deepEqual(split(""), []);
  assert.deepEqual(split("   \t "), []);
  assert.deepEqual(split("PING"), ["PING"]);
  assert.deepEqual(split("  SET  k\tv  "), ["SET", "k", "v"]);
  // \v and \f are skipped between tokens but are part of a token.
  assert.deepEqual(split("\x0bab a\x0bb"), ["ab", "a\x0bb"]);
  assert.deepEqual(split("\xff\x80 x"), ["\xff\x80", "x"]);
});

Deno.test("splitArgs() reads double quotes with escapes", () => {
  assert.deepEqual(split(`"a b"`), ["a b"]);
  assert.deepEqual(split(`""`), [""]);
  assert.deepEqual(split(`"\\x41\\x4a\\x00\\xff"`), ["AJ\x00\xff"]);
  assert.deepEqual(split(`"\\xZZ"`), ["xZZ"]);
  assert.deepEqual(split(`"\\n\\r\\t\\b\\a\\q\\\\\\""`), [
    '\n\r\t\b\x07q\\"',
  ]);
  assert.deepEqual(split(`x"a b"`), ["xa b"]);
  assert.deepEqual(split(`"a" b`), ["a", "b"]);
});

Deno.test("splitArgs() reads single quotes with only \\' as an escape", () => {
  assert.deepEqual(split(`'a b'`), ["a b"]);
  assert.deepEqual(split(`'it\\'s'`), ["it's"]);
  assert.deepEqual(split(`'\\n'`), ["\\n"]);
});

Deno.test("splitArgs() refuses unbalanced quotes", () => {
  for (const bad of [`"a`, `'a`, `"a"b`, `'a'b`, `a"b c"d`, `"a\\"`]) {
    assert.equal(split(bad), undefined, bad);
  }
});

Deno.test("splitArgs() stops at a NUL byte like a C string", () => {
  assert.deepEqual(split("a b\x00c d"), ["a", "b"]);
  assert.equal(split(`"a\x00"`), undefined);
});
