import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORY_SLOTS } from "../../core-wasm/src/layout.js";
import { LIFE_EVENT_TYPES, type LifeEventType } from "../../server/src/domain/event.js";
import {
  type LoyaltyTier,
  MAX_SIGNAL_LIFE_EVENTS,
  MAX_SIGNAL_REPLENISHMENTS,
  NO_SIGNALS,
  type PersonSignals,
  type Profile,
} from "../../server/src/domain/profile.js";
import {
  assertProfileFeatures,
  decodeProfile,
  encodedProfileBytes,
  encodeProfile,
  PROFILE_CODEC_VERSION,
  ProfileDecodeError,
} from "../../server/src/profile/profile-codec.js";

const finiteF32 = { noNaN: true, noDefaultInfinity: true } as const;
const I32 = { min: -0x8000_0000, max: 0x7fff_ffff } as const;

const signalsArb: fc.Arbitrary<PersonSignals> = fc.record({
  orders: fc.integer({ min: 0, max: 0xffff_ffff }),
  lastPurchaseMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  sessionIntent: fc.float({ noNaN: true, min: 0, max: 1 }),
  lifeEvents: fc.array(fc.record({ type: fc.constantFrom(...LIFE_EVENT_TYPES), nextDay: fc.integer(I32) }), {
    maxLength: MAX_SIGNAL_LIFE_EVENTS,
  }),
  replenishment: fc.array(
    fc.record({
      sku: fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ maxLength: 300 })),
      dueDay: fc.integer(I32),
    }),
    { maxLength: MAX_SIGNAL_REPLENISHMENTS },
  ),
});

function profileArb(features: number): fc.Arbitrary<Profile> {
  return fc.record({
    userId: fc.string({ unit: "grapheme", maxLength: 40 }),
    vector: fc.float32Array({ ...finiteF32, minLength: features, maxLength: features }),
    categoryAffinity: fc.float32Array({ ...finiteF32, minLength: CATEGORY_SLOTS, maxLength: CATEGORY_SLOTS }),
    priceAnchor: fc.float(finiteF32),
    discountSensitivity: fc.float({ ...finiteF32, min: 0, max: 1 }),
    churnRisk: fc.float({ ...finiteF32, min: 0, max: 1 }),
    loyaltyTier: fc.constantFrom<LoyaltyTier>(0, 1, 2, 3),
    events: fc.integer({ min: 0, max: 0xffff_ffff }),
    consent: fc.integer({ min: 0, max: 63 }),
    signals: fc.oneof(fc.constant(NO_SIGNALS), signalsArb),
    updatedAtMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  });
}

/** `signals` as they come back: the replenishments whose SKU fits 255 UTF-8 bytes. */
function storedSignals(signals: PersonSignals): PersonSignals {
  return {
    ...signals,
    replenishment: signals.replenishment.filter((r) => Buffer.byteLength(r.sku) <= 255),
  };
}

function sample(features = 8, overrides: Partial<Profile> = {}): Profile {
  return {
    userId: "user-1",
    vector: Float32Array.from({ length: features }, (_, i) => i / 10),
    categoryAffinity: Float32Array.from({ length: CATEGORY_SLOTS }, (_, i) => i / 100),
    priceAnchor: 3.25,
    discountSensitivity: 0.5,
    churnRisk: 0.125,
    loyaltyTier: 2,
    events: 42,
    consent: 0b10_1011,
    signals: NO_SIGNALS,
    updatedAtMs: 1_735_689_600_123,
    ...overrides,
  };
}

/** A 255-byte SKU: the longest the block holds. */
const LONGEST_SKU = `${"é".repeat(127)}x`;

