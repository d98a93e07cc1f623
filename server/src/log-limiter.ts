/** Options of `createLogLimiter`. */
export interface LogLimiterOptions {
  /** Lines a second each key may write; the rest are counted. @default 10 */
  readonly linesPerSecond?: number;
  /** Told how many lines of `key` were dropped, when no later line of that key has said so within a second. */
  readonly report: (key: number, suppressed: number) => void;
}

/**
 * Bounds repeated log lines: at most `linesPerSecond` lines a second for each
 * key (the request log keys on the status code), so overload shedding at
 * thousands of calls a second cannot flood stderr. Dropped lines are counted,
 * never lost silently: the next line written for the key carries the count,
 * and when none comes within the window a timer reports it.
 */
export interface LogLimiter {
  /**
   * Takes one line for `key` (a small non-negative integer): -1 when the line
   * must be dropped, else how many lines of the key were dropped since the
   * last one written or reported (usually 0).
   */
  take(key: number): number;
  /** Reports every count not yet reported (at shutdown) and stops the timers. */
  flush(): void;
}

interface Window {
  startMs: number;
  written: number;
  suppressed: number;
  timer: ReturnType<typeof setTimeout> | null;
}

const WINDOW_MS = 1000;

export function createLogLimiter(options: LogLimiterOptions): LogLimiter {
  const limit = options.linesPerSecond ?? 10;
  if (!(Number.isInteger(limit) && limit >= 1)) {
    throw new RangeError(`options.linesPerSecond must be a positive integer, got ${limit}`);
  }
  const windows: Window[] = [];
  const report = (key: number, w: Window) => {
    if (w.timer !== null) clearTimeout(w.timer);
    w.timer = null;
    if (w.suppressed === 0) return;
    const n = w.suppressed;
    w.suppressed = 0;
    options.report(key, n);
  };
  return {
    take(key) {
      const now = Date.now();
      let w = windows[key];
      if (w === undefined) {
        w = { startMs: now, written: 0, suppressed: 0, timer: null };
        windows[key] = w;
      }
      if (now - w.startMs >= WINDOW_MS) {
        w.startMs = now;
        w.written = 0;
      }
      if (w.written >= limit) {
        w.suppressed++;
        if (w.timer === null) {
          const win = w;
          win.timer = setTimeout(() => report(key, win), win.startMs + WINDOW_MS - now);
          win.timer.unref();
        }
        return -1;
      }
      w.written++;
      const carried = w.suppressed;
      if (carried > 0) {
        w.suppressed = 0;
        if (w.timer !== null) clearTimeout(w.timer);
        w.timer = null;
      }
      return carried;
    },
    flush() {
      windows.forEach((w, key) => {
        report(key, w);
      });
    },
  };
}
