import { describe, expect, it } from "vitest";
import { categorySlot } from "../../../server/src/domain/category-slot.js";
import { ALL_CONSENT } from "../../../server/src/domain/consent.js";
import {
  MAX_SIGNAL_LIFE_EVENTS,
  MAX_SIGNAL_REPLENISHMENTS,
  NO_SIGNALS,
  type Profile,
} from "../../../server/src/domain/profile.js";
import { applyEvent } from "../../../server/src/profile/features/apply-event.js";
import { deriveFeatures, deriveProfile } from "../../../server/src/profile/features/derive.js";
import { resolveFeatureConfig } from "../../../server/src/profile/features/feature-config.js";
import { featureStateFromProfile } from "../../../server/src/profile/features/feature-state.js";
import { parseDay } from "../../../server/src/profile/features/feature-time.js";
import { decodeProfile, encodeProfile } from "../../../server/src/profile/profile-codec.js";
import {
  cart,
  config,
  DAY,
  expectCloseArrays,
  FEATURES,
  life,
  line,
  lookup,
  purchase,
  signal,
  stateOf,
  T0,
  view,
} from "./feature-fixture.js";

/** Three orders of S0, 10 days apart, the last at T0 + 20 days. */
const threeOrders = [0, 10, 20].map((d) => purchase(T0 + d * DAY, [line("S0", 30)]));
const lastOrder = T0 + 20 * DAY;

describe("deriveFeatures(): recency, frequency, monetary", () => {
  it("should give days since the last purchase, orders and their value", () => {
    const f = deriveFeatures(stateOf(threeOrders), lastOrder + 1.5 * DAY, config);
    expect(f.recencyDays).toEqual({ value: 1.5, events: 3 });
    expect(f.frequency).toEqual({ value: 3, events: 3 });
    expect(f.monetary).toEqual({ value: 90, events: 3 });
  });

  it("should give 0 with no evidence when nothing was bought", () => {
    const f = deriveFeatures(stateOf([view(T0, "S0")]), T0 + DAY, config);
    expect(f.recencyDays).toEqual({ value: 0, events: 0 });
    expect(f.frequency).toEqual({ value: 0, events: 0 });
  });
});

describe("deriveFeatures(): churn risk", () => {
  it("should measure against the median interval between orders: 3 orders 10 days apart", () => {
    const state = stateOf(threeOrders);
    expect(deriveFeatures(state, lastOrder, config).replenishmentDays.get("S0")).toEqual({
      value: 10,
      events: 3,
    });
    const soon = deriveFeatures(state, lastOrder + 5 * DAY, config).churnRisk;
    const late = deriveFeatures(state, lastOrder + 40 * DAY, config).churnRisk;
    expect(soon.events).toBe(3);
    expect(soon.value).toBeLessThan(0.25);
    expect(late.value).toBeGreaterThan(0.7);
    // r = 4 intervals: measured 64 / (64 + 8), blended with the 0.5 prior over 2 gaps + 1.
    expect(late.value).toBeCloseTo((2 * (64 / 72) + 0.5) / 3, 12);
  });

  it("should rise with time since the last purchase", () => {
    const state = stateOf(threeOrders);
    const risks = [0, 5, 10, 20, 40, 80].map(
      (d) => deriveFeatures(state, lastOrder + d * DAY, config).churnRisk.value,
    );
    expect(risks).toEqual([...risks].sort((a, b) => a - b));
    expect(risks[0]).toBeCloseTo(0.5 / 3, 12);
  });

  it.each([
    ["no orders", []],
    ["one order", [purchase(T0, [line("S0", 10)])]],
    ["two orders on one day", [purchase(T0, [line("S0", 10)]), purchase(T0 + 3600_000, [line("S1", 10)])]],
  ])("should give the neutral prior 0.5 with %s", (_name, events) => {
    expect(deriveFeatures(stateOf(events), T0 + 100 * DAY, config).churnRisk.value).toBe(0.5);
  });

  it("should take the median, not the mean, of the intervals", () => {
    const state = stateOf([0, 10, 20, 30, 130].map((d) => purchase(T0 + d * DAY, [line("S0", 1)])));
    // Intervals 10, 10, 10, 100: usual is 10 (the mean would be 32.5); 40 days
    // after the last order is r = 4, measured 64 / 72.
    const f = deriveFeatures(state, T0 + 170 * DAY, config);
    expect(f.churnRisk.value).toBeCloseTo((4 * (64 / 72) + 0.5) / 5, 12);
  });
});

