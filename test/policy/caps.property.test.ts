/**
 * The cap property through Decide on real Redis: for random cap rules (limits,
 * windows, channel subsets), 200 concurrent decisions for one person across
 * channels never grant more than any rule's limit, and no counter is left
 * without an expiry. Windows here outlast a run, so "in any window" is "in
 * the run"; sliding windows are exercised against the store itself in
 * test/caps/cap-reservation.property.test.ts. Prints the largest overshoot.
 */
import { create } from "@bufbuild/protobuf";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import { CapUnit, PolicySchema } from "../../server/src/gen/relevance/v1/policy_pb.js";
import {
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
  upsert,
} from "../server/support/harness.js";
import { item } from "../server/support/model.js";
import { person } from "./support/people.js";

const CHANNELS = [Channel.WEB, Channel.APP, Channel.EMAIL, Channel.SMS, Channel.PUSH] as const;

const ruleArb = fc.record({
  limit: fc.integer({ min: 1, max: 5 }),
  windowSeconds: fc.integer({ min: 60, max: 86_400 }),
  channels: fc.subarray([...CHANNELS], { minLength: 1 }),
  unit: fc.constantFrom(CapUnit.DECISION, CapUnit.OFFER, CapUnit.ITEM),
});

describe("caps through Decide, random rules (redis)", () => {
  let target: StoreTarget;
  let t: TestServer;
  let run = 0;
  let largestOvershoot = 0;

  beforeAll(async () => {
    target = await storeTarget("redis");
    t = await startTestServer(target);
    await upsert(t, [
      item("a", { price: 50, margin: 0.4, stock: 50 }),
      item("b", { price: 60, margin: 0.4, stock: 50 }),
    ]);
  });
  afterAll(async () => {
    console.log(
      JSON.stringify({ cap_property_runs_through_decide: run, largest_overshoot: largestOvershoot }),
    );
    await t?.close();
    await target?.cleanup();
  });

  it("should never grant more than a rule's limit to 200 concurrent decisions, and leave no counter without expiry", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ruleArb, { minLength: 1, maxLength: 4 }), async (rules) => {
        run++;
        const userId = `capprop-${run}`;
        await t.server.profiles.putProfiles([person(userId)]);
        t.server.policy.set(
          create(PolicySchema, {
            version: `capprop-${run}`,
            offers: [{ id: "nudge", kind: 4 }],
            caps: rules.map((r, i) => ({ id: `r${i}`, ...r })),
            useCases: [{ id: "promo", offerRules: [{ id: "always", offerId: "nudge" }] }],
          }),
        );
        const calls = Array.from({ length: 200 }, (_, i) => CHANNELS[i % CHANNELS.length]!);
        const answers = await Promise.all(
          calls.map((channel) =>
            t.decision.decide({
              userId,
              channel,
              useCase: "promo",
              candidates: [{ sku: "a" }, { sku: "b" }],
              limit: 2,
            }),
          ),
        );
        for (const [i, rule] of rules.entries()) {
          const inRule = answers.filter((_, n) => rule.channels.includes(calls[n]!));
          const granted =
            rule.unit === CapUnit.DECISION
              ? inRule.filter((a) => a.items.length > 0).length
              : // An OFFER cap counts each offer id, an ITEM cap each SKU: the busiest one.
                Math.max(
                  0,
                  ...(rule.unit === CapUnit.OFFER ? ["nudge"] : ["a", "b"]).map(
                    (key) =>
                      inRule
                        .flatMap((a) => a.items)
                        .filter((it) => (rule.unit === CapUnit.OFFER ? it.offer?.offerId : it.sku) === key)
                        .length,
                  ),
                );
          const overshoot = granted - rule.limit;
          largestOvershoot = Math.max(largestOvershoot, overshoot);
          expect(overshoot, `rule r${i} ${JSON.stringify(rule)} granted ${granted}`).toBeLessThanOrEqual(0);
        }
        const r = target.redis!;
        // Every key the caps wrote (the bulk-loaded profile is durable by design).
        const keys = (await r.redis.keys(`${r.keyPrefix}{u:${userId}}:*`)).filter((k) =>
          /:(cap:.*|resv:.*|capkeys|exp)$/.test(k),
        );
        expect(keys.length).toBeGreaterThan(0);
        for (const k of keys) expect(await r.redis.pttl(k), k).toBeGreaterThan(0);
      }),
      { numRuns: 12 },
    );
    expect(largestOvershoot).toBe(0);
  });
});
