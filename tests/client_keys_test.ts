// CacheMirClient's key commands, and expiry, against a real node process.
import assert from "node:assert/strict";
import { ReplyError } from "@cachemir/client";
import { enc, sleep, withNodeClient } from "./_helpers/node_client.ts";

Deno.test("CacheMirClient key commands on a node process", (t) =>
  withNodeClient(async (client) => {
    await t.step("CacheMirClient.del(), unlink(), exists()", async () => {
      await client.mset({ "k:a": "1", "k:b": "2", "k:c": "3", "k:d": "4" });
      assert.equal(await client.exists("k:a", "k:a", "k:missing"), 2);
      assert.equal(await client.exists(["k:a", "k:b"]), 2);
      assert.equal(await client.del("k:a", "k:missing"), 1);
      assert.equal(await client.del(["k:b"]), 1);
      assert.equal(await client.unlink("k:c", "k:d", "k:missing"), 2);
      assert.equal(await client.exists("k:a", "k:b", "k:c", "k:d"), 0);
    });

    await t.step("CacheMirClient.type()", async () => {
      await client.set("k:str", "v");
      assert.equal(await client.type("k:str"), "string");
      assert.equal(await client.type("k:missing"), "none");
    });

    await t.step(
      "CacheMirClient.expire() modes, ttl(), persist()",
      async () => {
        await client.set("k:e", "v");
        assert.equal(await client.ttl("k:e"), -1);
        assert.equal(await client.expire("k:e", 100, "NX"), 1);
        assert.equal(await client.expire("k:e", 200, "NX"), 0);
        assert.equal(await client.expire("k:e", 50, "GT"), 0);
        assert.equal(await client.expire("k:e", 200, "GT"), 1);
        assert.equal(await client.ttl("k:e"), 200);
        assert.equal(await client.expire("k:e", 300, "LT"), 0);
        assert.equal(await client.expire("k:e", 100, "LT"), 1);
        assert.equal(await client.persist("k:e"), 1);
        assert.equal(await client.persist("k:e"), 0);
        assert.equal(await client.expire("k:e", 100, "XX"), 0);
        assert.equal(await client.expire("k:e", 100, "GT"), 0);
        assert.equal(await client.ttl("k:e"), -1);
        assert.equal(await client.expire("k:missing", 10), 0);
        assert.equal(await client.ttl("k:missing"), -2);
        assert.equal(await client.pttl("k:missing"), -2);
        assert.equal(await client.expiretime("k:missing"), -2);
        assert.equal(await client.pexpiretime("k:missing"), -2);
        assert.equal(await client.expiretime("k:e"), -1);
        assert.equal(
          await client.expire("k:e", -1),
          1,
          "a past expiry deletes",
        );
        assert.equal(await client.exists("k:e"), 0);
        await assert.rejects(
          client.call("expire", "k:e", "abc"),
          (e: unknown) =>
            e instanceof ReplyError &&
            e.message === "ERR value is not an integer or out of range",
        );
      },
    );

    await t.step(
      "CacheMirClient.pexpire(), expireat(), pexpireat()",
      async () => {
        await client.set("k:p", "v");
        assert.equal(await client.pexpire("k:p", 100_000), 1);
        const pttl = await client.pttl("k:p");
        assert.ok(pttl > 99_000 && pttl <= 100_000, `pttl ${pttl}`);
        const at = Math.floor(Date.now() / 1000) + 1000;
        assert.equal(await client.expireat("k:p", at), 1);
        assert.equal(await client.expiretime("k:p"), at);
        assert.equal(await client.expireat("k:p", at + 10, "LT"), 0);
        assert.equal(await client.pexpireat("k:p", at * 1000 + 7, "GT"), 1);
        assert.equal(await client.pexpiretime("k:p"), at * 1000 + 7);
        assert.equal(await client.pexpire("k:p", 10, "XX"), 1);
        await sleep(50);
        assert.equal(await client.get("k:p"), null);
      },
    );

    await t.step("CacheMirClient.rename(), renamenx()", async () => {
      await client.set("k:r1", "v", { ex: 100 });
      assert.equal(await client.rename("k:r1", "k:r2"), "OK");
      assert.equal(await client.get("k:r1"), null);
      assert.equal(await client.get("k:r2"), "v");
      assert.equal(await client.ttl("k:r2"), 100, "RENAME keeps the TTL");
      await client.set("k:r3", "w");
      assert.equal(await client.renamenx("k:r2", "k:r3"), 0);
      assert.equal(await client.renamenx("k:r2", "k:r4"), 1);
      await assert.rejects(
        client.rename("k:missing", "k:x"),
        (e: unknown) =>
          e instanceof ReplyError && e.message === "ERR no such key",
      );
    });

    await t.step(
      "CacheMirClient.keys(), scan(), scanIterator(), randomkey(), dbsize()",
      async () => {
        assert.equal(await client.flushall(), "OK");
        assert.equal(await client.dbsize(), 0);
        assert.equal(await client.randomkey(), null);
        assert.equal(await client.randomkeyBuffer(), null);
        const names = Array.from({ length: 250 }, (_, i) => `user:${i}`);
        await client.mset(Object.fromEntries(names.map((n) => [n, "x"])));
        await client.mset({ "other:1": "y", "other:2": "y" });
        assert.equal(await client.dbsize(), 252);
        assert.deepEqual(
          (await client.keys("user:*")).sort(),
          [...names].sort(),
        );
        assert.deepEqual((await client.keys("other:?")).sort(), [
          "other:1",
          "other:2",
        ]);
        assert.deepEqual(
          await client.keysBuffer("other:[1]"),
          [enc("other:1")],
        );
        const [cursor, first] = await client.scan(0, { count: 10 });
        assert.equal(typeof cursor, "string");
        assert.ok(first.length > 0);
        const seen = new Set<string>();
        for await (
          const k of client.scanIterator({ match: "user:*", count: 20 })
        ) {
          seen.add(k);
        }
        assert.deepEqual([...seen].sort(), [...names].sort());
        const typed = new Set<string>();
        for await (
          const k of client.scanIterator({ type: "string", count: 1000 })
        ) {
          typed.add(k);
        }
        assert.equal(typed.size, 252);
        const raw: Uint8Array[] = [];
        for await (const k of client.scanBufferIterator({ match: "other:*" })) {
          raw.push(k);
        }
        assert.equal(raw.length, 2);
        const random = await client.randomkey();
        assert.ok(
          random !== null &&
            (names.includes(random) || random.startsWith("other:")),
        );
        assert.ok((await client.randomkeyBuffer()) instanceof Uint8Array);
        assert.equal(await client.flushdb(), "OK");
        assert.equal(await client.dbsize(), 0);
        await client.set("k:f", "v");
        assert.equal(await client.flushall("SYNC"), "OK");
        assert.equal(await client.dbsize(), 0);
      },
    );

    await t.step(
      "CacheMirClient.get() never returns an expired key (lazy expiry)",
      async () => {
        await client.set("k:lazy", "v", { px: 30 });
        await client.psetex("k:lazy2", 30, "v");
        assert.equal(await client.get("k:lazy"), "v");
        await sleep(60);
        assert.equal(await client.get("k:lazy"), null);
        assert.equal(await client.exists("k:lazy2"), 0);
        assert.equal(await client.ttl("k:lazy2"), -2);
        assert.deepEqual(await client.keys("k:lazy*"), []);
      },
    );

    await t.step(
      "CacheMirClient.dbsize() shows expired keys reclaimed in the background",
      async () => {
        await client.flushall();
        await client.mset(Object.fromEntries(
          Array.from({ length: 500 }, (_, i) => [`k:bg:${i}`, "v"]),
        ));
        await Promise.all(
          Array.from(
            { length: 500 },
            (_, i) => client.pexpire(`k:bg:${i}`, 20),
          ),
        );
        await client.set("k:stays", "v");
        // DBSIZE counts keys not yet reclaimed; no key is touched meanwhile.
        const deadline = Date.now() + 5000;
        let size = await client.dbsize();
        while (size > 1 && Date.now() < deadline) {
          await sleep(50);
          size = await client.dbsize();
        }
        assert.equal(size, 1, "every expired key was reclaimed without access");
      },
    );
  }));

Deno.test("CacheMirClient.dump() and restore() move a value over the binary protocol", () =>
  withNodeClient(async (client) => {
    const bytes = new Uint8Array(300).map((_, i) => i & 0xff);
    await client.set("k:bin", bytes);
    await client.hset("k:hash", { f: "v", g: "12" });
    const payload = await client.dump("k:bin");
    assert.ok(payload instanceof Uint8Array);
    assert.equal(await client.restore("k:bin2", 0, payload), "OK");
    assert.deepEqual(await client.getBuffer("k:bin2"), bytes);
    const hash = (await client.dump("k:hash"))!;
    await client.restore("k:hash", 60_000, hash, { replace: true });
    assert.deepEqual(await client.hgetall("k:hash"), { f: "v", g: "12" });
    assert.ok((await client.pttl("k:hash")) > 0);
    assert.equal(await client.dump("k:missing"), null);
    await assert.rejects(
      client.restore("k:bin2", 0, payload),
      (e: Error) =>
        e instanceof ReplyError &&
        e.message === "BUSYKEY Target key name already exists.",
    );
    await assert.rejects(
      client.restore("k:new", 0, "garbage"),
      /DUMP payload version or checksum are wrong/,
    );
  }));
