import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecisionRecord } from "../../server/src/decision-log/decision-log.js";
import { createRedisDecisionLog } from "../../server/src/decision-log/redis-decision-log.js";
import { connectTestRedis, type TestRedis } from "../support/redis.js";

function record(i: number): DecisionRecord {
  return {
    decisionId: `d-${i}`,
    atMs: 1_700_000_000_000 + i,
    personId: `p-${i % 7}`,
    useCase: "search",
    channel: 1,
    treatment: i % 20 === 0 ? 2 : 1,
    holdout: i % 20 === 0 ? "global" : "",
    policyVersion: "v1",
    catalogVersion: "c1",
    suppression: 0,
    suppressionRuleId: "",
    degradations: [],
    skus: [`sku-${i}`, `sku-${i + 1}`],
    ...(i % 3 === 0 ? { offers: [[1, "cart_10_off", `x1${i}`] as const] } : {}),
  };
}

describe("createRedisDecisionLog()", () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await connectTestRedis();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  async function logged(): Promise<DecisionRecord[]> {
    const entries = await t.redis.xrange(`${t.keyPrefix}decisions`, "-", "+");
    return entries.flatMap(([, fields]) => {
      const f = Object.fromEntries([0, 2].map((i) => [fields[i], fields[i + 1]]));
      const batch = JSON.parse(f.d!) as DecisionRecord[];
      expect(batch.length).toBe(Number(f.n));
      return batch;
    });
  }

  it("should write every appended decision, in order, in batched entries", async () => {
    const log = createRedisDecisionLog({ redis: t.redis, keyPrefix: t.keyPrefix, batchSize: 16 });
    const records = Array.from({ length: 1000 }, (_, i) => record(i));
    for (const r of records) log.append(r);
    await log.flush();
    expect(await logged()).toEqual(records);
    expect(log.stats).toEqual({ appended: 1000, written: 1000, dropped: 0 });
    // 16 decisions an entry.
    expect(await t.redis.xlen(`${t.keyPrefix}decisions`)).toBe(Math.ceil(1000 / 16));
    await log.close();
    await t.redis.del(`${t.keyPrefix}decisions`);
  });

  it("should drop and count what does not fit the buffer instead of blocking", async () => {
    const log = createRedisDecisionLog({
      redis: t.redis,
      keyPrefix: t.keyPrefix,
      maxBuffered: 10,
      batchSize: 64,
    });
    for (let i = 0; i < 25; i++) log.append(record(i));
    await log.flush();
    expect(log.stats).toEqual({ appended: 25, written: 10, dropped: 15 });
    expect((await logged()).map((r) => r.decisionId)).toEqual(Array.from({ length: 10 }, (_, i) => `d-${i}`));
    await log.close();
    await t.redis.del(`${t.keyPrefix}decisions`);
  });

  it("should keep the records of a failed write, never throw into the caller, and count them dropped only at close", async () => {
    // Never connected, no offline queue: as the server's client while Redis is down.
    const broken = t.redis.duplicate({ enableOfflineQueue: false, lazyConnect: true });
    const log = createRedisDecisionLog({ redis: broken, keyPrefix: t.keyPrefix });
    for (let i = 0; i < 5; i++) log.append(record(i));
    await log.flush();
    expect(log.stats).toEqual({ appended: 5, written: 0, dropped: 0 });
    await log.close();
    expect(log.stats).toEqual({ appended: 5, written: 0, dropped: 5 });
    broken.disconnect();
  });

  it("should write what failed once Redis is back, in order, ahead of newer records", async () => {
    const client = t.redis.duplicate({ enableOfflineQueue: false, lazyConnect: true });
    const log = createRedisDecisionLog({ redis: client, keyPrefix: t.keyPrefix, flushIntervalMs: 5 });
    for (let i = 0; i < 5; i++) log.append(record(i));
    await log.flush();
    expect(log.stats.written).toBe(0);
    // The failed command set the lazy client connecting: wait until Redis is "back".
    if (client.status !== "ready") await new Promise((r) => client.once("ready", r));
    for (let i = 5; i < 8; i++) log.append(record(i));
    // The retry runs on its own, after its backoff.
    const deadline = Date.now() + 5000;
    while (log.stats.written < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(log.stats).toEqual({ appended: 8, written: 8, dropped: 0 });
    expect((await logged()).map((r) => r.decisionId)).toEqual(Array.from({ length: 8 }, (_, i) => `d-${i}`));
    await log.close();
    client.disconnect();
    await t.redis.del(`${t.keyPrefix}decisions`);
  });

  it("should bound the records waiting for a retry by maxBuffered, counting the excess dropped", async () => {
    const broken = t.redis.duplicate({ enableOfflineQueue: false, lazyConnect: true });
    const log = createRedisDecisionLog({ redis: broken, keyPrefix: t.keyPrefix, maxBuffered: 10 });
    for (let i = 0; i < 8; i++) log.append(record(i));
    await log.flush();
    for (let i = 8; i < 20; i++) log.append(record(i));
    expect(log.stats).toEqual({ appended: 20, written: 0, dropped: 10 });
    await log.close();
    expect(log.stats.dropped).toBe(20);
    broken.disconnect();
  });

  it("should refuse options out of range, naming them", () => {
    expect(() => createRedisDecisionLog({ redis: t.redis, batchSize: 0 })).toThrow(
      "options.batchSize must be a positive integer, got 0",
    );
  });
});
