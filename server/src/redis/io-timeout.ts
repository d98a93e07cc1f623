/**
 * A timeout for an answer expected over a socket that loses to an answer
 * already waiting in that socket.
 *
 * Node runs expired timers before it reads the sockets that became readable
 * (libuv's timers phase comes before its poll phase). On a busy server thread
 * a Redis reply that arrived in time can therefore sit unread while its own
 * timeout fires, and the decision falls back, and counts against Redis in the
 * circuit breaker, although Redis answered: bench:faults and bench:decide saw
 * the breaker open again and again under load with Redis healthy. Here the
 * timer only schedules `onTimeout` with `setImmediate`, which runs after the
 * poll phase of the same loop turn: a reply already read in that phase
 * cancels it first. The timeout is late by at most that one poll phase.
 *
 * Returns the function that cancels it.
 */
export function ioTimeout(onTimeout: () => void, ms: number): () => void {
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(onTimeout);
  }, ms);
  return () => {
    clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
  };
}

/** Times an `ioTimeoutAt` re-arms itself at most, so a clock that stands still cannot keep it from firing. */
const MAX_REARMS = 8;

/**
 * `ioTimeout` for a moment on `clock` (the clock a call's deadline is on,
 * `Date.now`), not a delay: `onTimeout` runs no earlier than `atMs` by that
 * clock. Timers run on libuv's clock, which is not `Date.now`: a timer armed
 * for the milliseconds left until a deadline can fire a millisecond before
 * the deadline by `Date.now`, and a decision then sees time left that its
 * caller no longer has (the most likely reason the Decide contract test
 * "stop its work when the caller's deadline passes" failed once in CI).
 * When the timer fires
 * early, it is armed again for what is left.
 *
 * Returns the function that cancels it.
 */
export function ioTimeoutAt(onTimeout: () => void, atMs: number, clock: () => number): () => void {
  let rearms = 0;
  let cancel: () => void = () => {};
  const arm = (): void => {
    cancel = ioTimeout(
      () => {
        if (clock() < atMs && rearms < MAX_REARMS) {
          rearms++;
          arm();
        } else {
          onTimeout();
        }
      },
      Math.max(0, atMs - clock()),
    );
  };
  arm();
  // Cancels whichever timer is armed now: only that one can still call back.
  return () => cancel();
}
