import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";
import type { Channel } from "../domain/channel.js";
import { channelPurpose } from "../domain/consent.js";
import { Treatment } from "../domain/decision.js";
import type { Profile } from "../domain/profile.js";
import { allHold, type PersonFacts } from "./conditions.js";
import { type HoldoutGroup, holdoutGroup } from "./holdout.js";
import type { Policy, UseCase } from "./policy.js";
import { inQuietHours } from "./quiet-hours.js";

/** Numbers equal the proto enum `relevance.v1.Suppression`. */
export const Suppression = {
  NONE: 0,
  INELIGIBLE: 1,
  CAPPED: 2,
  QUIET_HOURS: 3,
  NO_CONSENT: 4,
  CHANNEL: 5,
} as const;
export type Suppression = (typeof Suppression)[keyof typeof Suppression];

/** What the policy says before anything is scored. */
export interface DecisionPlan {
  /** The use case's rules; undefined under a policy that does not name the use case (bare ranking). */
  readonly useCase: UseCase | undefined;
  /** The channel the decision is for: the requested one or a fallback the person consented to. */
  readonly channel: Channel;
  readonly treatment: Treatment;
  readonly holdout: HoldoutGroup;
  /** Person facts for rules: the profile only when the decision is personalised. */
  readonly facts: PersonFacts;
  /** Non-zero: answer with no items, for `suppressionRuleId`. */
  readonly suppression: Suppression;
  readonly suppressionRuleId: string;
  /** Score added per category slot, or null. */
  readonly categoryBoost: Float32Array | null;
  /** Boost rules that fired, for explain. */
  readonly boostRuleIds: readonly string[];
}

export interface PlanInput {
  readonly policy: Policy;
  readonly useCaseId: string;
  readonly channel: Channel;
  /** Treatment from the person's read and consent (PERSONALIZED, NON_PERSONALIZED or FALLBACK). */
  readonly treatment: Treatment;
  /** The profile when the read found one, whatever the treatment (consent bits for fallbacks). */
  readonly found: Profile | null;
  /** The resolved person (`PersonState.personId`), or the request's id when the read failed. */
  readonly personId: string;
  readonly nowMs: number;
  readonly timeZone: string;
}

/**
 * The policy stages before scoring: channel (with the use case's fallback
 * channels for a person who opted down), holdout group, quiet hours and
 * eligibility, and the category boosts of the rules that hold.
 *
 * Rules that read the person (eligibility, boosts, and later offers and
 * talking points) see the profile only when the decision is personalised. A
 * holdout, a person without personalisation consent and a failed read all get
 * the control: the use case's default behaviour under the hard constraints.
 * Eligibility rules are personalisation rules, so the control skips them and
 * sees the module as everyone does.
 */
export function planDecision(input: PlanInput): DecisionPlan {
  const { policy, nowMs } = input;
  const useCase = policy.useCases.get(input.useCaseId);
  const channel = useCase === undefined ? input.channel : chooseChannel(useCase, input.channel, input.found);
  const holdout = holdoutGroup(policy, useCase, input.personId);
  const treatment =
    input.treatment === Treatment.PERSONALIZED && holdout !== null ? Treatment.HOLDOUT : input.treatment;
  const personal = treatment === Treatment.PERSONALIZED;
  const facts: PersonFacts = { profile: personal ? input.found : null, nowMs };
  const plan = {
    useCase,
    channel,
    treatment,
    holdout,
    facts,
    suppression: Suppression.NONE as Suppression,
    suppressionRuleId: "",
    categoryBoost: null as Float32Array | null,
    boostRuleIds: [] as string[],
  };
  if (useCase === undefined) return plan;

  if ((useCase.channelMask & (1 << channel)) === 0) return { ...plan, suppression: Suppression.CHANNEL };
  if (!useCase.transactional && inQuietHours(policy, channel, nowMs, input.timeZone)) {
    return { ...plan, suppression: Suppression.QUIET_HOURS };
  }
  if (!personal) return plan;
  for (const rule of useCase.eligibility) {
    if (!allHold(rule.when, facts, null)) {
      return { ...plan, suppression: Suppression.INELIGIBLE, suppressionRuleId: rule.id };
    }
  }
  for (const rule of useCase.boosts) {
    if (!allHold(rule.when, facts, null)) continue;
    plan.categoryBoost ??= new Float32Array(CATEGORY_SLOTS);
    for (const slot of rule.slots) plan.categoryBoost[slot]! += rule.boost;
    plan.boostRuleIds.push(rule.id);
  }
  return plan;
}

/**
 * The requested channel, or — when the person has not consented to its purpose
 * — the first of the use case's fallback channels they have consented to
 * (opted down from email → push or SMS). Without a profile consent is unknown,
 * and unknown consent never opens a fallback.
 */
function chooseChannel(useCase: UseCase, requested: Channel, found: Profile | null): Channel {
  if (useCase.fallbackChannels.length === 0 || found === null) return requested;
  const granted = (c: Channel): boolean => {
    const purpose = channelPurpose(c);
    return purpose === 0 || (found.consent & purpose) !== 0;
  };
  if (granted(requested)) return requested;
  for (const c of useCase.fallbackChannels) if (granted(c)) return c;
  return requested;
}
