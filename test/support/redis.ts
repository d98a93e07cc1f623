import type { Redis } from "ioredis";
import { inject } from "vitest";
import { createRedisClient, type RedisClientOptions } from "../../server/src/redis/create-redis-client.js";

/** A client to the run's shared test Redis and a key prefix no other test file uses. */
export interface TestRedis {
  readonly redis: Redis;
  /** Unique per call, e.g. `t:3f9c…:`; pass it as the stores' `keyPrefix`. */
  readonly keyPrefix: string;
  /** Deletes every key under `keyPrefix` and closes the client. */
  cleanup(): Promise<void>;
}

let counter = 0;

/**
 * Connects to the Redis started by the global setup (`inject("redisUrl")`).
 * Test files run in parallel against one server, so each call gets its own
 * key prefix; never FLUSHALL.
 */
export async function connectTestRedis(options?: Partial<RedisClientOptions>): Promise<TestRedis> {
  const redis = await createRedisClient(inject("redisUrl"), { connectionName: "relevance-test", ...options });
  const keyPrefix = `t:${process.pid}-${Date.now().toString(36)}-${counter++}:`;
  return {
    redis,
    keyPrefix,
    async cleanup() {
      await deleteByPrefix(redis, keyPrefix);
      await redis.quit();
    },
  };
}

/** Deletes every key starting with `prefix` (SCAN + UNLINK), returning how many. */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}
