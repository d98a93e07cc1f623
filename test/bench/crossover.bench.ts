/**
 * bench:crossover — where a candidate list becomes large enough to score on the
 * worker pool rather than inline on the server thread.
 *
 * Builds the real scorer (shared kernel memory, resident catalog of 100,000
 * items, Piscina workers) and, for growing candidate counts, measures:
 *  - latency with one job in flight, inline vs pool;
 *  - throughput with 32 jobs in flight, inline vs pool — what matters under
 *    load, since inline work occupies the thread that also runs gRPC.
 * The crossover is the smallest size at which the pool's throughput beats
 * inline; the server's `inlineMaxCandidates` default comes from it.
 *
 * Then, for the sizes below the crossover, what the scoring lane saves the
 * server thread under load: its CPU µs per job (from /proc, this thread only)
 * with 32 jobs in flight, each job after a turn of the event loop as requests
 * arrive, scored inline vs handed to the lane (a second scorer with a lane,
 * on the same catalog).
 * Prints one JSON line last: {"sizes":[…],"inline_us":[…],"pool_us":[…],
 * "inline_jobs_per_s":[…],"pool_jobs_per_s":[…],"crossover":N,
 * "lane_sizes":[…],"inline_thread_us":[…],"lane_thread_us":[…]}
 */
import { availableParallelism } from "node:os";
import { createArena, createKernelMemory } from "../../core-wasm/src/arena.js";
import { loadKernelModule } from "../../core-wasm/src/kernel.js";
import { createResidentCatalog } from "../../server/src/catalog/resident-catalog.js";
import { generateCatalog, generateProfiles } from "../../server/src/demo/synthetic.js";
import { candidatesFromStrings } from "../../server/src/domain/candidate-list.js";
import { createScorer, type ScoreJob } from "../../server/src/scoring/scorer.js";
import { defaultScoringModel } from "../../server/src/scoring/scoring-model.js";
import { mainThreadCpuUs, median } from "./support/stats.js";

