import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATEGORY_SLOTS } from "../../core-wasm/src/layout.js";
import type { LoyaltyTier, Profile } from "../../server/src/domain/profile.js";
import {
  assertProfileFeatures,
  decodeProfile,
  encodedProfileBytes,
  encodeProfile,
  PROFILE_CODEC_VERSION,
  ProfileDecodeError,
} from "../../server/src/profile/profile-codec.js";

const finiteF32 = { noNaN: true, noDefaultInfinity: true } as const;

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
    updatedAtMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  });
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
    updatedAtMs: 1_735_689_600_123,
    ...overrides,
  };
}

describe("encodeProfile() / decodeProfile()", () => {
  it("should round-trip any profile whose numbers are f32", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 96 }).chain((f) => fc.tuple(fc.constant(f), profileArb(f))),
        ([features, profile]) => {
          const buf = encodeProfile(profile);
          expect(buf.length).toBe(encodedProfileBytes(features));
          expect(decodeProfile(profile.userId, buf, features)).toEqual(profile);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("should round scalars to f32 and keep updatedAtMs exact", () => {
    const p = sample(4, {
      priceAnchor: 3.1,
      discountSensitivity: 0.3,
      churnRisk: 0.7,
      updatedAtMs: 2 ** 53 - 1,
    });
    const back = decodeProfile("user-1", encodeProfile(p), 4);
    expect(back.priceAnchor).toBe(Math.fround(3.1));
    expect(back.discountSensitivity).toBe(Math.fround(0.3));
    expect(back.churnRisk).toBe(Math.fround(0.7));
    expect(back.updatedAtMs).toBe(2 ** 53 - 1);
  });

  it("should decode from an unaligned view and return arrays that do not alias the input", () => {
    const encoded = encodeProfile(sample(8));
    const padded = new Uint8Array(encoded.length + 3);
    padded.set(encoded, 3);
    const view = padded.subarray(3);
    const back = decodeProfile("user-1", view, 8);
    expect(back).toEqual(sample(8));
    view.fill(0);
    expect(back).toEqual(sample(8));
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

describe("decodeProfile() on corrupt values", () => {
  const good = encodeProfile(sample(8));

  it.each([
    [
      "an empty value",
      new Uint8Array(0),
      'profile "user-1": truncated value of 0 bytes, shorter than the 32-byte header',
    ],
    [
      "a wrong version",
      Uint8Array.from([0x02, ...good.subarray(1)]),
      'profile "user-1": unsupported codec version 0x02, expected 0xa2',
    ],
    [
      "a 0xa1 value (the layout before the events count)",
      Uint8Array.from([0xa1, ...good.subarray(1, 28), ...good.subarray(32)]),
      'profile "user-1": codec version 0xa1 predates the events count, expected 0xa2; write the profile again (seed or event consumer)',
    ],
    [
      "a truncated value",
      good.subarray(0, good.length - 1),
      `profile "user-1": value is ${good.length - 1} bytes, expected ${good.length} for 8 features`,
    ],
    [
      "a trailing byte",
      Uint8Array.from([...good, 0]),
      `profile "user-1": value is ${good.length + 1} bytes, expected ${good.length} for 8 features`,
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
  ])("should throw ProfileDecodeError on %s", (_name, value, message) => {
    expect(() => decodeProfile("user-1", value, 8)).toThrow(new ProfileDecodeError(message));
    expect(() => decodeProfile("user-1", value, 8)).toThrow(ProfileDecodeError);
  });

  it("should reject a profile of another feature count, naming both counts", () => {
    expect(() => decodeProfile("user-1", good, 64)).toThrow(
      new ProfileDecodeError('profile "user-1": has 8 features, the server expects 64 (option features)'),
    );
  });

  it("should reject every strict prefix of a valid value", () => {
    for (let len = 0; len < good.length; len++) {
      expect(() => decodeProfile("user-1", good.subarray(0, len), 8)).toThrow(ProfileDecodeError);
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
});

describe("encodeProfile() on invalid profiles", () => {
  it.each([
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
