import type { ScoreParts } from "../../../core-wasm/src/score-parts.js";
import type { CandidateList } from "./candidate-list.js";
import type { Channel } from "./channel.js";

/** What the caller knows about the moment of the request. */
export interface DecisionContext {
  readonly device: string;
  /** Store whose stock must hold the items; empty for none. */
  readonly storeId: string;
  readonly locale: string;
  readonly timeZone: string;
  readonly query: string;
  readonly page: string;
  readonly cartSkus: readonly string[];
  /** Time of the interaction in ms since the epoch; 0 means now. */
  readonly timestampMs: number;
}

/**
 * A Decide request as the pipeline sees it: plain values, and candidates as
 * byte ranges and scores (see CandidateList) so that none of them needs an
 * object or a string.
 */
export interface DecisionRequest {
  readonly requestId: string;
  readonly userId: string;
  /** Channel number as sent; validation rejects anything but a known Channel. */
  readonly channel: number;
  readonly useCase: string;
  readonly placement: string;
  readonly context: DecisionContext;
  /** Candidates; none means "rank the catalog". */
  readonly candidates: CandidateList;
  /** Items wanted; 0 means the server default. */
  readonly limit: number;
  readonly explain: boolean;
}

/** A DecisionRequest that passed validation: its channel is known. */
export interface ValidDecisionRequest extends DecisionRequest {
  readonly channel: Channel;
  /** The limit after defaults are applied, 1..maxLimit. */
  readonly limit: number;
}

/** What kind of decision the person got; numbers equal the proto enum. */
export const Treatment = {
  PERSONALIZED: 1,
  HOLDOUT: 2,
  FALLBACK: 3,
  NON_PERSONALIZED: 4,
} as const;
export type Treatment = (typeof Treatment)[keyof typeof Treatment];

/** Parts of the pipeline that did not run as designed; numbers equal the proto enum. */
export const Degradation = {
  PROFILE_MISSING: 1,
  PROFILE_TIMEOUT: 2,
  PROFILE_UNAVAILABLE: 3,
  PROFILE_INVALID: 4,
  POOL_SATURATED: 5,
  /** Too few behaviour events behind the profile to personalise with (option minProfileEvents). */
  PROFILE_SPARSE: 6,
  /** Caps could not be reserved (store slow or down): capped decisions were withheld, offers not recorded. */
  CAPS_UNAVAILABLE: 7,
} as const;
export type Degradation = (typeof Degradation)[keyof typeof Degradation];

/**
 * Exclusion reasons decided outside the kernel, continuing its `Reason` codes
 * (core-wasm/src/layout.ts); numbers equal the proto `ExclusionReason`.
 */
export const PolicyReason = {
  /** The use case ranks only items the person is due to buy again. */
  NOT_DUE: 8,
} as const;

/** The terms of an item's score (explain); they add up to the score. Defined beside the kernel's reference formula. */
export type { ScoreParts };

/** The offer given with an item. */
export interface DecidedOffer {
  readonly offerId: string;
  /** An OfferKind number (equal to the proto enum). */
  readonly kind: number;
  readonly value: number;
  /** Price after the offer. */
  readonly price: number;
  readonly message: string;
  readonly ruleId: string;
}

export interface DecidedItem {
  readonly sku: string;
  readonly score: number;
  /** 1-based. */
  readonly rank: number;
  /** Stable across channels for (person, offer, use case, validity window); see `experienceId`. */
  readonly experienceId: string;
  readonly offer: DecidedOffer | null;
  readonly tags: readonly string[];
  /** With explain only. */
  readonly parts: ScoreParts | null;
  /** With explain only: the policy rules that touched the item. */
  readonly ruleIds: readonly string[];
}

export interface ExcludedItem {
  readonly sku: string;
  /** A Reason code from core-wasm/src/layout.ts (equal to the proto ExclusionReason). */
  readonly reason: number;
  /** The rule that removed it, "" when none is named. */
  readonly ruleId: string;
}

/** The answer to one DecisionRequest. */
export interface Decision {
  readonly decisionId: string;
  readonly items: readonly DecidedItem[];
  readonly treatment: Treatment;
  readonly degradations: readonly Degradation[];
  /** Filled only when the request asked to explain. */
  readonly excluded: readonly ExcludedItem[];
  readonly catalogVersion: string;
  readonly policyVersion: string;
  readonly kernelVersion: string;
  readonly useCase: string;
  /** The channel decided for: the requested one, or the use case's fallback. */
  readonly channel: number;
  /** A Suppression number (0 none); see server/src/policy/plan-decision.ts. */
  readonly suppression: number;
  readonly suppressionRuleId: string;
  readonly talkingPoints: readonly string[];
}
