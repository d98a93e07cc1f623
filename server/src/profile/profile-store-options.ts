/** Options both profile stores share; the Redis store adds its client and key prefix. */
export interface ProfileStoreOptions {
  /** Feature count of the server's model; profiles of another length are rejected. */
  readonly features: number;
  /**
   * Longest a cap is kept, in ms: `capItem` clamps `untilMs` to now + this, so
   * a far-future cap cannot keep state alive forever (bounded memory).
   * @default 7776000000 (90 days)
   */
  readonly capRetentionMs?: number;
  /**
   * How long a person's redeemed set lives after its last `markRedeemed`, in ms.
   * @default 31536000000 (365 days)
   */
  readonly redeemedRetentionMs?: number;
}

/** Defaults of the optional `ProfileStoreOptions`. */
export const PROFILE_STORE_DEFAULTS = Object.freeze({
  capRetentionMs: 90 * 24 * 3600 * 1000,
  redeemedRetentionMs: 365 * 24 * 3600 * 1000,
});

/** `ProfileStoreOptions` with defaults applied, validated and frozen. */
export type ResolvedProfileStoreOptions = Readonly<Required<ProfileStoreOptions>>;

/**
 * Merges defaults into `options`, validates once and freezes the result.
 * Throws a `RangeError` naming the option.
 */
export function resolveProfileStoreOptions(options: ProfileStoreOptions): ResolvedProfileStoreOptions {
  const resolved = {
    features: options.features,
    capRetentionMs: options.capRetentionMs ?? PROFILE_STORE_DEFAULTS.capRetentionMs,
    redeemedRetentionMs: options.redeemedRetentionMs ?? PROFILE_STORE_DEFAULTS.redeemedRetentionMs,
  };
  if (!Number.isInteger(resolved.features) || resolved.features <= 0 || resolved.features > 0xffff) {
    throw new RangeError(`options.features must be an integer in 1..65535, got ${resolved.features}`);
  }
  for (const key of ["capRetentionMs", "redeemedRetentionMs"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0) {
      throw new RangeError(`options.${key} must be a positive integer, got ${resolved[key]}`);
    }
  }
  return Object.freeze(resolved);
}

/**
 * The effective capped-until of `capItem(…, untilMs)` at `nowMs`, or
 * undefined when the cap is already over and changes nothing. Both stores use
 * it, so they clamp and round the same way.
 */
export function effectiveCapUntil(
  untilMs: number,
  nowMs: number,
  capRetentionMs: number,
): number | undefined {
  if (!Number.isFinite(untilMs)) throw new RangeError(`untilMs must be a finite number, got ${untilMs}`);
  if (untilMs <= nowMs) return undefined;
  return Math.ceil(Math.min(untilMs, nowMs + capRetentionMs));
}
