/**
 * TLS on a real node process: `--tls-cert` and `--tls-key` serve the binary
 * port (the client's `tls` option), the RESP port (`redis-cli --tls`) and
 * the HTTP port (HTTPS); `--tls-ca` requires client certificates. The
 * certificates are made with openssl at test time. Clients have 30 s
 * timeouts: a failure that should come at once and does not shows as a
 * test taking 30 s.
 */

import assert from "node:assert/strict";
import {
  CacheMirClient,
  type CacheMirClientOptions,
  ConnectionError,
  ProtocolError,
} from "@cachemir/client";
import { CacheNode } from "../server/node.ts";
import { setupLogging } from "../server/log.ts";
import { makeTestCerts, type TestCerts } from "./_helpers/certs.ts";
import {
  freePort,
  type NodeProcess,
  startNodeProcess,
} from "./_helpers/node_process.ts";
import { run } from "./_helpers/run.ts";

setupLogging("error");

/** A node process with TLS on its three ports (ports found free, retried when taken). */
async function startTlsNode(
  certs: TestCerts,
  extra: string[] = [],
): Promise<{ node: NodeProcess; httpPort: number }> {
  for (let attempt = 1;; attempt++) {
    const httpPort = freePort();
    try {
      const node = await startNodeProcess([
        "--resp-port",
        String(freePort()),
        "--http-port",
        String(httpPort),
        "--tls-cert",
        certs.serverCertFile,
        "--tls-key",
        certs.serverKeyFile,
        ...extra,
      ]);
      return { node, httpPort };
    } catch (e) {
      if (attempt >= 5 || !/AddrInUse|in use/i.test(String(e))) throw e;
    }
  }
}

function client(
  address: string,
  options: Partial<CacheMirClientOptions> = {},
): CacheMirClient {
  return new CacheMirClient({
    nodes: [address],
    connectTimeoutMs: 30_000,
    commandTimeoutMs: 30_000,
    retry: { attempts: 1 },
    ...options,
  });
}

/** What GET rejects with on a client made with `options`. */
async function getError(
  address: string,
  options: Partial<CacheMirClientOptions>,
): Promise<unknown> {
  const c = client(address, options);
  try {
    return await c.get("k").then(() => undefined, (e) => e);
  } finally {
    await c.close();
  }
}

/** `error` or the first of its causes that is a `type`. */
function find<T>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  let p: unknown = error;
  while (p instanceof Error && !(p instanceof type)) p = p.cause;
  return p instanceof type ? p : undefined;
}

async function redisCli(
  args: string[],
): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await run("redis-cli", args, {
    timeoutMs: 30_000,
  });
  return { code, out: stdout + stderr };
}

