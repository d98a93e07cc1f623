const DAY_MS = 24 * 3600 * 1000;

/** Longest an experience record is kept, whatever its `untilMs`: 400 days, like the person's other keys. */
export const MAX_EXPERIENCE_RETENTION_MS = 400 * DAY_MS;

/** Options both cap stores share; the Redis store adds its client and key prefix, the memory one its clock. */
export interface CapStoreOptions {
  /**
   * How long a person's experience records are kept after the last decision
   * that handed one out, in ms, unless a record's `untilMs` is later. At most
   * `MAX_EXPERIENCE_RETENTION_MS`.
   * @default 2592000000 (30 days)
   */
  readonly experienceRetentionMs?: number;
  /**
   * How long a person's redeemed set lives after a redemption, in ms: the same
   * setting as the profile store's `redeemedRetentionMs`, which writes the same set.
   * @default 31536000000 (365 days)
   */
  readonly redeemedRetentionMs?: number;
}

/** Defaults of the optional `CapStoreOptions`. */
export const CAP_STORE_DEFAULTS = Object.freeze({
  experienceRetentionMs: 30 * DAY_MS,
  redeemedRetentionMs: 365 * DAY_MS,
});

/** `CapStoreOptions` with defaults applied, validated and frozen. */
export type ResolvedCapStoreOptions = Readonly<Required<CapStoreOptions>>;

/**
 * Merges defaults into `options`, validates once and freezes the result.
 * Throws a `RangeError` naming the option.
 */
export function resolveCapStoreOptions(options: CapStoreOptions): ResolvedCapStoreOptions {
  const resolved = {
    experienceRetentionMs: options.experienceRetentionMs ?? CAP_STORE_DEFAULTS.experienceRetentionMs,
    redeemedRetentionMs: options.redeemedRetentionMs ?? CAP_STORE_DEFAULTS.redeemedRetentionMs,
  };
  const e = resolved.experienceRetentionMs;
  if (!Number.isSafeInteger(e) || e <= 0 || e > MAX_EXPERIENCE_RETENTION_MS) {
    throw new RangeError(
      `options.experienceRetentionMs must be an integer in 1..${MAX_EXPERIENCE_RETENTION_MS}, got ${e}`,
    );
  }
  const r = resolved.redeemedRetentionMs;
  if (!Number.isSafeInteger(r) || r <= 0) {
    throw new RangeError(`options.redeemedRetentionMs must be a positive integer, got ${r}`);
  }
  return Object.freeze(resolved);
}

/**
 * When a person's experience records may expire after a decision at `nowMs`
 * stored or re-stored some: the latest of the current expiry
 * (`currentExpiresAtMs`, 0 when none), the records' `untilMs` and `nowMs` +
 * `experienceRetentionMs`, but never later than `nowMs` +
 * `MAX_EXPERIENCE_RETENTION_MS`. The Redis script computes the same.
 */
export function experienceExpiry(
  nowMs: number,
  currentExpiresAtMs: number,
  latestUntilMs: number,
  experienceRetentionMs: number,
): number {
  const latest = Math.max(currentExpiresAtMs, latestUntilMs, nowMs + experienceRetentionMs);
  return Math.min(latest, nowMs + MAX_EXPERIENCE_RETENTION_MS);
}
