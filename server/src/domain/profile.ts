import type { LifeEventType } from "./event.js";

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
  /** What policy rules test besides the scoring terms (orders, life events, replenishment…). */
  readonly signals: PersonSignals;
  /** When the profile last changed, in ms since the epoch. */
  readonly updatedAtMs: number;
}

/** A life event coming up for the person. */
export interface ComingLifeEvent {
  readonly type: LifeEventType;
  /** UTC day number (days since the epoch) of its next occurrence. */
  readonly nextDay: number;
}

/** An item the person buys again and again. */
export interface ReplenishmentDue {
  readonly sku: string;
  /** UTC day number the next purchase is due: the last purchase plus the median interval. */
  readonly dueDay: number;
}

/**
 * Facts about the person that policy rules test (see `relevance.v1.Fact`),
 * derived by the profile consumer and packed with the profile.
 */
export interface PersonSignals {
  readonly orders: number;
  /** Last purchase in ms since the epoch; 0 when the person never bought. */
  readonly lastPurchaseMs: number;
  /** Buying intent of the session going on at `Profile.updatedAtMs`, in [0, 1]. */
  readonly sessionIntent: number;
  /** Soonest first, at most MAX_SIGNAL_LIFE_EVENTS. */
  readonly lifeEvents: readonly ComingLifeEvent[];
  /** Soonest due first, at most MAX_SIGNAL_REPLENISHMENTS. */
  readonly replenishment: readonly ReplenishmentDue[];
}

export const MAX_SIGNAL_LIFE_EVENTS = 4;
export const MAX_SIGNAL_REPLENISHMENTS = 8;

/** Signals of a person about whom nothing is known beyond the scoring terms. */
export const NO_SIGNALS: PersonSignals = Object.freeze({
  orders: 0,
  lastPurchaseMs: 0,
  sessionIntent: 0,
  lifeEvents: Object.freeze([]) as readonly ComingLifeEvent[],
  replenishment: Object.freeze([]) as readonly ReplenishmentDue[],
});

/**
 * Everything Decide needs about one person, read in one round trip: the profile
 * and the SKUs the person may not be shown now.
 */
export interface PersonState {
  /**
   * The person the id resolves to: the id itself, or the person it was merged
   * into. Caps, holdouts and experiences follow this id across linked identities.
   */
  readonly personId: string;
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
