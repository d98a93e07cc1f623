/**
 * One contract for both timer stores: merging changes, cancelling, firing due
 * timers exactly once under concurrent pollers, and the fired stream's
 * consumer group (read, take over after idle, dead-letter, ack).
 */
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { createMemoryTimerStore } from "../../server/src/triggers/memory-timer-store.js";
import { createRedisTimerStore, timerKeys } from "../../server/src/triggers/redis-timer-store.js";
import type { FiredTrigger, TimerStore } from "../../server/src/triggers/timer-store.js";
import { connectTestRedis, type TestRedis } from "../support/redis.js";
import { timerSet } from "./support.js";

const T = 1_750_000_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const set = timerSet;
const skus = (...pairs: [string, number][]) => pairs.map(([sku, atMs]) => ({ sku, atMs }));

interface Harness {
  /** A store; `n` > 0 gives another instance on the same data (another server). */
  store(n?: number): TimerStore;
  close(): Promise<void>;
}

async function memoryHarness(): Promise<Harness> {
  const s = createMemoryTimerStore();
  return { store: () => s, close: async () => {} };
}

async function redisHarness(): Promise<Harness> {
  const t: TestRedis = await connectTestRedis();
  const clients: Redis[] = [];
  const stores: TimerStore[] = [await createRedisTimerStore({ redis: t.redis, keyPrefix: t.keyPrefix })];
  for (let i = 1; i < 4; i++) {
    const c = await createRedisClient(inject("redisUrl"), { connectionName: `timers-${i}` });
    clients.push(c);
    stores.push(await createRedisTimerStore({ redis: c, keyPrefix: t.keyPrefix }));
  }
  return {
    store: (n = 0) => stores[n]!,
    async close() {
      for (const c of clients) await c.quit();
      await t.cleanup();
    },
  };
}

