import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { experienceId, experienceIdsFor } from "../../server/src/policy/experience-id.js";

const bound = fc.oneof(
  fc.constant(Number.NEGATIVE_INFINITY),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
);

describe("experienceId()", () => {
  it("should keep recipe x2: MurmurHash3 x86_128 over a SHA-256 key and the SKU, base64url", () => {
    // Pinned from Python (hashlib, mmh3, base64), outside this module: ids
    // already handed out (email, app, Redeem) must not change between versions.
    //   key = sha256(f"{person}\0{use_case}\0{offer}\0{from}\0{until}".encode()).digest()[:16]
    //   "x2" + urlsafe_b64encode(mmh3.hash_bytes(key + sku.encode(), 0, x64arch=False)).rstrip("=")
    // with an open bound written "-" (from) or "+" (until).
    const open = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const;
    expect(experienceId("person-1", "search", "", "SKU-42", ...open)).toBe("x263boz8KDGDb1h6erw3pKJA");
    expect(experienceId("person-1", "", "", "SKU-42", ...open)).toBe("x26saBQrSh85VEQyDplSZVNA");
    expect(experienceId("person-1", "cart", "off-10", "SKU-42", 1_700_000_000_000, 1_700_086_400_000)).toBe(
      "x2A9S4lM4eHakT0SnnTZLLWw",
    );
    expect(experienceId("ana", "home", "", "Größe-ß-👟-0001", ...open)).toBe("x2s7CNKToNbi6bZs8sJ0Y4Qw");
    expect(experienceId("p", "u", "o", "", ...open)).toBe("x2tx_b6vLzNIM_0Uj66vFc0g");
  });

  it("should differ when any input differs, the channel not being one", () => {
    const base = experienceId("p", "u", "o", "s", 1, 2);
    expect(base).toMatch(/^x2[A-Za-z0-9_-]{22}$/);
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
