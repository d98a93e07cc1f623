import { describe, expect, it } from "vitest";
import { createRedisClient, redactRedisUrl } from "../../server/src/redis/create-redis-client.js";
import { connectTestRedis } from "../support/redis.js";
import { findFreePort } from "../support/redis-process.js";

describe("createRedisClient()", () => {
  it("should resolve a ready client tuned for the hot path", async () => {
    const t = await connectTestRedis();
    try {
      expect(t.redis.status).toBe("ready");
      expect(t.redis.options).toMatchObject({
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        maxRetriesPerRequest: 1,
        commandTimeout: 2000,
      });
      expect(t.redis.options.retryStrategy?.(100)).toBe(250);
      expect(t.redis.options.retryStrategy?.(1)).toBe(50);
      expect(await t.redis.ping()).toBe("PONG");
    } finally {
      await t.cleanup();
    }
  });

  it("should reject within connectTimeoutMs, naming the url without credentials", async () => {
    const port = await findFreePort();
    const errors: Error[] = [];
    const attempt = createRedisClient(`redis://admin:s3cret@127.0.0.1:${port}/2`, {
      connectTimeoutMs: 300,
      onError: (e) => errors.push(e),
    });
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `^redis at redis://127\\.0\\.0\\.1:${port}/2 not ready within 300 ms \\(option connectTimeoutMs\\)`,
      ),
    );
    await expect(attempt).rejects.not.toThrow(/s3cret|admin/);
    expect(errors.length).toBeGreaterThan(0);
  });

  it.each([
    [{ connectTimeoutMs: 0 }, "options.connectTimeoutMs must be a positive integer, got 0"],
    [{ commandTimeoutMs: -1 }, "options.commandTimeoutMs must be a non-negative integer, got -1"],
    [{ maxRetriesPerRequest: 1.5 }, "options.maxRetriesPerRequest must be a non-negative integer, got 1.5"],
    [{ reconnectMaxDelayMs: Number.NaN }, "options.reconnectMaxDelayMs must be a positive integer, got NaN"],
    [
      { connectionName: "has space" },
      'options.connectionName must be a non-empty string of printable ascii without spaces, got "has space"',
    ],
  ])("should reject invalid options %o", async (options, message) => {
    await expect(createRedisClient("redis://127.0.0.1:1", options)).rejects.toThrow(new RangeError(message));
  });
});

describe("redactRedisUrl()", () => {
  it.each([
    ["redis://user:pw@host:6379/0", "redis://host:6379/0"],
    ["rediss://:pw@host:6380", "rediss://host:6380"],
    ["redis://host", "redis://host"],
    ["not a url", "<unparseable redis url>"],
  ])("should turn %s into %s", (url, expected) => {
    expect(redactRedisUrl(url)).toBe(expected);
  });
});
