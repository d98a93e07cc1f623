import { CATEGORY_SLOTS } from "../../../../core-wasm/src/layout.js";
import type { LifeEventType } from "../../domain/event.js";
import {
  type LoyaltyTier,
  MAX_SIGNAL_LIFE_EVENTS,
  MAX_SIGNAL_REPLENISHMENTS,
  type PersonSignals,
  type Profile,
  type ReplenishmentDue,
} from "../../domain/profile.js";
import { compareStrings } from "./bounded-lists.js";
import type { FeatureConfig } from "./feature-config.js";
import type { FeatureState } from "./feature-state.js";
import { DAY_MS, dayOf, formatDay, monthOf, nextAnniversary, parseDay } from "./feature-time.js";

/** A derived feature and how many events it rests on (0: no evidence, the value is its neutral default). */
export interface Feature {
  readonly value: number;
  readonly events: number;
}

/** A life event whose next occurrence is within `lifeEventHorizonDays`. */
export interface UpcomingLifeEvent {
  readonly type: LifeEventType;
  /** The date as reported, "YYYY-MM-DD". */
  readonly date: string;
  readonly recurring: boolean;
  /** The next occurrence (the anniversary for a recurring event), "YYYY-MM-DD". */
  readonly nextDate: string;
  /** UTC days from `nowMs`'s day to the next occurrence, 0 for today. */
  readonly daysUntil: number;
}

/** Every feature of a person at one moment, as GetPerson shows them. */
export interface DerivedFeatures {
  /** Days since the last purchase (events: orders). */
  readonly recencyDays: Feature;
  /** Orders placed. */
  readonly frequency: Feature;
  /** Total purchase value. */
  readonly monetary: Feature;
  /** Decayed mean of ln(price) of the items seen, carted and bought. */
  readonly priceAnchor: Feature;
  /** Smoothed share of orders with a promo code or discount, in [0, 1]. */
  readonly discountSensitivity: Feature;
  /** Buying intent of the current session, in [0, 1]; 0 when no session is going on. */
  readonly sessionIntent: Feature;
  /** Likelihood the person is lapsing, in [0, 1]. */
  readonly churnRisk: Feature;
  /** 0 none, 1 silver, 2 gold, 3 platinum. */
  readonly loyaltyTier: Feature;
  /** Affinity per category slot (length CATEGORY_SLOTS), in [0, 1], the strongest slot 1. */
  readonly categoryAffinity: readonly number[];
  /** Events `categoryAffinity` rests on. */
  readonly categoryAffinityEvents: number;
  /** Median days between repeat purchases per SKU bought on at least 2 days (events: those days). */
  readonly replenishmentDays: ReadonlyMap<string, Feature>;
  /** Soonest first. */
  readonly upcomingLifeEvents: readonly UpcomingLifeEvent[];
  /** Behaviour events, a bulk-loaded profile's included: `Profile.events`. */
  readonly behaviourEvents: number;
  /** Every event applied, consent updates and identifies included. */
  readonly eventsApplied: number;
}

/**
 * The packed profile Decide reads, at `nowMs`: unit profile vector, category
 * affinity, price anchor, discount sensitivity, churn risk and loyalty tier
 * derived from the state, `events` its behaviour events, the policy `signals`
 * (see `deriveSignals`), `updatedAtMs` = `nowMs`. `consent` is the person's
 * consent bits, kept apart from features.
 */
export function deriveProfile(
  userId: string,
  state: FeatureState,
  nowMs: number,
  config: FeatureConfig,
  consent: number,
): Profile {
  const vector = new Float32Array(state.features);
  let norm = 0;
  for (const v of state.vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let f = 0; f < state.features; f++) vector[f] = state.vector[f]! / norm;
  return {
    userId,
    vector,
    categoryAffinity: Float32Array.from(affinity(state)),
    priceAnchor: priceAnchor(state).value,
    discountSensitivity: discountSensitivity(state, config).value,
    churnRisk: churnRisk(state, nowMs, config).value,
    loyaltyTier: loyaltyTier(state, nowMs, config).value as LoyaltyTier,
    events: Math.min(0xffff_ffff, behaviourEvents(state)),
    consent,
    signals: deriveSignals(state, nowMs, config),
    updatedAtMs: nowMs,
  };
}

/**
 * The facts policy rules test, at `nowMs`: orders (at most 2^32 − 1), the
 * last purchase (0 when none), the session intent `deriveFeatures` reports,
 * the upcoming life events (the first MAX_SIGNAL_LIFE_EVENTS of
 * `upcomingLifeEvents`, with the UTC day of their next occurrence), and per
 * SKU bought on two days or more the day its next purchase is due — the last
 * purchase day plus the median interval rounded half up — soonest due first
 * (ties by SKU), at most MAX_SIGNAL_REPLENISHMENTS.
 */
