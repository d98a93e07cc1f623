/**
 * A circuit breaker in front of Redis on the decision hot path.
 *
 * Closed: every call goes to Redis. After `failureThreshold` failures in a row
 * (timeouts or errors) it opens: calls are refused at once, so a stalled or
 * dead Redis costs a decision nothing but its fallback, and no replies pile up
 * in the client. After `openMs` it is half-open: one call (the probe) goes to
 * Redis while the others are still refused; the probe's success closes it, its
 * failure opens it for another `openMs`. Recovery after Redis comes back thus
 * takes at most `openMs` plus one round trip, without a restart.
 *
 * Every call let through must be reported exactly once, with `succeeded`,
 * `failed` or `inconclusive` (a half-open breaker waits for its probe's report); the callers race their own timers, so a stalled Redis is reported
 * as a failure when the budget runs out.
 */
export type BreakerState = "closed" | "open" | "half_open";

export interface CircuitBreakerOptions {
  /** Failures in a row that open the breaker. @default 10 */
  readonly failureThreshold?: number;
  /** How long the breaker stays open before it lets a probe through, ms. @default 200 */
  readonly openMs?: number;
  /** Told of every change of state (logs, health, metrics). */
  readonly onStateChange?: (state: BreakerState, previous: BreakerState) => void;
  readonly now?: () => number;
}

/** Counters a test or a metrics endpoint can read. */
export interface CircuitBreakerStats {
  /** Times the breaker opened. */
  opened: number;
  /** Calls refused because the breaker was open. */
  refused: number;
}

export interface CircuitBreaker {
  readonly state: BreakerState;
  readonly stats: Readonly<CircuitBreakerStats>;
  /** True when a call may go to Redis now; the caller then reports its outcome once. */
  tryAcquire(): boolean;
  succeeded(): void;
  failed(): void;
  /** The call's outcome says nothing about Redis (it timed out because this thread was busy): a probe may go again. */
  inconclusive(): void;
}

export const CIRCUIT_BREAKER_DEFAULTS = Object.freeze({ failureThreshold: 10, openMs: 200 });

export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const failureThreshold = options.failureThreshold ?? CIRCUIT_BREAKER_DEFAULTS.failureThreshold;
  const openMs = options.openMs ?? CIRCUIT_BREAKER_DEFAULTS.openMs;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw new RangeError(`options.failureThreshold must be a positive integer, got ${failureThreshold}`);
  }
  if (!Number.isInteger(openMs) || openMs < 1) {
    throw new RangeError(`options.openMs must be a positive integer, got ${openMs}`);
  }
  const now = options.now ?? Date.now;
  const stats: CircuitBreakerStats = { opened: 0, refused: 0 };
  let state: BreakerState = "closed";
  let failures = 0;
  let openUntil = 0;
  let probing = false;

  const move = (next: BreakerState): void => {
    if (next === state) return;
    const previous = state;
    state = next;
    options.onStateChange?.(next, previous);
  };
  const open = (): void => {
    stats.opened++;
    openUntil = now() + openMs;
    probing = false;
    move("open");
  };

  return {
    get state() {
      return state;
    },
    stats,
    tryAcquire() {
      if (state === "closed") return true;
      if (state === "open" && now() >= openUntil) move("half_open");
      if (state === "half_open" && !probing) {
        probing = true;
        return true;
      }
      stats.refused++;
      return false;
    },
    succeeded() {
      failures = 0;
      probing = false;
      move("closed");
    },
    inconclusive() {
      probing = false;
    },
    failed() {
      if (state === "half_open") {
        if (probing) open();
        return;
      }
      if (state === "open") return;
      failures++;
      if (failures >= failureThreshold) {
        failures = 0;
        open();
      }
    },
  };
}