Deno.test("a node with --tls-cert serves the client, redis-cli and HTTPS over TLS", async (t) => {
  const certs = await makeTestCerts();
  const { node, httpPort } = await startTlsNode(certs);
  try {
    await t.step("the client round-trips with tls.caCerts", async () => {
      const c = client(node.address, { tls: { caCerts: [certs.ca] } });
      try {
        await c.set("greeting", "hello over TLS");
        assert.equal(await c.get("greeting"), "hello over TLS");
        assert.equal(await c.incr("n"), 1);
        assert.deepEqual(await c.mget("greeting", "nope"), [
          "hello over TLS",
          null,
        ]);
        const big = "x".repeat(200_000);
        await c.set("big", big);
        assert.equal(await c.get("big"), big);
      } finally {
        await c.close();
      }
    });

    await t.step("tls.hostname names the certificate's host", async () => {
      const c = client(node.address, {
        tls: { caCerts: [certs.ca], hostname: "localhost" },
      });
      try {
        assert.equal(await c.get("greeting"), "hello over TLS");
      } finally {
        await c.close();
      }
      const wrong = await getError(node.address, {
        tls: { caCerts: [certs.ca], hostname: "cache.example" },
      });
      assert.ok(wrong instanceof ConnectionError, String(wrong));
      assert.match(
        wrong.message,
        /^Cannot connect to 127\.0\.0\.1:\d+: TLS handshake failed: .*(NotValidForName|not valid for)/i,
      );
    });

    await t.step(
      "a certificate the client does not trust fails the handshake",
      async () => {
        const e = await getError(node.address, {
          tls: { caCerts: [certs.otherCa] },
        });
        assert.ok(e instanceof ConnectionError, String(e));
        assert.match(
          e.message,
          /^Cannot connect to 127\.0\.0\.1:\d+: TLS handshake failed: invalid peer certificate: UnknownIssuer/,
        );
      },
    );

    await t.step(
      "a plaintext client gets a ProtocolError naming TLS",
      async () => {
        const e = await getError(node.address, {});
        const p = find(e, ProtocolError);
        assert.ok(p, String(e));
        assert.match(
          p.message,
          /^127\.0\.0\.1:\d+ is not a CacheMir node \(it answered "\\x15\\x03\\x03[^"]*"\): that is TLS; a node started with --tls-cert needs the client's tls option$/,
        );
      },
    );

    await t.step(
      "redis-cli --tls --cacert works on the RESP port",
      async () => {
        const p = String(node.respPort);
        const tls = ["--tls", "--cacert", certs.caFile, "-p", p];
        assert.deepEqual(
          await redisCli([...tls, "SET", "r", "via redis-cli"]),
          {
            code: 0,
            out: "OK\n",
          },
        );
        assert.deepEqual(await redisCli([...tls, "GET", "r"]), {
          code: 0,
          out: "via redis-cli\n",
        });
        assert.deepEqual(await redisCli([...tls, "GET", "greeting"]), {
          code: 0,
          out: "hello over TLS\n",
        });
        // Without --tls, redis-cli reads the TLS alert as a reply and says so.
        const plain = await redisCli(["-p", p, "PING"]);
        assert.match(plain.out, /Protocol error/);
      },
    );

    await t.step("/healthz answers over HTTPS", async () => {
      const http = Deno.createHttpClient({ caCerts: [certs.ca] });
      try {
        for (const host of ["127.0.0.1", "localhost"]) {
          const r = await fetch(`https://${host}:${httpPort}/healthz`, {
            client: http,
            signal: AbortSignal.timeout(30_000),
          });
          assert.equal(r.status, 200);
          assert.equal(await r.text(), "ok\n");
        }
      } finally {
        http.close();
      }
    });
  } finally {
    const status = await node.stop();
    await certs.remove();
    assert.equal(status.code, 0, node.log());
  }
});

Deno.test("a TLS client against a node without TLS says the node may not serve it", async () => {
  const certs = await makeTestCerts();
  const node = new CacheNode({ port: 0, logLevel: "error" });
  await node.start();
  try {
    const e = await getError(node.address, { tls: { caCerts: [certs.ca] } });
    assert.ok(e instanceof ConnectionError, String(e));
    assert.match(
      e.message,
      /^Cannot connect to 127\.0\.0\.1:\d+: TLS handshake failed: .* \(is the node serving TLS\? it needs --tls-cert\)$/,
    );
  } finally {
    await node.close();
    await certs.remove();
  }
});

