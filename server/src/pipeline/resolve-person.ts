import { Reason } from "../../../core-wasm/src/layout.js";
import type { Channel } from "../domain/channel.js";
import { Consent, channelPurpose } from "../domain/consent.js";
import { Degradation, Treatment } from "../domain/decision.js";
import type { PersonRead, Profile } from "../domain/profile.js";

/** How the person's read shapes the decision. */
export interface PersonResolution {
  readonly treatment: Treatment;
  readonly degradations: readonly Degradation[];
  /** The profile to score with, or null for a non-personalised ranking. */
  readonly profile: Profile | null;
  /** NO_CONSENT when nothing may be sent in this channel, else 0. */
  readonly blockReason: number;
  readonly capped: readonly string[];
  readonly redeemed: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);
const SPARSE: readonly Degradation[] = Object.freeze([Degradation.PROFILE_SPARSE]);

const FAILURE_DEGRADATION = {
  missing: Degradation.PROFILE_MISSING,
  invalid: Degradation.PROFILE_INVALID,
  timeout: Degradation.PROFILE_TIMEOUT,
  unavailable: Degradation.PROFILE_UNAVAILABLE,
} as const;

/**
 * Turns a profile read into treatment, consent gating and exclusions.
 *
 * Consent fails closed: without a readable profile there is no consent, so a
 * channel that needs a marketing purpose (email, SMS, push, in-store, paid
 * media) gets nothing, and no channel gets a personalised ranking. Owned
 * channels (web, app) still get the non-personalised ranking.
 */
export function resolvePerson(read: PersonRead, channel: Channel, minProfileEvents = 0): PersonResolution {
  const purpose = channelPurpose(channel);
  if (read.kind === "found") {
    const consent = read.profile.consent;
    const personalize = (consent & Consent.PERSONALIZATION) !== 0;
    // Too little behaviour to mean anything: rank by the rules, say so.
    const sparse = personalize && read.profile.events < minProfileEvents;
    return {
      treatment: personalize && !sparse ? Treatment.PERSONALIZED : Treatment.NON_PERSONALIZED,
      degradations: sparse ? SPARSE : [],
      profile: personalize && !sparse ? read.profile : null,
      blockReason: purpose !== 0 && (consent & purpose) === 0 ? Reason.NO_CONSENT : 0,
      capped: read.capped,
      redeemed: read.redeemed,
    };
  }
  const known = read.kind === "missing" || read.kind === "invalid";
  return {
    treatment: Treatment.FALLBACK,
    degradations: [FAILURE_DEGRADATION[read.kind]],
    profile: null,
    blockReason: purpose !== 0 ? Reason.NO_CONSENT : 0,
    capped: known ? read.capped : NONE,
    redeemed: known ? read.redeemed : NONE,
  };
}
