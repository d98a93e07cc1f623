/**
 * bench:processes — does a second server process on the same port buy Decide
 * throughput on this machine? A probe kept as a benchmark (DESIGN: measure,
 * then design).
 *
 * Why ask: during bench:decide's closed-model round the server thread is
 * saturated while the machine's other vCPU sits partly idle (Decide's 200
 * candidates run inline: the pool's workers have nothing to do). One private
 * Redis seeded like bench:decide (100,000 SKUs, 10,000 profiles); the bench
 * server (real Decide under the demo policy, plus the transport-only Echo)
 * started as 1 and as 2 worker processes sharing one port through
 * node:cluster (support/cluster-main.ts), rounds alternating 1 and 2. Each
 * round measures, like bench:decide, Echo's and Decide's maximum rates (h2load,
 * closed model, 4 connections × 32 streams) and Decide's p99 at half of its
 * own maximum on a fixed schedule; and checks on the decision log in Redis
 * that the server made at least as many decisions as h2load saw answers
 * (h2load cannot see grpc-status), and reads the machine's idle CPU share
 * from /proc/stat during the maximum-rate run.
 *
 *   npm run bench:processes   (needs redis-server and h2load)
 *
 * Prints one JSON line last: per process count N in {1, 2} echo_rps_N,
 * decide_rps_N, ratio_N, decide_p99_ms_at_half_N, idle_pct_N; and speedup
 * (decide_rps_2 / decide_rps_1). Not the product's deployment: see
 * support/cluster-main.ts for why.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { DecideRequestSchema } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { findFreePort, startRedisServer } from "../support/redis-process.js";
import { startServerProcess } from "../support/server-process.js";
import { ECHO_PATH } from "./support/echo-service.js";
import { grpcFrame, runAtRate, runH2load } from "./support/h2load.js";
import { personalisedSearch } from "./support/search-request.js";
import { seedRedis } from "./support/seed-redis.js";
import { rerunWithStartFlags } from "./support/start-flags.js";
import { cpuShare, cpuTimes, machine, median, quantile } from "./support/stats.js";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 4);
const FEATURES = 64;
const POLICY_FILE = process.env.BENCH_POLICY_FILE ?? "server/policies/demo.yaml";
const DECISIONS = "rl:decisions";

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Decisions logged after stream id `from` (exclusive), and the last id seen. */
async function decisionsSince(redis: Redis, from: string): Promise<{ count: number; last: string }> {
  let count = 0;
  let last = from;
  for (;;) {
    const entries = await redis.xrange(DECISIONS, `(${last}`, "+", "COUNT", 1000);
    if (entries.length === 0) return { count, last };
    for (const [id, fields] of entries) {
      last = id;
      const n = fields.indexOf("n");
      count += n >= 0 ? Number(fields[n + 1]) : 0;
    }
  }
}

/**
 * h2load cannot see grpc-status: the decision log must hold at least as many
 * decisions after `from` as h2load saw answers (it flushes every 20 ms).
 */
async function checkDecisionLog(
  redis: Redis,
  from: string,
  run: { failed: number; succeeded: number },
  what: string,
): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
  const { count } = await decisionsSince(redis, from);
  if (run.failed > 0 || count < run.succeeded) {
    throw new Error(
      `${what}: ${run.failed} failed streams, ${count} decisions logged for ${run.succeeded} answers`,
    );
  }
}

class Figures {
  readonly echo: number[] = [];
  readonly decide: number[] = [];
  readonly idle: number[] = [];
  readonly p99: number[] = [];
}

async function lastDecisionId(redis: Redis): Promise<string> {
  const [entry] = await redis.xrevrange(DECISIONS, "+", "-", "COUNT", 1);
  return entry?.[0] ?? "0-0";
}

