/**
 * Channels a decision can be for. The numbers equal the proto enum
 * `relevance.v1.Channel` and are the bit positions of an item's channel mask.
 */
export const Channel = {
  WEB: 1,
  APP: 2,
  EMAIL: 3,
  SMS: 4,
  PUSH: 5,
  IN_STORE: 6,
  PAID_MEDIA: 7,
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

/** Item channel mask with every channel allowed (bits 1..7). */
export const ALL_CHANNELS_MASK = 0b1111_1110;

/** Lower-case names, for logs, configuration and the CLI. */
export const CHANNEL_NAMES: Readonly<Record<Channel, string>> = {
  1: "web",
  2: "app",
  3: "email",
  4: "sms",
  5: "push",
  6: "in_store",
  7: "paid_media",
};

/** Returns true when `n` is a known channel number. */
export function isChannel(n: number): n is Channel {
  return Number.isInteger(n) && n >= Channel.WEB && n <= Channel.PAID_MEDIA;
}
