import { CATEGORY_SLOTS } from "../../../../core-wasm/src/layout.js";
import { categorySlot } from "../../domain/category-slot.js";
import type { PersonEvent, PurchaseEvent } from "../../domain/event.js";
import { addLifeEvent, addMonthValue, addSkuDay, normalizeDays } from "./bounded-lists.js";
import type { FeatureConfig } from "./feature-config.js";
import { emptySession, type FeatureState, type SessionState } from "./feature-state.js";
import { dayOf, decayFactor, monthOf, parseDay } from "./feature-time.js";

/** What the feature engine needs of a catalog item. */
export interface ItemInfo {
  /** `categorySlot` of the item's top-level category. */
  readonly categorySlot: number;
  /** The item's feature vector (length = feature count). */
  readonly features: Float32Array;
  /** Selling price, > 0. */
  readonly price: number;
}

/** Item information by SKU; undefined for a SKU the catalog does not know. */
export type ItemLookup = (sku: string) => ItemInfo | undefined;

/**
 * Applies one event to a person's feature state and returns it (`state` is
 * mutated). Decayed features (category affinity, profile vector, price
 * anchor) do not depend on the order events are applied in: an event older
 * than the state's reference time is added decayed, a newer one first decays
 * the sums to its time. Counters and bounded lists do not either (but for the
 * replenishment SKUs trimmed away, see `bounded-lists.ts`); only the session
 * is order-sensitive, by nature: an event before the current session's start
 * leaves it alone. Consent updates and identifies count as applied and change
 * no feature (their effects live in the consent and identity stores).
 */
export function applyEvent(
  state: FeatureState,
  event: PersonEvent,
  lookup: ItemLookup,
  config: FeatureConfig,
): FeatureState {
  state.applied++;
  const t = event.timestampMs;
  if (event.kind === "consent_update" || event.kind === "identify") return state;
  // Intake rejects such timestamps; one that slips through is counted and
  // otherwise ignored rather than poisoning the decayed sums.
  if (!Number.isFinite(t) || t < 0) return state;
  if (event.kind === "life_event") {
    if (parseDay(event.date) !== undefined) {
      addLifeEvent(
        state.lifeEvents,
        { type: event.lifeEvent, date: event.date, recurring: event.recurring, reportedMs: t },
        config,
      );
    }
    return state;
  }

  state.behaviour++;
  state.lastEventMs = Math.max(state.lastEventMs, t);
  switch (event.kind) {
    case "view_item": {
      touchSession(state.session, t, config);
      const info = lookup(event.sku);
      addItemSignals(
        state,
        t,
        [{ weight: config.viewWeight, category: event.category, price: event.price, info }],
        config,
      );
      break;
    }
    case "add_to_cart": {
      const s = touchSession(state.session, t, config);
      if (s !== null) s.carts++;
      const info = lookup(event.sku);
      addItemSignals(
        state,
        t,
        [{ weight: config.cartWeight, category: "", price: event.price, info }],
        config,
      );
      break;
    }
    case "remove_from_cart": {
      const s = touchSession(state.session, t, config);
      if (s !== null) s.carts = Math.max(0, s.carts - 1);
      break;
    }
    case "purchase":
      touchSession(state.session, t, config);
      applyPurchase(state, event, lookup, config);
      break;
    case "session_signal": {
      const s = touchSession(state.session, t, config);
      if (s !== null) {
        if (event.scrollDepth > s.maxScroll) s.maxScroll = Math.min(1, event.scrollDepth);
        if (event.dwellMs > 0 && Number.isFinite(event.dwellMs)) s.dwellMs += event.dwellMs;
      }
      break;
    }
    case "search":
      touchSession(state.session, t, config);
      break;
    case "store_visit":
      break;
  }
  return state;
}

/** One item an event is about, with the weight of the kind of event. */
interface ItemSignal {
  readonly weight: number;
  /** Category path as the event gave it, "" for the catalog's. */
  readonly category: string;
  /** Price as the event gave it, 0 for the catalog's. */
  readonly price: number;
  readonly info: ItemInfo | undefined;
}