describe("deriveFeatures(): loyalty tier", () => {
  it.each([
    [0, 0],
    [199.99, 0],
    [200, 1],
    [999, 1],
    [1000, 2],
    [4999, 2],
    [5000, 3],
  ])("should give a purchase value of %d in the window tier %d", (value, tier) => {
    const f = deriveFeatures(stateOf([purchase(T0, [line("S0", value)])]), T0 + DAY, config);
    expect(f.loyaltyTier).toEqual({ value: tier, events: 1 });
  });

  it("should add up orders of the window and leave out older ones", () => {
    const state = stateOf([
      purchase(T0 - 400 * DAY, [line("S0", 5000)]),
      purchase(T0 - 100 * DAY, [line("S0", 600)]),
      purchase(T0, [line("S0", 500)]),
    ]);
    expect(deriveFeatures(state, T0 + DAY, config).loyaltyTier).toEqual({ value: 2, events: 2 });
    expect(deriveFeatures(state, T0 + 330 * DAY, config).loyaltyTier).toEqual({ value: 1, events: 1 });
    expect(deriveFeatures(state, T0 + 800 * DAY, config).loyaltyTier).toEqual({ value: 0, events: 0 });
  });

  it("should use the configured thresholds", () => {
    const cheap = resolveFeatureConfig({ loyaltyThresholds: { silver: 10, gold: 20 } });
    expect(deriveFeatures(stateOf([purchase(T0, [line("S0", 25)])]), T0, cheap).loyaltyTier.value).toBe(2);
  });
});

describe("deriveFeatures(): discount sensitivity", () => {
  it.each([
    ["no orders", 0, 0, 0.5],
    ["10 promo orders", 10, 10, 11 / 12],
    ["10 full-price orders", 10, 0, 1 / 12],
    ["2 orders, 1 discounted", 2, 1, 0.5],
  ])("should smooth the share of discounted orders toward 0.5 with %s", (_name, orders, promo, expected) => {
    const events = Array.from({ length: orders }, (_, i) =>
      purchase(T0 + i * DAY, [line("S0", 10)], i < promo ? "PROMO" : ""),
    );
    const f = deriveFeatures(stateOf(events), T0 + 30 * DAY, config);
    expect(f.discountSensitivity.value).toBeCloseTo(expected, 12);
    expect(f.discountSensitivity.events).toBe(orders);
  });

  it("should be near 1 with 10 promo orders and ~0.5 with none", () => {
    const promo = Array.from({ length: 10 }, (_, i) => purchase(T0 + i * DAY, [line("S0", 10)], "P"));
    expect(deriveFeatures(stateOf(promo), T0, config).discountSensitivity.value).toBeGreaterThan(0.9);
    expect(deriveFeatures(stateOf([]), T0, config).discountSensitivity.value).toBe(0.5);
  });
});

describe("deriveFeatures(): session intent", () => {
  const session = [view(T0, "S0"), signal(T0 + 60_000, 0.8, 60_000), cart(T0 + 120_000, "S0")];

  it("should combine scroll, dwell and carts of the current session", () => {
    const f = deriveFeatures(stateOf(session), T0 + 130_000, config);
    expect(f.sessionIntent.value).toBeCloseTo(0.2 * 0.8 + 0.3 * 0.5 + 0.5 * 0.5, 12);
    expect(f.sessionIntent.events).toBe(3);
  });

  it("should be 0 with no events once the session is over", () => {
    const f = deriveFeatures(stateOf(session), T0 + 120_000 + 30 * 60_000 + 1, config);
    expect(f.sessionIntent).toEqual({ value: 0, events: 0 });
  });

  it("should stay in [0, 1] however busy the session", () => {
    const busy = Array.from({ length: 50 }, (_, i) => [
      signal(T0 + i, 1, 600_000),
      cart(T0 + i, "S0"),
    ]).flat();
    const f = deriveFeatures(stateOf(busy), T0 + 100, config);
    expect(f.sessionIntent.value).toBeGreaterThan(0.99);
    expect(f.sessionIntent.value).toBeLessThanOrEqual(1);
  });
});

describe("deriveFeatures(): replenishment", () => {
  it("should give the median days between purchase days per SKU bought on two days or more", () => {
    const state = stateOf([
      purchase(T0, [line("S0", 1), line("S1", 1)]),
      purchase(T0 + 7 * DAY, [line("S0", 1)]),
      purchase(T0 + 7 * DAY + 3600_000, [line("S0", 1)]),
      purchase(T0 + 21 * DAY, [line("S0", 1), line("S2", 1)]),
    ]);
    const r = deriveFeatures(state, T0 + 22 * DAY, config).replenishmentDays;
    expect([...r]).toEqual([["S0", { value: 10.5, events: 3 }]]);
  });
});

