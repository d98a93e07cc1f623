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

  it("should count a failed write as dropped and never throw into the caller", async () => {
    // Never connected, no offline queue: as the server's client while Redis is down.
    const broken = t.redis.duplicate({ enableOfflineQueue: false, lazyConnect: true });
    const log = createRedisDecisionLog({ redis: broken, keyPrefix: t.keyPrefix });
    for (let i = 0; i < 5; i++) log.append(record(i));
    await log.flush();
    expect(log.stats).toEqual({ appended: 5, written: 0, dropped: 5 });
    broken.disconnect();
  });

  it("should refuse options out of range, naming them", () => {
    expect(() => createRedisDecisionLog({ redis: t.redis, batchSize: 0 })).toThrow(
      "options.batchSize must be a positive integer, got 0",
    );
  });
});
