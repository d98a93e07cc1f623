/**
 * bench:decide — the real Decide against the transport ceiling, in one run.
 *
 * Starts a private Redis, seeds it (catalog + profiles), starts the real server
 * on loopback (Redis profile store, worker pool, kernel) with a benchmark-only
 * Echo method on the same grpc-js server and options, and drives both with
 * h2load (closed model, for the maximum rates). Echo takes the same request
 * bytes and returns as many bytes as the Decide response, so the ratio isolates
 * what a decision costs beyond gRPC. The latency at half of Decide's maximum is
 * measured on a fixed send schedule whose achieved rate is checked (runAtRate),
 * after unmeasured seconds at that rate (`warmUpAt`: BENCH_RATE_WARM_UP_S (3) at
 * least, more until the server has run a mark-compact, BENCH_MAX_WARM_UP_S
 * (15) at most), so the window shows the steady state at that rate rather
 * than the server cleaning up after the closed-model floods before it (their
 * garbage, tens of MB, is collected by the first mark-compact after them);
 * Echo is run on the same schedule as a control (`echo_p99_ms_at_half`:
 * the tail the transport and this machine show at that rate with no decision).
 * h2load cannot see grpc-status, so every phase checks the server counted as
 * many decisions as h2load saw answers.
 *
 * The server runs under the full demo policy (server/policies/demo.yaml): the
 * request is a search re-rank, so holdouts, use-case weights, experience ids
 * and the decision log are on the measured path. One more closed-model round
 * swaps the policy (SetPolicy, every 50 ms, alternating two versions) while
 * h2load drives Decide and a checker client verifies that every answer names
 * one of the versions in play; any failed call fails the bench.
 *
 *   npm run bench:decide   (after npm run build; needs redis-server and h2load)
 *   BENCH_CPU_PROFILE=/tmp/p node dist/test/bench/decide.bench.js
 *     (also writes a CPU profile of the server thread per Decide round at the
 *     maximum, and one of the measured window at half of it)
 *   BENCH_SCORING_LANE=0 node dist/test/bench/decide.bench.js
 *     (small jobs scored on the server thread only: the lane's A/B)
 *
 * Prints human-readable lines, then one JSON line:
 *   {"echo_rps","decide_rps","ratio","decide_p99_ms_at_half","policy",…}
 */
import { constants, PerformanceObserver } from "node:perf_hooks";
import type { create } from "@bufbuild/protobuf";
import { type DecideRequestSchema, DecisionService } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { PolicyService } from "../../server/src/gen/relevance/v1/policy_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import type { PipelineStats } from "../../server/src/pipeline/decision-pipeline.js";
import { loadPolicyFile } from "../../server/src/policy/parse-policy.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { applyV8Tuning } from "../../server/src/runtime/v8-tuning.js";
import { startRedisServer } from "../support/redis-process.js";
import { profiled } from "./support/cpu-profile.js";
import { startEchoAndDecide } from "./support/echo-and-decide.js";
import { runAtRate, runH2load } from "./support/h2load.js";
import { BENCH_CANDIDATES } from "./support/search-request.js";
import { seedRedis } from "./support/seed-redis.js";
import { rerunWithStartFlags } from "./support/start-flags.js";
import { cpuShare, cpuTimes, mainThreadCostPer, median, quantile } from "./support/stats.js";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 4);
const CLIENTS = 2;
const STREAMS = 32;
const SEED = 42;
const FEATURES = 64;
/** The policy Decide runs under; BENCH_POLICY_FILE="" runs the bare pipeline (no policy) for comparison. */
const POLICY_FILE = process.env.BENCH_POLICY_FILE ?? "server/policies/demo.yaml";
/**
 * More shares of the maximum to hold on a fixed schedule (5 s each), e.g.
 * "0.3,0.7,0.9": their p50 and p99 go into `curve` (the latency-vs-throughput
 * plot of `npm run bench`), and 0.7 and 0.9 into `decide_p99_ms_at_70` / `_90`.
 */
/** Unmeasured seconds at a fixed rate before its measured window. */
const RATE_WARM_UP_S = Number(process.env.BENCH_RATE_WARM_UP_S ?? 3);
const CURVE_SHARES = (process.env.BENCH_CURVE_SHARES ?? "")
  .split(",")
  .filter((x) => x.trim() !== "")
  .map(Number);

