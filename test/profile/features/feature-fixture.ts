import fc from "fast-check";
import { expect } from "vitest";
import { createRng } from "../../../server/src/demo/synthetic.js";
import { categorySlot } from "../../../server/src/domain/category-slot.js";
import { Channel } from "../../../server/src/domain/channel.js";
import type {
  LifeEventType,
  PersonEvent,
  PurchaseLine,
  SessionSignalEvent,
} from "../../../server/src/domain/event.js";
import { LIFE_EVENT_TYPES } from "../../../server/src/domain/event.js";
import type { Profile } from "../../../server/src/domain/profile.js";
import {
  applyEvent,
  type ItemInfo,
  type ItemLookup,
} from "../../../server/src/profile/features/apply-event.js";
import type { DerivedFeatures } from "../../../server/src/profile/features/derive.js";
import {
  DEFAULT_FEATURE_CONFIG,
  type FeatureConfig,
} from "../../../server/src/profile/features/feature-config.js";
import { emptyFeatureState, type FeatureState } from "../../../server/src/profile/features/feature-state.js";

export const FEATURES = 8;
export const DAY = 24 * 3600 * 1000;
/** 2025-03-01T00:00:00Z: far from year ends and leap days unless a test wants them. */
export const T0 = Date.UTC(2025, 2, 1);
export const config: FeatureConfig = DEFAULT_FEATURE_CONFIG;

/** Top-level categories of the fixture catalog (distinct slots). */
export const CATEGORIES = ["shoes", "beauty", "home", "electronics"] as const;

/** The fixture catalog: SKU "S<i>" in CATEGORIES[i % 4], price 10·(i+1), a unit vector along axis i % FEATURES. */
export function item(i: number): ItemInfo {
  const features = new Float32Array(FEATURES);
  features[i % FEATURES] = 1;
  return { categorySlot: categorySlot(CATEGORIES[i % CATEGORIES.length]!), features, price: 10 * (i + 1) };
}

const ITEMS = new Map(Array.from({ length: 10 }, (_, i) => [`S${i}`, item(i)]));

/** Knows S0..S9; every other SKU is unknown. */
export const lookup: ItemLookup = (sku) => ITEMS.get(sku);

let nextId = 0;
function base(t: number) {
  return { eventId: `e-${nextId++}`, userId: "u", anonymous: false, timestampMs: t, channel: Channel.WEB };
}

export function view(
  t: number,
  sku: string,
  options: { category?: string; price?: number } = {},
): PersonEvent {
  return { ...base(t), kind: "view_item", sku, category: options.category ?? "", price: options.price ?? 0 };
}

export function cart(t: number, sku: string, price = 0): PersonEvent {
  return { ...base(t), kind: "add_to_cart", sku, quantity: 1, variant: "", price };
}

export function uncart(t: number, sku: string): PersonEvent {
  return { ...base(t), kind: "remove_from_cart", sku, quantity: 1 };
}

export function line(sku: string, unitPrice: number, options: Partial<PurchaseLine> = {}): PurchaseLine {
  return { sku, quantity: 1, unitPrice, discount: 0, category: "", ...options };
}

export function purchase(t: number, lines: readonly PurchaseLine[], promoCode = ""): PersonEvent {
  return { ...base(t), kind: "purchase", orderId: `o-${nextId}`, lines, promoCode };
}

export function signal(t: number, scrollDepth: number, dwellMs: number, sku = ""): SessionSignalEvent {
  return { ...base(t), kind: "session_signal", sku, scrollDepth, dwellMs };
}

export function search(t: number, query = "boots"): PersonEvent {
  return { ...base(t), kind: "search", query, resultCount: 3 };
}

export function storeVisit(t: number): PersonEvent {
  return { ...base(t), kind: "store_visit", storeId: "store-001" };
}

export function life(t: number, lifeEvent: LifeEventType, date: string, recurring: boolean): PersonEvent {
  return { ...base(t), kind: "life_event", lifeEvent, date, recurring };
}

export function consentUpdate(t: number): PersonEvent {
  return { ...base(t), kind: "consent_update", granted: 1, denied: 0, globalOptOut: false };
}

export function identify(t: number): PersonEvent {
  return { ...base(t), kind: "identify", identifiers: [{ kind: "email", hash: "ab".repeat(32) }] };
}

/** A fresh state with `events` applied in the given order. */
export function stateOf(events: readonly PersonEvent[], cfg: FeatureConfig = config): FeatureState {
  const state = emptyFeatureState(FEATURES);
  for (const e of events) applyEvent(state, e, lookup, cfg);
  return state;
}

