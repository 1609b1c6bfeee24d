// CacheMirClient's hash commands against a real node process on 127.0.0.1.
import assert from "node:assert/strict";
import {
  enc,
  rejectsWith,
  withNodeClient,
  WRONGTYPE,
} from "./_helpers/node_client.ts";

Deno.test("CacheMirClient hash commands on a node process", (t) =>
  withNodeClient(async (client) => {
    await t.step("CacheMirClient.hset() forms, hmset(), hsetnx()", async () => {
      assert.equal(await client.hset("h:1", { name: "Ada", born: 1815 }), 2);
      assert.equal(await client.hset("h:1", "name", "Grace", "lang", "en"), 1);
      assert.equal(
        await client.hset("h:1", new Map([["x", "1"], ["y", "2"]])),
        2,
      );
      assert.equal(await client.hmset("h:1", { z: "3" }), "OK");
      assert.equal(await client.hmset("h:1", "w", 4), "OK");
      assert.equal(await client.hsetnx("h:1", "name", "Ada"), 0);
      assert.equal(await client.hsetnx("h:1", "nick", "G"), 1);
      assert.equal(await client.hlen("h:1"), 8);
      assert.throws(
        () => client.hset("h:1", "a", "b", "c" as string),
        TypeError,
      );
      assert.equal(await client.type("h:1"), "hash");
    });

    await t.step(
      "CacheMirClient.hget(), hmget(), hexists(), hstrlen()",
      async () => {
        assert.equal(await client.hget("h:1", "name"), "Grace");
        assert.equal(await client.hget("h:1", "nope"), null);
        assert.equal(await client.hget("h:missing", "name"), null);
        assert.deepEqual(await client.hgetBuffer("h:1", "born"), enc("1815"));
        assert.equal(await client.hgetBuffer("h:1", "nope"), null);
        assert.deepEqual(await client.hmget("h:1", "name", "nope", "born"), [
          "Grace",
          null,
          "1815",
        ]);
        assert.deepEqual(await client.hmget("h:1", ["lang"]), ["en"]);
        assert.deepEqual(await client.hmgetBuffer("h:1", "lang", "nope"), [
          enc("en"),
          null,
        ]);
        assert.equal(await client.hexists("h:1", "name"), 1);
        assert.equal(await client.hexists("h:1", "nope"), 0);
        assert.equal(await client.hstrlen("h:1", "name"), 5);
        assert.equal(await client.hstrlen("h:1", "nope"), 0);
      },
    );

    await t.step(
      "CacheMirClient.hgetall(), hkeys(), hvals() and Buffer variants",
      async () => {
        await client.hset(
          "h:2",
          JSON.parse(`{"b":"2","a":"1","__proto__":"p"}`),
        );
        const all = await client.hgetall("h:2");
        assert.deepEqual(Object.keys(all), ["b", "a", "__proto__"]);
        assert.equal(all.a, "1");
        assert.equal(Object.getPrototypeOf(all), Object.prototype);
        assert.equal(
          Object.getOwnPropertyDescriptor(all, "__proto__")?.value,
          "p",
        );
        assert.deepEqual(await client.hgetall("h:missing"), {});
        const buffers = await client.hgetallBuffer("h:2");
        assert.deepEqual(buffers.b, enc("2"));
        assert.deepEqual(await client.hkeys("h:2"), ["b", "a", "__proto__"]);
        assert.deepEqual(await client.hvals("h:2"), ["2", "1", "p"]);
        assert.deepEqual(await client.hkeysBuffer("h:2"), [
          enc("b"),
          enc("a"),
          enc("__proto__"),
        ]);
        assert.deepEqual(await client.hvalsBuffer("h:2"), [
          enc("2"),
          enc("1"),
          enc("p"),
        ]);
        assert.deepEqual(await client.hkeys("h:missing"), []);
      },
    );

    await t.step(
      "CacheMirClient.hdel() deletes fields and the emptied key",
      async () => {
        assert.equal(await client.hdel("h:2", "a", "nope"), 1);
        assert.equal(await client.hdel("h:2", ["b", "__proto__"]), 2);
        assert.equal(await client.exists("h:2"), 0);
        assert.equal(await client.hdel("h:2", "a"), 0);
      },
    );

    await t.step("CacheMirClient.hincrby(), hincrbyfloat()", async () => {
      assert.equal(await client.hincrby("h:n", "c", 5), 5);
      assert.equal(await client.hincrby("h:n", "c", -7), -2);
      assert.equal(
        await client.hincrbyBig("h:n", "big", 9007199254740993n),
        9007199254740993n,
      );
      assert.equal(await client.hincrbyfloat("h:n", "f", 10.5), "10.5");
      assert.equal(await client.hincrbyfloat("h:n", "f", "0.1"), "10.6");
      assert.equal(await client.hincrbyfloat("h:n", "f", "-1e1"), "0.6");
      await client.hset("h:n", "s", "abc");
      await rejectsWith(
        client.hincrby("h:n", "s", 1),
        "ERR hash value is not an integer",
      );
      await rejectsWith(
        client.hincrbyfloat("h:n", "s", 1),
        "ERR hash value is not a float",
      );
      await rejectsWith(
        client.hincrbyfloat("h:n", "f", "inf"),
        "ERR value is NaN or Infinity",
      );
      await client.hset("h:n", "max", "9223372036854775807");
      await rejectsWith(
        client.hincrby("h:n", "max", 1),
        "ERR increment or decrement would overflow",
      );
    });

    await t.step("CacheMirClient.hrandfield() counts and values", async () => {
      await client.hset("h:r", { a: "1", b: "2", c: "3" });
      assert.ok(["a", "b", "c"].includes((await client.hrandfield("h:r"))!));
      assert.equal(await client.hrandfield("h:missing"), null);
      assert.deepEqual((await client.hrandfield("h:r", 10)).sort(), [
        "a",
        "b",
        "c",
      ]);
      const two = await client.hrandfield("h:r", 2);
      assert.equal(new Set(two).size, 2);
      assert.equal((await client.hrandfield("h:r", -7)).length, 7);
      assert.deepEqual(await client.hrandfield("h:r", 0), []);
      const flat = await client.hrandfield("h:r", -4, true);
      assert.equal(flat.length, 8);
      for (let i = 0; i < flat.length; i += 2) {
        assert.equal(flat[i + 1], { a: "1", b: "2", c: "3" }[flat[i]]);
      }
      assert.deepEqual(await client.hrandfield("h:r", 5, true), [
        "a",
        "1",
        "b",
        "2",
        "c",
        "3",
      ]);
      assert.deepEqual(await client.hrandfield("h:missing", 2, true), []);
      const one = await client.hrandfieldBuffer("h:r");
      assert.ok(one instanceof Uint8Array && one.length === 1);
      assert.equal((await client.hrandfieldBuffer("h:r", -3)).length, 3);
      const pairs = await client.hrandfieldBuffer("h:r", 1, true);
      assert.equal(pairs.length, 2);
      assert.ok(pairs.every((b) => b instanceof Uint8Array));
    });

    await t.step("CacheMirClient.hscan() and hscanIterator()", async () => {
      const data: Record<string, string> = {};
      for (let i = 0; i < 1000; i++) data[`f${i}`] = `v${i}`;
      assert.equal(await client.hset("h:big", data), 1000);
      const seen = new Map<string, string>();
      for await (const [f, v] of client.hscanIterator("h:big", { count: 50 })) {
        seen.set(f, v);
      }
      assert.equal(seen.size, 1000);
      for (const [f, v] of seen) assert.equal(v, data[f]);
      const matched: string[] = [];
      for await (
        const [f] of client.hscanIterator("h:big", { match: "f99*" })
      ) matched.push(f);
      assert.deepEqual(matched.sort(), [
        "f99",
        "f990",
        "f991",
        "f992",
        "f993",
        "f994",
        "f995",
        "f996",
        "f997",
        "f998",
        "f999",
      ]);
      const [cursor, flat] = await client.hscan("h:r", 0, { count: 1 });
      assert.equal(cursor, "0");
      assert.deepEqual(flat, ["a", "1", "b", "2", "c", "3"]);
      const [c2, page] = await client.hscan("h:big", "0", { count: 10 });
      assert.notEqual(c2, "0");
      assert.ok(page.length >= 2 && page.length % 2 === 0);
      const [, bytes] = await client.hscanBuffer("h:r", "0", { match: "b" });
      assert.deepEqual(bytes, [enc("b"), enc("2")]);
      let n = 0;
      for await (const [f, v] of client.hscanBufferIterator("h:r")) {
        assert.ok(f instanceof Uint8Array && v instanceof Uint8Array);
        n++;
      }
      assert.equal(n, 3);
    });

    await t.step("Hash commands are binary-safe", async () => {
      const all = new Uint8Array(256).map((_, i) => i);
      const field = new Uint8Array([0, 0xff, 0x0d, 0x0a, 0xc3]);
      assert.equal(await client.hset(all, field, all), 1);
      assert.deepEqual(await client.hgetBuffer(all, field), all);
      assert.equal(await client.hstrlen(all, field), 256);
      assert.deepEqual(await client.hkeysBuffer(all), [field]);
      const [, scanned] = await client.hscanBuffer(all, 0);
      assert.deepEqual(scanned, [field, all]);
      assert.equal(await client.hexists(all, field), 1);
      assert.equal(await client.hdel(all, field), 1);
      assert.equal(await client.exists(all), 0);
      await client.hset("h:utf8", "clé", "héllo 🌍");
      assert.deepEqual(await client.hgetall("h:utf8"), { "clé": "héllo 🌍" });
    });

    await t.step("Hash commands answer WRONGTYPE on other types", async () => {
      await client.set("h:str", "v");
      await client.rpush("h:list", "a");
      for (const key of ["h:str", "h:list"]) {
        await rejectsWith(client.hset(key, "f", "v"), WRONGTYPE);
        await rejectsWith(client.hget(key, "f"), WRONGTYPE);
        await rejectsWith(client.hgetall(key), WRONGTYPE);
        await rejectsWith(client.hmget(key, "f"), WRONGTYPE);
        await rejectsWith(client.hincrby(key, "f", 1), WRONGTYPE);
        await rejectsWith(client.hrandfield(key, 1, true), WRONGTYPE);
        await rejectsWith(client.hscan(key, 0), WRONGTYPE);
        await rejectsWith(client.hlen(key), WRONGTYPE);
      }
      await rejectsWith(client.get("h:1"), WRONGTYPE);
      assert.equal(await client.get("h:str"), "v");
    });
  }));
