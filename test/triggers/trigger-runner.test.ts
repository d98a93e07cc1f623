/**
 * The trigger runner with a real Decide pipeline (demo policy, in-process
 * stores) and a recording delivery queue: what a firing becomes, what is
 * suppressed, retries, dead letters, and a runner that dies mid-way on Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Channel } from "../../server/src/domain/channel.js";
import { ALL_CONSENT, Consent } from "../../server/src/domain/consent.js";
import { Treatment } from "../../server/src/domain/decision.js";
import type { DecisionPipeline } from "../../server/src/pipeline/decision-pipeline.js";
import { holdoutPosition } from "../../server/src/policy/holdout.js";
import { quietHoursEnd } from "../../server/src/policy/quiet-hours.js";
import { createMemoryTimerStore } from "../../server/src/triggers/memory-timer-store.js";
import { createRedisTimerStore } from "../../server/src/triggers/redis-timer-store.js";
import type { TimerSet, TimerStore } from "../../server/src/triggers/timer-store.js";
import {
  resolveTriggerConfig,
  type TriggerConfig,
  type TriggerKind,
} from "../../server/src/triggers/trigger-config.js";
import { createTriggerRunner, type TriggerRunnerOptions } from "../../server/src/triggers/trigger-runner.js";
import { person, zoneAt } from "../policy/support/people.js";
import type { TestServer } from "../server/support/harness.js";
import { connectTestRedis, type TestRedis } from "../support/redis.js";
import { demoPolicy, recordingLogger, recordingQueue, startDecisionServer } from "./support.js";

const DAY = 86_400_000;
const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY);
const config: TriggerConfig = resolveTriggerConfig();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function set(kind: TriggerKind, dueMs: number, skus: string[] = []): TimerSet {
  return {
    kind,
    op: "set",
    dueMs,
    due: "replace",
    addSkus: skus.map((sku, i) => ({ sku, atMs: NOW - i })),
    removeSkus: [],
    replaceSkus: true,
    maxSkus: 10,
    cancelWhenEmpty: false,
    unlessLive: null,
  };
}

const PEOPLE = [
  person("cart-hunter", { ds: 0.8 }),
  person("cart-again", { ds: 0.1 }),
  person("no-marketing", { consent: Consent.PERSONALIZATION }),
  person("lapsed", { ds: 0.7, signals: { orders: 5, lastPurchaseMs: NOW - 90 * 86_400_000 } }),
  person("recent", { signals: { orders: 5, lastPurchaseMs: NOW - 5 * 86_400_000 } }),
  person("refill", { churn: 0.1, signals: { replenishment: [{ sku: "soap", dueDay: TODAY + 1 }] } }),
  person("browser", { consent: ALL_CONSENT }),
  person("retry", {}),
  person("doomed", {}),
  person("crash-1", {}),
  person("crash-2", {}),
];

describe("createTriggerRunner()", () => {
  let t: TestServer;
  let pipeline: DecisionPipeline;
  beforeAll(async () => {
    t = await startDecisionServer(PEOPLE);
    pipeline = t.server.pipeline;
  });
  afterAll(() => t.close());

  /** A runner on a fresh in-process timer store whose clock the test moves. */
  function harness(options: Partial<TriggerRunnerOptions> = {}) {
    let clock = NOW;
    const timers = createMemoryTimerStore({ now: () => clock });
    const queue = recordingQueue();
    const logger = recordingLogger();
    const runner = createTriggerRunner({
      timers,
      pipeline,
      queue,
      config,
      logger,
      name: "runner-1",
      claimIdleMs: 1000,
      now: () => clock,
      ...options,
    });
    return {
      timers,
      queue,
      logger,
      runner,
      advance(ms: number) {
        clock += ms;
      },
    };
  }

  it("should turn a due cart timer into a cart-abandonment decision on the queue, once", async () => {
    const h = harness();
    await h.timers.apply("cart-hunter", [set("cart_abandonment", NOW + 10, ["bag-roomy", "bag-last"])]);
    expect(await h.runner.tick()).toBe(0); // not due yet
    h.advance(10);
    expect(await h.runner.tick()).toBe(1);
    expect(h.queue.appended).toHaveLength(1);
    const { queued, onceKey } = h.queue.appended[0]!;
    expect(onceKey).toBe(`cart_abandonment:cart-hunter:${NOW + 10}`);
    expect(queued).toMatchObject({
      recipient: "cart-hunter",
      trigger: "cart_abandonment",
      timeZone: "",
      locale: "",
      tokens: {},
      expiresAtMs: NOW + 10 + DAY,
    });
    expect(queued.decision.useCase).toBe("cart_abandonment");
    expect(queued.decision.channel).toBe(Channel.EMAIL);
    expect(queued.decision.treatment).toBe(Treatment.PERSONALIZED);
    // Only what was in the cart, each once.
    expect(queued.decision.items.map((i) => i.sku).sort()).toEqual(["bag-last", "bag-roomy"]);
    // One offer (offer_items: 1), on the first item: urgency for the bag nearly gone, else the incentive
    // this discount-sensitive person qualifies for.
    const first = queued.decision.items[0]!;
    expect(first.offer?.offerId).toBe(first.sku === "bag-last" ? "low_stock" : "cart_10_off");
    expect(queued.decision.items[1]!.offer).toBeNull();
    expect(h.runner.stats).toMatchObject({ popped: 1, processed: 1, enqueued: 1, errors: 0 });
    expect(await h.timers.backlog()).toBe(0);
    expect(await h.runner.tick()).toBe(0);
    expect(h.queue.calls).toHaveLength(1);
  });

  it("should put the person's tokens on the queued decision", async () => {
    const h = harness({ tokensFor: async (id) => ({ tier: id === "cart-hunter" ? "Gold" : "member" }) });
    await h.timers.apply("cart-hunter", [set("cart_abandonment", NOW, ["bag-roomy"])]);
    expect(await h.runner.tick()).toBe(1);
    expect(h.queue.appended[0]?.queued.tokens).toEqual({ tier: "Gold" });
  });

  it("should set a firing suppressed by quiet hours again for their end, not drop it", async () => {
    const sms = resolveTriggerConfig({ kinds: { cart_abandonment: { channel: Channel.SMS } } });
    const quietNight = demoPolicy();
    // 23:00 where the policy's default zone is: the demo policy keeps SMS quiet from 21:00 to 08:00.
    quietNight.defaultTimeZone = zoneAt(23);
    t.server.policy.set(quietNight, "test");
    try {
      const h = harness({
        config: sms,
        quietUntil: (channel, atMs) => quietHoursEnd(t.server.policy.current().policy, channel, atMs, ""),
      });
      await h.timers.apply("cart-again", [set("cart_abandonment", NOW, ["bag-roomy"])]);
      expect(await h.runner.tick()).toBe(1);
      expect(h.queue.appended).toHaveLength(0);
      expect(h.runner.stats).toMatchObject({ rearmed: 1, suppressed: { quiet_hours: 1 } });
      const [timer] = await h.timers.timersOf("cart-again");
      expect(timer?.kind).toBe("cart_abandonment");
      // Set for the next 08:00 there: 8 to 9 hours after 23:xx.
      expect(timer!.dueMs - NOW).toBeGreaterThan(8 * 3600_000 - 3600_000);
      expect(timer!.dueMs - NOW).toBeLessThanOrEqual(9 * 3600_000);
      expect(timer!.skus).toEqual(["bag-roomy"]);
    } finally {
      t.server.policy.set(demoPolicy(), "test");
    }
  });

  it("should rank the catalog for a timer without SKUs (win-back), within the configured limit", async () => {
    const h = harness({ config: resolveTriggerConfig({ kinds: { win_back: { limit: 2 } } }) });
    await h.timers.apply("lapsed", [set("win_back", NOW)]);
    expect(await h.runner.tick()).toBe(1);
    const d = h.queue.appended[0]!.queued.decision;
    expect(d.useCase).toBe("win_back");
    expect(d.items).toHaveLength(2);
    expect(d.items[0]!.offer?.offerId).toBe("winback_15_off");
  });

  it("should decide replenishment on the timer's SKUs", async () => {
    const h = harness();
    await h.timers.apply("refill", [set("replenishment", NOW, ["soap"])]);
    await h.runner.tick();
    expect(h.queue.appended.map((a) => a.queued.decision.items.map((i) => i.sku))).toEqual([["soap"]]);
  });

  it("should acknowledge and count, not enqueue, decisions the policy suppresses", async () => {
    const h = harness();
    await h.timers.apply("no-marketing", [set("cart_abandonment", NOW, ["bag-roomy"])]);
    // Not lapsed long enough for win-back (eligibility: 60 days since the last purchase).
    await h.timers.apply("recent", [set("win_back", NOW)]);
    expect(await h.runner.tick()).toBe(2);
    expect(h.queue.calls).toEqual([]);
    expect(h.runner.stats.suppressed).toEqual({ no_consent: 1, ineligible: 1 });
    expect(await h.timers.backlog()).toBe(0);
  });

  it("should stop at the weekly marketing cap: the fourth firing in a week is suppressed as capped", async () => {
    const h = harness();
    for (let n = 0; n < 4; n++) {
      await h.timers.apply("cart-again", [set("cart_abandonment", NOW + n, ["bag-roomy"])]);
      h.advance(n === 0 ? 0 : 1);
      expect(await h.runner.tick()).toBe(1);
    }
    expect(h.queue.appended).toHaveLength(3);
    expect(h.runner.stats.suppressed).toEqual({ capped: 1 });
  });

  it("should skip a disabled kind's firing", async () => {
    const h = harness({
      config: resolveTriggerConfig({ kinds: { browse_abandonment: { enabled: false } } }),
    });
    await h.timers.apply("browser", [set("browse_abandonment", NOW, ["lamp"])]);
    expect(await h.runner.tick()).toBe(1);
    expect(h.queue.calls).toEqual([]);
    expect(h.runner.stats.suppressed).toEqual({ disabled: 1 });
  });

  it("should leave a firing pending when Decide fails and retry it after claimIdleMs, with the same decision id", async () => {
    let calls = 0;
    const decisionIds: string[] = [];
    const h = harness({
      pipeline: {
        async decide(req, call) {
          const d = await pipeline.decide(req, call);
          decisionIds.push(d.decisionId);
          if (++calls === 1) throw new Error("profile store down");
          return d;
        },
      },
    });
    await h.timers.apply("retry", [set("browse_abandonment", NOW, ["lamp", "necklace"])]);
    expect(await h.runner.tick()).toBe(0);
    expect(h.runner.stats.errors).toBe(1);
    expect(h.logger.lines).toEqual([
      { level: "warn", msg: "triggered decision failed; the firing will be retried" },
    ]);
    expect(await h.timers.backlog()).toBe(1);
    h.advance(999);
    expect(await h.runner.tick()).toBe(0);
    h.advance(1);
    expect(await h.runner.tick()).toBe(1);
    expect(h.runner.stats.claimed).toBe(1);
    expect(h.queue.appended).toHaveLength(1);
    expect(decisionIds).toHaveLength(2);
    expect(decisionIds[1]).toBe(decisionIds[0]);
    expect(h.queue.appended[0]!.queued.decision.decisionId).toBe(decisionIds[0]);
  });

  it("should dead-letter a firing that keeps failing after maxDeliveries", async () => {
    const h = harness({
      maxDeliveries: 2,
      pipeline: {
        decide: () => Promise.reject(new Error("always")),
      },
    });
    await h.timers.apply("doomed", [set("win_back", NOW)]);
    for (let i = 0; i < 3; i++) {
      expect(await h.runner.tick()).toBe(0);
      h.advance(1000);
    }
    expect(h.runner.stats).toMatchObject({ errors: 2, deadLettered: 1, processed: 0 });
    expect(h.timers.deadLetters.map((d) => [d.triggerId, d.deliveries])).toEqual([
      [`win_back:doomed:${NOW}`, 3],
    ]);
    expect(await h.timers.backlog()).toBe(0);
    expect(h.logger.lines.at(-1)).toEqual({ level: "error", msg: "trigger dead-lettered" });
  });

  it("should not deliver holdouts' (control) decisions unless deliverHoldouts", async () => {
    // A person the demo policy's salt puts in a 50 % browse-abandonment holdout.
    const heldId = Array.from({ length: 100 }, (_, i) => `held-${i}`).find(
      (id) => holdoutPosition(demoPolicy().holdoutSalt, "browse_abandonment", id) < 0.5,
    )!;
    const held = await startDecisionServer([person(heldId, {})], { browse_abandonment: 0.5 });
    try {
      for (const deliverHoldouts of [false, true]) {
        const h = harness({ pipeline: held.server.pipeline, deliverHoldouts });
        await h.timers.apply(heldId, [set("browse_abandonment", NOW, ["lamp", "necklace"])]);
        expect(await h.runner.tick()).toBe(1);
        if (deliverHoldouts) {
          expect(h.queue.appended.map((a) => a.queued.decision.treatment)).toEqual([Treatment.HOLDOUT]);
        } else {
          expect(h.queue.calls).toEqual([]);
          expect(h.runner.stats.suppressed).toEqual({ holdout: 1 });
        }
      }
    } finally {
      await held.close();
    }
  });

  it("should poll on its own once started and stop cleanly", async () => {
    const h = harness({ pollMs: 5, now: Date.now });
    await h.timers.apply("browser", [set("browse_abandonment", Date.now(), ["lamp"])]);
    h.runner.start();
    h.runner.start(); // idempotent
    const until = Date.now() + 5000;
    while (h.queue.appended.length === 0 && Date.now() < until) await sleep(5);
    await h.runner.stop();
    expect(h.queue.appended).toHaveLength(1);
    expect(h.runner.stats.processed).toBe(1);
  });

  describe("on Redis, when a runner dies mid-way", () => {
    let r: TestRedis;
    let timers: TimerStore;
    const CLAIM_IDLE_MS = 40;
    beforeAll(async () => {
      r = await connectTestRedis();
      timers = await createRedisTimerStore({ redis: r.redis, keyPrefix: r.keyPrefix });
    });
    afterAll(() => r.cleanup());

    const runner = (name: string, queue = recordingQueue(), store = timers) =>
      createTriggerRunner({
        timers: store,
        pipeline,
        queue,
        config,
        logger: recordingLogger(),
        name,
        claimIdleMs: CLAIM_IDLE_MS,
      });

    it("should have another runner take over a firing popped and never acknowledged", async () => {
      const queue = recordingQueue();
      await timers.apply("crash-1", [set("cart_abandonment", Date.now(), ["bag-roomy"])]);
      // Runner A pops and reads the firing, then dies before deciding.
      expect(await timers.popDue(Date.now(), 10)).toBe(1);
      expect(await timers.readFired("runner-a", 10)).toHaveLength(1);
      const b = runner("runner-b", queue);
      expect(await b.tick()).toBe(0); // not idle long enough yet
      expect(queue.calls).toEqual([]);
      await sleep(CLAIM_IDLE_MS + 20);
      expect(await b.tick()).toBe(1);
      expect(b.stats.claimed).toBe(1);
      expect(queue.appended.map((a) => a.onceKey)).toEqual([
        expect.stringMatching(/^cart_abandonment:crash-1:\d+$/),
      ]);
      expect(await timers.backlog()).toBe(0);
    });

    it("should deliver once when a runner dies after enqueueing, before its acknowledgement", async () => {
      const queue = recordingQueue(); // one queue: the shared Redis queue both runners append to
      const dying: TimerStore = {
        ...timers,
        ack: () => Promise.reject(new Error("connection lost")),
      };
      await timers.apply("crash-2", [set("cart_abandonment", Date.now(), ["bag-roomy"])]);
      await expect(runner("runner-a", queue, dying).tick()).rejects.toThrow("connection lost");
      expect(queue.appended).toHaveLength(1);
      await sleep(CLAIM_IDLE_MS + 20);
      const b = runner("runner-b", queue);
      expect(await b.tick()).toBe(1);
      expect(b.stats).toMatchObject({ claimed: 1, enqueued: 0, duplicates: 1 });
      expect(queue.calls).toHaveLength(2);
      expect(queue.calls[1]!.onceKey).toBe(queue.calls[0]!.onceKey);
      expect(queue.calls[1]!.queued.decision.decisionId).toBe(queue.calls[0]!.queued.decision.decisionId);
      expect(queue.appended).toHaveLength(1);
      expect(await timers.backlog()).toBe(0);
    });
  });
});