describe.each([
  ["memory", memoryHarness],
  ["redis", redisHarness],
] as const)("TimerStore (%s)", (_kind, make) => {
  let h: Harness;
  let store: TimerStore;
  let n = 0;
  /** A person id no other test uses. */
  const person = () => `p${n++}:{odd}\tid`;
  // A fresh store (and key prefix) per test: popDue takes whatever is due, whoever set it.
  beforeEach(async () => {
    h = await make();
    store = h.store();
  });
  afterEach(() => h.close());

  describe("apply()", () => {
    it("should merge SKUs across changes and keep the later due time for 'later'", async () => {
      const p = person();
      await store.apply(p, [set("cart_abandonment", T + 100, { addSkus: skus(["A", 1], ["B", 2]) })]);
      await store.apply(p, [
        set("cart_abandonment", T + 50, { addSkus: skus(["C", 3], ["B", 1]), removeSkus: ["A"] }),
      ]);
      expect(await store.timersOf(p)).toEqual([
        { kind: "cart_abandonment", dueMs: T + 100, skus: ["C", "B"] },
      ]);
      await store.apply(p, [set("cart_abandonment", T + 200, { addSkus: skus(["B", 9]) })]);
      expect(await store.timersOf(p)).toEqual([
        { kind: "cart_abandonment", dueMs: T + 200, skus: ["B", "C"] },
      ]);
    });

    it("should take the new due time for 'replace', and drop earlier SKUs with replaceSkus", async () => {
      const p = person();
      await store.apply(p, [set("replenishment", T + 500, { due: "replace", addSkus: skus(["A", 1]) })]);
      await store.apply(p, [
        set("replenishment", T + 20, { due: "replace", replaceSkus: true, addSkus: skus(["B", 2]) }),
      ]);
      expect(await store.timersOf(p)).toEqual([{ kind: "replenishment", dueMs: T + 20, skus: ["B"] }]);
    });

    it("should keep the maxSkus most recently touched SKUs", async () => {
      const p = person();
      await store.apply(p, [set("browse_abandonment", T, { addSkus: skus(["A", 1], ["B", 2]), maxSkus: 3 })]);
      await store.apply(p, [set("browse_abandonment", T, { addSkus: skus(["C", 3], ["D", 4]), maxSkus: 3 })]);
      expect((await store.timersOf(p))[0]!.skus).toEqual(["D", "C", "B"]);
    });

    it("should cancel a timer whose SKUs are all removed when cancelWhenEmpty", async () => {
      const p = person();
      await store.apply(p, [set("cart_abandonment", T, { addSkus: skus(["A", 1]), cancelWhenEmpty: true })]);
      await store.apply(p, [set("cart_abandonment", T + 5, { removeSkus: ["A"], cancelWhenEmpty: true })]);
      expect(await store.timersOf(p)).toEqual([]);
      // A removal with no timer does not create one.
      await store.apply(p, [set("cart_abandonment", T + 5, { removeSkus: ["Z"], cancelWhenEmpty: true })]);
      expect(await store.timersOf(p)).toEqual([]);
    });

    it("should skip a change while a timer of its unlessLive kind is live, in the same call too", async () => {
      const p = person();
      const browse = set("browse_abandonment", T + 9, {
        addSkus: skus(["V", 1]),
        unlessLive: "cart_abandonment",
      });
      await store.apply(p, [set("cart_abandonment", T, { addSkus: skus(["A", 1]) }), browse]);
      expect((await store.timersOf(p)).map((x) => x.kind)).toEqual(["cart_abandonment"]);
      await store.apply(p, [{ kind: "cart_abandonment", op: "cancel" }, browse]);
      expect(await store.timersOf(p)).toEqual([{ kind: "browse_abandonment", dueMs: T + 9, skus: ["V"] }]);
    });

    it("should cancel one kind and leave the others", async () => {
      const p = person();
      await store.apply(p, [set("win_back", T + 1), set("life_event", T + 2)]);
      await store.apply(p, [{ kind: "win_back", op: "cancel" }]);
      expect(await store.timersOf(p)).toEqual([{ kind: "life_event", dueMs: T + 2, skus: [] }]);
    });
  });

  describe("forgetPerson()", () => {
    it("should drop every timer of the person and no one else's", async () => {
      const [p, q] = [person(), person()];
      await store.apply(p, [set("win_back", T), set("cart_abandonment", T, { addSkus: skus(["A", 1]) })]);
      await store.apply(q, [set("win_back", T)]);
      expect(await store.forgetPerson(p)).toBe(2);
      expect(await store.timersOf(p)).toEqual([]);
      expect(await store.timersOf(q)).toHaveLength(1);
      await store.forgetPerson(q);
    });
  });

  describe("popDue() and the fired stream", () => {
    it("should fire due timers soonest first, at most max, each with its SKUs and trigger id", async () => {
      const [p, q, r] = [person(), person(), person()];
      const at = T + 10_000_000;
      await store.apply(p, [set("cart_abandonment", at + 2, { addSkus: skus(["A", 1], ["B", 2]) })]);
      await store.apply(q, [set("win_back", at + 1)]);
      await store.apply(r, [set("win_back", at + 50)]);
      expect(await store.popDue(at + 10, 1)).toBe(1);
      expect(await store.popDue(at + 10, 10)).toBe(1);
      expect(await store.popDue(at + 10, 10)).toBe(0);
      const fired = await store.readFired("c1", 10);
      expect(fired.map(({ entryId: _, ...f }) => f)).toEqual([
        {
          triggerId: `win_back:${q}:${at + 1}`,
          kind: "win_back",
          personId: q,
          dueMs: at + 1,
          skus: [],
          deliveries: 1,
        },
        {
          triggerId: `cart_abandonment:${p}:${at + 2}`,
          kind: "cart_abandonment",
          personId: p,
          dueMs: at + 2,
          skus: ["B", "A"],
          deliveries: 1,
        },
      ]);
      expect(await store.timersOf(p)).toEqual([]);
      expect(await store.timersOf(r)).toHaveLength(1);
      // Read once: a second read gets nothing new.
      expect(await store.readFired("c2", 10)).toEqual([]);
      expect(await store.backlog()).toBe(2);
      await store.ack(fired.map((f) => f.entryId));
      expect(await store.backlog()).toBe(0);
      // A timer set again after it fired is a new timer.
      await store.apply(p, [set("cart_abandonment", at + 3, { addSkus: skus(["C", 3]) })]);
      expect(await store.timersOf(p)).toEqual([{ kind: "cart_abandonment", dueMs: at + 3, skus: ["C"] }]);
      await store.forgetPerson(p);
      await store.forgetPerson(r);
    });

    it("should fire each of 1,000 timers exactly once with 4 pollers at once", async () => {
      const at = T + 20_000_000;
      const people = Array.from({ length: 1000 }, () => person());
      await Promise.all(
        people.map((p, i) =>
          store.apply(p, [
            set(i % 2 === 0 ? "win_back" : "browse_abandonment", at + (i % 50), {
              addSkus: skus([`S${i}`, i]),
            }),
          ]),
        ),
      );
      const seen: FiredTrigger[] = [];
      const poll = async (k: number) => {
        const s = h.store(k);
        for (;;) {
          const popped = await s.popDue(at + 100, 37);
          const fired = await s.readFired(`poller-${k}`, 50);
          seen.push(...fired);
          await s.ack(fired.map((f) => f.entryId));
          if (popped === 0 && fired.length === 0) return;
        }
      };
      await Promise.all([0, 1, 2, 3].map(poll));
      // Whatever a poller popped after another's last read is still in the stream.
      for (;;) {
        const fired = await store.readFired("sweeper", 100);
        if (fired.length === 0) break;
        seen.push(...fired);
        await store.ack(fired.map((f) => f.entryId));
      }
      expect(seen).toHaveLength(1000);
      expect(new Set(seen.map((f) => f.triggerId)).size).toBe(1000);
      expect(new Set(seen.map((f) => f.personId))).toEqual(new Set(people));
      for (const f of seen) expect(f.skus).toEqual([`S${people.indexOf(f.personId)}`]);
      expect(await store.backlog()).toBe(0);
    });

    it("should hand a firing left unacknowledged to another consumer after the idle time, then dead-letter it", async () => {
      const p = person();
      const at = T + 30_000_000;
      await store.apply(p, [set("win_back", at)]);
      expect(await store.popDue(at, 10)).toBe(1);
      const [first] = await store.readFired("crashed", 10);
      expect(first!.deliveries).toBe(1);
      expect(await store.claimStale("rescuer", 40, 10, 2)).toEqual({ claimed: [], deadLettered: [] });
      await sleep(60);
      const claim = await store.claimStale("rescuer", 40, 10, 2);
      expect(claim.claimed).toEqual([{ ...first!, deliveries: 2 }]);
      expect(claim.deadLettered).toEqual([]);
      await sleep(60);
      const again = await store.claimStale("third", 40, 10, 2);
      expect(again.claimed).toEqual([]);
      expect(again.deadLettered).toEqual([{ ...first!, deliveries: 3 }]);
      expect(await store.backlog()).toBe(0);
      await sleep(60);
      expect(await store.claimStale("fourth", 40, 10, 2)).toEqual({ claimed: [], deadLettered: [] });
    });
  });
});

