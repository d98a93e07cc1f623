/**
 * bench:faults — the server under faults, on the real path: a private Redis
 * this bench starts, the real server process (`dist/server/src/main.js`),
 * gRPC over loopback, and open-model Decide load from this process.
 *
 * 1. Overload: the capacity is measured (closed loop), then 3× of it is
 *    offered for a few seconds. Reported: the p99 of calls shed with
 *    RESOURCE_EXHAUSTED, the p99 of accepted calls against their p99 at half
 *    the capacity, and the server's resident memory before and at its peak.
 * 2. Redis stall: Redis is frozen (SIGSTOP) for 2 s under load, then thawed.
 *    Reported: failed calls, calls answered after their deadline, the p99 and
 *    fallback share during the stall, and the time from SIGCONT until every
 *    call is personalised again.
 * 3. Fuzz (below) runs here, before the kill empties Redis.
 * 4. Redis kill: Redis is killed (SIGKILL) under load and a new one started on
 *    the same port 1 s later (empty: nothing persisted). Reported: failed
 *    calls, calls past their deadline, time until answers come from Redis again.
 * 4. Fuzz: FAULTS_FUZZ_CASES (100,000) fuzzed calls to every RPC of the same
 *    server (test/fuzz/rpc-fuzz.ts); crashes are calls ending in any status but
 *    an answer or a named refusal, or with internals in the message, or the
 *    process dying.
 * 5. SIGTERM under load with a Subscribe stream open: a caller that watches
 *    health stops sending on NOT_SERVING; reported: failed unary calls and the
 *    exit time against the grace time.
 *
 *   npm run bench:faults   (needs redis-server; the npm script builds first)
 *
 * Knobs: FAULTS_RATE (Decide calls/s during the Redis faults, 1000),
 * FAULTS_DEADLINE_MS (every call's deadline, 50), FAULTS_FUZZ_CASES (100000),
 * BENCH_ITEMS (20000), BENCH_PROFILES (5000), FAULTS_ONLY (a comma-separated
 * subset of overload, stall, kill, fuzz, sigterm), FAULTS_DEBUG (print bad calls per
 * 250 ms of the Redis scenarios).
 *
 * Prints human-readable lines on stderr, then one JSON line on stdout.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import fc from "fast-check";
import { openSubscription } from "../../adapters/src/subscription-client.js";
import {
  DecideRequestSchema,
  DecideResponseSchema,
  Degradation,
  Treatment,
} from "../../server/src/gen/relevance/v1/decision_pb.js";
import { ALLOWED, type FuzzOutcome, mutation, rawClients, seeds, send } from "../fuzz/rpc-fuzz.js";
import { watchForNotServing } from "../server/support/health-client.js";
import {
  findFreePort,
  prepareRedisServer,
  type RedisServerHandle,
  startRedisServer,
} from "../support/redis-process.js";
import { startServerProcess } from "../support/server-process.js";
import { grpcFrame, runH2load } from "./support/h2load.js";
import { type CallSample, runOpenLoad } from "./support/open-load.js";
import { searchRequest } from "./support/search-request.js";
import { seedRedis } from "./support/seed-redis.js";
import { rerunWithStartFlags } from "./support/start-flags.js";
import { machine, quantile } from "./support/stats.js";

const RATE = Number(process.env.FAULTS_RATE ?? 1000);
const DEADLINE_MS = Number(process.env.FAULTS_DEADLINE_MS ?? 50);
const FUZZ_CASES = Number(process.env.FAULTS_FUZZ_CASES ?? 100_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 20_000);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 5_000);
/** FAULTS_ONLY=overload,stall: run only those scenarios (of overload, stall, kill, fuzz, sigterm). */
const ONLY = (process.env.FAULTS_ONLY ?? "").split(",").filter((x) => x !== "");
const GRACE_MS = 3000;
const DRAIN_MS = 500;

const say = (line: string) => process.stderr.write(`${line}\n`);
const _sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** Decide requests for the first people of the seeded set, 200 catalog candidates each. */
/** 256 search requests of 256 different people (encoded), as the open-load runs cycle through them. */
function requests(): Buffer[] {
  return Array.from({ length: 256 }, (_, u) =>
    Buffer.from(toBinary(DecideRequestSchema, searchRequest((u % PROFILES) + 1, ITEMS))),
  );
}

