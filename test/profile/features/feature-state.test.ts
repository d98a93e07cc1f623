import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";
import { createRng } from "../../../server/src/demo/synthetic.js";
import type { PersonEvent } from "../../../server/src/domain/event.js";
import { LIFE_EVENT_TYPES } from "../../../server/src/domain/event.js";
import { applyEvent } from "../../../server/src/profile/features/apply-event.js";
import { deriveFeatures } from "../../../server/src/profile/features/derive.js";
import {
  decodeFeatureState,
  emptyFeatureState,
  encodeFeatureState,
  type FeatureState,
  FeatureStateDecodeError,
} from "../../../server/src/profile/features/feature-state.js";
import {
  cart,
  config,
  DAY,
  eventArb,
  expectSameFeatures,
  FEATURES,
  life,
  line,
  lookup,
  NOW,
  purchase,
  search,
  signal,
  stateOf,
  T0,
  view,
} from "./feature-fixture.js";

/** `s` as decoding its encoding gives it back: the f32 arrays rounded. */
function roundedToF32(s: FeatureState): FeatureState {
  return { ...s, affinity: s.affinity.map(Math.fround), vector: s.vector.map(Math.fround) };
}

describe("emptyFeatureState()", () => {
  it("should hold nothing, sized for the features", () => {
    const s = emptyFeatureState(FEATURES);
    expect(s.vector).toHaveLength(FEATURES);
    expect(s.affinity).toHaveLength(CATEGORY_SLOTS);
    expect(s.applied).toBe(0);
    expect(s.prior).toBeNull();
  });

  it.each([0, -1, 1.5])("should reject %d features", (features) => {
    expect(() => emptyFeatureState(features)).toThrow(
      new RangeError(`features must be a positive integer, got ${features}`),
    );
  });
});

describe("encodeFeatureState() / decodeFeatureState()", () => {
  it("should round-trip any state, the sums as f32", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        const s = stateOf(events);
        const text = encodeFeatureState(s);
        const back = decodeFeatureState(text, FEATURES);
        expect(back).toEqual(roundedToF32(s));
        expect(encodeFeatureState(back)).toBe(text);
        expectSameFeatures(deriveFeatures(back, NOW, config), deriveFeatures(s, NOW, config));
      }),
      { numRuns: 200 },
    );
  });

  it("should write versioned JSON with the float arrays as base64", () => {
    const o = JSON.parse(encodeFeatureState(stateOf([view(T0, "S0")])));
    expect(o.v).toBe(1);
    expect(o.features).toBe(FEATURES);
    expect(Buffer.from(o.vector, "base64")).toHaveLength(4 * FEATURES);
    expect(Buffer.from(o.affinity, "base64")).toHaveLength(4 * CATEGORY_SLOTS);
  });

  it("should store day lists as the first day and the gaps after it", () => {
    const s = stateOf([0, 3, 10].map((d) => purchase(T0 + d * DAY, [line("S0", 5)])));
    const o = JSON.parse(encodeFeatureState(s));
    const day0 = Math.floor(T0 / DAY);
    expect(o.orderDays).toEqual([day0 + 10, 7, 3]);
    expect(o.skus).toEqual([["S0", day0 + 10, 7, 3]]);
  });

  it("should keep the state bounded after 10,000 events", () => {
    const rand = createRng(11);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const state = emptyFeatureState(FEATURES);
    let longest = 0;
    for (let i = 0; i < 10_000; i++) {
      // Three years of a busy person: a new SKU most of the time, life events of any date.
      const t = T0 + Math.floor(rand() * 3 * 365 * DAY);
      const sku = `SKU-${String(Math.floor(rand() * 100_000)).padStart(6, "0")}`;
      const kinds: (() => PersonEvent)[] = [
        () => view(t, sku, { category: pick(["shoes", "home/decor", ""]), price: 1 + rand() * 99 }),
        () => cart(t, sku, 20),
        () => purchase(t, [line(sku, 10 + rand() * 500), line(pick(["S0", "S1", "S2"]), 5)], pick(["", "P"])),
        () => signal(t, rand(), Math.floor(rand() * 60_000)),
        () => search(t),
        () =>
          life(
            t,
            pick(LIFE_EVENT_TYPES),
            `20${10 + Math.floor(rand() * 20)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 10)}`,
            rand() < 0.5,
          ),
      ];
      applyEvent(state, pick(kinds)(), lookup, config);
      if (i % 500 === 0) longest = Math.max(longest, encodeFeatureState(state).length);
    }
    const text = encodeFeatureState(state);
    longest = Math.max(longest, text.length);
    expect(state.applied).toBe(10_000);
    expect(state.skus).toHaveLength(config.maxReplenishmentSkus);
    expect(state.skus.every((e) => e.days.length <= config.maxPurchaseDatesPerSku)).toBe(true);
    expect(state.orderDays).toHaveLength(config.maxOrderDates);
    expect(state.lifeEvents).toHaveLength(config.maxLifeEvents);
    expect(state.months.length).toBeLessThanOrEqual(15);
    expect(longest).toBeLessThan(4096);
    expect(decodeFeatureState(text, FEATURES)).toEqual(roundedToF32(state));
  });
});