describe("deriveFeatures(): upcoming life events", () => {
  const now = Date.UTC(2025, 5, 1, 15); // 2025-06-01, afternoon

  it.each([
    ["a recurring birthday in 20 days", life(T0, "birthday", "1990-06-21", true), 20],
    ["a recurring birthday today", life(T0, "birthday", "1990-06-01", true), 0],
    ["an anniversary on the horizon's last day", life(T0, "anniversary", "2010-07-31", true), 60],
    ["a one-off move in 30 days", life(T0, "move", "2025-07-01", false), 30],
    ["a recurring wedding still ahead", life(T0, "wedding", "2025-07-15", true), 44],
  ])("should list %s", (_name, event, daysUntil) => {
    const [u] = deriveFeatures(stateOf([event]), now, config).upcomingLifeEvents;
    expect(u?.daysUntil).toBe(daysUntil);
  });

  it.each([
    ["a recurring birthday in 90 days", life(T0, "birthday", "1990-08-30", true)],
    ["a recurring birthday yesterday", life(T0, "birthday", "1990-05-31", true)],
    ["a one-off event last year", life(T0, "graduation", "2024-06-10", false)],
    ["a recurring date far ahead", life(T0, "wedding", "2026-06-10", true)],
  ])("should not list %s", (_name, event) => {
    expect(deriveFeatures(stateOf([event]), now, config).upcomingLifeEvents).toEqual([]);
  });

  it("should give the next date, soonest first, and put 29 February on the 28th in other years", () => {
    const state = stateOf([
      life(T0, "birthday", "2000-02-29", true),
      life(T0, "new_baby", "2026-02-10", false),
      life(T0, "birthday", "1990-03-20", true),
    ]);
    expect(deriveFeatures(state, Date.UTC(2026, 0, 15), config).upcomingLifeEvents).toEqual([
      { type: "new_baby", date: "2026-02-10", recurring: false, nextDate: "2026-02-10", daysUntil: 26 },
      { type: "birthday", date: "2000-02-29", recurring: true, nextDate: "2026-02-28", daysUntil: 44 },
    ]);
  });

  it("should respect lifeEventHorizonDays", () => {
    const near = resolveFeatureConfig({ lifeEventHorizonDays: 10 });
    const state = stateOf([life(T0, "birthday", "1990-06-21", true)]);
    expect(deriveFeatures(state, now, near).upcomingLifeEvents).toEqual([]);
  });
});

describe("deriveProfile()", () => {
  it("should pack the features Decide reads, with behaviour events and the time derived", () => {
    const state = stateOf([...threeOrders, view(T0, "S1"), life(T0, "birthday", "1990-01-01", true)]);
    const now = lastOrder + DAY;
    const p = deriveProfile("person-1", state, now, config, ALL_CONSENT);
    const f = deriveFeatures(state, now, config);
    expect(p.userId).toBe("person-1");
    expect(p.events).toBe(4);
    expect(p.updatedAtMs).toBe(now);
    expect(p.consent).toBe(ALL_CONSENT);
    expect(p.churnRisk).toBe(f.churnRisk.value);
    expect(p.discountSensitivity).toBe(f.discountSensitivity.value);
    expect(p.priceAnchor).toBe(f.priceAnchor.value);
    expect(p.loyaltyTier).toBe(0);
    expect(Array.from(p.categoryAffinity)).toEqual(f.categoryAffinity.map(Math.fround));
    expect(decodeProfile("person-1", encodeProfile(p), FEATURES)).toEqual({
      ...p,
      priceAnchor: Math.fround(p.priceAnchor),
      discountSensitivity: Math.fround(p.discountSensitivity),
      churnRisk: Math.fround(p.churnRisk),
    });
  });

  it("should give an encodable neutral profile for an empty state", () => {
    const p = deriveProfile("u", stateOf([]), T0, config, 0);
    expect(p).toEqual({
      userId: "u",
      vector: new Float32Array(FEATURES),
      categoryAffinity: new Float32Array(32),
      priceAnchor: 0,
      discountSensitivity: 0.5,
      churnRisk: 0.5,
      loyaltyTier: 0,
      events: 0,
      consent: 0,
      signals: NO_SIGNALS,
      updatedAtMs: T0,
    });
    expect(() => encodeProfile(p)).not.toThrow();
  });
});

