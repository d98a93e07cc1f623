/**
 * bench:lane — the scoring lane's A/B inside one run (a probe kept as a
 * benchmark).
 *
 * bench:decide's `BENCH_SCORING_LANE=0` compares the lane across runs, and on
 * a noisy machine the runs differ by more than the lane does. Here two real
 * servers share one process and one Redis (bench:decide's data: 100,000 SKUs,
 * 10,000 profiles, the 200-candidate search re-rank, no policy): "lane" with
 * the scoring lane, as shipped, and "inline" without it. Rounds alternate
 * their order. Each round drives each server alone:
 *  - at the closed-model maximum (h2load, 2 connections × 32 streams, 4 s);
 *  - on a fixed schedule at `rate` (h2load timing script, 4 connections × 64
 *    streams, 5 s after 3 s unmeasured), and Echo on the same schedule as
 *    the control: what the transport alone costs at that rate.
 * For each: the server thread's CPU µs per call (from /proc, this thread
 * only, so both servers are measured by what they cost the thread they
 * share), the kernel's share of it, the share of decisions scored on the
 * lane, and h2load's p50 and p99.
 *
 *   npm run bench:lane
 *   BENCH_LANE_RATE=2000 BENCH_ROUNDS=6 node dist/test/bench/lane.bench.js
 *     (default rate: half of the lane server's maximum in the first round)
 *   BENCH_LANE_BATCH=64 node dist/test/bench/lane.bench.js
 *     (the lane server's `scoringLaneBatch`: 64 all but never uses the lane,
 *     an A/A control of the two servers)
 *
 * Prints one JSON line last, medians over the rounds:
 *   {"rate","rounds","lane":{…},"inline":{…},"echo":{…}}
 */
import { createServer, type RelevanceServer } from "../../server/src/create-server.js";
import { silentLogger } from "../../server/src/log.js";
import { applyV8Tuning } from "../../server/src/runtime/v8-tuning.js";
import { startRedisServer } from "../support/redis-process.js";
import { startEchoAndDecide } from "./support/echo-and-decide.js";
import { benchServerOptions } from "./support/echo-service.js";
import { type H2loadResult, runAtRate, runH2load } from "./support/h2load.js";
import { seedRedis } from "./support/seed-redis.js";
import { rerunWithStartFlags } from "./support/start-flags.js";
import { mainThreadCostPer, median, quantile } from "./support/stats.js";

const ITEMS = 100_000;
const PROFILES = 10_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const FIXED_RATE = Number(process.env.BENCH_LANE_RATE ?? 0);
const say = (line: string) => process.stderr.write(`${line}\n`);

/** One phase's figures. */
interface Phase {
  readonly rps: number;
  readonly threadUs: number;
  readonly systemShare: number;
  readonly laneShare: number;
  readonly p50: number;
  readonly p99: number;
}

/** A server under test: where to send, and what it counts. */
interface Target {
  readonly name: "lane" | "inline" | "echo";
  readonly url: string;
  /** Calls it answered so far (h2load cannot see grpc-status: the server's count is checked). */
  calls(): number;
  laned(): number;
}

async function measure(target: Target, body: Buffer, rate: number): Promise<Phase> {
  const load =
    rate > 0
      ? { url: target.url, body, clients: 4, streamsPerClient: 64 }
      : { url: target.url, body, clients: 2, streamsPerClient: 32 };
  if (rate > 0) await runAtRate(load, rate, 3);
  const cost = mainThreadCostPer(target.calls);
  const calls0 = target.calls();
  const laned0 = target.laned();
  const run: H2loadResult & { achievedRps?: number } =
    rate > 0 ? await runAtRate(load, rate, 5) : await runH2load({ ...load, durationS: 4, warmUpS: 1 });
  const { us, systemShare } = cost.since();
  const calls = target.calls() - calls0;
  if (run.failed > 0 || calls < run.succeeded)
    throw new Error(
      `${target.name}: ${run.failed} failed streams, ${calls} answers for ${run.succeeded} calls`,
    );
  const sorted = Float64Array.from(run.latenciesMs).sort();
  return {
    rps: run.achievedRps ?? run.rps,
    threadUs: us,
    systemShare,
    laneShare: (target.laned() - laned0) / Math.max(1, calls),
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
  };
}

function line(name: string, at: string, p: Phase): string {
  return `${name.padEnd(6)} ${at}: ${p.rps.toFixed(0)} calls/s, server thread ${p.threadUs.toFixed(0)} µs a call (${(100 * p.systemShare).toFixed(0)} % kernel), ${(100 * p.laneShare).toFixed(0)} % on the lane, p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms`;
}

function medians(phases: Phase[]) {
  const m = (f: (p: Phase) => number) => Number(median(phases.map(f)).toFixed(3));
  return {
    rps: m((p) => p.rps),
    thread_us: m((p) => p.threadUs),
    system_share: m((p) => p.systemShare),
    lane_share: m((p) => p.laneShare),
    p50_ms: m((p) => p.p50),
    p99_ms: m((p) => p.p99),
  };
}

async function main(): Promise<void> {
  if (await rerunWithStartFlags()) return;
  applyV8Tuning();
  const redis = await startRedisServer();
  const servers: RelevanceServer[] = [];
  try {
    say(`seeding ${ITEMS} items and ${PROFILES} profiles into a private redis…`);
    await seedRedis(redis.url, { items: ITEMS, profiles: PROFILES, seed: 42, features: 64 });
    const withLane = await startEchoAndDecide(redis.url, "", ITEMS);
    servers.push(withLane.server);
    const inline = await createServer(
      { ...benchServerOptions(redis.url, ""), scoringLane: false },
      { log: silentLogger },
    );
    servers.push(inline);
    const decideUrl = (srv: RelevanceServer) => `http://${srv.address}/relevance.v1.DecisionService/Decide`;
    const targets: Target[] = [
      {
        name: "lane",
        url: decideUrl(withLane.server),
        calls: () => withLane.server.pipeline.stats.decisions,
        laned: () => withLane.server.pipeline.stats.laned,
      },
      {
        name: "inline",
        url: decideUrl(inline),
        calls: () => inline.pipeline.stats.decisions,
        laned: () => inline.pipeline.stats.laned,
      },
    ];
    const echo: Target = { name: "echo", url: withLane.urls.echo, calls: withLane.echoCalls, laned: () => 0 };
    const body = withLane.body;

    const atMax: Record<string, Phase[]> = { lane: [], inline: [] };
    const atRate: Record<string, Phase[]> = { lane: [], inline: [], echo: [] };
    let rate = FIXED_RATE;
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const p = await measure(t, body, 0);
        atMax[t.name]!.push(p);
        say(`round ${round + 1} ${line(t.name, "max", p)}`);
      }
      if (rate === 0) rate = Math.floor(atMax.lane![0]!.rps / 2);
      for (const t of [...order, echo]) {
        const p = await measure(t, body, rate);
        atRate[t.name]!.push(p);
        say(`round ${round + 1} ${line(t.name, `at ${rate}/s`, p)}`);
      }
    }
    process.stdout.write(
      `${JSON.stringify({
        rate,
        rounds: ROUNDS,
        lane: { max: medians(atMax.lane!), at_rate: medians(atRate.lane!) },
        inline: { max: medians(atMax.inline!), at_rate: medians(atRate.inline!) },
        echo: { at_rate: medians(atRate.echo!) },
      })}\n`,
    );
  } finally {
    for (const s of servers) await s.close(500);
    await redis.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:lane failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