describe("decodeFeatureState() on bad input", () => {
  const good = JSON.parse(
    encodeFeatureState(stateOf([purchase(T0, [line("S0", 5)]), life(T0, "move", "2025-05-01", false)])),
  );
  const broken = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });

  it.each([
    ["text that is not JSON", "{", /^feature state: not JSON \(/],
    ["a JSON array", "[]", "feature state: the value must be an object, got []"],
    ["another version", broken({ v: 2 }), "feature state: unsupported version 2, expected 1"],
    ["no version", broken({ v: undefined }), "feature state: unsupported version undefined, expected 1"],
    [
      "a negative counter",
      broken({ orders: -1 }),
      "feature state: orders must be a non-negative integer, got -1",
    ],
    [
      "a fractional counter",
      broken({ applied: 1.5 }),
      "feature state: applied must be a non-negative integer, got 1.5",
    ],
    [
      "a missing counter",
      broken({ behaviour: undefined }),
      "feature state: behaviour must be a non-negative integer, got undefined",
    ],
    [
      "a price sum that is a string",
      broken({ priceLogSum: "1" }),
      'feature state: priceLogSum must be a finite number, got "1"',
    ],
    [
      "a short vector",
      broken({ vector: "AAAAAA==" }),
      "feature state: vector holds 4 bytes, expected 32 (8 f32 values)",
    ],
    [
      "a vector that is not base64",
      broken({ vector: "!!" }),
      'feature state: vector must be base64, got "!!"',
    ],
    [
      "a NaN in the affinity",
      broken({ affinity: Buffer.alloc(4 * CATEGORY_SLOTS, 0xff).toString("base64") }),
      "feature state: affinity[0] must be finite, got NaN",
    ],
    [
      "a session of 5 values",
      broken({ session: [0, 0, 0, 0, 0] }),
      "feature state: session must have 6 values, got [0,0,0,0,0]",
    ],
    [
      "a scroll above 1",
      broken({ session: [0, 0, 2, 0, 0, 1] }),
      "feature state: session[2] (maxScroll) must be at most 1, got 2",
    ],
    [
      "a zero gap between days",
      broken({ orderDays: [20000, 0] }),
      "feature state: orderDays[1] must be a positive gap to the previous day, got 0",
    ],
    [
      "a SKU without days",
      broken({ skus: [["S0"]] }),
      'feature state: skus[0] must hold at least one day, got ["S0"]',
    ],
    [
      "a SKU that is not a string",
      broken({ skus: [[5, 20000]] }),
      "feature state: skus[0][0] must be a SKU string, got 5",
    ],
    [
      "an unknown life event",
      broken({ life: [["party", "2025-01-01", 0, 0]] }),
      `feature state: life[0][0] must be one of ${LIFE_EVENT_TYPES.join(", ")}, got "party"`,
    ],
    [
      "a life event on no real day",
      broken({ life: [["move", "2025-02-30", 0, 0]] }),
      'feature state: life[0][1] must be a date YYYY-MM-DD, got "2025-02-30"',
    ],
    [
      "a prior tier out of range",
      broken({ prior: [1, 0.5, 0.5, 4, 0] }),
      "feature state: prior[3] (loyaltyTier) must be 0..3, got 4",
    ],
  ])("should throw FeatureStateDecodeError on %s", (_name, text, message) => {
    expect(() => decodeFeatureState(text, FEATURES)).toThrow(FeatureStateDecodeError);
    expect(() => decodeFeatureState(text, FEATURES)).toThrow(message);
  });

  it("should reject a state of another feature count, naming both counts", () => {
    expect(() => decodeFeatureState(JSON.stringify(good), 16)).toThrow(
      new FeatureStateDecodeError("feature state: has 8 features, the server expects 16 (option features)"),
    );
  });

  it("should throw nothing but FeatureStateDecodeError on arbitrary text and JSON", () => {
    const text = JSON.stringify(good);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.nat(text.length).map((n) => text.slice(0, n)),
        ),
        (input) => {
          try {
            decodeFeatureState(input, FEATURES);
          } catch (error) {
            expect(error).toBeInstanceOf(FeatureStateDecodeError);
          }
        },
      ),
    );
  });
});
