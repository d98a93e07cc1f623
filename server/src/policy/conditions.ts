import { categorySlot } from "../domain/category-slot.js";
import type { Profile } from "../domain/profile.js";
import { type Condition, Fact, ITEM_FACTS } from "./policy.js";

const DAY_MS = 86_400_000;

/** What a condition may ask about one item of a decision. */
export interface ItemFacts {
  readonly sku: string;
  readonly price: number;
  readonly margin: number;
  /** Units at the store in context, or network-wide without one. */
  readonly stock: number;
  readonly returnRate: number;
  readonly inCart: boolean;
}

/**
 * The person side of a decision as rules see it. `profile` is null when the
 * decision may not use the person (holdout, no personalisation consent, no
 * readable profile): every person fact is then unknown, and a condition on an
 * unknown fact does not hold. So a control decision falls through to the
 * rules that ask nothing about the person, which is what "non-personalised"
 * means for offers and talking points too.
 */
export interface PersonFacts {
  readonly profile: Profile | null;
  readonly nowMs: number;
}

/** The value of a person fact, or undefined when it is not known. */
export function personFact(fact: Fact, arg: string, person: PersonFacts): number | undefined {
  const p = person.profile;
  if (p === null) return undefined;
  switch (fact) {
    case Fact.DISCOUNT_SENSITIVITY:
      return p.discountSensitivity;
    case Fact.CHURN_RISK:
      return p.churnRisk;
    case Fact.LOYALTY_TIER:
      return p.loyaltyTier;
    case Fact.PROFILE_EVENTS:
      return p.events;
    case Fact.CATEGORY_AFFINITY:
      return p.categoryAffinity[categorySlot(arg)];
    case Fact.ORDERS:
      return p.signals.orders;
    case Fact.DAYS_SINCE_PURCHASE:
      return p.signals.lastPurchaseMs > 0
        ? Math.max(0, person.nowMs - p.signals.lastPurchaseMs) / DAY_MS
        : undefined;
    case Fact.SESSION_INTENT:
      return p.signals.sessionIntent;
    case Fact.LIFE_EVENT_DAYS: {
      const today = Math.floor(person.nowMs / DAY_MS);
      for (const e of p.signals.lifeEvents) {
        // Soonest first: the first match is the nearest.
        if ((arg === "" || e.type === arg) && e.nextDay >= today) return e.nextDay - today;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The value of an item fact (replenishment needs the person too), or undefined. */
export function itemFact(fact: Fact, item: ItemFacts, person: PersonFacts): number | undefined {
  switch (fact) {
    case Fact.ITEM_MARGIN:
      return item.margin;
    case Fact.ITEM_STOCK:
      return item.stock;
    case Fact.ITEM_PRICE:
      return item.price;
    case Fact.ITEM_RETURN_RATE:
      return item.returnRate;
    case Fact.ITEM_IN_CART:
      return item.inCart ? 1 : 0;
    case Fact.REPLENISHMENT_DUE_DAYS:
      return replenishmentDueDays(item.sku, person);
    default:
      return undefined;
  }
}

/** Days until the person is due to buy `sku` again (negative when overdue), or undefined. */
export function replenishmentDueDays(sku: string, person: PersonFacts): number | undefined {
  const p = person.profile;
  if (p === null) return undefined;
  for (const r of p.signals.replenishment) {
    if (r.sku === sku) return r.dueDay - Math.floor(person.nowMs / DAY_MS);
  }
  return undefined;
}

function holds(c: Condition, value: number | undefined): boolean {
  return value !== undefined && value >= c.min && value <= c.max;
}

/**
 * True when every condition holds. Item conditions are tested against `item`;
 * without an item (a decision-level rule) an item condition does not hold —
 * validation keeps item facts out of decision-level rules.
 */
export function allHold(when: readonly Condition[], person: PersonFacts, item: ItemFacts | null): boolean {
  for (const c of when) {
    const value = isItemFact(c.fact)
      ? item === null
        ? undefined
        : itemFact(c.fact, item, person)
      : personFact(c.fact, c.arg, person);
    if (!holds(c, value)) return false;
  }
  return true;
}

function isItemFact(fact: Fact): boolean {
  return ITEM_FACTS.has(fact);
}
