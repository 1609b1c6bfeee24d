/**
 * Property-based tests of {@linkcode RespWriter}, the other end of what
 * {@linkcode RespDecoder}-speaking clients read: integers of every size
 * take each of the header's digit paths and print as `String(n)` does,
 * doubles print so that they read back exactly, and whole replies (RESP2
 * and RESP3) parse back, with a small reference parser, to what was
 * written.
 *
 * `FUZZ_RUNS` / `FUZZ_SECONDS` / `FUZZ_SEED` run them longer
 * (tests/_helpers/fuzz.ts; `deno task fuzz`).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { type Reply, toByteString } from "@cachemir/protocol";
import { checkProperty, replyArbitrary } from "../../tests/_helpers/fuzz.ts";
import { formatDouble, RespWriter } from "./writer.ts";

const text = (b: Uint8Array): string => toByteString(b, 0, b.length);

const safeInt = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.integer(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(
    9,
    10,
    99,
    100,
    0x7fffffff,
    0x80000000,
    -0x7fffffff,
    -0x80000000,
    1e15 - 1,
    1e15,
    -(1e15 - 1),
    -1e15,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ),
);

Deno.test("RespWriter: an integer prints as String(n) on every digit path", async () => {
  await checkProperty(
    "resp writer integers",
    fc.property(fc.array(safeInt, { minLength: 1, maxLength: 8 }), (ns) => {
      const w = new RespWriter(16);
      for (const n of ns) w.writeInteger(n);
      assert.equal(text(w.takeView()), ns.map((n) => `:${n}\r\n`).join(""));
    }),
    1000,
  );
});

Deno.test("RespWriter: a double prints so that it reads back exactly", async () => {
  await checkProperty(
    "resp writer doubles",
    fc.property(fc.double(), (d) => {
      const s = formatDouble(d);
      const back = s === "inf"
        ? Infinity
        : s === "-inf"
        ? -Infinity
        : s === "nan"
        ? NaN
        : Number(s);
      assert.ok(Object.is(back, d), `${d} printed as ${s}`);
      assert.match(s, /^(-?inf|nan|-?\d+(\.\d+)?(e[+-]\d{2,3})?)$/);
    }),
    2000,
  );
});

/** What a RESP reply reads back as, in a form both sides can be put in. */
type Parsed = string | number | bigint | null | Parsed[] | { map: Parsed[] };

/** A small RESP2/RESP3 reply parser: the reference. */
function parse(s: string): Parsed[] {
  let pos = 0;
  const line = (): string => {
    const end = s.indexOf("\r\n", pos);
    assert.ok(end >= 0, `a line at ${pos}`);
    const l = s.slice(pos, end);
    pos = end + 2;
    return l;
  };
  const value = (): Parsed => {
    const type = s[pos++];
    const l = line();
    switch (type) {
      case "+":
        return `+${l}`;
      case "-":
        return `-${l}`;
      case ":": {
        const v = BigInt(l);
        return Number.isSafeInteger(Number(v)) ? Number(v) : v;
      }
      case ",":
        return `,${l}`;
      case "_":
        return null;
      case "$": {
        const n = Number(l);
        if (n < 0) return null;
        const v = s.slice(pos, pos + n);
        pos += n;
        assert.equal(s.slice(pos, pos + 2), "\r\n");
        pos += 2;
        return v;
      }
      case "*":
      case "~": {
        const n = Number(l);
        if (n < 0) return null;
        return Array.from({ length: n }, value);
      }
      case "%": {
        const n = Number(l);
        return { map: Array.from({ length: 2 * n }, value) };
      }
      default:
        throw new Error(`unknown type ${type} at ${pos - 1}`);
    }
  };
  const out: Parsed[] = [];
  while (pos < s.length) out.push(value());
  return out;
}

/** What the writer should produce for `r`, as {@linkcode parse} reads it. */
function expected(r: Reply, resp3: boolean): Parsed {
  switch (r.kind) {
    case "ok":
      return "+OK";
    case "null":
      return null;
    case "int":
      return r.value;
    case "float":
      return resp3 ? `,${formatDouble(r.value)}` : formatDouble(r.value);
    case "bytes":
      return typeof r.value === "string" ? r.value : text(r.value);
    case "status":
      return `+${r.value.replace(/[\r\n]/g, " ")}`;
    case "error":
      return `-${
        (r.message === "" ? r.code : `${r.code} ${r.message}`).replace(
          /[\r\n]/g,
          " ",
        )
      }`;
    case "array":
    case "set":
      return r.value.map((v) => expected(v, resp3));
    case "map": {
      const flat = r.value.flatMap(([k, v]) => [
        expected(k, resp3),
        expected(v, resp3),
      ]);
      return resp3 ? { map: flat } : flat;
    }
  }
}

Deno.test("RespWriter: replies parse back to what was written, RESP2 and RESP3", async () => {
  await checkProperty(
    "resp writer replies",
    fc.property(
      fc.array(replyArbitrary, { minLength: 1, maxLength: 5 }),
      fc.boolean(),
      (replies, resp3) => {
        const w = new RespWriter(16);
        for (const r of replies) w.writeReply(r, resp3);
        assert.deepEqual(
          parse(text(w.takeView())),
          replies.map((r) => expected(r, resp3)),
        );
      },
    ),
    500,
  );
});
