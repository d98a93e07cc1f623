/**
 * A preload for a bench's server process: prints every garbage collection
 * longer than GC_WATCH_MS (default 10) to stderr with its wall-clock time, so
 * that a bench's late calls can be set against the server's pauses:
 *
 *   BENCH_SERVER_NODE_ARGS="--import ./dist/test/bench/support/gc-watch.js" \
 *     FAULTS_DEBUG=1 node --expose-gc dist/test/bench/faults.bench.js
 *
 * (The server's stdout is not kept by test/support/server-process.ts, so
 * `--trace-gc`, which writes there, shows nothing.)
 */
import { constants, PerformanceObserver } from "node:perf_hooks";

const thresholdMs = Number(process.env.GC_WATCH_MS ?? 10);
const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "mark-compact",
  [constants.NODE_PERFORMANCE_GC_MINOR]: "scavenge",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental marking",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
};

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration < thresholdMs) continue;
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1;
    const at = new Date(performance.timeOrigin + e.startTime).toISOString();
    process.stderr.write(`[server gc] ${at} ${KINDS[kind] ?? `kind ${kind}`} ${e.duration.toFixed(1)} ms\n`);
  }
}).observe({ entryTypes: ["gc"] });
