/** Purchase value within `loyaltyWindowDays` from which a tier is reached. */
export interface LoyaltyThresholds {
  /** @default 200 */
  readonly silver: number;
  /** @default 1000 */
  readonly gold: number;
  /** @default 5000 */
  readonly platinum: number;
}

/**
 * The knobs of the feature engine (`applyEvent`, `mergeFeatureStates`,
 * `deriveProfile`). Every list the state keeps has a bound here, so a
 * person's state never grows without bound whatever they do.
 */
export interface FeatureConfig {
  /** Half-life of category affinity, profile vector and price anchor, in days. @default 30 */
  readonly affinityHalfLifeDays: number;
  /** Weight of a viewed item in the decayed sums. @default 1 */
  readonly viewWeight: number;
  /** Weight of an item added to the cart. @default 3 */
  readonly cartWeight: number;
  /** Weight of each purchased line. @default 5 */
  readonly purchaseWeight: number;
  /** Longest pause between two events of one session, in ms. @default 1800000 (30 minutes) */
  readonly sessionGapMs: number;
  /** Dwell in a session, in ms, at which its dwell term of session intent is 0.5. @default 60000 */
  readonly intentDwellHalfMs: number;
  /** Window of purchase value that decides the loyalty tier, in days. @default 365 */
  readonly loyaltyWindowDays: number;
  /** Purchase value in the window from which each tier is reached; non-decreasing. */
  readonly loyaltyThresholds: LoyaltyThresholds;
  /** How far ahead a life event is listed as upcoming, in days. @default 60 */
  readonly lifeEventHorizonDays: number;
  /** SKUs whose purchase days are kept for replenishment cycles, most recent first. @default 50 */
  readonly maxReplenishmentSkus: number;
  /** Distinct purchase days kept per SKU, most recent first. @default 8 */
  readonly maxPurchaseDatesPerSku: number;
  /** Distinct order days kept for the usual interval between orders, most recent first. @default 32 */
  readonly maxOrderDates: number;
  /** Life events kept, most recently reported first. @default 16 */
  readonly maxLifeEvents: number;
  /**
   * Strength of the 0.5 prior of discount sensitivity, in orders: with `n`
   * orders, `p` of them discounted, sensitivity is `(p + k/2) / (n + k)`.
   * @default 2
   */
  readonly discountPriorOrders: number;
  /**
   * Most orders a bulk-loaded profile's discount sensitivity counts as, at
   * most its `events` (see `featureStateFromProfile`). @default 10
   */
  readonly profilePriorOrders: number;
  /**
   * Strength of the churn prior (0.5, or the bulk-loaded profile's churn
   * risk), in intervals between orders. @default 1
   */
  readonly churnPriorIntervals: number;
  /**
   * Time since the last purchase, in usual intervals between orders, at which
   * the measured churn risk is 0.5. @default 2
   */
  readonly churnMidpointIntervals: number;
}

/** `FeatureConfig` as a caller may give it: any knob left out (or undefined) takes its default. */
export type FeatureOptions = {
  readonly [K in Exclude<keyof FeatureConfig, "loyaltyThresholds">]?: FeatureConfig[K] | undefined;
} & {
  readonly loyaltyThresholds?: { readonly [K in keyof LoyaltyThresholds]?: number | undefined } | undefined;
};

/** The default knobs. */
export const DEFAULT_FEATURE_CONFIG: FeatureConfig = Object.freeze({
  affinityHalfLifeDays: 30,
  viewWeight: 1,
  cartWeight: 3,
  purchaseWeight: 5,
  sessionGapMs: 30 * 60 * 1000,
  intentDwellHalfMs: 60_000,
  loyaltyWindowDays: 365,
  loyaltyThresholds: Object.freeze({ silver: 200, gold: 1000, platinum: 5000 }),
  lifeEventHorizonDays: 60,
  maxReplenishmentSkus: 50,
  maxPurchaseDatesPerSku: 8,
  maxOrderDates: 32,
  maxLifeEvents: 16,
  discountPriorOrders: 2,
  profilePriorOrders: 10,
  churnPriorIntervals: 1,
  churnMidpointIntervals: 2,
});

/**
 * Merges defaults into `options`, validates once and freezes the result.
 * Throws a `RangeError` naming the option (`options.<name> must be …`).
 */
export function resolveFeatureConfig(options: FeatureOptions = {}): FeatureConfig {
  const d = DEFAULT_FEATURE_CONFIG;
  const thresholds = Object.freeze({
    ...d.loyaltyThresholds,
    ...definedOnly(options.loyaltyThresholds ?? {}),
  });
  const c: FeatureConfig = { ...d, ...definedOnly(options), loyaltyThresholds: thresholds };

  positive(c, "affinityHalfLifeDays");
  for (const key of ["viewWeight", "cartWeight", "purchaseWeight"] as const) {
    if (!Number.isFinite(c[key]) || c[key] < 0) {
      throw new RangeError(`options.${key} must be a non-negative finite number, got ${c[key]}`);
    }
  }
  positive(c, "sessionGapMs");
  positive(c, "intentDwellHalfMs");
  positive(c, "loyaltyWindowDays");
  positive(c, "lifeEventHorizonDays");
  let previous = 0;
  for (const tier of ["silver", "gold", "platinum"] as const) {
    const v = thresholds[tier];
    if (!Number.isFinite(v) || v <= 0) {
      throw new RangeError(`options.loyaltyThresholds.${tier} must be a positive finite number, got ${v}`);
    }
    if (v < previous) {
      throw new RangeError(
        `options.loyaltyThresholds.${tier} must not be below the tier under it (${previous}), got ${v}`,
      );
    }
    previous = v;
  }
  integerIn(c, "maxReplenishmentSkus", 1, 1000);
  // Two days are the fewest that give an interval.
  integerIn(c, "maxPurchaseDatesPerSku", 2, 64);
  integerIn(c, "maxOrderDates", 2, 1000);
  integerIn(c, "maxLifeEvents", 1, 256);
  positive(c, "discountPriorOrders");
  positive(c, "profilePriorOrders");
  positive(c, "churnPriorIntervals");
  positive(c, "churnMidpointIntervals");
  return Object.freeze(c);
}

type NumericKey = {
  [K in keyof FeatureConfig]: FeatureConfig[K] extends number ? K : never;
}[keyof FeatureConfig];

function positive(c: FeatureConfig, key: NumericKey): void {
  if (!Number.isFinite(c[key]) || c[key] <= 0) {
    throw new RangeError(`options.${key} must be a positive finite number, got ${c[key]}`);
  }
}

function integerIn(c: FeatureConfig, key: NumericKey, min: number, max: number): void {
  if (!Number.isInteger(c[key]) || c[key] < min || c[key] > max) {
    throw new RangeError(`options.${key} must be an integer in ${min}..${max}, got ${c[key]}`);
  }
}

/** The entries of `o` that are not undefined, so a spread never overwrites a default with undefined. */
function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: { [K in keyof T]?: Exclude<T[K], undefined> } = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
