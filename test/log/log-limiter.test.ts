import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogLimiter } from "../../server/src/log-limiter.js";

describe("createLogLimiter()", () => {
  let reports: [number, number][];
  beforeEach(() => {
    vi.useFakeTimers();
    reports = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const limiter = (linesPerSecond = 10) =>
    createLogLimiter({ linesPerSecond, report: (key, n) => reports.push([key, n]) });

  it("should let linesPerSecond lines a second through and report the rest when the window ends", () => {
    const l = limiter();
    const taken = Array.from({ length: 25 }, () => l.take(8));
    expect(taken).toEqual([...Array(10).fill(0), ...Array(15).fill(-1)]);
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(reports).toEqual([[8, 15]]);
    // A new window: lines again, nothing left to carry.
    expect(l.take(8)).toBe(0);
  });

  it("should carry the count on the next line written when it comes before the report", () => {
    const l = limiter(2);
    expect([l.take(3), l.take(3), l.take(3), l.take(3)]).toEqual([0, 0, -1, -1]);
    vi.setSystemTime(Date.now() + 1000); // the clock moves, the timer has not run yet
    expect(l.take(3)).toBe(2);
    vi.runAllTimers();
    expect(reports).toEqual([]);
  });

  it("should count each key on its own", () => {
    const l = limiter(1);
    expect([l.take(8), l.take(8), l.take(14), l.take(14), l.take(14)]).toEqual([0, -1, 0, -1, -1]);
    vi.runAllTimers();
    expect(reports).toEqual([
      [8, 1],
      [14, 2],
    ]);
  });

  it("should report what is pending at flush, once", () => {
    const l = limiter(1);
    l.take(4);
    l.take(4);
    l.take(4);
    l.flush();
    expect(reports).toEqual([[4, 2]]);
    vi.runAllTimers();
    l.flush();
    expect(reports).toEqual([[4, 2]]);
  });

  it.each([0, 1.5, -1, Number.NaN])("should refuse linesPerSecond %s", (n) => {
    expect(() => limiter(n)).toThrow(`options.linesPerSecond must be a positive integer, got ${n}`);
  });
});
