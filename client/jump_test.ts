import assert from "node:assert/strict";
import { jumpConsistentHash, JumpHash } from "./jump.ts";
import { ELEVENTH, makeKeys, millionKeys, NODES, prng } from "./_test_utils.ts";

/** Each key's owner. */
function owners(jump: JumpHash, keys: readonly string[]): string[] {
  return keys.map((key) => jump.nodeFor(key));
}

/** Busiest node's keys over the mean, for `keys.length` keys over `nodes`. */
function maxOverMean(
  jump: JumpHash,
  nodes: readonly string[],
  keys: readonly string[],
): number {
  const perNode = new Map(nodes.map((node) => [node, 0]));
  for (const key of keys) {
    const owner = jump.nodeFor(key);
    perNode.set(owner, perNode.get(owner)! + 1);
  }
  return Math.max(...perNode.values()) / (keys.length / nodes.length);
}

Deno.test("jumpConsistentHash() matches the reference implementation", () => {
  // Buckets 1..19 from dgryski/go-jump's tests, "generated from the reference
  // C++ code" of the paper; our build of that code gives the same.
  const published: [number, number, number[]][] = [
    [0, 0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    [0, 1, [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17]],
    [0, 0xdeadbeef, [
      0,
      1,
      2,
      3,
      3,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
      16,
      16,
      16,
    ]],
    [0x0ddc0ffe, 0xebadf00d, [
      0,
      1,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      2,
      15,
      15,
      15,
      15,
    ]],
  ];
  for (const [hi, lo, buckets] of published) {
    buckets.forEach((bucket, i) => {
      assert.equal(jumpConsistentHash(hi, lo, i + 1), bucket, `${hi}:${lo}`);
    });
  }
  // The paper's JumpConsistentHash() built with g++, at larger bucket counts
  // (these exercise 64-bit carries and many iterations).
  const counts = [1, 2, 10, 11, 100, 1000, 65536, 1000000, 2147483647];
  const reference: [number, number, number[]][] = [
    [0, 1, [0, 0, 6, 6, 55, 549, 21134, 985611, 262355607]],
    [0, 0xdeadbeef, [0, 1, 5, 5, 87, 285, 64244, 479362, 1452406526]],
    [0x0ddc0ffe, 0xebadf00d, [0, 1, 2, 2, 72, 113, 47800, 86737, 848029737]],
    [0xffffffff, 0xffffffff, [0, 1, 9, 10, 92, 313, 18311, 589430, 699554662]],
    [0x12345678, 0x9abcdef0, [0, 0, 4, 4, 33, 399, 55019, 67832, 267021293]],
    [0, 42, [0, 1, 2, 2, 43, 571, 5747, 153897, 1603940301]],
  ];
  for (const [hi, lo, buckets] of reference) {
    counts.forEach((n, i) => {
      assert.equal(
        jumpConsistentHash(hi, lo, n),
        buckets[i],
        `${hi}:${lo}/${n}`,
      );
    });
  }
});

Deno.test("jumpConsistentHash() moves a key only to the newest bucket", () => {
  const next = prng(1);
  for (let k = 0; k < 2000; k++) {
    const hi = next();
    const lo = next();
    let previous = 0;
    for (let n = 1; n <= 64; n++) {
      const bucket = jumpConsistentHash(hi, lo, n);
      assert.ok(bucket === previous || bucket === n - 1);
      previous = bucket;
    }
  }
});

Deno.test("jumpConsistentHash() rejects a bad bucket count", () => {
  for (const buckets of [0, -1, 1.5, 2 ** 31, NaN]) {
    assert.throws(() => jumpConsistentHash(0, 1, buckets), {
      name: "RangeError",
      message:
        `Cannot jump hash: buckets must be an integer from 1 to 2147483647, got ${buckets}`,
    });
  }
});

Deno.test("JumpHash spreads 1,000,000 keys over 10 nodes within 1.15× the mean", () => {
  const spread = maxOverMean(
    new JumpHash({ nodes: NODES }),
    NODES,
    millionKeys(),
  );
  assert.ok(spread <= 1.15, `busiest node holds ${spread}× the mean`);
  assert.ok(spread <= 1.02, `jump should be near perfect, got ${spread}`);
});

Deno.test("JumpHash.add() of an 11th node moves at most 1/11 + 1% of keys, all to it", () => {
  const keys = millionKeys();
  const jump = new JumpHash({ nodes: NODES });
  const before = owners(jump, keys);
  jump.add(ELEVENTH);
  let moved = 0;
  for (let i = 0; i < keys.length; i++) {
    const now = jump.nodeFor(keys[i]);
    if (now !== before[i]) {
      moved++;
      assert.equal(now, ELEVENTH);
    }
  }
  assert.ok(
    moved <= (1 / 11 + 0.01) * keys.length,
    `${moved / keys.length} moved`,
  );
  assert.ok(moved >= (1 / 11 - 0.01) * keys.length);
});

Deno.test("JumpHash.remove() moves only the removed node's keys, evenly", () => {
  const keys = millionKeys().slice(0, 300_000);
  const jump = new JumpHash({ nodes: NODES });
  const before = keys.map((key) => jump.successors(key, 2));
  const gone = NODES[3];
  jump.remove(gone);
  assert.equal(jump.slots, 10);
  const gained = new Map<string, number>();
  let orphans = 0;
  for (let i = 0; i < keys.length; i++) {
    const [owner, next] = before[i];
    const now = jump.nodeFor(keys[i]);
    if (owner === gone) {
      orphans++;
      assert.equal(now, next);
      gained.set(now, (gained.get(now) ?? 0) + 1);
    } else {
      assert.equal(now, owner);
    }
  }
  assert.equal(gained.size, 9);
  const mean = orphans / 9;
  for (const [node, count] of gained) {
    assert.ok(
      count <= 1.15 * mean && count >= 0.85 * mean,
      `${node}: ${count}`,
    );
  }
});

Deno.test("JumpHash.add() of a removed node restores every key", () => {
  const keys = makeKeys(100_000, 2);
  const jump = new JumpHash({ nodes: NODES });
  const before = owners(jump, keys);
  jump.remove(NODES[2]);
  jump.remove(NODES[7]);
  jump.add(NODES[7]);
  jump.add(NODES[2]);
  assert.deepEqual(owners(jump, keys), before);
  assert.equal(jump.slots, 10);
});

Deno.test("JumpHash.remove() of a second node moves only that node's keys", () => {
  const keys = makeKeys(100_000, 3);
  const jump = new JumpHash({ nodes: NODES });
  jump.remove(NODES[1]);
  const before = owners(jump, keys);
  jump.remove(NODES[8]);
  const after = owners(jump, keys);
  let moved = 0;
  for (let i = 0; i < keys.length; i++) {
    if (before[i] !== after[i]) {
      moved++;
      assert.equal(before[i], NODES[8]);
    }
  }
  assert.ok(moved > 0);
});

Deno.test("JumpHash.add() of a new node takes the lowest empty slot", () => {
  const keys = makeKeys(100_000, 4);
  const jump = new JumpHash({ nodes: NODES });
  jump.remove(NODES[5]);
  const before = owners(jump, keys);
  jump.add("10.0.0.99:7379");
  assert.equal(jump.slots, 10);
  const after = owners(jump, keys);
  for (let i = 0; i < keys.length; i++) {
    if (before[i] !== after[i]) assert.equal(after[i], "10.0.0.99:7379");
  }
  // The same as a locator that had the new node in that place all along.
  const fresh = new JumpHash({
    nodes: NODES.map((node, i) => i === 5 ? "10.0.0.99:7379" : node),
  });
  assert.deepEqual(owners(fresh, keys), after);
});

Deno.test("JumpHash maps keys alike in every instance given the same order", () => {
  const keys = makeKeys(20_000, 5);
  const a = new JumpHash({ nodes: NODES });
  const b = new JumpHash();
  for (const node of NODES) b.add(node);
  assert.deepEqual(owners(b, keys), owners(a, keys));
});

Deno.test("JumpHash.nodeFor() maps a string and its UTF-8 bytes alike", () => {
  const jump = new JumpHash({ nodes: NODES });
  jump.remove(NODES[0]); // the re-hash path too
  const utf8 = new TextEncoder();
  for (const key of [...makeKeys(2000, 6), "ключ", "{é}1", "😀", ""]) {
    assert.equal(jump.nodeFor(utf8.encode(key)), jump.nodeFor(key));
  }
});

Deno.test("JumpHash.nodeFor() puts keys with the same hash tag together", () => {
  const jump = new JumpHash({ nodes: NODES });
  assert.equal(jump.nodeFor("{user:1}:a"), jump.nodeFor("{user:1}:b"));
  for (const tag of makeKeys(1000, 7)) {
    const owner = jump.nodeFor(tag);
    for (const suffix of ["name", "cart", ""]) {
      assert.equal(jump.nodeFor(`{${tag}}:${suffix}`), owner);
    }
  }
});

Deno.test("JumpHash.add() with weight 2 gives a node about twice the keys", () => {
  const keys = makeKeys(200_000, 8);
  const jump = new JumpHash({ nodes: NODES.slice(1, 5) });
  jump.add(NODES[0], 2);
  assert.equal(jump.weightOf(NODES[0]), 2);
  assert.equal(jump.slots, 6);
  let heavy = 0;
  for (const key of keys) if (jump.nodeFor(key) === NODES[0]) heavy++;
  const ratio = heavy / ((keys.length - heavy) / 4);
  assert.ok(ratio > 1.9 && ratio < 2.1, `weight 2 got ${ratio}× the others`);
  // Lowering the weight moves keys only away from the node.
  const before = owners(jump, keys);
  jump.add(NODES[0], 1);
  const after = owners(jump, keys);
  for (let i = 0; i < keys.length; i++) {
    if (before[i] !== after[i]) assert.equal(before[i], NODES[0]);
  }
  assert.equal(jump.weightOf(NODES[0]), 1);
});

Deno.test("JumpHash.successors() lists distinct nodes, the owner first", () => {
  const jump = new JumpHash({ nodes: NODES });
  jump.remove(NODES[9]);
  for (const key of makeKeys(2000, 9)) {
    const all = jump.successors(key, 100);
    assert.equal(all.length, 9);
    assert.deepEqual([...all].sort(), NODES.slice(0, 9).sort());
    assert.equal(all[0], jump.nodeFor(key));
    assert.deepEqual(jump.successors(key, 2), all.slice(0, 2));
  }
  assert.deepEqual(jump.successors("k", 0), []);
  assert.deepEqual(jump.successors("k", NaN), []);
  assert.deepEqual(new JumpHash().successors("k", 2), []);
});

Deno.test("JumpHash.successors() gives the owner after each removal in turn", () => {
  for (const key of makeKeys(200, 10)) {
    const order = new JumpHash({ nodes: NODES }).successors(key, 10);
    const jump = new JumpHash({ nodes: NODES });
    for (const node of order) {
      assert.equal(jump.nodeFor(key), node);
      jump.remove(node);
    }
  }
});

Deno.test("JumpHash.find() returns the first accepted node in preference order", () => {
  const jump = new JumpHash({ nodes: NODES });
  const down = new Set([NODES[1], NODES[6]]);
  const removed = new JumpHash({ nodes: NODES });
  for (const node of down) removed.remove(node);
  for (const key of makeKeys(2000, 11)) {
    const calls: string[] = [];
    const found = jump.find(key, (node) => {
      calls.push(node);
      return !down.has(node);
    });
    assert.equal(found, removed.nodeFor(key));
    assert.equal(new Set(calls).size, calls.length); // once per node
  }
  let calls = 0;
  assert.equal(
    jump.find("k", () => {
      calls++;
      return false;
    }),
    undefined,
  );
  assert.equal(calls, NODES.length);
  assert.equal(new JumpHash().find("k", () => true), undefined);
});

Deno.test("JumpHash.nodeFor() finds the last node when almost all slots are empty", () => {
  // With 1 of 50 slots held, many keys exhaust the 64 re-hashes and fall
  // back to scanning the slots.
  const nodes = Array.from({ length: 50 }, (_, i) => `10.0.0.${i}:7379`);
  const jump = new JumpHash({ nodes });
  for (const node of nodes.slice(0, 49)) jump.remove(node);
  for (const key of makeKeys(2000, 12)) {
    assert.equal(jump.nodeFor(key), nodes[49]);
    assert.deepEqual(jump.successors(key, 3), [nodes[49]]);
  }
});

Deno.test("JumpHash handles more nodes than fit in an int mask", () => {
  const nodes = Array.from({ length: 40 }, (_, i) => `10.0.0.${i}:7379`);
  const jump = new JumpHash({ nodes });
  jump.remove(nodes[0]);
  for (const key of makeKeys(200, 13)) {
    const all = jump.successors(key, 40);
    assert.equal(new Set(all).size, 39);
    assert.equal(all[0], jump.nodeFor(key));
    assert.equal(jump.find(key, (node) => node !== all[0]), all[1]);
  }
});

Deno.test("JumpHash.nodeFor() throws when no node is present", () => {
  const jump = new JumpHash({ nodes: ["a:1"] });
  assert.equal(jump.remove("a:1"), true);
  assert.equal(jump.remove("a:1"), false);
  assert.throws(() => jump.nodeFor("k"), {
    name: "RangeError",
    message: "Cannot locate key: no nodes have been added",
  });
  jump.add("b:1"); // takes slot 0 back
  assert.equal(jump.slots, 1);
  assert.equal(jump.nodeFor("k"), "b:1");
});

Deno.test("JumpHash reports its nodes and rejects bad addresses and weights", () => {
  const jump = new JumpHash({ nodes: ["b:1", "a:1"] });
  assert.equal(jump.size, 2);
  assert.deepEqual(jump.nodes(), ["b:1", "a:1"]);
  assert.equal(jump.has("a:1"), true);
  assert.equal(jump.has("c:1"), false);
  assert.equal(jump.weightOf("c:1"), undefined);
  assert.throws(() => jump.add(""), {
    name: "TypeError",
    message: 'Cannot add node: address must be a non-empty string, got ""',
  });
  for (const weight of [0, 1.5, 1025, NaN]) {
    assert.throws(() => jump.add("c:1", weight), {
      name: "RangeError",
      message:
        `Cannot add node c:1: jump hashing needs a whole-number weight from 1 to 1024, got ${weight}`,
    });
  }
  assert.equal(jump.size, 2);
});