describe("deriveProfile(): signals", () => {
  const day0 = Math.floor(T0 / DAY);

  it("should count orders and give the last purchase time", () => {
    const s = deriveProfile("u", stateOf(threeOrders), lastOrder + DAY, config, 0).signals;
    expect(s.orders).toBe(3);
    expect(s.lastPurchaseMs).toBe(lastOrder);
  });

  it("should give 0 orders and a last purchase of 0 without purchases, whatever else happened", () => {
    const state = stateOf([view(T0, "S0"), cart(T0 + 1000, "S0")]);
    const s = deriveProfile("u", state, T0 + DAY, config, 0).signals;
    expect(s).toEqual({ ...NO_SIGNALS, orders: 0, lastPurchaseMs: 0 });
  });

  it("should report the session intent deriveFeatures reports, 0 once the session is over", () => {
    const state = stateOf([view(T0, "S0"), signal(T0 + 60_000, 0.8, 60_000), cart(T0 + 120_000, "S0")]);
    const during = deriveProfile("u", state, T0 + 130_000, config, 0).signals.sessionIntent;
    expect(during).toBe(deriveFeatures(state, T0 + 130_000, config).sessionIntent.value);
    expect(during).toBeCloseTo(0.2 * 0.8 + 0.3 * 0.5 + 0.5 * 0.5, 12);
    expect(deriveProfile("u", state, T0 + DAY, config, 0).signals.sessionIntent).toBe(0);
  });

  it("should list the upcoming life events by UTC day, soonest first, at most MAX_SIGNAL_LIFE_EVENTS", () => {
    const now = Date.UTC(2025, 5, 1, 15); // 2025-06-01, afternoon
    const today = Math.floor(now / DAY);
    const state = stateOf([
      life(T0, "move", "2025-07-01", false), // in 30 days
      life(T0, "birthday", "1990-06-21", true), // 20
      life(T0, "wedding", "2025-06-02", false), // 1
      life(T0, "anniversary", "2010-06-01", true), // today
      life(T0, "graduation", "2025-06-10", false), // 9
      life(T0, "new_baby", "2025-09-01", false), // beyond the 60-day horizon
    ]);
    const s = deriveProfile("u", state, now, config, 0).signals;
    expect(MAX_SIGNAL_LIFE_EVENTS).toBe(4);
    expect(s.lifeEvents).toEqual([
      { type: "anniversary", nextDay: today },
      { type: "wedding", nextDay: today + 1 },
      { type: "graduation", nextDay: today + 9 },
      { type: "birthday", nextDay: today + 20 },
    ]);
    const upcoming = deriveFeatures(state, now, config).upcomingLifeEvents;
    expect(upcoming).toHaveLength(5);
    expect(s.lifeEvents.map((e) => e.nextDay)).toEqual(upcoming.slice(0, 4).map((u) => parseDay(u.nextDate)));
  });

  it("should give the day each repeat purchase is due: last day plus the median interval, rounded", () => {
    const state = stateOf([
      purchase(T0, [line("S0", 1), line("S1", 1), line("S3", 1)]),
      purchase(T0 + 7 * DAY, [line("S0", 1)]),
      purchase(T0 + 10 * DAY, [line("S3", 1)]),
      purchase(T0 + 21 * DAY, [line("S0", 1), line("S2", 1)]),
    ]);
    const s = deriveProfile("u", state, T0 + 22 * DAY, config, 0).signals;
    // S0: days 0, 7, 21 — gaps 7 and 14, median 10.5, due 21 + 11. S3: days 0, 10, due 20.
    // S1 and S2 were bought on one day only.
    expect(s.replenishment).toEqual([
      { sku: "S3", dueDay: day0 + 20 },
      { sku: "S0", dueDay: day0 + 32 },
    ]);
    expect(deriveFeatures(state, T0 + 22 * DAY, config).replenishmentDays.get("S0")?.value).toBe(10.5);
  });

  it("should keep the MAX_SIGNAL_REPLENISHMENTS soonest due, ties by SKU", () => {
    // SKU Rk is bought on day 0 and day 1 + k % 6: due on 2 + 2·(k % 6).
    const events = Array.from({ length: 12 }, (_, k) => [
      purchase(T0, [line(`R${k}`, 1)]),
      purchase(T0 + (1 + (k % 6)) * DAY, [line(`R${k}`, 1)]),
    ]).flat();
    const s = deriveProfile("u", stateOf(events), T0 + 10 * DAY, config, 0).signals;
    expect(MAX_SIGNAL_REPLENISHMENTS).toBe(8);
    expect(s.replenishment).toEqual(
      ["R0", "R6", "R1", "R7", "R2", "R8", "R3", "R9"].map((sku) => {
        const k = Number(sku.slice(1));
        return { sku, dueDay: day0 + 2 + 2 * (k % 6) };
      }),
    );
  });

  it("should pack them so that they decode as derived", () => {
    const state = stateOf([
      ...threeOrders,
      purchase(lastOrder, [line("Café-crème", 4)]),
      purchase(lastOrder - 14 * DAY, [line("Café-crème", 4)]),
      life(T0, "birthday", "1990-04-01", true),
      signal(lastOrder + DAY, 0.5, 10_000),
    ]);
    const p = deriveProfile("u", state, lastOrder + DAY + 1000, config, 0);
    expect(p.signals.orders).toBe(5);
    expect(p.signals.lifeEvents).toHaveLength(1);
    expect(p.signals.replenishment.map((r) => r.sku)).toEqual(["S0", "Café-crème"]);
    expect(p.signals.sessionIntent).toBeGreaterThan(0);
    expect(decodeProfile("u", encodeProfile(p), FEATURES).signals).toEqual({
      ...p.signals,
      sessionIntent: Math.fround(p.signals.sessionIntent),
    });
  });
});

