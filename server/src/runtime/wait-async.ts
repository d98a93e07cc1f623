/**
 * `Atomics.waitAsync`: resolves when another thread `Atomics.notify`s the
 * index, or at once (`async: false`) when it no longer holds `value`. In V8
 * since 8.7 (Node 16), in TypeScript's lib only from es2024, hence this typed
 * handle. A pending wait holds no handle on the event loop: whoever waits must
 * keep the process alive some other way (see ScoringLane).
 */
export const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      ta: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;
