// CacheMirClient's string commands against a real node process on 127.0.0.1.
import assert from "node:assert/strict";
import { enc, rejectsWith, withNodeClient } from "./_helpers/node_client.ts";

Deno.test("CacheMirClient string commands on a node process", (t) =>
  withNodeClient(async (client) => {
    await t.step("CacheMirClient.get() and set()", async () => {
      assert.equal(await client.get("s:missing"), null);
      assert.equal(await client.set("s:k", "v"), "OK");
      assert.equal(await client.get("s:k"), "v");
      assert.equal(await client.set("s:n", 42), "OK");
      assert.equal(await client.get("s:n"), "42");
      assert.equal(await client.set("s:utf8", "héllo 🌍"), "OK");
      assert.equal(await client.get("s:utf8"), "héllo 🌍");
      assert.equal(await client.set("s:empty", ""), "OK");
      assert.equal(await client.get("s:empty"), "");
    });

    await t.step("CacheMirClient.set() options", async () => {
      assert.equal(await client.set("s:nx", "1", { nx: true }), "OK");
      assert.equal(await client.set("s:nx", "2", { nx: true }), null);
      assert.equal(await client.get("s:nx"), "1");
      assert.equal(await client.set("s:xx", "1", { xx: true }), null);
      assert.equal(await client.get("s:xx"), null);
      assert.equal(await client.set("s:nx", "3", { xx: true }), "OK");
      assert.equal(await client.set("s:nx", "4", { get: true }), "3");
      assert.equal(await client.set("s:none", "x", { get: true }), null);
      assert.equal(await client.set("s:ex", "v", { ex: 100 }), "OK");
      assert.equal(await client.ttl("s:ex"), 100);
      assert.equal(await client.set("s:px", "v", { px: 100_000 }), "OK");
      const pttl = await client.pttl("s:px");
      assert.ok(pttl > 99_000 && pttl <= 100_000, `pttl ${pttl}`);
      const at = Math.floor(Date.now() / 1000) + 1000;
      assert.equal(await client.set("s:exat", "v", { exat: at }), "OK");
      assert.equal(await client.expiretime("s:exat"), at);
      assert.equal(await client.set("s:pxat", "v", { pxat: at * 1000 }), "OK");
      assert.equal(await client.pexpiretime("s:pxat"), at * 1000);
      assert.equal(await client.set("s:pxat", "w", { keepttl: true }), "OK");
      assert.equal(await client.pexpiretime("s:pxat"), at * 1000);
      assert.equal(await client.set("s:pxat", "w"), "OK");
      assert.equal(
        await client.ttl("s:pxat"),
        -1,
        "a plain SET clears the TTL",
      );
      assert.deepEqual(
        await client.setBuffer("s:pxat", "z", { get: true }),
        enc("w"),
      );
      await rejectsWith(
        client.set("s:k", "v", { nx: true, xx: true }),
        "ERR syntax error",
      );
      await rejectsWith(
        client.set("s:k", "v", { ex: 10, px: 10 }),
        "ERR syntax error",
      );
      await rejectsWith(
        client.set("s:k", "v", { ex: 0 }),
        "ERR invalid expire time in 'set' command",
      );
    });

    await t.step("CacheMirClient.setnx(), setex(), psetex()", async () => {
      assert.equal(await client.setnx("s:once", "a"), 1);
      assert.equal(await client.setnx("s:once", "b"), 0);
      assert.equal(await client.get("s:once"), "a");
      assert.equal(await client.setex("s:setex", 50, "v"), "OK");
      assert.equal(await client.ttl("s:setex"), 50);
      assert.equal(await client.psetex("s:psetex", 50_000, "v"), "OK");
      assert.ok((await client.pttl("s:psetex")) > 49_000);
      await rejectsWith(
        client.setex("s:setex", -1, "v"),
        "ERR invalid expire time in 'setex' command",
      );
      await rejectsWith(
        client.psetex("s:psetex", 0, "v"),
        "ERR invalid expire time in 'psetex' command",
      );
    });

    await t.step("CacheMirClient.getset(), getdel(), getex()", async () => {
      assert.equal(await client.getset("s:gs", "1"), null);
      assert.equal(await client.getset("s:gs", "2"), "1");
      assert.deepEqual(await client.getsetBuffer("s:gs", "3"), enc("2"));
      assert.equal(await client.getdel("s:gs"), "3");
      assert.equal(await client.getdel("s:gs"), null);
      await client.set("s:gd", "x");
      assert.deepEqual(await client.getdelBuffer("s:gd"), enc("x"));
      assert.equal(await client.exists("s:gd"), 0);

      await client.set("s:gx", "v");
      assert.equal(await client.getex("s:gx"), "v");
      assert.equal(await client.ttl("s:gx"), -1);
      assert.equal(await client.getex("s:gx", { ex: 100 }), "v");
      assert.equal(await client.ttl("s:gx"), 100);
      assert.equal(await client.getex("s:gx", { persist: true }), "v");
      assert.equal(await client.ttl("s:gx"), -1);
      assert.deepEqual(
        await client.getexBuffer("s:gx", { px: 100_000 }),
        enc("v"),
      );
      assert.ok((await client.pttl("s:gx")) > 99_000);
      const at = Math.floor(Date.now() / 1000) + 500;
      assert.equal(await client.getex("s:gx", { exat: at }), "v");
      assert.equal(await client.expiretime("s:gx"), at);
      assert.equal(await client.getex("s:gx", { pxat: at * 1000 + 5 }), "v");
      assert.equal(await client.pexpiretime("s:gx"), at * 1000 + 5);
      assert.equal(await client.getex("s:missing", { ex: 10 }), null);
    });

    await t.step("CacheMirClient.mget(), mset(), msetnx()", async () => {
      assert.equal(await client.mset({ "s:a": "1", "s:b": 2 }), "OK");
      assert.equal(await client.mset("s:c", "3", "s:d", "4"), "OK");
      assert.equal(await client.mset(new Map([["s:e", "5"]])), "OK");
      assert.deepEqual(
        await client.mget("s:a", "s:b", "s:c", "s:d", "s:e", "s:zz"),
        ["1", "2", "3", "4", "5", null],
      );
      assert.deepEqual(await client.mget(["s:a", "s:zz"]), ["1", null]);
      assert.deepEqual(await client.mgetBuffer("s:a", "s:zz"), [
        enc("1"),
        null,
      ]);
      assert.equal(await client.msetnx({ "s:f": "6", "s:g": "7" }), 1);
      assert.equal(await client.msetnx("s:g", "x", "s:h", "8"), 0);
      assert.deepEqual(await client.mget("s:g", "s:h"), ["7", null]);
      await rejectsWith(
        client.mset("s:a"),
        "ERR wrong number of arguments for 'mset' command",
      );
    });

    await t.step(
      "CacheMirClient.incr(), decr(), incrby(), decrby()",
      async () => {
        assert.equal(await client.incr("s:cnt"), 1);
        assert.equal(await client.incr("s:cnt"), 2);
        assert.equal(await client.decr("s:cnt"), 1);
        assert.equal(await client.incrby("s:cnt", 10), 11);
        assert.equal(await client.decrby("s:cnt", 20), -9);
        assert.equal(await client.decr("s:neg"), -1);
        assert.equal(
          await client.incrbyBig("s:big", 9007199254740993n),
          9007199254740993n,
        );
        // Beyond Number.MAX_SAFE_INTEGER the number methods reject (the node
        // applied the command: INCRBY 0 leaves the value as it was).
        await assert.rejects(
          client.incrby("s:big", 0),
          /RangeError: Cannot resolve incrby\(\) with 9007199254740993 as a number.*use incrbyBig\(\)/,
        );
        assert.equal(
          await client.incrbyBig("s:max", 9223372036854775807n),
          9223372036854775807n,
        );
        await rejectsWith(
          client.incr("s:max"),
          "ERR increment or decrement would overflow",
        );
        await client.set("s:text", "abc");
        await rejectsWith(
          client.incr("s:text"),
          "ERR value is not an integer or out of range",
        );
        await rejectsWith(
          client.incrby("s:cnt", 1.5),
          "ERR value is not an integer or out of range",
        );
      },
    );

    await t.step("CacheMirClient.incrbyfloat()", async () => {
      await client.set("s:f", "10");
      assert.equal(await client.incrbyfloat("s:f", 0.5), "10.5");
      assert.equal(await client.incrbyfloat("s:f", "5.0e3"), "5010.5");
      assert.equal(await client.get("s:f"), "5010.5");
      assert.equal(await client.incrbyfloat("s:f0", 0.1), "0.1");
      await client.set("s:text2", "abc");
      await rejectsWith(
        client.incrbyfloat("s:text2", 1),
        "ERR value is not a valid float",
      );
    });

    await t.step(
      "CacheMirClient.append(), strlen(), getrange(), setrange()",
      async () => {
        assert.equal(await client.append("s:ap", "Hello"), 5);
        assert.equal(await client.append("s:ap", " World"), 11);
        assert.equal(await client.strlen("s:ap"), 11);
        assert.equal(await client.strlen("s:missing"), 0);
        assert.equal(await client.getrange("s:ap", 0, 4), "Hello");
        assert.equal(await client.getrange("s:ap", -5, -1), "World");
        assert.equal(await client.getrange("s:ap", 100, 200), "");
        assert.deepEqual(await client.getrangeBuffer("s:ap", 0, 0), enc("H"));
        assert.equal(await client.setrange("s:ap", 6, "Redis"), 11);
        assert.equal(await client.get("s:ap"), "Hello Redis");
        assert.equal(await client.setrange("s:pad", 3, "x"), 4);
        assert.deepEqual(
          await client.getBuffer("s:pad"),
          new Uint8Array([0, 0, 0, 0x78]),
        );
        await client.set("s:u", "héllo");
        assert.equal(await client.strlen("s:u"), 6, "STRLEN counts bytes");
        await rejectsWith(
          client.setrange("s:ap", -1, "x"),
          "ERR offset is out of range",
        );
      },
    );
  }));