function deriveSignals(state: FeatureState, nowMs: number, config: FeatureConfig): PersonSignals {
  const today = dayOf(nowMs);
  const upcoming = upcomingLifeEvents(state, nowMs, config);
  const lifeEvents = upcoming
    .slice(0, MAX_SIGNAL_LIFE_EVENTS)
    .map((u) => ({ type: u.type, nextDay: today + u.daysUntil }));
  const replenishment: ReplenishmentDue[] = repeatPurchases(state).map((r) => ({
    sku: r.sku,
    dueDay: r.lastDay + Math.round(r.medianDays),
  }));
  replenishment.sort((x, y) => x.dueDay - y.dueDay || compareStrings(x.sku, y.sku));
  if (replenishment.length > MAX_SIGNAL_REPLENISHMENTS) replenishment.length = MAX_SIGNAL_REPLENISHMENTS;
  return {
    orders: Math.min(0xffff_ffff, state.orders),
    lastPurchaseMs: state.orders > 0 ? state.lastPurchaseMs : 0,
    sessionIntent: sessionIntent(state, nowMs, config).value,
    lifeEvents,
    replenishment,
  };
}

/** Every feature of the state at `nowMs`, each with the events it rests on (GetPerson). */
export function deriveFeatures(state: FeatureState, nowMs: number, config: FeatureConfig): DerivedFeatures {
  const priorEvents = state.prior?.events ?? 0;
  return {
    recencyDays: {
      value: state.orders > 0 ? Math.max(0, nowMs - state.lastPurchaseMs) / DAY_MS : 0,
      events: state.orders,
    },
    frequency: { value: state.orders, events: state.orders },
    monetary: { value: state.purchaseValue, events: state.orders },
    priceAnchor: priceAnchor(state),
    discountSensitivity: discountSensitivity(state, config),
    sessionIntent: sessionIntent(state, nowMs, config),
    churnRisk: churnRisk(state, nowMs, config),
    loyaltyTier: loyaltyTier(state, nowMs, config),
    categoryAffinity: affinity(state),
    categoryAffinityEvents: state.affinityEvents + priorEvents,
    replenishmentDays: replenishmentDays(state),
    upcomingLifeEvents: upcomingLifeEvents(state, nowMs, config),
    behaviourEvents: behaviourEvents(state),
    eventsApplied: state.applied,
  };
}

function behaviourEvents(state: FeatureState): number {
  return state.behaviour + (state.prior?.events ?? 0);
}

/** Each slot's decayed score over the highest score; all 0 when nothing is known. */
function affinity(state: FeatureState): number[] {
  let max = 0;
  for (const a of state.affinity) if (a > max) max = a;
  const out = new Array<number>(CATEGORY_SLOTS).fill(0);
  if (max > 0) for (let s = 0; s < CATEGORY_SLOTS; s++) out[s] = Math.max(0, state.affinity[s]! / max);
  return out;
}

/** Decayed weighted mean of ln(price); 0 (the scorer's "no person" anchor) when nothing is priced. */
function priceAnchor(state: FeatureState): Feature {
  const events = state.priceEvents + (state.prior?.events ?? 0);
  return { value: state.priceWeight > 0 ? state.priceLogSum / state.priceWeight : 0, events };
}

/**
 * (promo orders + c·w) / (orders + w): the share of discounted orders pulled
 * toward a prior c of weight w — 0.5 with `discountPriorOrders`, or a
 * bulk-loaded profile's value with its events (at least `discountPriorOrders`,
 * at most `profilePriorOrders`).
 */
function discountSensitivity(state: FeatureState, config: FeatureConfig): Feature {
  const p = state.prior;
  const center = p === null ? 0.5 : p.discountSensitivity;
  const weight =
    p === null
      ? config.discountPriorOrders
      : Math.max(config.discountPriorOrders, Math.min(p.events, config.profilePriorOrders));
  const value = (state.promoOrders + center * weight) / (state.orders + weight);
  return { value: clamp01(value), events: state.orders + (p?.events ?? 0) };
}

/**
 * The current session's intent, 0.2·scroll + 0.3·dwell + 0.5·carts with
 * dwell = 1 − 2^(−dwellMs / intentDwellHalfMs) and carts = 1 − 2^(−net adds);
 * 0 with no events once the session is over (`sessionGapMs` after its last event).
 */
function sessionIntent(state: FeatureState, nowMs: number, config: FeatureConfig): Feature {
  const s = state.session;
  if (s.events === 0 || nowMs > s.lastMs + config.sessionGapMs) return { value: 0, events: 0 };
  const dwell = 1 - 2 ** (-s.dwellMs / config.intentDwellHalfMs);
  const carts = 1 - 2 ** -s.carts;
  return { value: clamp01(0.2 * s.maxScroll + 0.3 * dwell + 0.5 * carts), events: s.events };
}

