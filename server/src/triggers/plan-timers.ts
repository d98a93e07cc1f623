import type { PersonEvent } from "../domain/event.js";
import { dayGaps, median } from "../profile/features/derive.js";
import type { FeatureState } from "../profile/features/feature-state.js";
import { DAY_MS, dayOf, nextAnniversary, parseDay } from "../profile/features/feature-time.js";
import type { TimerChange, TimerSet, TimerSku } from "./timer-store.js";
import type { TriggerConfig, TriggerKind } from "./trigger-config.js";

/**
 * The timer changes one batch of a person's events calls for: pure, no I/O.
 * `events` are the events just applied (time ordered), `state` the feature
 * state after them, `nowMs` the time of planning (only to leave out timers
 * that would have fired more than `maxLateMs` ago).
 *
 * - add_to_cart / remove_from_cart after the latest purchase: the cart timer
 *   at the last cart change + `cartIdleMs`, SKUs added and removed (the store
 *   merges them with earlier batches' and cancels the timer when the cart is
 *   left empty); an add cancels browse abandonment.
 * - view_item after the latest purchase and the batch's last add: the browse
 *   timer at the last view + `browseIdleMs` with the viewed SKUs, unless a
 *   cart timer is live.
 * - purchase (the latest one): cancels cart and browse; win-back at the last
 *   purchase + max(`winBackMinMs`, `winBackIntervals` × the median gap between
 *   order days); replenishment when the soonest repeat SKU is due (its last
 *   purchase day + the median gap of its purchase days, at the last purchase's
 *   time of day), with every SKU due that day, else cancelled.
 * - life_event: the soonest next occurrence of the person's life events,
 *   `lifeEventLeadDays` before it (not before the event that reported it).
 *
 * Changes come only for enabled kinds; applying the same batch twice, or
 * event-driven batches in another order, ends in the same timers.
 */
