import { afterEach, describe, expect, inject, it } from "vitest";
import type { EventLog } from "../../server/src/events/event-log.js";
import { createMemoryEventLog } from "../../server/src/events/memory-event-log.js";
import { createRedisEventLog } from "../../server/src/events/redis-event-log.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { connectTestRedis } from "../support/redis.js";

interface Harness {
  readonly log: EventLog;
  cleanup(): Promise<void>;
}

const harnesses: [string, () => Promise<Harness>][] = [
  [
    "memory",
    async () => {
      const log = createMemoryEventLog({ deadLetterMaxLen: 10 });
      return { log, cleanup: () => log.close() };
    },
  ],
  [
    "redis",
    async () => {
      const t = await connectTestRedis();
      const blocking = await createRedisClient(inject("redisUrl"), {
        connectionName: "relevance-test-blocking",
      });
      const log = await createRedisEventLog({
        redis: t.redis,
        blockingRedis: blocking,
        keyPrefix: t.keyPrefix,
        deadLetterMaxLen: 10,
      });
      return {
        log,
        async cleanup() {
          await log.close();
          blocking.disconnect();
          await t.cleanup();
        },
      };
    },
  ],
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const entry = (i: number, userId = `u${i % 3}`) => ({ userId, data: JSON.stringify({ n: i }) });

describe.each(harnesses)("EventLog contract: %s", (_name, make) => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it("delivers appended entries once, in order, with user id and data", async () => {
    h = await make();
    await h.log.append([entry(1), entry(2), entry(3)]);
    const first = await h.log.read("c1", 2, 10);
    const second = await h.log.read("c2", 10, 10);
    expect(first.map((e) => e.data)).toEqual([entry(1).data, entry(2).data]);
    expect(first.map((e) => e.userId)).toEqual(["u1", "u2"]);
    expect(second.map((e) => e.data)).toEqual([entry(3).data]);
    expect(await h.log.read("c1", 10, 10)).toEqual([]);
    const ids = [...first, ...second].map((e) => e.id);
    expect(new Set(ids).size).toBe(3);
  });

  it("waits up to blockMs for new entries and wakes when one arrives", async () => {
    h = await make();
    const started = performance.now();
    expect(await h.log.read("c1", 10, 50)).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    const pending = h.log.read("c1", 10, 5000);
    await sleep(20);
    await h.log.append([entry(7)]);
    const got = await pending;
    expect(got.map((e) => e.data)).toEqual([entry(7).data]);
  });

  it("counts undelivered and pending entries as backlog until acknowledged", async () => {
    h = await make();
    await h.log.append([entry(1), entry(2), entry(3)]);
    expect(await h.log.backlog()).toEqual({ undelivered: 3, pending: 0 });
    const got = await h.log.read("c1", 2, 10);
    expect(await h.log.backlog()).toEqual({ undelivered: 1, pending: 2 });
    await h.log.ack([got[0]!.id]);
    expect(await h.log.backlog()).toEqual({ undelivered: 1, pending: 1 });
  });

  it("hands entries left pending by a dead consumer to a live one, and poison ones aside", async () => {
    h = await make();
    await h.log.append([entry(1), entry(2)]);
    const got = await h.log.read("dead", 10, 10);
    await h.log.ack([got[1]!.id]);
    expect((await h.log.claimStale("live", 60_000, 10, 5)).entries).toEqual([]); // not idle long enough
    await sleep(30);
    const claimed = await h.log.claimStale("live", 20, 10, 5);
    expect(claimed.entries.map((e) => e.id)).toEqual([got[0]!.id]);
    expect(claimed.poison).toEqual([]);
    // Delivered twice now; with maxDeliveries 2 the next claim calls it poison.
    await sleep(30);
    const again = await h.log.claimStale("live", 20, 10, 2);
    expect(again.entries).toEqual([]);
    expect(again.poison.map((e) => e.id)).toEqual([got[0]!.id]);
  });

  it("moves a dead-lettered entry aside with its reason and acknowledges it", async () => {
    h = await make();
    await h.log.append([entry(1)]);
    const [e] = await h.log.read("c1", 10, 10);
    await h.log.deadLetter(e!, "not JSON");
    expect(await h.log.backlog()).toEqual({ undelivered: 0, pending: 0 });
    const dead = await h.log.deadLetters(10);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.reason).toBe("not JSON");
    expect(dead[0]!.entry).toEqual(e);
  });

  it("trims only entries every consumer is done with", async () => {
    h = await make();
    await h.log.append([entry(1), entry(2), entry(3), entry(4)]);
    const got = await h.log.read("c1", 3, 10);
    await h.log.ack([got[0]!.id, got[2]!.id]);
    // got[1] is pending, entry 4 never delivered: both must survive.
    expect(await h.log.trim()).toBe(1);
    const claimed = await h.log.claimStale("c2", 0, 10, 100);
    expect(claimed.entries.map((e) => e.id)).toEqual([got[1]!.id]);
    expect((await h.log.read("c2", 10, 10)).map((e) => e.data)).toEqual([entry(4).data]);
  });

  it("deletes every entry of the given users, live, pending and dead-lettered", async () => {
    h = await make();
    await h.log.append([entry(1, "gone"), entry(2, "kept"), entry(3, "gone"), entry(4, "gone")]);
    const got = await h.log.read("c1", 2, 10); // entry 1 (gone) and 2 (kept) pending
    await h.log.deadLetter(got[1]!, "test"); // a kept dead letter
    const third = await h.log.read("c1", 1, 10); // entry 3 pending
    await h.log.deadLetter(third[0]!, "test"); // a gone dead letter
    expect(await h.log.deleteEntriesFor(new Set(["gone"]))).toBe(4);
    expect((await h.log.deadLetters(10)).map((d) => d.entry.userId)).toEqual(["kept"]);
    // The deleted pending entry is not handed out again.
    await sleep(5);
    const claimed = await h.log.claimStale("c2", 0, 10, 100);
    expect(claimed.entries).toEqual([]);
    expect(await h.log.read("c2", 10, 10)).toEqual([]);
  });
});
