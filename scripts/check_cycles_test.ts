import assert from "node:assert/strict";
import { cycles } from "./check_cycles.ts";

Deno.test("cycles() finds each strongly connected component, self-imports included", () => {
  const graph = new Map<string, string[]>([
    ["a", ["b"]],
    ["b", ["c"]],
    ["c", ["a", "d"]],
    ["d", ["e"]],
    ["e", []],
    ["f", ["f"]],
    ["g", ["x"]],
    ["x", ["g"]],
  ]);
  assert.deepEqual(
    cycles(graph, (s) => s !== "x"),
    [["a", "b", "c"], ["f"]],
  );
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", []]]), () => true), []);
});
