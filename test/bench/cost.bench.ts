/**
 * bench:cost — CPU time per call of the server, Redis and the load generator,
 * at Decide's maximum and at half of it. A probe kept as a benchmark: it
 * answers why bench:decide's "half of the maximum" can be close to
 * saturation (RESULTS.md).
 *
 * The maximum is measured in a closed model (h2load keeps 2 × 32 calls in
 * flight), where one wake-up of the server reads many requests and one write
 * carries many answers. At a fixed rate (4 connections × 64 streams on a
 * schedule, as bench:decide's half-rate run) calls arrive one by one, so each
 * pays the per-wake-up work itself: if that makes a call cost k times its
 * closed-model cost, half of the maximum keeps the server busy k / 2 of the
 * time, and queueing sets in well before k reaches 2.
 *
 * Setup as bench:decide (private Redis seeded with 100,000 SKUs and 10,000
 * profiles; the real server in this process under the demo policy, with the
 * transport-only Echo beside Decide). Echo and Decide each at their closed
 * maximum, then each on the schedule at half of Decide's maximum (after 3 s
 * unmeasured at that rate). CPU times: this process (the server; all its
 * threads) and Redis from /proc/<pid>/stat, h2load from the CPU time of
 * reaped children.
 *
 *   npm run bench:cost   (needs redis-server and h2load)
 *   BENCH_POLICY_FILE="" runs Decide without a policy.
 *
 * Prints a line per phase, then one JSON line: per phase `rps`, `server_us`,
 * `server_sys_us`, `redis_us`, `h2load_us` per call, `p50_ms`, `p99_ms`;
 * for the fixed-rate phases also `server_cpu_share` (server CPU over the
 * window, in cores); and `decide_open_over_closed`, `echo_open_over_closed`
 * (server µs per call at the fixed rate over the closed model's).
 */
import { applyV8Tuning } from "../../server/src/runtime/v8-tuning.js";
import { startRedisServer } from "../support/redis-process.js";
import { startEchoAndDecide } from "./support/echo-and-decide.js";
import { type H2loadResult, runAtRate, runH2load } from "./support/h2load.js";
import { seedRedis } from "./support/seed-redis.js";
import { rerunWithStartFlags } from "./support/start-flags.js";
import { machine, processCpu, processCpuUs, quantile } from "./support/stats.js";

const ITEMS = 100_000;
const PROFILES = 10_000;
const POLICY_FILE = process.env.BENCH_POLICY_FILE ?? "server/policies/demo.yaml";
const CLOSED_S = 4;
const RATE_S = 5;
const WARM_UP_S = 3;

const say = (line: string) => process.stderr.write(`${line}\n`);

interface PhaseCost {
  rps: number;
  server_us: number;
  server_sys_us: number;
  redis_us: number;
  h2load_us: number;
  p50_ms: number;
  p99_ms: number;
  server_cpu_share?: number;
}

async function main(): Promise<void> {
  // The server runs in this process: with the V8 flags it starts with.
  if (await rerunWithStartFlags()) return;
  applyV8Tuning();
  const redisServer = await startRedisServer();
  try {
    say(`seeding ${ITEMS} items and ${PROFILES} profiles…`);
    await seedRedis(redisServer.url, { items: ITEMS, profiles: PROFILES, seed: 42, features: 64 });
    const { server, body, urls } = await startEchoAndDecide(redisServer.url, POLICY_FILE, ITEMS);
    try {
      const measure = async (name: string, run: () => Promise<H2loadResult>): Promise<PhaseCost> => {
        const before = processCpu("self");
        const redisBefore = processCpuUs(redisServer.pid);
        const result = await run();
        const after = processCpu("self");
        // Completed calls per second (h2load's own req/s counts from its start).
        const calls = result.succeeded;
        if (result.failed > 0 || calls === 0)
          throw new Error(`${name}: ${result.failed} failed, ${calls} answered`);
        const per = (us: number) => Number((us / calls).toFixed(1));
        const cost: PhaseCost = {
          rps: Math.round(result.succeeded / result.seconds),
          server_us: per(after.userUs + after.systemUs - before.userUs - before.systemUs),
          server_sys_us: per(after.systemUs - before.systemUs),
          redis_us: per(processCpuUs(redisServer.pid) - redisBefore),
          h2load_us: per(after.childrenUs - before.childrenUs),
          p50_ms: Number(quantile(result.latenciesMs, 0.5).toFixed(2)),
          p99_ms: Number(quantile(result.latenciesMs, 0.99).toFixed(2)),
        };
        say(
          `${name}: ${cost.rps} calls/s; CPU per call: server ${cost.server_us} µs (system ${cost.server_sys_us}), redis ${cost.redis_us} µs, h2load ${cost.h2load_us} µs; p50 ${cost.p50_ms} ms, p99 ${cost.p99_ms} ms`,
        );
        return cost;
      };
      const closed = (url: string) => () =>
        runH2load({ url, body, clients: 2, streamsPerClient: 32, durationS: CLOSED_S, warmUpS: 1 });
      /** A fixed-rate phase after WARM_UP_S unmeasured seconds at that rate, with the server's CPU share over it. */
      const measureAtRate = async (name: string, url: string, rate: number): Promise<PhaseCost> => {
        const base = { url, body, clients: 4, streamsPerClient: 64 };
        // h2load drifts behind its schedule here: the warm-up finds the schedule that achieves the rate.
        const warm = await runAtRate(base, rate, WARM_UP_S);
        const schedule = warm.scheduleRatePerS;
        const cost = await measure(name, () =>
          runH2load({ ...base, scheduleRatePerS: schedule, requests: rate * RATE_S }),
        );
        // Cores the server used over the window: CPU µs per call × calls per second.
        return { ...cost, server_cpu_share: Number(((cost.server_us * cost.rps) / 1_000_000).toFixed(2)) };
      };

      say(machine());
      const echoClosed = await measure("echo, closed model", closed(urls.echo));
      const decideClosed = await measure("decide, closed model", closed(urls.decide));
      const half = Math.floor(decideClosed.rps / 2);
      const echoHalf = await measureAtRate(`echo at ${half}/s`, urls.echo, half);
      const decideHalf = await measureAtRate(`decide at ${half}/s`, urls.decide, half);
      const ratio = (open: PhaseCost, shut: PhaseCost) =>
        Number((open.server_us / shut.server_us).toFixed(2));
      process.stdout.write(
        `${JSON.stringify({
          machine: machine(),
          policy: server.policy.current().policy.name,
          half_rps: half,
          echo_closed: echoClosed,
          decide_closed: decideClosed,
          echo_at_half: echoHalf,
          decide_at_half: decideHalf,
          echo_open_over_closed: ratio(echoHalf, echoClosed),
          decide_open_over_closed: ratio(decideHalf, decideClosed),
        })}\n`,
      );
    } finally {
      await server.close(1000);
    }
  } finally {
    await redisServer.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:cost failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
