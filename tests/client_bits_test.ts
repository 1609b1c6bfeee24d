// CacheMirClient's bit commands, LCS, SUBSTR, COPY and TOUCH against a real
// node process on 127.0.0.1.
import assert from "node:assert/strict";
import { enc, rejectsWith, withNodeClient } from "./_helpers/node_client.ts";

Deno.test("CacheMirClient bit commands, LCS, SUBSTR, COPY and TOUCH on a node process", (t) =>
  withNodeClient(async (client) => {
    await t.step("setbit(), getbit(), bitcount(), bitpos()", async () => {
      assert.equal(await client.setbit("b:k", 7, 1), 0);
      assert.equal(await client.setbit("b:k", 7, 1), 1);
      assert.equal(await client.getbit("b:k", 7), 1);
      assert.equal(await client.getbit("b:k", 100), 0);
      assert.deepEqual(await client.getBuffer("b:k"), new Uint8Array([1]));
      await client.set("b:s", "foobar");
      assert.equal(await client.bitcount("b:s"), 26);
      assert.equal(await client.bitcount("b:s", { start: 1, end: 1 }), 6);
      assert.equal(
        await client.bitcount("b:s", { start: 5, end: 30, unit: "BIT" }),
        17,
      );
      await client.set("b:p", new Uint8Array([0xff, 0xf0, 0x00]));
      assert.equal(await client.bitpos("b:p", 0), 12);
      assert.equal(await client.bitpos("b:p", 1, { start: 2 }), -1);
      assert.equal(
        await client.bitpos("b:p", 0, { start: 0, end: 11, unit: "BIT" }),
        -1,
      );
      await rejectsWith(
        client.setbit("b:k", -1, 1),
        "ERR bit offset is not an integer or out of range",
      );
    });

    await t.step("bitop()", async () => {
      await client.set("{b}a", new Uint8Array([0x0f, 0xff]));
      await client.set("{b}b", new Uint8Array([0xf1]));
      assert.equal(await client.bitop("AND", "{b}r", "{b}a", "{b}b"), 2);
      assert.deepEqual(await client.getBuffer("{b}r"), new Uint8Array([1, 0]));
      assert.equal(await client.bitop("NOT", "{b}r", "{b}b"), 1);
      assert.deepEqual(await client.getBuffer("{b}r"), new Uint8Array([0x0e]));
    });

    await t.step("bitfield(), bitfieldBig(), bitfield_ro()", async () => {
      assert.deepEqual(
        await client.bitfield("b:f", [
          { set: "u8", offset: 0, value: 200 },
          { overflow: "FAIL" },
          { incrby: "u8", offset: 0, increment: 100 },
          { get: "u4", offset: "#1" },
        ]),
        [0, null, 8],
      );
      assert.deepEqual(
        await client.bitfieldBig("b:f", [
          { set: "i64", offset: 8, value: -9223372036854775808n },
          { get: "i64", offset: 8 },
        ]),
        [0n, -9223372036854775808n],
      );
      await assert.rejects(
        client.bitfield("b:f", [{ get: "i64", offset: 8 }]),
        RangeError,
      );
      assert.deepEqual(
        await client.bitfield_ro("b:f", [{ get: "u8", offset: 0 }]),
        [200],
      );
      await rejectsWith(
        client.bitfield("b:f", [{ get: "u64", offset: 0 }]),
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
      );
    });

    await t.step(
      "lcs() in its three forms, lcsBuffer(), substr()",
      async () => {
        await client.set("{t}a", "ohmytext");
        await client.set("{t}b", "mynewtext");
        assert.equal(await client.lcs("{t}a", "{t}b"), "mytext");
        assert.deepEqual(await client.lcsBuffer("{t}a", "{t}b"), enc("mytext"));
        assert.equal(await client.lcs("{t}a", "{t}b", { len: true }), 6);
        assert.deepEqual(
          await client.lcs("{t}a", "{t}b", { idx: true, withMatchLen: true }),
          {
            matches: [
              { a: [4, 7], b: [5, 8], length: 4 },
              { a: [2, 3], b: [0, 1], length: 2 },
            ],
            len: 6,
          },
        );
        assert.deepEqual(
          await client.lcs("{t}a", "{t}b", { idx: true, minMatchLen: 4 }),
          { matches: [{ a: [4, 7], b: [5, 8] }], len: 6 },
        );
        assert.equal(await client.substr("{t}a", 2, 3), "my");
        assert.deepEqual(
          await client.substrBuffer("{t}a", -4, -1),
          enc("text"),
        );
      },
    );

    await t.step("copy() and touch()", async () => {
      await client.set("{c}src", "v", { ex: 1000 });
      assert.equal(await client.copy("{c}src", "{c}dst"), 1);
      assert.equal(await client.copy("{c}src", "{c}dst"), 0);
      assert.equal(await client.get("{c}dst"), "v");
      assert.equal(await client.ttl("{c}dst"), 1000);
      await client.set("{c}src", "w");
      assert.equal(
        await client.copy("{c}src", "{c}dst", { replace: true, db: 0 }),
        1,
      );
      assert.equal(await client.get("{c}dst"), "w");
      await rejectsWith(
        client.copy("{c}src", "{c}x", { db: 3 }),
        "ERR DB index is out of range",
      );
      assert.equal(await client.touch("{c}src", "{c}dst", "{c}missing"), 2);
      assert.equal(await client.touch(["{c}src"]), 1);
    });
  }));
