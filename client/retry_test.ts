import assert from "node:assert/strict";
import { commandByName } from "@cachemir/protocol";
import {
  backoffDelay,
  canRetry,
  DEFAULT_RETRY,
  isNetworkError,
  markNotSent,
  retryPolicy,
  wasNotSent,
} from "./retry.ts";
import {
  ConnectionError,
  NodeDownError,
  ProtocolError,
  ReplyError,
  TimeoutError,
} from "./errors.ts";

const POLICY = { attempts: 10, baseDelayMs: 50, maxDelayMs: 1000 };

Deno.test("backoffDelay() caps double per retry up to maxDelayMs", () => {
  const almostOne = () => 0.999999;
  const caps = [1, 2, 3, 4, 5, 6, 7, 8].map((r) =>
    Math.round(backoffDelay(r, POLICY, almostOne))
  );
  assert.deepEqual(caps, [50, 100, 200, 400, 800, 1000, 1000, 1000]);
  assert.equal(backoffDelay(3, POLICY, () => 0), 0, "full jitter starts at 0");
  assert.equal(backoffDelay(3, POLICY, () => 0.5), 100);
  assert.equal(
    backoffDelay(1000, POLICY, () => 0.5),
    500,
    "huge retry numbers do not overflow",
  );
  assert.equal(backoffDelay(0, POLICY, () => 0.5), 25, "retry < 1 counts as 1");
});

Deno.test("backoffDelay() with Math.random spreads delays uniformly below the cap", () => {
  const n = 20_000;
  let sum = 0;
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const d = backoffDelay(4, POLICY); // cap 400
    sum += d;
    min = Math.min(min, d);
    max = Math.max(max, d);
  }
  assert.ok(min >= 0 && min < 10, `min ${min}`);
  assert.ok(max < 400 && max > 390, `max ${max}`);
  // Uniform on [0, 400): mean 200, standard error 400/√12/√n ≈ 0.8.
  assert.ok(Math.abs(sum / n - 200) < 6, `mean ${sum / n}`);
});

Deno.test("retryPolicy() fills defaults and rejects bad values", () => {
  assert.deepEqual(retryPolicy(), DEFAULT_RETRY);
  assert.deepEqual(retryPolicy({ attempts: 1 }), {
    attempts: 1,
    baseDelayMs: 50,
    maxDelayMs: 1000,
  });
  assert.deepEqual(
    retryPolicy({ baseDelayMs: 5000 }),
    { attempts: 3, baseDelayMs: 5000, maxDelayMs: 5000 },
    "the default maxDelayMs follows a larger base",
  );
  assert.throws(
    () => retryPolicy({ attempts: 0 }),
    /Invalid retry.attempts: 0 \(must be an integer from 1 to 100\)/,
  );
  assert.throws(() => retryPolicy({ attempts: 1.5 }), RangeError);
  assert.throws(
    () => retryPolicy({ baseDelayMs: -1 }),
    /Invalid retry.baseDelayMs: -1/,
  );
  assert.throws(() => retryPolicy({ maxDelayMs: Infinity }), RangeError);
  assert.throws(
    () => retryPolicy({ baseDelayMs: 100, maxDelayMs: 10 }),
    /Invalid retry.maxDelayMs: 10 is below retry.baseDelayMs 100/,
  );
});

Deno.test("isNetworkError() accepts connection failures and timeouts only", () => {
  assert.ok(isNetworkError(new ConnectionError("h:1", "lost")));
  assert.ok(isNetworkError(new NodeDownError("h:1", "down")));
  assert.ok(isNetworkError(new TimeoutError("h:1", "GET", 10)));
  assert.ok(isNetworkError(new TimeoutError("h:1", "connect", 10)));
  assert.ok(!isNetworkError(new TimeoutError("h:1", "acquire", 10)));
  assert.ok(!isNetworkError(new TimeoutError("dns:h:1", "discover", 10)));
  assert.ok(!isNetworkError(new ReplyError("ERR", "syntax error")));
  assert.ok(!isNetworkError(new ProtocolError("bad reply")));
  assert.ok(!isNetworkError(new TypeError("x")));
  assert.ok(!isNetworkError("lost"));
});

Deno.test("canRetry() follows the command table's retry flag", () => {
  const lost = new ConnectionError(
    "h:1",
    "Connection to h:1 closed by the node",
  );
  const timedOut = new TimeoutError("h:1", "GET", 10);
  for (const name of ["GET", "SET", "DEL", "EXPIRE", "MGET", "MSET", "SADD"]) {
    assert.ok(canRetry(commandByName(name)!, lost), name);
    assert.ok(canRetry(commandByName(name)!, timedOut), name);
  }
  for (const name of ["INCR", "LPUSH", "APPEND", "GETDEL", "SPOP", "RENAME"]) {
    assert.ok(!canRetry(commandByName(name)!, lost), name);
  }
  assert.ok(
    !canRetry(commandByName("GET")!, new ReplyError("ERR", "x")),
    "error replies are never retried",
  );
});

Deno.test("canRetry() retries any command that was never sent", () => {
  const refused = markNotSent(new ConnectionError("h:1", "Cannot connect"));
  assert.ok(wasNotSent(refused));
  assert.ok(!wasNotSent(new ConnectionError("h:1", "lost")));
  assert.ok(!wasNotSent(undefined));
  assert.ok(canRetry(commandByName("INCR")!, refused));
  assert.ok(canRetry(commandByName("LPUSH")!, refused));
  assert.ok(
    !canRetry(
      commandByName("INCR")!,
      markNotSent(new TimeoutError("h:1", "acquire", 5)),
    ),
    "not an acquire timeout: the node is busy, not failing",
  );
});