Deno.test("a node with --tls-ca serves only clients with a certificate its CA signed", async (t) => {
  const certs = await makeTestCerts();
  const { node } = await startTlsNode(certs, ["--tls-ca", certs.caFile]);
  try {
    await t.step(
      "the client with tls.cert and tls.key round-trips",
      async () => {
        const c = client(node.address, {
          tls: {
            caCerts: [certs.ca],
            cert: certs.clientCert,
            key: certs.clientKey,
          },
        });
        try {
          await c.set("m", "mutual");
          assert.equal(await c.get("m"), "mutual");
          // More than a socket buffer each way: writes wait for drain.
          const big = "y".repeat(3_000_000);
          await c.set("big", big);
          assert.equal(await c.get("big"), big);
          const values = Array.from({ length: 500 }, (_, i) => `v${i}`);
          await Promise.all(values.map((v, i) => c.set(`k${i}`, v)));
          assert.deepEqual(
            await c.mget(...values.map((_, i) => `k${i}`)),
            values,
          );
        } finally {
          await c.close();
        }
      },
    );

    await t.step("a client without a certificate is refused", async () => {
      const e = await getError(node.address, { tls: { caCerts: [certs.ca] } });
      assert.ok(e instanceof ConnectionError, String(e));
      assert.match(
        e.message,
        /^Cannot connect to 127\.0\.0\.1:\d+: HELLO failed: .* \(a node started with --tls-ca requires a client certificate: give tls\.cert and tls\.key\)$/,
      );
    });

    await t.step("redis-cli needs --cert and --key", async () => {
      const tls = [
        "--tls",
        "--cacert",
        certs.caFile,
        "-p",
        String(node.respPort),
      ];
      assert.deepEqual(
        await redisCli([
          ...tls,
          "--cert",
          certs.clientCertFile,
          "--key",
          certs.clientKeyFile,
          "GET",
          "m",
        ]),
        { code: 0, out: "mutual\n" },
      );
      const refused = await redisCli([...tls, "GET", "m"]);
      assert.doesNotMatch(refused.out, /mutual/);
      assert.notEqual(refused.code, 0);
    });
  } finally {
    const status = await node.stop();
    await certs.remove();
    assert.equal(status.code, 0, node.log());
  }
});

Deno.test("a node refuses to start with half a TLS configuration, naming the flag", async () => {
  const certs = await makeTestCerts();
  try {
    const cases: [Partial<CacheNode["config"]>, RegExp][] = [
      [
        { tlsCert: certs.serverCertFile },
        /^Cannot serve TLS: --tls-cert is set but --tls-key is not$/,
      ],
      [
        { tlsKey: certs.serverKeyFile },
        /^Cannot serve TLS: --tls-key is set but --tls-cert is not$/,
      ],
      [
        { tlsCa: certs.caFile },
        /^Cannot serve TLS: --tls-ca is set but --tls-cert and --tls-key are not$/,
      ],
      [
        { tlsKey: certs.serverKeyFile, tlsCa: certs.caFile },
        /^Cannot serve TLS: --tls-key and --tls-ca are set but --tls-cert is not$/,
      ],
      [
        { tlsCert: `${certs.dir}/missing.crt`, tlsKey: certs.serverKeyFile },
        /^Cannot read --tls-cert .*missing\.crt: No such file/,
      ],
      [
        { tlsCert: certs.serverKeyFile, tlsKey: certs.serverKeyFile },
        /^Cannot listen on 127\.0\.0\.1:0 \(--port\): /,
      ],
    ];
    for (const [config, message] of cases) {
      const node = new CacheNode({ port: 0, logLevel: "error", ...config });
      await assert.rejects(node.start(), { message });
    }
  } finally {
    await certs.remove();
  }
});

Deno.test("the client's health checks speak TLS: a TLS node that comes back is up again", async () => {
  const certs = await makeTestCerts();
  const tlsConfig = {
    logLevel: "error" as const,
    tlsCert: certs.serverCertFile,
    tlsKey: certs.serverKeyFile,
  };
  let node = new CacheNode({ port: 0, ...tlsConfig });
  await node.start();
  const port = node.port;
  const c = client(node.address, {
    tls: { caCerts: [certs.ca] },
    failureThreshold: 1,
    healthCheckIntervalMs: 50,
    onNodeDown: "fail",
  });
  const seen = (type: string): Promise<void> =>
    new Promise((resolve) =>
      c.addEventListener(type, () => resolve(), { once: true })
    );
  try {
    await c.set("k", "before");
    const down = seen("nodeDown");
    await node.close();
    await c.get("k").catch(() => {});
    await down;
    const up = seen("nodeUp");
    node = new CacheNode({ port, ...tlsConfig });
    await node.start();
    // A health check that cannot speak TLS never brings the node back.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      up,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("the node was not up again within 30 s")),
          30_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    assert.equal(await c.get("k"), null, "a new node: empty");
    await c.set("k", "after");
    assert.equal(await c.get("k"), "after");
  } finally {
    await c.close();
    await node.close();
    await certs.remove();
  }
});
