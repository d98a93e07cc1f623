import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { experienceId, experienceIdsFor } from "../../server/src/policy/experience-id.js";

const bound = fc.oneof(
  fc.constant(Number.NEGATIVE_INFINITY),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
);

describe("experienceId()", () => {
  it("should keep recipe x1: the first 132 bits of SHA-256 over the six inputs, base64url", () => {
    // Pinned from SHA-256 computed outside this module: ids already handed out
    // (email, app, Redeem) must not change between versions.
    expect(
      experienceId("person-1", "search", "", "SKU-42", Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
    ).toBe("x1GFdk9e8qk9DfkqcSfmUXgi");
    expect(experienceId("person-1", "cart", "off-10", "SKU-42", 1_700_000_000_000, 1_700_086_400_000)).toBe(
      "x17BWcMSYsxSd_N8s4Oe9ZRf",
    );
  });

  it("should differ when any input differs, the channel not being one", () => {
    const base = experienceId("p", "u", "o", "s", 1, 2);
    expect(base).toMatch(/^x1[A-Za-z0-9_-]{22}$/);
    for (const other of [
      experienceId("p2", "u", "o", "s", 1, 2),
      experienceId("p", "u2", "o", "s", 1, 2),
      experienceId("p", "u", "o2", "s", 1, 2),
      experienceId("p", "u", "o", "s2", 1, 2),
      experienceId("p", "u", "o", "s", 3, 2),
      experienceId("p", "u", "o", "s", 1, 3),
    ])
      expect(other).not.toBe(base);
  });
});

describe("experienceIdsFor()", () => {
  it("should give every SKU the id experienceId gives it", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        bound,
        bound,
        fc.array(fc.string(), { maxLength: 8 }),
        (person, useCase, offer, from, until, skus) => {
          const idOf = experienceIdsFor(person, useCase, offer, from, until);
          for (const sku of skus)
            expect(idOf(sku)).toBe(experienceId(person, useCase, offer, sku, from, until));
        },
      ),
    );
  });
});
