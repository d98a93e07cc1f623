import type { Socket } from "node:net";
import type { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
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
        // Writes are coalesced by createRedisClient itself (coalesceWrites).
        enableAutoPipelining: false,
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

/** Counts the writes that reach the client's socket (one per syscall batch). */
function countWrites(redis: Redis): { writes(): number } {
  const socket = redis.stream as Socket & {
    _write: (...a: unknown[]) => void;
    _writev?: (...a: unknown[]) => void;
  };
  let writes = 0;
  const write = socket._write;
  const writev = socket._writev;
  socket._write = function (this: unknown, ...a: unknown[]) {
    writes++;
    return write.apply(this, a);
  };
  if (writev !== undefined)
    socket._writev = function (this: unknown, ...a: unknown[]) {
      writes++;
      return writev.apply(this, a);
    };
  return { writes: () => writes };
}

describe("createRedisClient() write coalescing", () => {
  it("should send the commands of one event-loop turn in one socket write, answered in order", async () => {
    const t = await connectTestRedis();
    try {
      const counter = countWrites(t.redis);
      const sets = Array.from({ length: 50 }, (_, i) => t.redis.set(`${t.keyPrefix}k${i}`, `v${i}`));
      const gets = Array.from({ length: 50 }, (_, i) => t.redis.get(`${t.keyPrefix}k${i}`));
      expect(await Promise.all(sets)).toEqual(Array(50).fill("OK"));
      expect(await Promise.all(gets)).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
      expect(counter.writes()).toBe(1);
    } finally {
      await t.cleanup();
    }
  });

  it("should write each turn's commands in that turn, without waiting for a later one", async () => {
    const t = await connectTestRedis();
    try {
      const counter = countWrites(t.redis);
      for (let i = 0; i < 3; i++) expect(await t.redis.incr(`${t.keyPrefix}n`)).toBe(i + 1);
      expect(counter.writes()).toBe(3);
    } finally {
      await t.cleanup();
    }
  });

  it("should write every command on its own with autoPipelining off (the control)", async () => {
    const t = await connectTestRedis({ autoPipelining: false });
    try {
      const counter = countWrites(t.redis);
      const replies = await Promise.all(Array.from({ length: 20 }, () => t.redis.ping()));
      expect(replies).toEqual(Array(20).fill("PONG"));
      expect(counter.writes()).toBe(20);
    } finally {
      await t.cleanup();
    }
  });

  it("should keep an explicit pipeline in one write and its replies in order", async () => {
    const t = await connectTestRedis();
    try {
      const counter = countWrites(t.redis);
      const results = await t.redis
        .pipeline()
        .set(`${t.keyPrefix}p`, "1")
        .incr(`${t.keyPrefix}p`)
        .get(`${t.keyPrefix}p`)
        .exec();
      expect(results).toEqual([
        [null, "OK"],
        [null, 2],
        [null, "2"],
      ]);
      expect(counter.writes()).toBe(1);
    } finally {
      await t.cleanup();
    }
  });

  it("should coalesce on the new connection after a reconnect", async () => {
    const t = await connectTestRedis();
    try {
      const ready = new Promise((resolve) => t.redis.once("ready", resolve));
      // Drop this connection from the server side; the client reconnects by itself.
      const id = await t.redis.client("ID");
      const killer = await createRedisClient(String(inject("redisUrl")));
      await killer.client("KILL", "ID", String(id));
      await killer.quit();
      await ready;
      const counter = countWrites(t.redis);
      const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => t.redis.echo(`e${i}`)));
      expect(replies).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
      expect(counter.writes()).toBe(1);
    } finally {
      await t.cleanup();
    }
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
