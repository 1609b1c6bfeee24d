/**
 * Lookup cost of {@linkcode HashRing} and {@linkcode JumpHash}, how evenly
 * they spread keys, and how the ring scales: build time, add/remove time,
 * lookup ns, largest share of the hash space / mean (exact, from
 * {@linkcode HashRing.shares}) and the space one more node takes, at 10, 100,
 * 1,000 and 5,000 nodes.
 *
 * ```sh
 * deno bench client/ring_bench.ts                 # all of the above
 * deno bench client/ring_bench.ts -- --survey     # also: 200 random address sets
 * ```
 *
 * @module
 */

import { keyHash } from "./hash.ts";
import { JumpHash } from "./jump.ts";
import type { NodeLocator } from "./locator.ts";
import { HashRing } from "./ring.ts";
import { ELEVENTH, makeKeys, millionKeys, NODES, prng } from "./_test_utils.ts";

const KEYS = makeKeys(4096, 1);
const BYTE_KEYS = KEYS.map((key) => new TextEncoder().encode(key));
const MASK = KEYS.length - 1;

const ring1 = new HashRing({ nodes: NODES, probes: 1 });
const ring2 = new HashRing({ nodes: NODES, probes: 2 });
const ring3 = new HashRing({ nodes: NODES, probes: 3 });
const ring = new HashRing({ nodes: NODES });
const jump = new JumpHash({ nodes: NODES });
const jumpWithHole = new JumpHash({ nodes: NODES });
jumpWithHole.remove(NODES[3]);

let sink = 0;
let n = 0;

Deno.bench("keyHash() 16-byte string", { group: "hash" }, () => {
  sink ^= keyHash(KEYS[n++ & MASK]);
});
Deno.bench("keyHash() 16-byte Uint8Array", { group: "hash" }, () => {
  sink ^= keyHash(BYTE_KEYS[n++ & MASK]);
});
Deno.bench("HashRing.nodeFor() probes 1, 10 × 160 points", {
  group: "lookup",
}, () => {
  sink ^= ring1.nodeFor(KEYS[n++ & MASK]).length;
});
Deno.bench("HashRing.nodeFor() probes 2, 10 × 160 points", {
  group: "lookup",
}, () => {
  sink ^= ring2.nodeFor(KEYS[n++ & MASK]).length;
});
Deno.bench("HashRing.nodeFor() probes 3, 10 × 160 points", {
  group: "lookup",
}, () => {
  sink ^= ring3.nodeFor(KEYS[n++ & MASK]).length;
});
Deno.bench("HashRing.nodeFor() probes 16 (default), 10 × 160 points", {
  group: "lookup",
  baseline: true,
}, () => {
  sink ^= ring.nodeFor(KEYS[n++ & MASK]).length;
});
Deno.bench("HashRing.nodeFor() probes 16, Uint8Array key", {
  group: "lookup",
}, () => {
  sink ^= ring.nodeFor(BYTE_KEYS[n++ & MASK]).length;
});
Deno.bench("JumpHash.nodeFor() 10 nodes", { group: "lookup" }, () => {
  sink ^= jump.nodeFor(KEYS[n++ & MASK]).length;
});
Deno.bench("JumpHash.nodeFor() 10 slots, 1 empty", { group: "lookup" }, () => {
  sink ^= jumpWithHole.nodeFor(KEYS[n++ & MASK]).length;
});
Deno.bench(
  "HashRing.find() owner down (1 of 10)",
  { group: "failover" },
  () => {
    sink ^= ring.find(KEYS[n++ & MASK], (node) => node !== NODES[3])!.length;
  },
);
Deno.bench(
  "JumpHash.find() owner down (1 of 10)",
  { group: "failover" },
  () => {
    sink ^= jump.find(KEYS[n++ & MASK], (node) => node !== NODES[3])!.length;
  },
);
Deno.bench("HashRing.successors() 2 nodes", { group: "failover" }, () => {
  sink ^= ring.successors(KEYS[n++ & MASK], 2).length;
});
Deno.bench("JumpHash.successors() 2 nodes", { group: "failover" }, () => {
  sink ^= jump.successors(KEYS[n++ & MASK], 2).length;
});
Deno.bench("HashRing.add() + remove() 11th node, each applied by a lookup", {
  group: "membership",
}, () => {
  ring.add(ELEVENTH);
  sink ^= ring.nodeFor("k").length;
  ring.remove(ELEVENTH);
  sink ^= ring.nodeFor("k").length;
});

