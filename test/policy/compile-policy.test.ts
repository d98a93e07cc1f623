import { describe, expect, it } from "vitest";
import { categorySlot } from "../../server/src/domain/category-slot.js";
import { ALL_CHANNELS_MASK, Channel } from "../../server/src/domain/channel.js";
import { channelMask, compilePolicy, modelWeights } from "../../server/src/policy/compile-policy.js";
import { CapUnit, Fact, OfferKind, type Weights } from "../../server/src/policy/policy.js";
import { BARE_POLICY } from "../../server/src/policy/policy-holder.js";
import { defaultScoringModel } from "../../server/src/scoring/scoring-model.js";
import { fixturePolicy } from "./support/fixtures.js";

const DEFAULTS: Weights = {
  base: 1,
  affinity: 0.5,
  price: 0.3,
  margin: 0.2,
  popularity: 0.3,
  marginFloor: 0.05,
};

describe("compilePolicy()", () => {
  const policy = compilePolicy(fixturePolicy(), DEFAULTS);

  it("should resolve weights use case over policy over server defaults", () => {
    const policyWeights = { ...DEFAULTS, affinity: 0.6, marginFloor: 0.1 };
    expect(policy.weights).toEqual(policyWeights);
    expect(policy.useCases.get("homepage_hero")!.weights).toEqual(policyWeights);
    expect(policy.useCases.get("cart_abandonment")!.weights).toEqual({ ...policyWeights, price: 0.1 });
  });

  it("should make channel lists masks, every channel when a list is empty", () => {
    expect(policy.offers.get("ten_off")!.channelMask).toBe((1 << Channel.EMAIL) | (1 << Channel.PUSH));
    expect(policy.offers.get("free_ship")!.channelMask).toBe(ALL_CHANNELS_MASK);
    expect(policy.quietHours[0]!.channelMask).toBe((1 << Channel.SMS) | (1 << Channel.PUSH));
    expect(policy.useCases.get("homepage_hero")!.channelMask).toBe((1 << Channel.WEB) | (1 << Channel.APP));
    expect(policy.useCases.get("cart_abandonment")!.fallbackChannels).toEqual([Channel.PUSH]);
  });

  it("should give timestamps in ms and open bounds as infinities", () => {
    expect(policy.offers.get("ten_off")).toMatchObject({
      kind: OfferKind.PERCENT_OFF,
      validFromMs: Date.parse("2026-11-01T00:00:00Z"),
      validUntilMs: Date.parse("2026-12-31T23:59:59Z"),
    });
    expect(policy.offers.get("free_ship")).toMatchObject({
      validFromMs: Number.NEGATIVE_INFINITY,
      validUntilMs: Number.POSITIVE_INFINITY,
    });
    expect(policy.offers.get("ten_off")!.eligibility).toEqual([
      { fact: Fact.DISCOUNT_SENSITIVITY, arg: "", min: 0.5, max: Number.POSITIVE_INFINITY },
      { fact: Fact.ITEM_MARGIN, arg: "", min: 0.3, max: Number.POSITIVE_INFINITY },
    ]);
    const birthday = policy.useCases.get("cart_abandonment")!.talkingPoints[0]!.when[0]!;
    expect(birthday).toEqual({
      fact: Fact.LIFE_EVENT_DAYS,
      arg: "birthday",
      min: Number.NEGATIVE_INFINITY,
      max: 14,
    });
  });

  it("should give boost categories their slots", () => {
    const boost = policy.useCases.get("homepage_hero")!.boosts[0]!;
    expect(boost.categories).toEqual(["shoes", "Sneakers"]);
    expect(boost.slots).toEqual([...new Set([categorySlot("shoes"), categorySlot("Sneakers")])]);
    expect(boost.boost).toBe(1.5);
  });

  it("should give caps their window in ms and their use cases as a set", () => {
    expect(policy.caps.map((c) => [c.id, c.unit, c.limit, c.windowMs, [...c.useCases], c.marketing])).toEqual(
      [
        ["weekly_email", CapUnit.DECISION, 3, 604_800_000, [], true],
        ["hero_recency", CapUnit.ITEM, 1, 86_400_000, ["homepage_hero"], false],
      ],
    );
  });

  it("should keep rules in order with their ids", () => {
    const u = policy.useCases.get("cart_abandonment")!;
    expect(u.eligibility.map((r) => r.id)).toEqual(["intends_to_buy"]);
    expect(u.offerRules.map((r) => [r.id, r.offerId])).toEqual([
      ["sensitive_ten_off", "ten_off"],
      ["everyone_free_ship", "free_ship"],
    ]);
    expect(u).toMatchObject({
      offerItems: 1,
      excludeRedeemed: true,
      transactional: false,
      holdoutShare: 0.1,
    });
  });

  it("should freeze everything, maps and sets included", () => {
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.useCases.get("homepage_hero")!.boosts[0]!.slots)).toBe(true);
    expect(Object.isFrozen(policy.offers.get("ten_off")!.eligibility[0])).toBe(true);
    expect(() => (policy.offers as Map<string, unknown>).set("x", {})).toThrow(TypeError);
    expect(() => (policy.useCases as Map<string, unknown>).delete("homepage_hero")).toThrow(TypeError);
    expect(() => (policy.caps[1]!.useCases as Set<string>).add("x")).toThrow(TypeError);
    expect(policy.offers.size).toBe(2);
  });

  it("should compile the bare policy to no use cases under the server defaults", () => {
    const bare = compilePolicy(BARE_POLICY, DEFAULTS);
    expect(bare.version).toBe("none");
    expect(bare.useCases.size).toBe(0);
    expect(bare.offers.size).toBe(0);
    expect(bare.weights).toEqual(DEFAULTS);
  });
});

describe("channelMask()", () => {
  it.each<[number[], number]>([
    [[], ALL_CHANNELS_MASK],
    [[Channel.WEB], 0b10],
    [[Channel.PAID_MEDIA, Channel.WEB], 0b1000_0010],
  ])("should map %j to %i", (channels, mask) => {
    expect(channelMask(channels)).toBe(mask);
  });
});

describe("modelWeights()", () => {
  it("should take the scalar weights of the server's model", () => {
    expect(modelWeights(defaultScoringModel(8, 0.05))).toEqual(DEFAULTS);
  });
});