/** A copy of `events` in an order drawn from `seed`. */
export function shuffled<T>(events: readonly T[], seed: number): T[] {
  const out = [...events];
  const rand = createRng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const SPAN_DAYS = 200;
const timeArb = fc.integer({ min: T0, max: T0 + SPAN_DAYS * DAY });
/** S0..S9 (known) and two SKUs the catalog does not know. */
const skuArb = fc.constantFrom(...Array.from({ length: 10 }, (_, i) => `S${i}`), "X1", "X2");
const categoryArb = fc.constantFrom("", "", "Shoes > Sneakers", "beauty/skincare", " Home ", "garden");
const priceArb = fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 500, noNaN: true }));

/** A random event of any kind, at most SPAN_DAYS after T0, over a catalog smaller than every bound. */
export const eventArb: fc.Arbitrary<PersonEvent> = fc.oneof(
  fc
    .record({ t: timeArb, sku: skuArb, category: categoryArb, price: priceArb })
    .map((x) => view(x.t, x.sku, x)),
  fc.record({ t: timeArb, sku: skuArb, price: priceArb }).map((x) => cart(x.t, x.sku, x.price)),
  fc.record({ t: timeArb, sku: skuArb }).map((x) => uncart(x.t, x.sku)),
  fc
    .record({
      t: timeArb,
      lines: fc.array(
        fc.record({
          sku: skuArb,
          unitPrice: fc.double({ min: 1, max: 3000, noNaN: true }),
          quantity: fc.integer({ min: 1, max: 3 }),
          discount: fc.constantFrom(0, 0, 2),
          category: categoryArb,
        }),
        { minLength: 1, maxLength: 3 },
      ),
      promo: fc.constantFrom("", "", "SPRING"),
    })
    .map((x) => purchase(x.t, x.lines, x.promo)),
  fc
    .record({ t: timeArb, scroll: fc.double({ min: 0, max: 1, noNaN: true }), dwell: fc.nat(120_000) })
    .map((x) => signal(x.t, x.scroll, x.dwell)),
  timeArb.map((t) => search(t)),
  timeArb.map((t) => storeVisit(t)),
  fc
    .record({
      t: timeArb,
      type: fc.constantFrom(...LIFE_EVENT_TYPES),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      recurring: fc.boolean(),
    })
    .map((x) =>
      life(
        x.t,
        x.type,
        `2025-${String(x.month).padStart(2, "0")}-${String(x.day).padStart(2, "0")}`,
        x.recurring,
      ),
    ),
  timeArb.map((t) => consentUpdate(t)),
  timeArb.map((t) => identify(t)),
);

/** When derived features are compared: after every event of `eventArb`. */
export const NOW = T0 + (SPAN_DAYS + 5) * DAY;

const REL = 1e-5;

/** Asserts `a` equals `b` within REL relative (and 1e-9 absolute, for values at 0). */
export function expectClose(a: number, b: number, what: string): void {
  const ok = Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b)) + 1e-9;
  if (!ok) expect.fail(`${what}: ${a} and ${b} differ by more than ${REL} relative`);
}

/** Asserts two arrays have the same length and values within REL relative. */
export function expectCloseArrays(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, `${what}.length`).toBe(b.length);
  for (let i = 0; i < a.length; i++) expectClose(a[i]!, b[i]!, `${what}[${i}]`);
}

/** Asserts two derived feature sets equal within tolerance; session intent is left out when asked. */
export function expectSameFeatures(
  a: DerivedFeatures,
  b: DerivedFeatures,
  options: { session: boolean } = { session: true },
): void {
  const scalars = [
    "recencyDays",
    "frequency",
    "monetary",
    "priceAnchor",
    "discountSensitivity",
    "churnRisk",
    "loyaltyTier",
    ...(options.session ? (["sessionIntent"] as const) : []),
  ] as const;
  for (const key of scalars) {
    expectClose(a[key].value, b[key].value, key);
    expect(a[key].events, `${key}.events`).toBe(b[key].events);
  }
  expectCloseArrays(a.categoryAffinity, b.categoryAffinity, "categoryAffinity");
  expect(a.categoryAffinityEvents).toBe(b.categoryAffinityEvents);
  expect([...a.replenishmentDays.keys()].sort()).toEqual([...b.replenishmentDays.keys()].sort());
  for (const [sku, f] of a.replenishmentDays) expect(b.replenishmentDays.get(sku), sku).toEqual(f);
  expect(a.upcomingLifeEvents).toEqual(b.upcomingLifeEvents);
  expect(a.behaviourEvents).toBe(b.behaviourEvents);
  expect(a.eventsApplied).toBe(b.eventsApplied);
}

/** Asserts two profiles equal within tolerance. */
export function expectSameProfile(a: Profile, b: Profile): void {
  expectCloseArrays(a.vector, b.vector, "vector");
  expectCloseArrays(a.categoryAffinity, b.categoryAffinity, "categoryAffinity");
  for (const key of ["priceAnchor", "discountSensitivity", "churnRisk"] as const) {
    expectClose(a[key], b[key], key);
  }
  expect(a.loyaltyTier).toBe(b.loyaltyTier);
  expect(a.events).toBe(b.events);
}
