import { createHmac, createSecretKey } from "node:crypto";
import type { HashedIdentifier, IdentifierKind } from "../domain/event.js";

/** Raw identifiers as a caller sends them; empty strings are absent. */
export interface RawIdentifiers {
  readonly email: string;
  readonly phone: string;
  readonly loyaltyId: string;
}

/** An identifier that cannot be normalised: the field and why. */
export class IdentifierError extends Error {
  override readonly name = "IdentifierError";
  constructor(
    readonly field: "email" | "phone" | "loyalty_id",
    reason: string,
  ) {
    super(reason);
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Normalises one identifier so that the spellings of the same address or
 * number hash alike: e-mail trimmed and lower-cased; phone reduced to its
 * digits with a leading "+" kept; loyalty id trimmed and upper-cased.
 * Throws `IdentifierError` for a value that is not an identifier of its kind.
 */
export function normaliseIdentifier(kind: IdentifierKind, raw: string): string {
  const value = raw.trim();
  switch (kind) {
    case "email": {
      const email = value.toLowerCase();
      if (email.length > 254 || !EMAIL.test(email)) {
        throw new IdentifierError("email", "must be an e-mail address of at most 254 characters");
      }
      return email;
    }
    case "phone": {
      const digits = value.replace(/[\s().-]/g, "");
      if (!/^\+?\d{6,15}$/.test(digits)) {
        throw new IdentifierError(
          "phone",
          "must be a phone number of 6 to 15 digits, optionally with a leading +",
        );
      }
      return digits;
    }
    case "loyalty": {
      const id = value.toUpperCase();
      if (id.length === 0 || id.length > 64) {
        throw new IdentifierError("loyalty_id", "must be 1 to 64 characters");
      }
      return id;
    }
  }
}

/**
 * Keyed hashing of everything that names a person outside their own keys.
 * The key (option `identityKey`) must be the same on every instance and kept
 * secret: without it a stored hash cannot be tied back to an address.
 */
export interface IdentifierHasher {
  /** The hashed form of each non-empty identifier, after normalisation. */
  hashIdentifiers(raw: RawIdentifiers): HashedIdentifier[];
  /** The tombstone name of a forgotten id: a keyed hash, never the id itself. */
  tombstone(userId: string): string;
}

/** The key under which a hashed identifier is linked to a person: "<kind>:<hash>". */
export function identifierKey(id: HashedIdentifier): string {
  return `${id.kind}:${id.hash}`;
}

/** At most this many tombstones are kept by `createIdentifierHasher`, for the ids asked most recently. */
export const TOMBSTONE_CACHE_SIZE = 65_536;

export function createIdentifierHasher(key: string | Buffer): IdentifierHasher {
  if (key.length < 16) throw new RangeError("options.identityKey must be at least 16 bytes");
  // One key object for every hash: a string or Buffer key is imported anew on each createHmac.
  const secret = createSecretKey(typeof key === "string" ? Buffer.from(key, "utf8") : Buffer.from(key));
  const hmac = (domain: string, value: string) =>
    createHmac("sha256", secret).update(domain).update("\0").update(value).digest("hex");
  // The event consumer asks for the tombstone of every person in every batch,
  // and a few people are in most batches: recent answers are kept, in two
  // generations of at most TOMBSTONE_CACHE_SIZE / 2 ids; when the newer one
  // is full the older one is dropped. (Evicting a Map's oldest entry one by
  // one is not O(1) in V8: its iterator walks over the deleted slots, 17 µs
  // an eviction at this size.) A tombstone is a keyed hash of an id already
  // in memory.
  let recent = new Map<string, string>();
  let older = new Map<string, string>();
  return {
    hashIdentifiers(raw) {
      const out: HashedIdentifier[] = [];
      if (raw.email !== "")
        out.push({ kind: "email", hash: hmac("email", normaliseIdentifier("email", raw.email)) });
      if (raw.phone !== "")
        out.push({ kind: "phone", hash: hmac("phone", normaliseIdentifier("phone", raw.phone)) });
      if (raw.loyaltyId !== "")
        out.push({ kind: "loyalty", hash: hmac("loyalty", normaliseIdentifier("loyalty", raw.loyaltyId)) });
      return out;
    },
    tombstone(userId) {
      const hit = recent.get(userId);
      if (hit !== undefined) return hit;
      // Truncated to 128 bits: names a key, collisions are not a concern at that size.
      const t = older.get(userId) ?? hmac("forgotten", userId).slice(0, 32);
      if (recent.size >= TOMBSTONE_CACHE_SIZE / 2) {
        older = recent;
        recent = new Map();
      }
      recent.set(userId, t);
      return t;
    },
  };
}
