import { Channel } from "./channel.js";

/**
 * Consent purposes a person can grant, as bits of `Profile.consent`.
 * Unknown consent is no consent: a missing profile has none of these bits.
 */
export const Consent = {
  /** Use the person's profile to rank and choose (every channel). */
  PERSONALIZATION: 1 << 0,
  /** Marketing email. */
  EMAIL: 1 << 1,
  /** Marketing SMS. */
  SMS: 1 << 2,
  /** Marketing push notifications. */
  PUSH: 1 << 3,
  /** In-store clienteling: an associate may see personal recommendations. */
  IN_STORE: 1 << 4,
  /** Paid media: personal ads on third-party placements. */
  ADS: 1 << 5,
} as const;

/** Every consent bit set. */
export const ALL_CONSENT = 0b11_1111;

/**
 * The purpose a channel needs before anything may be sent or shown in it at
 * all, or 0 for owned on-site channels (web, app), which may show a
 * non-personalised ranking to anyone.
 */
export function channelPurpose(channel: Channel): number {
  switch (channel) {
    case Channel.EMAIL:
      return Consent.EMAIL;
    case Channel.SMS:
      return Consent.SMS;
    case Channel.PUSH:
      return Consent.PUSH;
    case Channel.IN_STORE:
      return Consent.IN_STORE;
    case Channel.PAID_MEDIA:
      return Consent.ADS;
    default:
      return 0;
  }
}
