/**
 * Test certificates made with `openssl` at test time, in a temporary
 * directory: a CA, a server certificate for `localhost` and `127.0.0.1`
 * (subject alternative names) signed by it, a client certificate signed by
 * it, and a second CA that signed nothing here.
 *
 * @module
 */

/** Paths and PEM texts of the test certificates. */
export interface TestCerts {
  /** The directory holding them; removed by `remove()`. */
  readonly dir: string;
  /** The CA's certificate: its path and PEM text. */
  readonly caFile: string;
  readonly ca: string;
  /** The server's certificate and key (PEM files). */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A client certificate and key signed by the CA (PEM texts and files). */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Another CA's certificate (PEM text): trusting only it fails the handshake. */
  readonly otherCa: string;
  /** Deletes the directory. */
  remove(): Promise<void>;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  if (!out.success) {
    throw new Error(
      `openssl ${args.join(" ")} failed:\n${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
}

/** Makes a CA (`name`.crt, `name`.key). */
async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-subj",
    `/CN=CacheMir test ${name}`,
  ]);
}

/** Makes `name`.crt and `name`.key signed by ca.crt, with the extensions in `ext`. */
async function makeLeaf(
  dir: string,
  name: string,
  cn: string,
  ext: string,
): Promise<void> {
  await openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${cn}`,
  ]);
  await Deno.writeTextFile(`${dir}/${name}.ext`, ext);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ]);
}

/**
 * Makes the certificates.
 *
 * @returns Their paths and texts.
 * @throws {Error} When openssl fails.
 */
export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await Deno.makeTempDir({ prefix: "cachemir-tls-" });
  try {
    await makeCa(dir, "ca");
    await makeCa(dir, "other");
    await makeLeaf(
      dir,
      "server",
      "localhost",
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    );
    await makeLeaf(dir, "client", "client", "extendedKeyUsage=clientAuth\n");
  } catch (e) {
    await Deno.remove(dir, { recursive: true });
    throw e;
  }
  const read = (name: string): Promise<string> =>
    Deno.readTextFile(`${dir}/${name}`);
  return {
    dir,
    caFile: `${dir}/ca.crt`,
    ca: await read("ca.crt"),
    serverCertFile: `${dir}/server.crt`,
    serverKeyFile: `${dir}/server.key`,
    clientCertFile: `${dir}/client.crt`,
    clientKeyFile: `${dir}/client.key`,
    clientCert: await read("client.crt"),
    clientKey: await read("client.key"),
    otherCa: await read("other.crt"),
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}
