import { workerData } from "node:worker_threads";
import { LANE } from "./dispatch-lane.js";

/**
 * bench:dispatch's worker for the Atomics lane: sleeps on the submitted
 * counter, doubles every job submitted since it last looked, publishes the
 * completed counter and wakes the main thread once per batch.
 */
const ctl = new Int32Array(workerData.lane as SharedArrayBuffer);
let seen = 0;
while (Atomics.load(ctl, LANE.STOP) === 0) {
  const submitted = Atomics.load(ctl, LANE.SUBMITTED);
  if (submitted === seen) {
    Atomics.wait(ctl, LANE.SUBMITTED, seen, 100);
    continue;
  }
  while (seen !== submitted) {
    seen = (seen + 1) | 0;
    const at = seen & LANE.MASK;
    ctl[LANE.RESULTS + at] = ctl[LANE.JOBS + at]! * 2;
  }
  Atomics.store(ctl, LANE.COMPLETED, seen);
  Atomics.notify(ctl, LANE.COMPLETED);
}
