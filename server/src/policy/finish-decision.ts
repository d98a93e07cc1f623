import type { CapCounter, ExperienceRecord, ReservationRequest } from "../caps/cap-store.js";
import type { DecidedOffer, ScoreParts } from "../domain/decision.js";
import { LoyaltyTier, type Profile } from "../domain/profile.js";
import { type ApplicableCaps, applicableCaps, counterOf } from "./cap-counters.js";
import { chooseOffer } from "./choose-offer.js";
import { allHold, type ItemFacts } from "./conditions.js";
import { experienceIdsFor } from "./experience-id.js";
import type { DecisionPlan } from "./plan-decision.js";
import type { Policy } from "./policy.js";

/** A scored item as the policy stage gets it from the scorer. */
export interface RankedItem {
  readonly sku: string;
  readonly score: number;
  readonly facts: ItemFacts;
  /** Top-level category slot, to name the boost rules that touched it. */
  readonly slot: number;
  readonly parts: ScoreParts | null;
}

/** An item with everything the policy adds, before caps are reserved. */
export interface OfferedItem {
  readonly sku: string;
  readonly score: number;
  readonly experienceId: string;
  readonly offer: DecidedOffer | null;
  readonly tags: readonly string[];
  readonly parts: ScoreParts | null;
  readonly ruleIds: readonly string[];
  /** Cap counters the item needs (item- and offer-level). */
  readonly counters: readonly CapCounter[];
  /** Recorded with the reservation so `Redeem` can find the experience; null without an offer. */
  readonly experience: ExperienceRecord | null;
}

export interface FinishInput {
  readonly policy: Policy;
  readonly plan: DecisionPlan;
  readonly personId: string;
  readonly storeId: string;
  readonly marginFloor: number;
  readonly explain: boolean;
  /** Members of the person's redeemed set (`<useCase>\t<sku>` for redeemed experiences). */
  readonly redeemed: ReadonlySet<string>;
  /** `applicableCaps` of the use case and channel, as the pipeline already looked them up; null without a use case. */
  readonly caps: ApplicableCaps | null;
}

export interface FinishedItems {
  readonly items: readonly OfferedItem[];
  /** Decision-level counters: all must have room. */
  readonly decisionCounters: readonly CapCounter[];
  /** True when a reservation round trip is needed (counters or experiences to record). */
  readonly reserve: boolean;
}

const NO_TAGS: readonly string[] = Object.freeze([]);
const NO_COUNTERS: readonly CapCounter[] = Object.freeze([]);

/**
 * The policy stages after ranking: each item's offer (first offer rule that
 * holds, within the margin floor), tags, experience id and the cap counters
 * it needs; and the decision's own counters. Items stay in rank order; the cap
 * store then grants the first `limit` that have room.
 */
