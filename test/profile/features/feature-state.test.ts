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
import { FEATURE_STATE_VERSION } from "../../../server/src/profile/features/feature-state-codec.js";
import { encodeFeatureStateJson } from "../../../server/src/profile/features/feature-state-json.js";
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
        const bytes = encodeFeatureState(s);
        const back = decodeFeatureState(bytes, FEATURES);
        expect(back).toEqual(roundedToF32(s));
        expect(encodeFeatureState(back)).toEqual(bytes);
        expectSameFeatures(deriveFeatures(back, NOW, config), deriveFeatures(s, NOW, config));
      }),
      { numRuns: 200 },
    );
  });

  it("should read a version-1 (JSON) state, as text or bytes, as the same state as the binary form", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        const s = stateOf(events);
        const fromBinary = decodeFeatureState(encodeFeatureState(s), FEATURES);
        const json = encodeFeatureStateJson(s);
        expect(decodeFeatureState(json, FEATURES)).toEqual(fromBinary);
        expect(decodeFeatureState(Buffer.from(json, "utf8"), FEATURES)).toEqual(fromBinary);
      }),
      { numRuns: 100 },
    );
  });

  it("should write the version, then the feature count, and be smaller than the JSON form", () => {
    const s = stateOf([view(T0, "S0"), purchase(T0, [line("S0", 5)]), life(T0, "move", "2025-05-01", true)]);
    const bytes = encodeFeatureState(s);
    expect(bytes[0]).toBe(FEATURE_STATE_VERSION);
    expect(bytes.readUInt16LE(1)).toBe(FEATURES);
    expect(bytes.length).toBeLessThan(Buffer.byteLength(encodeFeatureStateJson(s)));
  });

  it("should write version-1 JSON with the float arrays as base64", () => {
    const o = JSON.parse(encodeFeatureStateJson(stateOf([view(T0, "S0")])));
    expect(o.v).toBe(1);
    expect(o.features).toBe(FEATURES);
    expect(Buffer.from(o.vector, "base64")).toHaveLength(4 * FEATURES);
    expect(Buffer.from(o.affinity, "base64")).toHaveLength(4 * CATEGORY_SLOTS);
  });

  it("should store day lists as the first day and the gaps after it", () => {
    const s = stateOf([0, 3, 10].map((d) => purchase(T0 + d * DAY, [line("S0", 5)])));
    const o = JSON.parse(encodeFeatureStateJson(s));
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

describe("decodeFeatureState() on bad version-1 (JSON) input", () => {
  const good = JSON.parse(
    encodeFeatureStateJson(stateOf([purchase(T0, [line("S0", 5)]), life(T0, "move", "2025-05-01", false)])),
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

describe("decodeFeatureState() on bad binary input", () => {
  const base = stateOf([
    view(T0, "S0"),
    purchase(T0, [line("S0", 5)], "P"),
    signal(T0, 0.5, 3000),
    life(T0, "move", "2025-05-01", false),
  ]);
  const good = encodeFeatureState(base);
  /** `good` with the f64 at `offset` replaced. */
  const withF64 = (offset: number, value: number) => {
    const b = Buffer.from(good);
    b.writeDoubleLE(value, offset);
    return b;
  };
  /** The encoding of `base` changed by `patch` (the encoder writes what it is given). */
  const encoded = (patch: Partial<FeatureState>) => encodeFeatureState({ ...base, ...patch } as FeatureState);
  // Offsets of the head: version 0, features 1, then f64s from 3.
  const APPLIED = 3;
  const ORDERS = 3 + 4 * 8;
  const PRICE_LOG_SUM = 3 + 11 * 8;
  const MAX_SCROLL = 3 + 15 * 8;
  const AFFINITY = 3 + 19 * 8;

  it.each([
    [
      "another version",
      Buffer.from([3, ...good.subarray(1)]),
      "feature state: unsupported version 3, expected 2 (or 1, JSON)",
    ],
    ["an empty value", Buffer.alloc(0), "feature state: truncated at version (byte 0 of 0, 1 more needed)"],
    [
      "a negative counter",
      withF64(ORDERS, -1),
      "feature state: orders must be a non-negative integer, got -1",
    ],
    [
      "a fractional counter",
      withF64(APPLIED, 1.5),
      "feature state: applied must be a non-negative integer, got 1.5",
    ],
    [
      "an infinite sum",
      withF64(PRICE_LOG_SUM, Number.POSITIVE_INFINITY),
      "feature state: priceLogSum must be a finite number, got Infinity",
    ],
    ["a scroll above 1", withF64(MAX_SCROLL, 2), "feature state: session.maxScroll must be at most 1, got 2"],
    [
      "a NaN in the affinity",
      (() => {
        const b = Buffer.from(good);
        b.writeFloatLE(Number.NaN, AFFINITY);
        return b;
      })(),
      "feature state: affinity[0] must be finite, got NaN",
    ],
    [
      "days out of order",
      encoded({ orderDays: [20000, 20000] }),
      "feature state: orderDays[1] must be before the day ahead of it, got 20000",
    ],
    [
      "a negative day",
      encoded({ orderDays: [-3] }),
      "feature state: orderDays[0] must be a non-negative day, got -3",
    ],
    [
      "a SKU without days",
      encoded({ skus: [{ sku: "S0", days: [] }] }),
      "feature state: skus[0] must hold at least one day, got 0",
    ],
    [
      "an empty SKU",
      encoded({ skus: [{ sku: "", days: [1] }] }),
      'feature state: skus[0] (sku) must not be empty, got ""',
    ],
    [
      "an unknown life event",
      encoded({
        lifeEvents: [{ type: "party" as never, date: "2025-01-01", recurring: false, reportedMs: 0 }],
      }),
      `feature state: life[0] (type) must index one of ${LIFE_EVENT_TYPES.join(", ")}, got 255`,
    ],
    [
      "a life event on no real day",
      encoded({ lifeEvents: [{ type: "move", date: "2025-02-30", recurring: false, reportedMs: 0 }] }),
      'feature state: life[0] (date) must be a date YYYY-MM-DD, got "2025-02-30"',
    ],
    [
      "a prior tier out of range",
      encoded({
        prior: { events: 1, discountSensitivity: 0.5, churnRisk: 0.5, loyaltyTier: 4 as never, atMs: 0 },
      }),
      "feature state: prior.loyaltyTier must be 0..3, got 4",
    ],
    [
      "a byte after the end",
      Buffer.concat([good, Buffer.from([0])]),
      `feature state: 1 bytes after the end of the state (${good.length + 1} in all)`,
    ],
  ])("should throw FeatureStateDecodeError on %s", (_name, bytes, message) => {
    expect(() => decodeFeatureState(bytes, FEATURES)).toThrow(FeatureStateDecodeError);
    expect(() => decodeFeatureState(bytes, FEATURES)).toThrow(message);
  });

  it("should reject a state of another feature count, naming both counts", () => {
    expect(() => decodeFeatureState(good, 16)).toThrow(
      new FeatureStateDecodeError("feature state: has 8 features, the server expects 16 (option features)"),
    );
  });

  it("should reject every truncation of a good state, naming where", () => {
    for (let n = 0; n < good.length; n++) {
      expect(() => decodeFeatureState(good.subarray(0, n), FEATURES)).toThrow(
        /^feature state: truncated at /,
      );
    }
  });

  it("should throw nothing but FeatureStateDecodeError on arbitrary bytes and byte flips", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
          fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
            const b = Buffer.from(good);
            b[at] = b[at]! ^ x;
            return b;
          }),
        ),
        (bytes) => {
          try {
            decodeFeatureState(bytes, FEATURES);
          } catch (error) {
            expect(error).toBeInstanceOf(FeatureStateDecodeError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
