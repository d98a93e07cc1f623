import type { FeatureConfig } from "./feature-config.js";
import type { LifeEventRecord, MonthBucket, SkuPurchases } from "./feature-state.js";

/**
 * The bounded lists of a feature state and the one way each is kept: as a
 * set of entries of which the top N by a fixed order survive. `applyEvent`
 * adds one entry and `mergeFeatureStates` unions two lists through the same
 * functions, so both trim alike and the result does not depend on the order
 * entries came in (except for SKUs, see `normalizeSkus`).
 */

/** Distinct days, most recent first, at most `max` of them. Sorts `days` in place. */
export function normalizeDays(days: number[], max: number): number[] {
  days.sort((a, b) => b - a);
  let n = 0;
  for (const d of days) {
    if (n === 0 || d !== days[n - 1]) days[n++] = d;
    if (n === max) break;
  }
  days.length = n;
  return days;
}

/** Adds the purchase of `sku` on `day` to `skus` (in place). */
export function addSkuDay(skus: SkuPurchases[], sku: string, day: number, config: FeatureConfig): void {
  const entry = skus.find((e) => e.sku === sku);
  if (entry === undefined) skus.push({ sku, days: [day] });
  else entry.days = normalizeDays([...entry.days, day], config.maxPurchaseDatesPerSku);
  normalizeSkus(skus, config);
}

/** The union of two SKU lists, each SKU's days unioned and trimmed. */
export function mergeSkus(a: readonly SkuPurchases[], b: readonly SkuPurchases[], config: FeatureConfig) {
  const bySku = new Map<string, number[]>();
  for (const e of [...a, ...b]) bySku.set(e.sku, [...(bySku.get(e.sku) ?? []), ...e.days]);
  const out: SkuPurchases[] = [];
  for (const [sku, days] of bySku)
    out.push({ sku, days: normalizeDays(days, config.maxPurchaseDatesPerSku) });
  return normalizeSkus(out, config);
}

/**
 * Orders SKUs by their last purchase day (then by SKU, so ties are
 * deterministic) and keeps the first `maxReplenishmentSkus`. The one list
 * whose trimming can depend on arrival order: a SKU dropped for being old
 * loses its older days, which a later purchase of it does not bring back.
 */
function normalizeSkus(skus: SkuPurchases[], config: FeatureConfig): SkuPurchases[] {
  skus.sort((x, y) => y.days[0]! - x.days[0]! || compareStrings(x.sku, y.sku));
  if (skus.length > config.maxReplenishmentSkus) skus.length = config.maxReplenishmentSkus;
  return skus;
}

/**
 * Months kept for the loyalty tier: every month that can overlap a window of
 * `loyaltyWindowDays` ending in the latest month (months have ≥ 28 days).
 */
export function loyaltyMonths(config: FeatureConfig): number {
  return Math.floor(config.loyaltyWindowDays / 28) + 2;
}

/** Adds purchase value to its month (in place), keeping the most recent months. */
export function addMonthValue(
  months: MonthBucket[],
  month: number,
  value: number,
  orders: number,
  config: FeatureConfig,
): void {
  const bucket = months.find((m) => m.month === month);
  if (bucket === undefined) months.push({ month, value, orders });
  else {
    bucket.value += value;
    bucket.orders += orders;
  }
  normalizeMonths(months, config);
}

/** The union of two month lists, values of the same month added. */
export function mergeMonths(a: readonly MonthBucket[], b: readonly MonthBucket[], config: FeatureConfig) {
  const out: MonthBucket[] = a.map((m) => ({ ...m }));
  for (const m of b) {
    const bucket = out.find((x) => x.month === m.month);
    if (bucket === undefined) out.push({ ...m });
    else {
      bucket.value += m.value;
      bucket.orders += m.orders;
    }
  }
  return normalizeMonths(out, config);
}

function normalizeMonths(months: MonthBucket[], config: FeatureConfig): MonthBucket[] {
  months.sort((x, y) => y.month - x.month);
  const max = loyaltyMonths(config);
  if (months.length > max) months.length = max;
  return months;
}

/** Records a reported life event (in place): a repeated one only refreshes its report time. */
export function addLifeEvent(list: LifeEventRecord[], record: LifeEventRecord, config: FeatureConfig): void {
  const same = list.find((e) => sameLifeEvent(e, record));
  if (same === undefined) list.push({ ...record });
  else same.reportedMs = Math.max(same.reportedMs, record.reportedMs);
  normalizeLifeEvents(list, config);
}

/** The union of two life event lists. */
export function mergeLifeEvents(
  a: readonly LifeEventRecord[],
  b: readonly LifeEventRecord[],
  config: FeatureConfig,
): LifeEventRecord[] {
  const out = a.map((e) => ({ ...e }));
  for (const e of b) addLifeEvent(out, e, config);
  return normalizeLifeEvents(out, config);
}

function sameLifeEvent(x: LifeEventRecord, y: LifeEventRecord): boolean {
  return x.type === y.type && x.date === y.date && x.recurring === y.recurring;
}

/** Most recently reported first, then by type, date and recurrence; at most `maxLifeEvents`. */
function normalizeLifeEvents(list: LifeEventRecord[], config: FeatureConfig): LifeEventRecord[] {
  list.sort(
    (x, y) =>
      y.reportedMs - x.reportedMs ||
      compareStrings(x.type, y.type) ||
      compareStrings(x.date, y.date) ||
      Number(x.recurring) - Number(y.recurring),
  );
  if (list.length > config.maxLifeEvents) list.length = config.maxLifeEvents;
  return list;
}

/** Code-unit order, independent of locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