/** `n` node addresses, `10.0.0.0:7379`, `10.0.0.1:7379`, … */
function fleet(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `10.0.${i >> 8}.${i & 255}:7379`,
  );
}

/** A ring of `nodes` added one by one (as the client does), applied by a lookup. */
function build(nodes: readonly string[], options = {}): HashRing {
  const built = new HashRing(options);
  for (const node of nodes) built.add(node);
  built.nodeFor("k");
  return built;
}

const SIZES = [10, 100, 1000, 5000];
const EXTRA = "10.255.255.255:7379";
for (const size of SIZES) {
  const nodes = fleet(size);
  const sized = build(nodes);
  const group = `${size} nodes`;
  Deno.bench(`HashRing build: add() ${size} nodes + first lookup`, {
    group,
    n: size >= 1000 ? 20 : undefined,
    warmup: size >= 1000 ? 5 : undefined,
  }, () => {
    sink ^= build(nodes).size;
  });
  Deno.bench(`HashRing.add() at ${size} nodes, applied by a lookup`, {
    group,
  }, (b) => {
    b.start();
    sized.add(EXTRA);
    sink ^= sized.nodeFor("k").length;
    b.end();
    sized.remove(EXTRA);
    sink ^= sized.nodeFor("k").length;
  });
  Deno.bench(`HashRing.remove() at ${size} nodes, applied by a lookup`, {
    group,
  }, (b) => {
    sized.add(EXTRA);
    sink ^= sized.nodeFor("k").length;
    b.start();
    sized.remove(EXTRA);
    sink ^= sized.nodeFor("k").length;
    b.end();
  });
  Deno.bench(`HashRing.nodeFor() at ${size} nodes`, { group }, () => {
    sink ^= sized.nodeFor(KEYS[n++ & MASK]).length;
  });
}

