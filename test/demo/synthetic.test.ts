import { describe, expect, it } from "vitest";
import { CATEGORY_SLOTS } from "../../core-wasm/src/layout.js";
import {
  generateCatalog,
  generateProfiles,
  SYNTHETIC_TOP_CATEGORIES,
} from "../../server/src/demo/synthetic.js";
import type { CatalogItem } from "../../server/src/domain/catalog-item.js";
import { categorySlot } from "../../server/src/domain/category-slot.js";
import { ALL_CHANNELS_MASK, Channel } from "../../server/src/domain/channel.js";
import { ALL_CONSENT, Consent } from "../../server/src/domain/consent.js";

const FEATURES = 32;
const catalog = generateCatalog({ items: 20_000, stores: 40, features: FEATURES, seed: 42 });
const people = generateProfiles({ count: 20_000, features: FEATURES, seed: 42 });
const buyers = generateProfiles({ count: 5000, features: FEATURES, seed: 42, catalog });

function share<T>(list: readonly T[], predicate: (x: T) => boolean): number {
  let n = 0;
  for (const x of list) if (predicate(x)) n++;
  return n / list.length;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

describe("generateCatalog()", () => {
  it("should be deterministic by seed", () => {
    const opts = { items: 500, stores: 10, features: 8, seed: 7 };
    expect(generateCatalog(opts)).toEqual(generateCatalog(opts));
    expect(generateCatalog(opts)).not.toEqual(generateCatalog({ ...opts, seed: 8 }));
  });

  it("should give SKUs SKU-000001… and store ids store-001…", () => {
    expect(catalog.slice(0, 2).map((i) => i.sku)).toEqual(["SKU-000001", "SKU-000002"]);
    expect(catalog.at(-1)!.sku).toBe("SKU-020000");
    const storeIds = new Set(catalog.flatMap((i) => Object.keys(i.storeStock)));
    expect([...storeIds].every((id) => /^store-0[0-4]\d$/.test(id))).toBe(true);
    expect(storeIds.size).toBe(40);
  });

  it("should build a category tree of 8..32 top-level categories in distinct affinity slots", () => {
    const tops = new Set(catalog.map((i) => i.categoryPath[0]!));
    expect(tops.size).toBeGreaterThanOrEqual(8);
    expect(tops.size).toBeLessThanOrEqual(32);
    expect([...tops].sort()).toEqual([...SYNTHETIC_TOP_CATEGORIES].sort());
    expect(new Set(SYNTHETIC_TOP_CATEGORIES.map(categorySlot)).size).toBe(SYNTHETIC_TOP_CATEGORIES.length);
    expect(catalog.every((i) => i.categoryPath.length >= 2 && i.categoryPath.length <= 3)).toBe(true);
    expect(new Set(catalog.map((i) => i.categoryPath.join("/"))).size).toBeGreaterThan(80);
  });

  it("should have several brands per category", () => {
    const brandsOf = new Map<string, Set<string>>();
    for (const i of catalog) {
      const top = i.categoryPath[0]!;
      if (!brandsOf.has(top)) brandsOf.set(top, new Set());
      brandsOf.get(top)!.add(i.brand);
    }
    for (const brands of brandsOf.values()) expect(brands.size).toBeGreaterThanOrEqual(3);
  });

  it("should draw prices around category price levels", () => {
    expect(catalog.every((i) => i.price > 0 && Number.isFinite(i.price))).toBe(true);
    const median = (top: string) => {
      const prices = catalog.filter((i) => i.categoryPath[0] === top).map((i) => i.price);
      prices.sort((a, b) => a - b);
      return prices[Math.floor(prices.length / 2)]!;
    };
    expect(median("grocery")).toBeLessThan(15);
    expect(median("electronics")).toBeGreaterThan(60);
    expect(median("furniture")).toBeGreaterThan(median("apparel"));
  });

  it("should spread margins: mostly 0.1..0.6, ~5% below 0.05, a few negative", () => {
    expect(share(catalog, (i) => i.margin >= 0.1 && i.margin <= 0.6)).toBeGreaterThan(0.9);
    expect(share(catalog, (i) => i.margin < 0.05)).toBeGreaterThan(0.035);
    expect(share(catalog, (i) => i.margin < 0.05)).toBeLessThan(0.065);
    expect(share(catalog, (i) => i.margin < 0)).toBeGreaterThan(0.003);
    expect(share(catalog, (i) => i.margin < 0)).toBeLessThan(0.02);
    expect(catalog.every((i) => i.margin >= -1 && i.margin <= 1)).toBe(true);
  });

  it("should leave ~6% out of stock and ~15% low, with store stock never above network stock", () => {
    expect(share(catalog, (i) => i.stock === 0)).toBeGreaterThan(0.045);
    expect(share(catalog, (i) => i.stock === 0)).toBeLessThan(0.075);
    expect(share(catalog, (i) => i.stock >= 1 && i.stock <= 5)).toBeGreaterThan(0.12);
    expect(share(catalog, (i) => i.stock >= 1 && i.stock <= 5)).toBeLessThan(0.18);
    const storeCounts = catalog.flatMap((i) => Object.values(i.storeStock));
    expect(storeCounts.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
    expect(share(storeCounts, (n) => n === 0)).toBeGreaterThan(0.3);
    const sum = (i: CatalogItem) => Object.values(i.storeStock).reduce((a, b) => a + b, 0);
    expect(catalog.every((i) => sum(i) <= i.stock)).toBe(true);
    expect(catalog.filter((i) => i.stock === 0).every((i) => sum(i) === 0)).toBe(true);
  });

  it("should bar ~8% from paid media and make ~3% web-only", () => {
    const webOnly = 1 << Channel.WEB;
    const paid = 1 << Channel.PAID_MEDIA;
    expect(share(catalog, (i) => i.channels === webOnly)).toBeGreaterThan(0.02);
    expect(share(catalog, (i) => i.channels === webOnly)).toBeLessThan(0.04);
    expect(share(catalog, (i) => i.channels === (ALL_CHANNELS_MASK & ~paid))).toBeGreaterThan(0.065);
    expect(share(catalog, (i) => i.channels === (ALL_CHANNELS_MASK & ~paid))).toBeLessThan(0.095);
    expect(share(catalog, (i) => i.channels === ALL_CHANNELS_MASK)).toBeGreaterThan(0.85);
  });

  it("should skew popularity and boost only a few items", () => {
    const pops = catalog.map((i) => i.popularity).sort((a, b) => a - b);
    expect(pops[0]).toBeGreaterThanOrEqual(0);
    expect(pops.at(-1)).toBeLessThanOrEqual(1);
    expect(pops[Math.floor(pops.length / 2)]).toBeLessThan(0.25);
    expect(pops[Math.floor(pops.length * 0.99)]).toBeGreaterThan(0.7);
    expect(share(catalog, (i) => i.boost > 0)).toBeGreaterThan(0.01);
    expect(share(catalog, (i) => i.boost > 0)).toBeLessThan(0.04);
    expect(catalog.every((i) => i.returnRate >= 0 && i.returnRate <= 1)).toBe(true);
  });

  it("should make unit feature vectors, closer within a category than across", () => {
    expect(
      catalog.every((i) => i.features.length === FEATURES && Math.abs(norm(i.features) - 1) < 1e-3),
    ).toBe(true);
    const apparel = catalog.filter((i) => i.categoryPath[0] === "apparel").slice(0, 200);
    const grocery = catalog.filter((i) => i.categoryPath[0] === "grocery").slice(0, 200);
    let within = 0;
    let across = 0;
    for (let k = 0; k < 199; k++) {
      within += dot(apparel[k]!.features, apparel[k + 1]!.features);
      across += dot(apparel[k]!.features, grocery[k]!.features);
    }
    expect(within / 199).toBeGreaterThan(across / 199 + 0.3);
  });
});

describe("generateProfiles()", () => {
  it("should be deterministic by seed and use the id prefix", () => {
    const opts = { count: 300, features: 8, seed: 3, idPrefix: "p-" };
    const a = generateProfiles(opts);
    expect(a).toEqual(generateProfiles(opts));
    expect(a).not.toEqual(generateProfiles({ ...opts, seed: 4 }));
    expect(a[0]!.userId).toBe("p-000001");
    expect(people[0]!.userId).toBe("user-000001");
  });

  it("should grant consent in roughly the target mix, ~5% none at all", () => {
    const rate = (bit: number) => share(people, (p) => (p.consent & bit) !== 0);
    expect(rate(Consent.PERSONALIZATION)).toBeCloseTo(0.85, 1);
    expect(rate(Consent.EMAIL)).toBeCloseTo(0.6, 1);
    expect(rate(Consent.SMS)).toBeCloseTo(0.35, 1);
    expect(rate(Consent.PUSH)).toBeCloseTo(0.4, 1);
    expect(rate(Consent.IN_STORE)).toBeCloseTo(0.2, 1);
    expect(rate(Consent.ADS)).toBeCloseTo(0.5, 1);
    expect(share(people, (p) => p.consent === 0)).toBeGreaterThan(0.04);
    expect(share(people, (p) => p.consent === 0)).toBeLessThan(0.07);
    expect(people.every((p) => (p.consent & ~ALL_CONSENT) === 0)).toBe(true);
  });

  it("should spread tiers, discount sensitivity and churn", () => {
    for (const tier of [0, 1, 2, 3])
      expect(share(people, (p) => p.loyaltyTier === tier)).toBeGreaterThan(0.03);
    expect(share(people, (p) => p.discountSensitivity < 0.2)).toBeGreaterThan(0.1);
    expect(share(people, (p) => p.discountSensitivity > 0.6)).toBeGreaterThan(0.2);
    expect(people.every((p) => p.discountSensitivity >= 0 && p.discountSensitivity <= 1)).toBe(true);
    expect(people.every((p) => p.churnRisk >= 0 && p.churnRisk <= 1)).toBe(true);
    expect(share(people, (p) => p.churnRisk < 0.3)).toBeGreaterThan(0.5);
  });

  it("should give everyone 5..400 behaviour events, most of them few", () => {
    expect(people.every((p) => Number.isInteger(p.events) && p.events >= 5 && p.events <= 400)).toBe(true);
    const sorted = people.map((p) => p.events).sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    expect(median).toBeGreaterThan(15);
    expect(median).toBeLessThan(60);
    expect(share(people, (p) => p.events >= 200)).toBeGreaterThan(0.03);
  });

  it("should centre affinity, vector and price anchor on the favourite category", () => {
    const slotOf = new Map(SYNTHETIC_TOP_CATEGORIES.map((c) => [categorySlot(c), c]));
    let closer = 0;
    let priceFits = 0;
    const sample = people.slice(0, 300);
    for (const p of sample) {
      expect(p.categoryAffinity).toHaveLength(CATEGORY_SLOTS);
      expect(Math.abs(norm(p.vector) - 1)).toBeLessThan(1e-3);
      let best = 0;
      for (let s = 1; s < CATEGORY_SLOTS; s++)
        if (p.categoryAffinity[s]! > p.categoryAffinity[best]!) best = s;
      const favourite = slotOf.get(best);
      expect(favourite).toBeDefined();
      const mine = catalog.filter((i) => i.categoryPath[0] === favourite).slice(0, 30);
      const others = catalog.filter((i) => i.categoryPath[0] !== favourite).slice(0, 30);
      const mean = (items: CatalogItem[]) =>
        items.reduce((s, i) => s + dot(p.vector, i.features), 0) / items.length;
      if (mean(mine) > mean(others)) closer++;
      const logPrices = mine.map((i) => Math.log(i.price));
      const centre = logPrices.reduce((a, b) => a + b, 0) / logPrices.length;
      if (Math.abs(p.priceAnchor - centre) < 1.5) priceFits++;
    }
    expect(closer / sample.length).toBeGreaterThan(0.9);
    expect(priceFits / sample.length).toBeGreaterThan(0.6);
  });

  it("should give ~60% orders, ~15% a session and ~15% a life event coming within 60 days", () => {
    expect(share(people, (p) => p.signals.orders > 0)).toBeCloseTo(0.6, 1);
    expect(share(people, (p) => p.signals.sessionIntent > 0)).toBeCloseTo(0.15, 1);
    expect(share(people, (p) => p.signals.lifeEvents.length > 0)).toBeCloseTo(0.15, 1);
    for (const p of people) {
      const s = p.signals;
      expect(Number.isInteger(s.orders)).toBe(true);
      expect(
        s.orders > 0 ? s.lastPurchaseMs > 0 && s.lastPurchaseMs <= p.updatedAtMs : s.lastPurchaseMs === 0,
      ).toBe(true);
      expect(Math.fround(s.sessionIntent)).toBe(s.sessionIntent);
      const today = Math.floor(p.updatedAtMs / 86_400_000);
      for (const e of s.lifeEvents) expect(e.nextDay - today).toBeGreaterThanOrEqual(0);
      for (const e of s.lifeEvents) expect(e.nextDay - today).toBeLessThanOrEqual(60);
      expect(s.lifeEvents.map((e) => e.nextDay)).toEqual(
        s.lifeEvents.map((e) => e.nextDay).sort((a, b) => a - b),
      );
      expect(s.replenishment).toEqual([]);
    }
  });

  it("should draw replenishment SKUs from the catalog's everyday categories, soonest due first", () => {
    const category = new Map(catalog.map((i) => [i.sku, i.categoryPath[0]]));
    const withSkus = buyers.filter((p) => p.signals.replenishment.length > 0);
    expect(withSkus.length / buyers.length).toBeGreaterThan(0.15);
    for (const p of withSkus) {
      expect(p.signals.orders).toBeGreaterThanOrEqual(2);
      expect(p.signals.replenishment.length).toBeLessThanOrEqual(4);
      const skus = p.signals.replenishment.map((r) => r.sku);
      expect(new Set(skus).size).toBe(skus.length);
      for (const sku of skus) expect(["grocery", "beauty", "pets", "health"]).toContain(category.get(sku));
      const due = p.signals.replenishment.map((r) => r.dueDay);
      expect(due).toEqual([...due].sort((a, b) => a - b));
    }
    // The catalog changes nothing else about the people.
    const same = generateProfiles({ count: 5000, features: FEATURES, seed: 42 });
    expect(buyers.map(({ signals, ...rest }) => [rest, signals.orders])).toEqual(
      same.map(({ signals, ...rest }) => [rest, signals.orders]),
    );
  });

  it("should reject invalid options, naming the option", () => {
    expect(() => generateProfiles({ count: -1, features: 8, seed: 1 })).toThrow(
      new RangeError("options.count must be a non-negative integer, got -1"),
    );
    expect(() => generateCatalog({ items: 1, stores: 1, features: 0, seed: 1 })).toThrow(
      new RangeError("options.features must be a positive integer, got 0"),
    );
  });
});
