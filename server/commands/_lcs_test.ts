import assert from "node:assert/strict";
import { lcs } from "./_lcs.ts";

const enc = (s: string): Uint8Array =>
  Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array | undefined): string => String.fromCharCode(...b!);

/** Tells whether `sub` is a subsequence of `s`. */
function isSubsequence(sub: string, s: string): boolean {
  let i = 0;
  for (let j = 0; j < s.length && i < sub.length; j++) if (s[j] === sub[i]) i++;
  return i === sub.length;
}

/** The LCS length by brute force over `a`'s subsets (short strings only). */
function bruteLength(a: string, b: string): number {
  let best = 0;
  for (let mask = 0; mask < 1 << a.length; mask++) {
    let sub = "";
    for (let i = 0; i < a.length; i++) if (mask & (1 << i)) sub += a[i];
    if (sub.length > best && isSubsequence(sub, b)) best = sub.length;
  }
  return best;
}

Deno.test("lcs finds a longest common subsequence (brute force on short strings)", () => {
  let seed = 7;
  const random = () =>
    (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 200; round++) {
    const word = (n: number) =>
      Array.from({ length: n }, () => "abc"[Math.floor(random() * 3)]).join("");
    const a = word(Math.floor(random() * 10));
    const b = word(Math.floor(random() * 12));
    const r = lcs(enc(a), enc(b), {
      text: true,
      matches: true,
      minMatchLength: 0,
    });
    assert.equal(r.length, bruteLength(a, b), `${a} ${b}`);
    const text = dec(r.text);
    assert.equal(text.length, r.length);
    assert.ok(isSubsequence(text, a) && isSubsequence(text, b), `${a} ${b}`);
    // The runs spell the subsequence, last first, each the same in both.
    let spelled = "";
    for (const m of r.matches!) {
      const inA = a.slice(m.a[0], m.a[1] + 1);
      assert.equal(inA, b.slice(m.b[0], m.b[1] + 1));
      assert.equal(inA.length, m.length);
      spelled = inA + spelled;
    }
    assert.equal(spelled, text);
  }
});

Deno.test("lcs: LEN only, MINMATCHLEN filters runs, empty strings", () => {
  const r = lcs(enc("ohmytext"), enc("mynewtext"), {
    text: false,
    matches: true,
    minMatchLength: 3,
  });
  assert.deepEqual(r.matches, [{ a: [4, 7], b: [5, 8], length: 4 }]);
  assert.deepEqual(
    lcs(enc("abc"), enc("xbc"), {
      text: false,
      matches: false,
      minMatchLength: 0,
    }),
    { length: 2 },
  );
  const empty = lcs(enc(""), enc("abc"), {
    text: true,
    matches: true,
    minMatchLength: 0,
  });
  assert.equal(empty.length, 0);
  assert.deepEqual(empty.matches, []);
});
