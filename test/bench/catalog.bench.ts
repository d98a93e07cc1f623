/**
 * bench:catalog — catalog mode (no candidates: rank the whole catalog) on one
 * thread against the catalog sharded across the worker pool.
 *
 * One private Redis seeded with 100,000 SKUs (64 features) and profiles; two real
 * servers load the catalog from it: "single" scans on its server thread, "pool"
 * shards the scan across its workers and merges their top-k. Calls go over
 * gRPC on loopback, one at a time (low load), top 20, alternating between the
 * two servers in rounds. Prints one JSON line last:
 *   {"skus","features","single_p50_ms","pool_p50_ms","speedup"}
 */
import { availableParallelism } from "node:os";
import { createRedisCatalogStore } from "../../server/src/catalog/redis-catalog-store.js";
import { seedStores } from "../../server/src/cli/seed.js";
import { createServer, type RelevanceServer } from "../../server/src/create-server.js";
import { DecisionService, Treatment } from "../../server/src/gen/relevance/v1/decision_pb.js";
import { createServiceClient } from "../../server/src/grpc/service-client.js";
import { silentLogger } from "../../server/src/log.js";
import { createRedisProfileStore } from "../../server/src/profile/redis-profile-store.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { startRedisServer } from "../support/redis-process.js";
import { median, quantile } from "./support/stats.js";

const SKUS = Number(process.env.BENCH_SKUS ?? 100_000);
const FEATURES = 64;
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const redis = await createRedisClient(redisServer.url);
  const servers: RelevanceServer[] = [];
  try {
    say(`seeding ${SKUS} skus into a private redis…`);
    await seedStores({
      catalogStore: createRedisCatalogStore({ redis }),
      profileStore: createRedisProfileStore({ redis, features: FEATURES }),
      items: SKUS,
      profiles: 1000,
      features: FEATURES,
    });
    const threads = availableParallelism();
    const common = { port: 0, redisUrl: redisServer.url, features: FEATURES, profileTimeoutMs: 50 };
    const single = await createServer({ ...common, threads: 0 }, { log: silentLogger });
    servers.push(single);
    const pool = await createServer({ ...common, threads, inlineMaxCatalogItems: 0 }, { log: silentLogger });
    servers.push(pool);
    say(`single: ${single.catalog.info().items} items inline; pool: ${threads} workers`);

    const clients = servers.map((s) => createServiceClient(DecisionService, s.address));
    const request = { userId: "user-000001", channel: 1, useCase: "homepage", limit: 20 };
    const times: number[][] = [[], []];
    let same = 0;
    for (let i = 0; i < CALLS + 20; i++) {
      const skus: string[] = [];
      for (let s = 0; s < 2; s++) {
        const t0 = performance.now();
        const res = await clients[s]!.decide({
          ...request,
          userId: `user-${String(1 + (i % 500)).padStart(6, "0")}`,
        });
        const ms = performance.now() - t0;
        if (res.items.length === 0 || res.treatment === Treatment.FALLBACK)
          throw new Error("catalog decision came back empty or as a fallback");
        if (i >= 20) times[s]!.push(ms);
        skus.push(res.items.map((x) => x.sku).join(","));
      }
      if (skus[0] === skus[1]) same++;
    }
    for (const c of clients) c.close();
    if (same !== CALLS + 20) throw new Error(`single and pool disagreed on ${CALLS + 20 - same} decisions`);
    if (pool.pipeline.stats.pooled === 0) throw new Error("the pool server never used its pool");

    const p50 = times.map((t) => median(t));
    const p99 = times.map((t) => quantile(Float64Array.from(t).sort(), 0.99));
    say(`single: p50 ${p50[0]!.toFixed(3)} ms, p99 ${p99[0]!.toFixed(3)} ms`);
    say(`pool:   p50 ${p50[1]!.toFixed(3)} ms, p99 ${p99[1]!.toFixed(3)} ms (${threads} shards)`);
    process.stdout.write(
      `${JSON.stringify({
        skus: SKUS,
        features: FEATURES,
        single_p50_ms: Number(p50[0]!.toFixed(3)),
        pool_p50_ms: Number(p50[1]!.toFixed(3)),
        speedup: Number((p50[0]! / p50[1]!).toFixed(2)),
        threads,
        calls: CALLS,
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
