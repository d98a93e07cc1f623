import type { LoyaltyTier } from "../../domain/profile.js";
import { mergeLifeEvents, mergeMonths, mergeSkus, normalizeDays } from "./bounded-lists.js";
import type { FeatureConfig } from "./feature-config.js";
import {
  emptyFeatureState,
  type FeatureState,
  type ProfilePrior,
  type SessionState,
} from "./feature-state.js";
import { decayFactor } from "./feature-time.js";

/**
 * The state of one person made of two (Identify found they are the same):
 * what applying both persons' events to one state would have given. Counters
 * add; decayed sums are aligned to the later reference time, then added;
 * bounded lists are unioned without duplicates and trimmed as `applyEvent`
 * trims them; last times are the later ones. Deterministic and commutative:
 * `merge(a, b)` equals `merge(b, a)` exactly. Neither input is changed.
 * Throws a `RangeError` when the two have different feature counts.
 */
export function mergeFeatureStates(a: FeatureState, b: FeatureState, config: FeatureConfig): FeatureState {
  if (a.features !== b.features) {
    throw new RangeError(`cannot merge feature states of ${a.features} and ${b.features} features`);
  }
  const out = emptyFeatureState(a.features);
  out.applied = a.applied + b.applied;
  out.behaviour = a.behaviour + b.behaviour;
  out.lastEventMs = Math.max(a.lastEventMs, b.lastEventMs);
  out.orders = a.orders + b.orders;
  out.lastPurchaseMs = Math.max(a.orders > 0 ? a.lastPurchaseMs : 0, b.orders > 0 ? b.lastPurchaseMs : 0);
  out.promoOrders = a.promoOrders + b.promoOrders;
  out.purchaseValue = a.purchaseValue + b.purchaseValue;

  out.refMs = Math.max(a.refMs, b.refMs);
  const ka = decayFactor(out.refMs - a.refMs, config.affinityHalfLifeDays);
  const kb = decayFactor(out.refMs - b.refMs, config.affinityHalfLifeDays);
  for (let s = 0; s < out.affinity.length; s++) out.affinity[s] = a.affinity[s]! * ka + b.affinity[s]! * kb;
  for (let f = 0; f < out.features; f++) out.vector[f] = a.vector[f]! * ka + b.vector[f]! * kb;
  out.priceWeight = a.priceWeight * ka + b.priceWeight * kb;
  out.priceLogSum = a.priceLogSum * ka + b.priceLogSum * kb;
  out.affinityEvents = a.affinityEvents + b.affinityEvents;
  out.vectorEvents = a.vectorEvents + b.vectorEvents;
  out.priceEvents = a.priceEvents + b.priceEvents;

  Object.assign(out.session, mergeSessions(a.session, b.session, config));
  out.orderDays = normalizeDays([...a.orderDays, ...b.orderDays], config.maxOrderDates);
  out.skus = mergeSkus(a.skus, b.skus, config);
  out.months = mergeMonths(a.months, b.months, config);
  out.lifeEvents = mergeLifeEvents(a.lifeEvents, b.lifeEvents, config);
  out.prior = mergePriors(a.prior, b.prior);
  return out;
}

/**
 * One current session of two: a single session when they overlap or lie
 * within `sessionGapMs` of each other (a person on two devices at once),
 * else the later one.
 */
function mergeSessions(a: SessionState, b: SessionState, config: FeatureConfig): SessionState {
  if (a.events === 0) return { ...b };
  if (b.events === 0) return { ...a };
  const joined = a.startMs <= b.lastMs + config.sessionGapMs && b.startMs <= a.lastMs + config.sessionGapMs;
  if (joined) {
    return {
      startMs: Math.min(a.startMs, b.startMs),
      lastMs: Math.max(a.lastMs, b.lastMs),
      maxScroll: Math.max(a.maxScroll, b.maxScroll),
      dwellMs: a.dwellMs + b.dwellMs,
      carts: a.carts + b.carts,
      events: a.events + b.events,
    };
  }
  return { ...(a.lastMs > b.lastMs ? a : b) };
}

/**
 * The prior of two bulk-loaded profiles: events add, discount sensitivity and
 * churn risk are their means weighted by events, the tier is the higher one
 * and holds from the later load.
 */
function mergePriors(a: ProfilePrior | null, b: ProfilePrior | null): ProfilePrior | null {
  if (a === null) return b === null ? null : { ...b };
  if (b === null) return { ...a };
  const events = a.events + b.events;
  const mean = (x: number, y: number): number =>
    events > 0 ? (x * a.events + y * b.events) / events : (x + y) / 2;
  return {
    events,
    discountSensitivity: mean(a.discountSensitivity, b.discountSensitivity),
    churnRisk: mean(a.churnRisk, b.churnRisk),
    loyaltyTier: Math.max(a.loyaltyTier, b.loyaltyTier) as LoyaltyTier,
    atMs: Math.max(a.atMs, b.atMs),
  };
}