/** "personal", "redis_down" (the profile could not be read) or "other" (missing or sparse profile, …). */
function classify(response: Buffer): string {
  const r = fromBinary(DecideResponseSchema, response);
  if (r.treatment === Treatment.PERSONALIZED) return "personal";
  const down = r.degradations.some(
    (d) => d === Degradation.PROFILE_TIMEOUT || d === Degradation.PROFILE_UNAVAILABLE,
  );
  return down ? "redis_down" : "other";
}

function p99(samples: readonly CallSample[]): number {
  return quantile(Float64Array.from(samples, (s) => s.ms).sort(), 0.99);
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return line === undefined ? Number.NaN : Number(line.split(/\s+/)[1]) / 1024;
}

/**
 * Time from `fromMs` until the first call sent after it came back `good`
 * (answered from Redis again), measured to that call's answer; null if none did.
 */
function recoveryMs(
  samples: readonly CallSample[],
  fromMs: number,
  good: (s: CallSample) => boolean,
): number | null {
  const first = samples.find((s) => s.sentAt >= fromMs && good(s));
  return first === undefined ? null : first.sentAt + first.ms - fromMs;
}

/** Share of calls sent in [fromMs, toMs) that were not `good`. */
function badShare(
  samples: readonly CallSample[],
  fromMs: number,
  toMs: number,
  good: (s: CallSample) => boolean,
) {
  const window = samples.filter((s) => s.sentAt >= fromMs && s.sentAt < toMs);
  return window.length === 0 ? Number.NaN : window.filter((s) => !good(s)).length / window.length;
}

/** FAULTS_DEBUG: per 250 ms of send time, how many calls fell back, failed or came late ("1000:250(3 late)"). */
function badCallsByQuarterSecond(samples: readonly CallSample[]): string {
  const buckets = new Map<number, { bad: number; late: number; lag: number }>();
  for (const x of samples) {
    const late = x.ms > DEADLINE_MS;
    if (!late && x.code === status.OK && x.kind !== "redis_down") continue;
    const at = Math.floor(x.sentAt / 250) * 250;
    const b = buckets.get(at) ?? { bad: 0, late: 0, lag: 0 };
    b.bad++;
    if (late) b.late++;
    b.lag = Math.max(b.lag, x.sendLagMs);
    buckets.set(at, b);
  }
  // "late" calls with a large client send lag were held up by the load generator, not the server.
  return [...buckets]
    .map(
      ([at, b]) =>
        `${at}:${b.bad}${b.late > 0 ? `(${b.late} late, client lag ≤${b.lag.toFixed(0)} ms)` : ""}`,
    )
    .join(" ");
}

function codes(samples: readonly CallSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) out[status[s.code]!] = (out[status[s.code]!] ?? 0) + 1;
  return out;
}

