import assert from "node:assert/strict";
import { fmix32, keyHash, murmurHash3String } from "./hash.ts";
import { DEFAULT_POINTS_PER_NODE, DEFAULT_PROBES, HashRing } from "./ring.ts";
import { ELEVENTH, makeKeys, millionKeys, NODES } from "./_test_utils.ts";

/**
 * The ring computed the slow, obvious way: every point of every node, sorted
 * by position then address; per probe the first point at or after it
 * (wrapping), by linear scan; the closest of those to its probe.
 */
function bruteForceRing(
  nodes: readonly string[],
  options: { pointsPerNode?: number; probes?: number } = {},
): (key: string) => string {
  const perNode = options.pointsPerNode ?? 160;
  const probes = options.probes ?? 3;
  const points: { at: number; node: string }[] = [];
  for (const node of nodes) {
    for (let i = 0; i < perNode; i++) {
      points.push({ at: murmurHash3String(`${node}-${i}`), node });
    }
  }
  points.sort((a, b) => a.at - b.at || (a.node < b.node ? -1 : 1));
  return (key) => {
    const h = keyHash(key);
    let best = "";
    let bestGap = Infinity;
    for (let j = 0; j < probes; j++) {
      const at = j === 0 ? h : fmix32(h ^ Math.imul(j, 0x9e3779b9));
      const next = points.find((p) => p.at >= at) ?? points[0];
      const gap = (next.at - at + 2 ** 32) % 2 ** 32;
      if (gap < bestGap) {
        bestGap = gap;
        best = next.node;
      }
    }
    return best;
  };
}

/** The index in `nodes` of each key's owner. */
function owners(
  ring: HashRing,
  nodes: readonly string[],
  keys: readonly string[],
): Uint8Array {
  const index = new Map(nodes.map((node, i) => [node, i]));
  const out = new Uint8Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    out[i] = index.get(ring.nodeFor(keys[i]))!;
  }
  return out;
}

Deno.test("HashRing.nodeFor() matches a brute-force ring", () => {
  const keys = makeKeys(3000, 1);
  for (const probes of [1, 2, 3]) {
    const ring = new HashRing({ nodes: NODES.slice(0, 4), probes });
    const expected = bruteForceRing(NODES.slice(0, 4), { probes });
    for (const key of keys) {
      assert.equal(
        ring.nodeFor(key),
        expected(key),
        `${key}, probes ${probes}`,
      );
    }
  }
});

Deno.test("HashRing.nodeFor() wraps round past the last point", () => {
  // Two points in all: most keys fall after the last one on some probe.
  const nodes = ["a:1", "b:1"];
  const keys = makeKeys(2000, 2);
  for (const probes of [1, 3]) {
    const ring = new HashRing({ nodes, pointsPerNode: 1, probes });
    const expected = bruteForceRing(nodes, { pointsPerNode: 1, probes });
    for (const key of keys) assert.equal(ring.nodeFor(key), expected(key));
  }
});

Deno.test("HashRing maps keys the same whatever order nodes are added in", () => {
  const keys = makeKeys(20_000, 3);
  const forward = new HashRing({ nodes: NODES });
  const backward = new HashRing();
  for (const node of [...NODES].reverse()) backward.add(node);
  const shuffled = new HashRing({ nodes: [ELEVENTH, ...NODES] });
  shuffled.remove(ELEVENTH);
  for (const key of keys) {
    assert.equal(backward.nodeFor(key), forward.nodeFor(key));
    assert.equal(shuffled.nodeFor(key), forward.nodeFor(key));
  }
});

Deno.test("HashRing.nodeFor() maps a string and its UTF-8 bytes alike", () => {
  const ring = new HashRing({ nodes: NODES });
  const utf8 = new TextEncoder();
  for (const key of [...makeKeys(2000, 4), "ключ", "{é}1", "😀", ""]) {
    assert.equal(ring.nodeFor(utf8.encode(key)), ring.nodeFor(key));
  }
});

