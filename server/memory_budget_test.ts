import assert from "node:assert/strict";
import {
  CGROUP_V1_LIMIT,
  CGROUP_V2_MAX,
  describeBudget,
  memoryBudget,
  type MemorySource,
  SYSTEM_MEMORY,
} from "./memory_budget.ts";

const GIB = 2 ** 30;

function source(
  files: Record<string, string>,
  physical: number,
): MemorySource {
  return {
    readFile: (path) => files[path],
    physicalMemory: () => physical,
  };
}

Deno.test("memoryBudget() takes 75% of a cgroup v2 limit below physical memory", () => {
  assert.deepEqual(
    memoryBudget(source({ [CGROUP_V2_MAX]: "4294967296\n" }, 64 * GIB)),
    { maxmemory: 3 * GIB, basis: "cgroup", total: 4 * GIB },
  );
});

Deno.test("memoryBudget() reads cgroup v1 when there is no v2 limit", () => {
  assert.deepEqual(
    memoryBudget(source({ [CGROUP_V1_LIMIT]: "2147483648\n" }, 64 * GIB)),
    { maxmemory: 1.5 * GIB, basis: "cgroup", total: 2 * GIB },
  );
  // v2 "max" is no limit: v1 is consulted next.
  assert.equal(
    memoryBudget(
      source(
        { [CGROUP_V2_MAX]: "max\n", [CGROUP_V1_LIMIT]: "2147483648" },
        64 * GIB,
      ),
    ).basis,
    "cgroup",
  );
});

Deno.test("memoryBudget() falls back to physical memory", () => {
  const physical = { maxmemory: 18 * GIB, basis: "physical", total: 24 * GIB };
  // No cgroup files at all.
  assert.deepEqual(memoryBudget(source({}, 24 * GIB)), physical);
  // "max": no limit.
  assert.deepEqual(
    memoryBudget(source({ [CGROUP_V2_MAX]: "max\n" }, 24 * GIB)),
    physical,
  );
  // cgroup v1's "unlimited" (PAGE_COUNTER_MAX pages).
  assert.deepEqual(
    memoryBudget(
      source({ [CGROUP_V1_LIMIT]: "9223372036854771712\n" }, 24 * GIB),
    ),
    physical,
  );
  // A limit above physical memory bounds nothing.
  assert.deepEqual(
    memoryBudget(source({ [CGROUP_V2_MAX]: String(32 * GIB) }, 24 * GIB)),
    physical,
  );
  // Garbage is no limit.
  assert.deepEqual(
    memoryBudget(source({ [CGROUP_V2_MAX]: "lots" }, 24 * GIB)),
    physical,
  );
});

Deno.test("memoryBudget() without any figure gives no limit", () => {
  assert.deepEqual(memoryBudget(source({}, 0)), {
    maxmemory: 0,
    basis: "unknown",
    total: 0,
  });
  assert.deepEqual(
    memoryBudget(source({ [CGROUP_V2_MAX]: String(8 * GIB) }, 0)),
    { maxmemory: 6 * GIB, basis: "cgroup", total: 8 * GIB },
  );
});

Deno.test("describeBudget() says where the default comes from", () => {
  assert.equal(
    describeBudget({ maxmemory: 18 * GIB, basis: "physical", total: 24 * GIB }),
    "maxmemory 18.0 GiB (75% of physical memory 24.0 GiB); set --maxmemory to choose another limit (0 = none)",
  );
  assert.equal(
    describeBudget({
      maxmemory: 384 * 2 ** 20,
      basis: "cgroup",
      total: 512 * 2 ** 20,
    }),
    "maxmemory 384.0 MiB (75% of the cgroup's memory limit 512.0 MiB); set --maxmemory to choose another limit (0 = none)",
  );
  assert.match(
    describeBudget({ maxmemory: 0, basis: "unknown", total: 0 }),
    /^maxmemory: no limit/,
  );
});

Deno.test("SYSTEM_MEMORY reads this machine", () => {
  assert.ok(SYSTEM_MEMORY.physicalMemory() > 0);
  assert.equal(SYSTEM_MEMORY.readFile("/nonexistent/memory.max"), undefined);
  const budget = memoryBudget(SYSTEM_MEMORY);
  assert.ok(budget.maxmemory > 0 && budget.maxmemory < budget.total);
});