/** Decide calls the server answered, by status code, from its metrics. */
async function decideCalls(metricsPort: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(
    /^relevance_grpc_calls_total\{method="relevance\.v1\.DecisionService\/Decide",code="(\w+)"\} (\d+)/gm,
  )) {
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

/**
 * Overload. A Node client cannot offer three times this server's capacity on
 * two cores (a grpc-js client fell a second behind its schedule at 7k calls/s),
 * so h2load (C, timing script) offers the load, and a probe client sends 200
 * calls a second beside it whose every status and latency is recorded: the
 * probe's calls queue with h2load's, on the same server. The server's own
 * counters give the totals shed and accepted.
 */
async function overload(address: string, pid: number, metricsPort: number, reqs: Buffer[]) {
  const url = `http://${address}/relevance.v1.DecisionService/Decide`;
  const body = grpcFrame(reqs[0]!);
  const base = { url, body, clients: 2, streamsPerClient: 32 };
  await runH2load({ ...base, durationS: 2, warmUpS: 1 });
  let before = await decideCalls(metricsPort);
  const closed = await runH2load({ ...base, durationS: 4, warmUpS: 1 });
  const answered = delta(await decideCalls(metricsPort), before);
  const capacity = closed.rps * ((answered.OK ?? 0) / Math.max(1, closed.succeeded + closed.failed));
  say(
    `overload: capacity ${capacity.toFixed(0)} decisions/s (h2load closed loop, 64 in flight; ${JSON.stringify(answered)})`,
  );

  const probe = (durationMs: number, onTick?: (t: number) => void) =>
    runOpenLoad({
      address,
      rate: 200,
      durationMs,
      requests: reqs,
      deadlineMs: 1000,
      channels: 1,
      ...(onTick ? { onTick } : {}),
    });
  const loaded = { url, body, clients: 4, streamsPerClient: 256 };
  const [half, halfProbe] = await Promise.all([
    runH2load({ ...loaded, scheduleRatePerS: capacity / 2, requests: Math.round(capacity * 2) }),
    probe(4000),
  ]);
  const baseOk = halfProbe.samples.filter((s) => s.code === status.OK);
  say(
    `overload: at half capacity h2load sent ${half.rps.toFixed(0)}/s; probe ${JSON.stringify(codes(halfProbe.samples))}, p99 ${p99(baseOk).toFixed(2)} ms`,
  );

  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  let lastRss = 0;
  before = await decideCalls(metricsPort);
  const [over, overProbe] = await Promise.all([
    runH2load({ ...loaded, scheduleRatePerS: capacity * 3, requests: Math.round(capacity * 3 * 5) }),
    probe(5000, (t) => {
      if (t - lastRss < 100) return;
      lastRss = t;
      rssPeak = Math.max(rssPeak, rssMb(pid));
    }),
  ]);
  const server = delta(await decideCalls(metricsPort), before);
  const offered = over.seconds > 0 ? (over.succeeded + over.failed) / over.seconds : 0;
  const accepted = overProbe.samples.filter((s) => s.code === status.OK);
  const shed = overProbe.samples.filter((s) => s.code === status.RESOURCE_EXHAUSTED);
  const other = overProbe.samples.length - accepted.length - shed.length;
  say(
    `overload: h2load offered ${offered.toFixed(0)}/s (${(offered / capacity).toFixed(2)}× capacity), server answered ${JSON.stringify(server)}; ` +
      `probe: ${accepted.length} accepted (p99 ${p99(accepted).toFixed(2)} ms), ${shed.length} shed (p99 ${p99(shed).toFixed(2)} ms), ` +
      `${other} other ${JSON.stringify(codes(overProbe.samples))}; rss ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} MB`,
  );
  return {
    capacity_rps: round(capacity, 0),
    overload_offered_x: round(offered / capacity),
    overload_shed_share: round(
      (server.RESOURCE_EXHAUSTED ?? 0) /
        Math.max(
          1,
          Object.values(server).reduce((a, b) => a + b, 0),
        ),
      3,
    ),
    overload_shed_p99_ms: round(p99(shed)),
    overload_accepted_p99_ms: round(p99(accepted)),
    overload_baseline_p99_ms: round(p99(baseOk)),
    overload_other_failed:
      Object.values(server).reduce((a, b) => a + b, 0) - (server.OK ?? 0) - (server.RESOURCE_EXHAUSTED ?? 0),
    overload_rss_mb_before: round(rssBefore, 0),
    overload_rss_mb_peak: round(rssPeak, 0),
  };
}

/**
 * A second of the same load, unmeasured (connections, JIT and caches warm
 * before a scenario), then collects this process's own garbage: the load
 * generator runs here, and a mark-compact of what fuzzing left behind once
 * held its sends back ~70 ms in the middle of the kill scenario, which the
 * server was then blamed for (`npm run bench:faults` runs node --expose-gc).
 */
async function warmUp(address: string, reqs: Buffer[]): Promise<void> {
  await runOpenLoad({ address, rate: RATE, durationMs: 1000, requests: reqs, deadlineMs: 1000 });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined)
    say("note: run with node --expose-gc so the load generator's own GC stays out of the figures");
  else gc();
}