const ITEMS = 100_000;
const FEATURES = 64;
const SIZES = [50, 200, 500, 1000, 2000, 3000, 5000];
const LANE_SIZES = [50, 200, 500];
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const memory = createKernelMemory();
  const arena = createArena(memory);
  const catalog = createResidentCatalog({ arena, features: FEATURES, initialCapacity: ITEMS, maxStores: 64 });
  const items = generateCatalog({ items: ITEMS, stores: 50, features: FEATURES, seed: 7 });
  catalog.upsert(items);
  const person = generateProfiles({ count: 1, features: FEATURES, seed: 7 })[0]!;
  const scorer = createScorer({
    memory,
    arena,
    module: loadKernelModule(),
    catalog,
    features: FEATURES,
    threads: availableParallelism(),
    inlineMaxCandidates: 0,
    inlineMaxCatalogItems: 0,
    maxCandidates: 5000,
    maxLimit: 1000,
    maxExclusions: 1000,
    maxPoolQueue: 1_000_000,
  });
  const model = defaultScoringModel(FEATURES, 0.05);
  const job = (n: number): ScoreJob => {
    const skus: string[] = [];
    const base: number[] = [];
    for (let i = 0; i < n; i++) {
      skus.push(items[(i * 7919) % ITEMS]!.sku);
      base.push(1 - i / n);
    }
    return {
      candidates: candidatesFromStrings(skus, base),
      k: 20,
      explain: false,
      storeId: "",
      channel: 1,
      blockReason: 0,
      model,
      person,
      capped: [],
      redeemed: [],
      categoryBoost: null,
    };
  };

  const out = {
    sizes: SIZES,
    inline_us: [] as number[],
    pool_us: [] as number[],
    inline_jobs_per_s: [] as number[],
    pool_jobs_per_s: [] as number[],
  };
  for (const n of SIZES) {
    const j = job(n);
    if (JSON.stringify(scorer.scoreInline(j).items) !== JSON.stringify((await scorer.scorePooled(j)).items)) {
      throw new Error(`inline and pool disagree at ${n} candidates`);
    }
    const inlineRounds: number[] = [];
    const poolRounds: number[] = [];
    const inlineTput: number[] = [];
    const poolTput: number[] = [];
    for (let round = 0; round < 5; round++) {
      const reps = 200;
      let t0 = performance.now();
      for (let i = 0; i < reps; i++) scorer.scoreInline(j);
      inlineRounds.push(((performance.now() - t0) * 1000) / reps);
      t0 = performance.now();
      for (let i = 0; i < reps; i++) await scorer.scorePooled(j);
      poolRounds.push(((performance.now() - t0) * 1000) / reps);
      // 32 in flight: inline jobs are synchronous, so interleave them with the event loop like requests would be.
      const jobs = 640;
      t0 = performance.now();
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let i = 0; i < jobs / 32; i++) {
            await new Promise<void>((r) => setImmediate(r));
            scorer.scoreInline(j);
          }
        }),
      );
      inlineTput.push(jobs / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let i = 0; i < jobs / 32; i++) await scorer.scorePooled(j);
        }),
      );
      poolTput.push(jobs / ((performance.now() - t0) / 1000));
    }
    out.inline_us.push(Number(median(inlineRounds).toFixed(1)));
    out.pool_us.push(Number(median(poolRounds).toFixed(1)));
    out.inline_jobs_per_s.push(Math.round(median(inlineTput)));
    out.pool_jobs_per_s.push(Math.round(median(poolTput)));
    say(
      `${String(n).padStart(5)} candidates: one in flight inline ${median(inlineRounds).toFixed(1)} us, pool ${median(poolRounds).toFixed(1)} us; 32 in flight inline ${Math.round(median(inlineTput))}/s, pool ${Math.round(median(poolTput))}/s`,
    );
  }
  await scorer.close();

  const laneScorer = createScorer({
    memory,
    arena,
    module: loadKernelModule(),
    catalog,
    features: FEATURES,
    threads: 1,
    inlineMaxCandidates: Math.max(...LANE_SIZES),
    inlineMaxCatalogItems: 0,
    maxCandidates: 5000,
    maxLimit: 1000,
    maxExclusions: 1000,
    maxPoolQueue: 1_000_000,
  });
  const lane = { lane_sizes: LANE_SIZES, inline_thread_us: [] as number[], lane_thread_us: [] as number[] };
  /** Server-thread CPU µs per job, 32 in flight, each after a turn of the event loop. */
  const threadUsPerJob = async (score: () => unknown): Promise<number> => {
    const jobs = 6400;
    const cpu0 = mainThreadCpuUs();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = 0; i < jobs / 32; i++) {
          await new Promise<void>((r) => setImmediate(r));
          await score();
        }
      }),
    );
    return (mainThreadCpuUs() - cpu0) / jobs;
  };
  for (const n of LANE_SIZES) {
    const j = job(n);
    const laned = await laneScorer.scoreOnLane(j);
    if (laned.ran !== "lane") throw new Error(`a ${n}-candidate job did not run on the lane`);
    if (JSON.stringify(laned.items) !== JSON.stringify(laneScorer.scoreInline(j).items)) {
      throw new Error(`inline and lane disagree at ${n} candidates`);
    }
    const inlineUs: number[] = [];
    const laneUs: number[] = [];
    for (let round = 0; round < 5; round++) {
      inlineUs.push(await threadUsPerJob(() => laneScorer.scoreInline(j)));
      laneUs.push(await threadUsPerJob(() => laneScorer.scoreOnLane(j)));
    }
    lane.inline_thread_us.push(Number(median(inlineUs).toFixed(1)));
    lane.lane_thread_us.push(Number(median(laneUs).toFixed(1)));
    say(
      `${String(n).padStart(5)} candidates, 32 in flight: server thread ${median(inlineUs).toFixed(1)} us a job inline, ${median(laneUs).toFixed(1)} us on the lane`,
    );
  }
  await laneScorer.close();

  const idx = out.pool_jobs_per_s.findIndex((p, i) => p > out.inline_jobs_per_s[i]!);
  const crossover = idx < 0 ? null : SIZES[idx]!;
  say(
    crossover === null
      ? "the pool never beat inline up to 5000 candidates"
      : `crossover: ${crossover} candidates`,
  );
  process.stdout.write(`${JSON.stringify({ ...out, crossover, ...lane })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `bench:crossover failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
