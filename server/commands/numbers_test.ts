import assert from "node:assert/strict";
import {
  addInt64,
  addLongDouble,
  formatLongDouble,
  incrByFloat,
  narrow,
  parseInt64,
  parseLongDouble,
  parseSmallInt,
} from "./numbers.ts";

Deno.test("parseInt64() follows string2ll's grammar", () => {
  const valid: [string, number | bigint][] = [
    ["0", 0],
    ["1", 1],
    ["-1", -1],
    ["123456789012345", 123456789012345],
    ["9007199254740991", 9007199254740991],
    ["9007199254740992", 9007199254740992n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
  ];
  for (const [s, v] of valid) assert.equal(parseInt64(s), v, s);
  const invalid = [
    "",
    "-",
    "-0",
    "01",
    "+1",
    " 1",
    "1 ",
    "1.0",
    "1e3",
    "abc",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999",
    "123456789012345678901",
    "1\x00",
    "１",
  ];
  for (const s of invalid) assert.equal(parseInt64(s), undefined, s);
});

Deno.test("addInt64() detects int64 overflow exactly", () => {
  assert.equal(addInt64(1, 2), 3);
  assert.equal(addInt64(9223372036854775806n, 1), 9223372036854775807n);
  assert.equal(addInt64(9223372036854775807n, 1), undefined);
  assert.equal(addInt64(-9223372036854775808n, -1), undefined);
  assert.equal(addInt64(-9223372036854775807n, -1), -9223372036854775808n);
  assert.equal(addInt64(9007199254740991, 1), 9007199254740992n);
  assert.equal(addInt64(9007199254740992n, -1), 9007199254740991);
});

Deno.test("narrow() keeps bigints only outside the safe range", () => {
  assert.equal(narrow(-5n), -5);
  assert.equal(narrow(9007199254740992n), 9007199254740992n);
  assert.equal(narrow(7), 7);
});

Deno.test("incrByFloat() matches Redis 7's long double results", () => {
  // Each row was recorded from INCRBYFLOAT on redis-server 7.0.15 (x86-64).
  const cases: [string | undefined, string, string][] = [
    ["10.5", "0.1", "10.6"],
    ["10", "1e-30", "10"],
    [undefined, "1e-30", "0"],
    ["0", "-1e-30", "0"],
    [undefined, "0x10", "16"],
    [undefined, "3.0e-4950", "0"],
    [undefined, ".5", "0.5"],
    ["0.5", "5.", "5.5"],
    ["1e3", "1", "1001"],
    ["1E3", "1", "1001"],
    ["-0.0", "0", "0"],
    ["0x1p-3", "0", "0.125"],
    ["0x.8", "0", "0.5"],
    ["1.5e+2", "0", "150"],
    ["1.5e-2", "0", "0.015"],
    ["00012.50", "0", "12.5"],
    ["+3", "0", "3"],
    ["0.1", "0.2", "0.3"],
    ["1.1", "-1.1", "0"],
    [undefined, "3.0e3", "3000"],
    [undefined, "1.23456789012345678901234567890", "1.23456789012345679"],
    [undefined, "-5", "-5"],
    [
      undefined,
      "123456789012345678901234567890",
      "123456789012345678899921813504",
    ],
    [undefined, "0.000000000000000005", "0"],
    [undefined, "0.000000000000000015", "0.00000000000000002"],
    [undefined, "0.000000000000000025", "0.00000000000000002"],
  ];
  for (const [current, incr, expected] of cases) {
    assert.deepEqual(
      incrByFloat(current, incr),
      { value: expected },
      `${current} + ${incr}`,
    );
  }
});

Deno.test("incrByFloat() prints huge values in full, as %.17Lf does", () => {
  const r = incrByFloat("10.5", "1e300");
  assert.ok("value" in r);
  assert.equal(
    r.value,
    "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144",
  );
  const max = incrByFloat(undefined, "1.18973149535723176503e4932");
  assert.ok("value" in max);
  assert.equal(max.value.length, 4933);
  assert.ok(max.value.startsWith("118973149535723176502126385303097020516906"));
});

Deno.test("incrByFloat() refuses what Redis refuses", () => {
  const notFloat = [
    "nan",
    "-nan",
    "infin",
    "0x",
    "0x1p",
    "-",
    ".",
    "",
    " 1",
    "1 ",
    "1e",
    "1e+",
    "1.5\x00",
    "1e5000", // overflows long double
    "1e-5000", // underflows to zero
    "1.18973149535723176508e4932",
    "1".repeat(5120),
  ];
  for (const s of notFloat) {
    assert.deepEqual(incrByFloat(undefined, s), { error: "increment" }, s);
    assert.deepEqual(incrByFloat(s, "1"), { error: "value" }, s);
  }
  for (const s of ["inf", "-inf", "INF", "Infinity", "+infinity"]) {
    assert.deepEqual(incrByFloat(undefined, s), { error: "nan" }, s);
  }
  assert.deepEqual(
    incrByFloat("1e4932", "1.18973149535723176502e4932"),
    { error: "nan" },
  );
});

Deno.test("parseLongDouble() rounds to nearest even, with subnormals", () => {
  // 2^-16445 is the smallest subnormal; half of it rounds to zero (refused),
  // a bit more rounds up to it.
  assert.equal(parseLongDouble("1.8e-4951"), undefined);
  const tiny = parseLongDouble("1.9e-4951");
  assert.ok(tiny !== undefined && tiny.kind === "finite");
  assert.equal(tiny.mant, 1n);
  assert.equal(tiny.exp, -16445);
  const one = parseLongDouble("1")!;
  assert.ok(one.kind === "finite");
  assert.equal(one.mant, 1n << 63n);
  assert.equal(one.exp, -63);
  // 1 + 2^-64 is a tie between 1 and 1 + 2^-63: it rounds to even (1).
  const tie = addLongDouble(one, parseLongDouble("0x1p-64")!);
  assert.deepEqual(tie, one);
});

Deno.test("formatLongDouble() rounds ties to even like glibc's printf", () => {
  // 2^-18 = 0.000003814697265625 exactly: the 18th digit is a tie.
  assert.equal(
    formatLongDouble(parseLongDouble("0x1p-18")!),
    "0.00000381469726562",
  );
  assert.equal(
    formatLongDouble(parseLongDouble("0x3p-18")!),
    "0.00001144409179688",
  );
  assert.equal(
    formatLongDouble(parseLongDouble("0x5p-18")!),
    "0.00001907348632812",
  );
  assert.throws(
    () => formatLongDouble({ kind: "inf", neg: false }),
    /it is inf/,
  );
});

Deno.test("parseSmallInt() agrees with parseInt64() on texts of up to 15 bytes", () => {
  const texts = [
    "0",
    "-0",
    "00",
    "1",
    "-1",
    "+1",
    " 1",
    "1 ",
    "007",
    "-",
    "",
    "12x",
    "999999999999999",
    "-99999999999999",
    "100000000000000",
    "1e5",
    "١",
  ];
  for (let i = 0; i < 2000; i++) {
    let s = "";
    const n = 1 + (i % 16);
    for (let j = 0; j < n; j++) s += "-0123456789x"[(i * 7 + j * 13) % 12];
    texts.push(s);
  }
  for (const s of texts) {
    const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
    const got = parseSmallInt(bytes, 0, bytes.length);
    const want = s.length <= 15 ? parseInt64(s) : undefined;
    assert.equal(Number.isNaN(got) ? undefined : got, want, JSON.stringify(s));
  }
});
