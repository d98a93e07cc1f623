import { mkdir, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { join } from "node:path";

/**
 * A CPU profile of this process's main thread around one stretch of a
 * benchmark, written as `<dir>/<name>.cpuprofile` (Chrome DevTools, or any
 * .cpuprofile reader). With `dir` empty it does nothing, so a bench can wrap a
 * phase unconditionally and profile it only when asked (BENCH_CPU_PROFILE).
 *
 * Why not `node --cpu-prof`: that profiles the whole run (seeding, Echo's
 * rounds, the fixed-rate runs), and the benches host the server in their own
 * process, so the phase of interest is a fraction of the samples.
 */
export async function profiled<T>(
  dir: string,
  name: string,
  run: () => Promise<T>,
  samplingIntervalUs = 200,
): Promise<T> {
  if (dir === "") return run();
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
    await session.post("Profiler.start");
    const result = await run();
    const { profile } = await session.post("Profiler.stop");
    const path = join(dir, `${name}.cpuprofile`);
    await mkdir(dir, { recursive: true });
    await writeFile(path, JSON.stringify(profile));
    process.stderr.write(`cpu profile of ${name}: ${path}\n`);
    return result;
  } finally {
    session.disconnect();
  }
}