/**
 * Time since the last purchase in usual intervals between orders (median gap
 * of the recent distinct order days), r, gives a measured risk
 * r³ / (r³ + m³) (m = `churnMidpointIntervals`: 0.5 there); with n gaps it is
 * blended with a prior c of weight w = `churnPriorIntervals`,
 * (n·measured + w·c) / (n + w). c is 0.5, or a bulk-loaded profile's churn
 * risk. Fewer than two order days leave the prior alone.
 */
function churnRisk(state: FeatureState, nowMs: number, config: FeatureConfig): Feature {
  const p = state.prior;
  const prior = p === null ? 0.5 : clamp01(p.churnRisk);
  const events = state.orders + (p?.events ?? 0);
  const gaps = dayGaps(state.orderDays);
  if (gaps.length === 0) return { value: prior, events };
  const interval = median(gaps);
  const r = Math.max(0, nowMs - state.lastPurchaseMs) / DAY_MS / interval;
  const m = config.churnMidpointIntervals;
  const measured = r ** 3 / (r ** 3 + m ** 3);
  const w = config.churnPriorIntervals;
  return { value: clamp01((gaps.length * measured + w * prior) / (gaps.length + w)), events };
}

/**
 * Purchase value of the months that overlap the `loyaltyWindowDays` before
 * `nowMs`, against the thresholds; a bulk-loaded profile's tier holds (as a
 * floor) for `loyaltyWindowDays` after its load.
 */
function loyaltyTier(state: FeatureState, nowMs: number, config: FeatureConfig): Feature {
  const from = monthOf(nowMs - config.loyaltyWindowDays * DAY_MS);
  const to = monthOf(nowMs);
  let value = 0;
  let events = 0;
  for (const m of state.months) {
    if (m.month >= from && m.month <= to) {
      value += m.value;
      events += m.orders;
    }
  }
  const t = config.loyaltyThresholds;
  let tier = value >= t.platinum ? 3 : value >= t.gold ? 2 : value >= t.silver ? 1 : 0;
  const p = state.prior;
  if (p !== null && nowMs < p.atMs + config.loyaltyWindowDays * DAY_MS) {
    tier = Math.max(tier, p.loyaltyTier);
    events += p.events;
  }
  return { value: tier, events };
}

/** Median gap in days between the kept purchase days, per SKU bought on two days or more. */
function replenishmentDays(state: FeatureState): Map<string, Feature> {
  const out = new Map<string, Feature>();
  for (const r of repeatPurchases(state)) out.set(r.sku, { value: r.medianDays, events: r.days });
  return out;
}

/** A SKU bought on two days or more. */
interface RepeatPurchase {
  readonly sku: string;
  /** The most recent purchase day. */
  readonly lastDay: number;
  /** Median gap in days between the kept purchase days. */
  readonly medianDays: number;
  /** Distinct purchase days kept. */
  readonly days: number;
}

/** The SKUs bought on two days or more, in the state's order (bought last first). */
function repeatPurchases(state: FeatureState): RepeatPurchase[] {
  const out: RepeatPurchase[] = [];
  for (const e of state.skus) {
    if (e.days.length < 2) continue;
    out.push({ sku: e.sku, lastDay: e.days[0]!, medianDays: median(dayGaps(e.days)), days: e.days.length });
  }
  return out;
}

/**
 * Life events whose next occurrence — the date itself while it is ahead,
 * else, when recurring, its next anniversary — is 0..`lifeEventHorizonDays`
 * days from `nowMs`'s UTC day; one per type and occurrence, soonest first.
 */
function upcomingLifeEvents(state: FeatureState, nowMs: number, config: FeatureConfig): UpcomingLifeEvent[] {
  const today = dayOf(nowMs);
  const out: UpcomingLifeEvent[] = [];
  for (const e of state.lifeEvents) {
    const day = parseDay(e.date);
    if (day === undefined) continue;
    // A recurring date still ahead (a wedding planned) first occurs on the date itself.
    const next = e.recurring && day < today ? nextAnniversary(e.date, today) : day;
    if (next === undefined) continue;
    const daysUntil = next - today;
    if (daysUntil < 0 || daysUntil > config.lifeEventHorizonDays) continue;
    const nextDate = formatDay(next);
    if (out.some((u) => u.type === e.type && u.nextDate === nextDate)) continue;
    out.push({ type: e.type, date: e.date, recurring: e.recurring, nextDate, daysUntil });
  }
  return out.sort(
    (x, y) => x.daysUntil - y.daysUntil || compareStrings(x.type, y.type) || compareStrings(x.date, y.date),
  );
}

/** Gaps between consecutive days of a most-recent-first list of distinct days. */
export function dayGaps(days: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < days.length; i++) out.push(days[i - 1]! - days[i]!);
  return out;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
