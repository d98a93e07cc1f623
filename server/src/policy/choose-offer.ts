import type { Channel } from "../domain/channel.js";
import { allHold, type ItemFacts, type PersonFacts } from "./conditions.js";
import { type Offer, OfferKind, type Policy, type UseCase } from "./policy.js";

/** An offer attached to one item, with what it does to the price. */
export interface ChosenOffer {
  readonly offer: Offer;
  readonly ruleId: string;
  /** Price after the offer (the catalog price when nothing is taken off). */
  readonly price: number;
}

/**
 * What the offer costs as a fraction of the item's price: the discount for
 * percent and amount offers, `marginImpact` for the others (free shipping, a
 * perk), 0 for reminders, urgency and service messages unless the policy says.
 */
export function offerCost(offer: Offer, price: number): number {
  switch (offer.kind) {
    case OfferKind.PERCENT_OFF:
      return offer.value;
    case OfferKind.AMOUNT_OFF:
      return price > 0 ? Math.min(1, offer.value / price) : 1;
    default:
      return offer.marginImpact;
  }
}

/** The item's price after the offer, never below 0. */
export function priceAfter(offer: Offer, price: number): number {
  switch (offer.kind) {
    case OfferKind.PERCENT_OFF:
      return Math.max(0, price * (1 - offer.value));
    case OfferKind.AMOUNT_OFF:
      return Math.max(0, price - offer.value);
    default:
      return price;
  }
}

/**
 * The first of the use case's offer rules that holds for this person and item
 * and whose offer is valid now, given in this channel, eligible, and keeps the
 * item's margin at or above the floor ("an incentive never pushes an item
 * below its margin floor"). Null when none does.
 *
 * `redeemed` answers whether this person already redeemed the offer on this
 * item in this use case (its experience id): such an offer is not given twice.
 */
export function chooseOffer(
  policy: Policy,
  useCase: UseCase,
  channel: Channel,
  person: PersonFacts,
  item: ItemFacts,
  marginFloor: number,
  redeemed: (offer: Offer) => boolean,
): ChosenOffer | null {
  const bit = 1 << channel;
  for (const rule of useCase.offerRules) {
    const offer = policy.offers.get(rule.offerId);
    if (offer === undefined) continue; // validation makes this unreachable
    if ((offer.channelMask & bit) === 0) continue;
    if (person.nowMs < offer.validFromMs || person.nowMs >= offer.validUntilMs) continue;
    if (!allHold(rule.when, person, item) || !allHold(offer.eligibility, person, item)) continue;
    if (item.margin - offerCost(offer, item.price) < marginFloor) continue;
    if (redeemed(offer)) continue;
    return { offer, ruleId: rule.id, price: priceAfter(offer, item.price) };
  }
  return null;
}
