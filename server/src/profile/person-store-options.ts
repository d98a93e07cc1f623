import { ALL_CONSENT, Consent } from "../domain/consent.js";
import type { ConsentRecord } from "../domain/stores.js";

/** Options both person stores share; the Redis store adds its client, key prefix and chunk size. */
export interface PersonStateStoreOptions {
  /**
   * Expiry of every per-person key (state, profile, consent, alias, links) and
   * of identifier links, in ms, refreshed on each write: a person nobody hears
   * of for this long is gone.
   * @default 34560000000 (400 days)
   */
  readonly personTtlMs?: number;
  /**
   * How long a Forget tombstone keeps `load` and `commit` reporting the ids
   * forgotten, in ms: longer than any event can stay in the log.
   * @default 34560000000 (400 days)
   */
  readonly tombstoneTtlMs?: number;
  /**
   * How long an applied event id is remembered for deduplication, in ms; also
   * the expiry of the `:seen` key.
   * @default 604800000 (7 days)
   */
  readonly dedupeWindowMs?: number;
  /**
   * Most event ids remembered per person; the oldest are dropped first.
   * @default 10000
   */
  readonly maxSeenEvents?: number;
}

/** Defaults of the optional `PersonStateStoreOptions`. */
export const PERSON_STATE_STORE_DEFAULTS = Object.freeze({
  personTtlMs: 400 * 24 * 3600 * 1000,
  tombstoneTtlMs: 400 * 24 * 3600 * 1000,
  dedupeWindowMs: 7 * 24 * 3600 * 1000,
  maxSeenEvents: 10_000,
});

/** `PersonStateStoreOptions` with defaults applied, validated and frozen. */
export type ResolvedPersonStateStoreOptions = Readonly<Required<PersonStateStoreOptions>>;

/**
 * Merges defaults into `options`, validates once and freezes the result.
 * Throws a `RangeError` naming the option.
 */
export function resolvePersonStateStoreOptions(
  options: PersonStateStoreOptions,
): ResolvedPersonStateStoreOptions {
  const d = PERSON_STATE_STORE_DEFAULTS;
  const resolved = {
    personTtlMs: options.personTtlMs ?? d.personTtlMs,
    tombstoneTtlMs: options.tombstoneTtlMs ?? d.tombstoneTtlMs,
    dedupeWindowMs: options.dedupeWindowMs ?? d.dedupeWindowMs,
    maxSeenEvents: options.maxSeenEvents ?? d.maxSeenEvents,
  };
  for (const key of ["personTtlMs", "tombstoneTtlMs", "dedupeWindowMs", "maxSeenEvents"] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] <= 0) {
      throw new RangeError(`options.${key} must be a positive integer, got ${resolved[key]}`);
    }
  }
  return Object.freeze(resolved);
}

/** Purposes a Global Privacy Control signal withdraws: the marketing and paid-media ones. */
export const GPC_PURPOSES = Consent.EMAIL | Consent.SMS | Consent.PUSH | Consent.ADS;

/** The record of nobody: what `updateConsent` returns for a forgotten id. */
export const NO_CONSENT: ConsentRecord = Object.freeze({ granted: 0, denied: 0, globalOptOut: false });

/**
 * Throws a `RangeError` naming the field when a consent change is not
 * representable: bits outside `Consent`, or a time that is not a
 * non-negative integer of ms. Both person stores call it first.
 */
export function assertConsentChange(
  change: { granted: number; denied: number; globalOptOut: boolean },
  atMs: number,
): void {
  for (const key of ["granted", "denied"] as const) {
    const bits = change[key];
    if (!Number.isInteger(bits) || bits < 0 || (bits & ~ALL_CONSENT) !== 0) {
      throw new RangeError(`change.${key} must be a combination of Consent bits, got ${bits}`);
    }
  }
  if (!Number.isSafeInteger(atMs) || atMs < 0) {
    throw new RangeError(`atMs must be a non-negative integer, got ${atMs}`);
  }
}

/** Throws a `RangeError` unless `value` is a version a store can have written. */
export function assertVersion(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** The argument checks both stores make before a merge. Throws a `RangeError` naming the field. */
export function assertMergeArguments(m: {
  into: string;
  from: string;
  intoVersion: number;
  fromVersion: number;
}): void {
  if (m.into === m.from)
    throw new RangeError(`merge: into and from are the same person ${JSON.stringify(m.into)}`);
  assertVersion("merge.intoVersion", m.intoVersion);
  assertVersion("merge.fromVersion", m.fromVersion);
}