function applyPurchase(
  state: FeatureState,
  e: PurchaseEvent,
  lookup: ItemLookup,
  config: FeatureConfig,
): void {
  const t = e.timestampMs;
  const day = dayOf(t);
  let value = 0;
  let discounted = e.promoCode !== "";
  const items: ItemSignal[] = [];
  for (const line of e.lines) {
    const quantity = Math.max(0, line.quantity);
    if (line.unitPrice > 0 && Number.isFinite(line.unitPrice)) value += line.unitPrice * quantity;
    if (line.discount > 0) discounted = true;
    items.push({
      weight: config.purchaseWeight,
      category: line.category,
      price: line.unitPrice,
      info: lookup(line.sku),
    });
    addSkuDay(state.skus, line.sku, day, config);
  }
  state.orders++;
  if (discounted) state.promoOrders++;
  state.purchaseValue += value;
  state.lastPurchaseMs = Math.max(state.lastPurchaseMs, t);
  state.orderDays = normalizeDays([...state.orderDays, day], config.maxOrderDates);
  addMonthValue(state.months, monthOf(t), value, 1, config);
  addItemSignals(state, t, items, config);
}

/**
 * Adds items seen, carted or bought at `t` to the decayed sums: affinity of
 * their category slot, the profile vector (items the catalog knows) and the
 * price sums (items with a price). Each sum counts the event once.
 */
function addItemSignals(
  state: FeatureState,
  t: number,
  items: readonly ItemSignal[],
  config: FeatureConfig,
): void {
  let touched = false;
  let affinity = false;
  let vector = false;
  let priced = false;
  for (const item of items) {
    if (item.weight <= 0) continue;
    const slot = slotOf(item.category, item.info);
    const features = item.info?.features;
    const hasVector = features !== undefined && features.length === state.features;
    const price = item.price > 0 && Number.isFinite(item.price) ? item.price : (item.info?.price ?? 0);
    const hasPrice = price > 0 && Number.isFinite(price);
    if (slot === undefined && !hasVector && !hasPrice) continue;
    if (!touched) {
      advanceTo(state, t, config);
      touched = true;
    }
    const w = item.weight * decayFactor(state.refMs - t, config.affinityHalfLifeDays);
    if (slot !== undefined) {
      state.affinity[slot]! += w;
      affinity = true;
    }
    if (hasVector) {
      for (let f = 0; f < state.features; f++) state.vector[f]! += w * features[f]!;
      vector = true;
    }
    if (hasPrice) {
      state.priceWeight += w;
      state.priceLogSum += w * Math.log(price);
      priced = true;
    }
  }
  if (affinity) state.affinityEvents++;
  if (vector) state.vectorEvents++;
  if (priced) state.priceEvents++;
}

/** Decays every sum to `t` when `t` is later than the reference time, and makes `t` the reference time. */
function advanceTo(state: FeatureState, t: number, config: FeatureConfig): void {
  if (t <= state.refMs) return;
  const k = decayFactor(t - state.refMs, config.affinityHalfLifeDays);
  for (let s = 0; s < state.affinity.length; s++) state.affinity[s]! *= k;
  for (let f = 0; f < state.vector.length; f++) state.vector[f]! *= k;
  state.priceWeight *= k;
  state.priceLogSum *= k;
  state.refMs = t;
}

/**
 * The category slot of an item: from the category path the event gave
 * (its first element, split on " > " or "/"), else from the catalog.
 */
function slotOf(category: string, info: ItemInfo | undefined): number | undefined {
  const top = category.split(/\s*>\s*|\//, 1)[0]!.trim();
  if (top !== "") return categorySlot(top);
  const slot = info?.categorySlot;
  return slot !== undefined && Number.isInteger(slot) && slot >= 0 && slot < CATEGORY_SLOTS
    ? slot
    : undefined;
}

/**
 * Counts an event at `t` into the current session and returns it, or returns
 * null when `t` is before the session's start (an older event leaves it
 * alone). An event more than `sessionGapMs` after the last one starts a new
 * session.
 */
function touchSession(s: SessionState, t: number, config: FeatureConfig): SessionState | null {
  if (s.events === 0 || t > s.lastMs + config.sessionGapMs) {
    Object.assign(s, emptySession(), { startMs: t, lastMs: t });
  } else if (t < s.startMs) {
    return null;
  } else {
    s.lastMs = Math.max(s.lastMs, t);
  }
  s.events++;
  return s;
}