/**
 * A directory to write CPU profiles of the server thread into: one of
 * Decide's closed-model rounds at its maximum (`decide-max-<round>`). Empty:
 * no profiling (the profiler costs the thread a few per cent).
 */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE ?? "";
const say = (line: string) => process.stderr.write(`${line}\n`);

/** Most unmeasured seconds at a fixed rate before its window (see `warmUpAt`). */
const MAX_WARM_UP_S = Number(process.env.BENCH_MAX_WARM_UP_S ?? 15);

/**
 * Unmeasured time at `rate` before a measured window: RATE_WARM_UP_S seconds,
 * then as many more as it takes, up to MAX_WARM_UP_S, for the server to run a
 * mark-compact. A mark-compact collects the whole old generation, so what the
 * phase before left there (the closed-model floods leave tens of MB, and V8
 * may let the old generation grow for half a minute before collecting it:
 * a 58 MB collection then paused the server 127 ms inside the window) is
 * gone, and the window sees this rate's own collections. Returns the seconds
 * spent.
 */
async function warmUpAt(base: Parameters<typeof runAtRate>[0], rate: number): Promise<number> {
  if (RATE_WARM_UP_S <= 0) return 0;
  const gc = watchGc();
  let seconds = 0;
  try {
    do {
      await runAtRate(base, rate, RATE_WARM_UP_S);
      seconds += RATE_WARM_UP_S;
      await new Promise((r) => setImmediate(r)); // let the observer deliver
    } while (gc.peek().major === 0 && seconds < MAX_WARM_UP_S);
  } finally {
    gc.stop();
  }
  return seconds;
}

/** `runAtRate` after `warmUpAt` the same rate. */
async function atSteadyRate(
  base: Parameters<typeof runAtRate>[0],
  rate: number,
  seconds: number,
): ReturnType<typeof runAtRate> {
  await warmUpAt(base, rate);
  return runAtRate(base, rate, seconds);
}

