import { describe, expect, it } from "vitest";
import {
  DEFAULT_FEATURE_CONFIG,
  type FeatureOptions,
  resolveFeatureConfig,
} from "../../../server/src/profile/features/feature-config.js";

describe("resolveFeatureConfig()", () => {
  it("should give the defaults, frozen", () => {
    const c = resolveFeatureConfig();
    expect(c).toEqual(DEFAULT_FEATURE_CONFIG);
    expect(c).toMatchObject({
      affinityHalfLifeDays: 30,
      viewWeight: 1,
      cartWeight: 3,
      purchaseWeight: 5,
      sessionGapMs: 30 * 60 * 1000,
      loyaltyWindowDays: 365,
      loyaltyThresholds: { silver: 200, gold: 1000, platinum: 5000 },
      lifeEventHorizonDays: 60,
      maxReplenishmentSkus: 50,
      maxPurchaseDatesPerSku: 8,
      maxOrderDates: 32,
      maxLifeEvents: 16,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.loyaltyThresholds)).toBe(true);
    expect(Object.isFrozen(DEFAULT_FEATURE_CONFIG)).toBe(true);
  });

  it("should merge a partial config, thresholds included, and ignore undefined", () => {
    const c = resolveFeatureConfig({
      cartWeight: 2,
      sessionGapMs: undefined,
      loyaltyThresholds: { gold: 800 },
    });
    expect(c.cartWeight).toBe(2);
    expect(c.sessionGapMs).toBe(DEFAULT_FEATURE_CONFIG.sessionGapMs);
    expect(c.loyaltyThresholds).toEqual({ silver: 200, gold: 800, platinum: 5000 });
  });

  it.each<[FeatureOptions, string]>([
    [{ affinityHalfLifeDays: 0 }, "options.affinityHalfLifeDays must be a positive finite number, got 0"],
    [
      { affinityHalfLifeDays: Number.POSITIVE_INFINITY },
      "options.affinityHalfLifeDays must be a positive finite number, got Infinity",
    ],
    [{ viewWeight: -1 }, "options.viewWeight must be a non-negative finite number, got -1"],
    [{ purchaseWeight: Number.NaN }, "options.purchaseWeight must be a non-negative finite number, got NaN"],
    [{ sessionGapMs: 0 }, "options.sessionGapMs must be a positive finite number, got 0"],
    [{ intentDwellHalfMs: -5 }, "options.intentDwellHalfMs must be a positive finite number, got -5"],
    [{ loyaltyWindowDays: 0 }, "options.loyaltyWindowDays must be a positive finite number, got 0"],
    [{ lifeEventHorizonDays: -1 }, "options.lifeEventHorizonDays must be a positive finite number, got -1"],
    [
      { loyaltyThresholds: { silver: 0 } },
      "options.loyaltyThresholds.silver must be a positive finite number, got 0",
    ],
    [
      { loyaltyThresholds: { gold: 100 } },
      "options.loyaltyThresholds.gold must not be below the tier under it (200), got 100",
    ],
    [{ maxReplenishmentSkus: 0 }, "options.maxReplenishmentSkus must be an integer in 1..1000, got 0"],
    [{ maxPurchaseDatesPerSku: 1 }, "options.maxPurchaseDatesPerSku must be an integer in 2..64, got 1"],
    [{ maxOrderDates: 2.5 }, "options.maxOrderDates must be an integer in 2..1000, got 2.5"],
    [{ maxLifeEvents: 1000 }, "options.maxLifeEvents must be an integer in 1..256, got 1000"],
    [{ discountPriorOrders: 0 }, "options.discountPriorOrders must be a positive finite number, got 0"],
    [{ profilePriorOrders: -1 }, "options.profilePriorOrders must be a positive finite number, got -1"],
    [{ churnPriorIntervals: 0 }, "options.churnPriorIntervals must be a positive finite number, got 0"],
    [{ churnMidpointIntervals: 0 }, "options.churnMidpointIntervals must be a positive finite number, got 0"],
  ])("should reject %o", (options, message) => {
    expect(() => resolveFeatureConfig(options)).toThrow(new RangeError(message));
  });
});
