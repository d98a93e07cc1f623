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

/**
 * V8 flags that only take effect on the command line, because V8 reads them
 * when it sets the heap up: the commands that start a server pass them
 * (`npm start`, `npm run demo`, the benchmarks, `startServerProcess`), and
 * `main.ts` warns when they are missing (`missingStartFlags`).
 *
 * `--max-semi-space-size=8`: young generation semi-spaces of 8 MB instead of
 * Node 20's 16. V8 starts marking the old generation early when the room left
 * in it is smaller than the young generation; with 16 MB semi-spaces and a
 * live heap of ~23 MB that brought a mark-compact every 0.3–2 s at half of
 * Decide's maximum, pausing the thread 10–100 ms. bench:decide on the Intel
 * Xeon host, 2026-11-25 (RESULTS.md): with the flag 0 mark-compacts in the
 * half-rate window in every run; without it 2–5 in most.
 * `v8.setFlagsFromString` at run time does not resize the young generation.
 */
export const V8_START_FLAGS: readonly string[] = ["--max-semi-space-size=8"];

/**
 * The `V8_START_FLAGS` this process was started without: each flag's name is
 * looked for in `execArgv` and `NODE_OPTIONS` (any value counts, so an
 * operator may choose another size).
 */
export function missingStartFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.split("=")[0]!.replaceAll("_", "-"));
  return V8_START_FLAGS.filter((flag) => !given.includes(flag.split("=")[0]!));
}

/** Applies `V8_FLAGS` to this process (all its isolates, worker threads included). */
export function applyV8Tuning(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