async function main(): Promise<void> {
  // The server runs in this process: with the V8 flags it starts with.
  if (await rerunWithStartFlags()) return;
  // The server shares this process: run it with the V8 settings main.ts uses.
  applyV8Tuning();
  const redisServer = await startRedisServer();
  const redis = await createRedisClient(redisServer.url);
  try {
    say(`seeding ${ITEMS} items and ${PROFILES} profiles into a private redis on port ${redisServer.port}…`);
    await seedRedis(redisServer.url, { items: ITEMS, profiles: PROFILES, seed: SEED, features: FEATURES });

    // A person who consented to personalisation, and 200 candidates from the catalog.
    const { server, request, summary, body, responseBytes, urls, echoCalls } = await startEchoAndDecide(
      redisServer.url,
      POLICY_FILE,
      ITEMS,
    );
    try {
      say(summary);
      say(`request ${body.length - 5} bytes, response ${responseBytes} bytes`);

      const { echo: echoUrl, decide: decideUrl } = urls;
      const closed = { body, clients: CLIENTS, streamsPerClient: STREAMS, durationS: DURATION_S, warmUpS: 1 };

      const echoRps: number[] = [];
      const decideRps: number[] = [];
      let decidedBefore = server.pipeline.stats.decisions;
      let h2Succeeded = 0;
      const laneShares: number[] = [];
      const threadUsAtMax: number[] = [];
      const echoThreadUsAtMax: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const echoCost = mainThreadCostPer(echoCalls);
        const e = await runH2load({ ...closed, url: echoUrl });
        echoThreadUsAtMax.push(echoCost.since().us);
        const scoring = scoringFrom(server.pipeline.stats);
        const d = await profiled(CPU_PROFILE_DIR, `decide-max-${round}`, () =>
          runH2load({ ...closed, url: decideUrl }),
        );
        const { laneShare, threadUs, systemShare } = scoring.since();
        threadUsAtMax.push(threadUs);
        echoRps.push(e.rps);
        decideRps.push(d.rps);
        h2Succeeded += d.succeeded;
        if (e.failed + d.failed > 0) throw new Error(`failed streams: echo ${e.failed}, decide ${d.failed}`);
        laneShares.push(laneShare);
        say(
          `round ${round}: echo ${e.rps.toFixed(0)} req/s, decide ${d.rps.toFixed(0)} req/s (ratio ${(d.rps / e.rps).toFixed(2)}; server thread ${threadUs.toFixed(0)} µs a decision against Echo's ${echoThreadUsAtMax.at(-1)!.toFixed(0)} µs a call, ${(100 * systemShare).toFixed(0)} % of it in the kernel; ${(100 * laneShare).toFixed(0)} % scored on the lane)`,
        );
      }
      // h2load sees HTTP 200 even for a gRPC error: count successes on the server.
      const decided = server.pipeline.stats.decisions - decidedBefore;
      const fallbacks = server.pipeline.stats.fallbacks;
      if (decided < h2Succeeded)
        throw new Error(`server made ${decided} decisions for ${h2Succeeded} calls h2load saw succeed`);

      const echoMax = median(echoRps);
      const decideMax = median(decideRps);
      const half = Math.floor(decideMax / 2);
      // 4 connections, as a typical internal caller holds: 16 connections at the
      // same total rate tripled p50 and promoted enough per-stream state to cause
      // 50 ms mark-compacts (measured while building this bench).
      const openLoad = { url: decideUrl, body, clients: 4, streamsPerClient: 64 };
      const warmUpS = await warmUpAt(openLoad, half);
      decidedBefore = server.pipeline.stats.decisions;
      const cpuBefore = cpuTimes();
      const gc = watchGc();
      const scoringAtHalf = scoringFrom(server.pipeline.stats);
      const open = await profiled(CPU_PROFILE_DIR, "decide-half", () => runAtRate(openLoad, half, 5));
      const {
        laneShare: laneShareAtHalf,
        threadUs: threadUsAtHalf,
        systemShare: systemShareAtHalf,
      } = scoringAtHalf.since();
      const gcAtHalf = gc.stop();
      // Share of CPU time the hypervisor stole: noise a reader should see.
      const stealPct = Number(cpuShare(cpuBefore, cpuTimes(), "steal").toFixed(2));
      // The control: Echo on the same schedule, so the transport's and this
      // machine's own tail at that rate can be read beside Decide's.
      const echoOpenLoad = { url: echoUrl, body, clients: 4, streamsPerClient: 64 };
      await warmUpAt(echoOpenLoad, half);
      const echoCostAtHalf = mainThreadCostPer(echoCalls);
      const echoOpen = await runAtRate(echoOpenLoad, half, 5);
      const echoAtHalf = echoCostAtHalf.since();
      if (echoOpen.failed > 0) throw new Error(`echo at ${half} req/s: ${echoOpen.failed} failed streams`);
      const echoP99 = quantile(echoOpen.latenciesMs, 0.99);
      const reload =
        POLICY_FILE === ""
          ? NO_RELOAD
          : await reloadUnderLoad(
              server.address,
              closed,
              decideUrl,
              request,
              () => server.pipeline.stats.decisions,
            );
      if (reload.failed > 0 || reload.unknownVersions.length > 0) {
        throw new Error(
          `policy reload under load: ${reload.failed} failed calls, versions outside the set: ${reload.unknownVersions.join(", ")}`,
        );
      }
      say(
        `policy reloads under load: ${reload.reloads} swaps, ${reload.checked} checked answers, versions seen ${reload.versionsSeen.join(", ")}, h2load ${reload.h2loadRps.toFixed(0)} req/s, 0 failed`,
      );
      const openDecided = server.pipeline.stats.decisions - decidedBefore;
      if (open.failed > 0 || openDecided < open.succeeded) {
        throw new Error(
          `fixed-rate run: ${open.failed} failed streams, ${openDecided} decisions for ${open.succeeded} calls`,
        );
      }
      if (Math.abs(open.achievedRps / half - 1) > 0.05) {
        // Reported, not fatal: the figures still say what happened, and the JSON
        // carries the achieved rate beside the p99.
        say(
          `warning: the fixed-rate run achieved ${open.achievedRps.toFixed(0)} req/s, not within 5 % of ${half}`,
        );
      }
      const p50 = quantile(open.latenciesMs, 0.5);
      const p99 = quantile(open.latenciesMs, 0.99);
      say(
        `at ${half} req/s (half of max; achieved ${open.achievedRps.toFixed(0)}) for 5 s after ${warmUpS} s of warm-up: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; server thread ${threadUsAtHalf.toFixed(0)} µs a decision, ${(100 * systemShareAtHalf).toFixed(0)} % of it in the kernel; ${(100 * laneShareAtHalf).toFixed(0)} % scored on the lane`,
      );
      say(
        `echo at the same schedule (achieved ${echoOpen.achievedRps.toFixed(0)}): p50 ${quantile(echoOpen.latenciesMs, 0.5).toFixed(2)} ms, p99 ${echoP99.toFixed(2)} ms; server thread ${echoAtHalf.us.toFixed(0)} µs a call, ${(100 * echoAtHalf.systemShare).toFixed(0)} % of it in the kernel`,
      );
      say(
        `server GC during the half-rate run: ${gcAtHalf.major} mark-compacts (longest pause ${gcAtHalf.majorMaxMs.toFixed(1)} ms), ${gcAtHalf.minor} scavenges (longest ${gcAtHalf.minorMaxMs.toFixed(1)} ms)`,
      );
      say(`fallback decisions during the run: ${fallbacks}`);
      const curve = [
        {
          share: 0.5,
          offered_rps: half,
          achieved_rps: Math.round(open.achievedRps),
          p50_ms: Number(p50.toFixed(3)),
          p99_ms: Number(p99.toFixed(3)),
        },
      ];
      for (const share of CURVE_SHARES) {
        if (share === 0.5) continue;
        const rate = Math.floor(decideMax * share);
        const run = await atSteadyRate(openLoad, rate, 5);
        const point = {
          share,
          offered_rps: rate,
          achieved_rps: Math.round(run.achievedRps),
          p50_ms: Number(quantile(run.latenciesMs, 0.5).toFixed(3)),
          p99_ms: Number(quantile(run.latenciesMs, 0.99).toFixed(3)),
        };
        say(
          `at ${rate} req/s (${share} of max; achieved ${point.achieved_rps}): p50 ${point.p50_ms} ms, p99 ${point.p99_ms} ms, ${run.failed} failed`,
        );
        curve.push(point);
      }
      curve.sort((a, b) => a.share - b.share);
      const p99At = (share: number) => curve.find((c) => c.share === share)?.p99_ms ?? null;
      process.stdout.write(
        `${JSON.stringify({
          echo_rps: Math.round(echoMax),
          decide_rps: Math.round(decideMax),
          ratio: Number((decideMax / echoMax).toFixed(3)),
          decide_p99_ms_at_half: Number(p99.toFixed(3)),
          policy: server.policy.current().policy.name,
          policy_version: server.policy.current().policy.version,
          reload_swaps: reload.reloads,
          reload_checked_calls: reload.checked,
          reload_failed_calls: reload.failed,
          decide_p50_ms_at_half: Number(p50.toFixed(3)),
          echo_p99_ms_at_half: Number(echoP99.toFixed(3)),
          candidates: BENCH_CANDIDATES,
          rounds: ROUNDS,
          fallbacks,
          achieved_rps_at_half: Math.round(open.achievedRps),
          rate_warm_up_s: warmUpS,
          cpu_steal_pct_at_half: stealPct,
          gc_major_at_half: gcAtHalf.major,
          gc_major_max_pause_ms_at_half: Number(gcAtHalf.majorMaxMs.toFixed(2)),
          gc_minor_max_pause_ms_at_half: Number(gcAtHalf.minorMaxMs.toFixed(2)),
          scoring_lane: process.env.BENCH_SCORING_LANE !== "0",
          lane_share_at_max: Number(median(laneShares).toFixed(3)),
          lane_share_at_half: Number(laneShareAtHalf.toFixed(3)),
          thread_us_per_decision_at_max: Number(median(threadUsAtMax).toFixed(1)),
          thread_us_per_decision_at_half: Number(threadUsAtHalf.toFixed(1)),
          echo_thread_us_per_call_at_max: Number(median(echoThreadUsAtMax).toFixed(1)),
          echo_thread_us_per_call_at_half: Number(echoAtHalf.us.toFixed(1)),
          decide_p99_ms_at_50: p99At(0.5),
          decide_p99_ms_at_70: p99At(0.7),
          decide_p99_ms_at_90: p99At(0.9),
          curve,
        })}\n`,
      );
    } finally {
      await server.close(1000);
    }
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    await redisServer.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:decide failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

/**
 * The server's garbage-collection pauses while it runs (it shares this
 * process): mark-compacts are what the p99 at half shows (RESULTS.md).
 */
interface GcSeen {
  major: number;
  majorMaxMs: number;
  minor: number;
  minorMaxMs: number;
}

/**
 * From now on: the scoring lane's share of the decisions scored (`laneShare`),
 * and CPU µs of the server's thread (this process's main thread: the bench
 * hosts the server) per decision made (`threadUs`): what bounds Decide's
 * maximum, and a figure the machine's other load disturbs less than a rate.
 * `stats` is the pipeline's live counters object, read now and at `since`.
 */
function scoringFrom(stats: Readonly<PipelineStats>): {
  since(): { laneShare: number; threadUs: number; systemShare: number };
} {
  const cost = mainThreadCostPer(() => stats.decisions);
  const { inline, laned, pooled } = stats;
  return {
    since: () => {
      const { us, systemShare } = cost.since();
      const scored = stats.inline - inline + (stats.laned - laned) + (stats.pooled - pooled);
      return {
        laneShare: scored === 0 ? 0 : (stats.laned - laned) / scored,
        threadUs: us,
        systemShare,
      };
    },
  };
}

function watchGc(): { peek(): GcSeen; stop(): GcSeen } {
  const seen = { major: 0, majorMaxMs: 0, minor: 0, minorMaxMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        seen.major++;
        seen.majorMaxMs = Math.max(seen.majorMaxMs, e.duration);
      } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        seen.minor++;
        seen.minorMaxMs = Math.max(seen.minorMaxMs, e.duration);
      }
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    peek() {
      return seen;
    },
    stop() {
      observer.disconnect();
      return seen;
    },
  };
}