export function planTimers(
  events: readonly PersonEvent[],
  state: FeatureState,
  config: TriggerConfig,
  nowMs: number,
): TimerChange[] {
  const on = (k: TriggerKind) => config.kinds[k].enabled;
  const notBefore = nowMs - config.maxLateMs;
  const out: TimerChange[] = [];
  const lastPurchaseMs = state.orders > 0 ? state.lastPurchaseMs : Number.NEGATIVE_INFINITY;

  let bought = false;
  let lifeEventMs = Number.NEGATIVE_INFINITY;
  /** Latest cart change per SKU after the latest purchase. */
  const cart = new Map<string, { add: boolean; atMs: number }>();
  const views = new Map<string, number>();
  let lastCartMs = Number.NEGATIVE_INFINITY;
  let lastAddMs = Number.NEGATIVE_INFINITY;
  let lastViewMs = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    const t = e.timestampMs;
    switch (e.kind) {
      case "purchase":
        // A late, older purchase does not end a cart that came after it.
        if (t >= lastPurchaseMs) bought = true;
        break;
      case "life_event":
        lifeEventMs = Math.max(lifeEventMs, t);
        break;
      case "add_to_cart":
      case "remove_from_cart":
        if (t <= lastPurchaseMs) break;
        cart.set(e.sku, { add: e.kind === "add_to_cart", atMs: t });
        lastCartMs = Math.max(lastCartMs, t);
        if (e.kind === "add_to_cart") lastAddMs = Math.max(lastAddMs, t);
        break;
      case "view_item":
        if (t <= lastPurchaseMs) break;
        views.set(e.sku, Math.max(views.get(e.sku) ?? t, t));
        lastViewMs = Math.max(lastViewMs, t);
        break;
      default:
        break;
    }
  }

  if (bought) {
    if (on("cart_abandonment")) out.push({ kind: "cart_abandonment", op: "cancel" });
    if (on("browse_abandonment")) out.push({ kind: "browse_abandonment", op: "cancel" });
  }

  if (cart.size > 0 && on("cart_abandonment")) {
    const dueMs = lastCartMs + config.cartIdleMs;
    if (dueMs >= notBefore) {
      const addSkus: TimerSku[] = [];
      const removeSkus: string[] = [];
      for (const [sku, c] of cart) {
        if (c.add) addSkus.push({ sku, atMs: c.atMs });
        else removeSkus.push(sku);
      }
      out.push(
        set("cart_abandonment", dueMs, "later", {
          addSkus: mostRecent(addSkus, config.maxSkus),
          removeSkus,
          maxSkus: config.maxSkus,
          cancelWhenEmpty: true,
        }),
      );
    }
  }

  if (on("browse_abandonment")) {
    // Views before the batch's last add were followed by an add: not abandoned browsing.
    if (lastAddMs > Number.NEGATIVE_INFINITY) out.push({ kind: "browse_abandonment", op: "cancel" });
    const viewed: TimerSku[] = [];
    for (const [sku, atMs] of views) if (atMs > lastAddMs) viewed.push({ sku, atMs });
    const dueMs = lastViewMs + config.browseIdleMs;
    if (viewed.length > 0 && dueMs >= notBefore) {
      out.push(
        set("browse_abandonment", dueMs, "later", {
          addSkus: mostRecent(viewed, config.maxSkus),
          maxSkus: config.maxSkus,
          unlessLive: "cart_abandonment",
        }),
      );
    }
  }

  if (bought && on("win_back")) {
    const gaps = dayGaps(state.orderDays);
    const usualMs = gaps.length === 0 ? 0 : median(gaps) * DAY_MS;
    const dueMs = state.lastPurchaseMs + Math.max(config.winBackMinMs, config.winBackIntervals * usualMs);
    if (dueMs >= notBefore) out.push(set("win_back", dueMs, "replace", { replaceSkus: true }));
  }

  if (bought && on("replenishment")) {
    const timeOfDay = ((state.lastPurchaseMs % DAY_MS) + DAY_MS) % DAY_MS;
    let soonest = Number.POSITIVE_INFINITY;
    let skus: TimerSku[] = [];
    for (const s of state.skus) {
      if (s.days.length < 2) continue;
      const dueMs = (s.days[0]! + Math.round(median(dayGaps(s.days)))) * DAY_MS + timeOfDay;
      if (dueMs < notBefore || dueMs > soonest) continue;
      if (dueMs < soonest) {
        soonest = dueMs;
        skus = [];
      }
      skus.push({ sku: s.sku, atMs: s.days[0]! * DAY_MS });
    }
    out.push(
      skus.length === 0
        ? { kind: "replenishment", op: "cancel" }
        : set("replenishment", soonest, "replace", {
            addSkus: mostRecent(skus, config.maxSkus),
            replaceSkus: true,
            maxSkus: config.maxSkus,
          }),
    );
  }

  if (lifeEventMs > Number.NEGATIVE_INFINITY && on("life_event")) {
    const next = nextLifeEventDay(state, dayOf(lifeEventMs));
    if (next !== undefined) {
      const dueMs = Math.max((next - config.lifeEventLeadDays) * DAY_MS, lifeEventMs);
      if (dueMs >= notBefore) out.push(set("life_event", dueMs, "replace", { replaceSkus: true }));
    }
  }
  return out;
}

function set(
  kind: TriggerKind,
  dueMs: number,
  due: TimerSet["due"],
  fields: Partial<Omit<TimerSet, "kind" | "op" | "dueMs" | "due">>,
): TimerSet {
  return {
    kind,
    op: "set",
    dueMs,
    due,
    addSkus: [],
    removeSkus: [],
    replaceSkus: false,
    maxSkus: 1,
    cancelWhenEmpty: false,
    unlessLive: null,
    ...fields,
  };
}

/** The `max` most recently touched, most recent first (ties by SKU, for a stable plan). */
function mostRecent(skus: TimerSku[], max: number): TimerSku[] {
  skus.sort((a, b) => b.atMs - a.atMs || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  return skus.length > max ? skus.slice(0, max) : skus;
}

/** The soonest day on or after `today` one of the person's life events (next) occurs on. */
function nextLifeEventDay(state: FeatureState, today: number): number | undefined {
  let soonest: number | undefined;
  for (const e of state.lifeEvents) {
    const day = parseDay(e.date);
    if (day === undefined) continue;
    const next = e.recurring && day < today ? nextAnniversary(e.date, today) : day;
    if (next === undefined || next < today) continue;
    if (soonest === undefined || next < soonest) soonest = next;
  }
  return soonest;
}