async function redisStall(address: string, redis: RedisServerHandle, reqs: Buffer[]) {
  await warmUp(address, reqs);
  const stopAt = 1000;
  const resumeAt = 3000;
  let paused = false;
  let resumed = false;
  const run = await runOpenLoad({
    address,
    rate: RATE,
    durationMs: 6000,
    requests: reqs,
    deadlineMs: DEADLINE_MS,
    classify,
    onTick: (t) => {
      if (!paused && t >= stopAt) {
        paused = true;
        redis.pause();
      }
      if (!resumed && t >= resumeAt) {
        resumed = true;
        redis.resume();
      }
    },
  });
  const all = run.samples;
  if (process.env.FAULTS_DEBUG) say(badCallsByQuarterSecond(all));
  const during = all.filter((s) => s.sentAt >= stopAt && s.sentAt < resumeAt);
  const failed = all.filter((s) => s.code !== status.OK).length;
  const late = all.filter((s) => s.ms > DEADLINE_MS).length;
  const fallbackShare = during.filter((s) => s.kind === "redis_down").length / during.length;
  const fromRedis = (s: CallSample) => s.code === status.OK && s.kind !== "redis_down";
  const recovery = recoveryMs(all, resumeAt, fromRedis);
  // After recovery: the share of answers still without Redis (stray profile-read timeouts included).
  const after = recovery === null ? Number.NaN : badShare(all, resumeAt + recovery, 6000, fromRedis);
  say(
    `redis stall: ${all.length} calls at ${run.achievedRate.toFixed(0)}/s, ${failed} failed ${JSON.stringify(codes(all))}, ` +
      `${late} past the ${DEADLINE_MS} ms deadline; during the 2 s stall p99 ${p99(during).toFixed(2)} ms, ` +
      `max ${Math.max(...during.map((s) => s.ms)).toFixed(2)} ms, fallback share ${fallbackShare.toFixed(3)}; ` +
      `answered from redis again ${recovery?.toFixed(0)} ms after SIGCONT, then ${(after * 100).toFixed(2)} % without it`,
  );
  return {
    redis_stall_failed: failed,
    redis_stall_late: late,
    redis_stall_fallback_share: round(fallbackShare, 3),
    redis_stall_p99_ms: round(p99(during)),
    redis_recovery_ms: recovery === null ? null : round(recovery, 0),
    redis_stall_after_fallback_share: round(after, 4),
  };
}

async function redisKill(address: string, redis: RedisServerHandle, reqs: Buffer[]) {
  await warmUp(address, reqs);
  const killAt = 1000;
  const restartAt = 2000;
  let killed = false;
  let restarting: Promise<RedisServerHandle> | null = null;
  // Forked now, started at restartAt: a fork in the middle of the run stalled this load generator.
  const replacement = await prepareRedisServer({ port: redis.port });
  const run = await runOpenLoad({
    address,
    rate: RATE,
    durationMs: 6000,
    requests: reqs,
    deadlineMs: DEADLINE_MS,
    classify,
    onTick: (t) => {
      if (!killed && t >= killAt) {
        killed = true;
        process.kill(redis.pid, "SIGKILL");
      }
      if (restarting === null && t >= restartAt) restarting = replacement.start();
    },
  });
  const next = await restarting!;
  const all = run.samples;
  if (process.env.FAULTS_DEBUG) say(badCallsByQuarterSecond(all));
  const failed = all.filter((s) => s.code !== status.OK).length;
  const late = all.filter((s) => s.ms > DEADLINE_MS).length;
  // Back means answered from Redis again: a profile read that did not fail (the new Redis is empty).
  const fromRedis = (s: CallSample) => s.code === status.OK && s.kind !== "redis_down";
  const recovery = recoveryMs(all, restartAt, fromRedis);
  const after = recovery === null ? Number.NaN : badShare(all, restartAt + recovery, 6000, fromRedis);
  say(
    `redis kill: ${all.length} calls, ${failed} failed ${JSON.stringify(codes(all))}, ${late} past the deadline, ` +
      `max ${Math.max(...all.map((s) => s.ms)).toFixed(2)} ms; answered from redis again ${recovery?.toFixed(0)} ms after the restart began, then ${(after * 100).toFixed(2)} % without it`,
  );
  return {
    result: {
      redis_kill_failed: failed,
      redis_kill_late: late,
      redis_kill_recovery_ms: recovery === null ? null : round(recovery, 0),
      redis_kill_after_fallback_share: round(after, 4),
    },
    redis: next,
  };
}