async function main(): Promise<void> {
  // The server runs in this process: with the V8 flags it starts with.
  if (await rerunWithStartFlags()) return;
  const redisServer = await startRedisServer();
  const redis = await createRedisClient(redisServer.url);
  const script = new URL("./support/cluster-main.js", import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), "relevance-cluster-"));
  const echoFile = join(dir, "echo-response");
  try {
    say(`seeding ${ITEMS} items and ${PROFILES} profiles into a private redis on port ${redisServer.port}…`);
    await seedRedis(redisServer.url, { items: ITEMS, profiles: PROFILES, seed: 42, features: FEATURES });
    let body: Buffer | null = null;
    const figures = { 1: new Figures(), 2: new Figures() };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const processes of [1, 2] as const) {
        const port = await findFreePort();
        const readyFile = join(dir, `ready-${round}-${processes}`);
        const server = await startServerProcess(
          redisServer.url,
          port,
          {
            BENCH_PROCESSES: String(processes),
            BENCH_CLUSTER_READY_FILE: readyFile,
            BENCH_POLICY_FILE: POLICY_FILE,
            BENCH_ECHO_RESPONSE_FILE: echoFile,
          },
          [],
          script,
        );
        try {
          while (!existsSync(readyFile)) await new Promise((r) => setTimeout(r, 50));
          if (body === null) {
            const found = await personalisedSearch(`127.0.0.1:${port}`, ITEMS);
            say(found.summary);
            writeFileSync(echoFile, found.response);
            body = grpcFrame(toBinary(DecideRequestSchema, found.request));
          }
          const base = `http://127.0.0.1:${port}`;
          const closed = { body, clients: 4, streamsPerClient: 32, durationS: DURATION_S, warmUpS: 1 };
          const echo = await runH2load({ ...closed, url: `${base}${ECHO_PATH}` });
          if (echo.failed > 0)
            throw new Error(`${processes} process(es): ${echo.failed} failed echo streams`);

          const decideUrl = `${base}/relevance.v1.DecisionService/Decide`;
          let from = await lastDecisionId(redis);
          const before = cpuTimes();
          const decide = await runH2load({ ...closed, url: decideUrl });
          const after = cpuTimes();
          await checkDecisionLog(redis, from, decide, `${processes} process(es), closed model`);
          const half = Math.floor(decide.rps / 2);
          from = await lastDecisionId(redis);
          const open = await runAtRate({ url: decideUrl, body, clients: 4, streamsPerClient: 64 }, half, 5);
          await checkDecisionLog(redis, from, open, `${processes} process(es), at half`);

          const f = figures[processes];
          f.echo.push(echo.rps);
          f.decide.push(decide.rps);
          f.idle.push(cpuShare(before, after, "idle"));
          f.p99.push(quantile(open.latenciesMs, 0.99));
          say(
            `round ${round}, ${processes} process(es): echo ${echo.rps.toFixed(0)}/s, Decide ${decide.rps.toFixed(0)}/s` +
              ` (ratio ${(decide.rps / echo.rps).toFixed(2)}), machine idle ${f.idle.at(-1)!.toFixed(0)} %;` +
              ` at ${half}/s (achieved ${open.achievedRps.toFixed(0)}) p99 ${f.p99.at(-1)!.toFixed(2)} ms`,
          );
        } finally {
          server.kill("SIGTERM");
          await new Promise((r) => server.once("exit", r));
        }
      }
    }
    const out: Record<string, unknown> = {
      machine: machine(),
      policy: POLICY_FILE === "" ? "none" : POLICY_FILE,
    };
    for (const n of [1, 2] as const) {
      const f = figures[n];
      out[`echo_rps_${n}`] = Math.round(median(f.echo));
      out[`decide_rps_${n}`] = Math.round(median(f.decide));
      out[`ratio_${n}`] = Number((median(f.decide) / median(f.echo)).toFixed(3));
      out[`decide_p99_ms_at_half_${n}`] = Number(median(f.p99).toFixed(2));
      out[`idle_pct_${n}`] = Number(median(f.idle).toFixed(1));
    }
    out.speedup = Number((median(figures[2].decide) / median(figures[1].decide)).toFixed(2));
    out.rounds = ROUNDS;
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    redis.disconnect();
    await redisServer.stop();
  }
}

await main();
