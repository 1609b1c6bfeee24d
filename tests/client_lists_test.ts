// CacheMirClient's list commands against a real node process on 127.0.0.1.
import assert from "node:assert/strict";
import {
  enc,
  rejectsWith,
  withNodeClient,
  WRONGTYPE,
} from "./_helpers/node_client.ts";

Deno.test("CacheMirClient list commands on a node process", (t) =>
  withNodeClient(async (client) => {
    await t.step(
      "CacheMirClient.lpush(), rpush(), lpushx(), rpushx(), llen()",
      async () => {
        assert.equal(await client.rpush("l:1", "c", "d"), 2);
        assert.equal(await client.lpush("l:1", "b", "a"), 4);
        assert.equal(await client.rpush("l:1", ["e", 6]), 6);
        assert.equal(await client.lpushx("l:1", "0"), 7);
        assert.equal(await client.rpushx("l:1", ["7"]), 8);
        assert.equal(await client.lpushx("l:missing", "a"), 0);
        assert.equal(await client.rpushx("l:missing", "a"), 0);
        assert.equal(await client.exists("l:missing"), 0);
        assert.equal(await client.llen("l:1"), 8);
        assert.equal(await client.llen("l:missing"), 0);
        assert.equal(await client.type("l:1"), "list");
      },
    );

    await t.step(
      "CacheMirClient.lrange(), lindex(), lset() with negative indexes",
      async () => {
        assert.deepEqual(await client.lrange("l:1", 0, -1), [
          "0",
          "a",
          "b",
          "c",
          "d",
          "e",
          "6",
          "7",
        ]);
        assert.deepEqual(await client.lrange("l:1", -3, -2), ["e", "6"]);
        assert.deepEqual(await client.lrange("l:1", 5, 2), []);
        assert.deepEqual(await client.lrange("l:missing", 0, -1), []);
        assert.deepEqual(await client.lrangeBuffer("l:1", 0, 1), [
          enc("0"),
          enc("a"),
        ]);
        assert.equal(await client.lindex("l:1", -1), "7");
        assert.equal(await client.lindex("l:1", 100), null);
        assert.deepEqual(await client.lindexBuffer("l:1", 1), enc("a"));
        assert.equal(await client.lindexBuffer("l:1", -100), null);
        assert.equal(await client.lset("l:1", -1, "z"), "OK");
        assert.equal(await client.lindex("l:1", 7), "z");
        await rejectsWith(client.lset("l:1", 8, "x"), "ERR index out of range");
        await rejectsWith(client.lset("l:missing", 0, "x"), "ERR no such key");
      },
    );

    await t.step(
      "CacheMirClient.lpop() and rpop() with and without a count",
      async () => {
        assert.equal(await client.lpop("l:1"), "0");
        assert.equal(await client.rpop("l:1"), "z");
        assert.deepEqual(await client.lpop("l:1", 2), ["a", "b"]);
        assert.deepEqual(await client.rpop("l:1", 2), ["6", "e"]);
        assert.deepEqual(await client.lpop("l:1", 0), []);
        assert.deepEqual(await client.lpopBuffer("l:1"), enc("c"));
        assert.deepEqual(await client.rpopBuffer("l:1", 5), [enc("d")]);
        assert.equal(
          await client.exists("l:1"),
          0,
          "an emptied list is deleted",
        );
        assert.equal(await client.lpop("l:1"), null);
        assert.equal(await client.rpop("l:1", 3), null);
        assert.equal(await client.lpopBuffer("l:1"), null);
        assert.equal(await client.lpopBuffer("l:1", 2), null);
        assert.equal(await client.rpopBuffer("l:1"), null);
        await client.rpush("l:2", "x");
        await rejectsWith(
          client.lpop("l:2", -1),
          "ERR value is out of range, must be positive",
        );
      },
    );

    await t.step("CacheMirClient.lrem(), ltrim(), linsert()", async () => {
      await client.rpush("l:3", "x", "a", "x", "b", "x");
      assert.equal(await client.lrem("l:3", -2, "x"), 2);
      assert.deepEqual(await client.lrange("l:3", 0, -1), ["x", "a", "b"]);
      assert.equal(await client.linsert("l:3", "BEFORE", "b", "a2"), 4);
      assert.equal(await client.linsert("l:3", "AFTER", "b", "c"), 5);
      assert.equal(await client.linsert("l:3", "AFTER", "zz", "c"), -1);
      assert.equal(await client.linsert("l:missing", "AFTER", "a", "c"), 0);
      assert.deepEqual(await client.lrange("l:3", 0, -1), [
        "x",
        "a",
        "a2",
        "b",
        "c",
      ]);
      assert.equal(await client.ltrim("l:3", 1, -2), "OK");
      assert.deepEqual(await client.lrange("l:3", 0, -1), ["a", "a2", "b"]);
      assert.equal(await client.ltrim("l:3", 5, 10), "OK");
      assert.equal(await client.exists("l:3"), 0);
      assert.equal(await client.lrem("l:3", 0, "x"), 0);
    });

    await t.step("CacheMirClient.lpos() with rank, count, maxlen", async () => {
      await client.rpush("l:p", "a", "b", "a", "c", "a");
      assert.equal(await client.lpos("l:p", "a"), 0);
      assert.equal(await client.lpos("l:p", "a", { rank: 2 }), 2);
      assert.equal(await client.lpos("l:p", "a", { rank: -1 }), 4);
      assert.equal(await client.lpos("l:p", "z"), null);
      assert.equal(await client.lpos("l:p", "a", { maxlen: 1, rank: 2 }), null);
      assert.deepEqual(await client.lpos("l:p", "a", { count: 0 }), [0, 2, 4]);
      assert.deepEqual(await client.lpos("l:p", "a", { count: 2, rank: -1 }), [
        4,
        2,
      ]);
      assert.deepEqual(
        await client.lpos("l:p", "a", { count: 0, maxlen: 3 }),
        [0, 2],
      );
      assert.deepEqual(await client.lpos("l:missing", "a", { count: 1 }), []);
      await rejectsWith(
        client.lpos("l:p", "a", { rank: 0 }),
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
      );
      await rejectsWith(
        client.lpos("l:p", "a", { count: -1 }),
        "ERR COUNT can't be negative",
      );
    });

    await t.step(
      "CacheMirClient.lmove() and rpoplpush(), same-key rotation",
      async () => {
        await client.rpush("l:src", "a", "b", "c");
        assert.equal(
          await client.lmove("l:src", "l:dst", "LEFT", "RIGHT"),
          "a",
        );
        assert.equal(await client.rpoplpush("l:src", "l:dst"), "c");
        assert.deepEqual(await client.lrange("l:dst", 0, -1), ["c", "a"]);
        assert.deepEqual(
          await client.lmoveBuffer("l:src", "l:dst", "RIGHT", "LEFT"),
          enc("b"),
        );
        assert.equal(await client.exists("l:src"), 0);
        assert.equal(
          await client.lmove("l:src", "l:dst", "LEFT", "LEFT"),
          null,
        );
        assert.equal(await client.rpoplpush("l:src", "l:dst"), null);
        assert.equal(await client.rpoplpushBuffer("l:src", "l:dst"), null);
        assert.equal(
          await client.lmoveBuffer("l:src", "l:dst", "LEFT", "LEFT"),
          null,
        );
        // One list: rotation.
        assert.equal(
          await client.lmove("l:dst", "l:dst", "LEFT", "RIGHT"),
          "b",
        );
        assert.deepEqual(await client.lrange("l:dst", 0, -1), ["c", "a", "b"]);
        assert.deepEqual(
          await client.rpoplpushBuffer("l:dst", "l:dst"),
          enc("b"),
        );
        assert.deepEqual(await client.lrange("l:dst", 0, -1), ["b", "c", "a"]);
      },
    );

    await t.step(
      "List commands are binary-safe, and big lists work",
      async () => {
        const all = new Uint8Array(256).map((_, i) => i);
        const odd = new Uint8Array([0xff, 0x00, 0xc3, 0x28]);
        assert.equal(await client.rpush(all, all, odd), 2);
        assert.deepEqual(await client.lrangeBuffer(all, 0, -1), [all, odd]);
        assert.equal(await client.lpos(all, odd), 1);
        assert.equal(await client.lrem(all, 1, all), 1);
        assert.deepEqual(await client.lpopBuffer(all), odd);
        const many = Array.from({ length: 20_000 }, (_, i) => `e${i}`);
        assert.equal(await client.rpush("l:big", many), 20_000);
        assert.equal(await client.lindex("l:big", -1), "e19999");
        assert.deepEqual(await client.lrange("l:big", 0, -1), many);
        assert.equal((await client.lpop("l:big", 19_999))!.length, 19_999);
        assert.deepEqual(await client.lrange("l:big", 0, -1), ["e19999"]);
      },
    );

    await t.step("List commands answer WRONGTYPE on other types", async () => {
      await client.set("l:str", "v");
      await client.sadd("l:set", "a");
      await client.rpush("l:ok", "a");
      for (const key of ["l:str", "l:set"]) {
        await rejectsWith(client.lpush(key, "a"), WRONGTYPE);
        await rejectsWith(client.rpop(key), WRONGTYPE);
        await rejectsWith(client.lrange(key, 0, -1), WRONGTYPE);
        await rejectsWith(client.lindex(key, 0), WRONGTYPE);
        await rejectsWith(client.lpos(key, "a"), WRONGTYPE);
        await rejectsWith(client.lmove("l:ok", key, "LEFT", "LEFT"), WRONGTYPE);
        await rejectsWith(client.rpoplpush(key, "l:ok"), WRONGTYPE);
      }
      assert.deepEqual(await client.lrange("l:ok", 0, -1), ["a"]);
    });
  }));
