import { describe, expect, it } from "vitest";
import { type BreakerState, createCircuitBreaker } from "../../server/src/redis/circuit-breaker.js";

function breakerWithClock(failureThreshold: number, openMs: number) {
  let t = 1000;
  const changes: [BreakerState, BreakerState][] = [];
  const breaker = createCircuitBreaker({
    failureThreshold,
    openMs,
    now: () => t,
    onStateChange: (state, previous) => changes.push([state, previous]),
  });
  return {
    breaker,
    changes,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe("createCircuitBreaker()", () => {
  it("should stay closed below the threshold and when successes break the run of failures", () => {
    const { breaker } = breakerWithClock(3, 100);
    for (let i = 0; i < 10; i++) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failed();
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failed();
      expect(breaker.tryAcquire()).toBe(true);
      breaker.succeeded();
    }
    expect(breaker.state).toBe("closed");
    expect(breaker.stats).toEqual({ opened: 0, refused: 0 });
  });

  it("should open after the threshold of failures in a row and refuse every call for openMs", () => {
    const { breaker, changes, advance } = breakerWithClock(3, 100);
    for (let i = 0; i < 3; i++) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failed();
    }
    expect(breaker.state).toBe("open");
    expect(changes).toEqual([["open", "closed"]]);
    for (let i = 0; i < 5; i++) expect(breaker.tryAcquire()).toBe(false);
    advance(99);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.stats).toEqual({ opened: 1, refused: 6 });
  });

  it("should let exactly one probe through when half-open, and close on its success", () => {
    const { breaker, changes, advance } = breakerWithClock(2, 100);
    breaker.failed();
    breaker.failed();
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe("half_open");
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.succeeded();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
    expect(changes).toEqual([
      ["open", "closed"],
      ["half_open", "open"],
      ["closed", "half_open"],
    ]);
  });

  it("should open again for another openMs when the probe fails", () => {
    const { breaker, advance } = breakerWithClock(2, 100);
    breaker.failed();
    breaker.failed();
    advance(150);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe("open");
    advance(99);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.stats.opened).toBe(2);
  });

  it("should let another probe through after an inconclusive one", () => {
    const { breaker, advance } = breakerWithClock(2, 100);
    breaker.failed();
    breaker.failed();
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.inconclusive();
    expect(breaker.state).toBe("half_open");
    expect(breaker.tryAcquire()).toBe(true);
    breaker.succeeded();
    expect(breaker.state).toBe("closed");
  });

  it("should not count failures reported while open towards another opening", () => {
    const { breaker, advance } = breakerWithClock(2, 100);
    breaker.failed();
    breaker.failed();
    // Late failures of calls let through before it opened.
    for (let i = 0; i < 10; i++) breaker.failed();
    expect(breaker.stats.opened).toBe(1);
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.succeeded();
    breaker.failed();
    expect(breaker.state).toBe("closed");
  });

  it("should refuse options out of range, naming them", () => {
    expect(() => createCircuitBreaker({ failureThreshold: 0 })).toThrow(
      "options.failureThreshold must be a positive integer, got 0",
    );
    expect(() => createCircuitBreaker({ openMs: 1.5 })).toThrow(
      "options.openMs must be a positive integer, got 1.5",
    );
  });
});
