/** Loyalty tier of a person; 0 means not enrolled. */
export const LoyaltyTier = { NONE: 0, SILVER: 1, GOLD: 2, PLATINUM: 3 } as const;
export type LoyaltyTier = (typeof LoyaltyTier)[keyof typeof LoyaltyTier];

/**
 * The live profile Decide reads for one person: what the model needs to
 * personalise, and what the constraints need to protect the person.
 */
export interface Profile {
  readonly userId: string;
  /** Dense profile vector, one value per item feature (length = feature count). */
  readonly vector: Float32Array;
  /** Affinity for each top-level category slot (length CATEGORY_SLOTS), in [0, 1]. */
  readonly categoryAffinity: Float32Array;
  /** Natural log of the price the person usually pays. */
  readonly priceAnchor: number;
  /** How much the person's buying depends on discounts, in [0, 1]. */
  readonly discountSensitivity: number;
  /** Likelihood the person is lapsing, in [0, 1]. */
  readonly churnRisk: number;
  readonly loyaltyTier: LoyaltyTier;
  /**
   * How many behaviour events (views, carts, purchases, session signals…) the
   * personal terms (vector, categoryAffinity, priceAnchor, discountSensitivity)
   * rest on, a non-negative integer below 2^32. Decide falls back to a
   * non-personalised ranking when it is below its configured minimum.
   */
  readonly events: number;
  /** Bits of `Consent` the person has granted. */
  readonly consent: number;
  /** When the profile last changed, in ms since the epoch. */
  readonly updatedAtMs: number;
}

/**
 * Everything Decide needs about one person, read in one round trip: the profile
 * and the SKUs the person may not be shown now.
 */
export interface PersonState {
  /** SKUs whose frequency or recency cap is reached for the person now. */
  readonly capped: readonly string[];
  /** SKUs whose offer the person has already redeemed. */
  readonly redeemed: readonly string[];
}

/**
 * The outcome of reading a person. Failures are values, not exceptions: the
 * pipeline turns each into a flagged, non-personalised decision.
 */
export type PersonRead =
  | ({ readonly kind: "found"; readonly profile: Profile } & PersonState)
  | ({ readonly kind: "missing" } & PersonState)
  | ({ readonly kind: "invalid"; readonly detail: string } & PersonState)
  | { readonly kind: "timeout" }
  | { readonly kind: "unavailable"; readonly detail: string };
