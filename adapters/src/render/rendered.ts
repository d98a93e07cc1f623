import type { ChannelName } from "../delivery.js";

/**
 * What a renderer makes of a delivery: the channel's payload, ready for a
 * sink. `body` is plain JSON (a subject and text for email, segments for SMS,
 * slot JSON for web, feed rows for paid media…).
 */
export interface RenderedMessage {
  readonly channel: ChannelName;
  /** The idempotency key every sink passes on (webhook header, JSONL field). */
  readonly experienceId: string;
  readonly deliveryId: string;
  readonly recipient: string;
  readonly body: Readonly<Record<string, unknown>>;
}
