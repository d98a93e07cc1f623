import { CHANNEL_NAMES, type Channel } from "../domain/channel.js";

/** The consumer group every adapter of a channel reads its decision stream in. */
export const DELIVERY_GROUP = "adapters";

/**
 * The Redis keys of delivery (see server/src/profile/README.md):
 * - `deliver:<channel>`: the channel's decision stream, one entry per decision (fields below);
 * - `deliver:<channel>:later`: sorted set of deferred entries (msgpack of the fields) by when to offer them again;
 * - `deliver:<channel>:dead`: entries that could not be delivered, with the reason (capped);
 * - `deliver:<channel>:sent:<experienceId>`: the entry id that is delivering the experience, for the dedupe window;
 * - `deliver:once:<onceKey>`: a trigger's decision was enqueued (a retried trigger enqueues nothing).
 */
export function deliveryKeys(keyPrefix: string, channel: Channel) {
  const stream = `${keyPrefix}deliver:${CHANNEL_NAMES[channel]}`;
  return {
    stream,
    later: `${stream}:later`,
    dead: `${stream}:dead`,
    sent: (experienceId: string) => `${stream}:sent:${experienceId}`,
  };
}

export function onceKey(keyPrefix: string, key: string): string {
  return `${keyPrefix}deliver:once:${key}`;
}

/** Field names of a decision stream entry. */
export const F = {
  person: "p",
  experience: "x",
  decision: "d",
  expiresAt: "e",
  /** "1" when the decision held a cap reservation when it was enqueued. */
  capsHeld: "c",
  timeZone: "z",
  trigger: "t",
  /** The `relevance.v1.Delivery` bytes, without delivery_id and attempt (added at send time). */
  body: "b",
} as const;