describe("createRedisTimerStore()", () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await connectTestRedis();
  });
  afterAll(() => t.cleanup());

  it("should keep the schedule in <prefix>timers and a timer's SKUs under the person's hash tag", async () => {
    const store = await createRedisTimerStore({ redis: t.redis, keyPrefix: t.keyPrefix });
    await store.apply("ann", [set("cart_abandonment", T, { addSkus: skus(["A", 1]) })]);
    expect(await t.redis.zscore(timerKeys(t.keyPrefix).schedule, "cart_abandonment\tann")).toBe(String(T));
    expect(await t.redis.zrange(`${t.keyPrefix}{u:ann}:timer:cart_abandonment`, 0, -1)).toEqual(["A"]);
    expect(await t.redis.pttl(`${t.keyPrefix}{u:ann}:timer:cart_abandonment`)).toBeGreaterThan(0);
    await store.popDue(T, 1);
    expect(await t.redis.exists(`${t.keyPrefix}{u:ann}:timer:cart_abandonment`)).toBe(0);
    expect(await t.redis.xlen(timerKeys(t.keyPrefix).fired)).toBe(1);
  });

  it("should let a timer's SKUs expire after the due time kept on the schedule, not the one asked for", async () => {
    const retention = 60_000;
    const store = await createRedisTimerStore({
      redis: t.redis,
      keyPrefix: t.keyPrefix,
      skuRetentionMs: retention,
    });
    const skuKey = `${t.keyPrefix}{u:bea}:timer:cart_abandonment`;
    const now = Date.now();
    const later = now + 10 * 24 * 3600 * 1000;
    const sooner = now + 3600 * 1000;
    const ttlAfter = (due: number) => due - Date.now() + retention;
    await store.apply("bea", [set("cart_abandonment", later, { addSkus: skus(["A", 1]) })]);
    // 'later' keeps the later due time; the SKU set must follow it, not the sooner one asked for now.
    await store.apply("bea", [set("cart_abandonment", sooner, { addSkus: skus(["B", 2]) })]);
    expect(await t.redis.zscore(timerKeys(t.keyPrefix).schedule, "cart_abandonment\tbea")).toBe(
      String(later),
    );
    const kept = await t.redis.pttl(skuKey);
    expect(kept).toBeLessThanOrEqual(ttlAfter(later) + 1000);
    expect(kept).toBeGreaterThan(ttlAfter(later) - 60_000);
    // A due time in the past: the set lives for the retention from now.
    await store.apply("cy", [
      set("cart_abandonment", now - 3600 * 1000, { due: "replace", addSkus: skus(["C", 3]) }),
    ]);
    const past = await t.redis.pttl(`${t.keyPrefix}{u:cy}:timer:cart_abandonment`);
    expect(past).toBeGreaterThan(retention - 60_000);
    expect(past).toBeLessThanOrEqual(retention);
  });

  it("should refuse a key prefix with a brace, naming the option", async () => {
    await expect(createRedisTimerStore({ redis: t.redis, keyPrefix: "a{b" })).rejects.toThrow(
      /^options\.keyPrefix must be a string without/,
    );
  });
});
