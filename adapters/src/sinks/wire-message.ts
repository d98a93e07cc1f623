import type { RenderedMessage } from "../render/rendered.js";

/**
 * A rendered message as it leaves the adapter: snake_case, as every receiver
 * (webhook, JSONL reader, log shipper) sees it. One definition, so the webhook
 * body, the file line and the stdout line never drift apart.
 */
export interface WireMessage {
  readonly experience_id: string;
  readonly delivery_id: string;
  readonly channel: string;
  readonly recipient: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The wire shape of `message`; `experience_id` comes first so a reader finds the key at the line start. */
export function toWireMessage(message: RenderedMessage): WireMessage {
  return {
    experience_id: message.experienceId,
    delivery_id: message.deliveryId,
    channel: message.channel,
    recipient: message.recipient,
    body: message.body,
  };
}
