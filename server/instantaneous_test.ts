import assert from "node:assert/strict";
import { INSTANTANEOUS_SAMPLES, InstantaneousRate } from "./instantaneous.ts";

Deno.test("InstantaneousRate averages the last 16 intervals", () => {
  const rate = new InstantaneousRate();
  assert.equal(rate.perSecond, 0);
  rate.sample(0, 0);
  assert.equal(rate.perSecond, 0, "one sample is no rate yet");
  let value = 0;
  // 16 intervals at 1,000/s, then 16 at 3,000/s: only the last 16 count.
  for (let i = 1; i <= 2 * INSTANTANEOUS_SAMPLES; i++) {
    value += i <= INSTANTANEOUS_SAMPLES ? 100 : 300;
    rate.sample(i * 100, value);
    if (i === INSTANTANEOUS_SAMPLES) assert.equal(rate.perSecond, 1000);
  }
  assert.equal(rate.perSecond, 3000);
});

Deno.test("InstantaneousRate starts again after a reset of its counter", () => {
  const rate = new InstantaneousRate();
  rate.sample(0, 500);
  rate.sample(100, 600);
  assert.equal(rate.perSecond, 1000);
  rate.sample(200, 0); // CONFIG RESETSTAT zeroed the counter
  assert.equal(rate.perSecond, 1000, "no negative rate recorded");
  rate.sample(300, 200);
  assert.equal(rate.perSecond, 1500);
  rate.reset();
  assert.equal(rate.perSecond, 0);
  rate.sample(400, 200);
  rate.sample(500, 210);
  assert.equal(rate.perSecond, 100);
});
