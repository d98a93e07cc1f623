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
} as const;
export type Degradation = (typeof Degradation)[keyof typeof Degradation];

export interface DecidedItem {
  readonly sku: string;
  readonly score: number;
  /** 1-based. */
  readonly rank: number;
}

export interface ExcludedItem {
  readonly sku: string;
  /** A Reason code from core-wasm/src/layout.ts (equal to the proto ExclusionReason). */
  readonly reason: number;
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
}
