import { describe, expect, it } from "vitest";
import type { PersonEvent } from "../../server/src/domain/event.js";
import { planTimers } from "../../server/src/triggers/plan-timers.js";
import type { TimerChange } from "../../server/src/triggers/timer-store.js";
import { resolveTriggerConfig, type TriggerKind } from "../../server/src/triggers/trigger-config.js";
import {
  cart,
  consentUpdate,
  DAY,
  identify,
  life,
  line,
  purchase,
  search,
  stateOf,
  T0,
  uncart,
  view,
} from "../profile/features/feature-fixture.js";
import { timerSet } from "./support.js";

const MIN = 60_000;
const config = resolveTriggerConfig();
const t = T0 + 10 * 3600_000; // 2025-03-01 10:00 UTC

const set = timerSet;
const cancel = (kind: TriggerKind): TimerChange => ({ kind, op: "cancel" });
const skus = (...pairs: [string, number][]) => pairs.map(([sku, atMs]) => ({ sku, atMs }));

interface Row {
  name: string;
  /** Applied in earlier batches: in the state, not in the batch. */
  before?: PersonEvent[];
  batch: PersonEvent[];
  now?: number;
  options?: Parameters<typeof resolveTriggerConfig>[0];
  expected: TimerChange[];
}

const ROWS: Row[] = [
  {
    name: "add_to_cart sets the cart timer cartIdleMs after it and ends browse abandonment",
    batch: [cart(t, "S1")],
    expected: [
      set("cart_abandonment", t + 30 * MIN, { addSkus: skus(["S1", t]), cancelWhenEmpty: true }),
      cancel("browse_abandonment"),
    ],
  },
  {
    name: "remove_from_cart drops the SKU; the timer counts from the last cart change",
    batch: [cart(t, "S1"), cart(t + 1, "S2"), uncart(t + 2, "S1")],
    expected: [
      set("cart_abandonment", t + 2 + 30 * MIN, {
        addSkus: skus(["S2", t + 1]),
        removeSkus: ["S1"],
        cancelWhenEmpty: true,
      }),
      cancel("browse_abandonment"),
    ],
  },
  {
    name: "a removal alone is left to the store, which cancels the timer when the cart is empty",
    batch: [uncart(t, "S1")],
    expected: [set("cart_abandonment", t + 30 * MIN, { removeSkus: ["S1"], cancelWhenEmpty: true })],
  },
  {
    name: "view_item sets the browse timer with the viewed SKUs, most recent first, unless a cart timer is live",
    batch: [view(t, "S1"), view(t + 5, "S2"), view(t + 6, "S1")],
    expected: [
      set("browse_abandonment", t + 6 + 60 * MIN, {
        addSkus: skus(["S1", t + 6], ["S2", t + 5]),
        unlessLive: "cart_abandonment",
      }),
    ],
  },
  {
    name: "the browse timer keeps the maxSkus most recent views",
    batch: Array.from({ length: 12 }, (_, i) => view(t + i, `V${i}`)),
    expected: [
      set("browse_abandonment", t + 11 + 60 * MIN, {
        addSkus: Array.from({ length: 10 }, (_, i) => ({ sku: `V${11 - i}`, atMs: t + 11 - i })),
        unlessLive: "cart_abandonment",
      }),
    ],
  },
  {
    name: "views followed by an add are not browse abandonment",
    batch: [view(t, "S1"), cart(t + 1, "S2")],
    expected: [
      set("cart_abandonment", t + 1 + 30 * MIN, { addSkus: skus(["S2", t + 1]), cancelWhenEmpty: true }),
      cancel("browse_abandonment"),
    ],
  },
  {
    name: "views after the last add are, unless the cart timer is live",
    batch: [cart(t, "S2"), view(t + 1, "S1")],
    expected: [
      set("cart_abandonment", t + 30 * MIN, { addSkus: skus(["S2", t]), cancelWhenEmpty: true }),
      cancel("browse_abandonment"),
      set("browse_abandonment", t + 1 + 60 * MIN, {
        addSkus: skus(["S1", t + 1]),
        unlessLive: "cart_abandonment",
      }),
    ],
  },
  {
    name: "purchase cancels cart and browse, sets win-back at the minimum and cancels replenishment without a repeat SKU",
    batch: [cart(t, "S1"), view(t + 1, "S3"), purchase(t + 10, [line("S1", 10)])],
    expected: [
      cancel("cart_abandonment"),
      cancel("browse_abandonment"),
      set("win_back", t + 10 + 60 * DAY, { due: "replace", replaceSkus: true, maxSkus: 1 }),
      cancel("replenishment"),
    ],
  },
  {
    name: "win-back after twice the usual interval when that is longer than the minimum",
    before: [purchase(t - 90 * DAY, [line("S1", 10)]), purchase(t - 45 * DAY, [line("S2", 10)])],
    batch: [purchase(t, [line("S3", 10)])],
    expected: [
      cancel("cart_abandonment"),
      cancel("browse_abandonment"),
      set("win_back", t + 90 * DAY, { due: "replace", replaceSkus: true, maxSkus: 1 }),
      cancel("replenishment"),
    ],
  },
  {
    name: "replenishment when the soonest repeat SKU is due, at the last purchase's time of day",
    before: [
      purchase(t - 60 * DAY, [line("S1", 10)]),
      purchase(t - 50 * DAY, [line("S2", 10)]),
      purchase(t - 30 * DAY, [line("S1", 10), line("S2", 10)]),
    ],
    // S1: days −60, −30, 0 → every 30 days; S2: −50, −30, 0 → median of 30 and 20 = 25.
    batch: [purchase(t, [line("S1", 10), line("S2", 10)])],
    expected: [
      cancel("cart_abandonment"),
      cancel("browse_abandonment"),
      set("win_back", t + 60 * DAY, { due: "replace", replaceSkus: true, maxSkus: 1 }),
      set("replenishment", t + 25 * DAY, {
        due: "replace",
        replaceSkus: true,
        addSkus: skus(["S2", T0]),
      }),
    ],
  },
  {
    name: "cart events older than the latest purchase (late arrivals) change nothing",
    before: [purchase(t + 100, [line("S1", 10)])],
    batch: [cart(t, "S2"), view(t + 1, "S3")],
    expected: [],
  },
  {
    name: "a late purchase older than the latest one does not end the cart",
    before: [purchase(t + 100, [line("S1", 10)]), cart(t + 200, "S2")],
    batch: [purchase(t, [line("S3", 10)])],
    expected: [],
  },
  {
    name: "a timer that would have fired more than maxLateMs ago is not set",
    batch: [cart(t - 2 * DAY, "S1")],
    expected: [cancel("browse_abandonment")],
  },
  {
    name: "life_event sets the timer lifeEventLeadDays before the next occurrence",
    batch: [life(t, "birthday", "1990-03-20", true)],
    expected: [set("life_event", Date.UTC(2025, 2, 6), { due: "replace", replaceSkus: true, maxSkus: 1 })],
  },
  {
    name: "a life event nearer than the lead time fires at the report",
    batch: [life(t, "wedding", "2025-03-10", false)],
    expected: [set("life_event", t, { due: "replace", replaceSkus: true, maxSkus: 1 })],
  },
  {
    name: "the soonest of the person's life events counts",
    before: [life(t - DAY, "move", "2025-05-01", false)],
    batch: [life(t, "birthday", "1990-08-20", true)],
    expected: [set("life_event", Date.UTC(2025, 3, 17), { due: "replace", replaceSkus: true, maxSkus: 1 })],
  },
  {
    name: "a past one-off life event sets nothing",
    batch: [life(t, "move", "2024-05-01", false)],
    expected: [],
  },
  {
    name: "disabled kinds get no changes",
    options: { kinds: { cart_abandonment: { enabled: false }, browse_abandonment: { enabled: false } } },
    batch: [cart(t, "S1"), view(t + 1, "S2")],
    expected: [],
  },
  {
    name: "other events plan nothing",
    batch: [search(t), consentUpdate(t + 1), identify(t + 2)],
    expected: [],
  },
];

describe("planTimers()", () => {
  it.each(ROWS)("should plan: $name", (row) => {
    const cfg = row.options === undefined ? config : resolveTriggerConfig(row.options);
    const state = stateOf([...(row.before ?? []), ...row.batch]);
    expect(planTimers(row.batch, state, cfg, row.now ?? t + 1000)).toEqual(row.expected);
  });

  it("should plan the same changes when the batch is planned again (redelivery)", () => {
    const batch = [cart(t, "S1"), view(t + 1, "S2"), purchase(t + 2, [line("S1", 5)]), cart(t + 3, "S4")];
    const state = stateOf(batch);
    expect(planTimers(batch, state, config, t + 10)).toEqual(planTimers(batch, state, config, t + 5000));
  });
});
