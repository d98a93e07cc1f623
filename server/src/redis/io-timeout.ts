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
