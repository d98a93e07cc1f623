import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";
import { categorySlot } from "../../../server/src/domain/category-slot.js";
import { applyEvent } from "../../../server/src/profile/features/apply-event.js";
import { deriveFeatures, deriveProfile } from "../../../server/src/profile/features/derive.js";
import { resolveFeatureConfig } from "../../../server/src/profile/features/feature-config.js";
import { emptyFeatureState } from "../../../server/src/profile/features/feature-state.js";
import {
  cart,
  config,
  consentUpdate,
  DAY,
  eventArb,
  expectSameFeatures,
  expectSameProfile,
  FEATURES,
  identify,
  item,
  life,
  line,
  lookup,
  NOW,
  purchase,
  search,
  shuffled,
  signal,
  stateOf,
  storeVisit,
  T0,
  uncart,
  view,
} from "./feature-fixture.js";

const slot = (name: string) => categorySlot(name);

describe("applyEvent()", () => {
  it("should return the state it was given, changed", () => {
    const state = emptyFeatureState(FEATURES);
    expect(applyEvent(state, view(T0, "S0"), lookup, config)).toBe(state);
    expect(state.applied).toBe(1);
  });

  it.each([
    ["consent_update", consentUpdate(T0)],
    ["identify", identify(T0)],
  ])("should count a %s as applied and change no feature", (_kind, event) => {
    const state = stateOf([event]);
    expect(state).toEqual({ ...emptyFeatureState(FEATURES), applied: 1 });
  });

  it("should count behaviour events, but not life events, consent updates or identifies", () => {
    const state = stateOf([
      view(T0, "S0"),
      cart(T0, "S0"),
      uncart(T0, "S0"),
      purchase(T0, [line("S0", 10)]),
      search(T0),
      signal(T0, 0.5, 1000),
      storeVisit(T0 + 1000),
      life(T0, "birthday", "1990-05-01", true),
      consentUpdate(T0 + 5000),
      identify(T0 + 6000),
    ]);
    expect(state.applied).toBe(10);
    expect(state.behaviour).toBe(7);
    expect(state.lastEventMs).toBe(T0 + 1000);
  });

  it.each([
    ["the event's path split on ' > '", view(T0, "S0", { category: "Beauty > Skincare > Serums" }), "beauty"],
    ["the event's path split on '/'", view(T0, "S0", { category: " Home/Bath" }), "home"],
    ["the catalog's when the event gives none", view(T0, "S1"), "beauty"],
    ["the catalog's for an add to cart", cart(T0, "S2"), "home"],
    ["a purchase line's own path", purchase(T0, [line("S0", 10, { category: "garden > tools" })]), "garden"],
  ])("should take the category slot from %s", (_name, event, category) => {
    const f = deriveFeatures(stateOf([event]), T0, config);
    expect(f.categoryAffinity[slot(category)]).toBe(1);
    expect(f.categoryAffinity.filter((a) => a > 0)).toHaveLength(1);
    expect(f.categoryAffinityEvents).toBe(1);
  });

  it("should leave affinity alone for an unknown SKU without a category", () => {
    const state = stateOf([view(T0, "unknown"), cart(T0, "unknown")]);
    expect([...state.affinity].every((a) => a === 0)).toBe(true);
    expect(state.affinityEvents).toBe(0);
    expect(state.behaviour).toBe(2);
  });

  it("should weigh views, carts and purchases 1 : 3 : 5", () => {
    const f = deriveFeatures(
      stateOf([view(T0, "S0"), cart(T0, "S1"), purchase(T0, [line("S2", 10)])]),
      T0,
      config,
    );
    expect(f.categoryAffinity[slot("home")]).toBe(1);
    expect(f.categoryAffinity[slot("beauty")]).toBeCloseTo(3 / 5, 12);
    expect(f.categoryAffinity[slot("shoes")]).toBeCloseTo(1 / 5, 12);
  });

  it("should halve a signal's weight every affinityHalfLifeDays", () => {
    const f = deriveFeatures(stateOf([view(T0, "S0"), view(T0 + 30 * DAY, "S1")]), T0 + 30 * DAY, config);
    expect(f.categoryAffinity[slot("beauty")]).toBe(1);
    expect(f.categoryAffinity[slot("shoes")]).toBeCloseTo(0.5, 12);
    const fast = resolveFeatureConfig({ affinityHalfLifeDays: 10 });
    const g = deriveFeatures(stateOf([view(T0, "S0"), view(T0 + 30 * DAY, "S1")], fast), T0 + 30 * DAY, fast);
    expect(g.categoryAffinity[slot("shoes")]).toBeCloseTo(0.125, 12);
  });

  it("should build the profile vector from the items the catalog knows, unit-normalised", () => {
    const p = deriveProfile("u", stateOf([view(T0, "S0"), view(T0, "S1"), view(T0, "nope")]), T0, config, 0);
    expect(Array.from(p.vector)).toEqual([Math.SQRT1_2, Math.SQRT1_2, 0, 0, 0, 0, 0, 0].map(Math.fround));
    expect(deriveProfile("u", stateOf([view(T0, "nope")]), T0, config, 0).vector).toEqual(
      new Float32Array(FEATURES),
    );
  });

  it("should skip an item whose vector has another length than the state's", () => {
    const wrong = () => ({ ...item(0), features: new Float32Array(FEATURES + 1) });
    const state = emptyFeatureState(FEATURES);
    applyEvent(state, view(T0, "S0"), wrong, config);
    expect(state.vectorEvents).toBe(0);
    expect(state.affinityEvents).toBe(1);
  });

  it("should anchor price on the decayed mean of ln(price), the event's price first, else the catalog's", () => {
    const f = deriveFeatures(
      stateOf([view(T0, "S0", { price: 10 }), view(T0, "S0", { price: 1000 })]),
      T0,
      config,
    );
    expect(f.priceAnchor.value).toBeCloseTo(Math.log(100), 12);
    expect(f.priceAnchor.events).toBe(2);
    // S3 costs 40 in the catalog; a cart weighs 3.
    const g = deriveFeatures(stateOf([view(T0, "S0", { price: 10 }), cart(T0, "S3")]), T0, config);
    expect(g.priceAnchor.value).toBeCloseTo((Math.log(10) + 3 * Math.log(40)) / 4, 12);
    expect(deriveFeatures(stateOf([search(T0)]), T0, config).priceAnchor).toEqual({ value: 0, events: 0 });
  });

  it("should count orders, their value, promo orders and the last purchase", () => {
    const state = stateOf([
      purchase(T0, [line("S0", 10, { quantity: 2 }), line("S1", 5)]),
      purchase(T0 + DAY, [line("S0", 20)], "SPRING"),
      purchase(T0 + 2 * DAY, [line("S0", 20, { discount: 5 })]),
    ]);
    expect(state.orders).toBe(3);
    expect(state.promoOrders).toBe(2);
    expect(state.purchaseValue).toBe(65);
    expect(state.lastPurchaseMs).toBe(T0 + 2 * DAY);
    expect(state.orderDays).toEqual([2, 1, 0].map((d) => Math.floor(T0 / DAY) + d));
  });

  it("should keep the SKUs bought last, at most maxReplenishmentSkus, each with at most maxPurchaseDatesPerSku days", () => {
    const small = resolveFeatureConfig({ maxReplenishmentSkus: 2, maxPurchaseDatesPerSku: 3 });
    const events = [
      ...[0, 1, 2, 3, 4].map((d) => purchase(T0 + d * DAY, [line("A", 1)])),
      purchase(T0 + 5 * DAY, [line("B", 1)]),
      purchase(T0 + 6 * DAY, [line("C", 1)]),
      purchase(T0 + 7 * DAY, [line("B", 1)]),
    ];
    const state = stateOf(events, small);
    const day0 = Math.floor(T0 / DAY);
    expect(state.skus).toEqual([
      { sku: "B", days: [day0 + 7, day0 + 5] },
      { sku: "C", days: [day0 + 6] },
    ]);
    expect(stateOf(events.slice(0, 5), small).skus).toEqual([
      { sku: "A", days: [4, 3, 2].map((d) => day0 + d) },
    ]);
  });

  it("should record a life event once per (type, date, recurring), keeping the latest report", () => {
    const state = stateOf([
      life(T0, "birthday", "1990-05-01", true),
      life(T0 + DAY, "birthday", "1990-05-01", true),
      life(T0 + 2 * DAY, "birthday", "1990-05-01", false),
      life(T0 + 3 * DAY, "wedding", "2025-02-30", false),
    ]);
    expect(state.lifeEvents).toEqual([
      { type: "birthday", date: "1990-05-01", recurring: false, reportedMs: T0 + 2 * DAY },
      { type: "birthday", date: "1990-05-01", recurring: true, reportedMs: T0 + DAY },
    ]);
  });

  it("should ignore an event older than the current session's start", () => {
    const state = stateOf([
      signal(T0, 0.2, 1000),
      signal(T0 + 10 * 60_000, 0.4, 1000),
      signal(T0 - 1, 1, 99_000),
    ]);
    expect(state.session).toEqual({
      startMs: T0,
      lastMs: T0 + 10 * 60_000,
      maxScroll: 0.4,
      dwellMs: 2000,
      carts: 0,
      events: 2,
    });
  });

  it("should start a new session after more than sessionGapMs of silence", () => {
    const later = T0 + 60_000 + 30 * 60_000 + 1;
    const state = stateOf([cart(T0, "S0"), signal(T0 + 60_000, 0.9, 5000), signal(later, 0.1, 10)]);
    expect(state.session).toEqual({
      startMs: later,
      lastMs: later,
      maxScroll: 0.1,
      dwellMs: 10,
      carts: 0,
      events: 1,
    });
    // Exactly sessionGapMs later still belongs to the session.
    expect(stateOf([signal(T0, 0.5, 1), signal(T0 + 30 * 60_000, 0.5, 1)]).session.events).toBe(2);
  });

  it("should count net items added to the cart in the session, never below 0", () => {
    const state = stateOf([uncart(T0, "S0"), cart(T0 + 1, "S0"), cart(T0 + 2, "S1"), uncart(T0 + 3, "S1")]);
    expect(state.session.carts).toBe(1);
  });

  it("should keep every list bounded by its option", () => {
    const small = resolveFeatureConfig({ maxOrderDates: 3, maxLifeEvents: 2 });
    const events = Array.from({ length: 10 }, (_, d) => [
      purchase(T0 + d * DAY, [line(`S${d}`, 1)]),
      life(T0 + d, "anniversary", `2020-01-${String(d + 1).padStart(2, "0")}`, true),
    ]).flat();
    const state = stateOf(events, small);
    expect(state.orderDays).toHaveLength(3);
    expect(state.lifeEvents.map((e) => e.date)).toEqual(["2020-01-10", "2020-01-09"]);
  });
});

describe("applyEvent() in any order", () => {
  it("should derive the same features from the same events in two orders (session intent aside)", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), fc.integer(), fc.integer(), (events, s1, s2) => {
        const a = stateOf(shuffled(events, s1));
        const b = stateOf(shuffled(events, s2));
        expectSameFeatures(deriveFeatures(a, NOW, config), deriveFeatures(b, NOW, config), {
          session: false,
        });
        expectSameProfile(deriveProfile("u", a, NOW, config, 0), deriveProfile("u", b, NOW, config, 0));
        expect(a.orderDays).toEqual(b.orderDays);
        expect(a.skus).toEqual(b.skus);
        expect(a.lifeEvents).toEqual(b.lifeEvents);
      }),
      { numRuns: 300 },
    );
  });

  it("should keep affinity in [0, 1] with the strongest slot at 1", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 40 }), (events) => {
        const f = deriveFeatures(stateOf(events), NOW, config);
        expect(f.categoryAffinity).toHaveLength(CATEGORY_SLOTS);
        expect(f.categoryAffinity.every((a) => a >= 0 && a <= 1)).toBe(true);
        if (f.categoryAffinityEvents > 0) expect(Math.max(...f.categoryAffinity)).toBe(1);
      }),
    );
  });
});
