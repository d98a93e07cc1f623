/**
 * bench:processes — does a second server process on the same port buy Decide
 * throughput on this machine? A probe kept as a benchmark (DESIGN: measure,
 * then design).
 *
 * Why ask: during bench:decide's closed-model round the server thread is
 * saturated while the machine's other vCPU sits partly idle (Decide's 200
 * candidates run inline: the pool's workers have nothing to do). One private
 * Redis seeded like bench:decide (100,000 SKUs, 10,000 profiles); the real
 * server (`main.js`, demo policy) started as 1 and as 2 processes sharing one
 * port through node:cluster; h2load (closed model, 4 connections × 32
 * streams) drives Decide with 200 candidates, rounds alternating 1 and 2.
 * Every round checks on the decision log in Redis that the server made at
 * least as many decisions as h2load saw answers (h2load cannot see
 * grpc-status), and reads the machine's idle CPU share from /proc/stat.
 *
 *   npm run bench:processes   (needs redis-server and h2load)
 *
 * Prints one JSON line last:
 *   {"machine","decide_rps_1","decide_rps_2","speedup","idle_pct_1","idle_pct_2"}
 * Not the product's deployment: see support/cluster-main.ts for why.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { syntheticSku } from "../../server/src/demo/synthetic.js";
import {
  DecideRequestSchema,
  DecisionService,
  Treatment,
} from "../../server/src/gen/relevance/v1/decision_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { findFreePort, startRedisServer } from "../support/redis-process.js";
import { startServerProcess } from "../support/server-process.js";
import { grpcFrame, runH2load } from "./support/h2load.js";
import { seedRedis } from "./support/seed-redis.js";
import { machine, median } from "./support/stats.js";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 4);
const CANDIDATES = 200;
const FEATURES = 64;
const DECISIONS = "rl:decisions";

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Idle and total jiffies of the whole machine, from /proc/stat. */
function readCpu(): [number, number] {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return [(cpu[3] ?? 0) + (cpu[4] ?? 0), cpu.reduce((a, b) => a + b, 0)];
}

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

async function lastDecisionId(redis: Redis): Promise<string> {
  const [entry] = await redis.xrevrange(DECISIONS, "+", "-", "COUNT", 1);
  return entry?.[0] ?? "0-0";
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const redis = await createRedisClient(redisServer.url);
  const script = new URL("./support/cluster-main.js", import.meta.url).pathname;
  const readyDir = mkdtempSync(join(tmpdir(), "relevance-cluster-"));
  try {
    say(`seeding ${ITEMS} items and ${PROFILES} profiles into a private redis on port ${redisServer.port}…`);
    await seedRedis(redisServer.url, { items: ITEMS, profiles: PROFILES, seed: 42, features: FEATURES });
    const candidates = Array.from({ length: CANDIDATES }, (_, i) => ({
      sku: syntheticSku((i * 7919) % ITEMS),
      baseScore: 1 - i / CANDIDATES,
    }));
    const requestFor = (u: number) =>
      create(DecideRequestSchema, {
        userId: `user-${String(u).padStart(6, "0")}`,
        channel: 1,
        useCase: "search",
        placement: "grid",
        context: { device: "mobile", locale: "en-GB", query: "running shoes" },
        candidates,
        limit: 20,
      });

    let body: Buffer | null = null;
    const rps: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const idle: Record<1 | 2, number[]> = { 1: [], 2: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const processes of [1, 2] as const) {
        const port = await findFreePort();
        const readyFile = join(readyDir, `ready-${round}-${processes}`);
        const server = await startServerProcess(
          redisServer.url,
          port,
          {
            BENCH_PROCESSES: String(processes),
            BENCH_CLUSTER_READY_FILE: readyFile,
            RELEVANCE_POLICY_FILE: "server/policies/demo.yaml",
          },
          [],
          script,
        );
        try {
          while (processes > 1 && !existsSync(readyFile)) await new Promise((r) => setTimeout(r, 50));
          if (body === null) body = await personalisedBody(`127.0.0.1:${port}`, requestFor);
          const from = await lastDecisionId(redis);
          const before = readCpu();
          const r = await runH2load({
            url: `http://127.0.0.1:${port}/relevance.v1.DecisionService/Decide`,
            body,
            clients: 4,
            streamsPerClient: 32,
            durationS: DURATION_S,
            warmUpS: 1,
          });
          const after = readCpu();
          await new Promise((r) => setTimeout(r, 500)); // the decision log flushes every 20 ms
          const { count } = await decisionsSince(redis, from);
          if (r.failed > 0 || count < r.succeeded) {
            throw new Error(
              `${processes} process(es): ${r.failed} failed streams, ${count} decisions logged for ${r.succeeded} answers`,
            );
          }
          const idlePct = (100 * (after[0] - before[0])) / (after[1] - before[1]);
          rps[processes].push(r.rps);
          idle[processes].push(idlePct);
          say(
            `round ${round}, ${processes} process(es): ${r.rps.toFixed(0)} Decide/s, machine idle ${idlePct.toFixed(0)} %`,
          );
        } finally {
          server.kill("SIGTERM");
          await new Promise((r) => server.once("exit", r));
        }
      }
    }
    const one = median(rps[1]);
    const two = median(rps[2]);
    process.stdout.write(
      `${JSON.stringify({
        machine: machine(),
        decide_rps_1: Math.round(one),
        decide_rps_2: Math.round(two),
        speedup: Number((two / one).toFixed(2)),
        idle_pct_1: Number(median(idle[1]).toFixed(1)),
        idle_pct_2: Number(median(idle[2]).toFixed(1)),
        rounds: ROUNDS,
      })}\n`,
    );
  } finally {
    rmSync(readyDir, { recursive: true, force: true });
    redis.disconnect();
    await redisServer.stop();
  }
}

/** The request body of a person Decide personalises for (consented, profile present). */
async function personalisedBody(
  address: string,
  requestFor: (u: number) => ReturnType<typeof create<typeof DecideRequestSchema>>,
): Promise<Buffer> {
  const client = createServiceClient(DecisionService, address);
  try {
    for (let u = 1; u <= 100; u++) {
      const request = requestFor(u);
      const res = await client.decide(request, { deadline: Date.now() + 2000 });
      if (res.treatment === Treatment.PERSONALIZED && res.degradations.length === 0 && res.items.length > 0) {
        say(`person ${request.userId}: personalised, ${res.items.length} items`);
        return grpcFrame(toBinary(DecideRequestSchema, request));
      }
    }
  } finally {
    client.close();
  }
  throw new Error("no personalised person among the first 100");
}

await main();
