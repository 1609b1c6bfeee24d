/**
 * The deployment files, checked without Docker, systemd or a cluster (none
 * of which these machines have): every YAML document parses (the `yaml`
 * package), and the fields that must agree do — ports (flags, container
 * ports, Service ports, probes, EXPOSE, HEALTHCHECK), probe paths, labels
 * and selectors, the password's Secret and file, memory limits against
 * `--maxmemory`. Every node command line (the Dockerfile's ENTRYPOINT with
 * its ENV, the unit's ExecStart, the StatefulSet's args) is read by the
 * node's own parser (`loadConfig`, the settings table), then run for real
 * from the bundle on 127.0.0.1 with free ports: the probes and the
 * HEALTHCHECK command answer.
 */

import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { loadConfig, type LoadedConfig } from "../server/config.ts";
import { settingByName } from "../server/settings.ts";
import { parseDnsNodes } from "@cachemir/client/discovery";
import { bundle } from "../scripts/bundle.ts";
import { freePort, startNodeCommand } from "./_helpers/node_process.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DEPLOY = `${ROOT}deploy/`;
const K8S = `${DEPLOY}kubernetes/`;
const MIB = 1024 * 1024;

// ------------------------------------------------------------- readers

// deno-lint-ignore no-explicit-any
type Doc = any;

/** Every document of a YAML file; a parse error or warning fails. */
function readYaml(path: string): Doc[] {
  const docs = parseAllDocuments(Deno.readTextFileSync(path));
  assert.ok(Array.isArray(docs), `${path}: a YAML stream`);
  return docs.map((d, i) => {
    assert.deepEqual(d.errors, [], `${path} document ${i}: errors`);
    assert.deepEqual(d.warnings, [], `${path} document ${i}: warnings`);
    return d.toJS();
  });
}

function k8sObjects(): Doc[] {
  const out: Doc[] = [];
  for (const e of Deno.readDirSync(K8S)) {
    if (!e.name.endsWith(".yaml") || e.name === "kustomization.yaml") continue;
    for (const doc of readYaml(K8S + e.name)) {
      assert.ok(doc.apiVersion && doc.kind && doc.metadata?.name, e.name);
      out.push({ ...doc, file: e.name });
    }
  }
  return out;
}

function one(objects: Doc[], kind: string): Doc {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0];
}

interface Instruction {
  op: string;
  args: string;
}