Deno.test("HashRing.nodeFor() puts keys with the same hash tag together", () => {
  const ring = new HashRing({ nodes: NODES });
  assert.equal(ring.nodeFor("{user:1}:a"), ring.nodeFor("{user:1}:b"));
  const tags = makeKeys(1000, 5);
  const seenNodes = new Set<string>();
  for (const tag of tags) {
    const owner = ring.nodeFor(tag);
    seenNodes.add(owner);
    for (const suffix of ["name", "cart", "session", ""]) {
      assert.equal(ring.nodeFor(`{${tag}}:${suffix}`), owner);
      assert.equal(ring.nodeFor(`x{${tag}}${suffix}`), owner);
    }
  }
  assert.equal(seenNodes.size, NODES.length); // tags still spread
});

Deno.test("HashRing spreads 1,000,000 keys over 10 nodes within 1.15× the mean", () => {
  const keys = millionKeys();
  const ring = new HashRing({ nodes: NODES });
  assert.equal(ring.pointsPerNode, 160);
  const perNode = new Array(NODES.length).fill(0);
  for (const owner of owners(ring, NODES, keys)) perNode[owner]++;
  const mean = keys.length / NODES.length;
  assert.ok(
    Math.max(...perNode) <= 1.15 * mean,
    `busiest node holds ${Math.max(...perNode) / mean}× the mean`,
  );
  assert.ok(Math.min(...perNode) >= 0.85 * mean);
});

Deno.test("HashRing.add() of an 11th node moves at most 1/11 + 1% of keys, all to it", () => {
  const keys = millionKeys();
  const ring = new HashRing({ nodes: NODES });
  const before = owners(ring, NODES, keys);
  ring.add(ELEVENTH);
  const after = owners(ring, [...NODES, ELEVENTH], keys);
  let moved = 0;
  for (let i = 0; i < keys.length; i++) {
    if (before[i] !== after[i]) {
      moved++;
      assert.equal(after[i], NODES.length, `key ${keys[i]} moved elsewhere`);
    }
  }
  assert.ok(
    moved <= (1 / 11 + 0.01) * keys.length,
    `${moved / keys.length} of keys moved`,
  );
  assert.ok(moved >= (1 / 11 - 0.02) * keys.length);
});

Deno.test("HashRing.remove() moves only the removed node's keys, to its successor", () => {
  const keys = millionKeys().slice(0, 200_000);
  const ring = new HashRing({ nodes: NODES });
  const gone = NODES[4];
  const before = keys.map((key) => ring.successors(key, 2));
  ring.remove(gone);
  const gained = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    const [owner, next] = before[i];
    const now = ring.nodeFor(keys[i]);
    if (owner === gone) {
      assert.equal(now, next);
      gained.set(now, (gained.get(now) ?? 0) + 1);
    } else {
      assert.equal(now, owner);
    }
  }
  // The orphaned keys spread over all the other nodes.
  assert.equal(gained.size, NODES.length - 1);
});

Deno.test("HashRing keeps its consistency properties with one probe", () => {
  const keys = makeKeys(100_000, 6);
  const ring = new HashRing({ nodes: NODES, probes: 1 });
  const before = owners(ring, NODES, keys);
  ring.add(ELEVENTH);
  const after = owners(ring, [...NODES, ELEVENTH], keys);
  for (let i = 0; i < keys.length; i++) {
    if (before[i] !== after[i]) assert.equal(after[i], NODES.length);
  }
  ring.remove(ELEVENTH);
  assert.deepEqual(owners(ring, NODES, keys), before);
});

Deno.test("HashRing.add() with weight 2 gives a node about twice the keys", () => {
  const keys = makeKeys(200_000, 7);
  const nodes = NODES.slice(0, 5);
  const ring = new HashRing({ nodes: nodes.slice(1) });
  ring.add(nodes[0], 2);
  assert.equal(ring.weightOf(nodes[0]), 2);
  const perNode = new Array(nodes.length).fill(0);
  for (const owner of owners(ring, nodes, keys)) perNode[owner]++;
  const others = (keys.length - perNode[0]) / 4;
  const ratio = perNode[0] / others;
  assert.ok(ratio > 1.7 && ratio < 2.3, `weight 2 got ${ratio}× the others`);
});