/** Milliseconds `fn` takes, the least of `runs` runs. */
function bestMs(fn: () => void, runs: number): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Per ring size: build, add and remove times (best of a few runs; the
 * `Deno.bench` rows time them properly), the largest share of the hash space
 * over the mean, and the share one more node takes (all of it from the
 * others: no old node's share grows) against 1.1/(n+1).
 */
function scaling(
  sizes: readonly number[],
  options: { pointsPerNode?: number; probes?: number },
): string[] {
  const rows: string[] = [];
  for (const size of sizes) {
    const nodes = fleet(size);
    const buildMs = bestMs(() => build(nodes, options), 3);
    const grown = build(nodes, options);
    const before = grown.shares();
    const largest = Math.max(...before.values()) * size;
    let addMs = Infinity;
    let removeMs = Infinity;
    for (let r = 0; r < 5; r++) {
      addMs = Math.min(
        addMs,
        bestMs(() => {
          grown.add(EXTRA);
          grown.nodeFor("k");
        }, 1),
      );
      removeMs = Math.min(
        removeMs,
        bestMs(() => {
          grown.remove(EXTRA);
          grown.nodeFor("k");
        }, 1),
      );
    }
    grown.add(EXTRA);
    const after = grown.shares();
    const moved = after.get(EXTRA)!;
    const onlyToNew = [...before].every(([node, share]) =>
      after.get(node)! <= share + 1e-12
    );
    rows.push(
      `${String(size).padStart(5)} nodes  build ${
        buildMs.toFixed(1).padStart(6)
      } ms  add ${addMs.toFixed(2)} ms  remove ${
        removeMs.toFixed(2)
      } ms  largest share ${largest.toFixed(4)}× mean  ` +
        `node ${size + 1} takes ${
          (moved * (size + 1)).toFixed(4)
        }/(n+1) of the space (bound 1.1), only from others: ${onlyToNew}`,
    );
  }
  return rows;
}

function scalingReport(): void {
  console.log(
    `\nHashRing defaults (160 points, 16 probes), nodes 10.0.x.y:7379, shares exact (HashRing.shares()):\n${
      scaling(SIZES, {}).join("\n")
    }\n`,
  );
  console.log(
    `Alternatives at 1,000 nodes (what 16 probes were chosen over):\n${
      ([
        ["160 points, 1 probe ", { probes: 1 }],
        ["160 points, 3 probes", { probes: 3 }],
        ["160 points, 8 probes", { probes: 8 }],
        ["1280 points, 1 probe", { pointsPerNode: 1280, probes: 1 }],
        ["5120 points, 1 probe", { pointsPerNode: 5120, probes: 1 }],
      ] as const).map(([name, options]) =>
        `${name}: ${scaling([1000], options)[0]}`
      )
        .join("\n")
    }\n`,
  );
}

/** Keys per node, in the order of `nodes`. */
function counts(
  locator: NodeLocator,
  nodes: readonly string[],
  keys: readonly string[],
): number[] {
  const index = new Map(nodes.map((node, i) => [node, i]));
  const out = new Array<number>(nodes.length).fill(0);
  for (const key of keys) out[index.get(locator.nodeFor(key))!]++;
  return out;
}

function maxOverMean(perNode: number[], keys: number): number {
  return Math.max(...perNode) / (keys / perNode.length);
}

/** Share of keys that moved when `added` joined, and whether all moved to it. */
function moved(
  before: NodeLocator,
  after: NodeLocator,
  added: string,
  keys: readonly string[],
): { share: number; allToNew: boolean } {
  let count = 0;
  let allToNew = true;
  for (const key of keys) {
    const was = before.nodeFor(key);
    const now = after.nodeFor(key);
    if (was !== now) {
      count++;
      if (now !== added) allToNew = false;
    }
  }
  return { share: count / keys.length, allToNew };
}

function report(): void {
  const keys = millionKeys();
  const eleven = [...NODES, ELEVENTH];
  const rows: string[] = [];
  for (
    const [name, make] of [
      [
        "ring probes 1",
        (nodes: readonly string[]) => new HashRing({ nodes, probes: 1 }),
      ],
      [
        "ring probes 2",
        (nodes: readonly string[]) => new HashRing({ nodes, probes: 2 }),
      ],
      [
        "ring probes 3",
        (nodes: readonly string[]) => new HashRing({ nodes, probes: 3 }),
      ],
      [
        "ring probes 16 (default)",
        (nodes: readonly string[]) => new HashRing({ nodes }),
      ],
      ["jump", (nodes: readonly string[]) => new JumpHash({ nodes })],
    ] as const
  ) {
    const start = performance.now();
    const ten = make(NODES);
    const spread = maxOverMean(counts(ten, NODES, keys), keys.length);
    const move = moved(ten, make(eleven), eleven[10], keys);
    const ms = (performance.now() - start) / (2 * keys.length) * 1e6;
    rows.push(
      `${name.padEnd(24)} max/mean ${spread.toFixed(4)}  11th node moves ${
        (move.share * 100).toFixed(2)
      }% (bound ${(100 / 11 + 1).toFixed(2)}%) all to it: ${move.allToNew}` +
        `  (~${ms.toFixed(0)} ns/lookup incl. loop)`,
    );
  }
  console.log(
    `\n1,000,000 keys (16 bytes), nodes 127.0.0.1:7379..7388 (+ :7389), 160 points per node:\n${
      rows.join("\n")
    }\n`,
  );
}

function survey(): void {
  const next = prng(7);
  const keys = makeKeys(200_000, 43);
  const sets = 200;
  for (const probes of [1, 2, 3]) {
    let over = 0;
    let worst = 0;
    let sum = 0;
    let moveOver = 0;
    for (let s = 0; s < sets; s++) {
      const nodes = Array.from(
        { length: 11 },
        () =>
          `10.${next() % 256}.${next() % 256}.${next() % 256}:${
            1024 + next() % 60000
          }`,
      );
      const ten = new HashRing({ nodes: nodes.slice(0, 10), probes });
      const spread = maxOverMean(
        counts(ten, nodes.slice(0, 10), keys),
        keys.length,
      );
      sum += spread;
      worst = Math.max(worst, spread);
      if (spread > 1.15) over++;
      const move = moved(ten, new HashRing({ nodes, probes }), nodes[10], keys);
      if (move.share > 1 / 11 + 0.01 || !move.allToNew) moveOver++;
    }
    console.log(
      `probes ${probes}: ${sets} random sets of 10 addresses, 200,000 keys: ` +
        `mean max/mean ${(sum / sets).toFixed(3)}, worst ${
          worst.toFixed(3)
        }, over 1.15: ${over}, 11th node over 1/11+1%: ${moveOver}`,
    );
  }
}

report();
scalingReport();
if (Deno.args.includes("--survey")) survey();
globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink); // keep results alive
});
