import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createIdentifierHasher, TOMBSTONE_CACHE_SIZE } from "../../server/src/identity/identifier-hasher.js";

const KEY = "test-identity-key-0123456789abcdef";
/** The definition, computed independently: HMAC-SHA256 over "<domain>\0<value>" with the key's UTF-8 bytes. */
const reference = (domain: string, value: string) =>
  createHmac("sha256", Buffer.from(KEY, "utf8")).update(`${domain}\0${value}`).digest("hex");

describe("createIdentifierHasher()", () => {
  it("should name a tombstone by the first 128 bits of the keyed hash of the id", () => {
    const hasher = createIdentifierHasher(KEY);
    for (const id of ["user-1", "anon-ü-2", ""]) {
      expect(hasher.tombstone(id)).toBe(reference("forgotten", id).slice(0, 32));
    }
  });

  it("should hash the same with the key as text or as bytes", () => {
    const a = createIdentifierHasher(KEY);
    const b = createIdentifierHasher(Buffer.from(KEY, "utf8"));
    expect(b.tombstone("user-7")).toBe(a.tombstone("user-7"));
    expect(b.hashIdentifiers({ email: "A@x.org", phone: "", loyaltyId: "L1" })).toEqual(
      a.hashIdentifiers({ email: "A@x.org", phone: "", loyaltyId: "L1" }),
    );
  });

  it("should hash identifiers after normalising them, per kind", () => {
    const hasher = createIdentifierHasher(KEY);
    const [email] = hasher.hashIdentifiers({ email: "  Ann@Example.ORG ", phone: "", loyaltyId: "" });
    expect(email).toEqual({ kind: "email", hash: reference("email", "ann@example.org") });
  });

  it("should give the same tombstones past the size of its cache", () => {
    const hasher = createIdentifierHasher(KEY);
    const first = hasher.tombstone("user-0");
    for (let i = 1; i <= TOMBSTONE_CACHE_SIZE + 10; i++) hasher.tombstone(`user-${i}`);
    expect(hasher.tombstone("user-0")).toBe(first);
    expect(hasher.tombstone(`user-${TOMBSTONE_CACHE_SIZE}`)).toBe(
      reference("forgotten", `user-${TOMBSTONE_CACHE_SIZE}`).slice(0, 32),
    );
  });

  it("should refuse a key shorter than 16 bytes", () => {
    expect(() => createIdentifierHasher("short")).toThrow("options.identityKey must be at least 16 bytes");
  });
});