export function finishItems(ranked: readonly RankedItem[], input: FinishInput): FinishedItems {
  const { policy, plan, personId, explain } = input;
  const useCase = plan.useCase;
  if (useCase === undefined) {
    const idOf = experienceIdsFor(personId, "", "", Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const items = ranked.map((r) => ({
      sku: r.sku,
      score: r.score,
      experienceId: idOf(r.sku),
      offer: null,
      tags: NO_TAGS,
      parts: r.parts,
      ruleIds: NO_TAGS,
      counters: NO_COUNTERS,
      experience: null,
    }));
    return { items, decisionCounters: NO_COUNTERS, reserve: false };
  }
  const caps = input.caps ?? applicableCaps(policy, useCase, plan.channel);
  const offerItems = useCase.offerItems === 0 ? ranked.length : useCase.offerItems;
  let reserve = caps.decision.length > 0;
  // One id maker per offer ("" for none): items sharing an offer share its
  // validity window, so its SHA-256 key is made once per decision.
  const idMakers = new Map<string, (sku: string) => string>();
  const items = ranked.map((r, i): OfferedItem => {
    const chosen =
      i < offerItems && useCase.offerRules.length > 0
        ? chooseOffer(policy, useCase, plan.channel, plan.facts, r.facts, input.marginFloor, () =>
            // An offer on this item in this use case was redeemed: none is given again.
            input.redeemed.has(`${useCase.id}\t${r.sku}`),
          )
        : null;
    const offer = chosen?.offer;
    const from = offer?.validFromMs ?? Number.NEGATIVE_INFINITY;
    const until = offer?.validUntilMs ?? Number.POSITIVE_INFINITY;
    const offerId = offer?.id ?? "";
    let idOf = idMakers.get(offerId);
    if (idOf === undefined) {
      idOf = experienceIdsFor(personId, useCase.id, offerId, from, until);
      idMakers.set(offerId, idOf);
    }
    const id = idOf(r.sku);
    let counters = NO_COUNTERS;
    if (caps.item.length > 0 || (offer !== undefined && caps.offer.length > 0)) {
      const list: CapCounter[] = caps.item.map((rule) => counterOf(rule, r.sku));
      if (offer !== undefined) for (const rule of caps.offer) list.push(counterOf(rule, offer.id));
      counters = list;
      reserve = true;
    }
    const tags: string[] = [];
    if (useCase.tagAvailableHere && input.storeId !== "" && r.facts.stock > 0) tags.push("available_here");
    if (offer !== undefined) reserve = true;
    const ruleIds: string[] = [];
    if (explain) {
      for (const b of useCase.boosts)
        if (plan.boostRuleIds.includes(b.id) && b.slots.includes(r.slot)) ruleIds.push(b.id);
      if (chosen !== null) ruleIds.push(chosen.ruleId);
    }
    return {
      sku: r.sku,
      score: r.score,
      experienceId: id,
      offer:
        chosen === null
          ? null
          : {
              offerId: chosen.offer.id,
              kind: chosen.offer.kind,
              value: chosen.offer.value,
              price: chosen.price,
              message: chosen.offer.message,
              ruleId: chosen.ruleId,
            },
      tags: tags.length === 0 ? NO_TAGS : tags,
      parts: r.parts,
      ruleIds: ruleIds.length === 0 ? NO_TAGS : ruleIds,
      counters,
      experience:
        offer === undefined
          ? null
          : { experienceId: id, useCase: useCase.id, offerId: offer.id, sku: r.sku, untilMs: until },
    };
  });
  return { items, decisionCounters: caps.decision.map((rule) => counterOf(rule, "")), reserve };
}

/** The reservation request for finished items. */
export function reservationFor(
  personId: string,
  decisionId: string,
  finished: FinishedItems,
  want: number,
): ReservationRequest {
  return {
    personId,
    decisionId,
    decision: finished.decisionCounters,
    items: finished.items.map((i) => ({ counters: i.counters, experience: i.experience })),
    want,
  };
}

const TIER_NAMES = ["member", "Silver", "Gold", "Platinum"] as const;

/**
 * The person's tokens for talking points and channel templates: `tier`
 * (member, Silver, Gold, Platinum), and when one is coming `life_event`
 * ("new baby") and `life_event_date` (YYYY-MM-DD). Derived features only,
 * never contact data.
 */
export function personalTokens(profile: Profile): Record<string, string> {
  const tokens: Record<string, string> = {
    tier: TIER_NAMES[profile.loyaltyTier] ?? TIER_NAMES[LoyaltyTier.NONE],
  };
  const next = profile.signals.lifeEvents[0];
  if (next !== undefined) {
    tokens.life_event = next.type.replaceAll("_", " ");
    tokens.life_event_date = new Date(next.nextDay * 86_400_000).toISOString().slice(0, 10);
  }
  return tokens;
}

/**
 * The use case's talking points whose conditions hold, with `{tier}` and
 * `{life_event}` filled from the profile. Personalised decisions only: a
 * talking point is about the person.
 */
export function talkingPoints(plan: DecisionPlan): string[] {
  const useCase = plan.useCase;
  const profile = plan.facts.profile;
  if (useCase === undefined || profile === null || useCase.talkingPoints.length === 0) return [];
  const out: string[] = [];
  const tokens = personalTokens(profile);
  for (const t of useCase.talkingPoints) {
    if (!allHold(t.when, plan.facts, null)) continue;
    out.push(
      t.text.replaceAll("{tier}", tokens.tier ?? "").replaceAll("{life_event}", tokens.life_event ?? ""),
    );
  }
  return out;
}
