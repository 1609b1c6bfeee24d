// CacheMirClient's blocking list commands against a real node process on
// 127.0.0.1, over the binary protocol: each waits on a connection of its
// own, so commands sent meanwhile are answered at once.
import assert from "node:assert/strict";
import {
  rejectsWith,
  withNodeClient,
  WRONGTYPE,
} from "./_helpers/node_client.ts";

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

Deno.test("CacheMirClient blocking list commands on a node process", (t) =>
  withNodeClient(async (client) => {
    await t.step("blpop() waits while other commands go on", async () => {
      const waiting = client.blpop(["b:q1", "b:q2"], 0);
      // Sent after the BLPOP, answered before it is served.
      assert.equal(await client.ping(), "PONG");
      assert.equal(await client.set("b:k", "v"), "OK");
      assert.equal(await client.get("b:k"), "v");
      assert.equal(await client.rpush("b:q2", "a", "b"), 2);
      assert.deepEqual(await waiting, ["b:q2", "a"]);
      assert.deepEqual(await client.lrange("b:q2", 0, -1), ["b"]);
    });

    await t.step("brpop(), brpopBuffer(), timeouts resolve null", async () => {
      assert.deepEqual(await client.brpop("b:q2", 1), ["b:q2", "b"]);
      assert.equal(await client.brpop("b:none", 0.05), null);
      assert.equal(await client.blpop(["b:none"], 0.05), null);
      await client.rpush("b:bin", "x");
      const got = await client.brpopBuffer("b:bin", 1);
      assert.ok(got !== null);
      assert.equal(got[0], "b:bin");
      assert.equal(dec(got[1]), "x");
    });

    await t.step("blmove(), brpoplpush() wait for the source", async () => {
      const moved = client.blmove("{b}src", "{b}dst", "LEFT", "RIGHT", 0);
      const popped = client.blpop("{b}dst", 0);
      await client.rpush("{b}src", "v");
      assert.equal(await moved, "v");
      assert.deepEqual(await popped, ["{b}dst", "v"]);
      assert.equal(await client.brpoplpush("{b}src", "{b}dst", 0.05), null);
      await client.rpush("{b}src", "w");
      assert.equal(await client.brpoplpush("{b}src", "{b}dst", 1), "w");
      assert.equal(
        await client.blmove("{b}none", "{b}dst", "LEFT", "LEFT", 0.05),
        null,
      );
    });

    await t.step("lmpop(), blmpop()", async () => {
      await client.rpush("{m}b", "1", "2", "3");
      assert.deepEqual(
        await client.lmpop(["{m}a", "{m}b"], "LEFT", { count: 2 }),
        ["{m}b", ["1", "2"]],
      );
      assert.equal(await client.lmpop("{m}a", "LEFT"), null);
      assert.deepEqual(await client.blmpop(1, ["{m}a", "{m}b"], "RIGHT"), [
        "{m}b",
        ["3"],
      ]);
      const waiting = client.blmpop(0, ["{m}a", "{m}b"], "LEFT", {
        count: 5,
      });
      await client.rpush("{m}a", "x", "y");
      assert.deepEqual(await waiting, ["{m}a", ["x", "y"]]);
      assert.equal(await client.blmpop(0.05, "{m}a", "LEFT"), null);
    });

    await t.step("errors: WRONGTYPE, a negative timeout", async () => {
      await client.set("b:str", "v");
      await rejectsWith(client.blpop("b:str", 0), WRONGTYPE);
      await rejectsWith(
        client.blpop("b:q", -1),
        "ERR timeout is negative",
      );
    });
  }));
