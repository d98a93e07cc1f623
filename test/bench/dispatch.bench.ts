/**
 * bench:dispatch — what handing one job to a worker thread costs the main
 * thread, the thread that also runs gRPC (a probe kept as a benchmark).
 *
 * Why it was asked: at bench:decide's maximum the server's event loop is the
 * bottleneck while the machine has idle CPU, so moving the scoring (SKU
 * lookups and the kernel, ~13 % of that thread) to a worker would raise
 * Decide's maximum if the hand-off cost less than the work. bench:crossover
 * measures whole jobs; this measures the hand-off alone, with a job that does
 * nothing, so the figure is the floor any pooled job pays.
 *
 * Three ways, each with 1 job in flight (every job wakes a sleeping worker
 * and then the main thread: an open model at low rate) and 32 in flight
 * (a loaded server: jobs queue and wake-ups are shared):
 *  - Piscina, one worker, one task at a time per worker (the scorer's
 *    setting);
 *  - Piscina, one worker, 16 tasks at a time per worker;
 *  - an Atomics lane: jobs in a shared ring, the worker woken by
 *    `Atomics.notify`, the main thread by `Atomics.waitAsync`, one wake-up
 *    per batch each way.
 * The figure is the main thread's CPU time per job (/proc/self/task/<pid>/stat).
 *
 *   npm run bench:dispatch
 *
 * Prints a line per phase, then one JSON line: per way, `us_1` and `us_32`
 * (main-thread µs per job, median of the rounds) and `jobs_per_s_32`.
 */
import { Worker } from "node:worker_threads";
import { Piscina } from "piscina";
import { waitAsync } from "../../server/src/runtime/wait-async.js";
import { LANE } from "./support/dispatch-lane.js";
import { machine, mainThreadCpuUs, median } from "./support/stats.js";

const JOBS = 60_000;
const ROUNDS = 3;
const say = (line: string) => process.stderr.write(`${line}\n`);

type Submit = (x: number) => Promise<number>;

/** Runs JOBS jobs keeping `inFlight` submitted; main-thread µs per job and jobs/s. */
async function drive(submit: Submit, inFlight: number): Promise<{ us: number; rate: number }> {
  const cpu0 = mainThreadCpuUs();
  const t0 = performance.now();
  let started = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    const next = (): void => {
      if (started >= JOBS) return;
      const x = ++started;
      submit(x).then((y) => {
        if (y !== x * 2) reject(new Error(`job ${x} answered ${y}`));
        if (++done === JOBS) resolve();
        else next();
      }, reject);
    };
    for (let i = 0; i < inFlight; i++) next();
  });
  const seconds = (performance.now() - t0) / 1000;
  return { us: (mainThreadCpuUs() - cpu0) / JOBS, rate: JOBS / seconds };
}

/** The main thread's side of the Atomics lane. */
function atomicsLane(): { submit: Submit; close: () => Promise<void> } {
  const shared = new SharedArrayBuffer(LANE.INTS * 4);
  const ctl = new Int32Array(shared);
  const worker = new Worker(new URL("./support/dispatch-atomics-worker.js", import.meta.url), {
    workerData: { lane: shared },
  });
  const waiting = new Map<number, (y: number) => void>();
  let submitted = 0;
  let completed = 0;
  let armed = false;
  const collect = (): void => {
    armed = false;
    const upTo = Atomics.load(ctl, LANE.COMPLETED);
    while (completed !== upTo) {
      completed = (completed + 1) | 0;
      const resolve = waiting.get(completed)!;
      waiting.delete(completed);
      resolve(ctl[LANE.RESULTS + (completed & LANE.MASK)]!);
    }
    if (waiting.size > 0) arm();
  };
  const arm = (): void => {
    armed = true;
    const wait = waitAsync(ctl, LANE.COMPLETED, completed);
    if (wait.async) void wait.value.then(collect);
    else queueMicrotask(collect);
  };
  return {
    submit: (x) => {
      submitted = (submitted + 1) | 0;
      ctl[LANE.JOBS + (submitted & LANE.MASK)] = x;
      Atomics.store(ctl, LANE.SUBMITTED, submitted);
      Atomics.notify(ctl, LANE.SUBMITTED);
      const id = submitted;
      return new Promise<number>((resolve) => {
        waiting.set(id, resolve);
        if (!armed) arm();
      });
    },
    close: async () => {
      Atomics.store(ctl, LANE.STOP, 1);
      Atomics.notify(ctl, LANE.SUBMITTED);
      await worker.terminate();
    },
  };
}

async function main(): Promise<void> {
  const filename = new URL("./support/dispatch-piscina-worker.js", import.meta.url).href;
  const ways: Record<string, () => { submit: Submit; close: () => Promise<void> }> = {
    piscina: () => {
      const pool = new Piscina<number, number>({ filename, minThreads: 1, maxThreads: 1 });
      return { submit: (x) => pool.run(x), close: () => pool.destroy() };
    },
    piscina_16_per_worker: () => {
      const pool = new Piscina<number, number>({
        filename,
        minThreads: 1,
        maxThreads: 1,
        concurrentTasksPerWorker: 16,
      });
      return { submit: (x) => pool.run(x), close: () => pool.destroy() };
    },
    atomics_lane: atomicsLane,
  };
  const out: Record<string, { us_1: number; us_32: number; jobs_per_s_32: number }> = {};
  for (const [name, open] of Object.entries(ways)) {
    const us1: number[] = [];
    const us32: number[] = [];
    const rate32: number[] = [];
    const way = open();
    try {
      await drive(way.submit, 32); // warm-up
      for (let round = 1; round <= ROUNDS; round++) {
        const one = await drive(way.submit, 1);
        const many = await drive(way.submit, 32);
        us1.push(one.us);
        us32.push(many.us);
        rate32.push(many.rate);
        say(
          `${name} round ${round}: 1 in flight ${one.us.toFixed(2)} µs/job; 32 in flight ${many.us.toFixed(2)} µs/job, ${Math.round(many.rate)} jobs/s`,
        );
      }
    } finally {
      await way.close();
    }
    out[name] = {
      us_1: Number(median(us1).toFixed(2)),
      us_32: Number(median(us32).toFixed(2)),
      jobs_per_s_32: Math.round(median(rate32)),
    };
  }
  console.log(JSON.stringify({ ...out, jobs: JOBS, machine: machine() }));
}

await main();
