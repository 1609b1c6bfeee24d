import assert from "node:assert/strict";
import { Glob, globMatch } from "./glob.ts";

/** Keys used with real Redis 7.0 to record the expected matches below. */
const KEYS = ["", "a", "ab", "abc", "a]", "a-", "b", "*", "[", "\\", "^", "]"];

function matching(pattern: string): string[] {
  const g = new Glob(pattern);
  return KEYS.filter((k) => g.matches(k)).sort();
}

Deno.test("Glob.matches() agrees with Redis 7 KEYS on bracket corner cases", () => {
  // Each expectation was recorded from `KEYS <pattern>` on redis-server 7.0.15.
  const cases: [string, string[]][] = [
    ["**", ["*", "[", "\\", "]", "^", "a", "a-", "a]", "ab", "abc", "b"]],
    ["?", ["*", "[", "\\", "]", "^", "a", "b"]],
    ["a[b-]", ["a]", "ab"]], // '-' then ']' : the range b..] swapped
    ["a[]", []],
    ["a[-]", ["a-"]],
    ["[", []],
    ["[\\]", ["]"]],
    ["\\", ["\\"]],
    ["[^a]", ["*", "[", "\\", "]", "^", "b"]],
    ["[^]", ["*", "[", "\\", "]", "^", "a", "b"]],
    ["a\\", []],
    ["[a", ["a"]],
    ["[ab", ["a", "b"]],
    ["a[b", ["ab"]],
    ["[a-]", ["]", "^", "a"]],
    ["[]a]", []],
    ["[c-a]*", ["a", "a-", "a]", "ab", "abc", "b"]],
    ["\\*", ["*"]],
    ["a*b", ["ab"]],
    ["*c", ["abc"]],
    ["a[\\]]", ["a]"]],
  ];
  for (const [pattern, expected] of cases) {
    assert.deepEqual(matching(pattern), expected.sort(), `pattern ${pattern}`);
  }
});

Deno.test("Glob.matches() lets the empty string match only the empty pattern", () => {
  assert.equal(new Glob("").matches(""), true);
  assert.equal(new Glob("*").matches(""), false);
  assert.equal(new Glob("**").matches(""), false);
  assert.equal(new Glob("").matches("a"), false);
});

Deno.test("Glob.matches() handles stars with backtracking", () => {
  assert.equal(globMatch("*ab", "aab"), true);
  assert.equal(globMatch("a*b*c", "axxbyyc"), true);
  assert.equal(globMatch("a*b*c", "axxbyy"), false);
  assert.equal(globMatch("*a*a*a*a*b", "a".repeat(40)), false);
  assert.equal(globMatch("h?llo", "hello"), true);
  assert.equal(globMatch("h*llo", "heeeello"), true);
  assert.equal(globMatch("h[ae]llo", "hallo"), true);
  assert.equal(globMatch("h[^e]llo", "hello"), false);
  assert.equal(globMatch("h[a-b]llo", "hbllo"), true);
  assert.equal(globMatch("user:*", "user:42"), true);
  assert.equal(globMatch("user:*", "use"), false);
});

Deno.test("Glob.matches() compares range bounds as signed chars, like Redis", () => {
  // Recorded on Redis 7.0.15: [\xe0-a] is the range -32..97, so it holds
  // 0xe9 (-23); [\x80-\x01] is -128..1, holding 0x80-0xff, 0x00 and 0x01.
  assert.equal(globMatch("[\xe0-a]", "\xe9"), true);
  assert.equal(globMatch("[a-\xe0]", "\xe9"), true);
  assert.equal(globMatch("[\xe0-a]", "b"), false);
  const range = new Glob("[\x80-\x01]");
  for (let b = 0; b < 256; b++) {
    const expected = b <= 1 || b >= 0x80;
    assert.equal(range.matches(String.fromCharCode(b)), expected, `byte ${b}`);
  }
});

Deno.test("Glob.matches() is binary-safe for every byte", () => {
  for (let b = 0; b < 256; b++) {
    const c = String.fromCharCode(b);
    const special = "*?[\\".includes(c);
    assert.equal(globMatch(special ? "\\" + c : c, c), true, `byte ${b}`);
    assert.equal(globMatch("?", c), true);
    assert.equal(globMatch(`[\\${c}]`, c), true);
    assert.equal(
      globMatch(`k${special ? "\\" + c : c}*`, `k${c}\x00\xff`),
      true,
    );
  }
});

Deno.test("Glob.matches() stays fast on a pathological pattern", () => {
  // A naive backtracking matcher is exponential here.
  const pattern = "a*".repeat(30) + "b";
  assert.equal(globMatch(pattern, "a".repeat(5000)), false);
  // A deeply nested star pattern does not overflow the stack.
  assert.equal(globMatch("*a".repeat(100_000), "a".repeat(100_000)), true);
});

Deno.test("Glob.pattern returns the source", () => {
  assert.equal(new Glob("a*").pattern, "a*");
});