Deno.test("HashRing.add() of a present node changes only its weight's keys", () => {
  const keys = makeKeys(50_000, 8);
  const ring = new HashRing({ nodes: NODES });
  const before = keys.map((key) => ring.nodeFor(key));
  ring.add(NODES[0]); // same weight: nothing changes
  assert.deepEqual(keys.map((key) => ring.nodeFor(key)), before);
  ring.add(NODES[0], 1.5); // more points: keys only move to it
  const raised = keys.map((key) => ring.nodeFor(key));
  let moved = 0;
  for (let i = 0; i < keys.length; i++) {
    if (raised[i] !== before[i]) {
      moved++;
      assert.equal(raised[i], NODES[0]);
    }
  }
  assert.ok(moved > 0);
  ring.add(NODES[0], 1); // back: exactly as before
  assert.deepEqual(keys.map((key) => ring.nodeFor(key)), before);
  assert.equal(ring.size, NODES.length);
  assert.deepEqual(ring.nodes(), NODES);
});

Deno.test("HashRing.successors() lists distinct nodes, the owner first", () => {
  const ring = new HashRing({ nodes: NODES });
  for (const key of makeKeys(2000, 9)) {
    const all = ring.successors(key, 100);
    assert.equal(all.length, NODES.length);
    assert.deepEqual([...all].sort(), [...NODES].sort());
    assert.equal(all[0], ring.nodeFor(key));
    assert.deepEqual(ring.successors(key, 3), all.slice(0, 3));
  }
  assert.deepEqual(ring.successors("k", 0), []);
  assert.deepEqual(ring.successors("k", -1), []);
  assert.deepEqual(ring.successors("k", NaN), []);
  assert.deepEqual(new HashRing().successors("k", 2), []);
});

Deno.test("HashRing.successors() gives the owner after each removal in turn", () => {
  const keys = makeKeys(100, 10);
  for (const probes of [1, 3]) {
    const full = new HashRing({ nodes: NODES, probes });
    for (const key of keys) {
      const order = full.successors(key, NODES.length);
      const ring = new HashRing({ nodes: NODES, probes });
      for (let i = 0; i < order.length; i++) {
        assert.equal(ring.nodeFor(key), order[i]);
        ring.remove(order[i]);
      }
    }
  }
});

Deno.test("HashRing.find() returns the first accepted node in preference order", () => {
  const ring = new HashRing({ nodes: NODES });
  const down = new Set([NODES[1], NODES[6]]);
  for (const key of makeKeys(2000, 11)) {
    const calls: string[] = [];
    const found = ring.find(key, (node) => {
      calls.push(node);
      return !down.has(node);
    });
    const expected = ring.successors(key, NODES.length).find((node) =>
      !down.has(node)
    );
    assert.equal(found, expected);
    assert.equal(new Set(calls).size, calls.length); // once per node
  }
  // Down nodes' keys go where remove() would send them.
  const removed = new HashRing({ nodes: NODES.filter((n) => !down.has(n)) });
  for (const key of makeKeys(2000, 12)) {
    assert.equal(
      ring.find(key, (node) => !down.has(node)),
      removed.nodeFor(key),
    );
  }
  let calls = 0;
  assert.equal(
    ring.find("k", () => {
      calls++;
      return false;
    }),
    undefined,
  );
  assert.equal(calls, NODES.length);
  assert.equal(new HashRing().find("k", () => true), undefined);
});

