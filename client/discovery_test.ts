import assert from "node:assert/strict";
import { parseDnsNodes, resolveNodes, type Resolver } from "./discovery.ts";

Deno.test("parseDnsNodes() reads dns:name:port and ignores other specs", () => {
  assert.deepEqual(parseDnsNodes("dns:cache.internal:7380"), {
    hostname: "cache.internal",
    port: 7380,
  });
  assert.deepEqual(parseDnsNodes("dns:cache"), {
    hostname: "cache",
    port: 7379,
  });
  assert.equal(parseDnsNodes("127.0.0.1:7379"), undefined);
  assert.throws(
    () => parseDnsNodes("dns::7379"),
    /Invalid node spec "dns::7379": expected dns:<host name>:<port>/,
  );
  assert.throws(
    () => parseDnsNodes("dns:cache:0"),
    /Invalid node spec "dns:cache:0": port "0" is not an integer in 1..65535/,
  );
  assert.throws(() => parseDnsNodes("dns:a:b:7379"), TypeError);
});

Deno.test("resolveNodes() merges A and AAAA answers, sorted and unique", async () => {
  const asked: string[] = [];
  const resolver: Resolver = (name, type) => {
    asked.push(`${name}/${type}`);
    return Promise.resolve(
      type === "A" ? ["10.0.0.2", "10.0.0.1", "10.0.0.2"] : ["fd00::1"],
    );
  };
  assert.deepEqual(
    await resolveNodes({ hostname: "cache", port: 7400 }, resolver),
    ["10.0.0.1:7400", "10.0.0.2:7400", "[fd00::1]:7400"],
  );
  assert.deepEqual(asked.sort(), ["cache/A", "cache/AAAA"]);
});

Deno.test("resolveNodes() accepts one record type failing, not both", async () => {
  const v4only: Resolver = (_name, type) =>
    type === "A"
      ? Promise.resolve(["10.0.0.1"])
      : Promise.reject(new Error("no record found"));
  assert.deepEqual(
    await resolveNodes({ hostname: "cache", port: 7379 }, v4only),
    ["10.0.0.1:7379"],
  );
  const none: Resolver = () => Promise.reject(new Error("NXDOMAIN"));
  await assert.rejects(
    resolveNodes({ hostname: "gone", port: 7379 }, none),
    /Cannot discover nodes from dns:gone:7379: NXDOMAIN/,
  );
  const empty: Resolver = () => Promise.resolve([]);
  await assert.rejects(
    resolveNodes({ hostname: "empty", port: 7379 }, empty),
    /Cannot discover nodes from dns:empty:7379: the name has no A or AAAA records/,
  );
});

Deno.test("resolveNodes() uses Deno.resolveDns by default", async () => {
  // No DNS server here: the lookup fails, but through Deno.resolveDns,
  // with its error wrapped.
  const result = await resolveNodes({
    hostname: "cachemir-test.invalid",
    port: 7379,
  }).then(
    (addresses) => addresses,
    (e: Error) => e,
  );
  if (result instanceof Error) {
    assert.match(
      result.message,
      /^Cannot discover nodes from dns:cachemir-test\.invalid:7379: /,
    );
  } else {
    assert.ok(result.length > 0);
  }
});