describe("featureStateFromProfile()", () => {
  const shoes = categorySlot("shoes");
  const beauty = categorySlot("beauty");
  const bulk: Profile = {
    userId: "p",
    vector: Float32Array.from([0.6, 0.8, 0, 0, 0, 0, 0, 0]),
    categoryAffinity: Float32Array.from({ length: 32 }, (_, s) =>
      s === shoes ? 0.8 : s === beauty ? 0.4 : 0,
    ),
    priceAnchor: Math.log(40),
    discountSensitivity: 0.3,
    churnRisk: 0.2,
    loyaltyTier: 2,
    events: 100,
    consent: ALL_CONSENT,
    signals: NO_SIGNALS,
    updatedAtMs: T0,
  };

  it("should derive back the profile it came from (affinity scaled so its top is 1)", () => {
    const state = featureStateFromProfile(bulk);
    const p = deriveProfile("p", state, T0 + DAY, config, ALL_CONSENT);
    expectCloseArrays(p.vector, bulk.vector, "vector");
    expect(p.categoryAffinity[shoes]).toBe(1);
    expect(p.categoryAffinity[beauty]).toBeCloseTo(0.5, 6);
    expect(p.priceAnchor).toBeCloseTo(Math.log(40), 12);
    expect(p.discountSensitivity).toBeCloseTo(0.3, 12);
    expect(p.churnRisk).toBeCloseTo(0.2, 6);
    expect(p.loyaltyTier).toBe(2);
    expect(p.events).toBe(100);
    expect(state.applied).toBe(0);
  });

  it("should let the first live event add to the profile instead of wiping it", () => {
    const state = featureStateFromProfile(bulk);
    applyEvent(state, view(T0 + DAY, "S2", { category: "toys" }), lookup, config);
    const p = deriveProfile("p", state, T0 + DAY, config, ALL_CONSENT);
    expect(p.categoryAffinity[shoes]).toBe(1);
    expect(p.categoryAffinity[beauty]).toBeCloseTo(0.5, 6);
    expect(p.categoryAffinity[categorySlot("toys")]).toBeGreaterThan(0);
    expect(p.categoryAffinity[categorySlot("toys")]).toBeLessThan(0.02);
    expect(p.vector[0]).toBeGreaterThan(0.55);
    expect(p.vector[2]).toBeGreaterThan(0);
    expect(p.vector[2]).toBeLessThan(0.05);
    expect(p.events).toBe(101);
    expect(deriveFeatures(state, T0 + DAY, config).categoryAffinityEvents).toBe(101);
  });

  it("should keep the profile's tier for loyaltyWindowDays after its load, then go by purchases", () => {
    const state = featureStateFromProfile(bulk);
    expect(deriveProfile("p", state, T0 + 364 * DAY, config, 0).loyaltyTier).toBe(2);
    expect(deriveProfile("p", state, T0 + 366 * DAY, config, 0).loyaltyTier).toBe(0);
  });

  it("should move discount sensitivity with live orders, the profile counting as profilePriorOrders", () => {
    const state = featureStateFromProfile(bulk);
    for (let i = 0; i < 10; i++)
      applyEvent(state, purchase(T0 + i * DAY, [line("S0", 10)], "P"), lookup, config);
    expect(deriveFeatures(state, T0 + 10 * DAY, config).discountSensitivity).toEqual({
      value: (10 + 0.3 * 10) / 20,
      events: 110,
    });
  });

  it("should seed the direction of a profile that claims no events", () => {
    const state = featureStateFromProfile({ ...bulk, events: 0 });
    const p = deriveProfile("p", state, T0, config, 0);
    expectCloseArrays(p.vector, bulk.vector, "vector");
    expect(p.events).toBe(0);
  });
});