Deno.test("HashRing handles more nodes than fit in an int mask", () => {
  const nodes = Array.from({ length: 40 }, (_, i) => `10.0.0.${i}:7379`);
  const ring = new HashRing({ nodes, pointsPerNode: 40 });
  for (const key of makeKeys(200, 13)) {
    const all = ring.successors(key, 40);
    assert.equal(new Set(all).size, 40);
    assert.equal(all[0], ring.nodeFor(key));
    assert.equal(ring.find(key, (node) => node !== all[0]), all[1]);
    assert.equal(ring.find(key, (node) => node === all[39]), all[39]);
  }
});

Deno.test("HashRing.nodeFor() throws on an empty ring", () => {
  const ring = new HashRing({ nodes: ["a:1"] });
  assert.equal(ring.nodeFor("k"), "a:1");
  assert.equal(ring.remove("a:1"), true);
  assert.equal(ring.remove("a:1"), false);
  assert.throws(() => ring.nodeFor("k"), {
    name: "RangeError",
    message: "Cannot locate key: the ring has no nodes",
  });
  ring.add("b:1");
  assert.equal(ring.nodeFor("k"), "b:1");
});

Deno.test("HashRing reports its nodes and settings", () => {
  const ring = new HashRing({ nodes: ["b:1", "a:1"] });
  assert.equal(ring.pointsPerNode, DEFAULT_POINTS_PER_NODE);
  assert.equal(ring.probes, DEFAULT_PROBES);
  assert.equal(ring.size, 2);
  assert.deepEqual(ring.nodes(), ["b:1", "a:1"]);
  assert.equal(ring.has("a:1"), true);
  assert.equal(ring.has("c:1"), false);
  assert.equal(ring.weightOf("a:1"), 1);
  assert.equal(ring.weightOf("c:1"), undefined);
  ring.add("a:1", 0.5);
  assert.equal(ring.weightOf("a:1"), 0.5);
});

Deno.test("HashRing rejects bad options, addresses and weights", () => {
  for (const pointsPerNode of [0, 1.5, 65537, NaN]) {
    assert.throws(() => new HashRing({ pointsPerNode }), {
      name: "RangeError",
      message:
        `Cannot make ring: pointsPerNode must be an integer from 1 to 65536, got ${pointsPerNode}`,
    });
  }
  for (const probes of [0, 65, 2.5]) {
    assert.throws(() => new HashRing({ probes }), {
      name: "RangeError",
      message:
        `Cannot make ring: probes must be an integer from 1 to 64, got ${probes}`,
    });
  }
  const ring = new HashRing();
  assert.throws(() => ring.add(""), {
    name: "TypeError",
    message: 'Cannot add node: address must be a non-empty string, got ""',
  });
  assert.throws(() => ring.add(7 as unknown as string), {
    name: "TypeError",
    message: "Cannot add node: address must be a non-empty string, got number",
  });
  for (const weight of [0, -1, NaN, Infinity]) {
    assert.throws(() => ring.add("a:1", weight), {
      name: "RangeError",
      message:
        `Cannot add node a:1: weight must be a positive finite number, got ${weight}`,
    });
  }
  assert.throws(() => ring.add("a:1", 1000), {
    name: "RangeError",
    message:
      "Cannot add node a:1: weight 1000 gives 160000 points, more than 65536",
  });
  assert.equal(ring.size, 0);
});

/** `n` node addresses, `10.0.0.0:7379`, `10.0.0.1:7379`, … (as in RING.md and the bench). */
function fleet(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `10.0.${i >> 8}.${i & 255}:7379`,
  );
}

Deno.test("HashRing places points at murmurHash3String(`${node}-${i}`) for any address", () => {
  // Addresses of every length mod 4, non-ASCII, and indexes of 1 to 4 digits.
  const nodes = ["a:1", "ab:12", "abc:123", "host-é:7379", "😀:1", "x"];
  const keys = makeKeys(3000, 14);
  const ring = new HashRing({ nodes, pointsPerNode: 1200, probes: 1 });
  const expected = bruteForceRing(nodes, { pointsPerNode: 1200, probes: 1 });
  for (const key of keys) assert.equal(ring.nodeFor(key), expected(key));
});