const NO_RELOAD = {
  reloads: 0,
  checked: 0,
  failed: 0,
  versionsSeen: [] as string[],
  unknownVersions: [] as string[],
  h2loadRps: 0,
};

/**
 * One closed-model Decide round while the policy is swapped every 50 ms
 * between two versions of the same file, with a checker client reading every
 * answer's policy version. Fails nothing itself: returns what it saw.
 */
async function reloadUnderLoad(
  address: string,
  closed: Omit<Parameters<typeof runH2load>[0], "url">,
  decideUrl: string,
  request: ReturnType<typeof create<typeof DecideRequestSchema>>,
  decisionCount: () => number,
): Promise<{
  reloads: number;
  checked: number;
  failed: number;
  versionsSeen: string[];
  unknownVersions: string[];
  h2loadRps: number;
}> {
  const base = await loadPolicyFile(POLICY_FILE);
  const versions = [`${base.version}-a`, `${base.version}-b`];
  const known = new Set([base.version, ...versions]);
  const policies = createServiceClient(PolicyService, address);
  const decisions = createServiceClient(DecisionService, address);
  let running = true;
  let reloads = 0;
  let checked = 0;
  let failed = 0;
  const seen = new Set<string>();
  const unknown = new Set<string>();
  const swapper = (async () => {
    while (running) {
      base.version = versions[reloads % 2]!;
      await policies.setPolicy({ policy: base });
      reloads++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const checkers = Array.from({ length: 4 }, async () => {
    while (running) {
      try {
        const res = await decisions.decide(request, { deadline: Date.now() + 2000 });
        checked++;
        seen.add(res.policyVersion);
        if (!known.has(res.policyVersion)) unknown.add(res.policyVersion);
      } catch {
        failed++;
      }
    }
  });
  const before = decisionCount();
  try {
    const d = await runH2load({ ...closed, url: decideUrl });
    failed += d.failed;
    running = false;
    await Promise.all(checkers);
    // h2load sees HTTP 200 even for a gRPC error: every answer it saw must be a decision.
    const decided = decisionCount() - before;
    if (decided < d.succeeded + checked) failed += d.succeeded + checked - decided;
    return {
      reloads,
      checked,
      failed,
      versionsSeen: [...seen].sort(),
      unknownVersions: [...unknown],
      h2loadRps: d.rps,
    };
  } finally {
    running = false;
    await swapper;
    await Promise.all(checkers);
    policies.close();
    decisions.close();
  }
}
