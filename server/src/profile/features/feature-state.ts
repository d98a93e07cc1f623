import { CATEGORY_SLOTS } from "../../../../core-wasm/src/layout.js";
import type { LifeEventType } from "../../domain/event.js";
import type { LoyaltyTier, Profile } from "../../domain/profile.js";

export { decodeFeatureState, encodeFeatureState } from "./feature-state-codec.js";
export { FeatureStateDecodeError } from "./feature-state-error.js";

/**
 * The person's current session: events within `sessionGapMs` of each other.
 * `events` 0 means there is none.
 */
export interface SessionState {
  startMs: number;
  lastMs: number;
  /** Deepest scroll of a session signal, in [0, 1]. */
  maxScroll: number;
  /** Dwell of the session signals, summed, in ms. */
  dwellMs: number;
  /** Items added to the cart less those removed, never below 0. */
  carts: number;
  events: number;
}

/** The days a SKU was bought on: distinct UTC days, most recent first. */
export interface SkuPurchases {
  readonly sku: string;
  days: number[];
}

/** Purchase value of one UTC month (months since 1970-01). */
export interface MonthBucket {
  readonly month: number;
  value: number;
  orders: number;
}

/** A life event the person told us about; one per (type, date, recurring). */
export interface LifeEventRecord {
  readonly type: LifeEventType;
  /** "YYYY-MM-DD". */
  readonly date: string;
  readonly recurring: boolean;
  /** When it was last reported (the latest event timestamp), ms since the epoch. */
  reportedMs: number;
}

/**
 * What a bulk-loaded profile said beyond its decayed terms (which go into the
 * decayed sums): the starting point of the ratio features.
 */
export interface ProfilePrior {
  /** The profile's `events`. */
  events: number;
  discountSensitivity: number;
  churnRisk: number;
  loyaltyTier: LoyaltyTier;
  /** The profile's `updatedAtMs`: its tier holds until `loyaltyWindowDays` after it. */
  atMs: number;
}

/**
 * Everything the feature engine keeps about one person, plain data. Counters
 * count live events only (the profile prior's events are in `prior`); decayed
 * sums are all decayed to the one reference time `refMs`; every list is bounded
 * by `FeatureConfig`. Owned by the caller: `applyEvent` mutates it.
 */
export interface FeatureState {
  /** Item feature count: the length of `vector`. */
  readonly features: number;
  /** Every event applied, consent updates and identifies included. */
  applied: number;
  /** Behaviour events applied: every kind but life_event, consent_update and identify. */
  behaviour: number;
  /** Time of the latest behaviour event, ms since the epoch; 0 when none. */
  lastEventMs: number;
  /** Time of the latest purchase; meaningful when `orders` > 0. */
  lastPurchaseMs: number;
  /** Purchase events. */
  orders: number;
  /** Purchase events with a promo code or a discounted line. */
  promoOrders: number;
  /** Sum of unit price × quantity over every purchased line. */
  purchaseValue: number;
  /** The time every decayed sum is decayed to: the latest time one was added at. */
  refMs: number;
  /** Decayed weighted score per category slot (length CATEGORY_SLOTS). */
  readonly affinity: Float64Array;
  /** Events that added to `affinity`. */
  affinityEvents: number;
  /** Decayed weighted sum of item feature vectors (length `features`). */
  readonly vector: Float64Array;
  /** Events that added to `vector`. */
  vectorEvents: number;
  /** Decayed sum of weights of priced items. */
  priceWeight: number;
  /** Decayed sum of weight × ln(price) of priced items. */
  priceLogSum: number;
  /** Events that added to the price sums. */
  priceEvents: number;
  readonly session: SessionState;
  /** Distinct UTC days with a purchase, most recent first, at most `maxOrderDates`. */
  orderDays: number[];
  /** Purchase days per SKU, the SKU bought last first, at most `maxReplenishmentSkus`. */
  skus: SkuPurchases[];
  /** Purchase value per month, most recent first, enough months to cover the loyalty window. */
  months: MonthBucket[];
  /** Life events, most recently reported first, at most `maxLifeEvents`. */
  lifeEvents: LifeEventRecord[];
  /** What a bulk-loaded profile contributed, or null for a state built from events only. */
  prior: ProfilePrior | null;
}

/** A fresh session slot: no session. */
export function emptySession(): SessionState {
  return { startMs: 0, lastMs: 0, maxScroll: 0, dwellMs: 0, carts: 0, events: 0 };
}

/** The state of a person nothing is known about, for `features` item features. */
export function emptyFeatureState(features: number): FeatureState {
  if (!Number.isInteger(features) || features < 1) {
    throw new RangeError(`features must be a positive integer, got ${features}`);
  }
  return {
    features,
    applied: 0,
    behaviour: 0,
    lastEventMs: 0,
    lastPurchaseMs: 0,
    orders: 0,
    promoOrders: 0,
    purchaseValue: 0,
    refMs: 0,
    affinity: new Float64Array(CATEGORY_SLOTS),
    affinityEvents: 0,
    vector: new Float64Array(features),
    vectorEvents: 0,
    priceWeight: 0,
    priceLogSum: 0,
    priceEvents: 0,
    session: emptySession(),
    orderDays: [],
    skus: [],
    months: [],
    lifeEvents: [],
    prior: null,
  };
}

/**
 * The state of a person whose profile was loaded in bulk (seed, import) and
 * who has no feature state yet, so the first live event adds to the profile
 * instead of wiping it. The profile's vector, category affinity and price
 * anchor enter the decayed sums at its `updatedAtMs` as if `events` views
 * (weight 1 each, at least one) had produced them: affinity is spread over
 * the slots in proportion to the profile's, the vector points the profile's
 * way. Discount sensitivity, churn risk and loyalty tier become the prior of
 * those features (see `ProfilePrior`).
 */
export function featureStateFromProfile(profile: Profile): FeatureState {
  const state = emptyFeatureState(profile.vector.length);
  // At least one event's weight, so that a profile claiming no events still
  // gives its direction until live events outweigh it.
  const weight = Math.max(1, profile.events);
  state.refMs = profile.updatedAtMs;

  let affinityTotal = 0;
  for (const a of profile.categoryAffinity) if (a > 0) affinityTotal += a;
  if (affinityTotal > 0) {
    for (let s = 0; s < CATEGORY_SLOTS; s++) {
      const a = profile.categoryAffinity[s] ?? 0;
      state.affinity[s] = a > 0 ? (weight * a) / affinityTotal : 0;
    }
  }

  let norm = 0;
  for (const v of profile.vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) {
    for (let f = 0; f < state.features; f++) state.vector[f] = (weight * profile.vector[f]!) / norm;
  }

  state.priceWeight = weight;
  state.priceLogSum = weight * profile.priceAnchor;
  state.prior = {
    events: profile.events,
    discountSensitivity: profile.discountSensitivity,
    churnRisk: profile.churnRisk,
    loyaltyTier: profile.loyaltyTier,
    atMs: profile.updatedAtMs,
  };
  return state;
}