/** A Dockerfile's instructions: continuation lines joined, comments dropped. */
function readDockerfile(path: string): Instruction[] {
  const lines = Deno.readTextFileSync(path).split("\n");
  const out: Instruction[] = [];
  let current = "";
  for (const line of lines) {
    if (current === "" && /^\s*(#|$)/.test(line)) continue;
    if (line.endsWith("\\")) {
      current += line.slice(0, -1) + " ";
      continue;
    }
    current += line;
    const m = current.trim().match(/^(\w+)\s+(.*)$/s);
    assert.ok(m, `a Dockerfile instruction: ${current}`);
    out.push({ op: m[1].toUpperCase(), args: m[2].trim() });
    current = "";
  }
  return out;
}

/** A systemd unit: section → key → values, in order. */
function readUnit(path: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let section: Map<string, string[]> | undefined;
  for (const raw of Deno.readTextFileSync(path).split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = line.match(/^\[(\w+)\]$/);
    if (header) {
      section = new Map();
      sections.set(header[1], section);
      continue;
    }
    const m = line.match(/^([A-Za-z]+)=(.*)$/);
    assert.ok(m && section, `a key=value line in a section: ${line}`);
    section.set(m[1], [...(section.get(m[1]) ?? []), m[2]]);
  }
  return sections;
}

/** A Kubernetes memory quantity (`1Gi`, `768Mi`, `1G`, bytes) in bytes. */
function k8sBytes(q: string | number): number {
  const m = String(q).match(/^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/);
  assert.ok(m, `a memory quantity: ${q}`);
  const unit: Record<string, number> = {
    "": 1,
    Ki: 1024,
    Mi: MIB,
    Gi: 1024 * MIB,
    Ti: 1024 * 1024 * MIB,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * unit[m[2] ?? ""];
}

/** A systemd size (`1280M`, `2G`: powers of 1024) in bytes. */
function systemdBytes(text: string): number {
  const m = text.match(/^(\d+)([KMGT])?$/);
  assert.ok(m, `a systemd size: ${text}`);
  return Number(m[1]) * 1024 ** " KMGT".indexOf(m[2] ?? " ");
}

/**
 * The room a process needs beside `--maxmemory` (README, "Memory limit":
 * fragmentation and V8's heap, about 10%, and Deno's runtime, about 64
 * MiB), and no more than a generous margin above it: the limit then
 * "matches" the flag.
 */
function assertMemoryMatches(maxmemory: number, limit: number, what: string) {
  const least = maxmemory * 1.1 + 96 * MIB;
  const most = maxmemory * 1.5 + 256 * MIB;
  assert.ok(
    limit >= least && limit <= most,
    `${what}: ${limit / MIB} MiB for --maxmemory ${maxmemory / MIB} MiB; ` +
      `expected ${Math.ceil(least / MIB)}..${Math.floor(most / MIB)} MiB`,
  );
}

/** Reads a node's command line (flags after the script) as the node does. */
function nodeConfig(
  flags: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): LoadedConfig {
  for (const f of flags) {
    if (f.startsWith("--")) {
      const name = f.slice(2).split("=")[0];
      assert.ok(
        settingByName(name) !== undefined || name === "help" ||
          name === "version",
        `--${name} is a setting of server/settings.ts`,
      );
    }
  }
  const loaded = loadConfig(flags, {
    env,
    readTextFile: (path) => {
      if (path in files) return files[path];
      throw new Error(`no such file in the test: ${path}`);
    },
  });
  assert.equal(typeof loaded, "object");
  return loaded as LoadedConfig;
}

/** The words of a command line (no quoting is used in these files). */
function words(line: string): string[] {
  return line.trim().split(/\s+/);
}

function startV8Flags(): string {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const m = (config.tasks.start as string).match(/--v8-flags=\S+/);
  assert.ok(m);
  return m[0];
}

/** The command of an exec-form instruction (`["a", "b"]`). */
function execForm(args: string): string[] {
  const list = JSON.parse(args);
  assert.ok(Array.isArray(list) && list.every((w) => typeof w === "string"));
  return list;
}

// ------------------------------------------------------------- Kubernetes

Deno.test("kubernetes: every file parses; kustomization lists files that exist", () => {
  const objects = k8sObjects();
  assert.deepEqual(
    objects.map((o) => o.kind).sort(),
    [
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
      "Service",
      "StatefulSet",
    ],
  );
  const [kustomization] = readYaml(`${K8S}kustomization.yaml`);
  assert.equal(kustomization.kind, "Kustomization");
  for (const file of kustomization.resources) {
    assert.ok(Deno.statSync(K8S + file).isFile, file);
  }
  assert.ok(
    !kustomization.resources.includes("hpa.yaml"),
    "the HPA is optional",
  );
});

Deno.test("kubernetes: labels, selectors, ports, probes, password, memory agree", () => {
  const objects = k8sObjects();
  const sts = one(objects, "StatefulSet");
  const svc = one(objects, "Service");
  const pdb = one(objects, "PodDisruptionBudget");
  const hpa = one(objects, "HorizontalPodAutoscaler");
  const pod = sts.spec.template;
  const labels: Record<string, string> = pod.metadata.labels;
  const selects = (selector: Record<string, string>, what: string) => {
    assert.ok(Object.keys(selector).length > 0, `${what} selects something`);
    for (const [k, v] of Object.entries(selector)) {
      assert.equal(labels[k], v, `${what}: pod label ${k}`);
    }
  };
  selects(sts.spec.selector.matchLabels, "StatefulSet selector");
  selects(svc.spec.selector, "Service selector");
  selects(pdb.spec.selector.matchLabels, "PodDisruptionBudget selector");

  // The headless Service: the StatefulSet's, and DNS lists only ready pods.
  assert.equal(sts.spec.serviceName, svc.metadata.name);
  assert.equal(svc.spec.clusterIP, "None");
  assert.equal(svc.spec.publishNotReadyAddresses, false);

  // The node's flags, read by the node's parser: the password file is the
  // Secret's item where the volume is mounted.
  assert.equal(pod.spec.containers.length, 1);
  const c = pod.spec.containers[0];
  const args: string[] = c.args.map(String);
  const mount = c.volumeMounts.find((m: Doc) => m.name === "password");
  const volume = pod.spec.volumes.find((v: Doc) => v.name === "password");
  assert.equal(mount.readOnly, true);
  const item = volume.secret.items[0];
  const passwordFile = `${mount.mountPath}/${item.path}`;
  const { config } = nodeConfig(args, {}, { [passwordFile]: "s3cret\n" });
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.requirepass, "s3cret");
  assert.equal(config.requirepassFile, passwordFile);
  assert.ok(config.httpPort > 0, "--http-port is set");
  // Without the password, protected mode refuses 0.0.0.0.
  assert.throws(
    () => loadConfig(withoutFlag(args, "--requirepass-file"), {}),
    /Refusing to listen on 0\.0\.0\.0/,
  );
  // The Secret the README and the manifest's comment tell you to create.
  const create = /kubectl create secret generic (\S+) --from-literal=(\w+)=/;
  const readme = Deno.readTextFileSync(`${ROOT}README.md`).match(create);
  const comment = Deno.readTextFileSync(`${K8S}statefulset.yaml`).match(create);
  for (const m of [readme, comment]) {
    assert.ok(m);
    assert.equal(m[1], volume.secret.secretName);
    assert.equal(m[2], item.key);
  }

  // Ports: flags = container ports = Service ports; probes on the HTTP port.
  const containerPort = (name: string): number =>
    c.ports.find((p: Doc) => p.name === name).containerPort;
  assert.equal(containerPort("binary"), config.port);
  assert.equal(containerPort("resp"), config.respPort);
  assert.equal(containerPort("http"), config.httpPort);
  assert.equal(c.ports.length, 3);
  for (const p of svc.spec.ports) {
    assert.equal(containerPort(p.targetPort), p.port, `Service port ${p.name}`);
    assert.equal(p.name, p.targetPort);
  }
  const probePort = (probe: Doc): number =>
    typeof probe.httpGet.port === "number"
      ? probe.httpGet.port
      : containerPort(probe.httpGet.port);
  assert.equal(c.livenessProbe.httpGet.path, "/healthz");
  assert.equal(c.readinessProbe.httpGet.path, "/readyz");
  assert.equal(probePort(c.livenessProbe), config.httpPort);
  assert.equal(probePort(c.readinessProbe), config.httpPort);
  const annotations = pod.metadata.annotations;
  assert.equal(Number(annotations["prometheus.io/port"]), config.httpPort);
  assert.ok(
    sts.spec.template.spec.terminationGracePeriodSeconds >
      config.shutdownTimeout,
    "Kubernetes waits longer than the node drains",
  );

  // Memory: Guaranteed (requests = limits), and the limit fits --maxmemory.
  assert.equal(typeof config.maxmemory, "number");
  const limit = k8sBytes(c.resources.limits.memory);
  assert.equal(k8sBytes(c.resources.requests.memory), limit);
  assertMemoryMatches(config.maxmemory as number, limit, "limits.memory");

  // Non-root, no privilege escalation, read-only root with Deno's cache on an emptyDir.
  assert.equal(pod.spec.securityContext.runAsNonRoot, true);
  assert.notEqual(pod.spec.securityContext.runAsUser, 0);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.ok(c.volumeMounts.some((m: Doc) => m.mountPath === "/deno-dir"));

  // The HPA scales this StatefulSet on CPU, which has a request.
  assert.deepEqual(hpa.spec.scaleTargetRef, {
    apiVersion: sts.apiVersion,
    kind: "StatefulSet",
    name: sts.metadata.name,
  });
  assert.equal(hpa.spec.metrics[0].resource.name, "cpu");
  assert.ok(c.resources.requests.cpu);
  assert.ok(
    hpa.spec.minReplicas >= 1 && hpa.spec.maxReplicas > hpa.spec.minReplicas,
  );
});

Deno.test("kubernetes: the client example discovers the headless Service's nodes", async () => {
  const { NODES } = await import("../deploy/kubernetes/client.ts");
  const svc = one(k8sObjects(), "Service");
  const spec = parseDnsNodes(NODES);
  assert.ok(spec);
  assert.equal(
    spec.hostname,
    `${svc.metadata.name}.${
      Deno.env.get("POD_NAMESPACE") ?? "default"
    }.svc.cluster.local`,
  );
  assert.equal(
    spec.port,
    svc.spec.ports.find((p: Doc) => p.name === "binary").port,
  );
  const text = Deno.readTextFileSync(`${K8S}client.ts`);
  assert.match(
    text,
    /dns:cachemir-headless\.\$\{namespace\}\.svc\.cluster\.local:7379/,
  );
});

// ------------------------------------------------------------- Dockerfile

interface DockerImage {
  from: string[];
  final: Instruction[];
  env: Record<string, string>;
  entrypoint: string[];
  expose: number[];
  healthcheck: string[];
}

function dockerImage(): DockerImage {
  const all = readDockerfile(`${DEPLOY}Dockerfile`);
  const from = all.filter((i) => i.op === "FROM").map((i) => i.args);
  const last = all.findLastIndex((i) => i.op === "FROM");
  const final = all.slice(last);
  const env: Record<string, string> = {};
  for (const i of final.filter((i) => i.op === "ENV")) {
    for (const m of i.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]] = m[2];
  }
  const entrypoint = execForm(final.find((i) => i.op === "ENTRYPOINT")!.args);
  const cmd = final.find((i) => i.op === "CMD");
  const expose = final.filter((i) => i.op === "EXPOSE").flatMap((i) =>
    words(i.args).map(Number)
  );
  const hc = final.find((i) => i.op === "HEALTHCHECK")!.args;
  const hcCmd = hc.match(/\bCMD\s+(\[.*\])$/);
  assert.ok(hcCmd, "HEALTHCHECK ... CMD [exec form]");
  return {
    from,
    final,
    env,
    entrypoint: [...entrypoint, ...(cmd ? execForm(cmd.args) : [])],
    expose,
    healthcheck: execForm(hcCmd[1]),
  };
}

Deno.test("Dockerfile: multi-stage from denoland/deno, non-root, EXPOSE and HEALTHCHECK match the flags", () => {
  const image = dockerImage();
  assert.ok(image.from.length >= 2, "multi-stage");
  for (const f of image.from) {
    assert.match(
      f,
      new RegExp(
        `^denoland/deno:${Deno.version.deno.replaceAll(".", "\\.")}\\b`,
      ),
    );
  }
  const user = image.final.findLast((i) => i.op === "USER")?.args;
  assert.ok(
    user !== undefined && user !== "root" && user !== "0",
    "USER is not root",
  );

  const script = image.entrypoint.findIndex((w) => w.endsWith(".js"));
  assert.ok(script > 0);
  assert.deepEqual(image.entrypoint.slice(0, 2), ["deno", "run"]);
  assert.ok(
    image.entrypoint.includes(startV8Flags()),
    "deno task start's V8 flags",
  );
  const copy = image.final.find((i) =>
    i.op === "COPY" && i.args.startsWith("--from=")
  );
  assert.ok(copy);
  assert.ok(
    copy.args.endsWith(` ${image.entrypoint[script]}`),
    "the bundle is copied where it runs",
  );
  assert.match(copy.args, /\/dist\/cachemir-server\.js /);

  const flags = image.entrypoint.slice(script + 1);
  for (const name of Object.keys(image.env)) {
    assert.ok(name.startsWith("CACHEMIR_"));
  }
  const { config } = nodeConfig(flags, {
    ...image.env,
    CACHEMIR_REQUIREPASS: "pw",
  });
  assert.throws(
    () => loadConfig(flags, { env: image.env }),
    /Refusing to listen on 0\.0\.0\.0/,
  );
  assert.deepEqual(
    image.expose.sort((a, b) => a - b),
    [config.port, config.respPort, config.httpPort].sort((a, b) => a - b),
  );
  const url = image.healthcheck.join(" ").match(
    /http:\/\/127\.0\.0\.1:(\d+)(\/\w+)/,
  );
  assert.ok(url);
  assert.equal(Number(url[1]), config.httpPort);
  assert.equal(url[2], "/healthz");
});

// ------------------------------------------------------------- systemd

function unitExecStart(): {
  unit: Map<string, Map<string, string[]>>;
  exec: string[];
} {
  const unit = readUnit(`${DEPLOY}cachemir.service`);
  const service = unit.get("Service")!;
  const exec = service.get("ExecStart");
  assert.equal(exec?.length, 1);
  return { unit, exec: words(exec[0]) };
}

Deno.test("cachemir.service: restart, memory, hardening, flags", () => {
  const { unit, exec } = unitExecStart();
  assert.ok(unit.has("Unit") && unit.has("Install"));
  const service = unit.get("Service")!;
  const get = (key: string): string | undefined => service.get(key)?.at(-1);
  assert.equal(get("Restart"), "on-failure");
  assert.match(exec[0], /\/deno$/);
  assert.equal(exec[1], "run");
  assert.ok(exec.includes(startV8Flags()));
  const script = exec.findIndex((w) => w.endsWith(".js"));
  const { config } = nodeConfig(exec.slice(script + 1));
  assert.equal(typeof config.maxmemory, "number");
  assertMemoryMatches(
    config.maxmemory as number,
    systemdBytes(get("MemoryMax")!),
    "MemoryMax",
  );
  const hardening: Record<string, string> = {
    NoNewPrivileges: "yes",
    ProtectSystem: "strict",
    ProtectHome: "yes",
    PrivateTmp: "yes",
    PrivateDevices: "yes",
    ProtectKernelTunables: "yes",
    ProtectKernelModules: "yes",
    ProtectControlGroups: "yes",
    RestrictSUIDSGID: "yes",
    LockPersonality: "yes",
    CapabilityBoundingSet: "",
  };
  for (const [key, value] of Object.entries(hardening)) {
    assert.equal(get(key), value, key);
  }
  // V8 compiles code at run time: memory that is written, then executed.
  assert.equal(get("MemoryDenyWriteExecute"), undefined);
  assert.ok(Number(get("TimeoutStopSec")) > config.shutdownTimeout);
});

// ------------------------------------------------------------- run them

interface Started {
  ports: ReadonlyMap<string, number>;
  stop(): Promise<number>;
}

/** Runs a node command line and waits for its binary, RESP and HTTP lines. */
async function run(
  cmd: string[],
  env: Record<string, string>,
): Promise<Started> {
  const node = await startNodeCommand(cmd, {
    env,
    timeoutMs: 60_000,
    listeners: ["binary", "RESP", "HTTP"],
  });
  return {
    ports: node.ports,
    stop: async () => (await node.stop()).code,
  };
}

/** A command line without a flag and its value. */
function withoutFlag(cmd: string[], flag: string): string[] {
  const at = cmd.indexOf(flag);
  assert.ok(at >= 0, `${flag} is there`);
  return [...cmd.slice(0, at), ...cmd.slice(at + 2)];
}

/** Replaces the values of flags in a command line. */
function withFlags(cmd: string[], values: Record<string, string>): string[] {
  const out = [...cmd];
  for (const [flag, value] of Object.entries(values)) {
    const at = out.indexOf(flag);
    if (at >= 0) out[at + 1] = value;
    else out.push(flag, value);
  }
  return out;
}

async function status(url: string): Promise<number> {
  const res = await fetch(url);
  await res.body?.cancel();
  return res.status;
}

Deno.test({
  name: "each command line runs from the bundle: Dockerfile, unit, StatefulSet",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "cachemir-deploy-" });
    try {
      const [server] = await bundle(dir);
      const deno = Deno.execPath();
      const local = () => ({
        "--port": String(freePort()),
        "--resp-port": String(freePort()),
        "--http-port": String(freePort()),
      });

      // The Dockerfile's ENTRYPOINT with its ENV (and a password, which it
      // asks for), on loopback; then its HEALTHCHECK command.
      const image = dockerImage();
      const script = image.entrypoint.findIndex((w) => w.endsWith(".js"));
      const ports = local();
      const docker = await run(
        [
          deno,
          ...image.entrypoint.slice(1, script),
          server,
          ...image.entrypoint.slice(script + 1),
        ],
        {
          ...image.env,
          CACHEMIR_HOST: "127.0.0.1",
          CACHEMIR_PORT: ports["--port"],
          CACHEMIR_RESP_PORT: ports["--resp-port"],
          CACHEMIR_HTTP_PORT: ports["--http-port"],
          CACHEMIR_REQUIREPASS: "pw",
          CACHEMIR_MAXMEMORY: "64mb",
        },
      );
      const check = image.healthcheck.map((w) =>
        w.replace(
          `127.0.0.1:${image.env.CACHEMIR_HTTP_PORT}/`,
          `127.0.0.1:${docker.ports.get("HTTP")}/`,
        )
      );
      assert.notDeepEqual(
        check,
        image.healthcheck,
        "the HEALTHCHECK's port is the node's",
      );
      const hc = await new Deno.Command(check[0] === "deno" ? deno : check[0], {
        args: check.slice(1),
        stdout: "null",
        stderr: "piped",
        signal: AbortSignal.timeout(30_000),
      }).output();
      assert.equal(hc.code, 0, new TextDecoder().decode(hc.stderr));
      assert.equal(await docker.stop(), 0);

      // The unit's ExecStart (its permissions, not -A).
      const { exec } = unitExecStart();
      const at = exec.findIndex((w) => w.endsWith(".js"));
      const unit = await run(
        withFlags([deno, ...exec.slice(1, at), server, ...exec.slice(at + 1)], {
          ...local(),
          "--maxmemory": "64mb",
        }),
        {},
      );
      assert.equal(
        await status(`http://127.0.0.1:${unit.ports.get("HTTP")}/healthz`),
        200,
      );
      assert.equal(await unit.stop(), 0);

      // The StatefulSet's args, on the image's ENTRYPOINT, with the Secret's file.
      const sts = one(k8sObjects(), "StatefulSet");
      const c = sts.spec.template.spec.containers[0];
      const args: string[] = c.args.map(String);
      const passwordAt = args.indexOf("--requirepass-file") + 1;
      await Deno.writeTextFile(`${dir}/password`, "s3cret\n");
      const pod = await run(
        [
          deno,
          ...image.entrypoint.slice(1, script),
          server,
          ...withFlags(args, {
            ...local(),
            "--host": "127.0.0.1",
            "--maxmemory": "64mb",
            "--requirepass-file": `${dir}/password`,
          }),
        ],
        {},
      );
      assert.ok(passwordAt > 0);
      const http = `http://127.0.0.1:${pod.ports.get("HTTP")}`;
      assert.equal(await status(http + c.livenessProbe.httpGet.path), 200);
      assert.equal(await status(http + c.readinessProbe.httpGet.path), 200);
      assert.equal(
        await status(http + "/metrics"),
        401,
        "metrics need the password",
      );
      assert.equal(await pod.stop(), 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// ------------------------------------------------------------- release

Deno.test("release.yml: test first, then JSR with provenance and npm; its tasks exist", () => {
  const [workflow] = readYaml(`${ROOT}.github/workflows/release.yml`);
  const tasks = new Set(
    Object.keys(JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks),
  );
  const jobs = workflow.jobs;
  assert.deepEqual(workflow.permissions, { contents: "read" });
  const runs = (job: Doc): string =>
    job.steps.map((s: Doc) => s.run ?? "").join("\n");
  assert.match(runs(jobs.test), /deno task test/);
  assert.match(runs(jobs.test), /deno install --frozen/);
  for (const name of ["publish-jsr", "publish-npm"]) {
    const job = jobs[name];
    assert.deepEqual([job.needs].flat(), ["test"], `${name} needs the tests`);
    assert.equal(job.permissions["id-token"], "write", `${name}: provenance`);
  }
  assert.match(runs(jobs["publish-jsr"]), /^deno publish$/m);
  assert.match(runs(jobs["publish-npm"]), /deno task build:npm/);
  assert.match(runs(jobs["publish-npm"]), /npm publish --provenance/);
  const used = (text: string) =>
    [...text.matchAll(/deno task ([\w:-]+)/g)].map((m) => m[1]);
  const readme = Deno.readTextFileSync(`${ROOT}README.md`);
  const development = readme.slice(readme.indexOf("## Development"));
  const inReadme = used(development.slice(0, development.indexOf("\n### ")));
  for (
    const task of [
      ...used(Deno.readTextFileSync(`${ROOT}.github/workflows/release.yml`)),
      ...inReadme,
    ]
  ) {
    assert.ok(
      tasks.has(task),
      `deno task ${task} exists`,
    );
  }
  for (const task of tasks) {
    assert.ok(
      inReadme.includes(task),
      `the README's Development section lists deno task ${task}`,
    );
  }
});
