import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NO_SIGNALS } from "../../../server/src/domain/profile.js";
import { deriveFeatures, deriveProfile } from "../../../server/src/profile/features/derive.js";
import { resolveFeatureConfig } from "../../../server/src/profile/features/feature-config.js";
import {
  emptyFeatureState,
  encodeFeatureState,
  type FeatureState,
  featureStateFromProfile,
} from "../../../server/src/profile/features/feature-state.js";
import { mergeFeatureStates } from "../../../server/src/profile/features/merge-states.js";
import {
  config,
  DAY,
  eventArb,
  expectClose,
  expectCloseArrays,
  expectSameFeatures,
  expectSameProfile,
  FEATURES,
  line,
  NOW,
  purchase,
  signal,
  stateOf,
  T0,
} from "./feature-fixture.js";

const twoPersons = fc.array(fc.tuple(eventArb, fc.boolean()), { maxLength: 60 }).map((tagged) => ({
  a: tagged.filter(([, mine]) => mine).map(([e]) => e),
  b: tagged.filter(([, mine]) => !mine).map(([e]) => e),
}));

/** The counters of a state, which merging must add exactly. */
function counters(s: FeatureState) {
  return {
    applied: s.applied,
    behaviour: s.behaviour,
    orders: s.orders,
    promoOrders: s.promoOrders,
    affinityEvents: s.affinityEvents,
    vectorEvents: s.vectorEvents,
    priceEvents: s.priceEvents,
    lastEventMs: s.lastEventMs,
    lastPurchaseMs: s.orders > 0 ? s.lastPurchaseMs : 0,
    refMs: s.refMs,
  };
}

describe("mergeFeatureStates()", () => {
  it("should be commutative, exactly", () => {
    fc.assert(
      fc.property(twoPersons, ({ a, b }) => {
        const x = stateOf(a);
        const y = stateOf(b);
        expect(mergeFeatureStates(x, y, config)).toEqual(mergeFeatureStates(y, x, config));
        expect(encodeFeatureState(mergeFeatureStates(x, y, config))).toEqual(
          encodeFeatureState(mergeFeatureStates(y, x, config)),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("should equal applying both persons' events to one state", () => {
    fc.assert(
      fc.property(twoPersons, ({ a, b }) => {
        const merged = mergeFeatureStates(stateOf(a), stateOf(b), config);
        const one = stateOf([...a, ...b]);
        expect(counters(merged)).toEqual(counters(one));
        expect(merged.orderDays).toEqual(one.orderDays);
        expect(merged.skus).toEqual(one.skus);
        expect(merged.lifeEvents).toEqual(one.lifeEvents);
        expect(merged.months.map((m) => [m.month, m.orders])).toEqual(
          one.months.map((m) => [m.month, m.orders]),
        );
        expectCloseArrays(
          merged.months.map((m) => m.value),
          one.months.map((m) => m.value),
          "months.value",
        );
        expectClose(merged.purchaseValue, one.purchaseValue, "purchaseValue");
        expectCloseArrays(merged.affinity, one.affinity, "affinity");
        expectCloseArrays(merged.vector, one.vector, "vector");
        expectClose(merged.priceWeight, one.priceWeight, "priceWeight");
        expectSameFeatures(deriveFeatures(merged, NOW, config), deriveFeatures(one, NOW, config), {
          session: false,
        });
        expectSameProfile(
          deriveProfile("u", merged, NOW, config, 0),
          deriveProfile("u", one, NOW, config, 0),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("should leave a state unchanged when merged with an empty one", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        const s = stateOf(events);
        expect(mergeFeatureStates(s, emptyFeatureState(FEATURES), config)).toEqual(s);
      }),
    );
  });

  it("should not change its inputs", () => {
    const x = stateOf([purchase(T0, [line("S0", 10)]), signal(T0, 0.5, 10)]);
    const y = stateOf([purchase(T0 + DAY, [line("S0", 10)])]);
    const before = [encodeFeatureState(x), encodeFeatureState(y)];
    mergeFeatureStates(x, y, config);
    expect([encodeFeatureState(x), encodeFeatureState(y)]).toEqual(before);
  });

  it("should trim unioned lists as applyEvent does", () => {
    const small = resolveFeatureConfig({ maxOrderDates: 3, maxReplenishmentSkus: 2 });
    const x = stateOf(
      [0, 2, 4].map((d) => purchase(T0 + d * DAY, [line(`A${d}`, 1)])),
      small,
    );
    const y = stateOf(
      [1, 3, 5].map((d) => purchase(T0 + d * DAY, [line(`B${d}`, 1)])),
      small,
    );
    const merged = mergeFeatureStates(x, y, small);
    const day0 = Math.floor(T0 / DAY);
    expect(merged.orderDays).toEqual([5, 4, 3].map((d) => day0 + d));
    expect(merged.skus.map((e) => e.sku)).toEqual(["B5", "A4"]);
  });

  it("should join sessions on two devices at once and keep the later of two apart", () => {
    const phone = stateOf([signal(T0, 0.3, 1000)]);
    const laptop = stateOf([signal(T0 + 5 * 60_000, 0.7, 2000)]);
    expect(mergeFeatureStates(phone, laptop, config).session).toEqual({
      startMs: T0,
      lastMs: T0 + 5 * 60_000,
      maxScroll: 0.7,
      dwellMs: 3000,
      carts: 0,
      events: 2,
    });
    const yesterday = stateOf([signal(T0 - DAY, 0.9, 5000)]);
    expect(mergeFeatureStates(yesterday, phone, config).session).toEqual(phone.session);
  });

  it("should combine two bulk-loaded profiles' priors weighted by their events", () => {
    const profile = (events: number, discountSensitivity: number, loyaltyTier: 0 | 1 | 2 | 3) =>
      featureStateFromProfile({
        userId: "p",
        vector: new Float32Array(FEATURES).fill(1),
        categoryAffinity: new Float32Array(32).fill(0.5),
        priceAnchor: 3,
        discountSensitivity,
        churnRisk: 0.1,
        loyaltyTier,
        events,
        consent: 0,
        signals: NO_SIGNALS,
        updatedAtMs: T0,
      });
    const merged = mergeFeatureStates(profile(30, 0.2, 1), profile(10, 0.6, 3), config);
    expect(merged.prior).toEqual({
      events: 40,
      discountSensitivity: (0.2 * 30 + 0.6 * 10) / 40,
      churnRisk: (0.1 * 30 + 0.1 * 10) / 40,
      loyaltyTier: 3,
      atMs: T0,
    });
    expect(deriveProfile("p", merged, T0, config, 0).events).toBe(40);
  });

  it("should refuse states of different feature counts", () => {
    expect(() => mergeFeatureStates(emptyFeatureState(8), emptyFeatureState(16), config)).toThrow(
      new RangeError("cannot merge feature states of 8 and 16 features"),
    );
  });
});
