import { setFlagsFromString } from "node:v8";

/**
 * V8 settings a server process runs with. `main.ts` applies them before it
 * builds the server, and so do the benchmarks that host the server in their
 * own process, so that they measure what ships.
 *
 * `--no-allocation-site-pretenuring`: V8 watches which allocation sites'
 * objects survive young-generation collections and, past a threshold, starts
 * allocating that site's objects in the old generation directly (and what
 * they point to then survives with them). Here, in some processes and not
 * others, every call came to promote 4 to 20 times as much for the rest of
 * the process's life, Echo as well as Decide, so on a path they share; the
 * site itself was not identified.
 * bench:gc at 2,400 calls/s, 2-vCPU VM, eight runs alternating: without the
 * flag 3 runs of 4 in that mode (Echo 3.4–3.9 KB promoted a call, Decide
 * 6.5–6.6 KB), with it 4 of 4 not (Echo 0.16–0.22 KB, Decide 1.7–1.8 KB),
 * and 5 of 5 earlier. More promotion means more and longer mark-compacts,
 * whose pauses are Decide's p99 (test/bench/RESULTS.md). The flag is read
 * each time V8 weighs pretenuring, so setting it at run time takes effect.
 */
export const V8_FLAGS: readonly string[] = ["--no-allocation-site-pretenuring"];

/** Applies `V8_FLAGS` to this process (all its isolates, worker threads included). */
export function applyV8Tuning(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