/** Every list at its maximum, SKUs of several scripts, a BOM, an emoji and the longest that fits. */
const FULL: PersonSignals = {
  orders: 0xffff_ffff,
  lastPurchaseMs: 1_735_000_000_000,
  sessionIntent: 0.75,
  lifeEvents: [
    { type: "birthday", nextDay: 20_089 },
    { type: "move", nextDay: 20_090 },
    { type: "new_baby", nextDay: 20_100 },
    { type: "graduation", nextDay: 0x7fff_ffff },
  ],
  replenishment: [
    { sku: "Café-crème-250g", dueDay: -0x8000_0000 },
    { sku: "緑茶-500g", dueDay: -1 },
    { sku: "🧴 refill", dueDay: 0 },
    { sku: "\uFEFFbom-first", dueDay: 20_080 },
    { sku: "e\u0301-combining", dueDay: 20_081 },
    { sku: "", dueDay: 20_082 },
    { sku: "Ωμέγα", dueDay: 20_083 },
    { sku: LONGEST_SKU, dueDay: 20_084 },
  ],
};

describe("encodeProfile() / decodeProfile()", () => {
  it("should round-trip any profile whose numbers are f32, leaving out SKUs over 255 bytes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 96 }).chain((f) => fc.tuple(fc.constant(f), profileArb(f))),
        ([features, profile]) => {
          const buf = encodeProfile(profile);
          expect(buf.length).toBe(encodedProfileBytes(features, profile.signals));
          expect(decodeProfile(profile.userId, buf, features)).toEqual({
            ...profile,
            signals: storedSignals(profile.signals),
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("should round-trip full signals: the most life events and replenishments, unicode SKUs", () => {
    expect(Buffer.byteLength(LONGEST_SKU)).toBe(255);
    const p = sample(8, { signals: FULL });
    const buf = encodeProfile(p);
    expect(buf.length).toBe(
      encodedProfileBytes(8) +
        4 * 5 +
        FULL.replenishment.reduce((n, r) => n + 5 + Buffer.byteLength(r.sku), 0),
    );
    expect(decodeProfile("user-1", buf, 8)).toEqual(p);
  });

  it("should decode empty signals to NO_SIGNALS itself, allocating nothing for them", () => {
    const back = decodeProfile("user-1", encodeProfile(sample(8)), 8);
    expect(back.signals).toBe(NO_SIGNALS);
    expect(
      decodeProfile("user-1", encodeProfile(sample(8, { signals: { ...NO_SIGNALS, lastPurchaseMs: -0 } })), 8)
        .signals,
    ).toBe(NO_SIGNALS);
  });

  it("should keep signals with no lists, and not take a zero orders count for no signals", () => {
    const signals = { ...NO_SIGNALS, sessionIntent: 0.5 };
    const back = decodeProfile("user-1", encodeProfile(sample(8, { signals })), 8);
    expect(back.signals).toEqual(signals);
  });

  it("should leave out a replenishment whose SKU is over 255 UTF-8 bytes and keep the rest in order", () => {
    const signals: PersonSignals = {
      ...NO_SIGNALS,
      orders: 3,
      replenishment: [
        { sku: "A", dueDay: 1 },
        { sku: `${LONGEST_SKU}x`, dueDay: 2 },
        { sku: "ü".repeat(128), dueDay: 3 },
        { sku: "B", dueDay: 4 },
      ],
    };
    const buf = encodeProfile(sample(8, { signals }));
    expect(buf.length).toBe(encodedProfileBytes(8, signals));
    expect(buf.length).toBe(encodedProfileBytes(8) + 2 * (1 + 1 + 4));
    expect(decodeProfile("user-1", buf, 8).signals.replenishment).toEqual([
      { sku: "A", dueDay: 1 },
      { sku: "B", dueDay: 4 },
    ]);
  });

  it("should keep the 0xa2 layout in front, the consent byte at index 2", () => {
    const p = sample(8, { signals: FULL });
    const withSignals = encodeProfile(p);
    const without = encodeProfile(sample(8));
    expect(withSignals[2]).toBe(p.consent);
    expect(withSignals.subarray(0, encodedProfileBytes(8) - 18)).toEqual(
      without.subarray(0, encodedProfileBytes(8) - 18),
    );
  });

  it("should round scalars to f32 and keep updatedAtMs and lastPurchaseMs exact", () => {
    const p = sample(4, {
      priceAnchor: 3.1,
      discountSensitivity: 0.3,
      churnRisk: 0.7,
      signals: { ...NO_SIGNALS, orders: 1, lastPurchaseMs: 2 ** 53 - 2, sessionIntent: 0.1 },
      updatedAtMs: 2 ** 53 - 1,
    });
    const back = decodeProfile("user-1", encodeProfile(p), 4);
    expect(back.priceAnchor).toBe(Math.fround(3.1));
    expect(back.discountSensitivity).toBe(Math.fround(0.3));
    expect(back.churnRisk).toBe(Math.fround(0.7));
    expect(back.signals.sessionIntent).toBe(Math.fround(0.1));
    expect(back.signals.lastPurchaseMs).toBe(2 ** 53 - 2);
    expect(back.updatedAtMs).toBe(2 ** 53 - 1);
  });

  it("should decode from an unaligned view and return values that do not alias the input", () => {
    const p = sample(8, { signals: FULL });
    const encoded = encodeProfile(p);
    const padded = new Uint8Array(encoded.length + 3);
    padded.set(encoded, 3);
    const view = padded.subarray(3);
    const back = decodeProfile("user-1", view, 8);
    expect(back).toEqual(p);
    view.fill(0);
    expect(back).toEqual(p);
  });

  it.each([0, 1, 3, 0xffff_ffff])("should keep an events count of %d exactly", (events) => {
    expect(decodeProfile("user-1", encodeProfile(sample(8, { events })), 8).events).toBe(events);
  });

  it("should take the user id from the caller, not from the value", () => {
    expect(decodeProfile("someone-else", encodeProfile(sample(8)), 8).userId).toBe("someone-else");
  });

  it("should start with the codec version byte", () => {
    expect(encodeProfile(sample(8))[0]).toBe(PROFILE_CODEC_VERSION);
  });
});

/** Where the signals block starts at 8 features. */
const S = encodedProfileBytes(8) - 18;

/** A copy of `value` with `bytes` written at `at`. */
function patch(value: Uint8Array, at: number, ...bytes: number[]): Uint8Array {
  const out = Uint8Array.from(value);
  out.set(bytes, at);
  return out;
}

/** A copy of `value` with the little-endian f64 or f32 `x` written at `at`. */
function patchFloat(value: Uint8Array, at: number, x: number, width: 4 | 8): Uint8Array {
  const out = Buffer.from(value);
  if (width === 8) out.writeDoubleLE(x, at);
  else out.writeFloatLE(x, at);
  return out;
}

describe("decodeProfile() on 0xa2 values", () => {
  /** Written by the 0xa2 encoder (commit abdb2c7): 2 features, no signals block. */
  const A2 = Buffer.from(
    "a2022b20" +
      "02000000" +
      "00b0c797f2417942" +
      "00006040" +
      "0000803e" +
      "0000003e" +
      "2a000000" +
      "0000003f" +
      "000080be" +
      "00000000".repeat(3) +
      "0000803f" +
      "00000000".repeat(3) +
      "0000003f" +
      "00000000".repeat(24),
    "hex",
  );

  it("should still decode them, with NO_SIGNALS", () => {
    const categoryAffinity = new Float32Array(CATEGORY_SLOTS);
    categoryAffinity[3] = 1;
    categoryAffinity[7] = 0.5;
    const back = decodeProfile("legacy", A2, 2);
    expect(back).toEqual({
      userId: "legacy",
      vector: Float32Array.of(0.5, -0.25),
      categoryAffinity,
      priceAnchor: 3.5,
      discountSensitivity: 0.25,
      churnRisk: 0.125,
      loyaltyTier: 2,
      events: 42,
      consent: 0b10_1011,
      signals: NO_SIGNALS,
      updatedAtMs: 1_735_689_600_123,
    });
    expect(back.signals).toBe(NO_SIGNALS);
  });

  it("should be the 0xa3 value of a profile without signals, less the block", () => {
    const again = encodeProfile(decodeProfile("legacy", A2, 2));
    expect(again[0]).toBe(0xa3);
    expect(again.subarray(1, A2.length)).toEqual(A2.subarray(1));
    expect(again.length).toBe(A2.length + 18);
  });

  it.each([
    ["a trailing byte", Uint8Array.from([...A2, 0]), "value is 169 bytes, expected 168 for 2 features"],
    ["a missing byte", A2.subarray(0, A2.length - 1), "value is 167 bytes, expected 168 for 2 features"],
  ])("should reject %s", (_name, value, problem) => {
    expect(() => decodeProfile("legacy", value, 2)).toThrow(
      new ProfileDecodeError(`profile "legacy": ${problem}`),
    );
  });
});

describe("decodeProfile() on corrupt values", () => {
  const good = encodeProfile(sample(8));
  const full = encodeProfile(sample(8, { signals: FULL }));
  /** One replenishment of SKU "AB" (bytes S+18..S+24: length, "AB", dueDay 7). */
  const one = encodeProfile(
    sample(8, { signals: { ...NO_SIGNALS, replenishment: [{ sku: "AB", dueDay: 7 }] } }),
  );

  it.each([
    [
      "an empty value",
      new Uint8Array(0),
      'profile "user-1": truncated value of 0 bytes, shorter than the 32-byte header',
    ],
    [
      "a wrong version",
      Uint8Array.from([0x02, ...good.subarray(1)]),
      'profile "user-1": unsupported codec version 0x02, expected 0xa3',
    ],
    [
      "a 0xa1 value (the layout before the events count)",
      Uint8Array.from([0xa1, ...good.subarray(1, 28), ...good.subarray(32)]),
      'profile "user-1": codec version 0xa1 predates the events count, expected 0xa3; write the profile again (seed or event consumer)',
    ],
    [
      "a value cut inside the vector",
      good.subarray(0, 100),
      `profile "user-1": value is 100 bytes, expected at least ${S + 18} for 8 features`,
    ],
    [
      "another category slot count",
      Uint8Array.from([good[0]!, good[1]!, good[2]!, 16, ...good.subarray(4)]),
      'profile "user-1": has 16 category slots, the server has 32',
    ],
    [
      "a loyalty tier out of range",
      Uint8Array.from([good[0]!, 9, ...good.subarray(2)]),
      'profile "user-1": loyaltyTier 9 is out of range 0..3',
    ],
    [
      "unknown consent bits",
      Uint8Array.from([good[0]!, good[1]!, 0xc1, ...good.subarray(3)]),
      'profile "user-1": consent 0xc1 has unknown bits',
    ],
    [
      "a value cut in orders",
      good.subarray(0, S + 2),
      `signals.orders is truncated: the value ends at byte ${S + 2}`,
    ],
    [
      "a value cut in lastPurchaseMs",
      good.subarray(0, S + 4),
      `signals.lastPurchaseMs is truncated: the value ends at byte ${S + 4}`,
    ],
    [
      "a value cut in sessionIntent",
      good.subarray(0, S + 15),
      `signals.sessionIntent is truncated: the value ends at byte ${S + 15}`,
    ],
    [
      "a value without lifeEventCount",
      good.subarray(0, S + 16),
      `signals.lifeEventCount is truncated: the value ends at byte ${S + 16}`,
    ],
    [
      "a value without replenishmentCount",
      good.subarray(0, S + 17),
      `signals.replenishmentCount is truncated: the value ends at byte ${S + 17}`,
    ],
    [
      "a trailing byte",
      Uint8Array.from([...good, 0]),
      `value is ${S + 19} bytes, but its signals block ends at byte ${S + 18}`,
    ],
    [
      "a trailing byte after full signals",
      Uint8Array.from([...full, 0]),
      `value is ${full.length + 1} bytes, but its signals block ends at byte ${full.length}`,
    ],
    [
      "a non-finite lastPurchaseMs",
      patchFloat(good, S + 4, Number.NaN, 8),
      "signals.lastPurchaseMs NaN is not finite",
    ],
    [
      "a sessionIntent above 1",
      patchFloat(good, S + 12, 2, 4),
      "signals.sessionIntent 2 is out of range [0, 1]",
    ],
    [
      "a NaN sessionIntent",
      patchFloat(good, S + 12, Number.NaN, 4),
      "signals.sessionIntent NaN is out of range [0, 1]",
    ],
    ["too many life events", patch(good, S + 16, 5), "signals.lifeEventCount 5 exceeds the maximum of 4"],
    [
      "too many replenishments",
      patch(good, S + 17, 9),
      "signals.replenishmentCount 9 exceeds the maximum of 8",
    ],
    [
      "a life event count with no life events",
      patch(good, S + 16, 1),
      `signals.lifeEvents[0] is truncated: the value ends at byte ${S + 18}`,
    ],
    [
      "a life event cut short",
      full.subarray(0, S + 18 + 5 + 3),
      `signals.lifeEvents[1] is truncated: the value ends at byte ${S + 26}`,
    ],
    [
      "an unknown life event type",
      patch(full, S + 18 + 5, LIFE_EVENT_TYPES.length),
      "signals.lifeEvents[1].type index 6 is not one of 0..5",
    ],
    [
      "a replenishment count with no replenishments",
      patch(good, S + 17, 1),
      `signals.replenishment[0].sku is truncated: the value ends at byte ${S + 18}`,
    ],
    [
      "a SKU length past the end",
      patch(one, S + 18, 9),
      `signals.replenishment[0].sku is truncated: the value ends at byte ${S + 25}`,
    ],
    [
      "a replenishment cut in dueDay",
      one.subarray(0, S + 23),
      `signals.replenishment[0].dueDay is truncated: the value ends at byte ${S + 23}`,
    ],
    [
      "a SKU that is not UTF-8",
      patch(one, S + 19, 0xff, 0xfe),
      "signals.replenishment[0].sku is not valid UTF-8",
    ],
  ])("should throw ProfileDecodeError on %s", (_name, value, problem) => {
    const message = problem.startsWith("profile ") ? problem : `profile "user-1": ${problem}`;
    expect(() => decodeProfile("user-1", value, 8)).toThrow(new ProfileDecodeError(message));
    expect(() => decodeProfile("user-1", value, 8)).toThrow(ProfileDecodeError);
  });

  it("should reject a profile of another feature count, naming both counts", () => {
    expect(() => decodeProfile("user-1", good, 64)).toThrow(
      new ProfileDecodeError('profile "user-1": has 8 features, the server expects 64 (option features)'),
    );
  });

  it("should reject every strict prefix of a valid value", () => {
    for (const value of [good, full, one]) {
      for (let len = 0; len < value.length; len++) {
        expect(() => decodeProfile("user-1", value.subarray(0, len), 8)).toThrow(ProfileDecodeError);
      }
    }
  });

  it("should throw nothing but ProfileDecodeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (bytes, features) => {
        try {
          decodeProfile("u", bytes, features);
        } catch (error) {
          expect(error).toBeInstanceOf(ProfileDecodeError);
        }
      }),
    );
  });

  it("should throw nothing but ProfileDecodeError on a valid value with bytes of its signals changed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(full.length - S - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        (changes) => {
          const value = Uint8Array.from(full);
          for (const [at, byte] of changes) value[S + at] = byte;
          try {
            decodeProfile("u", value, 8);
          } catch (error) {
            expect(error).toBeInstanceOf(ProfileDecodeError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("encodeProfile() on invalid profiles", () => {
  const tooMany = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

  it.each<[string, Partial<Profile>, string]>([
    [
      "categoryAffinity of the wrong length",
      { categoryAffinity: new Float32Array(3) },
      "categoryAffinity has 3 values, expected 32",
    ],
    ["a loyalty tier out of range", { loyaltyTier: 4 as LoyaltyTier }, "loyaltyTier must be 0..3, got 4"],
    ["unknown consent bits", { consent: 64 }, "consent must be a combination of Consent bits, got 64"],
    ["a NaN price anchor", { priceAnchor: Number.NaN }, "priceAnchor must be finite, got NaN"],
    ["a negative events count", { events: -1 }, "events must be an integer in 0..4294967295, got -1"],
    ["a fractional events count", { events: 2.5 }, "events must be an integer in 0..4294967295, got 2.5"],
    [
      "an events count beyond u32",
      { events: 2 ** 32 },
      "events must be an integer in 0..4294967295, got 4294967296",
    ],
    ["a NaN events count", { events: Number.NaN }, "events must be an integer in 0..4294967295, got NaN"],
    [
      "an infinite vector value",
      { vector: Float32Array.of(0, Number.POSITIVE_INFINITY) },
      "vector[1] must be finite, got Infinity",
    ],
    [
      "a fractional orders count",
      { signals: { ...NO_SIGNALS, orders: 1.5 } },
      "signals.orders must be an integer in 0..4294967295, got 1.5",
    ],
    [
      "a negative orders count",
      { signals: { ...NO_SIGNALS, orders: -1 } },
      "signals.orders must be an integer in 0..4294967295, got -1",
    ],
    [
      "an orders count beyond u32",
      { signals: { ...NO_SIGNALS, orders: 2 ** 32 } },
      "signals.orders must be an integer in 0..4294967295, got 4294967296",
    ],
    [
      "a NaN lastPurchaseMs",
      { signals: { ...NO_SIGNALS, lastPurchaseMs: Number.NaN } },
      "signals.lastPurchaseMs must be finite, got NaN",
    ],
    [
      "an infinite lastPurchaseMs",
      { signals: { ...NO_SIGNALS, lastPurchaseMs: Number.POSITIVE_INFINITY } },
      "signals.lastPurchaseMs must be finite, got Infinity",
    ],
    [
      "a NaN sessionIntent",
      { signals: { ...NO_SIGNALS, sessionIntent: Number.NaN } },
      "signals.sessionIntent must be in [0, 1], got NaN",
    ],
    [
      "a sessionIntent above 1",
      { signals: { ...NO_SIGNALS, sessionIntent: 1.5 } },
      "signals.sessionIntent must be in [0, 1], got 1.5",
    ],
    [
      "more life events than fit",
      { signals: { ...NO_SIGNALS, lifeEvents: tooMany(5, { type: "birthday" as const, nextDay: 1 }) } },
      "signals.lifeEvents has 5 entries, at most 4 fit",
    ],
    [
      "more replenishments than fit",
      { signals: { ...NO_SIGNALS, replenishment: tooMany(9, { sku: "A", dueDay: 1 }) } },
      "signals.replenishment has 9 entries, at most 8 fit",
    ],
    [
      "an unknown life event type",
      {
        signals: {
          ...NO_SIGNALS,
          lifeEvents: [
            { type: "move", nextDay: 1 },
            { type: "party" as LifeEventType, nextDay: 2 },
          ],
        },
      },
      'signals.lifeEvents[1].type must be one of birthday, wedding, anniversary, new_baby, graduation, move, got "party"',
    ],
    [
      "a fractional nextDay",
      { signals: { ...NO_SIGNALS, lifeEvents: [{ type: "move", nextDay: 1.5 }] } },
      "signals.lifeEvents[0].nextDay must be an integer day in -2147483648..2147483647, got 1.5",
    ],
    [
      "a dueDay beyond i32",
      { signals: { ...NO_SIGNALS, replenishment: [{ sku: "A", dueDay: 2 ** 31 }] } },
      "signals.replenishment[0].dueDay must be an integer day in -2147483648..2147483647, got 2147483648",
    ],
    [
      "a NaN dueDay",
      { signals: { ...NO_SIGNALS, replenishment: [{ sku: "A", dueDay: Number.NaN }] } },
      "signals.replenishment[0].dueDay must be an integer day in -2147483648..2147483647, got NaN",
    ],
    [
      "a SKU with a lone surrogate",
      { signals: { ...NO_SIGNALS, replenishment: [{ sku: "A\ud800", dueDay: 1 }] } },
      'signals.replenishment[0].sku must be a well-formed Unicode string, got "A\\ud800"',
    ],
  ])("should throw a RangeError on %s", (_name, overrides, problem) => {
    expect(() => encodeProfile(sample(8, overrides))).toThrow(new RangeError(`profile "user-1": ${problem}`));
  });
});

describe("assertProfileFeatures()", () => {
  it("should accept a matching vector and reject another length", () => {
    expect(() => assertProfileFeatures(sample(8), 8)).not.toThrow();
    expect(() => assertProfileFeatures(sample(8), 16)).toThrow(
      new RangeError('profile "user-1": vector has 8 values, expected 16 (option features)'),
    );
  });
});