Deno.test("HashRing.shares() with one probe is each node's arcs of the circle, exactly", () => {
  const nodes = ["a:1", "b:1", "c:1"];
  const ring = new HashRing({ nodes, pointsPerNode: 4, probes: 1 });
  const points: { at: number; node: string }[] = [];
  for (const node of nodes) {
    for (let i = 0; i < 4; i++) {
      points.push({ at: murmurHash3String(`${node}-${i}`), node });
    }
  }
  points.sort((a, b) => a.at - b.at);
  const expected = new Map(nodes.map((node) => [node, 0]));
  for (let i = 0; i < points.length; i++) {
    const prev = i === 0 ? points.at(-1)!.at - 2 ** 32 : points[i - 1].at;
    const { node, at } = points[i];
    expected.set(node, expected.get(node)! + (at - prev) / 2 ** 32);
  }
  const shares = ring.shares();
  for (const node of nodes) {
    assert.ok(Math.abs(shares.get(node)! - expected.get(node)!) < 1e-12);
  }
  assert.deepEqual(
    new HashRing({ nodes: ["a:1"] }).shares(),
    new Map([["a:1", 1]]),
  );
  assert.deepEqual(new HashRing().shares(), new Map());
});

Deno.test("HashRing.shares() with 16 probes matches where 1,000,000 keys go", () => {
  const keys = millionKeys();
  const ring = new HashRing({ nodes: NODES });
  const perNode = new Array(NODES.length).fill(0);
  for (const owner of owners(ring, NODES, keys)) perNode[owner]++;
  const shares = ring.shares();
  let sum = 0;
  for (const [i, node] of NODES.entries()) {
    const share = shares.get(node)!;
    sum += share;
    // 4.5 standard deviations of a count of 1,000,000 keys.
    const sd = Math.sqrt(share * (1 - share) / keys.length);
    assert.ok(
      Math.abs(perNode[i] / keys.length - share) < 4.5 * sd,
      `${node}: ${perNode[i] / keys.length} of keys, share ${share}`,
    );
  }
  assert.ok(Math.abs(sum - 1) < 1e-9);
});

Deno.test("HashRing of 1,000 nodes: the largest share of the hash space is at most 1.05× the mean", () => {
  const ring = new HashRing({ nodes: fleet(1000) });
  const shares = [...ring.shares().values()];
  assert.equal(shares.length, 1000);
  const sum = shares.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `shares add up to ${sum}`);
  const largest = Math.max(...shares) * 1000;
  assert.ok(largest <= 1.05, `largest share ${largest}× the mean`);
  assert.ok(Math.min(...shares) * 1000 >= 0.95);
});

Deno.test("HashRing.add() moves at most 1.1/(n+1) of the hash space, all of it to the new node", () => {
  const keys = makeKeys(100_000, 15);
  for (const n of [10, 100, 1000]) {
    const nodes = fleet(n + 1);
    const ring = new HashRing({ nodes: nodes.slice(0, n) });
    const before = ring.shares();
    const owned = keys.map((key) => ring.nodeFor(key));
    ring.add(nodes[n]);
    const after = ring.shares();
    // Moved space is the new node's share; no old node gains any.
    const moved = after.get(nodes[n])!;
    assert.ok(
      moved <= 1.1 / (n + 1),
      `${n} → ${n + 1} nodes: ${moved * (n + 1)}/(n+1) moved`,
    );
    let lost = 0;
    for (const [node, share] of before) {
      assert.ok(after.get(node)! <= share + 1e-12, `${node} gained space`);
      lost += share - after.get(node)!;
    }
    assert.ok(Math.abs(lost - moved) < 1e-9);
    for (const [i, key] of keys.entries()) {
      const now = ring.nodeFor(key);
      if (now !== owned[i]) assert.equal(now, nodes[n], `${key} moved`);
    }
  }
});

