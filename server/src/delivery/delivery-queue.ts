import type { Decision } from "../domain/decision.js";

/** A decision on its way to a channel, with what its adapter needs beyond the decision. */
export interface QueuedDecision {
  readonly decision: Decision;
  /** The resolved person id. */
  readonly recipient: string;
  /** What fired it ("cart_abandonment"…), "" for none. */
  readonly trigger: string;
  readonly timeZone: string;
  readonly locale: string;
  /** Personal tokens for templates (tier, life_event…); never raw contact data. */
  readonly tokens: Readonly<Record<string, string>>;
  /** Not to be delivered after this (ms since the epoch); 0 for no limit. */
  readonly expiresAtMs: number;
}

/**
 * The per-channel decision streams (`<prefix>deliver:<channel>` on Redis)
 * that DeliveryService.Subscribe reads.
 */
export interface DeliveryQueue {
  /**
   * Appends the decision to the stream of `decision.channel`, once per
   * `onceKey`: a second call with the same key (a retried trigger) appends
   * nothing and resolves false. A decision without items is not appended
   * (false).
   */
  enqueue(queued: QueuedDecision, onceKey: string): Promise<boolean>;
}
