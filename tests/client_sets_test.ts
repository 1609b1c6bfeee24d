// CacheMirClient's set commands against a real node process on 127.0.0.1.
import assert from "node:assert/strict";
import {
  enc,
  rejectsWith,
  withNodeClient,
  WRONGTYPE,
} from "./_helpers/node_client.ts";

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const sorted = (a: string[]): string[] => [...a].sort();

Deno.test("CacheMirClient set commands on a node process", (t) =>
  withNodeClient(async (client) => {
    await t.step(
      "CacheMirClient.sadd(), srem(), scard(), smembers()",
      async () => {
        assert.equal(await client.sadd("s:1", "a", "b", "a"), 2);
        assert.equal(await client.sadd("s:1", ["c", 4]), 2);
        assert.equal(await client.scard("s:1"), 4);
        assert.deepEqual(sorted(await client.smembers("s:1")), [
          "4",
          "a",
          "b",
          "c",
        ]);
        assert.deepEqual(
          (await client.smembersBuffer("s:1")).map(dec).sort(),
          ["4", "a", "b", "c"],
        );
        assert.equal(await client.srem("s:1", "4", "zz"), 1);
        assert.deepEqual(await client.smembers("s:missing"), []);
        assert.equal(await client.scard("s:missing"), 0);
        assert.equal(await client.type("s:1"), "set");
      },
    );

    await t.step("CacheMirClient.sismember(), smismember()", async () => {
      assert.equal(await client.sismember("s:1", "a"), 1);
      assert.equal(await client.sismember("s:1", "zz"), 0);
      assert.deepEqual(await client.smismember("s:1", "a", "zz", "c"), [
        1,
        0,
        1,
      ]);
      assert.deepEqual(await client.smismember("s:missing", ["a"]), [0]);
    });

    await t.step("CacheMirClient.spop() and srandmember() counts", async () => {
      const deck = Array.from({ length: 52 }, (_, i) => `card${i}`);
      await client.sadd("s:deck", deck);
      const one = await client.srandmember("s:deck");
      assert.ok(deck.includes(one!));
      assert.equal(new Set(await client.srandmember("s:deck", 10)).size, 10);
      assert.equal((await client.srandmember("s:deck", -100)).length, 100);
      assert.equal((await client.srandmember("s:deck", 100)).length, 52);
      assert.equal(await client.srandmember("s:missing"), null);
      assert.deepEqual(await client.srandmember("s:missing", 5), []);
      assert.equal(
        (await client.srandmemberBuffer("s:deck"))!.length > 0,
        true,
      );
      assert.equal((await client.srandmemberBuffer("s:deck", -3)).length, 3);
      const card = await client.spop("s:deck");
      assert.equal(await client.sismember("s:deck", card!), 0);
      const hand = await client.spop("s:deck", 5);
      assert.equal(new Set(hand).size, 5);
      assert.equal(await client.scard("s:deck"), 46);
      assert.deepEqual(await client.spop("s:deck", 0), []);
      const popped = await client.spopBuffer("s:deck", 40);
      assert.equal(popped.length, 40);
      assert.ok((await client.spopBuffer("s:deck")) instanceof Uint8Array);
      assert.equal((await client.spop("s:deck", 100)).length, 5);
      assert.equal(await client.exists("s:deck"), 0);
      assert.equal(await client.spop("s:deck"), null);
      assert.equal(await client.spopBuffer("s:deck"), null);
      assert.deepEqual(await client.spop("s:deck", 2), []);
      await rejectsWith(
        client.spop("s:1", -1),
        "ERR value is out of range, must be positive",
      );
    });

    await t.step("CacheMirClient.smove()", async () => {
      await client.sadd("s:from", "x", "y");
      assert.equal(await client.smove("s:from", "s:to", "x"), 1);
      assert.equal(await client.smove("s:from", "s:to", "zz"), 0);
      assert.equal(await client.smove("s:from", "s:from", "y"), 1);
      assert.equal(await client.smove("s:from", "s:to", "y"), 1);
      assert.equal(await client.exists("s:from"), 0);
      assert.deepEqual(sorted(await client.smembers("s:to")), ["x", "y"]);
    });

    await t.step(
      "CacheMirClient.sinter(), sunion(), sdiff() and STORE forms",
      async () => {
        await client.sadd("s:a", "1", "2", "3", "4");
        await client.sadd("s:b", "3", "4", "5");
        assert.deepEqual(sorted(await client.sinter("s:a", "s:b")), ["3", "4"]);
        assert.deepEqual(sorted(await client.sinter(["s:a", "s:missing"])), []);
        assert.deepEqual(sorted(await client.sunion("s:a", "s:b")), [
          "1",
          "2",
          "3",
          "4",
          "5",
        ]);
        assert.deepEqual(sorted(await client.sdiff("s:a", "s:b")), ["1", "2"]);
        assert.deepEqual(
          (await client.sinterBuffer("s:a", "s:b")).map(dec).sort(),
          ["3", "4"],
        );
        assert.equal((await client.sunionBuffer(["s:a", "s:b"])).length, 5);
        assert.equal((await client.sdiffBuffer("s:b", "s:a")).length, 1);
        await client.set("s:dst", "string");
        await client.expire("s:dst", 100);
        assert.equal(await client.sinterstore("s:dst", "s:a", "s:b"), 2);
        assert.equal(await client.ttl("s:dst"), -1);
        assert.equal(await client.sunionstore("s:dst", ["s:a", "s:b"]), 5);
        assert.equal(await client.sdiffstore("s:dst", "s:a", "s:b"), 2);
        assert.deepEqual(sorted(await client.smembers("s:dst")), ["1", "2"]);
        assert.equal(await client.sinterstore("s:dst", "s:a", "s:missing"), 0);
        assert.equal(await client.exists("s:dst"), 0);
      },
    );

    await t.step("CacheMirClient.sintercard() with a limit", async () => {
      assert.equal(await client.sintercard(["s:a", "s:b"]), 2);
      assert.equal(await client.sintercard(["s:a", "s:b"], { limit: 1 }), 1);
      assert.equal(await client.sintercard(["s:a"], { limit: 0 }), 4);
      assert.equal(await client.sintercard(["s:a", "s:missing"]), 0);
      await rejectsWith(
        client.sintercard([]),
        "ERR wrong number of arguments for 'sintercard' command",
      );
      await rejectsWith(
        client.sintercard(["s:a"], { limit: -1 }),
        "ERR LIMIT can't be negative",
      );
    });

    await t.step("CacheMirClient.sscan() and sscanIterator()", async () => {
      const members = Array.from({ length: 2000 }, (_, i) => `m${i}`);
      await client.sadd("s:big", members);
      const seen = new Set<string>();
      for await (const m of client.sscanIterator("s:big", { count: 100 })) {
        seen.add(m);
      }
      assert.equal(seen.size, 2000);
      const matched: string[] = [];
      for await (const m of client.sscanIterator("s:big", { match: "m19??" })) {
        matched.push(m);
      }
      assert.equal(new Set(matched).size, 100);
      const [cursor, small] = await client.sscan("s:a", 0, { count: 1 });
      assert.equal(cursor, "0");
      assert.deepEqual(sorted(small), ["1", "2", "3", "4"]);
      const [next, page] = await client.sscan("s:big", "0", { count: 10 });
      assert.notEqual(next, "0");
      assert.ok(page.length > 0);
      const [, bytes] = await client.sscanBuffer("s:a", "0", { match: "2" });
      assert.deepEqual(bytes, [enc("2")]);
      let n = 0;
      for await (const m of client.sscanBufferIterator("s:a")) {
        assert.ok(m instanceof Uint8Array);
        n++;
      }
      assert.equal(n, 4);
    });

    await t.step("Set commands are binary-safe", async () => {
      const all = new Uint8Array(256).map((_, i) => i);
      const odd = new Uint8Array([0xff, 0xfe, 0x00]);
      assert.equal(await client.sadd(all, all, odd, all), 2);
      assert.equal(await client.sismember(all, odd), 1);
      const got = await client.smembersBuffer(all);
      assert.equal(got.length, 2);
      assert.ok(got.some((m) => m.length === 256 && m[255] === 255));
      assert.equal(await client.smove(all, odd, odd), 1);
      assert.deepEqual(await client.smembersBuffer(odd), [odd]);
      assert.deepEqual(await client.spopBuffer(all), all);
      assert.equal(await client.exists(all), 0);
    });

    await t.step("Set commands answer WRONGTYPE on other types", async () => {
      await client.set("s:str", "v");
      await client.hset("s:hash", "f", "v");
      for (const key of ["s:str", "s:hash"]) {
        await rejectsWith(client.sadd(key, "a"), WRONGTYPE);
        await rejectsWith(client.smembers(key), WRONGTYPE);
        await rejectsWith(client.sismember(key, "a"), WRONGTYPE);
        await rejectsWith(client.spop(key, 1), WRONGTYPE);
        await rejectsWith(client.srandmember(key, -1), WRONGTYPE);
        await rejectsWith(client.sinter("s:a", key), WRONGTYPE);
        await rejectsWith(client.sunionstore("s:x", "s:a", key), WRONGTYPE);
        await rejectsWith(client.smove("s:a", key, "1"), WRONGTYPE);
        await rejectsWith(client.sintercard([key]), WRONGTYPE);
        await rejectsWith(client.sscan(key, 0), WRONGTYPE);
      }
      assert.equal(await client.exists("s:x"), 0);
      assert.equal(await client.scard("s:a"), 4);
    });
  }));