async function fuzz(address: string) {
  const clients = rawClients(address);
  const all = seeds();
  const arbitrary = fc
    .nat({ max: all.length - 1 })
    .chain((i) => fc.tuple(fc.constant(i), mutation(all[i]!.seed, 8 * 1024 * 1024 + 1)));
  const samples = fc.sample(arbitrary, { numRuns: FUZZ_CASES, seed: 7 });
  const bad: FuzzOutcome[] = [];
  let cases = 0;
  const started = performance.now();
  for (let start = 0; start < samples.length; start += 8) {
    const outcomes = await Promise.all(
      samples.slice(start, start + 8).map(([i, body]) => {
        const s = all[i]!;
        return send(clients.get(s.service)!, s.service, s.method, body);
      }),
    );
    for (const o of outcomes) {
      cases++;
      if (!ALLOWED.has(o.code) || /internal error|\n\s+at /i.test(o.details)) bad.push(o);
    }
  }
  for (const c of clients.values()) c.close();
  say(
    `fuzz: ${cases} cases in ${((performance.now() - started) / 1000).toFixed(0)} s, ${bad.length} crashes ${JSON.stringify(bad.slice(0, 3))}`,
  );
  return { fuzz_cases: cases, fuzz_crashes: bad.length };
}

async function sigterm(address: string, server: ChildProcess, reqs: Buffer[]) {
  const health = watchForNotServing(address, "relevance.v1.DecisionService");
  let streamEnd: Error | null | undefined;
  const subscription = openSubscription(address, "email", "faults-adapter", 8, {
    onSubscribed() {},
    onDelivery() {},
    onEnd(e) {
      streamEnd = e;
    },
  });
  const exited = new Promise<number>((resolve) => server.once("exit", (code) => resolve(code ?? -1)));
  let signalledAt = 0;
  const run = await runOpenLoad({
    address,
    rate: RATE,
    durationMs: 10_000,
    requests: reqs,
    deadlineMs: 2000,
    onTick: (t) => {
      if (signalledAt === 0 && t >= 1000) {
        signalledAt = performance.now();
        server.kill("SIGTERM");
      }
    },
    stopSending: health.notServing,
  });
  const code = await exited;
  const exitMs = performance.now() - signalledAt;
  subscription.close();
  health.close();
  const failed = run.samples.filter((s) => s.code !== status.OK).length;
  say(
    `sigterm: ${run.samples.length} calls, ${failed} failed ${JSON.stringify(codes(run.samples))}; exit ${code} after ` +
      `${exitMs.toFixed(0)} ms (grace ${GRACE_MS} ms); stream ended ${streamEnd === undefined ? "not yet" : streamEnd === null ? "cleanly" : `with ${streamEnd.message}`}`,
  );
  return {
    sigterm_failed: failed,
    sigterm_exit_code: code,
    sigterm_exit_ms: round(exitMs, 0),
    sigterm_grace_ms: GRACE_MS,
  };
}

async function main(): Promise<void> {
  // The server runs in this process: with the V8 flags it starts with.
  if (await rerunWithStartFlags()) return;
  let redis = await startRedisServer();
  say(`seeding ${ITEMS} items and ${PROFILES} profiles into a private redis on port ${redis.port}…`);
  await seedRedis(redis.url, { items: ITEMS, profiles: PROFILES, seed: 42, features: 64 });
  const port = await findFreePort();
  const metricsPort = await findFreePort();
  const address = `127.0.0.1:${port}`;
  const server = await startServerProcess(redis.url, port, {
    RELEVANCE_SHUTDOWN_GRACE_MS: String(GRACE_MS),
    RELEVANCE_SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
    RELEVANCE_METRICS_PORT: String(metricsPort),
  });
  const reqs = requests();
  try {
    const result: Record<string, unknown> = {};
    const run = (name: string) => ONLY.length === 0 || ONLY.includes(name);
    if (run("overload")) Object.assign(result, await overload(address, server.pid!, metricsPort, reqs));
    if (run("stall")) Object.assign(result, await redisStall(address, redis, reqs));
    if (run("fuzz")) {
      Object.assign(result, await fuzz(address));
      if (server.exitCode !== null) {
        result.fuzz_crashes = (result.fuzz_crashes as number) + 1;
        throw new Error(`the server exited ${server.exitCode} during the fuzz run`);
      }
    }
    if (run("kill")) {
      const killed = await redisKill(address, redis, reqs);
      redis = killed.redis;
      Object.assign(result, killed.result);
    }
    if (run("sigterm")) Object.assign(result, await sigterm(address, server, reqs));
    process.stdout.write(`${JSON.stringify({ machine: machine(), ...result })}\n`);
  } finally {
    if (server.exitCode === null) server.kill("SIGKILL");
    await redis.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:faults failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