Deno.test("HashRing.remove() undoes add() exactly, at 1,000 nodes", () => {
  const nodes = fleet(1001);
  const ring = new HashRing({ nodes: nodes.slice(0, 1000) });
  const keys = makeKeys(50_000, 16);
  const before = keys.map((key) => ring.nodeFor(key));
  const shares = ring.shares();
  for (const node of [nodes[1000], nodes[1000], "z:1"]) {
    ring.add(node);
    assert.ok(keys.some((key) => ring.nodeFor(key) === node));
    assert.equal(ring.remove(node), true);
    assert.deepEqual(keys.map((key) => ring.nodeFor(key)), before);
    assert.deepEqual(ring.shares(), shares);
  }
  // And removing then adding back an old node.
  ring.remove(nodes[500]);
  assert.equal(ring.size, 999);
  ring.add(nodes[500]);
  assert.deepEqual(keys.map((key) => ring.nodeFor(key)), before);
});

Deno.test("HashRing applies changes made between lookups as if made one by one", () => {
  const nodes = fleet(60);
  const keys = makeKeys(20_000, 17);
  const ring = new HashRing({ nodes: nodes.slice(0, 40) });
  ring.nodeFor("k");
  // Several changes before the next lookup: adds, removes, a node removed and
  // added back, a node added and removed, weights raised and lowered.
  for (const node of nodes.slice(40, 50)) ring.add(node);
  ring.remove(nodes[3]);
  ring.remove(nodes[45]);
  ring.add(nodes[3]);
  ring.add(nodes[7], 2);
  ring.add(nodes[8], 0.5);
  ring.add("gone:1");
  ring.remove("gone:1");
  ring.remove(nodes[9]);
  ring.nodeFor("k");
  ring.add(nodes[7], 1);
  ring.add(nodes[50]);
  ring.remove(nodes[10]);
  const expected = new HashRing();
  for (const node of ring.nodes()) expected.add(node, ring.weightOf(node));
  assert.deepEqual(ring.nodes(), expected.nodes());
  for (const key of keys) {
    assert.equal(ring.nodeFor(key), expected.nodeFor(key));
  }
  for (const key of keys.slice(0, 200)) {
    assert.deepEqual(ring.successors(key, 5), expected.successors(key, 5));
  }
  assert.deepEqual(ring.shares(), expected.shares());
});

Deno.test("HashRing changed node by node matches a ring built at once", () => {
  // 400 nodes × 160 points = 64,000 points; the adds cross 65,536, where
  // the bucket table doubles.
  const nodes = fleet(430);
  const ring = new HashRing({ nodes: nodes.slice(0, 400) });
  const keys = makeKeys(20_000, 18);
  ring.nodeFor("k");
  for (let i = 400; i < 430; i++) {
    ring.add(nodes[i], i % 7 === 0 ? 1.5 : 1);
    ring.nodeFor("k");
    if (i % 3 === 0) {
      ring.remove(nodes[i - 200]);
      ring.nodeFor("k");
    }
    if (i % 5 === 0) {
      ring.add(nodes[i - 100], 0.5);
      ring.nodeFor("k");
    }
  }
  const expected = new HashRing();
  for (const node of ring.nodes()) expected.add(node, ring.weightOf(node));
  for (const key of keys) {
    assert.equal(ring.nodeFor(key), expected.nodeFor(key));
  }
  assert.deepEqual(ring.shares(), expected.shares());
});

interface RingVectors {
  keyHash: Record<string, number>;
  points: Record<string, Record<string, number>>;
  probes: Record<string, number[]>;
  rings: {
    name: string;
    pointsPerNode: number;
    probes: number;
    nodes: [string, number][];
    owners: Record<string, string>;
    successors: Record<string, string[]>;
  }[];
}

