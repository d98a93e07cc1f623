/**
 * bench:catalog — catalog mode (no candidates: rank the whole catalog) on one
 * thread against the catalog sharded across the worker pool.
 *
 * One private Redis seeded with 100,000 SKUs (64 features) and profiles; three
 * real servers load the catalog from it: "single" scans on its server thread,
 * "pool" shards the scan (one shard per worker) and merges the top-k, its
 * server thread scanning the first shard itself as a quiet server does
 * (option `catalogServerShard`, the default), and "pool, whole" leaves every
 * shard to the workers (`catalogServerShard: false`), the way before it.
 * Calls go over gRPC on loopback from h2load (its own process), one call in
 * flight, back to back (low load: no queueing, and the threads stay awake),
 * top 20, 2 s per server per round, alternating between the servers in
 * rounds. Prints one JSON line last:
 *   {"skus","features","single_p50_ms","pool_p50_ms","speedup",
 *    "pool_whole_p50_ms","speedup_whole",...}
 */
import { availableParallelism } from "node:os";
import { create, toBinary } from "@bufbuild/protobuf";
import { createServer, type RelevanceServer } from "../../server/src/create-server.js";
import {
  DecideRequestSchema,
  DecisionService,
  Treatment,
} from "../../server/src/gen/relevance/v1/decision_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { silentLogger } from "../../server/src/log.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { applyV8Tuning } from "../../server/src/runtime/v8-tuning.js";
import { startRedisServer } from "../support/redis-process.js";
import { grpcFrame, runH2load } from "./support/h2load.js";
import { seedRedis } from "./support/seed-redis.js";
import { rerunWithStartFlags } from "./support/start-flags.js";
import { median, quantile } from "./support/stats.js";

const SKUS = Number(process.env.BENCH_SKUS ?? 100_000);
const FEATURES = 64;
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  // The server runs in this process: with the V8 flags it starts with.
  if (await rerunWithStartFlags()) return;
  const redisServer = await startRedisServer();
  const redis = await createRedisClient(redisServer.url);
  const servers: RelevanceServer[] = [];
  try {
    say(`seeding ${SKUS} skus into a private redis…`);
    await seedRedis(redisServer.url, { items: SKUS, profiles: 1000, features: FEATURES });
    const threads = availableParallelism();
    const common = {
      port: 0,
      redisUrl: redisServer.url,
      features: FEATURES,
      profileTimeoutMs: 50,
      identityKey: "bench-identity-key-0123456789abcdef",
    };
    applyV8Tuning();
    const single = await createServer({ ...common, threads: 0 }, { log: silentLogger });
    servers.push(single);
    const pool = await createServer({ ...common, threads, inlineMaxCatalogItems: 0 }, { log: silentLogger });
    servers.push(pool);
    const whole = await createServer(
      { ...common, threads, inlineMaxCatalogItems: 0, catalogServerShard: false },
      { log: silentLogger },
    );
    servers.push(whole);
    say(`single: ${single.catalog.info().items} items inline; pool and pool, whole: ${threads} workers`);

    // Sanity first, through a real client: both servers decide, identically, and
    // the pool server uses its pool.
    const clients = servers.map((srv) => createServiceClient(DecisionService, srv.address));
    for (let u = 1; u <= 20; u++) {
      const req = {
        userId: `user-${String(u).padStart(6, "0")}`,
        channel: 1,
        useCase: "homepage",
        limit: 20,
      };
      const [a, ...others] = await Promise.all(clients.map((c) => c.decide(req)));
      if (a!.items.length === 0 || a!.treatment === Treatment.FALLBACK)
        throw new Error("catalog decision came back empty or as a fallback");
      for (const b of others)
        if (JSON.stringify(a!.items) !== JSON.stringify(b.items))
          throw new Error(`single and pool disagree for ${req.userId}`);
    }
    for (const c of clients) c.close();
    for (const srv of [pool, whole])
      if (srv.pipeline.stats.pooled === 0) throw new Error("a pool server never used its pool");
    if (whole.pipeline.stats.split > 0) throw new Error("the whole-pool server scanned a shard itself");
    const splitBefore = pool.pipeline.stats.split;
    const pooledBefore = pool.pipeline.stats.pooled;

    // Then the measurement: h2load, one call in flight, from its own process (a
    // client on the server's thread would add its own work to every call),
    // alternating between the servers in rounds.
    const body = grpcFrame(
      toBinary(
        DecideRequestSchema,
        create(DecideRequestSchema, { userId: "user-000001", channel: 1, useCase: "homepage", limit: 20 }),
      ),
    );
    const times: number[][] = servers.map(() => []);
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      for (let s = 0; s < servers.length; s++) {
        const decidedBefore = servers[s]!.pipeline.stats.decisions;
        const r = await runH2load({
          url: `http://${servers[s]!.address}/relevance.v1.DecisionService/Decide`,
          body,
          clients: 1,
          streamsPerClient: 1,
          durationS: 2,
          warmUpS: 1,
        });
        const decided = servers[s]!.pipeline.stats.decisions - decidedBefore;
        if (r.failed > 0 || decided < r.succeeded)
          throw new Error(
            `round ${round}: ${r.failed} failed, ${decided} decisions for ${r.succeeded} calls`,
          );
        times[s]!.push(...Array.from(r.latenciesMs));
      }
    }
    const p50 = times.map((t) => median(t));
    const p99 = times.map((t) => quantile(Float64Array.from(t).sort(), 0.99));
    say(`single: p50 ${p50[0]!.toFixed(3)} ms, p99 ${p99[0]!.toFixed(3)} ms`);
    say(`pool:   p50 ${p50[1]!.toFixed(3)} ms, p99 ${p99[1]!.toFixed(3)} ms (${threads} shards)`);
    say(`pool, whole: p50 ${p50[2]!.toFixed(3)} ms, p99 ${p99[2]!.toFixed(3)} ms (${threads} shards)`);
    // Every call was alone on the pool server, so each should have split.
    const splitShare =
      (pool.pipeline.stats.split - splitBefore) / Math.max(1, pool.pipeline.stats.pooled - pooledBefore);
    process.stdout.write(
      `${JSON.stringify({
        skus: SKUS,
        features: FEATURES,
        single_p50_ms: Number(p50[0]!.toFixed(3)),
        pool_p50_ms: Number(p50[1]!.toFixed(3)),
        speedup: Number((p50[0]! / p50[1]!).toFixed(2)),
        pool_whole_p50_ms: Number(p50[2]!.toFixed(3)),
        speedup_whole: Number((p50[0]! / p50[2]!).toFixed(2)),
        split_share: Number(splitShare.toFixed(3)),
        threads,
        calls: times.map((t) => t.length),
      })}\n`,
    );
  } finally {
    for (const s of servers) await s.close(500);
    await redis.quit().catch(() => redis.disconnect());
    await redisServer.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:catalog failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
