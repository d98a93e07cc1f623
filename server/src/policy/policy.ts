import type { Channel } from "../domain/channel.js";
import type { ScalarWeights } from "../scoring/scoring-model.js";

/**
 * The decision policy as the pipeline reads it: plain, frozen values made from
 * a validated `relevance.v1.Policy` by `compilePolicy`. Names follow the proto
 * (proto/relevance/v1/policy.proto documents every field); numbers are already
 * checked against their limits, ids are unique and every reference resolves.
 */
export interface Policy {
  readonly version: string;
  readonly name: string;
  readonly holdoutShare: number;
  readonly holdoutSalt: string;
  readonly defaultTimeZone: string;
  readonly weights: Weights;
  readonly offers: ReadonlyMap<string, Offer>;
  readonly caps: readonly CapRule[];
  readonly quietHours: readonly QuietHours[];
  readonly useCases: ReadonlyMap<string, UseCase>;
}

/** Scalar weights of the linear model, every field resolved (use case over policy over server default). */
export type Weights = ScalarWeights;

/** Numbers equal the proto enum `relevance.v1.Fact`. */
export const Fact = {
  DISCOUNT_SENSITIVITY: 1,
  CHURN_RISK: 2,
  LOYALTY_TIER: 3,
  PROFILE_EVENTS: 4,
  CATEGORY_AFFINITY: 5,
  ORDERS: 6,
  DAYS_SINCE_PURCHASE: 7,
  SESSION_INTENT: 8,
  LIFE_EVENT_DAYS: 9,
  REPLENISHMENT_DUE_DAYS: 10,
  ITEM_MARGIN: 11,
  ITEM_STOCK: 12,
  ITEM_PRICE: 13,
  ITEM_RETURN_RATE: 14,
  ITEM_IN_CART: 15,
} as const;
export type Fact = (typeof Fact)[keyof typeof Fact];

/** Facts about the item rather than the person: a condition on one is tested per item. */
export const ITEM_FACTS: ReadonlySet<Fact> = new Set<Fact>([
  Fact.REPLENISHMENT_DUE_DAYS,
  Fact.ITEM_MARGIN,
  Fact.ITEM_STOCK,
  Fact.ITEM_PRICE,
  Fact.ITEM_RETURN_RATE,
  Fact.ITEM_IN_CART,
]);

/** Holds when the fact is known and within [min, max]. */
export interface Condition {
  readonly fact: Fact;
  /** Category name (CATEGORY_AFFINITY) or life event type (LIFE_EVENT_DAYS; "" for any). */
  readonly arg: string;
  readonly min: number;
  readonly max: number;
}

/** Numbers equal the proto enum `relevance.v1.OfferKind`. */
export const OfferKind = {
  PERCENT_OFF: 1,
  AMOUNT_OFF: 2,
  FREE_SHIPPING: 3,
  REMINDER: 4,
  URGENCY: 5,
  PERK: 6,
  SERVICE: 7,
} as const;
export type OfferKind = (typeof OfferKind)[keyof typeof OfferKind];

export interface Offer {
  readonly id: string;
  readonly kind: OfferKind;
  readonly value: number;
  readonly marginImpact: number;
  /** Bit c set when the offer may be given in channel c; all bits when the policy named none. */
  readonly channelMask: number;
  /** Validity window in ms since the epoch; -Infinity / Infinity when open. */
  readonly validFromMs: number;
  readonly validUntilMs: number;
  readonly eligibility: readonly Condition[];
  readonly message: string;
}

/** Numbers equal the proto enum `relevance.v1.CapUnit`. */
export const CapUnit = { DECISION: 1, OFFER: 2, ITEM: 3 } as const;
export type CapUnit = (typeof CapUnit)[keyof typeof CapUnit];

export interface CapRule {
  readonly id: string;
  readonly unit: CapUnit;
  readonly limit: number;
  readonly windowMs: number;
  readonly channelMask: number;
  /** Empty: every use case. */
  readonly useCases: ReadonlySet<string>;
  readonly marketing: boolean;
}

export interface QuietHours {
  readonly channelMask: number;
  readonly startHour: number;
  readonly endHour: number;
}

export interface Rule {
  readonly id: string;
  readonly when: readonly Condition[];
}

export interface BoostRule extends Rule {
  /** Category slots (see `categorySlot`) the boost applies to. */
  readonly slots: readonly number[];
  readonly categories: readonly string[];
  readonly boost: number;
}

export interface OfferRule extends Rule {
  readonly offerId: string;
}

export interface TalkingPoint extends Rule {
  readonly text: string;
}

export interface UseCase {
  readonly id: string;
  readonly description: string;
  readonly channelMask: number;
  readonly transactional: boolean;
  readonly holdoutShare: number;
  readonly weights: Weights;
  readonly eligibility: readonly Rule[];
  readonly boosts: readonly BoostRule[];
  readonly offerRules: readonly OfferRule[];
  /** 0 for all. */
  readonly offerItems: number;
  readonly talkingPoints: readonly TalkingPoint[];
  readonly fallbackChannels: readonly Channel[];
  readonly excludeRedeemed: boolean;
  readonly tagAvailableHere: boolean;
  readonly replenishmentOnly: boolean;
}