Deno.test("HashRing matches the test vectors of client/RING.md", async () => {
  const text = await Deno.readTextFile(new URL("./RING.md", import.meta.url));
  const marker = text.indexOf(
    "<!-- test vectors: checked by client/ring_test.ts -->",
  );
  assert.ok(marker !== -1);
  const block = text.slice(marker).match(/```json\n([\s\S]*?)\n```/);
  assert.ok(block !== null);
  const vectors: RingVectors = JSON.parse(block[1]);
  for (const [key, hash] of Object.entries(vectors.keyHash)) {
    assert.equal(keyHash(key), hash, `keyHash(${JSON.stringify(key)})`);
  }
  for (const [node, points] of Object.entries(vectors.points)) {
    for (const [i, at] of Object.entries(points)) {
      assert.equal(murmurHash3String(`${node}-${i}`), at, `${node}-${i}`);
    }
  }
  for (const [key, positions] of Object.entries(vectors.probes)) {
    const h = keyHash(key);
    positions.forEach((at, j) =>
      assert.equal(j === 0 ? h : fmix32(h ^ Math.imul(j, 0x9e3779b9)), at)
    );
  }
  assert.ok(vectors.rings.length >= 4);
  for (const spec of vectors.rings) {
    const ring = new HashRing({
      pointsPerNode: spec.pointsPerNode,
      probes: spec.probes,
    });
    // Reverse order: the mapping does not depend on it.
    for (const [node, weight] of [...spec.nodes].reverse()) {
      ring.add(node, weight);
    }
    for (const [key, owner] of Object.entries(spec.owners)) {
      assert.equal(ring.nodeFor(key), owner, `${spec.name}: ${key}`);
    }
    for (const [key, order] of Object.entries(spec.successors)) {
      assert.deepEqual(ring.successors(key, 4), order, `${spec.name}: ${key}`);
    }
    if (spec.nodes.every(([, weight]) => weight === 1)) {
      // And the slow, obvious ring agrees.
      const slow = bruteForceRing(spec.nodes.map(([node]) => node), spec);
      for (const [key, owner] of Object.entries(spec.owners)) {
        assert.equal(slow(key), owner, `${spec.name}: ${key} (brute force)`);
      }
    }
  }
});

Deno.test("HashRing.find() refuses an accept that changes the ring; successors() floors its count", () => {
  const ring = new HashRing();
  for (const n of ["10.0.0.1:7379", "10.0.0.2:7379", "10.0.0.3:7379"]) {
    ring.add(n);
  }
  const owner = ring.nodeFor("k");
  assert.throws(
    () =>
      ring.find("k", (node) => {
        ring.remove(node);
        return false;
      }),
    /accept changed the ring/,
  );
  assert.ok(!ring.has(owner));
  // The ring is consistent afterwards: two nodes, each asked once.
  const asked: string[] = [];
  assert.equal(ring.find("k", (n) => (asked.push(n), false)), undefined);
  assert.equal(asked.length, 2);
  assert.equal(new Set(asked).size, 2);
  assert.equal(ring.successors("k", 1.5).length, 1);
});

Deno.test("HashRing: nodes removed or re-weighted before the next lookup never join", () => {
  const ring = new HashRing({ pointsPerNode: 8 });
  const fresh = new HashRing({ pointsPerNode: 8 });
  for (let i = 0; i < 2_000; i++) ring.add(`10.1.${i >> 8}.${i & 255}:7379`);
  // Before any lookup: most leave again, some change weight twice.
  for (let i = 0; i < 2_000; i++) {
    const n = `10.1.${i >> 8}.${i & 255}:7379`;
    if (i % 10 === 0) {
      ring.add(n, 2);
      ring.add(n, 3);
      fresh.add(n, 3);
    } else ring.remove(n);
  }
  assert.equal(ring.size, 200);
  for (const key of makeKeys(5_000, 3)) {
    assert.equal(ring.nodeFor(key), fresh.nodeFor(key));
  }
  const expected = fresh.shares();
  for (const [node, share] of ring.shares()) {
    assert.ok(Math.abs(share - expected.get(node)!) < 1e-12, node);
  }
});

Deno.test("HashRing refuses an address with a lone surrogate (no UTF-8 form)", () => {
  const ring = new HashRing();
  assert.throws(() => ring.add("a:1\uD800"), /not well-formed/);
  assert.equal(ring.size, 0);
});
